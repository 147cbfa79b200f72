// The instrument and sample description: everything between a list of reflections and a measured pattern.
//
// One value type, ``Instrument``, mirrors the instrument file (YAML or JSON) key for key; the file format,
// `--set key.path=value` and the commented rendering are in Instrument+YAML.swift, the named set-ups in
// Instrument+Presets.swift, the range checks in Instrument+Validation.swift. The background and noise
// sections are ``BackgroundModel`` and ``NoiseModel`` (InstrumentSections.swift), evaluated in XRDAugment.
// Units: angles in degrees (2θ unless said), lengths in mm, crystallite size in nm, intensities in counts,
// Q = 4π sin θ / λ in Å⁻¹ (λ the strongest emission line) for a scan given as a Q grid (``Instrument/q``).
// Not done here: the physics that consumes the widths, asymmetry, size/strain and texture (the profile and
// renderer files of this module, XRDDiffraction's MarchDollase); sample transparency; Soller-slit values
// (axial divergence enters only through the FCJ ratios S/L and H/L).

public import XRDDiffraction
import Foundation

/// A powder diffractometer and the specimen in it: radiation, 2θ scan, geometry, peak widths, sample
/// effects, background and counting noise.
///
/// Every property has a default, and the defaults are the "Cu Kα lab Bragg–Brentano" set-up, preset
/// `cu-lab` (see ``preset(named:)``). Read one from a file with ``load(contentsOf:)`` or
/// ``init(yaml:fileName:)``; values built in code can be checked with ``validate()``.
public struct Instrument: Sendable, Hashable {
  /// The emission lines (wavelength in Å, relative weight); key `radiation`. In the file a line name for
  /// ``Radiation/lines(named:kAlpha2Ratio:)`` ("CuKa12", "MoKa1"), a wavelength in Å, or a list of
  /// `{wavelength, weight}`. Default: Cu Kα1 + Kα2 with intensity ratio 0.5 ("CuKa12").
  public var radiation: [EmissionLine]
  /// The 2θ scan: start, stop and step in degrees; key `two_theta`. Default 5–90° in 0.01° steps (8501 points).
  /// Not used while ``q`` is set.
  public var twoTheta: TwoThetaRange
  /// The scan as a grid uniform in Q = 4π sin θ / λ instead of 2θ: start, stop and step in Å⁻¹, λ the
  /// ``primaryWavelength``; key `q`, the alternative to `two_theta` (a file may give one of the two). nil
  /// (default): the scan is ``twoTheta``. While set, ``twoTheta`` is not used and ``yaml()`` writes `q` in its
  /// place, so an instrument read back has the default `two_theta`.
  public var q: QRange?
  /// Zero-point error of the 2θ scale in degrees, added to every peak position; key `zero_shift`. Default 0.
  public var zeroShift: Double
  /// Specimen displacement s in mm (key `displacement`): peaks shift by Δ2θ = −2 s cos θ / R radians with
  /// R = ``goniometerRadius`` (Klug & Alexander 1974; TOPAS `Specimen_Displacement`), so s > 0 moves
  /// peaks to lower 2θ. Default 0.
  public var displacement: Double
  /// Goniometer radius R in mm (source–specimen = specimen–detector); key `goniometer_radius`. Default 240
  /// (Bruker D8 / Malvern Panalytical Empyrean-class lab instruments).
  public var goniometerRadius: Double
  /// 2θ_M of a monochromator in degrees for the polarization factor (0 = none, unpolarized beam); key
  /// `monochromator_two_theta`. Ge(111) for Cu Kα1 is 27.28°, graphite(002) 26.6°. 90° gives polarization
  /// factor 1, the case of a synchrotron beam polarized perpendicular to the diffraction plane. Default 0.
  public var monochromatorTwoTheta: Double
  /// The divergence slit; key `divergence_slit`. Default fixed, 1°.
  public var divergenceSlit: DivergenceSlit
  /// Instrumental peak widths and asymmetry; key `profile`.
  public var profile: ProfileParameters
  /// Specimen effects: crystallite size, microstrain, texture, scale; key `sample`.
  public var sample: Sample
  /// Background added to the peaks; key `background`. Default none.
  public var background: BackgroundModel
  /// Counting statistics; key `noise`. Default none.
  public var noise: NoiseModel

