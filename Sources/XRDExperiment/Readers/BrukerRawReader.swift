// Bruker (Siemens) DIFFRAC `.raw` binary files: RAW1.01 (DIFFRAC-plus; xylib calls it "ver. 3") and RAW4.00
// (DIFFRAC.SUITE), little-endian, one scan per range.
//
// Layouts from the DIFFRAC-plus XCH 5.0 manual, appendix A (RAW1.01), and ../shared/data/README.md (RAW4),
// checked byte by byte against LaB6_Jan2018.raw, BT86.raw, Cu3Au-1.raw (RAW1.01) and bruker.raw, Spinel.raw,
// SbI3.raw, BaZrS3.raw (RAW4: each file's range data end exactly at its end).
// RAW1.01: 712-byte file header (range count @12, date @16, time @26, user @36, site @108, sample @326,
// comment @386, anode @608, Kα average/Kα1/Kα2/Kβ/ratio as float64 @616–648); per range a header whose
// length is @0 (304), steps @4, start θ @8 and 2θ @16 (float64), step @176, time per step @192 (float32),
// kV/mA @224/228, used λ @240, supplementary-header size @256; then that many bytes; then float32 counts.
// RAW4: 61-byte header (date @12, time @24), then segments `uint32 type, uint32 length` (10 = name/value
// text, 30 = hardware with the wavelengths @+72…+104 and the anode @+116, others skipped by length) until a
// type 0 or 160 starts a range: a 160-byte header (scan type @+32, start @+72, step @+80, steps @+88, time
// per step @+92, kV/mA @+100/+104, used λ @+112, datum size @+136, extra-header size @+140), the extra
// header's sub-segments (type 50: start position of a drive), then the counts.
// Counts are total counts per step; the time per step can be a PSD's *effective* time (95 s in LaB6_Jan2018).
// Not done: RAW v1 ("RAW ") and v2 ("RAW2"), which have no sample files here (a clear error instead), and
// RAW4 ranges that are not 2θ scans (rocking curves, χ/φ scans: skipped, noted in the other scans' metadata).

import Foundation
import XRDDiffraction

enum BrukerRawReader {
  static func read(_ data: Data, name: String) throws(MeasurementError) -> [MeasuredPattern] {
    let file = ByteCursor(data, file: name)
    if file.hasPrefix("RAW1.01") { return try version101(file) }
    if file.hasPrefix("RAW4.00") { return try version4(file) }
    let magic = (try? file.string(at: 0, length: min(7, file.count), field: "magic")) ?? ""
    if file.hasPrefix("RAW_") {
      throw MeasurementError(file: name, offset: 0, field: "magic",
                             message: "'\(magic)' is a STOE raw file, not a Bruker one (read it as stoe-raw)")
    }
    if file.hasPrefix("RAW") {
      let version = file.hasPrefix("RAW ") ? "1 (\"RAW \")" : file.hasPrefix("RAW2") ? "2 (\"RAW2\")" : "'\(magic)'"
      throw MeasurementError(file: name, offset: 0, field: "magic",
                             message: "Bruker RAW version \(version) is not supported; only RAW1.01 (DIFFRAC-plus) "
                               + "and RAW4.00 (DIFFRAC.SUITE) are read. Export the scan as RAW4 or .xy with DIFFRAC")
    }
    throw MeasurementError(file: name, offset: 0, field: "magic",
                           message: "not a Bruker RAW file (expected \"RAW1.01\" or \"RAW4.00\", found '\(magic)')")
  }

  // MARK: - RAW1.01

  private static let header101Length = 712

