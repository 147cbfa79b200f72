// SplitMix64: a tiny 64-bit generator, and seed derivation from (seed, index, …) without shared state.
//
// Steele, Lea & Flood (2014), "Fast splittable pseudorandom number generators", OOPSLA '14; the constants
// are those of Vigna's reference splitmix64.c (also Java's SplittableRandom). STYLE §7: every item of a corpus
// derives its own generator from (corpus seed, item index), so output is independent of scheduling,
// thread count and sharding. ``SplitMix64/derive(_:_:)`` is that derivation.
// Not done: statistical quality beyond seeding; use ``Xoshiro256StarStar`` for long streams.

/// The SplitMix64 generator of Steele, Lea & Flood (2014): a Weyl sequence passed through a 64-bit mixer.
///
/// Used to seed other generators and to derive independent seeds; its period is 2⁶⁴.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
  /// The golden-ratio increment of the Weyl sequence, ⌊2⁶⁴/φ⌋ (odd).
  public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

  /// The generator state: the last value of the Weyl sequence.
  public var state: UInt64

  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  @inlinable
  public mutating func next() -> UInt64 {
    state &+= Self.increment
    return Self.mix(state)
  }

  /// The SplitMix64 output function (a variant of MurmurHash3's finalizer): a bijection of UInt64 that
  /// turns nearby inputs into unrelated outputs.
  @inlinable
  public static func mix(_ x: UInt64) -> UInt64 {
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A seed for item `path` of a run seeded with `seed`, e.g. `derive(corpusSeed, [itemIndex])` or
  /// `derive(corpusSeed, [itemIndex, stage])`.
  ///
  /// h₀ = mix(seed + γ), hᵢ = mix(mix(hᵢ₋₁ + γ) ⊕ pathᵢ) for γ = ``increment``. Each step is a bijection
  /// of its last component, so for a fixed seed and prefix different indices never give the same seed;
  /// the result depends only on the arguments (no shared state).
  @inlinable
  public static func derive(_ seed: UInt64, _ path: [UInt64]) -> UInt64 {
    var h = mix(seed &+ increment)
    for component in path { h = mix(mix(h &+ increment) ^ component) }
    return h
  }
}
