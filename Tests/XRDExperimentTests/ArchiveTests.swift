// The archive layer: gzip and ZIP against sizes and CRC-32s listed by `gzip -lv` / `unzip -lv` for the files in
// ../shared/data, and truncated or corrupted archives, which must throw MeasurementError, never crash.

import Foundation
import Testing
import XRDExperiment

@Suite struct ArchiveTests {
  static let fxyeZip = sharedData.appendingPathComponent("gsas2-lab6-srm660/11bmb_3844.fxye.zip")
  static let rasGz = sharedData.appendingPathComponent("matterviz-format-examples/MB120718Si3.ras.gz")

  @Test func zipCentralDirectory() throws {
    let zip = try Archive.Zip(data: Data(contentsOf: Self.fxyeZip), file: "11bmb_3844.fxye.zip")
    // unzip -lv: 5721114 bytes, Defl:X, 1366741 compressed, CRC-32 04c3de1e, one member.
    #expect(zip.entries.count == 1)
    let entry = try #require(zip.entries.first)
    #expect(entry.name == "11bmb_3844.fxye")
    #expect(entry.method == 8)
    #expect(entry.size == 5_721_114)
    #expect(entry.compressedSize == 1_366_741)
    #expect(entry.crc32 == 0x04c3_de1e)
    let content = try zip.contents(ofMember: "11bmb_3844.fxye")
    #expect(content.count == 5_721_114)
  }

  @Test(arguments: [("2Theta.asc.gz", 40508), ("BT86-siemens.uxd.gz", 24848), ("MB120718Si3.ras.gz", 48590)])
  func gunzipSizes(file: String, size: Int) throws {
    // gzip -lv: uncompressed sizes; zlib checks the CRC-32 trailer.
    let data = try Data(contentsOf: sharedData.appendingPathComponent("matterviz-format-examples/\(file)"))
    #expect(Archive.kind(of: data) == .gzip)
    #expect(try Archive.gunzip(data, file: file).count == size)
  }

  @Test func gzippedName() {
    #expect(Archive.gunzippedName("x.ras.gz") == "x.ras")
    #expect(Archive.gunzippedName("x.GZ") == "x")
    #expect(Archive.gunzippedName("x.ras") == "x.ras")
  }

  @Test func concatenatedGzipMembers() throws {
    let member = try Data(contentsOf: Self.rasGz)
    #expect(try Archive.gunzip(member + member, file: "twice.gz").count == 2 * 48590)
  }

  @Test func truncatedGzipThrows() throws {
    let data = try Data(contentsOf: Self.rasGz)
    for cut in stride(from: 0, to: data.count, by: 97) {
      #expect(throws: MeasurementError.self) { try Archive.gunzip(data.prefix(cut), file: "cut.gz") }
    }
  }

  @Test func truncatedZipThrows() throws {
    let data = try Data(contentsOf: Self.fxyeZip)
    for cut in [0, 4, 30, 1000, data.count / 2, data.count - 30, data.count - 1] {
      #expect(throws: MeasurementError.self) {
        let zip = try Archive.Zip(data: data.prefix(cut), file: "cut.zip")
        _ = try zip.contents(ofMember: "11bmb_3844.fxye")
      }
    }
  }

  @Test func corruptedMemberFailsItsChecksum() throws {
    var data = try Data(contentsOf: Self.fxyeZip)
    // Flip bits in the middle of the deflate stream: zlib reports corrupt data, or the CRC-32 does not match.
    let middle = data.startIndex + data.count / 2
    for i in middle..<(middle + 16) { data[i] ^= 0x5a }
    #expect {
      _ = try Archive.Zip(data: data, file: "bad.zip").contents(ofMember: "11bmb_3844.fxye")
    } throws: { error in
      guard let error = error as? MeasurementError else { return false }
      return error.file == "bad.zip/11bmb_3844.fxye" && ["deflate", "CRC-32", "size"].contains(error.field)
    }
  }

  @Test func missingMemberIsNamed() throws {
    let zip = try Archive.Zip(data: Data(contentsOf: Self.fxyeZip), file: "a.zip")
    #expect {
      _ = try zip.contents(ofMember: "Experiment0/RawData0.xml")
    } throws: { error in
      (error as? MeasurementError)?.description.contains("Experiment0/RawData0.xml") == true
    }
  }
}
