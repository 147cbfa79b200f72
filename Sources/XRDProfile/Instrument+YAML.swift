// Instrument files: reading YAML or JSON, `--set key.path=value`, and a commented YAML rendering.
//
// The file is a mapping with the keys of ``Instrument`` in snake_case (radiation, two_theta, q, zero_shift,
// displacement, goniometer_radius, monochromator_two_theta, divergence_slit, profile, sample, background,
// noise); every key may be omitted and takes its default (preset cu-lab). The scan is `two_theta: {start,
// stop, step}` in degrees or, instead, `q: {start, stop, step}` in Å⁻¹ (Q = 4π sin θ / λ, λ the strongest
// line; all three keys required); giving both is an error naming both, giving neither means the default
// 2θ scan. Yams (libyaml) parses both YAML and JSON. Errors name the file, line and column (Yams marks) and
// the key path.
// Accepted leniently (the whole list): an empty document or a section written with no value (`profile:`)
// means all defaults; integers where decimals are expected; a quoted number or line name for `radiation`;
// a single {wavelength, weight} mapping for `radiation`; a single number for `background.chebyshev`;
// `humps: null` for no humps; `q: null` for no Q scan; `divergence_slit.mode` in any letter case; YAML's .inf and .nan as numbers
// (then rejected by the range checks with their key); `--set` indices written `humps.0` or `humps[0]`;
// `--set q.…` on a 2θ instrument (or `two_theta.…` on a Q one) switches the scan, dropping the other key.
// Rejected: unknown or repeated keys, missing `wavelength` in a radiation line and `center`, `fwhm` or
// `height` in a hump, quoted numbers elsewhere, null where a number is required,
// everything Instrument+Validation.swift lists.
// Not done: keeping a user's comments when rewriting a file (``Instrument/yaml()`` writes its own).

public import Foundation
import XRDCIF
import XRDDiffraction
package import Yams

// MARK: - Public API

