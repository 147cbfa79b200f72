// Grammar unit tests: one construct of CIF 1.1 (and the tolerated CIF 2.0) per test, with locations.
//
// Inputs are small literal CIFs, so each expectation can be checked by eye against the text.

import Testing
import XRDCIF

/// Parses a literal that must be valid; fails the test (not the run) otherwise.
func parse(_ text: String, file: String? = nil) throws -> CIFDocument {
  try CIFDocument(parsing: text, fileName: file)
}

func block(_ text: String) throws -> CIFBlock {
  let document = try parse(text)
  return try #require(document.blocks.first)
}

@Suite("CIF grammar")
struct GrammarTests {

  // MARK: - Values

  @Test("numbers with standard uncertainty", arguments: [
    ("1.234(5)", 1.234, 0.005),
    ("12(3)", 12, 3),
    ("1.2e3(4)", 1200, 400),
    ("2(1)", 2, 1),
    ("-0.0123(45)", -0.0123, 0.0045),
    ("5.43070", 5.4307, nil),
    ("-.5", -0.5, nil),
    ("+.25", 0.25, nil),
    ("1.", 1, nil),
    ("1e-3", 0.001, nil),
    ("2.1E+02", 210, nil),
    ("0.25(10)", 0.25, 0.1),
  ] as [(String, Double, Double?)])
  func numbers(text: String, value: Double, uncertainty: Double?) throws {
    let v = try #require(try block("data_x _a \(text)").value("_a"))
    #expect(v.kind == .unquoted)
    #expect(v.number == value)
    #expect(v.standardUncertainty == uncertainty)
  }

  @Test("non-numbers have no number", arguments: [
    "1.2.3", "abc", "1e", "1(2", "1(2)x", "(2)", "e5", "0x10", "nan", "inf", "1e999", "1.5(a)", "--1", "1,5",
  ])
  func nonNumbers(text: String) throws {
    let v = try #require(try block("data_x\n_a \(text)\n").value("_a"))
    #expect(v.number == nil)
    #expect(v.standardUncertainty == nil)
  }

  @Test("? and . are null; quoted '?' is a string; quoted numbers are numbers")
  func nulls() throws {
    let b = try block("data_x\n_u ?\n_i .\n_q '?'\n_n '1.5(2)'\n_t\n;\n1.5\n;\n")
    #expect(b.value("_u")?.kind == .unknown)
    #expect(b.value("_u")?.isNull == true)
    #expect(b.value("_u")?.number == nil)
    #expect(b.value("_i")?.kind == .inapplicable)
    #expect(b.value("_i")?.isNull == true)
    #expect(b.value("_i")?.text == ".")
    #expect(b.value("_q")?.kind == .quoted)
    #expect(b.value("_q")?.isNull == false)
    #expect(b.value("_q")?.text == "?")
    #expect(b.value("_n")?.number == 1.5)
    #expect(b.value("_n")?.standardUncertainty == 0.2)
    #expect(b.value("_t")?.kind == .textField)
    #expect(b.value("_t")?.number == nil)
  }

