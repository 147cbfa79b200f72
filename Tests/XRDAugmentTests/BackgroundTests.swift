// Background: Chebyshev terms against the closed form Tₙ(x) = cos(n arccos x), hump height and FWHM, the
// c/2θ term, the range mapping and the clamp at 0.

import Foundation
import Testing
import XRDSim

@Suite struct BackgroundTests {
  let grid = Instrument.TwoThetaRange(start: 10, stop: 80, step: 0.05).values

  /// Clenshaw's sum equals cos(n arccos x) to rounding (|Tₙ| ≤ 1; a few ulps of error per order).
  @Test(arguments: 0...12)
  func chebyshevMatchesClosedForm(order n: Int) {
    var coefficients = [Double](repeating: 0, count: n + 1)
    coefficients[n] = 1
    for i in 0...2000 {
      let x = -1 + Double(i) / 1000
      let reference = cos(Double(n) * acos(x))
      #expect(abs(BackgroundModel.chebyshevSeries(coefficients, at: x) - reference) < 1e-12, "T\(n)(\(x))")
    }
  }

  /// Through `evaluate`: 10 + Tₙ(x) on the grid (the offset keeps the sum above the clamp), x mapped from
  /// the grid's first and last 2θ onto −1 and +1.
  @Test(arguments: 0...6)
  func evaluateMapsScanRangeToUnitInterval(order n: Int) {
    var coefficients = [Double](repeating: 0, count: n + 1)
    coefficients[0] += 10
    coefficients[n] += 1
    let values = BackgroundModel(chebyshev: coefficients).evaluate(at: grid)
    for (angle, value) in zip(grid, values) {
      let x = min(1, max(-1, 2 * (angle - 10) / 70 - 1))
      #expect(abs(value - (10 + cos(Double(n) * acos(x)))) < 1e-11, "T\(n) at \(angle)")
    }
    #expect(abs(values.first! - (10 + (n % 2 == 0 ? 1 : -1))) < 1e-12)  // Tₙ(−1) = (−1)ⁿ
    #expect(abs(values.last! - 11) < 1e-12)                           // Tₙ(1) = 1
  }

  @Test func explicitRange() {
    let model = BackgroundModel(chebyshev: [5, 2])
    // Over 0…100, 2θ = 25 is x = −0.5.
    #expect(model.evaluate(at: [25], over: 0...100) == [4])
    // A single point maps to x = 0.
    #expect(model.evaluate(at: [42]) == [5])
    #expect(model.evaluate(at: []) == [])
  }

  @Test func inverseTwoThetaTerm() {
    let model = BackgroundModel(chebyshev: [], inverseTwoTheta: 100)
    #expect(model.evaluate(at: [20, 50, 80]) == [5, 2, 1.25])
    #expect(model.evaluate(at: [0, 10]) == [0, 10])  // no 1/0
  }

  @Test(arguments: [0.0, 0.5, 1.0])
  func humpHeightAndFWHM(eta: Double) throws {
    let hump = BackgroundModel.Hump(center: 25, fwhm: 8, height: 200, eta: eta)
    let model = BackgroundModel(chebyshev: [0], humps: [hump])
    #expect(hump.value(at: 25) == 200)
    #expect(abs(hump.value(at: 21) - 100) < 1e-12)
    #expect(abs(hump.value(at: 29) - 100) < 1e-12)
    // The FWHM read off a 0.001° grid by linear interpolation of the half-maximum crossings.
    let fine = Instrument.TwoThetaRange(start: 5, stop: 45, step: 0.001).values
    let y = model.evaluate(at: fine)
    let peak = try #require(y.max())
    #expect(abs(peak - 200) < 1e-9)
    let above = y.indices.filter { y[$0] >= peak / 2 }
    let lo = above.first!, hi = above.last!
    func crossing(_ a: Int, _ b: Int) -> Double {
      fine[a] + (peak / 2 - y[a]) / (y[b] - y[a]) * (fine[b] - fine[a])
    }
    let width = crossing(hi, hi + 1) - crossing(lo - 1, lo)
    #expect(abs(width - 8) < 1e-5, "measured FWHM \(width)")
  }

  @Test func neverNegative() {
    #expect(BackgroundModel(chebyshev: [-5]).evaluate(at: grid).allSatisfy { $0 == 0 })
    let ramp = BackgroundModel(chebyshev: [0, 10]).evaluate(at: grid)  // 10 x: negative half clamped
    #expect(ramp.allSatisfy { $0 >= 0 })
    #expect(ramp.prefix(700).allSatisfy { $0 == 0 })
    #expect(ramp.last == 10)
    let nan = BackgroundModel(chebyshev: [.nan]).evaluate(at: [10, 20])
    #expect(nan == [0, 0])
  }

  @Test func partsAdd() {
    let hump = BackgroundModel.Hump(center: 30, fwhm: 10, height: 50, eta: 0.2)
    let model = BackgroundModel(chebyshev: [100, -20, 5], inverseTwoTheta: 300, humps: [hump])
    let total = model.evaluate(at: grid)
    let poly = BackgroundModel(chebyshev: [100, -20, 5]).evaluate(at: grid)
    for (i, angle) in grid.enumerated() {
      #expect(abs(total[i] - (poly[i] + 300 / angle + hump.value(at: angle))) < 1e-10)
    }
  }
}
