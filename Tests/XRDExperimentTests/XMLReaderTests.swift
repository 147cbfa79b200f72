// XRDML and BRML readers against the files in ../shared/data (values from their SOURCE.md files), the SbI3 and
// BaZrS3 BRML/RAW4 pairs against each other (SOURCE.md: "a .brml reader and a RAW4 reader must give identical
// (2θ, counts)"), small hand-written documents for the XRDML variants (listPositions, cps, several scans), and
// malformed XML, which must give an error naming the element and line.

import Foundation
import Testing
import XRDExperiment

/// A ZIP archive of stored (uncompressed) members, written here so BRML error cases need no fixture files.
func storedZip(_ members: [(name: String, data: Data)]) -> Data {
  func crc32(_ data: Data) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
  }
  func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
  func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(v >> (8 * $0) & 0xFF) } }
  var archive = Data(), directory = Data()
  for member in members {
    let name = Array(member.name.utf8), crc = crc32(member.data), size = UInt32(member.data.count)
    let offset = UInt32(archive.count)
    archive += le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc) + le32(size) + le32(size)
      + le16(name.count) + le16(0) + name
    archive += member.data
    directory += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc)
      + le32(size) + le32(size) + le16(name.count) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + name
  }
  let directoryOffset = UInt32(archive.count)
  archive += directory
  archive += le32(0x0605_4B50) + le16(0) + le16(0) + le16(members.count) + le16(members.count)
    + le32(UInt32(directory.count)) + le32(directoryOffset) + le16(0)
  return archive
}

/// A minimal XRDML document with one measurement; `scans` are the `<scan>` elements' `dataPoints` contents.
func xrdml(wavelength: String = "<kAlpha1 unit=\"Angstrom\">1.5405980</kAlpha1><kAlpha2 unit=\"Angstrom\">1.5444260</kAlpha2><ratioKAlpha2KAlpha1>0.5000</ratioKAlpha2KAlpha1>",
           scans: [String]) -> Data {
  var text = """
    <?xml version="1.0" encoding="UTF-8"?>
    <xrdMeasurements xmlns="http://www.xrdml.com/XRDMeasurement/1.5" status="Completed">
    <sample type="To be analyzed"><id>test</id></sample>
    <xrdMeasurement measurementType="Scan" status="Completed">
    <usedWavelength intended="K-Alpha 1">\(wavelength)</usedWavelength>

    """
  for scan in scans {
    text += "<scan appendNumber=\"0\" mode=\"Continuous\" scanAxis=\"Gonio\"><dataPoints>\n\(scan)\n</dataPoints></scan>\n"
  }
  text += "</xrdMeasurement>\n</xrdMeasurements>\n"
  return Data(text.utf8)
}

@Suite struct XMLReaderTests {
  // MARK: - XRDML

  /// SOURCE.md: XRDML 1.6, Kα1 1.5405980, Kα2 1.5444260, ratio 0.5; 2θ 3.0084–70.0038° as start/end only;
  /// `<intensities unit="counts">`, commonCountingTime 120.015 s; tube 45 kV / 40 mA; sample 2969_RGR1_D06_003.
  @Test func panalyticalXRDML16() throws {
    let path = "matterviz-format-examples/PANalytical-powder-xrd-3-70deg.xrdml"
    let p = try #require(try scans(path).first)
    // The number of values, counted here from the text.
    let text = try String(decoding: sharedBytes(path), as: UTF8.self)
    let body = try #require(text.range(of: "<intensities unit=\"counts\">").map { text[$0.upperBound...] })
    let values = body[..<body.range(of: "</intensities>")!.lowerBound].split(whereSeparator: \.isWhitespace)
    #expect(p.format == .xrdml)
    #expect(p.count == values.count)
    #expect(p.intensity.first == Double(values.first!) && p.intensity.last == Double(values.last!))
    #expect(close(p.twoTheta.first, 3.0084, 1e-4) && close(p.twoTheta.last, 70.0038, 1e-4))
    #expect(p.isUniform(tolerance: 1e-9))
    #expect(p.radiation.map(\.wavelength) == [1.5405980, 1.5444260])
    #expect(p.radiation.map(\.weight) == [1, 0.5])
    #expect(p.countingTime == 120.015)
    #expect(p.intensityUnit == .counts)
    #expect(p.metadata["xRayTube.tension"] == "45.0 kV" && p.metadata["xRayTube.current"] == "40.0 mA")
    #expect(p.metadata["sample.id"] == "2969_RGR1_D06_003")
    #expect(p.metadata["xrdmlVersion"] == "1.6")
    #expect(p.missing.isEmpty)
  }