extension Instrument {
  /// Reads an instrument from YAML or JSON text.
  ///
  /// - Parameter fileName: the name errors report (e.g. "cu.yaml"); nil for text that is not a file.
  /// - Throws: ``InstrumentError`` naming the key path and, for a syntax error or a bad value, the line.
  public init(yaml text: String, fileName: String? = nil) throws(InstrumentError) {
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw Self.syntaxError(error, fileName: fileName)
    } catch {
      throw InstrumentError(.syntax("\(error)"), keyPath: "", location: SourceLocation(file: fileName, line: 0, column: 0))
    }
    var reader = InstrumentReader(file: fileName)
    self = try reader.instrument(from: root)
  }

  /// Reads an instrument file (YAML or JSON, UTF-8); errors name the file by `url.lastPathComponent`.
  public static func load(contentsOf url: URL) throws(InstrumentError) -> Instrument {
    let name = url.lastPathComponent
    let text: String
    do {
      text = try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw InstrumentError(.unreadableFile(error.localizedDescription), keyPath: "",
                            location: SourceLocation(file: name, line: 0, column: 0))
    }
    return try Instrument(yaml: text, fileName: name)
  }

  /// Applies one `key.path=value` assignment, as `--set profile.U=0.01` on the command line.
  ///
  /// The path is the key path of the file (`sample.texture.hkl`, `background.humps.0.height` or
  /// `background.humps[0].height`; an index one past the end appends); the value is YAML: a scalar
  /// (`0.01`, `MoKa1`, `null`) or flow (`[1,0,4]`, `{center: 25, fwhm: 8, height: 200}`). The whole
  /// instrument is checked afterwards; on error `self` is unchanged.
  ///
  /// - Throws: ``InstrumentError`` naming the key (no location).
  public mutating func set(_ assignment: String) throws(InstrumentError) {
    try set([assignment])
  }

  /// Applies several assignments in order, then checks the result once (so `two_theta.start=100` and
  /// `two_theta.stop=150` may be given in either order).
  public mutating func set(_ assignments: [String]) throws(InstrumentError) {
    guard !assignments.isEmpty else { return }
    guard var tree = try? Yams.compose(yaml: yaml()) else {
      preconditionFailure("Instrument.yaml() produced text that Yams cannot parse")
    }
    // The scan keys this call assigns: assigning one drops the other as rendered, unless both are assigned.
    var assignedScanKeys: Set<String> = []
    for assignment in assignments {
      guard let equals = assignment.firstIndex(of: "=") else {
        throw InstrumentError(.badAssignment(assignment), keyPath: "")
      }
      let path = assignment[..<equals].trimmingCharacters(in: .whitespaces)
      let valueText = String(assignment[assignment.index(after: equals)...])
      guard let components = InstrumentReader.pathComponents(path) else {
        throw InstrumentError(.badAssignment(assignment), keyPath: "")
      }
      let value: Node
      do {
        value = try Yams.compose(yaml: valueText) ?? Node("null")
      } catch let error as YamlError {
        var e = Self.syntaxError(error, fileName: nil)
        e.keyPath = path
        e.location = nil
        throw e
      } catch {
        throw InstrumentError(.syntax("\(error)"), keyPath: path)
      }
      if case let .key(key) = components[0], let other = Self.alternativeScanKeys[key],
         !assignedScanKeys.contains(other), !(components.count == 1 && InstrumentReader.isNullNode(value)) {
        InstrumentReader.remove(other, from: &tree)
      }
      if case let .key(key) = components[0], Self.alternativeScanKeys[key] != nil { assignedScanKeys.insert(key) }
      try InstrumentReader.replace(in: &tree, at: components[...], prefix: [], with: value)
    }
    var reader = InstrumentReader(file: nil)
    do {
      self = try reader.instrument(from: tree)
    } catch {
      var e = error
      e.location = nil
      throw e
    }
  }

  /// The scan keys that exclude each other.
  static let alternativeScanKeys = ["two_theta": "q", "q": "two_theta"]

  /// The instrument as an editable YAML file with a comment on every key; ``init(yaml:fileName:)`` reads
  /// it back to an equal value (with a ``q`` scan, `q` is written instead of `two_theta`, and the unused
  /// ``twoTheta`` reads back as the default).
  public func yaml() -> String {
    let n = Self.formatNumber
    let p = profile
    let axis = sample.texture.axis
    var lines: [(String, String)] = []  // (text, comment)
    func add(_ text: String, _ comment: String = "") { lines.append((text, comment)) }

    add("radiation: \(radiationYAML())",
        "line name (CuKa12 = Kα1 + ½ Kα2, CuKa1, MoKa12, …), wavelength in Å, or [{wavelength: Å, weight: w}, …]")
    if let q {
      let lambda = primaryWavelength
      let scan = scanTwoThetaRange
      add("q: {start: \(n(q.start)), stop: \(n(q.stop)), step: \(n(q.step))}",
          "Å⁻¹, Q = 4π sin θ / λ, λ = \(n(lambda)) Å (strongest line); \(q.count) points, "
            + "2θ \(String(format: "%.4g", scan.start))–\(String(format: "%.4g", scan.stop))°; instead of two_theta")
    } else {
      add("two_theta: {start: \(n(twoTheta.start)), stop: \(n(twoTheta.stop)), step: \(n(twoTheta.step))}",
          "degrees 2θ (\(twoTheta.count) points); or q: {start, stop, step} in Å⁻¹")
    }
    add("zero_shift: \(n(zeroShift))", "zero-point error, degrees 2θ")
    add("displacement: \(n(displacement))", "specimen displacement s in mm: Δ2θ = −2 s cos θ / R (s > 0: lower 2θ)")
    add("goniometer_radius: \(n(goniometerRadius))", "R in mm")
    add("monochromator_two_theta: \(n(monochromatorTwoTheta))",
        "monochromator 2θ_M in degrees for polarization; 0 = none (Ge(111) for Cu: 27.28)")
    add("divergence_slit: {mode: \(divergenceSlit.mode.rawValue), angle: \(n(divergenceSlit.angle))}",
        "fixed | variable (variable: intensity × sin θ); angle in degrees")
    add("profile:", "instrumental full widths at half maximum")
    add("  U: \(n(p.u))", "Gaussian FWHM² = U tan²θ + V tan θ + W, in degrees²")
    add("  V: \(n(p.v))")
    add("  W: \(n(p.w))")
    add("  X: \(n(p.x))", "Lorentzian FWHM = X / cos θ + Y tan θ, in degrees (GSAS convention)")
    add("  Y: \(n(p.y))")
    add("  SL: \(n(p.sl))", "Finger–Cox–Jephcoat asymmetry S/L and H/L (0 = symmetric)")
    add("  HL: \(n(p.hl))")
    add("sample:")
    add("  crystallite_size_nm: \(sample.crystalliteSize.map(n) ?? "null")", "nm (Scherrer); null = no size broadening")
    add("  microstrain: \(n(sample.microstrain))", "Δd/d, dimensionless (0.001 = 0.1 %)")
    add("  texture: {hkl: [\(axis.h), \(axis.k), \(axis.l)], r: \(n(sample.texture.ratio))}",
        "March–Dollase axis and ratio; r = 1: random powder")
    add("  scale: \(n(sample.scale))", "overall intensity scale")
    add("background:")
    add("  chebyshev: [\(background.chebyshev.map(n).joined(separator: ", "))]",
        "Chebyshev coefficients in counts, 2θ range mapped to [−1, 1]")
    add("  inverse_two_theta: \(n(background.inverseTwoTheta))", "c in counts·degree of a c / 2θ term")
    if background.humps.isEmpty {
      add("  humps: []", "amorphous humps: [{center: 25, fwhm: 8, height: 200, eta: 0}] (degrees, counts)")
    } else {
      add("  humps:", "amorphous humps: center and fwhm in degrees, height in counts, eta 0 = Gaussian")
      for h in background.humps {
        add("    - {center: \(n(h.center)), fwhm: \(n(h.fwhm)), height: \(n(h.height)), eta: \(n(h.eta))}")
      }
    }
    add("noise:")
    add("  counts: \(noise.counts.map(n) ?? "null")", "expected counts at the strongest point (Poisson); null = no noise")
    add("  gaussian_sigma: \(n(noise.gaussianSigma))", "additive Gaussian detector noise, counts")
    add("  seed: \(noise.seed)", "same seed, same noise")
    add("  correlation: \(n(noise.correlation))", "noise correlation of adjacent points, 0 … 0.7071")

    let width = min(44, lines.map(\.0.count).max() ?? 0)
    var text = """
      # xrdsim instrument file (YAML; JSON with the same keys is read too). Angles in degrees, lengths in mm,
      # intensities in counts. Omitted keys take the defaults of preset cu-lab.

      """
    for (code, comment) in lines {
      if comment.isEmpty {
        text += code + "\n"
      } else {
        let pad = String(repeating: " ", count: max(1, width + 2 - code.count))
        text += code + pad + "# " + comment + "\n"
      }
    }
    return text
  }

  /// `radiation` as written: a known name when the lines are exactly that name's, a bare number for one
  /// unnamed line of weight 1, otherwise a flow list.
  private func radiationYAML() -> String {
    if let name = Radiation.names.first(where: { Radiation.lines(named: $0) == radiation }) { return name }
    if radiation.count == 1, radiation[0].weight == 1, radiation[0].name == nil {
      return Self.formatNumber(radiation[0].wavelength)
    }
    let items = radiation.map { line in
      "{wavelength: \(Self.formatNumber(line.wavelength)), weight: \(Self.formatNumber(line.weight))"
        + (line.name.map { ", name: \(InstrumentReader.quoted($0))" } ?? "") + "}"
    }
    return "[" + items.joined(separator: ", ") + "]"
  }

  static func syntaxError(_ error: YamlError, fileName: String?) -> InstrumentError {
    switch error {
    case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
         let .composer(context, problem, mark, _):
      let message = problem + (context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? "")
      return InstrumentError(.syntax(message), keyPath: "",
                             location: SourceLocation(file: fileName, line: mark.line, column: mark.column))
    case let .reader(problem, offset, _, yaml):
      var line = 0, column = 0
      if let offset {
        let prefix = yaml.prefix(offset)
        line = prefix.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        column = prefix.count - (prefix.lastIndex(of: "\n").map { prefix.distance(from: prefix.startIndex, to: $0) + 1 } ?? 0) + 1
      }
      return InstrumentError(.syntax(problem), keyPath: "", location: SourceLocation(file: fileName, line: line, column: column))
    default:
      return InstrumentError(.syntax("\(error)"), keyPath: "", location: SourceLocation(file: fileName, line: 0, column: 0))
    }
  }
}

