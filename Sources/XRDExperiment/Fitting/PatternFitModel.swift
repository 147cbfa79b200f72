// The calculated pattern of a fit as a function of its parameters, with the residuals and Jacobian that
// gsl_multifit_nlinear needs.
//
// y_calc(2θᵢ) = Σ_p s_p P_p(2θᵢ; cell_p, instrument, texture_p) + Σ_k b_k T_k(xᵢ),
// P_p the phase's peaks with unit scale (PatternSimulator's families and peak list, rendered with a
// PeakRenderer on the measured grid, or on a uniform grid at half the mean step and interpolated linearly
// for a non-uniform one), T_k the Chebyshev polynomials of x, the 2θ range mapped onto [−1, 1].
// Residuals √wᵢ (yᵢ − y_calcᵢ). ∂/∂s_p and ∂/∂b_k are exact (linear); the other columns are forward
// differences with fixed steps (1e-5 Å on lengths, 1e-4° on angles and zero, …), each re-rendering only
// the phases the parameter touches. Widths that a fit drives negative are floored smoothly (softplus: Gaussian
// FWHM² at the step², Lorentzian FWHM at a quarter step) so the model stays defined and differentiable
// (GSAS-II clamps hard, which leaves a zero gradient); the fit reports such values.

import Foundation
import XRDAugment
import XRDCrystal
import XRDDiffraction
import XRDProfile

/// One adjustable quantity of the model.
enum FitSlot: Sendable, Hashable {
  case scale(Int)
  case background(Int)
  case zero, displacement
  case u, v, w, x, y
  /// FCJ axial divergence, S/L = H/L = |value| (GSAS-II's SH/L split evenly).
  case asymmetry
  /// The phase's `index`-th free lattice parameter (``LatticeConstraint/names``).
  case lattice(phase: Int, index: Int)
  /// March–Dollase ratio of a phase.
  case texture(Int)
  /// ln k of a factor k that multiplies every FWHM (Gaussian and Lorentzian): a coarse width that stays
  /// positive, refined before U…Y are (``PatternFitModel/absorbBroadening()`` folds it into them).
  case broadening

  var isLinear: Bool {
    switch self {
    case .scale, .background: true
    default: false
    }
  }

  /// The forward-difference step.
  func differenceStep(at value: Double) -> Double {
    switch self {
    case .zero: 1e-4
    case .displacement: 1e-4
    case .u, .v, .w: 1e-6
    case .x, .y: 1e-5
    case .asymmetry: 1e-5
    case .lattice: 1e-5 * max(1, abs(value))
    case .texture: 1e-4
    case .broadening: 1e-4
    case .scale, .background: 0
    }
  }
}

/// The state of a fit and the calculation of its pattern.
struct PatternFitModel {
  struct Phase {
    var simulator: PatternSimulator
    let constraint: LatticeConstraint
    let baseCell: UnitCell
    let textureAxis: MillerIndex?
    /// The lattice values the simulator was last built for.
    var builtLattice: [Double]
    /// The simulator built before it, for its lattice values: a forward difference in a lattice parameter
    /// asks for the shifted cell and then the base cell again, which this keeps from being rebuilt.
    var previous: (lattice: [Double], simulator: PatternSimulator)?
  }

  let twoTheta: [Double]
  let observed: [Double]
  let weights: [Double]
  let sqrtWeights: [Double]
  /// The rendering grid, and for a non-uniform scan the linear interpolation onto the data points.
  let grid: TwoThetaGrid
  let interpolation: [(index: Int, fraction: Double)]?
  var renderer: PeakRenderer
  var phases: [Phase]
  let baseInstrument: Instrument
  /// Chebyshev basis T_k(xᵢ), one array per term.
  let basis: [[Double]]

  /// The current value of every slot.
  var values: [FitSlot: Double]
  /// Peaks below this fraction of the strongest one's area are left out (``PatternFit/Options/minimumRelativePeakArea``).
  var minimumRelativePeakArea = 0.0

