// Conditions of a set of measured patterns (one lab, one instrument, many samples): each pattern's estimate
// (PatternConditions.swift), the width curves fitted to all their peaks together (PeakWidthEstimate.swift),
// and the spread of every quantity over the set, which ConditionsConfig.swift turns into the distributions
// of a corpus config.
//
// Summaries are the median, quartiles (linear interpolation between order statistics, R's type 7), minimum
// and maximum over the patterns that have the quantity. They become distributions by matching the median and
// the interquartile range: a scale quantity (background level, noise counts: positive, spread over a factor)
// as log-uniform on [m e^{−a}, m e^{a}] with m the median and a the IQR of the logarithms (a uniform law on
// [c − a, c + a] has IQR a); any other quantity as a normal law with the median as mean and IQR/1.349 as
// standard deviation (a normal law's IQR is 1.349σ), clipped to the observed [minimum, maximum]. One value or
// no spread gives a fixed value.
// Not done: correlations between knobs (the config draws them independently: a broad-peaked sample with a
// low background is as likely as the pattern that showed both); weighting patterns.

import Foundation
public import XRDDiffraction

/// The conditions of a set of measured patterns.
public struct ConditionsEstimate: Sendable, Codable {
  /// Each pattern's estimate, in input order.
  public var patterns: [PatternConditions]
  /// Width curves: U, V, Y shared, W and X per pattern (same order as ``patterns``); nil without peaks.
  public var widths: PeakWidthEstimate?

  /// Estimates the conditions of every pattern, then the width curves of the set.
  ///
  /// - Parameter assumedRadiation: the emission lines for patterns whose file states none (the autoxrd
  ///   `.xy` files, for example); Cu Kα1 + Kα2 with ratio 0.5 by default.
  /// - Throws: the first pattern's ``MeasurementError`` (see ``PatternConditions/init(pattern:assumedRadiation:)``);
  ///   an error for an empty list.
  public init(patterns measured: [MeasuredPattern],
              assumedRadiation: [EmissionLine] = Radiation.lines(named: "CuKa12") ?? []) throws(MeasurementError) {
    guard !measured.isEmpty else { throw MeasurementError(file: "conditions", message: "no measured pattern given") }
    var patterns: [PatternConditions] = []
    for pattern in measured {
      patterns.append(try PatternConditions(pattern: pattern, assumedRadiation: assumedRadiation))
    }
    self.init(conditions: patterns)
  }

  /// The set from per-pattern estimates already made.
  public init(conditions: [PatternConditions]) {
    patterns = conditions
    let low = conditions.map(\.twoThetaStart).min() ?? 0, high = conditions.map(\.twoThetaStop).max() ?? 0
    widths = low < high ? PeakWidthEstimate(peaks: conditions.map(\.peaks), scan: low...high) : nil
  }

  /// Total FWHM in degrees of pattern `j` at `twoTheta` degrees, from the fitted width curves.
  public func fwhm(pattern j: Int, atTwoTheta twoTheta: Double) -> Double? {
    widths?.fwhm(pattern: j, atTwoTheta: twoTheta)
  }

  // MARK: - Summaries

  /// Median, quartiles and range of one quantity over the patterns that have it.
  public struct Summary: Sendable, Hashable, Codable {
    public var count: Int
    public var median: Double
    public var lowerQuartile: Double
    public var upperQuartile: Double
    public var minimum: Double
    public var maximum: Double

    /// nil for no values.
    public init?(_ values: [Double]) {
      let v = values.filter(\.isFinite).sorted()
      guard !v.isEmpty else { return nil }
      count = v.count
      median = Self.quantile(v, 0.5)
      lowerQuartile = Self.quantile(v, 0.25)
      upperQuartile = Self.quantile(v, 0.75)
      minimum = v[0]
      maximum = v[v.count - 1]
    }

    public var interquartileRange: Double { upperQuartile - lowerQuartile }

    /// Quantile of sorted values, linear between order statistics (R type 7).
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
      let h = Double(sorted.count - 1) * p
      let i = Int(h.rounded(.down))
      guard i + 1 < sorted.count else { return sorted[sorted.count - 1] }
      return sorted[i] + (h - Double(i)) * (sorted[i + 1] - sorted[i])
    }
  }

  /// The summary of a per-pattern quantity (nil values left out); nil when no pattern has it.
  public func summary(_ value: (PatternConditions) -> Double?) -> Summary? {
    Summary(patterns.compactMap(value))
  }

  /// The summary of each pattern's total FWHM at `twoTheta` degrees.
  public func fwhmSummary(atTwoTheta twoTheta: Double) -> Summary? {
    Summary(patterns.indices.compactMap { fwhm(pattern: $0, atTwoTheta: twoTheta) })
  }
}
