// Agreement between an observed and a calculated pattern, as Rietveld programs report it.
//
// With weights wᵢ = 1/σᵢ² (σᵢ the e.s.d. of yᵢ; √yᵢ for counts):
//   Rwp = √(Σ wᵢ(yᵢ − cᵢ)² / Σ wᵢ yᵢ²), Rp = Σ|yᵢ − cᵢ| / Σ|yᵢ|, Rexp = √((N − P) / Σ wᵢ yᵢ²),
//   GoF = χ²/(N − P) = (Rwp/Rexp)²  (GSAS-II's GOF is its square root; both are given),
// all over the points used, background included (as GSAS-II). Pearson's r and the cosine similarity of the
// two intensity vectors are the similarity measures ML work uses.

import Foundation

/// Rwp, Rp, Rexp, goodness of fit, Pearson and cosine similarity of a calculated pattern against an observed one.
public struct AgreementIndices: Sendable, Hashable, Codable {
  /// Weighted profile R factor, as a fraction (0.05 = 5 %).
  public var rwp: Double
  /// Profile R factor, as a fraction.
  public var rp: Double
  /// Expected R factor √((N − P)/Σ w y²), as a fraction.
  public var rexp: Double
  /// Reduced χ² = Σ w (y − c)² / (N − P).
  public var gof: Double
  /// Pearson correlation coefficient of observed and calculated intensities.
  public var pearson: Double
  /// Cosine similarity y·c / (‖y‖ ‖c‖).
  public var cosine: Double
  /// Points compared (N) and refined parameters (P).
  public var points: Int
  public var parameters: Int

  /// The indices of `calculated` against `observed` with weights `weights` (1/σ²) and `parameterCount` refined
  /// parameters. All arrays have the same length.
  public init(observed: [Double], calculated: [Double], weights: [Double], parameterCount: Int) {
    precondition(observed.count == calculated.count && observed.count == weights.count)
    var weightedResidual = 0.0, weightedObserved = 0.0, absoluteResidual = 0.0, absoluteObserved = 0.0
    var sumO = 0.0, sumC = 0.0, sumOO = 0.0, sumCC = 0.0, sumOC = 0.0
    for i in observed.indices {
      let o = observed[i], c = calculated[i], w = weights[i]
      weightedResidual += w * (o - c) * (o - c)
      weightedObserved += w * o * o
      absoluteResidual += abs(o - c)
      absoluteObserved += abs(o)
      sumO += o; sumC += c; sumOO += o * o; sumCC += c * c; sumOC += o * c
    }
    let n = Double(observed.count)
    let degrees = max(1, observed.count - parameterCount)
    rwp = weightedObserved > 0 ? (weightedResidual / weightedObserved).squareRoot() : .nan
    rp = absoluteObserved > 0 ? absoluteResidual / absoluteObserved : .nan
    rexp = weightedObserved > 0 ? (Double(degrees) / weightedObserved).squareRoot() : .nan
    gof = weightedResidual / Double(degrees)
    let covariance = sumOC - sumO * sumC / n
    let varianceO = sumOO - sumO * sumO / n, varianceC = sumCC - sumC * sumC / n
    pearson = varianceO > 0 && varianceC > 0 ? covariance / (varianceO * varianceC).squareRoot() : .nan
    cosine = sumOO > 0 && sumCC > 0 ? sumOC / (sumOO * sumCC).squareRoot() : .nan
    points = observed.count
    parameters = parameterCount
  }
}
