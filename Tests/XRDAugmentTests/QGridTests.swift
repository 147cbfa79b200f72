// Q grids: the instrument key `q: {start, stop, step}` (Q = 4π sin θ / λ in Å⁻¹, λ the strongest line) and
// patterns simulated on it. Peak positions at Q = 2π/d, agreement with a 2θ-grid simulation at the same angles,
// the resampling method, the file format (round trip, both keys, bad values, --set) and presets untouched.

import Foundation
import Testing
import XRDGSL
import XRDSim

/// The Si test crystal (a = 5.4307 Å, Fd-3m).
private func silicon() throws -> Crystal { try shippedCrystal("9008565.cif") }

/// Linear interpolation of a uniform 2θ-grid pattern (first point `start`, step `step`) at `twoTheta`.
private func sample(_ y: [Double], start: Double, step: Double, at twoTheta: Double) -> Double {
  let position = (twoTheta - start) / step
  let i = min(max(Int(position.rounded(.down)), 0), y.count - 2)
  let f = position - Double(i)
  return y[i] * (1 - f) + y[i + 1] * f
}

@Suite struct QGridTests {
  // MARK: Physics

  @Test("Si (111) lands at Q = 4π sin θ/λ = 2π/d = 2π/3.1354 Å⁻¹")
  func peakAtTwoPiOverD() throws {
    var instrument = quietInstrument()  // Cu Kα1 only, Gaussian FWHM 0.05°
    instrument.q = .init(start: 1.5, stop: 2.5, step: 0.0005)
    var simulator = try PatternSimulator(crystal: silicon(), instrument: instrument)
    let pattern = simulator.simulate()
    let q = try #require(pattern.q)
    #expect(q.count == 2001 && pattern.twoTheta.count == 2001 && pattern.intensity.count == 2001)
    // Every point's 2θ is 2 asin(Qλ/4π) (one rounding of asin).
    let lambda = instrument.primaryWavelength
    for i in stride(from: 0, to: q.count, by: 97) {
      #expect(abs(4 * .pi * sin(pattern.twoTheta[i] * .pi / 360) / lambda - q[i]) < 1e-12)
    }
    // The maximum by a parabola through the three highest Q points.
    let i = try #require(q.indices.max { pattern.peaks[$0] < pattern.peaks[$1] })
    let (a, b, c) = (pattern.peaks[i - 1], pattern.peaks[i], pattern.peaks[i + 1])
    let peak = q[i] + 0.5 * (a - c) / (a - 2 * b + c) * 0.0005
    // d(111) = a/√3 = 3.13542 Å from the CIF's a = 5.4307 Å; 3.1354 rounds it (2e-5 Å⁻¹ in Q). The parabola and the
    // Lp slope across the peak move the maximum by < 1e-4 Å⁻¹ (0.0015° in 2θ).
    #expect(abs(peak - 2 * .pi / 3.1354) < 2e-4, "peak at Q = \(peak)")
    let stick = try #require(pattern.peakList.first { $0.hkl == MillerIndex(h: 1, k: 1, l: 1) })
    let stickQ = Instrument.QRange.q(atTwoTheta: stick.twoTheta, wavelength: lambda)
    #expect(abs(stickQ - 2 * .pi * 3.0.squareRoot() / 5.4307) < 1e-12)
  }

