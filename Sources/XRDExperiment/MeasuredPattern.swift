// A measured powder pattern as a diffractometer file gives it: 2θ, intensity, optional e.s.d.s, the
// wavelengths and counting time when the file states them, and everything else it says as metadata.
//
// Readers fill `missing` with what the format could have said but this file did not (wavelength, counting
// time, …), so a caller can tell "not in the file" from "not read". Angles in degrees 2θ, wavelengths in Å.
// Not done: area-detector images, non-coupled (rocking, ω) scans as anything but their raw axis.

public import Foundation
public import XRDDiffraction

/// One measured scan: points in degrees 2θ with their intensities, and what the file says about them.
public struct MeasuredPattern: Sendable {
  /// What the intensities count.
  public enum IntensityUnit: String, Sendable, Hashable, Codable {
    /// Detector counts per point (Poisson statistics apply).
    case counts
    /// Counts per second (divide by the counting time to get here; multiply to get back).
    case countsPerSecond = "cps"
    /// Unknown or processed (normalized, background-subtracted, …).
    case arbitrary
  }

  /// 2θ of each point in degrees, ascending.
  public var twoTheta: [Double]
  /// Intensity at each point, in ``intensityUnit``.
  public var intensity: [Double]
  /// Standard uncertainty of each intensity when the file gives one (`.xye`, FXYE, pdCIF s.u.s); nil otherwise.
  public var sigma: [Double]?
  /// Emission lines (Kα1, Kα2 with its ratio, …) as the file states them; empty when it states none.
  public var radiation: [EmissionLine]
  /// Counting time per point in seconds, when stated.
  public var countingTime: Double?
  public var intensityUnit: IntensityUnit
  /// The format the pattern was read from.
  public var format: MeasuredFormat
  /// The file name (last path component), and for archives "archive.zip/member".
  public var source: String
  /// Everything else the file says that may matter (sample name, date, anode, voltage, scan type, …),
  /// keyed by the file's own key names.
  public var metadata: [String: String]
  /// What this format can state but this file did not: "wavelength", "counting time", "e.s.d.", ….
  public var missing: [String]

  public init(twoTheta: [Double], intensity: [Double], sigma: [Double]? = nil, radiation: [EmissionLine] = [],
              countingTime: Double? = nil, intensityUnit: IntensityUnit = .counts, format: MeasuredFormat,
              source: String, metadata: [String: String] = [:], missing: [String] = []) {
    self.twoTheta = twoTheta
    self.intensity = intensity
    self.sigma = sigma
    self.radiation = radiation
    self.countingTime = countingTime
    self.intensityUnit = intensityUnit
    self.format = format
    self.source = source
    self.metadata = metadata
    self.missing = missing
  }

  public var count: Int { twoTheta.count }

  /// The strongest emission line's wavelength, nil when the file states none.
  public var primaryWavelength: Double? { radiation.max { $0.weight < $1.weight }?.wavelength }

  /// The mean spacing of the 2θ points in degrees (0 for fewer than two points).
  public var meanStep: Double {
    count > 1 ? (twoTheta[count - 1] - twoTheta[0]) / Double(count - 1) : 0
  }

  /// Whether the 2θ points are equidistant within `tolerance` × the mean step.
  public func isUniform(tolerance: Double = 1e-3) -> Bool { Self.isUniform(twoTheta, tolerance: tolerance) }

  /// Whether ascending `twoTheta` values are equidistant within `tolerance` × their mean step.
  package static func isUniform(_ twoTheta: [Double], tolerance: Double = 1e-3) -> Bool {
    let n = twoTheta.count
    guard n > 2 else { return true }
    let step = (twoTheta[n - 1] - twoTheta[0]) / Double(n - 1)
    for i in 1..<n where abs(twoTheta[i] - twoTheta[i - 1] - step) > tolerance * abs(step) { return false }
    return true
  }

  /// The points with 2θ in `range` (degrees), with their intensities and e.s.d.s; the rest of the pattern as it is.
  public func restricted(to range: ClosedRange<Double>) -> MeasuredPattern {
    let keep = twoTheta.indices.filter { range.contains(twoTheta[$0]) }
    guard keep.count < count else { return self }
    var result = self
    result.twoTheta = keep.map { twoTheta[$0] }
    result.intensity = keep.map { intensity[$0] }
    result.sigma = sigma.map { s in keep.map { s[$0] } }
    return result
  }
}
