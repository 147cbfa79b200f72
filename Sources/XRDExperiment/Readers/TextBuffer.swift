// The bytes of a text file split into lines, for the text readers: lines are byte ranges, fields are split
// on bytes and numbers parsed with C `strtod` in place, so a 5.7 MB FXYE file never becomes Swift Strings
// line by line (that is ~20× slower than this).
//
// Line ends: LF, CRLF or a lone CR. Bytes are text in any ASCII-compatible encoding (UTF-8, Latin-1,
// Shift-JIS: the numbers and keys the readers look for are ASCII); `string(_:)` decodes values for metadata.
// Not done: UTF-16 text (a NUL byte makes ``init(_:)`` refuse the data as binary).

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A text file as bytes and line ranges.
struct TextBuffer {
  /// The file's bytes followed by one NUL, so `strtod` stops at the end of the last field.
  private(set) var bytes: [UInt8]
  /// Each line's content, its line end excluded; lines[i] is line i + 1.
  private(set) var lines: [Range<Int>]

  /// Splits `data` into lines; nil when it holds a NUL byte in its first 64 kB (binary or UTF-16 data).
  init?(_ data: Data) {
    bytes = [UInt8](data)
    if bytes.prefix(65536).contains(0) { return nil }
    // A UTF-8 byte-order mark is skipped.
    let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    bytes.append(0)
    lines = []
    lines.reserveCapacity(bytes.count / 24)
    let end = bytes.count - 1
    bytes.withUnsafeBufferPointer { b in
      var lineStart = start
      var i = start
      while i < end {
        let c = b[i]
        if c == 0x0A || c == 0x0D {
          lines.append(lineStart..<i)
          if c == 0x0D && i + 1 < end && b[i + 1] == 0x0A { i += 1 }
          lineStart = i + 1
        }
        i += 1
      }
      if lineStart < end { lines.append(lineStart..<end) }
    }
  }

  var lineCount: Int { lines.count }

  /// The byte at `index` (the terminating NUL at `bytes.count - 1`).
  subscript(index: Int) -> UInt8 { bytes[index] }

  // MARK: - Strings

  /// The text of `range`: UTF-8 when valid, else Shift-JIS (Rigaku files), else Latin-1.
  func string(_ range: Range<Int>) -> String {
    let slice = bytes[range]
    if let text = String(validating: slice, as: UTF8.self) { return text }
    if let text = String(bytes: slice, encoding: .shiftJIS) { return text }
    var latin1 = String.UnicodeScalarView()
    latin1.append(contentsOf: slice.map { Unicode.Scalar($0) })
    return String(latin1)
  }

  /// The text of line `index` (0-based).
  func line(_ index: Int) -> String { string(lines[index]) }

  /// `range` without leading and trailing blanks (space, tab).
  func trimmed(_ range: Range<Int>) -> Range<Int> {
    var lower = range.lowerBound, upper = range.upperBound
    while lower < upper && (bytes[lower] == 0x20 || bytes[lower] == 0x09) { lower += 1 }
    while upper > lower && (bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09) { upper -= 1 }
    return lower..<upper
  }

  /// Whether `range` holds only blanks.
  func isBlank(_ range: Range<Int>) -> Bool { trimmed(range).isEmpty }

  /// Whether the bytes of `range` start with the ASCII `prefix` (case-sensitive).
  func hasPrefix(_ range: Range<Int>, _ prefix: String) -> Bool {
    let p = Array(prefix.utf8)
    guard range.count >= p.count else { return false }
    for (k, c) in p.enumerated() where bytes[range.lowerBound + k] != c { return false }
    return true
  }

  /// The first byte of `range` after leading blanks, nil for a blank range.
  func firstByte(_ range: Range<Int>) -> UInt8? {
    let t = trimmed(range)
    return t.isEmpty ? nil : bytes[t.lowerBound]
  }

  // MARK: - Fields and numbers

  /// The fields of `range` separated by runs of blanks, or by single commas/semicolons (with blanks around
  /// them) when `commas` is true; empty fields between two commas are kept (as empty ranges).
  func fields(_ range: Range<Int>, commas: Bool = false) -> [Range<Int>] {
    var result: [Range<Int>] = []
    var i = range.lowerBound
    let end = range.upperBound
    if !commas {
      while i < end {
        while i < end && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
        let start = i
        while i < end && bytes[i] != 0x20 && bytes[i] != 0x09 { i += 1 }
        if i > start { result.append(start..<i) }
      }
      return result
    }
    var start = i
    while i <= end {
      if i == end || bytes[i] == 0x2C || bytes[i] == 0x3B {
        result.append(trimmed(start..<i))
        start = i + 1
      }
      i += 1
    }
    return result
  }

  /// The number in `range` (blanks around it allowed): decimal with optional sign, fraction and exponent, or
  /// `nan`/`NaN`; nil for anything else (hexadecimal, `inf`, trailing characters, empty).
  func double(_ range: Range<Int>) -> Double? {
    let t = trimmed(range)
    guard !t.isEmpty else { return nil }
    var digits = false
    for i in t {
      switch bytes[i] {
      case 0x30...0x39: digits = true
      case 0x2B, 0x2D, 0x2E, 0x45, 0x65: break           // + - . E e
      case 0x4E, 0x6E, 0x41, 0x61:                        // N n A a: only as "nan"
        guard t.count == 3 || (t.count == 4 && (bytes[t.lowerBound] == 0x2D || bytes[t.lowerBound] == 0x2B)) else {
          return nil
        }
      default: return nil
      }
    }
    if !digits {
      let word = String(decoding: bytes[t], as: UTF8.self).lowercased()
      return word == "nan" || word == "+nan" || word == "-nan" ? .nan : nil
    }
    // strtod reads as far as the number goes: a field glued to the next (fixed columns, "   32410   347")
    // is copied out first.
    switch bytes[t.upperBound] {
    case 0x30...0x39, 0x2B, 0x2D, 0x2E, 0x45, 0x65, 0x78, 0x58, 0x70, 0x50:
      var copy = Array(bytes[t])
      copy.append(0)
      return copy.withUnsafeBufferPointer { b -> Double? in
        let base = UnsafeRawPointer(b.baseAddress!).assumingMemoryBound(to: CChar.self)
        var endPointer: UnsafeMutablePointer<CChar>?
        let value = strtod(base, &endPointer)
        guard let endPointer, endPointer == UnsafeMutablePointer(mutating: base + t.count) else { return nil }
        return value
      }
    default:
      break
    }
    return bytes.withUnsafeBufferPointer { b -> Double? in
      let base = UnsafeRawPointer(b.baseAddress!).assumingMemoryBound(to: CChar.self)
      let start = base + t.lowerBound
      var endPointer: UnsafeMutablePointer<CChar>?
      let value = strtod(start, &endPointer)
      guard let endPointer, endPointer == UnsafeMutablePointer(mutating: base + t.upperBound) else { return nil }
      return value
    }
  }

  /// The integer in `range` (blanks around it allowed), nil for anything else.
  func int(_ range: Range<Int>) -> Int? {
    let t = trimmed(range)
    guard !t.isEmpty else { return nil }
    return Int(String(decoding: bytes[t], as: UTF8.self))
  }

  /// A fixed-column field: bytes `columns` of `line` (0-based, clipped to the line), for 80-column formats.
  func columns(_ line: Range<Int>, _ columns: Range<Int>) -> Range<Int> {
    let lower = min(line.lowerBound + columns.lowerBound, line.upperBound)
    let upper = min(line.lowerBound + columns.upperBound, line.upperBound)
    return lower..<upper
  }
}
