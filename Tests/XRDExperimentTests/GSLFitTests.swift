// XRDGSL's LinearFit and NonlinearLeastSquares (wrappers of gsl_multifit_linear / gsl_multifit_robust and
// gsl_multifit_nlinear), tested here because the conditions estimators are their users and XRDGSL has no
// test target of its own. Exact data: the fits must return the generating parameters.

import Foundation
import Testing
import XRDGSL

@Suite struct GSLFitTests {
  @Test func ordinaryAndWeightedLineAreExact() throws {
    let x = (0..<20).map(Double.init)
    let y = x.map { 2 + 3 * $0 }
    let design = x.map { [1, $0] }
    let fit = try LinearFit(design: design, observations: y)
    #expect(abs(fit.coefficients[0] - 2) < 1e-10 && abs(fit.coefficients[1] - 3) < 1e-10)
    #expect(fit.chiSquared < 1e-18)
    let weighted = try LinearFit(design: design, observations: y, weights: x.map { 1 / (1 + $0) })
    #expect(abs(weighted.coefficients[0] - 2) < 1e-10 && abs(weighted.coefficients[1] - 3) < 1e-10)
  }

  @Test func robustFitIgnoresAnOutlier() throws {
    let x = (0..<30).map(Double.init)
    // A small deterministic wiggle so the residual scale is not zero, and one gross outlier.
    var y = x.map { 1 + 0.5 * $0 + 0.01 * sin(7 * $0) }
    y[12] += 50
    let design = x.map { [1, $0] }
    let ordinary = try LinearFit(design: design, observations: y)
    let robust = try LinearFit.robust(design: design, observations: y)
    #expect(abs(ordinary.coefficients[0] - 1) > 0.5)  // pulled by the outlier
    #expect(abs(robust.coefficients[0] - 1) < 0.02 && abs(robust.coefficients[1] - 0.5) < 0.002)
    #expect(robust.weights[12] < 0.01)
  }

  @Test func raggedDesignIsRejected() {
    #expect(throws: GSLError.badLength) { _ = try LinearFit(design: [[1, 2], [1]], observations: [1, 2]) }
    #expect(throws: GSLError.badLength) { _ = try LinearFit(design: [[1, 2]], observations: [1]) }
  }

  @Test(arguments: [false, true]) func exponentialDecay(analyticJacobian: Bool) throws {
    let t = (0..<40).map { Double($0) * 0.1 }
    let y = t.map { 5 * exp(-0.7 * $0) }
    let jacobian: ((UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void)? = analyticJacobian
      ? { p, j in for i in t.indices { j[2 * i] = exp(-p[1] * t[i]); j[2 * i + 1] = -p[0] * t[i] * exp(-p[1] * t[i]) } }
      : nil
    let fit = try NonlinearLeastSquares.minimize(start: [1, 0.1], residualCount: t.count, jacobian: jacobian) { p, f in
      for i in t.indices { f[i] = p[0] * exp(-p[1] * t[i]) - y[i] }
    }
    #expect(fit.converged)
    #expect(abs(fit.parameters[0] - 5) < 1e-6 && abs(fit.parameters[1] - 0.7) < 1e-6, "\(fit.parameters)")
  }
}
