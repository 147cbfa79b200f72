// What a corpus writer receives for one pattern, and the writer interface every output format implements.
//
// The generator (CorpusGenerator) produces `PatternRecord`s in index order within a shard and hands them to
// one `ShardWriter` per format; writers write `*.partial` files and rename them in `finish()`, so a shard
// either exists complete or not at all (resume restarts unfinished shards).

public import Foundation

/// A label value: a number, a string, a list of numbers, or null.
public enum LabelValue: Sendable, Hashable, Codable {
  case number(Double)
  case string(String)
  case numbers([Double])
  case null

  public init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() { self = .null }
    else if let d = try? c.decode(Double.self) { self = .number(d) }
    else if let a = try? c.decode([Double].self) { self = .numbers(a) }
    else { self = .string(try c.decode(String.self)) }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    switch self {
    case let .number(d): try c.encode(d)
    case let .string(s): try c.encode(s)
    case let .numbers(a): try c.encode(a)
    case .null: try c.encodeNil()
    }
  }
}

/// One phase of a pattern (a mixture has several).
public struct PhaseLabel: Sendable, Hashable, Codable {
  /// Structure id (file name without extension) and path as given in the config.
  public var id: String
  public var file: String
  public var formula: String
  public var elements: [String]
  public var spaceGroupNumber: Int?
  public var spaceGroupSymbol: String?
  public var crystalSystem: String?
  /// a, b, c (Å), α, β, γ (°) after strain.
  public var lattice: [Double]
  /// Weight fraction in the mixture (1 for a single phase).
  public var fraction: Double

  public init(id: String, file: String, formula: String, elements: [String], spaceGroupNumber: Int?,
              spaceGroupSymbol: String?, crystalSystem: String?, lattice: [Double], fraction: Double) {
    self.id = id; self.file = file; self.formula = formula; self.elements = elements
    self.spaceGroupNumber = spaceGroupNumber; self.spaceGroupSymbol = spaceGroupSymbol
    self.crystalSystem = crystalSystem; self.lattice = lattice; self.fraction = fraction
  }
}

/// Everything needed to describe and regenerate one pattern.
public struct PatternLabel: Sendable, Hashable, Codable {
  /// Global pattern index in the corpus (0-based).
  public var index: Int
  /// Index of the (first) structure in the config's structure list, and the variant number of that structure.
  public var structureIndex: Int
  public var variant: Int
  /// The phases: the main one first, impurity or mixture phases after it.
  public var phases: [PhaseLabel]
  /// Every augmentation value actually drawn (zero_shift, U, V, W, X, Y, crystallite_size_nm, microstrain,
  /// texture_r, texture_hkl, background_*, noise_counts, radiation, …), by name.
  public var augmentation: [String: LabelValue]

  public init(index: Int, structureIndex: Int, variant: Int, phases: [PhaseLabel], augmentation: [String: LabelValue]) {
    self.index = index; self.structureIndex = structureIndex; self.variant = variant
    self.phases = phases; self.augmentation = augmentation
  }
}

/// One generated pattern: intensities on the corpus's shared 2θ grid and its label.
public struct PatternRecord: Sendable {
  public var label: PatternLabel
  public var intensities: [Float]
  /// Wavelengths (Å) and weights of the emission lines used, for formats that store them (opXRD).
  public var radiation: [(wavelength: Double, weight: Double)]

  public init(label: PatternLabel, intensities: [Float], radiation: [(wavelength: Double, weight: Double)]) {
    self.label = label; self.intensities = intensities; self.radiation = radiation
  }
}

/// A file a writer produced, for the manifest.
public struct ShardFile: Sendable, Hashable, Codable {
  /// Path relative to the corpus directory.
  public var path: String
  public var bytes: Int
  /// Lower-case hex SHA-256 of the file's bytes.
  public var sha256: String

  public init(path: String, bytes: Int, sha256: String) {
    self.path = path; self.bytes = bytes; self.sha256 = sha256
  }
}

/// Writes one shard of one format. Created per shard, fed records in index order, finished once.
public protocol ShardWriter {
  /// Adds one pattern (records arrive in increasing index order).
  mutating func append(_ record: PatternRecord) throws
  /// Closes the files, renames `*.partial` to their final names and returns them with sizes and checksums.
  mutating func finish() throws -> [ShardFile]
}

/// An output format: `npy`, `hdf5` or `opxrd`.
public protocol CorpusFormat: Sendable {
  /// Name used in configs and on the command line.
  var name: String { get }
  /// A writer for shard `shard` (0-based) of a corpus in `directory` whose patterns share `twoTheta`, holding
  /// `capacity` patterns at most.
  func makeWriter(directory: URL, shard: Int, capacity: Int, twoTheta: [Double]) throws -> any ShardWriter
}
