// The generator on tiny corpora (three small CIFs of Structures/ × a few variants, 10–60° in 0.05°):
// indexing, per-pattern determinism, label round trips, symmetry-tied strain, mixtures, normalization,
// bit-identical regeneration, thread-count independence, unreadable CIFs skipped, shard + merge = one run.

import Foundation
import Testing
import XRDCorpus
import XRDCrystal

/// Shared test material for the corpus tests.
enum CorpusFixtures {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  /// Si (Fd-3m, cubic), rutile-type (P4₂/mnm, tetragonal), an orthorhombic Pbcn structure.
  static let structureFiles = ["9008565.cif", "9004141.cif", "amcsd_0002871.cif"].map {
    repository.appendingPathComponent("Structures").appendingPathComponent($0).path
  }

  /// A small config: the three structures (or `structures`), `variants` each, shards of `shardSize`.
  static func configYAML(variants: Int = 4, shardSize: Int = 5, structures: [String]? = nil, normalization: String = "max",
                         mixture: String = "{phases: {choice: [1, 2, 3]}, fraction: {uniform: [0.05, 0.3]}}") -> String {
    let list = (structures ?? structureFiles).map { "  - \"\($0)\"" }.joined(separator: "\n")
    return """
      seed: 12345
      structures:
      \(list)
      variants: \(variants)
      shard_size: \(shardSize)
      grid: {start: 10, stop: 60, step: 0.05}
      instrument: cu-lab
      radiation: [{name: CuKa12, weight: 2}, {name: CuKa1, weight: 1}]
      normalization: \(normalization)
      augment:
        strain: {isotropic_percent: {uniform: [-1, 1]}, anisotropic_percent: {normal: [0, 0.5], clip: [-1, 1]}}
        zero_shift: {normal: [0, 0.03], clip: [-0.1, 0.1]}
        displacement: {uniform: [-0.1, 0.1]}
        profile: {U: {uniform: [0.002, 0.01]}, V: {uniform: [-0.002, 0]}, W: {uniform: [0.001, 0.005]}, X: {uniform: [0, 0.02]}, Y: 0.02}
        crystallite_size_nm: {log_uniform: [30, 500]}
        microstrain: {log_uniform: [0.00001, 0.001]}
        texture: {probability: 0.5, hkl: {max_index: 1}, r: {uniform: [0.6, 1.4]}}
        background: {family: {choice: [none, chebyshev, amorphous]}, level: {uniform: [0.01, 0.1]}, chebyshev: [{uniform: [-0.3, 0.3]}],
                     inverse_two_theta: {uniform: [0, 1]}, humps: {count: 1}}
        noise_counts: {log_uniform: [1000, 100000]}
        noise_correlation: {uniform: [0, 0.6]}
        mixture: \(mixture)
      """
  }

  static func config(variants: Int = 4, shardSize: Int = 5, structures: [String]? = nil, normalization: String = "max",
                     mixture: String = "{phases: {choice: [1, 2, 3]}, fraction: {uniform: [0.05, 0.3]}}") throws -> CorpusConfig {
    try CorpusConfig(yaml: configYAML(variants: variants, shardSize: shardSize, structures: structures,
                                      normalization: normalization, mixture: mixture))
  }

  static func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("xrdsim-corpus-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Every file under `directory` (relative path → bytes).
  static func files(in directory: URL) throws -> [String: Data] {
    var result: [String: Data] = [:]
    let base = directory.standardizedFileURL.path
    guard let e = FileManager.default.enumerator(atPath: base) else { return result }
    for case let path as String in e {
      var isDirectory: ObjCBool = false
      let full = base + "/" + path
      if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
        result[path] = try Data(contentsOf: URL(fileURLWithPath: full))
      }
    }
    return result
  }

  /// Runs a generator with npy output (default) into a fresh folder.
  static func generate(_ config: CorpusConfig, threads: Int = 2, selection: ShardSelection = .all,
                       formats: [any CorpusFormat] = [NPYFormat()], into directory: URL? = nil) async throws -> URL {
    let output = directory ?? temporaryDirectory()
    let generator = try await CorpusGenerator.prepare(config: config, threads: threads)
    _ = try await generator.run(CorpusRunOptions(output: output, formats: formats, threads: threads, selection: selection,
                                                 toolVersion: "test"))
    return output
  }

  static let pythonHasNumpy: Bool = (try? runPython("import numpy", arguments: [])) != nil

  static func runPython(_ script: String, arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    _ = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CorpusError("python3 failed") }
    return String(decoding: data, as: UTF8.self)
  }
}