// MARK: - Reader

/// Walks a Yams node tree into an ``Instrument``, remembering where each key's value is written.
struct InstrumentReader {
  let file: String?
  /// Key path → location of its value, for errors found after reading (range checks).
  var locations: [String: SourceLocation] = [:]

  init(file: String?) { self.file = file }

  /// The keys of each section, in file order; a section is named by its key path without indices.
  static let sections: [String: [String]] = [
    "": ["radiation", "two_theta", "q", "zero_shift", "displacement", "goniometer_radius", "monochromator_two_theta",
         "divergence_slit", "profile", "sample", "background", "noise"],
    "radiation[]": ["wavelength", "weight", "name"],
    "two_theta": ["start", "stop", "step"],
    "q": ["start", "stop", "step"],
    "divergence_slit": ["mode", "angle"],
    "profile": ["U", "V", "W", "X", "Y", "SL", "HL"],
    "sample": ["crystallite_size_nm", "microstrain", "texture", "scale"],
    "sample.texture": ["hkl", "r"],
    "background": ["chebyshev", "inverse_two_theta", "humps"],
    "background.humps[]": ["center", "fwhm", "height", "eta"],
    "noise": ["counts", "gaussian_sigma", "seed", "correlation"],
  ]

  mutating func instrument(from root: Node?) throws(InstrumentError) -> Instrument {
    var instrument = Instrument()
    guard let root else { return instrument }
    let top = try fields(of: root, path: "")

    if let node = top["radiation"] { instrument.radiation = try radiation(node) }
    if let node = top["two_theta"] {
      let f = try fields(of: node, path: "two_theta")
      try number(f, "start", "two_theta", into: &instrument.twoTheta.start)
      try number(f, "stop", "two_theta", into: &instrument.twoTheta.stop)
      try number(f, "step", "two_theta", into: &instrument.twoTheta.step)
    }
    if let node = top["q"], !isNull(node) {
      if top["two_theta"] != nil {
        throw error(.conflictingKeys("two_theta", "q"), "q", keyNode(named: "q", in: root) ?? node)
      }
      let f = try fields(of: node, path: "q")
      var values: [Double] = []
      for key in ["start", "stop", "step"] {
        guard let v = f[key] else { throw error(.missingKey(key), "q", node) }
        values.append(try number(v, "q." + key))
      }
      instrument.q = Instrument.QRange(start: values[0], stop: values[1], step: values[2])
    }
    try number(top, "zero_shift", "", into: &instrument.zeroShift)
    try number(top, "displacement", "", into: &instrument.displacement)
    try number(top, "goniometer_radius", "", into: &instrument.goniometerRadius)
    try number(top, "monochromator_two_theta", "", into: &instrument.monochromatorTwoTheta)
    if let node = top["divergence_slit"] {
      let f = try fields(of: node, path: "divergence_slit")
      if let mode = f["mode"] {
        let text = try string(mode, "divergence_slit.mode")
        guard let value = Instrument.DivergenceSlit.Mode(rawValue: text.lowercased()) else {
          throw error(.invalidValue("'\(text)'", reason: "the mode must be fixed or variable"), "divergence_slit.mode", mode)
        }
        instrument.divergenceSlit.mode = value
      }
      try number(f, "angle", "divergence_slit", into: &instrument.divergenceSlit.angle)
    }
    if let node = top["profile"] {
      let f = try fields(of: node, path: "profile")
      try number(f, "U", "profile", into: &instrument.profile.u)
      try number(f, "V", "profile", into: &instrument.profile.v)
      try number(f, "W", "profile", into: &instrument.profile.w)
      try number(f, "X", "profile", into: &instrument.profile.x)
      try number(f, "Y", "profile", into: &instrument.profile.y)
      try number(f, "SL", "profile", into: &instrument.profile.sl)
      try number(f, "HL", "profile", into: &instrument.profile.hl)
    }
    if let node = top["sample"] {
      let f = try fields(of: node, path: "sample")
      if let size = f["crystallite_size_nm"] {
        instrument.sample.crystalliteSize = nil
        if !isNull(size) { instrument.sample.crystalliteSize = try number(size, "sample.crystallite_size_nm") }
      }
      try number(f, "microstrain", "sample", into: &instrument.sample.microstrain)
      if let texture = f["texture"] {
        let t = try fields(of: texture, path: "sample.texture")
        if let hkl = t["hkl"] { instrument.sample.texture.axis = try millerIndex(hkl, "sample.texture.hkl") }
        try number(t, "r", "sample.texture", into: &instrument.sample.texture.ratio)
      }
      try number(f, "scale", "sample", into: &instrument.sample.scale)
    }
    if let node = top["background"] {
      let f = try fields(of: node, path: "background")
      if let c = f["chebyshev"] {
        if case .sequence = c {
          var coefficients: [Double] = []
          for (i, item) in try list(c, "background.chebyshev").enumerated() {
            coefficients.append(try number(item, "background.chebyshev[\(i)]"))
          }
          instrument.background.chebyshev = coefficients
        } else {
          instrument.background.chebyshev = [try number(c, "background.chebyshev")]
        }
      }
      try number(f, "inverse_two_theta", "background", into: &instrument.background.inverseTwoTheta)
      if let humps = f["humps"] {
        var parsed: [BackgroundModel.Hump] = []
        for (i, item) in try list(humps, "background.humps").enumerated() {
          parsed.append(try hump(item, "background.humps[\(i)]"))
        }
        instrument.background.humps = parsed
      }
    }
    if let node = top["noise"] {
      let f = try fields(of: node, path: "noise")
      if let counts = f["counts"] {
        instrument.noise.counts = nil
        if !isNull(counts) { instrument.noise.counts = try number(counts, "noise.counts") }
      }
      try number(f, "gaussian_sigma", "noise", into: &instrument.noise.gaussianSigma)
      if let seed = f["seed"] { instrument.noise.seed = try seedValue(seed, "noise.seed") }
      try number(f, "correlation", "noise", into: &instrument.noise.correlation)
    }

    do {
      try instrument.validate()
    } catch {
      var located = error
      located.location = location(forPath: error.keyPath)
      throw located
    }
    return instrument
  }

