// What a corpus is: the structures, how many variants of each, the 2θ grid, the base instrument, and a
// distribution for every augmentation knob. Read from YAML in CorpusConfig+YAML.swift; the shipped default
// is DefaultConfig.swift (`xrdsim generate --print-default-config`).
//
// Knob semantics (units as in the instrument file: degrees 2θ, mm, nm, counts):
// - strain: `isotropic_percent` scales a, b, c together; `anisotropic_percent` is drawn once per axis and
//   added, ε_i = (iso + aniso_i)/100, a_i' = a_i (1 + ε_i), angles and fractional coordinates unchanged.
//   Axes that a symmetry operation of the structure maps onto each other (a and b in tetragonal, trigonal
//   and hexagonal groups, all three in cubic or rhombohedral ones) get the same anisotropic draw (the
//   first of them), so strain never breaks the symmetry the structure factors are computed with.
// - zero_shift, displacement, profile U/V/W/X/Y, crystallite_size_nm, microstrain: replace the instrument's
//   value. A profile draw that the instrument's range checks reject (e.g. U tan²θ + V tan θ + W < 0 on the
//   scan) is redrawn from the same stream, up to 100 times.
// - texture: with probability `probability` the main phase gets March–Dollase texture along an axis drawn
//   from `hkl` with ratio r from `r`; otherwise r = 1. Impurity phases are random powders.
// - background: `family` none | chebyshev | amorphous (chebyshev + humps); `level` is c₀ relative to the
//   strongest Bragg point; `chebyshev` the coefficients c₁, c₂, … relative to c₀; `inverse_two_theta` the
//   c/2θ term relative to c₀ at the first grid point; humps (amorphous only) with heights relative to c₀.
// - noise_counts: counts at the strongest Bragg point, with Poisson noise; null = no noise.
// - noise_correlation: correlation of the noise at adjacent points, 0 … 0.7071 (NoiseModel.correlation);
//   absent = the instrument's `noise.correlation` (default 0).
// - mixture: `phases` (1–3) drawn per pattern; each extra phase is another structure of the list (drawn by
//   weight, never the main one) with weight fraction drawn from `fraction`; the main phase has the rest.
// Not done: per-phase size/strain broadening, absorption contrast between phases, amorphous content as a
// phase, a 2θ grid in Q.

public import Foundation
public import XRDDiffraction
public import XRDProfile

/// A corpus description: structures, sizes, grid, instrument and augmentation distributions.
public struct CorpusConfig: Sendable, Hashable {
  /// Corpus seed (key `seed`): with the structure and variant index it determines every random draw.
  public var seed: UInt64
  /// Where the structures are (key `structures`); replaced by CIF paths given on the command line.
  public var structures: [StructureSource]
  /// Patterns per structure (key `variants`), before each source's `weight` or `variants`.
  public var variants: Int
  /// Patterns per shard file (key `shard_size`). Default 1024.
  public var shardSize: Int
  /// The 2θ grid shared by every pattern (key `grid`); nil = the instrument's `two_theta`.
  public var grid: Instrument.TwoThetaRange?
  /// The base instrument (key `instrument`: a preset name or an inline instrument mapping). Default cu-lab.
  public var instrument: Instrument
  /// The preset name when `instrument` was given as one (for the normalized rendering).
  public var instrumentPreset: String?
  /// Radiation choices (key `radiation`); nil = the instrument's radiation for every pattern.
  public var radiation: WeightedChoice<RadiationOption>?
  /// Intensity normalization of the stored patterns (key `normalization`). Default max.
  public var normalization: Normalization
  /// Augmentation distributions (key `augment`).
  public var augment: Augmentation
  /// Folder that relative structure paths are resolved against: the config file's folder, or the current
  /// folder for the built-in config. Not part of the corpus identity.
  public var baseDirectory: URL?

