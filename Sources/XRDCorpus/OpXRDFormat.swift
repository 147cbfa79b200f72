// The `opxrd` corpus format: one JSON file per pattern, `opxrd/00000123.json` (the global pattern index, eight
// digits), in the schema of the opXRD database as its reader xrdpattern writes it, so opXRD tools load simulated
// and experimental patterns alike (`XrdPattern.load(fpath=…)`).
//
// Schema, from xrdpattern 0.9.9 (PyPI; `xrdpattern/xrd/data.py` `XrdData.to_str`, `xrd/experiment.py`
// `PowderExperiment`, `xrd/xray.py` `XrayInfo`, `xrd/metadata.py` `Metadata`, `crystal/components/*.py`
// `CrystalStructure`/`CrystalBasis`/`AtomSite`, `serialization.py` `JsonDataclass`), checked against its
// example `aimat.json` (written by 0.9.8):
//   {"two_theta_values": [...], "intensities": [...], "label": "<PowderExperiment JSON>", "metadata": "<Metadata JSON>"}
// `label` and `metadata` are JSON *strings* holding JSON, and inside them every nested dataclass is again a
// string: `label` = {"phases": ["<CrystalStructure>", …], "xray_info": "<XrayInfo>", "is_simulated": true,
// "crystallite_size_nm": "12.0"|null, "temp_K": null}; a CrystalStructure = {"lattice": "(a, b, c, α, β, γ)",
// "basis": "<json list of json-string atom sites>"|null, "spacegroup": "225"|null, "chemical_composition": …,
// "wyckoff_symbols": null, "phase_fraction": "0.7"}; XrayInfo = {"primary_wavelength": "1.5406",
// "secondary_wavelength": "1.54439"|null}. Numbers inside the dataclasses are Python `str(float)` strings,
// booleans stay booleans, the atom sites are real JSON numbers (`json.dumps`); a lone phase's fraction is "1"
// (xrdpattern sets the int 1). Checked by loading with xrdpattern and writing back (`to_str()`): identical text,
// except that pymatgen may round a lattice parameter in the last digit (119.99999999999999 for 120).
// Mapping: primary wavelength = the strongest emission line, secondary = the next one (Kα1, Kα2; a Kβ or
// third line has no place in the schema); `crystallite_size_nm` from the augmentation value of that name;
// basis from ``OpXRDFormat/atomSites`` by structure id, else null; metadata: filename = the file's own name,
// original_file_format "xrdsim (simulated)", tags ["xrdsim", "simulated"], xrdpattern_version = the schema
// version mirrored ("0.9.9"). Not done: the augmentation values other than crystallite size (the schema has no
// place; the npy/hdf5 formats keep the full label).

public import Foundation

/// Writes one xrdpattern/opXRD JSON file per pattern into `opxrd/`.
public struct OpXRDFormat: CorpusFormat {
  public var name: String { "opxrd" }
  /// Atom sites of the full unit cell by structure id (``PhaseLabel/id``), written as each phase's `basis`;
  /// phases without an entry get `basis: null` (xrdpattern then reports `has_label(basis) == False`).
  public var atomSites: [String: [OpXRDAtomSite]]

  /// The xrdpattern version whose schema the files follow, written as `metadata.xrdpattern_version`.
  public static let schemaVersion = "0.9.9"
  /// The folder, inside the corpus directory, that holds the files.
  public static let directoryName = "opxrd"

  public init(atomSites: [String: [OpXRDAtomSite]] = [:]) {
    self.atomSites = atomSites
  }

  /// The file name of pattern `index`: `00000123.json`.
  public static func fileName(index: Int) -> String { String(format: "%08d", index) + ".json" }

  public func makeWriter(directory: URL, shard: Int, capacity: Int, twoTheta: [Double]) throws -> any ShardWriter {
    try OpXRDShardWriter(directory: directory.appendingPathComponent(Self.directoryName), twoTheta: twoTheta,
                         atomSites: atomSites)
  }
}

