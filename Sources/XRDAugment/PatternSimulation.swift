// A full simulated powder pattern: stick pattern → peaks on the instrument's 2θ grid → background → noise.
//
// For every emission line λ_i (weight w_i) and reflection family (d, m, |F|²): the peak sits at its own Bragg
// angle 2θ_i = 2 asin(λ_i / 2d) plus the instrument's zero shift and specimen-displacement shift, with area
//   A = scale · w_i · m · |F|² · Lp(2θ_i) · P_MD · S(θ_i),
// Lp the Bragg–Brentano Lorentz-polarization factor (with the monochromator angle), P_MD the March–Dollase
// factor averaged over the family's members, S the divergence-slit factor (1 fixed, sin θ variable).
// Widths at the observed position: Gaussian FWHM² = U tan²θ + V tanθ + W; Lorentzian FWHM = X/cosθ + Y tanθ
// + Scherrer K λ/(D cos θ) (K = 0.9, D the crystallite size) + Stokes–Wilson 4 ε tan θ (microstrain ε), all in
// degrees 2θ; combined into a pseudo-Voigt by Thompson–Cox–Hastings; FCJ axial-divergence asymmetry from S/L, H/L.
// |F|² is computed once, at the strongest line's wavelength (f′, f″ differ between Cu Kα1 and Kα2 by ~10⁻³ e).
// A Q scan (Instrument.q, Q = 4π sin θ / λ at the strongest line) is rendered on a uniform 2θ grid covering
// it, with a step no larger than the smallest 2θ spacing of the Q points nor than 1/8 of the narrowest
// instrumental FWHM on the scan (but at least 1/8 of that spacing); the peaks are then resampled at each
// 2θ(Qᵢ) by a natural cubic spline (GSL `cspline`), clamped at 0. Measured (QGridTests.swift; Si, cu-lab
// widths, Q 1.5–5 Å⁻¹ in 0.001 steps) against exact point values: worst error 6e-5 of the maximum; Akima 1.3e-3,
// Steffen 8.6e-3 (it puts every extremum on a grid point, flattening peak tops), linear 8.8e-3. Against the 2θ
// path at the same angles: 3.5e-5 (3.0e-5 with FCJ S/L = H/L = 0.01; 2.3e-4 at Q step 0.004). The background
// is evaluated exactly at 2θ(Qᵢ), the noise drawn on the Q points. The 2θ path does none of this.
// Not done: absorption / transparency, surface roughness, anisotropic size; averaging over a Q bin for peaks
// narrower than the Q spacing (a Q point gets the value at its angle).

import Foundation
package import XRDGSL
public import XRDCrystal
public import XRDDiffraction
public import XRDProfile

/// One peak of a simulated pattern, for tick marks and labels.
public struct PatternPeak: Sendable, Hashable {
  public var hkl: MillerIndex
  /// Index into ``SimulatedPattern/radiation``.
  public var line: Int
  /// Observed position in degrees 2θ (Bragg angle plus shifts).
  public var twoTheta: Double
  /// Integrated intensity (area, intensity × degrees) before noise.
  public var area: Double
  public var widths: PeakWidths
}

/// A simulated pattern with its components. All arrays have one value per grid point.
public struct SimulatedPattern: Sendable {
  /// The 2θ of each point in degrees: the uniform 2θ grid, or 2θ(Qᵢ) = 2 asin(Qᵢλ / 4π) for a Q scan.
  public var twoTheta: [Double]
  /// What a detector records: peaks + background, with noise when the instrument asks for it.
  public var intensity: [Double]
  /// The Bragg peaks alone (scaled like `intensity`).
  public var peaks: [Double]
  /// The background alone (scaled like `intensity`).
  public var background: [Double]
  /// intensity − peaks − background (all zero without noise).
  public var noise: [Double]
  public var radiation: [EmissionLine]
  /// Counts per unit of stick area: `peaks` = peakScale × Σ area·profile (so Σ peaks·step / peakScale is the
  /// total stick intensity on the grid; on a Q grid, with each point's 2θ spacing in place of the step).
  public var peakScale: Double
  /// Every peak that was rendered, sorted by 2θ.
  public var peakList: [PatternPeak]
  /// The Q of each point in Å⁻¹ (Q = 4π sin θ / λ, λ the strongest line) when the instrument scans a Q grid
  /// (``Instrument/q``); nil for a 2θ grid.
  public var q: [Double]? = nil
}

