// HDF5 shard writer: a tiny shard from hand-made records, read back through the HDF5 C library (shapes, types,
// values, chunking and filters, strings, attributes) and, when numpy and h5py import, with h5py
// (Python/read_hdf5.py). Also the shared fixtures of the writer tests: sample records and the Python runner.

import Foundation
import Testing
import XRDCorpus

// MARK: - Fixtures shared by the writer tests

/// Hand-made records on a small grid: a single phase with Kα1/Kα2, a two-phase mixture with three lines and a
/// non-ASCII structure id, and a phase with unknown space group and lattice (and a formula with a non-ASCII
/// character and quotes) under one line.
enum WriterFixtures {
  static let points = 120
  static let twoTheta: [Double] = (0..<points).map { 10 + 0.25 * Double($0) }

  static let nacl = PhaseLabel(id: "NaCl", file: "Structures/NaCl.cif", formula: "Na4 Cl4", elements: ["Na", "Cl"],
                               spaceGroupNumber: 225, spaceGroupSymbol: "F m -3 m", crystalSystem: "cubic",
                               lattice: [5.6402, 5.6402, 5.6402, 90, 90, 90], fraction: 1)
  static let quartz = PhaseLabel(id: "quartz-α", file: "Structures/quartz-α.cif", formula: "Si3 O6",
                                 elements: ["Si", "O"], spaceGroupNumber: 154, spaceGroupSymbol: "P 32 2 1",
                                 crystalSystem: "trigonal", lattice: [4.9134, 4.9134, 5.4052, 90, 90, 120],
                                 fraction: 0.7)
  static let unknown = PhaseLabel(id: "mystery", file: "mystery.cif", formula: "X₂ \"?\"", elements: [],
                                  spaceGroupNumber: nil, spaceGroupSymbol: nil, crystalSystem: nil, lattice: [],
                                  fraction: 1)

  /// NaCl's eight atoms (Na at fcc positions, Cl shifted by ½ 0 0).
  static let naclSites: [OpXRDAtomSite] = {
    let fcc: [SIMD3<Double>] = [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]]
    return fcc.map { OpXRDAtomSite(x: $0.x, y: $0.y, z: $0.z, occupancy: 1, species: "Na+") }
      + fcc.map { p in
        let q = (p + SIMD3(0.5, 0, 0)) - (p + SIMD3(0.5, 0, 0)).rounded(.down)
        return OpXRDAtomSite(x: q.x, y: q.y, z: q.z, occupancy: 1, species: "Cl-")
      }
  }()

  static func intensities(_ k: Int) -> [Float] {
    (0..<points).map { j in
      var value = Float(100 + 80 * sin(0.3 * Double(j) + Double(k))) + Float(k) * 0.125
      if j == 7 { value = 1.0e-7 }       // tiny and large values exercise the number spelling of JSON writers
      if j == 8 { value = 3.4e10 }
      if j == 9 && k == 1 { value = 0 }
      if j == 10 { value = 1.0e16 }
      if j == 11 { value = 123_456_792 }  // shortest float32 spelling 1.2345679e+08
      if j == 12 { value = 0.00012345 }
      return value
    }
  }

  static var records: [PatternRecord] {
    var mixed = nacl
    mixed.fraction = 0.3
    return [
      PatternRecord(
        label: PatternLabel(index: 100, structureIndex: 0, variant: 0, phases: [nacl],
                            augmentation: ["crystallite_size_nm": .number(35.5), "zero_shift": .number(-0.01),
                                           "radiation": .string("Cu"), "texture_hkl": .numbers([0, 0, 1]),
                                           "texture_r": .null]),
        intensities: intensities(0), radiation: [(1.540593, 2.0 / 3), (1.544414, 1.0 / 3)]),
      PatternRecord(
        label: PatternLabel(index: 101, structureIndex: 1, variant: 3, phases: [quartz, mixed],
                            augmentation: ["crystallite_size_nm": .number(12), "noise_counts": .number(1000)]),
        intensities: intensities(1), radiation: [(1.540593, 0.5), (1.544414, 0.25), (1.392250, 0.1)]),
      PatternRecord(
        label: PatternLabel(index: 102, structureIndex: 2, variant: 1, phases: [unknown], augmentation: [:]),
        intensities: intensities(2), radiation: [(0.709300, 1)]),
    ]
  }

  /// A fresh empty directory under the system's temporary directory.
  static func temporaryDirectory(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("xrdsim-\(name)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// SHA-256 of values' little-endian bytes (what the Python readers hash).
  static func sha256<T: FixedWidthInteger>(littleEndian values: [T]) -> String {
    SHA256.hash(values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) })
  }
  static func sha256(_ values: [Float]) -> String { sha256(littleEndian: values.map(\.bitPattern)) }
  static func sha256(_ values: [Double]) -> String { sha256(littleEndian: values.map(\.bitPattern)) }
}