/// A pattern the opXRD schema (or xrdpattern's reader) cannot hold.
public struct OpXRDError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: Sendable, Equatable {
    /// xrdpattern refuses patterns of fewer than 50 points.
    case tooFewPoints(Int)
    /// The 2θ grid has a negative, repeated-only or non-finite value (xrdpattern refuses those).
    case invalidTwoTheta(reason: String)
    case pointCount(expected: Int, actual: Int)
    /// NaN or ±∞ at this point (JSON has no such numbers; xrdpattern refuses them).
    case nonFiniteIntensity(point: Int)
    /// xrdpattern refuses a pattern whose intensities are all zero.
    case allZero
    /// A phase fraction outside [0, 1] or a non-finite lattice parameter (xrdpattern checks both).
    case invalidPhase(id: String, reason: String)
    case fileSystem(operation: String, reason: String)
  }

  public var kind: Kind
  /// The file being written.
  public var path: String

  public init(_ kind: Kind, path: String) {
    self.kind = kind
    self.path = path
  }

  public var description: String {
    let message = switch kind {
    case let .tooFewPoints(n): "\(n) points; opXRD/xrdpattern needs at least 50"
    case let .invalidTwoTheta(reason): "2θ grid: \(reason)"
    case let .pointCount(expected, actual): "\(actual) intensities, the 2θ grid has \(expected) points"
    case let .nonFiniteIntensity(point): "intensity \(point) is not finite"
    case .allZero: "all intensities are zero, which opXRD/xrdpattern refuses"
    case let .invalidPhase(id, reason): "phase \(id): \(reason)"
    case let .fileSystem(operation, reason): "\(operation): \(reason)"
    }
    return "\(path): error: \(message)"
  }
}

// MARK: - Writer

/// Writes `NNNNNNNN.json.partial` per appended pattern and renames them all in ``finish()``, so an unfinished
/// shard leaves no final file behind.
final class OpXRDShardWriter: ShardWriter {
  private let directory: URL
  private let points: Int
  private let atomSites: [String: [OpXRDAtomSite]]
  /// `two_theta_values` as JSON, the same for every file.
  private let twoThetaJSON: String
  /// Basis JSON strings by structure id, made once.
  private var basisCache: [String: String] = [:]
  private var written: [(name: String, bytes: Int, sha256: String)] = []
  private var finished = false

