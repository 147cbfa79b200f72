// The fitter against synthetic measurements with known parameters (a simulated corundum pattern with a strained
// cell, a displaced specimen, other widths, a sloping background and Poisson noise), against hand-computed
// agreement indices, the lattice constraints, and the round trip of a fitted instrument through its YAML file.

import Foundation
import Testing
import XRDExperiment
import XRDSim

@Suite struct PatternFitTests {
  static let corundum = repositoryRoot.appendingPathComponent("Structures/amcsd_0009325.cif")

  /// A noisy corundum pattern on the default lab instrument with: a 0.25 % longer, c 0.15 % shorter; displacement
  /// 0.06 mm; U 0.012, V −0.006, W 0.004 deg², X 0.015°, Y 0.04°; background 300 − 60 x + 25 x² (Chebyshev); peak
  /// maximum 20,000 counts.
  static func synthetic() throws -> (MeasuredPattern, Crystal, Instrument, UnitCell) {
    var crystal = try Crystal.load(contentsOf: corundum)
    let c = crystal.cell
    let truth = try UnitCell(a: c.a * 1.0025, b: c.b * 1.0025, c: c.c * 0.9985, alpha: c.alpha, beta: c.beta, gamma: c.gamma)
    let template = MeasuredPattern(twoTheta: [20, 100], intensity: [0, 0], radiation: Radiation.lines(named: "CuKa12")!,
                                   format: .xy, source: "synthetic")
    var instrument = PatternFit.defaultInstrument(for: template)
    instrument.twoTheta = Instrument.TwoThetaRange(start: 20, stop: 100, step: 0.02)
    instrument.displacement = 0.06
    instrument.profile = Instrument.ProfileParameters(u: 0.012, v: -0.006, w: 0.004, x: 0.015, y: 0.04)
    instrument.background = BackgroundModel(chebyshev: [300, -60, 25])
    instrument.noise = NoiseModel(counts: 20_000, seed: 7)
    let original = crystal
    crystal.cell = truth
    var simulator = try PatternSimulator(crystal: crystal, instrument: instrument, settings: DiffractionSettings(defaultUIso: 0.01))
    let pattern = simulator.simulate()
    let measured = MeasuredPattern(twoTheta: pattern.twoTheta, intensity: pattern.intensity, radiation: instrument.radiation,
                                   format: .xy, source: "synthetic")
    return (measured, original, instrument, truth)
  }

