// The `hdf5` corpus format: one HDF5 file per shard, `shard-00000.h5`, written through the HDF5 C library.
//
// Layout of a shard with N patterns on a grid of P points (datasets in the root group, row i = pattern i):
//   intensities         float32 [N, P]   chunked (≤ 64 rows, ≤ 1 MiB a chunk), shuffle + deflate (level 4)
//   two_theta           float64 [P]      degrees (attribute `units`)
//   index               int64   [N]      global pattern index      structure_index int64 [N]   variant int32 [N]
//   structure_id        string  [N]      first phase's id          formula         string [N]  (first phase)
//   space_group_number  int32   [N]      first phase; 0 = unknown
//   lattice             float64 [N, 6]   first phase a, b, c (Å), α, β, γ (°) after strain; NaN = unknown
//   phase_count         int32   [N]      phase_fraction float64 [N, F] (F = most phases in the shard; 0-padded)
//   radiation_wavelength, radiation_weight  float64 [N, L]   emission lines (Å, weight; 0-padded)
//   labels_json         string  [N]      the full ``PatternLabel`` as JSON (``PatternLabel/jsonLine``, the line of
//                                        the npy format's labels-NNNNN.jsonl), so nothing is lost
// Strings are variable-length UTF-8. Root attributes: `format` ("xrdsim-corpus-hdf5"), `format_version` (1),
// `shard`, `pattern_count`. N is unknown up front: intensities grow by whole chunks (`H5Dset_extent`, rows
// buffered until a chunk is full, so each chunk is compressed once); labels are written by `finish()`.
// Not done: SWMR or reading a shard while it is written; per-pattern augmentation columns (in labels_json).

public import Foundation
internal import CHDF5

/// Writes each shard as an HDF5 file (`shard-00000.h5`), for h5py, PyTorch and other HDF5 readers.
public struct HDF5Format: CorpusFormat {
  public var name: String { "hdf5" }
  /// Deflate (zlib) level 0–9 for `intensities`, applied after the byte shuffle; `nil` stores it uncompressed.
  /// If the HDF5 library lacks an encoding deflate filter the data are stored uncompressed.
  public var compressionLevel: Int?
  /// Patterns per chunk of `intensities`; `nil` chooses at most 64 and at most 1 MiB per chunk (HDF5's default
  /// chunk cache), so reading one pattern decompresses one chunk.
  public var rowsPerChunk: Int?

  public init(compressionLevel: Int? = 4, rowsPerChunk: Int? = nil) {
    precondition(compressionLevel.map { (0...9).contains($0) } ?? true, "deflate level must be 0...9")
    precondition(rowsPerChunk.map { $0 > 0 } ?? true, "rowsPerChunk must be positive")
    self.compressionLevel = compressionLevel
    self.rowsPerChunk = rowsPerChunk
  }

  /// The file name of shard `shard`: `shard-00000.h5`.
  public static func fileName(shard: Int) -> String { "shard-" + String(format: "%05d", shard) + ".h5" }

  public func makeWriter(directory: URL, shard: Int, capacity: Int, twoTheta: [Double]) throws -> any ShardWriter {
    try HDF5ShardWriter(directory: directory, shard: shard, capacity: capacity, twoTheta: twoTheta,
                        compressionLevel: HDF5File.deflateAvailable ? compressionLevel : nil, rowsPerChunk: rowsPerChunk)
  }
}

// MARK: - Writer

/// Streams one shard into `shard-NNNNN.h5.partial` and renames it in ``finish()``.
/// A class: the writer is the one owner of the open file, which copies of the `any ShardWriter` share.
final class HDF5ShardWriter: ShardWriter {
  static let formatName = "xrdsim-corpus-hdf5"
  static let formatVersion: Int32 = 1

  private let directory: URL
  private let shard: Int
  private let capacity: Int
  private let points: Int
  private let fileName: String
  private let partialPath: String
  private let chunkRows: Int

  /// The open `.partial` file; `nil` once finished.
  private var file: HDF5File?
  /// Rows appended but not yet written (fewer than `chunkRows`), row-major.
  private var pendingRows: [Float] = []
  private var rowsWritten = 0
  private var labels: [PatternLabel] = []
  private var radiation: [[(wavelength: Double, weight: Double)]] = []

