// Rigaku `.asc` text (RINT/SmartLab ASCII export): a file header of `*KEY = value` lines, then per scan
// `*BEGIN`, `*KEY = value` lines (`*START`, `*STOP`, `*STEP`, `*SPEED`, `*COUNT`), comma-separated counts
// (4 per line) and `*END`; `*EOF` closes the file.
//
// 2θ_i = START + i·STEP for the COUNT values (a scan with fewer values than COUNT is reported as truncated).
// Wavelengths `*WAVE_LENGTH1`/`*WAVE_LENGTH2` (Kα2 at the conventional weight 0.5, or `*WAVE_LENGTH_RATIO`
// when written); counting time from `*SPEED` with `*SPEED_DIM` "sec./step" (or step/speed for "deg./min.");
// `*YUNIT` "counts" or "cps". Every key is kept as metadata (a repeated key keeps its first value).
// Not done: ASC files whose data rows carry explicit angles.

import Foundation
import XRDDiffraction

enum RigakuASCReader {
  static func read(_ data: Data, name: String) throws(MeasurementError) -> [MeasuredPattern] {
    guard let text = TextBuffer(data) else { throw MeasurementError(file: name, message: "not a text file (binary data)") }
    var fileHeader: [String: String] = [:]
    var group: [String: String] = [:]
    var groupLines: [String: Int] = [:]
    var inGroup = false
    var counts: [Double] = []
    var beginLine = 0
    var scans: [MeasuredPattern] = []

    func finishGroup(at lineNumber: Int) throws(MeasurementError) {
      func number(_ key: String) throws(MeasurementError) -> Double {
        guard let text = group[key] ?? fileHeader[key], let value = Double(text), value.isFinite else {
          throw MeasurementError(file: name, line: groupLines[key] ?? beginLine, field: key,
                                 message: group[key] == nil ? "missing in the scan starting at line \(beginLine)" : "expected a number, found '\(group[key]!)'")
        }
        return value
      }
      let start = try number("START"), step = try number("STEP")
      guard step != 0 else { throw MeasurementError(file: name, line: groupLines["STEP"] ?? beginLine, field: "STEP", message: "the step is 0") }
      let stated = try number("COUNT")
      guard counts.count >= Int(stated), !counts.isEmpty else {
        throw MeasurementError(file: name, line: lineNumber, field: "COUNT",
                               message: "the scan promises \(Int(stated)) values, it holds \(counts.count) (truncated file?)")
      }
      let n = Int(stated) > 0 ? Int(stated) : counts.count
      var twoTheta = (0..<n).map { start + Double($0) * step }
      var intensity = Array(counts.prefix(n))
      if step < 0 { twoTheta.reverse(); intensity.reverse() }
      scans.append(pattern(twoTheta: twoTheta, intensity: intensity, header: fileHeader.merging(group) { $1 }, name: name))
      counts = []
      group = [:]
      groupLines = [:]
    }

    for (i, range) in text.lines.enumerated() {
      let lineNumber = i + 1
      if text.isBlank(range) { continue }
      if text.hasPrefix(text.trimmed(range), "*") {
        let line = text.string(text.trimmed(range)).dropFirst()
        let key: String, value: String
        if let equals = line.firstIndex(of: "=") {
          key = line[..<equals].trimmingCharacters(in: .whitespaces)
          value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        } else {
          key = line.trimmingCharacters(in: .whitespaces)
          value = ""
        }
        switch key {
        case "BEGIN":
          if inGroup { try finishGroup(at: lineNumber) }
          inGroup = true
          beginLine = lineNumber
        case "END":
          if inGroup { try finishGroup(at: lineNumber) }
          inGroup = false
        case "EOF":
          break
        default:
          guard counts.isEmpty || !inGroup else {
            throw MeasurementError(file: name, line: lineNumber, field: key, message: "a header key after the counts")
          }
          if inGroup {
            if group[key] == nil { group[key] = value; groupLines[key] = lineNumber }
          } else if fileHeader[key] == nil {
            fileHeader[key] = value
          }
        }
        continue
      }
      guard inGroup else {
        throw MeasurementError(file: name, line: lineNumber, field: "BEGIN",
                               message: "expected '*KEY = value' or '*BEGIN', found '\(GSASReader.clip(text.string(range)))'")
      }
      for (k, field) in text.fields(range, commas: true).enumerated() {
        if field.isEmpty && k > 0 { continue }                     // a trailing comma
        guard let value = text.double(field), value.isFinite else {
          throw MeasurementError(file: name, line: lineNumber, field: "value \(k + 1)",
                                 message: "expected a count, found '\(text.string(field))'")
        }
        counts.append(value)
      }
    }
    if inGroup { try finishGroup(at: text.lineCount) }
    guard !scans.isEmpty else {
      throw MeasurementError(file: name, line: text.lineCount, field: "BEGIN", message: "no scan (*BEGIN … *END) in the file")
    }
    return scans
  }

  private static func pattern(twoTheta: [Double], intensity: [Double], header: [String: String], name: String) -> MeasuredPattern {
    let (radiation, unstated) = ReaderSupport.kAlphaLines(
      kAlpha1: header["WAVE_LENGTH1"].flatMap(Double.init), kAlpha2: header["WAVE_LENGTH2"].flatMap(Double.init),
      ratio: header["WAVE_LENGTH_RATIO"].flatMap(Double.init))
    var countingTime: Double?
    if let speed = header["SPEED"].flatMap(Double.init), speed > 0 {
      let unit = header["SPEED_DIM"]?.lowercased() ?? ""
      if unit.hasPrefix("sec") {
        countingTime = speed
      } else if unit.contains("min"), let step = header["STEP"].flatMap(Double.init) {
        countingTime = abs(step) * 60 / speed
      }
    }
    let unitY = header["YUNIT"]?.lowercased()
    let unit: MeasuredPattern.IntensityUnit = unitY == "cps" ? .countsPerSecond : unitY == "counts" ? .counts : .arbitrary
    var missing = unstated
    if countingTime == nil { missing.append("counting time") }
    missing.append("e.s.d.")
    if unit == .arbitrary { missing.append("intensity unit") }
    return MeasuredPattern(twoTheta: twoTheta, intensity: intensity, radiation: radiation, countingTime: countingTime,
                           intensityUnit: unit, format: .asc, source: name, metadata: header, missing: missing)
  }
}