  @Test func recoversKnownParametersFromDefaults() throws {
    let (measured, crystal, truthInstrument, truth) = try Self.synthetic()
    let start = PatternFit.defaultInstrument(for: measured)
    let result = try PatternFit.fit([crystal], to: measured, instrument: start)
    // A correct model fits to the noise: reduced χ² ≈ 1 and Rwp ≈ Rexp.
    #expect(result.indices.gof < 1.3, "GoF \(result.indices.gof)")
    #expect(result.indices.rwp < 1.15 * result.indices.rexp)
    func parameter(_ name: String) throws -> PatternFit.Parameter { try #require(result.parameters.first { $0.name == name }) }
    for (name, value) in [("a", truth.a), ("c", truth.c), ("displacement", truthInstrument.displacement)] {
      let p = try parameter(name)
      let su = try #require(p.uncertainty)
      #expect(abs(p.value - value) < 4 * su + 1e-6, "\(name) \(p.value) ± \(su), true \(value)")
    }
    #expect(abs(result.cells[0].a - truth.a) / truth.a < 1e-4)
    #expect(abs(result.cells[0].c - truth.c) / truth.c < 1e-4)
    // The widths it found give the true FWHMs (U, V, W correlate, so compare what they produce).
    for angle in [30.0, 60.0, 90.0] {
      let fitted = result.instrument.profile, true_ = truthInstrument.profile
      #expect(abs(fitted.gaussianFWHM(atTwoTheta: angle) - true_.gaussianFWHM(atTwoTheta: angle)) < 0.01, "G at \(angle)")
      #expect(abs(fitted.lorentzianFWHM(atTwoTheta: angle) - true_.lorentzianFWHM(atTwoTheta: angle)) < 0.01, "L at \(angle)")
    }
    #expect(result.stages.map(\.name).prefix(5) == ["scale and background", "coarse widths", "positions", "widths", "all"])
  }

  /// The saved instrument reads back, validates, and simulates the fitted pattern again.
  @Test func fittedInstrumentRoundTrips() throws {
    let (measured, crystal, _, _) = try Self.synthetic()
    let result = try PatternFit.fit([crystal], to: measured, instrument: PatternFit.defaultInstrument(for: measured))
    let text = result.instrument.yaml()
    var loaded = try Instrument(yaml: text, fileName: "fitted.yaml")
    try loaded.validate()
    loaded.noise.gaussianSigma = 0
    var strained = crystal
    strained.cell = result.cells[0]
    var simulator = try PatternSimulator(crystal: strained, instrument: loaded, settings: DiffractionSettings(defaultUIso: 0.01))
    let pattern = simulator.simulate()
    let clean = zip(pattern.peaks, pattern.background).map(+)
    #expect(clean.count == result.calculated.count)
    // Noise-free re-simulation against the fit's own curve: the same within 1 % of the maximum (the fit renders
    // a mixture's phases separately and floors widths smoothly; the simulator does neither).
    let maximum = result.calculated.max() ?? 1
    let worst = zip(clean, result.calculated).map { abs($0 - $1) }.max() ?? 0
    #expect(worst < 0.01 * maximum, "worst difference \(worst) of \(maximum)")
  }

  @Test func agreementIndicesByHand() {
    // y = (10, 20, 30), c = (11, 19, 30), w = 1/y.
    let indices = AgreementIndices(observed: [10, 20, 30], calculated: [11, 19, 30], weights: [0.1, 0.05, 1.0 / 30],
                                   parameterCount: 1)
    // Σw(y−c)² = 0.1 + 0.05 = 0.15; Σwy² = 10 + 20 + 30 = 60; Rwp = √(0.15/60) = 0.05.
    #expect(abs(indices.rwp - 0.05) < 1e-12)
    #expect(abs(indices.rp - 2.0 / 60) < 1e-12)
    #expect(abs(indices.rexp - (2.0 / 60).squareRoot()) < 1e-12)
    #expect(abs(indices.gof - 0.15 / 2) < 1e-12)
    let cosine = (110.0 + 380 + 900) / ((100.0 + 400 + 900).squareRoot() * (121.0 + 361 + 900).squareRoot())
    #expect(abs(indices.cosine - cosine) < 1e-12)
  }

  @Test func latticeConstraintFromMetric() throws {
    func kind(_ a: Double, _ b: Double, _ c: Double, _ al: Double, _ be: Double, _ ga: Double) throws -> LatticeConstraint.Kind {
      LatticeConstraint.metricKind(of: try UnitCell(a: a, b: b, c: c, alpha: al, beta: be, gamma: ga))
    }
    #expect(try kind(4, 4, 4, 90, 90, 90) == .cubic)
    #expect(try kind(4, 4, 6, 90, 90, 90) == .tetragonal)
    #expect(try kind(3, 3, 5, 90, 90, 120) == .hexagonal)
    #expect(try kind(5, 5, 5, 60, 60, 60) == .rhombohedral)
    #expect(try kind(3, 4, 5, 90, 100, 90) == .monoclinicBeta)
    #expect(try kind(3, 4, 5, 80, 100, 110) == .triclinic)
    let constraint = LatticeConstraint(kind: .hexagonal)
    let base = try UnitCell(a: 3, b: 3, c: 5, alpha: 90, beta: 90, gamma: 120)
    let cell = try constraint.cell(from: [3.1, 5.2], base: base)
    #expect(cell.a == 3.1 && cell.b == 3.1 && cell.c == 5.2 && cell.gamma == 120)
  }

  @Test func badInputIsAnError() throws {
    let crystal = try Crystal.load(contentsOf: Self.corundum)
    let tiny = MeasuredPattern(twoTheta: [20, 21, 22], intensity: [1, 2, 3], format: .xy, source: "tiny.xy")
    #expect(throws: FitError.self) {
      _ = try PatternFit.fit([crystal], to: tiny, instrument: Instrument())
    }
    #expect(throws: FitError.self) {
      _ = try PatternFit.fit([], to: tiny, instrument: Instrument())
    }
    let (measured, _, _, _) = try Self.synthetic()
    #expect(throws: FitError.self) {
      _ = try PatternFit.fit([crystal], to: measured, instrument: Instrument(), options: PatternFit.Options(backgroundTerms: -1))
    }
  }
}
