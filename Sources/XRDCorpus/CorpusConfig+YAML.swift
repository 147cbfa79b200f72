// Corpus config files: reading YAML (or JSON) with every error naming the key path and line, and the
// normalized rendering stored in a manifest (and read back by the same reader).
//
// Top-level keys: seed, structures, variants, shard_size, grid, instrument, radiation, normalization,
// augment (see CorpusConfig.swift and DefaultConfig.swift for their meaning). A distribution is a number
// (fixed) or a mapping with one of fixed, uniform, normal (+ clip), log_uniform, choice (+ weights).
// Accepted leniently (the whole list): an empty document (all defaults, no structures); integers where
// decimals are expected; a single string for `structures` and for `radiation`; null for a knob (= not
// drawn); `instrument` as a preset name, an instrument file path (relative to the config's folder) or an
// inline mapping with the instrument file's keys.
// Rejected: unknown or repeated keys, quoted numbers, a normal distribution without `clip` for a knob whose
// range is bounded, a distribution whose support leaves the knob's range, non-finite numbers, mixture
// fractions that can add up to 1 or more.
// Overlays (`xrdsim generate --conditions FILE`, written by `xrdsim conditions`): a second config whose keys
// are laid over the first, mappings merged key by key and recursively, any other value (number, text, list,
// null, a distribution) replacing the base's; each text must be a valid config alone.
// Not done: keeping comments; includes; environment variables.

public import Foundation
import XRDCIF
import XRDDiffraction
import XRDProfile
import Yams

// MARK: - Public API

extension CorpusConfig {
  /// Reads a config from YAML or JSON text.
  ///
  /// - Parameters:
  ///   - fileName: the name errors report ("corpus.yaml"); nil for text that is not a file.
  ///   - baseDirectory: the folder relative structure (and instrument file) paths are resolved against.
  /// - Throws: ``CorpusConfigError`` naming the key path and, where the text has one, the line.
  public init(yaml text: String, fileName: String? = nil, baseDirectory: URL? = nil) throws(CorpusConfigError) {
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw Self.syntaxError(error, fileName: fileName)
    } catch {
      throw CorpusConfigError(.syntax("\(error)"), keyPath: "", location: SourceLocation(file: fileName, line: 0, column: 0))
    }
    var reader = CorpusConfigReader(file: fileName, baseDirectory: baseDirectory)
    self = try reader.config(from: root)
    self.baseDirectory = baseDirectory
  }

  /// Reads a config with a second config's keys laid over it (`xrdsim generate --conditions`).
  ///
  /// Mappings merge key by key, recursively; any other value of the overlay — a number, text, a list, null
  /// (null: "not drawn" for a knob) or a distribution mapping (`{normal: …, clip: …}`) — replaces the base's. Both texts are first read alone, so an error in
  /// either names its own file and line; an error that only the combination has names both files. Relative
  /// paths in either are resolved against `baseDirectory`.
  public init(yaml text: String, fileName: String? = nil, baseDirectory: URL? = nil, overlay: String,
              overlayName: String?) throws(CorpusConfigError) {
    _ = try CorpusConfig(yaml: text, fileName: fileName, baseDirectory: baseDirectory)
    _ = try CorpusConfig(yaml: overlay, fileName: overlayName, baseDirectory: baseDirectory)
    let base: Node?, top: Node?
    do {
      base = try Yams.compose(yaml: text)
      top = try Yams.compose(yaml: overlay)
    } catch {
      throw CorpusConfigError(.syntax("\(error)"), keyPath: "", location: SourceLocation(file: fileName, line: 0, column: 0))
    }
    let merged = top.map { top in base.map { Self.merge($0, top) } ?? top } ?? base
    var reader = CorpusConfigReader(file: "\(fileName ?? "config") with \(overlayName ?? "overlay")", baseDirectory: baseDirectory)
    self = try reader.config(from: merged)
    self.baseDirectory = baseDirectory
  }

  /// `top` laid over `base`: mappings key by key (by the keys' text), recursively; otherwise — and for a
  /// distribution, a mapping with one of the keys fixed, uniform, normal, log_uniform, choice — `top`.
  static func merge(_ base: Node, _ top: Node) -> Node {
    guard case let .mapping(b) = base, case let .mapping(t) = top else { return top }
    let families: Set<String> = ["fixed", "uniform", "normal", "log_uniform", "choice"]
    if t.keys.contains(where: { families.contains($0.string ?? "") }) { return top }
    var pairs: [(Node, Node)] = b.map { ($0.key, $0.value) }
    for (key, value) in t {
      if let i = pairs.firstIndex(where: { $0.0.string == key.string }) {
        pairs[i].1 = merge(pairs[i].1, value)
      } else {
        pairs.append((key, value))
      }
    }
    return .mapping(Node.Mapping(pairs, b.tag, b.style, b.mark))
  }

  /// Reads a config file; relative paths in it are resolved against its folder.
  public static func load(contentsOf url: URL) throws(CorpusConfigError) -> CorpusConfig {
    let name = url.lastPathComponent
    let text: String
    do {
      text = try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw CorpusConfigError(.unreadableFile(error.localizedDescription), keyPath: "",
                              location: SourceLocation(file: name, line: 0, column: 0))
    }
    return try CorpusConfig(yaml: text, fileName: name, baseDirectory: url.deletingLastPathComponent())
  }

  /// The config with every key spelled out (defaults included, the instrument as a full mapping), as
  /// stored in `manifest.json`; ``init(yaml:fileName:baseDirectory:)`` reads its JSON text back to an equal
  /// config (up to ``instrumentPreset`` and ``baseDirectory``).
  public var normalized: ConfigValue {
    var top: [String: ConfigValue] = [
      "seed": seed <= UInt64(Int.max) ? .int(Int(seed)) : .string(String(seed)),
      "variants": .int(variants),
      "shard_size": .int(shardSize),
      "normalization": .string(normalization.rawValue),
      "structures": .array(structures.map { s in
        var o: [String: ConfigValue] = ["path": .string(s.path), "weight": .number(s.weight)]
        if let v = s.variants { o["variants"] = .int(v) }
        return .object(o)
      }),
    ]
    let g = twoTheta
    top["grid"] = .object(["start": .number(g.start), "stop": .number(g.stop), "step": .number(g.step)])
    if let node = try? Yams.compose(yaml: instrument.yaml()) {
      top["instrument"] = ConfigValue.from(node)
    }
    if let radiation {
      top["radiation"] = .array(zip(radiation.values, radiation.weights).map { option, weight in
        .object(["lines": .array(option.lines.map { line in
                   var o: [String: ConfigValue] = ["wavelength": .number(line.wavelength), "weight": .number(line.weight)]
                   if let name = line.name { o["name"] = .string(name) }
                   return .object(o)
                 }),
                 "name": .string(option.name), "weight": .number(weight)])
      })
    }
    top["augment"] = augment.normalized
    return .object(top)
  }

  static func syntaxError(_ error: YamlError, fileName: String?) -> CorpusConfigError {
    switch error {
    case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
         let .composer(context, problem, mark, _):
      let message = problem + (context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? "")
      return CorpusConfigError(.syntax(message), keyPath: "",
                               location: SourceLocation(file: fileName, line: mark.line, column: mark.column))
    default:
      return CorpusConfigError(.syntax("\(error)"), keyPath: "", location: SourceLocation(file: fileName, line: 0, column: 0))
    }
  }
}