  // MARK: Sections

  /// The key → value pairs of a mapping, checked against the section's keys. A null node is an empty section.
  mutating func fields(of node: Node, path: String) throws(InstrumentError) -> [String: Node] {
    let section = Self.sectionName(path)
    let known = Self.sections[section] ?? []
    if isNull(node) { return [:] }
    guard case let .mapping(mapping) = node else {
      let expected = path.isEmpty ? "a mapping of instrument keys (radiation, two_theta, …)"
        : "a mapping with keys \(known.joined(separator: ", "))"
      throw error(.wrongType(expected: expected, found: Self.describe(node)), path, node)
    }
    var result: [String: Node] = [:]
    for (keyNode, value) in mapping {
      guard case let .scalar(scalar) = keyNode else {
        throw error(.unknownKey(Self.describe(keyNode), suggestion: nil), path, keyNode)
      }
      let key = scalar.string
      let keyPath = Self.join(path, key)
      guard known.contains(key) else {
        throw error(.unknownKey(key, suggestion: InstrumentError.closestMatch(to: key, in: known)), keyPath, keyNode)
      }
      guard result[key] == nil else { throw error(.duplicateKey(key), keyPath, keyNode) }
      result[key] = value
      if let location = location(of: value) { locations[keyPath] = location }
    }
    return result
  }