  private static func version101(_ file: ByteCursor) throws(MeasurementError) -> [MeasuredPattern] {
    try file.require(0, length: header101Length, field: "file header")
    var metadata: [String: String] = ["FORMAT_VERSION": "RAW1.01"]
    let status = try file.uint32(at: 8, field: "file status")
    metadata["FILE_STATUS"] = [1: "done", 2: "active", 3: "aborted", 4: "interrupted"][status] ?? String(status)
    for (key, at, length) in [("MEASURE_DATE", 16, 10), ("MEASURE_TIME", 26, 10), ("USER", 36, 72),
                              ("SITE", 108, 218), ("SAMPLEID", 326, 60), ("COMMENT", 386, 160), ("ANODE", 608, 4)] {
      let value = try file.string(at: at, length: length, field: key)
      if !value.isEmpty { metadata[key] = value }
    }
    let kAlphaAverage = try file.float64(at: 616, field: "Kα average")
    let kAlpha1 = try file.float64(at: 624, field: "Kα1")
    let kAlpha2 = try file.float64(at: 632, field: "Kα2")
    let kBeta = try file.float64(at: 640, field: "Kβ")
    let ratio = try file.float64(at: 648, field: "Kα2/Kα1 ratio")
    if ReaderSupport.isWavelength(kAlphaAverage) { metadata["ALPHA_AVERAGE"] = String(kAlphaAverage) }
    if ReaderSupport.isWavelength(kBeta) { metadata["BETA"] = String(kBeta) }

    let rangeCount = Int(try file.uint32(at: 12, field: "range count"))
    let minimumRange = 260  // the last field read from a range header ends at byte 260
    guard rangeCount >= 1, rangeCount <= (file.count - header101Length) / minimumRange else {
      throw file.error(at: 12, field: "range count", message: "\(rangeCount) ranges cannot be in a file of "
        + "\(file.count) bytes (corrupt header?)")
    }
    var scans: [MeasuredPattern] = []
    var offset = header101Length
    for index in 1...rangeCount {
      let range = "range \(index)"
      let headerLength = Int(try file.uint32(at: offset, field: "\(range) header length"))
      guard headerLength >= minimumRange else {
        throw file.error(at: offset, field: "\(range) header length",
                         message: "\(headerLength) bytes; a RAW1.01 range header has 304")
      }
      try file.require(offset, length: headerLength, field: "\(range) header")
      let steps = Int(try file.uint32(at: offset + 4, field: "\(range) steps"))
      let startTheta = try file.float64(at: offset + 8, field: "\(range) start θ")
      let start = try file.finiteFloat64(at: offset + 16, field: "\(range) start 2θ")
      let step = try file.finiteFloat64(at: offset + 176, field: "\(range) step")
      let timePerStep = try file.float32(at: offset + 192, field: "\(range) time per step")
      let rotation = try file.float32(at: offset + 208, field: "\(range) rotation speed")
      let kV = try file.uint32(at: offset + 224, field: "\(range) generator voltage")
      let mA = try file.uint32(at: offset + 228, field: "\(range) generator current")
      let usedLambda = try file.float64(at: offset + 240, field: "\(range) used λ")
      let supplementary = Int(try file.uint32(at: offset + 256, field: "\(range) supplementary header size"))
      try checkAxis(file, start: start, step: step, steps: steps, startOffset: offset + 16, stepOffset: offset + 176,
                    stepsOffset: offset + 4, range: range)
      let dataOffset = offset + headerLength + supplementary
      try file.require(offset + headerLength, length: supplementary, field: "\(range) supplementary header")
      let counts = try file.float32s(at: dataOffset, count: steps, field: "\(range) counts")
      offset = dataOffset + 4 * steps

      var scanMetadata = metadata
      scanMetadata["RANGE"] = "\(index) of \(rangeCount)"
      if startTheta.isFinite, abs(startTheta) <= 360 { scanMetadata["START_THETA"] = String(startTheta) }
      if kV > 0 { scanMetadata["GENERATOR_VOLTAGE"] = String(kV) }
      if mA > 0 { scanMetadata["GENERATOR_CURRENT"] = String(mA) }
      if rotation.isFinite, rotation > 0 { scanMetadata["ROTATION_SPEED"] = rotation.description }
      if ReaderSupport.isWavelength(usedLambda) { scanMetadata["USED_LAMBDA"] = String(usedLambda) }
      if supplementary > 0 { scanMetadata["SUPPLEMENTARY_HEADER_BYTES"] = String(supplementary) }
      scans.append(pattern(file, start: start, step: step, counts: counts, timePerStep: timePerStep,
                           kAlpha1: kAlpha1, kAlpha2: kAlpha2, ratio: ratio, usedLambda: usedLambda,
                           metadata: scanMetadata))
    }
    return scans
  }

  // MARK: - RAW4.00

  private static let header4Length = 61
  private static let range4HeaderLength = 160

