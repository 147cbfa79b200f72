// Instrument files: defaults, YAML and JSON, presets and their round trip through yaml(), --set, and
// one error per kind of bad input with its key path (and line, for files).

import Foundation
import Testing
import XRDSim

@Suite struct InstrumentTests {
  /// The example of the instrument-file format, every key given, values equal to the defaults.
  static let fullExample = """
    radiation: CuKa12              # a name, a wavelength in Å, or a list
    two_theta: {start: 5, stop: 90, step: 0.01}
    zero_shift: 0.0
    displacement: 0.0
    goniometer_radius: 240
    monochromator_two_theta: 0.0
    divergence_slit: {mode: fixed, angle: 1.0}
    profile: {U: 0.004, V: -0.002, W: 0.002, X: 0.0, Y: 0.02, SL: 0.0, HL: 0.0}
    sample: {crystallite_size_nm: null, microstrain: 0.0, texture: {hkl: [0, 0, 1], r: 1.0}, scale: 1.0}
    background: {chebyshev: [0.0], inverse_two_theta: 0.0, humps: []}
    noise: {counts: null, gaussian_sigma: 0.0, seed: 0}
    """

  /// A non-default instrument touching every key.
  static let custom = """
    {
      "radiation": [{"wavelength": 1.5405929, "weight": 1.0, "name": "CuKa1"},
                    {"wavelength": 1.5444274, "weight": 0.48}],
      "two_theta": {"start": 10, "stop": 80, "step": 0.02},
      "zero_shift": -0.015,
      "displacement": 0.12,
      "goniometer_radius": 217.5,
      "monochromator_two_theta": 26.6,
      "divergence_slit": {"mode": "variable", "angle": 0.5},
      "profile": {"U": 0.01, "V": -0.005, "W": 0.003, "X": 0.001, "Y": 0.03, "SL": 0.02, "HL": 0.015},
      "sample": {"crystallite_size_nm": 35.5, "microstrain": 0.0012,
                 "texture": {"hkl": [1, 0, 4], "r": 0.85}, "scale": 2.5},
      "background": {"chebyshev": [120, -30.5, 12, 1e-5], "inverse_two_theta": 450,
                     "humps": [{"center": 25, "fwhm": 8, "height": 200}, {"center": 43, "fwhm": 12.5, "height": 80, "eta": 0.3}]},
      "noise": {"counts": 25000, "gaussian_sigma": 1.5, "seed": 18446744073709551615, "correlation": 0.4}
    }
    """

  // MARK: Defaults

  @Test func omittedKeysTakeDefaults() throws {
    let empty = try Instrument(yaml: "")
    #expect(empty == Instrument())
    #expect(try Instrument(yaml: "{}") == Instrument())
    #expect(try Instrument(yaml: "profile:\nsample:\n") == Instrument())
    #expect(try Instrument(yaml: Self.fullExample) == Instrument())

    let d = Instrument()
    #expect(d.radiation == Radiation.lines(named: "CuKa12"))
    #expect(d.radiation.map(\.weight) == [1, 0.5])
    #expect(d.twoTheta == Instrument.TwoThetaRange(start: 5, stop: 90, step: 0.01))
    #expect(d.twoTheta.count == 8501)
    #expect(d.twoTheta.value(at: 8500) == 90)
    #expect(d.zeroShift == 0 && d.displacement == 0 && d.goniometerRadius == 240 && d.monochromatorTwoTheta == 0)
    #expect(d.divergenceSlit == Instrument.DivergenceSlit(mode: .fixed, angle: 1))
    #expect(d.profile == Instrument.ProfileParameters(u: 0.004, v: -0.002, w: 0.002, x: 0, y: 0.02, sl: 0, hl: 0))
    #expect(d.sample.crystalliteSize == nil && d.sample.microstrain == 0 && d.sample.scale == 1)
    #expect(d.sample.texture == MarchDollase(axis: MillerIndex(h: 0, k: 0, l: 1), ratio: 1))
    #expect(d.background == BackgroundModel(chebyshev: [0], inverseTwoTheta: 0, humps: []))
    #expect(d.noise == NoiseModel(counts: nil, gaussianSigma: 0, seed: 0))
    #expect(!d.noise.isEnabled)
    #expect(Instrument.preset(named: "cu-lab") == d)
    try d.validate()
  }

