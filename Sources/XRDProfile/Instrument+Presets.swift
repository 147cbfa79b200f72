// Named instrument set-ups: a lab Cu tube with and without a Kα2-stripping monochromator, a lab Mo tube, a
// synchrotron, and the typical set-up of the opXRD experimental database.
//
// Sources: wavelengths from XRDDiffraction's ITC Vol. C table; Ge(111) monochromator angle from a(Ge) =
// 5.6579 Å (2θ_M = 27.28° for Cu Kα1; BGMN's Ge-monochromator device files use 27.26°); synchrotron widths
// converted from GSAS-II's "APS 30keV 11BM" default instrument parameters (AdvancedPhotonSource/GSAS-II,
// defaultIparms.py: U = 1.163, V = −0.126, W = 0.063 centideg² of σ², SH/L = 0.002); opXRD from the
// draft of Hollarek et al. (2025), arXiv:2503.05577 (aimat-lab/opXRD-paper, chapters/04_our_dataset.tex).
// The lab widths are xrdsim's defaults (see ``Instrument/ProfileParameters``), not a fit to one instrument.
// Not done: presets for Co/Cr/Fe tubes, transmission or capillary geometry, area detectors.

import Foundation
import XRDDiffraction

extension Instrument {
  /// The names ``preset(named:)`` knows, in the order `xrdsim --help` should list them.
  public static let presetNames: [String] = ["cu-lab", "cu-lab-monochromator", "mo-lab", "synchrotron", "opxrd"]

  /// A named set-up, or nil for an unknown name (see ``presetNames``). Names are case-insensitive.
  ///
  /// - `cu-lab`: the defaults. Cu Kα1 + Kα2 (ratio 0.5), Bragg–Brentano, R = 240 mm, fixed 1° slit, 2θ 5–90°
  ///   in 0.01° steps, U = 0.004, V = −0.002, W = 0.002 deg², Y = 0.02° (FWHM ≈ 0.045° at 2θ = 30°).
  /// - `cu-lab-monochromator`: as cu-lab with Cu Kα1 only, behind a Johansson Ge(111) primary monochromator
  ///   that strips Kα2; `monochromator_two_theta` 27.28° (Ge(111) for Cu Kα1). Same widths as cu-lab.
  /// - `mo-lab`: Mo Kα1 + Kα2 (ratio 0.5), Bragg–Brentano, R = 240 mm, 2θ 2–60° in 0.01° (d from 20 Å down
  ///   to 0.71 Å, more than Cu 5–150° covers); the cu-lab widths in degrees (the geometric instrument
  ///   function is the same; the doublet splitting is smaller).
  /// - `synchrotron`: one wavelength, 0.7293 Å (17 keV), no Kα2; 2θ 2–40° in 0.002°; narrow widths from
  ///   GSAS-II's 11-BM default converted to FWHM² in degrees² (U = 6.45e-4, V = −6.99e-5, W = 3.49e-5, X = Y = 0;
  ///   Gaussian FWHM 0.0058° at 2θ = 5°, 0.0097° at 40°), FCJ S/L = H/L = 0.001 (GSAS-II's SH/L = 0.002
  ///   split evenly); polarization factor 1 (2θ_M = 90°) for a beam polarized perpendicular to the vertical
  ///   diffraction plane. The 0.7293 Å default follows the xrdsim brief ("like 11-BM"); note that GSAS-II's
  ///   11-BM entry uses 0.413263 Å (30 keV). Change it with `--set radiation=0.45`.
  /// - `opxrd`: the set-up most opXRD patterns share: Cu Kα1 + Kα2 (the paper: "most data was collected
  ///   using Cu radiation sources", Kα1 1.54056 Å, Kα2 1.54439 Å), lab Bragg–Brentano. The paper gives no
  ///   single majority 2θ range or step (contributions range from 5–80° at 0.0167° to 30–110° at 0.026°;
  ///   the distribution is only a histogram); unverified, so this preset uses 2θ 5–90° in 0.02° steps.
  ///   Otherwise as cu-lab.
  public static func preset(named name: String) -> Instrument? {
    switch name.lowercased() {
    case "cu-lab":
      return Instrument()
    case "cu-lab-monochromator":
      var instrument = Instrument()
      instrument.radiation = Radiation.lines(named: "CuKa1") ?? []
      instrument.monochromatorTwoTheta = 27.28
      return instrument
    case "mo-lab":
      var instrument = Instrument()
      instrument.radiation = Radiation.lines(named: "MoKa12") ?? []
      instrument.twoTheta = TwoThetaRange(start: 2, stop: 60, step: 0.01)
      return instrument
    case "synchrotron":
      var instrument = Instrument()
      instrument.radiation = [EmissionLine(wavelength: 0.7293)]
      instrument.twoTheta = TwoThetaRange(start: 2, stop: 40, step: 0.002)
      instrument.goniometerRadius = 1000
      instrument.monochromatorTwoTheta = 90
      instrument.profile = ProfileParameters(u: 6.45e-4, v: -6.99e-5, w: 3.49e-5, x: 0, y: 0, sl: 0.001, hl: 0.001)
      return instrument
    case "opxrd":
      var instrument = Instrument()
      instrument.twoTheta = TwoThetaRange(start: 5, stop: 90, step: 0.02)
      return instrument
    default:
      return nil
    }
  }

  /// A preset by name, else an instrument file at that path: what a command-line `--instrument` takes.
  ///
  /// - Throws: ``InstrumentError`` from reading the file, or ``InstrumentError/Kind/unknownPreset(_:suggestion:)``
  ///   when `argument` is neither a preset name nor an existing file.
  public static func presetOrFile(_ argument: String) throws(InstrumentError) -> Instrument {
    if let preset = preset(named: argument) { return preset }
    let url = URL(fileURLWithPath: argument)
    if FileManager.default.fileExists(atPath: url.path) { return try load(contentsOf: url) }
    throw InstrumentError(.unknownPreset(argument, suggestion: InstrumentError.closestMatch(to: argument, in: presetNames)),
                          keyPath: "")
  }
}