  /// SOURCE.md: Aeris, Kα1 1.5405980 / Kα2 1.5444260 / 0.5, 40 kV / 15 mA, `<counts unit="counts">`; 8-min:
  /// 2θ 10.0094–99.9944°, 8282 points, commonCountingTime 12.495 s; 2-min: 2071 points, 10.0217–99.9959°.
  @Test func daraXRDML23Counts() throws {
    let eight = try #require(try scans("dara-alab-tio2-zno-xrdml/TiO2_0p4009-ZnO_0p6010--8min.xrdml").first)
    #expect(eight.count == 8282)
    #expect(close(eight.twoTheta.first, 10.0094, 1e-4) && close(eight.twoTheta.last, 99.9944, 1e-4))
    #expect(eight.countingTime == 12.495)
    #expect(eight.radiation.map(\.wavelength) == [1.5405980, 1.5444260])
    #expect(eight.metadata["xRayTube.tension"] == "40.0 kV" && eight.metadata["xRayTube.current"] == "15.0 mA")
    #expect(eight.metadata["xrdmlVersion"] == "2.3")
    let two = try #require(try scans("dara-alab-tio2-zno-xrdml/TiO2_0p4009-ZnO_0p6010--2min.xrdml").first)
    #expect(two.count == 2071)
    #expect(close(two.twoTheta.first, 10.0217, 1e-4) && close(two.twoTheta.last, 99.9959, 1e-4))
    #expect(two.countingTime != nil && two.intensityUnit == .counts)
  }

  /// listPositions, cps, per-point counting times and two scans in one measurement.
  @Test func xrdmlListPositionsAndSeveralScans() throws {
    let first = """
      <positions axis="2Theta" unit="deg"><listPositions>20.0 20.5 21.25 22.0</listPositions></positions>
      <countingTimes unit="seconds">2 2 2 2</countingTimes>
      <intensities unit="cps">1.5 2.5 3.5 4.5</intensities>
      """
    let second = """
      <positions axis="2Theta" unit="deg"><startPosition>30</startPosition><endPosition>31</endPosition></positions>
      <positions axis="Omega" unit="deg"><startPosition>15</startPosition><endPosition>15.5</endPosition></positions>
      <commonCountingTime unit="seconds">0.5</commonCountingTime>
      <counts unit="counts">10 20 30 40 50</counts>
      """
    let all = try MeasuredPattern.read(data: xrdml(scans: [first, second]), name: "two.xrdml")
    #expect(all.count == 2)
    #expect(all[0].twoTheta == [20.0, 20.5, 21.25, 22.0])
    #expect(all[0].intensityUnit == .countsPerSecond && all[0].intensity == [1.5, 2.5, 3.5, 4.5])
    #expect(all[0].countingTime == 2)
    #expect(all[1].twoTheta == [30, 30.25, 30.5, 30.75, 31])
    #expect(all[1].intensity == [10, 20, 30, 40, 50] && all[1].countingTime == 0.5)
    #expect(all.allSatisfy { $0.radiation.count == 2 })
  }

  /// A file that states no wavelength and no counting time says so in `missing`.
  @Test func xrdmlMissingWavelengthAndTime() throws {
    let scan = """
      <positions axis="2Theta" unit="deg"><startPosition>10</startPosition><endPosition>11</endPosition></positions>
      <intensities unit="counts">1 2 3</intensities>
      """
    let p = try #require(try MeasuredPattern.read(data: xrdml(wavelength: "", scans: [scan]), name: "bare.xrdml").first)
    #expect(p.radiation.isEmpty)
    #expect(p.missing.contains("wavelength") && p.missing.contains("counting time"))
  }

  // MARK: - XRDML errors

