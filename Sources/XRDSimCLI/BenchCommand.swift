// `xrdsim bench`: how many stick patterns per second this machine computes, single-threaded.
//
// For each CIF: parse once (excluded), then for a fixed time each
//   sticks:   the stick pattern (expansion, reflection enumeration, structure factors, Lp);
//   patterns: a full pattern on the instrument (default cu-lab: 8501 points 5–90°, Cu Kα1+Kα2, TCH
//             pseudo-Voigt) with a Chebyshev background and Poisson noise at 10⁴ peak counts — sticks included;
//   fcj:      the same with Finger–Cox–Jephcoat asymmetry S/L = H/L = 0.001 (GSAS-II's default SH/L 0.002);
//   variants: augmented variants of the same structure, as the corpus makes them: a random lattice strain
//             (isotropic ±1 %, plus ±0.3 % per axis tied by symmetry), U, V, W × U(0.5, 1.5), zero shift
//             ±0.03°, a random Chebyshev background, Poisson noise at 10⁴ peak counts, on the same instrument;
//             the structure is prepared once (PatternSimulator(…, maximumStrain:)), each variant moves it to
//             the strained cell (withCell) and simulates the full pattern. `variants_fresh_per_s`: the same
//             variants with a fresh simulator of the strained crystal each (the corpus before preparation).
// Reported: the median time per item over ~20 ms batches, and its inverse. With `--threads N` (N > 1) the
// variants are also run on N threads at once, each with its own prepared simulator, for the same time:
// `variants_per_s_threads` is the total rate and `thread_speedup` its ratio to the same count on one thread
// (variants done / wall time, not the median).
// `--only` runs a subset of the measurements (the others are left out of the table and the JSON), and
// `--iterations N` runs each exactly N times after one warm-up and reports the mean, so that a profiler's
// instruction count (`valgrind --tool=callgrind`) is the same from run to run.

