// The distributions a corpus config gives for its augmentation knobs, and how a value is drawn from one.
//
// Five families: fixed, uniform on [a, b], normal N(μ, σ²) optionally clipped to [lo, hi] (clipping, not
// truncation: a draw outside is moved to the nearest bound, so the bounds get a point mass), log-uniform on
// [a, b] (uniform in ln x, 0 < a), and a choice among listed values with optional weights. Draws use the
// generator given (one derived per pattern and knob by the corpus, STYLE §7) and consume a fixed number of
// 64-bit outputs per family, except the normal (Marsaglia's polar method, a variable number).
// Not done: truncated normal, gamma/beta families, correlated knobs.

import Foundation
import XRDGSL

/// A distribution over real numbers for one augmentation knob.
public enum Distribution: Sendable, Hashable {
  /// Always `value`. YAML: a bare number, or `{fixed: x}`.
  case fixed(Double)
  /// Uniform on [low, high]. YAML: `{uniform: [low, high]}`.
  case uniform(low: Double, high: Double)
  /// Normal with mean and standard deviation, clipped to `clip` when given. YAML:
  /// `{normal: [mean, sd], clip: [low, high]}` (clip optional).
  case normal(mean: Double, sd: Double, clip: ClosedRange<Double>?)
  /// ln x uniform on [ln low, ln high], 0 < low ≤ high. YAML: `{log_uniform: [low, high]}`.
  case logUniform(low: Double, high: Double)
  /// One of `values` with probability ∝ `weights` (equal weights when the YAML gives none). YAML:
  /// `{choice: [v₁, v₂, …], weights: [w₁, w₂, …]}`.
  case choice(values: [Double], weights: [Double])

  /// The smallest interval that holds every value the distribution can give (−∞…∞ for an unclipped normal).
  public var support: ClosedRange<Double> {
    switch self {
    case let .fixed(v): v...v
    case let .uniform(low, high), let .logUniform(low, high): low...high
    case let .normal(_, _, clip): clip ?? -Double.infinity...Double.infinity
    case let .choice(values, _): (values.min() ?? 0)...(values.max() ?? 0)
    }
  }

  /// Whether every draw is the same number.
  public var isFixed: Bool {
    switch self {
    case .fixed: true
    case let .uniform(low, high), let .logUniform(low, high): low == high
    case let .normal(_, sd, clip): sd == 0 || clip.map { $0.lowerBound == $0.upperBound } ?? false
    case let .choice(values, _): Set(values).count <= 1
    }
  }

  /// One draw.
  public func sample(_ rng: inout some RandomNumberGenerator) -> Double {
    switch self {
    case let .fixed(v):
      return v
    case let .uniform(low, high):
      return low + (high - low) * rng.uniformOpen()
    case let .normal(mean, sd, clip):
      let value = mean + sd * rng.standardNormalPair().0
      guard let clip else { return value }
      return min(max(value, clip.lowerBound), clip.upperBound)
    case let .logUniform(low, high):
      return low == high ? low : exp(log(low) + (log(high) - log(low)) * rng.uniformOpen())
    case let .choice(values, weights):
      return values[Self.pick(weights: weights, &rng)]
    }
  }

  /// An index drawn with probability ∝ `weights` (all ≥ 0, positive sum): one uniform, inverse CDF.
  static func pick(weights: [Double], _ rng: inout some RandomNumberGenerator) -> Int {
    let total = weights.reduce(0, +)
    let u = rng.uniformOpen() * total
    var cumulative = 0.0
    for (i, w) in weights.enumerated() {
      cumulative += w
      if u < cumulative { return i }
    }
    return weights.lastIndex { $0 > 0 } ?? 0
  }
}

/// A choice among non-numeric values (radiation, background family, texture axis) with weights.
public struct WeightedChoice<Value: Sendable & Hashable>: Sendable, Hashable {
  public var values: [Value]
  /// Relative probabilities, one per value, ≥ 0 with a positive sum.
  public var weights: [Double]

  public init(values: [Value], weights: [Double]? = nil) {
    self.values = values
    self.weights = weights ?? Array(repeating: 1, count: values.count)
  }

  /// One value, drawn with one uniform.
  public func sample(_ rng: inout some RandomNumberGenerator) -> Value {
    values.count == 1 ? values[0] : values[Distribution.pick(weights: weights, &rng)]
  }
}
