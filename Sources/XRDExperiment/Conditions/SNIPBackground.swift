// SNIP background estimation with the LLS transform, for measured powder patterns.
//
// SNIP, "statistics-sensitive non-linear iterative peak-clipping": Ryan, Clayton, Griffin, Sie & Cousens
// (1988), Nucl. Instrum. Methods B 34, 396; with the increasing clipping window and the LLS transform
// v = ln(ln(√(y + 1) + 1) + 1) of Morháč, Kliman, Matoušek, Veselský & Turzo (1997), Nucl. Instrum. Methods
// A 401, 113. For p = 1 … m: vᵢ ← min(vᵢ, (v_{i−p} + v_{i+p})/2), then back-transform. A peak whose base is
// narrower than about 2m points is clipped away; background curvature on scales well above m is kept.
// The window may vary along the pattern (a variable clipping window, as Morháč & Matoušek 2008, Appl.
// Spectrosc. 62, 91, let it follow the peak width): in pass p only points whose window is ≥ p are clipped.
// The clipping runs on the pattern binned by b = min(⌈m_max/24⌉, ⌊m_min/4⌋) points (means of b points, then
// a 3-bin moving average), with windows of ⌈m/b⌉ bins, and the result is interpolated back linearly. The background varies
// on the window's scale anyway; the binning is the smoothing SNIP needs against noise and cuts the cost from
// n·m to n·m/b² (9001 points with m = 250: 20 k instead of 2.3 M clipping steps).
// Clipping also removes the upper half of the noise, so the result lies below the true background by about
// one noise σ of the smoothed data; the caller corrects that offset (PatternConditions: the median residual
// over peak-free points).
// Not done: the second-order (four-point) clipping filter; extrapolation at the ends (the first and last
// points are clipped with the windows that fit, i.e. less).

import Foundation

/// A SNIP background estimator: clipping windows and whether to clip in LLS space.
public struct SNIPBackground: Sendable, Hashable {
  /// The largest clipping half-window m, in points of the pattern (≥ 1): one for the whole pattern, or one
  /// per point (SNIP with a variable clipping window, Morháč & Matoušek 2008, Appl. Spectrosc. 62, 91: the
  /// window follows the peak width, which grows with angle). It should exceed a peak's half base width: about
  /// 1.5–3 FWHM (``PatternConditions`` uses 3 FWHM plus the Kα1–Kα2 splitting).
  public var windows: [Int]
  /// Clip in LLS space, ln(ln(√(y + 1) + 1) + 1), which compresses strong peaks so they clip as fast as weak
  /// ones (Morháč et al. 1997). Meant for counts: scale intensities to counts first. Default true.
  public var usesLLS: Bool

  /// One window for every point.
  public init(window: Int, usesLLS: Bool = true) {
    self.windows = [max(1, window)]
    self.usesLLS = usesLLS
  }

  /// A window per point (`windows.count` = the pattern's length; values < 1 count as 1).
  public init(windows: [Int], usesLLS: Bool = true) {
    self.windows = windows.isEmpty ? [1] : windows.map { max(1, $0) }
    self.usesLLS = usesLLS
  }

  /// The bin width b in points: ⌈m_max/24⌉ (at most 24 passes), but at most m_min/4 (the smallest window
  /// spans 4 bins).
  var binWidth: Int {
    let high = windows.max() ?? 1, low = windows.min() ?? 1
    return max(1, min((high + 23) / 24, low / 4))
  }

  /// The background under `intensity` (same length; values < 0 are clipped as 0). Empty in, empty out.
  ///
  /// - Precondition: one window, or one per point.
  public func background(of intensity: [Double]) -> [Double] {
    let n = intensity.count
    precondition(windows.count == 1 || windows.count == n, "SNIPBackground: \(windows.count) windows for \(n) points")
    guard n > 2 else { return intensity.map { max($0, 0) } }
    let b = binWidth
    let binCount = (n + b - 1) / b
    // Bin means, then a 3-bin moving average; each bin's window in bins (its centre point's, rounded up).
    var binned = [Double](repeating: 0, count: binCount)
    var binWindows = [Int](repeating: 0, count: binCount)
    for k in 0..<binCount {
      let lo = k * b, hi = min(n, lo + b)
      var sum = 0.0
      for i in lo..<hi { sum += max(intensity[i], 0) }
      binned[k] = sum / Double(hi - lo)
      let m = windows.count == 1 ? windows[0] : windows[(lo + hi - 1) / 2]
      binWindows[k] = (m + b - 1) / b
    }
    var v = [Double](repeating: 0, count: binCount)
    for k in 0..<binCount {
      let lo = max(0, k - 1), hi = min(binCount - 1, k + 1)
      var sum = 0.0
      for j in lo...hi { sum += binned[j] }
      v[k] = sum / Double(hi - lo + 1)
    }
    if usesLLS { for k in 0..<binCount { v[k] = Self.lls(v[k]) } }
    // Clipping with increasing windows; each pass reads the previous pass's values.
    let m = min(binWindows.max() ?? 1, (binCount - 1) / 2)
    if m >= 1 {
      var next = v
      for p in 1...m {
        v.withUnsafeBufferPointer { old in
          next.withUnsafeMutableBufferPointer { new in
            for k in 0..<binCount { new[k] = old[k] }
            for k in p..<(binCount - p) where p <= binWindows[k] {
              new[k] = min(old[k], 0.5 * (old[k - p] + old[k + p]))
            }
          }
        }
        swap(&v, &next)
      }
    }
    if usesLLS { for k in 0..<binCount { v[k] = Self.inverseLLS(v[k]) } }
    // Back to the points: linear between bin centres, flat beyond the first and last centre.
    guard b > 1 else { return v }
    var result = [Double](repeating: 0, count: n)
    let half = Double(b - 1) / 2
    for i in 0..<n {
      let position = (Double(i) - half) / Double(b)
      if position <= 0 { result[i] = v[0]; continue }
      let k = Int(position)
      if k >= binCount - 1 { result[i] = v[binCount - 1]; continue }
      // The last bin may be short; its centre is then nearer, which the flat end absorbs.
      let t = position - Double(k)
      result[i] = v[k] * (1 - t) + v[k + 1] * t
    }
    return result
  }

  /// LLS transform v = ln(ln(√(y + 1) + 1) + 1) (y ≥ 0).
  static func lls(_ y: Double) -> Double { log(log((max(y, 0) + 1).squareRoot() + 1) + 1) }

  /// Inverse of ``lls(_:)``: y = (exp(exp(v) − 1) − 1)² − 1.
  static func inverseLLS(_ v: Double) -> Double {
    let s = exp(exp(v) - 1) - 1
    return s * s - 1
  }
}