extension Distribution {
  /// The YAML/JSON form: a number for fixed, else a one-family mapping.
  public var normalized: ConfigValue {
    switch self {
    case let .fixed(v): .number(v)
    case let .uniform(low, high): .object(["uniform": .array([.number(low), .number(high)])])
    case let .logUniform(low, high): .object(["log_uniform": .array([.number(low), .number(high)])])
    case let .normal(mean, sd, clip):
      .object(["normal": .array([.number(mean), .number(sd)])].merging(
        clip.map { ["clip": ConfigValue.array([.number($0.lowerBound), .number($0.upperBound)])] } ?? [:]) { a, _ in a })
    case let .choice(values, weights):
      .object(["choice": .array(values.map(ConfigValue.number)), "weights": .array(weights.map(ConfigValue.number))])
    }
  }
}

extension Augmentation {
  var normalized: ConfigValue {
    var o: [String: ConfigValue] = [:]
    var strain: [String: ConfigValue] = [:]
    if let d = strainIsotropic { strain["isotropic_percent"] = d.normalized }
    if let d = strainAnisotropic { strain["anisotropic_percent"] = d.normalized }
    if !strain.isEmpty { o["strain"] = .object(strain) }
    if let d = zeroShift { o["zero_shift"] = d.normalized }
    if let d = displacement { o["displacement"] = d.normalized }
    var p: [String: ConfigValue] = [:]
    for (key, d) in profile { if let d { p[key] = d.normalized } }
    if !p.isEmpty { o["profile"] = .object(p) }
    if let d = crystalliteSize { o["crystallite_size_nm"] = d.normalized }
    if let d = microstrain { o["microstrain"] = d.normalized }
    if let t = texture {
      o["texture"] = .object([
        "probability": .number(t.probability), "r": t.ratio.normalized,
        "hkl": .array(t.axes.map { .array([.int($0.h), .int($0.k), .int($0.l)]) }),
      ])
    }
    if let b = background {
      o["background"] = .object([
        "family": .object(["choice": .array(b.family.values.map { .string($0.rawValue) }),
                           "weights": .array(b.family.weights.map(ConfigValue.number))]),
        "level": b.level.normalized,
        "chebyshev": .array(b.chebyshev.map(\.normalized)),
        "inverse_two_theta": b.inverseTwoTheta.normalized,
        "humps": .object(["count": b.humps.count.normalized, "center": b.humps.center.normalized,
                          "fwhm": b.humps.fwhm.normalized, "height": b.humps.height.normalized,
                          "eta": b.humps.eta.normalized]),
      ])
    }
    if let d = noiseCounts { o["noise_counts"] = d.normalized }
    if let d = noiseCorrelation { o["noise_correlation"] = d.normalized }
    if let m = mixture { o["mixture"] = .object(["phases": m.phases.normalized, "fraction": m.fraction.normalized]) }
    return .object(o)
  }
}

