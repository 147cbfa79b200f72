// GSL status codes as a Swift error, and the one-time switch-off of GSL's aborting error handler.
//
// Shaped like swift-system's `Errno`: an open set of values around the C `int` status (any code GSL
// returns can be represented), with the documented codes of gsl_errno.h as static members.
// GSL's default error handler prints and calls abort(); xrdsim never wants that, so every XRDGSL entry
// point first touches ``GSLRuntime/prepare()``, which calls `gsl_set_error_handler_off()` exactly once
// (a lazily initialised static, which Swift initialises once, thread-safely).

internal import CGSL

/// A status code returned by a GSL function (gsl_errno.h), thrown by XRDGSL when it is not
/// `GSL_SUCCESS`.
///
/// The set is open: ``init(rawValue:)`` accepts any code, and the static members name the documented ones.
public struct GSLError: Error, RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The C status code, e.g. 1 for `GSL_EDOM`.
  public let rawValue: CInt

  public init(rawValue: CInt) { self.rawValue = rawValue }

  private init(_ code: some BinaryInteger) { self.rawValue = CInt(code) }

  /// GSL's own message for the code, e.g. "input domain error" (`gsl_strerror`).
  public var description: String { "GSL error \(rawValue): \(String(cString: gsl_strerror(rawValue)))" }

  /// Generic failure (`GSL_FAILURE`, −1).
  public static var failure: GSLError { GSLError(GSL_FAILURE) }
  /// Iteration has not converged yet (`GSL_CONTINUE`, −2).
  public static var `continue`: GSLError { GSLError(GSL_CONTINUE) }
  /// Input domain error, e.g. an interpolation point outside the data range (`GSL_EDOM`).
  public static var domain: GSLError { GSLError(GSL_EDOM) }
  /// Output range error, e.g. exp(1e100) (`GSL_ERANGE`).
  public static var range: GSLError { GSLError(GSL_ERANGE) }
  /// Invalid pointer (`GSL_EFAULT`).
  public static var invalidPointer: GSLError { GSLError(GSL_EFAULT) }
  /// Invalid argument supplied by the caller, e.g. abscissae not strictly increasing (`GSL_EINVAL`).
  public static var invalidArgument: GSLError { GSLError(GSL_EINVAL) }
  /// Generic failure of a computation (`GSL_EFAILED`).
  public static var failed: GSLError { GSLError(GSL_EFAILED) }
  /// Factorization failed (`GSL_EFACTOR`).
  public static var factorizationFailed: GSLError { GSLError(GSL_EFACTOR) }
  /// Sanity check failed; should not happen (`GSL_ESANITY`).
  public static var sanityCheckFailed: GSLError { GSLError(GSL_ESANITY) }
  /// Memory allocation failed (`GSL_ENOMEM`).
  public static var outOfMemory: GSLError { GSLError(GSL_ENOMEM) }
  /// Problem with a user-supplied function (`GSL_EBADFUNC`).
  public static var badFunction: GSLError { GSLError(GSL_EBADFUNC) }
  /// Iterative process is out of control (`GSL_ERUNAWAY`).
  public static var runaway: GSLError { GSLError(GSL_ERUNAWAY) }
  /// Exceeded the maximum number of iterations (`GSL_EMAXITER`).
  public static var maximumIterations: GSLError { GSLError(GSL_EMAXITER) }
  /// Tried to divide by zero (`GSL_EZERODIV`).
  public static var divisionByZero: GSLError { GSLError(GSL_EZERODIV) }
  /// A user-specified tolerance is invalid (`GSL_EBADTOL`).
  public static var badTolerance: GSLError { GSLError(GSL_EBADTOL) }
  /// Failed to reach the specified tolerance (`GSL_ETOL`).
  public static var tolerance: GSLError { GSLError(GSL_ETOL) }
  /// Underflow (`GSL_EUNDRFLW`).
  public static var underflow: GSLError { GSLError(GSL_EUNDRFLW) }
  /// Overflow (`GSL_EOVRFLW`).
  public static var overflow: GSLError { GSLError(GSL_EOVRFLW) }
  /// Loss of accuracy (`GSL_ELOSS`).
  public static var lossOfAccuracy: GSLError { GSLError(GSL_ELOSS) }
  /// Failed because of round-off error (`GSL_EROUND`).
  public static var roundOff: GSLError { GSLError(GSL_EROUND) }
  /// Matrix or vector lengths are not conformant (`GSL_EBADLEN`).
  public static var badLength: GSLError { GSLError(GSL_EBADLEN) }
  /// Matrix is not square (`GSL_ENOTSQR`).
  public static var notSquare: GSLError { GSLError(GSL_ENOTSQR) }
  /// Singularity or extremely bad function behaviour detected (`GSL_ESING`).
  public static var singularity: GSLError { GSLError(GSL_ESING) }
  /// Integral or series is divergent (`GSL_EDIVERGE`).
  public static var divergent: GSLError { GSLError(GSL_EDIVERGE) }
  /// Requested feature is not supported by the hardware (`GSL_EUNSUP`).
  public static var unsupported: GSLError { GSLError(GSL_EUNSUP) }
  /// Requested feature not (yet) implemented (`GSL_EUNIMPL`).
  public static var unimplemented: GSLError { GSLError(GSL_EUNIMPL) }
  /// Cache limit exceeded (`GSL_ECACHE`).
  public static var cacheLimit: GSLError { GSLError(GSL_ECACHE) }
  /// Table limit exceeded (`GSL_ETABLE`).
  public static var tableLimit: GSLError { GSLError(GSL_ETABLE) }
  /// Iteration is not making progress towards a solution (`GSL_ENOPROG`).
  public static var noProgress: GSLError { GSLError(GSL_ENOPROG) }
  /// Jacobian evaluations are not improving the solution (`GSL_ENOPROGJ`).
  public static var noProgressJacobian: GSLError { GSLError(GSL_ENOPROGJ) }
  /// Cannot reach the specified tolerance in F (`GSL_ETOLF`).
  public static var toleranceF: GSLError { GSLError(GSL_ETOLF) }
  /// Cannot reach the specified tolerance in X (`GSL_ETOLX`).
  public static var toleranceX: GSLError { GSLError(GSL_ETOLX) }
  /// Cannot reach the specified tolerance in the gradient (`GSL_ETOLG`).
  public static var toleranceGradient: GSLError { GSLError(GSL_ETOLG) }
  /// End of file (`GSL_EOF`).
  public static var endOfFile: GSLError { GSLError(GSL_EOF) }

  /// Throws the status as a ``GSLError`` unless it is `GSL_SUCCESS`.
  package static func check(_ status: CInt) throws(GSLError) {
    if status != CInt(GSL_SUCCESS) { throw GSLError(rawValue: status) }
  }
}

/// Process-wide GSL setup.
package enum GSLRuntime {
  /// Turns GSL's aborting default error handler off, once per process; thread-safe and cheap after the
  /// first call. Every XRDGSL type calls it before its first GSL call. Afterwards GSL reports errors
  /// only through status codes (and NaN results), which XRDGSL turns into ``GSLError``.
  ///
  /// The corresponding GSL function is `gsl_set_error_handler_off`.
  package static func prepare() { _ = handlerOff }

  private static let handlerOff: Bool = {
    _ = gsl_set_error_handler_off()
    return true
  }()
}
