// Phase identification: which structures of a library explain a measured pattern, alone or as a mixture.
//
// 1. Pre-screen every structure on stick positions, no fit: the measured pattern less its SNIP background,
//    binned to 0.05°, square-rooted (so that weak lines count) is compared by cosine similarity with the
//    structure's sticks (every emission line, intensities m|F|²Lp) drawn as Gaussians of 0.3° FWHM on the same
//    bins, also square-rooted; the best over cell scalings of −2 … +2 % in 0.2 % steps (DFT-relaxed or
//    thermally expanded cells, sample displacement) is the screen score. Cost: the sticks once per structure.
// 2. Fit the best `candidatesToFit` with PatternFit's quick fit (scale, Chebyshev background, one width factor,
//    zero/displacement, lattice); refit the best three with March–Dollase texture along their low-index axes
//    (keeping a textured fit only when it is better); when the best two are within 50 % in Rwp, refine both
//    fully (all of PatternFit's stages, with and without texture), so that near ties are decided by the full
//    model. Score = 1 − Rwp/Rwp₀, Rwp₀ that of the SNIP background alone: the share
//    of the signal above background a candidate explains (1 = perfect, ≤ 0 = nothing).
// 3. Mixtures, greedily: with the best phase fixed, screen the library again on the residual
//    (observed − calculated, clipped at 0), fit the best few as a two-phase mixture, keep the best if it lowers
//    Rwp by at least `minimumImprovement`; again for a third phase. The phases kept come first in the ranking,
//    then the other fitted candidates by score.
// Not done: chemistry filters (elements present), more than `maximumPhases` phases, solid-solution searches.

public import Foundation
public import XRDCrystal
public import XRDDiffraction
public import XRDProfile
import XRDCorpus

/// Ranks the structures of a library by how well they explain a measured pattern.
public enum PhaseIdentification {
  public struct Options: Sendable {
    /// Candidates reported.
    public var top: Int
    /// Candidates fitted after the pre-screen.
    public var candidatesToFit: Int
    /// At most this many phases in a mixture (1 = single-phase search only).
    public var maximumPhases: Int
    /// A further phase is kept when it lowers Rwp by at least this fraction.
    public var minimumImprovement: Double
    /// 2θ range used (degrees), nil for the whole scan.
    public var range: ClosedRange<Double>?
    /// Only candidates whose pre-screen score is at least this fraction of the best one's are fitted.
    public var screenFraction: Double = 0.85
    /// Points at d-spacings below this (Å) are not used (0: all).
    public var minimumDSpacing = 0.9
    /// The best this many single-phase candidates are refined fully before the final ranking (0: none).
    public var finalCandidates = 2
    /// The best this many single-phase fits are refitted with March–Dollase texture (0: none).
    public var textureCandidates = 3

    public init(top: Int = 5, candidatesToFit: Int = 8, maximumPhases: Int = 3, minimumImprovement: Double = 0.08,
                range: ClosedRange<Double>? = nil) {
      self.top = top
      self.candidatesToFit = candidatesToFit
      self.maximumPhases = maximumPhases
      self.minimumImprovement = minimumImprovement
      self.range = range
    }
  }

  /// One ranked structure.
  public struct Candidate: Sendable {
    /// Index into the library given to ``identify(_:library:instrument:options:)``.
    public var index: Int
    public var crystal: Crystal
    /// 1 − Rwp/Rwp₀ of its fit (alone, or for a mixture phase: of the mixture up to and including it).
    public var score: Double
    public var rwp: Double
    /// The pre-screen cosine (0…1).
    public var screen: Double
    /// The cell scaling the pre-screen matched best (e.g. −0.008 = −0.8 %).
    public var screenStrain: Double
    /// Whether the phase belongs to the mixture found (step 3).
    public var inMixture: Bool
    /// Weight fraction in the mixture (1 alone).
    public var weightFraction: Double
    /// The fitted cell, and the refined peak shift (zero in degrees or displacement in mm, by name).
    public var cell: UnitCell
    public var shift: (name: String, value: Double)?
  }

