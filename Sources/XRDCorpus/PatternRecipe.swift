// Every random value of one pattern: drawn from the config's distributions, stored in the label's
// `augmentation`, and read back from it to regenerate the pattern alone.
//
// Streams (STYLE §7): each knob draws from its own xoshiro256** seeded with
// SplitMix64.derive(corpus seed, [structure index, variant, knob]) (strain adds the phase number), so a
// pattern depends only on (seed, structure, variant) — not on threads, shards or interruptions — and
// switching one knob on or off leaves the other knobs' values of the same pattern unchanged. Counting noise
// draws from `noise_seed` = derive(seed, [structure, variant, 12]) (kept in the label as a decimal string,
// as JSON numbers hold only 53 bits).
// Label keys (all values as drawn, so the label regenerates the pattern bit for bit): radiation (name),
// radiation_wavelengths, radiation_weights, phase_structures, phase_fractions, strain_isotropic_percent (per
// phase), strain_anisotropic_percent (3 per phase, after symmetry ties), zero_shift, displacement, U, V, W,
// X, Y, crystallite_size_nm (null = no size broadening), microstrain, texture_hkl (null = none), texture_r,
// background_family, background_level, background_chebyshev (counts), background_inverse_two_theta
// (counts·degree), background_humps (center, fwhm, height, eta per hump), noise_counts (null = no noise),
// noise_correlation (adjacent-point correlation of the noise; absent in labels written before it, read as 0),
// peak_counts, noise_seed, normalization.
// Not done: correlated draws (e.g. size and microstrain together).

import Foundation
public import XRDDiffraction
import XRDGSL
import XRDAugment
public import XRDProfile

/// The drawn values of one pattern.
public struct PatternRecipe: Sendable, Hashable {
  /// One phase: which structure, its weight fraction, its lattice strain.
  public struct Phase: Sendable, Hashable {
    public var structure: Int
    public var fraction: Double
    /// Percent, scales all three axes.
    public var strainIsotropic: Double
    /// Percent per axis a, b, c (symmetry-tied axes equal).
    public var strainAnisotropic: [Double]

    /// The factors 1 + (iso + aniso_i)/100 applied to a, b, c.
    public var cellFactors: SIMD3<Double> {
      SIMD3(1 + (strainIsotropic + strainAnisotropic[0]) / 100, 1 + (strainIsotropic + strainAnisotropic[1]) / 100,
            1 + (strainIsotropic + strainAnisotropic[2]) / 100)
    }
  }

  public var radiationName: String
  public var radiation: [EmissionLine]
  /// The main phase first.
  public var phases: [Phase]
  public var zeroShift: Double
  public var displacement: Double
  public var u: Double, v: Double, w: Double, x: Double, y: Double
  public var crystalliteSize: Double?
  public var microstrain: Double
  public var textureAxis: MillerIndex?
  public var textureRatio: Double
  public var backgroundFamily: String
  /// c₀ relative to the peak counts (0 when the instrument's background is used as is).
  public var backgroundLevel: Double
  /// The background in counts.
  public var background: BackgroundModel
  /// Poisson noise at this many counts at the strongest Bragg point; nil = no noise.
  public var noiseCounts: Double?
  /// Correlation of the noise at adjacent points (``NoiseModel/correlation``), 0 = independent.
  public var noiseCorrelation: Double
  /// Counts the strongest Bragg point is scaled to (noise counts, else ``PatternSimulator/defaultPeakCounts``).
  public var peakCounts: Double
  public var noiseSeed: UInt64
  public var normalization: CorpusConfig.Normalization

  /// Knob numbers of the stream derivation (never renumber: they are part of the corpus format).
  enum Knob: UInt64 {
    case radiation = 1, strain, zeroShift, displacement, profile, crystalliteSize, microstrain, texture, background
    case noiseCounts, mixture, noiseSeed, noiseCorrelation
  }

  /// How many times a profile draw the instrument checks reject is redrawn before giving up.
  static let profileAttempts = 100

  // MARK: - Drawing

