// Bruker RAW (RAW1.01, RAW4.00) and STOE raw readers against the files in ../shared/data, with the values
// their SOURCE.md files and ../shared/data/README.md state; aimat.json (xrdpattern's re-export of bruker.raw)
// and SbI3.xye/.xy (the xrdconversion converter's output) as independent second readings; and corrupt input:
// every truncation, headers with absurd counts, unsupported versions.

import Foundation
import Testing
import XRDExperiment

/// The bytes of a file in ../shared/data.
func sharedBytes(_ path: String) throws -> Data {
  try Data(contentsOf: sharedData.appendingPathComponent(path))
}

/// `a` ≈ `b` within `tolerance`.
func close(_ a: Double?, _ b: Double, _ tolerance: Double) -> Bool {
  guard let a else { return false }
  return abs(a - b) <= tolerance
}

/// Every scan in a file of ../shared/data.
func scans(_ path: String) throws -> [MeasuredPattern] {
  try MeasuredPattern.read(contentsOf: sharedData.appendingPathComponent(path))
}

/// The two- or three-column numbers of a plain-text file, `#` lines skipped (parsed here, independently of the
/// package's own text reader).
func columns(_ path: String) throws -> [[Double]] {
  let text = try String(contentsOf: sharedData.appendingPathComponent(path), encoding: .utf8)
  return text.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("#") }.map {
    $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Double($0) }
  }.filter { !$0.isEmpty }
}

@Suite struct BinaryReaderTests {
  // MARK: - Bruker RAW1.01

  /// SOURCE.md: measured 01/22/18, anode Cu, Kα-average 1.54184, Kα1 1.5406 Å, Kα2/Kα1 0.5; 1 range, 3040 steps,
  /// start 10.0°, step 0.0197448°, 95 s/step (effective PSD time), 40-byte supplementary header.
  @Test func lab6RAW101() throws {
    let all = try scans("gsas2-lab6-srm660/LaB6_Jan2018.raw")
    #expect(all.count == 1)
    let p = try #require(all.first)
    #expect(p.format == .brukerRaw)
    #expect(p.count == 3040)
    #expect(close(p.twoTheta.first, 10.0, 1e-9))
    #expect(close(p.meanStep, 0.0197448, 5e-7))  // SOURCE.md gives 6 significant digits
    #expect(close(p.twoTheta.last, 10.0 + 3039 * 0.0197448, 2e-3))
    #expect(p.isUniform())
    #expect(p.countingTime == 95)
    #expect(p.intensityUnit == .counts)
    #expect(close(p.primaryWavelength, 1.5406, 1e-9))
    #expect(p.radiation.count == 2)
    #expect(close(p.radiation.last?.weight, 0.5, 1e-9))
    #expect(p.metadata["ALPHA_AVERAGE"].flatMap(Double.init).map { abs($0 - 1.54184) < 1e-9 } == true)
    #expect(p.metadata["ANODE"] == "Cu")
    #expect(p.metadata["MEASURE_DATE"] == "01/22/18")
    #expect(p.metadata["SUPPLEMENTARY_HEADER_BYTES"] == "40")
    #expect(p.missing.isEmpty)
    #expect(p.intensity.allSatisfy { $0 >= 0 })
  }

  /// SOURCE.md: sample BT86, 03/04/10; Cu Kα1 1.5406, Kα2 1.54439, ratio 0.5; 2374 steps from 3.0°, step
  /// 0.0155922°, 0.5 s/step; 40-byte supplementary header.
  @Test func bt86RAW101() throws {
    let p = try #require(try scans("matterviz-format-examples/BT86.raw").first)
    #expect(p.count == 2374)
    #expect(close(p.twoTheta.first, 3.0, 1e-9))
    #expect(close(p.meanStep, 0.0155922, 5e-7))
    #expect(p.countingTime == 0.5)
    #expect(p.radiation.map(\.wavelength) == [1.5406, 1.54439])
    #expect(p.radiation.map(\.weight) == [1, 0.5])
    #expect(p.metadata["MEASURE_DATE"] == "03/04/10")
    #expect(p.metadata.values.contains { $0.contains("BT86") })
    #expect(p.metadata["SUPPLEMENTARY_HEADER_BYTES"] == "40")
  }

