// Parallel, deterministic, resumable corpus generation; regeneration of one pattern; merging shard runs.
//
// Patterns are indexed structure-major (index = Σ variants of earlier structures + variant) and cut into
// shards of `shard_size`. Work goes in batches of up to 32 consecutive patterns inside one shard (one
// simulator workspace per batch); at most `threads` batches compute at once in a task group and at most
// 2 × threads are in flight (computing or waiting to be written), so memory does not grow with the corpus.
// The parent task owns the writers and writes batches in index order (STYLE §7); after each shard it
// renames the shard's files (the writers' `*.partial`) and replaces the partial manifest, so `--resume`
// skips every shard whose files match their recorded sizes and SHA-256 and redoes the others.
// Every pattern depends only on (seed, structure, variant) (PatternRecipe.swift), so the bytes written do not
// depend on the thread count, the shard selection or interruptions.
// Not done: distributing one shard over machines; compressing npy shards.

public import Foundation
import XRDCrystal
public import XRDDiffraction

/// How a run goes: where, which formats, how many threads, resume, which slice.
public struct CorpusRunOptions: Sendable {
  public var output: URL
  public var formats: [any CorpusFormat]
  /// Batches computed at once (≥ 1).
  public var threads: Int
  /// Keep shards that the manifest records and whose files check out.
  public var resume: Bool
  public var selection: ShardSelection
  /// Written into the manifest.
  public var toolVersion: String
  /// Called by the writing task after each written batch.
  public var progress: (@Sendable (CorpusProgress) -> Void)?
  /// Sleep after each finished shard (tests use it to interrupt a run between shards).
  public var pauseAfterShard: Duration?

  public init(output: URL, formats: [any CorpusFormat], threads: Int = ProcessInfo.processInfo.activeProcessorCount,
              resume: Bool = false, selection: ShardSelection = .all, toolVersion: String = "unknown",
              progress: (@Sendable (CorpusProgress) -> Void)? = nil, pauseAfterShard: Duration? = nil) {
    self.output = output; self.formats = formats; self.threads = threads; self.resume = resume
    self.selection = selection; self.toolVersion = toolVersion; self.progress = progress
    self.pauseAfterShard = pauseAfterShard
  }
}

/// Where a run is: patterns written in this run out of those it has to write.
public struct CorpusProgress: Sendable {
  public var done: Int
  public var total: Int
  public var elapsed: Duration
  /// Patterns per second so far.
  public var rate: Double {
    let s = elapsed.seconds
    return s > 0 ? Double(done) / s : 0
  }
}

extension Duration {
  /// The duration in seconds as a `Double` (attosecond resolution).
  package var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

/// What a run did.
public struct CorpusRunSummary: Sendable {
  public var manifest: CorpusManifest
  /// Patterns computed and written in this run.
  public var generated: Int
  /// Shards kept from an earlier run (`--resume`).
  public var resumedShards: Int
  /// Shards written in this run.
  public var writtenShards: Int
  public var elapsed: Duration
}

/// A corpus ready to generate: the config and its structures, read and numbered.
public struct CorpusGenerator: Sendable {
  public let config: CorpusConfig
  public let catalog: StructureCatalog
  public let settings: DiffractionSettings

  /// Patterns per batch (a batch never crosses a shard boundary).
  static let batchSize = 32

  public init(config: CorpusConfig, catalog: StructureCatalog, settings: DiffractionSettings = DiffractionSettings()) {
    self.config = config
    self.catalog = catalog
    self.settings = settings
  }

  /// Resolves the config's structures and reads them (unreadable ones end up in `catalog.skipped`).
  public static func prepare(config: CorpusConfig, threads: Int = ProcessInfo.processInfo.activeProcessorCount) async throws
    -> CorpusGenerator {
    let entries = try StructureCatalog.resolve(config)
    let catalog = await StructureCatalog.load(entries, threads: threads)
    return CorpusGenerator(config: config, catalog: catalog)
  }

  public var patternCount: Int { catalog.patternCount }
  public var shardCount: Int { (patternCount + config.shardSize - 1) / config.shardSize }
  public var pointCount: Int { config.twoTheta.count }

  /// The global indices of shard `shard`.
  public func shardRange(_ shard: Int) -> Range<Int> {
    let first = shard * config.shardSize
    return first..<min(first + config.shardSize, patternCount)
  }

