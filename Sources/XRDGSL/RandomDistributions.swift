// Fast exact Poisson and normal deviates from any `RandomNumberGenerator`, for counting noise.
//
// Poisson: inversion by sequential search for μ < 10, and for μ ≥ 10 the transformed rejection with
// squeeze "PTRS" of W. Hörmann (1993), "The transformed rejection method for generating Poisson random
// variables", Insurance: Mathematics and Economics 12, 39–45 (the method NumPy uses). Both are exact: the
// draws follow the Poisson distribution up to floating-point rounding. About three quarters of PTRS draws
// are accepted by the squeeze, with no logarithm, which is what makes ~10⁴ draws per pattern cheap
// (≈ 13 ns per draw at μ = 100…300 on the build machine, ≈ 17 ns at the 30…10⁴ of a pattern, where the
// unpredictable squeeze branch costs more; ≈ 0.2 µs for `gsl_ran_poisson`, 0.4 µs at μ = 10⁵). The samplers
// are `@inline(__always)` so the generator state stays in registers in the caller's loop (through memory
// they were 2× slower for small μ). Whole arrays of means: `poisson(means:into:)` (RandomPoissonBlock.swift),
// the same PTRS in branch-free passes, ≈ 12 ns per point.
// Normal: Marsaglia's polar method (pairs). log k! from a table below 1024 and Stirling's series above.
// Not done: binomial, gamma, …; SIMD batches (slower on the x86-64 baseline, see RandomPoissonBlock.swift).

// Public only so that the inlinable samplers can call libm's log and exp directly (XRDGSL's clients
// import Foundation anyway).
public import Foundation

extension RandomNumberGenerator {
  /// A uniform double in the open interval (0, 1): 53 random bits, offset by half a step, so never 0 or 1.
  @inlinable @inline(__always)
  public mutating func uniformOpen() -> Double {
    Double(next() &>> 11) * 0x1p-53 + 0x1p-54
  }

  /// A Poisson deviate with mean `mean`, as a whole-number `Double` (exact up to 2⁵³).
  ///
  /// μ ≤ 0 or NaN gives 0; μ = +∞ gives +∞. Inversion for μ < 10 (one uniform and ~μ multiplications),
  /// PTRS (Hörmann 1993) for μ ≥ 10 (two uniforms per trial, ~1.1 trials). For μ above ~10¹² the
  /// acceptance test loses digits to cancellation in −μ + k ln μ − ln k!; counting noise never needs that.
  @inlinable @inline(__always)
  public mutating func poisson(mean: Double) -> Double {
    guard mean > 0 else { return 0 }
    if mean < 10 { return poissonByInversion(mean: mean) }
    guard mean.isFinite else { return mean }
    return poissonByTransformedRejection(mean: mean)
  }

  /// Sequential search of the cumulative distribution from k = 0; for 0 < μ < 10.
  @inlinable @inline(__always)
  mutating func poissonByInversion(mean: Double) -> Double {
    poissonByInversion(mean: mean, uniform: uniformOpen())
  }

  /// The inversion of ``poissonByInversion(mean:)`` for a given uniform u in (0, 1): the smallest k with
  /// P(X ≤ k) ≥ u.
  @inlinable @inline(__always)
  func poissonByInversion(mean: Double, uniform u: Double) -> Double {
    var k = 0.0
    var p = exp(-mean)
    var cumulative = p
    // P(k > 120 | μ < 10) < 1e-60; the cap also ends the loop if rounding keeps the sum below u ≈ 1.
    while u > cumulative && k < 120 {
      k += 1
      p *= mean / k
      cumulative += p
    }
    return k
  }

  /// PTRS of Hörmann (1993), Table 1 and eqs. (2)–(4); for μ ≥ 10.
  ///
  /// A trial the squeeze accepts costs two uniforms, one division and ⌊x⌋; the density test is out of line
  /// (``ptrsDensityAccepts(k:us:v:mean:hat:logMean:)``), which keeps the hot loop's registers free (≈ 10 %
  /// faster than with it inline; the draws are the same bits).
  @inlinable @inline(__always)
  mutating func poissonByTransformedRejection(mean: Double) -> Double {
    let hat = PTRSHat(mean: mean)
    let vr = 0.9277 - 3.6224 / (hat.b - 2)
    var logMean = -Double.infinity  // computed on the first trial that needs the density
    while true {
      let u = uniformOpen() - 0.5
      let v = uniformOpen()
      let us = 0.5 - abs(u)
      let x = hat.trial(u: u, us: us, mean: mean)
      // |x| ≥ 2⁶² only for us within ~10⁻¹⁵ of 0, where the density test rejects anyway.
      guard abs(x) < 0x1p62 else { continue }
      let truncated = Double(Int64(x))  // ⌊x⌋ without a libm call (x86-64 baseline has no roundsd)
      let k = truncated > x ? truncated - 1 : truncated
      if us >= 0.07 && v <= vr { return k }  // squeeze: accept without evaluating the density
      if ptrsDensityAccepts(k: k, us: us, v: v, mean: mean, hat: hat, logMean: &logMean) { return k }
    }
  }

