// GSAS powder data files (Larson & Von Dreele, GSAS manual, LAUR 86-748, "Powder data files"): `.gsa`,
// `.gsas`, `.xra`, `.raw`, `.fxye`, `.cwn`, constant-wavelength 2θ data.
//
// Layout: line 1 a free title; optionally `Instrument parameter file: …`; `#` comment lines anywhere before a
// bank; then per bank `BANK n NCHAN NREC BINTYP BCOEF1…4 TYPE` and its records.
//   STD  (default when TYPE is absent): 10 fields of 8 columns per 80-column record; each field is an I2
//        counter count `nc` (blank = 1) and an F6 intensity, so the e.s.d. is √(y/nc). Points are equidistant:
//        2θ = BCOEF1 + i·BCOEF2 in centidegrees. The last record may be padded past NCHAN, and whole records
//        may follow it: NCHAN is honoured (the rest is ignored, as GSAS does).
//   ESD  5 pairs (F8 intensity, F8 e.s.d.) per record, the same equidistant axis.
//   FXY, FXYE  one point per line, free format: 2θ in centidegrees, intensity (, e.s.d.).
// The BANK line is split on blanks (writers differ in spacing); BINTYP `CONST` and 11-BM's `CONS` are accepted.
// Comments such as `# Calibrated wavelength = 0.413259` (11-BM) and `# Mean wavelength is: 0.413128` give the
// wavelength; other `# key = value` comments are kept as metadata. Every bank becomes one scan.
// Not done: time-of-flight banks (BINTYP RALF/SLOG/TIME_MAP) and the ALT layout (no CW X-ray example found to
// test the scaling against): both are refused with an error naming the BANK line.

import Foundation
import XRDDiffraction

enum GSASReader {
  /// The layouts of a bank's records.
  enum Layout: String {
    case std = "STD", esd = "ESD", alt = "ALT", fxy = "FXY", fxye = "FXYE"
  }

  /// Every bank of the GSAS file `data` as one scan; `name` is used in errors and as the source.
  static func read(_ data: Data, name: String) throws(MeasurementError) -> [MeasuredPattern] {
    guard let text = TextBuffer(data) else { throw MeasurementError(file: name, message: "not a text file (binary data)") }
    guard text.lineCount > 1 else {
      throw MeasurementError(file: name, line: 1, field: "BANK", message: "no BANK line: the file holds only a title")
    }
    var comments: [String] = []
    var scans: [MeasuredPattern] = []
    var metadata: [String: String] = ["title": text.line(0).trimmingCharacters(in: .whitespaces)]
    var index = 1
    if let first = text.firstByte(text.lines[1]), first == 0x49 || first == 0x69,       // "I"/"i"nstrument …
       text.line(1).lowercased().hasPrefix("inst"), let colon = text.line(1).firstIndex(of: ":") {
      metadata["instrument parameter file"] = String(text.line(1)[text.line(1).index(after: colon)...])
        .trimmingCharacters(in: .whitespaces)
      index = 2
    }
    while index < text.lineCount {
      let line = text.lines[index]
      if text.hasPrefix(line, "#") {
        comments.append(text.string(line))
        index += 1
      } else if text.hasPrefix(line, "BANK") {
        let scan = try readBank(text, at: &index, name: name, comments: comments, metadata: metadata)
        scans.append(scan)
        comments = []
      } else if text.isBlank(line) || text.hasPrefix(line, "Monitor") || text[line.lowerBound] == 0x1A {
        index += 1                                          // blank, monitor line, DOS end-of-file mark
      } else {
        guard scans.isEmpty else {
          throw MeasurementError(file: name, line: index + 1, field: "BANK",
                                 message: "expected a BANK line or a comment, found '\(clip(text.line(index)))'")
        }
        throw MeasurementError(file: name, line: index + 1, field: "BANK",
                               message: "expected 'BANK n nchan nrec CONST start step … STD', found '\(clip(text.line(index)))'")
      }
    }
    guard !scans.isEmpty else {
      throw MeasurementError(file: name, line: text.lineCount, field: "BANK", message: "no BANK line in the file")
    }
    return scans
  }