/// Runs the reader scripts in `Python/` with a Python that has the modules they need.
enum PythonReader {
  static let scriptDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Python")

  /// `/usr/bin/env python3` if it imports every module of `modules`.
  static func systemPython(importing modules: [String]) -> [String]? {
    let command = ["/usr/bin/env", "python3"]
    return imports(command, modules) ? command : nil
  }

  /// The interpreter for xrdpattern: `$XRDSIM_XRDPATTERN_PYTHON` if set (a venv's python), else python3,
  /// provided it finds the module (checked without importing it; xrdpattern imports torch, which is slow).
  static let xrdpatternPython: [String]? = {
    var candidates: [[String]] = []
    if let path = ProcessInfo.processInfo.environment["XRDSIM_XRDPATTERN_PYTHON"], !path.isEmpty {
      candidates.append([path])
    }
    candidates.append(["/usr/bin/env", "python3"])
    return candidates.first { run($0 + ["-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('xrdpattern') is None)"]) != nil }
  }()

  static let h5pyPython = systemPython(importing: ["numpy", "h5py"])
  static let numpyPython = systemPython(importing: ["numpy"])

  private static func imports(_ python: [String], _ modules: [String]) -> Bool {
    run(python + ["-c", "import " + modules.joined(separator: ", ")]) != nil
  }

  /// Runs `command`; its standard output if it exits 0, else nil.
  @discardableResult
  static func run(_ command: [String]) -> Data? {
    guard let result = try? execute(command), result.status == 0 else { return nil }
    return result.output
  }

