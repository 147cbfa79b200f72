// Isolated peaks of a measured pattern, found above the background and fitted one by one with a pseudo-Voigt
// per emission line, to measure peak widths against angle.
//
// Search: the net signal y − B, smoothed over ≈ FWHM/2, divided by its local noise √(g·B) and standardized
// by its median and MAD over the whole pattern (most points are background), so correlated noise does not
// raise false peaks; local maxima above `threshold` (8) are candidates, strongest first, at least FWHM/2 apart. A
// candidate at another emission line's position of a stronger one (Cu Kα2 beside Kα1) is that peak's
// satellite, not a peak. A peak is isolated when no other candidate lies within its fit window
// [2θ − 4Γ₀, 2θ_last line + 4Γ₀] (Γ₀ twice its narrower half width at half height) or, if at least a fifth of its height, within
// 2Γ₀ more.
// Fit: area A, position, FWHM Γ and Lorentzian fraction η of a pseudo-Voigt A Σₖ wₖ [η L(2θ − 2θₖ) + (1 − η)
// G(2θ − 2θₖ)] (both unit-area, same Γ for every line, 2θₖ = 2 asin(sin θ₁ λₖ/λ₁)), plus a straight line for
// what the background estimate missed; residuals weighted by σᵢ = √(g·yᵢ); GSL's Levenberg–Marquardt
// (XRDGSL NonlinearLeastSquares) on (2θ, ln Γ, logit η, A, c₀, c₁). Accepted when Γ is determined to 20 % and lies
// within 0.2–5 times Γ₀.
// Γ and η are split into Gaussian and Lorentzian FWHMs by inverting the Thompson–Cox–Hastings relations
// (J. Appl. Cryst. 20, 79 (1987)) that XRDProfile's ``PeakWidths`` applies, so the widths are comparable with
// the generator's U, V, W, X, Y.
// Not done: asymmetry (axial divergence makes low-angle peaks look wider, which Γ absorbs), overlapping
// peaks (left out, not deconvolved), a Kα2 ratio or line shape other than the radiation given.

import Foundation
public import XRDDiffraction
import XRDGSL
public import XRDProfile

/// One fitted peak: position, widths, shape, area.
public struct FittedPeak: Sendable, Hashable, Codable {
  /// Position of the strongest emission line's peak, degrees 2θ.
  public var twoTheta: Double
  /// Total FWHM Γ of the pseudo-Voigt, degrees 2θ, and its standard uncertainty.
  public var fwhm: Double
  public var fwhmUncertainty: Double
  /// Lorentzian fraction η (0 Gaussian … 1 Lorentzian).
  public var eta: Double
  /// Gaussian and Lorentzian FWHMs (degrees) whose TCH pseudo-Voigt has this Γ and η.
  public var gaussianFWHM: Double
  public var lorentzianFWHM: Double
  /// Integrated intensity of all lines together, intensity × degrees.
  public var area: Double
  /// Net height of the smoothed data at the peak, intensity units.
  public var height: Double
  /// χ² per degree of freedom of the fit (1 for a perfect model and Poisson noise).
  public var reducedChiSquared: Double

  public init(twoTheta: Double, fwhm: Double, fwhmUncertainty: Double, eta: Double, area: Double, height: Double,
              reducedChiSquared: Double) {
    self.twoTheta = twoTheta; self.fwhm = fwhm; self.fwhmUncertainty = fwhmUncertainty; self.eta = eta
    self.area = area; self.height = height; self.reducedChiSquared = reducedChiSquared
    let split = Self.split(fwhm: fwhm, eta: eta)
    gaussianFWHM = split.gaussianFWHM
    lorentzianFWHM = split.lorentzianFWHM
  }

  // MARK: - TCH inverse

  /// The Gaussian and Lorentzian FWHMs whose Thompson–Cox–Hastings pseudo-Voigt has total FWHM Γ and
  /// Lorentzian fraction η (η clamped to [0, 1]): q = Γl/Γ solves 1.36603q − 0.47719q² + 0.11116q³ = η (monotone
  /// on [0, 1]), Γl = qΓ, and Γg solves TCH(Γg, Γl) = Γ, both by bisection.
  public static func split(fwhm: Double, eta: Double) -> PeakWidths {
    guard fwhm > 0, fwhm.isFinite else { return PeakWidths(gaussianFWHM: 0, lorentzianFWHM: 0) }
    let e = min(max(eta, 0), 1)
    var lo = 0.0, hi = 1.0
    for _ in 0..<60 {
      let q = (lo + hi) / 2
      if ((0.11116 * q - 0.47719) * q + 1.36603) * q < e { lo = q } else { hi = q }
    }
    let lorentzian = (lo + hi) / 2 * fwhm
    var glo = 0.0, ghi = fwhm
    for _ in 0..<60 {
      let g = (glo + ghi) / 2
      if PeakWidths(gaussianFWHM: g, lorentzianFWHM: lorentzian).fwhm < fwhm { glo = g } else { ghi = g }
    }
    return PeakWidths(gaussianFWHM: (glo + ghi) / 2, lorentzianFWHM: lorentzian)
  }

