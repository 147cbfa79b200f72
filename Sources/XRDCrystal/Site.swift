// An atom site of the asymmetric unit, and the atoms of the full cell it generates.
//
// Displacements follow the CIF core dictionary: U in Å², anisotropic U_ij on the reciprocal-axis
// basis so that T(h) = exp(−2π² Σ U_ij h_i h_j a*_i a*_j), B = 8π²U. Internally every displacement
// is stored as the dimensionless β_ij = 2π² U_ij a*_i a*_j, so that T(h) = exp(−hᵀβh) and a symmetry
// operation with rotation R maps β to R β Rᵀ.

/// A chemical species: an element and its formal charge ("Fe3+" is Fe with charge +3).
public struct Species: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var element: Element
  /// Formal charge in units of e (oxidation state); 0 for a neutral atom.
  public var charge: Int

  public init(element: Element, charge: Int = 0) {
    self.element = element
    self.charge = charge
  }

  /// "Fe", "Fe3+", "O2-", "Cl1-".
  public var description: String {
    charge == 0 ? element.symbol : "\(element.symbol)\(abs(charge))\(charge > 0 ? "+" : "-")"
  }

  public static func < (lhs: Species, rhs: Species) -> Bool {
    (lhs.element.atomicNumber, lhs.charge) < (rhs.element.atomicNumber, rhs.charge)
  }
}

/// Atomic displacement (thermal) parameters of a site.
public enum Displacement: Sendable, Hashable {
  /// No displacement parameter given: T = 1.
  case none
  /// Isotropic U in Å² (B = 8π²U).
  case isotropic(uIso: Double)
  /// Anisotropic U_ij in Å² on the CIF reciprocal-axis basis: U11, U22, U33, U12, U13, U23.
  case anisotropic(u11: Double, u22: Double, u33: Double, u12: Double, u13: Double, u23: Double)

  /// The equivalent isotropic U in Å² (for an anisotropic U, Ueq = ⅓ trace of U in a Cartesian frame).
  public func uEquivalent(in cell: UnitCell) -> Double? {
    switch self {
    case .none: return nil
    case let .isotropic(u): return u
    case .anisotropic:
      // Ueq = ⅓ Σ_ij U_ij a*_i a*_j a_i·a_j (Fischer & Tillmanns 1988).
      let beta = betaTensor(in: cell)
      var s = 0.0
      for i in 0..<3 { for j in 0..<3 { s += beta[3 * i + j] * cell.metric[3 * i + j] } }
      return s / (3 * 2 * .pi * .pi)
    }
  }

  /// β_ij = 2π² U_ij a*_i a*_j (row-major, symmetric), so T(h) = exp(−hᵀβh). Isotropic U gives
  /// β = 2π² U G*, which makes T = exp(−8π² U s²) with s = 1/(2d).
  public func betaTensor(in cell: UnitCell) -> [Double] {
    let twoPiSq = 2 * Double.pi * Double.pi
    switch self {
    case .none:
      return [Double](repeating: 0, count: 9)
    case let .isotropic(u):
      return cell.reciprocalMetric.map { twoPiSq * u * $0 }
    case let .anisotropic(u11, u22, u33, u12, u13, u23):
      let s = cell.reciprocalLengths
      let u = [u11, u12, u13, u12, u22, u23, u13, u23, u33]
      var beta = [Double](repeating: 0, count: 9)
      for i in 0..<3 { for j in 0..<3 { beta[3 * i + j] = twoPiSq * u[3 * i + j] * s[i] * s[j] } }
      return beta
    }
  }
}

/// One site of the asymmetric unit as the CIF gives it.
public struct Site: Sendable, Hashable {
  /// `_atom_site_label`, e.g. "Fe1".
  public var label: String
  public var species: Species
  /// Fractional coordinates x, y, z.
  public var position: SIMD3<Double>
  /// Site occupancy, 0…1 (1 when the CIF gives none).
  public var occupancy: Double
  public var displacement: Displacement
  /// U_iso in Å² as the CIF's `_atom_site_U_iso_or_equiv` (or B/8π²) column writes it, kept also when
  /// anisotropic parameters replace it; nil when not given.
  public var writtenUIso: Double?

  public init(label: String, species: Species, position: SIMD3<Double>, occupancy: Double = 1,
              displacement: Displacement = .none, writtenUIso: Double? = nil) {
    self.writtenUIso = writtenUIso
    self.label = label
    self.species = species
    self.position = position
    self.occupancy = occupancy
    self.displacement = displacement
  }
}

/// An atom of the full unit cell: one symmetry image of a ``Site``.
public struct CellAtom: Sendable, Hashable {
  /// Index of the generating site in ``Crystal/sites``.
  public var siteIndex: Int
  public var species: Species
  /// Fractional coordinates wrapped into [0, 1).
  public var position: SIMD3<Double>
  public var occupancy: Double
  /// β tensor (row-major 3×3, dimensionless) of this image: T(h) = exp(−hᵀβh); all zero for no displacement.
  public var beta: [Double]
  /// True when the site has no anisotropic parameters (β = 2π² U G*); then T depends on s only.
  public var isIsotropic: Bool
  /// U_iso in Å² for an isotropic or absent displacement (0 when absent), nil for an anisotropic one.
  public var uIso: Double?
}
