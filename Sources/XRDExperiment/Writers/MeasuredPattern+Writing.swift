// Writing measured patterns: plain columns (`.xy`, `.csv`) and opXRD JSON (Writers/OpXRDDocument.swift).
//
// Column files start with `#` comment lines that the plain-text reader reads back: `radiation:` (each line's
// wavelength in Å, weight and name), `counting time:` (s), `intensity unit:`, `converted from:` and every
// metadata item as `key: value` (line ends in values become spaces), then the column names; `.xy` separates
// columns by a space, `.csv` by a comma after a header row. Numbers are written in their shortest round-trip
// form, so reading a written file gives the same doubles back.
// Not done: writing the instrument formats (RAW, XRDML, RAS, …): a converted file is always one of these three.

public import Foundation

extension MeasuredPattern {
  /// The bytes of this pattern as a file in `format` (``MeasuredFormat/writable``: xy, csv, opXRD).
  /// - Throws: ``MeasurementError`` naming `name` when the format is not writable or the pattern does not fit
  ///   it (opXRD needs ≥ 50 points and finite, not all-zero intensities).
  public func fileData(format: MeasuredFormat, name: String) throws(MeasurementError) -> Data {
    switch format {
    case .xy: return Data(columnText(separator: " ", headerRow: false).utf8)
    case .csv: return Data(columnText(separator: ",", headerRow: true).utf8)
    case .opXRD: return Data(try OpXRDDocument.text(for: self, name: name).utf8)
    default:
      throw MeasurementError(file: name, field: "format", message: "\(format.rawValue) cannot be written (writable: "
        + MeasuredFormat.writable.map(\.rawValue).joined(separator: ", ") + ")")
    }
  }

  /// Writes this pattern to `url` in `format`, or in the format its extension names (`.xy`/`.xye`/`.dat`/`.txt`
  /// → xy, `.csv` → csv, `.json` → opXRD) when `format` is nil.
  /// - Throws: ``MeasurementError`` when the format is unknown or not writable, or the file cannot be written.
  public func write(to url: URL, format: MeasuredFormat? = nil) throws(MeasurementError) {
    let name = url.lastPathComponent
    guard let format = format ?? Self.writableFormat(forExtension: url.pathExtension) else {
      throw MeasurementError(file: name, field: "format", message: "cannot tell the format from the extension '.\(url.pathExtension)' (use .xy, .csv or .json)")
    }
    let data = try fileData(format: format, name: name)
    do {
      try data.write(to: url, options: .atomic)
    } catch {
      throw MeasurementError(file: name, message: "cannot write: \(error.localizedDescription)")
    }
  }

  /// The writable format an extension names: xy, xye, dat, txt → xy; csv → csv; json → opXRD; nil otherwise.
  public static func writableFormat(forExtension ext: String) -> MeasuredFormat? {
    switch ext.lowercased() {
    case "xy", "xye", "dat", "txt": .xy
    case "csv": .csv
    case "json": .opXRD
    default: nil
    }
  }

  /// `#` header lines, column names, then one line per point.
  private func columnText(separator: String, headerRow: Bool) -> String {
    var text = ""
    text.reserveCapacity(count * 24 + 512)
    func comment(_ key: String, _ value: String) {
      let flat = value.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
        .replacingOccurrences(of: "\r", with: " ")
      text += "# \(key): \(flat)\n"
    }
    comment("converted from", "\(source) (\(format.rawValue))")
    if !radiation.isEmpty {
      comment("radiation", radiation.map { line in
        "\(line.wavelength) \(line.weight)" + (line.name.map { " \($0)" } ?? "")
      }.joined(separator: ", "))
    }
    if let countingTime { comment("counting time", "\(countingTime) s") }
    comment("intensity unit", intensityUnit.rawValue)
    for key in metadata.keys.sorted() where !Self.reservedCommentKeys.contains(key.lowercased()) {
      comment(key, metadata[key] ?? "")
    }
    let names = sigma == nil ? ["twotheta", "intensity"] : ["twotheta", "intensity", "esd"]
    text += headerRow ? names.joined(separator: separator) + "\n" : "# " + names.joined(separator: " ") + "\n"
    for i in 0..<count {
      text += "\(twoTheta[i])\(separator)\(intensity[i])"
      if let sigma { text += "\(separator)\(sigma[i])" }
      text += "\n"
    }
    return text
  }

  /// Comment keys the column header uses itself (metadata items of these names are not written twice).
  static let reservedCommentKeys: Set<String> = ["converted from", "radiation", "counting time", "intensity unit", "columns"]
}