  /// SOURCE.md: measured 06/05/08; Cu; 3901 steps from 22.0°, step 0.02°, 0.5 s/step (22–100°); no
  /// supplementary header.
  @Test func cu3AuRAW101() throws {
    let p = try #require(try scans("matterviz-format-examples/Cu3Au-1.raw").first)
    #expect(p.count == 3901)
    #expect(close(p.twoTheta.first, 22.0, 1e-9))
    #expect(close(p.twoTheta.last, 100.0, 1e-6))
    #expect(close(p.meanStep, 0.02, 1e-9))
    #expect(p.countingTime == 0.5)
    #expect(p.metadata["MEASURE_DATE"] == "06/05/08")
    #expect(p.metadata["SUPPLEMENTARY_HEADER_BYTES"] == nil)
    #expect(p.metadata["ANODE"] == "Cu")
  }

  // MARK: - Bruker RAW4

  /// bruker.raw against aimat.json, the same pattern re-exported by xrdpattern 0.9.8 (SOURCE.md): 4059 points,
  /// 2θ to 6 decimals, the same counts; primary 1.5406 / secondary 1.54439 Å; sample ID and date from SOURCE.md.
  @Test func brukerRAW4AgainstXrdpatternJSON() throws {
    let p = try #require(try scans("xrdpattern-examples/bruker.raw").first)
    let json = try #require(try JSONSerialization.jsonObject(with: sharedBytes("xrdpattern-examples/aimat.json")) as? [String: Any])
    let twoTheta = try #require(json["two_theta_values"] as? [Double])
    let intensities = try #require(json["intensities"] as? [Double])
    #expect(twoTheta.count == 4059)
    #expect(p.count == 4059)
    #expect(p.count == twoTheta.count)
    for i in [0, 1, 2, 1000, 2029, 4057, 4058] where i < min(p.count, twoTheta.count) {
      #expect(close(p.twoTheta[i], twoTheta[i], 1e-5), "2θ[\(i)]")  // the JSON has 6 decimals
      #expect(p.intensity[i] == intensities[i], "I[\(i)]")
    }
    #expect(zip(p.intensity, intensities).allSatisfy { $0 == $1 })
    #expect(p.radiation.map(\.wavelength) == [1.5406, 1.54439])
    #expect(p.metadata["SAMPLEID"] == "Cu-12%Ag_500C1700h_P5n5rpm1_RT")
    #expect(p.metadata["MEASURE_DATE"] == "08/30/2021")
    #expect(p.metadata["CREATOR"] == "V5Converter")
    #expect(p.metadata["SCAN_TYPE"] == "Locked Coupled")
    #expect(p.metadata["TRAILING_BYTES"] == nil)  // the range's counts end exactly at the end of the file
    #expect(p.countingTime != nil)
  }

  /// Spinel.raw: RAW4 measured 11/05/2021, Cu (SOURCE.md); the range ends exactly at the end of the file.
  @Test func spinelRAW4() throws {
    let p = try #require(try scans("xrdpattern-examples/Spinel.raw").first)
    #expect(p.metadata["MEASURE_DATE"] == "11/05/2021")
    #expect(p.metadata["ANODE"] == "Cu")
    #expect(p.metadata["TRAILING_BYTES"] == nil)
    #expect(p.radiation.first?.name == "CuKa1")
    #expect(close(p.primaryWavelength, 1.5406, 1e-9))
    #expect(p.count > 1000 && p.isUniform())
    #expect(p.twoTheta.first! > 0 && p.twoTheta.last! < 180)
  }

