// Reading measured files: decompression, format detection and dispatch to the per-format readers in Readers/.
//
// A gzip file (`x.ras.gz`) or a ZIP archive holding one data file (`x.fxye.zip`) is inflated first
// (Readers/Archive.swift) and its content read under the inner name; the scans' `source` then says
// "x.fxye.zip/x.fxye". A ZIP that is a Bruker BRML (it holds Experiment0/RawData0.xml) is left whole.
// A file is recognised by its content where that is unambiguous (Bruker "RAW1.01"/"RAW4.00" magic, STOE
// binary, "<?xml" + xrdMeasurements, JSON with two_theta_values, "*RAS_DATA_START", "BANK" lines, "_pd_"
// tags), by its extension otherwise.

public import Foundation

extension MeasuredPattern {
  /// Every scan in the file at `url` (most files hold one; XRDML, RAW, RAS and `.dat` files can hold several).
  ///
  /// - Parameter format: the format to read the file as; nil detects it from the content and extension.
  /// - Throws: ``MeasurementError`` naming the file, the line or byte offset and the field when the file
  ///   cannot be read, is corrupt or truncated, or its format is not recognised.
  public static func read(contentsOf url: URL, format: MeasuredFormat? = nil) throws(MeasurementError) -> [MeasuredPattern] {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw MeasurementError(file: url.lastPathComponent, message: "cannot read file: \(error.localizedDescription)")
    }
    return try read(data: data, name: url.lastPathComponent, format: format)
  }

  /// The first scan in the file at `url`; see ``read(contentsOf:format:)``.
  public init(contentsOf url: URL, format: MeasuredFormat? = nil) throws(MeasurementError) {
    let scans = try Self.read(contentsOf: url, format: format)
    guard let first = scans.first else {
      throw MeasurementError(file: url.lastPathComponent, message: "the file holds no scan")
    }
    self = first
  }

  /// Every scan in `data`, a file's bytes; `name` is the file name used for the extension and in errors.
  ///
  /// gzip data and ZIP archives are inflated first (see the file overview); `format` then applies to the content.
  public static func read(data: Data, name: String, format: MeasuredFormat? = nil) throws(MeasurementError) -> [MeasuredPattern] {
    switch Archive.kind(of: data) {
    case .gzip:
      let inner = try Archive.gunzip(data, file: name)
      return try read(data: inner, name: Archive.gunzippedName(name), source: name, format: format)
    case .zip where format != .brml:
      let zip = try Archive.Zip(data: data, file: name)
      if zip.entries.contains(where: { $0.name.lowercased().hasSuffix("rawdata0.xml") }) {
        return try read(data: data, name: name, source: name, format: format ?? .brml)
      }
      let members = zip.entries.filter { entry in
        let base = (entry.name as NSString).lastPathComponent
        return !entry.isDirectory && !entry.name.hasPrefix("__MACOSX/") && !base.hasPrefix(".")
      }
      guard !members.isEmpty else { throw MeasurementError(file: name, message: "the ZIP archive holds no file") }
      // One member: read it. Several: read those whose format is known (or forced), all their scans in order.
      var scans: [MeasuredPattern] = []
      for member in members {
        let content = try zip.contents(of: member)
        let innerName = (member.name as NSString).lastPathComponent
        if members.count > 1 && format == nil && detectFormat(data: content, name: innerName) == nil { continue }
        scans += try read(data: content, name: innerName, source: "\(name)/\(member.name)", format: format)
      }
      guard !scans.isEmpty else {
        throw MeasurementError(file: name, message: "none of the archive's \(members.count) files is in a known format ("
          + members.prefix(6).map(\.name).joined(separator: ", ") + ")")
      }
      return scans
    default:
      return try read(data: data, name: name, source: name, format: format)
    }
  }

  /// Reads uncompressed `data`: `name` decides the extension, `source` names the file in errors and scans.
  private static func read(data: Data, name: String, source: String,
                           format: MeasuredFormat?) throws(MeasurementError) -> [MeasuredPattern] {
    guard let format = format ?? detectFormat(data: data, name: name) else {
      throw MeasurementError(file: source, message: "unrecognised file format (known: "
        + MeasuredFormat.allCases.map(\.rawValue).joined(separator: ", ") + ")")
    }
    var scans: [MeasuredPattern]
    switch format {
    case .xy, .csv: scans = try PlainTextReader.read(data, name: source, format: format)
    case .brukerRaw: scans = try BrukerRawReader.read(data, name: source)
    case .stoeRaw: scans = try StoeRawReader.read(data, name: source)
    case .xrdml: scans = try XRDMLReader.read(data, name: source)
    case .brml: scans = try BRMLReader.read(data, name: source)
    case .gsas, .fxye: scans = try GSASReader.read(data, name: source)
    case .pdCIF: scans = try PowderCIFReader.read(data, name: source)
    case .ras: scans = try RigakuRASReader.read(data, name: source)
    case .asc: scans = try RigakuASCReader.read(data, name: source)
    case .uxd: scans = try UXDReader.read(data, name: source)
    case .opXRD: scans = try OpXRDReader.read(data, name: source)
    }
    for i in scans.indices {
      try scans[i].checkPoints(file: source, scan: scans.count > 1 ? i + 1 : nil)
    }
    return scans
  }

  /// Checks what every reader must deliver: points, equal lengths, finite ascending 2θ (a scan that runs
  /// backwards throughout is reversed).
  private mutating func checkPoints(file: String, scan: Int?) throws(MeasurementError) {
    let which = scan.map { "scan \($0)" } ?? ""
    guard !twoTheta.isEmpty else { throw MeasurementError(file: file, field: which, message: "the scan has no points") }
    guard intensity.count == twoTheta.count, sigma.map({ $0.count == twoTheta.count }) ?? true else {
      throw MeasurementError(file: file, field: which, message: "\(twoTheta.count) angles but \(intensity.count) intensities")
    }
    if count > 1, twoTheta[0] > twoTheta[count - 1] {
      twoTheta.reverse()
      intensity.reverse()
      sigma?.reverse()
    }
    for i in 0..<count {
      guard twoTheta[i].isFinite else {
        throw MeasurementError(file: file, field: which, message: "2θ of point \(i + 1) is not a finite number")
      }
      if i > 0 && twoTheta[i] < twoTheta[i - 1] {
        throw MeasurementError(file: file, field: which,
                               message: "2θ of point \(i + 1) (\(twoTheta[i])°) is below the one before (\(twoTheta[i - 1])°)")
      }
    }
  }

  /// The format of a file from its content, then its extension; nil when neither tells.
  ///
  /// gzip and ZIP data are looked into (a ZIP holding one file: that file's format). Then content
  /// (`name` may be wrong or generic): the binary and XML instrument formats by their magic bytes or root
  /// element (``detectInstrumentFormat(data:)``), then JSON with `two_theta_values`, `*RAS_DATA_START`, Rigaku
  /// ASC `*KEY = value` headers, UXD `_KEY=value` headers with a data marker, a GSAS title followed by
  /// comments and a `BANK` line, a CIF with `data_` and `_pd_` tags. Then the extension; and last, text whose
  /// first lines are all numbers is read as plain columns.
  public static func detectFormat(data: Data, name: String) -> MeasuredFormat? {
    // Archives: the format of what they hold (a ZIP with RawData0.xml is a Bruker BRML).
    switch Archive.kind(of: data) {
    case .gzip:
      guard let inner = try? Archive.gunzip(data, file: name) else { return nil }
      return detectFormat(data: inner, name: Archive.gunzippedName(name))
    case .zip:
      guard let zip = try? Archive.Zip(data: data, file: name) else { return nil }
      if zip.entries.contains(where: { $0.name.lowercased().hasSuffix("rawdata0.xml") }) { return .brml }
      let files = zip.entries.filter { !$0.isDirectory && !$0.name.hasPrefix("__MACOSX/") }
      guard files.count == 1, let inner = try? zip.contents(of: files[0]) else { return nil }
      return detectFormat(data: inner, name: (files[0].name as NSString).lastPathComponent)
    case nil:
      break
    }
    if let format = detectInstrumentFormat(data: data) { return format }
    if let format = sniffText(data) { return format }
    let ext = (name as NSString).pathExtension.lowercased()
    switch ext {
    case "xrdml": return .xrdml
    case "brml": return .brml
    case "csv": return .csv
    case "xy", "xye", "dat", "txt", "asc", "prn": return .xy
    case "ras": return .ras
    case "uxd": return .uxd
    case "gsa", "gsas", "gda", "xra", "cwn": return .gsas
    case "fxye", "fxy": return .fxye
    case "cif": return .pdCIF
    case "json": return .opXRD
    default: return looksLikeColumns(data) ? .xy : nil
    }
  }

  /// The binary and XML instrument formats, from their content: Bruker "RAW1.01"/"RAW4.00" (and the
  /// unsupported "RAW " / "RAW2", so the reader can say so), STOE "RAW_1.0x", an XML document whose root is
  /// `xrdMeasurements` (XRDML), a ZIP holding `Experiment…/RawData….xml` (BRML). Nil for anything else.
  static func detectInstrumentFormat(data: Data) -> MeasuredFormat? {
    let head = data.prefix(4096).withUnsafeBytes { Array($0.bindMemory(to: UInt8.self)) }
    func starts(with text: String) -> Bool { head.starts(with: Array(text.utf8)) }
    if starts(with: "RAW_1.0") { return .stoeRaw }
    if starts(with: "RAW1.01") || starts(with: "RAW4.00") { return .brukerRaw }
    // "RAW " and "RAW2" are binary: a text file (a GSAS title "RAW data …") has no NUL bytes.
    if (starts(with: "RAW ") || starts(with: "RAW2")) && head.prefix(256).contains(0) { return .brukerRaw }
    if Archive.kind(of: data) == .zip {
      guard let zip = try? Archive.Zip(data: data, file: "") else { return nil }
      return zip.entries.contains { BRMLReader.isRawData($0.name) } ? .brml : nil
    }
    // XML: skip a byte-order mark and white space, then look for the XRDML root element.
    var text = String(decoding: head, as: UTF8.self)
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    let trimmed = text.drop { $0.isWhitespace }
    if trimmed.hasPrefix("<?xml") || trimmed.hasPrefix("<xrdMeasurements") {
      if trimmed.contains("<xrdMeasurements") { return .xrdml }
    }
    return nil
  }

  /// A text format recognised from the first bytes; nil for binary data or text that says nothing certain.
  private static func sniffText(_ data: Data) -> MeasuredFormat? {
    let head = data.prefix(65536)
    guard !head.isEmpty, !head.prefix(4096).contains(0) else { return nil }
    let text = String(decoding: head.map { $0 < 0x80 ? $0 : 0x3F }, as: UTF8.self)
    let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
    if trimmed.hasPrefix("{") {
      return text.contains("\"two_theta_values\"") || data.range(of: Data("\"two_theta_values\"".utf8)) != nil ? .opXRD : nil
    }
    if trimmed.hasPrefix("*RAS_DATA_START") || trimmed.hasPrefix("*RAS_HEADER_START") { return .ras }
    let lines = text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline)     // "\r\n" is one Character
    if let first = lines.first(where: { !$0.allSatisfy(\.isWhitespace) }), first.hasPrefix("*"), first.contains("=") {
      return .asc
    }
    if lines.prefix(200).contains(where: { $0.hasPrefix("_2THETACOUNTS") || $0.hasPrefix("_2THETACPS") || $0.hasPrefix("_FILEVERSION") })
      || (lines.contains { $0.hasPrefix("_START=") || $0.hasPrefix("_START =") } && lines.contains { $0.hasPrefix("_STEPSIZE") }) {
      return .uxd
    }
    // GSAS: a title line, optional instrument-file and comment lines, then BANK.
    for (i, line) in lines.prefix(400).enumerated() where i > 0 {
      if line.hasPrefix("#") || (i == 1 && line.lowercased().hasPrefix("inst")) { continue }
      if line.hasPrefix("BANK ") {
        let words = line.split(separator: " ")
        return words.contains("FXYE") || words.contains("FXY") ? .fxye : .gsas
      }
      break
    }
    if lines.contains(where: { $0.lowercased().hasPrefix("data_") }),
       data.range(of: Data("_pd_meas".utf8)) != nil || data.range(of: Data("_pd_proc".utf8)) != nil {
      return .pdCIF
    }
    return nil
  }

  /// Whether the first lines that are not comments or a header all hold two or more numbers.
  private static func looksLikeColumns(_ data: Data) -> Bool {
    guard let text = TextBuffer(data.prefix(16384)) else { return false }
    var numeric = 0
    for range in text.lines.dropLast() {       // the last line may be cut by the prefix
      guard let first = text.firstByte(range), !"#;!'".utf8.contains(first) else { continue }
      let commas = range.contains { text[$0] == 0x2C }
      let fields = text.fields(range, commas: commas)
      if fields.count >= 2, text.double(fields[0]) != nil, text.double(fields[1]) != nil {
        numeric += 1
        if numeric == 20 { return true }
      } else if numeric > 0 {
        return false
      }
    }
    return numeric > 0
  }
}