  init(directory: URL, shard: Int, capacity: Int, twoTheta: [Double], compressionLevel: Int?, rowsPerChunk: Int?) throws {
    self.directory = directory
    self.shard = shard
    self.capacity = capacity
    self.points = twoTheta.count
    self.fileName = HDF5Format.fileName(shard: shard)
    self.partialPath = directory.appendingPathComponent(fileName + ".partial").path
    // Chunks of whole patterns, at most 64 of them and at most 1 MiB (HDF5's default chunk cache), so one
    // pattern reads by decompressing one chunk; rows are buffered until a chunk is full, so appending never
    // re-reads and recompresses a chunk.
    self.chunkRows = max(1, min(rowsPerChunk ?? min(64, (1 << 20) / max(1, 4 * twoTheta.count)), max(1, capacity)))

    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw HDF5Error(.fileSystem(operation: "creating \(directory.path)", reason: "\(error)"), path: partialPath)
    }
    let file = try HDF5File.create(path: partialPath)
    try file.write(twoTheta, to: "two_theta", shape: [points])
    try file.setAttribute("units", "degree", on: "two_theta")
    _ = try file.createDataset("intensities", type: Float.hdf5Type, shape: [0, points], maxShape: [nil, points],
                               chunk: [chunkRows, max(1, points)], deflateLevel: compressionLevel)
    self.file = .some(file)
    pendingRows.reserveCapacity(chunkRows * points)
  }

  func append(_ record: PatternRecord) throws {
    precondition(file != nil, "append after finish")
    guard labels.count < capacity else { throw HDF5Error(.capacityExceeded(capacity: capacity), path: partialPath) }
    guard record.intensities.count == points else {
      throw HDF5Error(.pointCount(index: record.label.index, expected: points, actual: record.intensities.count),
                      path: partialPath)
    }
    pendingRows.append(contentsOf: record.intensities)
    labels.append(record.label)
    radiation.append(record.radiation)
    if pendingRows.count == chunkRows * points { try flushRows() }
  }

  func finish() throws -> [ShardFile] {
    precondition(file != nil, "finish called twice")
    try flushRows()
    try writeLabels()
    if let file = file.take() { try file.close() }

    let finalURL = directory.appendingPathComponent(fileName)
    guard rename(partialPath, finalURL.path) == 0 else {
      let reason = String(cString: strerror(errno))
      throw HDF5Error(.fileSystem(operation: "renaming to \(finalURL.path)", reason: reason), path: partialPath)
    }
    do {
      let (sha256, bytes) = try SHA256.hash(fileAt: finalURL)
      return [ShardFile(path: fileName, bytes: bytes, sha256: sha256)]
    } catch {
      throw HDF5Error(.fileSystem(operation: "checksum", reason: "\(error)"), path: finalURL.path)
    }
  }

  /// Writes the buffered rows as whole chunks (the last one may be short).
  private func flushRows() throws {
    guard !pendingRows.isEmpty, points > 0 else { return }
    let rows = pendingRows.count / points
    try file?.appendRows(pendingRows, to: "intensities", startRow: rowsWritten, rowCount: rows, rowLength: points)
    rowsWritten += rows
    pendingRows.removeAll(keepingCapacity: true)
  }

  private func writeLabels() throws {
    switch file {
    case .some(let file): try writeLabels(to: file)
    case .none: break
    }
  }

  private func writeLabels(to file: borrowing HDF5File) throws {
    let n = labels.count
    let first = labels.map { $0.phases.first }
    try file.write(labels.map { Int64($0.index) }, to: "index", shape: [n])
    try file.write(labels.map { Int64($0.structureIndex) }, to: "structure_index", shape: [n])
    try file.write(labels.map { Int32(clamping: $0.variant) }, to: "variant", shape: [n])
    try file.writeStrings(first.map { $0?.id ?? "" }, to: "structure_id")
    try file.writeStrings(first.map { $0?.formula ?? "" }, to: "formula")
    try file.write(first.map { Int32(clamping: $0?.spaceGroupNumber ?? 0) }, to: "space_group_number", shape: [n])
    try file.write(first.flatMap { Self.sixLatticeParameters($0?.lattice ?? []) }, to: "lattice", shape: [n, 6])
    try file.setAttribute("columns", "a, b, c (Å), alpha, beta, gamma (degrees); NaN = unknown", on: "lattice")

    try file.write(labels.map { Int32($0.phases.count) }, to: "phase_count", shape: [n])
    let maxPhases = max(1, labels.map(\.phases.count).max() ?? 0)
    try file.write(labels.flatMap { Self.padded($0.phases.map(\.fraction), to: maxPhases) }, to: "phase_fraction",
                   shape: [n, maxPhases])
    let maxLines = max(1, radiation.map(\.count).max() ?? 0)
    try file.write(radiation.flatMap { Self.padded($0.map(\.wavelength), to: maxLines) }, to: "radiation_wavelength",
                   shape: [n, maxLines])
    try file.setAttribute("units", "angstrom", on: "radiation_wavelength")
    try file.write(radiation.flatMap { Self.padded($0.map(\.weight), to: maxLines) }, to: "radiation_weight",
                   shape: [n, maxLines])

    try file.writeStrings(labels.map(\.jsonLine), to: "labels_json")

    try file.setAttribute("format", Self.formatName)
    try file.setAttribute("format_version", Self.formatVersion)
    try file.setAttribute("shard", Int64(shard))
    try file.setAttribute("pattern_count", Int64(n))
  }

  private static func sixLatticeParameters(_ lattice: [Double]) -> [Double] {
    lattice.count == 6 ? lattice : Array(repeating: .nan, count: 6)
  }

  private static func padded(_ values: [Double], to count: Int) -> [Double] {
    values + Array(repeating: 0, count: max(0, count - values.count))
  }
}
