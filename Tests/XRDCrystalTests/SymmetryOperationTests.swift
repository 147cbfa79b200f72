// SymmetryOperation: reading CIF triplets (lenient forms, rejections that never trap), the canonical
// text form, and the algebra (composition, inverse, normalization) over every operation of the table.

import Testing
import XRDCrystal

@Suite("SymmetryOperation")
struct SymmetryOperationTests {
  // MARK: - Reading

  /// Spellings met in CIFs and papers → rotation (row-major) and translation (numerators over 24).
  static let spellings: [(text: String, rotation: [Int], translation: [Int])] = [
    ("x,y,z", [1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0]),
    ("-y+1/2, x-y, z+1/3", [0, -1, 0, 1, -1, 0, 0, 0, 1], [12, 0, 8]),
    ("1/2+x,y,z", [1, 0, 0, 0, 1, 0, 0, 0, 1], [12, 0, 0]),
    ("X-Y,X,Z", [1, -1, 0, 1, 0, 0, 0, 0, 1], [0, 0, 0]),
    ("x+1/2,y,z", [1, 0, 0, 0, 1, 0, 0, 0, 1], [12, 0, 0]),
    ("-x,-y,-z", [-1, 0, 0, 0, -1, 0, 0, 0, -1], [0, 0, 0]),
    (" x, y ,z ", [1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0]),
    ("+x,+y,+z", [1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0]),
    ("x-1/2,y,z", [1, 0, 0, 0, 1, 0, 0, 0, 1], [-12, 0, 0]),
    ("-x+1,-y,-z", [-1, 0, 0, 0, -1, 0, 0, 0, -1], [24, 0, 0]),
    ("x+0.5,y+.25,z+0.3333", [1, 0, 0, 0, 1, 0, 0, 0, 1], [12, 6, 8]),
    ("0.66667+x,0.16667-y,-z+0.75", [1, 0, 0, 0, -1, 0, 0, 0, -1], [16, 4, 18]),
    ("1/4+y,3/4-x,1/4-z", [0, 1, 0, -1, 0, 0, 0, 0, -1], [6, 18, 6]),
    ("x,x-y,-z+5/6", [1, 0, 0, 1, -1, 0, 0, 0, -1], [0, 0, 20]),
    ("2x-y,x,z", [2, -1, 0, 1, 0, 0, 0, 0, 1], [0, 0, 0]),
    ("2*x-y,x,z", [2, -1, 0, 1, 0, 0, 0, 0, 1], [0, 0, 0]),
    ("\u{2212}x,y,z", [-1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0]),
    ("x+1/4+1/4,y,z", [1, 0, 0, 0, 1, 0, 0, 0, 1], [12, 0, 0]),
    ("x+0.333333333333333333,y-0.5,z+1.", [1, 0, 0, 0, 1, 0, 0, 0, 1], [8, -12, 24]),
    ("x,y,z,+1", [1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0]),
    ("-x,-y,-z,-1", [-1, 0, 0, 0, -1, 0, 0, 0, -1], [0, 0, 0]),
    ("x+1/2,y+1/2,z,+1", [1, 0, 0, 0, 1, 0, 0, 0, 1], [12, 12, 0]),
  ]

  @Test("reads lenient CIF spellings", arguments: spellings.indices)
  func reads(_ i: Int) throws {
    let (text, rotation, translation) = Self.spellings[i]
    let op = try SymmetryOperation(xyz: text)
    #expect(op.rotation == rotation, "\(text)")
    #expect(op.translation == translation, "\(text)")
  }

  @Test("writes the canonical triplet")
  func canonical() throws {
    #expect(try SymmetryOperation(xyz: "-y+1/2, x-y, z+1/3").xyz == "-y+1/2,x-y,z+1/3")
    #expect(try SymmetryOperation(xyz: "1/2+X,Y,Z").xyz == "x+1/2,y,z")
    #expect(try SymmetryOperation(xyz: "x-1/2,-y+1,z+0.16667").xyz == "x-1/2,-y+1,z+1/6")
    #expect(SymmetryOperation.identity.xyz == "x,y,z")
    #expect(SymmetryOperation(rotation: [0, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0]).xyz == "0,y,z")
    #expect(try SymmetryOperation(xyz: "2x-y,x,z").description == "2x-y,x,z")
  }

