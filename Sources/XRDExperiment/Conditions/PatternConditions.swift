// What one measured pattern says about the conditions it was measured under, in the generator's terms
// (PatternRecipe / PatternComposer of XRDCorpus): scan, background level and shape, counting noise, peak widths.
//
// Steps (intensities first divided by a rough gain g₀, the median over all points of the lag-3 second
// differences' z², so that they are count-like whatever the file's unit; everything below is in those units):
// 1. A rough SNIP background (window 1.5°), candidate peaks on it, and a typical FWHM: the median of the
//    half-height widths of the ten strongest.
// 2. SNIP (SNIPBackground.swift) with a window of 3 × that FWHM plus the splitting of the emission lines at
//    each angle (Cu Kα1–Kα2: 0.07° at 30°, 0.23° at 90°; 5 points … 2.5°), then three rounds of: mask
//    the points within 1.5 FWHM of where the smoothed residual stands > 4 robust σ above 0, and raise the
//    background by the median residual of the other points (clipping leaves SNIP about one σ low).
// 3. Noise (NoiseEstimate.swift) on the unmasked points: the gain g, so noise counts = H / g.
// 4. Isolated peaks fitted with the pattern's emission lines (FittedPeak.swift); then SNIP again on the data
//    minus the fitted peaks, offset as before: a strong peak's Lorentzian tails reach further than any window
//    that keeps the background's own curvature, and SNIP alone leaves them in the background (by ~10 % of
//    the background under a peak 20 times higher, with the tails this removes 1–3 %).
// 5. H, the strongest point of the net signal y − B (the vertex of a least-squares parabola through the
//    2h + 1 points around the maximum of its 3-point mean, h ≈ FWHM/4: neither the noise of the highest
//    point nor the flattening of a running mean): the generator's "strongest Bragg point". Background level
//    c₀/H with c₀ from the shape fit (BackgroundShape.swift); background fraction Σ B / Σ y over the scan.
// The generator's quantities, so that estimating them again on a generated pattern closes the loop:
// `augment.background.level` = c₀/H, `augment.noise_counts` = H/g (Poisson counts at the strongest peak).
// Not done: non-uniform scans (rejected), scans with fewer than 200 points (rejected), patterns whose
// intensities had their background subtracted (the gain is then wrong, see NoiseEstimate.swift).

import Foundation
public import XRDDiffraction

/// The conditions of one measured pattern.
public struct PatternConditions: Sendable, Codable {
  /// The pattern's ``MeasuredPattern/source``.
  public var source: String
  /// Scan: first and last 2θ and step, degrees; number of points.
  public var twoThetaStart: Double
  public var twoThetaStop: Double
  public var step: Double
  public var pointCount: Int
  /// The typical FWHM of step 1 and the SNIP window used at the middle of the scan, degrees.
  public var typicalFWHM: Double
  public var snipWindow: Double
  /// Σ background / Σ intensity over the scan.
  public var backgroundFraction: Double
  /// H: net intensity of the strongest peak point, in the pattern's units.
  public var peakHeight: Double
  /// The background's fitted shape (c₀ in the pattern's units); nil when it could not be fitted.
  public var shape: BackgroundShape?
  /// c₀ / H: the generator's `background.level`.
  public var backgroundLevel: Double?
  /// The counting noise (gain in the pattern's units per count); nil when too few peak-free points.
  public var noise: NoiseEstimate?
  /// H / gain: effective Poisson counts at the strongest peak, the generator's `noise_counts`.
  public var noiseCounts: Double?
  /// Fraction of points masked as peaks.
  public var peakFraction: Double
  /// The isolated peaks fitted (heights and areas in the pattern's units).
  public var peaks: [FittedPeak]
  /// The emission lines the peaks were fitted with, and whether they were assumed (the file states none).
  public var wavelengths: [Double]
  public var lineWeights: [Double]
  public var radiationAssumed: Bool
  /// The estimated background at each point, in the pattern's units (not encoded).
  public var background: [Double] = []

  enum CodingKeys: String, CodingKey {
    case source, twoThetaStart, twoThetaStop, step, pointCount, typicalFWHM, snipWindow, backgroundFraction
    case peakHeight, shape, backgroundLevel, noise, noiseCounts, peakFraction, peaks, wavelengths, lineWeights
    case radiationAssumed
  }