  public struct Result: Sendable {
    /// The best candidates, best first (mixture phases first).
    public var candidates: [Candidate]
    /// Rwp of the background alone (SNIP), the reference of the scores.
    public var backgroundRwp: Double
    /// Rwp of the mixture found (or the best single phase).
    public var mixtureRwp: Double
    public var screened: Int
    public var fitted: Int
    public var seconds: Double
  }

  /// Ranks `library` against `measured`. Structures whose fit fails are skipped (they cannot explain it).
  public static func identify(_ measured: MeasuredPattern, library: [Crystal], instrument: Instrument,
                              options: Options = Options()) throws(FitError) -> Result {
    let clock = ContinuousClock.now
    var pattern = measured
    if let range = options.range { pattern = pattern.restricted(to: range) }
    let radiation = pattern.radiation.isEmpty ? instrument.radiation : pattern.radiation
    // Only d ≥ minimumDSpacing: what a lab Cu scan to 100° sees. Shorter spacings add thousands of weak, overlapping
    // reflections of large cells (a synchrotron scan to 2θ = 66° at 0.41 Å reaches d = 0.38 Å) and little identity.
    let lambda = radiation.max { $0.weight < $1.weight }?.wavelength ?? 1.5406
    if options.minimumDSpacing > 0, lambda < 2 * options.minimumDSpacing {
      pattern = pattern.restricted(to: -Double.infinity...2 * asin(lambda / (2 * options.minimumDSpacing)) * 180 / .pi)
    }
    guard pattern.count >= 20 else { throw FitError.invalidInput("only \(pattern.count) points to identify from") }
    let screen = Screen(pattern: pattern, radiation: radiation)

    // 1. Pre-screen.
    var screened: [(index: Int, score: Double, strain: Double)] = []
    var sticks: [Int: [(d: Double, intensity: Double)]] = [:]
    for (index, crystal) in library.enumerated() {
      let list = screen.sticks(of: crystal)
      sticks[index] = list
      let (score, strain) = screen.score(list, against: screen.observed)
      screened.append((index, score, strain))
    }
    screened.sort { $0.score > $1.score }

    // 2. Quick fits of the best, on the pattern binned to ≥ 0.02° (lab) / 0.002° (synchrotron) steps.
    var options2 = PatternFit.Options()
    options2.quick = true
    options2.maximumIterations = 40
    options2.backgroundTerms = 8
    options2.minimumRelativePeakArea = 1e-3
    let fitted = Self.binned(pattern, toStep: lambda < 1 ? 0.002 : 0.02)
    let backgroundRwp = screen.backgroundRwp
    var fits = 0
    /// A fit of the structures `indices`, nil when it fails or needs a negative scale (it explains nothing).
    func fit(_ indices: [Int], _ fitOptions: PatternFit.Options = options2) -> PatternFit.Result? {
      fits += 1
      guard let result = try? PatternFit.fit(indices.map { library[$0] }, to: fitted, instrument: instrument, options: fitOptions),
            result.parameters.filter({ $0.name.hasPrefix("scale") }).allSatisfy({ $0.value > 0 })
      else { return nil }
      return result
    }
    var results: [Int: PatternFit.Result] = [:]
    let bestScreen = screened.first?.score ?? 0
    for entry in screened.prefix(options.candidatesToFit) where entry.score >= options.screenFraction * bestScreen {
      if let result = fit([entry.index]) { results[entry.index] = result }
    }
    // Preferred orientation is common in lab specimens and changes which structure fits best: the three best
    // are refitted with March–Dollase texture along the low-index axes of their lattice, the best fit kept.
    for (index, _) in results.sorted(by: { $0.value.indices.rwp < $1.value.indices.rwp }).prefix(options.textureCandidates) {
      for axis in Self.textureAxes(for: library[index]) {
        var textured = options2
        textured.textureAxis = axis
        guard let result = fit([index], textured), result.indices.rwp < results[index]!.indices.rwp else { continue }
        results[index] = result
      }
    }
    // The closest few are then refined fully (widths against angle, asymmetry; with and without texture), which
    // separates structures that a quick fit leaves level (e.g. Cu and diamond on a textured Cu specimen).
    let ranked = results.sorted(by: { $0.value.indices.rwp < $1.value.indices.rwp })
    let contenders = ranked.prefix(options.finalCandidates).filter { $0.value.indices.rwp <= 1.5 * ranked[0].value.indices.rwp }
    for (index, _) in contenders.count > 1 ? contenders : [] {
      var best: PatternFit.Result?
      for axis in [nil] + Self.textureAxes(for: library[index]) {
        var full = PatternFit.Options(backgroundTerms: options2.backgroundTerms, textureAxis: axis, maximumIterations: 60)
        full.minimumRelativePeakArea = options2.minimumRelativePeakArea
        guard let result = fit([index], full) else { continue }
        if best == nil || result.indices.rwp < best!.indices.rwp { best = result }
      }
      if let best { results[index] = best }
    }
    guard let best = results.min(by: { $0.value.indices.rwp < $1.value.indices.rwp }) else {
      return Result(candidates: [], backgroundRwp: backgroundRwp, mixtureRwp: .nan, screened: library.count,
                    fitted: fits, seconds: (ContinuousClock.now - clock).seconds)
    }

    // 3. Mixture, greedily on the residual.
    var mixture = [best.key]
    var mixtureResult = best.value
    var mixtureSteps: [(index: Int, result: PatternFit.Result)] = [(best.key, best.value)]
    while mixture.count < options.maximumPhases {
      let residual = screen.residual(observed: mixtureResult)
      var ranked: [(index: Int, score: Double)] = []
      for (index, crystal) in library.enumerated() where !mixture.contains(index)
        && !mixture.contains(where: { Self.sameStructure(library[$0], crystal) }) {
        ranked.append((index, screen.score(sticks[index]!, against: residual).score))
      }
      ranked.sort { $0.score > $1.score }
      var bestAddition: (index: Int, result: PatternFit.Result)?
      let bestResidual = ranked.first?.score ?? 0
      for entry in ranked.prefix(max(3, options.candidatesToFit / 2)) where entry.score >= options.screenFraction * bestResidual {
        guard let result = fit(mixture + [entry.index]) else { continue }
        if bestAddition == nil || result.indices.rwp < bestAddition!.result.indices.rwp { bestAddition = (entry.index, result) }
      }
      guard let addition = bestAddition,
            addition.result.indices.rwp < mixtureResult.indices.rwp * (1 - options.minimumImprovement)
      else { break }
      mixture.append(addition.index)
      mixtureResult = addition.result
      mixtureSteps.append(addition)
    }

    func score(_ rwp: Double) -> Double { backgroundRwp > 0 ? 1 - rwp / backgroundRwp : .nan }
    let screenOf = Dictionary(screened.map { ($0.index, ($0.score, $0.strain)) }, uniquingKeysWith: { a, _ in a })
    var candidates: [Candidate] = []
    for (position, step) in mixtureSteps.enumerated() {
      let s = screenOf[step.index]!
      candidates.append(Candidate(
        index: step.index, crystal: library[step.index], score: score(step.result.indices.rwp),
        rwp: step.result.indices.rwp, screen: s.0, screenStrain: s.1, inMixture: true,
        weightFraction: mixtureResult.weightFractions[position], cell: mixtureResult.cells[position],
        shift: shiftParameter(mixtureResult)))
    }
    let others = results.filter { !mixture.contains($0.key) }.sorted { $0.value.indices.rwp < $1.value.indices.rwp }
    for (index, result) in others {
      let s = screenOf[index]!
      candidates.append(Candidate(index: index, crystal: library[index], score: score(result.indices.rwp),
                                  rwp: result.indices.rwp, screen: s.0, screenStrain: s.1, inMixture: false,
                                  weightFraction: 1, cell: result.cells[0], shift: shiftParameter(result)))
    }
    return Result(candidates: Array(candidates.prefix(max(options.top, mixture.count))), backgroundRwp: backgroundRwp,
                  mixtureRwp: mixtureResult.indices.rwp, screened: library.count, fitted: fits,
                  seconds: (ContinuousClock.now - clock).seconds)
  }