  @Test("the Q-grid pattern equals the 2θ-grid pattern at the same angles within 0.5 % of the maximum",
        arguments: [(0.001, 0.0), (0.001, 0.01), (0.004, 0.0)])
  func matchesTwoThetaGrid(qStep: Double, asymmetry: Double) throws {
    var instrument = Instrument()  // cu-lab: Kα1 + Kα2, pseudo-Voigt widths
    instrument.profile.sl = asymmetry
    instrument.profile.hl = asymmetry
    instrument.background.chebyshev = [40, -8]
    instrument.q = .init(start: 1.5, stop: 5, step: qStep)
    var onQ = try PatternSimulator(crystal: silicon(), instrument: instrument)
    let pattern = onQ.simulate()

    // Reference: the 2θ path on a fine grid (0.0005°, 2° wider on each side so it renders every peak the Q path
    // does), linearly interpolated: its own error is ≤ h²/8·|y''| ≈ 1e-4 of the maximum for FWHM ≥ 0.04°.
    var reference = instrument
    reference.q = nil
    let (first, last) = (pattern.twoTheta[0], pattern.twoTheta[pattern.twoTheta.count - 1])
    let start = (first - 2).rounded(.down), step = 0.0005
    reference.twoTheta = .init(start: start, stop: (last + 2).rounded(.up), step: step)
    var onTwoTheta = try PatternSimulator(crystal: silicon(), instrument: reference)
    let fine = onTwoTheta.simulate()
    let peaks = fine.peaks.map { $0 / fine.peakScale }  // raw Σ area × profile, independent of the grid
    let maximum = try #require(peaks.max())
    var worst = 0.0
    for (i, angle) in pattern.twoTheta.enumerated() {
      let expected = sample(peaks, start: start, step: step, at: angle)
      worst = max(worst, abs(pattern.peaks[i] / pattern.peakScale - expected) / maximum)
    }
    #expect(worst < 0.005, "worst difference \(worst) of the maximum")
    // The background is evaluated at the same angles, mapped over the scan's 2θ range.
    #expect(pattern.background == instrument.background.evaluate(at: pattern.twoTheta))
    #expect(pattern.intensity == zip(pattern.peaks, pattern.background).map(+))
    #expect(fine.q == nil)
  }

  @Test("resampling: a cubic spline meets 0.01 % of the maximum; linear, Steffen and Akima miss 0.1 %")
  func resamplingMethod() throws {
    var instrument = Instrument()
    instrument.q = .init(start: 1.5, stop: 5, step: 0.001)
    let simulator = try PatternSimulator(crystal: silicon(), instrument: instrument)
    let peaks = simulator.peakList().map { Peak(twoTheta: $0.twoTheta, area: $0.area, widths: $0.widths) }
    let angles = try #require(instrument.q).twoThetaValues(wavelength: instrument.primaryWavelength)
    let grid = try PatternSimulator.renderingGrid(covering: angles, profile: instrument.profile)
    #expect(grid.step <= angles[1] - angles[0])
    var renderer = PeakRenderer(grid: grid)
    let rendered = renderer.render(peaks)
    // Exact point values at each angle: a one-point grid there.
    let exact = angles.map { angle in
      var one = PeakRenderer(grid: TwoThetaGrid(start: angle, step: grid.step, count: 1), sampling: .pointValues)
      return one.render(peaks)[0]
    }
    let maximum = try #require(exact.max())
    func worst(_ method: Interpolator.Method) -> Double {
      let values = PatternSimulator.resample(rendered, at: grid.values, onto: angles, method: method)
      return zip(values, exact).map { abs($0 - $1) }.max()! / maximum
    }
    // Measured: cubic spline 6e-5, Akima 1.3e-3, Steffen 8.6e-3 (it puts every extremum on a grid point),
    // linear 8.8e-3 (h = FWHM/8 of the cu-lab widths).
    #expect(PatternSimulator.qResampling == .cubicSpline)
    #expect(worst(.cubicSpline) < 1e-4)
    #expect(worst(.linear) > 1e-3)
    #expect(worst(.steffen) > 1e-3)
    #expect(worst(.akima) > 1e-3)
  }

  @Test("Interpolator.values(at:) equals value(at:) point by point and rejects points outside the data")
  func batchInterpolation() throws {
    let x = (0..<50).map { Double($0) * 0.1 }, y = x.map { sin(3 * $0) }
    let spline = try Interpolator(x: x, y: y, method: .cubicSpline)
    let points = [0.0, 0.05, 1.234, 4.9, 2.5, 0.3]  // not all ascending: the accelerator falls back to bisection
    #expect(try spline.values(at: points) == points.map { try spline.value(at: $0) })
    #expect(throws: GSLError.domain) { try spline.values(at: [1, 5]) }
  }