  /// SbI3.raw (RAW4) against the converter's SbI3.xye (2θ, counts) and SbI3.xy (counts / 76.8 s): SOURCE.md gives
  /// 1399 points, 10.0001–59.9875°, step 0.035756°, Cu Kα1 1.5406 / Kα2 1.54439 / 0.5, 76.8 s effective per step.
  @Test func sbI3RAW4AgainstConverterText() throws {
    let p = try #require(try scans("xrdconversion-bruker/SbI3.raw").first)
    #expect(p.count == 1399)
    #expect(close(p.twoTheta.first, 10.0001, 1e-9))
    #expect(close(p.twoTheta.last, 59.9875, 1e-4))
    #expect(close(p.meanStep, 0.035756, 1e-6))
    #expect(p.countingTime == 76.8)
    #expect(p.radiation.map(\.wavelength) == [1.5406, 1.54439])
    let xye = try columns("xrdconversion-bruker/SbI3.xye")
    let xy = try columns("xrdconversion-bruker/SbI3.xy")
    #expect(xye.count == 1399 && xy.count == 1399)
    for (i, row) in xye.enumerated() where i < p.count {
      #expect(close(p.twoTheta[i], row[0], 5e-5), "2θ[\(i)]")  // xye has 2θ rounded to 4 decimals
      #expect(p.intensity[i] == row[1], "counts[\(i)]")
    }
    for (i, row) in xy.enumerated() where i < p.count {
      #expect(close(p.intensity[i] / 76.8, row[1], 6e-4), "cps[\(i)]")  // xy has 3 decimals (9.6875 → 9.687)
    }
    #expect(close(p.intensity.first, 1493, 0))  // SOURCE.md: 1493 counts → 19.440 cps
  }

  /// BaZrS3.raw: SOURCE.md gives 2θ 10.0001–59.998°, step 0.020432°, 2448 points, 38.4 s/step effective.
  @Test func baZrS3RAW4() throws {
    let p = try #require(try scans("xrdconversion-bruker/BaZrS3.raw").first)
    #expect(p.count == 2448)
    #expect(close(p.twoTheta.first, 10.0001, 1e-9))
    #expect(close(p.twoTheta.last, 59.998, 1e-3))
    #expect(close(p.meanStep, 0.020432, 1e-6))
    #expect(p.countingTime == 38.4)
  }

  // MARK: - STOE

  /// stoe.raw: SOURCE.md says "This file has no Title", 22-Sep-20. The range header states its end angle and the
  /// minimum and maximum count; the points read must agree with them.
  @Test func stoeRaw() throws {
    let all = try scans("xrdpattern-examples/stoe.raw")
    #expect(all.count == 1)
    let p = try #require(all.first)
    #expect(p.format == .stoeRaw)
    #expect(p.metadata["Title"] == "This file has no Title")
    #expect(p.metadata["FileDate"]?.hasPrefix("22-Sep-20") == true)
    let end = try #require(p.metadata["End"].flatMap(Double.init))
    #expect(close(p.twoTheta.last, end, 1e-6))
    #expect(p.intensity.max() == p.metadata["MaxCount"].flatMap(Double.init))
    #expect(p.intensity.min() == p.metadata["MinCount"].flatMap(Double.init))
    #expect(p.isUniform())
    #expect(p.countingTime != nil)
    #expect(!p.radiation.isEmpty)
  }

  // MARK: - Detection

  @Test(arguments: [
    ("gsas2-lab6-srm660/LaB6_Jan2018.raw", MeasuredFormat.brukerRaw),
    ("matterviz-format-examples/BT86.raw", .brukerRaw), ("matterviz-format-examples/Cu3Au-1.raw", .brukerRaw),
    ("xrdpattern-examples/bruker.raw", .brukerRaw), ("xrdpattern-examples/Spinel.raw", .brukerRaw),
    ("xrdconversion-bruker/SbI3.raw", .brukerRaw), ("xrdconversion-bruker/BaZrS3.raw", .brukerRaw),
    ("xrdpattern-examples/stoe.raw", .stoeRaw),
  ])
  func detectsBinaryFormat(path: String, format: MeasuredFormat) throws {
    let data = try sharedBytes(path)
    #expect(MeasuredPattern.detectFormat(data: data, name: "renamed.bin") == format)
  }

  /// A text file whose first word is "RAW" is not taken for a Bruker RAW v1 file.
  @Test func textStartingWithRAWIsNotBinary() {
    let text = Data("RAW data of sample 7\nBANK 1 10 1 CONST 1000 2.5 0 0 STD\n".utf8)
    #expect(MeasuredPattern.detectFormat(data: text, name: "x.gsa") != .brukerRaw)
  }

  // MARK: - Several ranges

