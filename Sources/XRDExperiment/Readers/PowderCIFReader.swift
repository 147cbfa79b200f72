// Powder CIF (pdCIF; Toby, "CIF applications. XV. pdCIF", J. Appl. Cryst. 31 (1998) 963, and the pdCIF
// dictionary 2.x) patterns, parsed by XRDCIF.
//
// Each data block with a measured or processed intensity column is one scan. Intensities, first present wins:
// `_pd_meas_counts_total` (counts), `_pd_meas_intensity_total`, `_pd_proc_intensity_total` (arbitrary).
// 2θ: explicit `_pd_meas_2theta_scan` / `_pd_proc_2theta_corrected` (in the intensity's loop, or a loop of the same
// length), or implicit `_pd_meas_2theta_range_min/_max/_inc` (`_pd_proc_…` for processed intensities):
// 2θ_i = min + i·inc for as many points as there are intensities (GSAS-II and xrdpattern do the same).
// e.s.d.s: the s.u.s of the intensities (`1234(35)`), else 1/√w from `_pd_proc_ls_weight` when every weight is
// positive. Wavelengths: the `_diffrn_radiation_wavelength` loop with `_diffrn_radiation_wavelength_wt` as
// weights (GSAS-II writes Kα1 with 1.0 and Kα2 with the I(Kα2)/I(Kα1) ratio) and `_diffrn_radiation_type` as
// names (`K\a~1~` → "Ka1"), from the pattern's block or, failing that, any block. Points whose intensity is
// `?` or `.` are dropped (their count is in metadata "dropped points").
// Not done: time-of-flight and energy-dispersive pdCIFs (refused), `_pd_meas_detector_id` multi-detector loops.

import Foundation
import XRDCIF
import XRDDiffraction

enum PowderCIFReader {
  /// Intensity tags in order of preference, with the unit each implies.
  static let intensityTags: [(tag: String, unit: MeasuredPattern.IntensityUnit, processed: Bool)] = [
    ("_pd_meas_counts_total", .counts, false),
    ("_pd_meas_intensity_total", .arbitrary, false),
    ("_pd_proc_intensity_total", .arbitrary, true),
    ("_pd_proc_intensity_net", .arbitrary, true),
  ]
  static let axisTags = ["_pd_meas_2theta_scan", "_pd_proc_2theta_corrected", "_pd_meas_angle_2theta"]
  /// Block items kept as metadata when present.
  static let metadataTags = [
    "_pd_block_id", "_pd_phase_name", "_chemical_formula_sum", "_chemical_name_common", "_pd_spec_description",
    "_diffrn_radiation_probe", "_diffrn_radiation_type", "_diffrn_source_target", "_pd_meas_datetime_initiated",
    "_pd_proc_info_datetime", "_pd_instr_geometry", "_pd_meas_scan_method", "_diffrn_ambient_temperature",
    "_pd_calc_method", "_pd_proc_ls_prof_wR_factor", "_cell_length_a", "_cell_length_b", "_cell_length_c",
    "_cell_angle_alpha", "_cell_angle_beta", "_cell_angle_gamma", "_space_group_name_H-M_alt",
    "_symmetry_space_group_name_H-M",
  ]

  static func read(_ data: Data, name: String) throws(MeasurementError) -> [MeasuredPattern] {
    let document: CIFDocument
    do {
      document = try CIFDocument(bytes: data, fileName: name)
    } catch {
      throw MeasurementError(file: name, line: error.location.line, field: "CIF", message: error.kind.message)
    }
    let radiationBlock = document.blocks.first { !wavelengths(in: $0, file: name).isEmpty }
    var scans: [MeasuredPattern] = []
    for block in document.blocks {
      guard let choice = intensityTags.first(where: { block.values($0.tag) != nil }) else { continue }
      scans.append(try scan(block, intensity: choice, radiationBlock: radiationBlock, file: name))
    }
    guard !scans.isEmpty else {
      let timeOfFlight = document.blocks.contains { $0.contains("_pd_meas_time_of_flight") }
      throw MeasurementError(file: name, field: timeOfFlight ? "_pd_meas_time_of_flight" : "_pd_meas_counts_total",
                             message: timeOfFlight ? "time-of-flight pdCIFs are not supported (2θ only)"
                               : "no data block has a powder pattern (_pd_meas_counts_total, _pd_meas_intensity_total or _pd_proc_intensity_total)")
    }
    return scans
  }