  private static func version4(_ file: ByteCursor) throws(MeasurementError) -> [MeasuredPattern] {
    try file.require(0, length: header4Length, field: "file header")
    var metadata: [String: String] = ["FORMAT_VERSION": "RAW4.00"]
    for (key, at, length) in [("MEASURE_DATE", 12, 12), ("MEASURE_TIME", 24, 10)] {
      let value = try file.string(at: at, length: length, field: key)
      if !value.isEmpty { metadata[key] = value }
    }
    var kAlpha1: Double?, kAlpha2: Double?, ratio: Double?

    // Global segments until a range starts.
    var offset = header4Length
    while true {
      let type = try file.uint32(at: offset, field: "segment type")
      if type == 0 || type == 160 { break }
      let length = Int(try file.uint32(at: offset + 4, field: "segment \(type) length"))
      guard length >= 8 else {
        throw file.error(at: offset + 4, field: "segment \(type) length", message: "\(length) bytes (at least 8)")
      }
      try file.require(offset, length: length, field: "segment \(type)")
      switch type {
      case 10:
        try varInfo(file, at: offset, length: length, into: &metadata)
      case 30 where length >= 120:
        let average = try file.float64(at: offset + 72, field: "Kα average")
        kAlpha1 = try file.float64(at: offset + 80, field: "Kα1")
        kAlpha2 = try file.float64(at: offset + 88, field: "Kα2")
        let beta = try file.float64(at: offset + 96, field: "Kβ")
        ratio = try file.float64(at: offset + 104, field: "Kα2/Kα1 ratio")
        let anode = try file.string(at: offset + 116, length: 4, field: "anode")
        if ReaderSupport.isWavelength(average) { metadata["ALPHA_AVERAGE"] = String(average) }
        if ReaderSupport.isWavelength(beta) { metadata["BETA"] = String(beta) }
        if !anode.isEmpty { metadata["ANODE"] = anode }
      default:
        break
      }
      offset += length
    }

    var scans: [MeasuredPattern] = []
    var skipped: [String] = []
    var index = 0
    while true {
      index += 1
      let range = "range \(index)"
      try file.require(offset, length: range4HeaderLength, field: "\(range) header")
      let scanType = try file.string(at: offset + 32, length: 24, field: "\(range) scan type")
      let start = try file.finiteFloat64(at: offset + 72, field: "\(range) start")
      let step = try file.finiteFloat64(at: offset + 80, field: "\(range) step")
      let steps = Int(try file.uint32(at: offset + 88, field: "\(range) steps"))
      let timePerStep = try file.float32(at: offset + 92, field: "\(range) time per step")
      let kV = try file.float32(at: offset + 100, field: "\(range) generator voltage")
      let mA = try file.float32(at: offset + 104, field: "\(range) generator current")
      let usedLambda = try file.float64(at: offset + 112, field: "\(range) used λ")
      let datumSize = Int(try file.uint32(at: offset + 136, field: "\(range) datum size"))
      let extraHeader = Int(try file.uint32(at: offset + 140, field: "\(range) extra header size"))
      guard datumSize == 4 else {
        throw file.error(at: offset + 136, field: "\(range) datum size",
                         message: "\(datumSize) bytes per point; only float32 counts (4) are read")
      }
      let extraStart = offset + range4HeaderLength
      try file.require(extraStart, length: extraHeader, field: "\(range) extra header")
      let dataOffset = extraStart + extraHeader
      guard steps <= (file.count - dataOffset) / 4 else {
        throw file.error(at: offset + 88, field: "\(range) steps", message: "\(steps) points need \(4 * steps) "
          + "bytes from byte \(dataOffset), the file has \(file.count) bytes (truncated or corrupt)")
      }

      var scanMetadata = metadata
      scanMetadata["SCAN_TYPE"] = scanType
      if kV.isFinite, kV > 0 { scanMetadata["GENERATOR_VOLTAGE"] = kV.description }
      if mA.isFinite, mA > 0 { scanMetadata["GENERATOR_CURRENT"] = mA.description }
      if ReaderSupport.isWavelength(usedLambda) { scanMetadata["USED_LAMBDA"] = String(usedLambda) }
      try subSegments(file, from: extraStart, length: extraHeader, range: range, into: &scanMetadata)

      if isTwoThetaScan(scanType) {
        try checkAxis(file, start: start, step: step, steps: steps, startOffset: offset + 72, stepOffset: offset + 80,
                      stepsOffset: offset + 88, range: range)
        let counts = try file.float32s(at: dataOffset, count: steps, field: "\(range) counts")
        scanMetadata["RANGE"] = String(index)
        scans.append(pattern(file, start: start, step: step, counts: counts, timePerStep: timePerStep,
                             kAlpha1: kAlpha1, kAlpha2: kAlpha2, ratio: ratio, usedLambda: usedLambda,
                             metadata: scanMetadata))
      } else {
        skipped.append("\(index) (\(scanType.isEmpty ? "unnamed scan type" : scanType))")
      }
      offset = dataOffset + 4 * steps
      // Another range follows only if its type does; the file normally ends here.
      guard file.contains(offset, length: 4),
            let next = try? file.uint32(at: offset, field: "segment type"), next == 0 || next == 160 else { break }
    }
    guard !scans.isEmpty else {
      throw MeasurementError(file: file.file, field: "scan type", message: "no 2θ scan in the file; ranges "
        + skipped.joined(separator: ", ") + " are not coupled or detector scans")
    }
    let trailing = file.count - offset
    for i in scans.indices {
      if !skipped.isEmpty { scans[i].metadata["SKIPPED_RANGES"] = skipped.joined(separator: ", ") }
      if trailing > 0 { scans[i].metadata["TRAILING_BYTES"] = String(trailing) }
      scans[i].metadata["RANGE"] = "\(scans[i].metadata["RANGE"] ?? "?") of \(index)"
    }
    return scans
  }