  @Test("noise is drawn on the Q points: whole counts, reproducible from the seed")
  func noiseOnQPoints() throws {
    var instrument = Instrument()
    instrument.noise.counts = 5000
    instrument.q = .init(start: 1, stop: 6, step: 0.002)
    var simulator = try PatternSimulator(crystal: silicon(), instrument: instrument)
    let a = simulator.simulate(seed: 3), b = simulator.simulate(seed: 3)
    #expect(a.intensity == b.intensity)
    #expect(a.intensity.count == 2501 && a.q?.count == 2501)
    #expect(a.intensity.allSatisfy { $0 >= 0 && $0 == $0.rounded() })
    #expect(abs((a.peaks.max() ?? 0) - 5000) < 1e-6)
    for i in a.intensity.indices { #expect(abs(a.intensity[i] - a.peaks[i] - a.background[i] - a.noise[i]) < 1e-9) }
  }

  @Test("a 2θ scan is untouched: no q, same grid as the instrument's")
  func twoThetaPathUnchanged() throws {
    var simulator = try PatternSimulator(crystal: silicon(), instrument: Instrument())
    let pattern = simulator.simulate()
    #expect(pattern.q == nil)
    #expect(pattern.twoTheta == Instrument().twoTheta.values)
  }

  // MARK: File format

  @Test("q round-trips through yaml() and JSON; two_theta stays the default")
  func yamlRoundTrip() throws {
    var instrument = Instrument()
    instrument.q = .init(start: 0.5, stop: 7.25, step: 0.0025)
    let text = instrument.yaml()
    #expect(text.contains("q: {start: 0.5, stop: 7.25, step: 0.0025}"))
    #expect(text.contains("Q = 4π sin θ / λ, λ = 1.5405929 Å"))
    #expect(!text.contains("\ntwo_theta:"))
    let back = try Instrument(yaml: text, fileName: "q.yaml")
    #expect(back == instrument)
    #expect(back.twoTheta == Instrument.TwoThetaRange())
    let json = try Instrument(yaml: #"{"radiation": "MoKa1", "q": {"start": 1, "stop": 15, "step": 0.005}}"#)
    #expect(json.q == Instrument.QRange(start: 1, stop: 15, step: 0.005))
    #expect(json.q?.count == 2801)
    #expect(try Instrument(yaml: json.yaml()) == json)
    #expect(try Instrument(yaml: "q: null") == Instrument())
    #expect(try Instrument(yaml: "two_theta: {start: 10}\nq:\n") == Instrument(twoTheta: .init(start: 10)))
  }

  @Test(arguments: Instrument.presetNames)
  func presetsHaveNoQGrid(name: String) throws {
    let preset = try #require(Instrument.preset(named: name))
    #expect(preset.q == nil)
    let text = preset.yaml()
    #expect(text.contains("\ntwo_theta: {start: "))
    #expect(!text.contains("\nq:"))
  }

  @Test("two_theta and q together: an error naming both keys, at the q key's line")
  func bothKeys() throws {
    let text = "radiation: CuKa1\ntwo_theta: {start: 5, stop: 90, step: 0.01}\nq: {start: 1, stop: 6, step: 0.001}\n"
    let error = #expect(throws: InstrumentError.self) { try Instrument(yaml: text, fileName: "both.yaml") }
    #expect(error?.kind == .conflictingKeys("two_theta", "q"))
    #expect(error?.keyPath == "q")
    #expect(error?.location == SourceLocation(file: "both.yaml", line: 3, column: 1))
    let message = try #require(error?.description)
    #expect(message.contains("'two_theta'") && message.contains("'q'"), "\(message)")
    // Also when two_theta is written with no value (the default scan, but given explicitly).
    let empty = #expect(throws: InstrumentError.self) { try Instrument(yaml: "two_theta:\nq: {start: 1, stop: 6, step: 0.001}") }
    #expect(empty?.kind == .conflictingKeys("two_theta", "q"))
    // And by --set when one call assigns both.
    var instrument = Instrument()
    let set = #expect(throws: InstrumentError.self) {
      try instrument.set(["two_theta.start=10", "q={start: 1, stop: 6, step: 0.001}"])
    }
    #expect(set?.kind == .conflictingKeys("two_theta", "q"))
    #expect(set?.location == nil)
    #expect(instrument == Instrument())
  }

  /// Each impossible Q scan: the snippet and the key path the error must name.
  static let invalidScans: [(String, String)] = [
    ("q: {start: 1, stop: 6, step: 0}", "q.step"),
    ("q: {start: 1, stop: 6, step: -0.001}", "q.step"),
    ("q: {start: 1, stop: 6, step: .nan}", "q.step"),
    ("q: {start: 1, stop: 6, step: 0.0000001}", "q.step"),  // 5·10⁷ points
    ("q: {start: 1, stop: 8.1568, step: 0.000001}", "q.step"),  // 7.2·10⁶ points, but 2θ spacing 1.4e-5° up to 177°
    ("q: {start: 0, stop: 6, step: 0.001}", "q.start"),
    ("q: {start: -1, stop: 6, step: 0.001}", "q.start"),
    ("q: {start: .inf, stop: 6, step: 0.001}", "q.start"),
    ("q: {start: 6, stop: 5, step: 0.001}", "q.stop"),
    ("q: {start: 6, stop: 6, step: 0.001}", "q.stop"),
    ("q: {start: 1, stop: 8.2, step: 0.001}", "q.stop"),  // 4π/λ(Cu Kα1) = 8.157 Å⁻¹
    ("radiation: 2.5\nq: {start: 1, stop: 5.1, step: 0.001}", "q.stop"),  // 4π/2.5 = 5.027
  ]

  @Test(arguments: invalidScans)
  func invalidValuesNameTheKey(snippet: String, keyPath: String) {
    let error = #expect(throws: InstrumentError.self) { try Instrument(yaml: snippet, fileName: "q.yaml") }
    #expect(error?.keyPath == keyPath, "\(snippet)")
    #expect(error?.location?.file == "q.yaml")
    if case .invalidValue = error?.kind {} else { Issue.record("\(snippet): expected an invalid value, got \(String(describing: error))") }
  }

  @Test func invalidMessagesExplain() throws {
    let high = #expect(throws: InstrumentError.self) { try Instrument(yaml: "q: {start: 1, stop: 9, step: 0.001}") }
    #expect(high?.description == "1:21: error: q.stop: 9 is not allowed: Q must be below 4π/λ = 8.157 Å⁻¹ "
      + "(2θ = 180° at λ = 1.5405929 Å, the strongest line)")
    let step = #expect(throws: InstrumentError.self) { try Instrument(yaml: "q: {start: 1, stop: 6, step: 0}") }
    #expect(step?.description == "1:30: error: q.step: 0 is not allowed: the step must be positive")
    let missing = #expect(throws: InstrumentError.self) { try Instrument(yaml: "q: {start: 1, stop: 6}") }
    #expect(missing?.kind == .missingKey("step"))
    #expect(missing?.keyPath == "q")
    let typo = #expect(throws: InstrumentError.self) { try Instrument(yaml: "q: {start: 1, stop: 6, steps: 0.01}") }
    #expect(typo?.kind == .unknownKey("steps", suggestion: "step"))
    let text = #expect(throws: InstrumentError.self) { try Instrument(yaml: "q: {start: one, stop: 6, step: 0.01}") }
    #expect(text?.keyPath == "q.start")
    // Built in code: the simulator checks the instrument first.
    var instrument = Instrument()
    instrument.q = .init(start: 1, stop: 6, step: -1)
    #expect(throws: InstrumentError.self) { try PatternSimulator(crystal: silicon(), instrument: instrument) }
  }

