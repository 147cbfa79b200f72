// Bruker DIFFRAC.SUITE `.brml`: a ZIP archive (Readers/Archive.swift) whose scans are in
// `Experiment<n>/RawData<m>.xml`, each a `RawData` document; every `RawData` file is read, in order.
//
// In a RawData document each `DataRoutes/DataRoute` (the one flagged RouteFlag="Measured" when there are
// several) holds `ScanInformation` (ScanName, `MeasurementPoints`, `TimePerStep`, `TimePerStepEffective`, and
// `ScanAxes/ScanAxisInfo` with AxisId, `Start`/`Stop`/`Increment`) and one `<Datum>` per point: a comma list
// "time, 1, <one value per scan axis, in ScanAxes order>, …, counts" — 5 fields for a coupled 2θ/θ scan
// (time,1,2θ,θ,counts), 8 for a 2θ–ω scan; the counts are the last field. 2θ is taken from the Datum field of
// the axis whose AxisId is "TwoTheta" (the measured positions, rounded as the file writes them).
// Wavelengths: `WaveLengthAlpha1/2/Ratio` elements (`Value="1.5406" Unit="Å"`) under the tube; kV/mA from
// `Generator/Voltage|Current`; `InfoItem Name=… Value=…` (SampleName, …) as metadata.
// Counting time: the Datum time field when it is the same for every point (a PSD's effective time, 76.8 s
// in SbI3.brml), else TimePerStepEffective.
// Not done: routes without a TwoTheta scan axis (rocking curves, φ scans: skipped and noted); 2-D frames.

import Foundation
import XRDDiffraction

enum BRMLReader {
  /// Whether a ZIP member is a BRML scan document, "Experiment<n>/RawData<m>.xml" (any case).
  static func isRawData(_ member: String) -> Bool {
    rawDataOrder(member) != nil
  }

  /// (experiment, raw data) numbers of a member named "Experiment<n>/RawData<m>.xml", for ordering.
  private static func rawDataOrder(_ member: String) -> (Int, Int)? {
    let parts = member.lowercased().split(separator: "/")
    guard parts.count == 2, parts[0].hasPrefix("experiment"), parts[1].hasPrefix("rawdata"),
          parts[1].hasSuffix(".xml"),
          let experiment = Int(parts[0].dropFirst("experiment".count)),
          let raw = Int(parts[1].dropFirst("rawdata".count).dropLast(".xml".count)) else { return nil }
    return (experiment, raw)
  }

  static func read(_ data: Data, name: String) throws(MeasurementError) -> [MeasuredPattern] {
    let zip = try Archive.Zip(data: data, file: name)
    let members = zip.entries.compactMap { entry in rawDataOrder(entry.name).map { (entry, $0) } }
      .sorted { $0.1 < $1.1 }.map(\.0)
    guard !members.isEmpty else {
      throw MeasurementError(file: name, field: "Experiment0/RawData0.xml", message: "not a BRML archive: no "
        + "Experiment<n>/RawData<m>.xml member (it holds " + zip.entries.prefix(6).map(\.name).joined(separator: ", ") + ")")
    }
    var scans: [MeasuredPattern] = []
    for member in members {
      let xml = try zip.contents(of: member)
      scans += try read(rawData: xml, file: "\(name)/\(member.name)", source: name)
    }
    return scans
  }

