// One CIF value as written: its text without delimiters, how it was delimited, and where it is.
//
// Numbers are parsed on demand (`number`, `standardUncertainty`), so a block of text fields costs nothing.
// Not done: the CIF 2.0 line-folding and text-prefix protocols; text fields are returned verbatim.

/// A CIF value: unquoted, quoted, text field, `?`, `.`, or a CIF 2.0 list or table.
///
/// ``text`` is the content without quotes or semicolons. For a text field it is everything between the
/// opening `;` and the line end before the closing `;`, with line ends as `\n` and an empty first line
/// dropped. For a list or table it is the raw text including brackets, and ``items`` holds the elements.
public struct CIFValue: Sendable, Hashable {
  public enum Kind: Sendable, Hashable {
    /// Delimited by blanks: `5.431(2)`, `Uani`, `P_1_21/a_1`.
    case unquoted
    /// In `'…'` or `"…"` (CIF 1.1), or CIF 2.0 `'''…'''` / `"""…"""`.
    case quoted
    /// Between a `;` at the start of a line and the next line starting with `;`.
    case textField
    /// An unquoted `?`: the value is unknown.
    case unknown
    /// An unquoted `.`: the item does not apply.
    case inapplicable
    /// A CIF 2.0 list `[a b [c d]]`.
    case list
    /// A CIF 2.0 table `{'key':value …}`.
    case table
  }

  public var kind: Kind
  /// Content without delimiters; raw text for a list or table; `"?"` or `"."` for the null kinds.
  public var text: String
  /// Elements of a CIF 2.0 list, or the values of a CIF 2.0 table (in the order written); empty otherwise.
  public var items: [CIFValue]
  /// Keys of a CIF 2.0 table, parallel to ``items``; empty otherwise.
  public var keys: [String]
  /// Where the value starts (its opening quote, semicolon or bracket).
  public var location: SourceLocation

  public init(
    kind: Kind, text: String, items: [CIFValue] = [], keys: [String] = [],
    location: SourceLocation = SourceLocation(file: nil, line: 0, column: 0)
  ) {
    self.kind = kind
    self.text = text
    self.items = items
    self.keys = keys
    self.location = location
  }

  /// `true` for `?` (unknown) and `.` (inapplicable); a quoted `'?'` is a string, not null.
  public var isNull: Bool { kind == .unknown || kind == .inapplicable }

  /// The numeric value, ignoring a standard uncertainty in parentheses.
  ///
  /// CIF numbers: optional sign, digits with an optional decimal point (`1.`, `.5`), optional exponent
  /// (`1e-3`, `2.1E+02`), optional s.u. in parentheses (`1.234(5)`). `nil` for `?`, `.`, text fields,
  /// lists, tables, anything else (`1.2.3`, `0x10`, `nan`, `inf`) and values beyond the range of `Double`.
  /// A quoted number (`'1.5'`) is read as a number.
  public var number: Double? { parsedNumber?.value }

  /// The standard uncertainty, scaled to the last digits of the number: `1.234(5)` → 0.005,
  /// `12(3)` → 3, `1.2e3(4)` → 400. `nil` when no s.u. is given or ``number`` is `nil`.
  public var standardUncertainty: Double? { parsedNumber?.uncertainty }

  private var parsedNumber: (value: Double, uncertainty: Double?)? {
    guard kind == .unquoted || kind == .quoted else { return nil }
    if let result = text.utf8.withContiguousStorageIfAvailable({ CIFNumber.parse($0) }) {
      return result
    }
    return Array(text.utf8).withUnsafeBufferPointer { CIFNumber.parse($0) }
  }
}
