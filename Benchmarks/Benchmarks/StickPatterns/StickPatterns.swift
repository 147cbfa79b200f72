// Stick patterns per second, single-threaded, CIF parsing excluded.
//
// Each CIF is parsed once when the suite starts; the measured closure computes the whole stick pattern
// from the Crystal: P1 expansion, reflection enumeration and grouping, structure factors, Lp.
// Two physics settings per file: xrdsim's default (f′ + i f″, ionic form factors, the CIF's displacement
// parameters) and the physics pymatgen's XRDCalculator applies (none of the three), whose times compare
// 1:1 with ../shared/oracle/PERF.md. Cu Kα1 = 1.54056 Å as there, 2θ 5–90°.
// Not done: multi-threaded throughput, profiles.

import Benchmark
import BenchmarkCIFs
import XRDSim

let benchmarks: @Sendable () -> Void = {
  let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]
  let configuration = Benchmark.Configuration(
    metrics: metrics, timeUnits: .microseconds, warmupIterations: 3, maxDuration: .seconds(4), maxIterations: 10_000)
  let physics: [(label: String, settings: DiffractionSettings)] = [
    ("Sticks", DiffractionSettings(wavelength: 1.54056, twoThetaRange: 5...90)),
    ("Sticks, pymatgen physics (no f′ f″, neutral f, no ADP)",
     DiffractionSettings(wavelength: 1.54056, twoThetaRange: 5...90, anomalousDispersion: false,
                         ionicFormFactors: false, displacementParameters: false)),
  ]
  for cif in loadBenchmarkCIFs() {
    let crystal: Crystal
    do {
      crystal = try Crystal.load(cifText: cif.text, fileName: cif.fileName)
    } catch {
      fatalError("\(error)")  // a reference CIF that does not load is a bug, not a benchmark result
    }
    let atoms = crystal.fullCell().count
    for (label, settings) in physics {
      Benchmark("\(label), \(cif.name) (\(atoms) atoms), Cu Kα1 5–90°", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
          blackHole(StickPattern(crystal: crystal, settings: settings))
        }
      }
    }
  }
}
