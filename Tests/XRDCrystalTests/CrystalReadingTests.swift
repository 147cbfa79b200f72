// Reading crystals from CIF: every shipped and reference CIF, the malformed folder, species from labels,
// displacement conventions, symmetry precedence, expansion multiplicities and the cell's metric.

import Foundation
import Testing
import XRDCIF
@testable import XRDCrystal

let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let repositoryRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
let sharedDirectory: URL? = {
  let url = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
  return FileManager.default.fileExists(atPath: url.path) ? url : nil
}()

func cifFiles(in folder: URL) -> [URL] {
  let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
  return names.filter { $0.hasSuffix(".cif") || $0.hasSuffix(".mcif") }.sorted().map { folder.appendingPathComponent($0) }
}

@Suite struct CrystalReadingTests {
  // MARK: - Every real CIF

  @Test("every CIF in Structures/ gives a crystal")
  func shippedStructures() throws {
    let files = cifFiles(in: repositoryRoot.appendingPathComponent("Structures"))
    #expect(files.count >= 30)
    var systems = Set<CrystalSystem>()
    for url in files {
      let crystal = try Crystal.load(contentsOf: url)
      #expect(!crystal.fullCell().isEmpty, "\(url.lastPathComponent)")
      if let group = crystal.spaceGroup { systems.insert(group.crystalSystem) }
    }
    #expect(systems.count == 7, "crystal systems covered: \(systems)")
  }

  @Test("every CIF in ../shared/refs/cifs and ../shared/cod parses, or fails with the expected reason",
        .enabled(if: sharedDirectory != nil))
  func sharedCIFs() throws {
    let shared = try #require(sharedDirectory)
    let files = cifFiles(in: shared.appendingPathComponent("refs/cifs")) + cifFiles(in: shared.appendingPathComponent("cod"))
    #expect(files.count > 200)
    for url in files {
      switch url.lastPathComponent {
      case "nick.cif":  // CIF 2.0 with DDLm names (pymatgen and Dans_Diffraction find no structure in it)
        let crystal = try Crystal.load(contentsOf: url)
        #expect(crystal.sites.count == 10 && crystal.spaceGroup?.number == 14)
      case "Li2IrO3.mcif":  // incommensurate magnetic structure
        do {
          _ = try Crystal.load(contentsOf: url)
          Issue.record("Li2IrO3.mcif should be rejected as incommensurate")
        } catch {
          guard case .incommensurate = error.kind else { Issue.record("\(error)"); continue }
        }
      default:
        do {
          let crystal = try Crystal.load(contentsOf: url)
          #expect(!crystal.fullCell().isEmpty, "\(url.lastPathComponent)")
        } catch {
          Issue.record("\(url.lastPathComponent): \(error)")
        }
      }
    }
  }

  // MARK: - Bad input: every error names the file, line and field

  struct MalformedCase: Sendable, CustomStringConvertible {
    var file: String
    var line: Int
    var check: @Sendable (CrystalError.Kind) -> Bool
    var description: String { file }
  }

  static let malformedCases: [MalformedCase] = [
    .init(file: "missing-cell.cif", line: 1) { $0 == .missingItem(tag: "_cell_length_c") },
    .init(file: "loop-count.cif", line: 9) { if case .syntax(.loopValueCount) = $0 { true } else { false } },
    .init(file: "unknown-element.cif", line: 16) { $0 == .unknownElement(tag: "_atom_site_type_symbol", value: "Xx") },
    .init(file: "zero-volume.cif", line: 5) { if case .invalidCell(.zeroVolume) = $0 { true } else { false } },
    .init(file: "bad-symop.cif", line: 11) {
      if case let .badSymmetryOperation(tag, value, _) = $0 { tag == "_symmetry_equiv_pos_as_xyz" && value == "-x, -y, q" } else { false }
    },
    .init(file: "unknown-space-group.cif", line: 8) {
      $0 == .unknownSpaceGroup(tag: "_symmetry_space_group_name_H-M", value: "Q 42/x y z")
    },
    .init(file: "no-symmetry.cif", line: 1) { $0 == .noSymmetry },
    .init(file: "unknown-coordinate.cif", line: 14) { $0 == .notANumber(tag: "_atom_site_fract_y", value: "?") },
    .init(file: "cell-not-a-number.cif", line: 3) { $0 == .notANumber(tag: "_cell_length_b", value: "five") },
    .init(file: "negative-occupancy.cif", line: 15) {
      if case .invalidValue(tag: "_atom_site_occupancy", _, _) = $0 { true } else { false }
    },
    .init(file: "incommensurate.cif", line: 8) { $0 == .incommensurate(tag: "_cell_modulation_dimension") },
    .init(file: "no-structure.cif", line: 0) { $0 == .noStructure },
    .init(file: "unterminated-text.cif", line: 4) { if case .syntax(.unterminatedTextField) = $0 { true } else { false } },
  ]

