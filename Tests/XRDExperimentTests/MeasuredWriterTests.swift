// Writers: read → write → read gives the same pattern (xy, csv, opXRD JSON), and opXRD JSON written from a
// pattern read from opXRD JSON is the same file byte for byte (aimat.json, written by xrdpattern 0.9.8).

import Foundation
import Testing
import XRDExperiment

@Suite struct MeasuredWriterTests {
  static let sources = [
    "nims-mdac-rigaku-ras/XRD_RIGAKU.ras", "xrdpattern-examples/data.cif", "xrdconversion-bruker/SbI3.xye",
    "matterviz-format-examples/BT86-siemens.uxd.gz", "gsas2-sucrose-11bm/11bmb_8716.fxye", "xrdpattern-examples/data.dat",
    "xrdpattern-examples/aimat.json", "matterviz-format-examples/2Theta.asc.gz",
  ]

  @Test(arguments: sources)
  func columnRoundTrip(_ path: String) throws {
    for original in try MeasuredPattern.read(contentsOf: sharedData.appendingPathComponent(path)) {
      for format in [MeasuredFormat.xy, .csv] {
        let data = try original.fileData(format: format, name: "out.\(format.rawValue)")
        let back = try MeasuredPattern.read(data: data, name: "out.\(format.rawValue)")
        #expect(back.count == 1)
        let copy = try #require(back.first)
        #expect(copy.twoTheta == original.twoTheta)
        #expect(copy.intensity == original.intensity)
        #expect(copy.sigma == original.sigma)
        #expect(copy.radiation == original.radiation)
        #expect(copy.countingTime == original.countingTime)
        #expect(copy.intensityUnit == original.intensityUnit)
        // Every metadata item comes back (line ends in values are written as spaces), except "columns", which
        // names the source file's columns, not the written file's.
        let lost = original.metadata.filter { key, value in
          key != "columns" &&
          copy.metadata[key] != value.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
        }
        #expect(lost.isEmpty, "metadata not read back: \(lost.keys.sorted().prefix(5))")
      }
    }
  }

  @Test func opXRDRewritesXrdpatternFileIdentically() throws {
    let url = sharedData.appendingPathComponent("xrdpattern-examples/aimat.json")
    let pattern = try MeasuredPattern(contentsOf: url)
    #expect(try pattern.fileData(format: .opXRD, name: "aimat.json") == Data(contentsOf: url))
  }

  @Test(arguments: ["xrdpattern-examples/data.cif", "nims-mdac-rigaku-ras/XRD_RIGAKU.ras",
                    "xrdpattern-examples/thisjson_legacy_labeled.json"])
  func opXRDRoundTrip(_ path: String) throws {
    let original = try MeasuredPattern(contentsOf: sharedData.appendingPathComponent(path))
    let data = try original.fileData(format: .opXRD, name: "out.json")
    let copy = try MeasuredPattern(contentsOf: try write(data, name: "out.json"))
    #expect(copy.twoTheta == original.twoTheta && copy.intensity == original.intensity)
    // The schema keeps two wavelengths, strongest first.
    #expect(copy.radiation.map(\.wavelength) == Array(original.radiation.sorted { $0.weight > $1.weight }.map(\.wavelength).prefix(2)))
    #expect(copy.metadata["is_simulated"] == "false")
    #expect(copy.metadata["filename"] == (path as NSString).lastPathComponent)
    // The JSON itself: label and metadata are strings holding JSON, as xrdpattern writes them.
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(object.keys.sorted() == ["intensities", "label", "metadata", "two_theta_values"])
    let labelText = try #require(object["label"] as? String)
    let label = try #require(try JSONSerialization.jsonObject(with: Data(labelText.utf8)) as? [String: Any])
    #expect(label.keys.sorted() == ["crystallite_size_nm", "is_simulated", "phases", "temp_K", "xray_info"])
    if path.hasSuffix("legacy_labeled.json") {
      // The legacy crystal structure becomes one phase in the current schema: lattice tuple, P1 basis, group 14.
      let phases = try #require(label["phases"] as? [String])
      #expect(phases.count == 1)
      let phase = try #require(try JSONSerialization.jsonObject(with: Data(phases[0].utf8)) as? [String: Any])
      #expect((phase["lattice"] as? String)?.hasPrefix("(5.381678, 8.60257, 14.03235, 90.0, 113.2116") == true)
      #expect(phase["spacegroup"] as? String == "14")
      let basisText = try #require(phase["basis"] as? String)
      let basis = try #require(try JSONSerialization.jsonObject(with: Data(basisText.utf8)) as? [String])
      #expect(basis.count == 52)                                // 52 sites in the legacy label (Python json check)
    }
  }

  @Test func writeByExtension() throws {
    let pattern = try MeasuredPattern(contentsOf: sharedData.appendingPathComponent("autoxrd-experimental/Spectra/MnO.xy"))
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("xrdsim-writer-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    for (ext, format) in [("xy", MeasuredFormat.xy), ("csv", .csv), ("json", .opXRD)] {
      let url = folder.appendingPathComponent("MnO.\(ext)")
      try pattern.write(to: url)
      let back = try MeasuredPattern(contentsOf: url)
      #expect(back.format == format && back.count == 9001 && back.intensity == pattern.intensity)
    }
    #expect(throws: MeasurementError.self) { try pattern.write(to: folder.appendingPathComponent("MnO.raw")) }
    #expect(throws: MeasurementError.self) { _ = try pattern.fileData(format: .ras, name: "x.ras") }
  }

  @Test func opXRDRefusesWhatXrdpatternRefuses() throws {
    let tiny = MeasuredPattern(twoTheta: [10, 11], intensity: [1, 2], format: .xy, source: "tiny.xy")
    #expect(throws: MeasurementError.self) { _ = try tiny.fileData(format: .opXRD, name: "tiny.json") }
    let zeros = MeasuredPattern(twoTheta: (0..<60).map(Double.init), intensity: Array(repeating: 0, count: 60), format: .xy, source: "z.xy")
    #expect(throws: MeasurementError.self) { _ = try zeros.fileData(format: .opXRD, name: "z.json") }
  }

  func write(_ data: Data, name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("xrdsim-writer-\(getpid())-\(name)")
    try data.write(to: url)
    return url
  }
}