/// Simulates full patterns of one crystal on one instrument. Prepare once (structure factors, families), then
/// call ``simulate(seed:)`` as often as needed.
public struct PatternSimulator: Sendable {
  public let crystal: Crystal
  public let instrument: Instrument
  public let settings: DiffractionSettings
  /// The reflection families with |F|², computed at the strongest line over a range that covers every line
  /// and the tails of peaks just outside the scan.
  public let sticks: StickPattern
  /// The grid peaks are rendered on: the scan's 2θ grid, or for a Q scan a finer grid covering it.
  let grid: TwoThetaGrid
  /// The grid's 2θ values and the background at the pattern's points (the grid's or the Q scan's), computed once.
  let twoThetaValues: [Double]
  let backgroundValues: [Double]
  /// For a Q scan: its points (Å⁻¹) and their 2θ (degrees), where the rendered grid is resampled; nil for 2θ.
  let qScan: (q: [Double], twoTheta: [Double])?
  var members: [[MillerIndex]]
  /// Families and phase sums for strained copies (``withCell(_:instrument:)``); nil unless prepared by
  /// ``init(crystal:instrument:settings:maximumStrain:)``.
  let strainable: StrainableStickPattern?
  /// Owns the rendering workspace (FFT plan, tables), reused between calls; copies share it copy-on-write.
  var renderer: PeakRenderer

  /// Scherrer constant for the FWHM of spherical crystallites.
  public static let scherrerConstant = 0.9

  /// - Parameters:
  ///   - settings: the structure-factor physics (anomalous dispersion, ions, displacements, default U);
  ///     its wavelength and 2θ range are replaced by the instrument's.
  /// - Throws: for a Q scan, ``InstrumentError`` from ``Instrument/validate()``, which such an instrument
  ///   must pass.
  public init(crystal: Crystal, instrument: Instrument, settings: DiffractionSettings = DiffractionSettings()) throws {
    try self.init(crystal: crystal, instrument: instrument, settings: settings, strain: nil)
  }

  /// As ``init(crystal:instrument:settings:)``, prepared for strained copies of the crystal: the reflection
  /// families over a range widened for cells up to `maximumStrain` (e.g. 0.05 = ±5 % per length) larger or
  /// smaller, and their phase sums (``StrainableStickPattern``), so that ``withCell(_:instrument:)`` recomputes
  /// only what a cell changes. Its ``sticks`` are bit for bit those of the plain initialiser.
  /// With `previous`, takes over its rendering workspace when the grid is the same (as
  /// ``init(crystal:instrument:settings:reusing:)``).
  public init(crystal: Crystal, instrument: Instrument, settings: DiffractionSettings = DiffractionSettings(),
              maximumStrain: Double, reusing previous: PatternSimulator? = nil) throws {
    try self.init(crystal: crystal, instrument: instrument, settings: settings, strain: maximumStrain, previous: previous)
    if let previous, previous.grid == grid {
      let asymmetry = renderer.asymmetry
      renderer = previous.renderer
      renderer.asymmetry = asymmetry
    }
  }

