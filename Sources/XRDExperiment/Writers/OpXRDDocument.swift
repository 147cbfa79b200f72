// A measured pattern as an opXRD / xrdpattern JSON file, in the schema and spelling of XRDCorpus's
// OpXRDFormat (see its header for the schema, from xrdpattern 0.9.9), with `is_simulated: false`.
//
// label: the phases of a pattern read from opXRD JSON are written back as they were (current schema), or
// converted from the legacy `powder.crystal_structure` (lattice tuple, P1 basis, space group number); other
// patterns have no phases. xray_info: the strongest emission line as primary, the next as secondary (the schema
// has no ratio and no third line). crystallite_size_nm and temp_K from metadata of those names.
// metadata: filename (the original file's name), institution and contributor_name when known,
// original_file_format ("ras (.ras)", or what an opXRD source said), measurement_date from the source's date
// item (RAS MEAS_SCAN_START_TIME, UXD _DATEMEASURED, ASC DATE, pdCIF _pd_meas_datetime_initiated, …), tags,
// xrdpattern_version. e.s.d.s, counting time and the other metadata have no place in the schema and are dropped.
// Not done: phases from a pdCIF's own structure blocks.

import Foundation
import XRDCorpus

enum OpXRDDocument {
  /// Date items of the source formats, in the order tried.
  static let dateKeys = ["measurement_date", "MEAS_SCAN_START_TIME", "_DATEMEASURED", "DATE", "_pd_meas_datetime_initiated",
                         "_pd_proc_info_datetime", "date"]

