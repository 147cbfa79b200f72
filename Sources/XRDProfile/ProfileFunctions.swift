// Normalized peak-shape functions of 2θ: Gaussian, Lorentzian and pseudo-Voigt by FWHM, and their
// cumulative distribution functions (CDFs) for integrating a profile over a grid step.
//
// All take the offset x = 2θ − 2θ₀ and full widths at half maximum Γ in degrees and integrate to 1 over x in
// degrees. The pseudo-Voigt is η·L + (1 − η)·G with one FWHM for both parts (Wertheim et al. 1974; with η and
// Γ from the Gaussian and Lorentzian widths by Thompson, Cox & Hastings 1987, see ``PeakWidths``).
// Not done: the true Voigt (Faddeeva function). TCH's pseudo-Voigt approximates it to ~1 % of the peak
// height, which is the convention of GSAS, GSAS-II and FullProf.

import Foundation

/// 4 ln 2: a Gaussian of FWHM Γ is exp(−4 ln 2·x²/Γ²).
let gaussianExponentFactor = 4 * M_LN2
/// 2√(ln 2 / π): the height of a unit-area Gaussian of FWHM Γ is this / Γ.
let gaussianHeightFactor = 2 * (M_LN2 / Double.pi).squareRoot()

/// Normalized Gaussian of full width at half maximum `fwhm`, in 1/degree:
/// G(x) = (2/Γ)·√(ln 2/π)·exp(−4 ln 2·x²/Γ²), with σ = Γ/√(8 ln 2).
///
/// `offset` x = 2θ − 2θ₀ and `fwhm` Γ > 0 in degrees; ∫G dx = 1 and G(±Γ/2) = G(0)/2.
public func gaussian(offset: Double, fwhm: Double) -> Double {
  let t = 2 * (M_LN2.squareRoot()) * offset / fwhm
  return 2 * (M_LN2 / Double.pi).squareRoot() / fwhm * exp(-t * t)
}

/// Normalized Lorentzian (Cauchy) of full width at half maximum `fwhm`, in 1/degree:
/// L(x) = (Γ/2π) / (x² + Γ²/4).
///
/// `offset` and `fwhm` Γ > 0 in degrees; ∫L dx = 1 and L(±Γ/2) = L(0)/2. The tails fall off as x⁻²: the
/// area beyond |x| > D is ≈ Γ/(πD), which is why rendering carries them over the whole grid.
public func lorentzian(offset: Double, fwhm: Double) -> Double {
  let halfWidth = fwhm / 2
  return halfWidth / Double.pi / (offset * offset + halfWidth * halfWidth)
}

/// Normalized pseudo-Voigt η·L + (1 − η)·G, both parts with the same FWHM Γ, in 1/degree.
///
/// `eta` η in [0, 1] is the Lorentzian fraction (η = 0 Gaussian, η = 1 Lorentzian); ∫ = 1, and the FWHM is Γ
/// for every η. For widths given as separate Gaussian and Lorentzian FWHMs use
/// ``pseudoVoigt(offset:widths:)``, which applies Thompson, Cox & Hastings (1987).
public func pseudoVoigt(offset: Double, fwhm: Double, eta: Double) -> Double {
  eta * lorentzian(offset: offset, fwhm: fwhm) + (1 - eta) * gaussian(offset: offset, fwhm: fwhm)
}

/// Normalized pseudo-Voigt of Thompson, Cox & Hastings (1987), J. Appl. Cryst. 20, 79, in 1/degree.
///
/// η and the total FWHM Γ come from the Gaussian and Lorentzian FWHMs by the TCH polynomials
/// (``PeakWidths/fwhm``, ``PeakWidths/eta``). The profile integrates to 1 over 2θ in degrees; it is symmetric
/// (asymmetry is applied separately, see ``FCJAsymmetry``).
public func pseudoVoigt(offset: Double, widths: PeakWidths) -> Double {
  pseudoVoigt(offset: offset, fwhm: widths.fwhm, eta: widths.eta)
}

// MARK: - Cumulative distribution functions

/// ∫_{−∞}^{x} G = ½(1 + erf(2√(ln 2)·x/Γ)) for the normalized Gaussian of FWHM Γ (degrees).
///
/// Differences of the CDF at the edges of a grid step give the exact area of the profile in that step.
public func gaussianCDF(offset: Double, fwhm: Double) -> Double {
  0.5 * (1 + erf(2 * M_LN2.squareRoot() * offset / fwhm))
}

/// ∫_{−∞}^{x} L = ½ + atan(2x/Γ)/π for the normalized Lorentzian of FWHM Γ (degrees).
public func lorentzianCDF(offset: Double, fwhm: Double) -> Double {
  0.5 + atan(2 * offset / fwhm) / Double.pi
}

/// ∫_{−∞}^{x} of the pseudo-Voigt η·L + (1 − η)·G with one FWHM Γ (degrees).
public func pseudoVoigtCDF(offset: Double, fwhm: Double, eta: Double) -> Double {
  eta * lorentzianCDF(offset: offset, fwhm: fwhm) + (1 - eta) * gaussianCDF(offset: offset, fwhm: fwhm)
}

/// Mean of the pseudo-Voigt over the interval `lower`…`upper` of offsets (degrees): the exact area of the
/// profile in the interval divided by its length. For `upper == lower` it is the point value.
public func pseudoVoigtAverage(from lower: Double, to upper: Double, fwhm: Double, eta: Double) -> Double {
  guard upper != lower else { return pseudoVoigt(offset: lower, fwhm: fwhm, eta: eta) }
  return (pseudoVoigtCDF(offset: upper, fwhm: fwhm, eta: eta) - pseudoVoigtCDF(offset: lower, fwhm: fwhm, eta: eta))
    / (upper - lower)
}
