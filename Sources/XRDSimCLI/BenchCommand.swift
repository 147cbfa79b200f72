// `xrdsim bench`: how many stick patterns per second this machine computes, single-threaded.
//
// For each CIF: parse once (excluded), then for a fixed time each
//   sticks:   the stick pattern (expansion, reflection enumeration, structure factors, Lp);
//   patterns: a full pattern on the instrument (default cu-lab: 8501 points 5–90°, Cu Kα1+Kα2, TCH
//             pseudo-Voigt) with a Chebyshev background and Poisson noise at 10⁴ peak counts — sticks included;
//   fcj:      the same with Finger–Cox–Jephcoat asymmetry S/L = H/L = 0.001 (GSAS-II's default SH/L 0.002).
// Reported: the median time per item over ~20 ms batches, and its inverse.
// Not done: multi-threaded throughput (the corpus generator reports that).

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

  @Option(help: "Instrument for the full patterns: a preset or a YAML/JSON file.")
  var instrument = "cu-lab"

  @Flag(help: "Print JSON (fields file, atoms_in_cell, reflections, median_ms, sticks_per_s, patterns_per_s, fcj_patterns_per_s).")
  var json = false

  struct Result: Encodable {
    var file: String
    var atomsInCell: Int
    var reflections: Int
    var medianMilliseconds: Double
    var sticksPerSecond: Double
    var patternMilliseconds: Double
    var patternsPerSecond: Double
    var fcjPatternsPerSecond: Double
    enum CodingKeys: String, CodingKey {
      case file, atomsInCell = "atoms_in_cell", reflections, medianMilliseconds = "median_ms"
      case sticksPerSecond = "sticks_per_s", patternMilliseconds = "pattern_median_ms"
      case patternsPerSecond = "patterns_per_s", fcjPatternsPerSecond = "fcj_patterns_per_s"
    }
  }

  func run() throws {
    guard seconds > 0, seconds.isFinite else { throw ValidationError("--seconds must be positive") }
    let lambda: Double
    do { lambda = try parseWavelength(wavelength) } catch { throw ValidationError("--wavelength: \(error)") }
    let parts = twoTheta.split(separator: ":").compactMap { Double($0) }
    guard parts.count == 2, parts[0] < parts[1] else { throw ValidationError("--two-theta: START:STOP") }
    let settings = DiffractionSettings(wavelength: lambda, twoThetaRange: parts[0]...parts[1])
    var base: Instrument
    do { base = try Instrument.presetOrFile(instrument) } catch { throw ValidationError("--instrument: \(error)") }
    base.background = BackgroundModel(chebyshev: [200, -50, 20])
    base.noise = NoiseModel(counts: 10_000, gaussianSigma: 0, seed: 1)
    base.profile.sl = 0
    base.profile.hl = 0
    var withFCJ = base
    withFCJ.profile.sl = 0.001
    withFCJ.profile.hl = 0.001
    var results: [Result] = []
    for file in files {
      let crystal = try loadCrystal(file, block: nil)
      let first = StickPattern(crystal: crystal, settings: settings)
      let sticks = Self.medianSeconds(seconds) { blackHole(StickPattern(crystal: crystal, settings: settings).reflections.count) }
      let pattern = try Self.patternSeconds(crystal, base, seconds)
      let fcj = try Self.patternSeconds(crystal, withFCJ, seconds)
      results.append(Result(file: file, atomsInCell: crystal.fullCell().count, reflections: first.reflections.count,
                            medianMilliseconds: sticks * 1000, sticksPerSecond: 1 / sticks,
                            patternMilliseconds: pattern * 1000, patternsPerSecond: 1 / pattern,
                            fcjPatternsPerSecond: 1 / fcj))
    }
    if json {
      print(try encodeJSON(results))
    } else {
      print("file                                   atoms  reflections  sticks ms   sticks/s  pattern ms patterns/s  FCJ pat/s")
      for r in results {
        let name = r.file.count >= 38 ? r.file : r.file + String(repeating: " ", count: 38 - r.file.count)
        print(name + String(format: " %6d %12d %10.4f %10.1f %11.4f %10.1f %10.1f", r.atomsInCell, r.reflections,
                            r.medianMilliseconds, r.sticksPerSecond, r.patternMilliseconds, r.patternsPerSecond,
                            r.fcjPatternsPerSecond))
      }
    }
  }

  /// Median seconds per full pattern (stick pattern + rendering + background + noise), fresh simulator each time
  /// so that nothing computed for one pattern is reused by the next.
  static func patternSeconds(_ crystal: Crystal, _ instrument: Instrument, _ seconds: Double) throws -> Double {
    var simulator = try PatternSimulator(crystal: crystal, instrument: instrument)
    var seed: UInt64 = 0
    // The simulator owns the renderer's workspace (FFT plan, tables); a corpus run keeps one per thread too.
    return medianSeconds(seconds) {
      simulator = try! PatternSimulator(crystal: crystal, instrument: instrument, reusing: simulator)
      seed += 1
      blackHole(simulator.simulate(seed: seed).intensity.count)
    }
  }

  /// Median seconds per call of `body`, timed in batches of at least ~20 ms for `seconds` in total.
  static func medianSeconds(_ seconds: Double, _ body: () -> Void) -> Double {
    body()  // warm-up
    var perCall: [Double] = []
    let start = DispatchTime.now().uptimeNanoseconds
    var batch = 1
    while Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < seconds {
      let t0 = DispatchTime.now().uptimeNanoseconds
      for _ in 0..<batch { body() }
      let elapsed = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
      perCall.append(elapsed / Double(batch))
      if elapsed < 0.02 { batch *= 2 }
    }
    perCall.sort()
    return perCall[perCall.count / 2]
  }
}

/// Keeps a value alive so the optimiser cannot remove the work that made it.
@inline(never)
func blackHole<T>(_ value: T) {
  withExtendedLifetime(value) {}
}
