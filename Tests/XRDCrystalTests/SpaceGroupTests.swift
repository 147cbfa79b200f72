// SpaceGroup: the 530 settings against a second source (gemmi 0.7.5, frozen in
// Fixtures/spacegroups/gemmi_settings.json by Scripts/gen_space_groups.py), group axioms for every
// setting, lookups by number / Hermann–Mauguin / Hall symbol / operation list, and every space-group
// name, Hall symbol and operator list of the CIFs in ../shared (Fixtures/spacegroups/shared_cif_symmetry.json).

import Foundation
import Testing
import XRDCrystal

// MARK: - Fixtures

struct GemmiFixture: Decodable, Sendable {
  struct Setting: Decodable {
    var number: Int
    var hm: String
    var xhm: String
    var short: String
    var hall: String
    var count: Int
    var ops: [String]
    var defaultHallForHM: String?
  }
  var settings: [Setting]
  var defaultHallForNumber: [String: String]
}

struct SharedCIFFixture: Decodable, Sendable {
  struct Block: Decodable {
    var file: String
    var hm: String?
    var hall: String?
    var number: Int?
    var ops: [String]
    var gemmiHallOfOps: String?
  }
  var blocks: [Block]
}

enum SpaceGroupFixtures {
  struct LoadError: Error, Sendable, CustomStringConvertible {
    var description: String
  }

  /// Decoded once per test process; a missing or malformed file fails the tests that need it.
  static func load<T: Decodable>(_ name: String, as type: T.Type) -> Result<T, LoadError> {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/spacegroups").appendingPathComponent(name)
    do {
      return .success(try JSONDecoder().decode(T.self, from: Data(contentsOf: url)))
    } catch {
      return .failure(LoadError(description: "\(url.path): \(error)"))
    }
  }

  static let gemmi = load("gemmi_settings.json", as: GemmiFixture.self)
  static let sharedCIFs = load("shared_cif_symmetry.json", as: SharedCIFFixture.self)
}

/// Operations as a set modulo lattice translations.
private func operationSet(_ ops: [SymmetryOperation]) -> Set<SymmetryOperation> { Set(ops.map { $0.normalized() }) }

private func operationSet(xyz: [String]) throws -> Set<SymmetryOperation> {
  Set(try xyz.map { try SymmetryOperation(xyz: $0).normalized() })
}

/// Hall symbols compared as gemmi and spglib print them (single blanks).
private func hallText(_ s: String) -> String { s.split(separator: " ").joined(separator: " ") }

@Suite("SpaceGroup")
struct SpaceGroupTests {
  // MARK: - Against gemmi

  @Test("530 settings, 230 types, each equal to gemmi's setting with the same Hall symbol")
  func againstGemmi() throws {
    let fixture = try SpaceGroupFixtures.gemmi.get()
    #expect(SpaceGroup.all.count == 530)
    #expect(Set(SpaceGroup.all.map(\.number)) == Set(1...230))
    #expect(SpaceGroup.all.map(\.hallNumber) == Array(1...530))
    #expect(SpaceGroup.all.reduce(0) { $0 + $1.operations.count } == 7388)
    let byHall = Dictionary(fixture.settings.map { (hallText($0.hall), $0) }, uniquingKeysWith: { a, _ in a })
    for group in SpaceGroup.all {
      guard let reference = byHall[hallText(group.hall)] else {
        Issue.record("\(group) (\(group.hall)): no gemmi setting with this Hall symbol")
        continue
      }
      #expect(reference.number == group.number, "\(group)")
      #expect(reference.count == group.operations.count, "\(group)")
      #expect(try operationSet(xyz: reference.ops) == operationSet(group.operations), "\(group) vs gemmi \(reference.xhm)")
      // gemmi keeps the pre-2002 names of the e-glide groups (Nos. 39, 41, 64, 67, 68), else symbols agree.
      if ![39, 41, 64, 67, 68].contains(group.number) {
        #expect(reference.hm == group.hermannMauguin, "\(group) vs gemmi \(reference.hm)")
      }
    }
  }

