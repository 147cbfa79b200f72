// CIF tokens from UTF-8 bytes: tags, values, reserved words, CIF 2.0 brackets.
//
// Works on an UnsafeBufferPointer with LF line ends only (see CIFInput). Every branch advances `pos` by
// at least one byte or returns end-of-text, so lexing always terminates; every index is bounds-checked.
// Quoting follows the file's version: CIF 1.1 (a quote closes a string only before a blank or the line
// end, so 'O'Brien' is one string) unless the text starts with the `#\#CIF_2.0` magic, then CIF 2.0
// (first matching quote closes, triple quotes, lists and tables).

struct CIFToken {
  enum Kind: UInt8 {
    case end
    case tag
    case unquoted
    case quoted
    case textField
    case listOpen, listClose, tableOpen, tableClose
    case data, save, loop, stop, global

    /// Kinds that are a complete value by themselves.
    var isSimpleValue: Bool { self == .unquoted || self == .quoted || self == .textField }
  }

  var kind: Kind
  /// First byte of the token, delimiters included.
  var start: Int
  /// One past the last byte, delimiters included.
  var end: Int
  /// The content without delimiters (for `data_x` and `save_x`: the name).
  var contentStart: Int
  var contentEnd: Int
  var line: Int
  var column: Int
}

struct CIFLexer {
  let bytes: UnsafeBufferPointer<UInt8>
  let fileName: String?
  let isASCII: Bool
  private(set) var isCIF2 = false
  var pos = 0
  private(set) var line = 1
  private(set) var lineStart = 0
  /// Last column computed on a non-ASCII line (byte offset, column), so that many tokens on one long
  /// line cost linear, not quadratic, time.
  private var columnMark = (offset: 0, column: 1)

  init(bytes: UnsafeBufferPointer<UInt8>, fileName: String?, isASCII: Bool) {
    self.bytes = bytes
    self.fileName = fileName
    self.isASCII = isASCII
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {  // UTF-8 byte-order mark
      pos = 3
      lineStart = 3
    }
    let magic = Array("#\\#CIF_2.0".utf8)
    if bytes.count - pos >= magic.count,
      bytes[pos..<(pos + magic.count)].elementsEqual(magic),
      pos + magic.count == bytes.count || CIFLexer.isBlank(bytes[pos + magic.count])
    {
      isCIF2 = true
    }
  }

  // MARK: - Positions

  /// 1-based column of byte `p` (at or after `lineStart`) on the current line, in Unicode scalars.
  mutating func column(of p: Int) -> Int {
    if isASCII { return p - lineStart + 1 }
    if columnMark.offset < lineStart || columnMark.offset > p { columnMark = (lineStart, 1) }
    var (i, c) = columnMark
    while i < p, i < bytes.count {
      if bytes[i] & 0xC0 != 0x80 { c += 1 }
      i += 1
    }
    columnMark = (i, c)
    return c
  }

  func location(of token: CIFToken) -> SourceLocation {
    SourceLocation(file: fileName, line: token.line, column: token.column)
  }

