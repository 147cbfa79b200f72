// `xrdsim merge DIR...`: combines the shard manifests of `--shard I/N` runs into one `manifest.json`.
//
// Checks: every directory holds finished shard manifests (`manifest.shard-I-of-N.json`; a partial one means
// an unfinished run), all with the same config_sha256, tool version, formats and N; the selections are
// disjoint and together cover 0…N−1; each selection lists exactly its shards; every file has its recorded
// size and SHA-256; the shared files (two_theta.npy) agree. Files of other directories are moved into the
// output directory (rename, or copy and delete across file systems). The merged manifest is byte-identical to
// the manifest of a single run of the same config.
// Not done: merging corpora of different configs (append), or re-sharding.

public import Foundation

extension CorpusGenerator {
  /// Merges shard runs found in `directories` into `output` (default: the first directory).
  ///
  /// - Throws: ``CorpusError`` naming the directory or file and the failed check; nothing is moved or
  ///   written until every check has passed.
  @discardableResult
  public static func merge(directories: [URL], output: URL? = nil) throws -> CorpusManifest {
    guard let first = directories.first else { throw CorpusError("give at least one directory to merge") }
    let manager = FileManager.default
    let target = output ?? first
    var found: [(manifest: CorpusManifest, directory: URL, url: URL)] = []
    for directory in directories {
      let names = ((try? manager.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
      if let partial = names.first(where: { $0.hasPrefix("manifest.shard-") && $0.hasSuffix(".partial.json") }) {
        throw CorpusError("\(partial): that shard run did not finish; rerun it with --resume", path: directory.path)
      }
      let shardManifests = names.filter { $0.hasPrefix("manifest.shard-") && $0.hasSuffix(".json") }
      if shardManifests.isEmpty {
        throw CorpusError("no shard manifest (manifest.shard-I-of-N.json) here", path: directory.path)
      }
      for name in shardManifests {
        let url = directory.appendingPathComponent(name)
        found.append((try CorpusManifest.read(url), directory, url))
      }
    }
    let reference = found[0].manifest
    guard let n = reference.selection?.count else { throw CorpusError("not a shard manifest", path: found[0].url.path) }
    var covered: [Int: String] = [:]
    var shards: [CorpusManifest.Shard] = []
    var shardDirectory: [Int: URL] = [:]
    for (m, directory, url) in found {
      guard m.configSHA256 == reference.configSHA256 else {
        throw CorpusError("made from another config or other structure files than \(found[0].url.path)", path: url.path)
      }
      guard m.version == reference.version, m.formats == reference.formats else {
        throw CorpusError("tool version or formats differ from \(found[0].url.path)", path: url.path)
      }
      guard let selection = m.selection, selection.count == n else {
        throw CorpusError("shard selection \(m.selection?.description ?? "all") does not fit N = \(n)", path: url.path)
      }
      if let other = covered[selection.index] {
        throw CorpusError("shard slice \(selection) is also in \(other)", path: url.path)
      }
      covered[selection.index] = url.path
      let expected = (0..<m.shardCount).filter { selection.contains(shard: $0) }
      guard m.shards.map(\.shard) == expected else {
        throw CorpusError("slice \(selection) should hold shards \(expected.map(String.init).joined(separator: ", ")) "
                          + "but holds \(m.shards.map { String($0.shard) }.joined(separator: ", "))", path: url.path)
      }
      for shard in m.shards {
        for file in shard.files where !CorpusManifest.verify(file, in: directory) {
          throw CorpusError("shard \(shard.shard): \(file.path) is missing or does not match its SHA-256", path: directory.path)
        }
        shards.append(shard)
        shardDirectory[shard.shard] = directory
      }
      guard m.files.map(\.sha256) == reference.files.map(\.sha256) else {
        throw CorpusError("shared files (two_theta) differ from \(found[0].url.path)", path: url.path)
      }
    }
    let missing = (0..<n).filter { covered[$0] == nil }
    guard missing.isEmpty else {
      throw CorpusError("slices \(missing.map { "\($0)/\(n)" }.joined(separator: ", ")) are missing")
    }

    // Move shard files and shared files into the target.
    try manager.createDirectory(at: target, withIntermediateDirectories: true)
    let targetPath = target.standardizedFileURL.path
    for shard in shards {
      guard let source = shardDirectory[shard.shard], source.standardizedFileURL.path != targetPath else { continue }
      for file in shard.files { try move(file.path, from: source, to: target) }
    }
    for file in reference.files where !CorpusManifest.verify(file, in: target) {
      try move(file.path, from: found[0].directory, to: target, copy: true)
    }
    var merged = reference
    merged.selection = nil
    merged.shards = shards.sorted { $0.shard < $1.shard }
    try merged.write(to: target, name: "manifest.json")
    for (_, _, url) in found { try? manager.removeItem(at: url) }
    return merged
  }

  /// Moves (or copies) one corpus file, creating folders as needed.
  static func move(_ path: String, from source: URL, to target: URL, copy: Bool = false) throws {
    let manager = FileManager.default
    let from = source.appendingPathComponent(path), to = target.appendingPathComponent(path)
    try manager.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
    if manager.fileExists(atPath: to.path) { try manager.removeItem(at: to) }
    if copy {
      try manager.copyItem(at: from, to: to)
    } else if (try? renameReplacing(from, to)) == nil {
      try manager.copyItem(at: from, to: to)
      try manager.removeItem(at: from)
    }
  }
}
