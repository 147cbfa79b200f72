// Nonlinear least squares with GSL's trust-region solver (gsl_multifit_nlinear, Levenberg–Marquardt).
//
// Minimises ½ Σ rᵢ(p)² for residuals r (n values) of parameters p (m values). The caller supplies the residuals
// and, optionally, the Jacobian J[i][j] = ∂rᵢ/∂pⱼ (row-major); without one GSL differentiates by forward
// differences. After the fit, the covariance (JᵀJ)⁻¹ at the solution (`gsl_multifit_nlinear_covar`,
// rank tolerance 1e-12 relative): multiply by χ²/(n − m) for the standard uncertainties of a fit whose weights
// are only relative. Not done: bounds (parameterise them away), geodesic acceleration, other trust-region
// methods than Levenberg–Marquardt (dogleg, subspace 2-D): measured slower on powder-pattern fits here.

internal import CGSL

/// Solves nonlinear least-squares problems with GSL's `gsl_multifit_nlinear` (trust region, Levenberg–Marquardt,
/// Moré scaling, QR solver).
public enum NonlinearLeastSquares {
  /// When to stop: GSL's three tests (`gsl_multifit_nlinear_test`), checked after every iteration.
  public struct Options: Sendable, Hashable {
    /// At most this many iterations.
    public var maximumIterations: Int
    /// Step test: |δpⱼ| ≤ xtol (|pⱼ| + xtol).
    public var xtol: Double
    /// Gradient test: max |gⱼ pⱼ| / max(½‖r‖², …) ≤ gtol.
    public var gtol: Double
    /// Relative change of the cost, GSL's third test (GSL 2.x does not use it; kept for the call).
    public var ftol: Double
    /// Stop when Σr² fell by less than this fraction over the last ``stallIterations`` iterations.
    public var costTolerance: Double
    public var stallIterations: Int
    /// How each trust-region step is solved.
    public var solver: Solver = .qr

    /// The linear solver of the trust-region subproblem.
    public enum Solver: Sendable, Hashable {
      /// QR decomposition of J (`gsl_multifit_nlinear_solver_qr`): the most robust, O(n m²) per step.
      case qr
      /// Modified Cholesky of JᵀJ (`gsl_multifit_nlinear_solver_mcholesky`): JᵀJ formed once per Jacobian,
      /// each damped step then costs O(m³); several times faster when n ≫ m, and stable for rank-deficient JᵀJ.
      case modifiedCholesky
    }

    public init(maximumIterations: Int = 100, xtol: Double = 1e-8, gtol: Double = 1e-10, ftol: Double = 0,
                costTolerance: Double = 0, stallIterations: Int = 3, solver: Solver = .qr) {
      self.solver = solver
      self.maximumIterations = maximumIterations
      self.xtol = xtol
      self.gtol = gtol
      self.ftol = ftol
      self.costTolerance = costTolerance
      self.stallIterations = max(1, stallIterations)
    }
  }

  /// Why the iteration stopped.
  public enum Convergence: String, Sendable, Hashable {
    /// The step became small (xtol).
    case step
    /// The gradient became small (gtol).
    case gradient
    /// Σr² fell by less than ``Options/costTolerance`` over the last ``Options/stallIterations`` iterations.
    case stalled
    /// The iteration limit was reached first.
    case iterationLimit = "iteration limit"
    /// The solver could not decrease the cost any further (GSL_ENOPROG); the parameters are the best found.
    case noProgress = "no progress"
  }

  /// The solution and what the solver reports about it.
  public struct Result: Sendable {
    public var parameters: [Double]
    /// Σ rᵢ² at the solution.
    public var chiSquared: Double
    /// (JᵀJ)⁻¹ at the solution, m × m row-major (not scaled by χ²/(n − m)).
    public var covariance: [Double]
    public var iterations: Int
    /// Residual evaluations (including those GSL makes for a finite-difference Jacobian).
    public var residualEvaluations: Int
    public var convergence: Convergence

    /// Whether a convergence test (step or gradient) was met.
    public var converged: Bool { convergence == .step || convergence == .gradient }

