// Peak widths against angle for a set of measured patterns: the Caglioti and Lorentzian curves of the
// generator (XRDProfile ``Caglioti``), fitted to the Gaussian and Lorentzian FWHMs of the fitted peaks.
//
// Model (θ = half the peak's 2θ, t = tan θ; pattern j):
//   Γg² = U t² + V t + W_j       (Caglioti, Paoletti & Ricci 1958, Nucl. Instrum. 3, 223)
//   Γl  = X_j / cos θ + Y t      (the GSAS Lorentzian terms)
// U, V and Y are shared by the set, W_j and X_j belong to each pattern: one lab's diffractometer gives the
// angular shape of the instrument function, while each sample shifts the widths by its crystallite size
// (X, and the Gaussian part of small sizes, W). Patterns have a handful of isolated peaks each (2–16), too few
// for five free terms apiece; with one pattern the model is the plain five-term one.
// Both are linear least-squares problems, each pattern's rows divided by its median Γ² or Γ (relative
// residuals: a broad-peaked sample is not an outlier among sharp ones), solved robustly (Tukey bisquare, XRDGSL ``LinearFit``, when there
// are at least four more peaks than terms; ordinary otherwise), so a peak that is really two does not pull the
// curve. Terms are dropped when the data cannot carry them: the Gaussian falls back from (U, V, W_j) to (U,
// W_j) to (W_j) when U < 0, a Γg² < 0 inside the scan, or too few peaks; the Lorentzian from (X_j, Y) to (X_j)
// when Y < 0. A negative W_j or X_j is raised to the smallest value that keeps the width ≥ 0 on the scan.
// Not done: per-peak weights (the robust fit has none); anisotropic (hkl-dependent) broadening.

import Foundation
import XRDGSL
public import XRDProfile

/// Shared and per-pattern width terms of a set of patterns.
public struct PeakWidthEstimate: Sendable, Hashable, Codable {
  /// Caglioti U and V (degrees²), shared.
  public var u: Double
  public var v: Double
  /// Caglioti W (degrees²) of each pattern; nil for a pattern without a usable peak.
  public var w: [Double?]
  /// Lorentzian X (degrees) of each pattern; nil as for ``w``.
  public var x: [Double?]
  /// Lorentzian Y (degrees), shared.
  public var y: Double
  /// The terms that were fitted, of "U", "V", "W", "X", "Y"; the others are 0.
  public var fittedTerms: [String]
  /// Peaks used in the fit.
  public var peakCount: Int
  /// Robust residual σ of the Γg² and the Γl fit, relative to each pattern's median Γ² and Γ.
  public var gaussianResidual: Double
  public var lorentzianResidual: Double

  /// The widths of pattern `j` as XRDProfile's ``Caglioti``; nil for a pattern without peaks.
  public func caglioti(pattern j: Int) -> Caglioti? {
    guard j < w.count, let wj = w[j], let xj = x[j] else { return nil }
    return Caglioti(U: u, V: v, W: wj, X: xj, Y: y)
  }

  /// Total (TCH) FWHM in degrees of pattern `j` at `twoTheta` degrees.
  public func fwhm(pattern j: Int, atTwoTheta twoTheta: Double) -> Double? {
    caglioti(pattern: j)?.widths(twoTheta: twoTheta).fwhm
  }

