// The conditions of a measured set as corpus config keys (XRDCorpus ``CorpusConfig``): `grid`, `radiation`,
// `augment.profile`, `augment.background`, `augment.noise_counts`, and `crystallite_size_nm` / `microstrain`
// switched off (sample broadening is already in the measured widths). ``ConditionsEstimate/configYAML()``
// writes them as a commented YAML file that `xrdsim generate --config` reads as it is (a config without
// structures: give CIFs on the command line) and that `xrdsim generate --conditions` lays over another config.
//
// Key by key (distributions from median and IQR as ConditionsEstimate.swift says):
// - grid: the median start, stop and step of the scans (a corpus has one grid).
// - radiation: each distinct set of emission lines, weighted by how many patterns had it (the assumed
//   lines for files that state none).
// - profile: U and V fixed at the shared fit, W and X from the per-pattern values, Y fixed (PeakWidthEstimate).
// - background: family chebyshev, or a choice of chebyshev and amorphous weighted by how many patterns needed
//   a hump; level = c₀/H (log-uniform); c₁/c₀ … (normal); c₋₁/c₀ (normal); hump centre, FWHM, height/c₀
//   (normal) over the patterns with a hump, η 0, one hump.
// - noise_counts: H/gain (log-uniform).
// - noise_correlation: the lag-1 correlation of the noise (normal, clipped; each pattern's value limited to
//   0…0.707, the range the generator's neighbour mixing covers).
// Not done: zero shift, displacement, strain, texture and mixtures (they are not conditions of the instrument;
// they stay as the base config has them, or are not drawn).

import Foundation
public import XRDCorpus
import XRDDiffraction
public import XRDProfile

extension ConditionsEstimate {
  // MARK: - Config values

  /// The corpus grid: the median first 2θ, last 2θ and step of the scans (degrees, 6 significant digits).
  public var grid: Instrument.TwoThetaRange {
    let start = summary { $0.twoThetaStart }?.median ?? 5
    let stop = summary { $0.twoThetaStop }?.median ?? 90
    let step = summary { $0.step }?.median ?? 0.01
    return Instrument.TwoThetaRange(start: Self.round(start, 6), stop: Self.round(stop, 6), step: Self.round(step, 6))
  }

  /// The radiation options: each distinct set of lines with the number of patterns that had it as weight.
  public var radiationChoice: WeightedChoice<RadiationOption> {
    var options: [RadiationOption] = []
    var weights: [Double] = []
    for pattern in patterns {
      let lines = pattern.radiation
      if let i = options.firstIndex(where: { Self.sameLines($0.lines, lines) }) {
        weights[i] += 1
      } else {
        options.append(RadiationOption(name: Self.radiationName(lines), lines: lines))
        weights.append(1)
      }
    }
    return WeightedChoice(values: options, weights: weights)
  }

  /// The augmentation knobs the measured set determines; the others are nil (not drawn).
  public var augmentation: Augmentation {
    var a = Augmentation()
    if let widths {
      a.u = .fixed(Self.round(widths.u, 4))
      a.v = .fixed(Self.round(widths.v, 4))
      a.w = Self.location(widths.w.compactMap { $0 })
      a.x = Self.location(widths.x.compactMap { $0 })
      a.y = .fixed(Self.round(widths.y, 4))
    }
    a.crystalliteSize = nil
    a.microstrain = nil
    let shaped = patterns.filter { $0.shape != nil && $0.backgroundLevel != nil }
    if let level = Self.scale(shaped.compactMap(\.backgroundLevel)) {
      let shapes = shaped.compactMap(\.shape)
      let degree = shapes.map(\.chebyshevRatios.count).max() ?? 0
      let chebyshev = (0..<degree).map { k in
        Self.location(shapes.map { k < $0.chebyshevRatios.count ? $0.chebyshevRatios[k] : 0 }) ?? .fixed(0)
      }
      let inverse = Self.location(shapes.map(\.inverseTwoThetaRatio)) ?? .fixed(0)
      var knob = BackgroundKnob(level: level, chebyshev: chebyshev, inverseTwoTheta: inverse)
      let humps = shapes.compactMap(\.hump)
      if !humps.isEmpty {
        let plain = Double(shapes.count - humps.count)
        knob.family = plain > 0 ? WeightedChoice(values: [.chebyshev, .amorphous], weights: [plain, Double(humps.count)])
          : WeightedChoice(values: [.amorphous])
        knob.humps = HumpKnob(count: .fixed(1), center: Self.location(humps.map(\.center)) ?? .fixed(20),
                              fwhm: Self.location(humps.map(\.fwhm)) ?? .fixed(10),
                              height: Self.location(humps.map(\.relativeHeight)) ?? .fixed(1), eta: .fixed(0))
      }
      a.background = knob
    }
    a.noiseCounts = Self.scale(patterns.compactMap(\.noiseCounts))
    a.noiseCorrelation = Self.location(patterns.compactMap { $0.noise.map { min(0.707, max(0, $0.lag1Correlation)) } })
    return a
  }