  /// Two independent standard normal deviates (mean 0, variance 1) by Marsaglia's polar method
  /// (Marsaglia & Bray 1964, SIAM Review 6, 260): ~1.27 pairs of uniforms, one log and one square root.
  @inlinable
  public mutating func standardNormalPair() -> (Double, Double) {
    while true {
      let x = 2 * uniformOpen() - 1
      let y = 2 * uniformOpen() - 1
      let s = x * x + y * y
      if s < 1 {
        let f = (-2 * log(s) / s).squareRoot()
        return (x * f, y * f)
      }
    }
  }
}

/// The hat of PTRS for a mean μ ≥ 10 (Hörmann 1993, Table 1): b = 0.931 + 2.53 √μ, a = −0.059 + 0.02483 b;
/// shared by the per-point sampler and the block passes (RandomPoissonBlock.swift).
@usableFromInline
struct PTRSHat {
  @usableFromInline let a: Double, b: Double

  @inlinable @inline(__always)
  init(mean: Double) {
    b = 0.931 + 2.53 * mean.squareRoot()
    a = -0.059 + 0.02483 * b
  }

  /// The trial x = (2a/us + b) u + μ + 0.43 of u ∈ (−½, ½), us = ½ − |u| (eq. 2); k = ⌊x⌋.
  @inlinable @inline(__always)
  func trial(u: Double, us: Double, mean: Double) -> Double { (2 * a / us + b) * u + mean + 0.43 }

  /// ln(v α⁻¹ / (a/us² + b)) with α⁻¹ = 1.1239 + 1.1328/(b − 3.4), the left side of the density test, as
  /// ln(v (1.1239 c + 1.1328) us² / (c (a + b us²))), c = b − 3.4: one division.
  @inlinable @inline(__always)
  func logHatRatio(us: Double, v: Double) -> Double {
    let us2 = us * us, c = b - 3.4
    return log(v * (1.1239 * c + 1.1328) * us2 / (c * (a + b * us2)))
  }
}

/// The density test of PTRS (Hörmann 1993, steps 3.1–3.3) for a trial (k, u, v) the squeeze did not accept:
/// reject k < 0 and the corner us < 0.013, v > us; else accept iff
/// ln(v α⁻¹ / (a/us² + b)) ≤ −μ + k ln μ − ln k!. `logMean` caches ln μ between trials of one draw.
@usableFromInline @inline(never)
func ptrsDensityAccepts(k: Double, us: Double, v: Double, mean: Double, hat: PTRSHat, logMean: inout Double) -> Bool {
  if k < 0 || (us < 0.013 && v > us) { return false }
  if logMean == -.infinity { logMean = log(mean) }
  return hat.logHatRatio(us: us, v: v) <= -mean + k * logMean - logFactorial(k)
}

/// ln k! for a whole number k ≥ 0 given as a `Double`: a table below 1024 (so PTRS needs no extra logarithm
/// for μ up to ~900), Stirling's series with four correction terms above (truncation error
/// < 1/(1188 (k+1)⁹) < 10⁻²⁷).
@inlinable
package func logFactorial(_ k: Double) -> Double {
  if k < 1024 { return logFactorialTable[Int(k)] }
  let x = k + 1
  let r = 1 / x
  let r2 = r * r
  // ln Γ(x) = (x − ½) ln x − x + ½ ln 2π + 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷) + …
  return (x - 0.5) * log(x) - x + 0.918_938_533_204_672_7
    + r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 / 1680)))
}

/// ln k! for k = 0…1023: exact values (Python `math.log(math.factorial(k))`) below 20, libm's `lgamma(k + 1)`
/// above (a few ulps; the table is built once, on first use).
@usableFromInline
let logFactorialTable: [Double] = {
  let small: [Double] = [
    0.0, 0.0, 0.6931471805599453, 1.791759469228055, 3.1780538303479458, 4.787491742782046,
    6.579251212010101, 8.525161361065415, 10.60460290274525, 12.801827480081469, 15.104412573075516,
    17.502307845873887, 19.987214495661885, 22.552163853123425, 25.19122118273868, 27.89927138384089,
    30.671860106080672, 33.50507345013689, 36.39544520803305, 39.339884187199495,
  ]
  return small + (small.count..<1024).map { k -> Double in lgamma(Double(k) + 1) }
}()