  // MARK: YAML and JSON

  @Test func jsonAndYAMLGiveTheSameInstrument() throws {
    let fromJSON = try Instrument(yaml: Self.custom, fileName: "custom.json")
    #expect(fromJSON.radiation == [EmissionLine(wavelength: 1.5405929, weight: 1, name: "CuKa1"),
                                   EmissionLine(wavelength: 1.5444274, weight: 0.48)])
    #expect(fromJSON.twoTheta.count == 3501)
    #expect(fromJSON.zeroShift == -0.015 && fromJSON.displacement == 0.12 && fromJSON.goniometerRadius == 217.5)
    #expect(fromJSON.divergenceSlit.mode == .variable)
    #expect(fromJSON.profile.hl == 0.015 && fromJSON.profile.x == 0.001)
    #expect(fromJSON.sample.crystalliteSize == 35.5)
    #expect(fromJSON.sample.texture.axis == MillerIndex(h: 1, k: 0, l: 4))
    #expect(fromJSON.background.humps[1] == BackgroundModel.Hump(center: 43, fwhm: 12.5, height: 80, eta: 0.3))
    #expect(fromJSON.background.chebyshev == [120, -30.5, 12, 1e-5])
    #expect(fromJSON.noise.counts == 25000 && fromJSON.noise.seed == UInt64.max)

    let yaml = """
      radiation:
        - {wavelength: 1.5405929, weight: 1.0, name: CuKa1}
        - {wavelength: 1.5444274, weight: 0.48}
      two_theta: {start: 10, stop: 80, step: 0.02}
      zero_shift: -0.015
      displacement: 0.12
      goniometer_radius: 217.5
      monochromator_two_theta: 26.6
      divergence_slit: {mode: variable, angle: 0.5}
      profile: {U: 0.01, V: -0.005, W: 0.003, X: 0.001, Y: 0.03, SL: 0.02, HL: 0.015}
      sample:
        crystallite_size_nm: 35.5
        microstrain: 0.0012
        texture: {hkl: [1, 0, 4], r: 0.85}
        scale: 2.5
      background:
        chebyshev: [120, -30.5, 12, 1e-5]
        inverse_two_theta: 450
        humps:
          - {center: 25, fwhm: 8, height: 200}
          - {center: 43, fwhm: 12.5, height: 80, eta: 0.3}
      noise: {counts: 25000, gaussian_sigma: 1.5, seed: 18446744073709551615, correlation: 0.4}
      """
    #expect(try Instrument(yaml: yaml) == fromJSON)
  }

  @Test func radiationForms() throws {
    #expect(try Instrument(yaml: "radiation: MoKa1").radiation == Radiation.lines(named: "MoKa1"))
    #expect(try Instrument(yaml: "radiation: Cu Kα12").radiation == Radiation.lines(named: "CuKa12"))
    #expect(try Instrument(yaml: "radiation: 0.7293").radiation == [EmissionLine(wavelength: 0.7293)])
    #expect(try Instrument(yaml: "radiation: 1").radiation == [EmissionLine(wavelength: 1)])
    #expect(try Instrument(yaml: "radiation: '0.45'").radiation == [EmissionLine(wavelength: 0.45)])
    #expect(try Instrument(yaml: "radiation: {wavelength: 0.5}").radiation == [EmissionLine(wavelength: 0.5)])
    let list = try Instrument(yaml: "radiation: [{wavelength: 1.54, weight: 2}, {wavelength: 1.39, weight: 0.2}]")
    #expect(list.radiation == [EmissionLine(wavelength: 1.54, weight: 2), EmissionLine(wavelength: 1.39, weight: 0.2)])
  }

  @Test func loadsFilesAndNamesThem() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xrdsim-instrument-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("lab.json")
    try Self.custom.write(to: url, atomically: true, encoding: .utf8)
    #expect(try Instrument.load(contentsOf: url) == Instrument(yaml: Self.custom))
    #expect(try Instrument.presetOrFile(url.path) == Instrument(yaml: Self.custom))

    let bad = directory.appendingPathComponent("bad.yaml")
    try "profile:\n  U: 0.004\n  W: -0.5\n".write(to: bad, atomically: true, encoding: .utf8)
    let error = #expect(throws: InstrumentError.self) { try Instrument.load(contentsOf: bad) }
    #expect(error?.keyPath == "profile.W")
    #expect(error?.location == SourceLocation(file: "bad.yaml", line: 3, column: 6))
    #expect(error?.description.hasPrefix("bad.yaml:3:6: error: profile.W: -0.5 is not allowed") == true)

    let missing = directory.appendingPathComponent("missing.yaml")
    let unreadable = #expect(throws: InstrumentError.self) { try Instrument.load(contentsOf: missing) }
    #expect(unreadable?.location?.file == "missing.yaml")
    if case .unreadableFile = unreadable?.kind {} else { Issue.record("expected unreadableFile, got \(String(describing: unreadable))") }
  }

  // MARK: Presets

  @Test(arguments: Instrument.presetNames)
  func presetRoundTripsThroughYAML(name: String) throws {
    let preset = try #require(Instrument.preset(named: name))
    try preset.validate()
    let text = preset.yaml()
    #expect(try Instrument(yaml: text, fileName: "\(name).yaml") == preset)
    #expect(Instrument.preset(named: name.uppercased()) == preset)
  }

  @Test func presetValues() throws {
    let mono = try #require(Instrument.preset(named: "cu-lab-monochromator"))
    #expect(mono.radiation == Radiation.lines(named: "CuKa1"))
    #expect(mono.monochromatorTwoTheta == 27.28)
    let mo = try #require(Instrument.preset(named: "mo-lab"))
    #expect(mo.radiation == Radiation.lines(named: "MoKa12"))
    var synchrotron = try #require(Instrument.preset(named: "synchrotron"))
    #expect(synchrotron.radiation == [EmissionLine(wavelength: 0.7293)])
    #expect(synchrotron.profile.gaussianFWHM(atTwoTheta: 10) < 0.01)
    try synchrotron.set("radiation=0.45")
    #expect(synchrotron.radiation == [EmissionLine(wavelength: 0.45)])
    let opxrd = try #require(Instrument.preset(named: "opxrd"))
    #expect(opxrd.radiation == Radiation.lines(named: "CuKa12"))
    #expect(opxrd.twoTheta.step == 0.02)
    #expect(Instrument.preset(named: "cu") == nil)
    let error = #expect(throws: InstrumentError.self) { try Instrument.presetOrFile("cu-lab-mono") }
    #expect(error?.kind == .unknownPreset("cu-lab-mono", suggestion: "cu-lab"))
  }

  @Test func customInstrumentRoundTripsThroughYAML() throws {
    var instrument = try Instrument(yaml: Self.custom)
    #expect(try Instrument(yaml: instrument.yaml()) == instrument)
    instrument.radiation = [EmissionLine(wavelength: 1.1, weight: 0.3, name: "odd name: \"x\"")]
    instrument.noise.counts = nil
    instrument.sample.crystalliteSize = nil
    instrument.background.chebyshev = []
    instrument.profile.u = 1.0 / 3
    #expect(try Instrument(yaml: instrument.yaml()) == instrument)
    let text = Instrument().yaml()
    #expect(text.contains("radiation: CuKa12"))
    #expect(text.contains("# Gaussian FWHM² = U tan²θ + V tan θ + W, in degrees²"))
  }

  // MARK: --set

  @Test func setNestedKeys() throws {
    var instrument = Instrument()
    try instrument.set("profile.U=0.01")
    #expect(instrument.profile.u == 0.01)
    try instrument.set("radiation=MoKa1")
    #expect(instrument.radiation == Radiation.lines(named: "MoKa1"))
    try instrument.set("sample.texture.hkl=[1,0,4]")
    #expect(instrument.sample.texture.axis == MillerIndex(h: 1, k: 0, l: 4))
    try instrument.set("noise.counts=1e4")
    #expect(instrument.noise.counts == 10_000)
    try instrument.set("noise.counts=null")
    #expect(instrument.noise.counts == nil)
    try instrument.set("sample.crystallite_size_nm = 40")
    #expect(instrument.sample.crystalliteSize == 40)
    try instrument.set("background.humps.0={center: 25, fwhm: 8, height: 200}")
    try instrument.set("background.humps[0].height=300")
    try instrument.set("background.humps[1]={center: 40, fwhm: 10, height: 50, eta: 1}")
    #expect(instrument.background.humps == [BackgroundModel.Hump(center: 25, fwhm: 8, height: 300),
                                            BackgroundModel.Hump(center: 40, fwhm: 10, height: 50, eta: 1)])
    try instrument.set("divergence_slit.mode=variable")
    #expect(instrument.divergenceSlit.mode == .variable)
    try instrument.set("two_theta={start: 10, stop: 60, step: 0.05}")
    #expect(instrument.twoTheta.count == 1001)
    // Checked once after all assignments: the order does not matter.
    try instrument.set(["two_theta.start=100", "two_theta.stop=150"])
    #expect(instrument.twoTheta.start == 100 && instrument.twoTheta.stop == 150)
  }

  @Test func setErrorsNameTheKey() throws {
    let original = Instrument()
    var instrument = original
    func failure(_ assignment: String) -> InstrumentError? {
      #expect(throws: InstrumentError.self) { try instrument.set(assignment) }
    }
    #expect(failure("profile.Q=1")?.kind == .unknownKey("Q", suggestion: nil))
    #expect(failure("profile.Q=1")?.keyPath == "profile.Q")
    #expect(failure("profile.u=1")?.kind == .unknownKey("u", suggestion: "U"))
    #expect(failure("profle.U=1")?.kind == .unknownKey("profle", suggestion: "profile"))
    #expect(failure("profile.U=abc")?.kind == .wrongType(expected: "a number", found: "'abc'"))
    #expect(failure("profile.U=abc")?.keyPath == "profile.U")
    #expect(failure("two_theta.step=-1")?.keyPath == "two_theta.step")
    #expect(failure("two_theta.start=100")?.keyPath == "two_theta.stop")
    #expect(failure("radiation=CuKa3")?.keyPath == "radiation")
    #expect(failure("background.humps.3.height=1")?.keyPath == "background.humps[3]")
    #expect(failure("profile.U")?.kind == .badAssignment("profile.U"))
    #expect(failure("=1")?.kind == .badAssignment("=1"))
    #expect(failure("profile.U=[1, 2")?.keyPath == "profile.U")
    #expect(failure("profile.U=-1")?.location == nil)
    #expect(failure("profile.U=-1")?.description.hasPrefix("error: profile.U: -1 is not allowed") == true)
    #expect(instrument == original)
  }

  // MARK: Bad input

  /// Each impossible value: the snippet, the key path the error must name.
  static let invalidValues: [(String, String)] = [
    ("two_theta: {step: -0.01}", "two_theta.step"),
    ("two_theta: {step: 0}", "two_theta.step"),
    ("two_theta: {start: 50, stop: 40}", "two_theta.stop"),
    ("two_theta: {start: 50, stop: 50}", "two_theta.stop"),
    ("two_theta: {start: 0}", "two_theta.start"),
    ("two_theta: {stop: 180}", "two_theta.stop"),
    ("two_theta: {step: 0.000001}", "two_theta.step"),
    ("profile: {U: 0, V: 0, W: -0.001}", "profile.W"),
    ("profile: {U: 0, V: 0, W: 0, Y: 0}", "profile"),
    ("profile: {U: 0, V: -0.01, W: 0.001}", "profile.V"),
    ("profile: {X: -0.1}", "profile.X"),
    ("profile: {SL: -0.01}", "profile.SL"),
    ("profile: {HL: -0.01}", "profile.HL"),
    ("sample: {crystallite_size_nm: -5}", "sample.crystallite_size_nm"),
    ("sample: {crystallite_size_nm: 0}", "sample.crystallite_size_nm"),
    ("sample: {microstrain: -0.001}", "sample.microstrain"),
    ("sample: {microstrain: 2}", "sample.microstrain"),
    ("sample: {texture: {r: 0}}", "sample.texture.r"),
    ("sample: {texture: {r: -1}}", "sample.texture.r"),
    ("sample: {texture: {hkl: [0, 0, 0]}}", "sample.texture.hkl"),
    ("sample: {scale: 0}", "sample.scale"),
    ("radiation: []", "radiation"),
    ("radiation: 12", "radiation"),
    ("radiation: -1.5", "radiation"),
    ("radiation: [{wavelength: 1.54, weight: 0}]", "radiation[0].weight"),
    ("radiation: [{wavelength: 1.54}, {wavelength: 1.5, weight: -1}]", "radiation[1].weight"),
    ("radiation: [{wavelength: 0}]", "radiation[0].wavelength"),
    ("goniometer_radius: 0", "goniometer_radius"),
    ("goniometer_radius: -240", "goniometer_radius"),
    ("displacement: 300", "displacement"),
    ("zero_shift: 45", "zero_shift"),
    ("monochromator_two_theta: -1", "monochromator_two_theta"),
    ("monochromator_two_theta: 200", "monochromator_two_theta"),
    ("divergence_slit: {angle: 0}", "divergence_slit.angle"),
    ("divergence_slit: {mode: sideways}", "divergence_slit.mode"),
    ("background: {chebyshev: [1, .nan]}", "background.chebyshev[1]"),
    ("background: {humps: [{center: 20, fwhm: 0, height: 1}]}", "background.humps[0].fwhm"),
    ("background: {humps: [{center: 20, fwhm: 5, height: -1}]}", "background.humps[0].height"),
    ("background: {humps: [{center: 20, fwhm: 5, height: 1, eta: 2}]}", "background.humps[0].eta"),
    ("noise: {counts: -1}", "noise.counts"),
    ("noise: {counts: 0}", "noise.counts"),
    ("noise: {gaussian_sigma: -1}", "noise.gaussian_sigma"),
    ("noise: {correlation: 0.75}", "noise.correlation"),
    ("noise: {correlation: -0.1}", "noise.correlation"),
    ("noise: {seed: -1}", "noise.seed"),
    ("noise: {seed: 18446744073709551616}", "noise.seed"),
  ]

  @Test(arguments: invalidValues)
  func invalidValueNamesKeyPath(snippet: String, keyPath: String) {
    let error = #expect(throws: InstrumentError.self) { try Instrument(yaml: snippet, fileName: "x.yaml") }
    #expect(error?.keyPath == keyPath, "\(snippet)")
    #expect(error?.location?.file == "x.yaml")
    #expect(error?.location?.line == 1, "\(snippet)")
    switch error?.kind {
    case .invalidValue, .unknownRadiation: break
    default: Issue.record("\(snippet): expected an invalid value, got \(String(describing: error))")
    }
  }

  @Test func invalidValueInFileNamesLineAndColumn() {
    let text = """
      radiation: CuKa12
      sample:
        scale: 1
        texture:
          hkl: [1, 1, 1]
          r: -0.5
      """
    let error = #expect(throws: InstrumentError.self) { try Instrument(yaml: text, fileName: "lab.yaml") }
    #expect(error?.keyPath == "sample.texture.r")
    #expect(error?.location == SourceLocation(file: "lab.yaml", line: 6, column: 8))
    // A rule about a value that was not written points at the enclosing section.
    let implied = #expect(throws: InstrumentError.self) {
      try Instrument(yaml: "radiation: CuKa1\ntwo_theta:\n  start: 100\n", fileName: "lab.yaml")
    }
    #expect(implied?.keyPath == "two_theta.stop")
    #expect(implied?.location?.line == 3)
  }

  @Test func wrongTypes() {
    let cases: [(String, String)] = [
      ("profile: {U: abc}", "profile.U"),
      ("profile: {U: '0.1'}", "profile.U"),
      ("profile: {U: null}", "profile.U"),
      ("profile: {U: [1]}", "profile.U"),
      ("profile: 3", "profile"),
      ("sample: {texture: {hkl: [1, 2]}}", "sample.texture.hkl"),
      ("sample: {texture: {hkl: [1, 2, 0.5]}}", "sample.texture.hkl"),
      ("background: {humps: {center: 1}}", "background.humps"),
      ("background: {humps: [5]}", "background.humps[0]"),
      ("noise: {seed: abc}", "noise.seed"),
      ("radiation: null", "radiation"),
      ("[1, 2]", ""),
      ("just text", ""),
    ]
    for (snippet, keyPath) in cases {
      let error = #expect(throws: InstrumentError.self) { try Instrument(yaml: snippet) }
      #expect(error?.keyPath == keyPath, "\(snippet)")
      if case .wrongType = error?.kind {} else { Issue.record("\(snippet): expected wrongType, got \(String(describing: error))") }
    }
  }

  @Test func unknownKeysSuggestTheClosest() {
    let cases: [(String, String, String, String?)] = [
      ("profle: {U: 0.01}", "profle", "profle", "profile"),
      ("profile: {u: 0.01}", "profile.u", "u", "U"),
      ("noise: {count: 1000}", "noise.count", "count", "counts"),
      ("sample: {crystallite_size: 10}", "sample.crystallite_size", "crystallite_size", "crystallite_size_nm"),
      ("two_theta: {begin: 5}", "two_theta.begin", "begin", nil),
      ("wavelength: 1.54", "wavelength", "wavelength", nil),
    ]
    for (snippet, keyPath, key, suggestion) in cases {
      let error = #expect(throws: InstrumentError.self) { try Instrument(yaml: snippet, fileName: "k.yaml") }
      #expect(error?.kind == .unknownKey(key, suggestion: suggestion), "\(snippet)")
      #expect(error?.keyPath == keyPath)
      #expect(error?.location?.line == 1)
    }
    let error = #expect(throws: InstrumentError.self) { try Instrument(yaml: "zero_shift: 0\nnoise:\n  sed: 4\n") }
    #expect(error?.description == "3:3: error: noise.sed: unknown key 'sed'; did you mean 'seed'?")
    let radiation = #expect(throws: InstrumentError.self) { try Instrument(yaml: "radiation: CuKb2") }
    if case let .unknownRadiation(name, suggestion) = radiation?.kind {
      #expect(name == "CuKb2")
      #expect(suggestion != nil)
    } else {
      Issue.record("expected unknownRadiation, got \(String(describing: radiation))")
    }
  }

  @Test func missingKeys() {
    let hump = #expect(throws: InstrumentError.self) { try Instrument(yaml: "background: {humps: [{center: 5, fwhm: 2}]}") }
    #expect(hump?.kind == .missingKey("height"))
    #expect(hump?.keyPath == "background.humps[0]")
    let line = #expect(throws: InstrumentError.self) { try Instrument(yaml: "radiation: [{weight: 1}]") }
    #expect(line?.kind == .missingKey("wavelength"))
    #expect(line?.keyPath == "radiation[0]")
  }

  @Test func duplicateKey() {
    let error = #expect(throws: InstrumentError.self) { try Instrument(yaml: "zero_shift: 0\nzero_shift: 1\n") }
    #expect(error?.kind == .duplicateKey("zero_shift"))
    #expect(error?.location?.line == 2)
  }

  @Test func syntaxErrorsNameFileAndLine() {
    let yaml = "radiation: CuKa12\nprofile: {U: 0.01\nsample:\n  scale: 1\n"
    let error = #expect(throws: InstrumentError.self) { try Instrument(yaml: yaml, fileName: "broken.yaml") }
    if case .syntax = error?.kind {} else { Issue.record("expected a syntax error, got \(String(describing: error))") }
    #expect(error?.location?.file == "broken.yaml")
    #expect((error?.location?.line ?? 0) >= 2)
    #expect(error?.description.hasPrefix("broken.yaml:") == true)

    let json = "{\n  \"profile\": {\"U\": 0.01},\n  \"noise\": {\"counts\": 100\n"
    let jsonError = #expect(throws: InstrumentError.self) { try Instrument(yaml: json, fileName: "broken.json") }
    if case .syntax = jsonError?.kind {} else { Issue.record("expected a syntax error, got \(String(describing: jsonError))") }
    #expect(jsonError?.location?.file == "broken.json")
    #expect((jsonError?.location?.line ?? 0) >= 3)

    let tab = "profile:\n\tU: 0.01\n"
    let tabError = #expect(throws: InstrumentError.self) { try Instrument(yaml: tab, fileName: "tab.yaml") }
    #expect(tabError?.location?.line == 2)
  }

  /// Every prefix of two real files either reads or throws an InstrumentError; nothing traps.
  @Test func truncatedFilesNeverCrash() {
    for text in [Self.fullExample, Self.custom, Instrument.preset(named: "synchrotron")!.yaml()] {
      var index = text.startIndex
      var outcomes = (read: 0, rejected: 0)
      while index < text.endIndex {
        do {
          _ = try Instrument(yaml: String(text[..<index]), fileName: "cut.yaml")
          outcomes.read += 1
        } catch {
          outcomes.rejected += 1
          #expect(!error.description.isEmpty)
        }
        index = text.index(after: index)
      }
      #expect(outcomes.read + outcomes.rejected == text.count)
      #expect(outcomes.rejected > 0)
    }
  }

  // MARK: Geometry helpers

  @Test func peakShiftAndSlitFactor() {
    var instrument = Instrument()
    instrument.zeroShift = 0.02
    instrument.displacement = 0.1
    // Δ2θ = −2 s cos θ / R: 2θ = 90°, s = 0.1 mm, R = 240 mm → −5.8926e-4 rad = −0.033762°.
    let expected = 0.02 - 2 * 0.1 * cos(Double.pi / 4) / 240 * 180 / Double.pi
    #expect(abs(instrument.peakShift(atTwoTheta: 90) - expected) < 1e-15)
    #expect(abs(instrument.peakShift(atTwoTheta: 90) - (0.02 - 0.033762)) < 1e-6)
    let variable = Instrument.DivergenceSlit(mode: .variable, angle: 1)
    #expect(abs(variable.intensityFactor(atTwoTheta: 60) - 0.5) < 1e-15)
    #expect(Instrument.DivergenceSlit().intensityFactor(atTwoTheta: 60) == 1)
    // The default widths: Gaussian FWHM² at 2θ = 90° is U + V + W (tan 45° = 1).
    #expect(abs(Instrument().profile.gaussianFWHMSquared(atTwoTheta: 90) - 0.004) < 1e-15)
    #expect(Instrument().profile.caglioti == Caglioti(U: 0.004, V: -0.002, W: 0.002, X: 0, Y: 0.02))
  }
}
