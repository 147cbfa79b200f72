// Turns a PatternRecipe into intensities on the corpus grid: strained phases simulated with XRDAugment's
// PatternSimulator, mixed, scaled to the peak counts, background added, Poisson noise drawn, normalized.
//
// Per phase: the crystal with its cell scaled by the recipe's strain (fractional coordinates unchanged) on
// the base instrument with the drawn radiation, shifts, widths, size/microstrain and (main phase only)
// March–Dollase texture; no background, no noise: the simulator's `peaks` component.
// Mixing convention ("simple weight"): each phase's peak component is divided by its sum over the grid and
// multiplied by its weight fraction, so a phase's share of the Bragg intensity on the scan equals its weight
// fraction. Not modelled: scattering power per unit mass (RIR / Hill–Howard ZMV scaling) and absorption
// contrast — a heavy-atom impurity at 5 wt% looks like 5 % of the intensity here.
// Then: mixture × (peak counts / its maximum) + background (counts), Poisson noise with the recipe's seed
// (XRDAugment's NoiseModel, gaussian_sigma from the base instrument, the recipe's neighbour correlation),
// then ÷ maximum (`max`), ÷ sum (`sum`) or as is (`counts`), rounded to float32. An all-zero pattern stays
// zero.
// Speed: the main structure of each (structure, radiation) is prepared once per composer (reflection families
// over a range widened for ±5 % strain, and their cell-independent phase sums: PatternSimulator(…,
// maximumStrain:)); its variants then recompute only what the strained cell changes (PatternSimulator.withCell),
// bit for bit what a fresh simulator of the strained crystal gives, so the corpus bytes do not depend on this.
// At most `preparedLimit` structures are kept (least recently used dropped), so memory does not grow with the
// corpus. Mixture phases (random structures, rarely met twice in a row) use a prepared one when it is there and
// a plain simulator otherwise.
// Not done: per-phase size and microstrain, per-phase texture.

import Foundation
import XRDAugment
import XRDCrystal
import XRDDiffraction
import XRDProfile

/// Renders recipes; keeps a few structures prepared for strain, each with its rendering workspace.
struct PatternComposer {
  let config: CorpusConfig
  let catalog: StructureCatalog
  /// The base instrument on the corpus grid (2θ scan, no Q scan).
  let base: Instrument
  let twoTheta: [Double]
  let settings: DiffractionSettings
  /// Simulators prepared for strain, least recently used first.
  private var prepared: [(key: PreparedKey, simulator: PatternSimulator)] = []
  struct PreparedKey: Hashable {
    var structure: Int
    var radiation: [EmissionLine]
  }
  /// Structures kept prepared (main phases; a batch of the generator holds consecutive variants of one or two).
  static let preparedLimit = 3
  /// For phases without a prepared structure: keeps the rendering workspace between them.
  private var workspace: PatternSimulator?
  /// The strain covered without falling back to a fresh calculation (which gives the same values, slower).
  static let maximumStrain = 0.05

  init(config: CorpusConfig, catalog: StructureCatalog, settings: DiffractionSettings = DiffractionSettings()) {
    self.config = config
    self.catalog = catalog
    var base = config.instrument
    base.twoTheta = config.twoTheta
    base.q = nil
    self.base = base
    self.twoTheta = config.twoTheta.values
    self.settings = settings
  }

