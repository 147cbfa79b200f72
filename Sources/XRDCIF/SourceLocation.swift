// A position in CIF text: file name, 1-based line and column.
//
// Every parsed value, tag, loop and block keeps one, so that semantic errors found later (XRDCrystal)
// still point at the line a crystallographer has to edit. Columns count Unicode scalars (a tab is one
// column), as compilers do. Line 0 means "the file as a whole" (an unreadable file has no line).

/// Where something is written in a CIF: file name (if any), 1-based line and column.
///
/// `description` is `"NaCl.cif:17:5"`, or `"17:5"` for text parsed from a string, or just `"NaCl.cif"`
/// when `line` is 0 (an error about the whole file, such as an unreadable one).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
  /// The file name as given to the parser (`URL.lastPathComponent`), or `nil` for a string.
  public var file: String?
  /// 1-based line number; line ends are LF, CR LF or a lone CR. 0 for the whole file.
  public var line: Int
  /// 1-based column in Unicode scalars; a tab counts as one column.
  public var column: Int

  public init(file: String?, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  public var description: String {
    switch (file, line > 0) {
    case (let file?, true): "\(file):\(line):\(column)"
    case (let file?, false): file
    case (nil, true): "\(line):\(column)"
    case (nil, false): "<string>"
    }
  }
}
