// The four-lane exponential of the structure-factor loops against glibc's exp (an independent implementation),
// and the structure factors it feeds against the reference path that calls exp directly.

import Foundation
import Testing
import XRDCrystal
@testable import XRDDiffraction
import XRDGSL

@Suite struct ExponentialsTests {
  /// Distance in units in the last place between two positive finite doubles.
  static func ulps(_ a: Double, _ b: Double) -> UInt64 {
    let x = a.bitPattern, y = b.bitPattern
    return x > y ? x - y : y - x
  }

  /// 10⁶ arguments spread over [−700, 700] (denser near 0, where the form factors live): within 2 ulp of glibc.
  @Test func agreesWithLibmToTwoUlps() {
    var rng = SplitMix64(seed: 20_261_130)
    var worst: UInt64 = 0
    var worstArgument = 0.0
    for i in 0..<250_000 {
      let scale = [1.0, 10, 100, 700][i % 4]
      let x = SIMD4((0..<4).map { _ in Double.random(in: -scale...min(scale, 700), using: &rng) })
      let y = exponentials(x)
      for lane in 0..<4 {
        let d = Self.ulps(y[lane], exp(x[lane]))
        if d > worst { worst = d; worstArgument = x[lane] }
      }
    }
    #expect(worst <= 2, "worst \(worst) ulp at x = \(worstArgument)")
  }

  @Test func edgeCases() {
    let y = exponentials(SIMD4(0, -0.0, 1e-300, -1e-300))
    #expect(y == SIMD4(1, 1, 1, 1))
    // ±700 are inside the fast range; beyond, each lane goes to the library (underflow, overflow, ±∞, NaN).
    let edges = exponentials(SIMD4(-700, 700, -745.2, 709.9))
    #expect(Self.ulps(edges[0], exp(-700)) <= 2 && Self.ulps(edges[1], exp(700)) <= 2)
    #expect(edges[2] == exp(-745.2) && edges[3] == exp(709.9))
    let special = exponentials(SIMD4(-.infinity, .infinity, .nan, -1e6))
    #expect(special[0] == 0 && special[1] == .infinity && special[2].isNaN && special[3] == 0)
  }

  /// Fast structure factors (four-lane exponentials for f0 and T) against the reference path (glibc exp per
  /// call, trigonometric phases) for a structure with several species and displacement parameters.
  @Test func structureFactorsAgreeWithReferencePath() throws {
    let text = cif(cell: (7.1, 8.3, 9.2, 90, 101.5, 90), operations: ["x,y,z", "-x,y+1/2,-z"],
                   sites: [("La", 0.11, 0.23, 0.31), ("Ti", 0.41, 0.07, 0.77), ("O", 0.67, 0.52, 0.13),
                           ("O", 0.29, 0.81, 0.58)], uIso: 0.012)
    let calculator = StructureFactorCalculator(crystal: try crystal(text), settings: DiffractionSettings())
    var indices: [MillerIndex] = []
    for h in -4...4 { for k in 0...4 { for l in -4...4 where h != 0 || k != 0 || l != 0 {
      indices.append(MillerIndex(h: h, k: k, l: l))
    } } }
    let fast = calculator.structureFactors(for: indices)
    var worst = 0.0
    for (hkl, f) in zip(indices, fast) {
      let reference = calculator.structureFactor(hkl)
      worst = max(worst, (f.plus - reference).length / max(f.inPhaseBound, 1e-300))
    }
    #expect(worst < 1e-13, "largest |F_fast − F_reference| / Σ occ|f|T = \(worst)")
  }
}
