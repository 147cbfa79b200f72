// The staged refinement behind ``PatternFit``: each stage a gsl_multifit_nlinear run over the slots released,
// then uncertainties, held parameters, correlations and the result. See PatternFit.swift for the protocol.

import Foundation
import XRDAugment
import XRDCrystal
import XRDDiffraction
import XRDGSL
import XRDProfile

/// Residuals and Jacobian of a model over a set of free slots, for the C callbacks of the solver.
final class FitEvaluator {
  var model: PatternFitModel
  let slots: [FitSlot]
  private var cachedParameters: [Double] = []
  private var cachedCurves: [[Double]] = []

  init(model: PatternFitModel, slots: [FitSlot]) {
    self.model = model
    self.slots = slots
  }

  func values(_ p: UnsafeBufferPointer<Double>) -> [FitSlot: Double] {
    var v = model.values
    for (slot, value) in zip(slots, p) { v[slot] = value }
    return v
  }

  func curves(_ v: [FitSlot: Double]) throws(FitError) -> [[Double]] {
    var result: [[Double]] = []
    for p in model.phases.indices { result.append(try model.phaseCurve(p, values: v)) }
    return result
  }

  func residuals(_ p: UnsafeBufferPointer<Double>, _ r: UnsafeMutableBufferPointer<Double>) throws {
    let v = values(p)
    let curves = try curves(v)
    cachedParameters = Array(p)
    cachedCurves = curves
    let background = model.background(values: v)
    let scales = model.phases.indices.map { v[.scale($0)]! }
    for i in r.indices {
      var calc = background[i]
      for (q, curve) in curves.enumerated() { calc += scales[q] * curve[i] }
      r[i] = model.sqrtWeights[i] * (model.observed[i] - calc)
    }
  }

  func jacobian(_ p: UnsafeBufferPointer<Double>, _ J: UnsafeMutableBufferPointer<Double>) throws {
    let v = values(p)
    let base = Array(p) == cachedParameters ? cachedCurves : try curves(v)
    let m = slots.count, n = model.observed.count
    let sqrtW = model.sqrtWeights
    for (j, slot) in slots.enumerated() {
      switch slot {
      case let .scale(q):
        let curve = base[q]
        for i in 0..<n { J[i * m + j] = -sqrtW[i] * curve[i] }
      case let .background(k):
        let t = model.basis[k]
        for i in 0..<n { J[i * m + j] = -sqrtW[i] * t[i] }
      default:
        let h = slot.differenceStep(at: v[slot]!)
        var shifted = v
        shifted[slot]! += h
        var column = [Double](repeating: 0, count: n)
        for q in model.phases.indices where PatternFitModel.slot(slot, touches: q) {
          let curve = try model.phaseCurve(q, values: shifted)
          let s = v[.scale(q)]! / h
          let b = base[q]
          for i in 0..<n { column[i] += s * (curve[i] - b[i]) }
        }
        for i in 0..<n { J[i * m + j] = -sqrtW[i] * column[i] }
      }
    }
  }
}

struct Refinement {
  var model: PatternFitModel
  let options: PatternFit.Options
  var stages: [PatternFit.Stage] = []
  var warnings: [String] = []
  /// The last stage's slots, its solver result, and the values before it (for held parameters).
  var lastSlots: [FitSlot] = []
  var lastResult: NonlinearLeastSquares.Result?
  var valuesBeforeLastStage: [FitSlot: Double] = [:]
  var lastName = ""

  init(model: PatternFitModel, options: PatternFit.Options) {
    self.model = model
    self.options = options
  }

  /// Starting scales and a flat background: the background at the 10th percentile of the observed counts,
  /// each phase scaled so that its strongest calculated point matches the strongest observed point above that
  /// background, divided among the phases.
  mutating func initialScales() throws(FitError) {
    let sorted = model.observed.sorted()
    let floor = sorted[sorted.count / 10]
    let top = (sorted.last ?? 1) - floor
    model.values[.background(0)] = floor
    for p in model.phases.indices {
      let curve = try model.phaseCurve(p, values: model.values)
      let peak = curve.max() ?? 0
      model.values[.scale(p)] = peak > 0 ? max(top, 1) / peak / Double(model.phases.count) : 1
    }
  }