  /// Scan types whose start angle and step are 2θ: coupled θ–2θ (θ–θ) scans and detector scans.
  private static func isTwoThetaScan(_ scanType: String) -> Bool {
    let type = scanType.lowercased().filter { $0.isLetter || $0.isNumber }
    return type.contains("coupled") || type.contains("detector") || type.contains("2theta") || type.contains("twotheta")
  }

  /// A type-10 "VarInfo" segment: a 24-byte name @+12 and a text value from @+36 to the segment's end.
  private static func varInfo(_ file: ByteCursor, at offset: Int, length: Int,
                              into metadata: inout [String: String]) throws(MeasurementError) {
    guard length >= 36 else { return }
    let key = try file.string(at: offset + 12, length: 24, field: "segment 10 name")
    let value = try file.string(at: offset + 36, length: length - 36, field: "segment 10 value \(key)")
    // OPTICS_V5 and similar hold base64-encoded gzip blobs, which are of no use as text.
    if !key.isEmpty, !value.isEmpty, value.count <= 256 { metadata[key] = value }
  }

  /// The sub-segments of a RAW4 range's extra header: drive start positions (type 50) and name/value text.
  private static func subSegments(_ file: ByteCursor, from start: Int, length: Int, range: String,
                                  into metadata: inout [String: String]) throws(MeasurementError) {
    var offset = start
    while offset < start + length {
      let type = try file.uint32(at: offset, field: "\(range) sub-segment type")
      let segmentLength = Int(try file.uint32(at: offset + 4, field: "\(range) sub-segment length"))
      guard segmentLength >= 8, segmentLength <= start + length - offset else {
        throw file.error(at: offset + 4, field: "\(range) sub-segment \(type) length",
                         message: "\(segmentLength) bytes does not fit the \(length)-byte extra header")
      }
      if type == 50, segmentLength >= 64 {
        let drive = try file.string(at: offset + 12, length: 24, field: "\(range) drive name")
        let position = try file.float64(at: offset + 56, field: "\(range) drive \(drive) start")
        if !drive.isEmpty, position.isFinite { metadata["START_" + drive.uppercased()] = String(position) }
      } else if type == 10 {
        try varInfo(file, at: offset, length: segmentLength, into: &metadata)
      }
      offset += segmentLength
    }
  }

  // MARK: - Shared

  /// Rejects axes no diffractometer writes (a flipped byte in a header), before anything is allocated.
  private static func checkAxis(_ file: ByteCursor, start: Double, step: Double, steps: Int, startOffset: Int,
                                stepOffset: Int, stepsOffset: Int, range: String) throws(MeasurementError) {
    guard steps >= 1 else { throw file.error(at: stepsOffset, field: "\(range) steps", message: "0 points") }
    guard abs(start) <= 360 else {
      throw file.error(at: startOffset, field: "\(range) start", message: "\(start)° is not a diffraction angle")
    }
    guard step != 0, abs(step) <= 180, abs(start + Double(steps - 1) * step) <= 360 else {
      throw file.error(at: stepOffset, field: "\(range) step", message: "\(step)° × \(steps) points from \(start)° "
        + "is not a 2θ scan")
    }
  }

  private static func pattern(_ file: ByteCursor, start: Double, step: Double, counts: [Double], timePerStep: Float,
                              kAlpha1: Double?, kAlpha2: Double?, ratio: Double?, usedLambda: Double,
                              metadata: [String: String]) -> MeasuredPattern {
    let (twoTheta, intensity) = ReaderSupport.ascending(
      ReaderSupport.axis(start: start, step: step, count: counts.count), counts)
    let (lines, missingLines) = ReaderSupport.kAlphaLines(kAlpha1: kAlpha1, kAlpha2: kAlpha2, ratio: ratio,
                                                          fallback: usedLambda, anode: metadata["ANODE"])
    var missing = missingLines
    let countingTime: Double? = timePerStep.isFinite && timePerStep > 0 ? ReaderSupport.decimal(timePerStep) : nil
    if countingTime == nil { missing.append("counting time") }
    return MeasuredPattern(twoTheta: twoTheta, intensity: intensity, radiation: lines, countingTime: countingTime,
                           intensityUnit: .counts, format: .brukerRaw, source: file.file, metadata: metadata,
                           missing: missing)
  }
}