  @Test("gemmi's names of every table entry resolve to gemmi's operations (or to nothing outside the 530)")
  func gemmiNamesResolve() throws {
    let fixture = try SpaceGroupFixtures.gemmi.get()
    let ours = Set(SpaceGroup.all.map { operationSet($0.operations) })
    var outside: [String] = []
    for entry in fixture.settings {
      let reference = try operationSet(xyz: entry.ops)
      guard ours.contains(reference) else {
        outside.append(entry.xhm)
        #expect(SpaceGroup(hermannMauguin: entry.xhm) == nil, "\(entry.xhm) is not one of the 530")
        #expect(SpaceGroup(hall: entry.hall) == nil, "\(entry.hall) is not one of the 530")
        continue
      }
      let group = SpaceGroup(hermannMauguin: entry.xhm)
      #expect(group.map { operationSet($0.operations) } == reference, "H-M '\(entry.xhm)' → \(String(describing: group))")
      // gemmi's short names drop the origin and axes choice ("Fd-3m" for both), so only the type is fixed.
      #expect(SpaceGroup(hermannMauguin: entry.short)?.number == entry.number, "short '\(entry.short)'")
      let byHall = SpaceGroup(hall: entry.hall)
      #expect(byHall.map { operationSet($0.operations) } == reference, "Hall '\(entry.hall)'")
      // Suffix-less symbol: the same default setting as gemmi's find_spacegroup_by_name.
      if let defaultHall = entry.defaultHallForHM, let expected = SpaceGroup(hall: defaultHall) {
        let group = SpaceGroup(hermannMauguin: entry.hm)
        #expect(group?.hallNumber == expected.hallNumber, "default for '\(entry.hm)': gemmi \(defaultHall)")
      }
    }
    // gemmi's 33 extra entries: non-standard centrings ("C -1", "B 1 2 1", "F 4/m m m") and origins ("P 21212(a)").
    #expect(outside.count == 33, "\(outside)")
  }

