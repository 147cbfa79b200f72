// `xrdsim sticks FILE...`: the reflection list (one row per family) of each structure.

import ArgumentParser
import Foundation
import XRDSim

struct SticksCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sticks",
    abstract: "Compute the powder stick pattern (reflection list) of CIF files or folders of CIF files."
  )

  @Argument(help: "CIF files, or folders whose .cif/.mcif files are all read.")
  var files: [String]

  @Option(help: "Wavelength: a name (CuKa1, CuKa, MoKa1, CoKa1, …) or a value in Å.")
  var wavelength = "CuKa1"

  @Option(name: .customLong("two-theta"), help: "2θ range in degrees, START:STOP.")
  var twoTheta = "5:90"

  @OptionGroup var physics: PhysicsOptions

  @Option(help: "Monochromator 2θ in degrees for the polarization factor (0 = none).")
  var monochromator = 0.0

  @Flag(help: "Print one JSON object per file.")
  var json = false

  @Option(name: .customLong("output-dir"),
          help: "Write <name>.json and <name>.csv per structure into this folder instead of printing.")
  var outputDirectory: String?

  func validate() throws {
    _ = try parsedSettings()
  }

  func parsedSettings() throws -> DiffractionSettings {
    let lambda: Double
    do { lambda = try parseWavelength(wavelength) } catch {
      throw ValidationError("--wavelength: \(error)")
    }
    let parts = twoTheta.split(separator: ":")
    guard parts.count == 2, let low = Double(parts[0]), let high = Double(parts[1]), low >= 0, high > low, high <= 180 else {
      throw ValidationError("--two-theta: '\(twoTheta)' is not START:STOP with 0 ≤ START < STOP ≤ 180")
    }
    var settings = try physics.settings()
    settings.wavelength = lambda
    settings.twoThetaRange = low...high
    settings.monochromatorTwoTheta = monochromator
    return settings
  }

  func run() throws {
    let settings = try parsedSettings()
    let paths = try expandInputs(files)
    if let outputDirectory {
      try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
    }
    var failures = 0
    for path in paths {
      let crystal: Crystal
      do {
        crystal = try Crystal.load(contentsOf: URL(fileURLWithPath: path), block: physics.block)
      } catch {
        printError(error.description)
        failures += 1
        continue
      }
      let pattern = StickPattern(crystal: crystal, settings: settings)
      let report = SticksReport(file: path, pattern: pattern)
      if let outputDirectory {
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let base = (outputDirectory as NSString).appendingPathComponent(stem)
        try writeAtomically(try encodeJSON(report, pretty: true) + "\n", to: base + ".json")
        try writeAtomically(report.csv, to: base + ".csv")
      } else if json {
        print(try encodeJSON(report))
      } else {
        print(report.text)
      }
    }
    if let outputDirectory {
      print("wrote stick patterns of \(paths.count - failures) of \(paths.count) structures to \(outputDirectory)")
    }
    if failures > 0 { throw ExitCode(1) }
  }
}

/// Writes through a temporary file and a rename, so a reader never sees half a file.
func writeAtomically(_ text: String, to path: String) throws {
  let partial = path + ".partial"
  try Data(text.utf8).write(to: URL(fileURLWithPath: partial))
  if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
  try FileManager.default.moveItem(atPath: partial, toPath: path)
}

/// The fields of `xrdsim sticks --json` (scripts depend on these names).
struct SticksReport: Encodable {
  struct Peak: Encodable {
    var twoTheta: Double
    var d: Double
    var hkl: [Int]
    var multiplicity: Int
    var F: Double
    var intensity: Double
    enum CodingKeys: String, CodingKey { case twoTheta = "two_theta", d, hkl, multiplicity, F, intensity }
  }
  var file: String
  var wavelength: Double
  var peaks: [Peak]

  init(file: String, pattern: StickPattern) {
    self.file = file
    wavelength = pattern.wavelength
    peaks = zip(pattern.reflections, pattern.relativeIntensities).map { r, i in
      Peak(twoTheta: r.twoTheta, d: r.dSpacing, hkl: [r.hkl.h, r.hkl.k, r.hkl.l], multiplicity: r.multiplicity,
           F: r.structureFactorMagnitude, intensity: i)
    }
  }

  var text: String {
    var lines = ["# \(file)  λ = \(wavelength) Å",
                 "#   2theta        d     h   k   l  mult         |F|   intensity"]
    for p in peaks {
      lines.append(String(format: "%9.4f %9.5f  %3d %3d %3d  %4d  %10.3f  %10.3f",
                          p.twoTheta, p.d, p.hkl[0], p.hkl[1], p.hkl[2], p.multiplicity, p.F, p.intensity))
    }
    return lines.joined(separator: "\n")
  }

  var csv: String {
    var lines = ["two_theta,d,h,k,l,multiplicity,F,intensity"]
    for p in peaks {
      lines.append("\(p.twoTheta),\(p.d),\(p.hkl[0]),\(p.hkl[1]),\(p.hkl[2]),\(p.multiplicity),\(p.F),\(p.intensity)")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

/// The structure-factor physics switches shared by `sticks` and `simulate`.
struct PhysicsOptions: ParsableArguments {
  @Option(help: "Data block to read (default: the first block with atom sites).")
  var block: String?

  @Flag(help: "Turn off anomalous dispersion (f′, f″).")
  var noAnomalous = false

  @Flag(help: "Use neutral-atom form factors even where the CIF gives ionic charges.")
  var neutralAtoms = false

  @Flag(help: "Ignore displacement (thermal) parameters: T = 1.")
  var noThermal = false

  @Option(name: .customLong("default-uiso"), help: "U_iso in Å² for sites whose CIF gives no displacement parameter.")
  var defaultUIso = 0.0

  @Option(help: "Form-factor table: waasmaierKirfel or internationalTables.")
  var formFactors = "waasmaierKirfel"

  func settings() throws -> DiffractionSettings {
    guard let table = FormFactorTable(rawValue: formFactors) else {
      throw ValidationError("--form-factors: '\(formFactors)' is not one of \(FormFactorTable.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    guard defaultUIso >= 0, defaultUIso.isFinite else { throw ValidationError("--default-uiso must be ≥ 0") }
    return DiffractionSettings(anomalousDispersion: !noAnomalous, ionicFormFactors: !neutralAtoms,
                               displacementParameters: !noThermal, formFactorTable: table, defaultUIso: defaultUIso)
  }
}