  public init(seed: UInt64 = 0, structures: [StructureSource] = [], variants: Int = 1, shardSize: Int = 1024,
              grid: Instrument.TwoThetaRange? = nil, instrument: Instrument = Instrument(), instrumentPreset: String? = "cu-lab",
              radiation: WeightedChoice<RadiationOption>? = nil, normalization: Normalization = .max,
              augment: Augmentation = Augmentation(), baseDirectory: URL? = nil) {
    self.seed = seed; self.structures = structures; self.variants = variants; self.shardSize = shardSize
    self.grid = grid; self.instrument = instrument; self.instrumentPreset = instrumentPreset
    self.radiation = radiation; self.normalization = normalization; self.augment = augment
    self.baseDirectory = baseDirectory
  }

  /// The 2θ grid every pattern is computed on.
  public var twoTheta: Instrument.TwoThetaRange { grid ?? instrument.twoTheta }

  /// The stored intensities: divided by their maximum (`max`), by their sum (`sum`), or left in counts.
  public enum Normalization: String, Sendable, Hashable, CaseIterable {
    case max, sum, counts
  }
}

/// One entry of `structures`: a CIF file, a folder (its `.cif`/`.mcif` files, sorted by name) or a glob
/// (`*`, `?`, `[…]`), with a weight.
public struct StructureSource: Sendable, Hashable {
  public var path: String
  /// Multiplies the variant count (rounded, at least 1) and the chance of being drawn as a mixture phase.
  public var weight: Double
  /// Variants of each structure of this entry, replacing `variants × weight`.
  public var variants: Int?

  public init(path: String, weight: Double = 1, variants: Int? = nil) {
    self.path = path; self.weight = weight; self.variants = variants
  }
}

/// One radiation option: a line name (`CuKa12`) or a wavelength in Å, as its emission lines.
public struct RadiationOption: Sendable, Hashable {
  /// As written: a name of ``Radiation/lines(named:kAlpha2Ratio:)`` or a wavelength ("1.5406").
  public var name: String
  public var lines: [EmissionLine]

  public init(name: String, lines: [EmissionLine]) { self.name = name; self.lines = lines }
}

/// The augmentation knobs. nil means "the base instrument's value, not drawn".
public struct Augmentation: Sendable, Hashable {
  /// Lattice strain in percent (key `strain`: `isotropic_percent`, `anisotropic_percent`).
  public var strainIsotropic: Distribution?
  public var strainAnisotropic: Distribution?
  /// Zero shift, degrees 2θ (key `zero_shift`).
  public var zeroShift: Distribution?
  /// Specimen displacement, mm (key `displacement`).
  public var displacement: Distribution?
  /// Caglioti U, V, W (degrees²) and Lorentzian X, Y (degrees) (key `profile`: U, V, W, X, Y).
  public var u: Distribution?
  public var v: Distribution?
  public var w: Distribution?
  public var x: Distribution?
  public var y: Distribution?
  /// Crystallite size in nm (key `crystallite_size_nm`).
  public var crystalliteSize: Distribution?
  /// Microstrain Δd/d (key `microstrain`).
  public var microstrain: Distribution?
  /// March–Dollase texture (key `texture`).
  public var texture: TextureKnob?
  /// Background family and level (key `background`).
  public var background: BackgroundKnob?
  /// Counts at the strongest Bragg point, with Poisson noise (key `noise_counts`).
  public var noiseCounts: Distribution?
  /// Correlation of the noise at adjacent points, 0 … 1/√2 (key `noise_correlation`).
  public var noiseCorrelation: Distribution?
  /// Multi-phase mixtures (key `mixture`).
  public var mixture: MixtureKnob?

  public init() {}

  /// The knobs that are profile parameters, by their key.
  var profile: [(key: String, value: Distribution?)] { [("U", u), ("V", v), ("W", w), ("X", x), ("Y", y)] }
}

/// `texture: {probability, hkl, r}`.
public struct TextureKnob: Sendable, Hashable {
  /// Chance that a pattern is textured at all, 0…1. Default 1.
  public var probability: Double
  /// Candidate axes, drawn uniformly (key `hkl`: a list of [h, k, l], or `{max_index: n}` for every direction
  /// with components in −n…n, up to sign). Default `{max_index: 1}` (13 directions).
  public var axes: [MillerIndex]
  /// March ratio r (1 = random, < 1 platelets, > 1 needles). Key `r`.
  public var ratio: Distribution

