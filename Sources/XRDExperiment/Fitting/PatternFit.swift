// Fitting simulated patterns to a measurement: scale or phase fractions, Chebyshev background, zero shift or
// specimen displacement, U/V/W/X/Y, FCJ asymmetry, lattice parameters and optionally March–Dollase texture,
// with the atoms held as the CIF gives them (the protocol of ../shared/data/RIETVELD.md).
//
// Refinement in stages from the instrument's starting values, each a Levenberg–Marquardt run of
// gsl_multifit_nlinear (XRDGSL.NonlinearLeastSquares) over the parameters released so far:
//   1. scales + background (linear: exact in a few iterations);
//   2. + one positive factor on every width (ln k refined), a coarse width that lets misplaced peaks overlap
//      their observed positions without driving U…Y where a width vanishes;
//   3. + zero or displacement + lattice parameters (positions);
//   4. + U, V, W, X, Y (widths against angle);
//   5. + asymmetry (+ texture): everything together.
// Zero and displacement correlate ~100 % on a Bragg–Brentano scan, so only one is refined: displacement for
// lab wavelengths (≥ 1 Å), zero for synchrotron ones (as GSAS-II's protocol). After the last stage the
// covariance gives standard uncertainties (scaled by the reduced χ²); a parameter the data cannot determine
// (a zero column, or an uncertainty larger than its value range allows) is held at its starting value, the
// fit is redone without it, and the report says so; correlations above 0.95 are reported.
// Weights 1/σ²: the file's e.s.d.s (the readers decide whether a column is one), else 1/max(y, floor) with the
// floor 1 count or 1 % of the median for other units (counts per second with a counting time are turned into
// counts first). Phase weight fractions by Hill & Howard (1987): W_p ∝ s_p (ZMV)_p.
// Not done: refining atoms, occupancies or displacement parameters; anisotropic broadening; absorption.

public import Foundation
public import XRDAugment
public import XRDCrystal
public import XRDDiffraction
public import XRDProfile
import XRDCorpus
import XRDGSL

/// A fit of one or more crystal structures (a mixture) to a measured pattern.
public enum PatternFit {
  /// What a fit refines and over which range.
  public struct Options: Sendable {
    /// Which peak shift to refine.
    public enum Shift: String, Sendable, Hashable, CaseIterable {
      /// Displacement for lab wavelengths (≥ 1 Å), zero for shorter (synchrotron) ones.
      case automatic
      case zero
      case displacement
      case none
    }

    /// The 2θ range to fit (degrees); nil for the whole scan.
    public var range: ClosedRange<Double>?
    /// Chebyshev background terms; nil for 10 (lab) or 12 (synchrotron), as RIETVELD.md's reference fits.
    public var backgroundTerms: Int?
    public var shift: Shift
    /// Refine the lattice parameters (under the crystal system's constraints).
    public var refineLattice: Bool
    /// Refine U, V, W, X, Y.
    public var refineProfile: Bool
    /// Refine the FCJ asymmetry.
    public var refineAsymmetry: Bool
    /// Refine a March–Dollase ratio along this axis for every phase; nil for none.
    public var textureAxis: MillerIndex?
    /// Only scales and background (what `compare` without `--fit` does).
    public var scaleOnly: Bool
    /// Peaks weaker than this fraction of the phase's strongest peak (area) are left out of the model: 0 keeps
    /// all; phase identification's quick fits use 1e-3 (the thousands of faint reflections of a large cell cost
    /// most of the rendering and change no ranking).
    public var minimumRelativePeakArea = 0.0
    /// Stop after the positions stage (scale, background, one width factor, shift, lattice): the quick fit
    /// phase identification ranks candidates with.
    public var quick = false
    /// Iterations per stage.
    public var maximumIterations: Int
    /// The structure-factor physics; by default Uiso 0.01 Å² for atoms the CIF gives no displacement for
    /// (as RIETVELD.md's reference fits).
    public var settings: DiffractionSettings

    public init(range: ClosedRange<Double>? = nil, backgroundTerms: Int? = nil, shift: Shift = .automatic,
                refineLattice: Bool = true, refineProfile: Bool = true, refineAsymmetry: Bool = true,
                textureAxis: MillerIndex? = nil, scaleOnly: Bool = false, maximumIterations: Int = 100,
                settings: DiffractionSettings = DiffractionSettings(defaultUIso: 0.01)) {
      self.settings = settings
      self.range = range
      self.backgroundTerms = backgroundTerms
      self.shift = shift
      self.refineLattice = refineLattice
      self.refineProfile = refineProfile
      self.refineAsymmetry = refineAsymmetry
      self.textureAxis = textureAxis
      self.scaleOnly = scaleOnly
      self.maximumIterations = maximumIterations
    }
  }