  @Test("malformed CIFs give the expected error at the expected line", arguments: malformedCases)
  func malformed(_ testCase: MalformedCase) {
    let url = testsDirectory.appendingPathComponent("Malformed/\(testCase.file)")
    do {
      let crystal = try Crystal.load(contentsOf: url)
      Issue.record("\(testCase.file) was accepted: \(crystal.sites.count) sites")
    } catch {
      #expect(testCase.check(error.kind), "\(error)")
      #expect(error.location.file == testCase.file, "\(error)")
      #expect(error.location.line == testCase.line, "\(error)")
      #expect(error.description.hasPrefix(testCase.file), "\(error)")
    }
  }

  @Test("every file in Tests/XRDCrystalTests/Malformed has a case")
  func malformedFolderCovered() {
    let files = Set(cifFiles(in: testsDirectory.appendingPathComponent("Malformed")).map(\.lastPathComponent))
    #expect(files == Set(Self.malformedCases.map(\.file)))
  }

  @Test("../shared/cod/malformed: each file is read or rejected as its defect says", .enabled(if: sharedDirectory != nil))
  func codMalformed() throws {
    let folder = try #require(sharedDirectory).appendingPathComponent("cod/malformed")
    // Accepted files with the number of distinct atoms xrdsim must build (gemmi's count where it is right).
    let accepted: [String: Int] = [
      "1000055-unrecognised-spacegroup.cif": 7,   // LaB6 with old-style "P m 3 m"
      "2101499-diamond.cif": 8,                   // H-M with free text; the Hall symbol is used
      "9001907-broken-unit-cell.cif": 42,         // slightly off-hexagonal metric is accepted
      "2105936-strange-centering.cif": 232,       // explicit operators win over "Xmc21"
      "9009261-no-symops.cif": 12,                // only the IT number 158 (P3c1) is left: 2+2+2+6 atoms
                                                  // (pymatgen agrees; gemmi does not expand and gives 4)
    ]
    for url in cifFiles(in: folder) {
      let name = url.lastPathComponent
      switch name {
      case "1001012-no-cell.cif":
        #expect { try Crystal.load(contentsOf: url) } throws: { ($0 as? CrystalError)?.kind == .missingItem(tag: "_cell_length_a") }
      case "2100852-no-fract-coordinates.cif":
        #expect { try Crystal.load(contentsOf: url) } throws: { ($0 as? CrystalError)?.kind == .noStructure }
      case "2000127-unknown-coordinates.cif":
        // The only row is "? ? ? ?": rejected, naming line 52.
        #expect { try Crystal.load(contentsOf: url) } throws: { ($0 as? CrystalError)?.location.line == 52 }
      case "2004325-cell-questionmark.cif":
        #expect { try Crystal.load(contentsOf: url) } throws: {
          if case .notANumber = ($0 as? CrystalError)?.kind { true } else { false }
        }
      case "2000000-no-symmetry.cif":
        #expect { try Crystal.load(contentsOf: url) } throws: { ($0 as? CrystalError)?.kind == .noSymmetry }
      case "1000000-no-header.cif":
        // No data_ line: read as one unnamed block (listed leniency of XRDCIF); pymatgen agrees, 140 atoms.
        let crystal = try Crystal.load(contentsOf: url)
        #expect(crystal.fullCell().count == 140)
      case "sn5100-superspacegroup.cif", "2100428-superspacegroup.cif":
        // No usable symmetry at all: rejected rather than guessed as P1.
        #expect { try Crystal.load(contentsOf: url) } throws: { $0 is CrystalError }
      case "1000002-unknown-atom-type.cif":
        // Residual-density rows "max"/"min" with type "?" are not atoms: the error names them (line 101).
        // (Deuterium "D" in the same file is read as hydrogen.)
        #expect { try Crystal.load(contentsOf: url) } throws: {
          guard let e = $0 as? CrystalError else { return false }
          return e.kind == .unknownElement(tag: "_atom_site_label", value: "max") && e.location.line == 101
        }
      case "2103187-misaligned-loop.cif":
        // Syntactically fine; whatever it builds must not crash.
        _ = try? Crystal.load(contentsOf: url)
      default:
        let crystal = try Crystal.load(contentsOf: url)
        if let expected = accepted[name] {
          #expect(crystal.distinctPositionCount() == expected, "\(name)")
        }
      }
    }
  }

  // MARK: - Species, displacements, symmetry precedence

  @Test("element and charge from type symbols and labels", arguments: [
    ("Fe", "Fe", 0), ("Fe3+", "Fe", 3), ("O2-", "O", -2), ("Al3+", "Al", 3), ("Al0+", "Al", 0), ("Fe1a", "Fe", 0),
    ("O2", "O", 0), ("Cl-", "Cl", -1), ("D", "H", 0), ("D1", "H", 0), ("CL1", "Cl", 0), ("NA1", "Na", 0), ("C1", "C", 0), ("O1A", "O", 0), ("Ca1", "Ca", 0),
    ("C12", "C", 0), ("Nb5+", "Nb", 5), ("Si4+", "Si", 4), ("OW1", "O", 0), ("Hg", "Hg", 0),
  ])
  func species(_ text: String, _ symbol: String, _ charge: Int) throws {
    let species = try #require(parseSpecies(text))
    #expect(species.element.symbol == symbol)
    #expect(species.charge == charge)
  }

  @Test("labels that name no element are rejected")
  func badSpecies() {
    for text in ["", "1Fe", "Xx", "?", "Qq1"] { #expect(parseSpecies(text) == nil, "\(text)") }
  }

  static let nacl = """
  data_NaCl
  _cell_length_a 5.6402
  _cell_length_b 5.6402
  _cell_length_c 5.6402
  _cell_angle_alpha 90
  _cell_angle_beta 90
  _cell_angle_gamma 90
  _symmetry_space_group_name_H-M 'F m -3 m'
  loop_
  _atom_type_symbol
  _atom_type_oxidation_number
  Na 1
  Cl -1
  loop_
  _atom_site_label
  _atom_site_type_symbol
  _atom_site_fract_x
  _atom_site_fract_y
  _atom_site_fract_z
  _atom_site_B_iso_or_equiv
  Na1 Na 0 0 0 1.6
  Cl1 Cl 0.5 0.5 0.5 1.2
  """

  @Test("NaCl from a symbol alone: 8 atoms, Z = 4, formula, density, charges from _atom_type, B → U")
  func naclFromSymbol() throws {
    let crystal = try Crystal.load(cifText: Self.nacl, fileName: "NaCl.cif")
    let atoms = crystal.fullCell()
    #expect(atoms.count == 8)
    #expect(crystal.z(atoms: atoms) == 4)
    #expect(crystal.formula(atoms: atoms) == "ClNa")
    // ρ = 4 × 58.443 g/mol / (N_A × 5.6402³ Å³) = 2.1634 g/cm³ (halite; handbook 2.165).
    #expect(abs(crystal.density(atoms: atoms) - 2.1634) < 1e-3)
    #expect(crystal.sites[0].species == Species(element: Element(symbol: "Na")!, charge: 1))
    #expect(crystal.sites[1].species.charge == -1)
    guard case let .isotropic(u) = crystal.sites[0].displacement else { Issue.record("no U"); return }
    #expect(abs(u - 1.6 / (8 * .pi * .pi)) < 1e-12)
    #expect(crystal.spaceGroup?.number == 225)
  }

  @Test("operators win over the symbol; a disagreement is reported")
  func operatorsWin() throws {
    let text = """
    data_x
    _cell_length_a 4
    _cell_length_b 5
    _cell_length_c 6
    _cell_angle_alpha 90
    _cell_angle_beta 90
    _cell_angle_gamma 90
    _symmetry_space_group_name_H-M 'P m m m'
    loop_
    _symmetry_equiv_pos_as_xyz
    x,y,z
    -x,-y,-z
    loop_
    _atom_site_label
    _atom_site_fract_x
    _atom_site_fract_y
    _atom_site_fract_z
    C1 0.1 0.2 0.3
    """
    let crystal = try Crystal.load(cifText: text)
    #expect(crystal.operations.count == 2)
    #expect(crystal.fullCell().count == 2)
    #expect(crystal.spaceGroup?.number == 2)
    #expect(crystal.warnings.contains { $0.contains("disagree") })
  }

  @Test("an incomplete operator list is closed into a group, with a warning")
  func operatorClosure() throws {
    let text = """
    data_x
    _cell_length_a 4
    _cell_length_b 4
    _cell_length_c 6
    _cell_angle_alpha 90
    _cell_angle_beta 90
    _cell_angle_gamma 90
    loop_
    _space_group_symop_operation_xyz
    x,y,z
    -y,x,z
    loop_
    _atom_site_label
    _atom_site_fract_x
    _atom_site_fract_y
    _atom_site_fract_z
    C1 0.1 0.2 0.3
    """
    let crystal = try Crystal.load(cifText: text)
    #expect(crystal.operations.count == 4)  // 4-fold axis: x,y,z; -y,x,z; -x,-y,z; y,-x,z
    #expect(crystal.spaceGroup?.number == 75)
    #expect(crystal.warnings.contains { $0.contains("closure") })
  }

  @Test("special positions get the right multiplicity (Wyckoff letters of Fd-3m origin 2)")
  func specialPositions() throws {
    // Spinel MgAl2O4, Fd-3m origin choice 2: Mg 8a, Al 16d, O 32e.
    let text = """
    data_spinel
    _cell_length_a 8.08
    _cell_length_b 8.08
    _cell_length_c 8.08
    _cell_angle_alpha 90
    _cell_angle_beta 90
    _cell_angle_gamma 90
    _space_group_name_H-M_alt 'F d -3 m :2'
    loop_
    _atom_site_label
    _atom_site_fract_x
    _atom_site_fract_y
    _atom_site_fract_z
    Mg1 0.125 0.125 0.125
    Al1 0.5 0.5 0.5
    O1 0.2624 0.2624 0.2624
    """
    let crystal = try Crystal.load(cifText: text)
    let atoms = crystal.fullCell()
    let counts = Dictionary(grouping: atoms, by: \.siteIndex).mapValues(\.count)
    #expect(counts == [0: 8, 1: 16, 2: 32])
    #expect(crystal.formula(atoms: atoms) == "Al2MgO4")
    #expect(crystal.z(atoms: atoms) == 8)
  }

  @Test("partial occupancy is kept in the cell composition")
  func partialOccupancy() throws {
    let text = """
    data_x
    _cell_length_a 4
    _cell_length_b 4
    _cell_length_c 4
    _cell_angle_alpha 90
    _cell_angle_beta 90
    _cell_angle_gamma 90
    _space_group_IT_number 221
    loop_
    _atom_site_label
    _atom_site_type_symbol
    _atom_site_fract_x
    _atom_site_fract_y
    _atom_site_fract_z
    _atom_site_occupancy
    Fe1 Fe 0 0 0 0.75
    Ni1 Ni 0 0 0 0.25
    O1 O 0.5 0.5 0.5 1.0(2)
    """
    let crystal = try Crystal.load(cifText: text)
    let composition = crystal.cellComposition()
    #expect(composition[Element(symbol: "Fe")!] == 0.75)
    #expect(composition[Element(symbol: "Ni")!] == 0.25)
    #expect(crystal.distinctPositionCount() == 2)
  }

  // MARK: - Cell metric

  @Test("hexagonal metric: d(100) = a√3/2, volume = a²c√3/2")
  func hexagonalMetric() throws {
    let cell = try UnitCell(a: 3.0, b: 3.0, c: 5.0, alpha: 90, beta: 90, gamma: 120)
    #expect(abs(cell.dSpacing(h: 1, k: 0, l: 0) - 3.0 * 3.0.squareRoot() / 2) < 1e-12)
    #expect(abs(cell.volume - 9 * 5 * 3.0.squareRoot() / 2) < 1e-10)
    #expect(abs(cell.dSpacing(h: 0, k: 0, l: 2) - 2.5) < 1e-12)
  }

  @Test("triclinic metric: G·G* = 1 and V² = det G")
  func triclinicMetric() throws {
    let cell = try UnitCell(a: 7.1, b: 8.3, c: 9.2, alpha: 81.3, beta: 97.2, gamma: 104.9)
    let g = cell.metric, r = cell.reciprocalMetric
    for i in 0..<3 { for j in 0..<3 {
      var s = 0.0
      for k in 0..<3 { s += g[3 * i + k] * r[3 * k + j] }
      #expect(abs(s - (i == j ? 1 : 0)) < 1e-12)
    } }
    // V = abc √(1 − cos²α − cos²β − cos²γ + 2 cosα cosβ cosγ)
    let (ca, cb, cg) = (cos(81.3 * .pi / 180), cos(97.2 * .pi / 180), cos(104.9 * .pi / 180))
    let v = 7.1 * 8.3 * 9.2 * (1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg).squareRoot()
    #expect(abs(cell.volume - v) < 1e-9 * v)
  }

  @Test("impossible cells are rejected")
  func badCells() {
    #expect(throws: UnitCellError.self) { try UnitCell(a: 0, b: 1, c: 1, alpha: 90, beta: 90, gamma: 90) }
    #expect(throws: UnitCellError.self) { try UnitCell(a: 1, b: 1, c: 1, alpha: 180, beta: 90, gamma: 90) }
    #expect(throws: UnitCellError.self) { try UnitCell(a: 1, b: 1, c: 1, alpha: 120, beta: 60, gamma: 60) }
    #expect(throws: UnitCellError.self) { try UnitCell(a: .nan, b: 1, c: 1, alpha: 90, beta: 90, gamma: 90) }
  }

  @Test("anisotropic U: Ueq of an isotropic tensor equals U; β rotates with the operation")
  func anisotropic() throws {
    let cell = try UnitCell(a: 5, b: 6, c: 7, alpha: 90, beta: 100, gamma: 90)
    // U_ij = U (a*_i·a*_j)/(a*_i a*_j) is the isotropic tensor on the reciprocal basis.
    let g = cell.reciprocalMetric, s = cell.reciprocalLengths
    let u = 0.02
    let d = Displacement.anisotropic(u11: u, u22: u, u33: u, u12: u * g[1] / (s[0] * s[1]),
                                     u13: u * g[2] / (s[0] * s[2]), u23: u * g[5] / (s[1] * s[2]))
    #expect(abs(d.uEquivalent(in: cell)! - u) < 1e-12)
    let iso = Displacement.isotropic(uIso: u).betaTensor(in: cell)
    for (x, y) in zip(d.betaTensor(in: cell), iso) { #expect(abs(x - y) < 1e-14) }
  }
}

@Suite struct AnisotropicDisplacementTests {
  static let head = """
    data_x
    _cell_length_a 4.157
    _cell_length_b 4.157
    _cell_length_c 4.157
    _cell_angle_alpha 90
    _cell_angle_beta 90
    _cell_angle_gamma 90
    _symmetry_space_group_name_H-M 'P m -3 m'

    """

  /// TOPAS (COD 2104736, LaB6) writes U_ij as columns of the atom-site loop, without `_atom_site_aniso_label`;
  /// they must be read as the same displacements as a separate aniso loop gives.
  @Test func uijInTheAtomSiteLoop() throws {
    let inLoop = Self.head + """
      loop_
      _atom_site_label
      _atom_site_type_symbol
      _atom_site_fract_x
      _atom_site_fract_y
      _atom_site_fract_z
      _atom_site_aniso_U_11
      _atom_site_aniso_U_22
      _atom_site_aniso_U_33
      _atom_site_aniso_U_12
      _atom_site_aniso_U_13
      _atom_site_aniso_U_23
      La1 La 0 0 0 0.00338 0.00338 0.00338 0 0 0
      B1 B 0.19853 0.5 0.5 0.00535 0 0 0 0 0
      """
    let separate = Self.head + """
      loop_
      _atom_site_label
      _atom_site_type_symbol
      _atom_site_fract_x
      _atom_site_fract_y
      _atom_site_fract_z
      La1 La 0 0 0
      B1 B 0.19853 0.5 0.5
      loop_
      _atom_site_aniso_label
      _atom_site_aniso_U_11
      _atom_site_aniso_U_22
      _atom_site_aniso_U_33
      _atom_site_aniso_U_12
      _atom_site_aniso_U_13
      _atom_site_aniso_U_23
      La1 0.00338 0.00338 0.00338 0 0 0
      B1 0.00535 0 0 0 0 0
      """
    let a = try Crystal.load(cifText: inLoop), b = try Crystal.load(cifText: separate)
    #expect(a.sites.map(\.displacement) == b.sites.map(\.displacement))
    #expect(a.sites[0].displacement == .anisotropic(u11: 0.00338, u22: 0.00338, u33: 0.00338, u12: 0, u13: 0, u23: 0))
  }
}
