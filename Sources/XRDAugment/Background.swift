// Evaluation of the background section: Chebyshev series, c/2θ term and amorphous humps, in counts.
//
// The Chebyshev polynomials of the first kind Tₙ(cos φ) = cos(nφ) are summed by Clenshaw's recurrence
// (Clenshaw 1955; Press et al., Numerical Recipes, 3rd ed., §5.8), which is stable for any n. x is the
// linear map of a 2θ range onto [−1, 1]; points outside the range give x outside [−1, 1], where the
// polynomial is extended as it is (it grows quickly, so evaluate on the range you gave).
// Not done: fitting a background to data (XRDExperiment); a background that scales with the sample.

public import XRDProfile
import Foundation

extension BackgroundModel {
  /// The background in counts at each 2θ (degrees) of `twoTheta`, with the Chebyshev variable mapped from
  /// the first to the last point (the scan's range, as in an instrument file).
  ///
  /// Never negative: the sum of the three parts is clamped at 0 (a NaN sum gives 0). The c/2θ term is 0
  /// where 2θ ≤ 0. With one point, or first = last, x = 0 everywhere.
  public func evaluate(at twoTheta: [Double]) -> [Double] {
    guard let first = twoTheta.first, let last = twoTheta.last else { return [] }
    return evaluate(at: twoTheta, over: min(first, last)...max(first, last))
  }

  /// The background in counts at each 2θ of `twoTheta`, with the Chebyshev variable x = 2(2θ − a)/(b − a) − 1
  /// for the range a…b (degrees). Clamped at 0 as in ``evaluate(at:)``.
  public func evaluate(at twoTheta: [Double], over range: ClosedRange<Double>) -> [Double] {
    let width = range.upperBound - range.lowerBound
    let midpoint = (range.upperBound + range.lowerBound) / 2
    let toX = width > 0 ? 2 / width : 0
    let humps = self.humps
    let inverseTwoTheta = self.inverseTwoTheta
    return chebyshev.withUnsafeBufferPointer { c in
      [Double](unsafeUninitializedCapacity: twoTheta.count) { output, initialized in
        twoTheta.withUnsafeBufferPointer { angles in
          if inverseTwoTheta == 0 && humps.isEmpty {
            // The common case, without the terms that add exactly 0 (a +0 they could add to −0 is clamped); two
            // points at a time (the same operations per lane as chebyshevSeries, so the same values).
            var i = 0
            let zero = SIMD2<Double>()
            // max(value, 0) per lane with NaN → 0, as `value > 0 ? value : 0`, stored two at a time.
            func store(_ value: SIMD2<Double>, at i: Int) {
              UnsafeMutableRawPointer(output.baseAddress! + i)
                .storeBytes(of: value.replacing(with: zero, where: .!(value .> zero)), as: SIMD2<Double>.self)
            }
            func load(_ i: Int) -> SIMD2<Double> {
              UnsafeRawPointer(angles.baseAddress! + i).loadUnaligned(as: SIMD2<Double>.self)
            }
            if c.count == 3 {
              // The loop below unrolled for the usual three coefficients (the same operations, zeros included).
              let c0 = c[0], c1 = c[1], c2 = c[2]
              while i + 1 < angles.count {
                let x = (load(i) - midpoint) * toX
                let twoX = 2 * x
                let b1 = c2 + twoX * zero - zero
                let b0 = c1 + twoX * b1 - zero
                store(c0 + x * b0 - b1, at: i)
                i += 2
              }
            } else if c.count > 0 {
              while i + 1 < angles.count {
                let x = (load(i) - midpoint) * toX
                let twoX = 2 * x
                var b1 = zero, b2 = zero
                var k = c.count - 1
                while k >= 1 {
                  (b1, b2) = (c[k] + twoX * b1 - b2, b1)
                  k -= 1
                }
                store(c[0] + x * b1 - b2, at: i)
                i += 2
              }
            }
            while i < angles.count {
              let value = Self.chebyshevSeries(c, at: (angles[i] - midpoint) * toX)
              output[i] = value > 0 ? value : 0
              i += 1
            }
            return
          }
          for i in 0..<angles.count {
            let angle = angles[i]
            var value = Self.chebyshevSeries(c, at: (angle - midpoint) * toX)
            if angle > 0 { value += inverseTwoTheta / angle }
            for hump in humps { value += hump.value(at: angle) }
            output[i] = value > 0 ? value : 0
          }
        }
        initialized = twoTheta.count
      }
    }
  }

  /// Σₙ cₙ Tₙ(x) by Clenshaw's recurrence: b_k = c_k + 2x b_{k+1} − b_{k+2}, result c₀ + x b₁ − b₂.
  /// 0 for no coefficients.
  public static func chebyshevSeries(_ coefficients: [Double], at x: Double) -> Double {
    coefficients.withUnsafeBufferPointer { chebyshevSeries($0, at: x) }
  }

  /// ``chebyshevSeries(_:at:)`` on a buffer (the same operations in the same order).
  @inline(__always)
  static func chebyshevSeries(_ c: UnsafeBufferPointer<Double>, at x: Double) -> Double {
    guard c.count > 0 else { return 0 }
    var b1 = 0.0, b2 = 0.0
    let twoX = 2 * x
    var k = c.count - 1
    while k >= 1 {
      (b1, b2) = (c[k] + twoX * b1 - b2, b1)
      k -= 1
    }
    return c[0] + x * b1 - b2
  }
}

extension BackgroundModel.Hump {
  /// The hump in counts at 2θ (degrees): height · [η L + (1 − η) G], both shapes 1 at the centre and ½ at
  /// ±fwhm/2.
  public func value(at twoTheta: Double) -> Double {
    let u = (twoTheta - center) / fwhm
    let u2 = 4 * u * u
    let gaussian = u2 > 200 ? 0 : exp2(-u2)  // exp(−4 ln2 u²) = 2^(−4u²)
    let lorentzian = 1 / (1 + u2)
    return height * (eta * lorentzian + (1 - eta) * gaussian)
  }
}
