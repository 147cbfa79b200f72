// A parsed CIF: its data blocks in file order, and the warnings about what was accepted leniently.
//
// Entry points: a String, bytes, or a file URL. All parse the UTF-8 bytes directly (no Character
// iteration); a 300 kB CIF parses in milliseconds in release builds. Not done: gzip, CIF writing.

public import Foundation

/// A parsed CIF file or string: data blocks in order, looked up by name case-insensitively.
///
/// ```swift
/// let cif = try CIFDocument(contentsOf: URL(fileURLWithPath: "NaCl.cif"))
/// let a = cif.blocks[0].value("_cell_length_a")?.number        // 5.6402
/// let x = cif.blocks[0].values("_atom_site.fract_x")            // DDLm or DDL1 name
/// ```
public struct CIFDocument: Sendable {
  /// The file name given (`URL.lastPathComponent`), `nil` for a string; it prefixes every location.
  public var fileName: String?
  /// The data blocks in file order (`global_` blocks too, named `global_`).
  public var blocks: [CIFBlock]
  /// What was accepted leniently, in file order: repeated tags and block names, unquoted values with
  /// blanks, Latin-1 bytes. See the module overview for the full leniency list.
  public var warnings: [CIFWarning]
  /// `true` when the text starts with the CIF 2.0 magic comment `#\#CIF_2.0`.
  public var isCIF2: Bool

  /// Parses CIF text. `fileName` is only used in locations and messages.
  public init(parsing text: String, fileName: String? = nil) throws(CIFError) {
    var text = text
    let result = text.withUTF8 { bytes in
      Result { () throws(CIFError) in try CIFDocument.parse(bytes, fileName: fileName) }
    }
    self = try result.get()
  }

  /// Parses CIF bytes: UTF-8 (with or without a byte-order mark), bytes that are not UTF-8 read as Latin-1.
  public init(bytes: some Collection<UInt8>, fileName: String? = nil) throws(CIFError) {
    let result = bytes.withContiguousStorageIfAvailable { buffer in
      Result { () throws(CIFError) in try CIFDocument.parse(buffer, fileName: fileName) }
    }
    if let result {
      self = try result.get()
    } else {
      self = try CIFDocument(bytes: Array(bytes), fileName: fileName)
    }
  }

  /// Reads and parses a file; `fileName` becomes `url.lastPathComponent`.
  ///
  /// A missing or unreadable file, a directory, or a URL that is not a `file:` URL throws
  /// ``CIFError/Kind/unreadableFile(reason:)`` (line 0). Compressed files are not read (``CIFError/Kind/notText``).
  public init(contentsOf url: URL) throws(CIFError) {
    let name = url.lastPathComponent
    guard url.isFileURL else {
      throw CIFError(
        kind: .unreadableFile(reason: "not a file URL: \(url.absoluteString)"),
        location: SourceLocation(file: name, line: 0, column: 0))
    }
    func unreadable(_ reason: String) -> CIFError {
      CIFError(kind: .unreadableFile(reason: reason), location: SourceLocation(file: name, line: 0, column: 0))
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      throw unreadable("no such file: \(url.path)")
    }
    if isDirectory.boolValue { throw unreadable("is a directory: \(url.path)") }
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw unreadable(error.localizedDescription)
    }
    let result = data.withUnsafeBytes { raw in
      Result { () throws(CIFError) in try CIFDocument.parse(raw.bindMemory(to: UInt8.self), fileName: name) }
    }
    self = try result.get()
  }

  /// The first block with this name (without `data_`), compared case-insensitively.
  public subscript(blockName: String) -> CIFBlock? {
    blocks.first { TagName.equalIgnoringCase($0.name, blockName) }
  }

  private init(fileName: String?, blocks: [CIFBlock], warnings: [CIFWarning], isCIF2: Bool) {
    self.fileName = fileName
    self.blocks = blocks
    self.warnings = warnings
    self.isCIF2 = isCIF2
  }

  // MARK: - Parsing

  private static func parse(_ raw: UnsafeBufferPointer<UInt8>, fileName: String?) throws(CIFError) -> CIFDocument {
    let input = try CIFInput(raw, fileName: fileName)
    if let repaired = input.repaired {
      let result = repaired.withUnsafeBufferPointer { bytes in
        Result { () throws(CIFError) in try parseLexable(bytes, input: input, fileName: fileName) }
      }
      return try result.get()
    }
    return try parseLexable(raw, input: input, fileName: fileName)
  }

  private static func parseLexable(
    _ bytes: UnsafeBufferPointer<UInt8>, input: CIFInput, fileName: String?
  ) throws(CIFError) -> CIFDocument {
    var parser = CIFParser(lexer: CIFLexer(bytes: bytes, fileName: fileName, isASCII: input.isASCII))
    try parser.parse()
    var warnings = parser.warnings
    if let location = input.firstLatin1Byte {
      warnings.insert(CIFWarning(kind: .latin1Bytes, location: location), at: 0)
    }
    return CIFDocument(fileName: fileName, blocks: parser.blocks, warnings: warnings, isCIF2: parser.lexer.isCIF2)
  }
}