  public init(probability: Double = 1, axes: [MillerIndex] = TextureKnob.lowIndexAxes(maxIndex: 1), ratio: Distribution) {
    self.probability = probability; self.axes = axes; self.ratio = ratio
  }

  /// Every direction [h k l] with |h|, |k|, |l| ≤ n, not all zero, gcd 1, up to sign (the first non-zero
  /// component positive), ordered by largest component, then by the sum of |components| (001, 010, 100, 011, …) — 13 for n = 1.
  public static func lowIndexAxes(maxIndex n: Int) -> [MillerIndex] {
    var axes: [MillerIndex] = []
    guard n >= 1 else { return axes }
    for l in -n...n { for k in -n...n { for h in -n...n {
      if h == 0 && k == 0 && l == 0 { continue }
      let first = [h, k, l].first { $0 != 0 }!
      guard first > 0 else { continue }
      var g = 0
      for c in [h, k, l] { var (a, b) = (g, abs(c)); while b != 0 { (a, b) = (b, a % b) }; g = a }
      guard g == 1 else { continue }
      axes.append(MillerIndex(h: h, k: k, l: l))
    } } }
    func key(_ m: MillerIndex) -> (Int, Int, Int, Int, Int) {
      (max(abs(m.h), abs(m.k), abs(m.l)), abs(m.h) + abs(m.k) + abs(m.l), -abs(m.l), -abs(m.k), m.h * 9 + m.k * 3 + m.l)
    }
    return axes.sorted { key($0) < key($1) }
  }
}

/// `background: {family, level, chebyshev, inverse_two_theta, humps}`.
public struct BackgroundKnob: Sendable, Hashable {
  public enum Family: String, Sendable, Hashable, CaseIterable {
    /// No background.
    case none
    /// Chebyshev series and c/2θ term.
    case chebyshev
    /// Chebyshev series, c/2θ term and amorphous humps.
    case amorphous
  }

  public var family: WeightedChoice<Family>
  /// c₀ over the strongest Bragg point (0.05 = background at 5 % of the strongest peak).
  public var level: Distribution
  /// c₁, c₂, … relative to c₀.
  public var chebyshev: [Distribution]
  /// The c/2θ term at the first grid point, relative to c₀.
  public var inverseTwoTheta: Distribution
  /// Amorphous humps (family `amorphous`).
  public var humps: HumpKnob

  public init(family: WeightedChoice<Family> = WeightedChoice(values: [.chebyshev]), level: Distribution,
              chebyshev: [Distribution] = [], inverseTwoTheta: Distribution = .fixed(0), humps: HumpKnob = HumpKnob()) {
    self.family = family; self.level = level; self.chebyshev = chebyshev
    self.inverseTwoTheta = inverseTwoTheta; self.humps = humps
  }
}

/// `humps: {count, center, fwhm, height, eta}`: count rounded to a whole number (0…10); centre and FWHM in
/// degrees 2θ, height relative to c₀, η the Lorentzian fraction.
public struct HumpKnob: Sendable, Hashable {
  public var count: Distribution
  public var center: Distribution
  public var fwhm: Distribution
  public var height: Distribution
  public var eta: Distribution

  public init(count: Distribution = .fixed(1), center: Distribution = .uniform(low: 15, high: 35),
              fwhm: Distribution = .uniform(low: 5, high: 15), height: Distribution = .uniform(low: 0.5, high: 2),
              eta: Distribution = .fixed(0)) {
    self.count = count; self.center = center; self.fwhm = fwhm; self.height = height; self.eta = eta
  }
}

/// `mixture: {phases, fraction}`.
public struct MixtureKnob: Sendable, Hashable {
  /// Number of phases, 1…3 (rounded).
  public var phases: Distribution
  /// Weight fraction of each extra phase; the main phase has 1 − Σ.
  public var fraction: Distribution

  public init(phases: Distribution, fraction: Distribution) { self.phases = phases; self.fraction = fraction }
}