  @Test("CIF 1.1 quotes: a quote closes only before a blank or the line end")
  func quotes() throws {
    let b = try block(
      #"""
      data_q
      _a 'O'Brien'
      _b "say "hi"!"
      _c 'R 3 -2"C'
      _d 'Correia, Nat\'alia T.'
      _e ''
      _f 'a # not a comment'   # a comment
      _g C#1
      _h "it's"
      _i 'x'
      """#)
    #expect(b.value("_a")?.text == "O'Brien")
    #expect(b.value("_b")?.text == #"say "hi"!"#)
    #expect(b.value("_c")?.text == #"R 3 -2"C"#)
    #expect(b.value("_d")?.text == #"Correia, Nat\'alia T."#)
    #expect(b.value("_e")?.text == "")
    #expect(b.value("_e")?.kind == .quoted)
    #expect(b.value("_f")?.text == "a # not a comment")
    #expect(b.value("_g")?.text == "C#1")
    #expect(b.value("_h")?.text == "it's")
    #expect(b.value("_i")?.text == "x")  // closed by the end of the text
    #expect(b.value("_a")?.location == SourceLocation(file: nil, line: 2, column: 4))
  }

  @Test("text fields: verbatim lines, empty first line dropped, reserved words inside")
  func textFields() throws {
    let text = """
      data_t
      _title
      ;
      Ab initio structure of 'caffeine'
        _not_a_tag loop_ data_no # no comment
      ;
      _inline
      ;first line
      second line
      ;
      _empty
      ;
      ;
      _after 1
      """
    let b = try block(text)
    #expect(b.value("_title")?.text == "Ab initio structure of 'caffeine'\n  _not_a_tag loop_ data_no # no comment")
    #expect(b.value("_title")?.kind == .textField)
    #expect(b.value("_title")?.location == SourceLocation(file: nil, line: 3, column: 1))
    #expect(b.value("_inline")?.text == "first line\nsecond line")
    #expect(b.value("_empty")?.text == "")
    #expect(b.tagLocation("_after") == SourceLocation(file: nil, line: 14, column: 1))
    #expect(b.value("_after")?.location == SourceLocation(file: nil, line: 14, column: 8))
    #expect(b.tags == ["_title", "_inline", "_empty", "_after"])
  }

  @Test("a semicolon not in column 1 starts an ordinary value")
  func semicolonInsideLine() throws {
    let b = try block("data_x\n_a ;b\n")
    #expect(b.value("_a")?.text == ";b")
    #expect(b.value("_a")?.kind == .unquoted)
  }

  // MARK: - Loops

  @Test("loop values spread over lines, with blank lines and comments; stop_")
  func loops() throws {
    let text = """
      data_loops
      loop_
      _atom_site_label
      _atom_site_fract_x   # a comment between tags
      _atom_site_fract_y
      Na1 0.0 0.0
      # a comment inside the values

      Cl1
        0.5
        0.5(1)
      O1 'a b' ;x
      loop_
      _symmetry_equiv_pos_as_xyz
      'x, y, z'  '-x, -y, -z'
      stop_
      _cell_length_a 5.6401
      """
    let b = try block(text)
    let loop = try #require(b.loop(containing: "_atom_site_fract_y"))
    #expect(loop.tags == ["_atom_site_label", "_atom_site_fract_x", "_atom_site_fract_y"])
    #expect(loop.rows.count == 3)
    #expect(loop.rows.map { $0.map(\.text) } == [["Na1", "0.0", "0.0"], ["Cl1", "0.5", "0.5(1)"], ["O1", "a b", ";x"]])
    #expect(loop.location == SourceLocation(file: nil, line: 2, column: 1))
    #expect(loop.tagLocations[1] == SourceLocation(file: nil, line: 4, column: 1))
    #expect(loop.index(of: "_ATOM_SITE_FRACT_X") == 1)
    #expect(loop.index(of: "_atom_site_fract_z") == nil)
    #expect(loop.column("_atom_site_fract_y")?.map(\.number) == [0, 0.5, nil])
    #expect(loop.rows[1][2].standardUncertainty == 0.1)
    #expect(loop.rows[1][1].location == SourceLocation(file: nil, line: 10, column: 3))
    #expect(b.values("_symmetry_equiv_pos_as_xyz")?.map(\.text) == ["x, y, z", "-x, -y, -z"])
    #expect(b.value("_cell_length_a")?.number == 5.6401)
    #expect(b.loops.count == 2)
    #expect(b.items.count == 1)
  }

  @Test("a loop of one row answers value(_:); a loop without values has no rows")
  func loopEdges() throws {
    let b = try block("data_x\nloop_ _a _b 1 2\nloop_ _c _d\nstop_\n_f 3\nloop_ _e\ndata_y\n")
    #expect(b.value("_a")?.number == 1)
    #expect(b.values("_b")?.count == 1)
    #expect(b.loop(containing: "_c")?.rows.isEmpty == true)
    #expect(b.values("_c") == [])
    #expect(b.value("_c") == nil)
    #expect(b.loop(containing: "_e")?.rows.isEmpty == true)
    #expect(b.value("_f")?.number == 3)
  }

  // MARK: - Tags and blocks

  @Test("tags compare case-insensitively, with . equal to _")
  func normalizedTags() throws {
    let text = """
      DATA_Mixed
      _Cell_Length_A 4.2
      _space_group_symop.operation_xyz 'x,y,z'
      LOOP_
      _atom_site.label
      _atom_site.fract_x
      Si 0.125
      """
    let b = try block(text)
    #expect(b.name == "Mixed")
    #expect(b.value("_cell_length_a")?.number == 4.2)
    #expect(b.value("_CELL.LENGTH.A")?.number == 4.2)
    #expect(b.value("_space_group_symop_operation_xyz")?.text == "x,y,z")
    #expect(b.values("_atom_site_fract_x")?.first?.number == 0.125)
    #expect(b.loop(containing: "_ATOM_SITE_LABEL")?.index(of: "_atom_site_fract_x") == 1)
    #expect(b.contains("_atom_site_label"))
    #expect(!b.contains("_atom_site_fract_y"))
    #expect(b.loop(containing: "_cell_length_a") == nil)
    #expect(b.values("_cell_length_a")?.count == 1)
    #expect(b.tagLocation("_atom_site_fract_x") == SourceLocation(file: nil, line: 6, column: 1))
    #expect(b.tags == ["_Cell_Length_A", "_space_group_symop.operation_xyz", "_atom_site.label", "_atom_site.fract_x"])
  }

  @Test("several blocks, looked up by name case-insensitively; global_")
  func blocks() throws {
    let document = try parse("global_\n_g 0\ndata_one\n_a 1\ndata_Two\n_a 2\ndata_ONE\n_a 3\n", file: "m.cif")
    #expect(document.blocks.map(\.name) == ["global_", "one", "Two", "ONE"])
    #expect(document["two"]?.value("_a")?.number == 2)
    #expect(document["one"]?.value("_a")?.number == 1)  // the first of two blocks named one
    #expect(document["global_"]?.value("_g")?.number == 0)
    #expect(document["three"] == nil)
    #expect(document.blocks[2].location == SourceLocation(file: "m.cif", line: 5, column: 1))
    #expect(document.warnings.map(\.kind) == [.duplicateBlockName("ONE")])
    #expect(document.warnings.first?.location.description == "m.cif:7:1")
  }

  @Test("save frames are kept apart from the block's lookups")
  func saveFrames() throws {
    let text = """
      data_dict
      _a 1
      save_frame_one
      _a 10
      _b 20
      loop_ _c 1 2
      save_
      _d 4
      """
    let b = try block(text)
    #expect(b.tags == ["_a", "_d"])
    #expect(b.value("_a")?.number == 1)
    #expect(b.value("_b") == nil)
    #expect(b.saveFrames.count == 1)
    #expect(b.saveFrames[0].name == "frame_one")
    #expect(b.saveFrames[0].value("_b")?.number == 20)
    #expect(b.saveFrames[0].values("_c")?.count == 2)
    #expect(b.saveFrames[0].location == SourceLocation(file: nil, line: 3, column: 1))
  }

  @Test("a repeated tag keeps its first value, with a warning")
  func duplicateTags() throws {
    let document = try parse("data_x\n_formula 'Na Cl'\n_formula ''\n_a 1\nloop_ _A _b\n2 3\n")
    let b = try #require(document.blocks.first)
    #expect(b.value("_formula")?.text == "Na Cl")
    #expect(b.value("_a")?.number == 1)
    #expect(b.loop(containing: "_a") == nil)
    #expect(b.value("_b")?.number == 3)
    #expect(b.tags == ["_formula", "_a", "_b"])
    #expect(document.warnings.map(\.kind) == [.duplicateTag("_formula"), .duplicateTag("_A")])
    #expect(document.warnings.map(\.location.line) == [3, 5])
  }

  @Test("an unquoted value with blanks on its line is one value, with a warning")
  func valueWithBlanks() throws {
    let document = try parse("data_x\n_pd_phase_name  Na0.8CoO2_P63mmc supercell   # comment\n_next 1\n")
    let b = try #require(document.blocks.first)
    #expect(b.value("_pd_phase_name")?.text == "Na0.8CoO2_P63mmc supercell")
    #expect(b.value("_next")?.number == 1)
    #expect(document.warnings.map(\.kind) == [.valueWithBlanks(tag: "_pd_phase_name", value: "Na0.8CoO2_P63mmc supercell")])
    #expect(document.warnings.first?.description == "2:17: warning: unquoted value of _pd_phase_name contains blanks; read as 'Na0.8CoO2_P63mmc supercell'")
  }

  @Test("values starting with brackets are ordinary values in CIF 1.1")
  func bracketsInCIF11() throws {
    let b = try block("data_x\nloop_ _name _charge\n[Cu(NH3)4]2+ 2 {x} ]\n")
    #expect(b.loop(containing: "_name")?.rows.map { $0.map(\.text) } == [["[Cu(NH3)4]2+", "2"], ["{x}", "]"]])
  }

  // MARK: - CIF 2.0

  @Test("CIF 2.0: lists, nested lists, tables, triple quotes")
  func cif2() throws {
    let text = ##"""
      #\#CIF_2.0
      data_cif2
      _list [1 2.5(1) [a 'b c'] ?]
      _empty []
      _table {'key':value "k2":[1 2] '''k3''': {'n':1}}
      _triple '''it's "multi"
      line'''
      _double """a 'b'"""
      _quote 'ends at the first quote'
      loop_ _id _vector
      v1 [0.5 0.5 0.5]
      v2 [0 0 1]
      """##
    let document = try parse(text)
    #expect(document.isCIF2)
    let b = try #require(document.blocks.first)
    let list = try #require(b.value("_list"))
    #expect(list.kind == .list)
    #expect(list.text == "[1 2.5(1) [a 'b c'] ?]")
    #expect(list.items.map(\.kind) == [.unquoted, .unquoted, .list, .unknown])
    #expect(list.items[1].standardUncertainty == 0.1)
    #expect(list.items[2].items.map(\.text) == ["a", "b c"])
    #expect(list.items[2].location == SourceLocation(file: nil, line: 3, column: 17))
    #expect(b.value("_empty")?.items == [])
    let table = try #require(b.value("_table"))
    #expect(table.kind == .table)
    #expect(table.keys == ["key", "k2", "k3"])
    #expect(table.items.map(\.kind) == [.unquoted, .list, .table])
    #expect(table.items[2].keys == ["n"])
    #expect(b.value("_triple")?.text == "it's \"multi\"\nline")
    #expect(b.value("_double")?.text == "a 'b'")
    #expect(b.value("_quote")?.text == "ends at the first quote")
    #expect(b.tagLocation("_double") == SourceLocation(file: nil, line: 8, column: 1))
    #expect(b.values("_vector")?.map { $0.items.compactMap(\.number) } == [[0.5, 0.5, 0.5], [0, 0, 1]])
  }

  @Test("without the magic comment, a file is CIF 1.1")
  func cif11ByDefault() throws {
    let document = try parse("#\\#CIF_1.1\ndata_x\n_a '''b'''\n")
    #expect(!document.isCIF2)
    #expect(document.blocks.first?.value("_a")?.text == "''b''")
  }

  // MARK: - Bytes and line ends

  @Test("CR LF, lone CR and mixed line ends read like LF")
  func lineEnds() throws {
    let lf = "data_x\n_a 1\n_t\n;\nline 1\nline 2\n;\nloop_ _b\n'q' 2\n"
    for text in [lf, lf.replacing("\n", with: "\r\n"), lf.replacing("\n", with: "\r"),
                 "data_x\r\n_a 1\r_t\n;\r\nline 1\rline 2\r\n;\nloop_ _b\r\n'q' 2"] {
      let b = try block(text)
      #expect(b.value("_a")?.number == 1)
      #expect(b.value("_t")?.text == "line 1\nline 2")
      #expect(b.values("_b")?.map(\.text) == ["q", "2"])
      #expect(b.tagLocation("_b") == SourceLocation(file: nil, line: 8, column: 7))
      #expect(b.values("_b")?.last?.location == SourceLocation(file: nil, line: 9, column: 5))
    }
  }

  @Test("byte-order mark, tabs, trailing blanks, no final line end")
  func whitespace() throws {
    let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("data_bom\n_a\t\t1   \n\t_b 'x'".utf8)
    let document = try CIFDocument(bytes: bytes)
    let b = try #require(document.blocks.first)
    #expect(b.name == "bom")
    #expect(b.location == SourceLocation(file: nil, line: 1, column: 1))
    #expect(b.value("_a")?.location == SourceLocation(file: nil, line: 2, column: 5))
    #expect(b.value("_b")?.text == "x")
    #expect(b.tagLocation("_b") == SourceLocation(file: nil, line: 3, column: 2))
    #expect(try parse("data_x\n_a\n;\ntext\n;").blocks.first?.value("_a")?.text == "text")
  }

  @Test("bytes that are not UTF-8 are read as Latin-1; columns count characters")
  func encodings() throws {
    let latin1: [UInt8] = Array("data_x\n_author 'Gra".utf8) + [0x9E, 0x75, 0x6C, 0x69, 0x73, 0x20, 0xE9]
      + Array("'\n".utf8)
    let document = try CIFDocument(bytes: latin1, fileName: "l.cif")
    #expect(document.blocks.first?.value("_author")?.text == "Gra\u{9E}ulis \u{E9}")
    #expect(document.warnings.map(\.kind) == [.latin1Bytes])
    #expect(document.warnings.first?.location.description == "l.cif:2:13")
    let b = try block("data_x\n_name 'Ångström' _b 1\n")
    #expect(b.value("_name")?.text == "Ångström")
    #expect(b.tagLocation("_b") == SourceLocation(file: nil, line: 2, column: 18))
  }

  // MARK: - API

  @Test("locations and errors print like compiler diagnostics")
  func descriptions() {
    #expect(SourceLocation(file: "NaCl.cif", line: 17, column: 5).description == "NaCl.cif:17:5")
    #expect(SourceLocation(file: nil, line: 17, column: 5).description == "17:5")
    #expect(SourceLocation(file: "NaCl.cif", line: 0, column: 0).description == "NaCl.cif")
    let error = CIFError(
      kind: .loopValueCount(prefix: "_atom_site_label", values: 23, tags: 5),
      location: SourceLocation(file: "NaCl.cif", line: 17, column: 5))
    #expect(error.description == "NaCl.cif:17:5: error: loop with tags _atom_site_label…: 23 values for 5 tags")
  }

  @Test("blocks built or changed in code keep their lookups in step")
  func editing() throws {
    let here = SourceLocation(file: nil, line: 1, column: 1)
    var b = CIFBlock(name: "made", location: here)
    #expect(b.tags.isEmpty)
    b.items.append(CIFItem(tag: "_cell_length_a", tagLocation: here, value: CIFValue(kind: .unquoted, text: "3.0(1)")))
    b.loops.append(CIFLoop(tags: ["_atom_site.label"], rows: [[CIFValue(kind: .unquoted, text: "Fe")]], location: here))
    #expect(b.value("_CELL_LENGTH_A")?.standardUncertainty == 0.1)
    #expect(b.value("_atom_site_label")?.text == "Fe")
    #expect(b.tags == ["_cell_length_a", "_atom_site.label"])
    b.loops.removeAll()
    #expect(!b.contains("_atom_site_label"))
  }
}
