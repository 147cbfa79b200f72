// Peak widths: Gaussian and Lorentzian FWHMs, combined by Thompson, Cox & Hastings (1987), and their
// angular dependence by Caglioti, Paoletti & Ricci (1958) and the Lorentzian (X, Y) terms of GSAS.
//
// TCH (J. Appl. Cryst. 20, 79, eqs. 3–4): Γ⁵ = Γg⁵ + 2.69269Γg⁴Γl + 2.42843Γg³Γl² + 4.47163Γg²Γl³
// + 0.07842ΓgΓl⁴ + Γl⁵ and η = 1.36603q − 0.47719q² + 0.11116q³ with q = Γl/Γ.
// Caglioti (Nucl. Instrum. 3, 223): Γg² = U tan²θ + V tanθ + W; Lorentzian Γl = X/cosθ + Y tanθ.
// Units here are degrees 2θ for FWHMs (deg² for U, V, W). GSAS-II's U, V, W are *variances* in centidegrees²
// and X, Y are in centidegrees; ``Caglioti/init(gsasU:gsasV:gsasW:gsasX:gsasY:)`` converts.
// Not done: sample broadening models (size, microstrain); they add to Γg² and Γl upstream of this type.

import Foundation

/// The Gaussian and Lorentzian full widths at half maximum of one peak, in degrees 2θ, and the total FWHM
/// and Lorentzian fraction of the pseudo-Voigt that approximates their Voigt convolution (Thompson, Cox &
/// Hastings 1987, J. Appl. Cryst. 20, 79).
public struct PeakWidths: Sendable, Hashable, Codable {
  /// FWHM Γg of the Gaussian component, degrees (≥ 0).
  public var gaussianFWHM: Double
  /// FWHM Γl of the Lorentzian component, degrees (≥ 0).
  public var lorentzianFWHM: Double

  public init(gaussianFWHM: Double, lorentzianFWHM: Double) {
    self.gaussianFWHM = gaussianFWHM
    self.lorentzianFWHM = lorentzianFWHM
  }

  /// Total FWHM Γ of the TCH pseudo-Voigt, degrees:
  /// Γ⁵ = Γg⁵ + 2.69269Γg⁴Γl + 2.42843Γg³Γl² + 4.47163Γg²Γl³ + 0.07842ΓgΓl⁴ + Γl⁵.
  ///
  /// Γ = Γg when Γl = 0 and Γ = Γl when Γg = 0.
  public var fwhm: Double {
    let g = gaussianFWHM, l = lorentzianFWHM
    // Horner form in Γl of the same polynomial.
    let fifth = ((((l + 0.07842 * g) * l + 4.47163 * g * g) * l + 2.42843 * g * g * g) * l
      + 2.69269 * g * g * g * g) * l + g * g * g * g * g
    return fifth > 0 ? pow(fifth, 0.2) : 0
  }

  /// Lorentzian fraction η of the TCH pseudo-Voigt: η = 1.36603q − 0.47719q² + 0.11116q³, q = Γl/Γ.
  ///
  /// η = 0 for a pure Gaussian (and for zero widths); for a pure Lorentzian q = 1 and the published
  /// polynomial gives 1.36603 − 0.47719 + 0.11116 = 1.00000.
  public var eta: Double { Self.eta(lorentzianFWHM: lorentzianFWHM, fwhm: fwhm) }

  /// η for a Lorentzian FWHM and an already computed total FWHM Γ (saves the fifth root).
  static func eta(lorentzianFWHM: Double, fwhm: Double) -> Double {
    guard fwhm > 0 else { return 0 }
    let q = lorentzianFWHM / fwhm
    return ((0.11116 * q - 0.47719) * q + 1.36603) * q
  }
}

/// Angular dependence of the peak widths: Caglioti, Paoletti & Ricci (1958), Nucl. Instrum. 3, 223, for the
/// Gaussian FWHM and the X/cosθ + Y tanθ form of GSAS for the Lorentzian FWHM.
///
/// Γg² = U tan²θ + V tanθ + W (deg²) and Γl = X/cosθ + Y tanθ (deg), θ = half the peak's 2θ.
/// Edge cases: Γg² is clamped at ``minimumGaussianFWHMSquared`` (1e-8 deg², i.e. Γg ≥ 1e-4°), because a
/// refined (U, V, W) can make the quadratic negative over part of the range and a peak needs some width; Γl is
/// clamped at 0. GSAS-II clamps similarly (its variance at 0.001 cdeg², its Lorentzian at 0.001 cdeg).
public struct Caglioti: Sendable, Hashable, Codable {
  /// Gaussian coefficient of tan²θ, deg².
  public var U: Double
  /// Gaussian coefficient of tanθ, deg² (usually negative).
  public var V: Double
  /// Gaussian constant term, deg².
  public var W: Double
  /// Lorentzian coefficient of 1/cosθ (crystallite size), degrees.
  public var X: Double
  /// Lorentzian coefficient of tanθ (microstrain), degrees.
  public var Y: Double

  /// Floor of Γg² in deg² (Γg ≥ 1e-4°).
  public static let minimumGaussianFWHMSquared = 1e-8

  public init(U: Double = 0, V: Double = 0, W: Double, X: Double = 0, Y: Double = 0) {
    self.U = U
    self.V = V
    self.W = W
    self.X = X
    self.Y = Y
  }

  /// Converts GSAS-II instrument parameters: U, V, W there are the Gaussian *variance* σ² in centidegrees²
  /// (Γg² = 8 ln 2·σ²), X and Y are Lorentzian FWHM terms in centidegrees.
  public init(gsasU: Double, gsasV: Double, gsasW: Double, gsasX: Double, gsasY: Double) {
    let scale = 8 * M_LN2 / 1e4
    self.init(U: gsasU * scale, V: gsasV * scale, W: gsasW * scale, X: gsasX / 100, Y: gsasY / 100)
  }

  /// The Gaussian and Lorentzian FWHMs (degrees) of a peak at `twoTheta` (degrees).
  public func widths(twoTheta: Double) -> PeakWidths {
    let thetaRad = twoTheta * Double.pi / 360
    let tanTheta = tan(thetaRad)
    let gaussianSquared = max((U * tanTheta + V) * tanTheta + W, Self.minimumGaussianFWHMSquared)
    let lorentzian = max(X / cos(thetaRad) + Y * tanTheta, 0)
    return PeakWidths(gaussianFWHM: gaussianSquared.squareRoot(), lorentzianFWHM: lorentzian)
  }
}
