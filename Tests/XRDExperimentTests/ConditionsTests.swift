// Conditions from unlabeled data: the estimators on synthetic patterns whose background, counts and widths are
// known, the config they write, and the round trip measured set → conditions → generated corpus → conditions.
//
// Synthetic patterns: Poisson counts (XRDGSL's sampler) of a known background plus pseudo-Voigt peaks whose
// Gaussian and Lorentzian FWHMs follow a chosen Caglioti curve, combined by the TCH rules of XRDProfile's
// ``PeakWidths`` (the definition the generator uses), with Cu Kα1 + Kα2 (ratio 0.5) at their Bragg angles.
// Round trip: the seven autoxrd patterns in ../shared/data (one lab, Cu Kα, 10–100° in 0.01°, counts).

import Foundation
import Testing
import XRDCorpus
import XRDExperiment
import XRDGSL
import XRDDiffraction
import XRDProfile

/// Synthetic patterns with known parts.
enum Synthetic {
  static let grid = (0...9000).map { 10 + Double($0) * 0.01 }
  static let kAlpha1 = 1.5405929, kAlpha2 = 1.5444274

  /// A smooth background with a slope, curvature and an amorphous hump: 400 … 1900 counts on 10–100°.
  static func background(_ angle: Double) -> Double {
    let x = (angle - 55) / 45
    let hump = 900 * exp(-4 * M_LN2 * pow((angle - 22) / 9, 2))
    return 800 - 250 * x + 120 * (2 * x * x - 1) + hump
  }

  /// Peaks (Kα1 + ½ Kα2) at `positions` with heights `heights` (counts at the Kα1 maximum of a lone line,
  /// before the Kα2 adds) and widths from `widths` at each angle.
  static func peaks(positions: [Double], heights: [Double], widths: Caglioti) -> [Double] {
    var total = [Double](repeating: 0, count: grid.count)
    for (position, height) in zip(positions, heights) {
      let w = widths.widths(twoTheta: position)
      let gamma = w.fwhm, eta = w.eta
      let peakValue = eta * 2 / (.pi * gamma) + (1 - eta) * 2 * (M_LN2 / .pi).squareRoot() / gamma
      let area = height / peakValue
      let second = 2 * asin(sin(position * .pi / 360) * kAlpha2 / kAlpha1) * 180 / .pi
      for (center, weight) in [(position, 1.0), (second, 0.5)] {
        let lo = max(0, Int((center - 20 * gamma - 10) / 0.01)), hi = min(grid.count - 1, Int((center + 20 * gamma - 10) / 0.01))
        guard lo <= hi else { continue }
        for i in lo...hi {
          let u2 = 4 * pow((grid[i] - center) / gamma, 2)
          total[i] += weight * area * (eta * 2 / (.pi * gamma) / (1 + u2) + (1 - eta) * 2 * (M_LN2 / .pi).squareRoot() / gamma * exp(-M_LN2 * u2))
        }
      }
    }
    return total
  }

  /// Poisson draws of `mean`.
  static func counts(_ mean: [Double], seed: UInt64) -> [Double] {
    var rng = Xoshiro256StarStar(seed: seed)
    return mean.map { rng.poisson(mean: $0) }
  }

  /// Positions 15°, 19.3°, … (every 4.3°, isolated) and heights spread over 600 … 20000 counts.
  static let positions = (0..<20).map { 15 + 4.3 * Double($0) }
  static let heights = (0..<20).map { 600 * pow(20000.0 / 600, Double(($0 * 7) % 20) / 19) }
  static let widths = Caglioti(U: 0.006, V: -0.004, W: 0.004, X: 0.03, Y: 0.02)

  static func pattern(_ intensity: [Double], name: String) -> MeasuredPattern {
    MeasuredPattern(twoTheta: grid, intensity: intensity, format: .xy, source: name)
  }

  static var cuKa12: [EmissionLine] { Radiation.lines(named: "CuKa12") ?? [] }
}

@Suite struct ConditionsTests {
  // MARK: - Background

