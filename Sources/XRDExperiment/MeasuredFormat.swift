// The measured-file formats xrdsim reads, and how a file's format is recognised: by its content where the
// content is unambiguous (magic bytes, XML root, ZIP members, JSON keys), by its extension otherwise.

public import Foundation

/// A file format of measured powder patterns.
public enum MeasuredFormat: String, Sendable, Hashable, CaseIterable, Codable {
  /// Two or three whitespace-, comma- or tab-separated columns (`.xy`, `.xye`, `.dat`, `.txt`), with optional
  /// comment (`#`, `;`, `!`) and header lines.
  case xy
  /// Comma-separated columns (`.csv`), with an optional header row.
  case csv
  /// PANalytical `.xrdml` (XML).
  case xrdml
  /// Bruker `.raw`: RAW1.01 (DIFFRAC-plus) and RAW4.00 (DIFFRAC.SUITE) binary.
  case brukerRaw = "bruker-raw"
  /// Bruker `.brml`: a ZIP of XML files.
  case brml
  /// Rigaku `.ras` (SmartLab text).
  case ras
  /// Rigaku `.asc`.
  case asc
  /// Siemens/Bruker `.uxd`.
  case uxd
  /// STOE `.raw` binary.
  case stoeRaw = "stoe-raw"
  /// GSAS standard raw data (`.gsa`, `.gsas`, `.xra`, `.raw`): `BANK … CONST|CONS start step … STD|ESD|ALT`,
  /// angles in centidegrees.
  case gsas
  /// GSAS FXYE (`.fxye`): explicit 2θ (centidegrees), intensity, e.s.d.
  case fxye
  /// Powder CIF (`_pd_meas_*`, `_pd_proc_*`), with an explicit or implicit 2θ axis.
  case pdCIF = "pdcif"
  /// opXRD / xrdpattern JSON (`two_theta_values`, `intensities`, `label`, `metadata`).
  case opXRD = "opxrd"

  /// The formats ``MeasuredPattern/write(to:format:)`` writes.
  public static let writable: [MeasuredFormat] = [.xy, .csv, .opXRD]
}
