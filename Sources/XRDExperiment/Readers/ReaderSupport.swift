// Small pieces the instrument-file readers share: the Kα1/Kα2 lines from a file's stated wavelengths and
// ratio, a 2θ axis from start and step, and putting a descending scan in ascending 2θ order.
//
// Wavelengths outside 0.01–10 Å, non-finite values and Kα2/Kα1 ratios outside (0, 1.5] are treated as not
// stated (instrument software writes 0 or -1 for "unknown"). Not done: Kβ as an emission line (a filtered or
// monochromated lab pattern does not show it; readers keep it as metadata).

import Foundation
import XRDDiffraction

enum ReaderSupport {
  /// Whether `value` is a plausible X-ray wavelength in Å.
  static func isWavelength(_ value: Double?) -> Bool {
    guard let value else { return false }
    return value.isFinite && value >= 0.01 && value <= 10
  }

  /// Kα1 (weight 1) and Kα2 (weight `ratio`) as a file states them, and what of that it did not state.
  ///
  /// Without a usable Kα1 the single `fallback` wavelength (e.g. Bruker's "used λ", often the Kα average) is
  /// the one line. A Kα2 equal to Kα1 or a ratio of 0 means a monochromatic beam: one line. A Kα2 without a
  /// ratio gets the conventional 0.5 and "Kα2/Kα1 ratio" is reported missing.
  /// - Parameter anode: element symbol for the line names ("Cu" → "CuKa1"); nil gives "Ka1".
  static func kAlphaLines(kAlpha1: Double?, kAlpha2: Double?, ratio: Double?, fallback: Double? = nil,
                          anode: String? = nil) -> (lines: [EmissionLine], missing: [String]) {
    let prefix = anode.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 } ?? ""
    guard isWavelength(kAlpha1), let kAlpha1 else {
      if isWavelength(fallback), let fallback {
        return ([EmissionLine(wavelength: fallback, weight: 1, name: nil)], ["Kα1 wavelength"])
      }
      return ([], ["wavelength"])
    }
    var lines = [EmissionLine(wavelength: kAlpha1, weight: 1, name: prefix + "Ka1")]
    var missing: [String] = []
    if isWavelength(kAlpha2), let kAlpha2, abs(kAlpha2 - kAlpha1) > 1e-6 {
      if let ratio, ratio.isFinite, ratio >= 0, ratio <= 1.5 {
        if ratio > 0 { lines.append(EmissionLine(wavelength: kAlpha2, weight: ratio, name: prefix + "Ka2")) }
      } else {
        lines.append(EmissionLine(wavelength: kAlpha2, weight: 0.5, name: prefix + "Ka2"))
        missing.append("Kα2/Kα1 ratio")
      }
    } else if kAlpha2 == nil {
      missing.append("Kα2 wavelength")
    }
    return (lines, missing)
  }

  /// The points `start + i·step`, i = 0 ..< count.
  static func axis(start: Double, step: Double, count: Int) -> [Double] {
    (0..<count).map { start + Double($0) * step }
  }

  /// `twoTheta` and `intensity` in ascending 2θ order (a descending scan reversed).
  static func ascending(_ twoTheta: [Double], _ intensity: [Double]) -> ([Double], [Double]) {
    guard let first = twoTheta.first, let last = twoTheta.last, last < first else { return (twoTheta, intensity) }
    return (twoTheta.reversed(), intensity.reversed())
  }

  /// A single-precision value as the decimal it was written as (0.015 rather than 0.014999999664…): the
  /// shortest decimal that round-trips the Float, read back as a Double.
  static func decimal(_ value: Float) -> Double {
    Double(value.description) ?? Double(value)
  }

  /// A number as metadata text: integers without ".0", others as Swift prints them.
  static func text(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
  }
}