  /// `radiation`: a name, a wavelength, a list of {wavelength, weight[, name]} or one such mapping.
  mutating func radiation(_ node: Node) throws(InstrumentError) -> [EmissionLine] {
    let path = "radiation"
    switch node {
    case let .scalar(scalar):
      if isNull(node) { throw error(.wrongType(expected: "a line name, a wavelength or a list of lines", found: "null"), path, node) }
      let text = scalar.string.trimmingCharacters(in: .whitespaces)
      if let lines = Radiation.lines(named: text), !text.isEmpty { return lines }
      if let wavelength = Double(text) {
        guard wavelength.isFinite, wavelength > 0, wavelength < 10 else {
          throw error(.invalidValue(text, reason: "a wavelength must be a number of ångströms between 0 and 10"),
                      path, node)
        }
        return [EmissionLine(wavelength: wavelength)]
      }
      throw error(.unknownRadiation(text, suggestion: InstrumentError.closestMatch(to: text, in: Radiation.names)),
                  path, node)
    case .mapping:
      return [try emissionLine(node, "radiation[0]")]
    case .sequence:
      let items = try list(node, path)
      guard !items.isEmpty else { throw error(.invalidValue("[]", reason: "give at least one emission line"), path, node) }
      var lines: [EmissionLine] = []
      for (i, item) in items.enumerated() { lines.append(try emissionLine(item, "radiation[\(i)]")) }
      return lines
    }
  }