  // MARK: - Search and fit

  /// Finds and fits the isolated peaks of a pattern.
  ///
  /// - Parameters:
  ///   - twoTheta: uniform 2θ grid, degrees, ascending.
  ///   - intensity, background: same length, same units.
  ///   - gain: variance over mean of the noise in those units (``NoiseEstimate/gain``): the fit weights.
  ///   - radiation: the emission lines; the strongest is the reference (``twoTheta``); empty = one line.
  ///   - typicalFWHM: a rough FWHM in degrees that sets the smoothing and the spacing of candidates.
  ///   - threshold: standardized height a candidate must exceed. Default 8.
  ///   - maximumCount: the strongest this many isolated peaks are fitted. Default 16.
  public static func fit(twoTheta: [Double], intensity: [Double], background: [Double], gain: Double,
                         radiation: [EmissionLine], typicalFWHM: Double, threshold: Double = 8,
                         maximumCount: Int = 16) -> [FittedPeak] {
    let n = twoTheta.count
    guard n > 10, intensity.count == n, background.count == n, gain > 0 else { return [] }
    let step = (twoTheta[n - 1] - twoTheta[0]) / Double(n - 1)
    guard step > 0 else { return [] }
    let lines = Self.lines(radiation)
    let smoothing = max(1, Int((typicalFWHM / step / 4).rounded()))
    let net = movingAverage(zip(intensity, background).map { $0 - $1 }, halfWidth: smoothing)
    let candidates = Self.candidates(net: net, background: background, gain: gain, threshold: threshold,
                                     spacing: max(2, Int((typicalFWHM / step / 2).rounded())))
    // Satellites: candidates at another line's position of a stronger candidate.
    var main: [Int] = []
    for c in candidates {  // strongest first
      let isSatellite = main.contains { m in
        lines.dropFirst().contains { line in
          guard let p = position(of: line.ratio, reference: twoTheta[m]) else { return false }
          return abs(twoTheta[c] - p) < 0.5 * typicalFWHM
        }
      }
      if !isSatellite { main.append(c) }
    }
    var peaks: [FittedPeak] = []
    for c in main where peaks.count < maximumCount {
      let x0 = twoTheta[c]
      let g0 = halfHeightWidth(net: net, at: c, step: step, limit: max(10, Int(10 * typicalFWHM / step)))
      let last = lines.compactMap { position(of: $0.ratio, reference: x0) }.max() ?? x0
      let lo = x0 - 4 * g0, hi = last + 4 * g0
      let isolated = main.allSatisfy { m in
        guard m != c else { return true }
        let p = twoTheta[m]
        if p > lo && p < hi { return false }
        if net[m] >= 0.2 * net[c] && p > lo - 2 * g0 && p < hi + 2 * g0 { return false }
        return true
      }
      guard isolated else { continue }
      let first = max(0, Int(((lo - twoTheta[0]) / step).rounded(.down)))
      let end = min(n - 1, Int(((hi - twoTheta[0]) / step).rounded(.up)))
      guard end - first >= 12 else { continue }
      if let peak = fitOne(twoTheta: Array(twoTheta[first...end]), intensity: Array(intensity[first...end]),
                           background: Array(background[first...end]), gain: gain, lines: lines, start: x0,
                           width: g0, height: net[c]) {
        peaks.append(peak)
      }
    }
    return peaks.sorted { $0.twoTheta < $1.twoTheta }
  }

  /// The fitted peaks' pseudo-Voigt profiles (all lines) summed on `twoTheta`, within 50 FWHM of each line.
  public static func render(_ peaks: [FittedPeak], radiation: [EmissionLine], twoTheta: [Double]) -> [Double] {
    let n = twoTheta.count
    var total = [Double](repeating: 0, count: n)
    guard n > 1 else { return total }
    let first = twoTheta[0], step = (twoTheta[n - 1] - first) / Double(n - 1)
    let gaussNorm = 2 * (M_LN2 / .pi).squareRoot()
    for peak in peaks {
      let gamma = peak.fwhm, eta = peak.eta
      for line in lines(radiation) {
        guard let center = position(of: line.ratio, reference: peak.twoTheta) else { continue }
        let lo = max(0, Int(((center - 50 * gamma - first) / step).rounded(.down)))
        let hi = min(n - 1, Int(((center + 50 * gamma - first) / step).rounded(.up)))
        guard lo <= hi else { continue }
        for i in lo...hi {
          let u = (twoTheta[i] - center) / gamma
          let u2 = 4 * u * u
          total[i] += peak.area * line.weight * (eta * 2 / (.pi * gamma) / (1 + u2) + (1 - eta) * gaussNorm / gamma * exp(-M_LN2 * u2))
        }
      }
    }
    return total
  }

