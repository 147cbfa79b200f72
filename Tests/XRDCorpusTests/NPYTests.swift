// SHA-256 against the FIPS 180-4 / NIST vectors; NPY v1.0 headers and the npy shard writer; label lines
// round-trip exactly; numpy (when installed) loads the files with mmap_mode="r".

import Foundation
import Testing
import XRDCorpus

@Suite("NPY writer and SHA-256")
struct NPYTests {
  // ref: FIPS 180-4 examples (NIST CSRC "SHA256.pdf", one and two blocks) and the NIST "a" × 10⁶ vector.
  @Test("SHA-256 known vectors")
  func sha256Vectors() {
    #expect(SHA256.hash(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256.hash(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
      == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    #expect(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
      == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  @Test("SHA-256 fed in pieces of every size equals one pass")
  func sha256Streaming() {
    let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    let whole = SHA256.hash(bytes)
    for piece in [1, 3, 63, 64, 65, 127, 500] {
      var h = SHA256()
      var i = 0
      while i < bytes.count { h.update(bytes[i..<min(i + piece, bytes.count)]); i += piece }
      #expect(h.finalizeHex() == whole, "piece \(piece)")
    }
  }

  @Test("NPY v1.0 header: magic, version, dict, data aligned to 64 bytes")
  func header() throws {
    for shape in [[5], [3, 4], [1024, 8501], [123_456_789, 4251]] {
      let h = NPY.header(descr: "<f4", shape: shape)
      #expect(h.count % 64 == 0)
      #expect(Array(h[0..<8]) == [0x93] + Array("NUMPY".utf8) + [1, 0])
      #expect(Int(h[8]) | Int(h[9]) << 8 == h.count - 10)
      #expect(h.last == 0x0A)
      let parsed = try NPY.parseHeader(Data(h))
      #expect(parsed.descr == "<f4" && parsed.shape == shape && !parsed.fortranOrder && parsed.dataOffset == h.count)
    }
    let text = String(decoding: NPY.header(descr: "<f8", shape: [7]).dropFirst(10), as: UTF8.self)
    #expect(text.hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (7,), }"))
  }

  static func record(_ index: Int, points: Int) -> PatternRecord {
    let label = PatternLabel(
      index: index, structureIndex: 2, variant: index,
      phases: [PhaseLabel(id: "Si", file: "Structures/Si.cif", formula: "Si", elements: ["Si"], spaceGroupNumber: 227,
                          spaceGroupSymbol: "F d -3 m", crystalSystem: "cubic", lattice: [5.43, 5.43, 5.43, 90, 90, 90],
                          fraction: 1)],
      augmentation: ["zero_shift": .number(0.1 + 0.2 * Double(index)), "U": .number(1.0 / 3), "texture_hkl": .null,
                     "crystallite_size_nm": .null, "noise_seed": .string("18446744073709551615"),
                     "radiation_wavelengths": .numbers([1.5405929, 1.5444274]), "radiation_weights": .numbers([1, 0.5])])
    return PatternRecord(label: label, intensities: (0..<points).map { Float($0 + 1000 * index) / 7 },
                         radiation: [(1.5405929, 1), (1.5444274, 0.5)])
  }

  @Test("a shard: intensities row by row, labels as JSON lines and numeric columns; *.partial renamed")
  func shardWriter() throws {
    let directory = CorpusFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let points = 17
    var writer = try NPYFormat().makeWriter(directory: directory, shard: 3, capacity: 4, twoTheta: (0..<points).map(Double.init))
    for i in 0..<3 { try writer.append(Self.record(i, points: points)) }  // fewer than the capacity: header rewritten
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(names == ["shard-00003.npy.partial"])
    let files = try writer.finish()
    #expect(files.map(\.path) == ["shard-00003.npy", "labels-00003.jsonl", "labels-00003.npy"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
      == ["labels-00003.jsonl", "labels-00003.npy", "shard-00003.npy"])
    for file in files {
      let hash = try SHA256.hash(fileAt: directory.appendingPathComponent(file.path))
      #expect(hash.sha256 == file.sha256 && hash.bytes == file.bytes)
    }
    let (header, values) = try NPY.readFloat32(directory.appendingPathComponent("shard-00003.npy"))
    #expect(header.shape == [3, points])
    #expect(values == (0..<3).flatMap { Self.record($0, points: points).intensities })
    let (table, numbers) = try NPY.readFloat64(directory.appendingPathComponent("labels-00003.npy"))
    #expect(table.shape == [3, NPYFormat.numericLabelColumns.count])
    let columns = NPYFormat.numericLabelColumns
    #expect(numbers[columns.firstIndex(of: "zero_shift")! + columns.count] == 0.1 + 0.2)
    #expect(numbers[columns.firstIndex(of: "space_group_number")!] == 227)
    #expect(numbers[columns.firstIndex(of: "crystal_system")!] == 7)
    #expect(numbers[columns.firstIndex(of: "wavelength")!] == 1.5405929)
    #expect(numbers[columns.firstIndex(of: "crystallite_size_nm")!].isNaN)
    let lines = try String(contentsOf: directory.appendingPathComponent("labels-00003.jsonl"), encoding: .utf8)
      .split(separator: "\n")
    #expect(lines.count == 3)
    for (i, line) in lines.enumerated() {
      #expect(try PatternLabel(jsonLine: line) == Self.record(i, points: points).label)  // doubles exact
    }
    #expect(lines[0].contains("\"space_group_number\":227"))
    #expect(lines[0].contains("\"noise_seed\":\"18446744073709551615\""))
  }

  @Test("numpy loads the files with mmap_mode='r'", .enabled(if: CorpusFixtures.pythonHasNumpy, "needs python3 with numpy"))
  func numpyLoads() throws {
    let directory = CorpusFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var writer = try NPYFormat().makeWriter(directory: directory, shard: 0, capacity: 2, twoTheta: [1, 2, 3])
    for i in 0..<2 { try writer.append(Self.record(i, points: 3)) }
    _ = try writer.finish()
    _ = try NPYFormat().writeCommonFiles(directory: directory, twoTheta: [10, 10.5, 11])
    let script = """
      import numpy as np, json, sys
      d = sys.argv[1]
      a = np.load(d + '/shard-00000.npy', mmap_mode='r'); t = np.load(d + '/two_theta.npy', mmap_mode='r')
      l = np.load(d + '/labels-00000.npy', mmap_mode='r')
      print(json.dumps({'a': [list(a.shape), a.dtype.str, [float(x) for x in a.ravel()]], 't': [t.dtype.str, t.tolist()],
                        'l': [list(l.shape), l.dtype.str, bool(np.isnan(l[0, 21]))], 'memmap': isinstance(a, np.memmap)}))
      """
    let output = try CorpusFixtures.runPython(script, arguments: [directory.path])
    let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    let a = try #require(json["a"] as? [Any])
    #expect(a[0] as? [Int] == [2, 3])
    #expect(a[1] as? String == "<f4")
    #expect((a[2] as? [Double])?.map(Float.init) == (0..<2).flatMap { Self.record($0, points: 3).intensities })
    #expect((json["t"] as? [Any])?[1] as? [Double] == [10, 10.5, 11])
    #expect((json["l"] as? [Any])?[0] as? [Int] == [2, NPYFormat.numericLabelColumns.count])
    #expect((json["l"] as? [Any])?[2] as? Bool == true)  // column 21 = crystallite_size_nm: NaN without size broadening
    #expect(json["memmap"] as? Bool == true)
  }
}
