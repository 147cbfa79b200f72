// `xrdsim simulate FILE.cif`: a full pattern (peaks, background, noise) on an instrument, as .xy, .csv or
// .json, optionally with an SVG plot.
//
// On a Q grid (instrument key `q` or `--q`; Q = 4π sin θ / λ in Å⁻¹, λ the strongest line) Q is the x column:
// .xy writes Q and intensity, .csv `q` before `two_theta`, .json a "q" array beside "two_theta", and the
// SVG plot's x axis is Q (reflection ticks converted with the same λ).

import ArgumentParser
import Foundation
import XRDSim

struct SimulateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract: "Simulate the full powder pattern of a CIF file on an instrument."
  )

  @Argument(help: "A CIF file.")
  var file: String

  @Option(help: "Instrument: a preset (\(Instrument.presetNames.joined(separator: ", "))) or a YAML/JSON file.")
  var instrument = "cu-lab"

  @Option(name: .customLong("set"), help: ArgumentHelp("Override one instrument key, e.g. profile.U=0.01 (repeatable).",
                                                       valueName: "key=value"))
  var assignments: [String] = []

  @Option(name: .customLong("two-theta"), help: "2θ grid in degrees, START:STOP:STEP (overrides the instrument's).")
  var twoTheta: String?

  @Option(name: .customLong("q"),
          help: "Q grid in Å⁻¹, START:STOP:STEP, Q = 4π sin θ / λ with λ the strongest line (overrides the instrument's scan; not with --two-theta).")
  var q: String?

  @Option(help: "Seed of the counting noise (overrides noise.seed).")
  var seed: UInt64?

  @Option(help: "Output format: xy, csv or json.")
  var format: OutputFormat = .xy

  @Option(name: .shortAndLong, help: "Output file (default: standard output).")
  var output: String?

  @Option(help: "Also write an SVG plot of the pattern to this file.")
  var plot: String?

  @Flag(help: "Write each component (peaks, background, noise) beside the total (csv, json).")
  var components = false

  @OptionGroup var physics: PhysicsOptions

  enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case xy, csv, json }

  func resolvedInstrument() throws -> Instrument {
    if twoTheta != nil, q != nil {
      throw ValidationError("--two-theta and --q cannot both be given: the scan is a 2θ grid or a Q grid")
    }
    var result: Instrument
    do {
      result = try Instrument.presetOrFile(instrument)
      try result.set(assignments)
    } catch {
      throw ValidationError(withoutErrorPrefix("\(error)"))
    }
    if let twoTheta {
      let parts = twoTheta.split(separator: ":").map { Double($0) }
      guard parts.count == 3, let start = parts[0], let stop = parts[1], let step = parts[2] else {
        throw ValidationError("--two-theta: '\(twoTheta)' is not START:STOP:STEP")
      }
      do {
        try result.set("two_theta={start: \(start), stop: \(stop), step: \(step)}")
      } catch {
        throw ValidationError("--two-theta: " + withoutErrorPrefix("\(error)"))
      }
    }
    if let q {
      let parts = q.split(separator: ":").map { Double($0) }
      guard parts.count == 3, let start = parts[0], let stop = parts[1], let step = parts[2] else {
        throw ValidationError("--q: '\(q)' is not START:STOP:STEP")
      }
      do {
        try result.set("q={start: \(start), stop: \(stop), step: \(step)}")
      } catch {
        throw ValidationError("--q: " + withoutErrorPrefix("\(error)"))
      }
    }
    return result
  }

  func validate() throws {
    _ = try resolvedInstrument()
  }

  func run() throws {
    let instrument = try resolvedInstrument()
    let crystal = try loadCrystal(file, block: physics.block)
    let settings = try physics.settings()
    var simulator: PatternSimulator
    do {
      simulator = try PatternSimulator(crystal: crystal, instrument: instrument, settings: settings)
    } catch {
      printError("\(file): error: \(error)")
      throw ExitCode(1)
    }
    let pattern = simulator.simulate(seed: seed)
    let text: String
    switch format {
    case .xy: text = PatternWriter.xy(pattern)
    case .csv: text = PatternWriter.csv(pattern, components: components)
    case .json: text = try PatternWriter.json(pattern, file: file, components: components)
    }
    if let output {
      try writeAtomically(text, to: output)
    } else {
      print(text, terminator: "")
    }
    if let plot {
      try writeAtomically(PatternWriter.svg(pattern, title: "\(crystal.formula()) — \((file as NSString).lastPathComponent)"),
                          to: plot)
    }
  }
}

/// Text renderings of a simulated pattern.
enum PatternWriter {
  static func number(_ v: Double) -> String { String(format: "%.6g", v) }

