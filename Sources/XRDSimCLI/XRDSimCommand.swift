// The `xrdsim` command: argument parsing and output formatting only; the physics lives in the library.

import ArgumentParser
import Foundation
import XRDSim

@main
struct XRDSimCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "xrdsim",
    abstract: "Simulate powder X-ray diffraction from crystal structures (CIF).",
    version: xrdsimVersion,
    subcommands: [InfoCommand.self, SticksCommand.self, SimulateCommand.self, InstrumentCommand.self, BenchCommand.self, GenerateCommand.self, RegenerateCommand.self, MergeCommand.self, ConvertCommand.self, CompareCommand.self, IdentifyCommand.self, ConditionsCommand.self]
  )
}

let xrdsimVersion = "0.1.0"

/// A 2θ range written MIN:MAX (degrees) for the option `option`, e.g. `--range 10:70`.
func parseTwoThetaRange(_ text: String, option: String) throws -> ClosedRange<Double> {
  let parts = text.split(separator: ":").map { Double($0) }
  guard parts.count == 2, let low = parts[0], let high = parts[1], low < high else {
    throw ValidationError("\(option): '\(text)' is not MIN:MAX with MIN < MAX")
  }
  return low...high
}

/// Prints a message to standard error.
func printError(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Loads a crystal, printing the error (file:line:col: error: …) and failing with exit code 1 on bad input.
func loadCrystal(_ path: String, block: String?) throws -> Crystal {
  let url = URL(fileURLWithPath: path)
  do {
    return try Crystal.load(contentsOf: url, block: block)
  } catch {
    printError(error.description)
    throw ExitCode(1)
  }
}

/// Expands folders into the CIF files they hold (`.cif`, `.mcif`, sorted by name); files pass through.
func expandInputs(_ paths: [String]) throws -> [String] {
  var files: [String] = []
  let manager = FileManager.default
  for path in paths {
    var isDirectory: ObjCBool = false
    guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
      printError("\(path): error: no such file or folder")
      throw ExitCode(1)
    }
    if isDirectory.boolValue {
      let names = (try? manager.contentsOfDirectory(atPath: path)) ?? []
      let cifs = names.filter { ["cif", "mcif"].contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
      if cifs.isEmpty { printError("\(path): warning: no .cif files in this folder") }
      files += cifs.map { (path as NSString).appendingPathComponent($0) }
    } else {
      files.append(path)
    }
  }
  return files
}

/// JSON encoding with stable key order and without escaped slashes.
func encodeJSON(_ value: some Encodable, pretty: Bool = false) throws -> String {
  let encoder = JSONEncoder()
  encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
  return String(decoding: try encoder.encode(value), as: UTF8.self)
}
