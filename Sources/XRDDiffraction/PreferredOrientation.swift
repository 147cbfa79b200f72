// Preferred orientation (texture) by the March–Dollase function, summed over the members of each family.
//
// P(α) = (r² cos²α + sin²α / r)^(−3/2), α the angle between a reflection's scattering vector and the
// preferred-orientation axis (both reciprocal-lattice vectors), r the March–Dollase ratio (r = 1: random
// powder; r < 1: platelets with the axis normal to the sample surface; r > 1: needles). For a family the
// factor is the mean of P over its members (Dollase 1986, J. Appl. Cryst. 19, 267), so equivalent reflections
// that lie at different angles to the axis are weighted correctly. The mean of P over the sphere is 1, which
// conserves the total intensity of a randomly oriented set of reflections.
// Not done: spherical-harmonics texture.

public import XRDCrystal

/// March–Dollase preferred orientation along a reciprocal-lattice direction.
public struct MarchDollase: Sendable, Hashable {
  /// Preferred-orientation axis as Miller indices of a reciprocal-lattice vector, e.g. (0 0 1).
  public var axis: MillerIndex
  /// March ratio r > 0; 1 means no preferred orientation.
  public var ratio: Double

  public init(axis: MillerIndex, ratio: Double) {
    self.axis = axis
    self.ratio = ratio
  }

  /// P(α) for the angle α between the axis and a scattering vector, given as cos α.
  public func factor(cosAngle c: Double) -> Double {
    let c2 = min(1, c * c)
    let r = ratio
    return 1 / ((r * r * c2 + (1 - c2) / r) * (r * r * c2 + (1 - c2) / r).squareRoot())
  }

  /// The family-averaged factor: mean of P over `members` (equivalent reflections) in `cell`.
  public func factor(members: [MillerIndex], cell: UnitCell) -> Double {
    if ratio == 1 || members.isEmpty { return 1 }
    let t = SIMD3(Double(axis.h), Double(axis.k), Double(axis.l))
    let tt = cell.inverseDSquared(t.x, t.y, t.z)
    guard tt > 0 else { return 1 }
    let g = cell.reciprocalMetric
    let gt = SIMD3(g[0] * t.x + g[1] * t.y + g[2] * t.z, g[3] * t.x + g[4] * t.y + g[5] * t.z,
                   g[6] * t.x + g[7] * t.y + g[8] * t.z)
    var sum = 0.0
    for m in members {
      let h = SIMD3(Double(m.h), Double(m.k), Double(m.l))
      let dot: Double = (h * gt).sum()  // h·G*·t for two reciprocal vectors
      let hh: Double = cell.inverseDSquared(h.x, h.y, h.z)
      sum += factor(cosAngle: dot / (hh * tt).squareRoot())
    }
    return sum / Double(members.count)
  }
}

/// The members of the family of `hkl` under a Laue class (see ``laueRotations(of:)``), sorted.
public func equivalentReflections(of hkl: MillerIndex, rotations: [[Int]]) -> [MillerIndex] {
  Array(Set(rotations.map { hkl.transformed(by: $0) })).sorted()
}
