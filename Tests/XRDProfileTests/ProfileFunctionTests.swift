// Peak-shape functions against their definitions: unit area, FWHM, limits, and the published TCH and
// Caglioti formulas evaluated by hand.

import Foundation
import Testing
import XRDProfile

// MARK: - Helpers shared by the test files

/// ∫ f(x) dx over the real line by the trapezoid rule in t with x = centre + scale·sinh t, |t| ≤ asinh(1e7):
/// dense at the centre, reaching 1e7·scale, so x⁻² tails are cut at a 1e-7·(FWHM/scale) level.
func integrate(centre: Double = 0, scale: Double, steps: Int = 40_000, _ f: (Double) -> Double) -> Double {
  let tMax = asinh(1e7), dt = 2 * tMax / Double(steps)
  var sum = 0.0
  for k in 0...steps {
    let t = -tMax + Double(k) * dt
    let weight = (k == 0 || k == steps) ? 0.5 : 1.0
    sum += weight * f(centre + scale * sinh(t)) * scale * cosh(t)
  }
  return sum * dt
}

/// The x > centre where f falls to half of f(centre), by bisection on [centre, centre + upper].
func halfMaximumPoint(centre: Double = 0, upper: Double, _ f: (Double) -> Double) -> Double {
  let half = f(centre) / 2
  var a = centre, b = centre + upper
  for _ in 0..<200 {
    let m = (a + b) / 2
    if f(m) > half { a = m } else { b = m }
  }
  return (a + b) / 2
}

// MARK: - Tests

@Suite("Profile functions")
struct ProfileFunctionTests {
  static let fwhms: [Double] = [0.01, 0.05, 0.3, 2]

  @Test("Gaussian, Lorentzian and pseudo-Voigt integrate to 1", arguments: fwhms)
  func unitArea(fwhm: Double) {
    let scale = fwhm / 4
    #expect(abs(integrate(scale: scale) { gaussian(offset: $0, fwhm: fwhm) } - 1) < 1e-4)
    #expect(abs(integrate(scale: scale) { lorentzian(offset: $0, fwhm: fwhm) } - 1) < 1e-4)
    for eta in [0.0, 0.3, 0.7, 1.0] {
      #expect(abs(integrate(scale: scale) { pseudoVoigt(offset: $0, fwhm: fwhm, eta: eta) } - 1) < 1e-4)
    }
  }

  @Test("the full width at half maximum is the one asked for", arguments: fwhms)
  func fullWidthAtHalfMaximum(fwhm: Double) {
    for eta in [0.0, 0.25, 0.5, 0.75, 1.0] {
      let half = halfMaximumPoint(upper: 5 * fwhm) { pseudoVoigt(offset: $0, fwhm: fwhm, eta: eta) }
      #expect(abs(2 * half - fwhm) < 1e-12 * fwhm)  // bisection to rounding
    }
    let g = halfMaximumPoint(upper: 5 * fwhm) { gaussian(offset: $0, fwhm: fwhm) }
    let l = halfMaximumPoint(upper: 5 * fwhm) { lorentzian(offset: $0, fwhm: fwhm) }
    #expect(abs(2 * g - fwhm) < 1e-12 * fwhm)
    #expect(abs(2 * l - fwhm) < 1e-12 * fwhm)
  }

  @Test("η = 1 is the Lorentzian and η = 0 the Gaussian, exactly; peak heights are the textbook ones")
  func limits() {
    for x in stride(from: -0.5, through: 0.5, by: 0.0125) {
      #expect(pseudoVoigt(offset: x, fwhm: 0.1, eta: 1) == lorentzian(offset: x, fwhm: 0.1))
      #expect(pseudoVoigt(offset: x, fwhm: 0.1, eta: 0) == gaussian(offset: x, fwhm: 0.1))
    }
    // Heights: G(0) = 2√(ln2/π)/Γ, L(0) = 2/(πΓ).
    #expect(abs(gaussian(offset: 0, fwhm: 0.1) - 2 * (log(2.0) / Double.pi).squareRoot() / 0.1) < 1e-12)
    #expect(abs(lorentzian(offset: 0, fwhm: 0.1) - 2 / (Double.pi * 0.1)) < 1e-12)
  }

  @Test("CDFs: value ½ at the centre, and differences equal the numerical integral")
  func cumulativeDistributions() {
    for fwhm in [0.02, 0.5] {
      #expect(gaussianCDF(offset: 0, fwhm: fwhm) == 0.5)
      #expect(lorentzianCDF(offset: 0, fwhm: fwhm) == 0.5)
      // ∫_{Γ/2}^{∞} L = ½ − atan(1)/π = ¼.
      #expect(abs(lorentzianCDF(offset: fwhm / 2, fwhm: fwhm) - 0.75) < 1e-15)
      for eta in [0.0, 0.4, 1.0] {
        let a = -0.3 * fwhm, b = 1.7 * fwhm
        var sum = 0.0
        let n = 20_000
        let dx = (b - a) / Double(n)
        for k in 0...n {
          let w = (k == 0 || k == n) ? 0.5 : 1.0
          sum += w * pseudoVoigt(offset: a + Double(k) * dx, fwhm: fwhm, eta: eta)
        }
        let numeric = sum * dx
        let exact = pseudoVoigtCDF(offset: b, fwhm: fwhm, eta: eta) - pseudoVoigtCDF(offset: a, fwhm: fwhm, eta: eta)
        #expect(abs(numeric - exact) < 1e-8)
        #expect(abs(pseudoVoigtAverage(from: a, to: b, fwhm: fwhm, eta: eta) * (b - a) - exact) < 1e-15)
      }
    }
  }

