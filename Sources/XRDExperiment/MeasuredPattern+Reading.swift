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
    let scans: [MeasuredPattern]
    switch format {
    case .xy, .csv: scans = try PlainTextReader.read(data, name: source, format: format)
    case .brukerRaw: scans = try BrukerRawReader.read(data, name: source)
    case .stoeRaw: scans = try StoeRawReader.read(data, name: source)
    case .xrdml: scans = try XRDMLReader.read(data, name: source)
    case .brml: scans = try BRMLReader.read(data, name: source)
    default:
      throw MeasurementError(file: source, message: "reading \(format.rawValue) files is not supported yet")
    }
    for scan in scans {
      guard !scan.twoTheta.isEmpty else { throw MeasurementError(file: source, message: "the scan has no points") }
    }
    return scans
  }

  /// The format of a file from its content, then its extension; nil when neither tells.
  public static func detectFormat(data: Data, name: String) -> MeasuredFormat? {
    if let format = detectInstrumentFormat(data: data) { return format }
    let ext = (name as NSString).pathExtension.lowercased()
    switch ext {
    case "xrdml": return .xrdml
    case "brml": return .brml
    case "csv": return .csv
    case "xy", "xye", "dat", "txt": return .xy
    default: return nil
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
}