  /// The emission lines as ``EmissionLine`` values.
  public var radiation: [EmissionLine] {
    zip(wavelengths, lineWeights).map { EmissionLine(wavelength: $0, weight: $1) }
  }

  /// Estimates the conditions of `pattern`.
  ///
  /// - Parameter assumedRadiation: the emission lines to fit peaks with when the file states none.
  /// - Throws: ``MeasurementError`` (naming the file) for fewer than 200 points, a scan that is not uniform or
  ///   not ascending, non-finite intensities, or intensities without noise (no count scale can be found).
  public init(pattern: MeasuredPattern, assumedRadiation: [EmissionLine]) throws(MeasurementError) {
    let name = pattern.source
    let n = pattern.count
    guard n >= 200 else {
      throw MeasurementError(file: name, field: "2θ", message: "\(n) points; estimating conditions needs at least 200")
    }
    let x = pattern.twoTheta
    let step = pattern.meanStep
    guard step > 0, pattern.isUniform(tolerance: 0.01) else {
      throw MeasurementError(file: name, field: "2θ", message: "the scan is not uniform and ascending; conditions need equal steps")
    }
    if let bad = pattern.intensity.firstIndex(where: { !$0.isFinite }) {
      throw MeasurementError(file: name, field: "intensity", message: "point \(bad + 1) (2θ = \(x[bad])) is not a finite number")
    }
    try self.init(checked: pattern, assumedRadiation: assumedRadiation, x: x, step: step)
  }

  private init(checked pattern: MeasuredPattern, assumedRadiation: [EmissionLine], x: [Double], step: Double)
    throws(MeasurementError) {
    let name = pattern.source
    let n = pattern.count
    let raw = pattern.intensity
    let lag = 3

    // Count scale g₀.
    let level = movingAverage(raw, halfWidth: 2)
    var z2: [Double] = []
    for i in lag..<(n - lag) {
      let e = level[i - lag] + 4 * level[i] + level[i + lag]
      guard e > 0 else { continue }
      let d = raw[i - lag] - 2 * raw[i] + raw[i + lag]
      z2.append(d * d / e)
    }
    let g0 = (median(z2) ?? 0) / 0.454936
    guard g0 > 0, g0.isFinite else {
      throw MeasurementError(file: name, field: "intensity",
                             message: "no point-to-point noise (or no positive intensities): the count scale cannot be estimated")
    }
    let y = raw.map { $0 / g0 }

    // 1. Rough background and typical FWHM.
    let rough = SNIPBackground(window: Int((1.5 / step).rounded())).background(of: y)
    let roughNet = movingAverage(zip(y, rough).map { $0 - $1 }, halfWidth: 1)
    let candidates = FittedPeak.candidates(net: roughNet, background: rough, gain: 1, threshold: 8,
                                           spacing: max(2, Int((0.15 / step).rounded())))
    let widths = candidates.prefix(10).map {
      FittedPeak.halfHeightWidth(net: roughNet, at: $0, step: step, limit: Int((2 / step).rounded()))
    }.sorted()
    let typical = widths.isEmpty ? max(0.1, 5 * step) : widths[widths.count / 2]
    let lines = pattern.radiation.isEmpty ? assumedRadiation : pattern.radiation
    let ratios = FittedPeak.lines(lines).map(\.ratio)
    let windows = x.map { angle -> Int in
      let positions = ratios.compactMap { FittedPeak.position(of: $0, reference: angle) }
      let split = (positions.max() ?? angle) - (positions.min() ?? angle)
      return min(max(5, Int(((3 * typical + split) / step).rounded())), max(5, Int((2.5 / step).rounded())))
    }

    // 2. SNIP and offset.
    var background = SNIPBackground(windows: windows).background(of: y)
    var mask = [Bool](repeating: true, count: n)
    let dilation = max(1, Int((1.5 * typical / step).rounded()))
    let smoothing = max(1, Int((typical / step / 4).rounded()))
    for _ in 0..<3 {
      let residual = (0..<n).map { y[$0] - background[$0] }
      let smooth = movingAverage(residual, halfWidth: smoothing)
      let z = (0..<n).map { smooth[$0] / max(background[$0], 1).squareRoot() }
      let center = median(z) ?? 0
      let mad = (median(z.map { abs($0 - center) }) ?? 0) * 1.4826
      let peak = mad > 0 ? dilate(z.map { ($0 - center) / mad > 4 }, radius: dilation) : [Bool](repeating: false, count: n)
      mask = peak.map { !$0 }
      guard let offset = median((0..<n).filter { mask[$0] }.map { residual[$0] }) else { break }
      background = background.map { $0 + offset }
    }
    background = background.map { max($0, 0) }

    // 3. Noise.
    let noise = NoiseEstimate(intensity: y, background: background, mask: mask, lag: lag)

    // 4. Peaks, then the background again without their tails.
    let peaks = noise.map {
      FittedPeak.fit(twoTheta: x, intensity: y, background: background, gain: $0.gain, radiation: lines, typicalFWHM: typical)
    } ?? []
    if !peaks.isEmpty {
      let model = FittedPeak.render(peaks, radiation: lines, twoTheta: x)
      let stripped = (0..<n).map { y[$0] - model[$0] }
      var refined = SNIPBackground(windows: windows).background(of: stripped)
      if let offset = median((0..<n).filter { mask[$0] }.map { stripped[$0] - refined[$0] }) {
        refined = refined.map { $0 + offset }
      }
      background = refined.map { max($0, 0) }
    }

    // 5. Strongest peak point, fraction, shape.
    let height = Self.strongestPoint(net: zip(y, background).map { $0 - $1 },
                                     halfWidth: max(2, Int((typical / step / 4).rounded())))
    let total = y.reduce(0, +)
    let shape = BackgroundShape(twoTheta: x, background: background)

    source = name
    twoThetaStart = x[0]
    twoThetaStop = x[n - 1]
    self.step = step
    pointCount = n
    typicalFWHM = typical
    snipWindow = Double(windows[n / 2]) * step
    backgroundFraction = total > 0 ? background.reduce(0, +) / total : 0
    peakHeight = height * g0
    if var s = shape { s.c0 *= g0; self.shape = s } else { self.shape = nil }
    backgroundLevel = shape.flatMap { height > 0 ? $0.c0 / height : nil }
    if var noise {
      noiseCounts = height > 0 ? height / noise.gain : nil
      noise.gain *= g0
      self.noise = noise
    } else {
      self.noise = nil
      noiseCounts = nil
    }
    peakFraction = Double(mask.filter { !$0 }.count) / Double(n)
    self.peaks = peaks.map { p in
      var q = p
      q.area *= g0
      q.height *= g0
      return q
    }
    wavelengths = lines.map(\.wavelength)
    lineWeights = lines.map(\.weight)
    radiationAssumed = pattern.radiation.isEmpty
    self.background = background.map { $0 * g0 }
  }

