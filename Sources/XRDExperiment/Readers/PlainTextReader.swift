// Plain column text: `.xy`, `.xye`, `.dat`, `.txt` (whitespace or tab separated) and `.csv` (comma separated).
//
// Lines starting with `#`, `;`, `!` or `'` are comments; a leading line whose fields are not all numbers is a
// header. Two columns are 2θ and intensity; a third is the intensity's e.s.d. Wavelengths stated in a comment
// ("wavelength = 1.5406", "lambda: 1.5406") are kept.
// Not done: files with several scans side by side are read by the first two (three) columns.

import Foundation
import XRDDiffraction

enum PlainTextReader {
  static func read(_ data: Data, name: String, format: MeasuredFormat) throws(MeasurementError) -> [MeasuredPattern] {
    guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
      throw MeasurementError(file: name, message: "not a text file")
    }
    var twoTheta: [Double] = [], intensity: [Double] = [], sigma: [Double] = []
    var columns = 0
    var wavelength: Double?
    var headerAllowed = true
    var lineNumber = 0
    for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
      lineNumber += 1
      let line = rawLine.trimmingCharacters(in: .whitespaces)
      if line.isEmpty { continue }
      if let first = line.first, "#;!'".contains(first) {
        if wavelength == nil { wavelength = Self.statedWavelength(in: line) }
        continue
      }
      let fields = line.split { $0 == "," || $0 == " " || $0 == "\t" || $0 == ";" }
      let numbers = fields.map { Double($0) }
      if numbers.contains(where: { $0 == nil }) || numbers.count < 2 {
        if headerAllowed && twoTheta.isEmpty { continue }
        let bad = fields.first { Double($0) == nil }.map(String.init) ?? line
        throw MeasurementError(file: name, line: lineNumber, field: "column \(numbers.count < 2 ? 2 : (numbers.firstIndex { $0 == nil }! + 1))",
                               message: numbers.count < 2 ? "expected at least two numbers (2θ, intensity), found '\(line)'"
                                 : "expected a number, found '\(bad)'")
      }
      headerAllowed = false
      if columns == 0 { columns = min(numbers.count, 3) }
      twoTheta.append(numbers[0]!)
      intensity.append(numbers[1]!)
      if columns == 3 {
        guard numbers.count >= 3 else {
          throw MeasurementError(file: name, line: lineNumber, field: "column 3", message: "expected an e.s.d. as on the lines before")
        }
        sigma.append(numbers[2]!)
      }
    }
    guard !twoTheta.isEmpty else { throw MeasurementError(file: name, message: "no data lines") }
    var missing = ["counting time"]
    if wavelength == nil { missing.append("wavelength") }
    if columns < 3 { missing.append("e.s.d.") }
    return [MeasuredPattern(
      twoTheta: twoTheta, intensity: intensity, sigma: columns == 3 ? sigma : nil,
      radiation: wavelength.map { [EmissionLine(wavelength: $0)] } ?? [],
      intensityUnit: .counts, format: format, source: name, missing: missing)]
  }

  /// A wavelength written in a comment as "wavelength = 1.5406", "lambda: 1.54" or "λ 1.5406".
  static func statedWavelength(in line: String) -> Double? {
    let lower = line.lowercased()
    for key in ["wavelength", "lambda", "λ"] {
      guard let range = lower.range(of: key) else { continue }
      let rest = lower[range.upperBound...].drop { " =:\t".contains($0) }
      let number = rest.prefix { $0.isNumber || $0 == "." }
      if let value = Double(number), value > 0.01, value < 10 { return value }
    }
    return nil
  }
}
