// CIF parsing: syntax alone, and syntax plus the Crystal (cell, symmetry, sites), from text in memory.
//
// The file is read once when the suite starts; the measured closures see only the String. Compare with
// pymatgen's CifParser times in ../shared/oracle/PERF.md (which also build its Structure).
// Not done: reading from disk, the P1 expansion (that is in the StickPatterns suite).

import Benchmark
import BenchmarkCIFs
import XRDSim

let benchmarks: @Sendable () -> Void = {
  let configuration = Benchmark.Configuration(
    metrics: [.wallClock, .throughput, .mallocCountTotal], timeUnits: .microseconds, warmupIterations: 3,
    maxDuration: .seconds(2), maxIterations: 10_000)
  for cif in loadBenchmarkCIFs() {
    let size = "\(cif.text.utf8.count) bytes"
    Benchmark("CIF parse, \(cif.fileName) (\(size))", configuration: configuration) { benchmark in
      for _ in benchmark.scaledIterations {
        blackHole(try CIFDocument(parsing: cif.text, fileName: cif.fileName))
      }
    }
    Benchmark("CIF parse + Crystal, \(cif.fileName) (\(size))", configuration: configuration) { benchmark in
      for _ in benchmark.scaledIterations {
        blackHole(try Crystal.load(cifText: cif.text, fileName: cif.fileName))
      }
    }
  }
}