  /// The drawn values of pattern `index`.
  public func recipe(index: Int) throws -> PatternRecipe {
    guard let (s, v) = catalog.locate(index) else { throw CorpusError("pattern \(index) is not in the corpus (0..<\(patternCount))") }
    return try PatternRecipe.draw(config: config, catalog: catalog, structure: s, variant: v)
  }

  /// Pattern `index`, computed alone.
  public func record(index: Int) throws -> PatternRecord {
    var composer = PatternComposer(config: config, catalog: catalog, settings: settings)
    return try record(index: index, composer: &composer)
  }

  /// Pattern `index` rendered from given values (e.g. a stored label's).
  public func record(index: Int, recipe: PatternRecipe) throws -> PatternRecord {
    guard let (s, v) = catalog.locate(index) else { throw CorpusError("pattern \(index) is not in the corpus (0..<\(patternCount))") }
    var composer = PatternComposer(config: config, catalog: catalog, settings: settings)
    return try composer.record(recipe, index: index, structure: s, variant: v)
  }

  func record(index: Int, composer: inout PatternComposer) throws -> PatternRecord {
    guard let (s, v) = catalog.locate(index) else { throw CorpusError("pattern \(index) is not in the corpus") }
    let recipe = try PatternRecipe.draw(config: config, catalog: catalog, structure: s, variant: v)
    return try composer.record(recipe, index: index, structure: s, variant: v)
  }

  // MARK: - Manifest

  /// The manifest of this corpus with no shard finished yet.
  public func manifest(formats: [String], toolVersion: String, selection: ShardSelection) -> CorpusManifest {
    let structures = catalog.structures.map {
      CorpusManifest.Structure(index: $0.index, id: $0.id, path: $0.path, sha256: $0.sha256, weight: $0.weight,
                               variants: $0.variants, firstPattern: $0.firstPattern)
    }
    let normalized = config.normalized
    var identity = SHA256()
    identity.update(Array(normalized.jsonText().utf8))
    for s in catalog.structures { identity.update(Array("\n\(s.id)\t\(s.sha256)\t\(s.variants)\t\(s.weight)".utf8)) }
    var shapes: [String: [Int]] = ["intensities": [patternCount, pointCount], "two_theta": [pointCount]]
    if formats.contains("npy") { shapes["numeric_labels"] = [patternCount, NPYFormat.numericLabelColumns.count] }
    return CorpusManifest(
      tool: "xrdsim", version: toolVersion, config: normalized, configSHA256: identity.finalizeHex(), seed: config.seed,
      structures: structures, skipped: catalog.skipped, patterns: patternCount, points: pointCount,
      shardSize: config.shardSize, shardCount: shardCount, formats: formats, shapes: shapes,
      numericLabelColumns: formats.contains("npy") ? NPYFormat.numericLabelColumns : nil,
      selection: selection.isAll ? nil : selection, files: [], shards: [])
  }

  // MARK: - Run