  /// `base` with the grid, radiation and the knobs of ``augmentation`` replaced (crystallite size and
  /// microstrain removed); everything else of `base` kept. The default base has no structures.
  public func corpusConfig(over base: CorpusConfig = CorpusConfig()) -> CorpusConfig {
    var config = base
    config.grid = grid
    config.radiation = radiationChoice
    let a = augmentation
    config.augment.u = a.u; config.augment.v = a.v; config.augment.w = a.w
    config.augment.x = a.x; config.augment.y = a.y
    config.augment.crystalliteSize = nil
    config.augment.microstrain = nil
    config.augment.background = a.background
    config.augment.noiseCounts = a.noiseCounts
    config.augment.noiseCorrelation = a.noiseCorrelation
    return config
  }

  // MARK: - YAML

  /// The conditions as a commented YAML config file (see the file header).
  public func configYAML() -> String {
    let g = grid
    let a = augmentation
    let names = patterns.map(\.source)
    let shown = names.count <= 4 ? names.joined(separator: ", ") : names.prefix(3).joined(separator: ", ") + ", … (\(names.count))"
    var out = """
      # xrdsim conditions: estimated by `xrdsim conditions` from \(patterns.count) measured pattern\(patterns.count == 1 ? "" : "s")
      #   \(shown)
      # Use: `xrdsim generate --config THIS.yaml CIF...` (this file has no structures), or
      #      `xrdsim generate --conditions THIS.yaml [--config BASE.yaml]` to lay these keys over another config.
      # Not estimated (left to the base config, or not drawn): zero shift, displacement, strain, texture, mixtures.

      """
    let starts = summary { $0.twoThetaStart }, stops = summary { $0.twoThetaStop }, steps = summary { $0.step }
    out += "grid: {start: \(Self.number(g.start, 6)), stop: \(Self.number(g.stop, 6)), step: \(Self.number(g.step, 6))}"
    out += "   # medians; measured \(Self.range(starts))–\(Self.range(stops))° in \(Self.range(steps))°\n"
    let radiation = radiationChoice
    let assumed = patterns.filter(\.radiationAssumed).count
    let note = assumed > 0 ? "   # assumed for \(assumed) of \(patterns.count) (no wavelength in the file): --radiation" : ""
    if radiation.values.count == 1, Radiation.lines(named: radiation.values[0].name) != nil {
      out += "radiation: \(radiation.values[0].name)\(note)\n"
    } else {
      out += "radiation:\(note)\n"
      for (option, weight) in zip(radiation.values, radiation.weights) {
        let lines = option.lines.map { "{wavelength: \(Self.number($0.wavelength, 8)), weight: \(Self.number($0.weight, 6))}" }
        out += "  - {name: \(option.name), weight: \(Self.number(weight)), lines: [\(lines.joined(separator: ", "))]}\n"
      }
    }
    out += "augment:\n"
    if let widths, let u = a.u, let v = a.v, let w = a.w, let x = a.x, let y = a.y {
      let at = [30.0, 60.0, 90.0].map { fwhmSummary(atTwoTheta: $0).map { Self.number($0.median, 3) } ?? "–" }
      out += "  profile:   # Γg² = U tan²θ + V tanθ + W, Γl = X/cosθ + Y tanθ (degrees) from \(widths.peakCount) peaks;"
        + " FWHM at 30/60/90° (median) \(at.joined(separator: "/"))°\n"
      out += "    U: \(Self.yaml(u))\n    V: \(Self.yaml(v))\n"
      out += "    W: \(Self.yaml(w))   # per pattern: \(Self.describe(Summary(widths.w.compactMap { $0 })))\n"
      out += "    X: \(Self.yaml(x))   # per pattern: \(Self.describe(Summary(widths.x.compactMap { $0 })))\n"
      out += "    Y: \(Self.yaml(y))\n"
    }
    out += "  crystallite_size_nm: null   # sample broadening is part of the measured widths\n"
    out += "  microstrain: null\n"
    if let b = a.background {
      out += "  background:\n"
      if b.family.values.count == 1 {
        out += "    family: \(b.family.values[0].rawValue)\n"
      } else {
        out += "    family: {choice: [\(b.family.values.map(\.rawValue).joined(separator: ", "))], "
          + "weights: [\(b.family.weights.map { Self.number($0) }.joined(separator: ", "))]}\n"
      }
      out += "    level: \(Self.yaml(b.level))   # c0 / strongest peak: \(Self.describe(summary { $0.backgroundLevel }));"
        + " background fraction \(Self.describe(summary { $0.backgroundFraction }))\n"
      out += "    chebyshev:   # c1, c2, … relative to c0\n"
      for c in b.chebyshev { out += "      - \(Self.yaml(c))\n" }
      out += "    inverse_two_theta: \(Self.yaml(b.inverseTwoTheta))\n"
      if b.family.values.contains(.amorphous) {
        let h = b.humps
        out += "    humps: {count: \(Self.yaml(h.count)), center: \(Self.yaml(h.center)), fwhm: \(Self.yaml(h.fwhm)), "
          + "height: \(Self.yaml(h.height)), eta: \(Self.yaml(h.eta))}\n"
      }
    }
    if let n = a.noiseCounts {
      let gains = summary { $0.noise?.gain }
      out += "  noise_counts: \(Self.yaml(n))   # Poisson counts at the strongest peak: \(Self.describe(summary { $0.noiseCounts }));"
        + " gain \(Self.describe(gains))\n"
    }
    if let c = a.noiseCorrelation {
      let rho = summary { $0.noise?.lag1Correlation }
      out += "  noise_correlation: \(Self.yaml(c))   # lag-1 correlation of the noise: \(Self.describe(rho))\n"
    }
    return out
  }

