// Counting noise: Poisson moments and distribution, Gaussian σ, seeds, scaling, and the generators behind
// them (reference outputs of SplitMix64 and xoshiro256**, GSL's MT19937 wrapper).
//
// Tolerances are 5 standard deviations of the estimator for N draws: for the mean of Poisson(λ),
// σ = √(λ/N); for the sample variance, σ ≈ √((λ + 2λ²)/N) (fourth central moment λ(1 + 3λ)); for a sample
// standard deviation of N(0, σ²), σ/√(2N). All draws use fixed seeds, so the tests are deterministic.

import Foundation
import Testing
import XRDGSL
import XRDSim

@Suite struct NoiseTests {
  static func moments(_ x: [Double]) -> (mean: Double, variance: Double) {
    let mean = x.reduce(0, +) / Double(x.count)
    let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count - 1)
    return (mean, variance)
  }

  /// Poisson draws through the noise model: a flat pattern at λ with `counts = λ` is drawn at mean λ.
  @Test(arguments: [0.5, 5, 50, 5000])
  func poissonMeanAndVariance(lambda: Double) {
    let n = 100_000
    let model = NoiseModel(counts: lambda, seed: 42)
    let noisy = model.apply(to: [Double](repeating: 1, count: n))
    #expect(noisy.scale == lambda)
    #expect(noisy.expected.allSatisfy { $0 == lambda })
    #expect(noisy.intensity.allSatisfy { $0 >= 0 && $0 == $0.rounded() })
    let (mean, variance) = Self.moments(noisy.intensity)
    let meanTolerance = 5 * (lambda / Double(n)).squareRoot()
    let varianceTolerance = 5 * ((lambda + 2 * lambda * lambda) / Double(n)).squareRoot()
    #expect(abs(mean - lambda) < meanTolerance, "λ = \(lambda): mean \(mean) ± \(meanTolerance)")
    #expect(abs(variance - lambda) < varianceTolerance, "λ = \(lambda): variance \(variance) ± \(varianceTolerance)")
  }

  /// Both samplers (inversion below 10, PTRS from 10) and the switch between them, drawn directly.
  @Test(arguments: [0.01, 1, 9.99, 10, 10.01, 17.3, 400, 1e6])
  func samplerMoments(lambda: Double) {
    let n = 200_000
    var rng = Xoshiro256StarStar(seed: SplitMix64.derive(7, [UInt64(lambda * 1000)]))
    let draws = (0..<n).map { _ in rng.poisson(mean: lambda) }
    #expect(draws.allSatisfy { $0 >= 0 && $0 == $0.rounded() })
    let (mean, variance) = Self.moments(draws)
    #expect(abs(mean - lambda) < 5 * (lambda / Double(n)).squareRoot(), "λ = \(lambda): mean \(mean)")
    #expect(abs(variance - lambda) < 5 * ((lambda + 2 * lambda * lambda) / Double(n)).squareRoot(),
            "λ = \(lambda): variance \(variance)")
  }

  /// Pearson's χ² of `draws` against the Poisson(λ) pmf, bins with expected count ≥ 20 (tails pooled), and
  /// the number of bins.
  static func chiSquared(_ draws: [Double], lambda: Double) -> (chi2: Double, bins: Int) {
    let n = draws.count
    var histogram: [Int: Int] = [:]
    for k in draws { histogram[Int(k), default: 0] += 1 }
    // pmf by the recurrence p(k) = p(k−1) λ/k in log space.
    func pmf(_ k: Int) -> Double { exp(-lambda + Double(k) * log(lambda) - lgamma(Double(k) + 1)) }
    let mode = Int(lambda)
    var lo = mode, hi = mode
    while lo > 0 && pmf(lo - 1) * Double(n) >= 20 { lo -= 1 }
    while pmf(hi + 1) * Double(n) >= 20 { hi += 1 }
    var chi2 = 0.0
    var bins = 0
    var observedBelow = 0, expectedBelow = 0.0, observedAbove = 0, expectedAbove = 0.0
    for (k, count) in histogram {
      if k < lo { observedBelow += count } else if k > hi { observedAbove += count }
    }
    for k in 0..<lo { expectedBelow += pmf(k) * Double(n) }
    expectedAbove = Double(n) - expectedBelow - (lo...hi).reduce(0) { $0 + pmf($1) * Double(n) }
    for k in lo...hi {
      let e = pmf(k) * Double(n), o = Double(histogram[k, default: 0])
      chi2 += (o - e) * (o - e) / e
      bins += 1
    }
    for (o, e) in [(observedBelow, expectedBelow), (observedAbove, expectedAbove)] where e >= 5 {
      chi2 += (Double(o) - e) * (Double(o) - e) / e
      bins += 1
    }
    return (chi2, bins)
  }

  /// Pearson's χ² of the whole distribution against the Poisson pmf (``chiSquared(_:lambda:)``). Pass if
  /// χ² < df + 5√(2 df), 5 standard deviations of the χ² distribution above its mean.
  /// Both samplers: inversion (μ < 10) and PTRS with its squeeze and density test (μ ≥ 10, up to 10⁶).
  @Test(arguments: [0.5, 3.0, 5, 12.5, 30, 150, 1000, 1e6])
  func poissonDistributionChiSquared(lambda: Double) {
    var rng = Xoshiro256StarStar(seed: 2024)
    let draws = (0..<400_000).map { _ in rng.poisson(mean: lambda) }
    let (chi2, bins) = Self.chiSquared(draws, lambda: lambda)
    let df = Double(bins - 1)
    #expect(chi2 < df + 5 * (2 * df).squareRoot(), "λ = \(lambda): χ² = \(chi2) for \(bins) bins")
  }

  /// The block sampler `poisson(means:into:)` (passes A and B of PTRS, rejected points again), against the
  /// pmf as above. The means alternate between λ and 500, so every block runs the passes even for λ < 10
  /// (inversion from pass A's first uniform); only the λ entries are counted.
  @Test(arguments: [3.0, 9.99, 10, 30, 100, 1000, 1e5])
  func blockSamplerChiSquared(lambda: Double) {
    let n = 400_000
    let means = (0..<2 * n).map { $0 % 2 == 0 ? lambda : 500 }
    var drawn = [Double](repeating: -1, count: 2 * n)
    var rng = Xoshiro256StarStar(seed: 2025)
    means.withUnsafeBufferPointer { m in drawn.withUnsafeMutableBufferPointer { rng.poisson(means: m, into: $0) } }
    #expect(drawn.allSatisfy { $0 >= 0 && $0 == $0.rounded() })
    let draws = stride(from: 0, to: 2 * n, by: 2).map { drawn[$0] }
    let (chi2, bins) = Self.chiSquared(draws, lambda: lambda)
    let df = Double(bins - 1)
    #expect(chi2 < df + 5 * (2 * df).squareRoot(), "λ = \(lambda): χ² = \(chi2) for \(bins) bins")
    let (mean, variance) = Self.moments(draws)
    #expect(abs(mean - lambda) < 5 * (lambda / Double(n)).squareRoot(), "λ = \(lambda): mean \(mean)")
    #expect(abs(variance - lambda) < 5 * ((lambda + 2 * lambda * lambda) / Double(n)).squareRoot(),
            "λ = \(lambda): variance \(variance)")
  }

  /// The block sampler on what a pattern can hold: 0, negative, NaN and ±∞ give 0; a block of low means is
  /// drawn point by point (the same numbers as `poisson(mean:)`); the same generator state gives the same bits.
  @Test func blockSamplerEdgeCases() {
    let means: [Double] = [0, -3, .nan, .infinity, -.infinity, 1e6] + (0..<1000).map { 10 + Double($0) }
    var a = [Double](repeating: -1, count: means.count), b = a
    var rngA = Xoshiro256StarStar(seed: 11), rngB = Xoshiro256StarStar(seed: 11)
    means.withUnsafeBufferPointer { m in
      a.withUnsafeMutableBufferPointer { rngA.poisson(means: m, into: $0) }
      b.withUnsafeMutableBufferPointer { rngB.poisson(means: m, into: $0) }
    }
    #expect(a.map(\.bitPattern) == b.map(\.bitPattern))
    #expect(rngA == rngB)
    #expect(Array(a.prefix(5)) == [0, 0, 0, 0, 0])
    #expect(abs(a[5] - 1e6) < 10 * 1000)
    #expect(a.dropFirst(6).allSatisfy { $0 >= 0 && $0 == $0.rounded() })
    let low = (0..<2000).map { Double($0 % 9) + 0.5 }  // all below 10: the per-point path
    var drawn = [Double](repeating: -1, count: low.count)
    var rng = Xoshiro256StarStar(seed: 12)
    low.withUnsafeBufferPointer { m in drawn.withUnsafeMutableBufferPointer { rng.poisson(means: m, into: $0) } }
    var reference = Xoshiro256StarStar(seed: 12)
    #expect(drawn == low.map { reference.poisson(mean: $0) })
  }

  @Test func gaussianNoiseHasSigma() {
    let n = 100_000, sigma = 3.0
    let noisy = NoiseModel(counts: nil, gaussianSigma: sigma, seed: 9).apply(to: [Double](repeating: 1000, count: n))
    #expect(noisy.scale == 1)
    #expect(noisy.expected.allSatisfy { $0 == 1000 })
    let noise = noisy.noise
    let (mean, variance) = Self.moments(noise)
    #expect(abs(mean) < 5 * sigma / Double(n).squareRoot())
    #expect(abs(variance.squareRoot() - sigma) < 5 * sigma / (2 * Double(n)).squareRoot())
    // The polar method's pairs: odd and even points are uncorrelated.
    let pairs = stride(from: 0, to: n - 1, by: 2).map { noise[$0] * noise[$0 + 1] }
    #expect(abs(pairs.reduce(0, +) / Double(pairs.count)) < 5 * sigma * sigma / Double(pairs.count).squareRoot())
  }

  @Test func neverNegative() {
    let pattern = (0..<20_000).map { Double($0 % 7) * 0.1 }  // means 0 … 0.6 counts
    let noisy = NoiseModel(counts: 0.6, gaussianSigma: 5, seed: 3).apply(to: pattern)
    #expect(noisy.intensity.allSatisfy { $0 >= 0 })
    #expect(noisy.intensity.contains(0))
    let poissonOnly = NoiseModel(counts: 0.6, seed: 3).apply(to: pattern)
    #expect(poissonOnly.intensity.allSatisfy { $0 >= 0 })
    let weird = NoiseModel(counts: 100, gaussianSigma: 1, seed: 1).apply(to: [.nan, -5, 2, .infinity, 4])
    #expect(weird.intensity.allSatisfy { $0 >= 0 && $0.isFinite })
    #expect(weird.expected == [0, 0, 50, 0, 100])
  }

  @Test func sameSeedSameBitsDifferentSeedsDiffer() {
    let pattern = (0..<8501).map { 50 + 1000 * exp(-pow((Double($0) - 4000) / 30, 2)) }
    let model = NoiseModel(counts: 20_000, gaussianSigma: 2, seed: 123_456_789)
    let a = model.apply(to: pattern), b = model.apply(to: pattern)
    #expect(a.intensity.map(\.bitPattern) == b.intensity.map(\.bitPattern))
    #expect(a.noise.map(\.bitPattern) == b.noise.map(\.bitPattern))
    #expect(a == b)
    var other = model
    other.seed = 123_456_790
    #expect(other.apply(to: pattern).intensity != a.intensity)
    #expect(model.apply(to: pattern, stream: 1).intensity != a.intensity)
    #expect(model.apply(to: pattern, stream: 1) == model.apply(to: pattern, stream: 1))
    // Points are drawn in blocks of 512 whose trials interleave in the stream, so a prefix of a pattern does
    // not draw the same first values; the draws of the whole pattern are still the same on every run.
  }

  /// Neighbour correlation: on a flat pattern at 1000 counts the deviations keep the Poisson variance, adjacent
  /// points correlate by ρ and points two apart by a² (the mixing weight), the mean stays; ρ = 0 is the plain
  /// model bit for bit; the ends and tiny patterns are handled. Tolerances: 5 standard deviations
  /// (a sample correlation's is ≈ (1 + 2ρ²)^½/√N here).
  @Test(arguments: [0.25, 0.5, NoiseModel.maximumCorrelation])
  func neighbourCorrelation(rho: Double) {
    let n = 200_000, lambda = 1000.0
    let flat = [Double](repeating: lambda, count: n)
    let noisy = NoiseModel(counts: lambda, seed: 11, correlation: rho).apply(to: flat)
    let e = noisy.noise
    let (mean, variance) = Self.moments(noisy.intensity)
    func lagCorrelation(_ k: Int) -> Double {
      var s = 0.0
      for i in 0..<(n - k) { s += e[i] * e[i + k] }
      return s / Double(n - k) / variance
    }
    #expect(abs(mean - lambda) < 5 * (lambda / Double(n)).squareRoot() * (1 + 2 * rho), "mean \(mean)")
    #expect(abs(variance / lambda - 1) < 0.02, "variance \(variance)")
    let tolerance = 5 * (1 + 2 * rho * rho).squareRoot() / Double(n).squareRoot()
    #expect(abs(lagCorrelation(1) - rho) < tolerance, "ρ₁ \(lagCorrelation(1)) for ρ = \(rho)")
    let a = rho / (2 * ((1 + max(0, 1 - 2 * rho * rho).squareRoot()) / 2).squareRoot())
    #expect(abs(lagCorrelation(2) - a * a) < tolerance, "ρ₂ \(lagCorrelation(2)), a² = \(a * a)")
    #expect(abs(lagCorrelation(3)) < tolerance, "ρ₃ \(lagCorrelation(3))")
    #expect(noisy.intensity.allSatisfy { $0 >= 0 })
  }

  @Test func neighbourCorrelationEdges() {
    let pattern = (0..<3000).map { 20 + 500 * exp(-pow((Double($0) - 1500) / 40, 2)) }
    let plain = NoiseModel(counts: 5000, gaussianSigma: 3, seed: 9)
    var zero = plain
    zero.correlation = 0
    #expect(zero.apply(to: pattern) == plain.apply(to: pattern))
    var mixed = plain
    mixed.correlation = 0.5
    let a = mixed.apply(to: pattern), b = mixed.apply(to: pattern)
    #expect(a.intensity.map(\.bitPattern) == b.intensity.map(\.bitPattern))
    #expect(a.intensity != plain.apply(to: pattern).intensity)
    #expect(a.intensity.allSatisfy { $0 >= 0 && $0.isFinite })
    // Low counts: deviations below −mean are clamped after mixing; one and two points; NaN and negative means.
    for values in [[0.5, 0.2, 3, 0, 1], [7.0], [3.0, 4.0], [Double.nan, -2, 5, .infinity, 2]] {
      let drawn = NoiseModel(counts: 10, seed: 2, correlation: 0.7).apply(to: values, rescale: false).intensity
      #expect(drawn.count == values.count && drawn.allSatisfy { $0 >= 0 && $0.isFinite }, "\(values) → \(drawn)")
    }
  }

  @Test func scalingAndComponents() {
    let pattern = (0..<1000).map { 10 + 90 * sin(Double($0) / 100).magnitude }
    let noisy = NoiseModel(counts: 5000, seed: 1).apply(to: pattern)
    let peak = pattern.max()!
    #expect(abs(noisy.expected.max()! - 5000) <= 5000 * 1e-15)
    #expect(noisy.scale == 5000 / peak)
    for i in pattern.indices {
      #expect(abs(noisy.expected[i] + noisy.noise[i] - noisy.intensity[i]) <= 1e-9 * 5000)
    }
    // No noise at all: the pattern comes back unchanged.
    let clean = NoiseModel().apply(to: pattern)
    #expect(clean.intensity == pattern && clean.noise.allSatisfy { $0 == 0 } && clean.scale == 1)
    // An all-zero pattern is not scaled (no maximum to scale to) and stays zero.
    let zero = NoiseModel(counts: 1000, seed: 1).apply(to: [0, 0, 0])
    #expect(zero.intensity == [0, 0, 0] && zero.scale == 1)
  }

  // MARK: Generators

  /// Reference outputs: splitmix64.c (Vigna) with seed 1234567; xoshiro256starstar.c from state {1, 2, 3, 4}.
  @Test func generatorReferenceOutputs() {
    var splitMix = SplitMix64(seed: 1_234_567)
    #expect((0..<5).map { _ in splitMix.next() } == [
      6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
      4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
    ])
    var xoshiro = Xoshiro256StarStar(state: (1, 2, 3, 4))
    #expect((0..<6).map { _ in xoshiro.next() } == [
      11520, 0, 1_509_978_240, 1_215_971_899_390_074_240, 1_216_172_134_540_287_360, 607_988_272_756_665_600,
    ])
  }

  @Test func derivedSeedsAreDistinct() {
    var seen = Set<UInt64>()
    for seed: UInt64 in [0, 1, 2] {
      for index: UInt64 in 0..<10_000 { seen.insert(SplitMix64.derive(seed, [index])) }
    }
    #expect(seen.count == 30_000)
    #expect(SplitMix64.derive(0, [1, 2]) != SplitMix64.derive(0, [2, 1]))
    #expect(SplitMix64.derive(5, []) != SplitMix64.derive(5, [0]))
  }

  @Test func gslGeneratorIsSeededAndPoissonAgrees() throws {
    var a = try GSLRandom(seed: 77), b = try GSLRandom(seed: 77), c = try GSLRandom(seed: 78)
    let sa = (0..<100).map { _ in a.next32() }, sb = (0..<100).map { _ in b.next32() }
    #expect(sa == sb)
    #expect((0..<100).map { _ in c.next32() } != sa)
    var rng = try GSLRandom(seed: 1)
    let uniforms = (0..<10_000).map { _ in rng.uniform() }
    #expect(uniforms.allSatisfy { $0 >= 0 && $0 < 1 })
    #expect(abs(Self.moments(uniforms).mean - 0.5) < 5 * (1.0 / 12 / 10_000).squareRoot())
    #expect((0..<10_000).allSatisfy { _ in rng.uniformPositive() > 0 })
    let lambda = 5.0, n = 50_000
    let draws = (0..<n).map { _ in Double(rng.poisson(mean: lambda)) }
    let (mean, variance) = Self.moments(draws)
    #expect(abs(mean - lambda) < 5 * (lambda / Double(n)).squareRoot())
    #expect(abs(variance - lambda) < 5 * ((lambda + 2 * lambda * lambda) / Double(n)).squareRoot())
    let normals = (0..<n).map { _ in rng.gaussian(sigma: 2) }
    #expect(abs(Self.moments(normals).variance.squareRoot() - 2) < 5 * 2 / (2 * Double(n)).squareRoot())
  }

  @Test func logFactorialMatchesLGamma() {
    for k in 0..<400 {
      let reference: Double = lgamma(Double(k) + 1)
      #expect(abs(logFactorial(Double(k)) - reference) <= 1e-13 * max(1, reference), "ln \(k)!")
    }
  }
}
