// PANalytical `.xrdml` (XML; namespace http://www.xrdml.com/XRDMeasurement/<version>, versions 1.0–2.x).
//
// Root `xrdMeasurements` → one or more `xrdMeasurement` (each with `usedWavelength`: kAlpha1, kAlpha2, kBeta,
// ratioKAlpha2KAlpha1, and the tube in `incidentBeamPath/xRayTube`) → one or more `scan` → `dataPoints`:
// `positions axis="2Theta"` as `startPosition`/`endPosition` (an equidistant axis with as many points as there
// are intensities) or as a `listPositions` list; intensities in `<intensities>` or `<counts>` (both occur),
// unit from their `unit` attribute; `commonCountingTime` (or a per-point `countingTimes` list);
// `beamAttenuationFactors`, when present, are multiplied in (the counts were taken with an attenuator).
// Every scan of every measurement is one pattern, in document order.
// Not done: scans whose 2θ is fixed (ω rocking curves, φ scans) are skipped and noted; area-detector
// (`xrdMeasurement measurementType="Area measurement"`) frames are read as their integrated 1-D scans only
// if the file gives them as 1-D `scan`s.

import Foundation
import XRDDiffraction

enum XRDMLReader {
  static func read(_ data: Data, name: String) throws(MeasurementError) -> [MeasuredPattern] {
    let root = try MarkupTree.parse(data, file: name)
    guard root.name == "xrdMeasurements" else {
      throw MeasurementError(file: name, line: root.line, field: root.name,
                             message: "not an XRDML document (root element <\(root.name)>, expected <xrdMeasurements>)")
    }
    var fileMetadata: [String: String] = [:]
    if let namespace = root.attributes["xmlns"], let version = namespace.split(separator: "/").last {
      fileMetadata["xrdmlVersion"] = String(version)
    }
    if let sample = root.child("sample") {
      for key in ["id", "name", "preparedBy"] {
        if let value = sample.child(key)?.trimmedText, !value.isEmpty { fileMetadata["sample." + key] = value }
      }
      if let type = sample.attributes["type"] { fileMetadata["sample.type"] = type }
    }
    let comments = root.child("comment")?.children("entry").map(\.trimmedText).filter { !$0.isEmpty } ?? []
    if !comments.isEmpty { fileMetadata["comment"] = comments.joined(separator: "; ") }

    let measurements = root.children("xrdMeasurement")
    guard !measurements.isEmpty else {
      throw MeasurementError(file: name, line: root.line, field: "xrdMeasurement", message: "the file holds no measurement")
    }
    var scans: [MeasuredPattern] = []
    var skipped: [String] = []
    for (m, measurement) in measurements.enumerated() {
      var metadata = fileMetadata
      for key in ["measurementType", "sampleMode", "status"] {
        if let value = measurement.attributes[key] { metadata[key] = value }
      }
      let wavelength = measurement.child("usedWavelength")
      func stated(_ key: String) throws(MeasurementError) -> Double? {
        guard let element = wavelength?.child(key), !element.trimmedText.isEmpty else { return nil }
        return try element.number(file: name)
      }
      let kAlpha1 = try stated("kAlpha1"), kAlpha2 = try stated("kAlpha2"), kBeta = try stated("kBeta")
      let ratio = try stated("ratioKAlpha2KAlpha1")
      if let intended = wavelength?.attributes["intended"] { metadata["usedWavelength.intended"] = intended }
      if let kBeta { metadata["kBeta"] = String(kBeta) }
      if let tube = measurement.path("incidentBeamPath", "xRayTube") {
        if let tubeName = tube.attributes["name"] { metadata["xRayTube.name"] = tubeName }
        for key in ["tension", "current", "anodeMaterial"] {
          guard let element = tube.child(key), !element.trimmedText.isEmpty else { continue }
          metadata["xRayTube." + key] = element.trimmedText + (element.attributes["unit"].map { " " + $0 } ?? "")
        }
      }
      let anode = measurement.path("incidentBeamPath", "xRayTube", "anodeMaterial")?.trimmedText
      let (lines, missingLines) = ReaderSupport.kAlphaLines(kAlpha1: kAlpha1, kAlpha2: kAlpha2, ratio: ratio,
                                                            anode: anode)

      for (s, scan) in measurement.children("scan").enumerated() {
        let label = measurements.count > 1 ? "measurement \(m + 1) scan \(s + 1)" : "scan \(s + 1)"
        if let pattern = try read(scan: scan, label: label, file: name, lines: lines, missing: missingLines,
                                  metadata: metadata) {
          scans.append(pattern)
        } else {
          skipped.append("\(label) (scanAxis \(scan.attributes["scanAxis"] ?? "?"), 2θ fixed)")
        }
      }
    }
    guard !scans.isEmpty else {
      throw MeasurementError(file: name, line: root.line, field: "scan", message: skipped.isEmpty
        ? "the file holds no <scan>" : "no 2θ scan in the file: " + skipped.joined(separator: ", "))
    }
    if !skipped.isEmpty {
      for i in scans.indices { scans[i].metadata["skippedScans"] = skipped.joined(separator: ", ") }
    }
    return scans
  }