  @Test func snipFollowsAKnownBackgroundUnderGaussianPeaks() {
    // Gaussian peaks (no Lorentzian tails, which no clipping window can tell from background), without noise;
    // the window at each angle 3 FWHM + the Kα1–Kα2 splitting, as PatternConditions sets it.
    let widths = Caglioti(U: 0.006, V: -0.004, W: 0.004)
    let truth = Synthetic.grid.map(Synthetic.background)
    let peaks = Synthetic.peaks(positions: Synthetic.positions, heights: Synthetic.heights, widths: widths)
    let clean = zip(truth, peaks).map { $0 + $1 }
    let windows = Synthetic.grid.map { angle in
      let split = 2 * asin(sin(angle * .pi / 360) * Synthetic.kAlpha2 / Synthetic.kAlpha1) * 180 / .pi - angle
      return Int(((3 * widths.widths(twoTheta: angle).fwhm + split) / 0.01).rounded())
    }
    let estimate = SNIPBackground(windows: windows).background(of: clean)
    let errors = zip(estimate, truth).map { abs($0 - $1) / $1 }
    let mean = errors.reduce(0, +) / Double(errors.count)
    #expect(mean < 0.01, "mean relative error \(mean)")
    #expect(errors.max()! < 0.03, "largest relative error \(errors.max()!)")
  }

  @Test func backgroundOfANoisyPatternWithinAFewPercent() throws {
    let truth = Synthetic.grid.map(Synthetic.background)
    let peaks = Synthetic.peaks(positions: Synthetic.positions, heights: Synthetic.heights, widths: Synthetic.widths)
    let counts = Synthetic.counts(zip(truth, peaks).map { $0 + $1 }, seed: 1)
    let c = try PatternConditions(pattern: Synthetic.pattern(counts, name: "synthetic.xy"), assumedRadiation: Synthetic.cuKa12)
    let errors = zip(c.background, truth).map { abs($0 - $1) / $1 }
    let mean = errors.reduce(0, +) / Double(errors.count)
    // The noise σ of one point is 2.3–5 % of the background here; the estimate averages over the window.
    #expect(mean < 0.02, "mean relative error \(mean)")
    #expect(errors.max()! < 0.06, "largest relative error \(errors.max()!)")
    let fraction = truth.reduce(0, +) / counts.reduce(0, +)
    #expect(abs(c.backgroundFraction / fraction - 1) < 0.02, "background fraction \(c.backgroundFraction) vs \(fraction)")
    // The shape fit finds the hump at 22° (FWHM 9°, height 900 / c0).
    let hump = try #require(c.shape?.hump)
    #expect(abs(hump.center - 22) < 2.5 && abs(hump.fwhm - 9) < 3.5, "hump \(hump)")
  }

  // MARK: - Noise

  @Test func gainAndCountsOfScaledPoissonData() throws {
    let truth = Synthetic.grid.map(Synthetic.background)
    let peaks = Synthetic.peaks(positions: Synthetic.positions, heights: Synthetic.heights, widths: Synthetic.widths)
    let counts = Synthetic.counts(zip(truth, peaks).map { $0 + $1 }, seed: 2)
    // Intensities = counts / 4: the gain (variance over mean) is 0.25.
    let c = try PatternConditions(pattern: Synthetic.pattern(counts.map { $0 / 4 }, name: "scaled.xy"),
                                  assumedRadiation: Synthetic.cuKa12)
    let noise = try #require(c.noise)
    #expect(abs(noise.gain / 0.25 - 1) < 0.04, "gain \(noise.gain)")
    #expect(abs(noise.lag1Correlation) < 0.05, "lag-1 correlation \(noise.lag1Correlation)")  // 0.03 seen: weak unmasked peak tails
    let alpha = try #require(noise.dispersionExponent)
    #expect(abs(alpha - 1) < 0.3, "dispersion exponent \(alpha)")
    // Noise counts = strongest net point in counts: the largest value of the peak component.
    let strongest = peaks.max()!
    let estimated = try #require(c.noiseCounts)
    #expect(abs(estimated / strongest - 1) < 0.04, "noise counts \(estimated) vs \(strongest)")
  }

  @Test func countsAndCountsPerSecondGiveTheSameConditions() throws {
    // SbI3: the same Bruker scan as counts (.xye) and as counts per second (.xy, counts / 76.8 s; SOURCE.md).
    let folder = sharedData.appendingPathComponent("xrdconversion-bruker")
    let lines = Synthetic.cuKa12  // Cu Kα1 1.5406 Å, Kα2 ratio 0.5 (SOURCE.md); the .xy files state no wavelength
    let counts = try PatternConditions(pattern: MeasuredPattern(contentsOf: folder.appendingPathComponent("SbI3.xye")),
                                       assumedRadiation: lines)
    let cps = try PatternConditions(pattern: MeasuredPattern(contentsOf: folder.appendingPathComponent("SbI3.xy")),
                                    assumedRadiation: lines)
    let gainCounts = try #require(counts.noise?.gain), gainCPS = try #require(cps.noise?.gain)
    #expect(abs(gainCPS * 76.8 / gainCounts - 1) < 0.02, "gains \(gainCPS) (cps), \(gainCounts) (counts)")
    let a = try #require(counts.noiseCounts), b = try #require(cps.noiseCounts)
    #expect(abs(a / b - 1) < 0.02, "noise counts \(a), \(b)")
    #expect(abs(counts.backgroundFraction - cps.backgroundFraction) < 0.01)
  }

