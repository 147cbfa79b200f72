// Syntax errors of CIF text, each with the file, line and column where the problem starts.
//
// Only the grammar is checked here; a missing cell or an unknown atom type is XRDCrystal's business.
// Not done: error recovery. The first error ends parsing; a CIF with a syntax error is not guessed at.

/// A CIF syntax error with the exact place where it starts.
///
/// `description` reads like a compiler diagnostic:
/// `NaCl.cif:17:5: error: loop with tags _atom_site_label…: 23 values for 5 tags`.
public struct CIFError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What went wrong. The location of each case is documented with it.
  public enum Kind: Sendable, Equatable {
    /// The file could not be read (missing, a directory, no permission, not a `file:` URL).
    /// The location has line 0.
    case unreadableFile(reason: String)
    /// The bytes contain NUL, so they are not text (compressed, UTF-16 or binary data).
    /// Located at the first NUL byte.
    case notText
    /// A quoted string not closed on its line (or a CIF 2.0 triple-quoted string not closed before the
    /// end of the text). Located at the opening quote.
    case unterminatedString
    /// A text field (`;` at the start of a line) with no line starting with `;` after it.
    /// Located at the opening `;`.
    case unterminatedTextField
    /// A tag followed by another tag, a reserved word, or the end of the text (or a CIF 2.0 table key
    /// with no value after its `:`). Located at the tag (or key).
    case missingValue(tag: String)
    /// A loop whose number of values is not a multiple of its number of tags. `prefix` is the first
    /// tag as written. Located at the `loop_` keyword.
    case loopValueCount(prefix: String, values: Int, tags: Int)
    /// `loop_` not followed by any tag. Located at `loop_`.
    case emptyLoop
    /// A value where a tag or keyword is expected (a second value for one tag on a later line, a value
    /// after a quoted value on the same line, or text glued to a CIF 2.0 closing quote). The payload is
    /// the value as written, cut at 60 characters. Located at the value.
    case unexpectedValue(String)
    /// A tag, value or `loop_` before the first `data_` header. Located there.
    case valueBeforeDataBlock
    /// The same tag twice in one loop header (a tag repeated elsewhere in a block is only a warning).
    /// Located at the second occurrence.
    case duplicateTag(String)
    /// A CIF 2.0 list `[` not closed by `]` before the end of the text, a tag or a reserved word.
    /// Located at the `[`.
    case unterminatedList
    /// A save frame not closed by `save_` before the next save frame, data block or end of the text.
    /// Located at the frame's `save_name`.
    case unterminatedSaveFrame
    /// A reserved word out of place: `data_` without a name, `save_` closing no frame, `stop_` outside
    /// a loop. Located at the word.
    case reservedWord(String)
    /// The text has no `data_` block at all (empty, blank or only comments). Located at 1:1.
    case noDataBlock
    /// A CIF 2.0 table `{` not closed by `}` before the end of the text, a tag or a reserved word.
    /// Located at the `{`.
    case unterminatedTable
    /// CIF 2.0 lists and tables nested deeper than `limit`. Located at the `[` or `{` that is too deep.
    case nestingTooDeep(limit: Int)

    /// One line of English, without the location.
    public var message: String {
      switch self {
      case .unreadableFile(let reason): "cannot read the file: \(reason)"
      case .notText: "not a text file (contains a NUL byte); compressed or UTF-16 files are not read"
      case .unterminatedString:
        "quoted string not closed: a closing quote must be followed by a blank or the line end, on the same line"
      case .unterminatedTextField: "text field not closed: no line starting with ';' follows"
      case .missingValue(let tag): "tag \(tag) has no value"
      case .loopValueCount(let prefix, let values, let tags):
        "loop with tags \(prefix)…: \(values) values for \(tags) tags"
      case .emptyLoop: "loop_ without tags"
      case .unexpectedValue(let value): "unexpected value \(value) (a value must follow its tag or be in a loop)"
      case .valueBeforeDataBlock: "data before the first data_ block header"
      case .duplicateTag(let tag): "tag \(tag) appears twice in one loop"
      case .unterminatedList: "list '[' not closed by ']'"
      case .unterminatedSaveFrame: "save frame not closed by save_"
      case .reservedWord(let word): "reserved word \(word) out of place"
      case .noDataBlock: "no data block (data_) in the text"
      case .unterminatedTable: "table '{' not closed by '}'"
      case .nestingTooDeep(let limit): "lists or tables nested more than \(limit) deep"
      }
    }
  }

  public var kind: Kind
  public var location: SourceLocation

  public init(kind: Kind, location: SourceLocation) {
    self.kind = kind
    self.location = location
  }

  /// `"file:line:column: error: message"`, as compilers print it.
  public var description: String { "\(location): error: \(kind.message)" }
}