  /// The values of pattern (structure, variant) of a corpus.
  ///
  /// - Throws: ``CorpusError`` when no valid profile was drawn in ``profileAttempts`` tries.
  public static func draw(config: CorpusConfig, catalog: StructureCatalog, structure: Int, variant: Int)
    throws(CorpusError) -> PatternRecipe {
    let a = config.augment
    let base = config.instrument
    func stream(_ knob: Knob, _ extra: [UInt64] = []) -> Xoshiro256StarStar {
      Xoshiro256StarStar(seed: SplitMix64.derive(config.seed, [UInt64(structure), UInt64(variant), knob.rawValue] + extra))
    }

    // Radiation.
    var rng = stream(.radiation)
    let option = config.radiation?.sample(&rng)
    let radiationName = option?.name ?? "instrument"
    // Names are labels only (`radiation` keeps the option's name); the label stores wavelengths and weights.
    let radiation = (option?.lines ?? base.radiation).map { EmissionLine(wavelength: $0.wavelength, weight: $0.weight) }

    // Mixture: extra phases by weight, never the main structure or one already chosen.
    var phaseStructures = [structure]
    var fractions = [1.0]
    if let m = a.mixture, catalog.structures.count > 1 {
      rng = stream(.mixture)
      let count = min(3, max(1, Int(m.phases.sample(&rng).rounded())))
      for _ in 1..<count {
        var pick: Int?
        for _ in 0..<64 {
          let s = catalog.structure(atUniform: rng.uniformOpen())
          if !phaseStructures.contains(s) { pick = s; break }
        }
        guard let pick else { break }
        let f = m.fraction.sample(&rng)
        phaseStructures.append(pick)
        fractions.append(f)
        fractions[0] -= f
      }
    }

    // Strain, per phase.
    var phases: [Phase] = []
    for (p, s) in phaseStructures.enumerated() {
      rng = stream(.strain, [UInt64(p)])
      let iso = a.strainIsotropic?.sample(&rng) ?? 0
      var aniso = [0.0, 0.0, 0.0]
      if let d = a.strainAnisotropic {
        let drawn = [d.sample(&rng), d.sample(&rng), d.sample(&rng)]
        let ties = catalog.structures[s].axisTies
        aniso = (0..<3).map { drawn[ties[$0]] }
      }
      phases.append(Phase(structure: s, fraction: fractions[p], strainIsotropic: iso, strainAnisotropic: aniso))
    }

    rng = stream(.zeroShift)
    let zeroShift = a.zeroShift?.sample(&rng) ?? base.zeroShift
    rng = stream(.displacement)
    let displacement = a.displacement?.sample(&rng) ?? base.displacement

    // Profile, redrawn until the instrument's checks accept it on the grid.
    rng = stream(.profile)
    var profile = base.profile
    var accepted = false
    for _ in 0..<profileAttempts {
      profile.u = a.u?.sample(&rng) ?? base.profile.u
      profile.v = a.v?.sample(&rng) ?? base.profile.v
      profile.w = a.w?.sample(&rng) ?? base.profile.w
      profile.x = a.x?.sample(&rng) ?? base.profile.x
      profile.y = a.y?.sample(&rng) ?? base.profile.y
      var check = Instrument()
      check.twoTheta = config.twoTheta
      check.profile = profile
      if (try? check.validate()) != nil { accepted = true; break }
    }
    guard accepted else {
      throw CorpusError("augment.profile: no valid U, V, W, X, Y in \(profileAttempts) draws for structure \(structure) "
                        + "variant \(variant) (the Gaussian FWHM² U tan²θ + V tan θ + W must stay ≥ 0 on the grid); "
                        + "narrow the V range or raise W")
    }

    rng = stream(.crystalliteSize)
    let size = a.crystalliteSize.map { $0.sample(&rng) } ?? base.sample.crystalliteSize
    rng = stream(.microstrain)
    let microstrain = a.microstrain?.sample(&rng) ?? base.sample.microstrain

    // Texture (main phase).
    var axis: MillerIndex?
    var ratio = 1.0
    if let t = a.texture {
      rng = stream(.texture)
      if rng.uniformOpen() < t.probability {
        axis = t.axes[min(t.axes.count - 1, Int(rng.uniformOpen() * Double(t.axes.count)))]
        ratio = t.ratio.sample(&rng)
      }
    } else if base.sample.texture.ratio != 1 {
      axis = base.sample.texture.axis
      ratio = base.sample.texture.ratio
    }

    rng = stream(.noiseCounts)
    let noiseCounts = a.noiseCounts.map { $0.sample(&rng) } ?? base.noise.counts
    let peakCounts = noiseCounts ?? PatternSimulator.defaultPeakCounts
    rng = stream(.noiseCorrelation)
    let noiseCorrelation = a.noiseCorrelation.map { $0.sample(&rng) } ?? base.noise.correlation

    // Background, in counts relative to the peak counts.
    var family = "instrument"
    var level = 0.0
    var background = base.background
    if let b = a.background {
      rng = stream(.background)
      let f = b.family.sample(&rng)
      family = f.rawValue
      background = BackgroundModel()
      if f != .none {
        level = b.level.sample(&rng)
        let c0 = level * peakCounts
        background.chebyshev = [c0] + b.chebyshev.map { $0.sample(&rng) * c0 }
        background.inverseTwoTheta = b.inverseTwoTheta.sample(&rng) * c0 * config.twoTheta.start
        if f == .amorphous {
          let n = min(10, max(0, Int(b.humps.count.sample(&rng).rounded())))
          for _ in 0..<n {
            let center = b.humps.center.sample(&rng), fwhm = b.humps.fwhm.sample(&rng)
            let height = b.humps.height.sample(&rng) * c0, eta = b.humps.eta.sample(&rng)
            background.humps.append(BackgroundModel.Hump(center: center, fwhm: fwhm, height: height, eta: eta))
          }
        }
      }
    }

    return PatternRecipe(
      radiationName: radiationName, radiation: radiation, phases: phases, zeroShift: zeroShift,
      displacement: displacement, u: profile.u, v: profile.v, w: profile.w, x: profile.x, y: profile.y,
      crystalliteSize: size, microstrain: microstrain, textureAxis: axis, textureRatio: ratio,
      backgroundFamily: family, backgroundLevel: level, background: background, noiseCounts: noiseCounts,
      noiseCorrelation: noiseCorrelation, peakCounts: peakCounts, noiseSeed: SplitMix64.derive(config.seed, [UInt64(structure), UInt64(variant), Knob.noiseSeed.rawValue]),
      normalization: config.normalization)
  }

