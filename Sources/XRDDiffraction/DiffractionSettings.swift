// What physics a stick-pattern calculation applies, each part switchable.

/// Settings of a stick-pattern (reflection list) calculation. Lengths in Å, angles in degrees.
///
/// Defaults: Cu Kα1 (1.5405929 Å, ITC Vol. C Table 4.2.2.1), 2θ 5–90°, Waasmaier–Kirfel form factors with
/// ionic factors where the CIF gives charges, anomalous dispersion on, displacement parameters as the CIF
/// gives them (T = 1 for sites without any), no monochromator.
public struct DiffractionSettings: Sendable, Hashable {
  /// Wavelength in Å.
  public var wavelength: Double
  /// Range of 2θ in degrees; reflections outside are not listed.
  public var twoThetaRange: ClosedRange<Double>
  /// Add f′ + i f″ for the wavelength to every atomic form factor.
  public var anomalousDispersion: Bool
  /// Use the form factor of the ion (O2−, Fe3+) when the CIF gives a charge and the table has it.
  public var ionicFormFactors: Bool
  /// Apply the CIF's displacement parameters (Debye–Waller factor).
  public var displacementParameters: Bool
  /// How anisotropic displacement parameters are used (when ``displacementParameters`` is on).
  public var displacementModel: DisplacementModel
  /// Form-factor table: Waasmaier–Kirfel (default) or ITC Vol. C 6.1.1.4.
  public var formFactorTable: FormFactorTable
  /// U_iso in Å² used for sites whose CIF gives no displacement parameter (0: T = 1).
  public var defaultUIso: Double
  /// 2θ of a monochromator in degrees (0 = none), for the polarization factor.
  public var monochromatorTwoTheta: Double

  public init(wavelength: Double = 1.5405929, twoThetaRange: ClosedRange<Double> = 5...90,
              anomalousDispersion: Bool = true, ionicFormFactors: Bool = true, displacementParameters: Bool = true,
              displacementModel: DisplacementModel = .anisotropic,
              formFactorTable: FormFactorTable = .waasmaierKirfel, defaultUIso: Double = 0,
              monochromatorTwoTheta: Double = 0) {
    self.wavelength = wavelength
    self.twoThetaRange = twoThetaRange
    self.anomalousDispersion = anomalousDispersion
    self.ionicFormFactors = ionicFormFactors
    self.displacementParameters = displacementParameters
    self.displacementModel = displacementModel
    self.formFactorTable = formFactorTable
    self.defaultUIso = defaultUIso
    self.monochromatorTwoTheta = monochromatorTwoTheta
  }
}

/// Which displacement parameters a calculation applies.
public enum DisplacementModel: String, Sendable, Hashable, CaseIterable {
  /// Anisotropic U_ij where the CIF gives them, isotropic U elsewhere (the physics; default).
  case anisotropic
  /// The equivalent isotropic U (⅓ trace) for sites with U_ij; isotropic U elsewhere.
  case equivalentIsotropic
  /// Only the isotropic U or B columns as written; sites with U_ij alone get T = 1. This is what
  /// Dans_Diffraction and xrayutilities do (../shared/refs/CONVENTIONS.md).
  case isotropicAsWritten
}
