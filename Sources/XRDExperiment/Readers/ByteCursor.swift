// A bounds-checked little-endian reader over a binary file's bytes, shared by the Bruker RAW and STOE readers.
//
// Every read names the field it is for; a read past the end (a truncated file) or a value no file can hold
// (a non-finite float, a count larger than the bytes left) throws a ``MeasurementError`` carrying the file
// name, the byte offset and that field, so a corrupt file never traps and never triggers a giant allocation.
// Not done: big-endian files (none of the formats read here are).

import Foundation

/// Little-endian reads at absolute byte offsets of a file's bytes, each bounds-checked.
struct ByteCursor {
  /// The file name used in errors.
  let file: String
  private let bytes: [UInt8]

  init(_ data: Data, file: String) {
    self.file = file
    bytes = data.withUnsafeBytes { Array($0.bindMemory(to: UInt8.self)) }  // one copy, not a byte-wise walk
  }

  /// The file size in bytes.
  var count: Int { bytes.count }

  /// Whether the bytes `offset ..< offset + length` exist.
  func contains(_ offset: Int, length: Int) -> Bool {
    offset >= 0 && length >= 0 && offset <= bytes.count && length <= bytes.count - offset
  }

  /// Throws unless the bytes `offset ..< offset + length` exist.
  func require(_ offset: Int, length: Int, field: String) throws(MeasurementError) {
    guard contains(offset, length: length) else {
      if offset < 0 || offset > bytes.count || length < 0 {
        throw error(at: max(0, min(offset, bytes.count)), field: field,
                    message: "points outside the file (byte \(offset), the file has \(bytes.count) bytes)")
      }
      throw error(at: offset, field: field, message: "the file ends at byte \(bytes.count), but \(length) bytes "
        + "are needed from byte \(offset) (truncated file?)")
    }
  }

  /// A ``MeasurementError`` at byte `offset` of this file.
  func error(at offset: Int, field: String, message: String) -> MeasurementError {
    MeasurementError(file: file, offset: offset, field: field, message: message)
  }

  func uint8(at offset: Int, field: String) throws(MeasurementError) -> UInt8 {
    try require(offset, length: 1, field: field)
    return bytes[offset]
  }

  func uint16(at offset: Int, field: String) throws(MeasurementError) -> UInt16 {
    try require(offset, length: 2, field: field)
    return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
  }

  func int16(at offset: Int, field: String) throws(MeasurementError) -> Int16 {
    Int16(bitPattern: try uint16(at: offset, field: field))
  }

  func uint32(at offset: Int, field: String) throws(MeasurementError) -> UInt32 {
    try require(offset, length: 4, field: field)
    return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
      | UInt32(bytes[offset + 3]) << 24
  }

  func int32(at offset: Int, field: String) throws(MeasurementError) -> Int32 {
    Int32(bitPattern: try uint32(at: offset, field: field))
  }

  func uint64(at offset: Int, field: String) throws(MeasurementError) -> UInt64 {
    try require(offset, length: 8, field: field)
    var value: UInt64 = 0
    for i in (0..<8).reversed() { value = value << 8 | UInt64(bytes[offset + i]) }
    return value
  }

  /// An IEEE-754 single, which may be NaN or infinite (see ``finiteFloat32(at:field:)``).
  func float32(at offset: Int, field: String) throws(MeasurementError) -> Float {
    Float(bitPattern: try uint32(at: offset, field: field))
  }

  /// An IEEE-754 double, which may be NaN or infinite (see ``finiteFloat64(at:field:)``).
  func float64(at offset: Int, field: String) throws(MeasurementError) -> Double {
    Double(bitPattern: try uint64(at: offset, field: field))
  }

  /// A single that must be finite.
  func finiteFloat32(at offset: Int, field: String) throws(MeasurementError) -> Double {
    let value = try float32(at: offset, field: field)
    guard value.isFinite else { throw error(at: offset, field: field, message: "not a finite number (\(value))") }
    return Double(value)
  }

  /// A double that must be finite.
  func finiteFloat64(at offset: Int, field: String) throws(MeasurementError) -> Double {
    let value = try float64(at: offset, field: field)
    guard value.isFinite else { throw error(at: offset, field: field, message: "not a finite number (\(value))") }
    return value
  }

  /// A fixed-width text field: up to the first NUL, UTF-8 (Latin-1 when not valid UTF-8), surrounding white
  /// space and control characters removed.
  func string(at offset: Int, length: Int, field: String) throws(MeasurementError) -> String {
    try require(offset, length: length, field: field)
    var field = bytes[offset ..< offset + length]
    if let nul = field.firstIndex(of: 0) { field = field[..<nul] }
    let text = String(validating: field, as: UTF8.self)
      ?? String(field.map { Character(Unicode.Scalar($0)) })
    return text.trimmingCharacters(in: .whitespacesAndNewlines.union(.controlCharacters))
  }

  /// Whether the bytes at `offset` are `prefix`'s ASCII (false past the end).
  func hasPrefix(_ prefix: String, at offset: Int = 0) -> Bool {
    let ascii = Array(prefix.utf8)
    guard contains(offset, length: ascii.count) else { return false }
    return bytes[offset ..< offset + ascii.count].elementsEqual(ascii)
  }

  /// `count` little-endian values of `size` bytes each from `offset`, decoded by `decode` and required to be
  /// finite. The length is checked against the file before anything is allocated.
  func values(at offset: Int, count: Int, size: Int, field: String,
              _ decode: (UInt64) -> Double) throws(MeasurementError) -> [Double] {
    guard count >= 0, size > 0, count <= (bytes.count + size) / size else {
      throw error(at: offset, field: field, message: "\(count) values of \(size) bytes cannot fit in a file of \(bytes.count) bytes")
    }
    try require(offset, length: count * size, field: field)
    var result = [Double]()
    result.reserveCapacity(count)
    for i in 0..<count {
      let at = offset + i * size
      var raw: UInt64 = 0
      for k in (0..<size).reversed() { raw = raw << 8 | UInt64(bytes[at + k]) }
      let value = decode(raw)
      guard value.isFinite else {
        throw error(at: at, field: "\(field) [\(i)]", message: "not a finite number (\(value))")
      }
      result.append(value)
    }
    return result
  }

  /// `count` float32 values from `offset`, required to be finite (a direct loop: this is every file's bulk).
  func float32s(at offset: Int, count: Int, field: String) throws(MeasurementError) -> [Double] {
    guard count >= 0, count <= bytes.count / 4 + 1 else {
      throw error(at: offset, field: field, message: "\(count) values of 4 bytes cannot fit in a file of \(bytes.count) bytes")
    }
    try require(offset, length: count * 4, field: field)
    var result = [Double](repeating: 0, count: count)
    var at = offset
    for i in 0..<count {
      let raw = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
      let value = Float(bitPattern: raw)
      guard value.isFinite else {
        throw error(at: at, field: "\(field) [\(i)]", message: "not a finite number (\(value))")
      }
      result[i] = Double(value)
      at += 4
    }
    return result
  }
}