  /// The height of the strongest point of `net`: at the maximum of its 3-point mean, the vertex of the
  /// least-squares parabola through the 2h + 1 points around it (the 3-point maximum when the parabola
  /// does not open downwards or its vertex leaves the window).
  static func strongestPoint(net: [Double], halfWidth h: Int) -> Double {
    let n = net.count
    let smooth = movingAverage(net, halfWidth: 1)
    guard let top = smooth.indices.max(by: { smooth[$0] < smooth[$1] }) else { return 0 }
    let lo = max(0, top - h), hi = min(n - 1, top + h)
    guard hi - lo >= 2 else { return smooth[top] }
    // Parabola a + b t + c t² in t = i − top by the normal equations.
    var s = [Double](repeating: 0, count: 5), r = [Double](repeating: 0, count: 3)
    for i in lo...hi {
      let t = Double(i - top)
      var power = 1.0
      for k in 0..<5 {
        s[k] += power
        if k < 3 { r[k] += power * net[i] }
        power *= t
      }
    }
    let m = [s[0], s[1], s[2], s[1], s[2], s[3], s[2], s[3], s[4]]
    guard let coefficients = BackgroundShape.choleskySolve(m, r, 3) else { return smooth[top] }
    let (a, b, c) = (coefficients[0], coefficients[1], coefficients[2])
    guard c < 0 else { return smooth[top] }
    let vertex = -b / (2 * c)
    guard abs(vertex) <= Double(h) else { return smooth[top] }
    return a + b * vertex + c * vertex * vertex
  }
}
