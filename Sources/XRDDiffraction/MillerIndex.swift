// Miller indices and reflection families under the Laue group.
//
// A reciprocal-lattice vector h transforms under a rotation R (x' = Rx + t) as h' = hR (h as a row), and
// |F(hR)| = |F(h)| for every R of the point group; adding −h (Friedel) gives the Laue class, whose orbit
// size is the powder multiplicity. Not done: hexagonal four-index (hkil) notation; i = −h−k is implied.

/// Miller indices (h, k, l) of a reciprocal-lattice vector.
public struct MillerIndex: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var h: Int, k: Int, l: Int

  public init(h: Int, k: Int, l: Int) {
    self.h = h; self.k = k; self.l = l
  }

  /// −h: the Friedel mate.
  public static prefix func - (index: MillerIndex) -> MillerIndex { MillerIndex(h: -index.h, k: -index.k, l: -index.l) }

  /// h' = hR for a row-major integer rotation R of a symmetry operation in fractional coordinates.
  public func transformed(by rotation: [Int]) -> MillerIndex {
    MillerIndex(h: h * rotation[0] + k * rotation[3] + l * rotation[6],
                k: h * rotation[1] + k * rotation[4] + l * rotation[7],
                l: h * rotation[2] + k * rotation[5] + l * rotation[8])
  }

  public static func < (lhs: MillerIndex, rhs: MillerIndex) -> Bool { (lhs.h, lhs.k, lhs.l) < (rhs.h, rhs.k, rhs.l) }

  /// "(1 1 -1)"
  public var description: String { "(\(h) \(k) \(l))" }
}

extension MillerIndex {
  /// How a crystallographer would pick one member of a family to name it: most non-negative indices first,
  /// then the largest (h, k, l) lexicographically, so (2 0 0) names the cubic {200} family and (1 0 -1) a
  /// monoclinic one.
  static func preferredRepresentative(of members: [MillerIndex]) -> MillerIndex {
    func nonNegativeCount(_ m: MillerIndex) -> Int { (m.h >= 0 ? 1 : 0) + (m.k >= 0 ? 1 : 0) + (m.l >= 0 ? 1 : 0) }
    return members.max { lhs, rhs in
      (nonNegativeCount(lhs), lhs.h, lhs.k, lhs.l) < (nonNegativeCount(rhs), rhs.h, rhs.k, rhs.l)
    } ?? members[0]
  }
}
