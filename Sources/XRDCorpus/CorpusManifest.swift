// manifest.json: what a corpus directory holds — the normalized config, tool version, seed, counts, shapes,
// formats, the structures (path, checksum, variants) and per shard its files with sizes and SHA-256.
//
// Written while a run goes: `manifest.partial.json` (or `manifest.shard-I-of-N.partial.json` for
// `--shard I/N`) is replaced atomically after every finished shard, so `--resume` knows which shards are
// complete and can check them; at the end it becomes `manifest.json` (or `manifest.shard-I-of-N.json`, which
// `xrdsim merge` combines into `manifest.json`). Nothing in it depends on time, thread count, sharding or
// interruptions, so the same corpus always has the same manifest bytes.
// Not done: signatures; per-pattern checksums.

public import Foundation

/// Which slice of a corpus a run makes: shards s with s mod `count` = `index`.
public struct ShardSelection: Sendable, Hashable, Codable, CustomStringConvertible {
  public var index: Int
  public var count: Int

  public init(index: Int, count: Int) {
    precondition(count >= 1 && index >= 0 && index < count, "shard selection \(index)/\(count)")
    self.index = index
    self.count = count
  }

  /// "I/N" with 0 ≤ I < N.
  public init?(parsing text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n else { return nil }
    self.init(index: i, count: n)
  }

  /// The whole corpus.
  public static let all = ShardSelection(index: 0, count: 1)

  public var isAll: Bool { count == 1 }
  public func contains(shard: Int) -> Bool { shard % count == index }
  public var description: String { "\(index)/\(count)" }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let s = ShardSelection(parsing: text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not I/N"))
    }
    self = s
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(description)
  }

  /// `manifest.json` for the whole corpus, `manifest.shard-I-of-N.json` for a slice.
  public var manifestName: String { isAll ? "manifest.json" : "manifest.shard-\(index)-of-\(count).json" }
  /// The name of the manifest while the run goes.
  public var partialManifestName: String {
    isAll ? "manifest.partial.json" : "manifest.shard-\(index)-of-\(count).partial.json"
  }
}

/// The content of `manifest.json`.
public struct CorpusManifest: Sendable, Hashable, Codable {
  /// One structure of the corpus.
  public struct Structure: Sendable, Hashable, Codable {
    public var index: Int
    public var id: String
    public var path: String
    public var sha256: String
    public var weight: Double
    public var variants: Int
    public var firstPattern: Int
    enum CodingKeys: String, CodingKey { case index, id, path, sha256, weight, variants, firstPattern = "first_pattern" }
  }

  /// One finished shard.
  public struct Shard: Sendable, Hashable, Codable {
    public var shard: Int
    /// Global index of its first pattern, and how many it holds.
    public var first: Int
    public var count: Int
    /// Every file of every format, paths relative to the corpus directory.
    public var files: [ShardFile]
  }

  public var tool: String
  public var version: String
  /// The config with every key spelled out (``CorpusConfig/normalized``).
  public var config: ConfigValue
  /// SHA-256 of the normalized config and the structures' ids, checksums and variant counts: runs with the
  /// same value make the same corpus (what `--resume` and `merge` check).
  public var configSHA256: String
  public var seed: UInt64
  public var structures: [Structure]
  /// CIF files left out, with the reader's error.
  public var skipped: [SkippedStructure]
  public var patterns: Int
  public var points: Int
  public var shardSize: Int
  public var shardCount: Int
  public var formats: [String]
  /// Array shapes: intensities [patterns, points], two_theta [points], and (npy) numeric_labels [patterns, K].
  public var shapes: [String: [Int]]
  /// Columns of `labels-NNNNN.npy` (npy format only).
  public var numericLabelColumns: [String]?
  /// The slice this manifest covers; nil for a whole corpus.
  public var selection: ShardSelection?
  /// Files shared by all shards (two_theta.npy).
  public var files: [ShardFile]
  /// Finished shards, by shard number.
  public var shards: [Shard]

  enum CodingKeys: String, CodingKey {
    case tool, version, config, configSHA256 = "config_sha256", seed, structures, skipped, patterns, points
    case shardSize = "shard_size", shardCount = "shard_count", formats, shapes
    case numericLabelColumns = "numeric_label_columns", selection, files, shards
  }

  /// Canonical bytes: pretty-printed JSON with sorted keys and a final newline.
  public func encoded() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
    var data = try encoder.encode(self)
    data.append(0x0A)
    return data
  }

  public static func read(_ url: URL) throws -> CorpusManifest {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw CorpusError("cannot read manifest: \(error.localizedDescription)", path: url.path)
    }
    do { return try JSONDecoder().decode(CorpusManifest.self, from: data) } catch {
      throw CorpusError("not a corpus manifest: \(error)", path: url.path)
    }
  }

  /// Writes the manifest as `name` in `directory` through a temporary file and rename(2).
  public func write(to directory: URL, name: String) throws {
    let data = try encoded()
    let temporary = directory.appendingPathComponent(name + ".tmp")
    try data.write(to: temporary)
    try renameReplacing(temporary, directory.appendingPathComponent(name))
  }

  /// The config it records, read back with the config reader.
  public func corpusConfig() throws -> CorpusConfig {
    do {
      return try CorpusConfig(yaml: config.jsonText(), fileName: "manifest.json")
    } catch {
      throw CorpusError("the manifest's config cannot be read: \(error)")
    }
  }

  /// Whether every file of `shard` exists in `directory` with the recorded size and SHA-256.
  static func verify(_ shard: Shard, in directory: URL) -> Bool {
    shard.files.allSatisfy { verify($0, in: directory) }
  }

  static func verify(_ file: ShardFile, in directory: URL) -> Bool {
    let url = directory.appendingPathComponent(file.path)
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
          (attributes[.size] as? NSNumber)?.intValue == file.bytes,
          let hash = try? SHA256.hash(fileAt: url) else { return false }
    return hash.sha256 == file.sha256 && hash.bytes == file.bytes
  }
}
