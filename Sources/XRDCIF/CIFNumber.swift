// CIF numeric values with standard uncertainty: `-1.234(5)`, `.5`, `2.1E+02(3)`.
//
// The grammar is CIF 1.1's Numeric production: sign? (digits | digits '.' digits? | '.' digits) exponent?
// then an optional s.u. "(digits)" that applies to the last written digit. Decimal conversion is done by
// the standard library (correctly rounded); this file only validates and splits the text.
// Not done: Fortran 'D' exponents, s.u. with a decimal point ("1.23(0.5)"), hexadecimal.

enum CIFNumber {
  /// Value and s.u. of a CIF number, or `nil` if the bytes are not exactly one CIF number.
  static func parse(_ b: UnsafeBufferPointer<UInt8>) -> (value: Double, uncertainty: Double?)? {
    let n = b.count
    var i = 0
    if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
    var digits = 0
    while i < n, isDigit(b[i]) { i += 1; digits += 1 }
    var fractionDigits = 0
    if i < n, b[i] == UInt8(ascii: ".") {
      i += 1
      while i < n, isDigit(b[i]) { i += 1; fractionDigits += 1 }
    }
    guard digits + fractionDigits > 0 else { return nil }
    var exponent = 0
    if i < n, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
      i += 1
      var negative = false
      if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
        negative = b[i] == UInt8(ascii: "-")
        i += 1
      }
      let start = i
      while i < n, isDigit(b[i]) {
        exponent = min(exponent * 10 + Int(b[i] &- UInt8(ascii: "0")), 1_000_000)  // beyond any Double
        i += 1
      }
      guard i > start else { return nil }
      if negative { exponent = -exponent }
    }
    let numberEnd = i
    var uncertaintyDigits: Range<Int>? = nil
    if i < n, b[i] == UInt8(ascii: "(") {
      i += 1
      let start = i
      while i < n, isDigit(b[i]) { i += 1 }
      guard i > start, i < n, b[i] == UInt8(ascii: ")") else { return nil }
      uncertaintyDigits = start..<i
      i += 1
    }
    guard i == n else { return nil }
    guard let value = Double(String(decoding: UnsafeBufferPointer(rebasing: b[0..<numberEnd]), as: UTF8.self)),
      value.isFinite
    else { return nil }
    guard let range = uncertaintyDigits else { return (value, nil) }
    // "1.234(5)" → 5e-3: the s.u. digits scaled like the last written digit of the number.
    let su = String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self)
    let uncertainty = Double("\(su)e\(exponent - fractionDigits)").flatMap { $0.isFinite ? $0 : nil }
    return (value, uncertainty)
  }

  @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }
}