@Suite("Corpus generator")
struct GeneratorTests {
  @Test("structure-major indices, shards of shard_size, symmetry ties of the axes")
  func catalog() async throws {
    let generator = try await CorpusGenerator.prepare(config: CorpusFixtures.config(variants: 4, shardSize: 5))
    #expect(generator.patternCount == 12)
    #expect(generator.shardCount == 3)
    #expect(generator.shardRange(2) == 10..<12)
    let located = (0..<12).map { generator.catalog.locate($0)! }
    #expect(located.map(\.structure) == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
    #expect(located.map(\.variant) == [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3])
    #expect(generator.catalog.locate(12) == nil)
    // Cubic: one strain for all axes; tetragonal: a = b; orthorhombic: free.
    #expect(generator.catalog.structures.map(\.axisTies) == [[0, 0, 0], [0, 0, 2], [0, 1, 2]])
    #expect(generator.catalog.structures.map(\.id) == ["9008565", "9004141", "amcsd_0002871"])
  }

  @Test("a weight scales the variants; a source's variants replace them")
  func weights() async throws {
    var config = try CorpusFixtures.config(variants: 4)
    config.structures = [StructureSource(path: CorpusFixtures.structureFiles[0], weight: 0.5),
                         StructureSource(path: CorpusFixtures.structureFiles[1], weight: 2),
                         StructureSource(path: CorpusFixtures.structureFiles[2], variants: 3)]
    let generator = try await CorpusGenerator.prepare(config: config)
    #expect(generator.catalog.structures.map(\.variants) == [2, 8, 3])
  }

  @Test("each pattern's values depend on (seed, structure, variant) only and survive the label round trip")
  func recipes() async throws {
    let config = try CorpusFixtures.config()
    let generator = try await CorpusGenerator.prepare(config: config)
    let recipes = try (0..<12).map { try generator.recipe(index: $0) }
    #expect(Set(recipes).count == 12)
    for (i, r) in recipes.enumerated() {
      #expect(try generator.recipe(index: i) == r)
      #expect(try PatternRecipe(augmentation: r.augmentation) == r)
      #expect(r.noiseCorrelation >= 0 && r.noiseCorrelation <= 0.6)
      // A label written before noise_correlation existed reads as independent noise.
      var old = r.augmentation
      old["noise_correlation"] = nil
      #expect(try PatternRecipe(augmentation: old).noiseCorrelation == 0)
      let main = r.phases[0]
      let ties = generator.catalog.structures[main.structure].axisTies
      #expect((0..<3).allSatisfy { main.strainAnisotropic[$0] == main.strainAnisotropic[ties[$0]] })
      #expect(abs(r.phases.map(\.fraction).reduce(0, +) - 1) < 1e-12)
      #expect(Set(r.phases.map(\.structure)).count == r.phases.count)
      #expect(r.phases.count <= 3)
    }
    // Another seed changes the draws.
    var other = config
    other.seed += 1
    let moved = CorpusGenerator(config: other, catalog: generator.catalog)
    #expect(try moved.recipe(index: 0) != recipes[0])
    // Switching a knob off leaves the other knobs' draws of the pattern unchanged (one stream per knob).
    var noTexture = config
    noTexture.augment.texture = nil
    let r0 = try CorpusGenerator(config: noTexture, catalog: generator.catalog).recipe(index: 3)
    #expect(r0.zeroShift == recipes[3].zeroShift && r0.noiseSeed == recipes[3].noiseSeed && r0.u == recipes[3].u)
  }

  @Test("labels: strained lattice, phases, every drawn value")
  func labels() async throws {
    let generator = try await CorpusGenerator.prepare(config: CorpusFixtures.config())
    for i in [0, 5, 9] {
      let record = try generator.record(index: i)
      let recipe = try generator.recipe(index: i)
      #expect(record.label.index == i)
      #expect(record.label.augmentation == recipe.augmentation)
      #expect(record.label.phases.count == recipe.phases.count)
      let main = record.label.phases[0]
      let cell = try #require(generator.catalog.structures[recipe.phases[0].structure].crystal).cell
      let f = recipe.phases[0].cellFactors
      #expect(main.lattice == [cell.a * f.x, cell.b * f.y, cell.c * f.z, cell.alpha, cell.beta, cell.gamma])
      #expect(main.spaceGroupNumber != nil && main.crystalSystem != nil && !main.formula.isEmpty)
      #expect(record.intensities.count == 1001)
      #expect(record.intensities.max() == 1)
      #expect(record.intensities.allSatisfy { $0 >= 0 && $0.isFinite })
    }
  }