    /// √((JᵀJ)⁻¹)ⱼⱼ of parameter `j`: its standard uncertainty when the residuals are normalised by their
    /// standard deviations (multiply by √(χ²/(n − m)) otherwise).
    public func uncertainty(_ j: Int) -> Double {
      let m = parameters.count
      return max(0, covariance[j * m + j]).squareRoot()
    }
  }

  static func cost(_ f: UnsafeMutablePointer<gsl_vector>, n: Int) -> Double {
    var sum = 0.0
    for i in 0..<n { let r = gsl_vector_get(f, i); sum += r * r }
    return sum
  }

  /// Residuals r(p) into `r` (n values).
  public typealias Residuals = (_ p: UnsafeBufferPointer<Double>, _ r: UnsafeMutableBufferPointer<Double>) throws -> Void
  /// The Jacobian ∂rᵢ/∂pⱼ into `J`, n × m row-major.
  public typealias Jacobian = (_ p: UnsafeBufferPointer<Double>, _ J: UnsafeMutableBufferPointer<Double>) throws -> Void

  /// Minimises Σ rᵢ(p)² from `start`.
  ///
  /// - Parameters:
  ///   - residualCount: n, at least the number of parameters.
  ///   - jacobian: the Jacobian, or nil for GSL's forward differences.
  /// - Throws: the first error a closure throws (the fit stops there), or ``GSLError`` when GSL fails
  ///   (e.g. ``GSLError/invalidArgument`` for n < m, a NaN in the residuals as ``GSLError/badFunction``).
  ///   Reaching the iteration limit or making no more progress is not an error: see ``Result/convergence``.
  public static func minimize(start: [Double], residualCount: Int, options: Options = Options(),
                              jacobian: Jacobian? = nil, residuals: @escaping Residuals) throws -> Result {
    GSLRuntime.prepare()
    let m = start.count, n = residualCount
    guard m > 0, n >= m else { throw GSLError.invalidArgument }
    let context = Context(m: m, n: n, residuals: residuals, jacobian: jacobian)
    let box = Unmanaged.passRetained(context)
    defer { box.release() }

    var fdf = gsl_multifit_nlinear_fdf()
    fdf.f = { x, params, f in
      let context = Unmanaged<Context>.fromOpaque(params!).takeUnretainedValue()
      return context.evaluate(x: x!, into: f!)
    }
    fdf.df = jacobian == nil ? nil : { x, params, J in
      let context = Unmanaged<Context>.fromOpaque(params!).takeUnretainedValue()
      return context.differentiate(x: x!, into: J!)
    }
    fdf.fvv = nil
    fdf.n = n
    fdf.p = m
    fdf.params = box.toOpaque()

    var parameters = gsl_multifit_nlinear_default_parameters()
    parameters.trs = cgsl_multifit_nlinear_trs_lm()
    parameters.scale = cgsl_multifit_nlinear_scale_more()
    parameters.solver = options.solver == .qr ? cgsl_multifit_nlinear_solver_qr() : cgsl_multifit_nlinear_solver_mcholesky()
    guard let workspace = gsl_multifit_nlinear_alloc(cgsl_multifit_nlinear_trust(), &parameters, n, m) else {
      throw GSLError.outOfMemory
    }
    defer { gsl_multifit_nlinear_free(workspace) }
    let x0 = gsl_vector_alloc(m)!
    defer { gsl_vector_free(x0) }
    for j in 0..<m { gsl_vector_set(x0, j, start[j]) }
    var status = gsl_multifit_nlinear_init(x0, &fdf, workspace)
    if let error = context.error { throw error }
    guard status == CInt(GSL_SUCCESS) else { throw GSLError(rawValue: status) }

    // GSL's driver loop, with a third test of our own: the cost has stalled (relative decrease below
    // `costTolerance` over the last `stallIterations` iterations), which ends the long flat descents of
    // ill-conditioned width parameters where each step gains almost nothing.
    var info: CInt = 0
    var convergence = Convergence.iterationLimit
    var iterations = 0
    var costs: [Double] = [Self.cost(gsl_multifit_nlinear_residual(workspace)!, n: n)]
    while iterations < options.maximumIterations {
      status = gsl_multifit_nlinear_iterate(workspace)
      if let error = context.error { throw error }
      iterations += 1
      if status == CInt(GSL_ENOPROG) {
        convergence = .noProgress
        break
      }
      guard status == CInt(GSL_SUCCESS) else { throw GSLError(rawValue: status) }
      status = gsl_multifit_nlinear_test(options.xtol, options.gtol, options.ftol, &info, workspace)
      if status == CInt(GSL_SUCCESS) {
        convergence = info == 2 ? .gradient : .step
        break
      }
      costs.append(Self.cost(gsl_multifit_nlinear_residual(workspace)!, n: n))
      if costs.count > options.stallIterations {
        let before = costs[costs.count - 1 - options.stallIterations], now = costs[costs.count - 1]
        if before - now <= options.costTolerance * now {
          convergence = .stalled
          break
        }
      }
    }
    let x = gsl_multifit_nlinear_position(workspace)!
    let f = gsl_multifit_nlinear_residual(workspace)!
    let chiSquared = Self.cost(f, n: n)
    let covariance = gsl_matrix_alloc(m, m)!
    defer { gsl_matrix_free(covariance) }
    let J = gsl_multifit_nlinear_jac(workspace)!
    status = gsl_multifit_nlinear_covar(J, 1e-12, covariance)
    guard status == CInt(GSL_SUCCESS) else { throw GSLError(rawValue: status) }
    var covarianceValues = [Double](repeating: 0, count: m * m)
    for i in 0..<m { for j in 0..<m { covarianceValues[i * m + j] = gsl_matrix_get(covariance, i, j) } }
    return Result(parameters: (0..<m).map { gsl_vector_get(x, $0) }, chiSquared: chiSquared,
                  covariance: covarianceValues, iterations: iterations,
                  residualEvaluations: fdf.nevalf, convergence: convergence)
  }

