// Real files: every CIF of ../shared (reference set, COD/AMCSD set, measured-data CIFs) must parse, and
// each cod-tools "malformed" file must do what its defect implies (parse, or fail with a CIFError).
//
// The shared folder sits beside the repository (/work/shared next to /work/main); without it these
// tests are skipped with a message saying so. Expected values were read from the files by hand and
// agree with gemmi 0.7.5's `cif.read_file` (which rejects the files with repeated tags, and
// NaCoO2_stripe_supercell.cif for its unquoted value with a blank).

import Foundation
import Testing
import XRDCIF

enum Shared {
  /// `<repo>/../shared`, found from this file's path: Tests/XRDCIFTests/<file> → repo root.
  static let directory: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("../shared").standardizedFileURL

  static let isAvailable = FileManager.default.fileExists(atPath: directory.appendingPathComponent("cod").path)

  static let unavailableMessage: Comment = "needs the reference CIFs in ../shared beside the repository"

  static func url(_ relativePath: String) -> URL { directory.appendingPathComponent(relativePath) }

  /// Relative paths of the files with these extensions under `folder` (recursive), sorted; skipping `except`.
  static func files(under folder: String, extensions: Set<String>, except excluded: String? = nil) -> [String] {
    let root = url(folder)
    guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
    var paths: [String] = []
    for case let file as URL in walker where extensions.contains(file.pathExtension.lowercased()) {
      let relative = String(file.standardizedFileURL.path.dropFirst(directory.path.count + 1))
      if let excluded, relative.hasPrefix(excluded) { continue }
      paths.append(relative)
    }
    return paths.sorted()
  }

  static let wellFormed: [String] =
    files(under: "refs/cifs", extensions: ["cif", "mcif"])
    + files(under: "cod", extensions: ["cif", "mcif"], except: "cod/malformed/")
    + files(under: "data", extensions: ["cif"])
}

/// The cod-tools test inputs of ../shared/cod/malformed and what XRDCIF does with each.
/// None is syntactically broken (gemmi 0.7.5 reads them all); their defects are semantic and belong to
/// XRDCrystal. Each `check` pins the defect as XRDCIF sees it, so XRDCrystal's tests know what arrives.
struct MalformedCase: Sendable, CustomTestStringConvertible {
  var file: String
  var defect: String
  var check: @Sendable (CIFDocument) throws -> Void
  var testDescription: String { file }
}

