// Bytes in, parseable bytes out: rejects binary data, normalizes line ends, repairs non-UTF-8 bytes.
//
// One pass over the bytes finds NUL (binary data: fail), CR (CR LF and lone CR become LF, so the lexer
// sees a single line end) and bytes ≥ 0x80 (validate UTF-8; invalid bytes are read as Latin-1, i.e. byte
// 0xE9 becomes "é"). A copy is made only when CR or invalid UTF-8 is present; pure-ASCII LF text, the
// common case, is parsed in place. Removing the CR of CR LF does not move any column.

struct CIFInput {
  /// The bytes to lex when they differ from the caller's (CR normalized, Latin-1 repaired).
  var repaired: [UInt8]?
  /// No byte ≥ 0x80: columns are byte offsets.
  var isASCII: Bool
  /// Where the first byte that is not UTF-8 was, if any (for a warning).
  var firstLatin1Byte: SourceLocation?

  init(_ raw: UnsafeBufferPointer<UInt8>, fileName: String?) throws(CIFError) {
    var hasCR = false
    var hasHigh = false
    var i = 0
    while i < raw.count {  // a plain loop: also fast in debug builds, which the fuzz test runs
      let b = raw[i]
      i += 1
      guard b < 0x0E || b >= 0x80 else { continue }
      if b == 0 {
        throw CIFError(kind: .notText, location: CIFInput.location(of: i - 1, in: raw, fileName: fileName))
      }
      if b == 0x0D { hasCR = true }
      if b >= 0x80 { hasHigh = true }
    }
    isASCII = !hasHigh
    repaired = nil
    firstLatin1Byte = nil
    if hasCR { repaired = CIFInput.normalizingLineEnds(raw) }
    guard hasHigh else { return }
    let invalid: Int? =
      if let bytes = repaired { bytes.withUnsafeBufferPointer { CIFInput.firstInvalidUTF8($0) } }
      else { CIFInput.firstInvalidUTF8(raw) }
    guard let invalid else { return }
    let fixed =
      if let bytes = repaired { bytes.withUnsafeBufferPointer { CIFInput.latin1Repaired($0) } }
      else { CIFInput.latin1Repaired(raw) }
    firstLatin1Byte =
      if let bytes = repaired {
        bytes.withUnsafeBufferPointer { CIFInput.location(of: invalid, in: $0, fileName: fileName) }
      } else { CIFInput.location(of: invalid, in: raw, fileName: fileName) }
    repaired = fixed
  }

  /// CR LF → LF, lone CR → LF.
  static func normalizingLineEnds(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(raw.count)
    var i = 0
    while i < raw.count {
      let b = raw[i]
      if b == 0x0D {
        out.append(0x0A)
        if i + 1 < raw.count, raw[i + 1] == 0x0A { i += 1 }
      } else {
        out.append(b)
      }
      i += 1
    }
    return out
  }

  /// Length of the valid UTF-8 sequence starting at `i` (1…4), or 0 if the byte there starts none.
  static func utf8SequenceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
    let b0 = b[i]
    if b0 < 0x80 { return 1 }
    func continuation(_ k: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
      i + k < b.count && range.contains(b[i + k])
    }
    switch b0 {
    case 0xC2...0xDF:
      return continuation(1) ? 2 : 0
    case 0xE0...0xEF:
      let second: ClosedRange<UInt8> = b0 == 0xE0 ? 0xA0...0xBF : b0 == 0xED ? 0x80...0x9F : 0x80...0xBF
      return continuation(1, second) && continuation(2) ? 3 : 0
    case 0xF0...0xF4:
      let second: ClosedRange<UInt8> = b0 == 0xF0 ? 0x90...0xBF : b0 == 0xF4 ? 0x80...0x8F : 0x80...0xBF
      return continuation(1, second) && continuation(2) && continuation(3) ? 4 : 0
    default:
      return 0
    }
  }

  static func firstInvalidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
    var i = 0
    while i < b.count {
      if b[i] < 0x80 { i += 1; continue }
      let length = utf8SequenceLength(b, at: i)
      if length == 0 { return i }
      i += length
    }
    return nil
  }

  /// Valid UTF-8 kept; every other byte b ≥ 0x80 replaced by the UTF-8 of U+00b (Latin-1).
  static func latin1Repaired(_ b: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(b.count + b.count / 8)
    var i = 0
    while i < b.count {
      let length = utf8SequenceLength(b, at: i)
      if length == 0 {
        out.append(0xC0 | (b[i] >> 6))
        out.append(0x80 | (b[i] & 0x3F))
        i += 1
      } else {
        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<(i + length)]))
        i += length
      }
    }
    return out
  }

  /// Line and column of byte `offset`, counting CR LF, CR and LF as line ends and bytes as columns
  /// (used only for errors found before lexing, in text that may not be UTF-8).
  static func location(of offset: Int, in b: UnsafeBufferPointer<UInt8>, fileName: String?) -> SourceLocation {
    var line = 1
    var lineStart = 0
    var i = 0
    let end = min(offset, b.count)
    while i < end {
      if b[i] == 0x0A || (b[i] == 0x0D && !(i + 1 < b.count && b[i + 1] == 0x0A)) {
        line += 1
        lineStart = i + 1
      }
      i += 1
    }
    if end >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF, lineStart == 0 { lineStart = 3 }
    return SourceLocation(file: fileName, line: line, column: max(1, end - lineStart + 1))
  }
}
