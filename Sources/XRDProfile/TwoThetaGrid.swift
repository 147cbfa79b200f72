// A uniform grid of 2θ values (degrees) on which patterns are rendered: start, step, count.
//
// The grid's points are start + i·step, i = 0 ..< count (computed, never accumulated, so the last point is
// exact to one rounding). Each point stands for the step centred on it, [2θᵢ − step/2, 2θᵢ + step/2], when a
// renderer integrates a profile over grid steps. Not done: non-uniform grids (energy-dispersive or
// variable-step data); renderers rely on the constant step.

/// A uniform grid of 2θ values in degrees: `start`, `start + step`, …, `start + (count − 1)·step`.
public struct TwoThetaGrid: Sendable, Hashable, Codable {
  /// First 2θ, degrees.
  public let start: Double
  /// Spacing, degrees (> 0).
  public let step: Double
  /// Number of points (≥ 1).
  public let count: Int

  /// Largest accepted point count (10⁸; 800 MB of `Double`s per pattern).
  public static let maximumCount = 100_000_000

  /// A grid from its first point, spacing and number of points.
  ///
  /// - Precondition: `start` and `step` finite, `step` > 0, 1 ≤ `count` ≤ ``maximumCount``. Values from files
  ///   or flags should go through ``init(start:stop:step:)`` or ``validated(start:step:count:)``, which throw.
  public init(start: Double, step: Double, count: Int) {
    precondition(start.isFinite && step.isFinite && step > 0 && count >= 1 && count <= Self.maximumCount,
                 "TwoThetaGrid(start: \(start), step: \(step), count: \(count)) is not a valid grid")
    self.start = start
    self.step = step
    self.count = count
  }

  /// A grid from `start` to `stop` inclusive in steps of `step` (degrees), e.g. 5, 90, 0.01 → 8501 points.
  ///
  /// `stop − start` must be a whole number of steps to within 10⁻⁶ step (floating-point input such as
  /// 85/0.01 is accepted); `stop == start` gives one point.
  /// - Throws: ``GridError`` for a non-finite value, a step ≤ 0, `stop` < `start`, a `stop` that is not on
  ///   the grid (the error names the nearest stops that are), or more than ``maximumCount`` points.
  public init(start: Double, stop: Double, step: Double) throws(GridError) {
    for (name, value) in [("start", start), ("stop", stop), ("step", step)] where !value.isFinite {
      throw .nonFinite(parameter: name, value: value)
    }
    guard step > 0 else { throw .nonPositiveStep(step) }
    guard stop >= start else { throw .stopBeforeStart(start: start, stop: stop) }
    let intervals = (stop - start) / step
    guard intervals < Double(Self.maximumCount) else { throw .tooManyPoints(intervals.rounded(.up) + 1) }
    let whole = intervals.rounded()
    guard abs(intervals - whole) <= 1e-6 else {
      let below = start + intervals.rounded(.down) * step, above = start + intervals.rounded(.up) * step
      throw .stopNotOnGrid(stop: stop, below: below, above: above)
    }
    self.init(start: start, step: step, count: Int(whole) + 1)
  }

  /// The same checks as ``init(start:step:count:)``'s precondition, as a throwing factory.
  public static func validated(start: Double, step: Double, count: Int) throws(GridError) -> TwoThetaGrid {
    if !start.isFinite { throw .nonFinite(parameter: "start", value: start) }
    if !step.isFinite { throw .nonFinite(parameter: "step", value: step) }
    guard step > 0 else { throw .nonPositiveStep(step) }
    guard count >= 1 else { throw .noPoints(count) }
    guard count <= maximumCount else { throw .tooManyPoints(Double(count)) }
    return TwoThetaGrid(start: start, step: step, count: count)
  }

  /// The last point, start + (count − 1)·step, degrees.
  public var stop: Double { start + Double(count - 1) * step }

  /// 2θ of point `index` (degrees); any integer is allowed (points beyond the ends extend the grid).
  public subscript(index: Int) -> Double { start + Double(index) * step }

  /// All points, in order.
  public var values: [Double] { (0..<count).map { self[$0] } }

  /// The grid position of `twoTheta` in units of steps: (2θ − start)/step (fractional; may lie outside
  /// 0 … count − 1).
  public func position(of twoTheta: Double) -> Double { (twoTheta - start) / step }

  /// Index of the point nearest to `twoTheta`, clamped to 0 ..< count.
  public func nearestIndex(to twoTheta: Double) -> Int {
    let p = position(of: twoTheta).rounded()
    guard p.isFinite else { return p > 0 ? count - 1 : 0 }
    return Int(min(max(p, 0), Double(count - 1)))
  }

  private enum CodingKeys: String, CodingKey { case start, step, count }

  /// Decodes and validates (`start`, `step`, `count`); invalid values throw `DecodingError.dataCorrupted`
  /// with the ``GridError`` text.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let start = try container.decode(Double.self, forKey: .start)
    let step = try container.decode(Double.self, forKey: .step)
    let count = try container.decode(Int.self, forKey: .count)
    do {
      self = try Self.validated(start: start, step: step, count: count)
    } catch {
      throw DecodingError.dataCorrupted(.init(codingPath: container.codingPath, debugDescription: error.description))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(start, forKey: .start)
    try container.encode(step, forKey: .step)
    try container.encode(count, forKey: .count)
  }
}