let malformedCases: [MalformedCase] = [
  MalformedCase(file: "1000000-no-header.cif", defect: "COD header removed; still two valid blocks, data_global first") { d in
    #expect(d.blocks.map(\.name) == ["global", "C5H17AlN2O8P2"])
  },
  MalformedCase(file: "1000002-unknown-atom-type.cif", defect: "atom type D (deuterium), occupancies '?'") { d in
    #expect(d.blocks.first?.values("_atom_type_symbol")?.contains { $0.text == "D" } == true)
  },
  MalformedCase(file: "1000055-unrecognised-spacegroup.cif", defect: "H-M symbol \"P m 3 m\" with no symmetry operators") { d in
    #expect(d.blocks.first?.value("_symmetry_space_group_name_H-M")?.text == "P m 3 m")
  },
  MalformedCase(file: "1001012-no-cell.cif", defect: "no unit-cell parameters") { d in
    #expect(d.blocks.first?.contains("_cell_length_a") == false)
  },
  MalformedCase(file: "2000000-no-symmetry.cif", defect: "all symmetry information removed") { d in
    let b = try #require(d.blocks.first)
    #expect(!b.contains("_symmetry_equiv_pos_as_xyz") && !b.contains("_space_group_symop_operation_xyz"))
    #expect(!b.contains("_symmetry_space_group_name_H-M"))
  },
  MalformedCase(file: "2000127-unknown-coordinates.cif", defect: "atom site with '?' coordinates") { d in
    #expect(d.blocks.first?.values("_atom_site_fract_x")?.contains { $0.kind == .unknown } == true)
  },
  MalformedCase(file: "2004325-cell-questionmark.cif", defect: "_cell_angle_beta is '?'") { d in
    #expect(d.blocks.first?.value("_cell_angle_beta")?.kind == .unknown)
    #expect(d.blocks.first?.value("_cell_angle_beta")?.location.line == 37)
  },
  MalformedCase(file: "2100428-superspacegroup.cif", defect: "superspace group X4bm with ssg operators") { d in
    #expect(d.blocks.first?.contains("_space_group_symop_ssg_operation_algebraic") == true)
  },
  MalformedCase(file: "2100852-no-fract-coordinates.cif", defect: "Cartesian coordinates only") { d in
    #expect(d.blocks.first?.contains("_atom_site_Cartn_x") == true)
    #expect(d.blocks.first?.contains("_atom_site_fract_x") == false)
  },
  MalformedCase(file: "2101499-diamond.cif", defect: "H-M symbol with a comment in braces") { d in
    #expect(d.blocks.first?.value("_symmetry_space_group_name_H-M")?.text == "F d -3 m {origin @ centre (-3m)}")
  },
  MalformedCase(
    file: "2103187-misaligned-loop.cif",
    defect: "atom_site rows of 5 values under 4 tags: 40 values, a multiple of 4, so the loop is well formed CIF but its columns are shifted"
  ) { d in
    let loop = try #require(d.blocks.first?.loop(containing: "_atom_site_label"))
    #expect(loop.tags.count == 4)
    #expect(loop.rows.count == 10)
    #expect(loop.rows[1].first?.text == "0.0594(19)")  // a U value where a label belongs
  },
  MalformedCase(file: "2105936-strange-centering.cif", defect: "centering X in Xmc21") { d in
    #expect(d.blocks.first?.value("_symmetry_space_group_name_H-M")?.text == "Xmc21")
  },
  MalformedCase(file: "9001907-broken-unit-cell.cif", defect: "hexagonal group with beta 89.98, gamma 120.01") { d in
    #expect(d.blocks.first?.value("_cell_angle_beta")?.number == 89.98)
  },
  MalformedCase(file: "9009261-no-symops.cif", defect: "only the IT number 158") { d in
    #expect(d.blocks.first?.value("_space_group_IT_number")?.number == 158)
  },
  MalformedCase(file: "sn5100-superspacegroup.cif", defect: "superspace group C2/m(a0g)0s, no COD header") { d in
    #expect(d.blocks.first?.value("_space_group_ssg_name")?.text == #"C2/m(\a0\g)0s"#)
  },
]

@Suite("Real CIF files", .enabled(if: Shared.isAvailable, Shared.unavailableMessage))
struct CorpusTests {
  @Test("every CIF of ../shared parses", arguments: Shared.wellFormed)
  func parses(_ path: String) throws {
    let document = try CIFDocument(contentsOf: Shared.url(path))
    #expect(!document.blocks.isEmpty)
  }

  @Test("the file list is the expected one")
  func fileCount() {
    // 99 reference CIFs + 1 notes file excluded, 118 COD/AMCSD, and the measured-data CIFs.
    #expect(Shared.wellFormed.filter { $0.hasPrefix("refs/cifs/") }.count == 99)
    #expect(Shared.wellFormed.filter { $0.hasPrefix("cod/") }.count == 118)
  }

  @Test("malformed COD files: parse or CIFError, never a crash", arguments: malformedCases)
  func malformed(_ c: MalformedCase) throws {
    let document = try CIFDocument(contentsOf: Shared.url("cod/malformed/" + c.file))
    try c.check(document)
  }

  @Test("all malformed files are in the table")
  func malformedTableComplete() {
    let listed = Set(malformedCases.map { "cod/malformed/" + $0.file })
    #expect(Set(Shared.files(under: "cod/malformed", extensions: ["cif"])) == listed)
  }

  @Test("a real loop made inconsistent fails at its loop_")
  func brokenRealLoop() throws {
    // 2103187: delete the last value of the atom_site loop (the '0.1785(754)' on the H4 line).
    let text = try String(contentsOf: Shared.url("cod/malformed/2103187-misaligned-loop.cif"), encoding: .utf8)
    let broken = text.replacing(" 0 0.1785(754)\n", with: " 0\n")
    #expect(broken != text)
    do {
      _ = try CIFDocument(parsing: broken, fileName: "2103187-broken.cif")
      Issue.record("parsed")
    } catch {
      #expect(error.kind == .loopValueCount(prefix: "_atom_site_label", values: 39, tags: 4))
      #expect(error.location.line == 58)
      #expect(error.location.column == 1)
    }
  }