  /// Generates the shards of `options.selection` into `options.output`.
  ///
  /// - Throws: ``CorpusError`` for a resume of a different corpus, file-system and writer errors, and
  ///   pattern errors (naming the pattern); the partial manifest then records the finished shards.
  public func run(_ options: CorpusRunOptions) async throws -> CorpusRunSummary {
    let clock = ContinuousClock()
    let start = clock.now
    let directory = options.output
    let manager = FileManager.default
    try manager.createDirectory(at: directory, withIntermediateDirectories: true)
    guard patternCount > 0 else { throw CorpusError("no patterns to generate: no readable structure") }

    let formats = options.formats.map { withAtomSites($0) }
    let formatNames = formats.map(\.name)
    let selection = options.selection
    var manifest = manifest(formats: formatNames, toolVersion: options.toolVersion, selection: selection)
    let finalURL = directory.appendingPathComponent(selection.manifestName)
    let partialURL = directory.appendingPathComponent(selection.partialManifestName)

    // Shards kept from an earlier run.
    var kept: [Int: CorpusManifest.Shard] = [:]
    if options.resume {
      let earlier = manager.fileExists(atPath: partialURL.path) ? partialURL
        : manager.fileExists(atPath: finalURL.path) ? finalURL : nil
      if let earlier {
        let old = try CorpusManifest.read(earlier)
        guard old.configSHA256 == manifest.configSHA256 else {
          throw CorpusError("cannot resume: the corpus there was made from another config or other structure files "
                            + "(config_sha256 \(old.configSHA256.prefix(12))… ≠ \(manifest.configSHA256.prefix(12))…)",
                            path: directory.path)
        }
        guard old.formats == formatNames else {
          throw CorpusError("cannot resume: the corpus there has formats \(old.formats.joined(separator: ",")); "
                            + "resume with --format \(old.formats.joined(separator: ","))", path: directory.path)
        }
        for shard in old.shards where selection.contains(shard: shard.shard) && shard.shard < shardCount
          && shard.first == shardRange(shard.shard).lowerBound && shard.count == shardRange(shard.shard).count
          && CorpusManifest.verify(shard, in: directory) {
          kept[shard.shard] = shard
        }
      }
    } else {
      // A new corpus replaces the one there: the files its manifest lists go (an earlier, larger corpus would
      // otherwise leave shards this one does not overwrite); files no manifest lists are not touched.
      for url in [finalURL, partialURL] where manager.fileExists(atPath: url.path) {
        if let old = try? CorpusManifest.read(url) {
          for file in old.files + old.shards.flatMap(\.files) where Self.isInside(file.path) {
            let target = directory.appendingPathComponent(file.path)
            if manager.fileExists(atPath: target.path) { try manager.removeItem(at: target) }
          }
        }
        try manager.removeItem(at: url)
      }
    }

    // Files shared by all shards, then the manifest as it stands.
    let grid = config.twoTheta.values
    for format in formats {
      if let common = format as? any CorpusCommonFiles {
        manifest.files += try common.writeCommonFiles(directory: directory, twoTheta: grid)
      }
    }
    manifest.shards = kept.values.sorted { $0.shard < $1.shard }
    try manifest.write(to: directory, name: selection.partialManifestName)

    // The batches still to do, in index order.
    struct Batch: Sendable { var shard: Int; var range: Range<Int>; var last: Bool }
    var batches: [Batch] = []
    var todoShards = 0
    for shard in 0..<shardCount where selection.contains(shard: shard) && kept[shard] == nil {
      todoShards += 1
      let range = shardRange(shard)
      var first = range.lowerBound
      while first < range.upperBound {
        let end = min(first + Self.batchSize, range.upperBound)
        batches.append(Batch(shard: shard, range: first..<end, last: end == range.upperBound))
        first = end
      }
    }
    let total = batches.reduce(0) { $0 + $1.range.count }
    let width = max(1, options.threads)
    let window = 2 * width
    var done = 0

    try await withThrowingTaskGroup(of: (Int, [PatternRecord]).self) { group in
      var next = 0            // next batch to submit
      var running = 0
      var nextToWrite = 0
      var waiting: [Int: [PatternRecord]] = [:]
      var writers: [any ShardWriter] = []
      let generator = self

      func submit() {
        let b = next
        let batch = batches[b]
        next += 1
        running += 1
        group.addTask {
          var composer = PatternComposer(config: generator.config, catalog: generator.catalog, settings: generator.settings)
          var records: [PatternRecord] = []
          records.reserveCapacity(batch.range.count)
          for i in batch.range {
            try Task.checkCancellation()
            records.append(try generator.record(index: i, composer: &composer))
          }
          return (b, records)
        }
      }
      func fill() {
        while next < batches.count && running < width && next - nextToWrite < window { submit() }
      }

      fill()
      while let (b, records) = try await group.next() {
        running -= 1
        waiting[b] = records
        while let ready = waiting.removeValue(forKey: nextToWrite) {
          let batch = batches[nextToWrite]
          if batch.range.lowerBound == shardRange(batch.shard).lowerBound {
            writers = try formats.map {
              try $0.makeWriter(directory: directory, shard: batch.shard, capacity: shardRange(batch.shard).count, twoTheta: grid)
            }
          }
          for record in ready {
            for w in writers.indices { try writers[w].append(record) }
          }
          done += ready.count
          if batch.last {
            var files: [ShardFile] = []
            for w in writers.indices { files += try writers[w].finish() }
            writers = []
            let range = shardRange(batch.shard)
            manifest.shards.append(CorpusManifest.Shard(shard: batch.shard, first: range.lowerBound, count: range.count, files: files))
            manifest.shards.sort { $0.shard < $1.shard }
            try manifest.write(to: directory, name: selection.partialManifestName)
            if let pause = options.pauseAfterShard { try await Task.sleep(for: pause) }
          }
          options.progress?(CorpusProgress(done: done, total: total, elapsed: clock.now - start))
          nextToWrite += 1
        }
        fill()
      }
    }

    try manifest.write(to: directory, name: selection.manifestName)
    try? manager.removeItem(at: partialURL)
    Self.removeStalePartials(of: manifest.files + manifest.shards.flatMap(\.files), in: directory)
    return CorpusRunSummary(manifest: manifest, generated: done, resumedShards: kept.count, writtenShards: todoShards,
                            elapsed: clock.now - start)
  }