  // MARK: - Label values

  /// The values as label entries (see the file header for the keys).
  public var augmentation: [String: LabelValue] {
    let a: [String: LabelValue] = [
      "radiation": .string(radiationName),
      "radiation_wavelengths": .numbers(radiation.map(\.wavelength)),
      "radiation_weights": .numbers(radiation.map(\.weight)),
      "phase_structures": .numbers(phases.map { Double($0.structure) }),
      "phase_fractions": .numbers(phases.map(\.fraction)),
      "strain_isotropic_percent": .numbers(phases.map(\.strainIsotropic)),
      "strain_anisotropic_percent": .numbers(phases.flatMap(\.strainAnisotropic)),
      "zero_shift": .number(zeroShift), "displacement": .number(displacement),
      "U": .number(u), "V": .number(v), "W": .number(w), "X": .number(x), "Y": .number(y),
      "crystallite_size_nm": crystalliteSize.map(LabelValue.number) ?? .null,
      "microstrain": .number(microstrain),
      "texture_hkl": textureAxis.map { .numbers([Double($0.h), Double($0.k), Double($0.l)]) } ?? .null,
      "texture_r": .number(textureRatio),
      "background_family": .string(backgroundFamily),
      "background_level": .number(backgroundLevel),
      "background_chebyshev": .numbers(background.chebyshev),
      "background_inverse_two_theta": .number(background.inverseTwoTheta),
      "background_humps": .numbers(background.humps.flatMap { [$0.center, $0.fwhm, $0.height, $0.eta] }),
      "noise_counts": noiseCounts.map(LabelValue.number) ?? .null,
      "noise_correlation": .number(noiseCorrelation),
      "peak_counts": .number(peakCounts),
      "noise_seed": .string(String(noiseSeed)),
      "normalization": .string(normalization.rawValue),
    ]
    return a
  }