  public init(
    radiation: [EmissionLine] = Instrument.copperKAlpha12,
    twoTheta: TwoThetaRange = TwoThetaRange(),
    q: QRange? = nil,
    zeroShift: Double = 0,
    displacement: Double = 0,
    goniometerRadius: Double = 240,
    monochromatorTwoTheta: Double = 0,
    divergenceSlit: DivergenceSlit = DivergenceSlit(),
    profile: ProfileParameters = ProfileParameters(),
    sample: Sample = Sample(),
    background: BackgroundModel = BackgroundModel(),
    noise: NoiseModel = NoiseModel()
  ) {
    self.radiation = radiation
    self.twoTheta = twoTheta
    self.q = q
    self.zeroShift = zeroShift
    self.displacement = displacement
    self.goniometerRadius = goniometerRadius
    self.monochromatorTwoTheta = monochromatorTwoTheta
    self.divergenceSlit = divergenceSlit
    self.profile = profile
    self.sample = sample
    self.background = background
    self.noise = noise
  }

  /// Cu Kα1 (1.5405929 Å, weight 1) and Kα2 (1.5444274 Å, weight 0.5): `Radiation.lines(named: "CuKa12")`.
  public static let copperKAlpha12: [EmissionLine] = [
    EmissionLine(wavelength: 1.5405929, weight: 1, name: "CuKa1"),
    EmissionLine(wavelength: 1.5444274, weight: Radiation.defaultKAlpha2Ratio, name: "CuKa2"),
  ]

  /// The wavelength in Å of the strongest emission line (the first of equal weights; 1.5405929 Å, Cu Kα1,
  /// for no lines): the λ of Q = 4π sin θ / λ for a ``q`` scan, and the wavelength at which the simulator
  /// computes |F|².
  public var primaryWavelength: Double { Self.primaryWavelength(of: radiation) }

  /// ``primaryWavelength`` of a list of emission lines.
  public static func primaryWavelength(of lines: [EmissionLine]) -> Double {
    (lines.max { $0.weight < $1.weight } ?? EmissionLine(wavelength: 1.5405929)).wavelength
  }

  /// The first and last 2θ of the scan in degrees: ``twoTheta``'s start and stop, or for a ``q`` scan 2θ of
  /// its first and last point at ``primaryWavelength`` (NaN where Q is beyond 4π/λ).
  public var scanTwoThetaRange: (start: Double, stop: Double) {
    guard let q else { return (twoTheta.start, twoTheta.stop) }
    let lambda = primaryWavelength
    return (QRange.twoTheta(atQ: q.start, wavelength: lambda),
            QRange.twoTheta(atQ: q.value(at: max(q.count - 1, 0)), wavelength: lambda))
  }

  /// The shift of a peak from its Bragg position, in degrees 2θ: ``zeroShift`` plus the specimen
  /// displacement term −2 s cos θ / R (converted from radians).
  public func peakShift(atTwoTheta twoTheta: Double) -> Double {
    let cosTheta = cos(twoTheta * .pi / 360)
    return zeroShift - 2 * displacement * cosTheta / goniometerRadius * 180 / .pi
  }
}

// MARK: - Sections

extension Instrument {
  /// The 2θ scan: points start, start + step, … up to stop (inclusive when stop − start is a whole number
  /// of steps, to 10⁻⁹ of a step).
  public struct TwoThetaRange: UniformScan, Sendable, Hashable {
    /// First 2θ in degrees (0 < start). Default 5.
    public var start: Double
    /// Last 2θ in degrees (start < stop < 180). Default 90.
    public var stop: Double
    /// Step in degrees (> 0). Default 0.01.
    public var step: Double

    public init(start: Double = 5, stop: Double = 90, step: Double = 0.01) {
      self.start = start
      self.stop = stop
      self.step = step
    }


  }

  /// A scan uniform in the scattering-vector magnitude Q = 4π sin θ / λ = 2π / d (Å⁻¹): points start,
  /// start + step, … up to stop (inclusive when stop − start is a whole number of steps, to 10⁻⁹ of a step).
  ///
  /// λ is the instrument's ``Instrument/primaryWavelength`` (the strongest line: Cu Kα1 for CuKa12), so a
  /// Kα2 peak sits at its own 2θ and appears at a slightly higher Q than 2π/d, as it does when a measured
  /// 2θ scan is converted with λ(Kα1). Each point is measured at 2θ = 2 asin(Qλ / 4π), zero shift and
  /// displacement included in the peaks as on a 2θ scan. The 2θ spacing of the points grows with Q as
  /// 1 / cos θ.
  public struct QRange: UniformScan, Sendable, Hashable {
    /// First Q in Å⁻¹ (0 < start).
    public var start: Double
    /// Last Q in Å⁻¹ (start < stop < 4π/λ).
    public var stop: Double
    /// Step in Å⁻¹ (> 0).
    public var step: Double