  /// Reads the bank whose BANK line is at `index` and moves `index` past its records.
  private static func readBank(_ text: TextBuffer, at index: inout Int, name: String, comments: [String],
                               metadata fileMetadata: [String: String]) throws(MeasurementError) -> MeasuredPattern {
    let bankLine = index + 1
    let bankText = text.line(index).trimmingCharacters(in: .whitespaces)
    let tokens = bankText.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    func bankError(_ message: String) -> MeasurementError {
      MeasurementError(file: name, line: bankLine, field: "BANK", message: message)
    }
    guard tokens.count >= 5, let bank = Int(tokens[1]), let channels = Int(tokens[2]), channels > 0 else {
      throw bankError("expected 'BANK n nchan nrec CONST start step … STD', found '\(clip(bankText))'")
    }
    let binType = tokens[4].uppercased()
    let layout = tokens.last.flatMap { Layout(rawValue: $0.uppercased()) } ?? .std
    guard ["CONST", "CONS"].contains(binType) || layout == .fxy || layout == .fxye else {
      throw bankError("BINTYP \(tokens[4]): time-of-flight or energy-dispersive banks are not supported (only CONST/CONS 2θ)")
    }
    guard layout != .alt else { throw bankError("the ALT record layout is not supported (only STD, ESD, FXY, FXYE)") }
    guard channels <= 50_000_000 else { throw bankError("NCHAN \(channels) is implausibly large") }

    var twoTheta: [Double] = [], intensity: [Double] = [], sigma: [Double] = []
    twoTheta.reserveCapacity(channels)
    intensity.reserveCapacity(channels)
    var counters = false
    var ignoredRecords = 0
    index += 1
    switch layout {
    case .std, .esd:
      guard tokens.count >= 7, let start = Double(tokens[5]), let step = Double(tokens[6]), step.isFinite, start.isFinite
      else { throw bankError("expected the start and step (centidegrees) after \(tokens[4]), found '\(clip(bankText))'") }
      guard step > 0 else { throw bankError("step \(tokens[6]) is not positive") }
      let width = layout == .std ? 8 : 16
      while index < text.lineCount, intensity.count < channels {
        let line = text.lines[index]
        if text.hasPrefix(line, "BANK") || text.hasPrefix(line, "#") { break }
        var column = 0
        while column + 8 <= max(line.count, 8), intensity.count < channels {
          let field = text.columns(line, column..<(column + 8))
          if text.isBlank(field) { break }
          if layout == .std {
            if let y = text.double(field) {
              intensity.append(y)
              sigma.append(y.squareRoot())
            } else {
              // An I2 counter count and an F6 intensity.
              let value = text.columns(line, (column + 2)..<(column + 8))
              guard let nc = text.isBlank(text.columns(line, column..<(column + 2))) ? 1
                      : text.int(text.columns(line, column..<(column + 2))), nc > 0, let y = text.double(value)
              else {
                throw MeasurementError(file: name, line: index + 1, field: "columns \(column + 1)–\(column + 8)",
                                       message: "expected an intensity (I2 counters + F6 counts), found '\(text.string(field))'")
              }
              counters = true
              intensity.append(y)
              sigma.append((max(y, 0) / Double(nc)).squareRoot())
            }
          } else {
            let esdField = text.columns(line, (column + 8)..<(column + 16))
            guard let y = text.double(field), let e = text.double(esdField) else {
              throw MeasurementError(file: name, line: index + 1, field: "columns \(column + 1)–\(column + 16)",
                                     message: "expected an intensity and its e.s.d. (2 × F8), found '\(text.string(text.columns(line, column..<(column + 16))))'")
            }
            intensity.append(y)
            sigma.append(e)
          }
          column += width
        }
        index += 1
      }
      guard intensity.count == channels else {
        throw MeasurementError(file: name, line: index, field: "NCHAN",
                               message: "the BANK line (line \(bankLine)) promises \(channels) points, the records hold \(intensity.count) (truncated file?)")
      }
      // Records past NCHAN (B_SI3N4.XRA has one more than NREC) are ignored, as GSAS and GSAS-II do.
      while index < text.lineCount, !text.hasPrefix(text.lines[index], "BANK"), !text.hasPrefix(text.lines[index], "#"),
            text.lines[index].allSatisfy({ [0x20, 0x09, 0x2B, 0x2D, 0x2E, 0x45, 0x65].contains(text[$0]) || (0x30...0x39).contains(text[$0]) }) {
        if !text.isBlank(text.lines[index]) { ignoredRecords += 1 }
        index += 1
      }
      for i in 0..<channels { twoTheta.append((start + Double(i) * step) / 100) }
    case .fxy, .fxye, .alt:
      sigma.reserveCapacity(channels)
      while index < text.lineCount {
        let line = text.lines[index]
        if text.hasPrefix(line, "BANK") || text.hasPrefix(line, "#") { break }
        if text.isBlank(line) { index += 1; continue }
        let fields = text.fields(line)
        let need = layout == .fxye ? 3 : 2
        guard fields.count >= need else {
          throw MeasurementError(file: name, line: index + 1, field: "column \(fields.count + 1)",
                                 message: "expected \(need) numbers (2θ in centidegrees, intensity\(need == 3 ? ", e.s.d." : "")), found '\(clip(text.line(index)))'")
        }
        for k in 0..<need {
          guard let value = text.double(fields[k]), value.isFinite else {
            throw MeasurementError(file: name, line: index + 1, field: "column \(k + 1)",
                                   message: "expected a number, found '\(text.string(fields[k]))'")
          }
          switch k {
          case 0: twoTheta.append(value / 100)
          case 1: intensity.append(value)
          default: sigma.append(value)
          }
        }
        index += 1
      }
      guard twoTheta.count == channels else {
        throw MeasurementError(file: name, line: index, field: "NCHAN",
                               message: "the BANK line (line \(bankLine)) promises \(channels) points, the file holds \(twoTheta.count) (truncated file?)")
      }
      for i in 1..<max(twoTheta.count, 1) where !(twoTheta[i] > twoTheta[i - 1]) {
        throw MeasurementError(file: name, line: bankLine + i + 1, field: "column 1",
                               message: "2θ \(twoTheta[i]) does not increase (previous \(twoTheta[i - 1]))")
      }
    }

    var metadata = fileMetadata
    metadata["bank"] = String(bank)
    metadata["BANK"] = bankText
    if ignoredRecords > 0 { metadata["records after NCHAN (ignored)"] = String(ignoredRecords) }
    var wavelength: Double?
    var countingTime: Double?
    for comment in comments {
      let body = comment.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
      guard let (key, value) = keyValue(body) else { continue }
      metadata[key] = value
      let lower = key.lowercased()
      if lower.contains("wavelength"), let number = Double(value.split(separator: " ").first ?? ""), number > 0 {
        // 11-BM writes both; the calibrated value is the one refined against the standard.
        if wavelength == nil || lower.contains("calibrated") { wavelength = number }
      } else if lower.hasPrefix("time per step"), let number = Double(value.split(separator: " ").first ?? "") {
        countingTime = number
      }
    }
    if wavelength == nil, let title = metadata["title"] { wavelength = PlainTextReader.statedWavelength(in: title) }
    var missing: [String] = []
    if wavelength == nil { missing.append("wavelength") }
    if countingTime == nil { missing.append("counting time") }
    if layout == .fxy { missing.append("e.s.d.") }
    let hasSigma = layout == .esd || layout == .fxye || counters
    let explicitAxis = layout == .fxy || layout == .fxye
    return MeasuredPattern(
      twoTheta: twoTheta, intensity: intensity, sigma: hasSigma ? sigma : nil,
      radiation: wavelength.map { [EmissionLine(wavelength: $0)] } ?? [], countingTime: countingTime,
      intensityUnit: layout == .std ? .counts : .arbitrary, format: explicitAxis ? .fxye : .gsas,
      source: name, metadata: metadata, missing: missing)
  }

  /// "key = value", "key: value" or "key is: value" of a comment line (the value may be empty); nil when there is
  /// no separator or the key is empty or longer than 60 characters.
  static func keyValue(_ text: String) -> (String, String)? {
    guard let separator = text.firstIndex(where: { $0 == "=" || $0 == ":" }) else { return nil }
    var key = text[..<separator].trimmingCharacters(in: .whitespaces)
    if key.hasSuffix(" is") { key = String(key.dropLast(3)) }
    let value = text[text.index(after: separator)...].trimmingCharacters(in: .whitespaces)
    guard !key.isEmpty, key.count <= 60 else { return nil }
    return (key, value)
  }

  /// A line cut to 60 characters for a message.
  static func clip(_ line: String) -> String {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    return trimmed.count > 60 ? String(trimmed.prefix(60)) + "…" : trimmed
  }
}