// MARK: - Reader

/// Walks a Yams node tree into a ``CorpusConfig``.
struct CorpusConfigReader {
  let file: String?
  let baseDirectory: URL?

  /// The keys of each section; a section is named by its key path without indices.
  static let sections: [String: [String]] = [
    "": ["seed", "structures", "variants", "shard_size", "grid", "instrument", "radiation", "normalization", "augment"],
    "structures[]": ["path", "weight", "variants"],
    "grid": ["start", "stop", "step"],
    "radiation[]": ["name", "wavelength", "weight", "lines"],
    "augment": ["strain", "zero_shift", "displacement", "profile", "crystallite_size_nm", "microstrain", "texture",
                "background", "noise_counts", "noise_correlation", "mixture"],
    "augment.strain": ["isotropic_percent", "anisotropic_percent"],
    "augment.profile": ["U", "V", "W", "X", "Y"],
    "augment.texture": ["probability", "hkl", "r"],
    "augment.texture.hkl": ["max_index"],
    "augment.background": ["family", "level", "chebyshev", "inverse_two_theta", "humps"],
    "augment.background.family": ["choice", "weights"],
    "augment.background.humps": ["count", "center", "fwhm", "height", "eta"],
    "augment.mixture": ["phases", "fraction"],
    "distribution": ["fixed", "uniform", "normal", "log_uniform", "choice", "clip", "weights"],
  ]

  init(file: String?, baseDirectory: URL?) {
    self.file = file
    self.baseDirectory = baseDirectory
  }

  mutating func config(from root: Node?) throws(CorpusConfigError) -> CorpusConfig {
    var config = CorpusConfig()
    guard let root else { return config }
    let top = try fields(of: root, path: "")

    if let node = top["seed"] { config.seed = try unsigned(node, "seed") }
    if let node = top["variants"] { config.variants = try integer(node, "variants", range: 1...1_000_000_000) }
    if let node = top["shard_size"] { config.shardSize = try integer(node, "shard_size", range: 1...10_000_000) }
    if let node = top["normalization"] {
      let text = try string(node, "normalization")
      guard let n = CorpusConfig.Normalization(rawValue: text.lowercased()) else {
        throw error(.invalidValue("'\(text)'", reason: "normalization is max, sum or counts"), "normalization", node)
      }
      config.normalization = n
    }
    if let node = top["structures"] { config.structures = try structures(node) }

    // Instrument first: the grid, radiation and knob ranges refer to it.
    if let node = top["instrument"] { (config.instrument, config.instrumentPreset) = try instrument(node) }
    if let node = top["grid"] {
      let f = try fields(of: node, path: "grid")
      var g = config.instrument.twoTheta
      if let v = f["start"] { g.start = try number(v, "grid.start") }
      if let v = f["stop"] { g.stop = try number(v, "grid.stop") }
      if let v = f["step"] { g.step = try number(v, "grid.step") }
      config.grid = g
      var check = config.instrument
      check.twoTheta = g
      check.q = nil
      do { try check.validate() } catch {
        let key = error.keyPath.replacingOccurrences(of: "two_theta", with: "grid")
        let at = key.hasPrefix("grid.") ? f[String(key.dropFirst(5))] ?? node : node
        throw self.error(.instrument(error.kind), key.hasPrefix("grid") ? key : "grid", at)
      }
    }
    if config.instrument.q != nil && config.grid == nil {
      throw error(.invalidValue("a Q scan", reason: "a corpus needs a 2θ grid: give `grid` or an instrument with two_theta"),
                  "instrument", top["instrument"] ?? root)
    }
    if let node = top["radiation"] { config.radiation = try radiation(node) }
    if let node = top["augment"] { config.augment = try augment(node, instrument: config.instrument) }
    return config
  }

  // MARK: Sections

