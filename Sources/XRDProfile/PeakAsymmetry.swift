// Which peak asymmetry a renderer applies: none, FCJ axial divergence, or Bérar–Baldinozzi.
//
// Bérar & Baldinozzi (1993), J. Appl. Cryst. 26, 128, in the form FullProf uses: the symmetric profile is
// multiplied by 1 + [P1·Fa(z) + P2·Fb(z)]/tan θ + [P3·Fa(z) + P4·Fb(z)]/tan 2θ, z = (2θ′ − 2θ)/Γ,
// Fa(z) = 2z·e^{−z²}, Fb(z) = 2(2z² − 3)·Fa(z) (Hermite functions H₁, H₃). Fa and Fb are odd, so the area
// of the symmetric profile is unchanged. It is an empirical correction: large Pᵢ can make the profile
// negative next to the peak (not clamped, as in FullProf). Prefer FCJ for axial divergence.

import Foundation

/// The peak asymmetry model of a rendering.
public enum PeakAsymmetry: Sendable, Hashable, Codable {
  /// Symmetric TCH pseudo-Voigt.
  case none
  /// Finger–Cox–Jephcoat axial divergence (S/L, H/L), as GSAS-II computes it (see ``FCJAsymmetry``).
  case fcj(FCJAsymmetry)
  /// Bérar–Baldinozzi empirical asymmetry (see ``BerarBaldinozziAsymmetry``).
  case berarBaldinozzi(BerarBaldinozziAsymmetry)

  /// FCJ axial divergence from S/L and H/L (see ``FCJAsymmetry``).
  public static func fcj(sOverL: Double, hOverL: Double) -> PeakAsymmetry {
    .fcj(FCJAsymmetry(sOverL: sOverL, hOverL: hOverL))
  }
}

/// Bérar & Baldinozzi (1993) asymmetry parameters P1…P4 (dimensionless), FullProf's Asym1…Asym4.
public struct BerarBaldinozziAsymmetry: Sendable, Hashable, Codable {
  public var p1: Double
  public var p2: Double
  public var p3: Double
  public var p4: Double

  public init(p1: Double = 0, p2: Double = 0, p3: Double = 0, p4: Double = 0) {
    self.p1 = p1
    self.p2 = p2
    self.p3 = p3
    self.p4 = p4
  }

  /// Coefficients (a, b) of Fa and Fb at a peak position: a = P1/tanθ + P3/tan2θ, b = P2/tanθ + P4/tan2θ.
  func coefficients(twoTheta: Double) -> (a: Double, b: Double) {
    let thetaRad = twoTheta * Double.pi / 360
    let t1 = tan(thetaRad), t2 = tan(2 * thetaRad)
    return (p1 / t1 + p3 / t2, p2 / t1 + p4 / t2)
  }

  /// The multiplier 1 + a·Fa(z) + b·Fb(z) at reduced offset z = (2θ′ − 2θ)/Γ.
  static func multiplier(z: Double, a: Double, b: Double) -> Double {
    let fa = 2 * z * exp(-z * z)
    return 1 + a * fa + b * 2 * (2 * z * z - 3) * fa
  }
}