  /// A fitted (or held) quantity with its standard uncertainty.
  public struct Parameter: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
      /// Refined; `uncertainty` is its standard uncertainty.
      case refined
      /// Could not be determined by the data: held at its starting value (see `note`).
      case held
    }

    /// "scale[1]", "background[3]", "zero", "displacement", "U", …, "a[1]", "beta[2]", "texture[1]".
    public var name: String
    public var value: Double
    public var uncertainty: Double?
    public var status: Status
    public var note: String?
  }

  /// One stage of the refinement.
  public struct Stage: Sendable, Hashable, Codable {
    public var name: String
    public var parameters: [String]
    public var rwp: Double
    public var iterations: Int
    public var convergence: String
  }

  /// The outcome: the curves, the indices, the parameters and the fitted instrument.
  public struct Result: Sendable {
    /// The points fitted (degrees 2θ), and the observed, calculated, background and per-phase curves there.
    public var twoTheta: [Double]
    public var observed: [Double]
    public var calculated: [Double]
    public var background: [Double]
    public var phaseCurves: [[Double]]
    /// 1/σ² of each point.
    public var weights: [Double]
    public var indices: AgreementIndices
    public var parameters: [Parameter]
    /// The phases' refined cells and weight fractions (Hill & Howard), in input order.
    public var cells: [UnitCell]
    public var weightFractions: [Double]
    /// Every peak of every phase at the fitted values (for tick marks).
    public var peaks: [[PatternPeak]]
    /// The instrument at the fitted values (first phase's texture), on the fitted range and step, with the
    /// background in counts and `noise.counts` at the calculated peak maximum: `simulate` and `generate`
    /// read it back.
    public var instrument: Instrument
    public var stages: [Stage]
    /// What the fit could not do, held, or found suspicious.
    public var warnings: [String]
    /// Correlations |ρ| > 0.95 between refined parameters.
    public var correlations: [Correlation]
    public var seconds: Double
  }

  public struct Correlation: Sendable, Hashable, Codable {
    public var first: String
    public var second: String
    public var value: Double
  }

  /// Fits `crystals` (one = single phase; several = a mixture) to `measured`.
  ///
  /// - Parameters:
  ///   - instrument: starting values (widths, asymmetry, shifts, goniometer radius, monochromator); its
  ///     radiation is used when the file states none.
  /// - Throws: ``FitError`` for an empty range, too few points, or a divergent refinement.
  public static func fit(_ crystals: [Crystal], to measured: MeasuredPattern, instrument: Instrument,
                         options: Options = Options()) throws(FitError) -> Result {
    let clock = ContinuousClock.now
    guard !crystals.isEmpty else { throw FitError.invalidInput("no structure given") }
    var indices = measured.twoTheta.indices.filter { measured.twoTheta[$0].isFinite && measured.intensity[$0].isFinite }
    if let range = options.range { indices = indices.filter { range.contains(measured.twoTheta[$0]) } }
    guard indices.count >= 20 else {
      throw FitError.invalidInput("only \(indices.count) points in the range \(options.range.map { "\($0)" } ?? "of the scan")")
    }
    var inst = instrument
    if !measured.radiation.isEmpty { inst.radiation = measured.radiation }
    let twoTheta = indices.map { measured.twoTheta[$0] }
    var observed = indices.map { measured.intensity[$0] }
    var sigma = measured.sigma.map { s in indices.map { s[$0] } }
    if measured.intensityUnit == .countsPerSecond, let time = measured.countingTime, time > 0, sigma == nil {
      observed = observed.map { $0 * time }  // fit in counts, so that √counts is the e.s.d.
    }
    var notes: [String] = []
    if let s = sigma, s.contains(where: { !($0 > 0) }) {
      sigma = nil
      notes.append("the file's e.s.d.s include values ≤ 0; weights 1/y used instead")
    }
    // Weights 1/y with a floor: 1 count, or 1 % of the median for data in other units (normalised files), so
    // that the weighting does not depend on the intensity scale.
    let positive = observed.filter { $0 > 0 }.sorted()
    let floor = min(1, 0.01 * (positive.isEmpty ? 1 : positive[positive.count / 2]))
    let weights = sigma.map { $0.map { 1 / ($0 * $0) } } ?? observed.map { 1 / max($0, floor) }
    let synchrotron = inst.primaryWavelength < 1
    let terms = options.backgroundTerms ?? (synchrotron ? 12 : 10)
    guard (1...40).contains(terms) else {
      throw FitError.invalidInput("\(terms) background terms: give 1 to 40 Chebyshev terms")
    }
    let shift: FitSlot? = switch options.shift {
    case .automatic: synchrotron ? .zero : .displacement
    case .zero: .zero
    case .displacement: .displacement
    case .none: nil
    }
    var model: PatternFitModel
    do {
      model = try PatternFitModel(twoTheta: twoTheta, observed: observed, weights: weights, crystals: crystals,
                                  textureAxes: crystals.map { _ in options.textureAxis }, instrument: inst,
                                  settings: options.settings, backgroundTerms: terms)
      model.minimumRelativePeakArea = options.minimumRelativePeakArea
    } catch let error as FitError {
      throw error
    } catch {
      throw FitError.invalidInput("\(error)")
    }
    var refinement = Refinement(model: model, options: options)
    refinement.warnings = notes
    try refinement.initialScales()

    let linear: [FitSlot] = (0..<crystals.count).map { .scale($0) } + (0..<terms).map { .background($0) }
    let lattice: [FitSlot] = options.refineLattice ? model.allSlots.filter { if case .lattice = $0 { true } else { false } } : []
    let texture: [FitSlot] = model.allSlots.filter { if case .texture = $0 { true } else { false } }
    let profile: [FitSlot] = options.refineProfile ? [.u, .v, .w, .x, .y] : []
    let coarse: [FitSlot] = options.refineProfile ? [.broadening] : []
    let shifts: [FitSlot] = shift.map { [$0] } ?? []
    let asymmetry: [FitSlot] = options.refineAsymmetry ? [.asymmetry] : []

    try refinement.stage("scale and background", linear)
    if !options.scaleOnly {
      if !coarse.isEmpty { try refinement.stage("coarse widths", linear + coarse) }
      // A quick fit refines the texture with the positions (it has no later stage).
      try refinement.stage("positions", linear + coarse + shifts + lattice + (options.quick ? texture : []))
      refinement.model.absorbBroadening()
      if !options.quick {
        try refinement.stage("widths", linear + shifts + lattice + profile)
        try refinement.stage("all", linear + shifts + lattice + profile + asymmetry + texture)
      }
    }
    let final = try refinement.finish()
    return try refinement.result(final: final, seconds: (ContinuousClock.now - clock).seconds)
  }
}

