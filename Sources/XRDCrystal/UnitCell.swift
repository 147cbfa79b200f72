// The unit cell: lattice parameters, metric tensors, d-spacings and the Cartesian frame.
//
// Lengths in Å, angles in degrees at the API; radians inside. G is the direct metric tensor
// (G_ij = a_i·a_j), G* = G⁻¹ the reciprocal one, so 1/d² = hᵀ G* h (ITA Vol. B, 1.1).
// Cartesian frame: a along x, b in the xy plane (the PDB/gemmi "orthogonalization" convention).
// Not done: reduced-cell (Niggli) transformations; the cell is used as the CIF gives it.

import Foundation

/// Lattice parameters of a unit cell with the derived metric quantities.
public struct UnitCell: Sendable, Hashable, CustomStringConvertible {
  /// Edge lengths a, b, c in Å.
  public var a: Double, b: Double, c: Double
  /// Interaxial angles α (b∧c), β (a∧c), γ (a∧b) in degrees.
  public var alpha: Double, beta: Double, gamma: Double

  /// Direct metric tensor G, row-major 3×3 (Å²).
  public let metric: [Double]
  /// Reciprocal metric tensor G* = G⁻¹, row-major 3×3 (Å⁻²).
  public let reciprocalMetric: [Double]
  /// Cell volume in Å³.
  public let volume: Double

  /// Makes a cell, or throws when the parameters do not describe a cell of positive volume.
  ///
  /// The error kind is ``UnitCellError/nonPositiveLength`` for a ≤ 0 (or non-finite) length,
  /// ``UnitCellError/invalidAngle`` for an angle outside (0°, 180°), and
  /// ``UnitCellError/zeroVolume`` when the three angles cannot close a cell (e.g. α = β + γ).
  public init(a: Double, b: Double, c: Double, alpha: Double, beta: Double, gamma: Double) throws(UnitCellError) {
    for (name, v) in [("a", a), ("b", b), ("c", c)] where !(v.isFinite && v > 0) {
      throw .nonPositiveLength(name, v)
    }
    for (name, v) in [("alpha", alpha), ("beta", beta), ("gamma", gamma)] where !(v.isFinite && v > 0 && v < 180) {
      throw .invalidAngle(name, v)
    }
    self.a = a; self.b = b; self.c = c
    self.alpha = alpha; self.beta = beta; self.gamma = gamma
    let ca = cosDegrees(alpha), cb = cosDegrees(beta), cg = cosDegrees(gamma)
    let g = [a * a, a * b * cg, a * c * cb,
             a * b * cg, b * b, b * c * ca,
             a * c * cb, b * c * ca, c * c]
    let det = determinant3(g)
    // The volume² / (abc)² = 1 − cos²α − cos²β − cos²γ + 2 cosα cosβ cosγ; demand a non-degenerate cell.
    guard det > 1e-6 * (a * b * c) * (a * b * c) else { throw .zeroVolume(alpha: alpha, beta: beta, gamma: gamma) }
    metric = g
    volume = det.squareRoot()
    reciprocalMetric = inverse3(g, determinant: det)
  }

  /// Reciprocal lattice lengths a*, b*, c* in Å⁻¹.
  public var reciprocalLengths: SIMD3<Double> {
    SIMD3(reciprocalMetric[0].squareRoot(), reciprocalMetric[4].squareRoot(), reciprocalMetric[8].squareRoot())
  }

  /// 1/d² for the reciprocal-lattice vector (h, k, l), in Å⁻².
  @inlinable
  public func inverseDSquared(_ h: Double, _ k: Double, _ l: Double) -> Double {
    let g = reciprocalMetric
    return h * h * g[0] + k * k * g[4] + l * l * g[8] + 2 * (h * k * g[1] + h * l * g[2] + k * l * g[5])
  }

  /// Interplanar spacing d(hkl) in Å; infinite for (0, 0, 0).
  public func dSpacing(h: Int, k: Int, l: Int) -> Double {
    1 / inverseDSquared(Double(h), Double(k), Double(l)).squareRoot()
  }

