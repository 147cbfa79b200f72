// One family of symmetry-equivalent reflections of a powder pattern, and the stick pattern they make.

/// A family of symmetry-equivalent reflections (an orbit of the Laue group): one powder "stick".
public struct Reflection: Sendable, Hashable {
  /// A representative member (see ``MillerIndex``); every member has the same d and |F|.
  public var hkl: MillerIndex
  /// Number of members of the family (Laue-class orbit size).
  public var multiplicity: Int
  /// Interplanar spacing d in Å.
  public var dSpacing: Double
  /// Bragg angle 2θ in degrees.
  public var twoTheta: Double
  /// Mean |F|² over the family, in electrons² (averages F(h) and F(−h) when they differ through anomalous
  /// dispersion in a non-centrosymmetric structure).
  public var structureFactorSquared: Double
  /// Lorentz-polarization factor at 2θ.
  public var lorentzPolarization: Double
  /// Integrated intensity m·|F|²·Lp (absolute scale, electrons²).
  public var intensity: Double

  /// |F| = √(mean |F|²), in electrons.
  public var structureFactorMagnitude: Double { structureFactorSquared.squareRoot() }
  /// sinθ/λ in Å⁻¹.
  public var sinThetaOverLambda: Double { 1 / (2 * dSpacing) }
}

/// The reflections of a crystal at one wavelength, sorted by 2θ.
public struct StickPattern: Sendable {
  public var wavelength: Double
  public var reflections: [Reflection]

  public init(wavelength: Double, reflections: [Reflection]) {
    self.wavelength = wavelength
    self.reflections = reflections
  }

  /// Intensities scaled so that the strongest reflection is 100.
  public var relativeIntensities: [Double] {
    let maximum = reflections.map(\.intensity).max() ?? 0
    guard maximum > 0 else { return reflections.map { _ in 0 } }
    return reflections.map { 100 * $0.intensity / maximum }
  }
}