  @Test("known values of named files")
  func knownValues() throws {
    let resorcinol = try CIFDocument(contentsOf: Shared.url("refs/cifs/resorcinol.cif"))
    let r = try #require(resorcinol["Resorcinol_epsilon"])
    #expect(r.value("_cell_length_a")?.number == 17.8998)
    #expect(r.value("_cell_length_a")?.standardUncertainty == 0.0002)
    #expect(r.value("_cell_length_b")?.standardUncertainty == 0.00012)
    #expect(r.tagLocation("_cell_length_a")?.description == "resorcinol.cif:83:1")
    #expect(r.value("_cell_length_a")?.location.description == "resorcinol.cif:83:34")
    #expect(r.value("_symmetry_space_group_name_H-M")?.text == "P 21 21 21")

    let nacl = try #require(try CIFDocument(contentsOf: Shared.url("refs/cifs/NaCl.cif")).blocks.first)
    #expect(nacl.value("_cell_length_a")?.number == 5.6401)
    #expect(nacl.value("_symmetry_space_group_name_H-M")?.text == "F m 3 m")

    let silicon = try #require(try CIFDocument(contentsOf: Shared.url("cod/9008565.cif"))["9008565"])
    #expect(silicon.value("_cell_length_a")?.number == 5.4307)
    #expect(silicon.value("_symmetry_space_group_name_H-M")?.text == "F d -3 m :1")

    // Two blocks (PyCifRW test file): the global block, then structure II.
    let two = try CIFDocument(contentsOf: Shared.url("refs/cifs/C13H22O3.cif"))
    #expect(two.blocks.map(\.name) == ["global", "II"])
    #expect(two["ii"]?.value("_cell_length_a")?.number == 9.812)
    #expect(two["ii"]?.value("_cell_length_a")?.standardUncertainty == 0.002)

    // pyxtal writes _chemical_formula_sum twice; the first is kept.
    let fd3 = try CIFDocument(contentsOf: Shared.url("refs/cifs/Fd3.cif"))
    #expect(fd3.blocks.first?.value("_chemical_formula_sum")?.text == "Na3 Mg C2 O6 Cl")
    #expect(fd3.warnings.map(\.kind) == [.duplicateTag("_chemical_formula_sum")])
    #expect(fd3.warnings.first?.location.line == 20)

    // Dans_Diffraction writes an unquoted value with a blank.
    let stripe = try CIFDocument(contentsOf: Shared.url("refs/cifs/NaCoO2_stripe_supercell.cif"))
    #expect(stripe.blocks.first?.value("_pd_phase_name")?.text == "Na0.8CoO2_P63mmc supercell")

    // CIF 2.0 files: DDLm names, lists in loops.
    let mno = try CIFDocument(contentsOf: Shared.url("refs/cifs/MnO.mcif"))
    #expect(mno.isCIF2)
    #expect(mno.blocks.first?.value("_cell_length_a")?.number == 8.892)
    let nick = try CIFDocument(contentsOf: Shared.url("refs/cifs/nick.cif"))
    let site = try #require(nick["saly2"]?.values("_model_site_id"))
    #expect(site.map(\.kind) == [.list, .list])
    #expect(site.first?.items.map(\.text) == ["o1", "1_555"])
    #expect(nick["saly2"]?.value("_cell_length_a")?.standardUncertainty == 0.012)
    #expect(nick["saly2"]?.value("_cell.length_a")?.number == 11.52)
  }

  @Test("the embedded caffeine fixture is COD 2100202 byte for byte")
  func fixtureMatchesSharedFile() throws {
    let shared = try String(contentsOf: Shared.url("cod/2100202.cif"), encoding: .utf8)
    #expect(shared == Fixtures.caffeine + "\n")
  }
}
