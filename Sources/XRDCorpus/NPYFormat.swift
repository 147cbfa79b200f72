// The `npy` corpus format: NumPy arrays, loadable with `numpy.load(path, mmap_mode="r")`.
//
// Files in the corpus directory, per shard k (five digits, more when needed):
//   shard-0000k.npy    float32 [N, P]  intensities, row i = pattern (first index of the shard + i)
//   labels-0000k.jsonl one JSON object per pattern (index, structure_index, variant, phases, augmentation)
//   labels-0000k.npy   float64 [N, K]  numeric labels, columns ``NPYFormat/numericLabelColumns`` (NaN = none)
// and once: two_theta.npy float64 [P] (degrees). NPY format version 1.0 (numpy/lib/format.py, NEP 1):
// magic "\x93NUMPY", version 1.0, little-endian uint16 header length, an ASCII dict
// {'descr': '<f4', 'fortran_order': False, 'shape': (N, P), } padded with spaces and ended by '\n' so that
// the data start at a multiple of 64 bytes; data little-endian, C order. Every file is written as
// `*.partial` and renamed once complete.
// Not done: NPY 2.0/3.0 headers (> 65535 bytes), big-endian hosts (values are written little-endian).

public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An output format that also writes files shared by all shards (e.g. `two_theta.npy`), once per run.
public protocol CorpusCommonFiles {
  /// Writes the shared files into `directory` (as `*.partial`, renamed) and returns them for the manifest.
  func writeCommonFiles(directory: URL, twoTheta: [Double]) throws -> [ShardFile]
}

/// Writes NumPy `.npy` shards, `two_theta.npy` and JSON-lines labels.
public struct NPYFormat: CorpusFormat, CorpusCommonFiles {
  public var name: String { "npy" }

  public init() {}

  /// The columns of `labels-NNNNN.npy`, in order. Lattice, space group and crystal system are the main
  /// phase's (after strain); crystal_system numbers 1 triclinic … 7 cubic; texture_h/k/l are 0 and texture_r 1
  /// without texture; NaN where a value does not exist (crystallite_size_nm without size broadening,
  /// noise_counts without noise, space_group_number for a non-standard setting).
  public static let numericLabelColumns = [
    "index", "structure_index", "variant", "space_group_number", "crystal_system",
    "a", "b", "c", "alpha", "beta", "gamma", "phase_count", "main_fraction",
    "strain_isotropic_percent", "zero_shift", "displacement", "U", "V", "W", "X", "Y",
    "crystallite_size_nm", "microstrain", "texture_h", "texture_k", "texture_l", "texture_r",
    "background_level", "noise_counts", "wavelength",
  ]

  /// `shard-00012.npy` and friends.
  public static func intensitiesFile(shard: Int) -> String { "shard-\(fiveDigits(shard)).npy" }
  public static func labelsFile(shard: Int) -> String { "labels-\(fiveDigits(shard)).jsonl" }
  public static func numericLabelsFile(shard: Int) -> String { "labels-\(fiveDigits(shard)).npy" }
  public static let twoThetaFile = "two_theta.npy"

  static func fiveDigits(_ n: Int) -> String {
    let digits = String(n)
    return digits.count >= 5 ? digits : String(repeating: "0", count: 5 - digits.count) + digits
  }

  public func makeWriter(directory: URL, shard: Int, capacity: Int, twoTheta: [Double]) throws -> any ShardWriter {
    try NPYShardWriter(directory: directory, shard: shard, capacity: capacity, points: twoTheta.count)
  }

  public func writeCommonFiles(directory: URL, twoTheta: [Double]) throws -> [ShardFile] {
    var bytes = NPY.header(descr: "<f8", shape: [twoTheta.count])
    NPY.appendLittleEndian(twoTheta, to: &bytes)
    return [try writeAtomically(bytes, directory: directory, name: Self.twoThetaFile)]
  }

