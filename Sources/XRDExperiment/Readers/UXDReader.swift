// Siemens/Bruker `.uxd` text (DIFFRAC-AT/plus export): `;` comments, `_KEY=value` lines, and per range a data
// marker followed by rows. Markers: `_2THETACOUNTS`/`_2THETACPS` (rows `2θ value`), `_COUNTS`/`_CPS` (values
// only, several per row, on the axis `_START` + i·`_STEPSIZE`).
//
// Keys before the first range apply to every range (`_WL1`, `_WL2`, `_WLRATIO`, `_ANODE`, `_SAMPLE`, …); each
// range's own keys (`_DRIVE`, `_STEPTIME`, `_STEPSIZE`, `_START`) start after the previous range's data.
// Explicit 2θ values are printed to 4 significant digits by some converters (3.016 for 3.01559); when
// every explicit angle lies within 0.4 steps of `_START` + i·`_STEPSIZE`, that exact axis is used instead
// (metadata "2θ from" says which). Wavelengths `_WL1` (Kα1), `_WL2` (Kα2, weight `_WLRATIO`, 0.5 if absent);
// `_WL3` (Kβ) is kept as metadata only (usually filtered). Counting time `_STEPTIME`.
// Not done: the binary-derived `_FILEVERSION=1` layouts with area-detector frames.

import Foundation
import XRDDiffraction

enum UXDReader {
  private enum Marker { case explicit(cps: Bool), implicit(cps: Bool) }

