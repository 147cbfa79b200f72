// Nonlinear least squares min_p Σᵢ fᵢ(p)² with GSL's trust-region solver (gsl_multifit_nlinear), using the
// Levenberg–Marquardt step and the caller's Jacobian or, without one, GSL's forward differences.
//
// The residual function is a Swift closure; GSL calls it through a C function pointer with the closure as its
// `params` context (a closure that does not escape the call). The solver stops on GSL's tests for a small
// step (xtol), a small gradient (gtol) or a small change of χ² (ftol), or after `maxIterations`.
// Not done: geodesic acceleration, bounds (reparametrize instead: ln of a positive
// parameter, a logistic for one in (0, 1)), weighted fits (divide the residuals by σᵢ instead).

internal import CGSL

/// The result of a nonlinear least-squares fit.
///
/// The corresponding GSL functions are `gsl_multifit_nlinear_driver` and `gsl_multifit_nlinear_covar`.
package struct NonlinearFit: Sendable, Hashable {
  /// The parameters at the end.
  package var parameters: [Double]
  /// Σ fᵢ² at the end.
  package var chiSquared: Double
  /// (JᵀJ)⁻¹ at the end, row-major (p × p): the parameters' covariance when the residuals are normalized
  /// by their standard deviations (multiply by χ²/(n − p) otherwise).
  package var covariance: [Double]
  /// Iterations done.
  package var iterations: Int
  /// Whether a convergence test was met (false: the iteration limit was reached or no progress was made).
  package var converged: Bool

  /// Minimizes Σᵢ fᵢ(p)² from `start`.
  ///
  /// - Parameters:
  ///   - start: the initial parameters (p ≥ 1 of them).
  ///   - residualCount: n ≥ p, the number of residuals fᵢ.
  ///   - residuals: writes the n residuals for the given parameters; a non-finite residual counts as 10¹⁰⁰,
  ///     so a trial step that leaves the model's domain is rejected and retried smaller.
  ///   - jacobian: writes ∂fᵢ/∂p_j at index i·p + j (row-major n × p); nil for forward differences (p + 1
  ///     residual evaluations per iteration instead of 2).
  /// - Throws: ``GSLError/badLength`` for n < p or p = 0; ``GSLError/outOfMemory``; a GSL status other than
  ///   the non-convergence ones (`GSL_EMAXITER`, `GSL_ENOPROG`), which give a result with ``converged`` false.
  package static func minimize(
    start: [Double], residualCount n: Int, maxIterations: Int = 200, xtol: Double = 1e-8, gtol: Double = 1e-8,
    ftol: Double = 1e-10,
    jacobian: ((_ parameters: UnsafeBufferPointer<Double>, _ jacobian: UnsafeMutableBufferPointer<Double>) -> Void)? = nil,
    residuals: (_ parameters: UnsafeBufferPointer<Double>, _ residuals: UnsafeMutableBufferPointer<Double>) -> Void
  ) throws(GSLError) -> NonlinearFit {
    GSLRuntime.prepare()
    let p = start.count
    guard p > 0, n >= p else { throw .badLength }
    guard start.allSatisfy(\.isFinite) else { throw .invalidArgument }
    return try withoutActuallyEscaping(residuals) { (body) throws(GSLError) -> NonlinearFit in
      let box = ResidualBox(body: body, jacobian: jacobian, parameterCount: p)
      var parameters = gsl_multifit_nlinear_default_parameters()
      // The defaults: Levenberg–Marquardt trust-region step, forward differences, Moré scaling.
      guard let work = gsl_multifit_nlinear_alloc(cgsl_multifit_nlinear_trust(), &parameters, n, p) else {
        throw .outOfMemory
      }
      defer { gsl_multifit_nlinear_free(work) }
      let x = try GSLVector(start)
      var fdf = gsl_multifit_nlinear_fdf()
      fdf.f = { x, params, f in
        guard let x, let params, let f else { return CInt(GSL_EBADFUNC) }
        let box = Unmanaged<ResidualBox>.fromOpaque(params).takeUnretainedValue()
        return box.evaluate(x, f)
      }
      if jacobian != nil {
        fdf.df = { x, params, j in
          guard let x, let params, let j else { return CInt(GSL_EBADFUNC) }
          let box = Unmanaged<ResidualBox>.fromOpaque(params).takeUnretainedValue()
          return box.evaluateJacobian(x, j)
        }
      } else {
        fdf.df = nil
      }
      fdf.fvv = nil
      fdf.n = n
      fdf.p = p
      return try withExtendedLifetime(box) { () throws(GSLError) -> NonlinearFit in
        fdf.params = Unmanaged.passUnretained(box).toOpaque()
        try GSLError.check(gsl_multifit_nlinear_init(x.pointer, &fdf, work))
        var info: CInt = 0
        let status = gsl_multifit_nlinear_driver(maxIterations, xtol, gtol, ftol, nil, nil, &info, work)
        if status != GSL_SUCCESS && status != GSL_EMAXITER && status != GSL_ENOPROG {
          throw GSLError(rawValue: status)
        }
        guard let position = gsl_multifit_nlinear_position(work), let f = gsl_multifit_nlinear_residual(work),
              let jacobian = gsl_multifit_nlinear_jac(work) else { throw .failure }
        let covariance = try GSLMatrix(rowCount: p, columnCount: p)
        if gsl_multifit_nlinear_covar(jacobian, 0, covariance.pointer) != GSL_SUCCESS {
          for i in 0..<p { for j in 0..<p { gsl_matrix_set(covariance.pointer, i, j, i == j ? .infinity : 0) } }
        }
        var chi2 = 0.0
        for i in 0..<n { let r = gsl_vector_get(f, i); chi2 += r * r }
        return NonlinearFit(parameters: (0..<p).map { gsl_vector_get(position, $0) }, chiSquared: chi2,
                            covariance: covariance.values, iterations: Int(gsl_multifit_nlinear_niter(work)),
                            converged: status == GSL_SUCCESS)
      }
    }
  }

  /// The standard uncertainty of parameter `i`, √covariance[i, i] (for residuals normalized by their σ).
  package func uncertainty(_ i: Int) -> Double {
    let p = parameters.count
    return max(covariance[i * p + i], 0).squareRoot()
  }
}

