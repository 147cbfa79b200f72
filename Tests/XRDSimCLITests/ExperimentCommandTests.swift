// `xrdsim compare` and `xrdsim identify` as a script uses them: the JSON fields the issue names (`rwp`, `rp`,
// `rexp`, `gof`, `parameters`; `{"candidates": [{"file", "score"}]}` best first), the SVG plot, and a fitted
// instrument that `simulate --instrument` reads back. Real data: the autoxrd MnO pattern (9,001 points).

import Foundation
import Testing

@Suite struct ExperimentCommandTests {
  static let mno = sharedData.appendingPathComponent("autoxrd-experimental/Spectra/MnO.xy").path
  static let mnoCIF = sharedData.appendingPathComponent("autoxrd-experimental/References/MnO_225.cif").path

  @Test func compareFitJSONPlotAndSavedInstrument() throws {
    let folder = try temporaryFolder("compare")
    defer { try? FileManager.default.removeItem(at: folder) }
    let plot = folder.appendingPathComponent("fit.svg").path, saved = folder.appendingPathComponent("lab.yaml").path
    let result = try runXRDSim(["compare", Self.mnoCIF, Self.mno, "--fit", "--json", "--plot", plot, "--save-instrument", saved])
    #expect(result.status == 0, "\(result.error)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    for key in ["rwp", "rp", "rexp", "gof", "pearson", "cosine"] {
      #expect((object[key] as? Double).map { $0.isFinite && $0 > 0 } ?? false, "\(key)")
    }
    #expect((object["rwp"] as? Double ?? 1) < 0.0435)  // 1.15 × GSAS-II's 3.78 % (RIETVELD.md)
    let parameters = try #require(object["parameters"] as? [[String: Any]])
    let a = try #require(parameters.first { $0["name"] as? String == "a" })
    #expect(abs((a["value"] as? Double ?? 0) - 4.44521) < 0.002)   // GSAS-II's refined a
    #expect((a["uncertainty"] as? Double ?? 0) > 0)
    let svg = try String(contentsOfFile: plot, encoding: .utf8)
    #expect(svg.hasPrefix("<svg") || svg.contains("<svg"))
    #expect(svg.contains("observed") && svg.contains("difference"))
    // The fitted instrument is an instrument file simulate reads.
    let simulated = try runXRDSim(["simulate", Self.mnoCIF, "--instrument", saved, "--format", "csv"])
    #expect(simulated.status == 0, "\(simulated.error)")
    #expect(simulated.output.split(separator: "\n").count > 9000)
    // Without --fit: scale and background only, a worse but finite Rwp.
    let plain = try runXRDSim(["compare", Self.mnoCIF, Self.mno, "--json"])
    let plainObject = try #require(try JSONSerialization.jsonObject(with: Data(plain.output.utf8)) as? [String: Any])
    #expect((plainObject["rwp"] as? Double ?? 0) > (object["rwp"] as? Double ?? 1))
  }

  @Test func identifyJSONBestFirst() throws {
    let library = sharedData.appendingPathComponent("autoxrd-experimental/References").path
    let result = try runXRDSim(["identify", Self.mno, "--library", library, "--json", "--top", "3"])
    #expect(result.status == 0, "\(result.error)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    let candidates = try #require(object["candidates"] as? [[String: Any]])
    #expect(!candidates.isEmpty && candidates.count <= 3)
    #expect((candidates.first?["file"] as? String)?.hasSuffix("MnO_225.cif") ?? false)
    let scores = candidates.compactMap { $0["score"] as? Double }
    #expect(scores.count == candidates.count)
  }

  @Test func badArgumentsExitWithAMessage() throws {
    let noMeasured = try runXRDSim(["compare", Self.mnoCIF])
    #expect(noMeasured.status != 0 && noMeasured.error.contains("measured pattern"))
    let terms = try runXRDSim(["compare", Self.mnoCIF, Self.mno, "--background-terms", "0"])
    #expect(terms.status != 0 && terms.error.contains("--background-terms"))
    let noLibrary = try runXRDSim(["identify", Self.mno])
    #expect(noLibrary.status != 0 && noLibrary.error.contains("--library"))
  }
}
