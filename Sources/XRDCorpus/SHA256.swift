// SHA-256 of FIPS 180-4 (Secure Hash Standard, NIST 2015, §6.2), for the per-file checksums of a manifest.
//
// A plain streaming implementation: 64-byte blocks, the 64-round compression function with the constants
// K₀…K₆₃ (first 32 bits of the fractional parts of the cube roots of the first 64 primes) and the initial
// hash H⁽⁰⁾ (square roots of the first 8 primes). Checked against the FIPS 180-4 example vectors and the
// NIST "one million a" vector in NPYTests.swift.
// Not done: SHA-224/384/512, HMAC, hardware acceleration (a corpus is hashed once per shard, ~0.5 GB/s is
// plenty next to simulation). No package dependency (CryptoKit is not on Linux; swift-crypto is not wanted).

package import Foundation

/// A running SHA-256 digest: feed bytes with ``update(_:)``, read the digest once with ``finalize()``.
package struct SHA256: Sendable {
  private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
    (0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19)
  /// Bytes waiting for a full 64-byte block (fewer than 64).
  private var buffer: [UInt8] = []
  /// Message length so far in bytes.
  private var length: UInt64 = 0

  package init() { buffer.reserveCapacity(64) }

  /// Adds bytes to the message.
  package mutating func update(_ bytes: some Sequence<UInt8>) {
    if let done = bytes.withContiguousStorageIfAvailable({ update(buffer: UnsafeRawBufferPointer($0)) }) {
      return done
    }
    update(Array(bytes))
  }

  /// Adds the bytes of a raw buffer to the message.
  package mutating func update(buffer input: UnsafeRawBufferPointer) {
    length &+= UInt64(input.count)
    var offset = 0
    if !buffer.isEmpty {
      let take = min(64 - buffer.count, input.count)
      buffer.append(contentsOf: input[0..<take])
      offset = take
      if buffer.count == 64 {
        buffer.withUnsafeBytes { compress($0.baseAddress!) }
        buffer.removeAll(keepingCapacity: true)
      }
    }
    while input.count - offset >= 64 {
      compress(input.baseAddress! + offset)
      offset += 64
    }
    if offset < input.count { buffer.append(contentsOf: input[offset...]) }
  }

  /// The 32-byte digest of everything added (the value is spent: do not update it afterwards).
  package mutating func finalize() -> [UInt8] {
    let bitLength = length &* 8
    var tail = buffer
    tail.append(0x80)
    while tail.count % 64 != 56 { tail.append(0) }
    for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
    tail.withUnsafeBytes { raw in
      var p = 0
      while p < raw.count { compress(raw.baseAddress! + p); p += 64 }
    }
    buffer.removeAll()
    var out: [UInt8] = []
    out.reserveCapacity(32)
    for word in [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7] {
      out += [UInt8(word >> 24), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8),
              UInt8(truncatingIfNeeded: word)]
    }
    return out
  }

  /// The digest as 64 lower-case hex digits.
  package mutating func finalizeHex() -> String { Self.hex(finalize()) }

  /// Lower-case hex of a byte string.
  package static func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(bytes.count * 2)
    for b in bytes { text.append(digits[Int(b >> 4)]); text.append(digits[Int(b & 15)]) }
    return String(decoding: text, as: UTF8.self)
  }

  /// Hex SHA-256 of a byte string.
  package static func hash(_ bytes: some Sequence<UInt8>) -> String {
    var h = SHA256()
    h.update(bytes)
    return h.finalizeHex()
  }

  /// Hex SHA-256 and size in bytes of a file, read in 1 MiB pieces.
  package static func hash(fileAt url: URL) throws -> (sha256: String, bytes: Int) {
    let handle = try FileHandle(forReadingFrom: url)
    defer { try? handle.close() }
    var h = SHA256()
    var total = 0
    while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
      total += data.count
      data.withUnsafeBytes { h.update(buffer: $0) }
    }
    return (h.finalizeHex(), total)
  }

  // MARK: - Compression (FIPS 180-4 §6.2.2)

  private static let k: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
    0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
    0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
    0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
    0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
    0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
    0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
  ]

  @inline(__always) private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

  private mutating func compress(_ block: UnsafeRawPointer) {
    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
      for t in 0..<16 {
        let b = block + 4 * t
        w[t] = UInt32(b.load(as: UInt8.self)) << 24 | UInt32(b.load(fromByteOffset: 1, as: UInt8.self)) << 16
          | UInt32(b.load(fromByteOffset: 2, as: UInt8.self)) << 8 | UInt32(b.load(fromByteOffset: 3, as: UInt8.self))
      }
      for t in 16..<64 {
        let s0 = Self.rotr(w[t - 15], 7) ^ Self.rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
        let s1 = Self.rotr(w[t - 2], 17) ^ Self.rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
        w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
      }
      var (a, b, c, d, e, f, g, h) = state
      Self.k.withUnsafeBufferPointer { k in
        for t in 0..<64 {
          let s1 = Self.rotr(e, 6) ^ Self.rotr(e, 11) ^ Self.rotr(e, 25)
          let ch = (e & f) ^ (~e & g)
          let t1 = h &+ s1 &+ ch &+ k[t] &+ w[t]
          let s0 = Self.rotr(a, 2) ^ Self.rotr(a, 13) ^ Self.rotr(a, 22)
          let maj = (a & b) ^ (a & c) ^ (b & c)
          let t2 = s0 &+ maj
          h = g; g = f; f = e; e = d &+ t1
          d = c; c = b; b = a; a = t1 &+ t2
        }
      }
      state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d,
               state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ h)
    }
  }
}