  /// `previous`: a simulator whose grid values and background are taken over when they would be recomputed equal
  /// (same grid, same points, same background model).
  private init(crystal: Crystal, instrument: Instrument, settings: DiffractionSettings, strain: Double?,
               previous: PatternSimulator? = nil) throws {
    self.crystal = crystal
    self.instrument = instrument
    let primary = instrument.radiation.max { $0.weight < $1.weight } ?? EmissionLine(wavelength: 1.5405929)
    let range: (start: Double, stop: Double)
    if let q = instrument.q {
      try instrument.validate()
      let angles = q.twoThetaValues(wavelength: primary.wavelength)
      grid = try Self.renderingGrid(covering: angles, profile: instrument.profile)
      range = (angles[0], angles[angles.count - 1])
      qScan = (q.values, angles)
    } else {
      let scan = instrument.twoTheta
      grid = try TwoThetaGrid(start: scan.start, step: scan.step, count: scan.count)
      range = (scan.start, scan.stop)
      qScan = nil
    }
    // d range that covers every line over the scan widened by a margin for tails, as 2θ at the primary line.
    let margin = 2.0
    let low = max(range.start - margin, 0.5), high = min(range.stop + margin, 179.5)
    var dMin = Double.infinity, dMax = 0.0
    for line in instrument.radiation {
      dMin = min(dMin, line.wavelength / (2 * sin(high * .pi / 360)))
      dMax = max(dMax, line.wavelength / (2 * sin(low * .pi / 360)))
    }
    let lambda = primary.wavelength
    let twoThetaLow = 360 / Double.pi * asin(min(1, lambda / (2 * dMax)))
    let twoThetaHigh = lambda / (2 * dMin) >= 1 ? 180 : 360 / Double.pi * asin(lambda / (2 * dMin))
    var s = settings
    s.wavelength = lambda
    s.twoThetaRange = twoThetaLow...max(twoThetaHigh, twoThetaLow + 1e-9)
    s.monochromatorTwoTheta = instrument.monochromatorTwoTheta
    self.settings = s
    if let strain {
      let prepared = StrainableStickPattern(calculator: StructureFactorCalculator(crystal: crystal, settings: s),
                                            maximumStrain: strain)
      strainable = prepared
      sticks = prepared.stickPattern()
    } else {
      strainable = nil
      sticks = StickPattern(crystal: crystal, settings: s)
    }
    if let previous, previous.grid == grid, previous.qScan == nil, qScan == nil,
       previous.instrument.background == instrument.background {
      twoThetaValues = previous.twoThetaValues
      backgroundValues = previous.backgroundValues
    } else {
      twoThetaValues = grid.values
      backgroundValues = instrument.background.evaluate(at: qScan?.twoTheta ?? twoThetaValues)
    }
    let p = instrument.profile
    renderer = PeakRenderer(grid: grid, asymmetry: p.sl > 0 || p.hl > 0 ? .fcj(FCJAsymmetry(sOverL: p.sl, hOverL: p.hl)) : .none)
    let texture = instrument.sample.texture
    if texture.ratio != 1 {
      let rotations = laueRotations(of: crystal.operations)
      members = sticks.reflections.map { equivalentReflections(of: $0.hkl, rotations: rotations) }
    } else {
      members = []
    }
  }

  /// As ``init(crystal:instrument:settings:)``, taking over the rendering workspace (FFT plan, tables) of a
  /// simulator with the same grid, so that simulating many structures in a row allocates nothing new there.
  public init(crystal: Crystal, instrument: Instrument, settings: DiffractionSettings = DiffractionSettings(),
              reusing previous: PatternSimulator) throws {
    try self.init(crystal: crystal, instrument: instrument, settings: settings, strain: nil, previous: previous)
    if previous.grid == grid {
      let asymmetry = renderer.asymmetry
      renderer = previous.renderer
      renderer.asymmetry = asymmetry
    }
  }

  /// Every stored property given (for ``withCell(_:instrument:)``).
  private init(crystal: Crystal, instrument: Instrument, settings: DiffractionSettings, sticks: StickPattern,
               grid: TwoThetaGrid, twoThetaValues: [Double], backgroundValues: [Double],
               qScan: (q: [Double], twoTheta: [Double])?, members: [[MillerIndex]],
               strainable: StrainableStickPattern?, renderer: PeakRenderer) {
    self.crystal = crystal; self.instrument = instrument; self.settings = settings; self.sticks = sticks
    self.grid = grid; self.twoThetaValues = twoThetaValues; self.backgroundValues = backgroundValues
    self.qScan = qScan; self.members = members; self.strainable = strainable; self.renderer = renderer
  }

