// Plain column text: `.xy`, `.xye`, `.dat`, `.txt` and `.csv`, columns separated by blanks, tabs, commas or
// semicolons.
//
// Lines whose first character is `#`, `;`, `!` or `'` are comments; a wavelength stated in one ("wavelength =
// 1.5406", "lambda: 1.54") is kept, and `key: value` / `key = value` comments before the data become metadata,
// except the ones xrdsim's writer puts there for fields: `radiation: λ weight name, …`, `counting time: t s`,
// `intensity unit: counts|cps|arbitrary`. A line before the data whose first field is not a number is a header row,
// and its names choose the columns (as does a comment line just before the data with one name per column,
// `# Two-Theta Intensity Error`): 2θ ("twotheta", "2theta", "tth", "angle", …), intensity ("intensity",
// "counts", "y", …), e.s.d. ("esd", "sigma", "error", …) and a scan number ("imagenum", "scan"), whose changes
// split the file into scans (xrdpattern's `data.dat`: two integrated images). Without names, columns 1 and 2
// are 2θ and intensity, and a third is the e.s.d. when the data have exactly three columns and its values can be
// uncertainties (non-negative, the median below half the intensity; autoxrd's mixture files carry a smoothed
// background there, which is left out and noted in metadata "column 3"). A `d`/`dspacing` or
// `q` column gives the wavelength by λ = 2d sinθ or λ = 4π sinθ / q. Columns that stay constant within a scan
// (monitor counts, date) are kept as metadata. A file whose 2θ falls throughout is reversed; one whose 2θ falls
// back (overlapping segments, as in xrdpattern's `single.csv`) is sorted by 2θ, noted in metadata "2θ order".
// Not done: several scans side by side in one row (read by their first columns), decimal commas.

import Foundation
import XRDDiffraction

enum PlainTextReader {
  static let twoThetaNames: Set<String> = ["twotheta", "2theta", "two_theta", "2-theta", "two-theta", "2θ", "tth",
                                            "2th", "angle", "twotheta(deg)", "2theta(deg)", "x", "pos", "position"]
  static let intensityNames: Set<String> = ["intensity", "intensities", "counts", "count", "i", "y", "int", "yobs",
                                             "y_obs", "iobs", "cps", "counts/s", "signal"]
  static let sigmaNames: Set<String> = ["esd", "e.s.d.", "sigma", "error", "err", "e", "dy", "sig", "uncertainty",
                                         "y_err", "yerr", "sigma_i", "stderr", "s.u."]
  static let scanNames: Set<String> = ["imagenum", "image", "scan", "scan_number", "scannumber"]
  static let dSpacingNames: Set<String> = ["d", "dspacing", "d_spacing", "d-spacing"]
  static let qNames: Set<String> = ["q", "qvalue", "q_value"]

