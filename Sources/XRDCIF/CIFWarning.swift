// Things the parser accepted but a careful reader should know about.
//
// Real CIFs repeat tags, put blanks in unquoted values and carry Latin-1 bytes; rejecting them would lose
// structures a crystallographer can read at a glance. Each leniency that changes what is read is recorded
// here, with its location, so the CLI can print it and a corpus build can count it.

/// A deviation from CIF syntax that was accepted, with what was done about it.
public struct CIFWarning: Sendable, Hashable, CustomStringConvertible {
  public enum Kind: Sendable, Hashable {
    /// A tag already present in the block (as a single item or in a loop; compared case-insensitively,
    /// `.` equal to `_`). The first occurrence is kept; the repeat is ignored by lookups. Located at the repeat.
    case duplicateTag(String)
    /// Two data blocks with the same name (case-insensitive). Both are kept in ``CIFDocument/blocks``;
    /// the subscript returns the first. Located at the second header.
    case duplicateBlockName(String)
    /// An unquoted single-item value followed by more values on the same line, read as one value up to
    /// the last of them (`_pd_phase_name Na0.8CoO2 supercell`). Located at the value.
    case valueWithBlanks(tag: String, value: String)
    /// Bytes that are not valid UTF-8 were read as Latin-1 (ISO 8859-1) characters. Located at the first.
    case latin1Bytes

    public var message: String {
      switch self {
      case .duplicateTag(let tag): "tag \(tag) repeated in the block; the first value is kept"
      case .duplicateBlockName(let name): "data block name \(name) repeated; lookups by name find the first"
      case .valueWithBlanks(let tag, let value): "unquoted value of \(tag) contains blanks; read as '\(value)'"
      case .latin1Bytes: "bytes that are not UTF-8 read as Latin-1"
      }
    }
  }

  public var kind: Kind
  public var location: SourceLocation

  public init(kind: Kind, location: SourceLocation) {
    self.kind = kind
    self.location = location
  }

  /// `"file:line:column: warning: message"`.
  public var description: String { "\(location): warning: \(kind.message)" }
}