  /// The pattern and label of a recipe for pattern `index` (structure, variant).
  mutating func record(_ recipe: PatternRecipe, index: Int, structure: Int, variant: Int) throws -> PatternRecord {
    let n = twoTheta.count
    var mixture = [Double](repeating: 0, count: n)
    var phaseLabels: [PhaseLabel] = []
    for (p, phase) in recipe.phases.enumerated() {
      guard phase.structure >= 0, phase.structure < catalog.structures.count else {
        throw CorpusError("pattern \(index): phase structure index \(phase.structure) is not in the catalog")
      }
      let entry = catalog.structures[phase.structure]
      guard var crystal = entry.crystal else {
        throw CorpusError("pattern \(index): structure \(phase.structure) (\(entry.path)) was not read")
      }
      let baseCrystal = crystal
      do {
        crystal.cell = try crystal.cell.scaled(by: phase.cellFactors)
      } catch {
        throw CorpusError("pattern \(index): strained cell of \(entry.path): \(error)")
      }
      var instrument = base
      instrument.radiation = recipe.radiation
      instrument.zeroShift = recipe.zeroShift
      instrument.displacement = recipe.displacement
      instrument.profile.u = recipe.u
      instrument.profile.v = recipe.v
      instrument.profile.w = recipe.w
      instrument.profile.x = recipe.x
      instrument.profile.y = recipe.y
      instrument.sample.crystalliteSize = recipe.crystalliteSize
      instrument.sample.microstrain = recipe.microstrain
      instrument.sample.scale = 1
      if p == 0, let axis = recipe.textureAxis {
        instrument.sample.texture = MarchDollase(axis: axis, ratio: recipe.textureRatio)
      } else {
        instrument.sample.texture = MarchDollase(axis: MillerIndex(h: 0, k: 0, l: 1), ratio: 1)
      }
      instrument.background = BackgroundModel()
      instrument.noise = NoiseModel()
      let peaks = try peakComponent(structure: phase.structure, crystal: baseCrystal, strained: crystal,
                                    instrument: instrument, prepare: p == 0)
      var total = 0.0
      for value in peaks { total += value }
      if total > 0, total.isFinite {
        let factor = phase.fraction / total
        for i in 0..<n { mixture[i] += peaks[i] * factor }
      }
      let c = crystal.cell
      phaseLabels.append(PhaseLabel(
        id: entry.id, file: entry.path, formula: entry.formula, elements: entry.elements,
        spaceGroupNumber: crystal.spaceGroup?.number, spaceGroupSymbol: crystal.spaceGroup?.hermannMauguin,
        crystalSystem: crystal.spaceGroup?.crystalSystem.rawValue,
        lattice: [c.a, c.b, c.c, c.alpha, c.beta, c.gamma], fraction: phase.fraction))
    }

    let maximum = mixture.max() ?? 0
    let scale = maximum > 0 ? recipe.peakCounts / maximum : 0
    let background = recipe.background.evaluate(at: twoTheta)
    var clean = [Double](repeating: 0, count: n)
    for i in 0..<n { clean[i] = mixture[i] * scale + background[i] }
    var counts = clean
    let sigma = base.noise.gaussianSigma
    if recipe.noiseCounts != nil || sigma > 0 {
      let model = NoiseModel(counts: recipe.noiseCounts, gaussianSigma: sigma, seed: recipe.noiseSeed,
                             correlation: recipe.noiseCorrelation)
      clean.withUnsafeBufferPointer { mean in
        counts.withUnsafeMutableBufferPointer { model.draw(around: mean, into: $0, stream: 0) }
      }
    }
    var divisor = 1.0
    switch recipe.normalization {
    case .max: divisor = counts.max() ?? 0
    case .sum: divisor = counts.reduce(0, +)
    case .counts: divisor = 1
    }
    let inverse = divisor > 0 && divisor.isFinite ? 1 / divisor : 0
    let intensities = counts.map { Float($0 * inverse) }

    let label = PatternLabel(index: index, structureIndex: structure, variant: variant, phases: phaseLabels,
                             augmentation: recipe.augmentation)
    return PatternRecord(label: label, intensities: intensities,
                         radiation: recipe.radiation.map { ($0.wavelength, $0.weight) })
  }

  /// The peak component of structure `structure` (unstrained `crystal`, `strained` with the variant's cell) on
  /// `instrument`: the prepared simulator of (structure, radiation) moved to the new cell and instrument, prepared
  /// first if `prepare`; else a plain simulator of the strained crystal (the same values).
  private mutating func peakComponent(structure: Int, crystal: Crystal, strained: Crystal, instrument: Instrument,
                                      prepare: Bool) throws -> [Double]
  {
    let key = PreparedKey(structure: structure, radiation: instrument.radiation)
    let slot: Int
    if let i = prepared.firstIndex(where: { $0.key == key }) {
      let entry = prepared.remove(at: i)
      prepared.append(entry)
    } else if !prepare {
      var simulator = try workspace.map { try PatternSimulator(crystal: strained, instrument: instrument, settings: settings, reusing: $0) }
        ?? PatternSimulator(crystal: strained, instrument: instrument, settings: settings)
      workspace = nil  // keep the workspace unshared while rendering
      let peaks = simulator.peakComponent()
      workspace = simulator
      return peaks
    } else {
      // The least recently used one gives up its place and its rendering workspace.
      let evicted = prepared.count >= Self.preparedLimit ? prepared.removeFirst().simulator : nil
      let simulator = try PatternSimulator(crystal: crystal, instrument: instrument, settings: settings,
                                           maximumStrain: Self.maximumStrain, reusing: evicted)
      prepared.append((key, simulator))
    }
    slot = prepared.count - 1
    // Assigned over the stored simulator, so the rendering workspace stays unshared (no copy on write).
    prepared[slot].simulator = try prepared[slot].simulator.withCell(strained.cell, instrument: instrument)
    return prepared[slot].simulator.peakComponent()
  }
}