  static func read(_ data: Data, name: String) throws(MeasurementError) -> [MeasuredPattern] {
    guard let text = TextBuffer(data) else { throw MeasurementError(file: name, message: "not a text file (binary data)") }
    var global: [String: String] = [:]
    var range: [String: String] = [:]
    var marker: Marker?
    var markerLine = 0
    var twoTheta: [Double] = [], values: [Double] = []
    var scans: [MeasuredPattern] = []
    var sawRange = false

    func finishRange() throws(MeasurementError) {
      guard let current = marker else { return }
      defer { twoTheta = []; values = []; marker = nil; range = [:] }
      guard !values.isEmpty else {
        throw MeasurementError(file: name, line: markerLine, field: "_2THETACOUNTS", message: "the range has no data rows")
      }
      let keys = global.merging(range) { $1 }
      let start = keys["_START"].flatMap(Double.init), step = keys["_STEPSIZE"].flatMap(Double.init)
      var axisSource = "explicit"
      switch current {
      case .implicit:
        guard let start, let step, step != 0 else {
          throw MeasurementError(file: name, line: markerLine, field: start == nil ? "_START" : "_STEPSIZE",
                                 message: "a _COUNTS range needs _START and a non-zero _STEPSIZE")
        }
        twoTheta = (0..<values.count).map { start + Double($0) * step }
        axisSource = "_START + i·_STEPSIZE"
      case .explicit:
        if let start, let step, step > 0 {
          let exact = (0..<values.count).map { start + Double($0) * step }
          if zip(exact, twoTheta).allSatisfy({ abs($0 - $1) <= 0.4 * step }) {
            twoTheta = exact
            axisSource = "_START + i·_STEPSIZE (explicit angles agree within 0.4 steps)"
          }
        }
      }
      if let steps = keys["_STEPCOUNT"].flatMap(Int.init), steps > values.count {
        throw MeasurementError(file: name, line: markerLine, field: "_STEPCOUNT",
                               message: "the range promises \(steps) points, it holds \(values.count) (truncated file?)")
      }
      if twoTheta.count > 1, twoTheta[0] > twoTheta[twoTheta.count - 1] { twoTheta.reverse(); values.reverse() }
      let cps: Bool
      switch current { case .explicit(let c), .implicit(let c): cps = c }
      scans.append(pattern(twoTheta: twoTheta, intensity: values, keys: keys, cps: cps, axisSource: axisSource, name: name))
    }

    for (i, lineRange) in text.lines.enumerated() {
      let lineNumber = i + 1
      guard let first = text.firstByte(lineRange) else { continue }
      if first == 0x3B { continue }                                         // ; comment
      if first == 0x5F {                                                    // _KEY=value or a data marker
        let line = text.string(text.trimmed(lineRange))
        let upper = line.uppercased()
        let newMarker: Marker? = switch upper {
        case "_2THETACOUNTS": .explicit(cps: false)
        case "_2THETACPS": .explicit(cps: true)
        case "_COUNTS", "_COUNT": .implicit(cps: false)
        case "_CPS": .implicit(cps: true)
        default: nil
        }
        if let newMarker {
          try finishRange()
          marker = newMarker
          markerLine = lineNumber
          sawRange = true
          continue
        }
        if marker != nil { try finishRange() }                              // keys after data start a new range
        guard let equals = line.firstIndex(of: "=") else {
          throw MeasurementError(file: name, line: lineNumber, field: String(line.prefix(30)),
                                 message: "expected '_KEY=value' or a data marker (_2THETACOUNTS, _COUNTS, …)")
        }
        let key = line[..<equals].trimmingCharacters(in: .whitespaces).uppercased()
        var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        if value.count >= 2, value.hasPrefix("'"), value.hasSuffix("'") { value = String(value.dropFirst().dropLast()) }
        if sawRange || key == "_DRIVE" || key == "_STEPSIZE" || key == "_START" || key == "_STEPTIME" {
          sawRange = true
          range[key] = value
        } else {
          global[key] = value
        }
        continue
      }
      guard let current = marker else {
        throw MeasurementError(file: name, line: lineNumber, field: "_2THETACOUNTS",
                               message: "data before a data marker: '\(GSASReader.clip(text.string(lineRange)))'")
      }
      let fields = text.fields(lineRange, commas: false)
      switch current {
      case .explicit:
        guard fields.count >= 2 else {
          throw MeasurementError(file: name, line: lineNumber, field: "column 2",
                                 message: "expected '2θ counts', found '\(GSASReader.clip(text.string(lineRange)))'")
        }
        for k in 0..<2 {
          guard let value = text.double(fields[k]), value.isFinite else {
            throw MeasurementError(file: name, line: lineNumber, field: "column \(k + 1)",
                                   message: "expected a number, found '\(text.string(fields[k]))'")
          }
          if k == 0 { twoTheta.append(value) } else { values.append(value) }
        }
      case .implicit:
        for (k, field) in fields.enumerated() {
          guard let value = text.double(field), value.isFinite else {
            throw MeasurementError(file: name, line: lineNumber, field: "value \(k + 1)",
                                   message: "expected a number, found '\(text.string(field))'")
          }
          values.append(value)
        }
      }
    }
    try finishRange()
    guard !scans.isEmpty else {
      throw MeasurementError(file: name, line: text.lineCount, field: "_2THETACOUNTS", message: "no data range in the file")
    }
    return scans
  }

  private static func pattern(twoTheta: [Double], intensity: [Double], keys: [String: String], cps: Bool,
                              axisSource: String, name: String) -> MeasuredPattern {
    let (radiation, unstated) = ReaderSupport.kAlphaLines(
      kAlpha1: keys["_WL1"].flatMap(Double.init), kAlpha2: keys["_WL2"].flatMap(Double.init),
      ratio: keys["_WLRATIO"].flatMap(Double.init))
    let countingTime = keys["_STEPTIME"].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil }
    var missing = unstated
    if countingTime == nil { missing.append("counting time") }
    missing.append("e.s.d.")
    var metadata = keys
    metadata["2θ from"] = axisSource
    return MeasuredPattern(twoTheta: twoTheta, intensity: intensity, radiation: radiation, countingTime: countingTime,
                           intensityUnit: cps ? .countsPerSecond : .counts, format: .uxd, source: name,
                           metadata: metadata, missing: missing)
  }
}
