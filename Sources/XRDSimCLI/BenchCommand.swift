// `xrdsim bench`: how many stick patterns per second this machine computes, single-threaded.
//
// For each CIF: parse once (excluded), then compute the full stick pattern (expansion, reflection
// enumeration, structure factors, Lp) again and again for a fixed time; report the median time per pattern
// over batches, and its inverse. Not done: multi-threaded throughput (the corpus generator reports that).

import ArgumentParser
import Dispatch
import Foundation
import XRDSim

struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Measure stick patterns per second (single thread, CIF parsing excluded)."
  )

  @Argument(help: "CIF files (default: three sizes from Structures/: Si, corundum, a 536-atom cell).")
  var files: [String] = ["Structures/9008565.cif", "Structures/amcsd_0009325.cif", "Structures/2224874.cif"]

  @Option(help: "Seconds to spend on each file.")
  var seconds = 2.0

  @Option(help: "Wavelength: a name or a value in Å.")
  var wavelength = "CuKa1"

  @Option(name: .customLong("two-theta"), help: "2θ range in degrees, START:STOP.")
  var twoTheta = "5:90"

  @Flag(help: "Print JSON (fields file, atoms_in_cell, reflections, median_ms, sticks_per_s).")
  var json = false

  struct Result: Encodable {
    var file: String
    var atomsInCell: Int
    var reflections: Int
    var medianMilliseconds: Double
    var sticksPerSecond: Double
    var iterations: Int
    enum CodingKeys: String, CodingKey {
      case file, atomsInCell = "atoms_in_cell", reflections, medianMilliseconds = "median_ms"
      case sticksPerSecond = "sticks_per_s", iterations
    }
  }

  func run() throws {
    guard seconds > 0, seconds.isFinite else { throw ValidationError("--seconds must be positive") }
    let lambda: Double
    do { lambda = try parseWavelength(wavelength) } catch { throw ValidationError("--wavelength: \(error)") }
    let parts = twoTheta.split(separator: ":").compactMap { Double($0) }
    guard parts.count == 2, parts[0] < parts[1] else { throw ValidationError("--two-theta: START:STOP") }
    let settings = DiffractionSettings(wavelength: lambda, twoThetaRange: parts[0]...parts[1])
    var results: [Result] = []
    for file in files {
      let crystal = try loadCrystal(file, block: nil)
      results.append(measure(crystal, file: file, settings: settings))
    }
    if json {
      print(try encodeJSON(results))
    } else {
      print("file                                   atoms  reflections   median ms   sticks/s")
      for r in results {
        let name = r.file.count >= 38 ? r.file : r.file + String(repeating: " ", count: 38 - r.file.count)
        print(name + String(format: " %6d %12d %11.4f %10.1f", r.atomsInCell, r.reflections, r.medianMilliseconds,
                            r.sticksPerSecond))
      }
    }
  }

  func measure(_ crystal: Crystal, file: String, settings: DiffractionSettings) -> Result {
    // Warm up once, then time batches of ~20 ms so that the clock's resolution does not matter.
    let first = StickPattern(crystal: crystal, settings: settings)
    var perPattern: [Double] = []
    var iterations = 0
    let start = DispatchTime.now().uptimeNanoseconds
    var batch = 1
    while Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < seconds {
      let t0 = DispatchTime.now().uptimeNanoseconds
      for _ in 0..<batch { blackHole(StickPattern(crystal: crystal, settings: settings).reflections.count) }
      let elapsed = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
      perPattern.append(elapsed / Double(batch))
      iterations += batch
      if elapsed < 0.02 { batch *= 2 }
    }
    perPattern.sort()
    let median = perPattern[perPattern.count / 2]
    return Result(file: file, atomsInCell: crystal.fullCell().count, reflections: first.reflections.count,
                  medianMilliseconds: median * 1000, sticksPerSecond: 1 / median, iterations: iterations)
  }
}

/// Keeps a value alive so the optimiser cannot remove the work that made it.
@inline(never)
func blackHole<T>(_ value: T) {
  withExtendedLifetime(value) {}
}
