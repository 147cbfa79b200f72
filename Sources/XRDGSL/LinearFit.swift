// Linear least squares y ≈ X c with GSL: ordinary or weighted (gsl_multifit_linear, gsl_multifit_wlinear, by
// SVD, so a rank-deficient design gives the minimum-norm solution instead of failing) and robust
// (gsl_multifit_robust: iteratively reweighted least squares with Tukey's bisquare or Huber's weights).
//
// The design matrix is given row by row (one row per observation). Each call allocates its GSL workspace and
// frees it before returning: fits here are small (≤ 10⁴ rows, ≤ 30 columns) and rare.
// Not done: regularized (ridge, L-curve) fits, updating a fit with new rows, the GSL large-problem solvers.

internal import CGSL

/// The result of a linear least-squares fit y ≈ X c.
///
/// The corresponding GSL functions are `gsl_multifit_linear`, `gsl_multifit_wlinear` and `gsl_multifit_robust`.
package struct LinearFit: Sendable, Hashable {
  /// The robust weighting function of ``robust(design:observations:weighting:)``.
  package enum Weighting: Sendable, Hashable {
    /// Tukey's biweight, w = (1 − (r/4.685σ)²)² for |r| < 4.685σ, else 0 (`gsl_multifit_robust_bisquare`):
    /// gross outliers get weight 0.
    case bisquare
    /// Huber's weight, w = 1 for |r| ≤ 1.345σ, else 1.345σ/|r| (`gsl_multifit_robust_huber`).
    case huber
  }

  /// The fitted coefficients c, one per column of the design.
  package var coefficients: [Double]
  /// Their covariance matrix, row-major (p × p). For an unweighted ordinary fit it is scaled by the residual
  /// variance χ²/(n − p); for a weighted fit it is (Xᵀ W X)⁻¹ (the weights are 1/σ²); for a robust fit GSL's
  /// robust estimate.
  package var covariance: [Double]
  /// Σ wᵢ rᵢ² (ordinary: wᵢ = 1; robust: the final residual sum of squares, unweighted).
  package var chiSquared: Double
  /// The final weight of each observation: 1 (ordinary), the given weights, or the robust weights in [0, 1].
  package var weights: [Double]
  /// The residual standard deviation: √(χ²/(n − p)) (ordinary), GSL's final robust σ (robust).
  package var sigma: Double
  /// Whether a robust fit converged within GSL's iteration limit (always true for ordinary fits).
  package var converged: Bool

  /// The standard uncertainty of coefficient `i`, √covariance[i, i].
  package func uncertainty(_ i: Int) -> Double {
    let p = coefficients.count
    return max(covariance[i * p + i], 0).squareRoot()
  }

  /// Ordinary (or, with `weights`, weighted) least squares.
  ///
  /// - Parameters:
  ///   - design: one row per observation, each with the same number p ≥ 1 of columns.
  ///   - weights: wᵢ = 1/σᵢ² ≥ 0; nil for unit weights.
  /// - Throws: ``GSLError/badLength`` for ragged rows, fewer rows than columns, or lengths that disagree;
  ///   ``GSLError/invalidArgument`` for non-finite input; ``GSLError/outOfMemory``; any GSL status.
  ///
  /// The corresponding GSL functions are `gsl_multifit_linear` and `gsl_multifit_wlinear`.
  package init(design: [[Double]], observations: [Double], weights: [Double]? = nil) throws(GSLError) {
    GSLRuntime.prepare()
    let (n, p) = try Self.shape(design, observations)
    if let weights {
      guard weights.count == n else { throw .badLength }
      guard weights.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw .invalidArgument }
    }
    let x = try GSLMatrix(rows: design)
    let y = try GSLVector(observations)
    let c = try GSLVector(count: p)
    let cov = try GSLMatrix(rowCount: p, columnCount: p)
    guard let work = gsl_multifit_linear_alloc(n, p) else { throw .outOfMemory }
    defer { gsl_multifit_linear_free(work) }
    var chisq = 0.0
    if let weights {
      let w = try GSLVector(weights)
      try GSLError.check(gsl_multifit_wlinear(x.pointer, w.pointer, y.pointer, c.pointer, cov.pointer, &chisq, work))
    } else {
      try GSLError.check(gsl_multifit_linear(x.pointer, y.pointer, c.pointer, cov.pointer, &chisq, work))
    }
    coefficients = c.values
    covariance = cov.values
    chiSquared = chisq
    self.weights = weights ?? Array(repeating: 1, count: n)
    sigma = n > p ? (chisq / Double(n - p)).squareRoot() : 0
    converged = true
  }

  /// Robust least squares by iteratively reweighted least squares (Street, Carroll & Ruppert 1988, as GSL
  /// implements it): observations far from the fit get small or zero weight, so a few outliers do not move it.
  ///
  /// A fit that reaches GSL's iteration limit is returned with ``converged`` false (its coefficients are the
  /// last iterate).
  ///
  /// - Throws: as ``init(design:observations:weights:)``.
  ///
  /// The corresponding GSL functions are `gsl_multifit_robust` and `gsl_multifit_robust_statistics`.
  package static func robust(design: [[Double]], observations: [Double], weighting: Weighting = .bisquare)
    throws(GSLError) -> LinearFit {
    GSLRuntime.prepare()
    let (n, p) = try shape(design, observations)
    let x = try GSLMatrix(rows: design)
    let y = try GSLVector(observations)
    let c = try GSLVector(count: p)
    let cov = try GSLMatrix(rowCount: p, columnCount: p)
    let type = switch weighting {
    case .bisquare: cgsl_multifit_robust_bisquare()
    case .huber: cgsl_multifit_robust_huber()
    }
    guard let work = gsl_multifit_robust_alloc(type, n, p) else { throw .outOfMemory }
    defer { gsl_multifit_robust_free(work) }
    let status = gsl_multifit_robust(x.pointer, y.pointer, c.pointer, cov.pointer, work)
    if status != GSL_SUCCESS && status != GSL_EMAXITER { throw GSLError(rawValue: status) }
    let stats = gsl_multifit_robust_statistics(work)
    var weights = [Double](repeating: 1, count: n)
    if let w = stats.weights {
      for i in 0..<n { weights[i] = gsl_vector_get(w, i) }
    }
    return LinearFit(coefficients: c.values, covariance: cov.values, chiSquared: stats.sse, weights: weights,
                     sigma: stats.sigma, converged: status == GSL_SUCCESS)
  }

  private init(coefficients: [Double], covariance: [Double], chiSquared: Double, weights: [Double], sigma: Double,
               converged: Bool) {
    self.coefficients = coefficients; self.covariance = covariance; self.chiSquared = chiSquared
    self.weights = weights; self.sigma = sigma; self.converged = converged
  }

  /// (n, p) of a design and its observations, checked.
  private static func shape(_ design: [[Double]], _ observations: [Double]) throws(GSLError) -> (Int, Int) {
    let n = design.count
    guard n > 0, let p = design.first?.count, p > 0, n >= p, observations.count == n,
          design.allSatisfy({ $0.count == p }) else { throw .badLength }
    guard observations.allSatisfy(\.isFinite), design.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
      throw .invalidArgument
    }
    return (n, p)
  }
}

