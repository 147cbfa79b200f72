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
// Not done: absorption / transparency, surface roughness, anisotropic size.

import Foundation
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

/// A simulated pattern with its components. All arrays have one value per 2θ grid point.
public struct SimulatedPattern: Sendable {
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
  /// total stick intensity on the grid).
  public var peakScale: Double
  /// Every peak that was rendered, sorted by 2θ.
  public var peakList: [PatternPeak]
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
  let grid: TwoThetaGrid
  /// The grid's 2θ values and the background on them, computed once.
  let twoThetaValues: [Double]
  let backgroundValues: [Double]
  let members: [[MillerIndex]]
  /// Owns the rendering workspace (FFT plan, tables), reused between calls; copies share it copy-on-write.
  var renderer: PeakRenderer

  /// Scherrer constant for the FWHM of spherical crystallites.
  public static let scherrerConstant = 0.9

  /// - Parameters:
  ///   - settings: the structure-factor physics (anomalous dispersion, ions, displacements, default U);
  ///     its wavelength and 2θ range are replaced by the instrument's.
  public init(crystal: Crystal, instrument: Instrument, settings: DiffractionSettings = DiffractionSettings()) throws {
    self.crystal = crystal
    self.instrument = instrument
    let range = instrument.twoTheta
    grid = try TwoThetaGrid(start: range.start, step: range.step, count: range.count)
    let primary = instrument.radiation.max { $0.weight < $1.weight } ?? EmissionLine(wavelength: 1.5405929)
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
    sticks = StickPattern(crystal: crystal, settings: s)
    twoThetaValues = grid.values
    backgroundValues = instrument.background.evaluate(at: twoThetaValues)
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
    try self.init(crystal: crystal, instrument: instrument, settings: settings)
    if previous.grid == grid {
      let asymmetry = renderer.asymmetry
      renderer = previous.renderer
      renderer.asymmetry = asymmetry
    }
  }

  /// The peaks on the scan (every line, every family), before rendering.
  public func peakList() -> [PatternPeak] {
    let inst = instrument
    let texture = inst.sample.texture
    var list: [PatternPeak] = []
    list.reserveCapacity(sticks.reflections.count * inst.radiation.count)
    let degrees = 180 / Double.pi
    for (lineIndex, line) in inst.radiation.enumerated() {
      for (i, r) in sticks.reflections.enumerated() {
        let s = line.wavelength / (2 * r.dSpacing)
        guard s < 1 else { continue }
        let bragg = 2 * asin(s) * degrees
        let position = bragg + inst.peakShift(atTwoTheta: bragg)
        guard position > grid.start - 2, position < grid.stop + 2, position > 0, position < 180 else { continue }
        let lp = lorentzPolarization(twoTheta: position, monochromatorTwoTheta: inst.monochromatorTwoTheta)
        let po = texture.ratio == 1 ? 1 : texture.factor(members: members[i], cell: crystal.cell)
        let area = inst.sample.scale * line.weight * Double(r.multiplicity) * r.structureFactorSquared * lp * po
          * inst.divergenceSlit.intensityFactor(atTwoTheta: position)
        let theta = position / 2 / degrees
        var lorentzian = inst.profile.x / cos(theta) + inst.profile.y * tan(theta)
        if let size = inst.sample.crystalliteSize, size > 0 {
          lorentzian += Self.scherrerConstant * line.wavelength / (size * 10 * cos(theta)) * degrees
        }
        lorentzian += 4 * inst.sample.microstrain * tan(theta) * degrees
        let gaussian = inst.profile.gaussianFWHM(atTwoTheta: position)
        list.append(PatternPeak(hkl: r.hkl, line: lineIndex, twoTheta: position, area: area,
                                widths: PeakWidths(gaussianFWHM: gaussian, lorentzianFWHM: lorentzian)))
      }
    }
    list.sort { $0.twoTheta < $1.twoTheta }
    return list
  }

  /// Counts at the strongest point of the peak component when the instrument gives no `noise.counts`.
  public static let defaultPeakCounts = 10_000.0

  /// The pattern in counts: peaks rendered on the grid and scaled so that the strongest point of the peak
  /// component is `sample.scale × noise.counts` (``defaultPeakCounts`` when `counts` is null), the background
  /// (in counts) added, then Poisson counting noise (and Gaussian detector noise) drawn from `seed`'s stream
  /// `stream` (default: the instrument's `noise.seed`, stream 0) when the instrument asks for noise.
  public mutating func simulate(seed: UInt64? = nil, stream: UInt64 = 0) -> SimulatedPattern {
    let list = peakList()
    var peaks = [Double](repeating: 0, count: grid.count)
    renderer.render(list.map { Peak(twoTheta: $0.twoTheta, area: $0.area, widths: $0.widths) }, into: &peaks)
    let maximum = peaks.max() ?? 0
    let target = instrument.sample.scale * (instrument.noise.counts ?? Self.defaultPeakCounts)
    let factor = maximum > 0 ? target / maximum : 1
    if factor != 1 {
      for i in peaks.indices { peaks[i] *= factor }
    }
    let twoTheta = twoThetaValues
    let background = backgroundValues
    var clean = peaks
    for i in clean.indices { clean[i] += background[i] }
    var total = clean
    if instrument.noise.isEnabled {
      var model = instrument.noise
      if let seed { model.seed = seed }
      total = model.apply(to: clean, stream: stream, rescale: false).intensity
    }
    let noise = zip(total, clean).map(-)
    return SimulatedPattern(twoTheta: twoTheta, intensity: total, peaks: peaks, background: background, noise: noise,
                            radiation: instrument.radiation, peakScale: factor, peakList: list)
  }
}
