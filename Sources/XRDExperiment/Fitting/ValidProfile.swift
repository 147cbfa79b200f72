// A fitted profile re-expressed so that an instrument file accepts it.
//
// A fit may drive U, V, W (or X, Y) to values whose Gaussian FWHM² (Lorentzian FWHM) is negative somewhere on the
// scan: the model floors such widths smoothly (PatternFitModel.softplus) and is defined, but an instrument file
// must have non-negative widths everywhere (Instrument.validate). The widths the fit actually used — floored — are
// sampled at 64 angles over the range and fitted again by linear least squares (GSL, XRDGSL.LinearFit) with
// U tan²θ + V tan θ + W and X / cos θ + Y tan θ; where that is still negative somewhere, with V = 0 and U, W ≥ 0
// (Y = 0 and X ≥ 0), and last with a constant. Not done: a constrained least squares over all three at once.

import Foundation
import XRDGSL
import XRDProfile

extension Instrument.ProfileParameters {
  /// This profile with non-negative widths over `range` (degrees 2θ) and the widths it gives there otherwise
  /// unchanged where they are already valid; `floor` is the width (degrees) below which the fit floored them.
  /// Returns nil when the profile is valid as it is.
  func madeValid(over range: ClosedRange<Double>, floor: Double) -> Instrument.ProfileParameters? {
    func angles(_ count: Int) -> [Double] {
      (0..<count).map { range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / Double(count - 1) }
    }
    let fine = angles(257)
    /// Whether a profile's Gaussian FWHM² and Lorentzian FWHM are non-negative over the range (257 angles).
    func nonNegative(_ p: Instrument.ProfileParameters) -> Bool {
      fine.allSatisfy { p.gaussianFWHMSquared(atTwoTheta: $0) >= 0 && p.lorentzianFWHM(atTwoTheta: $0) >= 0 }
    }
    let someWidth = fine.contains { gaussianFWHMSquared(atTwoTheta: $0) > 0 || lorentzianFWHM(atTwoTheta: $0) > 0 }
    if nonNegative(self) && someWidth { return nil }
    let sample = angles(64)
    let tangents = sample.map { tan($0 * .pi / 360) }, secants = sample.map { 1 / cos($0 * .pi / 360) }
    let g2 = sample.map { PatternFitModel.softplus(gaussianFWHMSquared(atTwoTheta: $0), scale: floor * floor) }
    let l = sample.map { PatternFitModel.softplus(lorentzianFWHM(atTwoTheta: $0), scale: floor / 4) }
    // Each width is checked alone: the other one is set to a valid 0 in the trial profile.
    var result = self
    // Gaussian: U t² + V t + W, then U t² + W with U, W ≥ 0, then a constant.
    if let fit = try? LinearFit(design: tangents.map { [$0 * $0, $0, 1] }, observations: g2),
       nonNegative(Instrument.ProfileParameters(u: fit.coefficients[0], v: fit.coefficients[1], w: fit.coefficients[2], x: 0, y: 0)) {
      (result.u, result.v, result.w) = (fit.coefficients[0], fit.coefficients[1], fit.coefficients[2])
    } else if let fit = try? LinearFit(design: tangents.map { [$0 * $0, 1] }, observations: g2),
              fit.coefficients[0] >= 0, fit.coefficients[1] >= 0 {
      (result.u, result.v, result.w) = (fit.coefficients[0], 0, fit.coefficients[1])
    } else {
      (result.u, result.v, result.w) = (0, 0, g2.reduce(0, +) / Double(g2.count))
    }
    // Lorentzian: X / cos θ + Y tan θ, then X / cos θ alone.
    if let fit = try? LinearFit(design: zip(secants, tangents).map { [$0, $1] }, observations: l),
       nonNegative(Instrument.ProfileParameters(u: 0, v: 0, w: 0, x: fit.coefficients[0], y: fit.coefficients[1])) {
      (result.x, result.y) = (fit.coefficients[0], fit.coefficients[1])
    } else {
      let x = zip(l, secants).reduce(0) { $0 + $1.0 / $1.1 } / Double(l.count)
      (result.x, result.y) = (max(0, x), 0)
    }
    return result
  }
}