  /// The numeric label row of a pattern (``numericLabelColumns``).
  public static func numericLabels(_ label: PatternLabel) -> [Double] {
    let main = label.phases.first
    let a = label.augmentation
    func number(_ key: String) -> Double {
      if case let .number(x)? = a[key] { return x }
      return .nan
    }
    func first(_ key: String) -> Double {
      if case let .numbers(x)? = a[key], let v = x.first { return v }
      return number(key)
    }
    let lattice = main?.lattice.count == 6 ? main!.lattice : Array(repeating: Double.nan, count: 6)
    let system = main?.crystalSystem.flatMap { name in
      ["triclinic", "monoclinic", "orthorhombic", "tetragonal", "trigonal", "hexagonal", "cubic"].firstIndex(of: name)
    }.map { Double($0 + 1) } ?? .nan
    var hkl = [0.0, 0.0, 0.0]
    if case let .numbers(x)? = a["texture_hkl"], x.count == 3 { hkl = x }
    var wavelength = Double.nan
    if case let .numbers(w)? = a["radiation_wavelengths"], case let .numbers(weights)? = a["radiation_weights"],
       let best = zip(w, weights).max(by: { $0.1 < $1.1 }) {
      wavelength = best.0
    }
    return [
      Double(label.index), Double(label.structureIndex), Double(label.variant),
      main?.spaceGroupNumber.map(Double.init) ?? .nan, system,
    ] + lattice + [
      Double(label.phases.count), main?.fraction ?? .nan,
      first("strain_isotropic_percent"), number("zero_shift"), number("displacement"),
      number("U"), number("V"), number("W"), number("X"), number("Y"),
      number("crystallite_size_nm"), number("microstrain"), hkl[0], hkl[1], hkl[2], number("texture_r"),
      number("background_level"), number("noise_counts"), wavelength,
    ]
  }
}

// MARK: - Writer

/// Streams one shard's intensities into `shard-NNNNN.npy.partial` (header first, for `capacity` rows) and
/// its labels into memory; `finish()` writes the label files and renames all three.
/// A class: it owns the open file (copies of the existential share it; the generator keeps one).
final class NPYShardWriter: ShardWriter {
  let directory: URL
  let shard: Int
  let capacity: Int
  let points: Int
  private var handle: FileHandle?
  private var rows = 0
  private var labelLines: [UInt8] = []
  private var numeric: [Double] = []
  private let encoder: JSONEncoder

  init(directory: URL, shard: Int, capacity: Int, points: Int) throws {
    self.directory = directory
    self.shard = shard
    self.capacity = capacity
    self.points = points
    encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let partial = directory.appendingPathComponent(NPYFormat.intensitiesFile(shard: shard) + ".partial")
    guard FileManager.default.createFile(atPath: partial.path, contents: nil) else {
      throw CorpusError("cannot create file", path: partial.path)
    }
    let handle = try FileHandle(forWritingTo: partial)
    try handle.write(contentsOf: NPY.header(descr: "<f4", shape: [capacity, points]))
    self.handle = handle
  }

  func append(_ record: PatternRecord) throws {
    guard let handle else { throw CorpusError("append after finish", path: directory.path) }
    guard record.intensities.count == points else {
      throw CorpusError("pattern \(record.label.index): \(record.intensities.count) intensities for a grid of \(points) points")
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(4 * points)
    NPY.appendLittleEndian(record.intensities, to: &bytes)
    try handle.write(contentsOf: bytes)
    rows += 1
    labelLines += try encoder.encode(LabelLine(record.label))
    labelLines.append(0x0A)
    numeric += NPYFormat.numericLabels(record.label)
  }

  func finish() throws -> [ShardFile] {
    guard let handle else { throw CorpusError("finish called twice", path: directory.path) }
    if rows != capacity {
      // Fewer rows than announced: rewrite the header (same length: the shape only gets shorter or equal).
      let header = NPY.header(descr: "<f4", shape: [rows, points])
      try handle.seek(toOffset: 0)
      try handle.write(contentsOf: header)
      try handle.truncate(atOffset: UInt64(header.count + 4 * rows * points))
    }
    try handle.synchronize()
    try handle.close()
    self.handle = nil
    let name = NPYFormat.intensitiesFile(shard: shard)
    let partial = directory.appendingPathComponent(name + ".partial")
    let final = directory.appendingPathComponent(name)
    try renameReplacing(partial, final)
    let hash = try SHA256.hash(fileAt: final)
    var files = [ShardFile(path: name, bytes: hash.bytes, sha256: hash.sha256)]
    files.append(try writeAtomically(labelLines, directory: directory, name: NPYFormat.labelsFile(shard: shard)))
    var table = NPY.header(descr: "<f8", shape: [rows, NPYFormat.numericLabelColumns.count])
    NPY.appendLittleEndian(numeric, to: &table)
    files.append(try writeAtomically(table, directory: directory, name: NPYFormat.numericLabelsFile(shard: shard)))
    return files
  }
}

extension PatternLabel {
  /// The label as one line of `labels-NNNNN.jsonl`: JSON with snake_case keys, sorted, no newline.
  public var jsonLine: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: (try? encoder.encode(LabelLine(self))) ?? Data("{}".utf8), as: UTF8.self)
  }

  /// Reads one line of `labels-NNNNN.jsonl`.
  public init(jsonLine: some StringProtocol) throws {
    self = try JSONDecoder().decode(LabelLine.self, from: Data(jsonLine.utf8)).label
  }
}