  /// Fits the width terms to the peaks of each pattern.
  ///
  /// - Parameters:
  ///   - peaks: the fitted peaks of each pattern (an empty list for a pattern without peaks).
  ///   - scan: the 2θ range (degrees) the widths must stay valid on (Γg² ≥ 0).
  /// - Returns: nil when no pattern has a peak.
  public init?(peaks: [[FittedPeak]], scan: ClosedRange<Double>) {
    let patterns = peaks.indices.filter { !peaks[$0].isEmpty }
    guard !patterns.isEmpty else { return nil }
    let column = Dictionary(uniqueKeysWithValues: patterns.enumerated().map { ($1, $0) })
    // Each pattern's rows are divided by its median Γ² (Gaussian) or Γ (Lorentzian), so that residuals are
    // relative and a broad-peaked sample is not down-weighted as an outlier by the robust fit.
    var rows: [(j: Int, t: Double, secant: Double, gg2: Double, gl: Double, s2: Double, s: Double)] = []
    for j in patterns {
      let sorted = peaks[j].map(\.fwhm).sorted()
      let s = max(sorted[sorted.count / 2], 1e-6)
      for p in peaks[j] {
        let theta = p.twoTheta * .pi / 360
        rows.append((column[j]!, tan(theta), 1 / cos(theta), p.gaussianFWHM * p.gaussianFWHM, p.lorentzianFWHM, s * s, s))
      }
    }
    let k = patterns.count
    let tLow = tan(scan.lowerBound * .pi / 360), tHigh = tan(scan.upperBound * .pi / 360)

    // Gaussian: (U, V, W_j), then (U, W_j), then (W_j).
    var gaussian: (u: Double, v: Double, w: [Double], terms: [String], sigma: Double)?
    for terms in [["U", "V"], ["U"], []] {
      let shared = terms.count
      guard rows.count >= shared + k else { continue }
      let design = rows.map { r -> [Double] in
        var row = [Double](repeating: 0, count: shared + k)
        if shared >= 1 { row[0] = r.t * r.t / r.s2 }
        if shared >= 2 { row[1] = r.t / r.s2 }
        row[shared + r.j] = 1 / r.s2
        return row
      }
      guard let fit = Self.fit(design: design, observations: rows.map { $0.gg2 / $0.s2 }) else { continue }
      let u = shared >= 1 ? fit.coefficients[0] : 0
      let v = shared >= 2 ? fit.coefficients[1] : 0
      var w = Array(fit.coefficients[shared...])
      if shared > 0 {
        guard u >= 0 else { continue }
        // Γg² ≥ 0 on the scan for the median W: the curve's shape must be valid, not only its offset.
        let sortedW = w.sorted()
        let minimum = Self.minimumOfQuadratic(u: u, v: v, from: tLow, to: tHigh)
        guard minimum + sortedW[sortedW.count / 2] > 0 else { continue }
      }
      // Raise any W_j that leaves Γg² < 0 (floor 1e-8 deg², the renderer's) on the scan.
      let floor = Caglioti.minimumGaussianFWHMSquared - Self.minimumOfQuadratic(u: u, v: v, from: tLow, to: tHigh)
      w = w.map { max($0, floor) }
      gaussian = (u, v, w, terms + ["W"], fit.sigma)
      break
    }
    guard let gaussian else { return nil }

    // Lorentzian: (X_j, Y), then (X_j).
    var lorentzian: (x: [Double], y: Double, terms: [String], sigma: Double)?
    for terms in [["Y"], []] {
      let shared = terms.count
      guard rows.count >= shared + k else { continue }
      let design = rows.map { r -> [Double] in
        var row = [Double](repeating: 0, count: shared + k)
        if shared == 1 { row[0] = r.t / r.s }
        row[shared + r.j] = r.secant / r.s
        return row
      }
      guard let fit = Self.fit(design: design, observations: rows.map { $0.gl / $0.s }) else { continue }
      let y = shared == 1 ? fit.coefficients[0] : 0
      if shared == 1 && y < 0 { continue }
      lorentzian = (fit.coefficients[shared...].map { max($0, 0) }, y, ["X"] + terms, fit.sigma)
      break
    }
    guard let lorentzian else { return nil }

    u = gaussian.u
    v = gaussian.v
    y = lorentzian.y
    w = peaks.indices.map { j in column[j].map { gaussian.w[$0] } }
    x = peaks.indices.map { j in column[j].map { lorentzian.x[$0] } }
    fittedTerms = ["U", "V", "W", "X", "Y"].filter { gaussian.terms.contains($0) || lorentzian.terms.contains($0) }
    peakCount = rows.count
    gaussianResidual = gaussian.sigma
    lorentzianResidual = lorentzian.sigma
  }

  /// A robust fit when there are at least 4 more rows than columns, else an ordinary one; nil on failure.
  static func fit(design: [[Double]], observations: [Double]) -> LinearFit? {
    let p = design.first?.count ?? 0
    if design.count >= p + 4, let fit = try? LinearFit.robust(design: design, observations: observations),
       fit.coefficients.allSatisfy(\.isFinite) {
      return fit
    }
    guard let fit = try? LinearFit(design: design, observations: observations),
          fit.coefficients.allSatisfy(\.isFinite) else { return nil }
    return fit
  }

  /// The minimum of U t² + V t over t in [a, b].
  static func minimumOfQuadratic(u: Double, v: Double, from a: Double, to b: Double) -> Double {
    var candidates = [a, b]
    if u > 0 {
      let vertex = -v / (2 * u)
      if vertex > a && vertex < b { candidates.append(vertex) }
    }
    return candidates.map { (u * $0 + v) * $0 }.min()!
  }
}
