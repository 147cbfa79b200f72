// `xrdsim conditions MEASURED...`: what a lab's measured patterns say about their measurement conditions —
// scan, background, counting noise, peak widths — as a table and as a config file `xrdsim generate` reads.
//
// Folders are expanded to the files in them that a reader recognises; a folder's file that cannot be read or
// used (too short, not uniform, no noise) is skipped with a warning, a file named on the command line is an
// error. Every scan of a file counts as one pattern. The physics is XRDExperiment's ConditionsEstimate.

import ArgumentParser
import Foundation
import XRDSim

struct ConditionsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "conditions",
    abstract: "Estimate measurement conditions (scan, background, noise, peak widths) from measured patterns.",
    discussion: """
      Writes a corpus config with the measured set's grid, radiation, peak widths (U, V, W, X, Y), background \
      (level, Chebyshev shape, hump) and Poisson noise level as distributions: use it with \
      `xrdsim generate --conditions FILE` (over the built-in or --config config) or `--config FILE CIF...`.
      """
  )

  @Argument(help: "Measured pattern files (.xy, .csv, …) or folders of them.")
  var measured: [String]

  @Option(name: .shortAndLong, help: "Where to write the conditions (YAML); '-' prints it instead of the table.")
  var output = "conditions.yaml"

  @Option(help: "Emission lines for files that state none: a name (CuKa12, CuKa1, MoKa12, …) or a wavelength in Å.")
  var radiation = "CuKa12"

  @Flag(help: "Print the estimates as JSON (per pattern, widths, summaries) instead of the table.")
  var json = false

  func validate() throws {
    _ = try assumedLines()
  }

  func assumedLines() throws -> [EmissionLine] {
    if let lines = Radiation.lines(named: radiation) { return lines }
    if let value = Double(radiation), value > 0, value < 10 { return [EmissionLine(wavelength: value)] }
    throw ValidationError("--radiation: '\(radiation)' is neither a line name (CuKa12, MoKa1, …) nor a wavelength in Å")
  }

  func run() throws {
    let lines = try assumedLines()
    // Each pattern with whether it came from a folder (skipped with a warning when it cannot be used).
    var patterns: [(pattern: MeasuredPattern, fromFolder: Bool)] = []
    let manager = FileManager.default
    for path in measured {
      var isDirectory: ObjCBool = false
      guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
        printError("\(path): error: no such file or folder")
        throw ExitCode(1)
      }
      if isDirectory.boolValue {
        let names = ((try? manager.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        for name in names {
          let file = (path as NSString).appendingPathComponent(name)
          var isFolder: ObjCBool = false
          guard manager.fileExists(atPath: file, isDirectory: &isFolder), !isFolder.boolValue else { continue }
          do {
            patterns += try MeasuredPattern.read(contentsOf: URL(fileURLWithPath: file)).map { ($0, true) }
          } catch {
            printError(error.description.replacingOccurrences(of: ": error: ", with: ": warning: skipped: "))
          }
        }
      } else {
        do {
          patterns += try MeasuredPattern.read(contentsOf: URL(fileURLWithPath: path)).map { ($0, false) }
        } catch {
          printError(error.description)
          throw ExitCode(1)
        }
      }
    }
    var conditions: [PatternConditions] = []
    for (pattern, fromFolder) in patterns {
      do {
        conditions.append(try PatternConditions(pattern: pattern, assumedRadiation: lines))
      } catch {
        guard fromFolder else {
          printError(error.description)
          throw ExitCode(1)
        }
        printError(error.description.replacingOccurrences(of: ": error: ", with: ": warning: skipped: "))
      }
    }
    guard !conditions.isEmpty else {
      printError("error: no measured pattern could be used")
      throw ExitCode(1)
    }
    let estimate = ConditionsEstimate(conditions: conditions)
    let yaml = estimate.configYAML()
    if output == "-" {
      print(yaml, terminator: "")
      return
    }
    do {
      try yaml.write(toFile: output, atomically: true, encoding: .utf8)
    } catch {
      printError("\(output): error: cannot write: \(error.localizedDescription)")
      throw ExitCode(1)
    }
    if json {
      print(try encodeJSON(ConditionsReport(estimate: estimate, config: yaml), pretty: true))
    } else {
      print(Self.table(estimate), terminator: "")
      print("wrote \(output) (xrdsim generate --conditions \(output))")
    }
  }

  /// The per-pattern table and the set's medians and quartiles.
  static func table(_ e: ConditionsEstimate) -> String {
    func f(_ x: Double?, _ format: String) -> String { x.map { String(format: format, $0) } ?? "–" }
    /// Three significant digits, as a whole number from 100 up (22700, not 2.27e+04).
    func counts(_ x: Double?) -> String {
      guard let x else { return "–" }
      guard x >= 100 else { return String(format: "%.3g", x) }
      let scale = pow(10, (log10(x)).rounded(.down) - 2)
      return String(Int((x / scale).rounded() * scale))
    }
    func fwhm(_ j: Int) -> String {
      [30.0, 60, 90].map { f(e.fwhm(pattern: j, atTwoTheta: $0), "%.3f") }.joined(separator: "/")
    }
    let width = max(20, (e.patterns.map(\.source.count).max() ?? 0) + 2)
    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
    var out = pad("pattern", width) + pad("2θ range, step (°)", 20) + pad("bg frac", 9) + pad("level", 8)
      + pad("gain", 8) + pad("ρ1", 7) + pad("counts", 9) + pad("peaks", 7) + "FWHM 30/60/90° (°)\n"
    for (j, p) in e.patterns.enumerated() {
      let scan = String(format: "%.5g–%.5g, %.5g", p.twoThetaStart, p.twoThetaStop, p.step)
      out += pad(p.source, width) + pad(scan, 20) + pad(f(p.backgroundFraction, "%.3f"), 9) + pad(f(p.backgroundLevel, "%.3f"), 8)
        + pad(f(p.noise?.gain, "%.3g"), 8) + pad(f(p.noise?.lag1Correlation, "%.2f"), 7) + pad(counts(p.noiseCounts), 9)
        + pad(String(p.peaks.count), 7) + fwhm(j) + "\n"
    }
    let s = [e.summary { $0.backgroundFraction }, e.summary { $0.backgroundLevel }, e.summary { $0.noise?.gain },
             e.summary { $0.noise?.lag1Correlation }, e.summary { $0.noiseCounts }, e.summary { Double($0.peaks.count) }]
    let w = [30.0, 60, 90].map { e.fwhmSummary(atTwoTheta: $0) }
    for (name, pick) in [("median", { (x: ConditionsEstimate.Summary) in x.median }),
                         ("lower quartile", { $0.lowerQuartile }), ("upper quartile", { $0.upperQuartile })] {
      out += pad(name, width) + pad("", 20) + pad(f(s[0].map(pick), "%.3f"), 9) + pad(f(s[1].map(pick), "%.3f"), 8)
        + pad(f(s[2].map(pick), "%.3g"), 8) + pad(f(s[3].map(pick), "%.2f"), 7) + pad(counts(s[4].map(pick)), 9)
        + pad(f(s[5].map(pick), "%g"), 7) + w.map { f($0.map(pick), "%.3f") }.joined(separator: "/") + "\n"
    }
    if let widths = e.widths {
      out += String(format: "widths: U = %.4g, V = %.4g deg², Y = %.4g° shared; W, X per pattern; %d peaks\n",
                    widths.u, widths.v, widths.y, widths.peakCount)
    }
    let assumed = e.patterns.filter(\.radiationAssumed).count
    if assumed > 0 {
      out += "radiation: assumed for \(assumed) of \(e.patterns.count) patterns (no wavelength in the file; --radiation)\n"
    }
    return out
  }
}

/// `--json` output: the estimates and the config text written.
struct ConditionsReport: Encodable {
  var estimate: ConditionsEstimate
  var config: String
}
