// Why a 2θ grid description was rejected.

/// An invalid 2θ grid (``TwoThetaGrid``): which value and why. Values are in degrees.
public enum GridError: Error, Sendable, Hashable, CustomStringConvertible {
  /// `start`, `stop` or `step` is NaN or infinite.
  case nonFinite(parameter: String, value: Double)
  /// The step is zero or negative.
  case nonPositiveStep(Double)
  /// `stop` lies below `start`.
  case stopBeforeStart(start: Double, stop: Double)
  /// `stop − start` is not a whole number of steps; `below` and `above` are the nearest grid points.
  case stopNotOnGrid(stop: Double, below: Double, above: Double)
  /// Fewer than one point.
  case noPoints(Int)
  /// More points than ``TwoThetaGrid/maximumCount``.
  case tooManyPoints(Double)

  public var description: String {
    switch self {
    case .nonFinite(let parameter, let value): "2θ grid: \(parameter) is \(value), not a finite number"
    case .nonPositiveStep(let step): "2θ grid: step \(step)° must be positive"
    case .stopBeforeStart(let start, let stop): "2θ grid: stop \(stop)° lies below start \(start)°"
    case .stopNotOnGrid(let stop, let below, let above):
      "2θ grid: stop \(stop)° is not a whole number of steps from start (nearest: \(below)° or \(above)°)"
    case .noPoints(let count): "2θ grid: \(count) points; at least 1 is needed"
    case .tooManyPoints(let count):
      "2θ grid: \(Int(count)) points exceed the limit of \(TwoThetaGrid.maximumCount)"
    }
  }
}