/// The residual closure and scratch buffers, reached from the C callback through `params`.
private final class ResidualBox {
  typealias Function = (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
  let body: Function
  let jacobian: Function?
  var x: [Double]
  var f: [Double] = []
  var j: [Double] = []

  init(body: @escaping Function, jacobian: Function?, parameterCount: Int) {
    self.body = body
    self.jacobian = jacobian
    self.x = [Double](repeating: 0, count: parameterCount)
  }

  func evaluateJacobian(_ xv: UnsafePointer<gsl_vector>, _ jm: UnsafeMutablePointer<gsl_matrix>) -> CInt {
    guard let jacobian else { return CInt(GSL_EBADFUNC) }
    let p = xv.pointee.size, n = jm.pointee.size1
    if x.count != p { x = [Double](repeating: 0, count: p) }
    if j.count != n * p { j = [Double](repeating: 0, count: n * p) }
    for i in 0..<p { x[i] = gsl_vector_get(xv, i) }
    x.withUnsafeBufferPointer { xs in j.withUnsafeMutableBufferPointer { js in jacobian(xs, js) } }
    for i in 0..<n { for k in 0..<p { gsl_matrix_set(jm, i, k, j[i * p + k].isFinite ? j[i * p + k] : 0) } }
    return CInt(GSL_SUCCESS)
  }

  func evaluate(_ xv: UnsafePointer<gsl_vector>, _ fv: UnsafeMutablePointer<gsl_vector>) -> CInt {
    let p = xv.pointee.size, n = fv.pointee.size
    if x.count != p { x = [Double](repeating: 0, count: p) }
    if f.count != n { f = [Double](repeating: 0, count: n) }
    for i in 0..<p { x[i] = gsl_vector_get(xv, i) }
    x.withUnsafeBufferPointer { xs in f.withUnsafeMutableBufferPointer { fs in body(xs, fs) } }
    // GSL stops the whole fit when the function reports an error, so a non-finite residual becomes a huge
    // finite one: the trial step then raises χ² and is rejected.
    for i in 0..<n { gsl_vector_set(fv, i, f[i].isFinite ? f[i] : 1e100) }
    return CInt(GSL_SUCCESS)
  }
}