  private static func scan(_ block: CIFBlock, intensity choice: (tag: String, unit: MeasuredPattern.IntensityUnit, processed: Bool),
                           radiationBlock: CIFBlock?, file: String) throws(MeasurementError) -> MeasuredPattern {
    let values = block.values(choice.tag) ?? []
    let rows = values.count
    let intensityLoop = block.loop(containing: choice.tag)

    // The 2θ axis: a column of the intensity's loop, a column of the same length elsewhere, or the range items.
    var axis: [Double] = []
    var axisTag: String?
    for tag in axisTags {
      if let loop = intensityLoop, loop.index(of: tag) != nil { axisTag = tag; break }
    }
    if axisTag == nil { axisTag = axisTags.first { block.values($0)?.count == rows && block.loop(containing: $0) != nil } }
    if let tag = axisTag {
      for value in block.values(tag) ?? [] {
        guard let x = value.number, x.isFinite else {
          throw MeasurementError(file: file, line: value.location.line, field: tag, message: "expected a number, found '\(value.text)'")
        }
        axis.append(x)
      }
    } else {
      let prefixes = choice.processed ? ["_pd_proc_2theta_range", "_pd_meas_2theta_range"] : ["_pd_meas_2theta_range", "_pd_proc_2theta_range"]
      guard let prefix = prefixes.first(where: { block.contains($0 + "_min") && block.contains($0 + "_inc") }) else {
        throw MeasurementError(file: file, line: block.tagLocation(choice.tag)?.line ?? 0, field: "_pd_meas_2theta_range_min",
                               message: "no 2θ: neither a _pd_meas_2theta_scan column nor _pd_meas_2theta_range_min/_inc")
      }
      let minimum = try number(block, prefix + "_min", file: file), increment = try number(block, prefix + "_inc", file: file)
      guard increment > 0 else {
        throw MeasurementError(file: file, line: block.tagLocation(prefix + "_inc")?.line ?? 0, field: prefix + "_inc",
                               message: "the 2θ increment \(increment) is not positive")
      }
      axis = (0..<rows).map { minimum + Double($0) * increment }
      axisTag = prefix + "_min/_inc"
    }

    var twoTheta: [Double] = [], intensity: [Double] = [], sigma: [Double] = []
    var allHaveUncertainty = true
    var kept: [Int] = []
    for (i, value) in values.enumerated() {
      if value.isNull { continue }
      guard let y = value.number else {
        throw MeasurementError(file: file, line: value.location.line, field: choice.tag, message: "expected a number, found '\(value.text)'")
      }
      twoTheta.append(axis[i])
      intensity.append(y)
      kept.append(i)
      if let u = value.standardUncertainty { sigma.append(u) } else { allHaveUncertainty = false }
    }
    guard !twoTheta.isEmpty else {
      throw MeasurementError(file: file, line: block.tagLocation(choice.tag)?.line ?? 0, field: choice.tag, message: "no intensities")
    }
    var sigmaSource: String?
    if allHaveUncertainty {
      sigmaSource = "s.u. of \(choice.tag)"
    } else if let weights = block.values("_pd_proc_ls_weight"), weights.count == rows {
      let w = kept.map { weights[$0].number ?? 0 }
      if w.allSatisfy({ $0 > 0 && $0.isFinite }) {
        sigma = w.map { 1 / $0.squareRoot() }
        sigmaSource = "1/√_pd_proc_ls_weight"
      }
    }
    for k in 1..<max(twoTheta.count, 1) where twoTheta[k] < twoTheta[k - 1] {
      let line = (block.values(axisTag ?? "") ?? []).indices.contains(kept[k]) ? block.values(axisTag!)![kept[k]].location.line : 0
      throw MeasurementError(file: file, line: line, field: axisTag ?? "2θ",
                             message: "2θ \(twoTheta[k]) is below the previous point's \(twoTheta[k - 1])")
    }

    var metadata: [String: String] = ["block": block.name, "2θ from": axisTag ?? "", "intensity from": choice.tag]
    if let sigmaSource { metadata["e.s.d. from"] = sigmaSource }
    if kept.count < rows { metadata["dropped points"] = String(rows - kept.count) }
    for tag in metadataTags {
      if let value = block.value(tag), !value.isNull { metadata[tag] = value.text }
    }
    let lines = wavelengths(in: block, file: file).isEmpty ? radiationBlock.map { wavelengths(in: $0, file: file) } ?? []
      : wavelengths(in: block, file: file)
    let countingTime = block.value("_pd_meas_step_count_time")?.number
    var missing: [String] = []
    if lines.isEmpty { missing.append("wavelength") }
    if countingTime == nil { missing.append("counting time") }
    if sigmaSource == nil { missing.append("e.s.d.") }
    return MeasuredPattern(
      twoTheta: twoTheta, intensity: intensity, sigma: sigmaSource == nil ? nil : sigma, radiation: lines,
      countingTime: countingTime, intensityUnit: choice.unit, format: .pdCIF, source: file, metadata: metadata,
      missing: missing)
  }

  /// The wavelengths a block states: the `_diffrn_radiation_wavelength` loop (or item) with weights and names,
  /// else `_pd_proc_wavelength` or `_cell_measurement_wavelength`.
  static func wavelengths(in block: CIFBlock, file: String) -> [EmissionLine] {
    for tag in ["_diffrn_radiation_wavelength", "_pd_proc_wavelength", "_cell_measurement_wavelength"] {
      guard let values = block.values(tag) else { continue }
      let weights = block.values("_diffrn_radiation_wavelength_wt")
      let types = block.values("_diffrn_radiation_type")
      var lines: [EmissionLine] = []
      for (i, value) in values.enumerated() {
        guard let lambda = value.number, lambda > 0 else { continue }
        let weight = tag == "_diffrn_radiation_wavelength" && weights?.count == values.count ? weights?[i].number ?? 1 : 1
        var name: String?
        if tag == "_diffrn_radiation_wavelength", types?.count == values.count, let type = types?[i], !type.isNull {
          name = lineName(type.text)
        }
        lines.append(EmissionLine(wavelength: lambda, weight: weight, name: name))
      }
      if !lines.isEmpty { return lines }
    }
    return []
  }

  /// A CIF radiation type as a line name: `K\a~1~` → "Ka1", `Cu K\a` → "CuKa"; other text as written.
  static func lineName(_ text: String) -> String {
    text.replacingOccurrences(of: "\\a", with: "a").replacingOccurrences(of: "\\b", with: "b")
      .replacingOccurrences(of: "~", with: "").replacingOccurrences(of: " ", with: "")
  }

  private static func number(_ block: CIFBlock, _ tag: String, file: String) throws(MeasurementError) -> Double {
    guard let value = block.value(tag), let x = value.number, x.isFinite else {
      throw MeasurementError(file: file, line: block.tagLocation(tag)?.line ?? 0, field: tag,
                             message: "expected a number, found '\(block.value(tag)?.text ?? "nothing")'")
    }
    return x
  }
}