/// One line of `labels-NNNNN.jsonl`: the ``PatternLabel`` with snake_case keys.
struct LabelLine: Codable, Sendable {
  struct Phase: Codable, Sendable {
    var id: String
    var file: String
    var formula: String
    var elements: [String]
    var spaceGroupNumber: Int?
    var spaceGroupSymbol: String?
    var crystalSystem: String?
    var lattice: [Double]
    var fraction: Double
    enum CodingKeys: String, CodingKey {
      case id, file, formula, elements, spaceGroupNumber = "space_group_number", spaceGroupSymbol = "space_group_symbol"
      case crystalSystem = "crystal_system", lattice, fraction
    }
  }
  var index: Int
  var structureIndex: Int
  var variant: Int
  var phases: [Phase]
  var augmentation: [String: LabelValue]
  enum CodingKeys: String, CodingKey {
    case index, structureIndex = "structure_index", variant, phases, augmentation
  }

  init(_ label: PatternLabel) {
    index = label.index
    structureIndex = label.structureIndex
    variant = label.variant
    phases = label.phases.map {
      Phase(id: $0.id, file: $0.file, formula: $0.formula, elements: $0.elements, spaceGroupNumber: $0.spaceGroupNumber,
            spaceGroupSymbol: $0.spaceGroupSymbol, crystalSystem: $0.crystalSystem, lattice: $0.lattice, fraction: $0.fraction)
    }
    augmentation = label.augmentation
  }

  var label: PatternLabel {
    PatternLabel(index: index, structureIndex: structureIndex, variant: variant, phases: phases.map {
      PhaseLabel(id: $0.id, file: $0.file, formula: $0.formula, elements: $0.elements, spaceGroupNumber: $0.spaceGroupNumber,
                 spaceGroupSymbol: $0.spaceGroupSymbol, crystalSystem: $0.crystalSystem, lattice: $0.lattice, fraction: $0.fraction)
    }, augmentation: augmentation)
  }

  // Optional keys are written as null (not left out), so every line has the same keys.
  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(index, forKey: .index)
    try c.encode(structureIndex, forKey: .structureIndex)
    try c.encode(variant, forKey: .variant)
    try c.encode(phases, forKey: .phases)
    try c.encode(augmentation, forKey: .augmentation)
  }
}

extension LabelLine.Phase {
  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(id, forKey: .id)
    try c.encode(file, forKey: .file)
    try c.encode(formula, forKey: .formula)
    try c.encode(elements, forKey: .elements)
    try c.encode(spaceGroupNumber, forKey: .spaceGroupNumber)
    try c.encode(spaceGroupSymbol, forKey: .spaceGroupSymbol)
    try c.encode(crystalSystem, forKey: .crystalSystem)
    try c.encode(lattice, forKey: .lattice)
    try c.encode(fraction, forKey: .fraction)
  }
}

// MARK: - NPY encoding

