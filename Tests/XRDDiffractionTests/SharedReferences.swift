// Access to ../shared (reference patterns and CIFs beside the repository) and pattern comparison helpers.

import Foundation
import XRDCrystal
import XRDDiffraction

/// The repository root (two levels above this file's folder).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// `../shared` beside the repository, or nil when absent.
let sharedDirectory: URL? = {
  let url = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
  return FileManager.default.fileExists(atPath: url.path) ? url : nil
}()

let hasShared = sharedDirectory != nil

/// A reference stick: 2θ in degrees, intensity with the strongest = 100.
struct Stick: Sendable {
  var twoTheta: Double
  var intensity: Double
}

/// Peaks of a reference JSON file (`peaks`, or another list key), normalised to max = 100.
func referenceSticks(tool: String, name: String, key: String = "peaks") -> (cif: String, sticks: [Stick])? {
  guard let shared = sharedDirectory else { return nil }
  let url = shared.appendingPathComponent("refs/\(tool)/\(name).json")
  guard let data = try? Data(contentsOf: url),
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        let cif = object["source_cif"] as? String,
        let peaks = object[key] as? [[String: Any]] else { return nil }
  let sticks = peaks.compactMap { p -> Stick? in
    guard let t = p["two_theta"] as? Double, let i = p["intensity"] as? Double else { return nil }
    return Stick(twoTheta: t, intensity: i)
  }
  return (cif, merge(sticks))
}

/// Reference names (file stems) available for a tool.
func referenceNames(tool: String) -> [String] {
  guard let shared = sharedDirectory,
        let names = try? FileManager.default.contentsOfDirectory(atPath: shared.appendingPathComponent("refs/\(tool)").path)
  else { return [] }
  return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
}

/// Our pattern as sticks merged within `tolerance` degrees (see ``merge(_:tolerance:)``), max = 100.
func mergedSticks(_ pattern: StickPattern, tolerance: Double = mergeTolerance) -> [Stick] {
  merge(pattern.reflections.map { Stick(twoTheta: $0.twoTheta, intensity: $0.intensity) }, tolerance: tolerance)
}

/// Peaks closer than this (degrees) are summed on both sides before comparing: each tool bins coincident
/// reflections its own way (pymatgen by 1e-5° bins, Dans_Diffraction by a wider overlap), and reflections
/// 1e-4° apart are one peak to any diffractometer. It is 5× below the 0.001° position tolerance.
let mergeTolerance = 2e-4

/// Sticks sorted by 2θ, runs closer than `tolerance` summed (at the first 2θ), renormalised to max = 100.
func merge(_ sticks: [Stick], tolerance: Double = mergeTolerance) -> [Stick] {
  var merged: [Stick] = []
  for r in sticks.sorted(by: { $0.twoTheta < $1.twoTheta }) {
    if let last = merged.last, r.twoTheta - last.twoTheta < tolerance {
      merged[merged.count - 1].intensity += r.intensity
    } else {
      merged.append(r)
    }
  }
  let maximum = merged.map(\.intensity).max() ?? 1
  for i in merged.indices { merged[i].intensity *= 100 / maximum }
  return merged
}

/// How one simulated pattern compares with a reference.
struct Comparison: CustomStringConvertible {
  var name: String
  /// Reference peaks ≥ 1 % with no simulated peak within 0.001°.
  var missing: [Stick]
  /// Simulated peaks ≥ 2 % with no reference peak within 0.001°.
  var extra: [Stick]
  /// Largest |ΔI| (in % of the strongest) over the reference's ten strongest peaks.
  var maxTop10Difference: Double
  /// Largest |Δ2θ| over matched peaks ≥ 1 %.
  var maxPositionDifference: Double

  var description: String {
    String(format: "%@: max|dI| top-10 %.3f, max|d2θ| %.5f°, missing %d, extra %d", name, maxTop10Difference,
           maxPositionDifference, missing.count, extra.count)
  }
}

func nearest(_ sticks: [Stick], to twoTheta: Double) -> Stick? {
  sticks.min { abs($0.twoTheta - twoTheta) < abs($1.twoTheta - twoTheta) }
}

func compare(_ ours: [Stick], _ reference: [Stick], name: String, positionTolerance: Double = 0.001) -> Comparison {
  var missing: [Stick] = []
  var maxPosition = 0.0
  for r in reference where r.intensity >= 1 {
    guard let o = nearest(ours, to: r.twoTheta), abs(o.twoTheta - r.twoTheta) <= positionTolerance else {
      missing.append(r)
      continue
    }
    maxPosition = max(maxPosition, abs(o.twoTheta - r.twoTheta))
  }
  let extra = ours.filter { o in
    o.intensity >= 2 && !(nearest(reference, to: o.twoTheta).map { abs($0.twoTheta - o.twoTheta) <= positionTolerance } ?? false)
  }
  var maxDifference = 0.0
  for r in reference.sorted(by: { $0.intensity > $1.intensity }).prefix(10) {
    let matched = nearest(ours, to: r.twoTheta).flatMap { abs($0.twoTheta - r.twoTheta) <= positionTolerance ? $0 : nil }
    maxDifference = max(maxDifference, abs((matched?.intensity ?? 0) - r.intensity))
  }
  return Comparison(name: name, missing: missing, extra: extra, maxTop10Difference: maxDifference,
                    maxPositionDifference: maxPosition)
}

func quantile(_ values: [Double], _ q: Double) -> Double {
  let sorted = values.sorted()
  guard !sorted.isEmpty else { return .nan }
  let index = min(sorted.count - 1, Int((q * Double(sorted.count - 1)).rounded(.up)))
  return sorted[index]
}

/// Loads a CIF of ../shared/refs/cifs.
func referenceCrystal(_ file: String) throws -> Crystal {
  try Crystal.load(contentsOf: sharedDirectory!.appendingPathComponent("refs/cifs/\(file)"))
}