  init(twoTheta: [Double], observed: [Double], weights: [Double], crystals: [Crystal], textureAxes: [MillerIndex?],
       instrument: Instrument, settings: DiffractionSettings, backgroundTerms: Int) throws {
    self.twoTheta = twoTheta
    self.observed = observed
    self.weights = weights
    sqrtWeights = weights.map { $0.squareRoot() }
    let n = twoTheta.count
    let first = twoTheta[0], last = twoTheta[n - 1]
    let meanStep = (last - first) / Double(n - 1)
    if MeasuredPattern.isUniform(twoTheta) {
      grid = TwoThetaGrid(start: first, step: meanStep, count: n)
      interpolation = nil
    } else {
      let step = meanStep / 2
      let g = TwoThetaGrid(start: first - step, step: step, count: Int(((last - first) / step).rounded(.up)) + 3)
      grid = g
      interpolation = twoTheta.map { angle in
        let position = g.position(of: angle)
        let index = min(max(Int(position.rounded(.down)), 0), g.count - 2)
        return (index, position - Double(index))
      }
    }
    var inst = instrument
    inst.twoTheta = Instrument.TwoThetaRange(start: grid.start, stop: grid.stop, step: grid.step)
    inst.q = nil
    inst.background = BackgroundModel()
    inst.noise = NoiseModel()
    inst.sample.scale = 1
    baseInstrument = inst
    renderer = PeakRenderer(grid: grid)
    phases = []
    for (crystal, axis) in zip(crystals, textureAxes) {
      var simulator = try PatternSimulator(crystal: crystal, instrument: inst, settings: settings, maximumStrain: 0.05)
      if axis != nil { simulator.prepareTexture() }
      let constraint = LatticeConstraint(crystal: crystal)
      phases.append(Phase(simulator: simulator, constraint: constraint, baseCell: crystal.cell, textureAxis: axis,
                          builtLattice: constraint.values(of: crystal.cell)))
    }
    let scale = 2 / (last - first)
    basis = (0..<backgroundTerms).map { k in
      twoTheta.map { angle in
        let x = (angle - (first + last) / 2) * scale
        return cos(Double(k) * acos(min(1, max(-1, x))))
      }
    }
    values = [.zero: inst.zeroShift, .displacement: inst.displacement, .u: inst.profile.u, .v: inst.profile.v,
              .w: inst.profile.w, .x: inst.profile.x, .y: inst.profile.y,
              .asymmetry: max(inst.profile.sl, inst.profile.hl), .broadening: 0]
    for (p, phase) in phases.enumerated() {
      values[.scale(p)] = 0
      if phase.textureAxis != nil { values[.texture(p)] = 1 }
      for (k, value) in phase.builtLattice.enumerated() { values[.lattice(phase: p, index: k)] = value }
    }
    for k in 0..<backgroundTerms { values[.background(k)] = 0 }
  }

  var backgroundTerms: Int { basis.count }

  /// Every slot of the model, in a fixed order.
  var allSlots: [FitSlot] {
    var slots: [FitSlot] = (0..<phases.count).map { .scale($0) }
    slots += (0..<backgroundTerms).map { .background($0) }
    slots += [.zero, .displacement, .u, .v, .w, .x, .y, .asymmetry]
    for (p, phase) in phases.enumerated() {
      slots += phase.constraint.names.indices.map { .lattice(phase: p, index: $0) }
      if phase.textureAxis != nil { slots.append(.texture(p)) }
    }
    return slots
  }

  /// The instrument of phase `p` at the current values (the fit's grid and radiation).
  func instrument(phase p: Int, values v: [FitSlot: Double]) -> Instrument {
    var inst = baseInstrument
    inst.zeroShift = v[.zero]!
    inst.displacement = v[.displacement]!
    let asymmetry = abs(v[.asymmetry]!)
    let k = exp(min(max(v[.broadening]!, -6), 6))
    inst.profile = Instrument.ProfileParameters(u: k * k * v[.u]!, v: k * k * v[.v]!, w: k * k * v[.w]!, x: k * v[.x]!,
                                                y: k * v[.y]!, sl: asymmetry, hl: asymmetry)
    if let axis = phases[p].textureAxis {
      inst.sample.texture = MarchDollase(axis: axis, ratio: max(0.05, v[.texture(p)]!))
    }
    return inst
  }

  /// The phase's lattice values at `v`.
  func lattice(phase p: Int, values v: [FitSlot: Double]) -> [Double] {
    phases[p].constraint.names.indices.map { v[.lattice(phase: p, index: $0)]! }
  }

  /// The cell of phase `p` at `v`, nil when the values do not make a cell.
  func cell(phase p: Int, values v: [FitSlot: Double]) -> UnitCell? {
    try? phases[p].constraint.cell(from: lattice(phase: p, values: v), base: phases[p].baseCell)
  }

  /// Makes phase `p`'s simulator the one for its lattice values in `v`: the current one, the previous one
  /// (swapped in), or one rebuilt from the current with the new cell (the current becoming the previous).
  mutating func updateCell(phase p: Int, values v: [FitSlot: Double]) throws(FitError) {
    let lattice = lattice(phase: p, values: v)
    guard lattice != phases[p].builtLattice else { return }
    if let previous = phases[p].previous, previous.lattice == lattice {
      phases[p].previous = (phases[p].builtLattice, phases[p].simulator)
      phases[p].simulator = previous.simulator
      phases[p].builtLattice = lattice
      return
    }
    guard let cell = cell(phase: p, values: v) else {
      throw FitError.diverged("the lattice parameters of phase \(p + 1) no longer make a cell: \(lattice)")
    }
    do {
      var simulator = try phases[p].simulator.withCell(cell)
      if phases[p].textureAxis != nil { simulator.prepareTexture() }
      phases[p].previous = (phases[p].builtLattice, phases[p].simulator)
      phases[p].simulator = simulator
    } catch {
      throw FitError.diverged("phase \(p + 1): \(error)")
    }
    phases[p].builtLattice = lattice
  }

