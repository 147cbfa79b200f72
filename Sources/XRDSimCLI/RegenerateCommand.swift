// `xrdsim regenerate DIR INDEX`: one pattern of a corpus recomputed alone from its manifest and stored label,
// bit-identical to the stored one, as .xy, .csv or .json.

import ArgumentParser
import Foundation
import XRDSim

struct RegenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "regenerate",
    abstract: "Recompute one pattern of a corpus from its manifest and label.",
    discussion: "Structure paths in the manifest are relative to the folder the corpus was generated from; they are looked for under --structures-root, the current folder, the corpus folder and the folders above it (the file with the manifest's SHA-256 is used)."
  )

  @Argument(help: "The corpus folder (with manifest.json).")
  var directory: String

  @Argument(help: "Global pattern index (0-based).")
  var index: Int

  @Option(name: .customLong("structures-root"), help: "The folder the corpus was generated from, when not found by itself.")
  var structuresRoot: String?

  @Option(help: "Output format: xy, csv or json (json includes the label).")
  var format: Format = .xy

  @Option(name: .shortAndLong, help: "Output file (default: standard output).")
  var output: String?

  enum Format: String, ExpressibleByArgument, CaseIterable { case xy, csv, json }

  func run() throws {
    let pattern: RegeneratedPattern
    do {
      pattern = try CorpusGenerator.regenerate(directory: URL(fileURLWithPath: directory), index: index,
                                               structuresRoot: structuresRoot.map { URL(fileURLWithPath: $0) })
    } catch {
      printError("\(error)")
      throw ExitCode(1)
    }
    let r = pattern.record
    // Float32 values: 9 significant digits read back to the same float.
    func f(_ x: Float) -> String { String(format: "%.9g", Double(x)) }
    var text = ""
    switch format {
    case .xy:
      let main = r.label.phases.first
      text = "# xrdsim \(xrdsimVersion) regenerate: pattern \(index) of \(directory); structure \(r.label.structureIndex) "
        + "(\(main?.id ?? "?"), \(main?.formula ?? "?")) variant \(r.label.variant); 2theta(deg) intensity\n"
      for (t, y) in zip(pattern.twoTheta, r.intensities) { text += String(format: "%.5f", t) + " " + f(y) + "\n" }
    case .csv:
      text = "two_theta,intensity\n"
      for (t, y) in zip(pattern.twoTheta, r.intensities) { text += String(format: "%.5f", t) + "," + f(y) + "\n" }
    case .json:
      let values = r.intensities.map(f).joined(separator: ",")
      let grid = pattern.twoTheta.map { String(format: "%.5f", $0) }.joined(separator: ",")
      text = "{\"index\":\(index),\"label\":\(r.label.jsonLine),\"two_theta\":[\(grid)],\"intensities\":[\(values)]}\n"
    }
    if let output {
      try writeAtomically(text, to: output)
    } else {
      print(text, terminator: "")
    }
  }
}