  static func read(_ data: Data, name: String, format: MeasuredFormat) throws(MeasurementError) -> [MeasuredPattern] {
    guard let text = TextBuffer(data) else { throw MeasurementError(file: name, message: "not a text file (binary data)") }
    var wavelength: Double?
    var statedLines: [EmissionLine]?
    var countingTime: Double?
    var statedUnit: MeasuredPattern.IntensityUnit?
    var commentMetadata: [String: String] = [:]
    var lastComment: [String]?
    var names: [String]?
    var columns: Columns?
    var scans: [Scan] = []
    var current = Scan()
    var currentScanKey: String?

    for (i, range) in text.lines.enumerated() {
      let lineNumber = i + 1
      guard let first = text.firstByte(range) else { continue }
      if first == 0x23 || first == 0x3B || first == 0x21 || first == 0x27 {      // # ; ! '
        let comment = text.string(range)
        if columns == nil, let (key, value) = GSASReader.keyValue(String(comment.drop { "#;!' ".contains($0) })) {
          switch key.lowercased() {
          case "radiation": statedLines = radiationLines(value)
          case "counting time": countingTime = Double(value.split(separator: " ").first ?? "")
          case "intensity unit": statedUnit = MeasuredPattern.IntensityUnit(rawValue: value)
          default: commentMetadata[key] = value
          }
        }
        if wavelength == nil { wavelength = statedWavelength(in: comment) }
        if columns == nil {
          let words = comment.drop { "#;!' ".contains($0) }.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
          lastComment = words.count >= 2 ? words.map { $0.lowercased() } : nil
        }
        continue
      }
      let commas = text.fields(range).count == 1 || memchr(text, range, 0x2C) || memchr(text, range, 0x3B)
      let fields = text.fields(range, commas: commas)
      if columns == nil {
        // Before the first data line: a header row when its first field is not a number.
        if text.double(fields[0]) == nil {
          names = fields.map { text.string($0).lowercased() }
          continue
        }
        if names == nil, let comment = lastComment, comment.count == fields.count { names = comment }
        columns = Columns(names: names, count: fields.count)
      }
      guard let columns else { continue }
      guard fields.count > columns.needed else {
        throw MeasurementError(file: name, line: lineNumber, field: "column \(fields.count + 1)",
                               message: "expected \(columns.needed + 1) columns as on the lines before, found '\(GSASReader.clip(text.string(range)))'")
      }
      func number(_ column: Int) throws(MeasurementError) -> Double {
        guard let value = text.double(fields[column]) else {
          throw MeasurementError(file: name, line: lineNumber, field: "column \(column + 1)" + (names.map { " (\($0[column]))" } ?? ""),
                                 message: "expected a number, found '\(text.string(fields[column]))'")
        }
        return value
      }
      if let scanColumn = columns.scan {
        let key = text.string(fields[scanColumn])
        if key != currentScanKey {
          if !current.twoTheta.isEmpty { scans.append(current) }
          current = Scan()
          current.key = key
          currentScanKey = key
        }
      }
      let x = try number(columns.twoTheta), y = try number(columns.intensity)
      guard x.isFinite else {
        throw MeasurementError(file: name, line: lineNumber, field: "column \(columns.twoTheta + 1)", message: "2θ is not a finite number")
      }
      current.twoTheta.append(x)
      current.intensity.append(y)
      if let s = columns.sigma { current.sigma.append(try number(s)) }
      if current.firstLine == 0 { current.firstLine = lineNumber }
      if current.twoTheta.count == 2, let d = columns.dSpacing ?? columns.q {
        // The wavelength from the second row (the first can be a zero-intensity edge point; any row would do).
        if let value = text.double(fields[d]), value > 0 {
          let sinTheta = sin(x * .pi / 360)
          current.derivedWavelength = columns.dSpacing != nil ? 2 * value * sinTheta : 4 * .pi * sinTheta / value
        }
      }
      if current.twoTheta.count == 1 {
        current.extras = columns.extra.map { $0 < fields.count ? text.string(fields[$0]) : nil }
      } else {
        for (k, column) in columns.extra.enumerated() where current.extras[k] != nil {
          if column >= fields.count || !text.bytes[fields[column]].elementsEqual(current.extras[k]!.utf8) {
            current.extras[k] = nil
          }
        }
      }
    }
    if !current.twoTheta.isEmpty { scans.append(current) }
    guard var columns, !scans.isEmpty else { throw MeasurementError(file: name, message: "no data lines (two or more numbers per line)") }

    var result: [MeasuredPattern] = []
    var thirdColumnNote: String?
    if columns.sigmaGuessed, !scans.allSatisfy({ looksLikeUncertainty($0.sigma, of: $0.intensity) }) {
      // A third column of values like the intensities (autoxrd's mixtures: a smoothed background) is no e.s.d.
      columns.sigma = nil
      thirdColumnNote = "not read: its values are not uncertainties of the intensities"
    }
    for var scan in scans {
      if scan.twoTheta.count > 1, scan.twoTheta.first! > scan.twoTheta.last! {
        scan.twoTheta.reverse(); scan.intensity.reverse(); scan.sigma.reverse()
      }
      var metadata = commentMetadata
      if let thirdColumnNote { metadata["column 3"] = thirdColumnNote }
      let restarts = (1..<max(scan.twoTheta.count, 1)).filter { scan.twoTheta[$0] < scan.twoTheta[$0 - 1] }
      if !restarts.isEmpty {
        // Overlapping segments in one file (xrdpattern's single.csv): one pattern, points sorted by 2θ.
        let order = scan.twoTheta.indices.sorted { (scan.twoTheta[$0], $0) < (scan.twoTheta[$1], $1) }
        scan.twoTheta = order.map { scan.twoTheta[$0] }
        scan.intensity = order.map { scan.intensity[$0] }
        if !scan.sigma.isEmpty { scan.sigma = order.map { scan.sigma[$0] } }
        metadata["2θ order"] = "sorted: 2θ falls back \(restarts.count) time(s), first at line \(scan.firstLine + restarts[0])"
      }
      if let names { metadata["columns"] = names.joined(separator: " ") }
      if let key = scan.key, let s = columns.scan, let names { metadata[names[s]] = key }
      for (k, column) in columns.extra.enumerated() where k < scan.extras.count {
        if let value = scan.extras[k], let names, column < names.count { metadata[names[column]] = value }
      }
      var lines: [EmissionLine] = []
      if let statedLines, !statedLines.isEmpty {
        lines = statedLines
      } else if let wavelength {
        lines = [EmissionLine(wavelength: wavelength)]
      } else if let derived = scan.derivedWavelength, derived.isFinite, derived > 0.01, derived < 10 {
        lines = [EmissionLine(wavelength: (derived * 1e5).rounded() / 1e5)]
        metadata["wavelength source"] = "derived from the \(names?[columns.dSpacing ?? columns.q ?? 0] ?? "d") column"
      }
      var unit = statedUnit ?? .arbitrary
      if statedUnit == nil, let names {
        let intensityName = names[columns.intensity]
        if intensityName.hasPrefix("count") { unit = .counts }
        if intensityName == "cps" || intensityName == "counts/s" { unit = .countsPerSecond }
      }
      var missing = countingTime == nil ? ["counting time"] : []
      if lines.isEmpty { missing.append("wavelength") }
      if columns.sigma == nil { missing.append("e.s.d.") }
      if unit == .arbitrary { missing.append("intensity unit") }
      result.append(MeasuredPattern(
        twoTheta: scan.twoTheta, intensity: scan.intensity, sigma: columns.sigma == nil ? nil : scan.sigma,
        radiation: lines, countingTime: countingTime, intensityUnit: unit, format: format, source: name, metadata: metadata, missing: missing))
    }
    return result
  }

