// `xrdsim simulate` on a Q grid: `--q START:STOP:STEP` or an instrument with `q:`; Q is the first column of
// .xy and .csv, a "q" array in .json, the x axis of the SVG plot; `--q` with `--two-theta` is an error.

import Foundation
import Testing

@Suite struct QGridCLITests {
  @Test(".xy and .csv put Q first; .json adds \"q\"; the SVG x axis is Q")
  func writers() throws {
    let xy = try runXRDSim(["simulate", "Structures/9008565.cif", "--q", "1:6:0.01"])
    #expect(xy.status == 0, "\(xy.error)")
    let lines = xy.output.split(separator: "\n")
    #expect(lines[0].contains("q(1/Å) intensity(counts); Q = 4π sin θ / λ, λ = 1.5405929 Å"))
    #expect(lines.count == 1 + 501)
    #expect(lines[1].hasPrefix("1.000000 ") && lines[501].hasPrefix("6.000000 "))

    let csv = try runXRDSim(["simulate", "Structures/9008565.cif", "--q", "1:6:0.01", "--format", "csv", "--components"])
    let rows = csv.output.split(separator: "\n")
    #expect(rows[0] == "q,two_theta,intensity,peaks,background,noise")
    let first = rows[1].split(separator: ",")
    #expect(first[0] == "1.000000")
    // 2θ = 2 asin(Qλ/4π) at Q = 1 Å⁻¹, λ = 1.5405929 Å: 14.08395°.
    #expect(first[1] == "14.08395")

    let json = try runXRDSim(["simulate", "Structures/9008565.cif", "--q", "1:6:0.01", "--format", "json"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
    let q = try #require(object["q"] as? [Double])
    let twoTheta = try #require(object["two_theta"] as? [Double])
    #expect(q.count == 501 && twoTheta.count == 501)
    let plain = try runXRDSim(["simulate", "Structures/9008565.cif", "--format", "json"])
    let plainObject = try #require(try JSONSerialization.jsonObject(with: Data(plain.output.utf8)) as? [String: Any])
    #expect(plainObject["q"] == nil)

    let svg = FileManager.default.temporaryDirectory.appendingPathComponent("xrdsim-q-\(UUID().uuidString).svg")
    defer { try? FileManager.default.removeItem(at: svg) }
    let plotted = try runXRDSim(["simulate", "Structures/9008565.cif", "--q", "1:6:0.01", "--plot", svg.path, "-o", "/dev/null"])
    #expect(plotted.status == 0, "\(plotted.error)")
    let text = try String(contentsOf: svg, encoding: .utf8)
    #expect(text.contains(">Q (Å⁻¹)<"))
    #expect(!text.contains("2θ (degrees)"))
  }

  @Test("an instrument file with q: and --set q.… give the same pattern as --q")
  func instrumentKey() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("xrdsim-q-\(UUID().uuidString).yaml")
    defer { try? FileManager.default.removeItem(at: file) }
    try "q: {start: 1, stop: 6, step: 0.01}\n".write(to: file, atomically: true, encoding: .utf8)
    let flag = try runXRDSim(["simulate", "Structures/9008565.cif", "--q", "1:6:0.01"])
    let fromFile = try runXRDSim(["simulate", "Structures/9008565.cif", "--instrument", file.path])
    let fromSet = try runXRDSim(["simulate", "Structures/9008565.cif", "--set", "q={start: 1, stop: 6, step: 0.02}",
                                 "--set", "q.step=0.01"])
    #expect(flag.status == 0 && !flag.output.isEmpty)
    #expect(fromFile.output == flag.output)
    #expect(fromSet.output == flag.output)
    // --two-theta switches an instrument with q back to a 2θ grid.
    let back = try runXRDSim(["simulate", "Structures/9008565.cif", "--instrument", file.path, "--two-theta", "10:20:0.1"])
    #expect(back.status == 0, "\(back.error)")
    #expect(back.output.split(separator: "\n").count == 1 + 101)
  }

  @Test("--q with --two-theta, or a bad --q, is an error naming the flag or key")
  func errors() throws {
    let both = try runXRDSim(["simulate", "Structures/9008565.cif", "--q", "1:6:0.01", "--two-theta", "5:90:0.01"])
    #expect(both.status != 0)
    #expect(both.error.contains("--two-theta and --q cannot both be given"), "\(both.error)")
    let malformed = try runXRDSim(["simulate", "Structures/9008565.cif", "--q", "1:6"])
    #expect(malformed.status != 0)
    #expect(malformed.error.contains("--q: '1:6' is not START:STOP:STEP"), "\(malformed.error)")
    let high = try runXRDSim(["simulate", "Structures/9008565.cif", "--q", "1:9:0.01"])
    #expect(high.status != 0)
    #expect(high.error.contains("q.stop: 9 is not allowed: Q must be below 4π/λ = 8.157 Å⁻¹"), "\(high.error)")
    let step = try runXRDSim(["simulate", "Structures/9008565.cif", "--q", "1:6:0"])
    #expect(step.error.contains("q.step"), "\(step.error)")
  }
}