/// NPY version 1.0 headers and little-endian data, and a reader for the same subset.
package enum NPY {
  /// The header of an array: magic, version 1.0, length, dict, padded with spaces and '\n' to a multiple of 64.
  package static func header(descr: String, shape: [Int]) -> [UInt8] {
    let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
    let unpadded = 10 + dict.utf8.count + 1
    dict += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    let length = dict.utf8.count
    return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(dict.utf8)
  }

  package static func appendLittleEndian(_ values: [Float], to bytes: inout [UInt8]) {
    #if _endian(little)
    values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    #else
    for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    #endif
  }

  package static func appendLittleEndian(_ values: [Double], to bytes: inout [UInt8]) {
    #if _endian(little)
    values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    #else
    for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    #endif
  }

  /// Header fields of an NPY file: dtype, shape, C order, and where the data start.
  package struct Header: Sendable, Hashable {
    package var descr: String
    package var shape: [Int]
    package var fortranOrder: Bool
    package var dataOffset: Int
  }

  /// Parses the header of NPY bytes (versions 1.0 and 2.0).
  package static func parseHeader(_ data: Data) throws(CorpusError) -> Header {
    let bytes = [UInt8](data.prefix(12))
    guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
      throw CorpusError("not an NPY file")
    }
    let major = bytes[6]
    let length: Int, start: Int
    if major == 1 {
      length = Int(bytes[8]) | Int(bytes[9]) << 8
      start = 10
    } else {
      guard bytes.count >= 12 else { throw CorpusError("truncated NPY header") }
      length = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
      start = 12
    }
    guard data.count >= start + length else { throw CorpusError("truncated NPY header") }
    let text = String(decoding: data[data.startIndex + start..<data.startIndex + start + length], as: UTF8.self)
    func value(_ key: String) -> String? {
      guard let r = text.range(of: "'\(key)': ") else { return nil }
      let rest = text[r.upperBound...]
      if rest.hasPrefix("(") { return rest.firstIndex(of: ")").map { String(rest[...$0]) } }
      if rest.hasPrefix("'") { return String(rest.dropFirst().prefix { $0 != "'" }) }
      return String(rest.prefix { $0 != "," && $0 != "}" })
    }
    guard let descr = value("descr"), let shapeText = value("shape") else { throw CorpusError("NPY header without descr or shape") }
    let shape = shapeText.dropFirst().dropLast().split(separator: ",").compactMap {
      Int($0.trimmingCharacters(in: .whitespaces))
    }
    return Header(descr: descr, shape: shape, fortranOrder: value("fortran_order") == "True", dataOffset: start + length)
  }

  /// Reads a little-endian `<f4` array file: header and values.
  package static func readFloat32(_ url: URL) throws -> (header: Header, values: [Float]) {
    let data = try Data(contentsOf: url)
    let header = try parseHeader(data)
    guard header.descr == "<f4" else { throw CorpusError("expected <f4, found \(header.descr)", path: url.path) }
    let count = header.shape.reduce(1, *)
    var values = [Float](repeating: 0, count: count)
    let body = data.dropFirst(header.dataOffset)
    guard body.count >= 4 * count else { throw CorpusError("truncated NPY data", path: url.path) }
    body.withUnsafeBytes { raw in
      for i in 0..<count { values[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
    }
    return (header, values)
  }

  /// Reads a little-endian `<f8` array file: header and values.
  package static func readFloat64(_ url: URL) throws -> (header: Header, values: [Double]) {
    let data = try Data(contentsOf: url)
    let header = try parseHeader(data)
    guard header.descr == "<f8" else { throw CorpusError("expected <f8, found \(header.descr)", path: url.path) }
    let count = header.shape.reduce(1, *)
    var values = [Double](repeating: 0, count: count)
    let body = data.dropFirst(header.dataOffset)
    guard body.count >= 8 * count else { throw CorpusError("truncated NPY data", path: url.path) }
    body.withUnsafeBytes { raw in
      for i in 0..<count { values[i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) }
    }
    return (header, values)
  }
}

// MARK: - Files

/// Writes `bytes` to `name.<pid>.partial` in `directory`, renames it to `name`, and describes it. The process id
/// keeps concurrent `--shard` runs that write the same shared file (`two_theta.npy`) into one folder apart;
/// rename(2) is atomic and their contents are identical.
func writeAtomically(_ bytes: [UInt8], directory: URL, name: String) throws -> ShardFile {
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  let partial = directory.appendingPathComponent("\(name).\(getpid()).partial")
  let final = directory.appendingPathComponent(name)
  let data = Data(bytes)
  try data.write(to: partial)
  try renameReplacing(partial, final)
  return ShardFile(path: name, bytes: bytes.count, sha256: SHA256.hash(bytes))
}

/// rename(2): atomically replaces `destination` if it exists.
func renameReplacing(_ source: URL, _ destination: URL) throws {
  guard rename(source.path, destination.path) == 0 else {
    throw CorpusError("cannot rename to \(destination.lastPathComponent): \(String(cString: strerror(errno)))", path: source.path)
  }
}
