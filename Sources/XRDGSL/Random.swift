// GSL's Mersenne Twister behind a single owner, with the GSL draws xrdsim uses (uniform, Gaussian, Poisson).
//
// A `gsl_rng` is mutable C state, so ``GSLRandom`` is a `~Copyable` struct that frees it in `deinit`:
// it can be moved into a task but never shared. The generator type is reached through the shim accessor
// `cgsl_rng_mt19937()` (Swift 6 rejects the C global `gsl_rng_mt19937`).
// Not done: other GSL generator types; state save/restore. The noise model of XRDAugment draws from
// ``Xoshiro256StarStar`` with the samplers of RandomDistributions.swift instead, because
// `gsl_ran_poisson` costs ≈ 0.2–0.4 µs per draw at the means of a diffraction pattern (measured on the
// build machine); ``GSLRandom`` stays for callers that want GSL's generator and as a cross-check in tests.

internal import CGSL

/// The 32-bit Mersenne Twister MT19937 of Matsumoto & Nishimura (1998), ACM TOMACS 8, 3, as GSL implements
/// it, with a single owner.
///
/// Seeding is deterministic: the same `seed` gives the same sequence on every platform. GSL's
/// MT19937 takes a 32-bit seed (`gsl_rng_set` uses the low 32 bits, and maps 0 to 4357), so the 64-bit
/// `seed` is first mixed by ``SplitMix64/mix(_:)`` and its low 32 bits used: there are 2³² distinct
/// streams, and nearby seeds (0, 1, 2, …) give unrelated ones.
///
/// The corresponding GSL type is `gsl_rng` with `gsl_rng_mt19937`.
public struct GSLRandom: ~Copyable {
  private let rng: UnsafeMutablePointer<gsl_rng>

  /// A generator seeded from `seed` (any value; see the type's overview for how it is reduced to 32 bits).
  ///
  /// - Throws: ``GSLError/outOfMemory`` if GSL cannot allocate the generator.
  ///
  /// The corresponding GSL functions are `gsl_rng_alloc` and `gsl_rng_set`.
  public init(seed: UInt64) throws(GSLError) {
    GSLRuntime.prepare()
    guard let rng = gsl_rng_alloc(cgsl_rng_mt19937()) else { throw .outOfMemory }
    gsl_rng_set(rng, CUnsignedLong(SplitMix64.mix(seed) & 0xFFFF_FFFF))
    self.rng = rng
  }

  deinit { gsl_rng_free(rng) }

  /// The next raw 32-bit output of the generator.
  ///
  /// The corresponding GSL function is `gsl_rng_get`.
  public mutating func next32() -> UInt32 { UInt32(truncatingIfNeeded: gsl_rng_get(rng)) }

  /// A uniform double in [0, 1) (32 random bits).
  ///
  /// The corresponding GSL function is `gsl_rng_uniform`.
  public mutating func uniform() -> Double { gsl_rng_uniform(rng) }

  /// A uniform double in (0, 1): never 0, as needed before a logarithm.
  ///
  /// The corresponding GSL function is `gsl_rng_uniform_pos`.
  public mutating func uniformPositive() -> Double { gsl_rng_uniform_pos(rng) }

  /// A normal deviate with mean 0 and standard deviation `sigma` (Box–Muller polar method in GSL).
  ///
  /// The corresponding GSL function is `gsl_ran_gaussian`.
  public mutating func gaussian(sigma: Double) -> Double { gsl_ran_gaussian(rng, sigma) }

  /// A normal deviate with mean 0 and standard deviation `sigma` by Marsaglia & Tsang's ziggurat (faster).
  ///
  /// The corresponding GSL function is `gsl_ran_gaussian_ziggurat`.
  public mutating func gaussianZiggurat(sigma: Double) -> Double { gsl_ran_gaussian_ziggurat(rng, sigma) }

  /// A Poisson deviate with mean `mean` ≥ 0 (finite, below 2³¹ so the count fits GSL's `unsigned int`).
  ///
  /// The corresponding GSL function is `gsl_ran_poisson`.
  public mutating func poisson(mean: Double) -> UInt32 {
    precondition(mean >= 0 && mean < 0x1p31, "Poisson mean \(mean) outside [0, 2^31)")
    return UInt32(gsl_ran_poisson(rng, mean))
  }
}

/// The owner can move to another task; it is never shared, since every draw is `mutating`.
extension GSLRandom: @unchecked Sendable {}