  static func text(for pattern: MeasuredPattern, name: String) throws(MeasurementError) -> String {
    guard pattern.count >= 50 else {
      throw MeasurementError(file: name, field: "two_theta_values", message: "\(pattern.count) points; opXRD/xrdpattern needs at least 50")
    }
    if let bad = pattern.twoTheta.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
      throw MeasurementError(file: name, field: "two_theta_values", message: "point \(bad + 1): 2θ \(pattern.twoTheta[bad]) (opXRD needs finite, non-negative angles)")
    }
    if let bad = pattern.intensity.firstIndex(where: { !$0.isFinite }) {
      throw MeasurementError(file: name, field: "intensities", message: "point \(bad + 1) is not finite (JSON has no NaN)")
    }
    guard pattern.intensity.contains(where: { $0 != 0 }) else {
      throw MeasurementError(file: name, field: "intensities", message: "all intensities are zero, which opXRD/xrdpattern refuses")
    }
    return OpXRDJSON.object([
      "two_theta_values": OpXRDJSON.array(pattern.twoTheta.map(OpXRDJSON.number), style: .python),
      "intensities": OpXRDJSON.array(pattern.intensity.map(OpXRDJSON.number), style: .python),
      "label": OpXRDJSON.string(label(pattern), style: .python),
      "metadata": OpXRDJSON.string(metadata(pattern), style: .python),
    ], style: .python)
  }

  /// `PowderExperiment.to_str()` with `is_simulated: false`.
  private static func label(_ pattern: MeasuredPattern) -> String {
    let lines = pattern.radiation.enumerated()
      .sorted { ($0.element.weight, -$0.offset) > ($1.element.weight, -$1.offset) }.map(\.element.wavelength)
    let xray = OpXRDJSON.object([
      "primary_wavelength": OpXRDJSON.pythonFloatString(lines.first, style: .orjson),
      "secondary_wavelength": OpXRDJSON.pythonFloatString(lines.dropFirst().first, style: .orjson),
    ], style: .orjson)
    return OpXRDJSON.object([
      "phases": OpXRDJSON.array(phases(pattern), style: .orjson),
      "xray_info": OpXRDJSON.string(xray, style: .orjson),
      "is_simulated": "false",
      "crystallite_size_nm": OpXRDJSON.pythonFloatString(pattern.metadata["crystallite_size_nm"].flatMap(Double.init), style: .orjson),
      "temp_K": OpXRDJSON.pythonFloatString(pattern.metadata["temp_K"].flatMap(Double.init), style: .orjson),
    ], style: .orjson)
  }

  /// The label's phases as JSON string elements: reused from an opXRD source, converted from a legacy one.
  private static func phases(_ pattern: MeasuredPattern) -> [String] {
    guard let labelText = pattern.metadata["opxrd.label"],
          var label = try? JSONSerialization.jsonObject(with: Data(labelText.utf8), options: [.fragmentsAllowed])
    else { return [] }
    if let text = label as? String, let inner = try? JSONSerialization.jsonObject(with: Data(text.utf8)) { label = inner }
    guard let object = label as? [String: Any] else { return [] }
    if let phases = object["phases"] as? [Any] {
      return phases.compactMap { phase in
        if let text = phase as? String { return OpXRDJSON.string(text, style: .orjson) }
        return JSONSerialization.isValidJSONObject(phase) ? OpXRDJSON.string(OpXRDReader.json(phase), style: .orjson) : nil
      }
    }
    let decoded = OpXRDReader.decodeNested(object)
    guard let powder = (decoded as? [String: Any])?["powder"] as? [String: Any],
          let structure = powder["crystal_structure"] as? [String: Any] else { return [] }
    return [OpXRDJSON.string(legacyStructure(structure), style: .orjson)]
  }

  /// A legacy `crystal_structure` (lengths, angles, base, spacegroup) as a current `CrystalStructure.to_str()`.
  private static func legacyStructure(_ structure: [String: Any]) -> String {
    let lengths = structure["lengths"] as? [String: Any], angles = structure["angles"] as? [String: Any]
    let cell = [lengths?["a"], lengths?["b"], lengths?["c"], angles?["alpha"], angles?["beta"], angles?["gamma"]]
      .map { OpXRDReader.number($0) }
    var lattice = OpXRDJSON.null
    if cell.allSatisfy({ $0?.isFinite == true }) {
      lattice = OpXRDJSON.string("(" + cell.map { OpXRDJSON.number($0!) }.joined(separator: ", ") + ")", style: .orjson)
    }
    var basis = OpXRDJSON.null
    if let sites = structure["base"] as? [Any] {
      let siteStrings = sites.compactMap { $0 as? [String: Any] }.compactMap { site -> String? in
        guard let x = OpXRDReader.number(site["x"]), let y = OpXRDReader.number(site["y"]), let z = OpXRDReader.number(site["z"]),
              x.isFinite, y.isFinite, z.isFinite else { return nil }
        let occupancy = OpXRDReader.number(site["occupancy"]) ?? 1
        return OpXRDJSON.string(OpXRDJSON.object([
          "x": OpXRDJSON.number(x), "y": OpXRDJSON.number(y), "z": OpXRDJSON.number(z),
          "occupancy": OpXRDJSON.number(occupancy.isFinite ? occupancy : 1),
          "symbol": OpXRDJSON.string((site["symbol"] as? String) ?? "", style: .python),
          "wyckoff_letter": (site["wyckoff_letter"] as? String).map { OpXRDJSON.string($0, style: .python) } ?? OpXRDJSON.null,
        ], style: .python), style: .python)
      }
      basis = OpXRDJSON.string(OpXRDJSON.array(siteStrings, style: .python), style: .orjson)
    }
    let spaceGroup = OpXRDReader.number(structure["spacegroup"]).flatMap { $0.isFinite && $0 >= 1 && $0 <= 230 ? Int($0) : nil }
    return OpXRDJSON.object([
      "lattice": lattice,
      "basis": basis,
      "spacegroup": spaceGroup.map { OpXRDJSON.string(String($0), style: .orjson) } ?? OpXRDJSON.null,
      "chemical_composition": OpXRDJSON.null,
      "wyckoff_symbols": OpXRDJSON.null,
      "phase_fraction": OpXRDJSON.string("1", style: .orjson),
    ], style: .orjson)
  }

  /// `Metadata.to_str()`.
  private static func metadata(_ pattern: MeasuredPattern) -> String {
    let m = pattern.metadata
    func optional(_ key: String) -> String { m[key].map { OpXRDJSON.string($0, style: .orjson) } ?? OpXRDJSON.null }
    let fileName = m["filename"] ?? (pattern.source as NSString).lastPathComponent
    let ext = (Archive.gunzippedName(fileName) as NSString).pathExtension
    let originalFormat = m["original_file_format"] ?? m["file_format"]
      ?? "\(pattern.format.rawValue)" + (ext.isEmpty ? "" : " (.\(ext))")
    var tags: [String] = []
    if let text = m["tags"], let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] {
      tags = array.compactMap { $0 as? String }.map { OpXRDJSON.string($0, style: .orjson) }
    }
    return OpXRDJSON.object([
      "filename": OpXRDJSON.string(fileName, style: .orjson),
      "institution": optional("institution"),
      "contributor_name": optional("contributor_name"),
      "original_file_format": OpXRDJSON.string(originalFormat, style: .orjson),
      "measurement_date": dateKeys.lazy.compactMap { m[$0] }.first.map { OpXRDJSON.string($0, style: .orjson) } ?? OpXRDJSON.null,
      "tags": OpXRDJSON.array(tags, style: .orjson),
      "xrdpattern_version": OpXRDJSON.string(m["xrdpattern_version"] ?? OpXRDFormat.schemaVersion, style: .orjson),
    ], style: .orjson)
  }
}