  /// Reads the values back from a label's `augmentation` (and the line names from nothing: names are labels only).
  ///
  /// - Throws: ``CorpusError`` naming the first missing or malformed key.
  public init(augmentation a: [String: LabelValue]) throws(CorpusError) {
    func number(_ key: String) throws(CorpusError) -> Double {
      guard case let .number(x)? = a[key] else { throw CorpusError("label: augmentation.\(key) is missing or not a number") }
      return x
    }
    func optionalNumber(_ key: String) throws(CorpusError) -> Double? {
      switch a[key] {
      case let .number(x)?: return x
      case .null?: return nil
      default: throw CorpusError("label: augmentation.\(key) is missing or not a number or null")
      }
    }
    func numbers(_ key: String) throws(CorpusError) -> [Double] {
      switch a[key] {
      case let .numbers(x)?: return x
      case let .number(x)?: return [x]
      default: throw CorpusError("label: augmentation.\(key) is missing or not a list of numbers")
      }
    }
    func string(_ key: String) throws(CorpusError) -> String {
      guard case let .string(s)? = a[key] else { throw CorpusError("label: augmentation.\(key) is missing or not text") }
      return s
    }
    let wavelengths = try numbers("radiation_wavelengths"), lineWeights = try numbers("radiation_weights")
    guard wavelengths.count == lineWeights.count else { throw CorpusError("label: radiation_wavelengths and radiation_weights differ in length") }
    radiationName = try string("radiation")
    radiation = zip(wavelengths, lineWeights).map { EmissionLine(wavelength: $0, weight: $1) }
    let structures = try numbers("phase_structures"), fractions = try numbers("phase_fractions")
    let iso = try numbers("strain_isotropic_percent"), aniso = try numbers("strain_anisotropic_percent")
    guard fractions.count == structures.count, iso.count == structures.count, aniso.count == 3 * structures.count else {
      throw CorpusError("label: the per-phase lists (phase_structures, phase_fractions, strain_*) disagree in length")
    }
    phases = structures.indices.map {
      Phase(structure: Int(structures[$0]), fraction: fractions[$0], strainIsotropic: iso[$0],
            strainAnisotropic: Array(aniso[3 * $0..<3 * $0 + 3]))
    }
    zeroShift = try number("zero_shift")
    displacement = try number("displacement")
    u = try number("U"); v = try number("V"); w = try number("W"); x = try number("X"); y = try number("Y")
    crystalliteSize = try optionalNumber("crystallite_size_nm")
    microstrain = try number("microstrain")
    if case let .numbers(hkl)? = a["texture_hkl"], hkl.count == 3 {
      textureAxis = MillerIndex(h: Int(hkl[0]), k: Int(hkl[1]), l: Int(hkl[2]))
    } else {
      textureAxis = nil
    }
    textureRatio = try number("texture_r")
    backgroundFamily = try string("background_family")
    backgroundLevel = try number("background_level")
    let humps = try numbers("background_humps")
    guard humps.count % 4 == 0 else { throw CorpusError("label: background_humps must hold 4 numbers per hump") }
    background = BackgroundModel(
      chebyshev: try numbers("background_chebyshev"), inverseTwoTheta: try number("background_inverse_two_theta"),
      humps: stride(from: 0, to: humps.count, by: 4).map {
        BackgroundModel.Hump(center: humps[$0], fwhm: humps[$0 + 1], height: humps[$0 + 2], eta: humps[$0 + 3])
      })
    noiseCounts = try optionalNumber("noise_counts")
    noiseCorrelation = a["noise_correlation"] == nil ? 0 : try number("noise_correlation")
    peakCounts = try number("peak_counts")
    guard let seed = UInt64(try string("noise_seed")) else { throw CorpusError("label: noise_seed is not a whole number") }
    noiseSeed = seed
    guard let n = CorpusConfig.Normalization(rawValue: try string("normalization")) else {
      throw CorpusError("label: normalization is not max, sum or counts")
    }
    normalization = n
  }

  init(radiationName: String, radiation: [EmissionLine], phases: [Phase], zeroShift: Double, displacement: Double,
       u: Double, v: Double, w: Double, x: Double, y: Double, crystalliteSize: Double?, microstrain: Double,
       textureAxis: MillerIndex?, textureRatio: Double, backgroundFamily: String, backgroundLevel: Double,
       background: BackgroundModel, noiseCounts: Double?, noiseCorrelation: Double, peakCounts: Double, noiseSeed: UInt64,
       normalization: CorpusConfig.Normalization) {
    self.radiationName = radiationName; self.radiation = radiation; self.phases = phases
    self.zeroShift = zeroShift; self.displacement = displacement
    self.u = u; self.v = v; self.w = w; self.x = x; self.y = y
    self.crystalliteSize = crystalliteSize; self.microstrain = microstrain
    self.textureAxis = textureAxis; self.textureRatio = textureRatio
    self.backgroundFamily = backgroundFamily; self.backgroundLevel = backgroundLevel; self.background = background
    self.noiseCounts = noiseCounts; self.noiseCorrelation = noiseCorrelation; self.peakCounts = peakCounts
    self.noiseSeed = noiseSeed
    self.normalization = normalization
  }
}
