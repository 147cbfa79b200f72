// One-dimensional interpolation of tabulated data with GSL (gsl_interp).
//
// An ``Interpolator`` owns its gsl_interp object and a copy of the data; it is immutable after init and
// evaluates without a gsl_interp_accel (GSL then bisects, O(log n)), so one instance can be shared
// between threads; ``Interpolator/values(at:)`` evaluates many points with an accelerator of its own,
// local to the call. Not done: 2-D interpolation, periodic splines, an accelerator kept between calls (it
// would be a mutable object in a Sendable type).

internal import CGSL

/// A one-dimensional interpolant through points (xᵢ, yᵢ) with strictly increasing xᵢ.
///
/// Evaluation is allowed on the closed data range ``domain`` only; outside it ``value(at:)`` throws
/// ``GSLError/domain`` and ``clampedValue(at:)`` returns the end value.
///
/// The corresponding GSL type is `gsl_interp` (gsl_interp.h).
public final class Interpolator: @unchecked Sendable {
  // @unchecked: every stored property is immutable after init; gsl_interp_eval* only read the
  // interp object and the arrays when called with a NULL accelerator, as here.

  /// The interpolation scheme.
  public enum Method: Sendable, Hashable, CaseIterable {
    /// Piecewise linear (`gsl_interp_linear`); at least 2 points.
    case linear
    /// Natural cubic spline (`gsl_interp_cspline`); at least 3 points. May overshoot.
    case cubicSpline
    /// Akima spline, non-rounded corners (`gsl_interp_akima`); at least 5 points.
    case akima
    /// Steffen's monotone cubic (`gsl_interp_steffen`; M. Steffen 1990, A&A 239, 443): C¹, no
    /// overshoot, local extrema only at data points; at least 3 points.
    case steffen

    /// The minimum number of points the method needs (`gsl_interp_type_min_size`).
    public var minimumPointCount: Int { Int(gsl_interp_type_min_size(gslType)) }

    var gslType: UnsafePointer<gsl_interp_type> {
      switch self {
      case .linear: cgsl_interp_linear()
      case .cubicSpline: cgsl_interp_cspline()
      case .akima: cgsl_interp_akima()
      case .steffen: cgsl_interp_steffen()
      }
    }
  }

  /// The abscissae, strictly increasing.
  public let x: [Double]
  /// The ordinates.
  public let y: [Double]
  /// The scheme.
  public let method: Method
  private let interp: UnsafeMutablePointer<gsl_interp>

  /// Builds the interpolant.
  ///
  /// - Throws: ``GSLError/badLength`` if `x` and `y` differ in length or have fewer points than
  ///   ``Method/minimumPointCount``; ``GSLError/invalidArgument`` if `x` is not strictly increasing
  ///   or holds a non-finite value; ``GSLError/outOfMemory`` if allocation fails.
  ///
  /// The corresponding GSL functions are `gsl_interp_alloc` and `gsl_interp_init`.
  public init(x: [Double], y: [Double], method: Method) throws(GSLError) {
    GSLRuntime.prepare()
    guard x.count == y.count, x.count >= method.minimumPointCount else { throw .badLength }
    guard x.allSatisfy(\.isFinite), zip(x, x.dropFirst()).allSatisfy({ $0 < $1 }) else { throw .invalidArgument }
    guard let interp = gsl_interp_alloc(method.gslType, x.count) else { throw .outOfMemory }
    let status = x.withUnsafeBufferPointer { xs in
      y.withUnsafeBufferPointer { ys in gsl_interp_init(interp, xs.baseAddress, ys.baseAddress, xs.count) }
    }
    if status != CInt(GSL_SUCCESS) {
      gsl_interp_free(interp)
      throw GSLError(rawValue: status)
    }
    self.x = x
    self.y = y
    self.method = method
    self.interp = interp
  }

  deinit { gsl_interp_free(interp) }

  /// The closed range of abscissae, x₀…xₙ₋₁, on which the interpolant is defined.
  public var domain: ClosedRange<Double> { x[0]...x[x.count - 1] }

  /// The interpolated value at `point`.
  ///
  /// - Throws: ``GSLError/domain`` if `point` lies outside ``domain`` (or is NaN).
  ///
  /// The corresponding GSL function is `gsl_interp_eval_e`.
  public func value(at point: Double) throws(GSLError) -> Double {
    var result = 0.0
    let status = x.withUnsafeBufferPointer { xs in
      y.withUnsafeBufferPointer { ys in gsl_interp_eval_e(interp, xs.baseAddress, ys.baseAddress, point, nil, &result) }
    }
    try GSLError.check(status)
    return result
  }

  /// The interpolated value at `point` clamped into ``domain``: the end value beyond either end.
  /// NaN gives NaN.
  public func clampedValue(at point: Double) -> Double {
    guard !point.isNaN else { return .nan }
    let clamped = min(max(point, x[0]), x[x.count - 1])
    // Cannot throw: `clamped` is in the domain.
    return (try? value(at: clamped)) ?? .nan
  }

  /// The interpolated values at many points, in their order: as ``value(at:)`` for each, but with a
  /// `gsl_interp_accel` local to the call, so ascending points cost O(1) each instead of a bisection.
  ///
  /// - Throws: ``GSLError/domain`` if a point lies outside ``domain`` (or is NaN).
  ///
  /// The corresponding GSL functions are `gsl_interp_accel_alloc` and `gsl_interp_eval_e`.
  public func values(at points: [Double]) throws(GSLError) -> [Double] {
    guard let accel = gsl_interp_accel_alloc() else { throw .outOfMemory }
    defer { gsl_interp_accel_free(accel) }
    var status = CInt(GSL_SUCCESS)
    let result = [Double](unsafeUninitializedCapacity: points.count) { out, initialized in
      x.withUnsafeBufferPointer { xs in
        y.withUnsafeBufferPointer { ys in
          for (i, point) in points.enumerated() {
            var value = 0.0
            let s = gsl_interp_eval_e(interp, xs.baseAddress, ys.baseAddress, point, accel, &value)
            if s != CInt(GSL_SUCCESS), status == CInt(GSL_SUCCESS) { status = s }
            out[i] = value
          }
        }
      }
      initialized = points.count
    }
    try GSLError.check(status)
    return result
  }

  /// The first derivative dy/dx of the interpolant at `point`.
  ///
  /// - Throws: ``GSLError/domain`` if `point` lies outside ``domain``.
  ///
  /// The corresponding GSL function is `gsl_interp_eval_deriv_e`.
  public func derivative(at point: Double) throws(GSLError) -> Double {
    var result = 0.0
    let status = x.withUnsafeBufferPointer { xs in
      y.withUnsafeBufferPointer { ys in
        gsl_interp_eval_deriv_e(interp, xs.baseAddress, ys.baseAddress, point, nil, &result)
      }
    }
    try GSLError.check(status)
    return result
  }

  /// The integral of the interpolant from `range.lowerBound` to `range.upperBound`.
  ///
  /// - Throws: ``GSLError/domain`` if the range is not inside ``domain``.
  ///
  /// The corresponding GSL function is `gsl_interp_eval_integ_e`.
  public func integral(over range: ClosedRange<Double>) throws(GSLError) -> Double {
    var result = 0.0
    let status = x.withUnsafeBufferPointer { xs in
      y.withUnsafeBufferPointer { ys in
        gsl_interp_eval_integ_e(interp, xs.baseAddress, ys.baseAddress, range.lowerBound, range.upperBound,
                                nil, &result)
      }
    }
    try GSLError.check(status)
    return result
  }
}