  @Test("number-only lookup picks gemmi's default setting")
  func byNumber() throws {
    let fixture = try SpaceGroupFixtures.gemmi.get()
    for n in 1...230 {
      let group = try #require(SpaceGroup(number: n))
      #expect(group.number == n)
      #expect(hallText(group.hall) == fixture.defaultHallForNumber[String(n)].map(hallText), "No. \(n)")
    }
    #expect(SpaceGroup(number: 227)?.settingCode == "1")
    #expect(SpaceGroup(number: 166)?.settingCode == "H")
    #expect(SpaceGroup(number: 14)?.settingCode == "b1")
    #expect(SpaceGroup(number: 62)?.settingCode == "")
    for n in [0, -1, 231, Int.max, Int.min] { #expect(SpaceGroup(number: n) == nil) }
  }

  // MARK: - Invariants

  @Test("group axioms, centring and crystal system for every setting")
  func axioms() {
    let centringCount: [Character: Int] = ["P": 1, "A": 2, "B": 2, "C": 2, "I": 2, "R": 3, "F": 4]
    let pointGroupOrders: [CrystalSystem: Set<Int>] = [
      .triclinic: [1, 2], .monoclinic: [2, 4], .orthorhombic: [4, 8], .tetragonal: [4, 8, 16],
      .trigonal: [3, 6, 12], .hexagonal: [6, 12, 24], .cubic: [12, 24, 48],
    ]
    let inversion = [-1, 0, 0, 0, -1, 0, 0, 0, -1]
    for group in SpaceGroup.all {
      let ops = group.operations
      let set = operationSet(ops)
      #expect(ops.first?.isIdentity == true, "\(group): identity first")
      #expect(set.count == ops.count, "\(group): duplicates")
      #expect(ops.allSatisfy { $0.normalized() == $0 }, "\(group): translations in [0, 1)")
      for op in ops { #expect(set.contains(op.inverse.normalized()), "\(group): inverse of \(op)") }

      // |G| = |point group| × centring vectors, and the set is invariant under the centrings.
      let centrings = group.centeringTranslations
      #expect(centrings.count == centringCount[group.centering], "\(group): centring \(group.centering)")
      #expect(ops.count == group.pointGroupRotations.count * centrings.count, "\(group)")
      for c in centrings {
        for op in ops {
          let shifted = SymmetryOperation(rotation: op.rotation, translation: zip(op.translation, c).map(+))
          #expect(set.contains(shifted.normalized()), "\(group): \(op) + centring \(c)")
        }
      }
      // Closure modulo lattice translations, on one representative per rotation (with the
      // centring invariance above this covers the whole set).
      var representatives: [[Int]: SymmetryOperation] = [:]
      for op in ops where representatives[op.rotation] == nil { representatives[op.rotation] = op }
      for a in representatives.values {
        for b in representatives.values where !set.contains((a * b).normalized()) {
          Issue.record("\(group): \(a) * \(b) not in the group")
        }
      }

      #expect(CrystalSystem(spaceGroupNumber: group.number) == group.crystalSystem)
      #expect(pointGroupOrders[group.crystalSystem]!.contains(group.pointGroupRotations.count), "\(group)")
      #expect(group.isCentrosymmetric == group.pointGroupRotations.contains(inversion))
      #expect(group.laueRotations.count == group.pointGroupRotations.count * (group.isCentrosymmetric ? 1 : 2))
      #expect(Set(group.laueRotations).count == group.laueRotations.count)
      #expect(Array(group.laueRotations.prefix(group.pointGroupRotations.count)) == group.pointGroupRotations)
      #expect(group.hermannMauguin.first == group.shortSymbol.first)
      // The rhombohedral-axes settings have a primitive cell; all others carry the H-M lattice letter.
      #expect(group.centering == (group.settingCode == "R" ? "P" : group.hermannMauguin.first), "\(group)")
    }
  }

  @Test("ITA's 24 types with two origin choices and 7 with rhombohedral/hexagonal axes")
  func settingsPerType() {
    let twoOrigins = Set(SpaceGroup.all.filter { $0.settingCode.hasPrefix("2") }.map(\.number))
    // ITA (2016) Table 4.3.2.1: the centrosymmetric types with two tabulated origins.
    #expect(twoOrigins == [48, 50, 59, 68, 70, 85, 86, 88, 125, 126, 129, 130, 133, 134, 137, 138, 141, 142,
                           201, 203, 222, 224, 227, 228])
    let rhombohedral = SpaceGroup.all.filter { $0.settingCode == "R" }.map(\.number)
    #expect(rhombohedral == [146, 148, 155, 160, 161, 166, 167])
    #expect(SpaceGroup.all.filter { $0.number == 14 }.count == 9)
    #expect(SpaceGroup.all.filter { $0.number == 15 }.count == 18)
    #expect(SpaceGroup.all.filter { $0.number == 62 }.count == 6)
    #expect(SpaceGroup.all.filter { $0.number == 68 }.count == 12)
    // spglib lists three pairs of identical operation sets (No. 68 origin 1, different axis labels).
    #expect(Set(SpaceGroup.all.map { operationSet($0.operations) }).count == 527)
  }

  // MARK: - Hermann–Mauguin lookup