  mutating func emissionLine(_ node: Node, _ path: String) throws(InstrumentError) -> EmissionLine {
    guard case .mapping = node else {
      throw error(.wrongType(expected: "a mapping {wavelength: Å, weight: w}", found: Self.describe(node)), path, node)
    }
    let f = try fields(of: node, path: path)
    guard let w = f["wavelength"] else { throw error(.missingKey("wavelength"), path, node) }
    var line = EmissionLine(wavelength: try number(w, path + ".wavelength"))
    try number(f, "weight", path, into: &line.weight)
    if let name = f["name"], !isNull(name) { line.name = try string(name, path + ".name") }
    return line
  }

  mutating func hump(_ node: Node, _ path: String) throws(InstrumentError) -> BackgroundModel.Hump {
    guard case .mapping = node else {
      throw error(.wrongType(expected: "a mapping {center, fwhm, height}", found: Self.describe(node)), path, node)
    }
    let f = try fields(of: node, path: path)
    var values: [Double] = []
    for key in ["center", "fwhm", "height"] {
      guard let v = f[key] else { throw error(.missingKey(key), path, node) }
      values.append(try number(v, path + "." + key))
    }
    var hump = BackgroundModel.Hump(center: values[0], fwhm: values[1], height: values[2])
    try number(f, "eta", path, into: &hump.eta)
    return hump
  }

  // MARK: Scalars

  mutating func number(_ fields: [String: Node], _ key: String, _ section: String,
                       into target: inout Double) throws(InstrumentError) {
    if let node = fields[key] { target = try number(node, Self.join(section, key)) }
  }

  /// A plain scalar read as a number: decimal or integer, or YAML's .inf, -.inf, .nan (which the range
  /// checks then reject with a clear message).
  func number(_ node: Node, _ path: String) throws(InstrumentError) -> Double {
    guard case let .scalar(scalar) = node, scalar.style == .plain || scalar.style == .any, !isNull(node),
          let value = Self.parseNumber(scalar.string.trimmingCharacters(in: .whitespaces))
    else { throw error(.wrongType(expected: "a number", found: Self.describe(node)), path, node) }
    return value
  }

  static func parseNumber(_ text: String) -> Double? {
    switch text {
    case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": .infinity
    case "-.inf", "-.Inf", "-.INF": -.infinity
    case ".nan", ".NaN", ".NAN": .nan
    default: Double(text)
    }
  }

  func string(_ node: Node, _ path: String) throws(InstrumentError) -> String {
    guard case let .scalar(scalar) = node, !isNull(node) else {
      throw error(.wrongType(expected: "text", found: Self.describe(node)), path, node)
    }
    return scalar.string
  }

  func list(_ node: Node, _ path: String) throws(InstrumentError) -> [Node] {
    if isNull(node) { return [] }
    guard case let .sequence(sequence) = node else {
      throw error(.wrongType(expected: "a list", found: Self.describe(node)), path, node)
    }
    return Array(sequence)
  }