  /// Thompson, Cox & Hastings (1987), J. Appl. Cryst. 20, 79, eqs. (3) and (4), written out term by term.
  static func tchByHand(_ g: Double, _ l: Double) -> (fwhm: Double, eta: Double) {
    let fifth = pow(g, 5) + 2.69269 * pow(g, 4) * l + 2.42843 * pow(g, 3) * pow(l, 2) + 4.47163 * pow(g, 2) * pow(l, 3)
      + 0.07842 * g * pow(l, 4) + pow(l, 5)
    let fwhm = pow(fifth, 1.0 / 5.0)
    let q = l / fwhm
    return (fwhm, 1.36603 * q - 0.47719 * q * q + 0.11116 * q * q * q)
  }

  @Test("TCH Γ and η equal the published polynomials", arguments: [
    // (Γg, Γl, Γ, η): Γ and η evaluated from TCH eqs. (3)–(4) with a desk calculation (10 digits).
    (1.0, 1.0, 1.6346428493, 0.6825391923),
    (0.05, 0.02, 0.0612744459, 0.3988996313),
    (0.02, 0.05, 0.0573278117, 0.9021750725),
    (0.1, 0.001, 0.1005376713, 0.0135401447),
  ])
  func thompsonCoxHastings(g: Double, l: Double, fwhm: Double, eta: Double) {
    let widths = PeakWidths(gaussianFWHM: g, lorentzianFWHM: l)
    let hand = Self.tchByHand(g, l)
    #expect(abs(widths.fwhm - hand.fwhm) < 1e-14 * hand.fwhm)
    #expect(abs(widths.eta - hand.eta) < 1e-14)
    #expect(abs(widths.fwhm - fwhm) < 1e-9 * fwhm)  // table: 10 digits
    #expect(abs(widths.eta - eta) < 1e-9)
  }

  @Test("TCH limits: Γl = 0 gives Γ = Γg, η = 0; Γg = 0 gives Γ = Γl, η = 1.00000")
  func thompsonCoxHastingsLimits() {
    let gaussianOnly = PeakWidths(gaussianFWHM: 0.07, lorentzianFWHM: 0)
    #expect(abs(gaussianOnly.fwhm - 0.07) < 1e-16)
    #expect(gaussianOnly.eta == 0)
    let lorentzianOnly = PeakWidths(gaussianFWHM: 0, lorentzianFWHM: 0.07)
    #expect(abs(lorentzianOnly.fwhm - 0.07) < 1e-16)
    // The published polynomial at q = 1: 1.36603 − 0.47719 + 0.11116 = 1.00000.
    #expect(abs(lorentzianOnly.eta - 1) < 1e-12)
    #expect(PeakWidths(gaussianFWHM: 0, lorentzianFWHM: 0).fwhm == 0)
    #expect(PeakWidths(gaussianFWHM: 0, lorentzianFWHM: 0).eta == 0)
  }

  @Test("Caglioti: Γg² = U tan²θ + V tanθ + W, Γl = X/cosθ + Y tanθ; negative Γg² clamped")
  func caglioti() {
    let c = Caglioti(U: 0.004, V: -0.002, W: 0.002, X: 0.01, Y: 0.02)
    let t = tan(60.0 / 2 * Double.pi / 180), cosTheta = cos(60.0 / 2 * Double.pi / 180)
    let widths = c.widths(twoTheta: 60)
    #expect(abs(widths.gaussianFWHM - (0.004 * t * t - 0.002 * t + 0.002).squareRoot()) < 1e-15)
    #expect(abs(widths.lorentzianFWHM - (0.01 / cosTheta + 0.02 * t)) < 1e-15)
    // A quadratic that is negative at 2θ = 60°: clamped to Γg = 1e-4°, not NaN.
    let negative = Caglioti(U: 0, V: -0.01, W: 0.001).widths(twoTheta: 60)
    #expect(negative.gaussianFWHM == Caglioti.minimumGaussianFWHMSquared.squareRoot())
    #expect(Caglioti(W: 0.001, X: -1).widths(twoTheta: 30).lorentzianFWHM == 0)
  }

  @Test("GSAS-II units: W = 4.508422 cdeg² (variance) is a Gaussian FWHM of 0.05°")
  func gsasConversion() {
    // GSAS-II README (shared/refs/gsas2): FWHM_G = √(8 ln2·sig) cdeg; W = 25/(8 ln 2) gives 5 cdeg.
    let c = Caglioti(gsasU: 0, gsasV: 0, gsasW: 25 / (8 * log(2.0)), gsasX: 0, gsasY: 2)
    let widths = c.widths(twoTheta: 90)
    #expect(abs(widths.gaussianFWHM - 0.05) < 1e-15)
    #expect(abs(widths.lorentzianFWHM - 0.02) < 1e-15)  // Y·tan 45° = 2 cdeg
  }
}