  /// The same compound in the same structure (duplicates in a library, also one given in P1 and one in its
  /// space group): the same reduced formula and volumes per formula unit within 3 % (polymorphs differ more:
  /// anatase 34.1, rutile 31.2 Å³ per TiO2).
  package static func sameStructure(_ a: Crystal, _ b: Crystal) -> Bool {
    guard a.formula() == b.formula() else { return false }
    let va = a.cell.volume / Double(max(1, a.z())), vb = b.cell.volume / Double(max(1, b.z()))
    return abs(va - vb) <= 0.03 * max(va, vb)
  }

  /// `pattern` with every `factor` consecutive points merged (mean 2θ, mean intensity, σ of the mean), where
  /// factor = ⌊step / the pattern's step⌋; the pattern itself when that is 1.
  static func binned(_ pattern: MeasuredPattern, toStep step: Double) -> MeasuredPattern {
    let factor = Int(step / max(pattern.meanStep, 1e-9))
    guard factor > 1, pattern.count >= 40 * factor else { return pattern }
    var result = pattern
    result.twoTheta = []; result.intensity = []
    var sigma: [Double] = []
    var i = 0
    while i + factor <= pattern.count {
      var x = 0.0, y = 0.0, variance = 0.0
      for j in i..<(i + factor) {
        x += pattern.twoTheta[j]
        y += pattern.intensity[j]
        let s = pattern.sigma?[j] ?? max(pattern.intensity[j], 1).squareRoot()
        variance += s * s
      }
      let n = Double(factor)
      result.twoTheta.append(x / n)
      result.intensity.append(y / n)
      sigma.append(variance.squareRoot() / n)
      i += factor
    }
    result.sigma = pattern.sigma == nil && pattern.intensityUnit != .counts && pattern.intensity.allSatisfy({ $0 < 1 })
      ? nil : sigma
    return result
  }