  /// A RAW1.01 file with its one range repeated (range count 2): two scans, each the original one.
  @Test func raw101TwoRanges() throws {
    let original = try sharedBytes("gsas2-lab6-srm660/LaB6_Jan2018.raw")
    var data = original
    data.replaceSubrange(12..<16, with: [2, 0, 0, 0])  // range count
    data.append(original[712...])  // range header + supplementary header + counts
    let all = try MeasuredPattern.read(data: data, name: "two.raw")
    let single = try #require(try MeasuredPattern.read(data: original, name: "one.raw").first)
    #expect(all.count == 2)
    #expect(all.allSatisfy { $0.twoTheta == single.twoTheta && $0.intensity == single.intensity })
    #expect(all.map { $0.metadata["RANGE"] } == ["1 of 2", "2 of 2"])
  }

  /// A RAW4 file with its range (from byte 461, after the 136-byte hardware segment at 325) repeated: two scans;
  /// bytes after the last range that do not start another one are kept as a note, not read.
  @Test func raw4TwoRangesAndTrailingBytes() throws {
    let original = try sharedBytes("xrdconversion-bruker/SbI3.raw")
    let single = try #require(try MeasuredPattern.read(data: original, name: "one.raw").first)
    let all = try MeasuredPattern.read(data: original + original[461...], name: "two.raw")
    #expect(all.count == 2)
    #expect(all.allSatisfy { $0.twoTheta == single.twoTheta && $0.intensity == single.intensity })
    #expect(all.map { $0.metadata["RANGE"] } == ["1 of 2", "2 of 2"])
    let trailing = try MeasuredPattern.read(data: original + Data([99, 0, 0, 0, 1, 2]), name: "tail.raw")
    #expect(trailing.count == 1 && trailing.first?.metadata["TRAILING_BYTES"] == "6")
  }

  // MARK: - Corrupt and unsupported files

