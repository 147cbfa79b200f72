// `xrdsim identify MEASURED --library DIR…`: rank the CIFs of a library by how well each (or a mixture) explains a
// measured pattern (XRDExperiment.PhaseIdentification): pre-screen on stick positions, quick fits of the best,
// greedy mixtures. Identical files in several library folders are read once.

import ArgumentParser
import Foundation
import XRDSim

struct IdentifyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "identify",
    abstract: "Rank the CIFs of a library by how well they explain a measured pattern (single phases and mixtures)."
  )

  @Argument(help: "The measured pattern file.")
  var measured: String

  @Option(name: .customLong("library"), help: "A folder of CIF files, or a CIF file (repeatable).")
  var libraries: [String] = []

  @Option(help: "Candidates to print.")
  var top = 5

  @Option(name: .customLong("max-phases"), help: "At most this many phases in a mixture (1: single phases only).")
  var maxPhases = 3

  @Option(help: "2θ range to use, MIN:MAX in degrees (default: the whole scan).")
  var range: String?

  @Option(help: "Starting instrument for the fits: a preset or a YAML/JSON file (default: GSAS-II's lab or synchrotron defaults).")
  var instrument: String?

  @Flag(help: "Print JSON: {\"candidates\": [{\"file\", \"score\", \"rwp\", …}, …]}, best first.")
  var json = false

  func validate() throws {
    guard !libraries.isEmpty else { throw ValidationError("give at least one --library folder or CIF file") }
    guard top >= 1 else { throw ValidationError("--top must be at least 1") }
    guard maxPhases >= 1 else { throw ValidationError("--max-phases must be at least 1") }
  }

  func run() throws {
    let pattern: MeasuredPattern
    do {
      pattern = try MeasuredPattern(contentsOf: URL(fileURLWithPath: measured))
    } catch {
      printError(error.description)
      throw ExitCode(1)
    }
    // Read the library: every CIF once (by content); unreadable files are reported and skipped.
    var seen = Set<Data>()
    var crystals: [Crystal] = [], paths: [String] = []
    var skipped = 0
    for path in try expandInputs(libraries) {
      guard let data = FileManager.default.contents(atPath: path), seen.insert(data).inserted else { continue }
      do {
        crystals.append(try Crystal.load(contentsOf: URL(fileURLWithPath: path)))
        paths.append(path)
      } catch {
        skipped += 1
        if !json { printError("skipped: \(error.description)") }
      }
    }
    guard !crystals.isEmpty else {
      printError("error: the library holds no readable CIF file")
      throw ExitCode(1)
    }
    var options = PhaseIdentification.Options(top: top, maximumPhases: maxPhases)
    options.range = try range.map { try parseTwoThetaRange($0, option: "--range") }
    let start: Instrument
    do {
      start = try instrument.map { try Instrument.presetOrFile($0) } ?? PatternFit.defaultInstrument(for: pattern)
    } catch {
      throw ValidationError(withoutErrorPrefix("\(error)"))
    }
    let result: PhaseIdentification.Result
    do {
      result = try PhaseIdentification.identify(pattern, library: crystals, instrument: start, options: options)
    } catch {
      printError("\(pattern.source): error: \(error)")
      throw ExitCode(1)
    }
    if json {
      let candidates: [[String: Any]] = result.candidates.map { c in
        var entry: [String: Any] = [
          "file": paths[c.index], "name": c.crystal.name, "formula": c.crystal.formula(),
          "score": finite(c.score), "rwp": finite(c.rwp), "screen": finite(c.screen),
          "in_mixture": c.inMixture, "weight_fraction": finite(c.weightFraction),
          "cell": ["a": c.cell.a, "b": c.cell.b, "c": c.cell.c, "alpha": c.cell.alpha, "beta": c.cell.beta, "gamma": c.cell.gamma],
        ]
        if let shift = c.shift { entry[shift.name] = finite(shift.value) }
        return entry
      }
      let object: [String: Any] = [
        "file": pattern.source, "candidates": candidates, "background_rwp": finite(result.backgroundRwp),
        "mixture_rwp": finite(result.mixtureRwp), "screened": result.screened, "fitted": result.fitted,
        "skipped": skipped, "seconds": result.seconds,
      ]
      let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
      print(String(decoding: data, as: UTF8.self))
      return
    }
    print(String(format: "%@: %d structures screened, %d fitted in %.2f s; background alone Rwp %.2f %%",
                 pattern.source, result.screened, result.fitted, result.seconds, result.backgroundRwp * 100))
    let mixture = result.candidates.filter(\.inMixture)
    if mixture.count > 1 {
      print(String(format: "mixture of %d phases: Rwp %.2f %%", mixture.count, result.mixtureRwp * 100))
    }
    guard !result.candidates.isEmpty else {
      print("no structure of the library could be fitted to the pattern (every fit failed or needed a negative scale)")
      return
    }
    print("rank  score   Rwp %   screen  w.frac  formula          file")
    for (rank, c) in result.candidates.enumerated() {
      print(String(format: "%4d  %6.3f  %6.2f  %6.3f  %6.3f  ", rank + 1, c.score, c.rwp * 100, c.screen,
                   c.inMixture ? c.weightFraction : 1.0)
        + c.crystal.formula().padding(toLength: 16, withPad: " ", startingAt: 0) + " " + paths[c.index]
        + (c.inMixture && mixture.count > 1 ? "  (mixture)" : ""))
    }
  }

  func finite(_ x: Double) -> Any { x.isFinite ? x : NSNull() }
}
