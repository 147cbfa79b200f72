// Reading measured files: format detection and dispatch to the per-format readers in Readers/.
//
// A file is recognised by its content where that is unambiguous (Bruker "RAW1.01"/"RAW4.00" magic, STOE
// binary, "<?xml" + xrdMeasurements, a ZIP holding Experiment0/RawData0.xml, JSON with two_theta_values,
// "*RAS_DATA_START", "BANK" lines, "_pd_" tags), by its extension otherwise.

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
  public static func read(data: Data, name: String, format: MeasuredFormat? = nil) throws(MeasurementError) -> [MeasuredPattern] {
    guard let format = format ?? detectFormat(data: data, name: name) else {
      throw MeasurementError(file: name, message: "unrecognised file format (known: "
        + MeasuredFormat.allCases.map(\.rawValue).joined(separator: ", ") + ")")
    }
    let scans: [MeasuredPattern]
    switch format {
    case .xy, .csv: scans = try PlainTextReader.read(data, name: name, format: format)
    default:
      throw MeasurementError(file: name, message: "reading \(format.rawValue) files is not supported yet")
    }
    for scan in scans {
      guard !scan.twoTheta.isEmpty else { throw MeasurementError(file: name, message: "the scan has no points") }
    }
    return scans
  }

  /// The format of a file from its content, then its extension; nil when neither tells.
  public static func detectFormat(data: Data, name: String) -> MeasuredFormat? {
    let ext = (name as NSString).pathExtension.lowercased()
    switch ext {
    case "csv": return .csv
    case "xy", "xye", "dat", "txt": return .xy
    default: return nil
    }
  }
}