    public init(start: Double, stop: Double, step: Double) {
      self.start = start
      self.stop = stop
      self.step = step
    }



    /// 2θ in degrees of every point at wavelength λ (Å), 2 asin(Qλ / 4π).
    public func twoThetaValues(wavelength: Double) -> [Double] {
      (0..<count).map { Self.twoTheta(atQ: value(at: $0), wavelength: wavelength) }
    }

    /// Q = 4π sin θ / λ in Å⁻¹ for 2θ in degrees and λ in Å.
    public static func q(atTwoTheta twoTheta: Double, wavelength: Double) -> Double {
      4 * .pi * sin(twoTheta * .pi / 360) / wavelength
    }

    /// 2θ = 2 asin(Qλ / 4π) in degrees for Q in Å⁻¹ and λ in Å; NaN for Q > 4π/λ (no such angle).
    public static func twoTheta(atQ q: Double, wavelength: Double) -> Double {
      360 / .pi * asin(q * wavelength / (4 * .pi))
    }
  }

  /// How the divergence slit is driven.
  public struct DivergenceSlit: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable, CaseIterable {
      /// A fixed opening angle: constant irradiated volume for an infinitely thick specimen (no correction).
      case fixed
      /// An automatic slit that keeps the irradiated length constant: the irradiated volume, and so the
      /// intensity relative to a fixed slit, grows as sin θ.
      case variable
    }

    /// `fixed` or `variable`. Default fixed.
    public var mode: Mode
    /// Opening angle in degrees (0 < angle < 90) for a fixed slit. Recorded for the file; no intensity
    /// correction depends on it yet (beam overspill at low angle is not modelled). Default 1.
    public var angle: Double

    public init(mode: Mode = .fixed, angle: Double = 1) {
      self.mode = mode
      self.angle = angle
    }