  @Test func correlatedNoiseKeepsItsVariance() throws {
    // Two-point means of Poisson counts (as rebinned strip-detector data): Var = mean/2, ρ₁ = 1/2. The lag-3
    // second differences see the full variance (lag-1 ones would see a quarter of it).
    let truth = Synthetic.grid.map(Synthetic.background)
    let raw = Synthetic.counts(truth.map { $0 }, seed: 3)
    let averaged = (0..<raw.count).map { i in i + 1 < raw.count ? (raw[i] + raw[i + 1]) / 2 : raw[i] }
    let mask = [Bool](repeating: true, count: averaged.count)
    let noise = try #require(NoiseEstimate(intensity: averaged, background: truth, mask: mask))
    #expect(abs(noise.gain / 0.5 - 1) < 0.05, "gain \(noise.gain)")
    #expect(abs(noise.lag1Correlation - 0.5) < 0.05, "lag-1 correlation \(noise.lag1Correlation)")
  }

  // MARK: - Widths

  @Test func widthsOfSyntheticPseudoVoigtPeaks() throws {
    let peaks = Synthetic.peaks(positions: Synthetic.positions, heights: Synthetic.heights, widths: Synthetic.widths)
    let counts = Synthetic.counts(peaks.map { $0 + 300 }, seed: 4)
    let c = try PatternConditions(pattern: Synthetic.pattern(counts, name: "widths.xy"), assumedRadiation: Synthetic.cuKa12)
    #expect(c.peaks.count >= 12, "\(c.peaks.count) peaks fitted")
    for peak in c.peaks {
      let truth = Synthetic.widths.widths(twoTheta: peak.twoTheta)
      #expect(abs(peak.fwhm / truth.fwhm - 1) < 0.05, "FWHM at \(peak.twoTheta)°: \(peak.fwhm) vs \(truth.fwhm)")
      #expect(abs(peak.eta - truth.eta) < 0.15, "η at \(peak.twoTheta)°: \(peak.eta) vs \(truth.eta)")
    }
    let estimate = try #require(PeakWidthEstimate(peaks: [c.peaks], scan: 10...100))
    for angle in [30.0, 60.0, 90.0] {
      let fitted = try #require(estimate.fwhm(pattern: 0, atTwoTheta: angle))
      let truth = Synthetic.widths.widths(twoTheta: angle).fwhm
      #expect(abs(fitted / truth - 1) < 0.04, "FWHM at \(angle)°: \(fitted) vs \(truth)")
    }
  }

  @Test func tchSplitInvertsPeakWidths() {
    for (g, l) in [(0.1, 0.0), (0.0, 0.1), (0.08, 0.05), (0.02, 0.3)] {
      let w = PeakWidths(gaussianFWHM: g, lorentzianFWHM: l)
      let split = FittedPeak.split(fwhm: w.fwhm, eta: w.eta)
      #expect(abs(split.gaussianFWHM - g) < 1e-4 && abs(split.lorentzianFWHM - l) < 1e-4, "\(g), \(l) → \(split)")
    }
  }

  // MARK: - Bad input