  /// The scans of one RawData XML document; `file` names it in errors ("x.brml/Experiment0/RawData0.xml").
  static func read(rawData xml: Data, file: String, source: String) throws(MeasurementError) -> [MeasuredPattern] {
    let root = try MarkupTree.parse(xml, file: file)
    guard root.name == "RawData" else {
      throw MeasurementError(file: file, line: root.line, field: root.name,
                             message: "expected a <RawData> document, found <\(root.name)>")
    }
    var metadata: [String: String] = [:]
    for key in ["TimeStampStarted", "TimeStampFinished", "MeasurementStatus"] {
      if let value = root.child(key)?.trimmedText, !value.isEmpty { metadata[key] = value }
    }
    for item in root.descendants("InfoItem") {
      if let key = item.attributes["Name"], let value = item.attributes["Value"], !key.isEmpty, !value.isEmpty,
         value.count <= 256, metadata[key] == nil {
        metadata[key] = value
      }
    }
    let (lines, missingLines) = try radiation(root, file: file, metadata: &metadata)

    let routes = root.child("DataRoutes")?.children("DataRoute") ?? root.descendants("DataRoute")
    let measured = routes.filter { $0.attributes["RouteFlag"] == "Measured" }
    guard !routes.isEmpty else {
      throw MeasurementError(file: file, line: root.line, field: "DataRoute", message: "the document holds no <DataRoute>")
    }
    var scans: [MeasuredPattern] = []
    var skipped: [String] = []
    for (index, route) in (measured.isEmpty ? routes : measured).enumerated() {
      if let scan = try read(route: route, label: "route \(index + 1)", file: file, source: source, lines: lines,
                             missing: missingLines, metadata: metadata) {
        scans.append(scan)
      } else {
        let scanName = route.child("ScanInformation")?.attributes["ScanName"] ?? "?"
        skipped.append("route \(index + 1) (\(scanName), no TwoTheta scan axis)")
      }
    }
    guard !scans.isEmpty else {
      throw MeasurementError(file: file, line: routes[0].line, field: "ScanAxes",
                             message: "no 2θ scan in the document: " + skipped.joined(separator: ", "))
    }
    if !skipped.isEmpty {
      for i in scans.indices { scans[i].metadata["SkippedRoutes"] = skipped.joined(separator: ", ") }
    }
    return scans
  }

  /// Kα1/Kα2/ratio from the first tube's `WaveLengthAlpha1/2/Ratio`, else the single `WaveLength`.
  private static func radiation(_ root: MarkupElement, file: String,
                                metadata: inout [String: String]) throws(MeasurementError) -> ([EmissionLine], [String]) {
    func value(_ name: String) throws(MeasurementError) -> Double? {
      guard let element = root.descendant(name), let text = element.attributes["Value"] else { return nil }
      guard let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite else {
        throw MeasurementError(file: file, line: element.line, field: name, message: "Value '\(text)' is not a number")
      }
      switch element.attributes["Unit"] ?? "Å" {
      case "Å", "A", "Angstrom", "": return number
      case "nm": return 10 * number
      case "pm": return number / 100
      case let unit where name.hasPrefix("WaveLength") && name != "WaveLengthRatio":
        throw MeasurementError(file: file, line: element.line, field: name, message: "unit '\(unit)' is not a length")
      default: return number
      }
    }
    let kAlpha1 = try value("WaveLengthAlpha1"), kAlpha2 = try value("WaveLengthAlpha2")
    let ratio = try value("WaveLengthRatio"), single = try value("WaveLength")
    if let average = try value("WaveLengthAverage") { metadata["WaveLengthAverage"] = String(average) }
    if let beta = try value("WaveLengthBeta") { metadata["WaveLengthBeta"] = String(beta) }
    let anode = root.descendant("TubeMaterial")?.trimmedText
    if let anode, !anode.isEmpty { metadata["TubeMaterial"] = anode }
    if let generator = root.descendant("Generator") {
      for key in ["Voltage", "Current"] {
        guard let element = generator.child(key), let text = element.attributes["Value"] else { continue }
        metadata["Generator." + key] = text + (element.attributes["Unit"].map { " " + $0 } ?? "")
      }
    }
    return ReaderSupport.kAlphaLines(kAlpha1: kAlpha1, kAlpha2: kAlpha2, ratio: ratio, fallback: single, anode: anode)
  }