  /// The peaks of phase `p` with unit scale, at the data points.
  mutating func phaseCurve(_ p: Int, values v: [FitSlot: Double]) throws(FitError) -> [Double] {
    try updateCell(phase: p, values: v)
    let inst = instrument(phase: p, values: v)
    var list = phases[p].simulator.peakList(instrument: inst)
    if minimumRelativePeakArea > 0, let strongest = list.map(\.area).max() {
      let threshold = minimumRelativePeakArea * strongest
      list.removeAll { $0.area < threshold }
    }
    let gaussianFloor = widthFloor * widthFloor, lorentzianFloor = widthFloor / 4
    var peaks: [Peak] = []
    peaks.reserveCapacity(list.count)
    for peak in list {
      // Reflections at the same angle (a structure given in P1 keeps every hkl of a family apart) have the same
      // widths: one peak with their summed area renders the same curve for a fraction of the cost.
      if let last = peaks.last, abs(last.twoTheta - peak.twoTheta) < 1e-9 {
        peaks[peaks.count - 1].area += peak.area
        continue
      }
      let g2 = inst.profile.gaussianFWHMSquared(atTwoTheta: peak.twoTheta)
      peaks.append(Peak(twoTheta: peak.twoTheta, area: peak.area,
                        widths: PeakWidths(gaussianFWHM: Self.softplus(g2, scale: gaussianFloor).squareRoot(),
                                           lorentzianFWHM: Self.softplus(peak.widths.lorentzianFWHM, scale: lorentzianFloor))))
    }
    for peak in peaks where !(peak.twoTheta.isFinite && peak.area.isFinite && peak.widths.gaussianFWHM.isFinite
                                && peak.widths.lorentzianFWHM.isFinite) {
      throw FitError.diverged("phase \(p + 1): a peak at 2θ = \(peak.twoTheta) has area \(peak.area) and widths "
        + "\(peak.widths.gaussianFWHM), \(peak.widths.lorentzianFWHM)")
    }
    let asymmetry = inst.profile.sl
    renderer.asymmetry = asymmetry > 0 ? .fcj(FCJAsymmetry(sOverL: asymmetry, hOverL: asymmetry)) : .none
    let rendered = renderer.render(peaks)
    guard let interpolation else { return rendered }
    return interpolation.map { rendered[$0.index] * (1 - $0.fraction) + rendered[$0.index + 1] * $0.fraction }
  }

  /// ε ln(1 + e^(x/ε)): x for x ≫ ε, ε ln 2 at 0, → 0 for x ≪ −ε, smooth everywhere; keeps widths that U…Y drive
  /// negative defined and differentiable, so a refinement can come back from there.
  static func softplus(_ x: Double, scale: Double) -> Double {
    let t = x / scale
    return t > 30 ? x : scale * log1p(exp(t))
  }

  /// The data step (degrees): Gaussian FWHM² below step² and Lorentzian FWHM below step/4 are smoothly floored.
  var widthFloor: Double { grid.step }

  /// The peak list of phase `p` at the current values (for tick marks and reports).
  mutating func peakList(phase p: Int) throws(FitError) -> [PatternPeak] {
    try updateCell(phase: p, values: values)
    return phases[p].simulator.peakList(instrument: instrument(phase: p, values: values))
  }

  /// Folds the broadening factor into U…Y (U, V, W × k², X, Y × k) and resets it to 1.
  mutating func absorbBroadening() {
    let k = exp(min(max(values[.broadening]!, -6), 6))
    for slot in [FitSlot.u, .v, .w] { values[slot]! *= k * k }
    for slot in [FitSlot.x, .y] { values[slot]! *= k }
    values[.broadening] = 0
  }

  /// The background at the data points for `v`.
  func background(values v: [FitSlot: Double]) -> [Double] {
    var result = [Double](repeating: 0, count: twoTheta.count)
    for k in 0..<backgroundTerms {
      let b = v[.background(k)]!
      guard b != 0 else { continue }
      let t = basis[k]
      for i in result.indices { result[i] += b * t[i] }
    }
    return result
  }

  /// Whether slot `slot` changes phase `p`'s unit-scale curve.
  static func slot(_ slot: FitSlot, touches p: Int) -> Bool {
    switch slot {
    case .scale, .background: false
    case let .lattice(phase, _): phase == p
    case let .texture(phase): phase == p
    default: true
    }
  }
}

/// Why a fit could not be made.
public enum FitError: Error, Sendable, CustomStringConvertible {
  /// Nothing to fit: no points in the range, fewer points than parameters, no phase.
  case invalidInput(String)
  /// The refinement left the region where the model is defined.
  case diverged(String)
  /// GSL failed.
  case solver(String)

  public var description: String {
    switch self {
    case let .invalidInput(text): "cannot fit: \(text)"
    case let .diverged(text): "the fit diverged: \(text)"
    case let .solver(text): "the least-squares solver failed: \(text)"
    }
  }
}