  /// Garbage and near misses: each must throw an error that names the text, never trap.
  static let rejected: [String] = [
    "", "x", "x,y", "x,y,q", "x,,z", ",,", "x,y,z,", "x,y,z,2", "x,y,z,+1,+1",
    "1/0+x,y,z", "x+1/5,y,z", "x+0.1,y,z", "x/2,y,z", "1/2x,y,z", "1.5x,y,z", "x+1/2.5,y,z",
    "x,x,z", "2x,y,z", "1/2,y,z", "x+,y,z", "x,y,z+", "x,y,z+-", "x++y,y,z", "x y,y,z",
    "xy,y,z", "x,y,z*", "2*,y,z", "x,y,1/2*", "x,y,.", "x,y,1/", "x,y,z+1/2/3", "x,y,z+1e3", "x;y;z", "(x,y,z)",
    "999999999999999x,y,z", "x+99999999999999/2,y,z", "1000000000,y,z", "x,y,z\u{0}", "x,y,ж",
    String(repeating: "x+", count: 20_000) + "y,z,z", String(repeating: "1/2+", count: 20_000) + "x,y",
    String(repeating: "junk ", count: 10_000),
  ]

  @Test("rejects garbage with a clear error")
  func rejects() {
    for text in Self.rejected {
      do {
        let op = try SymmetryOperation(xyz: text)
        Issue.record("'\(text.prefix(60))' was accepted as \(op)")
      } catch {
        #expect(error.text == text && !error.reason.isEmpty, "'\(text.prefix(60))'")
        #expect(error.description.hasPrefix("invalid symmetry operation '"))
        #expect(error.description.count < 300, "messages stay short even for long junk")
      }
    }
    let error = #expect(throws: SymmetryOperationError.self) { try SymmetryOperation(xyz: "x,y,q") }
    #expect(error?.reason == "component 3 'q': unexpected character 'q'")
    let shortError = #expect(throws: SymmetryOperationError.self) { try SymmetryOperation(xyz: "x,y") }
    #expect(shortError?.description
      == "invalid symmetry operation 'x,y': expected 3 comma-separated components (4 with a magnetic time-reversal sign), found 2")
  }

  @Test("never traps on any truncation or corruption of real triplets")
  func fuzz() {
    var rng = SymmetryTestRandom(seed: 0x5EED)
    let alphabet = Array("xyzXYZ+-*/.,0123456789 abn'\"()")
    let seeds = ["-y+1/2,x-y,z+1/3", "1/4+y,3/4-x,1/4-z,-1", "x+0.33333,-x+y,-z+0.5"]
    var parsed = 0
    for seed in seeds {
      let chars = Array(seed)
      for n in 0...chars.count where (try? SymmetryOperation(xyz: String(chars.prefix(n)))) != nil { parsed += 1 }
    }
    for _ in 0..<3000 {
      let length = Int(rng.next() % 24)
      let text = String((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
      if (try? SymmetryOperation(xyz: text)) != nil { parsed += 1 }
    }
    #expect(parsed >= 3)  // the full seeds themselves
  }

  // MARK: - Table-wide round trip and algebra

  @Test("xyz round-trips for every operation of every setting")
  func roundTrip() throws {
    for group in SpaceGroup.all {
      for op in group.operations {
        let text = op.xyz
        let back = try SymmetryOperation(xyz: text)
        #expect(back == op, "\(group): \(text)")
        #expect(!text.contains(" "))
      }
    }
  }

  @Test("inverse, composition and application agree for every operation")
  func algebra() {
    let p = SIMD3<Double>(0.1234, -0.377, 0.61)
    for group in SpaceGroup.all {
      let ops = group.operations
      for (k, op) in ops.enumerated() {
        #expect((op * op.inverse).isIdentity, "\(group): \(op) * inverse")
        #expect((op.inverse * op).isIdentity, "\(group): inverse * \(op)")
        #expect(abs(op.determinant) == 1)
        let other = ops[(k * 7 + 3) % ops.count]
        let composed = (op * other).apply(to: p)
        let sequential = op.apply(to: other.apply(to: p))
        #expect(distance(composed, sequential) < 1e-12, "\(group): \(op) * \(other)")
        let n = op.normalized()
        #expect(n.translation.allSatisfy { (0..<24).contains($0) })
      }
    }
    let shifted = SymmetryOperation(rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [24, -48, 0])
    #expect(!shifted.isIdentity)
    #expect(shifted.normalized().isIdentity)
    #expect(SymmetryOperation(rotation: [-1, 0, 0, 0, -1, 0, 0, 0, -1], translation: [-3, 27, 0]).normalized().translation == [21, 3, 0])
    let a = try! SymmetryOperation(xyz: "-y,x-y,z+1/3")
    let b = try! SymmetryOperation(xyz: "y,x,-z+2/3")
    // (a*b)(x) = a(b(x)): b maps (x,y,z) to (y,x,-z+2/3); a then gives (-x, y-x, -z+1).
    #expect((a * b).xyz == "-x,-x+y,-z+1")
    #expect(a.apply(to: SIMD3(0.25, 0.5, 0)) == SIMD3(-0.5, -0.25, 1.0 / 3))
  }
}

private func distance(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
  let d = a - b
  return (d * d).sum().squareRoot()
}

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator so that the fuzz test replays.
struct SymmetryTestRandom {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
