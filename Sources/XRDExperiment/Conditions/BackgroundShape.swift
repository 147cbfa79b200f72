// The shape of an estimated background in the generator's terms (XRDProfile ``BackgroundModel``): a
// Chebyshev series over the scan, a c/2θ term and at most one Gaussian amorphous hump.
//
// B(2θ) ≈ Σ_{k=0…d} c_k T_k(x) + c₋₁·(2θ₀/2θ) + h·exp(−4 ln 2 (2θ − μ)²/Γ²), x mapped linearly from the
// first to the last point onto [−1, 1] (as ``BackgroundModel/evaluate(at:)`` does), 2θ₀ the first point.
// c_k, c₋₁ and h are linear; the hump's centre μ and FWHM Γ are searched on a grid: centres every 1/40 of
// the scan from a quarter scan below its start (where a hump models the steep low-angle rise of air scatter
// and beam spill-over) to its end, FWHMs 3° … half the scan in 10 geometric steps, then a 9 × 9 grid a
// quarter step apart around the choice; each grid point by least squares (normal equations, Cholesky) on the
// background sampled at ≤ 300 points (it is smooth). The hump is kept when it lowers the rms residual by a
// quarter or more with h ≥ 0.05 c₀; the c/2θ term when its coefficient comes out ≥ 0 and c₀ stays > 0.
// A broad hump and the low Chebyshev terms can trade places (fits of nearly equal rms with very different
// c₀); the hump chosen is the one, among fits within 15 % of the best rms, with the flattest polynomial
// (smallest Σ (c_k/c₀)²), which on generated backgrounds recovers the drawn c₀.
// In the generator's units: c_k/c₀ (`chebyshev`), c₋₁/c₀ (`inverse_two_theta`, relative to c₀ at the first
// grid point: the term is c₋₁·2θ₀/2θ), h/c₀ (hump `height`); c₀ over the strongest peak is `level`.
// Not done: more than one hump, Lorentzian humps (η = 0 here), backgrounds from sample holders with their
// own sharp lines (SNIP leaves those as peaks).

import Foundation
public import XRDProfile

/// A background curve as Chebyshev coefficients, a c/2θ term and an optional hump.
public struct BackgroundShape: Sendable, Hashable, Codable {
  /// One Gaussian amorphous hump: centre and FWHM in degrees 2θ, height relative to c₀.
  public struct Hump: Sendable, Hashable, Codable {
    public var center: Double
    public var fwhm: Double
    public var relativeHeight: Double
  }

  /// c₀ in the background's own units (the mean level in the Chebyshev sense).
  public var c0: Double
  /// c₁/c₀, c₂/c₀, … .
  public var chebyshevRatios: [Double]
  /// c₋₁/c₀: the c/2θ term at the first point, relative to c₀ (0 when not fitted).
  public var inverseTwoThetaRatio: Double
  public var hump: Hump?
  /// Root-mean-square difference between the model and the background, relative to the background's mean.
  public var relativeResidual: Double