  // MARK: - Distributions

  /// Log-uniform on [m e^{−a}, m e^{a}] (m the median, a the IQR of the logarithms) for positive values;
  /// fixed for one value or no spread; nil for none.
  static func scale(_ values: [Double]) -> Distribution? {
    let positive = values.filter { $0 > 0 && $0.isFinite }
    guard let s = Summary(positive.map { log($0) }) else { return nil }
    let m = exp(s.median), a = s.interquartileRange
    guard a > 0 else { return .fixed(round(m, 4)) }
    return .logUniform(low: round(m * exp(-a), 4), high: round(m * exp(a), 4))
  }

  /// Normal with the median as mean and IQR/1.349 as standard deviation, clipped to [min, max]; fixed for one
  /// value or no spread; nil for none.
  static func location(_ values: [Double]) -> Distribution? {
    guard let s = Summary(values) else { return nil }
    guard s.interquartileRange > 0, s.maximum > s.minimum else { return .fixed(round(s.median, 4)) }
    return .normal(mean: round(s.median, 4), sd: round(s.interquartileRange / 1.349, 4),
                   clip: round(s.minimum, 4, .down)...round(s.maximum, 4, .up))
  }

  // MARK: - Formatting

  /// x rounded to `digits` significant digits (in the given direction).
  static func round(_ x: Double, _ digits: Int, _ rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) -> Double {
    guard x != 0, x.isFinite else { return x }
    let scale = pow(10, Double(digits) - (log10(abs(x))).rounded(.down) - 1)
    // Through the decimal text, so that the value is exactly what the YAML will say.
    return Double(String(format: "%.\(digits)g", (x * scale).rounded(rule) / scale)) ?? x
  }

  /// A number as YAML reads it back: integers without a point, others with up to `digits` significant digits.
  static func number(_ x: Double, _ digits: Int = 4) -> String {
    let r = round(x, digits)
    if r == r.rounded(), abs(r) < 1e9 { return String(Int(r)) }
    return String(format: "%.\(digits)g", r)
  }

  /// A distribution in the config syntax (flow style, one line).
  static func yaml(_ d: Distribution) -> String {
    switch d {
    case let .fixed(v): return number(v)
    case let .uniform(low, high): return "{uniform: [\(number(low)), \(number(high))]}"
    case let .logUniform(low, high): return "{log_uniform: [\(number(low)), \(number(high))]}"
    case let .normal(mean, sd, clip):
      let c = clip.map { ", clip: [\(number($0.lowerBound)), \(number($0.upperBound))]" } ?? ""
      return "{normal: [\(number(mean)), \(number(sd))]\(c)}"
    case let .choice(values, weights):
      return "{choice: [\(values.map { number($0) }.joined(separator: ", "))], weights: [\(weights.map { number($0) }.joined(separator: ", "))]}"
    }
  }

  /// "median m (IQR q1…q3, n patterns)" for a comment.
  static func describe(_ s: Summary?) -> String {
    guard let s else { return "–" }
    if s.count == 1 { return "\(number(s.median, 3))" }
    return "median \(number(s.median, 3)) (IQR \(number(s.lowerQuartile, 3))…\(number(s.upperQuartile, 3)), \(s.count) patterns)"
  }

  /// "a" or "a…b" for the range of a summary.
  static func range(_ s: Summary?) -> String {
    guard let s else { return "–" }
    return s.minimum == s.maximum ? number(s.minimum, 6) : "\(number(s.minimum, 6))…\(number(s.maximum, 6))"
  }

  /// Whether two line lists agree to 10⁻⁶ Å and 10⁻⁶ in weight.
  static func sameLines(_ a: [EmissionLine], _ b: [EmissionLine]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0.wavelength - $1.wavelength) < 1e-6 && abs($0.weight - $1.weight) < 1e-6 }
  }

  /// The name of a known line set ("CuKa12"), else the strongest wavelength as text.
  static func radiationName(_ lines: [EmissionLine]) -> String {
    for name in Radiation.names {
      if let known = Radiation.lines(named: name), sameLines(known, lines) { return name }
    }
    return number(Instrument.primaryWavelength(of: lines), 7)
  }
}