  /// The opXRD format with the full-cell atom sites of every structure (its labels' `basis`).
  func withAtomSites(_ format: any CorpusFormat) -> any CorpusFormat {
    guard var opxrd = format as? OpXRDFormat, opxrd.atomSites.isEmpty else { return format }
    var sites: [String: [OpXRDAtomSite]] = [:]
    for s in catalog.structures { if let c = s.crystal { sites[s.id] = OpXRDAtomSite.fullCell(of: c) } }
    opxrd.atomSites = sites
    return opxrd
  }
}

// MARK: - Regeneration

/// One pattern recomputed from a corpus directory.
public struct RegeneratedPattern: Sendable {
  public var record: PatternRecord
  /// The corpus grid, degrees 2θ.
  public var twoTheta: [Double]
  /// Whether the values came from the stored label (npy labels) rather than from a fresh draw.
  public var fromLabel: Bool
}

extension CorpusGenerator {
  /// The first existing file for manifest path `path` whose SHA-256 is `sha256`: `path` itself if absolute, else
  /// under `root`, the current folder, `directory` and each folder above it; `path` unchanged when none matches
  /// (the caller then reports it as missing or changed).
  static func resolve(_ path: String, sha256: String, directory: URL, root: URL?) -> String {
    guard !path.hasPrefix("/") else { return path }
    var bases: [URL] = []
    if let root { bases.append(root) }
    bases.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    var folder = directory.standardizedFileURL
    while true {
      bases.append(folder)
      let parent = folder.deletingLastPathComponent()
      if parent.path == folder.path || bases.count > 64 { break }
      folder = parent
    }
    for base in bases {
      let candidate = base.appendingPathComponent(path).path
      if let data = FileManager.default.contents(atPath: candidate), SHA256.hash(data) == sha256 { return candidate }
    }
    return path
  }

  /// Removes `NAME.partial` and `NAME.<pid>.partial` beside every finished file NAME: what a killed run was
  /// writing when it died (its shard has been written again since). Only this run's files are looked at, so
  /// the partial files of other shard runs writing into the same folder are left alone.
  static func removeStalePartials(of files: [ShardFile], in directory: URL) {
    let manager = FileManager.default
    var byFolder: [String: Set<String>] = [:]
    for file in files where isInside(file.path) {
      let url = directory.appendingPathComponent(file.path)
      byFolder[url.deletingLastPathComponent().path, default: []].insert(url.lastPathComponent)
    }
    for (folder, names) in byFolder {
      guard let entries = try? manager.contentsOfDirectory(atPath: folder) else { continue }
      for entry in entries where entry.hasSuffix(".partial") {
        var base = String(entry.dropLast(".partial".count))
        if !names.contains(base), let dot = base.lastIndex(of: "."), base[base.index(after: dot)...].allSatisfy(\.isNumber) {
          base = String(base[..<dot])
        }
        if names.contains(base) { try? manager.removeItem(atPath: folder + "/" + entry) }
      }
    }
  }

  /// Whether a manifest's relative path stays inside the corpus directory (no absolute path, no `..`).
  static func isInside(_ path: String) -> Bool {
    !path.hasPrefix("/") && !path.split(separator: "/").contains("..")
  }

  /// The manifest of a corpus directory: `manifest.json`, else a shard manifest, else a partial one.
  public static func readManifest(in directory: URL) throws -> (manifest: CorpusManifest, url: URL) {
    let manager = FileManager.default
    let main = directory.appendingPathComponent("manifest.json")
    if manager.fileExists(atPath: main.path) { return (try CorpusManifest.read(main), main) }
    let names = ((try? manager.contentsOfDirectory(atPath: directory.path)) ?? [])
      .filter { $0.hasPrefix("manifest") && $0.hasSuffix(".json") }.sorted()
    guard let name = names.first(where: { !$0.contains(".partial") }) ?? names.first else {
      throw CorpusError("no manifest.json: not a corpus directory", path: directory.path)
    }
    let url = directory.appendingPathComponent(name)
    return (try CorpusManifest.read(url), url)
  }