  /// The lines as (wavelength ratio to the strongest, normalized weight), the strongest first.
  static func lines(_ radiation: [EmissionLine]) -> [(ratio: Double, weight: Double)] {
    guard let strongest = radiation.max(by: { $0.weight < $1.weight }), strongest.wavelength > 0 else {
      return [(1, 1)]
    }
    let total = radiation.reduce(0) { $0 + max($1.weight, 0) }
    var result = [(ratio: 1.0, weight: strongest.weight / total)]
    var skipped = false
    for line in radiation {
      if !skipped && line == strongest { skipped = true; continue }
      guard line.weight > 0 else { continue }
      result.append((line.wavelength / strongest.wavelength, line.weight / total))
    }
    return result
  }

  /// 2θ (degrees) of a line with wavelength ratio `ratio` to the reference line at `reference`; nil beyond 180°.
  static func position(of ratio: Double, reference: Double) -> Double? {
    let s = sin(reference * .pi / 360) * ratio
    guard s < 1 else { return nil }
    return asin(s) * 360 / .pi
  }

  /// Indices of local maxima of `net` whose standardized height exceeds `threshold`, strongest first, at
  /// least `spacing` points apart.
  static func candidates(net: [Double], background: [Double], gain: Double, threshold: Double, spacing: Int) -> [Int] {
    let n = net.count
    let z = (0..<n).map { net[$0] / (gain * max(background[$0], gain)).squareRoot() }
    let center = median(z) ?? 0
    let mad = (median(z.map { abs($0 - center) }) ?? 0) * 1.4826
    guard mad > 0 else { return [] }
    var maxima: [Int] = []
    for i in 1..<(n - 1) where (z[i] - center) / mad > threshold && net[i] >= net[i - 1] && net[i] > net[i + 1] {
      maxima.append(i)
    }
    maxima.sort { net[$0] > net[$1] }
    var kept: [Int] = []
    for i in maxima where kept.allSatisfy({ abs($0 - i) >= spacing }) { kept.append(i) }
    return kept
  }

  /// Twice the smaller of the two half widths at half height of `net` around index `i` (at most `limit` points
  /// each way), in degrees: the FWHM of a symmetric peak, and of a peak with a neighbour or a Kα2 line on one side.
  static func halfHeightWidth(net: [Double], at i: Int, step: Double, limit: Int) -> Double {
    let half = net[i] / 2
    var a = i, b = i
    while a > 0, i - a < limit, net[a] > half { a -= 1 }
    while b < net.count - 1, b - i < limit, net[b] > half { b += 1 }
    // Linear interpolation of the crossings.
    func crossing(_ inside: Int, _ outside: Int) -> Double {
      let d = net[inside] - net[outside]
      return d > 0 ? Double(inside) + (Double(outside) - Double(inside)) * (net[inside] - half) / d : Double(outside)
    }
    let left = Double(i) - (a < i ? crossing(a + 1, a) : Double(a))
    let right = (b > i ? crossing(b - 1, b) : Double(b)) - Double(i)
    return max(2, 2 * min(left, right)) * step
  }

