// Why a measured file could not be read (STYLE §6): the file, where in it (line for text, byte offset for
// binary), the field or key, and what was wrong. `description` reads
// "PBSO4.XRA:3:1: error: BANK: expected 'BANK n nchan nrec CONST start step …', found 'BAMK'".

public import XRDCIF

/// A measured file that cannot be read, with the place and field that is wrong.
public struct MeasurementError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file name (and archive member), as in ``MeasuredPattern/source``.
  public var file: String
  /// 1-based line for text formats; 0 for the file as a whole or a binary format.
  public var line: Int
  /// Byte offset in a binary file, when the error is at one.
  public var offset: Int?
  /// The field, key or element concerned ("BANK", "startPosition", "range 1 step"), "" for none.
  public var field: String
  public var message: String

  public init(file: String, line: Int = 0, offset: Int? = nil, field: String = "", message: String) {
    self.file = file
    self.line = line
    self.offset = offset
    self.field = field
    self.message = message
  }

  public var description: String {
    var place = file
    if line > 0 { place += ":\(line)" }
    if let offset { place += " (byte \(offset))" }
    return "\(place): error: " + (field.isEmpty ? "" : "\(field): ") + message
  }
}