  /// This simulator for the same crystal with cell `cell` (a homogeneous strain) and, optionally, another
  /// instrument on the same 2θ scan with the same radiation (other widths, shifts, asymmetry, texture,
  /// background, noise, sample).
  ///
  /// When prepared by ``init(crystal:instrument:settings:maximumStrain:)`` and the instrument keeps the scan,
  /// the radiation and the monochromator angle, only what the cell changes is recomputed
  /// (``StrainableStickPattern``), with the grid and the rendering workspace kept; the result is bit for bit
  /// that of ``init(crystal:instrument:settings:)`` with the strained crystal. Otherwise it is that
  /// initialiser (reusing the workspace), no longer prepared for strain.
  /// To keep the workspace unshared, assign the result over this simulator (`s = try s.withCell(...)`).
  public func withCell(_ cell: UnitCell, instrument newInstrument: Instrument? = nil) throws -> PatternSimulator {
    let inst = newInstrument ?? instrument
    var strained = crystal
    strained.cell = cell
    guard let strainable, qScan == nil, inst.q == nil, inst.twoTheta == instrument.twoTheta,
          inst.radiation == instrument.radiation, inst.monochromatorTwoTheta == instrument.monochromatorTwoTheta
    else {
      return try PatternSimulator(crystal: strained, instrument: inst, settings: settings, reusing: self)
    }
    let sticks = strainable.stickPattern(cell: cell)
    let background = inst.background == instrument.background ? backgroundValues : inst.background.evaluate(at: twoThetaValues)
    var renderer = self.renderer
    let p = inst.profile
    renderer.asymmetry = p.sl > 0 || p.hl > 0 ? .fcj(FCJAsymmetry(sOverL: p.sl, hOverL: p.hl)) : .none
    var members: [[MillerIndex]] = []
    if inst.sample.texture.ratio != 1 {
      let rotations = laueRotations(of: strained.operations)
      members = sticks.reflections.map { equivalentReflections(of: $0.hkl, rotations: rotations) }
    }
    return PatternSimulator(crystal: strained, instrument: inst, settings: settings, sticks: sticks, grid: grid,
                            twoThetaValues: twoThetaValues, backgroundValues: background, qScan: nil, members: members,
                            strainable: strainable, renderer: renderer)
  }

  /// The peaks on the scan (every line, every family), before rendering.
  public func peakList() -> [PatternPeak] { peakList(instrument: instrument) }

  /// Prepares the family members March–Dollase texture needs (``peakList(instrument:)`` with a texture the
  /// simulator's own instrument does not have); done by the initialisers when the instrument has texture.
  public mutating func prepareTexture() {
    guard members.isEmpty else { return }
    let rotations = laueRotations(of: crystal.operations)
    members = sticks.reflections.map { equivalentReflections(of: $0.hkl, rotations: rotations) }
  }

