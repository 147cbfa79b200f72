// Tag and block-name comparison: case-insensitive, and for tags `.` equal to `_`.
//
// DDLm (CIF 2.0 dictionaries) writes `_atom_site.fract_x` where DDL1 writes `_atom_site_fract_x`;
// the two name the same item, so every lookup folds `.` to `_`. Case folding is ASCII only: every
// name in the IUCr dictionaries is ASCII, and other bytes compare exactly.

enum TagName {
  /// The lookup key of a tag: ASCII lower case, `.` replaced by `_`.
  static func normalized(_ tag: String) -> String {
    var tag = tag
    return tag.withUTF8 { normalized(UnsafeBufferPointer(rebasing: $0[...])) }
  }

  static func normalized(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    String(unsafeUninitializedCapacity: bytes.count) { out in
      var i = 0
      while i < bytes.count {
        out[i] = fold(bytes[i])
        i += 1
      }
      return bytes.count
    }
  }

  /// ASCII lower case (block names).
  static func lowercased(_ name: String) -> String {
    String(decoding: name.utf8.map(lower), as: UTF8.self)
  }

  /// Tag equality under the normalization, without allocating.
  static func equal(_ a: String, _ b: String) -> Bool {
    a.utf8.elementsEqual(b.utf8) { fold($0) == fold($1) }
  }

  /// Block-name equality: ASCII case-insensitive (no `.`/`_` folding).
  static func equalIgnoringCase(_ a: String, _ b: String) -> Bool {
    a.utf8.elementsEqual(b.utf8) { lower($0) == lower($1) }
  }

  @inline(__always) static func fold(_ c: UInt8) -> UInt8 {
    c == UInt8(ascii: ".") ? UInt8(ascii: "_") : lower(c)
  }

  @inline(__always) static func lower(_ c: UInt8) -> UInt8 {
    c &- UInt8(ascii: "A") < 26 ? c | 0x20 : c
  }
}