  @Test func tooFewPointsNamesTheFile() {
    let p = MeasuredPattern(twoTheta: (0..<50).map { 10 + Double($0) * 0.02 }, intensity: [Double](repeating: 5, count: 50),
                            format: .xy, source: "short.xy")
    #expect {
      _ = try PatternConditions(pattern: p, assumedRadiation: Synthetic.cuKa12)
    } throws: { error in
      (error as? MeasurementError).map { $0.file == "short.xy" && $0.description.contains("at least 200") } ?? false
    }
  }

  @Test func noiselessDataIsRejected() {
    let p = Synthetic.pattern(Synthetic.grid.map { _ in 100 }, name: "flat.xy")
    #expect(throws: MeasurementError.self) { _ = try PatternConditions(pattern: p, assumedRadiation: Synthetic.cuKa12) }
  }

  // MARK: - Round trip

  /// The autoxrd set's conditions, a corpus generated from them, and that corpus's conditions.
  @Test func generatedCorpusMatchesTheMeasuredSet() async throws {
    let folder = sharedData.appendingPathComponent("autoxrd-experimental/Spectra")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".xy") }.sorted()
    #expect(files.count == 7)  // SOURCE.md lists seven patterns
    let measured = try ConditionsEstimate(patterns: files.map { try MeasuredPattern(contentsOf: folder.appendingPathComponent($0)) })

    // The written config, read back as `xrdsim generate --config` reads it, with eight shipped structures.
    var config = try CorpusConfig(yaml: measured.configYAML(), fileName: "conditions.yaml")
    let structures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Structures")
    // Si, anatase, fluorite, NaCl, calcite, corundum, quartz, rutile.
    config.structures = ["9008565", "9009086", "5000222", "4300180", "amcsd_0000098", "amcsd_0009325", "amcsd_0000789",
                         "amcsd_0019092"].map { StructureSource(path: structures.appendingPathComponent("\($0).cif").path) }
    config.variants = 3
    config.seed = 7
    let generator = try await CorpusGenerator.prepare(config: config, threads: 2)
    #expect(generator.patternCount == 24)
    let grid = config.twoTheta.values
    var patterns: [MeasuredPattern] = []
    for i in 0..<generator.patternCount {
      let record = try generator.record(index: i)
      patterns.append(MeasuredPattern(twoTheta: grid, intensity: record.intensities.map(Double.init), intensityUnit: .arbitrary,
                                      format: .xy, source: "generated-\(i)"))
    }
    let generated = try ConditionsEstimate(patterns: patterns)

    func ratio(_ f: (ConditionsEstimate) -> ConditionsEstimate.Summary?) throws -> Double {
      let a = try #require(f(measured)), b = try #require(f(generated))
      return b.median / a.median
    }
    // Measured (generated) medians when this was written: background fraction 0.907 (0.929), level 0.089
    // (0.080), noise counts 22 700 (22 900), FWHM 0.165/0.174/0.210° (0.172/0.181/0.216°) at 30/60/90°; README.
    let fraction = try ratio { $0.summary { $0.backgroundFraction } }
    let level = try ratio { $0.summary { $0.backgroundLevel } }
    let counts = try ratio { $0.summary { $0.noiseCounts } }
    #expect(abs(fraction - 1) < 0.2, "background fraction ratio \(fraction)")
    #expect(abs(level - 1) < 0.2, "background level ratio \(level)")
    #expect(abs(counts - 1) < 0.2, "noise counts ratio \(counts)")
    // The noise's neighbour correlation (0.5–0.6 in these files) is drawn around the measured one.
    let rhoMeasured = try #require(measured.summary { $0.noise?.lag1Correlation })
    let rhoGenerated = try #require(generated.summary { $0.noise?.lag1Correlation })
    #expect(rhoMeasured.median > 0.3, "measured lag-1 correlation \(rhoMeasured.median)")
    #expect(abs(rhoGenerated.median - rhoMeasured.median) < 0.1,
            "lag-1 correlation: measured \(rhoMeasured.median), generated \(rhoGenerated.median)")
    for angle in [30.0, 60.0, 90.0] {
      let r = try ratio { $0.fwhmSummary(atTwoTheta: angle) }
      #expect(abs(r - 1) < 0.2, "FWHM ratio at \(angle)°: \(r)")
    }
  }

  @Test func configReadsBackAsWritten() throws {
    // A synthetic set of two patterns: the YAML must be a valid config whose knobs are ``augmentation``'s.
    let truth = Synthetic.grid.map(Synthetic.background)
    let peaks = Synthetic.peaks(positions: Synthetic.positions, heights: Synthetic.heights, widths: Synthetic.widths)
    let a = Synthetic.counts(zip(truth, peaks).map { $0 + $1 }, seed: 5)
    let b = Synthetic.counts(zip(truth, peaks).map { 0.5 * $0 + 2 * $1 }, seed: 6)
    let estimate = try ConditionsEstimate(patterns: [Synthetic.pattern(a, name: "a.xy"), Synthetic.pattern(b, name: "b.xy")])
    let config = try CorpusConfig(yaml: estimate.configYAML(), fileName: "conditions.yaml")
    #expect(config.grid == Instrument.TwoThetaRange(start: 10, stop: 100, step: 0.01))
    #expect(config.radiation?.values.map(\.name) == ["CuKa12"])
    let expected = estimate.augmentation
    #expect(config.augment.crystalliteSize == nil && config.augment.microstrain == nil)
    #expect(config.augment.noiseCounts == expected.noiseCounts)
    #expect(config.augment.noiseCorrelation != nil && config.augment.noiseCorrelation == expected.noiseCorrelation)
    #expect(config.augment.background?.level == expected.background?.level)
    #expect(config.augment.background?.chebyshev == expected.background?.chebyshev)
    #expect(config.augment.w == expected.w && config.augment.x == expected.x && config.augment.u == expected.u)
    #expect(estimate.corpusConfig().augment.background == config.augment.background)
  }
}