  @Test("normalization: max = 1, sum = 1, counts around the drawn peak counts")
  func normalization() async throws {
    for mode in ["max", "sum", "counts"] {
      let generator = try await CorpusGenerator.prepare(config: CorpusFixtures.config(normalization: mode))
      let record = try generator.record(index: 2)
      let sum = record.intensities.reduce(0, +)
      switch mode {
      case "max": #expect(record.intensities.max() == 1)
      case "sum": #expect(abs(sum - 1) < 1e-4)
      default:
        let counts = try generator.recipe(index: 2).peakCounts
        let top = Double(record.intensities.max()!)
        #expect(top > 0.7 * counts && top < 2 * counts)  // Poisson at ≥ 10³ counts plus background
      }
    }
  }

  @Test("a mixture is the fraction-weighted sum of unit-sum phase patterns")
  func mixtureConvention() async throws {
    // No noise, no background, counts: the stored pattern is the mixture itself, scaled to its maximum.
    let yaml = """
      seed: 5
      structures: ["\(CorpusFixtures.structureFiles[0])", "\(CorpusFixtures.structureFiles[1])"]
      variants: 2
      grid: {start: 10, stop: 60, step: 0.05}
      normalization: sum
      augment:
        mixture: {phases: 2, fraction: 0.25}
      """
    let config = try CorpusConfig(yaml: yaml)
    let generator = try await CorpusGenerator.prepare(config: config)
    let mixed = try generator.record(index: 0)
    #expect(mixed.label.phases.map(\.fraction) == [0.75, 0.25])
    #expect(mixed.label.phases.map(\.id) == ["9008565", "9004141"])
    var single = config
    single.augment.mixture = nil
    let alone = CorpusGenerator(config: single, catalog: generator.catalog)
    let a = try alone.record(index: 0).intensities  // structure 0 alone, unit sum
    let b = try alone.record(index: 2).intensities  // structure 1 alone, unit sum
    var worst = 0.0
    for i in a.indices {
      let expected: Double = 0.75 * Double(a[i]) + 0.25 * Double(b[i])
      worst = max(worst, abs(Double(mixed.intensities[i]) - expected))
    }
    #expect(worst < 1e-6)  // float32 rounding of values ≤ ~1e-2
  }

  @Test("regenerate: every pattern, from its label and from a fresh draw, equals the stored row bit for bit")
  func regenerate() async throws {
    let directory = try await CorpusFixtures.generate(CorpusFixtures.config(), threads: 2)
    defer { try? FileManager.default.removeItem(at: directory) }
    var rows: [[Float]] = []
    for shard in 0..<3 {
      let (header, values) = try NPY.readFloat32(directory.appendingPathComponent(NPYFormat.intensitiesFile(shard: shard)))
      for r in 0..<header.shape[0] { rows.append(Array(values[r * header.shape[1]..<(r + 1) * header.shape[1]])) }
    }
    #expect(rows.count == 12)
    for i in 0..<12 {
      let again = try CorpusGenerator.regenerate(directory: directory, index: i)
      #expect(again.fromLabel)
      #expect(again.record.intensities.map(\.bitPattern) == rows[i].map(\.bitPattern), "pattern \(i)")
    }
    // Without the label files: drawn again from the manifest's config and seed.
    for shard in 0..<3 { try FileManager.default.removeItem(at: directory.appendingPathComponent(NPYFormat.labelsFile(shard: shard))) }
    for i in [0, 7, 11] {
      let again = try CorpusGenerator.regenerate(directory: directory, index: i)
      #expect(!again.fromLabel)
      #expect(again.record.intensities.map(\.bitPattern) == rows[i].map(\.bitPattern), "pattern \(i)")
    }
    #expect(throws: CorpusError.self) { try CorpusGenerator.regenerate(directory: directory, index: 12) }
  }

  @Test("regenerate finds structures given by relative paths from any current folder (via the corpus folder)")
  func regenerateWithRelativePaths() async throws {
    let root = CorpusFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let structures = root.appendingPathComponent("structs")
    try FileManager.default.createDirectory(at: structures, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: CorpusFixtures.structureFiles[0],
                                     toPath: structures.appendingPathComponent("si.cif").path)
    var config = try CorpusFixtures.config(variants: 2, shardSize: 2, structures: ["structs/si.cif"])
    config.baseDirectory = root
    let output = root.appendingPathComponent("runs/out")
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    _ = try await CorpusFixtures.generate(config, into: output)
    // As if generated with `root` as the current folder: the manifest's paths relative to it.
    let manifestURL = output.appendingPathComponent("manifest.json")
    let text = try String(contentsOf: manifestURL, encoding: .utf8)
    let escaped = root.standardizedFileURL.path.replacingOccurrences(of: "/", with: "\\/")
    let relative = text.replacingOccurrences(of: root.standardizedFileURL.path + "/", with: "")
      .replacingOccurrences(of: escaped + "\\/", with: "")
    #expect(relative != text && relative.contains("structs"))
    try relative.write(to: manifestURL, atomically: true, encoding: .utf8)
    // The test runs from the package folder, not `root`: the path is found above the corpus folder.
    #expect(FileManager.default.currentDirectoryPath != root.path)
    let (header, values) = try NPY.readFloat32(output.appendingPathComponent(NPYFormat.intensitiesFile(shard: 0)))
    let again = try CorpusGenerator.regenerate(directory: output, index: 1)
    #expect(again.record.intensities.map(\.bitPattern) == values[header.shape[1]..<(2 * header.shape[1])].map(\.bitPattern))
    // A changed file with the same name is not taken for the original.
    try Data("data_x\n".utf8).write(to: structures.appendingPathComponent("si.cif"))
    #expect(throws: CorpusError.self) { try CorpusGenerator.regenerate(directory: output, index: 1) }
  }