  /// Bruker RAW v1 ("RAW ") and v2 ("RAW2") are recognised and refused with a message saying so.
  @Test(arguments: ["RAW ", "RAW2"])
  func unsupportedBrukerVersions(magic: String) {
    var bytes = Data(magic.utf8)
    bytes.append(Data(repeating: 0, count: 600))
    #expect(MeasuredPattern.detectFormat(data: bytes, name: "old.raw") == .brukerRaw)
    #expect {
      _ = try MeasuredPattern.read(data: bytes, name: "old.raw")
    } throws: { error in
      guard let error = error as? MeasurementError else { return false }
      return error.file == "old.raw" && error.field == "magic" && error.message.contains("not supported")
    }
  }

  @Test func unsupportedStoeVersion() throws {
    var bytes = try sharedBytes("xrdpattern-examples/stoe.raw")
    bytes.replaceSubrange(0..<8, with: Data("RAW_1.03".utf8))
    #expect {
      _ = try MeasuredPattern.read(data: bytes, name: "old-stoe.raw")
    } throws: { error in
      (error as? MeasurementError)?.message.contains("not supported") == true
    }
  }

  /// Every prefix of each file (every byte for files up to 17 kB, every 7th byte beyond) either throws a
  /// MeasurementError naming the file or reads as scans no longer than the whole file's; never traps.
  @Test(arguments: [
    "gsas2-lab6-srm660/LaB6_Jan2018.raw", "matterviz-format-examples/BT86.raw",
    "matterviz-format-examples/Cu3Au-1.raw", "xrdconversion-bruker/SbI3.raw", "xrdconversion-bruker/BaZrS3.raw",
    "xrdpattern-examples/bruker.raw", "xrdpattern-examples/Spinel.raw", "xrdpattern-examples/stoe.raw",
  ])
  func everyTruncation(path: String) throws {
    let data = try sharedBytes(path)
    let name = (path as NSString).lastPathComponent
    let whole = try MeasuredPattern.read(data: data, name: name)
    let stride = data.count <= 17_000 ? 1 : 7
    // Expectations are counted and checked once: a #expect per prefix would dominate the run time.
    var thrown = 0, wrongFile: [Int] = [], notPrefix: [Int] = []
    for length in Swift.stride(from: 0, to: data.count, by: stride) {
      do {
        let partial = try MeasuredPattern.read(data: data.prefix(length), name: name)
        let isPrefix = partial.count <= whole.count && zip(partial, whole).allSatisfy { a, b in
          a.count <= b.count && a.intensity[...] == b.intensity.prefix(a.count) && a.twoTheta[...] == b.twoTheta.prefix(a.count)
        }
        if !isPrefix { notPrefix.append(length) }
      } catch {  // typed throws: always a MeasurementError
        thrown += 1
        if error.file != name { wrongFile.append(length) }
      }
    }
    #expect(thrown > 0)
    #expect(wrongFile.isEmpty, "errors not naming \(name) at prefix lengths \(wrongFile.prefix(5))")
    #expect(notPrefix.isEmpty, "scans that are not a prefix of the whole file's at lengths \(notPrefix.prefix(5))")
  }

  /// Flipping each header byte (all bits, so small counts become huge ones: step counts, range counts, lengths)
  /// gives an error naming the file or a readable file of plausible size; never a trap or a giant allocation.
  /// The byte ranges are each file's headers: LaB6_Jan2018.raw's file, range and supplementary headers (0–1056),
  /// bruker.raw's header, segments and range header (0–628), stoe.raw's file header and range header.
  @Test(arguments: [("gsas2-lab6-srm660/LaB6_Jan2018.raw", [7..<1056]), ("xrdpattern-examples/bruker.raw", [7..<628]),
                    ("xrdpattern-examples/stoe.raw", [7..<512, 2048..<2176])])
  func flippedHeaderBytes(path: String, headers: [Range<Int>]) throws {
    let original = try sharedBytes(path)
    let name = (path as NSString).lastPathComponent
    var errors = 0, bad: [Int] = []
    for at in headers.joined() {
      var data = original
      data[data.startIndex + at] ^= 0xFF
      do {
        let read = try MeasuredPattern.read(data: data, name: name)
        if read.contains(where: { $0.count > original.count / 2 }) { bad.append(at) }
      } catch {
        errors += 1
        if error.file != name { bad.append(at) }
      }
    }
    #expect(errors > 0)
    #expect(bad.isEmpty, "flipped bytes \(bad.prefix(5))")
  }

  /// A step count of 2³²−1 in a RAW1.01 range header is an error at that field's byte offset.
  @Test func hugeStepCountIsAnError() throws {
    var data = try sharedBytes("gsas2-lab6-srm660/LaB6_Jan2018.raw")
    data.replaceSubrange(716..<720, with: [0xFF, 0xFF, 0xFF, 0xFF])  // range 1 steps (712 + 4)
    #expect {
      _ = try MeasuredPattern.read(data: data, name: "LaB6.raw")
    } throws: { error in
      guard let error = error as? MeasurementError else { return false }
      return error.file == "LaB6.raw" && error.offset != nil && error.field.hasPrefix("range 1")
    }
    var count = try sharedBytes("gsas2-lab6-srm660/LaB6_Jan2018.raw")
    count.replaceSubrange(12..<16, with: [0xFF, 0xFF, 0xFF, 0x7F])  // range count
    #expect {
      _ = try MeasuredPattern.read(data: count, name: "LaB6.raw")
    } throws: { error in
      (error as? MeasurementError).map { $0.field == "range count" && $0.offset == 12 } == true
    }
  }

  /// RAW4 steps (range header +88) set to 2³²−1: an error naming the field, with the description's byte offset.
  @Test func hugeRAW4StepCountIsAnError() throws {
    var data = try sharedBytes("xrdpattern-examples/bruker.raw")
    let rangeStart = 0x1D4  // the type-0 range segment after the hardware segment (see the header comment)
    data.replaceSubrange((rangeStart + 88)..<(rangeStart + 92), with: [0xFF, 0xFF, 0xFF, 0xFF])
    #expect {
      _ = try MeasuredPattern.read(data: data, name: "bruker.raw")
    } throws: { error in
      guard let error = error as? MeasurementError else { return false }
      return error.field == "range 1 steps" && error.offset == rangeStart + 88
        && error.description.hasPrefix("bruker.raw (byte \(rangeStart + 88)): error: range 1 steps:")
    }
  }
}