  /// The peaks on the scan for another instrument with the same radiation (other shifts, widths, sample,
  /// texture, divergence slit), as a fit needs them: the reflection families stay this simulator's.
  /// A texture needs ``prepareTexture()`` first (or an instrument with texture at initialisation).
  public func peakList(instrument inst: Instrument) -> [PatternPeak] {
    let texture = inst.sample.texture
    precondition(texture.ratio == 1 || members.count == sticks.reflections.count,
                 "peakList(instrument:) with texture needs prepareTexture() first")
    var list: [PatternPeak] = []
    list.reserveCapacity(sticks.reflections.count * inst.radiation.count)
    let degrees = 180 / Double.pi
    // The formulas of Instrument.peakShift(atTwoTheta:), lorentzPolarization(twoTheta:…),
    // ProfileParameters.lorentzianFWHM/gaussianFWHM(atTwoTheta:), with sin θ and cos θ of θ = position·π/360
    // from sin θ_B = λ/2d and the shift (no sin or cos call per peak) and tan θ, cos 2θ derived from them
    // (equal to the libm values to a few ulps), the monochromator's factor once, and the terms that add
    // exactly 0 (no displacement, no microstrain) left out.
    let lorentzPolarization = LorentzPolarization(monochromatorTwoTheta: inst.monochromatorTwoTheta)
    let profile = inst.profile
    let displaced = !(inst.displacement == 0 && inst.goniometerRadius != 0 && !inst.goniometerRadius.isNaN)
    let fixedSlit = inst.divergenceSlit.mode == .fixed
    let microstrain = inst.sample.microstrain
    var runStarts: [Int] = []  // where each line's peaks begin in `list`
    let zeroShiftSinCos = Self.sinCos(smallAngle: inst.zeroShift * .pi / 360)
    for (lineIndex, line) in inst.radiation.enumerated() {
      runStarts.append(list.count)
      for (i, r) in sticks.reflections.enumerated() {
        let s = line.wavelength / (2 * r.dSpacing)
        guard s < 1 else { continue }
        let bragg = 2 * asin(s) * degrees
        let cosBragg = (1 - s * s).squareRoot()  // cos θ_B from sin θ_B = λ/2d, no cos call
        // Displacement: Δ2θ = −2 s cos θ_B / R.
        let position = displaced
          ? bragg + inst.zeroShift - 2 * inst.displacement * cosBragg / inst.goniometerRadius * degrees
          : bragg + inst.zeroShift
        guard position > grid.start - 2, position < grid.stop + 2, position > 0, position < 180 else { continue }
        // θ = θ_B + δ, δ = (position − bragg)/2 in radians: sin θ and cos θ by the angle-sum formulas, with
        // sin δ and cos δ once per call for a zero shift alone.
        let (sinDelta, cosDelta) = displaced ? Self.sinCos(smallAngle: (position - bragg) * .pi / 360) : zeroShiftSinCos
        let sinTheta = s * cosDelta + cosBragg * sinDelta, cosTheta = cosBragg * cosDelta - s * sinDelta
        let tanTheta = sinTheta / cosTheta
        let cos2Theta = (cosTheta - sinTheta) * (cosTheta + sinTheta)
        let lp = lorentzPolarization.value(cos2Theta: cos2Theta, sinTheta: sinTheta, cosTheta: cosTheta)
        let po = texture.ratio == 1 ? 1 : texture.factor(members: members[i], cell: crystal.cell)
        let area = inst.sample.scale * line.weight * Double(r.multiplicity) * r.structureFactorSquared * lp * po
          * (fixedSlit ? 1 : inst.divergenceSlit.intensityFactor(atTwoTheta: position))
        var lorentzian = profile.x / cosTheta + profile.y * tanTheta
        if let size = inst.sample.crystalliteSize, size > 0 {
          lorentzian += Self.scherrerConstant * line.wavelength / (size * 10 * cosTheta) * degrees
        }
        if microstrain != 0 { lorentzian += 4 * microstrain * tanTheta * degrees }
        let gaussian = max(0, (profile.u * tanTheta + profile.v) * tanTheta + profile.w).squareRoot()
        list.append(PatternPeak(hkl: r.hkl, line: lineIndex, twoTheta: position, area: area,
                                widths: PeakWidths(gaussianFWHM: gaussian, lorentzianFWHM: lorentzian)))
      }
    }
    return Self.sortedByTwoTheta(list, runStarts: runStarts)
  }

  /// (sin δ, cos δ): Taylor series to δ⁹ and δ¹⁰ for |δ| ≤ 0.1 rad (truncation < 3·10⁻¹⁸ relative; a peak
  /// shift of up to 11.4° 2θ), libm beyond.
  @inline(__always)
  static func sinCos(smallAngle delta: Double) -> (sin: Double, cos: Double) {
    guard abs(delta) <= 0.1 else { return (sin(delta), cos(delta)) }
    let d2 = delta * delta
    let sine = delta * (1 - d2 / 6 * (1 - d2 / 20 * (1 - d2 / 42 * (1 - d2 / 72))))
    let cosine = 1 - d2 / 2 * (1 - d2 / 12 * (1 - d2 / 30 * (1 - d2 / 56 * (1 - d2 / 90))))
    return (sine, cosine)
  }

  /// `list` stably sorted by 2θ (what `sort` gives: the standard library's sort is stable). Each line's peaks
  /// usually come in increasing 2θ already (reflections by decreasing d, shifts monotonic in θ); one such run is
  /// returned as it is, two (Kα1 + Kα2) are merged, the first run first on ties. Anything else is sorted.
  static func sortedByTwoTheta(_ list: [PatternPeak], runStarts: [Int]) -> [PatternPeak] {
    guard list.count > 1 else { return list }
    let starts = runStarts.filter { $0 > 0 && $0 < list.count }  // boundaries inside the list
    guard starts.count <= 1 else { return list.sorted { $0.twoTheta < $1.twoTheta } }
    let middle = starts.first ?? list.count
    return list.withUnsafeBufferPointer { p -> [PatternPeak] in
      for i in 1..<p.count where i != middle && !(p[i - 1].twoTheta <= p[i].twoTheta) {
        return list.sorted { $0.twoTheta < $1.twoTheta }
      }
      if middle == list.count { return list }
      return [PatternPeak](unsafeUninitializedCapacity: p.count) { out, initialized in
        var i = 0, j = middle, k = 0
        while i < middle && j < p.count {
          // Strictly smaller from the second run goes first; ties keep the first run first (stability).
          if p[j].twoTheta < p[i].twoTheta {
            (out.baseAddress! + k).initialize(to: p[j]); j += 1
          } else {
            (out.baseAddress! + k).initialize(to: p[i]); i += 1
          }
          k += 1
        }
        while i < middle { (out.baseAddress! + k).initialize(to: p[i]); i += 1; k += 1 }
        while j < p.count { (out.baseAddress! + k).initialize(to: p[j]); j += 1; k += 1 }
        initialized = k
      }
    }
  }

