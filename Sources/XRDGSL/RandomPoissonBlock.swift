// Poisson deviates for a whole array of means at once: PTRS (Hörmann 1993) reorganised into passes.
//
// The per-point sampler (`poisson(mean:)` in RandomDistributions.swift) spends most of its time on what the
// processor cannot predict: whether the squeeze accepts (≈ 74 % at μ = 30…700), and the two logarithms of
// the density test behind it. Here each block of 512 points goes through
//   pass A: one PTRS trial for every point, branch-free; the squeeze's acceptances are final;
//   pass B: the density test, branch-free, for the trials pass A left open (≈ 26 %);
//   then passes A and B again on the points whose trial B rejected (≈ 13 %), until none is left.
// Every point still gets a sequence of independent PTRS trials and keeps the first one PTRS accepts, so the
// draws are exact (Poisson up to floating-point rounding) and, with the order of the random numbers fixed by
// the block structure, the same bits on every thread and platform. The points' trials interleave in the
// generator's stream: the result is not the per-point sampler's. Measured on the 2-core build machine
// (release build, 8501 means of 30…10⁴ counts as in a pattern): 17.2 ns per point point by point, 12.4 ns
// here. Tried and slower: an inline fdlibm-style log instead of libm's (glibc's FMA log is faster), and
// 4-lane SIMD passes with four xoshiro streams (on the x86-64 baseline the rotations and square roots go
// scalar and the registers spill).
// Not done: one 64-bit output split into two 32-bit uniforms (would coarsen the hat's tail to 2⁻³²).

// Public for the inlinable passes' calls of libm's log, as in RandomDistributions.swift.
public import Foundation

extension RandomNumberGenerator {
  /// Poisson deviates with means `means` into `output` (same count), as whole-number `Double`s.
  ///
  /// Means that are not positive and finite give 0. μ < 10: inversion; 10 ≤ μ < 2⁵⁰: PTRS (Hörmann 1993),
  /// in blocks of 512 points (see the file header); from 2⁵⁰: ``poisson(mean:)``. Deterministic for a given
  /// generator state, but not the same numbers as calling ``poisson(mean:)`` point by point. Blocks where
  /// fewer than half the means are in PTRS's range (low counts) are drawn point by point, which is faster
  /// there.
  @inlinable
  public mutating func poisson(means: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
    precondition(output.count == means.count, "poisson(means:into:): \(output.count) outputs for \(means.count) means")
    guard let mean = means.baseAddress, let out = output.baseAddress else { return }
    let n = means.count
    let blockSize = PoissonBlock.size
    let work = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * blockSize)
    let trials = UnsafeMutablePointer<Double>.allocate(capacity: 2 * blockSize)
    defer {
      work.deallocate()
      trials.deallocate()
    }
    logFactorialTable.withUnsafeBufferPointer { table in
      let lnFactorial = table.baseAddress!
      // A local copy of the generator, declared inside the closure: captured from outside it went through
      // memory and the passes took 40 % longer.
      var rng = self
      defer { self = rng }
      var start = 0
      while start < n {
        let end = min(start + blockSize, n)
        var inRange = 0
        for i in start..<end { inRange &+= PoissonBlock.usesPTRS(mean[i]) ? 1 : 0 }
        if 2 * inRange < end - start {
          for i in start..<end {
            let m = mean[i]
            out[i] = m > 0 && m.isFinite ? rng.poisson(mean: m) : 0
          }
          start = end
          continue
        }
        // Pass A on the block, then B and A alternately on what is left.
        var open = PoissonBlock.squeeze(count: end - start, index: { start &+ $0 }, mean: mean, output: out,
                                        pending: work, trials: trials, using: &rng)
        while open > 0 {
          let rejected = PoissonBlock.densityTest(count: open, pending: work, trials: trials, mean: mean,
                                                  output: out, lnFactorial: lnFactorial,
                                                  rejected: work + blockSize, using: &rng)
          guard rejected > 0 else { break }
          let retry = work + blockSize
          open = PoissonBlock.squeeze(count: rejected, index: { Int(retry[$0]) }, mean: mean, output: out,
                                      pending: work, trials: trials, using: &rng)
        }
        start = end
      }
    }
  }
}

/// The passes of ``Swift/RandomNumberGenerator/poisson(means:into:)``: PTRS constants as in
/// `poissonByTransformedRejection(mean:)` (the hat's a and b from ``PTRSHat``), v_r = 0.9277 − 3.6224/(b − 2).
@usableFromInline
enum PoissonBlock {
  /// Points per block: the pending lists and trials of one block stay in L1 (12 KiB).
  @inlinable static var size: Int { 512 }

  /// The bit patterns of 10 and of 2⁵⁰ − 10's: literals, so that the hot loops load no lazy globals. Below 2⁵⁰
  /// every trial a PTRS test could accept (μ + a few √μ) is below 2⁵¹, where ⌊x⌋ by ±2⁵² is exact and the
  /// density test's range cut rejects nothing it would accept.
  @inlinable static var ten: UInt64 { 0x4024_0000_0000_0000 }
  @inlinable static var span: UInt64 { 0x4310_0000_0000_0000 &- 0x4024_0000_0000_0000 }

  /// 10 ≤ μ < 2⁵⁰, by the bit pattern (false for NaN, ±∞ and negative numbers).
  @inlinable @inline(__always)
  static func usesPTRS(_ mean: Double) -> Bool { mean.bitPattern &- ten < span }

