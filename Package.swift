// swift-tools-version: 6.1
//
// xrdsim: crystal structures in, simulated powder X-ray diffraction out.
// Module layout follows the pipeline: CIF → Crystal → Diffraction (→ Profile → Augment → Corpus; Experiment).

import PackageDescription

// MARK: - Public API

let products: [Product] = [
  .library(name: "XRDSim", targets: ["XRDSim"]),
  .executable(name: "xrdsim", targets: ["XRDSimCLI"]),
]

// MARK: - Implementation details

let swiftSettings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

let targets: [Target] = [
  .systemLibrary(
    name: "CGSL",
    pkgConfig: "gsl",
    providers: [.apt(["libgsl-dev"])]
  ),
  .systemLibrary(
    name: "CZlib",
    pkgConfig: "zlib",
    providers: [.apt(["zlib1g-dev"])]
  ),
  .systemLibrary(
    name: "CHDF5",
    pkgConfig: "hdf5",
    providers: [.apt(["libhdf5-dev"])]
  ),
  .target(name: "XRDGSL", dependencies: ["CGSL"], swiftSettings: swiftSettings),
  .target(name: "XRDCIF", swiftSettings: swiftSettings),
  .target(name: "XRDCrystal", dependencies: ["XRDCIF"], swiftSettings: swiftSettings),
  .target(
    name: "XRDDiffraction",
    dependencies: [
      "XRDCrystal", "XRDGSL",
      .product(name: "ComplexModule", package: "swift-numerics"),
      .product(name: "RealModule", package: "swift-numerics"),
    ],
    swiftSettings: swiftSettings
  ),
  .target(
    name: "XRDProfile",
    dependencies: ["XRDDiffraction", "XRDGSL", .product(name: "Yams", package: "Yams")],
    swiftSettings: swiftSettings
  ),
  .target(name: "XRDAugment", dependencies: ["XRDProfile", "XRDGSL"], swiftSettings: swiftSettings),
  .target(
    name: "XRDCorpus",
    dependencies: ["XRDAugment", "XRDProfile", "XRDCrystal", "XRDGSL", "CHDF5", .product(name: "Yams", package: "Yams")],
    swiftSettings: swiftSettings
  ),
  .target(
    name: "XRDExperiment",
    dependencies: ["XRDAugment", "XRDProfile", "XRDDiffraction", "XRDCrystal", "XRDGSL", "XRDCorpus", "XRDCIF", "CZlib"],
    swiftSettings: swiftSettings
  ),
  .target(
    name: "XRDSim",
    dependencies: ["XRDCIF", "XRDCrystal", "XRDDiffraction", "XRDProfile", "XRDAugment", "XRDCorpus", "XRDExperiment"],
    swiftSettings: swiftSettings
  ),
  .executableTarget(
    name: "XRDSimCLI",
    dependencies: [
      "XRDSim",
      "XRDGSL",
      .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ],
    swiftSettings: swiftSettings
  ),

  // MARK: - Tests

  // Fixtures are read through #filePath, not bundled.
  .testTarget(name: "XRDCIFTests", dependencies: ["XRDCIF"], swiftSettings: swiftSettings),
  .testTarget(
    name: "XRDCrystalTests",
    dependencies: ["XRDCrystal"],
    exclude: ["Fixtures", "Malformed"],
    swiftSettings: swiftSettings
  ),
  .testTarget(
    name: "XRDDiffractionTests",
    dependencies: ["XRDDiffraction", "XRDGSL"],
    exclude: ["Fixtures"],
    swiftSettings: swiftSettings
  ),
  .testTarget(name: "XRDProfileTests", dependencies: ["XRDProfile"], swiftSettings: swiftSettings),
  .testTarget(name: "XRDAugmentTests", dependencies: ["XRDAugment", "XRDSim"], swiftSettings: swiftSettings),
  .testTarget(
    name: "XRDCorpusTests",
    dependencies: ["XRDCorpus", "XRDSim"],
    exclude: ["Python"],
    swiftSettings: swiftSettings
  ),
  .testTarget(
    name: "XRDExperimentTests",
    dependencies: ["XRDExperiment", "XRDSim"],
    exclude: ["Fixtures"],
    swiftSettings: swiftSettings
  ),
  .testTarget(
    name: "XRDSimCLITests",
    dependencies: ["XRDSimCLI", "XRDSim"],
    swiftSettings: swiftSettings
  ),
]

let package = Package(
  name: "xrdsim",
  products: products,
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
  ],
  targets: targets,
  swiftLanguageModes: [.v6]
)
