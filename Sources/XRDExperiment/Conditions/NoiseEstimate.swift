// Counting noise of a measured pattern from the local variance of its peak-free points: the gain (variance
// over mean, the intensity units one Poisson count is worth), the lag-1 correlation of the noise, and how
// the variance grows with the level (exponent 1 for Poisson counts).
//
// Gain: with the background B (counts-like, offset-corrected) and a mask of peak-free points, the lag-k second
// difference dᵢ = y_{i−k} − 2yᵢ + y_{i+k} minus the same difference of B has variance g·(B_{i−k} + 4Bᵢ + B_{i+k})
// for uncorrelated noise of variance g·B. zᵢ² = dᵢ²/(that sum) is then g·χ²₁; g is its mean after trimming at
// 3σ (start: median/0.4549, the median of χ²₁; three passes of the mean of zᵢ² < 9g divided by 0.97334, the
// second moment of a standard normal truncated at ±3). Lag k = 3 by default: step-scan data from strip
// detectors are often rebinned or smoothed, which correlates neighbouring points (the autoxrd patterns in
// ../shared/data: lag-1 correlation 0.55, lags 2…8 below 0.1); the lag-1 second difference would then
// underestimate the variance by a factor of ~4, lag 3 does not.
// Lag-1 correlation ρ₁: from the first differences, Var(y_{i+1} − yᵢ) = 2σ²(1 − ρ₁), trimmed the same way.
// Dispersion exponent α (Var ∝ mean^α): a robust fit of ln gᵂ against ln B̄ᵂ over windows of 200 peak-free
// points, given only when the background level spans a factor ≥ 1.5 over at least 8 windows.
// Not done: separating a constant (detector, read-out) noise floor from the Poisson part; noise of data whose
// intensities were background-subtracted (the variance is then not ∝ the level).

import Foundation
import XRDGSL

/// The counting noise of one pattern, from its peak-free points.
public struct NoiseEstimate: Sendable, Hashable, Codable {
  /// Variance over mean g of the peak-free points, in intensity units per count: 1 for raw Poisson counts,
  /// 1/t for counts per second over t seconds, < 1 for data scaled down or smoothed. `intensity / gain` is the
  /// pattern in effective Poisson counts.
  public var gain: Double
  /// Correlation between neighbouring points' noise (0 for independent counts; > 0 after rebinning or smoothing).
  public var lag1Correlation: Double
  /// α in Var ∝ mean^α over the background (1 for Poisson counts, 0 for a constant noise floor), with its
  /// standard uncertainty; nil when the background level does not vary enough to tell.
  public var dispersionExponent: Double?
  public var dispersionExponentUncertainty: Double?
  /// Second differences used.
  public var pointsUsed: Int

  /// Trimming constant: E[z² | |z| < 3] for a standard normal z, 1 − 6φ(3)/(2Φ(3) − 1).
  static let truncatedSecondMoment: Double = {
    let phi3 = exp(-4.5) / (2 * Double.pi).squareRoot()
    return 1 - 6 * phi3 / erf(3 / 2.0.squareRoot())
  }()

  /// Estimates the noise of `intensity` around `background` on the points where `mask` is true (peak-free).
  ///
  /// - Parameters:
  ///   - intensity, background: in the same units, same length.
  ///   - mask: true for points to use (away from peaks).
  ///   - lag: k of the second differences (≥ 1); 3 by default (see the file header).
  /// - Returns: nil when fewer than 50 second differences are usable (too few peak-free points, or a zero
  ///   background: noise cannot be told from a level of zero).
  public init?(intensity y: [Double], background b: [Double], mask: [Bool], lag k: Int = 3) {
    let n = y.count
    guard k >= 1, b.count == n, mask.count == n, n > 2 * k + 2 else { return nil }
    var z2: [Double] = []
    z2.reserveCapacity(n)
    for i in k..<(n - k) where mask[i - k] && mask[i] && mask[i + k] {
      let e = b[i - k] + 4 * b[i] + b[i + k]
      guard e > 0 else { continue }
      let d = (y[i - k] - 2 * y[i] + y[i + k]) - (b[i - k] - 2 * b[i] + b[i + k])
      z2.append(d * d / e)
    }
    guard z2.count >= 50, let g = Self.trimmedVariance(z2), g > 0 else { return nil }
    gain = g
    pointsUsed = z2.count

    // Lag-1: Var(Δ₁) = 2 g B (1 − ρ₁).
    var s1: [Double] = []
    s1.reserveCapacity(n)
    for i in 0..<(n - 1) where mask[i] && mask[i + 1] {
      let e = b[i] + b[i + 1]
      guard e > 0 else { continue }
      let d = (y[i + 1] - y[i]) - (b[i + 1] - b[i])
      s1.append(d * d / e)
    }
    lag1Correlation = Self.trimmedVariance(s1).map { max(-1, min(1, 1 - $0 / g)) } ?? 0

    // Dispersion: windows of 200 peak-free second differences.
    var logLevel: [Double] = [], logGain: [Double] = []
    var window: [Double] = [], levels: [Double] = []
    for i in k..<(n - k) where mask[i - k] && mask[i] && mask[i + k] {
      let e = b[i - k] + 4 * b[i] + b[i + k]
      guard e > 0 else { continue }
      let d = (y[i - k] - 2 * y[i] + y[i + k]) - (b[i - k] - 2 * b[i] + b[i + k])
      window.append(d * d / e)
      levels.append(b[i])
      if window.count == 200 {
        if let gw = Self.trimmedVariance(window), gw > 0 {
          logGain.append(log(gw))
          logLevel.append(log(levels.reduce(0, +) / Double(levels.count)))
        }
        window.removeAll(keepingCapacity: true)
        levels.removeAll(keepingCapacity: true)
      }
    }
    dispersionExponent = nil
    dispersionExponentUncertainty = nil
    if logLevel.count >= 8, let lo = logLevel.min(), let hi = logLevel.max(), hi - lo >= log(1.5),
       let fit = try? LinearFit.robust(design: logLevel.map { [1, $0] }, observations: logGain) {
      // ln g = (α − 1) ln B + c.
      dispersionExponent = fit.coefficients[1] + 1
      dispersionExponentUncertainty = fit.uncertainty(1)
    }
  }

  /// The 3σ-trimmed mean of values that are σ²·χ²₁ distributed, corrected for the trimming: σ².
  /// nil for an empty list.
  static func trimmedVariance(_ z2: [Double]) -> Double? {
    guard !z2.isEmpty else { return nil }
    var g = (median(z2) ?? 0) / 0.454936
    guard g > 0 else { return 0 }
    for _ in 0..<3 {
      let limit = 9 * g
      var sum = 0.0, count = 0
      for v in z2 where v < limit { sum += v; count += 1 }
      guard count > 0 else { break }
      g = sum / Double(count) / truncatedSecondMoment
    }
    return g
  }
}