  func structures(_ node: Node) throws(CorpusConfigError) -> [StructureSource] {
    if case .scalar = node {
      if isNull(node) { return [] }
      return [StructureSource(path: try string(node, "structures"))]
    }
    var result: [StructureSource] = []
    for (i, item) in try list(node, "structures").enumerated() {
      let path = "structures[\(i)]"
      if case .scalar = item {
        result.append(StructureSource(path: try string(item, path)))
        continue
      }
      let f = try fields(of: item, path: path, section: "structures[]")
      guard let p = f["path"] else { throw error(.missingKey("path"), path, item) }
      var source = StructureSource(path: try string(p, path + ".path"))
      if let w = f["weight"] {
        source.weight = try number(w, path + ".weight")
        guard source.weight > 0, source.weight.isFinite else {
          throw error(.invalidValue(format(source.weight), reason: "a weight must be a positive number"), path + ".weight", w)
        }
      }
      if let v = f["variants"] { source.variants = try integer(v, path + ".variants", range: 1...1_000_000_000) }
      result.append(source)
    }
    return result
  }

  func instrument(_ node: Node) throws(CorpusConfigError) -> (Instrument, String?) {
    if case .scalar = node, !isNull(node) {
      let name = try string(node, "instrument")
      if let preset = Instrument.preset(named: name) { return (preset, name.lowercased()) }
      let url = baseDirectory.map { URL(fileURLWithPath: name, relativeTo: $0) } ?? URL(fileURLWithPath: name)
      if FileManager.default.fileExists(atPath: url.path) {
        do { return (try Instrument.load(contentsOf: url), nil) } catch {
          throw CorpusConfigError(.instrument(error.kind), keyPath: "instrument" + (error.keyPath.isEmpty ? "" : "." + error.keyPath),
                                  location: error.location)
        }
      }
      throw self.error(.instrument(.unknownPreset(name, suggestion: closestMatch(to: name, in: Instrument.presetNames))),
                       "instrument", node)
    }
    if isNull(node) { return (Instrument(), "cu-lab") }
    guard case .mapping = node else {
      throw error(.wrongType(expected: "a preset name or an instrument mapping", found: Self.describe(node)), "instrument", node)
    }
    let text: String
    do { text = try Yams.serialize(node: node) } catch {
      throw self.error(.syntax("\(error)"), "instrument", node)
    }
    do {
      return (try Instrument(yaml: text), nil)
    } catch {
      // Point at the offending key inside the config: walk the key path down the node tree.
      let at = Self.node(at: error.keyPath, in: node) ?? node
      throw self.error(.instrument(error.kind), "instrument" + (error.keyPath.isEmpty ? "" : "." + error.keyPath), at)
    }
  }