  /// Two columns, 2θ and intensity (Q and intensity on a Q grid), with a comment header.
  static func xy(_ p: SimulatedPattern) -> String {
    let lines = p.radiation.map { "\($0.name ?? "λ") \($0.wavelength) Å ×\($0.weight)" }.joined(separator: ", ")
    if let q = p.q {
      var s = "# xrdsim \(xrdsimVersion): q(1/Å) intensity(counts); Q = 4π sin θ / λ, λ = "
        + "\(Instrument.primaryWavelength(of: p.radiation)) Å; \(lines)\n"
      s.reserveCapacity(q.count * 24)
      for (x, y) in zip(q, p.intensity) { s += "\(String(format: "%.6f", x)) \(number(y))\n" }
      return s
    }
    var s = "# xrdsim \(xrdsimVersion): 2theta(deg) intensity(counts); " + lines + "\n"
    s.reserveCapacity(p.twoTheta.count * 24)
    for (t, y) in zip(p.twoTheta, p.intensity) { s += "\(String(format: "%.5f", t)) \(number(y))\n" }
    return s
  }

  /// `two_theta,intensity[,peaks,background,noise]`, with a first column `q` on a Q grid.
  static func csv(_ p: SimulatedPattern, components: Bool) -> String {
    var s = components ? "two_theta,intensity,peaks,background,noise\n" : "two_theta,intensity\n"
    if p.q != nil { s = "q," + s }
    for i in p.twoTheta.indices {
      if let q = p.q { s += String(format: "%.6f", q[i]) + "," }
      s += String(format: "%.5f", p.twoTheta[i]) + "," + number(p.intensity[i])
      if components { s += "," + number(p.peaks[i]) + "," + number(p.background[i]) + "," + number(p.noise[i]) }
      s += "\n"
    }
    return s
  }

  struct JSONPattern: Encodable {
    struct Line: Encodable { var name: String?; var wavelength: Double; var weight: Double }
    struct Tick: Encodable {
      var twoTheta: Double; var hkl: [Int]; var line: Int; var area: Double
      enum CodingKeys: String, CodingKey { case twoTheta = "two_theta", hkl, line, area }
    }
    var file: String
    var radiation: [Line]
    /// Q in Å⁻¹ on a Q grid (absent for 2θ).
    var q: [Double]?
    var twoTheta: [Double]
    var intensity: [Double]
    var components: [String: [Double]]?
    var reflections: [Tick]
    enum CodingKeys: String, CodingKey { case file, radiation, q, twoTheta = "two_theta", intensity, components, reflections }
  }

  static func json(_ p: SimulatedPattern, file: String, components: Bool) throws -> String {
    let value = JSONPattern(
      file: file,
      radiation: p.radiation.map { .init(name: $0.name, wavelength: $0.wavelength, weight: $0.weight) },
      q: p.q, twoTheta: p.twoTheta, intensity: p.intensity,
      components: components ? ["peaks": p.peaks, "background": p.background, "noise": p.noise] : nil,
      reflections: p.peakList.map { .init(twoTheta: $0.twoTheta, hkl: [$0.hkl.h, $0.hkl.k, $0.hkl.l], line: $0.line, area: $0.area) })
    return try encodeJSON(value) + "\n"
  }

  /// The plot over 2θ, or over Q on a Q grid (reflection ticks converted with the strongest line's λ).
  static func svg(_ p: SimulatedPattern, title: String) -> String {
    var plot = SVGPlot(title: title, x: p.q ?? p.twoTheta)
    let lambda = Instrument.primaryWavelength(of: p.radiation)
    if p.q != nil { plot.xLabel = "Q (Å⁻¹)" }
    plot.series.append(.init(name: "intensity", color: "#1f4e9e", y: p.intensity))
    if p.background.contains(where: { $0 != 0 }) {
      plot.series.append(.init(name: "background", color: "#d9822b", y: p.background))
    }
    let colors = ["#2a9d3a", "#b03060", "#7b4fb5"]
    for (i, line) in p.radiation.enumerated() {
      var positions = p.peakList.filter { $0.line == i }.map(\.twoTheta)
      if p.q != nil { positions = positions.map { Instrument.QRange.q(atTwoTheta: $0, wavelength: lambda) } }
      plot.ticks.append(.init(name: "reflections \(line.name ?? String(format: "%.5f Å", line.wavelength))",
                              color: colors[i % colors.count], positions: positions))
    }
    return plot.render()
  }
}

/// An error description without its leading "error: " (ArgumentParser prints "Error: " itself).
func withoutErrorPrefix(_ text: String) -> String {
  text.hasPrefix("error: ") ? String(text.dropFirst(7)) : text
}