  func text(_ range: Range<Int>) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
  }

  func text(of token: CIFToken) -> String { text(token.start..<token.end) }

  func content(of token: CIFToken) -> String { text(token.contentStart..<token.contentEnd) }

  func error(_ kind: CIFError.Kind, at token: CIFToken) -> CIFError {
    CIFError(kind: kind, location: location(of: token))
  }

  /// The byte at `pos`, if any (the parser checks for the `:` after a table key).
  var currentByte: UInt8? { pos < bytes.count ? bytes[pos] : nil }

  // MARK: - Characters

  /// Blank: space, tab, LF, vertical tab, form feed (CR is gone by now).
  @inline(__always) static func isBlank(_ c: UInt8) -> Bool {
    c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0B || c == 0x0C || c == 0x0D
  }

  @inline(__always) static func isBracket(_ c: UInt8) -> Bool {
    c == UInt8(ascii: "[") || c == UInt8(ascii: "]") || c == UInt8(ascii: "{") || c == UInt8(ascii: "}")
  }

  // MARK: - Tokens

  /// Skips blanks and `#` comments, counting lines.
  private mutating func skipBlanksAndComments() {
    while pos < bytes.count {
      let c = bytes[pos]
      if c == 0x0A {
        pos += 1
        line += 1
        lineStart = pos
      } else if CIFLexer.isBlank(c) {
        pos += 1
      } else if c == UInt8(ascii: "#") {
        while pos < bytes.count, bytes[pos] != 0x0A { pos += 1 }
      } else {
        return
      }
    }
  }

  /// The next token. `inContainer`: inside a CIF 2.0 list or table, where brackets end unquoted values.
  mutating func next(inContainer: Bool = false) throws(CIFError) -> CIFToken {
    skipBlanksAndComments()
    var token = CIFToken(kind: .end, start: pos, end: pos, contentStart: pos, contentEnd: pos, line: line, column: 0)
    token.column = column(of: pos)
    guard pos < bytes.count else { return token }
    let c = bytes[pos]
    switch c {
    case UInt8(ascii: "'"), UInt8(ascii: "\""):
      try lexQuoted(&token, quote: c, inContainer: inContainer)
    case UInt8(ascii: ";") where pos == lineStart:
      try lexTextField(&token)
    case UInt8(ascii: "[") where isCIF2:
      pos += 1
      token.kind = .listOpen
    case UInt8(ascii: "{") where isCIF2:
      pos += 1
      token.kind = .tableOpen
    case UInt8(ascii: "]") where isCIF2 && inContainer:
      pos += 1
      token.kind = .listClose
    case UInt8(ascii: "}") where isCIF2 && inContainer:
      pos += 1
      token.kind = .tableClose
    default:
      let stopAtBrackets = isCIF2 && inContainer
      pos += 1
      while pos < bytes.count, !CIFLexer.isBlank(bytes[pos]), !(stopAtBrackets && CIFLexer.isBracket(bytes[pos])) {
        pos += 1
      }
      token.kind = c == UInt8(ascii: "_") ? .tag : reservedWord(token.start..<pos) ?? .unquoted
      if token.kind == .data || token.kind == .save { token.contentStart = token.start + 5 }
      else { token.contentStart = token.start }
    }
    token.end = pos
    if token.kind != .quoted && token.kind != .textField { token.contentEnd = pos }
    return token
  }

  /// `data_…`, `save_…`, `loop_`, `stop_`, `global_` (case-insensitive), else `nil`.
  private func reservedWord(_ r: Range<Int>) -> CIFToken.Kind? {
    func matches(_ word: StaticString) -> Bool {
      let n = word.utf8CodeUnitCount
      guard r.count >= n else { return false }
      return word.withUTF8Buffer { w in
        (0..<n).allSatisfy { TagName.lower(bytes[r.lowerBound + $0]) == w[$0] }
      }
    }
    switch r.count {
    case 5 where matches("loop_"): return .loop
    case 5 where matches("stop_"): return .stop
    case 7 where matches("global_"): return .global
    default:
      if matches("data_") { return .data }
      if matches("save_") { return .save }
      return nil
    }
  }

  /// A quoted string. CIF 1.1: closed by the quote that is followed by a blank or the end, on the same
  /// line. CIF 2.0: closed by the first matching quote (`'''`/`"""` may span lines).
  private mutating func lexQuoted(_ token: inout CIFToken, quote q: UInt8, inContainer: Bool) throws(CIFError) {
    token.kind = .quoted
    let n = bytes.count
    if isCIF2, pos + 2 < n, bytes[pos + 1] == q, bytes[pos + 2] == q {
      // Triple-quoted: may contain newlines and single quotes; ends at the next three quotes.
      pos += 3
      token.contentStart = pos
      while pos < n {
        if bytes[pos] == q, pos + 2 < n, bytes[pos + 1] == q, bytes[pos + 2] == q {
          token.contentEnd = pos
          pos += 3
          try checkDelimiterAfterCIF2String(token, inContainer: inContainer)
          return
        }
        if bytes[pos] == 0x0A {
          line += 1
          lineStart = pos + 1
        }
        pos += 1
      }
      throw error(.unterminatedString, at: token)
    }
    pos += 1
    token.contentStart = pos
    while pos < n {
      let c = bytes[pos]
      if c == 0x0A { break }
      if c == q, isCIF2 || pos + 1 == n || CIFLexer.isBlank(bytes[pos + 1]) {
        token.contentEnd = pos
        pos += 1
        if isCIF2 { try checkDelimiterAfterCIF2String(token, inContainer: inContainer) }
        return
      }
      pos += 1
    }
    throw error(.unterminatedString, at: token)
  }

  /// CIF 2.0: after a closing quote comes a blank, the end, or in a list/table `]`, `}` or a table's `:`.
  private mutating func checkDelimiterAfterCIF2String(_ token: CIFToken, inContainer: Bool) throws(CIFError) {
    guard pos < bytes.count else { return }
    let c = bytes[pos]
    if CIFLexer.isBlank(c) { return }
    if inContainer, c == UInt8(ascii: "]") || c == UInt8(ascii: "}") || c == UInt8(ascii: ":") { return }
    var end = pos
    while end < bytes.count, !CIFLexer.isBlank(bytes[end]), end - pos < 60 { end += 1 }
    throw CIFError(
      kind: .unexpectedValue(text(pos..<end)),
      location: SourceLocation(file: fileName, line: line, column: column(of: pos)))
  }

  /// A text field: `;` at the start of a line up to the next line starting with `;`. The content is
  /// everything in between, without the LF before the closing `;`; an empty first line is dropped.
  private mutating func lexTextField(_ token: inout CIFToken) throws(CIFError) {
    token.kind = .textField
    let n = bytes.count
    var i = pos + 1
    var firstLineEnd: Int? = nil
    while i < n {
      if bytes[i] == 0x0A {
        if firstLineEnd == nil { firstLineEnd = i }
        line += 1
        lineStart = i + 1
        if i + 1 < n, bytes[i + 1] == UInt8(ascii: ";") {
          token.contentStart = pos + 1
          token.contentEnd = i
          if let firstLineEnd, firstLineEnd < i,
            bytes[(pos + 1)..<firstLineEnd].allSatisfy({ $0 == 0x20 || $0 == 0x09 })
          {
            token.contentStart = firstLineEnd + 1
          }
          pos = i + 2
          return
        }
      }
      i += 1
    }
    throw error(.unterminatedTextField, at: token)
  }
}
