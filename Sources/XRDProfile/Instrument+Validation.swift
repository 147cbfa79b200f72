// Range checks of an instrument: what a file or a `--set` may not say.
//
// Every rule names the key path of the file format, so the same check serves files (the reader adds the
// line), `--set` and values built in code. Rejected: non-finite numbers anywhere; an empty or unphysical
// 2θ scan (start ≤ 0, stop ≤ start, stop ≥ 180, step ≤ 0, more than 10⁷ points); for a Q scan instead
// (`q`, which makes `two_theta` unused and unchecked) start ≤ 0, stop ≤ start, stop ≥ 4π/λ (2θ = 180° at the
// strongest line), step ≤ 0, more than 10⁷ points, or a 2θ rendering grid at the points' smallest 2θ
// spacing of more than 10⁷ points (a scan ending close to 4π/λ); wavelengths outside
// (0, 10) Å and weights ≤ 0; goniometer radius ≤ 0, |displacement| ≥ radius, |zero shift| ≥ 10°;
// monochromator 2θ outside [0, 180); slit angle outside (0, 90); a Gaussian FWHM² (U tan²θ + V tan θ + W) or
// a Lorentzian FWHM (X / cos θ + Y tan θ) negative anywhere on the scan, or both zero; S/L, H/L < 0; crystallite
// size ≤ 0; microstrain outside [0, 1); texture axis (0 0 0) or r ≤ 0; scale ≤ 0; hump width ≤ 0, height < 0,
// η outside [0, 1]; counts outside (0, 10⁹]; Gaussian σ < 0.

import Foundation

extension Instrument {
  /// The largest scan xrdsim accepts, in points.
  public static let maximumPointCount = 10_000_000

  /// Checks every value against its allowed range (the list is in Instrument+Validation.swift).
  ///
  /// - Throws: ``InstrumentError`` with kind ``InstrumentError/Kind/invalidValue(_:reason:)`` and the key
  ///   path of the first offending value, in file order; no location (the file reader adds it).
  public func validate() throws(InstrumentError) {
    // radiation
    if radiation.isEmpty { throw invalid("radiation", "[]", "give at least one emission line") }
    for (i, line) in radiation.enumerated() {
      guard line.wavelength.isFinite, line.wavelength > 0, line.wavelength < 10 else {
        throw invalid("radiation[\(i)].wavelength", line.wavelength,
                      "a wavelength must be a number of ångströms between 0 and 10")
      }
      guard line.weight.isFinite, line.weight > 0 else {
        throw invalid("radiation[\(i)].weight", line.weight, "a line weight must be positive")
      }
    }

    if let q {
      try validateQ(q)
    } else {
      try validateTwoTheta()
    }

    // geometry
    try finite("zero_shift", zeroShift)
    guard abs(zeroShift) < 10 else { throw invalid("zero_shift", zeroShift, "a zero shift must be below 10 degrees") }
    try finite("goniometer_radius", goniometerRadius)
    guard goniometerRadius > 0 else {
      throw invalid("goniometer_radius", goniometerRadius, "the radius must be a positive number of mm")
    }
    try finite("displacement", displacement)
    guard abs(displacement) < goniometerRadius else {
      throw invalid("displacement", displacement,
                    "the displacement must be smaller than the goniometer radius (\(format(goniometerRadius)) mm)")
    }
    try finite("monochromator_two_theta", monochromatorTwoTheta)
    guard monochromatorTwoTheta >= 0, monochromatorTwoTheta < 180 else {
      throw invalid("monochromator_two_theta", monochromatorTwoTheta, "2θ_M must be 0 (none) or below 180 degrees")
    }
    try finite("divergence_slit.angle", divergenceSlit.angle)
    guard divergenceSlit.angle > 0, divergenceSlit.angle < 90 else {
      throw invalid("divergence_slit.angle", divergenceSlit.angle, "the slit angle must lie between 0 and 90 degrees")
    }

    try validateProfile()

    // sample
    if let size = sample.crystalliteSize {
      try finite("sample.crystallite_size_nm", size)
      guard size > 0 else {
        throw invalid("sample.crystallite_size_nm", size, "a crystallite size must be positive (null for none)")
      }
    }
    try finite("sample.microstrain", sample.microstrain)
    guard sample.microstrain >= 0, sample.microstrain < 1 else {
      throw invalid("sample.microstrain", sample.microstrain,
                    "microstrain is Δd/d, from 0 to below 1 (0.001 is 0.1 %)")
    }
    let axis = sample.texture.axis
    guard axis.h != 0 || axis.k != 0 || axis.l != 0 else {
      throw InstrumentError(.invalidValue("[0, 0, 0]", reason: "the texture axis must be a non-zero hkl"),
                            keyPath: "sample.texture.hkl")
    }
    try finite("sample.texture.r", sample.texture.ratio)
    guard sample.texture.ratio > 0 else {
      throw invalid("sample.texture.r", sample.texture.ratio, "the March–Dollase r must be positive (1 = random powder)")
    }
    try finite("sample.scale", sample.scale)
    guard sample.scale > 0 else { throw invalid("sample.scale", sample.scale, "the scale must be positive") }

    // background
    for (i, c) in background.chebyshev.enumerated() { try finite("background.chebyshev[\(i)]", c) }
    try finite("background.inverse_two_theta", background.inverseTwoTheta)
    for (i, hump) in background.humps.enumerated() {
      let path = "background.humps[\(i)]"
      try finite(path + ".center", hump.center)
      try finite(path + ".fwhm", hump.fwhm)
      try finite(path + ".height", hump.height)
      try finite(path + ".eta", hump.eta)
      guard hump.fwhm > 0 else { throw invalid(path + ".fwhm", hump.fwhm, "a hump width must be positive") }
      guard hump.height >= 0 else { throw invalid(path + ".height", hump.height, "a hump height must not be negative") }
      guard (0...1).contains(hump.eta) else { throw invalid(path + ".eta", hump.eta, "η must lie between 0 and 1") }
    }

    // noise
    if let counts = noise.counts {
      try finite("noise.counts", counts)
      guard counts > 0, counts <= 1e9 else {
        throw invalid("noise.counts", counts, "peak counts must be positive and at most 1e9 (null for no noise)")
      }
    }
    try finite("noise.gaussian_sigma", noise.gaussianSigma)
    guard noise.gaussianSigma >= 0 else {
      throw invalid("noise.gaussian_sigma", noise.gaussianSigma, "a standard deviation must not be negative")
    }
    try finite("noise.correlation", noise.correlation)
    guard noise.correlation >= 0, noise.correlation <= NoiseModel.maximumCorrelation else {
      throw invalid("noise.correlation", noise.correlation, "the neighbour correlation must be in [0, 0.7071] (1/√2)")
    }
  }