  /// The node a key path such as "profile.U" or "background.humps[1].fwhm" names inside `root`.
  static func node(at keyPath: String, in root: Node) -> Node? {
    var current = root
    for part in keyPath.split(separator: ".") {
      var name = Substring(part)
      var indices: [Int] = []
      while let open = name.lastIndex(of: "["), name.hasSuffix("]"), let i = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]) {
        indices.insert(i, at: 0)
        name = name[..<open]
      }
      guard case let .mapping(mapping) = current, let next = mapping[String(name)] else { return nil }
      current = next
      for i in indices {
        guard case let .sequence(sequence) = current, i < sequence.count else { return nil }
        current = sequence[i]
      }
    }
    return current
  }

  func radiation(_ node: Node) throws(CorpusConfigError) -> WeightedChoice<RadiationOption> {
    if case .scalar = node { return WeightedChoice(values: [try radiationOption(node, "radiation")]) }
    var options: [RadiationOption] = []
    var weights: [Double] = []
    for (i, item) in try list(node, "radiation").enumerated() {
      let path = "radiation[\(i)]"
      if case .scalar = item {
        options.append(try radiationOption(item, path))
        weights.append(1)
        continue
      }
      let f = try fields(of: item, path: path, section: "radiation[]")
      var weight = 1.0
      if let w = f["weight"] {
        weight = try number(w, path + ".weight")
        guard weight > 0, weight.isFinite else {
          throw error(.invalidValue(format(weight), reason: "a weight must be a positive number"), path + ".weight", w)
        }
      }
      if let lines = f["lines"] {
        // The normalized form: explicit lines (wavelength, weight, name) under a display name.
        var parsed: [EmissionLine] = []
        for (j, line) in try list(lines, path + ".lines").enumerated() {
          guard case let .mapping(m) = line, let wl = m["wavelength"] else {
            throw error(.missingKey("wavelength"), path + ".lines[\(j)]", line)
          }
          let lw = try m["weight"].map { (n) throws(CorpusConfigError) in try number(n, path + ".lines[\(j)].weight") } ?? 1
          let name = m["name"].flatMap { isNull($0) ? nil : $0.string }
          parsed.append(EmissionLine(wavelength: try number(wl, path + ".lines[\(j)].wavelength"), weight: lw, name: name))
        }
        let name = try f["name"].map { (n) throws(CorpusConfigError) in try string(n, path + ".name") } ?? "custom"
        options.append(RadiationOption(name: name, lines: parsed))
      } else if let n = f["name"] {
        options.append(try radiationOption(n, path + ".name"))
      } else if let w = f["wavelength"] {
        options.append(try radiationOption(w, path + ".wavelength"))
      } else {
        throw error(.missingKey("name"), path, item)
      }
      weights.append(weight)
    }
    guard !options.isEmpty else {
      throw error(.invalidValue("[]", reason: "give at least one radiation"), "radiation", node)
    }
    for (i, option) in options.enumerated() {
      var check = Instrument()
      check.radiation = option.lines
      do { try check.validate() } catch {
        throw self.error(.instrument(error.kind), "radiation[\(i)]", node)
      }
    }
    return WeightedChoice(values: options, weights: weights)
  }

  func radiationOption(_ node: Node, _ path: String) throws(CorpusConfigError) -> RadiationOption {
    guard case let .scalar(scalar) = node, !isNull(node) else {
      throw error(.wrongType(expected: "a line name (CuKa12, MoKa1, …) or a wavelength in Å", found: Self.describe(node)), path, node)
    }
    let text = scalar.string.trimmingCharacters(in: .whitespaces)
    if let lines = Radiation.lines(named: text) { return RadiationOption(name: text, lines: lines) }
    if let w = Double(text), w.isFinite, w > 0, w < 10 {
      return RadiationOption(name: format(w), lines: [EmissionLine(wavelength: w)])
    }
    throw error(.instrument(.unknownRadiation(text, suggestion: closestMatch(to: text, in: Radiation.names))), path, node)
  }

  func augment(_ node: Node, instrument: Instrument) throws(CorpusConfigError) -> Augmentation {
    var a = Augmentation()
    let f = try fields(of: node, path: "augment")
    if let s = f["strain"] {
      let g = try fields(of: s, path: "augment.strain")
      a.strainIsotropic = try knob(g["isotropic_percent"], "augment.strain.isotropic_percent", .closed(-10, 10), "a strain in percent between −10 and 10")
      a.strainAnisotropic = try knob(g["anisotropic_percent"], "augment.strain.anisotropic_percent", .closed(-10, 10), "a strain in percent between −10 and 10")
    }
    a.zeroShift = try knob(f["zero_shift"], "augment.zero_shift", .open(-10, 10), "a zero shift below 10 degrees")
    let r = instrument.goniometerRadius
    a.displacement = try knob(f["displacement"], "augment.displacement", .open(-r, r), "a displacement smaller than the goniometer radius (\(format(r)) mm)")
    if let p = f["profile"] {
      let g = try fields(of: p, path: "augment.profile")
      a.u = try knob(g["U"], "augment.profile.U", .any, "")
      a.v = try knob(g["V"], "augment.profile.V", .any, "")
      a.w = try knob(g["W"], "augment.profile.W", .any, "")
      a.x = try knob(g["X"], "augment.profile.X", .any, "")
      a.y = try knob(g["Y"], "augment.profile.Y", .any, "")
    }
    a.crystalliteSize = try knob(f["crystallite_size_nm"], "augment.crystallite_size_nm", .positive, "a crystallite size must be a positive number of nm")
    a.microstrain = try knob(f["microstrain"], "augment.microstrain", .halfOpen(0, 1), "microstrain is Δd/d in [0, 1)")
    if let t = f["texture"], !isNull(t) {
      let g = try fields(of: t, path: "augment.texture")
      guard let rNode = g["r"], let ratio = try knob(rNode, "augment.texture.r", .positive, "a March ratio r must be positive") else {
        throw error(.missingKey("r"), "augment.texture", t)
      }
      var knob = TextureKnob(ratio: ratio)
      if let p = g["probability"] {
        knob.probability = try number(p, "augment.texture.probability")
        guard knob.probability >= 0, knob.probability <= 1 else {
          throw error(.invalidValue(format(knob.probability), reason: "a probability is between 0 and 1"), "augment.texture.probability", p)
        }
      }
      if let h = g["hkl"] { knob.axes = try axes(h, "augment.texture.hkl") }
      a.texture = knob
    }
    if let b = f["background"], !isNull(b) { a.background = try background(b) }
    a.noiseCounts = try knob(f["noise_counts"], "augment.noise_counts", .leftOpen(0, 1e9), "counts must be in (0, 10⁹]")
    a.noiseCorrelation = try knob(f["noise_correlation"], "augment.noise_correlation",
                                  .closed(0, NoiseModel.maximumCorrelation), "a neighbour correlation between 0 and 0.7071 (1/√2)")
    if let m = f["mixture"], !isNull(m) {
      let g = try fields(of: m, path: "augment.mixture")
      let phases = try knob(g["phases"], "augment.mixture.phases", .closed(1, 3), "a mixture has 1 to 3 phases") ?? .fixed(1)
      guard let fNode = g["fraction"],
            let fraction = try knob(fNode, "augment.mixture.fraction", .open(0, 1), "a weight fraction is between 0 and 1") else {
        throw error(.missingKey("fraction"), "augment.mixture", m)
      }
      let most = phases.support.upperBound.rounded()
      if fraction.support.upperBound * (most - 1) >= 1 {
        throw error(.invalidValue(format(fraction.support.upperBound),
                                  reason: "with up to \(Int(most)) phases the extra phases' fractions could reach 1 or more; "
                                    + "keep the largest fraction below \(format(1 / (most - 1)))"), "augment.mixture.fraction", fNode)
      }
      a.mixture = MixtureKnob(phases: phases, fraction: fraction)
    }
    return a
  }

  func background(_ node: Node) throws(CorpusConfigError) -> BackgroundKnob {
    let g = try fields(of: node, path: "augment.background")
    guard let levelNode = g["level"],
          let level = try knob(levelNode, "augment.background.level", .atLeast(0), "a background level is ≥ 0") else {
      throw error(.missingKey("level"), "augment.background", node)
    }
    var b = BackgroundKnob(level: level)
    if let fam = g["family"] {
      b.family = try family(fam)
    }
    if let c = g["chebyshev"], !isNull(c) {
      b.chebyshev = []
      for (i, item) in try list(c, "augment.background.chebyshev").enumerated() {
        b.chebyshev.append(try knob(item, "augment.background.chebyshev[\(i)]", .any, "") ?? .fixed(0))
      }
    }
    b.inverseTwoTheta = try knob(g["inverse_two_theta"], "augment.background.inverse_two_theta", .any, "") ?? .fixed(0)
    if let h = g["humps"], !isNull(h) {
      let k = try fields(of: h, path: "augment.background.humps")
      let p = "augment.background.humps."
      if let d = try knob(k["count"], p + "count", .closed(0, 10), "0 to 10 humps") { b.humps.count = d }
      if let d = try knob(k["center"], p + "center", .open(0, 180), "a centre in degrees 2θ between 0 and 180") { b.humps.center = d }
      if let d = try knob(k["fwhm"], p + "fwhm", .positive, "a hump width must be positive") { b.humps.fwhm = d }
      if let d = try knob(k["height"], p + "height", .atLeast(0), "a hump height is ≥ 0") { b.humps.height = d }
      if let d = try knob(k["eta"], p + "eta", .closed(0, 1), "η is between 0 and 1") { b.humps.eta = d }
    }
    return b
  }

  func family(_ node: Node) throws(CorpusConfigError) -> WeightedChoice<BackgroundKnob.Family> {
    let path = "augment.background.family"
    func one(_ n: Node, _ p: String) throws(CorpusConfigError) -> BackgroundKnob.Family {
      let text = try string(n, p)
      guard let family = BackgroundKnob.Family(rawValue: text.lowercased()) else {
        throw error(.invalidValue("'\(text)'", reason: "a background family is none, chebyshev or amorphous"), p, n)
      }
      return family
    }
    if case .scalar = node { return WeightedChoice(values: [try one(node, path)]) }
    let f = try fields(of: node, path: path)
    guard let c = f["choice"] else { throw error(.missingKey("choice"), path, node) }
    var values: [BackgroundKnob.Family] = []
    for (i, item) in try list(c, path + ".choice").enumerated() { values.append(try one(item, path + ".choice[\(i)]")) }
    guard !values.isEmpty else { throw error(.invalidValue("[]", reason: "give at least one family"), path + ".choice", c) }
    let weights = try f["weights"].map { (w) throws(CorpusConfigError) in try self.weights(w, path + ".weights", count: values.count) }
    return WeightedChoice(values: values, weights: weights)
  }

  func axes(_ node: Node, _ path: String) throws(CorpusConfigError) -> [MillerIndex] {
    if case .mapping = node {
      let f = try fields(of: node, path: path)
      guard let m = f["max_index"] else { throw error(.missingKey("max_index"), path, node) }
      return TextureKnob.lowIndexAxes(maxIndex: try integer(m, path + ".max_index", range: 1...4))
    }
    var result: [MillerIndex] = []
    for (i, item) in try list(node, path).enumerated() {
      let p = "\(path)[\(i)]"
      let parts = try list(item, p)
      guard parts.count == 3 else {
        throw error(.wrongType(expected: "three integers [h, k, l]", found: "\(parts.count) values"), p, item)
      }
      var c: [Int] = []
      for (j, part) in parts.enumerated() { c.append(try integer(part, "\(p)[\(j)]", range: -20...20)) }
      guard c != [0, 0, 0] else { throw error(.invalidValue("[0, 0, 0]", reason: "a texture axis cannot be zero"), p, item) }
      result.append(MillerIndex(h: c[0], k: c[1], l: c[2]))
    }
    guard !result.isEmpty else { throw error(.invalidValue("[]", reason: "give at least one axis"), path, node) }
    return result
  }

  // MARK: Distributions

  /// The values a knob may take.
  enum Domain {
    case any, positive, atLeast(Double), closed(Double, Double), open(Double, Double), halfOpen(Double, Double)
    case leftOpen(Double, Double)

    func contains(_ r: ClosedRange<Double>) -> Bool {
      switch self {
      case .any: r.lowerBound.isFinite || r.lowerBound == -.infinity
      case .positive: r.lowerBound > 0
      case let .atLeast(a): r.lowerBound >= a
      case let .closed(a, b): r.lowerBound >= a && r.upperBound <= b
      case let .open(a, b): r.lowerBound > a && r.upperBound < b
      case let .halfOpen(a, b): r.lowerBound >= a && r.upperBound < b
      case let .leftOpen(a, b): r.lowerBound > a && r.upperBound <= b
      }
    }

    var isBounded: Bool { if case .any = self { false } else { true } }
  }

  /// A knob's distribution (nil for an absent or null node), checked against its domain.
  func knob(_ node: Node?, _ path: String, _ domain: Domain, _ rule: String) throws(CorpusConfigError) -> Distribution? {
    guard let node, !isNull(node) else { return nil }
    let d = try distribution(node, path)
    if case let .normal(_, _, clip) = d, clip == nil, domain.isBounded {
      throw error(.invalidValue("an unclipped normal distribution", reason: "\(rule); add clip: [low, high] inside that range"), path, node)
    }
    let s = d.support
    guard domain.contains(s) else {
      let text = s.lowerBound == s.upperBound ? format(s.lowerBound) : "[\(format(s.lowerBound)), \(format(s.upperBound))]"
      throw error(.invalidValue(text, reason: rule), path, node)
    }
    return d
  }

  func distribution(_ node: Node, _ path: String) throws(CorpusConfigError) -> Distribution {
    if case .scalar = node { return .fixed(try number(node, path)) }
    guard case .mapping = node else {
      throw error(.wrongType(expected: "a number or a distribution such as {uniform: [low, high]}", found: Self.describe(node)), path, node)
    }
    let f = try fields(of: node, path: path, section: "distribution")
    let families = ["fixed", "uniform", "normal", "log_uniform", "choice"].filter { f[$0] != nil }
    guard families.count == 1 else {
      let reason = families.isEmpty ? "give one of fixed, uniform, normal, log_uniform, choice"
        : "give only one of \(families.joined(separator: ", "))"
      throw error(.invalidValue("this distribution", reason: reason), path, node)
    }
    let family = families[0]
    let value = f[family]!
    if f["clip"] != nil, family != "normal" {
      throw error(.invalidValue("clip", reason: "only a normal distribution takes clip"), path + ".clip", f["clip"]!)
    }
    if f["weights"] != nil, family != "choice" {
      throw error(.invalidValue("weights", reason: "only a choice takes weights"), path + ".weights", f["weights"]!)
    }
    let p = path + "." + family
    switch family {
    case "fixed":
      return .fixed(try number(value, p))
    case "uniform", "log_uniform":
      let (low, high) = try pair(value, p)
      guard low <= high else { throw error(.invalidValue("[\(format(low)), \(format(high))]", reason: "low must not exceed high"), p, value) }
      if family == "uniform" { return .uniform(low: low, high: high) }
      guard low > 0 else { throw error(.invalidValue(format(low), reason: "a log-uniform range must be positive"), p, value) }
      return .logUniform(low: low, high: high)
    case "normal":
      let (mean, sd) = try pair(value, p)
      guard sd >= 0 else { throw error(.invalidValue(format(sd), reason: "a standard deviation is ≥ 0"), p, value) }
      var clip: ClosedRange<Double>?
      if let c = f["clip"] {
        let (low, high) = try pair(c, path + ".clip")
        guard low <= high else { throw error(.invalidValue("[\(format(low)), \(format(high))]", reason: "low must not exceed high"), path + ".clip", c) }
        clip = low...high
      }
      return .normal(mean: mean, sd: sd, clip: clip)
    default:
      var values: [Double] = []
      for (i, item) in try list(value, p).enumerated() { values.append(try number(item, "\(p)[\(i)]")) }
      guard !values.isEmpty else { throw error(.invalidValue("[]", reason: "give at least one value"), p, value) }
      let w = try f["weights"].map { (n) throws(CorpusConfigError) in try weights(n, path + ".weights", count: values.count) }
        ?? Array(repeating: 1, count: values.count)
      return .choice(values: values, weights: w)
    }
  }

  func weights(_ node: Node, _ path: String, count: Int) throws(CorpusConfigError) -> [Double] {
    var w: [Double] = []
    for (i, item) in try list(node, path).enumerated() {
      let x = try number(item, "\(path)[\(i)]")
      guard x >= 0 else { throw error(.invalidValue(format(x), reason: "a weight is ≥ 0"), "\(path)[\(i)]", item) }
      w.append(x)
    }
    guard w.count == count else {
      throw error(.invalidValue("\(w.count) weights", reason: "give one weight per value (\(count))"), path, node)
    }
    guard w.reduce(0, +) > 0 else { throw error(.invalidValue("all zero", reason: "at least one weight must be positive"), path, node) }
    return w
  }

  func pair(_ node: Node, _ path: String) throws(CorpusConfigError) -> (Double, Double) {
    let items = try list(node, path)
    guard items.count == 2 else {
      throw error(.wrongType(expected: "two numbers [a, b]", found: "\(items.count) values"), path, node)
    }
    return (try number(items[0], path + "[0]"), try number(items[1], path + "[1]"))
  }

  // MARK: Scalars and mappings

  func fields(of node: Node, path: String, section: String? = nil) throws(CorpusConfigError) -> [String: Node] {
    let known = Self.sections[section ?? path] ?? []
    if isNull(node) { return [:] }
    guard case let .mapping(mapping) = node else {
      let expected = path.isEmpty ? "a mapping of corpus keys (seed, structures, …)" : "a mapping with keys \(known.joined(separator: ", "))"
      throw error(.wrongType(expected: expected, found: Self.describe(node)), path, node)
    }
    var result: [String: Node] = [:]
    for (keyNode, value) in mapping {
      guard case let .scalar(scalar) = keyNode else {
        throw error(.unknownKey(Self.describe(keyNode), suggestion: nil), path, keyNode)
      }
      let key = scalar.string
      let keyPath = path.isEmpty ? key : path + "." + key
      guard known.contains(key) else {
        throw error(.unknownKey(key, suggestion: closestMatch(to: key, in: known)), keyPath, keyNode)
      }
      guard result[key] == nil else { throw error(.duplicateKey(key), keyPath, keyNode) }
      result[key] = value
    }
    return result
  }

  func list(_ node: Node, _ path: String) throws(CorpusConfigError) -> [Node] {
    guard case let .sequence(sequence) = node else {
      throw error(.wrongType(expected: "a list", found: Self.describe(node)), path, node)
    }
    return Array(sequence)
  }

  func number(_ node: Node, _ path: String) throws(CorpusConfigError) -> Double {
    guard case let .scalar(scalar) = node, scalar.style == .plain || scalar.style == .any, !isNull(node),
          let value = parseYAMLNumber(scalar.string) else {
      throw error(.wrongType(expected: "a number", found: Self.describe(node)), path, node)
    }
    guard value.isFinite else { throw error(.invalidValue(scalar.string, reason: "numbers must be finite"), path, node) }
    return value
  }

  func integer(_ node: Node, _ path: String, range: ClosedRange<Int>) throws(CorpusConfigError) -> Int {
    let x = try number(node, path)
    guard x == x.rounded(), let i = Int(exactly: x) else {
      throw error(.wrongType(expected: "a whole number", found: format(x)), path, node)
    }
    guard range.contains(i) else {
      throw error(.invalidValue(String(i), reason: "must be between \(range.lowerBound) and \(range.upperBound)"), path, node)
    }
    return i
  }

  func unsigned(_ node: Node, _ path: String) throws(CorpusConfigError) -> UInt64 {
    guard case let .scalar(scalar) = node, let value = UInt64(scalar.string) else {
      throw error(.wrongType(expected: "a whole number 0 … 2⁶⁴ − 1", found: Self.describe(node)), path, node)
    }
    return value
  }

  func string(_ node: Node, _ path: String) throws(CorpusConfigError) -> String {
    guard case let .scalar(scalar) = node, !isNull(node) else {
      throw error(.wrongType(expected: "text", found: Self.describe(node)), path, node)
    }
    return scalar.string
  }

  func isNull(_ node: Node) -> Bool {
    guard case let .scalar(scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
    return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
  }

  func error(_ kind: CorpusConfigError.Kind, _ path: String, _ node: Node) -> CorpusConfigError {
    CorpusConfigError(kind, keyPath: path, location: node.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) })
  }

  func format(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
  }

  static func describe(_ node: Node) -> String { describeYAMLNode(node) }
}