  /// One Levenberg–Marquardt run over `slots` from the current values.
  mutating func stage(_ name: String, _ requested: [FitSlot]) throws(FitError) {
    var slots: [FitSlot] = []
    for slot in requested where !slots.contains(slot) { slots.append(slot) }
    guard slots.count < model.observed.count else {
      throw FitError.invalidInput("\(slots.count) parameters for \(model.observed.count) points")
    }
    valuesBeforeLastStage = model.values
    let evaluator = FitEvaluator(model: model, slots: slots)
    let result: NonlinearLeastSquares.Result
    do {
      result = try NonlinearLeastSquares.minimize(
        start: slots.map { model.values[$0]! }, residualCount: model.observed.count,
        options: NonlinearLeastSquares.Options(maximumIterations: options.maximumIterations, xtol: 1e-7, gtol: 1e-9,
                                               costTolerance: 1e-5, stallIterations: 4, solver: .modifiedCholesky),
        jacobian: evaluator.jacobian, residuals: evaluator.residuals)
    } catch let error as FitError {
      throw error
    } catch {
      throw FitError.solver("stage '\(name)': \(error)")
    }
    model = evaluator.model
    for (slot, value) in zip(slots, result.parameters) { model.values[slot] = value }
    lastSlots = slots
    lastResult = result
    lastName = name
    let rwp = try agreement(parameterCount: slots.count).rwp
    stages.append(PatternFit.Stage(name: name, parameters: slots.map { self.name(of: $0) }, rwp: rwp,
                                   iterations: result.iterations, convergence: result.convergence.rawValue))
  }

  /// Uncertainties of the last stage; parameters the data cannot determine are held and the stage redone.
  mutating func finish() throws(FitError) -> (slots: [FitSlot], uncertainties: [FitSlot: Double], held: [FitSlot: String]) {
    guard var result = lastResult else { throw FitError.invalidInput("no stage was run") }
    var held: [FitSlot: String] = [:]
    for _ in 0..<2 {
      let m = lastSlots.count
      var undetermined: [FitSlot] = []
      for (j, slot) in lastSlots.enumerated() where !slot.isLinear && !(result.covariance[j * m + j] > 0) {
        undetermined.append(slot)
      }
      guard !undetermined.isEmpty else { break }
      let before = valuesBeforeLastStage
      for slot in undetermined {
        held[slot] = "not determined by the data (its column of the Jacobian depends on the others); held at its starting value"
        model.values[slot] = before[slot]!
      }
      let name = lastName
      try stage(name + " (without undetermined parameters)", lastSlots.filter { !undetermined.contains($0) })
      result = lastResult!
    }
    let m = lastSlots.count, n = model.observed.count
    let reducedChiSquared = result.chiSquared / Double(max(1, n - m))
    var uncertainties: [FitSlot: Double] = [:]
    for (j, slot) in lastSlots.enumerated() {
      uncertainties[slot] = (result.covariance[j * m + j] * reducedChiSquared).squareRoot()
    }
    return (lastSlots, uncertainties, held)
  }

  /// Observed against calculated at the current values.
  mutating func agreement(parameterCount: Int) throws(FitError) -> AgreementIndices {
    let calc = try calculated().total
    return AgreementIndices(observed: model.observed, calculated: calc, weights: model.weights, parameterCount: parameterCount)
  }

  /// The calculated total, background and scaled phase curves at the current values.
  mutating func calculated() throws(FitError) -> (total: [Double], background: [Double], phases: [[Double]]) {
    let v = model.values
    let background = model.background(values: v)
    var total = background
    var phases: [[Double]] = []
    for p in model.phases.indices {
      let s = v[.scale(p)]!
      let curve = try model.phaseCurve(p, values: v).map { $0 * s }
      for i in total.indices { total[i] += curve[i] }
      phases.append(curve)
    }
    return (total, background, phases)
  }

  func name(of slot: FitSlot) -> String {
    let multi = model.phases.count > 1
    func phased(_ base: String, _ p: Int) -> String { multi ? "\(base)[\(p + 1)]" : base }
    switch slot {
    case let .scale(p): return phased("scale", p)
    case let .background(k): return "background[\(k)]"
    case .zero: return "zero"
    case .displacement: return "displacement"
    case .u: return "U"
    case .v: return "V"
    case .w: return "W"
    case .x: return "X"
    case .y: return "Y"
    case .asymmetry: return "SH/L"
    case let .lattice(p, k): return phased(model.phases[p].constraint.names[k], p)
    case let .texture(p): return phased("texture", p)
    case .broadening: return "width factor"
    }
  }