  /// Fits the shape to `background` on the uniform 2θ grid `twoTheta` (degrees).
  ///
  /// - Parameter degree: highest Chebyshev order d (default 3, as the demo config's three c₁…c₃).
  /// - Returns: nil for fewer than 16 points or a background whose fitted c₀ is not positive.
  public init?(twoTheta: [Double], background: [Double], degree: Int = 3) {
    let n = twoTheta.count
    guard n >= 16, background.count == n, degree >= 0 else { return nil }
    let first = twoTheta[0], last = twoTheta[n - 1]
    guard last > first, first > 0 else { return nil }
    let stride = max(1, n / 150)
    let sample = Swift.stride(from: 0, to: n, by: stride).map { $0 }
    let xs = sample.map { twoTheta[$0] }
    let ys = sample.map { background[$0] }
    let mean = ys.reduce(0, +) / Double(ys.count)
    guard mean > 0 else { return nil }
    let mid = (first + last) / 2, half = (last - first) / 2

    func chebyshevRow(_ angle: Double) -> [Double] {
      let x = (angle - mid) / half
      var t = [1.0]
      if degree >= 1 { t.append(x) }
      while t.count <= degree { t.append(2 * x * t[t.count - 1] - t[t.count - 2]) }
      return t
    }
    let m = xs.count
    let chebyshev = xs.map(chebyshevRow)
    let inverseColumn = xs.map { first / $0 }

    // Least squares by the normal equations of the (few, smooth, well-scaled) columns: base columns' Gram
    // matrix once per base, then one more column per hump candidate.
    struct Candidate { var coefficients: [Double]; var inverse: Bool; var hump: (center: Double, fwhm: Double)?; var rms: Double }
    func columns(inverse: Bool) -> [[Double]] {
      var c = (0...degree).map { k in chebyshev.map { $0[k] } }
      if inverse { c.append(inverseColumn) }
      return c
    }
    func dot(_ a: [Double], _ b: [Double]) -> Double {
      var s = 0.0
      for i in 0..<m { s += a[i] * b[i] }
      return s
    }
    func solve(base: [[Double]], gram: [Double], rhs: [Double], extra: [Double]?) -> [Double]? {
      let p0 = base.count
      guard let extra else { return Self.choleskySolve(gram, rhs, p0) }
      let p = p0 + 1
      var g = [Double](repeating: 0, count: p * p)
      for i in 0..<p0 { for j in 0..<p0 { g[i * p + j] = gram[i * p0 + j] } }
      for i in 0..<p0 { let v = dot(base[i], extra); g[i * p + p0] = v; g[p0 * p + i] = v }
      g[p0 * p + p0] = dot(extra, extra)
      return Self.choleskySolve(g, rhs + [dot(extra, ys)], p)
    }
    func rms(_ c: [Double], _ cols: [[Double]]) -> Double {
      var s = 0.0
      for i in 0..<m {
        var f = 0.0
        for (k, col) in cols.enumerated() { f += c[k] * col[i] }
        s += (ys[i] - f) * (ys[i] - f)
      }
      return (s / Double(m)).squareRoot() / mean
    }

    var plain: Candidate?
    var baseColumns: [[Double]] = []
    var gram: [Double] = [], rhs: [Double] = []
    for inverse in [true, false] {
      let cols = columns(inverse: inverse)
      let p = cols.count
      var gm = [Double](repeating: 0, count: p * p)
      for i in 0..<p { for j in i..<p { let v = dot(cols[i], cols[j]); gm[i * p + j] = v; gm[j * p + i] = v } }
      let r = cols.map { dot($0, ys) }
      guard let c = solve(base: cols, gram: gm, rhs: r, extra: nil) else { continue }
      // c₀ is the generator's level: it must be positive (a steep c/2θ fall can make it negative).
      if c[0] <= 0 || (inverse && c[degree + 1] < 0) { continue }
      plain = Candidate(coefficients: c, inverse: inverse, hump: nil, rms: rms(c, cols))
      baseColumns = cols; gram = gm; rhs = r
      break
    }
    guard var best = plain else { return nil }
    // Hump search on a grid of centres and widths.
    // A broad hump is nearly collinear with the low Chebyshev terms, so fits of almost equal rms can split the
    // background between them very differently (and c₀ with it). Among the candidates within 15 % of the best
    // rms, the one with the smallest Σ (c_k/c₀)², k ≥ 1 (the flattest polynomial under the hump) is taken.
    var candidates: [Candidate] = []
    func consider(center: Double, fwhm: Double) {
      let column = xs.map { x -> Double in let u = (x - center) / fwhm; return exp(-4 * M_LN2 * u * u) }
      guard let c = solve(base: baseColumns, gram: gram, rhs: rhs, extra: column) else { return }
      let h = c[c.count - 1]
      guard h > 0, c[0] > 0, h >= 0.05 * c[0] else { return }
      if best.inverse && c[degree + 1] < 0 { return }
      candidates.append(Candidate(coefficients: c, inverse: best.inverse, hump: (center, fwhm), rms: rms(c, baseColumns + [column])))
    }
    func choice() -> Candidate? {
      guard let lowest = candidates.map(\.rms).min() else { return nil }
      func roughness(_ c: Candidate) -> Double {
        degree >= 1 ? (1...degree).reduce(0) { $0 + pow(c.coefficients[$1] / c.coefficients[0], 2) } : 0
      }
      return candidates.filter { $0.rms <= 1.15 * lowest }.min { roughness($0) < roughness($1) }
    }
    let ratio = pow(max(1.01, half / 3), 1.0 / 9)
    for i in -10..<40 {
      let center = first + (last - first) * Double(i) / 40
      guard center > 0.5 else { continue }
      for k in 0..<10 { consider(center: center, fwhm: 3 * pow(ratio, Double(k))) }
    }
    // Refinement: a 9 × 9 grid spanning one coarse step either way around the choice.
    if let coarse = choice()?.hump {
      for i in -4...4 {
        for k in -4...4 where i != 0 || k != 0 {
          let center = coarse.center + Double(i) / 4 * (last - first) / 40
          guard center > 0.5, center < last else { continue }
          consider(center: center, fwhm: coarse.fwhm * pow(ratio, Double(k) / 4))
        }
      }
    }
    if let h = choice(), h.rms <= 0.75 * best.rms { best = h }
    let plainCandidate = best
    let coefficients = plainCandidate.coefficients
    let c0 = coefficients[0]
    guard c0 > 0 else { return nil }
    self.c0 = c0
    chebyshevRatios = degree >= 1 ? (1...degree).map { coefficients[$0] / c0 } : []
    inverseTwoThetaRatio = plainCandidate.inverse ? coefficients[degree + 1] / c0 : 0
    hump = plainCandidate.hump.map { Hump(center: $0.0, fwhm: $0.1, relativeHeight: coefficients.last! / c0) }
    relativeResidual = plainCandidate.rms
  }