  static func execute(_ command: [String]) throws -> (status: Int32, output: Data, errors: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    // Standard error goes to a file, so a chatty script cannot block on a full pipe while stdout is read.
    let errorURL = FileManager.default.temporaryDirectory.appendingPathComponent("xrdsim-stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errorURL) }
    let errors = try FileHandle(forWritingTo: errorURL)
    let output = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try errors.close()
    let errorText = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
    return (process.terminationStatus, outputData, errorText)
  }

  /// Runs `Python/<script>` with `python` and decodes its JSON summary; records the script's stderr on failure.
  static func summary(_ python: [String], script: String, arguments: [String]) throws -> [String: Any] {
    let command = python + [scriptDirectory.appendingPathComponent(script).path] + arguments
    let result = try execute(command)
    guard result.status == 0 else {
      Issue.record("\(script) exited \(result.status): \(result.errors)")
      return [:]
    }
    let object = try JSONSerialization.jsonObject(with: result.output)
    return object as? [String: Any] ?? [:]
  }
}

// MARK: - HDF5 tests

@Suite("HDF5 shard writer")
struct HDF5Tests {
  /// Writes the fixture records into shard 3 with 2 patterns per chunk (so one full chunk and one short one).
  static func writeShard(in directory: URL) throws -> [ShardFile] {
    var writer = try HDF5Format(rowsPerChunk: 2).makeWriter(directory: directory, shard: 3, capacity: 10,
                                                            twoTheta: WriterFixtures.twoTheta)
    for record in WriterFixtures.records { try writer.append(record) }
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("shard-00003.h5.partial").path))
    return try writer.finish()
  }

  @Test func writesAndReadsBackThroughTheCLibrary() throws {
    let directory = try WriterFixtures.temporaryDirectory("hdf5")
    defer { try? FileManager.default.removeItem(at: directory) }
    let files = try Self.writeShard(in: directory)
    let records = WriterFixtures.records
    let n = records.count, p = WriterFixtures.points

    // The shard file: renamed, listed with its size and checksum.
    let url = directory.appendingPathComponent("shard-00003.h5")
    #expect(files.map(\.path) == ["shard-00003.h5"])
    #expect(!FileManager.default.fileExists(atPath: url.path + ".partial"))
    let (sha256, bytes) = try SHA256.hash(fileAt: url)
    #expect(files.first?.sha256 == sha256)
    #expect(files.first?.bytes == bytes)

    let file = try HDF5File.open(readingFrom: url.path)
    // Intensities: float32 [N, P], exactly as written, in chunks of 2 rows, shuffle then deflate level 4.
    #expect(try file.shape(of: "intensities") == [n, p])
    #expect(try file.storedType(of: "intensities") == "float32")
    #expect(try file.read(Float.self, "intensities") == records.flatMap(\.intensities))
    #expect(try file.chunkShape(of: "intensities") == [2, p])
    let filters = try file.filters(of: "intensities")
    #expect(filters.map(\.id) == [2, 1])          // H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE
    #expect(filters.last?.values == [4])
    // The 2θ grid.
    #expect(try file.storedType(of: "two_theta") == "float64")
    #expect(try file.read(Double.self, "two_theta") == WriterFixtures.twoTheta)
    #expect(try file.stringAttribute("units", of: "two_theta") == "degree")
    #expect(try file.chunkShape(of: "two_theta") == nil)

    // Labels as columns.
    #expect(try file.storedType(of: "index") == "int64")
    #expect(try file.read(Int64.self, "index") == [100, 101, 102])
    #expect(try file.read(Int64.self, "structure_index") == [0, 1, 2])
    #expect(try file.read(Int32.self, "variant") == [0, 3, 1])
    #expect(try file.storedType(of: "space_group_number") == "int32")
    #expect(try file.read(Int32.self, "space_group_number") == [225, 154, 0])
    #expect(try file.shape(of: "lattice") == [n, 6])
    let lattice = try file.read(Double.self, "lattice")
    #expect(Array(lattice[0..<12]) == WriterFixtures.nacl.lattice + WriterFixtures.quartz.lattice)
    #expect(lattice[12...].allSatisfy { $0.isNaN })
    #expect(try file.storedType(of: "formula") == "variable-length string")
    #expect(try file.readStrings("formula") == ["Na4 Cl4", "Si3 O6", "X₂ \"?\""])
    #expect(try file.readStrings("structure_id") == ["NaCl", "quartz-α", "mystery"])
    #expect(try file.read(Int32.self, "phase_count") == [1, 2, 1])
    #expect(try file.shape(of: "phase_fraction") == [n, 2])
    #expect(try file.read(Double.self, "phase_fraction") == [1, 0, 0.7, 0.3, 1, 0])
    #expect(try file.shape(of: "radiation_wavelength") == [n, 3])
    #expect(try file.read(Double.self, "radiation_wavelength")
      == [1.540593, 1.544414, 0, 1.540593, 1.544414, 1.392250, 0.709300, 0, 0])
    #expect(try file.read(Double.self, "radiation_weight") == [2.0 / 3, 1.0 / 3, 0, 0.5, 0.25, 0.1, 1, 0, 0])

    // The full labels, losslessly.
    let decoded = try file.readStrings("labels_json").map { try PatternLabel(jsonLine: $0) }
    #expect(decoded == records.map(\.label))

    // File attributes.
    #expect(try file.stringAttribute("format") == "xrdsim-corpus-hdf5")
    #expect(try file.attribute(Int32.self, "format_version") == 1)
    #expect(try file.attribute(Int64.self, "shard") == 3)
    #expect(try file.attribute(Int64.self, "pattern_count") == Int64(n))
    try file.close()
  }

  @Test func automaticChunksHoldWholePatternsUpToOneMebibyte() throws {
    let directory = try WriterFixtures.temporaryDirectory("hdf5-chunks")
    defer { try? FileManager.default.removeItem(at: directory) }
    // 8501 points (5–90° at 0.01°): 30 float32 rows fit in 1 MiB.
    let grid = (0..<8501).map { 5 + 0.01 * Double($0) }
    var writer = try HDF5Format().makeWriter(directory: directory, shard: 0, capacity: 1000, twoTheta: grid)
    var record = WriterFixtures.records[0]
    record.intensities = grid.map { Float(1 + $0) }
    for k in 0..<31 {
      record.label.index = k
      try writer.append(record)
    }
    _ = try writer.finish()
    let file = try HDF5File.open(readingFrom: directory.appendingPathComponent("shard-00000.h5").path)
    #expect(try file.chunkShape(of: "intensities") == [30, 8501])
    #expect(try file.shape(of: "intensities") == [31, 8501])
    #expect(try file.read(Int64.self, "index") == (0..<31).map(Int64.init))
    let values = try file.read(Float.self, "intensities")
    #expect(Array(values[(30 * 8501)...]) == record.intensities)
    // A small capacity bounds the chunk too.
    var small = try HDF5Format().makeWriter(directory: directory, shard: 1, capacity: 3, twoTheta: grid)
    _ = try small.finish()
    let smallFile = try HDF5File.open(readingFrom: directory.appendingPathComponent("shard-00001.h5").path)
    #expect(try smallFile.chunkShape(of: "intensities") == [3, 8501])
  }

  @Test func emptyShardIsAValidFile() throws {
    let directory = try WriterFixtures.temporaryDirectory("hdf5-empty")
    defer { try? FileManager.default.removeItem(at: directory) }
    var writer = try HDF5Format().makeWriter(directory: directory, shard: 0, capacity: 5,
                                             twoTheta: WriterFixtures.twoTheta)
    let files = try writer.finish()
    #expect(files.map(\.path) == ["shard-00000.h5"])
    let file = try HDF5File.open(readingFrom: directory.appendingPathComponent("shard-00000.h5").path)
    #expect(try file.shape(of: "intensities") == [0, WriterFixtures.points])
    #expect(try file.shape(of: "lattice") == [0, 6])
    #expect(try file.readStrings("labels_json") == [])
    #expect(try file.attribute(Int64.self, "pattern_count") == 0)
  }

  @Test func uncompressedWhenAsked() throws {
    let directory = try WriterFixtures.temporaryDirectory("hdf5-plain")
    defer { try? FileManager.default.removeItem(at: directory) }
    var writer = try HDF5Format(compressionLevel: nil).makeWriter(directory: directory, shard: 0, capacity: 5,
                                                                  twoTheta: WriterFixtures.twoTheta)
    for record in WriterFixtures.records { try writer.append(record) }
    _ = try writer.finish()
    let file = try HDF5File.open(readingFrom: directory.appendingPathComponent("shard-00000.h5").path)
    #expect(try file.filters(of: "intensities").isEmpty)
    #expect(try file.read(Float.self, "intensities") == WriterFixtures.records.flatMap(\.intensities))
  }

  // MARK: Errors

  @Test func wrongPointCountAndCapacityThrow() throws {
    let directory = try WriterFixtures.temporaryDirectory("hdf5-errors")
    defer { try? FileManager.default.removeItem(at: directory) }
    var writer = try HDF5Format().makeWriter(directory: directory, shard: 0, capacity: 1,
                                             twoTheta: WriterFixtures.twoTheta)
    var short = WriterFixtures.records[0]
    short.intensities.removeLast()
    #expect(throws: HDF5Error(.pointCount(index: 100, expected: 120, actual: 119),
                              path: directory.appendingPathComponent("shard-00000.h5.partial").path)) {
      try writer.append(short)
    }
    try writer.append(WriterFixtures.records[0])
    let error = #expect(throws: HDF5Error.self) { try writer.append(WriterFixtures.records[1]) }
    #expect(error?.kind == .capacityExceeded(capacity: 1))
    #expect(error?.description.hasSuffix("shard-00000.h5.partial: error: more than 1 patterns appended to a shard of capacity 1") == true)
  }

  @Test func libraryFailureNamesFileCallAndHDF5Message() throws {
    let directory = try WriterFixtures.temporaryDirectory("hdf5-fail")
    defer { try? FileManager.default.removeItem(at: directory) }
    // A folder where the partial file should go: H5Fcreate must fail, and say so in the error, not on stderr.
    let blocker = directory.appendingPathComponent("shard-00000.h5.partial")
    try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: true)
    let error = #expect(throws: HDF5Error.self) {
      _ = try HDF5Format().makeWriter(directory: directory, shard: 0, capacity: 1, twoTheta: WriterFixtures.twoTheta)
    }
    guard case let .call(name, status, message)? = error?.kind else {
      Issue.record("expected an HDF5 call error, got \(String(describing: error))")
      return
    }
    #expect(name == "H5Fcreate")
    #expect(status < 0)
    #expect(message.contains("Is a directory") && !message.contains("\n"))  // HDF5's stack, on one line
    #expect(error?.path == blocker.path)
    #expect(error?.description.hasPrefix("\(blocker.path): error: H5Fcreate failed (") == true)

    let missing = #expect(throws: HDF5Error.self) {
      _ = try HDF5File.open(readingFrom: directory.appendingPathComponent("missing.h5").path)
    }
    #expect(missing?.description.contains("H5Fopen failed") == true)
    // Reading a dataset that is not there names it.
    let files = try Self.writeShard(in: directory)
    let file = try HDF5File.open(readingFrom: directory.appendingPathComponent(files[0].path).path)
    let absent = #expect(throws: HDF5Error.self) { _ = try file.read(Float.self, "no_such_dataset") }
    #expect(absent?.description.contains("H5Dopen2(no_such_dataset) failed") == true)
  }

  // MARK: h5py

  @Test(.enabled(if: PythonReader.h5pyPython != nil, "python3 with numpy and h5py not found (python3 -m pip install numpy h5py)"))
  func h5pyReadsTheShard() throws {
    let directory = try WriterFixtures.temporaryDirectory("hdf5-h5py")
    defer { try? FileManager.default.removeItem(at: directory) }
    _ = try Self.writeShard(in: directory)
    let records = WriterFixtures.records
    let summary = try PythonReader.summary(PythonReader.h5pyPython!, script: "read_hdf5.py",
                                           arguments: [directory.appendingPathComponent("shard-00003.h5").path])
    let intensities = summary["intensities"] as? [String: Any] ?? [:]
    #expect(intensities["shape"] as? [Int] == [3, WriterFixtures.points])
    #expect(intensities["dtype"] as? String == "<f4")
    #expect(intensities["maxshape"] as? [Int] == [-1, WriterFixtures.points])
    #expect(intensities["chunks"] as? [Int] == [2, WriterFixtures.points])
    #expect(intensities["compression"] as? String == "gzip")
    #expect(intensities["compression_opts"] as? Int == 4)
    #expect(intensities["shuffle"] as? Bool == true)
    #expect(intensities["sha256"] as? String == WriterFixtures.sha256(records.flatMap(\.intensities)))
    #expect((intensities["last_row"] as? [Double])?.map(Float.init) == records[2].intensities)
    let twoTheta = summary["two_theta"] as? [String: Any] ?? [:]
    #expect(twoTheta["dtype"] as? String == "<f8")
    #expect(twoTheta["units"] as? String == "degree")
    #expect(twoTheta["sha256"] as? String == WriterFixtures.sha256(WriterFixtures.twoTheta))
    let dtypes = summary["dtypes"] as? [String: String] ?? [:]
    #expect(dtypes["index"] == "<i8")
    #expect(dtypes["space_group_number"] == "<i4")
    #expect(dtypes["lattice"] == "<f8")
    #expect(dtypes["formula"] == "string")
    #expect(dtypes["labels_json"] == "string")
    #expect(summary["index"] as? [Int] == [100, 101, 102])
    #expect(summary["space_group_number"] as? [Int] == [225, 154, 0])
    #expect(summary["formula"] as? [String] == ["Na4 Cl4", "Si3 O6", "X₂ \"?\""])
    #expect(summary["structure_id"] as? [String] == ["NaCl", "quartz-α", "mystery"])
    #expect(summary["phase_fraction"] as? [[Double]] == [[1, 0], [0.7, 0.3], [1, 0]])
    let lattice = summary["lattice"] as? [Any] ?? []
    #expect(lattice.first as? [Double] == WriterFixtures.nacl.lattice)
    #expect((lattice.last as? [Any])?.allSatisfy { $0 is NSNull } == true)
    // labels_json parsed by Python's json module equals what Swift encoded.
    let labels = try (summary["labels"] as? [Any] ?? []).map {
      try PatternLabel(jsonLine: String(decoding: JSONSerialization.data(withJSONObject: $0), as: UTF8.self))
    }
    #expect(labels == records.map(\.label))
    let attrs = summary["attrs"] as? [String: Any] ?? [:]
    #expect(attrs["format"] as? String == "xrdsim-corpus-hdf5")
    #expect(attrs["shard"] as? Int == 3)
    #expect(attrs["pattern_count"] as? Int == 3)
  }
}

