// `xrdsim compare STRUCTURE.cif... MEASURED`: simulate on the measured grid with the file's wavelengths, match
// scale and background (or, with --fit, refine the instrument, sample and lattice: XRDExperiment.PatternFit),
// report Rwp, Rp, Rexp, GoF, Pearson and cosine, plot observed/calculated/difference/ticks, and save the
// fitted instrument for `simulate` and `generate`.

import ArgumentParser
import Foundation
import XRDSim

struct CompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract: "Compare simulated patterns with a measured one; with --fit, refine instrument and lattice to it."
  )

  @Argument(help: "One or more CIF files (several = a mixture), then the measured pattern file.")
  var files: [String]

  @Option(help: "Starting instrument: a preset (\(Instrument.presetNames.joined(separator: ", "))) or a YAML/JSON file; the measured file's wavelengths replace its radiation. Default: cu-lab with polarization 0.7, or synchrotron (0.99) for wavelengths below 1 Å, as GSAS-II's defaults.")
  var instrument: String?

  @Option(name: .customLong("set"), help: ArgumentHelp("Override one starting instrument key (repeatable).", valueName: "key=value"))
  var assignments: [String] = []

  @Option(help: "A GSAS instrument parameter file (.prm, INST_XRY.PRM): its wavelengths (when the measured file has none), zero and polarization.")
  var prm: String?

  @Option(help: "Beam polarization in GSAS-II's convention (0.5 unpolarized, 0.7 typical lab, 0.99 synchrotron); sets the monochromator angle.")
  var polarization: Double?

  @Flag(help: "Refine scale(s), background, zero or displacement, U/V/W/X/Y, asymmetry and lattice parameters.")
  var fit = false

  @Option(help: "2θ range to compare, MIN:MAX in degrees (default: the whole scan).")
  var range: String?

  @Option(name: .customLong("background-terms"), help: "Chebyshev background terms (default 10 lab, 12 synchrotron).")
  var backgroundTerms: Int?

  @Option(help: "Peak shift to refine: automatic (displacement for λ ≥ 1 Å, zero below), zero, displacement, none.")
  var shift = "automatic"

  @Option(help: "Refine March–Dollase texture along this axis, h,k,l.")
  var texture: String?

  @Option(help: "Iterations per refinement stage at most.")
  var iterations = 100

  @Option(help: "Which scan of a multi-scan file (1-based).")
  var scan = 1

  @Option(help: "Write an SVG plot of observed, calculated, difference and reflection ticks.")
  var plot: String?

  @Option(name: .customLong("save-instrument"), help: "Write the fitted instrument (YAML) for simulate/generate.")
  var saveInstrument: String?

  @Flag(help: "Print the result as JSON.")
  var json = false

  @OptionGroup var physics: PhysicsOptions

  func validate() throws {
    guard files.count >= 2 else {
      throw ValidationError("give at least one CIF file and the measured pattern (the last argument)")
    }
    if let backgroundTerms, !(1...40).contains(backgroundTerms) {
      throw ValidationError("--background-terms must be between 1 and 40")
    }
  }

  func run() throws {
    let measuredPath = files[files.count - 1]
    let scans: [MeasuredPattern]
    do {
      scans = try MeasuredPattern.read(contentsOf: URL(fileURLWithPath: measuredPath))
    } catch {
      printError(error.description)
      throw ExitCode(1)
    }
    guard scan >= 1, scan <= scans.count else {
      throw ValidationError("--scan \(scan): \(measuredPath) holds \(scans.count) scan(s)")
    }
    var measured = scans[scan - 1]
    var gsas: GSASInstrumentParameters?
    if let prm {
      do {
        gsas = try GSASInstrumentParameters(contentsOf: URL(fileURLWithPath: prm))
      } catch {
        printError(error.description)
        throw ExitCode(1)
      }
      if measured.radiation.isEmpty, let lines = gsas?.radiation { measured.radiation = lines }
    }
    let crystals = try files.dropLast().map { try loadCrystal($0, block: physics.block) }
    var start: Instrument
    do {
      start = try instrument.map { try Instrument.presetOrFile($0) } ?? PatternFit.defaultInstrument(for: measured)
      if let gsas {
        start.zeroShift = gsas.zeroShift
        if let p = gsas.polarization, let angle = GSASInstrumentParameters.monochromatorTwoTheta(forPolarization: p) {
          start.monochromatorTwoTheta = angle
        }
      }
      if let polarization {
        guard let angle = GSASInstrumentParameters.monochromatorTwoTheta(forPolarization: polarization) else {
          throw ValidationError("--polarization must be between 0.5 (unpolarized) and 1")
        }
        start.monochromatorTwoTheta = angle
      }
      try start.set(assignments)
    } catch let error as ValidationError {
      throw error
    } catch {
      throw ValidationError(withoutErrorPrefix("\(error)"))
    }
    guard let shiftModel = PatternFit.Options.Shift(rawValue: shift) else {
      throw ValidationError("--shift: '\(shift)' is not one of "
        + PatternFit.Options.Shift.allCases.map(\.rawValue).joined(separator: ", "))
    }
    guard iterations > 0 else { throw ValidationError("--iterations must be at least 1") }
    var options = PatternFit.Options(backgroundTerms: backgroundTerms, shift: shiftModel, scaleOnly: !fit,
                                     maximumIterations: iterations)
    var settings = try physics.settings()
    if physics.defaultUIso == 0 { settings.defaultUIso = 0.01 }
    options.settings = settings
    options.range = try range.map { try parseTwoThetaRange($0, option: "--range") }
    if let texture {
      let parts = texture.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
      guard parts.count == 3, let h = parts[0], let k = parts[1], let l = parts[2], (h, k, l) != (0, 0, 0) else {
        throw ValidationError("--texture: '\(texture)' is not h,k,l")
      }
      options.textureAxis = MillerIndex(h: h, k: k, l: l)
    }
    let result: PatternFit.Result
    do {
      result = try PatternFit.fit(crystals, to: measured, instrument: start, options: options)
    } catch {
      printError("\(measured.source): error: \(error)")
      throw ExitCode(1)
    }
    if let saveInstrument {
      try result.instrument.yaml().write(toFile: saveInstrument, atomically: true, encoding: .utf8)
    }
    if let plot {
      try plotSVG(result, crystals: crystals, measured: measured).write(toFile: plot, atomically: true, encoding: .utf8)
    }
    if json {
      print(try jsonText(result, crystals: crystals, measured: measured))
    } else {
      print(report(result, crystals: crystals, measured: measured))
    }
  }

  func report(_ r: PatternFit.Result, crystals: [Crystal], measured: MeasuredPattern) -> String {
    var lines: [String] = []
    let i = r.indices
    lines.append("\(measured.source): \(i.points) points, 2θ \(fmt(r.twoTheta.first!, 3))–\(fmt(r.twoTheta.last!, 3))°, "
      + "λ " + (measured.radiation.isEmpty ? "not in the file (the instrument's used)" : measured.radiation.map { fmt($0.wavelength, 5) }.joined(separator: "/") + " Å"))
    lines.append(String(format: "Rwp %.2f %%  Rp %.2f %%  Rexp %.2f %%  GoF %.2f  Pearson %.4f  cosine %.4f  (%d parameters, %.2f s)",
                        i.rwp * 100, i.rp * 100, i.rexp * 100, i.gof, i.pearson, i.cosine, i.parameters, r.seconds))
    for (p, crystal) in crystals.enumerated() {
      let c = r.cells[p]
      lines.append(String(format: "phase %d %@ (%@): weight fraction %.4f, a %.5f b %.5f c %.5f Å, α %.3f β %.3f γ %.3f°",
                          p + 1, crystal.name, crystal.formula(), r.weightFractions[p], c.a, c.b, c.c, c.alpha, c.beta, c.gamma))
    }
    lines.append("parameters:")
    for parameter in r.parameters where !parameter.name.hasPrefix("background") {
      let su = parameter.uncertainty.map { " ± " + fmt($0, 6) } ?? ""
      lines.append("  \(parameter.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(fmt(parameter.value, 6))\(su)"
        + (parameter.status == .held ? "  (held: \(parameter.note ?? ""))" : ""))
    }
    let terms = r.parameters.filter { $0.name.hasPrefix("background") }.count
    if terms > 0 { lines.append("  background     \(terms) Chebyshev terms") }
    if !r.stages.isEmpty {
      lines.append("stages: " + r.stages.map { "\($0.name) Rwp \(fmt($0.rwp * 100, 2)) % (\($0.iterations) it.)" }.joined(separator: "; "))
    }
    for c in r.correlations { lines.append(String(format: "correlation %@ / %@: %.3f", c.first, c.second, c.value)) }
    for w in r.warnings { lines.append("warning: \(w)") }
    for m in measured.missing { lines.append("note: the file states no \(m)") }
    if instrument == nil && prm == nil && polarization == nil {
      let p = PatternFit.defaultPolarization(for: measured)
      lines.append("note: polarization \(p) assumed (GSAS-II's default); --polarization or --prm to change")
    }
    return lines.joined(separator: "\n")
  }

  func jsonText(_ r: PatternFit.Result, crystals: [Crystal], measured: MeasuredPattern) throws -> String {
    func number(_ x: Double) -> Any { x.isFinite ? x : NSNull() }
    let object: [String: Any] = [
      "file": measured.source,
      "points": r.indices.points,
      "two_theta_range": [r.twoTheta.first!, r.twoTheta.last!],
      "wavelengths": measured.radiation.map { ["wavelength": $0.wavelength, "weight": $0.weight] },
      "rwp": number(r.indices.rwp), "rp": number(r.indices.rp), "rexp": number(r.indices.rexp),
      "gof": number(r.indices.gof), "pearson": number(r.indices.pearson), "cosine": number(r.indices.cosine),
      "seconds": r.seconds,
      "parameters": r.parameters.map { p -> [String: Any] in
        var entry: [String: Any] = ["name": p.name, "value": number(p.value), "status": p.status.rawValue]
        if let su = p.uncertainty { entry["uncertainty"] = number(su) }
        if let note = p.note { entry["note"] = note }
        return entry
      },
      "phases": crystals.enumerated().map { p, crystal -> [String: Any] in
        let c = r.cells[p]
        return ["file": crystal.fileName ?? crystal.name, "formula": crystal.formula(),
                "weight_fraction": number(r.weightFractions[p]),
                "cell": ["a": c.a, "b": c.b, "c": c.c, "alpha": c.alpha, "beta": c.beta, "gamma": c.gamma]]
      },
      "stages": r.stages.map { ["name": $0.name, "rwp": number($0.rwp), "iterations": $0.iterations,
                                 "convergence": $0.convergence, "parameters": $0.parameters] as [String: Any] },
      "correlations": r.correlations.map { ["first": $0.first, "second": $0.second, "value": $0.value] as [String: Any] },
      "warnings": r.warnings,
      "missing": measured.missing,
    ]
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    return String(decoding: data, as: UTF8.self)
  }

  func plotSVG(_ r: PatternFit.Result, crystals: [Crystal], measured: MeasuredPattern) -> String {
    let difference = zip(r.observed, r.calculated).map(-)
    let low = (r.observed + r.calculated).min() ?? 0
    let high = (r.observed + r.calculated).max() ?? 1
    let offset = low - 0.05 * (high - low) - (difference.max() ?? 0)
    var plot = SVGPlot(title: "\(crystals.map(\.name).joined(separator: " + ")) vs \(measured.source): Rwp "
                         + fmt(r.indices.rwp * 100, 2) + " %", x: r.twoTheta)
    plot.series = [
      .init(name: "observed", color: "#1f77b4", y: r.observed, width: 1.0),
      .init(name: "calculated", color: "#d62728", y: r.calculated, width: 1.0),
      .init(name: "background", color: "#7f7f7f", y: r.background, width: 0.8),
      .init(name: "difference", color: "#2ca02c", y: difference.map { $0 + offset }, width: 0.8),
    ]
    let colors = ["#9467bd", "#ff7f0e", "#17becf", "#8c564b"]
    for (p, crystal) in crystals.enumerated() {
      plot.ticks.append(.init(name: crystal.name, color: colors[p % colors.count],
                              positions: r.peaks[p].filter { $0.line == 0 }.map(\.twoTheta)))
    }
    return plot.render()
  }

  func fmt(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
}