extension PatternFit {
  /// GSAS-II's polarization defaults (its `defaultIparms`): 0.7 for lab X-ray tubes, 0.99 for synchrotrons.
  public static let labPolarization = 0.7
  public static let synchrotronPolarization = 0.99

  /// Starting values for a fit of `measured` when nothing is known about the instrument: the `cu-lab` preset
  /// for wavelengths ≥ 1 Å (or none stated), `synchrotron` below, each with GSAS-II's default polarization
  /// (``labPolarization``, ``synchrotronPolarization``) as the monochromator angle of the same factor, and the
  /// file's wavelengths.
  /// GSAS-II's polarization for `measured`'s radiation: ``synchrotronPolarization`` below 1 Å, else ``labPolarization``.
  public static func defaultPolarization(for measured: MeasuredPattern) -> Double {
    isSynchrotron(measured) ? synchrotronPolarization : labPolarization
  }

  /// A wavelength below 1 Å (a file without one counts as a lab Cu tube).
  static func isSynchrotron(_ measured: MeasuredPattern) -> Bool { (measured.primaryWavelength ?? 1.54) < 1 }

  public static func defaultInstrument(for measured: MeasuredPattern) -> Instrument {
    var instrument = Instrument.preset(named: isSynchrotron(measured) ? "synchrotron" : "cu-lab")!
    instrument.monochromatorTwoTheta = GSASInstrumentParameters.monochromatorTwoTheta(forPolarization: defaultPolarization(for: measured))!
    if !measured.radiation.isEmpty { instrument.radiation = measured.radiation }
    return instrument
  }
}