import ArgumentParser
import Dispatch
import Foundation
import XRDGSL
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

  @Option(help: "Threads for a second, parallel run of the variants (1: single-threaded figures only).")
  var threads = 1

  /// The measurements of the file header.
  enum Measurement: String, CaseIterable, ExpressibleByArgument {
    case sticks, patterns, fcj, variants, fresh
  }

  @Option(parsing: .upToNextOption, help: "Measurements to run (default: all): \(Measurement.allCases.map(\.rawValue).joined(separator: ", ")).")
  var only: [Measurement] = Measurement.allCases

  @Option(help: "Run each measurement exactly this many times and report the mean (for profilers), instead of --seconds.")
  var iterations: Int?

  @Flag(help: "Print JSON (fields file, atoms_in_cell, reflections, median_ms, sticks_per_s, patterns_per_s, fcj_patterns_per_s, variants_per_s, variants_fresh_per_s; with --threads N > 1 also threads, variants_per_s_one_thread, variants_per_s_threads, thread_speedup).")
  var json = false

  struct Result: Encodable {
    var file: String
    var atomsInCell: Int
    var reflections: Int
    var medianMilliseconds: Double?
    var sticksPerSecond: Double?
    var patternMilliseconds: Double?
    var patternsPerSecond: Double?
    var fcjPatternsPerSecond: Double?
    var variantsPerSecond: Double?
    var freshVariantsPerSecond: Double?
    var threads: Int?
    var oneThreadVariantsPerSecond: Double?
    var threadedVariantsPerSecond: Double?
    var threadSpeedup: Double?
    enum CodingKeys: String, CodingKey {
      case file, atomsInCell = "atoms_in_cell", reflections, medianMilliseconds = "median_ms"
      case sticksPerSecond = "sticks_per_s", patternMilliseconds = "pattern_median_ms"
      case patternsPerSecond = "patterns_per_s", fcjPatternsPerSecond = "fcj_patterns_per_s"
      case variantsPerSecond = "variants_per_s", freshVariantsPerSecond = "variants_fresh_per_s", threads
      case oneThreadVariantsPerSecond = "variants_per_s_one_thread", threadedVariantsPerSecond = "variants_per_s_threads"
      case threadSpeedup = "thread_speedup"
    }
  }

  func run() throws {
    guard seconds > 0, seconds.isFinite else { throw ValidationError("--seconds must be positive") }
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    if let iterations, iterations < 1 { throw ValidationError("--iterations must be at least 1") }
    let budget: Budget = iterations.map { .count($0) } ?? .seconds(seconds)
    let selected = Set(only)
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
      var result = Result(file: file, atomsInCell: crystal.fullCell().count, reflections: first.reflections.count)
      if selected.contains(.sticks) {
        let sticks = Self.medianSeconds(budget) { blackHole(StickPattern(crystal: crystal, settings: settings).reflections.count) }
        result.medianMilliseconds = sticks * 1000
        result.sticksPerSecond = 1 / sticks
      }
      if selected.contains(.patterns) {
        let pattern = try Self.patternSeconds(crystal, base, budget)
        result.patternMilliseconds = pattern * 1000
        result.patternsPerSecond = 1 / pattern
      }
      if selected.contains(.fcj) { result.fcjPatternsPerSecond = 1 / (try Self.patternSeconds(crystal, withFCJ, budget)) }
      if selected.contains(.variants) {
        result.variantsPerSecond = 1 / (try Self.variantSeconds(crystal, base, budget, prepared: true))
      }
      if selected.contains(.fresh) {
        result.freshVariantsPerSecond = 1 / (try Self.variantSeconds(crystal, base, budget, prepared: false))
      }
      if threads > 1, selected.contains(.variants) {
        let one = try Self.variantThroughput(crystal, base, seconds, threads: 1)
        let many = try Self.variantThroughput(crystal, base, seconds, threads: threads)
        result.threads = threads
        result.oneThreadVariantsPerSecond = one
        result.threadedVariantsPerSecond = many
        result.threadSpeedup = many / one
      }
      results.append(result)
    }
    if json {
      print(try encodeJSON(results))
    } else {
      print("file                                   atoms  reflections  sticks ms   sticks/s  pattern ms patterns/s  FCJ pat/s variants/s fresh var/s")
      for r in results {
        let name = r.file.count >= 38 ? r.file : r.file + String(repeating: " ", count: 38 - r.file.count)
        func column(_ value: Double?, _ width: Int, _ digits: Int) -> String {
          let text = value.map { String(format: "%.\(digits)f", $0) } ?? "-"
          return " " + String(repeating: " ", count: max(0, width - text.count)) + text
        }
        print(name + String(format: " %6d %12d", r.atomsInCell, r.reflections) + column(r.medianMilliseconds, 10, 4)
              + column(r.sticksPerSecond, 10, 1) + column(r.patternMilliseconds, 11, 4) + column(r.patternsPerSecond, 10, 1)
              + column(r.fcjPatternsPerSecond, 10, 1) + column(r.variantsPerSecond, 10, 1)
              + column(r.freshVariantsPerSecond, 11, 1))
      }
      for r in results {
        guard let n = r.threads, let one = r.oneThreadVariantsPerSecond, let many = r.threadedVariantsPerSecond,
              let ratio = r.threadSpeedup else { continue }
        print(String(format: "%@: variants/s on 1 thread %.1f, on %d threads %.1f (×%.2f)", r.file, one, n, many, ratio))
      }
    }
  }

  /// Median seconds per full pattern (stick pattern + rendering + background + noise), fresh simulator each time
  /// so that nothing computed for one pattern is reused by the next.
  static func patternSeconds(_ crystal: Crystal, _ instrument: Instrument, _ budget: Budget) throws -> Double {
    var simulator = try PatternSimulator(crystal: crystal, instrument: instrument)
    var seed: UInt64 = 0
    // The simulator owns the renderer's workspace (FFT plan, tables); a corpus run keeps one per thread too.
    return medianSeconds(budget) {
      simulator = try! PatternSimulator(crystal: crystal, instrument: instrument, reusing: simulator)
      seed += 1
      blackHole(simulator.simulate(seed: seed).intensity.count)
    }
  }

  /// The drawn knobs of one variant (see the file header).
  struct Variant {
    var cell: UnitCell
    var instrument: Instrument
    var seed: UInt64
  }

  /// Variant `index` of `crystal` on `base`: strain, widths, zero shift, background and noise seed drawn from
  /// a generator seeded with the index (the same variants whatever the thread).
  static func variant(_ index: UInt64, crystal: Crystal, ties: [Int], base: Instrument) -> Variant {
    var rng = SplitMix64(seed: index &* 0x9E37_79B9_7F4A_7C15 &+ 12345)
    let iso = Double.random(in: -0.01...0.01, using: &rng)
    let axis = (0..<3).map { _ in Double.random(in: -0.003...0.003, using: &rng) }
    let factors = SIMD3((0..<3).map { 1 + iso + axis[ties[$0]] })
    var instrument = base
    instrument.profile.u *= Double.random(in: 0.5...1.5, using: &rng)
    instrument.profile.v *= Double.random(in: 0.5...1.5, using: &rng)
    instrument.profile.w *= Double.random(in: 0.5...1.5, using: &rng)
    instrument.zeroShift = Double.random(in: -0.03...0.03, using: &rng)
    let level = Double.random(in: 50...500, using: &rng)
    instrument.background = BackgroundModel(chebyshev: [level, Double.random(in: -0.3...0.3, using: &rng) * level,
                                                         Double.random(in: -0.1...0.1, using: &rng) * level])
    let cell = (try? crystal.cell.scaled(by: factors)) ?? crystal.cell
    return Variant(cell: cell, instrument: instrument, seed: index)
  }

  /// Median seconds per augmented variant (full pattern with background and noise). `prepared`: one simulator
  /// prepared for strain, moved to each variant's cell; otherwise a fresh simulator of the strained crystal per
  /// variant (reusing the rendering workspace).
  static func variantSeconds(_ crystal: Crystal, _ instrument: Instrument, _ budget: Budget, prepared: Bool) throws -> Double {
    let ties = StructureCatalog.axisTies(crystal.operations)
    var simulator = prepared
      ? try PatternSimulator(crystal: crystal, instrument: instrument, maximumStrain: 0.05)
      : try PatternSimulator(crystal: crystal, instrument: instrument)
    var index: UInt64 = 0
    return medianSeconds(budget) {
      index += 1
      let v = variant(index, crystal: crystal, ties: ties, base: instrument)
      if prepared {
        simulator = try! simulator.withCell(v.cell, instrument: v.instrument)
      } else {
        var strained = crystal
        strained.cell = v.cell
        simulator = try! PatternSimulator(crystal: strained, instrument: v.instrument, reusing: simulator)
      }
      blackHole(simulator.simulate(seed: v.seed).intensity.count)
    }
  }

  /// Variants per second of `threads` threads running at once for `seconds`, each with its own prepared simulator.
  static func variantThroughput(_ crystal: Crystal, _ instrument: Instrument, _ seconds: Double, threads: Int) throws -> Double {
    let ties = StructureCatalog.axisTies(crystal.operations)
    let prototype = try PatternSimulator(crystal: crystal, instrument: instrument, maximumStrain: 0.05)
    let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: threads)
    defer { counts.deallocate() }
    counts.initialize(repeating: 0)
    let start = DispatchTime.now().uptimeNanoseconds
    let deadline = start + UInt64(seconds * 1e9)
    nonisolated(unsafe) let slots = counts
    DispatchQueue.concurrentPerform(iterations: threads) { t in
      var simulator = prototype  // the first render gives this copy its own workspace
      var index = UInt64(t) << 40
      var done = 0
      while DispatchTime.now().uptimeNanoseconds < deadline {
        index += 1
        let v = variant(index, crystal: crystal, ties: ties, base: instrument)
        simulator = try! simulator.withCell(v.cell, instrument: v.instrument)
        blackHole(simulator.simulate(seed: v.seed).intensity.count)
        done += 1
      }
      slots[t] = done
    }
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return Double(counts.reduce(0, +)) / elapsed
  }

  /// How long a measurement runs: for about this many seconds, or exactly this many calls.
  enum Budget {
    case seconds(Double)
    case count(Int)
  }

  /// Median seconds per call of `body`, timed in batches of at least ~20 ms for the budget's seconds in total;
  /// with a count, the mean over exactly that many calls. One warm-up call first.
  static func medianSeconds(_ budget: Budget, _ body: () -> Void) -> Double {
    body()  // warm-up
    let start = DispatchTime.now().uptimeNanoseconds
    switch budget {
    case .count(let count):
      for _ in 0..<count { body() }
      return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(count)
    case .seconds(let seconds):
      var perCall: [Double] = []
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
}

/// Keeps a value alive so the optimiser cannot remove the work that made it.
@inline(never)
func blackHole<T>(_ value: T) {
  withExtendedLifetime(value) {}
}