  /// Counts at the strongest point of the peak component when the instrument gives no `noise.counts`.
  public static let defaultPeakCounts = 10_000.0

  /// The pattern in counts: peaks rendered on the grid and scaled so that the strongest point of the peak
  /// component is `sample.scale × noise.counts` (``defaultPeakCounts`` when `counts` is null), the background
  /// (in counts) added, then Poisson counting noise (and Gaussian detector noise) drawn from `seed`'s stream
  /// `stream` (default: the instrument's `noise.seed`, stream 0) when the instrument asks for noise.
  ///
  /// For a Q scan the points are the Q grid: peaks rendered on the finer 2θ grid, resampled at 2θ(Qᵢ) and
  /// scaled so that their strongest Q point is the target; background and noise on the Q points.
  public mutating func simulate(seed: UInt64? = nil, stream: UInt64 = 0) -> SimulatedPattern {
    if let qScan { return simulateOnQ(qScan, seed: seed, stream: stream) }
    let list = peakList()
    var peaks = [Double](repeating: 0, count: grid.count)
    renderer.render(list.map { Peak(twoTheta: $0.twoTheta, area: $0.area, widths: $0.widths) }, into: &peaks)
    return finish(peaks: consume peaks, twoTheta: twoThetaValues, background: backgroundValues, list: list, seed: seed,
                  stream: stream, q: nil)
  }

  /// The peak component of ``simulate(seed:stream:)`` alone (`simulate().peaks`, bit for bit), without the
  /// background, noise and the other arrays of a ``SimulatedPattern``.
  public mutating func peakComponent() -> [Double] {
    guard qScan == nil else { return simulate().peaks }
    let list = peakList()
    var peaks = [Double](repeating: 0, count: grid.count)
    renderer.render(list.map { Peak(twoTheta: $0.twoTheta, area: $0.area, widths: $0.widths) }, into: &peaks)
    // As finish(peaks:…).
    let maximum = peaks.max() ?? 0
    let target = instrument.sample.scale * (instrument.noise.counts ?? Self.defaultPeakCounts)
    let factor = maximum > 0 ? target / maximum : 1
    if factor != 1 {
      for i in peaks.indices { peaks[i] *= factor }
    }
    return peaks
  }

  /// Scales the peak component to counts, adds the background, draws the noise and assembles the pattern.
  /// `peaks` is consumed: scaled in place when the caller hands over its only reference.
  func finish(peaks input: consuming [Double], twoTheta: [Double], background: [Double], list: [PatternPeak], seed: UInt64?,
              stream: UInt64, q: [Double]?) -> SimulatedPattern {
    var peaks = input
    let n = peaks.count
    let maximum = peaks.max() ?? 0
    let target = instrument.sample.scale * (instrument.noise.counts ?? Self.defaultPeakCounts)
    let factor = maximum > 0 ? target / maximum : 1
    // clean = peaks + background; the noisy total is drawn around it and noise = total − clean. `noise` holds
    // clean until the total is drawn (one array fewer).
    var noise = [Double](unsafeUninitializedCapacity: n) { clean, initialized in
      peaks.withUnsafeMutableBufferPointer { p in
        background.withUnsafeBufferPointer { b in
          if factor != 1 {
            for i in 0..<n { p[i] *= factor }
          }
          for i in 0..<n { clean[i] = p[i] + b[i] }
        }
      }
      initialized = n
    }
    let total: [Double]
    if instrument.noise.isEnabled {
      var model = instrument.noise
      if let seed { model.seed = seed }
      total = [Double](unsafeUninitializedCapacity: n) { output, initialized in
        noise.withUnsafeBufferPointer { clean in model.draw(around: clean, into: output, stream: stream) }
        initialized = n
      }
      total.withUnsafeBufferPointer { drawn in
        noise.withUnsafeMutableBufferPointer { clean in
          for i in 0..<n { clean[i] = drawn[i] - clean[i] }
        }
      }
    } else {
      total = noise
      noise = [Double](repeating: 0, count: n)
    }
    return SimulatedPattern(twoTheta: twoTheta, intensity: total, peaks: peaks, background: background, noise: noise,
                            radiation: instrument.radiation, peakScale: factor, peakList: list, q: q)
  }
}

