// The `background:` and `noise:` sections of an instrument file, as plain values.
//
// They are defined here because ``Instrument`` holds them and XRDProfile reads the file; what they do,
// ``BackgroundModel/evaluate(at:)`` and ``NoiseModel/apply(to:stream:)``, lives in XRDAugment
// (Background.swift, Noise.swift), the stage that makes a pattern look measured.

/// A smooth background in counts: a Chebyshev series over the scan, a c/2θ term and broad amorphous humps.
///
/// B(2θ) = Σₙ cₙ Tₙ(x) + c₋₁ / 2θ + Σ humps, with Tₙ the Chebyshev polynomials of the first kind and
/// x ∈ [−1, 1] the linear map of the scan range (first to last 2θ). The sum is clamped at 0: a background
/// is never negative. Default: no background (one coefficient, 0).
public struct BackgroundModel: Sendable, Hashable {
  /// Chebyshev coefficients c₀, c₁, … in counts (key `chebyshev`); c₀ is the mean level over the scan.
  /// Default [0].
  public var chebyshev: [Double]
  /// c₋₁ in counts·degree for the c/2θ term (2θ in degrees; key `inverse_two_theta`), the low-angle rise
  /// from air scatter. Default 0.
  public var inverseTwoTheta: Double
  /// Broad bumps from amorphous material (glass, polymer film, capillary); key `humps`. Default none.
  public var humps: [Hump]

  public init(chebyshev: [Double] = [0], inverseTwoTheta: Double = 0, humps: [Hump] = []) {
    self.chebyshev = chebyshev
    self.inverseTwoTheta = inverseTwoTheta
    self.humps = humps
  }

  /// One amorphous hump: a pseudo-Voigt bump with its maximum `height` at `center` and full width `fwhm`.
  ///
  /// h [η L + (1 − η) G] with G = exp(−4 ln 2 Δ²/Γ²) and L = 1 / (1 + 4 Δ²/Γ²), Δ = 2θ − center, Γ = fwhm:
  /// both shapes are 1 at the centre and ½ at Δ = ±Γ/2, so height and FWHM are exact for any η.
  public struct Hump: Sendable, Hashable {
    /// Centre in degrees 2θ (key `center`).
    public var center: Double
    /// Full width at half maximum in degrees, > 0 (key `fwhm`).
    public var fwhm: Double
    /// Height at the centre in counts, ≥ 0 (key `height`).
    public var height: Double
    /// Lorentzian fraction η ∈ [0, 1] (key `eta`); 0 = Gaussian (default).
    public var eta: Double

    public init(center: Double, fwhm: Double, height: Double, eta: Double = 0) {
      self.center = center
      self.fwhm = fwhm
      self.height = height
      self.eta = eta
    }
  }
}

/// Counting statistics: Poisson noise at a chosen peak count, optional Gaussian detector noise, a seed.
///
/// With ``counts`` set, the noiseless pattern (peaks + background) is scaled so that its maximum is
/// `counts`, and every point is replaced by a Poisson draw with that mean; with ``gaussianSigma`` > 0 a
/// normal deviate of that standard deviation (counts) is added and the result clamped at 0. With `counts`
/// nil the pattern is not rescaled and only the Gaussian part (if any) is added. With ``correlation`` ρ > 0
/// the drawn deviations are then mixed with their neighbours' so that adjacent points correlate by ρ (as
/// in patterns interpolated or rebinned from a position-sensitive detector). Default: no noise.
public struct NoiseModel: Sendable, Hashable {
  /// Expected counts at the strongest point of the pattern, 0 < counts ≤ 10⁹ (key `counts`); nil = no
  /// Poisson noise and no rescaling. Default nil.
  public var counts: Double?
  /// Standard deviation of additive Gaussian detector noise in counts, ≥ 0 (key `gaussian_sigma`). Default 0.
  public var gaussianSigma: Double
  /// Seed of the noise (key `seed`, 0 … 2⁶⁴ − 1): the same seed gives bit-identical noise. Default 0.
  public var seed: UInt64
  /// Correlation ρ of the noise at adjacent points, 0 ≤ ρ ≤ ``maximumCorrelation`` (key `correlation`):
  /// each point's deviation becomes a e₋ + b e + a e₊ of its own and its neighbours' drawn deviations, with
  /// b² + 2a² = 1 (the variance kept) and 2ab = ρ. Measured patterns from strip detectors show ρ ≈ 0.5
  /// (`xrdsim conditions` reports it). Default 0: independent points.
  public var correlation: Double

  /// The largest adjacent-point correlation a three-point mixing with kept variance gives: 1/√2.
  public static let maximumCorrelation = 0.5.squareRoot()

  public init(counts: Double? = nil, gaussianSigma: Double = 0, seed: UInt64 = 0, correlation: Double = 0) {
    self.counts = counts
    self.gaussianSigma = gaussianSigma
    self.seed = seed
    self.correlation = correlation
  }

  /// Whether the model changes a pattern at all (counts set or σ > 0).
  public var isEnabled: Bool { counts != nil || gaussianSigma > 0 }
}