  /// One DataRoute; nil when it has no TwoTheta scan axis.
  private static func read(route: MarkupElement, label: String, file: String, source: String, lines: [EmissionLine],
                           missing: [String], metadata: [String: String]) throws(MeasurementError) -> MeasuredPattern? {
    guard let info = route.child("ScanInformation") else {
      throw MeasurementError(file: file, line: route.line, field: "ScanInformation", message: "\(label) has no <ScanInformation>")
    }
    let axes = info.child("ScanAxes")?.children("ScanAxisInfo") ?? []
    guard let axisIndex = axes.firstIndex(where: { $0.attributes["AxisId"] == "TwoTheta" }) else { return nil }
    var metadata = metadata
    for key in ["ScanName", "VisibleName"] {
      if let value = info.attributes[key], !value.isEmpty { metadata["ScanInformation." + key] = value }
    }
    for key in ["ScanMode", "MeasurementPoints", "TimePerStep", "TimePerStepEffective"] {
      if let value = info.child(key)?.trimmedText, !value.isEmpty { metadata[key] = value }
    }
    let axis = axes[axisIndex]
    for key in ["Start", "Stop", "Increment"] {
      if let value = axis.child(key)?.trimmedText, !value.isEmpty { metadata["TwoTheta." + key] = value }
    }
    if axes.count > 1 { metadata["ScanAxes"] = axes.compactMap { $0.attributes["AxisId"] }.joined(separator: ", ") }

    let rows = route.children("Datum")
    guard !rows.isEmpty else {
      throw MeasurementError(file: file, line: route.line, field: "Datum", message: "\(label) has no <Datum> rows")
    }
    let twoThetaField = 2 + axisIndex
    var twoTheta: [Double] = [], counts: [Double] = []
    var times: [Double] = []
    twoTheta.reserveCapacity(rows.count)
    counts.reserveCapacity(rows.count)
    for (r, row) in rows.enumerated() {
      let fields = row.trimmedText.split(separator: ",", omittingEmptySubsequences: false)
      guard fields.count > twoThetaField + 1 else {
        throw MeasurementError(file: file, line: row.line, field: "Datum",
                               message: "row \(r + 1) has \(fields.count) fields; 2θ is field \(twoThetaField + 1) and "
                                 + "the counts come after it ('\(row.trimmedText.prefix(60))')")
      }
      func number(_ k: Int) throws(MeasurementError) -> Double {
        guard let value = Double(fields[k].trimmingCharacters(in: .whitespaces)), value.isFinite else {
          throw MeasurementError(file: file, line: row.line, field: "Datum",
                                 message: "row \(r + 1) field \(k + 1) is '\(fields[k].prefix(30))', not a number")
        }
        return value
      }
      let angle = try number(twoThetaField)
      guard abs(angle) <= 360 else {
        throw MeasurementError(file: file, line: row.line, field: "Datum",
                               message: "row \(r + 1): 2θ \(angle)° is not a diffraction angle")
      }
      twoTheta.append(angle)
      counts.append(try number(fields.count - 1))
      times.append(try number(0))
    }
    if let planned = Int(metadata["MeasurementPoints"] ?? ""), planned != rows.count {
      metadata["MeasuredPoints"] = "\(rows.count) of \(planned) planned"
    }

    var missing = missing
    // The Datum time is the effective time per point as the file writes it ("76.8"); TimePerStepEffective
    // says the same to 17 digits ("76.800000000000011") and is the fallback when the Datum times vary.
    var countingTime: Double?
    if let first = times.first, first > 0, times.allSatisfy({ $0 == first }) {
      countingTime = first
    } else if let effective = info.child("TimePerStepEffective").flatMap({ Double($0.trimmedText) }),
              effective > 0, effective.isFinite {
      countingTime = effective
      metadata["DatumTimes"] = "vary per point"
    }
    if countingTime == nil { missing.append("counting time") }

    let (axisValues, intensity) = ReaderSupport.ascending(twoTheta, counts)
    return MeasuredPattern(twoTheta: axisValues, intensity: intensity, radiation: lines, countingTime: countingTime,
                           intensityUnit: .counts, format: .brml, source: source, metadata: metadata, missing: missing)
  }
}