  /// Low-index texture axes distinct in the crystal's lattice: [001], [100], [110], [111] less those a cubic,
  /// tetragonal or hexagonal metric makes equivalent.
  static func textureAxes(for crystal: Crystal) -> [MillerIndex] {
    let kind = LatticeConstraint(crystal: crystal).kind
    switch kind {
    case .cubic: return [MillerIndex(h: 1, k: 0, l: 0), MillerIndex(h: 1, k: 1, l: 0), MillerIndex(h: 1, k: 1, l: 1)]
    case .tetragonal, .hexagonal, .rhombohedral:
      return [MillerIndex(h: 0, k: 0, l: 1), MillerIndex(h: 1, k: 0, l: 0), MillerIndex(h: 1, k: 1, l: 0)]
    default: return [MillerIndex(h: 0, k: 0, l: 1), MillerIndex(h: 1, k: 0, l: 0), MillerIndex(h: 0, k: 1, l: 0)]
    }
  }

  static func shiftParameter(_ result: PatternFit.Result) -> (name: String, value: Double)? {
    result.parameters.first { $0.name == "zero" || $0.name == "displacement" }.map { ($0.name, $0.value) }
  }
}

/// The pre-screen: the measured pattern reduced to square-rooted net intensity on 0.05° bins, and the scoring
/// of stick lists against it.
struct Screen {
  static let binWidth = 0.05
  static let fwhm = 0.3
  static let strains: [Double] = (-10...10).map { Double($0) * 0.002 }

  let pattern: MeasuredPattern
  let radiation: [EmissionLine]
  let start: Double
  let binCount: Int
  let background: [Double]
  /// √(net intensity) per bin, normalised to unit length.
  let observed: [Double]
  let backgroundRwp: Double

  init(pattern: MeasuredPattern, radiation: [EmissionLine]) {
    self.pattern = pattern
    self.radiation = radiation
    let x = pattern.twoTheta, y = pattern.intensity
    start = x[0]
    binCount = max(1, Int(((x[x.count - 1] - x[0]) / Self.binWidth).rounded(.up)) + 1)
    // A SNIP window of ~1.5° clips peaks up to ~0.5° FWHM (nanocrystalline lab samples) and keeps the
    // amorphous humps.
    let step = max(pattern.meanStep, 1e-4)
    let window = max(3, Int((1.5 / step).rounded()))
    background = SNIPBackground(window: window).background(of: y)
    var net = [Double](repeating: 0, count: binCount), counts = [Double](repeating: 0, count: binCount)
    for i in x.indices {
      let bin = min(binCount - 1, max(0, Int(((x[i] - x[0]) / Self.binWidth).rounded())))
      net[bin] += y[i] - background[i]
      counts[bin] += 1
    }
    // Bin means of the net signal, less two standard errors of the bin's background counts: noise is no signal.
    for k in net.indices where counts[k] > 0 {
      let mean = net[k] / counts[k]
      let b = background[min(x.count - 1, Int(Double(k) * Self.binWidth / max(pattern.meanStep, 1e-9)))]
      net[k] = Self.transform(max(0, mean - 2 * (max(b, 1) / counts[k]).squareRoot()))
    }
    observed = Self.normalized(net)
    var residual = 0.0, total = 0.0
    for i in y.indices {
      let w = 1 / max(y[i], 1)
      residual += w * (y[i] - background[i]) * (y[i] - background[i])
      total += w * y[i] * y[i]
    }
    backgroundRwp = total > 0 ? (residual / total).squareRoot() : .nan
  }

