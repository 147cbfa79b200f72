// Bad input: every CIFError.Kind, with the exact line and column it must report.
//
// Each case is the smallest text that shows the defect; several kinds have more than one way to arise,
// and each way is a case of its own.

import Foundation
import Testing
import XRDCIF

struct ErrorCase: Sendable, CustomTestStringConvertible {
  var name: String
  var text: String
  var kind: CIFError.Kind
  var line: Int
  var column: Int
  var testDescription: String { name }
}

let cif2 = "#\\#CIF_2.0\n"

let errorCases: [ErrorCase] = [
  ErrorCase(name: "NUL byte", text: "data_x\n_a 1\n_b \0", kind: .notText, line: 3, column: 4),
  ErrorCase(name: "quote not closed on its line", text: "data_x\n_a 'abc\n_b 1\n", kind: .unterminatedString, line: 2, column: 4),
  ErrorCase(name: "inner quote does not close", text: "data_x\n_a 'it'sx\n", kind: .unterminatedString, line: 2, column: 4),
  ErrorCase(name: "double quote at end of text", text: "data_x\n_a \"abc", kind: .unterminatedString, line: 2, column: 4),
  ErrorCase(name: "CIF 2.0 triple quote not closed", text: cif2 + "data_x\n_a '''abc\n\n", kind: .unterminatedString, line: 3, column: 4),
  ErrorCase(name: "text field not closed", text: "data_x\n_a\n;abc\ndef\n", kind: .unterminatedTextField, line: 3, column: 1),
  ErrorCase(name: "tag followed by tag", text: "data_x\n_a\n_b 1\n", kind: .missingValue(tag: "_a"), line: 2, column: 1),
  ErrorCase(name: "tag at end of text", text: "data_x\n_b 1\n  _a", kind: .missingValue(tag: "_a"), line: 3, column: 3),
  ErrorCase(name: "tag followed by loop_", text: "data_x\n_a loop_ _b 1", kind: .missingValue(tag: "_a"), line: 2, column: 1),
  ErrorCase(name: "tag followed by data_", text: "data_x\n_Cell_Length_A\ndata_y\n", kind: .missingValue(tag: "_Cell_Length_A"), line: 2, column: 1),
  ErrorCase(name: "CIF 2.0 table key without value", text: cif2 + "data_x\n_t {'k': }\n", kind: .missingValue(tag: "k"), line: 3, column: 5),
  ErrorCase(
    name: "loop value count", text: "data_x\n\nloop_\n_atom_site_label\n_atom_site_fract_x\nNa 0 Cl\n",
    kind: .loopValueCount(prefix: "_atom_site_label", values: 3, tags: 2), line: 3, column: 1),
  ErrorCase(
    name: "loop value count before stop_", text: "data_x\nloop_ _a _b _c\n1 2 3 4 stop_\n",
    kind: .loopValueCount(prefix: "_a", values: 4, tags: 3), line: 2, column: 1),
  ErrorCase(name: "loop_ without tags", text: "data_x\n  loop_\n1 2\n", kind: .emptyLoop, line: 2, column: 3),
  ErrorCase(name: "loop_ followed by loop_", text: "data_x\nloop_ loop_ _a 1\n", kind: .emptyLoop, line: 2, column: 1),
  ErrorCase(name: "value after a quoted value", text: "data_x\n_a 'b' c\n", kind: .unexpectedValue("c"), line: 2, column: 8),
  ErrorCase(name: "second line of values", text: "data_x\n_a b\n'c'\n", kind: .unexpectedValue("'c'"), line: 3, column: 1),
  ErrorCase(name: "CIF 2.0 text glued to a quote", text: cif2 + "data_x\n_a 'b'c\n", kind: .unexpectedValue("c"), line: 3, column: 7),
  ErrorCase(name: "CIF 2.0 unquoted table key", text: cif2 + "data_x\n_a {k:1}\n", kind: .unexpectedValue("k:1"), line: 3, column: 5),
  ErrorCase(name: "tag before data_", text: "# header\n\n  _a 1\ndata_x\n", kind: .valueBeforeDataBlock, line: 3, column: 3),
  ErrorCase(name: "loop_ before data_", text: "loop_ _a 1\ndata_x\n", kind: .valueBeforeDataBlock, line: 1, column: 1),
  ErrorCase(name: "tag twice in a loop", text: "data_x\nloop_\n_a\n_A\n1 2\n", kind: .duplicateTag("_A"), line: 4, column: 1),
  ErrorCase(
    name: "DDLm and DDL1 name in one loop", text: "data_x\nloop_ _atom_site.label _atom_site_label\nA B\n",
    kind: .duplicateTag("_atom_site_label"), line: 2, column: 24),
  ErrorCase(name: "CIF 2.0 list not closed", text: cif2 + "data_x\n_a [1 [2]\n_b 3\n", kind: .unterminatedList, line: 3, column: 4),
  ErrorCase(name: "CIF 2.0 table not closed", text: cif2 + "data_x\n_a {'k':1\n", kind: .unterminatedTable, line: 3, column: 4),
  ErrorCase(name: "save frame at end of text", text: "data_x\nsave_f\n_a 1\n", kind: .unterminatedSaveFrame, line: 2, column: 1),
  ErrorCase(name: "save frame before data_", text: "data_x\nsave_f\n_a 1\ndata_y\n", kind: .unterminatedSaveFrame, line: 2, column: 1),
  ErrorCase(name: "nested save frame", text: "data_x\n save_f\nsave_g\n_a 1\nsave_\nsave_\n", kind: .unterminatedSaveFrame, line: 2, column: 2),
  ErrorCase(name: "stop_ outside a loop", text: "data_x\n_a 1\nstop_\n", kind: .reservedWord("stop_"), line: 3, column: 1),
  ErrorCase(name: "data_ without a name", text: "data_ \n_a 1\n", kind: .reservedWord("data_"), line: 1, column: 1),
  ErrorCase(name: "save_ closing no frame", text: "data_x\n_a 1\nsave_\n", kind: .reservedWord("save_"), line: 3, column: 1),
  ErrorCase(name: "comments only", text: "# only a comment\n\n   \n", kind: .noDataBlock, line: 1, column: 1),
  ErrorCase(name: "empty text", text: "", kind: .noDataBlock, line: 1, column: 1),
  ErrorCase(
    name: "CIF 2.0 lists nested too deep", text: cif2 + "data_x\n_a " + String(repeating: "[", count: 100),
    kind: .nestingTooDeep(limit: 64), line: 3, column: 68),
]