  /// The closures and buffers the C callbacks reach through `params`; the first thrown error stops the fit.
  private static let success = CInt(GSL_SUCCESS)
  private static let badFunction = CInt(GSL_EBADFUNC)

  private final class Context {
    let m: Int, n: Int
    let residuals: Residuals
    let jacobian: Jacobian?
    var p: [Double]
    var r: [Double]
    var J: [Double]
    var error: (any Error)?

    init(m: Int, n: Int, residuals: @escaping Residuals, jacobian: Jacobian?) {
      self.m = m; self.n = n; self.residuals = residuals; self.jacobian = jacobian
      p = [Double](repeating: 0, count: m)
      r = [Double](repeating: 0, count: n)
      J = jacobian == nil ? [] : [Double](repeating: 0, count: n * m)
    }

    func load(_ x: UnsafePointer<gsl_vector>) {
      for j in 0..<m { p[j] = gsl_vector_get(x, j) }
    }

    func evaluate(x: UnsafePointer<gsl_vector>, into f: UnsafeMutablePointer<gsl_vector>) -> CInt {
      guard error == nil else { return NonlinearLeastSquares.badFunction }
      load(x)
      do {
        try p.withUnsafeBufferPointer { pp in try r.withUnsafeMutableBufferPointer { try residuals(pp, $0) } }
      } catch {
        self.error = error
        return NonlinearLeastSquares.badFunction
      }
      // A non-finite residual counts as 10¹⁰⁰, so a trial step that leaves the model's domain is rejected and
      // retried smaller instead of ending the fit.
      for i in 0..<n { gsl_vector_set(f, i, r[i].isFinite ? r[i] : 1e100) }
      return NonlinearLeastSquares.success
    }

    func differentiate(x: UnsafePointer<gsl_vector>, into matrix: UnsafeMutablePointer<gsl_matrix>) -> CInt {
      guard error == nil, let jacobian else { return NonlinearLeastSquares.badFunction }
      load(x)
      do {
        try p.withUnsafeBufferPointer { pp in try J.withUnsafeMutableBufferPointer { try jacobian(pp, $0) } }
      } catch {
        self.error = error
        return NonlinearLeastSquares.badFunction
      }
      let tda = matrix.pointee.tda
      let data = matrix.pointee.data!
      for i in 0..<n {
        for j in 0..<m {
          let value = J[i * m + j]
          guard value.isFinite else { return NonlinearLeastSquares.badFunction }
          data[i * tda + j] = value
        }
      }
      return NonlinearLeastSquares.success
    }
  }
}