  /// The intensity transform before comparing (a power < 1 lets weak lines count).
  static let power = 0.5
  static func transform(_ x: Double) -> Double { power == 1 ? x : pow(x, power) }

  static func normalized(_ v: [Double]) -> [Double] {
    let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return norm > 0 ? v.map { $0 / norm } : v
  }

  /// The structure's reflections (d, m|F|²Lp at the strongest line) over the scan widened for ±2 % cells.
  func sticks(of crystal: Crystal) -> [(d: Double, intensity: Double)] {
    let lambda = radiation.max { $0.weight < $1.weight }?.wavelength ?? 1.5406
    let first = pattern.twoTheta[0], last = pattern.twoTheta[pattern.count - 1]
    let low = max(0.5, first * 0.97 - 1), high = min(179, last * 1.03 + 1)
    let settings = DiffractionSettings(wavelength: lambda, twoThetaRange: low...high, defaultUIso: 0.01)
    let pattern = StickPattern(crystal: crystal, settings: settings)
    return pattern.reflections.map { ($0.dSpacing, $0.intensity) }
  }

  /// The best cosine of `sticks` against `target` over the cell scalings, and that scaling.
  func score(_ sticks: [(d: Double, intensity: Double)], against target: [Double]) -> (score: Double, strain: Double) {
    guard !sticks.isEmpty else { return (0, 0) }
    var best = (score: 0.0, strain: 0.0)
    let sigma = Self.fwhm / 2.3548 / Self.binWidth  // in bins
    let reach = Int((3 * sigma).rounded(.up))
    var drawn = [Double](repeating: 0, count: binCount)
    for strain in Self.strains {
      for k in drawn.indices { drawn[k] = 0 }
      for line in radiation {
        for stick in sticks {
          let s = line.wavelength / (2 * stick.d * (1 + strain))
          guard s < 1 else { continue }
          let position = (2 * asin(s) * 180 / .pi - start) / Self.binWidth
          let center = Int(position.rounded())
          guard center + reach >= 0, center - reach < binCount else { continue }
          let height = line.weight * stick.intensity
          for k in max(0, center - reach)...min(binCount - 1, center + reach) {
            let u = (Double(k) - position) / sigma
            drawn[k] += height * exp(-0.5 * u * u)
          }
        }
      }
      var dot = 0.0, norm = 0.0
      for k in drawn.indices {
        let v = Self.transform(drawn[k])
        dot += v * target[k]
        norm += v * v
      }
      let score = norm > 0 ? dot / norm.squareRoot() : 0
      if score > best.score { best = (score, strain) }
    }
    return best
  }

  /// √(observed − calculated) per bin (clipped at 0), normalised: what a further phase must explain.
  func residual(observed fit: PatternFit.Result) -> [Double] {
    var net = [Double](repeating: 0, count: binCount), counts = [Double](repeating: 0, count: binCount)
    for i in fit.twoTheta.indices {
      let bin = min(binCount - 1, max(0, Int(((fit.twoTheta[i] - start) / Self.binWidth).rounded())))
      net[bin] += max(0, fit.observed[i] - fit.calculated[i])
      counts[bin] += 1
    }
    for k in net.indices where counts[k] > 0 {
      let mean = net[k] / counts[k]
      net[k] = Self.transform(max(0, mean - 2 * (max(mean, 1) / counts[k]).squareRoot()))
    }
    return Self.normalized(net)
  }
}
