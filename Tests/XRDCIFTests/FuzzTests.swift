// Robustness: truncations and random mutations of a real CIF must parse or throw, never trap or hang.
//
// As cctbx feeds its parser every byte value: every prefix of COD 2100202 (3.3 kB, byte by byte), every
// single byte value in three contexts, and 3000 mutants (random edits biased towards CIF's special
// characters, half of them under the CIF 2.0 magic) from a fixed seed, so a failure replays exactly.

import Testing
import XRDCIF

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny deterministic generator for reproducible mutants.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Parses and reports the outcome; the typed `throws(CIFError)` guarantees nothing else escapes.
@discardableResult
func outcome(_ bytes: [UInt8]) -> Result<CIFDocument, CIFError> {
  Result { () throws(CIFError) in try CIFDocument(bytes: bytes, fileName: "fuzz.cif") }
}

@Suite("Robustness", .timeLimit(.minutes(1)))
struct FuzzTests {
  static let original = Array(Fixtures.caffeine.utf8)

  @Test("the fixture itself parses")
  func fixtureParses() throws {
    let document = try CIFDocument(parsing: Fixtures.caffeine, fileName: "2100202.cif")
    let b = try #require(document["2100202"])
    #expect(b.value("_cell_length_a")?.number == 14.9372)
    #expect(b.values("_atom_site_label")?.count == 24)
    #expect(b.values("_publ_author_name")?[1].text == #"Correia, Nat\'alia T."#)
    #expect(b.value("_symmetry_space_group_name_Hall")?.text == #"R 3 -2"C"#)
    #expect(document.warnings.isEmpty)
  }

  @Test("every truncation parses or throws")
  func truncations() {
    var kinds: Set<String> = []
    var parsed = 0
    for length in 0...FuzzTests.original.count {
      switch outcome(Array(FuzzTests.original[..<length])) {
      case .success: parsed += 1
      case .failure(let error):
        kinds.insert(String(describing: error.kind).prefix { $0 != "(" }.description)
        #expect(error.location.line >= 1 && error.location.line <= 101)
      }
    }
    // Cutting inside each construct gives its own error; cutting between items parses.
    #expect(parsed > 100)
    #expect(kinds.isSuperset(of: ["noDataBlock", "missingValue", "unterminatedString", "unterminatedTextField",
                                  "loopValueCount", "reservedWord"]))
  }

  @Test("every byte value, alone and inside a CIF")
  func singleBytes() {
    for byte in UInt8.min...UInt8.max {
      outcome([byte])
      outcome(Array("data_x\n_a ".utf8) + [byte])
      outcome(Array("#\\#CIF_2.0\ndata_x\n_a [".utf8) + [byte] + Array("]\n".utf8))
    }
  }

  @Test("hostile shapes stay linear: one long non-ASCII line, a loop with many tags")
  func hostileShapes() throws {
    let longLine = "data_x\nloop_ _name\n" + String(repeating: "Å ", count: 50_000)
    let line = try CIFDocument(parsing: longLine)
    #expect(line.blocks.first?.loop(containing: "_name")?.rows.last?.first?.location.column == 99_999)
    let tags = (0..<5_000).map { "_t\($0)" }
    let wideLoop = "data_x\nloop_ " + tags.joined(separator: "\n") + "\n" + String(repeating: "1 ", count: 10_000)
    #expect(try CIFDocument(parsing: wideLoop).blocks.first?.loop(containing: "_t4999")?.rows.count == 2)
    let manyBlocks = (0..<5_000).map { "data_b\($0) _a \($0)" }.joined(separator: "\n")
    #expect(try CIFDocument(parsing: manyBlocks)["B4999"]?.value("_a")?.number == 4999)
  }

  @Test("random mutations with a fixed seed parse or throw")
  func mutations() {
    var rng = SplitMix64(state: 2_100_202)
    let special = Array("'\"; \n\r\t_#[]{}:?.()data_loop_save_stop_global_e-".utf8) + [0x00, 0x80, 0xC3, 0xE9, 0xFF]
    let magic = Array("#\\#CIF_2.0\n".utf8)
    var failures = 0
    for trial in 0..<3000 {
      var bytes = trial % 2 == 0 ? FuzzTests.original : magic + FuzzTests.original
      for _ in 0..<Int.random(in: 1...8, using: &rng) {
        let i = Int.random(in: 0..<bytes.count, using: &rng)
        let b = Bool.random(using: &rng) ? special.randomElement(using: &rng) ?? 0 : UInt8.random(in: 0...255, using: &rng)
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: bytes[i] = b
        case 1: bytes.insert(b, at: i)
        case 2: bytes.remove(at: i)
        default:  // duplicate or drop a whole stretch, as a bad copy-paste does
          let j = min(bytes.count, i + Int.random(in: 1...200, using: &rng))
          if Bool.random(using: &rng) { bytes.insert(contentsOf: bytes[i..<j], at: i) } else { bytes.removeSubrange(i..<j) }
        }
        if bytes.isEmpty { bytes = [b] }
      }
      if case .failure = outcome(bytes) { failures += 1 }
    }
    // Both outcomes occur: mutants are neither all rejected nor all accepted.
    #expect(failures > 300 && failures < 2700)
  }
}
