// xoshiro256**: the fast 64-bit generator the noise model draws from.
//
// Blackman & Vigna (2021), "Scrambled linear pseudorandom number generators", ACM TOMS 47, 36; the
// reference xoshiro256starstar.c, seeded (as its authors recommend) with four outputs of SplitMix64.
// Period 2²⁵⁶ − 1; about 1 ns per 64-bit output, against ~6–9 ns for GSL's MT19937 through `gsl_rng`
// (measured on the 2-core build machine), which matters when a pattern draws ~10⁴ Poisson deviates.
// Not done: jump functions (streams are derived from seeds instead, ``SplitMix64/derive(_:_:)``).

/// The xoshiro256** generator of Blackman & Vigna: 256 bits of state, 64-bit outputs.
///
/// Deterministic: the same seed gives the same sequence on every platform and build.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Hashable {
  @usableFromInline var s0: UInt64
  @usableFromInline var s1: UInt64
  @usableFromInline var s2: UInt64
  @usableFromInline var s3: UInt64

  /// A generator whose state is four consecutive outputs of ``SplitMix64`` seeded with `seed`.
  public init(seed: UInt64) {
    var seeder = SplitMix64(seed: seed)
    s0 = seeder.next()
    s1 = seeder.next()
    s2 = seeder.next()
    s3 = seeder.next()
    // All-zero state is the one fixed point; SplitMix64 cannot produce four zeros in a row (mix is a
    // bijection and the four inputs differ), but be explicit.
    if s0 | s1 | s2 | s3 == 0 { s0 = SplitMix64.increment }
  }

  /// A generator with the given state words (s[0]…s[3] of the reference code), for reference-vector tests.
  /// The state must not be all zero.
  package init(state: (UInt64, UInt64, UInt64, UInt64)) {
    precondition(state.0 | state.1 | state.2 | state.3 != 0, "xoshiro256** state must not be all zero")
    (s0, s1, s2, s3) = state
  }

  /// The next 64 random bits.
  @inlinable @inline(__always)
  public mutating func next() -> UInt64 {
    let result = rotateLeft(s1 &* 5, by: 7) &* 9
    let t = s1 &<< 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotateLeft(s3, by: 45)
    return result
  }

  @inlinable @inline(__always)
  func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 { (x &<< k) | (x &>> (64 &- k)) }
}
