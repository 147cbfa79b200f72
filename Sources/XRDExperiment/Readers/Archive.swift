// The archive layer under the measured-file readers: gzip files (RFC 1952, magic 1f 8b) and ZIP archives
// (PKWARE APPNOTE, magic "PK\3\4"), inflated with zlib through the CZlib system library.
//
// ZIP archives are read through their central directory (names, sizes, CRC-32, local-header offsets), so a
// caller can list members and inflate the one it needs (a BRML reader asks for Experiment0/RawData0.xml).
// Methods: stored (0) and deflate (8). Every member's CRC-32 and size are checked; concatenated gzip
// members are joined, as gunzip does.
// Not done: ZIP64 (archives or members of 4 GiB and more), encrypted members, multi-disk archives, other
// methods (bzip2, LZMA, zstd): each gives a ``MeasurementError`` naming the archive and the member.

import CZlib
package import Foundation

/// Decompression of gzip files and ZIP archives; every failure is a ``MeasurementError`` naming the file.
package enum Archive {
  /// The container a file's first bytes announce.
  package enum Kind: Sendable, Equatable {
    case gzip, zip
  }

  /// The container `data` is, from its magic bytes: `1f 8b` gzip, `PK\3\4` (or `PK\5\6`, an empty archive) ZIP.
  package static func kind(of data: Data) -> Kind? {
    guard data.count >= 4 else { return nil }
    let b = data.prefix(4).map { $0 }
    if b[0] == 0x1f && b[1] == 0x8b { return .gzip }
    if b[0] == 0x50 && b[1] == 0x4b && ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6)) { return .zip }
    return nil
  }

  /// The name of a gzip file's content: `x.ras.gz` → `x.ras`; a name without `.gz`/`.gzip` is kept.
  package static func gunzippedName(_ name: String) -> String {
    let lower = name.lowercased()
    for suffix in [".gz", ".gzip"] where lower.hasSuffix(suffix) && lower.count > suffix.count {
      return String(name.dropLast(suffix.count))
    }
    return name
  }

  /// The inflated content of gzip data, every member concatenated (as `gunzip` does).
  ///
  /// zlib checks each member's CRC-32 and length trailer. Zero bytes after the last member (tape padding) are
  /// ignored; anything else after it is an error.
  /// - Throws: ``MeasurementError`` for a truncated or corrupt stream, with the byte offset reached.
  package static func gunzip(_ data: Data, file: String) throws(MeasurementError) -> Data {
    let bytes = [UInt8](data)
    var output = Data()
    var offset = 0
    repeat {
      let result = inflate(bytes, from: offset, count: bytes.count - offset, windowBits: 16 + MAX_WBITS,
                           sizeHint: bytes.count * 4)
      if let failure = result.failure {
        throw MeasurementError(file: file, offset: offset + result.consumed, field: "gzip", message: failure)
      }
      output.append(result.output)
      offset += result.consumed
      // Another member follows only if its magic does; trailing zeros are padding.
      if offset + 1 < bytes.count && bytes[offset] == 0x1f && bytes[offset + 1] == 0x8b { continue }
      if bytes[offset...].contains(where: { $0 != 0 }) {
        throw MeasurementError(file: file, offset: offset, field: "gzip",
                               message: "\(bytes.count - offset) bytes of unknown data after the compressed stream")
      }
      break
    } while true
    return output
  }

  // MARK: - ZIP

  /// A ZIP archive read through its central directory; members are inflated on demand.
  package struct Zip: Sendable {
    /// One member as the central directory lists it.
    package struct Entry: Sendable, Hashable {
      /// The member's path inside the archive, `/`-separated ("Experiment0/RawData0.xml").
      package var name: String
      /// 0 stored, 8 deflate; anything else is refused when the member is read.
      package var method: Int
      package var compressedSize: Int
      /// The inflated size in bytes.
      package var size: Int
      package var crc32: UInt32
      /// Bit 0: encrypted.
      package var flags: Int
      /// Offset of the member's local header from the start of the archive.
      package var headerOffset: Int

      /// Whether the entry is a folder (its name ends with "/").
      package var isDirectory: Bool { name.hasSuffix("/") }
    }

    /// The archive's file name, used in errors and as the prefix of member sources ("a.zip/member").
    package let file: String
    package let entries: [Entry]
    private let bytes: [UInt8]

    /// Reads the central directory of the ZIP archive `data`.
    /// - Throws: ``MeasurementError`` when the end-of-central-directory record is missing (a truncated
    ///   archive), the directory runs past the end of the file, or the archive is ZIP64 or multi-disk.
    package init(data: Data, file: String) throws(MeasurementError) {
      self.file = file
      bytes = [UInt8](data)
      entries = try Self.centralDirectory(bytes, file: file)
    }

    /// The entry named `name` (exact match first, then case-insensitive), nil when there is none.
    package func entry(named name: String) -> Entry? {
      entries.first { $0.name == name } ?? entries.first { $0.name.lowercased() == name.lowercased() }
    }

    /// The inflated content of the member `name`.
    /// - Throws: ``MeasurementError`` when there is no such member or it cannot be read.
    package func contents(ofMember name: String) throws(MeasurementError) -> Data {
      guard let entry = entry(named: name) else {
        throw MeasurementError(file: file, field: name, message: "no such member in the archive (it holds "
          + entries.prefix(8).map(\.name).joined(separator: ", ") + (entries.count > 8 ? ", …)" : ")"))
      }
      return try contents(of: entry)
    }

    /// The inflated content of `entry`, checked against its size and CRC-32.
    /// - Throws: ``MeasurementError`` naming "archive/member" for an unsupported method, encryption, a
    ///   member running past the end of the archive, corrupt deflate data, or a size or CRC mismatch.
    package func contents(of entry: Entry) throws(MeasurementError) -> Data {
      let member = "\(file)/\(entry.name)"
      let at = entry.headerOffset
      guard at >= 0, at + 30 <= bytes.count, Self.u32(bytes, at) == 0x0403_4b50 else {
        throw MeasurementError(file: member, offset: at, field: "local header",
                               message: "missing or truncated (the archive is corrupt or truncated)")
      }
      guard entry.flags & 1 == 0 else {
        throw MeasurementError(file: member, field: "flags", message: "encrypted members are not supported")
      }
      let start = at + 30 + Int(Self.u16(bytes, at + 26)) + Int(Self.u16(bytes, at + 28))
      guard start + entry.compressedSize <= bytes.count else {
        throw MeasurementError(file: member, offset: start, field: "data",
                               message: "the member's \(entry.compressedSize) compressed bytes run past the end of the archive (truncated)")
      }
      let output: Data
      switch entry.method {
      case 0:
        output = Data(bytes[start..<(start + entry.compressedSize)])
      case 8:
        let result = Archive.inflate(bytes, from: start, count: entry.compressedSize, windowBits: -MAX_WBITS,
                                     sizeHint: entry.size)
        if let failure = result.failure {
          throw MeasurementError(file: member, offset: start + result.consumed, field: "deflate", message: failure)
        }
        output = result.output
      default:
        throw MeasurementError(file: member, field: "method",
                               message: "compression method \(entry.method) is not supported (only stored and deflate)")
      }
      guard output.count == entry.size else {
        throw MeasurementError(file: member, field: "size",
                               message: "inflated to \(output.count) bytes, the directory says \(entry.size)")
      }
      let crc = output.withUnsafeBytes { raw -> UInt32 in
        guard let base = raw.bindMemory(to: Bytef.self).baseAddress else { return 0 }
        return UInt32(truncatingIfNeeded: CZlib.crc32(0, base, uInt(raw.count)))
      }
      guard crc == entry.crc32 else {
        throw MeasurementError(file: member, field: "CRC-32", message: String(
          format: "checksum %08x does not match the directory's %08x (corrupt member)", crc, entry.crc32))
      }
      return output
    }

    private static func centralDirectory(_ bytes: [UInt8], file: String) throws(MeasurementError) -> [Entry] {
      // The end-of-central-directory record: 22 bytes plus a comment of up to 65535 bytes, at the end.
      var eocd = -1
      var i = bytes.count - 22
      while i >= max(0, bytes.count - 22 - 65535) {
        if bytes[i] == 0x50 && u32(bytes, i) == 0x0605_4b50 { eocd = i; break }
        i -= 1
      }
      guard eocd >= 0 else {
        throw MeasurementError(file: file, field: "end of central directory",
                               message: "not found: the ZIP archive is truncated or corrupt")
      }
      let disk = Int(u16(bytes, eocd + 4)), directoryDisk = Int(u16(bytes, eocd + 6))
      let count = Int(u16(bytes, eocd + 10))
      let size = Int(u32(bytes, eocd + 12)), offset = Int(u32(bytes, eocd + 16))
      guard disk == 0 && directoryDisk == 0 else {
        throw MeasurementError(file: file, offset: eocd, field: "disk", message: "multi-disk ZIP archives are not supported")
      }
      guard count != 0xFFFF && size != 0xFFFF_FFFF && offset != 0xFFFF_FFFF else {
        throw MeasurementError(file: file, offset: eocd, field: "ZIP64", message: "ZIP64 archives are not supported")
      }
      guard offset + size <= eocd else {
        throw MeasurementError(file: file, offset: eocd, field: "central directory",
                               message: "offset \(offset) + size \(size) runs past its end record at \(eocd) (truncated or corrupt)")
      }
      var entries: [Entry] = []
      var p = offset
      for n in 0..<count {
        guard p + 46 <= offset + size, u32(bytes, p) == 0x0201_4b50 else {
          throw MeasurementError(file: file, offset: p, field: "central directory entry \(n + 1)",
                                 message: "missing or truncated")
        }
        let nameLength = Int(u16(bytes, p + 28)), extraLength = Int(u16(bytes, p + 30))
        let commentLength = Int(u16(bytes, p + 32))
        let end = p + 46 + nameLength + extraLength + commentLength
        guard end <= offset + size else {
          throw MeasurementError(file: file, offset: p, field: "central directory entry \(n + 1)", message: "truncated")
        }
        let nameBytes = Array(bytes[(p + 46)..<(p + 46 + nameLength)])
        let name = String(bytes: nameBytes, encoding: .utf8) ?? String(bytes: nameBytes, encoding: .isoLatin1) ?? ""
        let compressedSize = Int(u32(bytes, p + 20)), uncompressedSize = Int(u32(bytes, p + 24))
        let headerOffset = Int(u32(bytes, p + 42))
        guard compressedSize != 0xFFFF_FFFF && uncompressedSize != 0xFFFF_FFFF && headerOffset != 0xFFFF_FFFF else {
          throw MeasurementError(file: "\(file)/\(name)", field: "ZIP64", message: "ZIP64 members are not supported")
        }
        entries.append(Entry(
          name: name, method: Int(u16(bytes, p + 10)), compressedSize: compressedSize, size: uncompressedSize,
          crc32: u32(bytes, p + 16), flags: Int(u16(bytes, p + 8)), headerOffset: headerOffset))
        p = end
      }
      return entries
    }

    private static func u16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ at: Int) -> UInt32 {
      UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }
  }

  // MARK: - zlib

  /// The largest inflated size accepted (a guard against decompression bombs), 1 GiB.
  static let maximumInflatedSize = 1 << 30

  /// Inflates `count` bytes of `bytes` from `start`: `windowBits` 16 + 15 for one gzip member, −15 for raw
  /// deflate (ZIP). Returns what was inflated, the input bytes consumed, and a message when the stream is
  /// corrupt or ends before its end marker (truncated).
  fileprivate static func inflate(_ bytes: [UInt8], from start: Int, count: Int, windowBits: Int32,
                                  sizeHint: Int) -> (output: Data, consumed: Int, failure: String?) {
    var output = Data()
    output.reserveCapacity(min(max(sizeHint, 1 << 12), maximumInflatedSize))
    var stream = z_stream()
    guard czlib_inflate_init2(&stream, windowBits) == Z_OK else {
      return (output, 0, "zlib could not be initialised")
    }
    defer { inflateEnd(&stream) }
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var failure: String?
    var consumed = 0
    bytes.withUnsafeBufferPointer { input in
      guard let base = input.baseAddress else { failure = "no data"; return }
      stream.next_in = UnsafeMutablePointer(mutating: base + start)
      stream.avail_in = uInt(clamping: count)
      chunk.withUnsafeMutableBufferPointer { out in
        while true {
          stream.next_out = out.baseAddress
          stream.avail_out = uInt(out.count)
          let status = CZlib.inflate(&stream, Z_NO_FLUSH)
          let produced = out.count - Int(stream.avail_out)
          if produced > 0 { output.append(out.baseAddress!, count: produced) }
          consumed = count - Int(stream.avail_in)
          if status == Z_STREAM_END { return }
          if output.count > maximumInflatedSize {
            failure = "inflates to more than \(maximumInflatedSize >> 20) MiB"
            return
          }
          if status == Z_OK { continue }
          if status == Z_BUF_ERROR && stream.avail_in == 0 {
            failure = "the compressed stream ends early (truncated file)"
          } else {
            let detail = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
            failure = "corrupt compressed data (\(detail))"
          }
          return
        }
      }
    }
    return (output, consumed, failure)
  }
}