  /// Loose spellings → (IT number, setting code).
  static let spellings: [(String, Int, String)] = [
    ("P21/c", 14, "b1"), ("P 1 21/c 1", 14, "b1"), ("P2_1/c", 14, "b1"), ("p 21/c", 14, "b1"),
    ("P2(1)/c", 14, "b1"), ("'P 21/c'", 14, "b1"), ("P2~1~/n", 14, "b2"), ("P 21/n", 14, "b2"),
    ("P 1 21/n 1", 14, "b2"), ("P 21/a", 14, "b3"), ("P 1 21/a 1", 14, "b3"), ("P 1 1 21/b", 14, "c3"),
    ("P 21/b 1 1", 14, "a1"), ("P 21/c :c1", 14, "c1"), ("P 1 21/c 1 :b1", 14, "b1"),
    ("I 2/a", 15, "b3"), ("A 1 2/a 1", 15, "-b1"), ("C2/c", 15, "b1"), ("C 1 2/c 1 ", 15, "b1"),
    ("C2/m", 12, "b1"), ("C2", 5, "b1"), ("Cm", 8, "b1"), ("Pc", 7, "b1"), ("Pm", 6, "b"), ("P 21", 4, "b"),
    ("P 2 1 1", 3, "a"), ("P 1 1 m", 6, "c"), ("P 1 m 1", 6, "b"), ("P 1 1 21", 4, "c"),
    ("Fd-3m:2", 227, "2"), ("F d -3 m :1", 227, "1"), ("Fd-3m", 227, "1"), ("Fd3m", 227, "1"),
    ("F d 3 m", 227, "1"), ("F d -3 m Z", 227, "2"), ("F d -3 m S", 227, "1"), ("Fd-3mZ", 227, "2"),
    ("F d -3 m {origin @ centre (-3m)}", 227, "2"), ("F d -3 m (origin choice 1)", 227, "1"),
    ("Fm3m", 225, ""), ("Fm-3m", 225, ""), ("F m 3 m", 225, ""), ("Pm3m", 221, ""), ("P m -3 m", 221, ""),
    ("Ia3d", 230, ""), ("Ia-3d", 230, ""), ("Im-3", 204, ""), ("P m 3", 200, ""), ("F d 3", 203, "1"),
    ("F d -3 :2", 203, "2"), ("Pn3m", 224, "1"), ("Pn-3m:2", 224, "2"), ("P 21 3", 198, ""),
    ("R -3 m H", 166, "H"), ("R-3m:R", 166, "R"), ("R-3m", 166, "H"), ("R -3 m :H", 166, "H"),
    ("R -3 m :R", 166, "R"), ("R 3 2 :H", 155, "H"), ("R 3 2", 155, "H"), ("R 3", 146, "H"),
    ("R -3 :R", 148, "R"), ("R3c", 161, "H"), ("H 3", 146, "H"), ("H-3m", 166, "H"),
    ("P 42/n m c :2", 137, "2"), ("P42/nmc", 137, "1"), ("P 42/n :2", 86, "2"), ("P 4/n c c :1", 130, "1"),
    ("P4/nmm:2", 129, "2"), ("I4_1/a", 88, "1"), ("I 41/a :2", 88, "2"), ("I 41/a m d", 141, "1"),
    ("I 41/a c d :1", 142, "1"), ("P 42/m m c S", 131, ""), ("P 42/m n m", 136, ""), ("P4/mmm", 123, ""),
    ("I4/mmm", 139, ""), ("P4_12_12", 92, ""), ("P 43 21 2", 96, ""), ("I -4 2 d", 122, ""),
    ("Pnma", 62, ""), ("P n m a", 62, ""), ("Pbnm", 62, "cab"), ("P b n m", 62, "cab"), ("P m c n", 62, "bca"),
    ("P n a m", 62, "a-cb"), ("P n m a :cab", 62, "cab"), ("P 21/n 21/m 21/a", 62, ""), ("Pmna", 53, ""),
    ("P n c m", 53, "bca"), ("P b c a ", 61, ""), ("P2_12_12_1", 19, ""), ("P 21 21 21", 19, ""),
    ("P b 21 m", 26, "bca"), ("P m n 21", 31, ""), ("P n a 21", 33, ""), ("P c a 21", 29, ""),
    ("A m a 2", 40, ""), ("A b m 2", 39, ""), ("A e m 2", 39, ""), ("F d d 2", 43, ""),
    ("B m e b", 64, "a-cb"), ("Bmab", 64, "a-cb"), ("C m c a", 64, ""), ("C m c e", 64, ""),
    ("Cmce", 64, ""), ("A c a m", 64, "-cba"), ("A b a m", 64, "-cba"),
    ("C m m e", 67, ""), ("Cmma", 67, ""), ("Cmmb", 67, "ba-c"), ("C m m e :ba-c", 67, "ba-c"),
    ("C c c a :2", 68, "2"), ("Ccce", 68, "1"), ("C c c b :2", 68, "2ba-c"), ("B b e b :2", 68, "2bca"),
    ("F d d d :1", 70, "1"), ("F d d d :2", 70, "2"), ("P b a n :2", 50, "2"), ("Pmmn", 59, "1"),
    ("P m m n :2", 59, "2"), ("C m c m", 63, ""), ("I m m a", 74, ""), ("C c c m", 66, ""),
    ("P 1", 1, ""), ("P1", 1, ""), ("P 1 1 1", 1, ""), ("P -1", 2, ""), ("P\u{2212}1", 2, ""),
    ("P 31 1 2", 151, ""), ("P3_221", 154, ""), ("P 32 2 1", 154, ""), ("P 62 2 2", 180, ""),
    ("P 63/m m c", 194, ""), ("P-62m", 189, ""), ("P -3 1 c", 163, ""), ("P -3 m 1", 164, ""),
  ]