    /// The intensity factor relative to a fixed slit: 1 for `fixed`, sin θ for `variable` (so a variable-slit
    /// pattern is a fixed-slit pattern multiplied by sin θ; its maximum is then rescaled by the noise model).
    public func intensityFactor(atTwoTheta twoTheta: Double) -> Double {
      switch mode {
      case .fixed: 1
      case .variable: sin(twoTheta * .pi / 360)
      }
    }
  }

  /// Instrumental peak widths (full widths at half maximum) and axial-divergence asymmetry.
  ///
  /// Gaussian FWHM² = U tan²θ + V tan θ + W (Caglioti, Paoletti & Ricci 1958, Nucl. Instrum. 3, 223; here
  /// of the FWHM, in degrees², not of σ² in centidegrees² as GSAS writes it: U_here = 8 ln 2 · 10⁻⁴ U_GSAS).
  /// Lorentzian FWHM = X / cos θ + Y tan θ in degrees (the GSAS convention: X the size-like, Y the strain-like
  /// term; FullProf swaps the names), as ``Caglioti`` uses them. The two are combined into a pseudo-Voigt by
  /// the TCH rules in the profile code. S/L and H/L are the Finger–Cox–Jephcoat
  /// (1994, J. Appl. Cryst. 27, 892) sample and detector half-heights over the goniometer radius
  /// (0 = symmetric peaks).
  ///
  /// Defaults U = 0.004, V = −0.002, W = 0.002 deg², X = 0, Y = 0.02°: total (TCH) FWHM ≈ 0.045° at
  /// 2θ = 30°, 0.053° at 60°, 0.122° at 120°, a lab Bragg–Brentano instrument with a strip detector
  /// (the xrdsim default, chosen rather than fitted; for comparison,
  /// GSAS-II's "CuKa lab data" default, U = 2, V = −2, W = 5 centideg² of σ², gives a Gaussian FWHM of
  /// 0.053° at low angle; AdvancedPhotonSource/GSAS-II `defaultIparms.py`).
  public struct ProfileParameters: Sendable, Hashable {
    /// Caglioti U in degrees² (key `U`). Default 0.004.
    public var u: Double
    /// Caglioti V in degrees² (key `V`). Default −0.002.
    public var v: Double
    /// Caglioti W in degrees² (key `W`). Default 0.002.
    public var w: Double
    /// Lorentzian X in degrees (key `X`), the 1/cos θ (size-like) term. Default 0.
    public var x: Double
    /// Lorentzian Y in degrees (key `Y`), the tan θ (strain-like) term. Default 0.02.
    public var y: Double
    /// FCJ S/L, specimen half-height over goniometer radius, dimensionless (key `SL`). Default 0.
    public var sl: Double
    /// FCJ H/L, detector half-height over goniometer radius, dimensionless (key `HL`). Default 0.
    public var hl: Double

    public init(u: Double = 0.004, v: Double = -0.002, w: Double = 0.002, x: Double = 0, y: Double = 0.02,
                sl: Double = 0, hl: Double = 0) {
      self.u = u
      self.v = v
      self.w = w
      self.x = x
      self.y = y
      self.sl = sl
      self.hl = hl
    }

    /// U tan²θ + V tan θ + W in degrees², the square of the instrumental Gaussian FWHM (negative when the
    /// parameters are unphysical at this angle; ``Instrument/validate()`` rejects that on the scan).
    public func gaussianFWHMSquared(atTwoTheta twoTheta: Double) -> Double {
      let t = tan(twoTheta * .pi / 360)
      return (u * t + v) * t + w
    }

    /// The instrumental Gaussian FWHM in degrees, √(U tan²θ + V tan θ + W), 0 where that is negative.
    public func gaussianFWHM(atTwoTheta twoTheta: Double) -> Double {
      max(0, gaussianFWHMSquared(atTwoTheta: twoTheta)).squareRoot()
    }

    /// The instrumental Lorentzian FWHM in degrees, X / cos θ + Y tan θ.
    public func lorentzianFWHM(atTwoTheta twoTheta: Double) -> Double {
      let theta = twoTheta * .pi / 360
      return x / cos(theta) + y * tan(theta)
    }

    /// The widths as the renderer's ``Caglioti`` (same units and convention).
    public var caglioti: Caglioti { Caglioti(U: u, V: v, W: w, X: x, Y: y) }

    /// The asymmetry as the renderer's ``FCJAsymmetry``.
    public var fcjAsymmetry: FCJAsymmetry { FCJAsymmetry(sOverL: sl, hOverL: hl) }
  }

  /// What the specimen adds: size and strain broadening, preferred orientation, overall scale.
  public struct Sample: Sendable, Hashable {
    /// Mean crystallite size in nm for Scherrer broadening (key `crystallite_size_nm`); nil = crystallites
    /// large enough to add no width. Default nil.
    public var crystalliteSize: Double?
    /// Microstrain ε = Δd/d, dimensionless (1e-3 = 0.1 %; not in percent), for Stokes–Wilson broadening
    /// ∝ ε tan θ (key `microstrain`). Default 0.
    public var microstrain: Double
    /// March–Dollase preferred orientation (key `texture`: `hkl` the axis, `r` the March ratio, 1 = random
    /// powder). Default (0 0 1), r = 1.
    public var texture: MarchDollase
    /// Overall intensity scale factor, > 0 (key `scale`). Default 1.
    public var scale: Double

    public init(crystalliteSize: Double? = nil, microstrain: Double = 0,
                texture: MarchDollase = MarchDollase(axis: MillerIndex(h: 0, k: 0, l: 1), ratio: 1),
                scale: Double = 1) {
      self.crystalliteSize = crystalliteSize
      self.microstrain = microstrain
      self.texture = texture
      self.scale = scale
    }
  }
}

/// A scan of equally spaced points start, start + step, … up to stop (inclusive when stop − start is a whole
/// number of steps, to 10⁻⁹ of a step): the 2θ and the Q scans of an instrument.
public protocol UniformScan {
  var start: Double { get }
  var stop: Double { get }
  var step: Double { get }
}

extension UniformScan {
  /// The number of points, ⌊(stop − start)/step + 10⁻⁹⌋ + 1; 0 for a range that is not valid.
  public var count: Int {
    let n = ((stop - start) / step + 1e-9).rounded(.down)
    guard n.isFinite, n >= 0, n < 1e15 else { return 0 }
    return Int(n) + 1
  }

  /// The i-th point, start + i·step (computed, not accumulated, so no rounding drift).
  public func value(at index: Int) -> Double { start + Double(index) * step }

  /// All points, ``value(at:)`` for 0 ..< ``count``.
  public var values: [Double] { (0..<count).map(value(at:)) }
}