// MARK: - Owned GSL vectors and matrices

/// A gsl_vector owned by this value (freed when it goes away); for passing arrays to GSL.
final class GSLVector {
  let pointer: UnsafeMutablePointer<gsl_vector>
  let count: Int

  init(count: Int) throws(GSLError) {
    guard count > 0, let v = gsl_vector_calloc(count) else { throw .outOfMemory }
    pointer = v
    self.count = count
  }

  convenience init(_ values: [Double]) throws(GSLError) {
    try self.init(count: values.count)
    for (i, x) in values.enumerated() { gsl_vector_set(pointer, i, x) }
  }

  deinit { gsl_vector_free(pointer) }

  var values: [Double] { (0..<count).map { gsl_vector_get(pointer, $0) } }
}

/// A gsl_matrix owned by this value.
final class GSLMatrix {
  let pointer: UnsafeMutablePointer<gsl_matrix>
  let rowCount: Int
  let columnCount: Int

  init(rowCount: Int, columnCount: Int) throws(GSLError) {
    guard rowCount > 0, columnCount > 0, let m = gsl_matrix_calloc(rowCount, columnCount) else { throw .outOfMemory }
    pointer = m
    self.rowCount = rowCount
    self.columnCount = columnCount
  }

  /// From rows of equal length (checked by the caller).
  convenience init(rows: [[Double]]) throws(GSLError) {
    try self.init(rowCount: rows.count, columnCount: rows.first?.count ?? 0)
    for (i, row) in rows.enumerated() {
      for (j, x) in row.enumerated() { gsl_matrix_set(pointer, i, j, x) }
    }
  }

  deinit { gsl_matrix_free(pointer) }

  /// Row-major values.
  var values: [Double] {
    var result: [Double] = []
    result.reserveCapacity(rowCount * columnCount)
    for i in 0..<rowCount { for j in 0..<columnCount { result.append(gsl_matrix_get(pointer, i, j)) } }
    return result
  }
}