  /// Fits one peak on its window; nil when the fit fails or the width is not determined.
  ///
  /// Parameters (2θ₁, ln Γ, s, A, c₀, c₁) with η = 1/(1 + e⁻ˢ); analytic Jacobian: for each line k with centre
  /// cₖ = 2 asin(rₖ sin θ₁), u = (2θ − cₖ)/Γ, L = 2/(πΓ(1 + 4u²)), G = (2√(ln 2/π)/Γ) exp(−4 ln 2 u²):
  /// ∂L/∂cₖ = 8uL/(Γ(1 + 4u²)), ∂G/∂cₖ = 8 ln 2 uG/Γ, ∂ln L/∂ln Γ = −1 + 8u²/(1 + 4u²),
  /// ∂ln G/∂ln Γ = −1 + 8 ln 2 u², ∂η/∂s = η(1 − η), dcₖ/d2θ₁ = rₖ cos θ₁ / cos(cₖ/2).
  static func fitOne(twoTheta x: [Double], intensity y: [Double], background b: [Double], gain: Double,
                     lines: [(ratio: Double, weight: Double)], start: Double, width: Double, height: Double) -> FittedPeak? {
    let m = x.count
    let inverseSigma = y.map { 1 / (gain * max($0, gain)).squareRoot() }
    let target = (0..<m).map { y[$0] - b[$0] }
    let ratios = lines.map(\.ratio), weights = lines.map(\.weight)
    let lineCount = lines.count
    let ln2 = M_LN2
    let gaussNorm = 2 * (ln2 / .pi).squareRoot()
    let p0 = [start, log(width), 0, max(height, 1e-12) * width * 1.3, 0, 0]
    let halfAngle = Double.pi / 360  // degrees 2θ → radians θ

    /// Centres and dcₖ/d2θ₁ of the lines for a reference position.
    func centres(_ x0: Double) -> (c: [Double], dc: [Double]) {
      var c = [Double](repeating: .infinity, count: lineCount), dc = [Double](repeating: 0, count: lineCount)
      let s0 = sin(x0 * halfAngle), c0 = cos(x0 * halfAngle)
      for k in 0..<lineCount {
        let s = ratios[k] * s0
        guard s < 1 else { continue }
        c[k] = asin(s) / halfAngle
        dc[k] = ratios[k] * c0 / (1 - s * s).squareRoot()
      }
      return (c, dc)
    }

    let fit: NonlinearLeastSquares.Result
    do {
      fit = try NonlinearLeastSquares.minimize(
        start: p0, residualCount: m, options: NonlinearLeastSquares.Options(maximumIterations: 100, xtol: 1e-8, gtol: 1e-8),
        jacobian: { p, jac in
          let gamma = exp(p[1]), eta = 1 / (1 + exp(-p[2])), area = p[3]
          let (c, dc) = centres(p[0])
          for i in 0..<m {
            var dx0 = 0.0, dlng = 0.0, ds = 0.0, profile = 0.0
            for k in 0..<lineCount where c[k].isFinite {
              let u = (x[i] - c[k]) / gamma
              let u2 = 4 * u * u
              let l = 2 / (.pi * gamma) / (1 + u2)
              let g = gaussNorm / gamma * exp(-ln2 * u2)
              let w = weights[k]
              profile += w * (eta * l + (1 - eta) * g)
              dx0 += w * (eta * l * 8 * u / (gamma * (1 + u2)) + (1 - eta) * g * 8 * ln2 * u / gamma) * dc[k]
              dlng += w * (eta * l * (-1 + 2 * u2 / (1 + u2)) + (1 - eta) * g * (-1 + 2 * ln2 * u2))
              ds += w * eta * (1 - eta) * (l - g)
            }
            let r = i * 6, a = inverseSigma[i]
            jac[r] = area * dx0 * a
            jac[r + 1] = area * dlng * a
            jac[r + 2] = area * ds * a
            jac[r + 3] = profile * a
            jac[r + 4] = a
            jac[r + 5] = (x[i] - start) * a
          }
        },
        residuals: { p, f in
          let gamma = exp(p[1]), eta = 1 / (1 + exp(-p[2])), area = p[3], c0 = p[4], c1 = p[5]
          let c = centres(p[0]).c
          for i in 0..<m {
            var value = 0.0
            for k in 0..<lineCount where c[k].isFinite {
              let u = (x[i] - c[k]) / gamma
              let u2 = 4 * u * u
              value += weights[k] * (eta * 2 / (.pi * gamma) / (1 + u2) + (1 - eta) * gaussNorm / gamma * exp(-ln2 * u2))
            }
            f[i] = (area * value + c0 + c1 * (x[i] - start) - target[i]) * inverseSigma[i]
          }
        })
    } catch {
      return nil
    }
    let p = fit.parameters
    let gamma = exp(p[1]), eta = 1 / (1 + exp(-p[2]))
    let reduced = fit.chiSquared / Double(max(1, m - 6))
    // The covariance is scaled by the reduced χ² when the model does not fit to the noise.
    let relative = fit.uncertainty(1) * max(1, reduced).squareRoot()
    guard p.allSatisfy(\.isFinite), p[3] > 0, relative < 0.2, gamma > 0.2 * width, gamma < 5 * width,
          abs(p[0] - start) < width else { return nil }
    return FittedPeak(twoTheta: p[0], fwhm: gamma, fwhmUncertainty: relative * gamma, eta: eta, area: p[3],
                      height: height, reducedChiSquared: reduced)
  }
}