  /// ⌊x⌋ for |x| < 2⁵¹ without a libm call or a trap check: round to nearest by adding and subtracting 2⁵²,
  /// then one down if that went above x.
  @inlinable @inline(__always)
  static func floor(_ x: Double) -> Double {
    let t = (x + 0x1p52) - 0x1p52
    return t > x ? t - 1 : t
  }

  /// Pass A: one trial (two uniforms) for each of `count` points, point `index(j)` for j = 0..<count, in
  /// that order. Where the squeeze (us ≥ 0.07 and v ≤ v_r, as v (b − 2) ≤ 0.9277 (b − 2) − 3.6224) accepts,
  /// the deviate is written; every other point with a positive finite mean (also μ < 10 and μ ≥ 2⁵⁰, whose
  /// first uniform pass B uses or discards) goes to `pending` with its uniforms in `trials` (2 per entry).
  /// Means that are not positive and finite get 0 and are done. Returns the number pending.
  @inlinable @inline(__always)
  static func squeeze<G: RandomNumberGenerator>(
    count: Int, index: (Int) -> Int, mean: UnsafePointer<Double>, output: UnsafeMutablePointer<Double>,
    pending: UnsafeMutablePointer<Int32>, trials: UnsafeMutablePointer<Double>, using rng: inout G
  ) -> Int {
    var open = 0
    for j in 0..<count {
      let i = index(j)
      let m = mean[i]
      let bits = m.bitPattern
      let ptrsMask = 0 &- UInt64(usesPTRS(m) ? 1 : 0)
      let mu = Double(bitPattern: (bits & ptrsMask) | (ten & ~ptrsMask))  // 10 stands in outside PTRS's range
      let hat = PTRSHat(mean: mu)
      let uniform = rng.uniformOpen()
      let v = rng.uniformOpen()
      let u = uniform - 0.5
      let us = 0.5 - abs(u)
      let x = hat.trial(u: u, us: us, mean: mu)
      // Sign bits, so that no branch depends on the random numbers: us < 0.07 or v > v_r leaves it open.
      let leftOpen = ((us - 0.07).bitPattern | ((0.9277 * (hat.b - 2) - 3.6224) - v * (hat.b - 2)).bitPattern) >> 63
      let acceptMask = ptrsMask & (leftOpen &- 1)
      let k = floor(Double(bitPattern: x.bitPattern & acceptMask))  // |x| is bounded where accepted
      output[i] = Double(bitPattern: k.bitPattern & acceptMask)
      pending[open] = Int32(truncatingIfNeeded: i)
      trials[2 &* open] = uniform
      trials[2 &* open &+ 1] = v
      let positiveFinite = bits &- 1 < Double.infinity.bitPattern &- 1
      open &+= Int(truncatingIfNeeded: ~acceptMask & 1) & (positiveFinite ? 1 : 0)
    }
    return open
  }

  /// Pass B: the density test of PTRS (Hörmann 1993, steps 3.1–3.3) for the open trials of pass A: reject
  /// k < 0 and the corner us < 0.013, v > us; else accept iff ln(v α⁻¹ / (a/us² + b)) ≤ −μ + k ln μ − ln k!,
  /// α⁻¹ = 1.1239 + 1.1328/(b − 3.4). Accepted deviates are written; rejected points go to `rejected`.
  /// μ < 10 is drawn by inversion from the trial's first uniform, μ ≥ 2⁵⁰ by ``poisson(mean:)``.
  /// Returns the number rejected.
  @inlinable @inline(__always)
  static func densityTest<G: RandomNumberGenerator>(
    count: Int, pending: UnsafePointer<Int32>, trials: UnsafePointer<Double>, mean: UnsafePointer<Double>,
    output: UnsafeMutablePointer<Double>, lnFactorial: UnsafePointer<Double>,
    rejected: UnsafeMutablePointer<Int32>, using rng: inout G
  ) -> Int {
    var rejectedCount = 0
    for j in 0..<count {
      let i = Int(pending[j])
      let m = mean[i]
      let uniform = trials[2 &* j], v = trials[2 &* j &+ 1]
      guard usesPTRS(m) else {
        output[i] = m < 10 ? rng.poissonByInversion(mean: m, uniform: uniform) : rng.poisson(mean: m)
        continue
      }
      let hat = PTRSHat(mean: m)
      let u = uniform - 0.5
      let us = 0.5 - abs(u)
      let x = hat.trial(u: u, us: us, mean: m)
      let rangeMask = 0 &- UInt64(abs(x) < 0x1p51 ? 1 : 0)  // |x| ≥ 2⁵¹ (us ≈ 0) is rejected below
      let k = floor(Double(bitPattern: x.bitPattern & rangeMask))
      let kc = Double(bitPattern: k.bitPattern & ((k.bitPattern >> 63) &- 1))  // max(k, 0)
      let lnkf = kc < 1024 ? lnFactorial[Int(kc)] : logFactorial(kc)
      let slack = (-m + k * log(m) - lnkf) - hat.logHatRatio(us: us, v: v)
      // Sign bits: out of range, k < 0, the corner us < 0.013 and v > us, or a negative slack rejects.
      let corner = (us - 0.013).bitPattern & (us - v).bitPattern
      let reject = (~rangeMask | k.bitPattern | corner | slack.bitPattern) >> 63
      output[i] = k
      rejected[rejectedCount] = Int32(truncatingIfNeeded: i)
      rejectedCount &+= Int(truncatingIfNeeded: reject)
    }
    return rejectedCount
  }
}
