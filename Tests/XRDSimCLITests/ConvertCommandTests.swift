// `xrdsim convert`: multi-scan files give numbered outputs or the scan --scan picks, formats follow the
// extension, and bad input exits 1 with the MeasurementError description.

import Foundation
import Testing

@Suite struct ConvertCommandTests {

  @Test func multiScanFilesGetNumberedOutputs() throws {
    let folder = try temporaryFolder("convert")
    defer { try? FileManager.default.removeItem(at: folder) }
    // xrdpattern's data.dat holds two images of 2600 points each (SOURCE.md).
    let input = sharedData.appendingPathComponent("xrdpattern-examples/data.dat").path
    let result = try runXRDSim(["convert", input, folder.appendingPathComponent("out.csv").path])
    #expect(result.status == 0)
    for n in [1, 2] {
      let text = try String(contentsOf: folder.appendingPathComponent("out_\(n).csv"), encoding: .utf8)
      #expect(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.count == 2601)   // header row + 2600
    }
    #expect(result.output.contains("out_2.csv: 2600 points"))
    let one = try runXRDSim(["convert", input, folder.appendingPathComponent("second.json").path, "--scan", "2"])
    #expect(one.status == 0 && FileManager.default.fileExists(atPath: folder.appendingPathComponent("second.json").path))
    let none = try runXRDSim(["convert", input, folder.appendingPathComponent("x.xy").path, "--scan", "3"])
    #expect(none.status == 1 && none.error.hasPrefix("data.dat: error: --scan: scan 3 asked for, the file holds 2"))
  }

  @Test func wavelengthFromInstrumentFile() throws {
    // GSAS STD files state no wavelength; INST_XRY.PRM gives 1.5405/1.5443 Å (gsas2-pbso4/SOURCE.md).
    let result = try runXRDSim(["convert", sharedData.appendingPathComponent("gsas2-pbso4/PBSO4.XRA").path, "-",
                                "--prm", sharedData.appendingPathComponent("gsas2-pbso4/INST_XRY.PRM").path])
    #expect(result.status == 0)
    #expect(result.output.contains("# radiation: 1.5405 1.0 Ka1, 1.5443 0.5 Ka2\n"))
    #expect(result.output.split(separator: "\n").filter { !$0.hasPrefix("#") }.count == 6001)
  }

  @Test func errorsExitOne() throws {
    let truncated = FileManager.default.temporaryDirectory.appendingPathComponent("xrdsim-convert-\(getpid())-cut.gsa")
    try Data("title\nBANK 1 20 2 CONST 1000 2.5 0 0 STD\n     179     147\n".utf8).write(to: truncated)
    defer { try? FileManager.default.removeItem(at: truncated) }
    let result = try runXRDSim(["convert", truncated.path, "-"])
    #expect(result.status == 1)
    #expect(result.error.contains("cut.gsa:3: error: NCHAN: the BANK line (line 2) promises 20 points"))
    let badFormat = try runXRDSim(["convert", truncated.path, "out.xy", "--format", "xrdml"])
    #expect(badFormat.status != 0 && badFormat.error.contains("--format"))
  }
}