  /// `two_theta`: 0 < start < stop < 180, step > 0, at most ``maximumPointCount`` points.
  private func validateTwoTheta() throws(InstrumentError) {
    let scan = twoTheta
    try finite("two_theta.start", scan.start)
    try finite("two_theta.stop", scan.stop)
    try finite("two_theta.step", scan.step)
    guard scan.start > 0, scan.start < 180 else {
      throw invalid("two_theta.start", scan.start, "2θ must lie between 0 and 180 degrees")
    }
    guard scan.stop > scan.start else {
      throw invalid("two_theta.stop", scan.stop, "stop must be greater than start (\(format(scan.start)))")
    }
    guard scan.stop < 180 else { throw invalid("two_theta.stop", scan.stop, "2θ must be below 180 degrees") }
    guard scan.step > 0 else { throw invalid("two_theta.step", scan.step, "the step must be positive") }
    let points = ((scan.stop - scan.start) / scan.step).rounded(.down) + 1
    guard points <= Double(Self.maximumPointCount) else {
      throw invalid("two_theta.step", scan.step,
                    "it gives \(format(points)) points from \(format(scan.start)) to \(format(scan.stop)); "
                      + "at most \(Self.maximumPointCount) are allowed")
    }
  }

  /// `q`: 0 < start < stop < 4π/λ, step > 0, at most ``maximumPointCount`` points, and as many for the 2θ grid
  /// the simulator renders on (step: the smallest 2θ spacing of the Q points, that of the first two).
  private func validateQ(_ scan: QRange) throws(InstrumentError) {
    try finite("q.start", scan.start)
    try finite("q.stop", scan.stop)
    try finite("q.step", scan.step)
    let lambda = primaryWavelength
    let qMax = 4 * Double.pi / lambda
    let limit = "4π/λ = \(short(qMax)) Å⁻¹ (2θ = 180° at λ = \(format(lambda)) Å, the strongest line)"
    guard scan.start > 0 else { throw invalid("q.start", scan.start, "Q must be positive (in Å⁻¹)") }
    guard scan.stop > scan.start else {
      throw invalid("q.stop", scan.stop, "stop must be greater than start (\(format(scan.start)))")
    }
    guard scan.stop < qMax else { throw invalid("q.stop", scan.stop, "Q must be below \(limit)") }
    guard scan.step > 0 else { throw invalid("q.step", scan.step, "the step must be positive") }
    let points = ((scan.stop - scan.start) / scan.step).rounded(.down) + 1
    guard points <= Double(Self.maximumPointCount) else {
      throw invalid("q.step", scan.step,
                    "it gives \(format(points)) points from \(format(scan.start)) to \(format(scan.stop)) Å⁻¹; "
                      + "at most \(Self.maximumPointCount) are allowed")
    }
    // 2θ(Q) is convex: the first spacing is the smallest; the simulator renders at that step (or less).
    if scan.count >= 2 {
      let first = QRange.twoTheta(atQ: scan.start, wavelength: lambda)
      let spacing = QRange.twoTheta(atQ: scan.value(at: 1), wavelength: lambda) - first
      let last = QRange.twoTheta(atQ: scan.value(at: scan.count - 1), wavelength: lambda)
      let renderPoints = ((last - first) / spacing).rounded(.up) + 1
      guard renderPoints <= Double(Self.maximumPointCount) else {
        throw invalid("q.step", scan.step,
                      "2θ runs from \(short(first))° to \(short(last))° with points as close as \(short(spacing))°; "
                        + "the 2θ grid to render on would need \(format(renderPoints)) points, at most "
                        + "\(Self.maximumPointCount) are allowed (raise q.step or lower q.stop)")
      }
    }
  }

