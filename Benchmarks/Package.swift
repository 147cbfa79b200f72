// swift-tools-version: 6.1
//
// xrdsim benchmarks (ordo-one/benchmark): one executable per pipeline stage, run with
// `swift package benchmark` from this folder. A package of its own so that the library does not depend on
// the benchmark package and its malloc interposer.
//
// The root is named explicitly (`name: "xrdsim"`): SwiftPM's identity of a path dependency is the folder's
// name (`main`, `xrdsim`, whatever a clone is called), but `.product(package:)` also accepts the name given
// here, so the manifest works from any folder name.

import PackageDescription

// MARK: - Implementation details

let benchmarkDependencies: [Target.Dependency] = [
  .product(name: "Benchmark", package: "benchmark"),
  .product(name: "XRDSim", package: "xrdsim"),
  "BenchmarkCIFs",
]

let targets: [Target] = [
  // Locates ../shared/refs/cifs; not a benchmark.
  .target(name: "BenchmarkCIFs", path: "Sources/BenchmarkCIFs"),
  .executableTarget(
    name: "StickPatterns",
    dependencies: benchmarkDependencies,
    path: "Benchmarks/StickPatterns",
    plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
  ),
  .executableTarget(
    name: "CIFParsing",
    dependencies: benchmarkDependencies,
    path: "Benchmarks/CIFParsing",
    plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
  ),
]

let package = Package(
  name: "xrdsim-benchmarks",
  platforms: [.macOS(.v13)],
  dependencies: [
    .package(name: "xrdsim", path: "../"),
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
  ],
  targets: targets,
  swiftLanguageModes: [.v6]
)