  @Test("loose Hermann–Mauguin spellings resolve to the intended setting")
  func hermannMauguin() {
    for (text, number, code) in Self.spellings {
      let group = SpaceGroup(hermannMauguin: text)
      #expect(group?.number == number && group?.settingCode == code,
              "'\(text)' → \(group.map { "\($0) No. \($0.number)" } ?? "nil"), expected No. \(number) :\(code)")
    }
    for text in ["", " ", "X4bm", "Xmc21", "C -1", "P 21/c :3", "F d -3 m :3", "Q 2", "P 7", "P 21212(a)",
                 "C 2 2 21a)", "I 1 21 1", "R -3 m :X", "P 1 21/c 1 :c1x", ":", "P 21/c junk"] {
      #expect(SpaceGroup(hermannMauguin: text) == nil, "'\(text)'")
    }
  }

  @Test("every setting's own symbols resolve to it")
  func ownSymbols() {
    for group in SpaceGroup.all {
      // description = symbol + " :" + setting code, unique for all 530.
      let byDescription = SpaceGroup(hermannMauguin: group.description)
      #expect(byDescription.map { operationSet($0.operations) } == operationSet(group.operations), "\(group)")
      for name in [group.hermannMauguin, group.shortSymbol] {
        #expect(SpaceGroup(hermannMauguin: name)?.number == group.number, "\(name)")
      }
    }
  }

  // MARK: - Hall lookup

  @Test("Hall symbols: all 530 from the table, tolerant spellings, and the parser for other spellings")
  func hall() throws {
    for group in SpaceGroup.all {
      let found = SpaceGroup(hall: group.hall)
      #expect(found.map { operationSet($0.operations) } == operationSet(group.operations), "\(group.hall)")
      #expect(SpaceGroup(hall: group.hall.lowercased().replacingOccurrences(of: " ", with: "_"))?.number == group.number)
      #expect(SpaceGroup(hall: "  " + group.hall.uppercased() + " ")?.number == group.number)
      // The parser alone, against the table (which gemmi's symops_from_hall agrees with).
      let parsed = try SpaceGroup.operations(hall: group.hall)
      #expect(operationSet(parsed) == operationSet(group.operations), "parsed \(group.hall)")
      #expect(parsed.first?.isIdentity == true)
    }
    #expect(SpaceGroup(hall: "-p_2yab")?.settingCode == "b3")
    #expect(SpaceGroup(hall: "'-P 2ybc'")?.settingCode == "b1")
    #expect(SpaceGroup(hall: "P 31 2 (0 0 4)")?.number == 151)
    #expect(SpaceGroup(hall: "P 31 2 ( 0 0 4 )")?.number == 151)
    #expect(SpaceGroup(hall: "R 3 -2\"C")?.number == 161)
    #expect(SpaceGroup(hall: "- P 2ybc")?.hallNumber == 81)
    // Equivalent spellings that are not in the table: parsed, then matched.
    #expect(SpaceGroup(hall: "P 2ac 2ab -1")?.hallNumber == SpaceGroup(hall: "-P 2ac 2ab")?.hallNumber)
    #expect(SpaceGroup(hall: "P 2yb -1")?.settingCode == "b")  // P 1 21/m 1
    #expect(SpaceGroup(hall: "P 31 2 (x,y,z+1/3)")?.number == 151)
    #expect(SpaceGroup(hall: "F 4d 2 3 -1d")?.settingCode == "1")
    // Parseable but not one of the 530 (origin shifted along the screw axis; centred P-1).
    #expect(SpaceGroup(hall: "P 2yb (0 0 3)") == nil)
    #expect(SpaceGroup(hall: "-C 1") == nil)
    for junk in ["", "Xmc21", "P 5", "P 2q", "-Q 2", "P 2 (0 0", "P 2 (a b c)", "P 2 2 2 2 3 3 4 6 x", "P 22"] {
      #expect(SpaceGroup(hall: junk) == nil, "'\(junk)'")
    }
    #expect(throws: SymmetryOperationError.self) { try SpaceGroup.operations(hall: "P 2q") }
  }

  // MARK: - Operation lists

  @Test("matching finds every setting from shuffled, lattice-shifted operations")
  func matching() {
    var rng = SymmetryTestRandom(seed: 530)
    for group in SpaceGroup.all {
      var ops = group.operations.map { op in
        SymmetryOperation(rotation: op.rotation,
                          translation: op.translation.map { $0 + 24 * (Int(rng.next() % 5) - 2) })
      }
      for i in ops.indices.reversed() { ops.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
      let found = SpaceGroup.matching(ops)
      #expect(found.map { operationSet($0.operations) } == operationSet(group.operations), "\(group)")
      #expect(found?.hallNumber ?? 0 <= group.hallNumber)
      if group.operations.count > 2 {  // a 2-element group minus one is P 1
        #expect(SpaceGroup.matching(Array(ops.dropLast())) == nil, "\(group) minus one operation")
      }
    }
    #expect(SpaceGroup.matching([]) == nil)
    #expect(SpaceGroup.matching([.identity, .identity])?.number == 1)
    // No. 68, origin 1: settings 322 and 324 share one set; the lower Hall number wins.
    #expect(SpaceGroup.matching(SpaceGroup.all[323].operations)?.hallNumber == 322)
  }

  // MARK: - Real CIFs

  /// Names in ../shared CIFs that do not name one of the 530 settings.
  static let unresolvableNames: [String: String] = [
    "X4bm": "superspace group of a modulated structure (cod/malformed/2100428)",
    "Xmc21": "unknown centring letter X (cod/malformed/2105936)",
    "C -1": "P-1 in a C-centred cell, not an ITA setting (cod/amcsd_0001683)",
  ]
  /// Operator lists in ../shared CIFs that are none of the 530 settings.
  static let nonStandardOperators: [String: String] = [
    "cod/1009031.cif": "P 42/m m c with the origin shifted by (1/2, 0, 0)",
    "cod/amcsd_0000789.cif": "P 32 2 1 with the 2-fold axes shifted along c",
    "cod/amcsd_0001663.cif": "I 41/a with an origin that is neither ITA choice",
    "cod/malformed/2105936-strange-centering.cif": "X-centred cell",
    "cod/amcsd_0001683.cif": "P-1 in a C-centred cell ('C -1')",
  ]
  /// Suffix-less names whose operator list is the other origin / axes choice than the default.
  static let otherDefault: [String: String] = [
    "refs/cifs/Fd3m.cif": "'F d 3 m' with origin-2 operators",
    "refs/cifs/Fd3.cif": "'F d 3' with origin-2 operators",
    "cod/amcsd_0002400.cif": "'F d 3 m' with origin-2 operators",
    "cod/amcsd_0004465.cif": "'F d 3 m' with origin-2 operators",
    "cod/2102763.cif": "'F d -3 m' with origin-2 operators",
    "refs/cifs/1-G59.cif": "'Pmmn' with origin-2 operators",
    "refs/cifs/R32.cif": "'R 3 2' with rhombohedral-axes operators",
  ]

  @Test("every space-group name, Hall symbol and operator list in ../shared CIFs")
  func sharedCIFs() throws {
    let fixture = try SpaceGroupFixtures.sharedCIFs.get()
    #expect(fixture.blocks.count > 200)
    var seenOtherDefault = Set<String>()
    var seenNonStandard = Set<String>()
    for block in fixture.blocks {
      let location = "\(block.file)"
      var named: SpaceGroup?
      if let hm = block.hm {
        named = SpaceGroup(hermannMauguin: hm)
        if Self.unresolvableNames[hm] != nil {
          #expect(named == nil, "\(location): '\(hm)'")
        } else {
          #expect(named != nil, "\(location): H-M '\(hm)' does not resolve")
          if let n = block.number { #expect(named?.number == n, "\(location): '\(hm)' vs number \(n)") }
        }
      }
      if let hall = block.hall, !hall.isEmpty {
        let byHall = SpaceGroup(hall: hall)
        if Self.unresolvableNames[hall] != nil {
          #expect(byHall == nil, "\(location): Hall '\(hall)'")
        } else {
          #expect(byHall != nil, "\(location): Hall '\(hall)' does not resolve")
          if let n = block.number { #expect(byHall?.number == n, "\(location): Hall '\(hall)' vs number \(n)") }
          if let named, let byHall { #expect(named.number == byHall.number, "\(location): H-M vs Hall") }
        }
      }
      guard !block.ops.isEmpty else { continue }
      let ops = try block.ops.map { try SymmetryOperation(xyz: $0) }
      let matched = SpaceGroup.matching(ops)
      // gemmi's identification of the same list, mapped to our table.
      let expected = block.gemmiHallOfOps.flatMap { $0.isEmpty ? nil : SpaceGroup(hall: $0) }
      #expect(matched.map { operationSet($0.operations) } == expected.map { operationSet($0.operations) },
              "\(location): matching vs gemmi \(block.gemmiHallOfOps ?? "nil")")
      guard let matched else {
        seenNonStandard.insert(block.file)
        #expect(Self.nonStandardOperators[block.file] != nil, "\(location): operators match no setting")
        continue
      }
      if let n = block.number { #expect(matched.number == n, "\(location)") }
      if let named, named.hallNumber != matched.hallNumber {
        #expect(named.number == matched.number, "\(location): '\(block.hm ?? "")' is No. \(named.number), operators No. \(matched.number)")
        let qualified = block.hm.map { SpaceGroup.hermannMauguinKey($0).qualifier != nil } ?? false
        #expect(!qualified, "\(location): '\(block.hm ?? "")' names a setting explicitly but operators are \(matched)")
        seenOtherDefault.insert(block.file)
        #expect(Self.otherDefault[block.file] != nil, "\(location): '\(block.hm ?? "")' → \(named), operators \(matched)")
      }
    }
    #expect(seenOtherDefault == Set(Self.otherDefault.keys))
    #expect(seenNonStandard == Set(Self.nonStandardOperators.keys))
  }
}