  init(directory: URL, twoTheta: [Double], atomSites: [String: [OpXRDAtomSite]]) throws {
    self.directory = directory
    self.points = twoTheta.count
    self.atomSites = atomSites
    let path = directory.path
    guard twoTheta.count >= 50 else { throw OpXRDError(.tooFewPoints(twoTheta.count), path: path) }
    if let bad = twoTheta.first(where: { !$0.isFinite || $0 < 0 }) {
      throw OpXRDError(.invalidTwoTheta(reason: "value \(bad)"), path: path)
    }
    guard Set(twoTheta).count > 1 else { throw OpXRDError(.invalidTwoTheta(reason: "a single value"), path: path) }
    twoThetaJSON = OpXRDJSON.array(twoTheta.map(OpXRDJSON.number), style: .python)
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw OpXRDError(.fileSystem(operation: "creating the folder", reason: "\(error)"), path: path)
    }
  }

  func append(_ record: PatternRecord) throws {
    precondition(!finished, "append after finish")
    let name = OpXRDFormat.fileName(index: record.label.index)
    let partial = directory.appendingPathComponent(name + ".partial")
    let text = try document(for: record, fileName: name, path: partial.path)
    let bytes = Data(text.utf8)
    do {
      try bytes.write(to: partial)
    } catch {
      throw OpXRDError(.fileSystem(operation: "writing", reason: "\(error)"), path: partial.path)
    }
    written.append((name, bytes.count, SHA256.hash(bytes)))
  }

  func finish() throws -> [ShardFile] {
    precondition(!finished, "finish called twice")
    finished = true
    var files: [ShardFile] = []
    for file in written {
      let partial = directory.appendingPathComponent(file.name + ".partial").path
      let final = directory.appendingPathComponent(file.name).path
      guard rename(partial, final) == 0 else {
        throw OpXRDError(.fileSystem(operation: "renaming to \(final)", reason: String(cString: strerror(errno))),
                         path: partial)
      }
      files.append(ShardFile(path: OpXRDFormat.directoryName + "/" + file.name, bytes: file.bytes, sha256: file.sha256))
    }
    return files
  }

  // MARK: - Document

  /// The file's text: `XrdData.to_str()` of xrdpattern.
  func document(for record: PatternRecord, fileName: String, path: String) throws -> String {
    guard record.intensities.count == points else {
      throw OpXRDError(.pointCount(expected: points, actual: record.intensities.count), path: path)
    }
    if let bad = record.intensities.firstIndex(where: { !$0.isFinite }) {
      throw OpXRDError(.nonFiniteIntensity(point: bad), path: path)
    }
    guard record.intensities.contains(where: { $0 != 0 }) else { throw OpXRDError(.allZero, path: path) }

    let intensities = OpXRDJSON.array(record.intensities.map(OpXRDJSON.number), style: .python)
    return OpXRDJSON.object([
      "two_theta_values": twoThetaJSON,
      "intensities": intensities,
      "label": OpXRDJSON.string(try label(for: record, path: path), style: .python),
      "metadata": OpXRDJSON.string(metadata(fileName: fileName), style: .python),
    ], style: .python)
  }

  /// `PowderExperiment.to_str()`.
  private func label(for record: PatternRecord, path: String) throws -> String {
    var phases: [String] = []
    let single = record.label.phases.count == 1
    for phase in record.label.phases {
      phases.append(OpXRDJSON.string(try crystalStructure(phase, single: single, path: path), style: .orjson))
    }
    var crystalliteSize: Double? = nil
    if case let .number(size)? = record.label.augmentation["crystallite_size_nm"], size.isFinite { crystalliteSize = size }
    return OpXRDJSON.object([
      "phases": OpXRDJSON.array(phases, style: .orjson),
      "xray_info": OpXRDJSON.string(xrayInfo(record.radiation), style: .orjson),
      "is_simulated": "true",
      "crystallite_size_nm": OpXRDJSON.pythonFloatString(crystalliteSize, style: .orjson),
      "temp_K": OpXRDJSON.null,
    ], style: .orjson)
  }

  /// `CrystalStructure.to_str()`: lattice as the string of a Python tuple, numbers as strings. The fraction of
  /// a lone phase is "1": `PowderExperiment.__post_init__` sets the int 1, which xrdpattern writes as "1".
  private func crystalStructure(_ phase: PhaseLabel, single: Bool, path: String) throws -> String {
    guard (0...1).contains(phase.fraction) else {
      throw OpXRDError(.invalidPhase(id: phase.id, reason: "fraction \(phase.fraction) is outside [0, 1]"), path: path)
    }
    var lattice = OpXRDJSON.null
    if phase.lattice.count == 6 {
      guard phase.lattice.allSatisfy(\.isFinite) else {
        throw OpXRDError(.invalidPhase(id: phase.id, reason: "lattice \(phase.lattice)"), path: path)
      }
      lattice = OpXRDJSON.string("(" + phase.lattice.map(OpXRDJSON.number).joined(separator: ", ") + ")", style: .orjson)
    }
    return OpXRDJSON.object([
      "lattice": lattice,
      "basis": basis(for: phase.id),
      "spacegroup": phase.spaceGroupNumber.map { OpXRDJSON.string(String($0), style: .orjson) } ?? OpXRDJSON.null,
      "chemical_composition": OpXRDJSON.string(phase.formula, style: .orjson),
      "wyckoff_symbols": OpXRDJSON.null,
      "phase_fraction": single ? OpXRDJSON.string("1", style: .orjson)
        : OpXRDJSON.pythonFloatString(phase.fraction, style: .orjson),
    ], style: .orjson)
  }

  /// `CrystalBasis.to_str()` as a JSON string value (`json.dumps` of the `json.dumps` of each site), or null.
  private func basis(for id: String) -> String {
    if let cached = basisCache[id] { return cached }
    guard let sites = atomSites[id] else { return OpXRDJSON.null }
    let siteStrings = sites.map { site in
      OpXRDJSON.string(OpXRDJSON.object([
        "x": OpXRDJSON.number(site.x), "y": OpXRDJSON.number(site.y), "z": OpXRDJSON.number(site.z),
        "occupancy": OpXRDJSON.number(site.occupancy),
        "symbol": OpXRDJSON.string(site.species, style: .python),
        "wyckoff_letter": OpXRDJSON.null,
      ], style: .python), style: .python)
    }
    let value = OpXRDJSON.string(OpXRDJSON.array(siteStrings, style: .python), style: .orjson)
    basisCache[id] = value
    return value
  }

  /// `XrayInfo.to_str()`: the strongest line as primary, the next strongest as secondary.
  private func xrayInfo(_ radiation: [(wavelength: Double, weight: Double)]) -> String {
    let lines = radiation.enumerated().sorted { ($0.element.weight, -$0.offset) > ($1.element.weight, -$1.offset) }
      .map(\.element.wavelength)
    return OpXRDJSON.object([
      "primary_wavelength": OpXRDJSON.pythonFloatString(lines.first, style: .orjson),
      "secondary_wavelength": OpXRDJSON.pythonFloatString(lines.dropFirst().first, style: .orjson),
    ], style: .orjson)
  }

  /// `Metadata.to_str()`.
  private func metadata(fileName: String) -> String {
    OpXRDJSON.object([
      "filename": OpXRDJSON.string(fileName, style: .orjson),
      "institution": OpXRDJSON.null,
      "contributor_name": OpXRDJSON.null,
      "original_file_format": OpXRDJSON.string("xrdsim (simulated)", style: .orjson),
      "measurement_date": OpXRDJSON.null,
      "tags": OpXRDJSON.array([OpXRDJSON.string("xrdsim", style: .orjson), OpXRDJSON.string("simulated", style: .orjson)],
                              style: .orjson),
      "xrdpattern_version": OpXRDJSON.string(OpXRDFormat.schemaVersion, style: .orjson),
    ], style: .orjson)
  }
}