  /// Recomputes pattern `index` of the corpus in `directory` from its manifest (config and structure files)
  /// and, when the npy labels are there, from the stored label's values; the result equals the stored pattern
  /// bit for bit.
  ///
  /// - Throws: ``CorpusError`` when the index is outside the corpus, a structure file is missing or has
  ///   changed (SHA-256), or the stored label cannot be read.
  ///
  /// A relative structure path is looked for, in order, under `structuresRoot` (when given), the current folder,
  /// the corpus folder and each folder above it; the first file whose SHA-256 is the manifest's is used, so the
  /// command works from wherever it is run as long as the files are there.
  public static func regenerate(directory: URL, index: Int, structuresRoot: URL? = nil) throws -> RegeneratedPattern {
    let (manifest, _) = try readManifest(in: directory)
    var config = try manifest.corpusConfig()
    config.baseDirectory = nil
    guard index >= 0, index < manifest.patterns else {
      throw CorpusError("pattern \(index) is not in the corpus (0..<\(manifest.patterns))", path: directory.path)
    }
    // A catalog from the manifest; crystals read on demand.
    var structures = manifest.structures.map {
      CorpusStructure(index: $0.index, id: $0.id, path: $0.path, sha256: $0.sha256, weight: $0.weight, variants: $0.variants,
                      firstPattern: $0.firstPattern, crystal: nil, formula: "", elements: [], axisTies: [0, 1, 2])
    }
    func read(_ s: Int) throws {
      guard structures[s].crystal == nil else { return }
      let path = resolve(structures[s].path, sha256: structures[s].sha256, directory: directory, root: structuresRoot)
      let entry = StructureCatalog.Entry(path: path, weight: structures[s].weight, variants: structures[s].variants)
      switch StructureCatalog.readStructure(entry) {
      case let .success(loaded):
        guard loaded.sha256 == structures[s].sha256 else {
          throw CorpusError("structure \(s) has changed since the corpus was made (SHA-256 differs)", path: entry.path)
        }
        structures[s].crystal = loaded.crystal
        structures[s].formula = loaded.formula
        structures[s].elements = loaded.elements
        structures[s].axisTies = loaded.axisTies
      case let .failure(skip):
        throw CorpusError(skip.error + " (looked for under --structures-root, the current folder, the corpus folder and "
                          + "the folders above it; structure paths are relative to the folder the corpus was made from)")
      }
    }
    let provisional = CorpusGenerator(config: config, catalog: StructureCatalog(structures: structures))
    guard let (s, v) = provisional.catalog.locate(index) else { throw CorpusError("pattern \(index) is not in the corpus") }

    // The stored label (npy), else a fresh draw (its phases first, to know which files to read).
    var recipe: PatternRecipe
    var fromLabel = false
    let shard = index / manifest.shardSize
    let labels = directory.appendingPathComponent(NPYFormat.labelsFile(shard: shard))
    if let data = try? Data(contentsOf: labels) {
      let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
      let row = index - shard * manifest.shardSize
      guard row < lines.count else { throw CorpusError("pattern \(index): no line \(row + 1)", path: labels.path) }
      let line: LabelLine
      do { line = try JSONDecoder().decode(LabelLine.self, from: Data(lines[row])) } catch {
        throw CorpusError("line \(row + 1): cannot read the label: \(error)", path: labels.path)
      }
      guard line.index == index else { throw CorpusError("line \(row + 1) holds pattern \(line.index), not \(index)", path: labels.path) }
      recipe = try PatternRecipe(augmentation: line.augmentation)
      fromLabel = true
    } else {
      recipe = try PatternRecipe.draw(config: config, catalog: provisional.catalog, structure: s, variant: v)
    }
    for phase in recipe.phases {
      guard phase.structure >= 0, phase.structure < structures.count else {
        throw CorpusError("pattern \(index): phase structure \(phase.structure) is not in the manifest")
      }
      try read(phase.structure)
    }
    let generator = CorpusGenerator(config: config, catalog: StructureCatalog(structures: structures))
    if !fromLabel {
      recipe = try PatternRecipe.draw(config: config, catalog: generator.catalog, structure: s, variant: v)  // with symmetry ties
    }
    return RegeneratedPattern(record: try generator.record(index: index, recipe: recipe), twoTheta: config.twoTheta.values,
                              fromLabel: fromLabel)
  }
}