// MARK: - Q scans

extension PatternSimulator {
  /// How the rendered 2θ grid is resampled at the Q points (see the file header for the measured accuracy).
  package static let qResampling = Interpolator.Method.cubicSpline

  /// ``simulate(seed:stream:)`` for a Q scan.
  mutating func simulateOnQ(_ scan: (q: [Double], twoTheta: [Double]), seed: UInt64?, stream: UInt64) -> SimulatedPattern {
    let list = peakList()
    var rendered = [Double](repeating: 0, count: grid.count)
    renderer.render(list.map { Peak(twoTheta: $0.twoTheta, area: $0.area, widths: $0.widths) }, into: &rendered)
    let peaks = Self.resample(rendered, at: twoThetaValues, onto: scan.twoTheta, method: Self.qResampling)
    return finish(peaks: peaks, twoTheta: scan.twoTheta, background: backgroundValues, list: list, seed: seed,
                  stream: stream, q: scan.q)
  }

  /// Values `y` on the ascending abscissae `x` interpolated at `points` (inside x's range) with GSL, clamped
  /// at 0 (an interpolant may dip below 0 beside a steep flank; intensities cannot).
  package static func resample(_ y: [Double], at x: [Double], onto points: [Double],
                               method: Interpolator.Method) -> [Double] {
    do {
      var values = try Interpolator(x: x, y: y, method: method).values(at: points)
      for i in values.indices where !(values[i] > 0) { values[i] = 0 }
      return values
    } catch {
      preconditionFailure("resampling \(x.count) points at \(points.count): \(error)")
    }
  }

  /// Grid steps per narrowest instrumental FWHM when rendering a Q scan. Measured resampling error (Si, cu-lab
  /// widths): 4e-5 of the maximum at 8 steps, 2e-4 at 6, 5e-4 at 4, 3e-2 at 3 (the renderer then averages
  /// over steps instead of sampling points).
  static let pointsPerNarrowestFWHM = 8.0

  /// The uniform 2θ grid a Q scan is rendered on: step h = min(smallest spacing of `angles`, narrowest
  /// instrumental FWHM / 8), but at least that spacing / 8; four extra points beyond each end (fewer at the
  /// low end if 2θ would reach 0) so that the spline's end conditions do not reach the scan.
  ///
  /// The FWHM bound is the least max(Gaussian, Lorentzian) of the instrument at 201 angles across the scan (the
  /// TCH width is at least that, and size and strain only add), so with the default renderer sampling every
  /// peak is point-sampled with about 8 or more points per FWHM unless it is narrower than the Q spacing.
  package static func renderingGrid(covering angles: [Double], profile: Instrument.ProfileParameters) throws -> TwoThetaGrid {
    let first = angles[0], last = angles[angles.count - 1]
    var spacing = Double.infinity
    for i in angles.indices.dropFirst() { spacing = min(spacing, angles[i] - angles[i - 1]) }
    var narrowest = Double.infinity
    for k in 0...200 {
      let angle = first + (last - first) * Double(k) / 200
      narrowest = min(narrowest, max(profile.gaussianFWHM(atTwoTheta: angle), profile.lorentzianFWHM(atTwoTheta: angle)))
    }
    var step = min(spacing, narrowest / pointsPerNarrowestFWHM)
    if spacing.isFinite { step = max(step, spacing / pointsPerNarrowestFWHM) }
    if !(step.isFinite && step > 0) { step = 0.01 }  // one point and zero width: any step
    let lead = min(4, max(0, (first / step).rounded(.up) - 1))
    let start = first - lead * step
    let count = Int(((last - start) / step).rounded(.up)) + 5
    return try TwoThetaGrid.validated(start: start, step: step, count: count)
  }
}
