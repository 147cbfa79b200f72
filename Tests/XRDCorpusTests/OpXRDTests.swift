// opXRD writer: one xrdpattern-schema JSON file per pattern, decoded here level by level (the label and metadata
// are JSON strings holding JSON, with more JSON strings inside), compared with xrdpattern's own example
// `aimat.json` from shared/data, and, when xrdpattern is installed, loaded by `XrdPattern.load`
// (Python/read_opxrd.py), which must also write the very same document back.

import Foundation
import Testing
import XRDCorpus
import XRDCrystal

@Suite("opXRD writer")
struct OpXRDTests {
  static let atomSites = ["NaCl": WriterFixtures.naclSites]

  /// Writes the fixture records and returns the files and the corpus directory's `opxrd` folder.
  static func writeShard(in directory: URL) throws -> [ShardFile] {
    var writer = try OpXRDFormat(atomSites: atomSites).makeWriter(directory: directory, shard: 0, capacity: 10,
                                                                  twoTheta: WriterFixtures.twoTheta)
    for record in WriterFixtures.records { try writer.append(record) }
    let folder = directory.appendingPathComponent("opxrd")
    // Nothing final before finish(): a shard's files appear together.
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
      == ["00000100.json.partial", "00000101.json.partial", "00000102.json.partial"])
    return try writer.finish()
  }

  /// `json.loads` of a JSON string value that holds JSON.
  static func decode(_ value: Any?) -> Any? {
    guard let text = value as? String else { return nil }
    return try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
  }

  static func object(_ value: Any?) -> [String: Any] { decode(value) as? [String: Any] ?? [:] }

  @Test func writesOneXrdpatternDocumentPerPattern() throws {
    let directory = try WriterFixtures.temporaryDirectory("opxrd")
    defer { try? FileManager.default.removeItem(at: directory) }
    let files = try Self.writeShard(in: directory)
    #expect(files.map(\.path) == ["opxrd/00000100.json", "opxrd/00000101.json", "opxrd/00000102.json"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("opxrd").path)
      .sorted() == ["00000100.json", "00000101.json", "00000102.json"])

    var documents: [[String: Any]] = []
    for (file, record) in zip(files, WriterFixtures.records) {
      let url = directory.appendingPathComponent(file.path)
      let (sha256, bytes) = try SHA256.hash(fileAt: url)
      #expect(file.sha256 == sha256 && file.bytes == bytes)
      let text = try String(contentsOf: url, encoding: .utf8)
      // xrdpattern's XrdData.to_str(): json.dumps of four keys in this order, label/metadata as strings.
      #expect(text.hasPrefix(#"{"two_theta_values": [10.0, 10.25, 10.5, "#))
      #expect(text.contains(#"], "label": "{\"phases\":["#))
      #expect(text.contains(#"", "metadata": "{\"filename\":\""#))
      // Numbers as Python's repr lays them out (Swift alone would write 3.4e+10 and 1.2345679e+08).
      #expect(text.contains("1e-07, 34000000000.0, ") && text.contains(", 1e+16, 123456790.0, 0.00012345, "))
      let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
      #expect(Set(document.keys) == ["two_theta_values", "intensities", "label", "metadata"])
      #expect(document["two_theta_values"] as? [Double] == WriterFixtures.twoTheta)
      // Intensities spelled as shortest float32 decimals read back as the same float32.
      #expect((document["intensities"] as? [Double])?.map(Float.init) == record.intensities)
      documents.append(document)
    }

    // Pattern 100: NaCl with its basis, Cu Kα1/Kα2, crystallite size.
    let label = Self.object(documents[0]["label"])
    #expect(label["is_simulated"] as? Bool == true)
    #expect(label["crystallite_size_nm"] as? String == "35.5")
    #expect(label["temp_K"] is NSNull)
    let xray = Self.object(label["xray_info"])
    #expect(xray["primary_wavelength"] as? String == "1.540593")
    #expect(xray["secondary_wavelength"] as? String == "1.544414")
    let phases = label["phases"] as? [Any] ?? []
    #expect(phases.count == 1)
    let nacl = Self.object(phases.first)
    #expect(nacl["lattice"] as? String == "(5.6402, 5.6402, 5.6402, 90.0, 90.0, 90.0)")
    #expect(nacl["spacegroup"] as? String == "225")
    #expect(nacl["chemical_composition"] as? String == "Na4 Cl4")
    #expect(nacl["phase_fraction"] as? String == "1")  // xrdpattern's int 1 for a lone phase
    #expect(nacl["wyckoff_symbols"] is NSNull)
    let sites = (Self.decode(nacl["basis"]) as? [Any] ?? []).map(Self.object)
    #expect(sites.count == 8)
    #expect(sites.first?["symbol"] as? String == "Na+")
    #expect(sites.last?["symbol"] as? String == "Cl-")
    #expect(sites.last?["x"] as? Double == 0 && sites.last?["y"] as? Double == 0.5 && sites.last?["z"] as? Double == 0)
    #expect(sites.first?["occupancy"] as? Double == 1)
    #expect(sites.first?["wyckoff_letter"] is NSNull)
    let metadata = Self.object(documents[0]["metadata"])
    #expect(metadata["filename"] as? String == "00000100.json")
    #expect(metadata["original_file_format"] as? String == "xrdsim (simulated)")
    #expect(metadata["tags"] as? [String] == ["xrdsim", "simulated"])
    #expect(metadata["xrdpattern_version"] as? String == "0.9.9")
    #expect(metadata["measurement_date"] is NSNull)

    // Pattern 101: quartz (no basis given → null) + NaCl; three lines, the two strongest kept.
    let mixture = Self.object(documents[1]["label"])
    let mixturePhases = (mixture["phases"] as? [Any] ?? []).map(Self.object)
    #expect(mixturePhases.map { $0["phase_fraction"] as? String } == ["0.7", "0.3"])
    #expect(mixturePhases.first?["basis"] is NSNull)
    #expect(mixturePhases.first?["lattice"] as? String == "(4.9134, 4.9134, 5.4052, 90.0, 90.0, 120.0)")
    #expect(mixturePhases.last?["basis"] is String)
    #expect(mixture["crystallite_size_nm"] as? String == "12.0")
    #expect(Self.object(mixture["xray_info"])["secondary_wavelength"] as? String == "1.544414")

    // Pattern 102: nothing known about the phase but its formula; one line; no crystallite size.
    let bare = Self.object(documents[2]["label"])
    let barePhase = Self.object((bare["phases"] as? [Any])?.first)
    #expect(barePhase["lattice"] is NSNull && barePhase["spacegroup"] is NSNull && barePhase["basis"] is NSNull)
    let bareXray = Self.object(bare["xray_info"])
    #expect(bareXray["primary_wavelength"] as? String == "0.7093")
    #expect(bareXray["secondary_wavelength"] is NSNull)
    #expect(bare["crystallite_size_nm"] is NSNull)
  }

  /// Python's json module reads each file and writes the same text back: the outer `json.dumps` layout, the
  /// ASCII escaping of the nested strings and the float spelling all match Python's.
  @Test(.enabled(if: PythonReader.systemPython(importing: ["json"]) != nil, "python3 not found"))
  func pythonJSONRewritesTheSameText() throws {
    let directory = try WriterFixtures.temporaryDirectory("opxrd-json")
    defer { try? FileManager.default.removeItem(at: directory) }
    let files = try Self.writeShard(in: directory)
    let script = "import json, sys; print(json.dumps([json.dumps(json.load(open(p, encoding='utf-8'))) == "
      + "open(p, encoding='utf-8').read() for p in sys.argv[1:]]))"
    let command = ["/usr/bin/env", "python3", "-c", script] + files.map { directory.appendingPathComponent($0.path).path }
    let output = try #require(PythonReader.run(command))
    #expect(try JSONSerialization.jsonObject(with: output) as? [Bool] == [true, true, true])
  }

  static let aimatExample = URL(fileURLWithPath: #filePath).deletingLastPathComponent() // Tests/XRDCorpusTests
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() // /work (repo's parent)
    .appendingPathComponent("shared/data/xrdpattern-examples/aimat.json")

  @Test(.enabled(if: FileManager.default.fileExists(atPath: aimatExample.path),
                 "shared/data/xrdpattern-examples/aimat.json not beside the repository"))
  func sameKeysAndNestingAsXrdpatternsExample() throws {
    let directory = try WriterFixtures.temporaryDirectory("opxrd-aimat")
    defer { try? FileManager.default.removeItem(at: directory) }
    let files = try Self.writeShard(in: directory)
    let ours = try #require(try JSONSerialization.jsonObject(
      with: Data(contentsOf: directory.appendingPathComponent(files[0].path))) as? [String: Any])
    let theirs = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.aimatExample)) as? [String: Any])
    #expect(Set(ours.keys) == Set(theirs.keys))
    #expect(ours["label"] is String && theirs["label"] is String)
    #expect(ours["metadata"] is String && theirs["metadata"] is String)
    let (ourLabel, theirLabel) = (Self.object(ours["label"]), Self.object(theirs["label"]))
    #expect(Set(ourLabel.keys) == Set(theirLabel.keys))
    #expect(ourLabel["xray_info"] is String && theirLabel["xray_info"] is String)
    #expect(Set(Self.object(ourLabel["xray_info"]).keys) == Set(Self.object(theirLabel["xray_info"]).keys))
    #expect(Set(Self.object(ours["metadata"]).keys) == Set(Self.object(theirs["metadata"]).keys))
    // Wavelengths are strings in both.
    #expect(Self.object(theirLabel["xray_info"])["primary_wavelength"] is String)
    #expect(Self.object(ourLabel["xray_info"])["primary_wavelength"] is String)
  }

  // MARK: Sites from a crystal

  @Test func fullCellSitesUsePymatgenSpeciesStrings() throws {
    let cif = """
      data_NaCl
      _cell_length_a 5.6402
      _cell_length_b 5.6402
      _cell_length_c 5.6402
      _cell_angle_alpha 90
      _cell_angle_beta 90
      _cell_angle_gamma 90
      _space_group_IT_number 225
      _space_group_name_H-M_alt 'F m -3 m'
      loop_
      _atom_site_label
      _atom_site_type_symbol
      _atom_site_fract_x
      _atom_site_fract_y
      _atom_site_fract_z
      _atom_site_occupancy
      Na1 Na1+ 0 0 0 1
      Cl1 Cl1- 0.5 0.5 0.5 1
      """
    let crystal = try Crystal.load(cifText: cif)
    let sites = OpXRDAtomSite.fullCell(of: crystal)
    #expect(sites.count == 8)
    #expect(Set(sites.map(\.species)) == ["Na+", "Cl-"])
    #expect(sites.filter { $0.species == "Na+" }.count == 4)
    #expect(sites.allSatisfy { [$0.x, $0.y, $0.z].allSatisfy { (0..<1).contains($0) } && $0.occupancy == 1 })
    let element = try #require(Element(symbol: "Fe"))
    #expect(OpXRDAtomSite.pymatgenSpecies(Species(element: element)) == "Fe0+")
    #expect(OpXRDAtomSite.pymatgenSpecies(Species(element: element, charge: 3)) == "Fe3+")
    #expect(OpXRDAtomSite.pymatgenSpecies(Species(element: element, charge: -2)) == "Fe2-")
  }

  // MARK: Errors: what xrdpattern would refuse is refused when written

  @Test func refusesWhatXrdpatternCannotLoad() throws {
    let directory = try WriterFixtures.temporaryDirectory("opxrd-errors")
    defer { try? FileManager.default.removeItem(at: directory) }
    let folder = directory.appendingPathComponent("opxrd").path
    let short = Array(WriterFixtures.twoTheta.prefix(49))
    #expect(throws: OpXRDError(.tooFewPoints(49), path: folder)) {
      _ = try OpXRDFormat().makeWriter(directory: directory, shard: 0, capacity: 1, twoTheta: short)
    }
    var negative = WriterFixtures.twoTheta
    negative[0] = -1
    #expect(throws: OpXRDError(.invalidTwoTheta(reason: "value -1.0"), path: folder)) {
      _ = try OpXRDFormat().makeWriter(directory: directory, shard: 0, capacity: 1, twoTheta: negative)
    }

    var writer = try OpXRDFormat().makeWriter(directory: directory, shard: 0, capacity: 10,
                                              twoTheta: WriterFixtures.twoTheta)
    let partial = directory.appendingPathComponent("opxrd/00000100.json.partial").path
    var record = WriterFixtures.records[0]
    record.intensities = Array(repeating: 0, count: WriterFixtures.points)
    #expect(throws: OpXRDError(.allZero, path: partial)) { try writer.append(record) }
    record.intensities[5] = .nan
    #expect(throws: OpXRDError(.nonFiniteIntensity(point: 5), path: partial)) { try writer.append(record) }
    record.intensities = [1, 2, 3]
    #expect(throws: OpXRDError(.pointCount(expected: 120, actual: 3), path: partial)) { try writer.append(record) }
    record = WriterFixtures.records[0]
    record.label.phases[0].fraction = 1.5
    let error = #expect(throws: OpXRDError.self) { try writer.append(record) }
    #expect(error?.description == "\(partial): error: phase NaCl: fraction 1.5 is outside [0, 1]")
    #expect(try writer.finish().isEmpty)
  }

  // MARK: xrdpattern

  @Test(.enabled(if: PythonReader.xrdpatternPython != nil,
                 "xrdpattern not found: set XRDSIM_XRDPATTERN_PYTHON to a python with `pip install xrdpattern` (see .ci/run)"))
  func xrdpatternLoadsTheFiles() throws {
    let directory = try WriterFixtures.temporaryDirectory("opxrd-xrdpattern")
    defer { try? FileManager.default.removeItem(at: directory) }
    let files = try Self.writeShard(in: directory)
    let summary = try PythonReader.summary(PythonReader.xrdpatternPython!, script: "read_opxrd.py",
                                           arguments: files.map { directory.appendingPathComponent($0.path).path })
    let loaded = summary["files"] as? [[String: Any]] ?? []
    try #require(loaded.count == 3)
    #expect(summary["pattern_db_counts"] as? [String: Int] == ["opxrd": 3])
    let records = WriterFixtures.records
    for (file, record) in zip(loaded, records) {
      #expect(file["is_simulated"] as? Bool == true)
      #expect(file["num_entries"] as? Int == WriterFixtures.points)
      #expect(file["two_theta_first"] as? Double == WriterFixtures.twoTheta.first)
      #expect(file["two_theta_last"] as? Double == WriterFixtures.twoTheta.last)
      #expect(file["intensities_float32_sha256"] as? String == WriterFixtures.sha256(record.intensities))
      #expect(file["num_phases"] as? Int == record.label.phases.count)
      #expect(file["phase_fractions"] as? [Double] == record.label.phases.map(\.fraction))
      // xrdpattern writes back the document it read: same schema and spelling; only pymatgen's rounding of the
      // hexagonal cell (γ = 119.99999999999999) differs, in the quartz lattice of pattern 101.
      #expect(file["rewrite_differences"] as? [String] == [])
      let rounded = record.label.index == 101 ? ["/label/phases[0]/lattice"] : []
      #expect(file["rewrite_rounding"] as? [String] == rounded)
      #expect(file["rewrite_identical_text"] as? Bool == rounded.isEmpty)
      let metadata = file["metadata"] as? [String: Any] ?? [:]
      #expect(metadata["xrdpattern_version"] as? String == "0.9.9")
      #expect(metadata["filename"] as? String == OpXRDFormat.fileName(index: record.label.index))
    }

    // NaCl: fully labelled, the basis builds a pymatgen structure of composition NaCl.
    let nacl = loaded[0]
    let phase = nacl["primary_phase"] as? [String: Any] ?? [:]
    #expect(phase["spacegroup"] as? Int == 225)
    #expect(phase["chemical_composition"] as? String == "Na4 Cl4")
    let lattice = phase["lattice"] as? [Double] ?? []
    #expect(lattice.count == 6)
    for (a, b) in zip(lattice, WriterFixtures.nacl.lattice) { #expect(abs(a - b) < 1e-9) }  // via pymatgen's matrix
    #expect(phase["num_sites"] as? Int == 8)
    #expect(phase["species"] as? [String] == ["Cl-", "Na+"])
    #expect(phase["reduced_formula"] as? String == "NaCl")
    #expect(nacl["primary_wavelength"] as? Double == 1.540593)
    #expect(nacl["secondary_wavelength"] as? Double == 1.544414)
    #expect(nacl["crystallite_size_nm"] as? Double == 35.5)
    let hasLabel = nacl["has_label"] as? [String: Bool] ?? [:]
    #expect(hasLabel == ["lattice": true, "spg": true, "composition": true, "basis": true, "primary_wavelength": true,
                         "secondary_wavelength": true, "crystallite_size": true, "temperature": false])

    // The mixture's primary phase is quartz, without a basis.
    let quartz = loaded[1]["primary_phase"] as? [String: Any] ?? [:]
    #expect(quartz["spacegroup"] as? Int == 154)
    #expect(quartz["num_sites"] is NSNull)
    #expect((loaded[1]["has_label"] as? [String: Bool])?["basis"] == false)

    // The unknown phase: no lattice, no space group, one wavelength.
    let bare = loaded[2]["has_label"] as? [String: Bool] ?? [:]
    #expect(bare["lattice"] == false && bare["spg"] == false && bare["composition"] == true)
    #expect(bare["primary_wavelength"] == true && bare["secondary_wavelength"] == false)
  }
}