  /// A non-number in startPosition: the error names the element and its line in the file.
  @Test func badStartPositionNamesElementAndLine() throws {
    let path = "matterviz-format-examples/PANalytical-powder-xrd-3-70deg.xrdml"
    var text = try String(decoding: sharedBytes(path), as: UTF8.self)
    let target = try #require(text.range(of: "<startPosition>3.00835563</startPosition>"))
    let line = text[..<target.lowerBound].filter(\.isNewline).count + 1  // the file has CRLF line ends
    text.replaceSubrange(target, with: "<startPosition>3.008x</startPosition>")
    #expect {
      _ = try MeasuredPattern.read(data: Data(text.utf8), name: "bad.xrdml")
    } throws: { error in
      guard let error = error as? MeasurementError else { return false }
      return error.field == "startPosition" && error.line == line
        && error.description.hasPrefix("bad.xrdml:\(line): error: startPosition:")
    }
  }

  /// A bad value among the intensities: the error names the element and which value.
  @Test func badIntensityNamesElementAndValue() {
    let scan = """
      <positions axis="2Theta" unit="deg"><startPosition>10</startPosition><endPosition>11</endPosition></positions>
      <intensities unit="counts">1 2 x7 4</intensities>
      """
    #expect {
      _ = try MeasuredPattern.read(data: xrdml(scans: [scan]), name: "bad.xrdml")
    } throws: { error in
      guard let error = error as? MeasurementError else { return false }
      return error.field == "intensities" && error.message.contains("value 3") && error.message.contains("x7")
        && error.line > 0
    }
  }

  /// Garbage in the middle of the XML: an error naming the element the parser was in.
  @Test func malformedXMLNamesOpenElement() throws {
    let path = "matterviz-format-examples/PANalytical-powder-xrd-3-70deg.xrdml"
    var text = try String(decoding: sharedBytes(path), as: UTF8.self)
    let target = try #require(text.range(of: "<commonCountingTime unit=\"seconds\">"))
    text.insert(contentsOf: "<<&&>>", at: target.lowerBound)
    #expect {
      _ = try MeasuredPattern.read(data: Data(text.utf8), name: "garbage.xrdml")
    } throws: { error in
      guard let error = error as? MeasurementError else { return false }
      return error.file == "garbage.xrdml" && error.field == "dataPoints" && error.message.contains("malformed XML")
        && error.line > 1
    }
  }

  /// XML that is not XRDML, read as XRDML: the error names the root element.
  @Test func otherXMLNamesRoot() {
    #expect {
      _ = try MeasuredPattern.read(data: Data("<?xml version=\"1.0\"?><svg><g/></svg>".utf8), name: "x.xrdml", format: .xrdml)
    } throws: { error in
      (error as? MeasurementError).map { $0.field == "svg" && $0.message.contains("xrdMeasurements") } == true
    }
  }

  /// Every 7th prefix of an XRDML file: an error or scans, never a trap.
  @Test func xrdmlTruncations() throws {
    let data = try sharedBytes("dara-alab-tio2-zno-xrdml/TiO2_0p4009-ZnO_0p6010--2min.xrdml")
    var thrown = 0
    for length in stride(from: 0, to: data.count, by: 7) {
      do {
        _ = try MeasuredPattern.read(data: data.prefix(length), name: "cut.xrdml", format: .xrdml)
      } catch {
        thrown += 1
        #expect(error.file == "cut.xrdml")
      }
    }
    #expect(thrown == (data.count + 6) / 7)  // a prefix never closes the root element
  }

  // MARK: - BRML

  /// SOURCE.md: YBCO, Cu Kα1 1.5406 / Kα2 1.54439 / 0.5, locked-coupled 4.998–89.993°, step 0.02057°, 4133 points,
  /// Datum rows of 5 fields.
  @Test func ybcoBRML() throws {
    let all = try scans("matterviz-format-examples/YBCO-A1-HG-600C-950C.brml")
    #expect(all.count == 1)
    let p = try #require(all.first)
    #expect(p.format == .brml)
    #expect(p.count == 4133)
    #expect(close(p.twoTheta.first, 4.998, 1e-3) && close(p.twoTheta.last, 89.993, 1e-3))
    #expect(close(p.meanStep, 0.02057, 1e-5))
    #expect(p.radiation.map(\.wavelength) == [1.5406, 1.54439])
    #expect(p.radiation.map(\.weight) == [1, 0.5])
    #expect(p.intensityUnit == .counts && p.countingTime != nil)
    #expect(p.metadata["TubeMaterial"] == "Cu")
    #expect(p.source == "YBCO-A1-HG-600C-950C.brml")
  }

  /// SOURCE.md: Si substrate 2θ–ω scan 44–48°, step 0.002°, 2001 points, Datum rows of 8 fields (counts last).
  @Test func ikzTwoThetaOmegaBRML() throws {
    let p = try #require(try scans("matterviz-format-examples/IKZ-Berlin-Si-substrate-2theta-omega-44-48deg.brml").first)
    #expect(p.count == 2001)
    #expect(close(p.twoTheta.first, 44, 1e-9) && close(p.twoTheta.last, 48, 1e-9))
    #expect(close(p.meanStep, 0.002, 1e-9))
    // The first and last Datum rows are "1,1,44,18.028,-0.12937,0,2.63482,3" and "1,1,48,20.028,-0.14046,0,2.86081,2".
    #expect(p.intensity.first == 3 && p.intensity.last == 2)
    #expect(p.countingTime == 1)
  }

  /// SbI3.brml against SbI3.raw (the same scan as RAW4), SbI3.xye and SOURCE.md: 1399 points, 10.0001–59.9875°,
  /// step 0.035756°, Cu Kα1 1.5406, 76.8 s per step; identical counts, 2θ equal to the BRML's 4 decimals.
  @Test func sbI3BRMLAgainstRAW4AndText() throws {
    let brml = try #require(try scans("xrdconversion-bruker/SbI3.brml").first)
    let raw = try #require(try scans("xrdconversion-bruker/SbI3.raw").first)
    #expect(brml.count == 1399 && raw.count == 1399)
    #expect(close(brml.twoTheta.first, 10.0001, 1e-9) && close(brml.twoTheta.last, 59.9875, 1e-9))
    #expect(close(brml.meanStep, 0.035756, 1e-6))
    #expect(brml.countingTime == 76.8 && raw.countingTime == 76.8)
    #expect(brml.intensity == raw.intensity)
    #expect(zip(brml.twoTheta, raw.twoTheta).allSatisfy { abs($0 - $1) <= 5e-5 })
    #expect(brml.radiation.map(\.wavelength) == raw.radiation.map(\.wavelength))
    #expect(brml.metadata["SampleName"] == "SRL-I-49_SbI3")
    let xye = try columns("xrdconversion-bruker/SbI3.xye")
    #expect(xye.count == brml.count)
    #expect(zip(xye, brml.intensity).allSatisfy { $0[1] == $1 })
    #expect(zip(xye, brml.twoTheta).allSatisfy { abs($0[0] - $1) <= 1e-9 })
    // And through the package's own plain-text reader.
    let text = try #require(try scans("xrdconversion-bruker/SbI3.xye").first)
    #expect(text.intensity == brml.intensity)
  }

  /// BaZrS3.brml against BaZrS3.raw and SOURCE.md: 2448 points, 10.0001–59.998°, step 0.020432°, 38.4 s per step.
  @Test func baZrS3BRMLAgainstRAW4() throws {
    let brml = try #require(try scans("xrdconversion-bruker/BaZrS3.brml").first)
    let raw = try #require(try scans("xrdconversion-bruker/BaZrS3.raw").first)
    #expect(brml.count == 2448 && raw.count == 2448)
    #expect(close(brml.twoTheta.first, 10.0001, 1e-9) && close(brml.twoTheta.last, 59.998, 1e-3))
    #expect(close(brml.meanStep, 0.020432, 1e-6))
    #expect(brml.countingTime == 38.4 && raw.countingTime == 38.4)
    #expect(brml.intensity == raw.intensity)
    #expect(zip(brml.twoTheta, raw.twoTheta).allSatisfy { abs($0 - $1) <= 5e-5 })
  }

  @Test(arguments: [
    ("matterviz-format-examples/PANalytical-powder-xrd-3-70deg.xrdml", MeasuredFormat.xrdml),
    ("dara-alab-tio2-zno-xrdml/TiO2_0p4009-ZnO_0p6010--8min.xrdml", .xrdml),
    ("dara-alab-tio2-zno-xrdml/TiO2_0p4009-ZnO_0p6010--2min.xrdml", .xrdml),
    ("matterviz-format-examples/YBCO-A1-HG-600C-950C.brml", .brml),
    ("matterviz-format-examples/IKZ-Berlin-Si-substrate-2theta-omega-44-48deg.brml", .brml),
    ("xrdconversion-bruker/SbI3.brml", .brml), ("xrdconversion-bruker/BaZrS3.brml", .brml),
  ])
  func detectsXMLFormat(path: String, format: MeasuredFormat) throws {
    #expect(MeasuredPattern.detectFormat(data: try sharedBytes(path), name: "renamed.bin") == format)
  }

  // MARK: - BRML errors

  /// A garbage Datum row: the error names the archive member, the line, the element and the field.
  @Test func badDatumNamesMemberLineAndField() {
    let xml = """
      <?xml version="1.0"?>
      <RawData>
        <DataRoutes>
          <DataRoute RouteFlag="Measured">
            <ScanInformation ScanName="LockedCoupled">
              <ScanAxes>
                <ScanAxisInfo AxisId="TwoTheta"><Start>10</Start></ScanAxisInfo>
                <ScanAxisInfo AxisId="Theta"><Start>5</Start></ScanAxisInfo>
              </ScanAxes>
            </ScanInformation>
            <Datum>1,1,10,5,100</Datum>
            <Datum>1,1,10.1,5.05,1O1</Datum>
          </DataRoute>
        </DataRoutes>
      </RawData>
      """
    let archive = storedZip([("Experiment0/RawData0.xml", Data(xml.utf8))])
    #expect(MeasuredPattern.detectFormat(data: archive, name: "t.brml") == .brml)
    #expect {
      _ = try MeasuredPattern.read(data: archive, name: "t.brml")
    } throws: { error in
      guard let error = error as? MeasurementError else { return false }
      return error.file == "t.brml/Experiment0/RawData0.xml" && error.line == 12 && error.field == "Datum"
        && error.message.contains("field 5") && error.message.contains("1O1")
    }
  }

  /// The same document, well formed, reads; a route without a TwoTheta axis (a rocking curve) is refused.
  @Test func handMadeBRML() throws {
    func document(axis: String) -> Data {
      Data("""
        <RawData><DataRoutes><DataRoute RouteFlag="Measured">
        <ScanInformation ScanName="X"><ScanAxes><ScanAxisInfo AxisId="\(axis)"/></ScanAxes></ScanInformation>
        <Datum>2,1,10,7</Datum><Datum>2,1,10.5,9</Datum>
        </DataRoute></DataRoutes>
        <Tube><WaveLengthAlpha1 Unit="Å" Value="0.70932"/><WaveLengthAlpha2 Unit="Å" Value="0.71361"/>
        <WaveLengthRatio Unit="" Value="0.5"/><TubeMaterial>Mo</TubeMaterial></Tube></RawData>
        """.utf8)
    }
    let p = try #require(try MeasuredPattern.read(data: storedZip([("Experiment0/RawData0.xml", document(axis: "TwoTheta"))]),
                                                  name: "m.brml").first)
    #expect(p.twoTheta == [10, 10.5] && p.intensity == [7, 9] && p.countingTime == 2)
    #expect(p.radiation.map(\.wavelength) == [0.70932, 0.71361] && p.radiation.first?.name == "MoKa1")
    #expect {
      _ = try MeasuredPattern.read(data: storedZip([("Experiment0/RawData0.xml", document(axis: "Theta"))]), name: "r.brml")
    } throws: { error in
      (error as? MeasurementError).map { $0.field == "ScanAxes" && $0.message.contains("no 2θ scan") } == true
    }
  }

  /// Prefixes of a BRML archive (every 1009th byte, and each of the last 64): an error naming the file, never a
  /// trap; only the whole archive reads.
  @Test func brmlTruncations() throws {
    let data = try sharedBytes("xrdconversion-bruker/SbI3.brml")
    let lengths = Array(stride(from: 0, to: data.count, by: 1009)) + Array((data.count - 64)..<data.count)
    for length in lengths {
      #expect(throws: MeasurementError.self, "prefix \(length)") {
        _ = try MeasuredPattern.read(data: data.prefix(length), name: "cut.brml")
      }
    }
  }
}