@Suite("CIF errors")
struct ErrorTests {
  @Test("each error kind at its exact line and column", arguments: errorCases)
  func errors(_ c: ErrorCase) {
    do {
      let document = try CIFDocument(parsing: c.text, fileName: "bad.cif")
      Issue.record("parsed without error into \(document.blocks.count) block(s)")
    } catch {
      #expect(error.kind == c.kind)
      #expect(error.location == SourceLocation(file: "bad.cif", line: c.line, column: c.column))
    }
  }

  @Test("messages name the file, line and column")
  func description() throws {
    let c = try #require(errorCases.first { $0.name == "loop value count" })
    #expect(throws: CIFError.self) { try CIFDocument(parsing: c.text, fileName: "bad.cif") }
    do {
      _ = try CIFDocument(parsing: c.text, fileName: "bad.cif")
    } catch {
      #expect(error.description == "bad.cif:3:1: error: loop with tags _atom_site_label…: 3 values for 2 tags")
    }
    do {
      _ = try CIFDocument(parsing: "data_x\n_a 'b' c\n")
    } catch {
      #expect(error.description == "2:8: error: unexpected value c (a value must follow its tag or be in a loop)")
    }
  }

  @Test("compressed bytes are not text")
  func gzip() {
    let gzip: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0x5C, 0x7E, 0x2F, 0x65, 0x00, 0x03]
    #expect(throws: CIFError(kind: .notText, location: SourceLocation(file: "x.cif.gz", line: 1, column: 4))) {
      try CIFDocument(bytes: gzip, fileName: "x.cif.gz")
    }
  }

  @Test("unreadable files: missing, a directory, not a file URL")
  func unreadableFiles() throws {
    let directory = FileManager.default.temporaryDirectory
    let cases = [
      (directory.appendingPathComponent("xrdcif-no-such-file-\(UInt64.random(in: 0...UInt64.max)).cif"), "no such file: "),
      (directory, "is a directory: "),
      (try #require(URL(string: "https://www.crystallography.net/cod/1000022.cif")), "not a file URL: "),
    ]
    for (url, expected) in cases {
      do {
        let document = try CIFDocument(contentsOf: url)
        Issue.record("read \(url) into \(document.blocks.count) block(s)")
      } catch {
        guard case .unreadableFile(let reason) = error.kind else {
          Issue.record("\(url): expected unreadableFile, got \(error)")
          continue
        }
        #expect(reason.hasPrefix(expected))
        #expect(error.location == SourceLocation(file: url.lastPathComponent, line: 0, column: 0))
        #expect(error.description.hasPrefix("\(url.lastPathComponent): error: cannot read the file: "))
      }
    }
  }
}
