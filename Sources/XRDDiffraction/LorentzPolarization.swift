// The Lorentz-polarization factor of a Bragg–Brentano powder diffractometer.
//
// Lp(θ) = 2(1 + cos²2θ_M cos²2θ) / ((1 + cos²2θ_M) sin²θ cosθ)  (ITC Vol. C, 6.2.2; Klug & Alexander),
// with 2θ_M the Bragg angle of a monochromator (0 = none: unpolarised beam, Lp = (1 + cos²2θ)/(sin²θ cosθ),
// as pymatgen writes it: the overall factor 2 keeps that form, and patterns are scaled anyway).
// Not done: Debye–Scherrer or transmission geometry, synchrotron (linearly polarised) beams.

import Foundation

/// Bragg–Brentano Lorentz-polarization factor at a diffraction angle.
///
/// - Parameters:
///   - twoTheta: diffraction angle 2θ in degrees (0 < 2θ < 180).
///   - monochromatorTwoTheta: the monochromator's 2θ_M in degrees; 0 for no monochromator.
public func lorentzPolarization(twoTheta: Double, monochromatorTwoTheta: Double = 0) -> Double {
  LorentzPolarization(monochromatorTwoTheta: monochromatorTwoTheta).value(twoTheta: twoTheta)
}

/// ``lorentzPolarization(twoTheta:monochromatorTwoTheta:)`` with the monochromator's part computed once, for
/// loops over many reflections; the same operations in the same order, so the same bits.
package struct LorentzPolarization: Sendable {
  /// cos²2θ_M and 1 + cos²2θ_M.
  let cm2: Double, denominator: Double

  package init(monochromatorTwoTheta: Double) {
    let cos2ThetaM = cos(monochromatorTwoTheta * .pi / 180)
    cm2 = cos2ThetaM * cos2ThetaM
    denominator = 1 + cm2
  }

  /// Lp at 2θ in degrees.
  @inline(__always)
  package func value(twoTheta: Double) -> Double {
    let theta = twoTheta * .pi / 360
    return value(cos2Theta: cos(2 * theta), sinTheta: sin(theta), cosTheta: cos(theta))
  }

  /// Lp at the Bragg angle with sin θ = `s` (= λ/2d, clamped to 1 as the stick patterns clamp it): cos θ =
  /// √(1 − s²) and cos 2θ = (cos θ − s)(cos θ + s) instead of three trigonometric calls, equal to
  /// ``value(twoTheta:)`` at 2θ = 2 asin s to a few ulps. At s = 1 (2θ = 180°) it is ``value(twoTheta:)`` at 180°.
  @inline(__always)
  package func value(braggSine s: Double) -> Double {
    guard s < 1 else { return value(twoTheta: 180) }
    let cosTheta = (1 - s * s).squareRoot()
    return value(cos2Theta: (cosTheta - s) * (cosTheta + s), sinTheta: s, cosTheta: cosTheta)
  }

  /// Lp from cos 2θ, sin θ and cos θ of θ = 2θ·π/360 (as ``value(twoTheta:)`` computes them).
  @inline(__always)
  package func value(cos2Theta: Double, sinTheta: Double, cosTheta: Double) -> Double {
    let polarization = 2 * (1 + cm2 * cos2Theta * cos2Theta) / denominator
    return polarization / (sinTheta * sinTheta * cosTheta)
  }
}