  /// Whether `sigma` can be the e.s.d.s of `intensity`: non-negative, and for the median point below half the
  /// intensity (counting statistics give √I, far below I for I > 4).
  static func looksLikeUncertainty(_ sigma: [Double], of intensity: [Double]) -> Bool {
    guard sigma.count == intensity.count, sigma.allSatisfy({ $0 >= 0 }) else { return false }
    let ratios = zip(sigma, intensity).compactMap { s, i in abs(i) > 0 ? s / abs(i) : nil }.sorted()
    return ratios.isEmpty || ratios[ratios.count / 2] < 0.5
  }

  /// Whether `range` of `text` holds the byte `byte`.
  private static func memchr(_ text: TextBuffer, _ range: Range<Int>, _ byte: UInt8) -> Bool {
    range.contains { text[$0] == byte }
  }

  /// The points of one scan while it is read.
  private struct Scan {
    var key: String?
    var twoTheta: [Double] = [], intensity: [Double] = [], sigma: [Double] = []
    var firstLine = 0
    var derivedWavelength: Double?
    /// The values of the extra columns, nil once one changes within the scan.
    var extras: [String?] = []
  }

  /// Which column holds what.
  private struct Columns {
    var twoTheta = 0, intensity = 1
    var sigma: Int?, scan: Int?, dSpacing: Int?, q: Int?
    /// Whether the e.s.d. column is only a guess from position (a third unnamed column).
    var sigmaGuessed = false
    /// Columns not otherwise used (kept as metadata when constant within a scan).
    var extra: [Int] = []
    /// The highest column index a data line must have.
    var needed: Int { max(twoTheta, intensity, sigma ?? 0) }

    init(names: [String]?, count: Int) {
      guard let names, names.count <= count + 1 else {
        if count == 3 { sigma = 2; sigmaGuessed = true }
        return
      }
      func find(_ set: Set<String>) -> Int? { names.firstIndex { set.contains($0) } }
      if let t = find(PlainTextReader.twoThetaNames) ?? names.firstIndex(where: { $0.contains("theta") }) { twoTheta = t }
      if let y = find(PlainTextReader.intensityNames) ?? names.firstIndex(where: { $0.hasPrefix("int") }) {
        intensity = y
      } else {
        intensity = twoTheta == 0 ? 1 : 0
      }
      sigma = find(PlainTextReader.sigmaNames)
      if sigma == nil && names.count == 3 && count == 3 && twoTheta == 0 && intensity == 1 { sigma = 2; sigmaGuessed = true }
      scan = find(PlainTextReader.scanNames)
      dSpacing = find(PlainTextReader.dSpacingNames)
      q = find(PlainTextReader.qNames)
      let used = Set([twoTheta, intensity, sigma, scan].compactMap { $0 })
      extra = names.indices.filter { !used.contains($0) && $0 < count }
    }
  }

  /// Emission lines written as "λ weight [name], …" (the `# radiation:` comment of xrdsim's column files).
  static func radiationLines(_ text: String) -> [EmissionLine] {
    text.split(separator: ",").compactMap { item in
      let words = item.split(separator: " ")
      guard let lambda = words.first.flatMap({ Double($0) }), lambda > 0 else { return nil }
      let weight = words.count > 1 ? Double(words[1]) ?? 1 : 1
      return EmissionLine(wavelength: lambda, weight: weight, name: words.count > 2 ? words[2...].joined(separator: " ") : nil)
    }
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