  /// Squared distance in Å² between two points given in fractional coordinates (no wrapping).
  public func distanceSquared(fractional d: SIMD3<Double>) -> Double {
    let g = metric
    return d.x * d.x * g[0] + d.y * d.y * g[4] + d.z * d.z * g[8]
      + 2 * (d.x * d.y * g[1] + d.x * d.z * g[2] + d.y * d.z * g[5])
  }

  /// Shortest periodic distance in Å between two fractional positions (nearest image within ±1 cell).
  public func periodicDistance(_ p: SIMD3<Double>, _ q: SIMD3<Double>) -> Double {
    var d = p - q
    d -= d.rounded(.toNearestOrEven)
    var best = Double.infinity
    // For oblique cells the nearest image may be a neighbour of the rounded one.
    for i in -1...1 { for j in -1...1 { for k in -1...1 {
      let e = d + SIMD3(Double(i), Double(j), Double(k))
      best = min(best, distanceSquared(fractional: e))
    } } }
    return best.squareRoot()
  }

  /// The cell with every length scaled by (1 + strain) component-wise; angles kept.
  public func scaled(by factors: SIMD3<Double>) throws(UnitCellError) -> UnitCell {
    try UnitCell(a: a * factors.x, b: b * factors.y, c: c * factors.z, alpha: alpha, beta: beta, gamma: gamma)
  }

  public var description: String {
    func f(_ x: Double) -> String { String(format: "%.5f", x) }
    return "a=\(f(a)) b=\(f(b)) c=\(f(c)) α=\(f(alpha)) β=\(f(beta)) γ=\(f(gamma))"
  }

  public static func == (lhs: UnitCell, rhs: UnitCell) -> Bool {
    (lhs.a, lhs.b, lhs.c, lhs.alpha, lhs.beta, lhs.gamma) == (rhs.a, rhs.b, rhs.c, rhs.alpha, rhs.beta, rhs.gamma)
  }

  public func hash(into hasher: inout Hasher) {
    for v in [a, b, c, alpha, beta, gamma] { hasher.combine(v) }
  }
}

/// Why a set of lattice parameters does not make a cell.
public enum UnitCellError: Error, Sendable, Equatable, CustomStringConvertible {
  case nonPositiveLength(String, Double)
  case invalidAngle(String, Double)
  case zeroVolume(alpha: Double, beta: Double, gamma: Double)

  public var description: String {
    switch self {
    case let .nonPositiveLength(name, v): "cell length \(name) = \(v) Å is not a positive number"
    case let .invalidAngle(name, v): "cell angle \(name) = \(v)° is not between 0° and 180°"
    case let .zeroVolume(al, be, ga): "cell angles α=\(al)°, β=\(be)°, γ=\(ga)° give zero volume"
    }
  }
}

// MARK: - Implementation details

/// cos of an angle in degrees, exact at the multiples of 30° and 45° crystallography lives on
/// (so that a hexagonal 120° cell has exactly cos γ = −½ and cubic cells exactly zero off-diagonals).
@usableFromInline
func cosDegrees(_ degrees: Double) -> Double {
  switch degrees {
  case 90: 0
  case 60: 0.5
  case 120: -0.5
  default: cos(degrees * .pi / 180)
  }
}

func determinant3(_ m: [Double]) -> Double {
  m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6])
}

func inverse3(_ m: [Double], determinant det: Double) -> [Double] {
  [(m[4] * m[8] - m[5] * m[7]) / det, (m[2] * m[7] - m[1] * m[8]) / det, (m[1] * m[5] - m[2] * m[4]) / det,
   (m[5] * m[6] - m[3] * m[8]) / det, (m[0] * m[8] - m[2] * m[6]) / det, (m[2] * m[3] - m[0] * m[5]) / det,
   (m[3] * m[7] - m[4] * m[6]) / det, (m[1] * m[6] - m[0] * m[7]) / det, (m[0] * m[4] - m[1] * m[3]) / det]
}
