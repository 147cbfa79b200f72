// JSON text as xrdpattern writes it: Python `json.dumps` (", " and ": " separators, non-ASCII as \uXXXX) for
// the outer object and the atom basis, orjson (compact, UTF-8 as is) for the dataclasses, and Python's
// `str(float)` for numbers that xrdpattern stores as strings.
//
// Numbers: Swift's `description` gives the shortest round-trip digits, as Python's `repr` does; only the layout
// differs (Swift writes 3.4e+10 where Python writes 34000000000.0), so the digits are re-laid out Python's way,
// and xrdpattern writing a loaded file back reproduces it byte for byte. Not done: NaN and infinities
// (xrdpattern rejects them; the writer throws first).

/// Builds JSON text in xrdpattern's spelling.
package enum OpXRDJSON {
  /// Key/value separators of Python's `json.dumps` defaults (", ", ": ") or of orjson (",", ":").
  package enum Style { case python, orjson }

  /// A JSON object from already-encoded member values, keys in the given order.
  package static func object(_ members: KeyValuePairs<String, String>, style: Style) -> String {
    let (comma, colon) = style == .python ? (", ", ": ") : (",", ":")
    return "{" + members.map { string($0.key, style: style) + colon + $0.value }.joined(separator: comma) + "}"
  }

  /// A JSON array from already-encoded elements.
  package static func array(_ elements: [String], style: Style) -> String {
    "[" + elements.joined(separator: style == .python ? ", " : ",") + "]"
  }

  /// A JSON string literal. Both styles escape `"`, `\` and control characters (\b \f \n \r \t, else \u00XX);
  /// the Python style also escapes every non-ASCII scalar (`ensure_ascii=True`, UTF-16 surrogate pairs).
  package static func string(_ text: String, style: Style) -> String {
    var out = "\""
    out.reserveCapacity(text.utf8.count + 2)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      default:
        if scalar.value < 0x20 || (style == .python && scalar.value > 0x7E) {
          for unit in String(scalar).utf16 { out += "\\u" + hex4(unit) }
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  private static func hex4(_ unit: UInt16) -> String {
    let digits = String(unit, radix: 16)
    return String(repeating: "0", count: 4 - digits.count) + digits
  }

  /// A JSON number as Python prints a float ("1.0", "0.25", "1e-05", "34000000000.0"). Requires a finite value.
  package static func number(_ value: Double) -> String {
    precondition(value.isFinite, "JSON has no \(value)")
    return pythonRepr(shortest: value.description)
  }

  /// A float32 as Python prints the float64 nearest to its shortest decimal ("7264.0", "0.1"), which reads
  /// back as the same float32. (A float32's shortest decimal has at most 9 digits, so the float64 read from it
  /// prints as the same digits.)
  package static func number(_ value: Float) -> String {
    precondition(value.isFinite, "JSON has no \(value)")
    return pythonRepr(shortest: value.description)
  }

  /// Respells Swift's shortest round-trip decimal ("3.4e+10", "1e-05", "174.5") in Python's `repr` layout
  /// (CPython `format_float_short`, mode 'r'): the same digits, positional unless the decimal exponent is below
  /// −4 or at least 16, then `d.ddde±XX`; positional numbers always have a fraction ("90.0").
  package static func pythonRepr(shortest text: String) -> String {
    var rest = Substring(text)
    var sign = ""
    if rest.hasPrefix("-") { sign = "-"; rest = rest.dropFirst() }
    var exponent = 0
    if let e = rest.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      exponent = Int(rest[rest.index(after: e)...]) ?? 0
      rest = rest[..<e]
    }
    let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
    var digits = Array(parts[0] + (parts.count > 1 ? parts[1] : ""))
    // The value is 0.DIGITS × 10^point: the decimal point sits after `point` digits.
    var point = parts[0].count + exponent
    while digits.count > 1, digits.first == "0" { digits.removeFirst(); point -= 1 }
    while digits.count > 1, digits.last == "0" { digits.removeLast() }
    guard digits != ["0"] else { return sign + "0.0" }
    let all = String(digits)
    if point > -4 && point <= 16 {
      if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + all }
      if point >= digits.count { return sign + all + String(repeating: "0", count: point - digits.count) + ".0" }
      return sign + String(digits[..<point]) + "." + String(digits[point...])
    }
    let e = point - 1
    let mantissa = digits.count == 1 ? all : String(digits[0]) + "." + String(digits[1...])
    return sign + mantissa + "e" + (e < 0 ? "-" : "+") + (abs(e) < 10 ? "0" : "") + String(abs(e))
  }

  /// `str(x)` of a Python float, as a JSON string (how xrdpattern stores optional floats), or `null`.
  package static func pythonFloatString(_ value: Double?, style: Style) -> String {
    value.map { string(number($0), style: style) } ?? "null"
  }

  package static let null = "null"
}