  @Test("--set: q.start=… edits a Q scan; assigning q or two_theta switches the scan")
  func setSwitchesTheScan() throws {
    var instrument = Instrument()
    try instrument.set("q={start: 1, stop: 7, step: 0.001}")
    #expect(instrument.q == Instrument.QRange(start: 1, stop: 7, step: 0.001))
    try instrument.set("q.start=1.5")
    #expect(instrument.q == Instrument.QRange(start: 1.5, stop: 7, step: 0.001))
    try instrument.set(["q.stop=4", "q.step=0.002"])
    #expect(instrument.q == Instrument.QRange(start: 1.5, stop: 4, step: 0.002))
    let bad = #expect(throws: InstrumentError.self) { try instrument.set("q.step=-1") }
    #expect(bad?.keyPath == "q.step")
    #expect(instrument.q?.step == 0.002)
    try instrument.set("two_theta.start=10")
    #expect(instrument.q == nil && instrument.twoTheta == .init(start: 10))
    try instrument.set(["q.start=1", "q.stop=2", "q.step=0.01"])
    #expect(instrument.q == Instrument.QRange(start: 1, stop: 2, step: 0.01))
    try instrument.set("q=null")
    #expect(instrument.q == nil && instrument.twoTheta == Instrument.TwoThetaRange())
    // On a 2θ instrument a partial q has no defaults to fall back on.
    let partial = #expect(throws: InstrumentError.self) { try instrument.set("q.start=1") }
    #expect(partial?.kind == .missingKey("stop"))
    // A wavelength change moves the limit 4π/λ.
    try instrument.set(["radiation=MoKa1", "q={start: 1, stop: 15, step: 0.01}"])
    #expect(instrument.q?.stop == 15)
    #expect(throws: InstrumentError.self) { try instrument.set("radiation=CuKa1") }
  }
}