  func millerIndex(_ node: Node, _ path: String) throws(InstrumentError) -> MillerIndex {
    let expected = "a list of three integers [h, k, l]"
    guard case let .sequence(sequence) = node, sequence.count == 3 else {
      throw error(.wrongType(expected: expected, found: Self.describe(node)), path, node)
    }
    var hkl: [Int] = []
    for item in sequence {
      guard case let .scalar(scalar) = item, scalar.style == .plain || scalar.style == .any,
            let value = Int(scalar.string.trimmingCharacters(in: .whitespaces)), abs(value) <= 1000
      else { throw error(.wrongType(expected: expected, found: Self.describe(node)), path, item) }
      hkl.append(value)
    }
    return MillerIndex(h: hkl[0], k: hkl[1], l: hkl[2])
  }

  func seedValue(_ node: Node, _ path: String) throws(InstrumentError) -> UInt64 {
    guard case let .scalar(scalar) = node, scalar.style == .plain || scalar.style == .any, !isNull(node) else {
      throw error(.wrongType(expected: "a whole number", found: Self.describe(node)), path, node)
    }
    let text = scalar.string.trimmingCharacters(in: .whitespaces)
    if let value = UInt64(text) { return value }
    if Int64(text) != nil || Double(text) != nil {
      throw error(.invalidValue(text, reason: "a seed is a whole number from 0 to \(UInt64.max)"), path, node)
    }
    throw error(.wrongType(expected: "a whole number", found: Self.describe(node)), path, node)
  }

  // MARK: Helpers

  func isNull(_ node: Node) -> Bool { Self.isNullNode(node) }

