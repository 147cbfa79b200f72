// `xrdsim convert IN OUT`: a measured pattern in any readable format (plain columns, GSAS, FXYE, pdCIF, Rigaku
// RAS/ASC, UXD, opXRD JSON, and those inside .gz/.zip) to xy, csv or opXRD JSON.
//
// Multi-scan inputs (RAS with several scans, xrdpattern's two-image .dat, multi-bank GSAS): `--scan N` picks
// one; without it every scan is written, OUT getting `_1`, `_2`, … before its extension. OUT "-" writes to
// standard output (one scan only). Reading errors print the MeasurementError description and exit 1.

import ArgumentParser
import Foundation
import XRDSim

struct ConvertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convert",
    abstract: "Convert a measured powder pattern to xy, csv or opXRD JSON.",
    discussion: """
      Reads plain columns (.xy .xye .dat .txt .csv), GSAS (.gsa .gsas .xra .fxye), pdCIF, Rigaku .ras and .asc, \
      .uxd and opXRD JSON, also inside .gz and .zip files. \
      The output format comes from --format or OUT's extension (.xy/.xye/.dat/.txt, .csv, .json). \
      A file with several scans writes OUT_1, OUT_2, … unless --scan picks one. OUT '-' prints to standard output.
      """
  )

  @Argument(help: "The measured file to read.")
  var input: String

  @Argument(help: "The file to write, or '-' for standard output.")
  var output: String

  @Option(help: "Output format: xy, csv or opxrd (default: from OUT's extension; xy for '-').")
  var format: String?

  @Option(name: .customLong("input-format"),
          help: "Read IN as this format instead of detecting it (xy, csv, gsas, fxye, pdcif, ras, asc, uxd, opxrd).")
  var inputFormat: String?

  @Option(help: "Write only scan N (1-based) of a file with several scans.")
  var scan: Int?

  @Option(help: "A GSAS instrument parameter file (.prm) whose wavelengths are used when IN states none.")
  var prm: String?

  func validate() throws {
    if let format, Self.parseFormat(format).map(MeasuredFormat.writable.contains) != true {
      throw ValidationError("--format: '\(format)' is not one of xy, csv, opxrd")
    }
    if let inputFormat, Self.parseFormat(inputFormat) == nil {
      throw ValidationError("--input-format: '\(inputFormat)' is not one of "
        + MeasuredFormat.allCases.map(\.rawValue).joined(separator: ", "))
    }
    if let scan, scan < 1 { throw ValidationError("--scan: \(scan) is not a scan number (1, 2, …)") }
  }

  static func parseFormat(_ text: String) -> MeasuredFormat? {
    MeasuredFormat(rawValue: text.lowercased()) ?? (text.lowercased() == "json" ? .opXRD : nil)
  }

  func run() throws {
    do {
      var scans = try MeasuredPattern.read(contentsOf: URL(fileURLWithPath: input), format: inputFormat.flatMap(Self.parseFormat))
      if let prm {
        let parameters = try GSASInstrumentParameters(contentsOf: URL(fileURLWithPath: prm))
        scans = scans.map { $0.withRadiation(from: parameters) }
      }
      if let scan {
        guard scan <= scans.count else {
          throw MeasurementError(file: URL(fileURLWithPath: input).lastPathComponent, field: "--scan",
                                 message: "scan \(scan) asked for, the file holds \(scans.count)")
        }
        scans = [scans[scan - 1]]
      }
      let outputFormat: MeasuredFormat
      if let format {
        outputFormat = Self.parseFormat(format)!
      } else if output == "-" {
        outputFormat = .xy
      } else if let fromExtension = MeasuredPattern.writableFormat(forExtension: (output as NSString).pathExtension) {
        outputFormat = fromExtension
      } else {
        throw MeasurementError(file: (output as NSString).lastPathComponent, field: "format",
                               message: "cannot tell the output format from the extension; use .xy, .csv, .json or --format")
      }
      if output == "-" {
        guard scans.count == 1 else {
          throw MeasurementError(file: URL(fileURLWithPath: input).lastPathComponent, field: "--scan",
                                 message: "the file holds \(scans.count) scans; pick one with --scan to print it")
        }
        FileHandle.standardOutput.write(try scans[0].fileData(format: outputFormat, name: "-"))
        return
      }
      for (i, pattern) in scans.enumerated() {
        let path = scans.count == 1 ? output : Self.numbered(output, i + 1)
        try pattern.write(to: URL(fileURLWithPath: path), format: outputFormat)
        let range = String(format: "%.4f–%.4f", pattern.twoTheta[0], pattern.twoTheta[pattern.count - 1])
        print("\(path): \(pattern.count) points, 2θ \(range)°"
          + (pattern.primaryWavelength.map { ", λ \($0) Å" } ?? ", no wavelength stated"))
      }
    } catch let error as MeasurementError {
      printError(error.description)
      throw ExitCode(1)
    }
  }

  /// `out.xy` → `out_2.xy`; `out` → `out_2`.
  static func numbered(_ path: String, _ n: Int) -> String {
    let ext = (path as NSString).pathExtension
    let base = ext.isEmpty ? path : String(path.dropLast(ext.count + 1))
    return base + "_\(n)" + (ext.isEmpty ? "" : ".\(ext)")
  }
}