  /// One `<scan>`; nil when its 2θ does not vary.
  private static func read(scan: MarkupElement, label: String, file: String, lines: [EmissionLine],
                           missing: [String], metadata: [String: String]) throws(MeasurementError) -> MeasuredPattern? {
    var metadata = metadata
    metadata["scan"] = label
    for key in ["mode", "scanAxis", "status", "appendNumber"] {
      if let value = scan.attributes[key] { metadata["scan." + key] = value }
    }
    for key in ["startTimeStamp", "endTimeStamp"] {
      if let value = scan.path("header", key)?.trimmedText, !value.isEmpty { metadata[key] = value }
    }
    guard let points = scan.child("dataPoints") else {
      throw MeasurementError(file: file, line: scan.line, field: "dataPoints", message: "\(label) has no <dataPoints>")
    }
    guard let values = points.child("intensities") ?? points.child("counts") else {
      throw MeasurementError(file: file, line: points.line, field: "intensities",
                             message: "\(label) has neither <intensities> nor <counts>")
    }
    var intensity = try values.numbers(file: file)
    guard !intensity.isEmpty else {
      throw MeasurementError(file: file, line: values.line, field: values.name, message: "no values")
    }
    let n = intensity.count

    guard let positions = points.children("positions").first(where: { $0.attributes["axis"] == "2Theta" }) else {
      throw MeasurementError(file: file, line: points.line, field: "positions",
                             message: "\(label) has no <positions axis=\"2Theta\">")
    }
    if let unit = positions.attributes["unit"], unit != "deg" {
      throw MeasurementError(file: file, line: positions.line, field: "positions",
                             message: "2Theta unit '\(unit)' is not supported (expected deg)")
    }
    let twoTheta: [Double]
    if let list = positions.child("listPositions") {
      twoTheta = try list.numbers(file: file)
      guard twoTheta.count == n else {
        throw MeasurementError(file: file, line: list.line, field: "listPositions",
                               message: "\(twoTheta.count) positions for \(n) \(values.name) values")
      }
    } else if let startElement = positions.child("startPosition"), let endElement = positions.child("endPosition") {
      let start = try startElement.number(file: file), end = try endElement.number(file: file)
      guard abs(start) <= 360, abs(end) <= 360 else {
        throw MeasurementError(file: file, line: startElement.line, field: "startPosition",
                               message: "\(start)°–\(end)° is not a 2θ range")
      }
      if start == end { return nil }
      twoTheta = n == 1 ? [start] : ReaderSupport.axis(start: start, step: (end - start) / Double(n - 1), count: n)
    } else if positions.child("commonPosition") != nil {
      return nil
    } else {
      throw MeasurementError(file: file, line: positions.line, field: "positions",
                             message: "2Theta has neither startPosition/endPosition nor listPositions")
    }

    var missing = missing
    var countingTime: Double?
    if let common = points.child("commonCountingTime") {
      countingTime = try common.number(file: file)
    } else if let list = points.child("countingTimes") {
      let times = try list.numbers(file: file)
      guard times.count == n else {
        throw MeasurementError(file: file, line: list.line, field: "countingTimes",
                               message: "\(times.count) counting times for \(n) \(values.name) values")
      }
      if let first = times.first, times.allSatisfy({ abs($0 - first) <= 1e-9 * abs(first) }) {
        countingTime = first
      } else {
        metadata["countingTimes"] = "per point, \(times.min() ?? 0)–\(times.max() ?? 0) s"
      }
    }
    if countingTime == nil { missing.append("counting time") }

    if let factors = points.child("beamAttenuationFactors") {
      let list = try factors.numbers(file: file)
      guard list.count == n else {
        throw MeasurementError(file: file, line: factors.line, field: "beamAttenuationFactors",
                               message: "\(list.count) factors for \(n) \(values.name) values")
      }
      if list.contains(where: { $0 != 1 }) {
        for i in 0..<n { intensity[i] *= list[i] }
        metadata["beamAttenuationFactors"] = "applied"
      }
    }

    let unitText = (values.attributes["unit"] ?? "counts").lowercased()
    let unit: MeasuredPattern.IntensityUnit
    switch unitText {
    case "counts", "count": unit = .counts
    case "cps", "counts/s", "counts per second", "counts/second": unit = .countsPerSecond
    default:
      unit = .arbitrary
      metadata["intensityUnit"] = unitText
    }
    let (axis, sorted) = ReaderSupport.ascending(twoTheta, intensity)
    return MeasuredPattern(twoTheta: axis, intensity: sorted, radiation: lines, countingTime: countingTime,
                           intensityUnit: unit, format: .xrdml, source: file, metadata: metadata, missing: missing)
  }
}