  static func isNullNode(_ node: Node) -> Bool {
    guard case let .scalar(scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
    return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
  }

  /// The key node `key` of a mapping, for errors that point at a key rather than its value.
  func keyNode(named key: String, in node: Node) -> Node? {
    guard case let .mapping(mapping) = node else { return nil }
    return mapping.first { $0.key.string == key }?.key
  }

  func location(of node: Node) -> SourceLocation? {
    node.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
  }

  /// The location of `path`'s value, or of its nearest enclosing key that has one.
  func location(forPath path: String) -> SourceLocation? {
    var path = path
    while true {
      if let location = locations[path] { return location }
      guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
      path = String(path[..<cut])
    }
  }

  func error(_ kind: InstrumentError.Kind, _ path: String, _ node: Node) -> InstrumentError {
    InstrumentError(kind, keyPath: path, location: location(of: node))
  }

  static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

  /// "background.humps[2]" → "background.humps[]": the key of ``sections``.
  static func sectionName(_ path: String) -> String {
    var out = ""
    var skipping = false
    for c in path {
      if c == "[" { skipping = true; out.append("[") } else if c == "]" { skipping = false; out.append("]") } else if !skipping { out.append(c) }
    }
    return out
  }

  static func describe(_ node: Node) -> String { describeYAMLNode(node) }

  /// A string as a YAML scalar: bare when it is a plain word, otherwise double-quoted with escapes.
  static func quoted(_ text: String) -> String {
    let plain = !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
      && Double(text) == nil && !["null", "Null", "NULL", "true", "false", "yes", "no", "on", "off"].contains(text)
    if plain { return text }
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 { out += String(format: "\\x%02X", scalar.value) } else { out.unicodeScalars.append(scalar) }
      }
    }
    return out + "\""
  }

  // MARK: --set

  enum PathComponent: Equatable {
    case key(String)
    case index(Int)
  }

  /// "background.humps[0].height" or "background.humps.0.height" → [key, key, index, key]; nil if malformed.
  static func pathComponents(_ path: String) -> [PathComponent]? {
    guard !path.isEmpty else { return nil }
    var components: [PathComponent] = []
    for part in path.split(separator: ".", omittingEmptySubsequences: false) {
      var rest = Substring(part)
      guard let first = rest.first, first != "[" else { return nil }
      let keyEnd = rest.firstIndex(of: "[") ?? rest.endIndex
      let key = rest[..<keyEnd]
      if let index = Int(key), index >= 0, components.count > 0 {
        components.append(.index(index))
      } else {
        components.append(.key(String(key)))
      }
      rest = rest[keyEnd...]
      while !rest.isEmpty {
        guard rest.first == "[", let close = rest.firstIndex(of: "]"),
              let index = Int(rest[rest.index(after: rest.startIndex)..<close]), index >= 0 else { return nil }
        components.append(.index(index))
        rest = rest[rest.index(after: close)...]
      }
    }
    return components
  }

  static func render(_ components: some Collection<PathComponent>) -> String {
    var out = ""
    for c in components {
      switch c {
      case let .key(key): out += out.isEmpty ? key : "." + key
      case let .index(i): out += "[\(i)]"
      }
    }
    return out
  }

  /// Removes the top-level `key` from a tree read from ``Instrument/yaml()`` (nothing if absent).
  static func remove(_ key: String, from node: inout Node) {
    guard case let .mapping(mapping) = node else { return }
    let pairs = mapping.filter { $0.key.string != key }.map { ($0.key, $0.value) }
    node = .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
  }

  /// Puts `value` at `path` inside `node` (a tree read from ``Instrument/yaml()``), adding a known key that
  /// the rendering omits and appending to a list at index = count.
  static func replace(in node: inout Node, at path: ArraySlice<PathComponent>, prefix: [PathComponent],
                      with value: Node) throws(InstrumentError) {
    guard let first = path.first else {
      node = value
      return
    }
    let here = prefix + [first]
    let rest = path.dropFirst()
    switch (first, node) {
    case let (.key(key), .mapping(mapping)):
      var mapping = mapping
      if let i = mapping.firstIndex(where: { $0.key.string == key }) {
        var child = mapping[i].value
        try replace(in: &child, at: rest, prefix: here, with: value)
        mapping[i] = (mapping[i].key, child)
      } else {
        let known = sections[sectionName(render(prefix))] ?? []
        guard known.contains(key) else {
          throw InstrumentError(.unknownKey(key, suggestion: InstrumentError.closestMatch(to: key, in: known)),
                                keyPath: render(here))
        }
        var child = Node("null")
        try replace(in: &child, at: rest, prefix: here, with: value)
        var pairs = mapping.map { ($0.key, $0.value) }
        pairs.append((Node(key), child))
        mapping = Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark)
      }
      node = .mapping(mapping)
    case let (.index(i), .sequence(sequence)):
      var items = Array(sequence)
      guard i <= items.count else {
        throw InstrumentError(.invalidValue("index \(i)", reason: "the list has \(items.count) entries"),
                              keyPath: render(here))
      }
      if i == items.count { items.append(Node("null")) }
      try replace(in: &items[i], at: rest, prefix: here, with: value)
      node = .sequence(Node.Sequence(items, sequence.tag, sequence.style, sequence.mark))
    case (.key, .scalar) where Self.describe(node) == "null":
      // A section written as null (e.g. an empty hump added by index) becomes a mapping.
      var mapping = Node.mapping(Node.Mapping([]))
      try replace(in: &mapping, at: path, prefix: prefix, with: value)
      node = mapping
    case (.index, .scalar) where Self.describe(node) == "null":
      var sequence = Node.sequence(Node.Sequence([]))
      try replace(in: &sequence, at: path, prefix: prefix, with: value)
      node = sequence
    default:
      let expected: String
      if case .key = first { expected = "a section with keys" } else { expected = "a list" }
      throw InstrumentError(.wrongType(expected: "\(render(prefix)) to be \(expected) for '\(render(here))'",
                                       found: describe(node)),
                            keyPath: render(prefix))
    }
  }
}

/// How a YAML node is named in error messages: "null", "'text'", "the quoted text \"…\"", "a mapping", "a list".
/// Shared by the instrument and corpus-config readers.
package func describeYAMLNode(_ node: Node) -> String {
  switch node {
  case let .scalar(scalar):
    if scalar.style == .plain || scalar.style == .any {
      return ["", "~", "null", "Null", "NULL"].contains(scalar.string) ? "null" : "'\(scalar.string)'"
    }
    return "the quoted text \"\(scalar.string)\""
  case .mapping: return "a mapping"
  case .sequence: return "a list"
  }
}