  /// Assembles the result from the final state.
  mutating func result(final: (slots: [FitSlot], uncertainties: [FitSlot: Double], held: [FitSlot: String]),
                       seconds: Double) throws(FitError) -> PatternFit.Result {
    let curves = try calculated()
    let refinedCount = final.slots.count
    let indices = AgreementIndices(observed: model.observed, calculated: curves.total, weights: model.weights,
                                   parameterCount: refinedCount)
    var parameters: [PatternFit.Parameter] = []
    for slot in model.allSlots {
      let value = model.values[slot]!
      if let note = final.held[slot] {
        parameters.append(.init(name: name(of: slot), value: value, uncertainty: nil, status: .held, note: note))
      } else if final.slots.contains(slot) {
        let shown = slot == .asymmetry ? abs(value) : value
        parameters.append(.init(name: name(of: slot), value: shown, uncertainty: final.uncertainties[slot],
                                status: .refined, note: nil))
      }
    }
    // Correlations among the refined slots of the last stage.
    var correlations: [PatternFit.Correlation] = []
    if let result = lastResult {
      let m = lastSlots.count
      for i in 0..<m {
        for j in (i + 1)..<m {
          let cii = result.covariance[i * m + i], cjj = result.covariance[j * m + j]
          guard cii > 0, cjj > 0 else { continue }
          let rho = result.covariance[i * m + j] / (cii * cjj).squareRoot()
          if abs(rho) > 0.95 {
            correlations.append(.init(first: name(of: lastSlots[i]), second: name(of: lastSlots[j]), value: rho))
          }
        }
      }
    }
    var warnings = self.warnings
    let v = model.values
    let profile = Instrument.ProfileParameters(u: v[.u]!, v: v[.v]!, w: v[.w]!, x: v[.x]!, y: v[.y]!)
    if let bad = model.twoTheta.first(where: { profile.gaussianFWHMSquared(atTwoTheta: $0) < 0 }) {
      warnings.append(String(format: "U, V, W give a negative Gaussian FWHM² from 2θ = %.2f° (floored smoothly at the step): "
        + "the widths are ill-conditioned here; only the agreement indices are meaningful", bad))
    }
    if let bad = model.twoTheta.first(where: { profile.lorentzianFWHM(atTwoTheta: $0) < 0 }) {
      warnings.append(String(format: "X, Y give a negative Lorentzian FWHM from 2θ = %.2f° (floored smoothly at a quarter step)", bad))
    }
    for (p, phase) in model.phases.enumerated() where phase.simulator.crystal.spaceGroup.map({ $0.number == 1 }) ?? true
      && phase.constraint.kind != .triclinic {
      warnings.append("phase \(p + 1) (\(phase.simulator.crystal.name)) is given in P1; its lattice was refined with "
        + "\(phase.constraint.kind.rawValue) constraints read from its cell metric")
    }
    var cells: [UnitCell] = []
    var masses: [Double] = []
    var peaks: [[PatternPeak]] = []
    for p in model.phases.indices {
      let cell = model.cell(phase: p, values: v) ?? model.phases[p].baseCell
      cells.append(cell)
      let composition = model.phases[p].simulator.crystal.cellComposition()
      let mass = composition.reduce(0) { $0 + $1.key.atomicMass * $1.value }
      masses.append(v[.scale(p)]! * mass * cell.volume)
      peaks.append(try model.peakList(phase: p))
    }
    let totalMass = masses.reduce(0, +)
    let fractions = masses.map { totalMass > 0 ? $0 / totalMass : .nan }
    // The fitted instrument, as `simulate` and `generate` read it.
    var instrument = model.instrument(phase: 0, values: v)
    let first = model.twoTheta[0], last = model.twoTheta[model.twoTheta.count - 1]
    instrument.twoTheta = Instrument.TwoThetaRange(start: first, stop: last,
                                                   step: (last - first) / Double(model.twoTheta.count - 1))
    instrument.background = BackgroundModel(chebyshev: (0..<model.backgroundTerms).map { v[.background($0)]! })
    var peakSum = [Double](repeating: 0, count: model.twoTheta.count)
    for curve in curves.phases { for i in peakSum.indices { peakSum[i] += curve[i] } }
    instrument.noise = NoiseModel(counts: max(1, peakSum.max() ?? 1))
    if let valid = instrument.profile.madeValid(over: first...last, floor: model.widthFloor) {
      instrument.profile = valid
      warnings.append(String(format: "the saved instrument's widths are the fitted ones (floored where U…Y make them "
        + "negative) re-fitted with non-negative values: U %.5g, V %.5g, W %.5g, X %.5g, Y %.5g", valid.u, valid.v, valid.w,
        valid.x, valid.y))
    }
    instrument.sample.scale = 1
    return PatternFit.Result(
      twoTheta: model.twoTheta, observed: model.observed, calculated: curves.total, background: curves.background,
      phaseCurves: curves.phases, weights: model.weights, indices: indices, parameters: parameters, cells: cells,
      weightFractions: fractions, peaks: peaks, instrument: instrument, stages: stages, warnings: warnings,
      correlations: correlations, seconds: seconds)
  }
}
