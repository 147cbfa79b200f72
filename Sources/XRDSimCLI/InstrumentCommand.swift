// `xrdsim instrument show PRESET|FILE` and `xrdsim instrument list`: instrument descriptions as editable YAML.

import ArgumentParser
import XRDSim

struct InstrumentCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "instrument",
    abstract: "Show instrument presets as editable YAML.",
    subcommands: [Show.self, List.self]
  )

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print an instrument (preset or file) as YAML.")

    @Argument(help: "A preset name or a YAML/JSON file.")
    var instrument: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override one key, e.g. profile.U=0.01 (repeatable).",
                                                         valueName: "key=value"))
    var assignments: [String] = []

    func run() throws {
      do {
        var result = try Instrument.presetOrFile(instrument)
        try result.set(assignments)
        print(result.yaml(), terminator: "")
      } catch {
        printError("\(error)")
        throw ExitCode(1)
      }
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the instrument presets.")
    func run() {
      for name in Instrument.presetNames { print(name) }
    }
  }
}