// MARK: - NumPy reader script

/// Python/read_npy.py against the npy format's documented layout (the writer is tested in NPYTests.swift).
@Suite("NumPy reader script")
struct NumPyReaderScriptTests {
  @Test(.enabled(if: PythonReader.numpyPython != nil, "python3 with numpy not found (python3 -m pip install numpy)"))
  func numpyMemoryMapsTheShard() throws {
    let directory = try WriterFixtures.temporaryDirectory("npy-reader")
    defer { try? FileManager.default.removeItem(at: directory) }
    let format = NPYFormat()
    _ = try format.writeCommonFiles(directory: directory, twoTheta: WriterFixtures.twoTheta)
    var writer = try format.makeWriter(directory: directory, shard: 0, capacity: 5, twoTheta: WriterFixtures.twoTheta)
    for record in WriterFixtures.records { try writer.append(record) }
    _ = try writer.finish()
    let records = WriterFixtures.records

    let summary = try PythonReader.summary(PythonReader.numpyPython!, script: "read_npy.py", arguments: [directory.path])
    let twoTheta = summary["two_theta"] as? [String: Any] ?? [:]
    #expect(twoTheta["shape"] as? [Int] == [WriterFixtures.points])
    #expect(twoTheta["dtype"] as? String == "<f8")
    #expect(twoTheta["sha256"] as? String == WriterFixtures.sha256(WriterFixtures.twoTheta))
    let shards = summary["shards"] as? [[String: Any]] ?? []
    try #require(shards.count == 1)
    let shard = shards[0]
    #expect(shard["file"] as? String == "shard-00000.npy")
    #expect(shard["shape"] as? [Int] == [records.count, WriterFixtures.points])
    #expect(shard["dtype"] as? String == "<f4")
    #expect(shard["fortran_order"] as? Bool == false)
    #expect(shard["is_memmap"] as? Bool == true)
    #expect(shard["sha256"] as? String == WriterFixtures.sha256(records.flatMap(\.intensities)))
    #expect(shard["label_count"] as? Int == records.count)
    let labels = try (shard["labels"] as? [Any] ?? []).map {
      try PatternLabel(jsonLine: String(decoding: JSONSerialization.data(withJSONObject: $0), as: UTF8.self))
    }
    #expect(labels == records.map(\.label))
    if let numeric = shard["numeric_labels"] as? [String: Any] {
      #expect(numeric["shape"] as? [Int] == [records.count, NPYFormat.numericLabelColumns.count])
      #expect(numeric["dtype"] as? String == "<f8")
      #expect(numeric["first_column"] as? [Double] == records.map { Double($0.label.index) })
    }
  }
}