  /// The widths must be real and non-negative on the whole scan, and not both zero.
  private func validateProfile() throws(InstrumentError) {
    let p = profile
    for (key, value) in [("U", p.u), ("V", p.v), ("W", p.w), ("X", p.x), ("Y", p.y), ("SL", p.sl), ("HL", p.hl)] {
      try finite("profile." + key, value)
    }
    guard p.sl >= 0 else { throw invalid("profile.SL", p.sl, "the FCJ ratio S/L must not be negative") }
    guard p.hl >= 0 else { throw invalid("profile.HL", p.hl, "the FCJ ratio H/L must not be negative") }

    // 1001 angles across the scan, plus the vertex of the quadratic in tan θ if it falls inside.
    let scan = scanTwoThetaRange
    var angles = (0...1000).map { scan.start + (scan.stop - scan.start) * Double($0) / 1000 }
    if p.u > 0 {
      let vertex = 360 / Double.pi * atan(-p.v / (2 * p.u))
      if vertex > scan.start, vertex < scan.stop { angles.append(vertex) }
    }
    for angle in angles {
      let g2 = p.gaussianFWHMSquared(atTwoTheta: angle)
      if g2 < 0 {
        // Name the term that pulls hardest below zero at this angle.
        let t = tan(angle * .pi / 360)
        let (key, value) = [("U", p.u, p.u * t * t), ("V", p.v, p.v * t), ("W", p.w, p.w)]
          .min { $0.2 < $1.2 }.map { ($0.0, $0.1) } ?? ("W", p.w)
        throw invalid("profile." + key, value,
                      "the Gaussian FWHM² = U tan²θ + V tan θ + W is \(short(g2)) deg² at 2θ = \(short(angle))°; "
                        + "it must not be negative anywhere on the scan")
      }
      let l = p.lorentzianFWHM(atTwoTheta: angle)
      if l < 0 {
        let theta = angle * .pi / 360
        let (key, value) = p.x / cos(theta) < p.y * tan(theta) ? ("X", p.x) : ("Y", p.y)
        throw invalid("profile." + key, value,
                      "the Lorentzian FWHM = X / cos θ + Y tan θ is \(short(l))° at 2θ = \(short(angle))°; "
                        + "it must not be negative anywhere on the scan")
      }
      if g2 == 0 && l == 0 {
        throw InstrumentError(
          .invalidValue("U = \(format(p.u)), V = \(format(p.v)), W = \(format(p.w)), X = \(format(p.x)), "
                          + "Y = \(format(p.y))",
                        reason: "the peak width is zero at 2θ = \(short(angle))°; give W > 0, X > 0 or Y > 0"),
          keyPath: "profile")
      }
    }
  }

  private func finite(_ path: String, _ value: Double) throws(InstrumentError) {
    if !value.isFinite { throw invalid(path, value, "it must be a finite number") }
  }

  private func invalid(_ path: String, _ value: Double, _ reason: String) -> InstrumentError {
    InstrumentError(.invalidValue(format(value), reason: reason), keyPath: path)
  }

  private func invalid(_ path: String, _ value: String, _ reason: String) -> InstrumentError {
    InstrumentError(.invalidValue(value, reason: reason), keyPath: path)
  }

  private func format(_ value: Double) -> String { Instrument.formatNumber(value) }

  /// Four significant digits, for computed values in messages.
  private func short(_ value: Double) -> String { String(format: "%.4g", value) }
}

extension Instrument {
  /// A number as the YAML rendering writes it: integers without ".0", otherwise Swift's shortest
  /// round-trip form ("0.004", "1e-05"); non-finite values as ".inf", "-.inf", ".nan".
  static func formatNumber(_ value: Double) -> String {
    if value.isNaN { return ".nan" }
    if value.isInfinite { return value > 0 ? ".inf" : "-.inf" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
  }
}