  @Test("--threads 1 and --threads 2 write the same bytes")
  func threadCountIndependence() async throws {
    let config = try CorpusFixtures.config()
    let one = try await CorpusFixtures.generate(config, threads: 1)
    let two = try await CorpusFixtures.generate(config, threads: 2)
    defer { for d in [one, two] { try? FileManager.default.removeItem(at: d) } }
    let a = try CorpusFixtures.files(in: one), b = try CorpusFixtures.files(in: two)
    #expect(a.keys.sorted() == ["labels-00000.jsonl", "labels-00000.npy", "labels-00001.jsonl", "labels-00001.npy",
                                "labels-00002.jsonl", "labels-00002.npy", "manifest.json", "shard-00000.npy",
                                "shard-00001.npy", "shard-00002.npy", "two_theta.npy"])
    #expect(a == b)
    let manifest = try CorpusManifest.read(one.appendingPathComponent("manifest.json"))
    #expect(manifest.patterns == 12 && manifest.points == 1001 && manifest.shardCount == 3)
    #expect(manifest.shapes["intensities"] == [12, 1001])
    #expect(manifest.shards.map(\.count) == [5, 5, 2])
    #expect(manifest.selection == nil)
    for shard in manifest.shards {
      for file in shard.files {
        let hash = try SHA256.hash(fileAt: one.appendingPathComponent(file.path))
        #expect(hash.sha256 == file.sha256 && hash.bytes == file.bytes)
      }
    }
  }

  @Test("an unreadable CIF is reported with file:line and skipped; the rest is generated")
  func unreadableCIF() async throws {
    let folder = CorpusFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let broken = folder.appendingPathComponent("broken.cif")
    try "data_x\n_cell_length_a 5.0\n_cell_length_b 'unterminated\n".write(to: broken, atomically: true, encoding: .utf8)
    let config = try CorpusFixtures.config(variants: 2, structures: [CorpusFixtures.structureFiles[0], broken.path])
    let generator = try await CorpusGenerator.prepare(config: config)
    #expect(generator.catalog.structures.count == 1)
    #expect(generator.catalog.skipped.count == 1)
    let message = try #require(generator.catalog.skipped.first?.error)
    #expect(message.hasPrefix(broken.path + ":3:"), "\(message)")
    #expect(generator.patternCount == 2)
    let output = try await CorpusFixtures.generate(config)
    defer { try? FileManager.default.removeItem(at: output) }
    let manifest = try CorpusManifest.read(output.appendingPathComponent("manifest.json"))
    #expect(manifest.skipped.map(\.path) == [broken.path])
    #expect(manifest.patterns == 2)
  }

  @Test("--shard 0/2 and 1/2, merged, equal a single run byte for byte")
  func shardsAndMerge() async throws {
    let config = try CorpusFixtures.config()
    let single = try await CorpusFixtures.generate(config)
    let left = try await CorpusFixtures.generate(config, selection: ShardSelection(index: 0, count: 2))
    let right = try await CorpusFixtures.generate(config, selection: ShardSelection(index: 1, count: 2))
    defer { for d in [single, left, right] { try? FileManager.default.removeItem(at: d) } }
    #expect(FileManager.default.fileExists(atPath: left.appendingPathComponent("manifest.shard-0-of-2.json").path))
    #expect(!FileManager.default.fileExists(atPath: left.appendingPathComponent("shard-00001.npy").path))

    // A missing slice is refused, and nothing is moved.
    #expect(throws: CorpusError.self) { try CorpusGenerator.merge(directories: [left]) }
    // So is a slice of another corpus.
    var otherConfig = config
    otherConfig.seed = 1
    let other = try await CorpusFixtures.generate(otherConfig, selection: ShardSelection(index: 1, count: 2))
    defer { try? FileManager.default.removeItem(at: other) }
    #expect(throws: CorpusError.self) { try CorpusGenerator.merge(directories: [left, other]) }

    try CorpusGenerator.merge(directories: [left, right])
    #expect(try CorpusFixtures.files(in: left) == CorpusFixtures.files(in: single))
  }
}
