// Rigaku SmartLab `.ras` text: `*RAS_DATA_START`, then per scan `*RAS_HEADER_START`, `*KEY "value"` lines,
// `*RAS_HEADER_END`, `*RAS_INT_START`, rows `2θ intensity attenuation-factor`, `*RAS_INT_END`; `*RAS_DATA_END`.
//
// Bytes are Shift-JIS or Latin-1 with CRLF line ends (header values are decoded for metadata, numbers are ASCII).
// Intensity = counts column × attenuation factor (the factor by which an inserted attenuator reduced the beam;
// 1 when none). Keys used: `MEAS_SCAN_UNIT_Y` ("counts" or "cps"), `HW_XG_WAVE_LENGTH_ALPHA1/ALPHA2` (Kα2
// given the conventional weight 0.5: RAS states no ratio; left out when `MEAS_COND_XG_WAVE_TYPE` is "Ka1"),
// `MEAS_SCAN_SPEED` + `MEAS_SCAN_SPEED_UNIT` + `MEAS_SCAN_STEP` (counting time per step: step/speed for a
// continuous scan in °/min, the speed itself when it is in seconds), `MEAS_DATA_COUNT` (a scan with fewer rows
// is reported as truncated), `MEAS_SCAN_AXIS_X` (kept in metadata: a non-2θ scan is read on its raw axis).
// Every header key is kept as metadata. Not done: `.rasx` (a ZIP of XML and binary profiles).

import Foundation
import XRDDiffraction

enum RigakuRASReader {
  static func read(_ data: Data, name: String) throws(MeasurementError) -> [MeasuredPattern] {
    guard let text = TextBuffer(data) else { throw MeasurementError(file: name, message: "not a text file (binary data)") }
    var scans: [MeasuredPattern] = []
    var header: [String: String] = [:]
    var inData = false
    var twoTheta: [Double] = [], intensity: [Double] = []
    var intStartLine = 0

    func finishScan(endLine: Int) throws(MeasurementError) {
      defer { twoTheta = []; intensity = [] }
      guard !twoTheta.isEmpty else {
        throw MeasurementError(file: name, line: intStartLine, field: "RAS_INT_START", message: "the scan has no data rows")
      }
      if let stated = header["MEAS_DATA_COUNT"].flatMap(Double.init), Int(stated.rounded()) > twoTheta.count {
        throw MeasurementError(file: name, line: endLine, field: "MEAS_DATA_COUNT",
                               message: "the header promises \(Int(stated.rounded())) points, the scan holds \(twoTheta.count) (truncated file?)")
      }
      scans.append(pattern(twoTheta: twoTheta, intensity: intensity, header: header, name: name))
    }

    var sawStart = false
    for (i, range) in text.lines.enumerated() {
      let lineNumber = i + 1
      if text.hasPrefix(range, "*") {
        let line = text.string(text.trimmed(range))
        let key = line.dropFirst().prefix { $0 != " " && $0 != "\t" }
        switch key {
        case "RAS_DATA_START": sawStart = true
        case "RAS_HEADER_START":
          if inData { try finishScan(endLine: lineNumber) }
          inData = false
          header = [:]
        case "RAS_INT_START":
          inData = true
          intStartLine = lineNumber
        case "RAS_INT_END":
          if inData { try finishScan(endLine: lineNumber) }
          inData = false
        case "RAS_HEADER_END", "RAS_DATA_END", "DSC_DATA_END":
          break
        default:
          guard !inData else {
            throw MeasurementError(file: name, line: lineNumber, field: String(key), message: "a header key inside the data rows")
          }
          var value = line.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
          if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
          header[String(key)] = value
        }
        continue
      }
      if text.isBlank(range) { continue }
      guard sawStart else {
        throw MeasurementError(file: name, line: lineNumber, field: "RAS_DATA_START",
                               message: "expected '*RAS_DATA_START' before anything else, found '\(GSASReader.clip(text.string(range)))'")
      }
      guard inData else { continue }
      let fields = text.fields(range)
      guard fields.count >= 2 else {
        throw MeasurementError(file: name, line: lineNumber, field: "column 2",
                               message: "expected '2θ intensity [attenuation]', found '\(GSASReader.clip(text.string(range)))'")
      }
      var numbers: [Double] = []
      for k in 0..<min(fields.count, 3) {
        guard let value = text.double(fields[k]), value.isFinite else {
          throw MeasurementError(file: name, line: lineNumber, field: "column \(k + 1)",
                                 message: "expected a number, found '\(text.string(fields[k]))'")
        }
        numbers.append(value)
      }
      twoTheta.append(numbers[0])
      intensity.append(numbers[1] * (numbers.count > 2 ? numbers[2] : 1))
    }
    // A file cut inside the data rows still gives the rows read, checked against MEAS_DATA_COUNT.
    if inData { try finishScan(endLine: text.lineCount) }
    guard sawStart else { throw MeasurementError(file: name, line: 1, field: "RAS_DATA_START", message: "not a RAS file") }
    guard !scans.isEmpty else {
      throw MeasurementError(file: name, line: text.lineCount, field: "RAS_INT_START", message: "no scan data in the file")
    }
    return scans
  }

  private static func pattern(twoTheta: [Double], intensity: [Double], header: [String: String], name: String) -> MeasuredPattern {
    // RAS states no Kα2/Kα1 ratio: Kα2 gets the conventional 0.5, or none when the tube is set to Kα1 (ratio 0).
    let kAlpha1Only = header["MEAS_COND_XG_WAVE_TYPE"]?.lowercased() == "ka1"
    let (radiation, unstated) = ReaderSupport.kAlphaLines(
      kAlpha1: header["HW_XG_WAVE_LENGTH_ALPHA1"].flatMap(Double.init),
      kAlpha2: header["HW_XG_WAVE_LENGTH_ALPHA2"].flatMap(Double.init), ratio: kAlpha1Only ? 0 : 0.5)
    var countingTime: Double?
    if let speed = header["MEAS_SCAN_SPEED"].flatMap(Double.init), speed > 0 {
      let unit = header["MEAS_SCAN_SPEED_UNIT"]?.lowercased() ?? ""
      if unit.contains("deg/min") || unit.contains("°/min"), let step = header["MEAS_SCAN_STEP"].flatMap(Double.init) {
        countingTime = abs(step) * 60 / speed
      } else if unit.hasPrefix("s") {
        countingTime = speed
      }
    }
    let unitY = header["MEAS_SCAN_UNIT_Y"]?.lowercased()
    let unit: MeasuredPattern.IntensityUnit = unitY == "cps" ? .countsPerSecond : unitY == "counts" ? .counts : .arbitrary
    var missing = unstated
    if countingTime == nil { missing.append("counting time") }
    missing.append("e.s.d.")
    if unit == .arbitrary { missing.append("intensity unit") }
    var metadata = header
    if radiation.count == 2 { metadata["Ka2 weight"] = "0.5 (conventional; RAS states no ratio)" }
    return MeasuredPattern(twoTheta: twoTheta, intensity: intensity, radiation: radiation, countingTime: countingTime,
                           intensityUnit: unit, format: .ras, source: name, metadata: metadata, missing: missing)
  }
}