  /// Solves the symmetric positive definite p × p system A c = b (row-major A) by Cholesky; nil when A is not
  /// positive definite (collinear columns).
  static func choleskySolve(_ a: [Double], _ b: [Double], _ p: Int) -> [Double]? {
    var l = [Double](repeating: 0, count: p * p)
    for i in 0..<p {
      for j in 0...i {
        var s = a[i * p + j]
        for k in 0..<j { s -= l[i * p + k] * l[j * p + k] }
        if i == j {
          guard s > 1e-12 * max(1, abs(a[i * p + i])) else { return nil }
          l[i * p + i] = s.squareRoot()
        } else {
          l[i * p + j] = s / l[j * p + j]
        }
      }
    }
    var z = [Double](repeating: 0, count: p)
    for i in 0..<p {
      var s = b[i]
      for k in 0..<i { s -= l[i * p + k] * z[k] }
      z[i] = s / l[i * p + i]
    }
    var c = [Double](repeating: 0, count: p)
    for i in stride(from: p - 1, through: 0, by: -1) {
      var s = z[i]
      for k in (i + 1)..<p { s -= l[k * p + i] * c[k] }
      c[i] = s / l[i * p + i]
    }
    return c
  }

  /// The shape as XRDProfile's background model with c₀ = `level` (the result is in the units of `level`),
  /// for a scan starting at `firstTwoTheta` degrees.
  public func model(level: Double, firstTwoTheta: Double) -> BackgroundModel {
    BackgroundModel(chebyshev: [level] + chebyshevRatios.map { $0 * level },
                    inverseTwoTheta: inverseTwoThetaRatio * level * firstTwoTheta,
                    humps: hump.map { [BackgroundModel.Hump(center: $0.center, fwhm: $0.fwhm, height: $0.relativeHeight * level)] } ?? [])
  }
}
