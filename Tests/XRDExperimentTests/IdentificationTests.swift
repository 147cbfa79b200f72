// Phase identification on the real patterns of ../shared/data with the library the issue names: every CIF in
// Structures/, ../shared/cod/ and the patterns' own CIFs (SOURCE.md of each folder says which is which). The
// right phase must rank first on single-phase patterns; every major phase must be in the top 3 of a mixture.
// A candidate counts as the right phase when it is the pattern's own CIF or the same compound in the same
// structure (PhaseIdentification.sameStructure: e.g. the anatase of Structures/ for the autoxrd anatase).
// Also: the weighed TiO2 + ZnO mixture of the Dara set (40.09 / 60.10 wt %) is quantified by the fit.

import Foundation
import Testing
import XRDSim

/// The repository root (for Structures/ and the fixtures).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

struct IdentificationCase: Sendable, CustomStringConvertible {
  var pattern: String
  /// The phases present (paths under ../shared/data, or "fixture:NAME" under Tests/XRDExperimentTests/Fixtures).
  var phases: [String]
  var description: String { pattern }

  static func url(_ path: String) -> URL {
    path.hasPrefix("fixture:")
      ? repositoryRoot.appendingPathComponent("Tests/XRDExperimentTests/Fixtures/" + path.dropFirst(8))
      : sharedData.appendingPathComponent(path)
  }

  static let autoxrd = "autoxrd-experimental/References/"
  static let single: [IdentificationCase] = [
    .init(pattern: "autoxrd-experimental/Spectra/MnO.xy", phases: [autoxrd + "MnO_225.cif"]),
    .init(pattern: "autoxrd-experimental/Spectra/Mn2O3.xy", phases: [autoxrd + "Mn2O3_206.cif"]),
    .init(pattern: "autoxrd-experimental/Spectra/LiMnO2.xy", phases: [autoxrd + "LiMnO2_59.cif"]),
    .init(pattern: "autoxrd-experimental/Spectra/TiO2.xy", phases: [autoxrd + "TiO2_141.cif"]),
    .init(pattern: "gsas2-lab6-srm660/LaB6_Jan2018.raw", phases: ["gsas2-lab6-srm660/LaB6_COD2104736.cif"]),
    .init(pattern: "gsas2-lab6-srm660/NIST660CBI.gsas", phases: ["gsas2-lab6-srm660/LaB6_COD2104736.cif"]),
    .init(pattern: "gsas2-lab6-srm660/11bmb_3844.fxye.zip", phases: ["gsas2-lab6-srm660/LaB6_COD2104736.cif"]),
    .init(pattern: "gsas2-pbso4/PBSO4.XRA", phases: ["gsas2-pbso4/PbSO4-Wyckoff.cif"]),
    .init(pattern: "xrdpattern-examples/data.cif", phases: ["xrdpattern-examples/data.cif"]),
    // Cu–12 % Ag, (111)-textured; SOURCE.md gives Cu as an approximate match (a 3.64 against 3.615 Å): ranks first
    // only after the full refinement with texture (diamond, F d -3 m, is second).
    .init(pattern: "xrdpattern-examples/bruker.raw", phases: ["xrdpattern-examples/Copper_AMCSD0011145_from-Dans_Diffraction.cif"]),
  ]
  static let mixtures: [IdentificationCase] = [
    .init(pattern: "autoxrd-experimental/Spectra/TiO2+MnO.xy", phases: [autoxrd + "TiO2_141.cif", autoxrd + "MnO_225.cif"]),
    .init(pattern: "autoxrd-experimental/Spectra/Mn2O3+LiF.xy", phases: [autoxrd + "Mn2O3_206.cif", autoxrd + "LiF_225.cif"]),
    .init(pattern: "autoxrd-experimental/Spectra/Li2MnO3+MnO+TiO2.xy",
          phases: [autoxrd + "Li2MnO3_12.cif", autoxrd + "MnO_225.cif", autoxrd + "TiO2_141.cif"]),
    .init(pattern: "dara-alab-tio2-zno-xrdml/TiO2_0p4009-ZnO_0p6010--8min.xrdml",
          phases: ["dara-alab-tio2-zno-xrdml/TiO2_141_anatase_from-XRD-AutoAnalyzer.cif", "fixture:ZnO-wurtzite.cif"]),
  ]

  /// Structures/, ../shared/cod/ and every pattern's own CIFs, each file once (by content).
  static let library: [(path: String, crystal: Crystal)] = {
    var urls: [URL] = []
    for folder in [repositoryRoot.appendingPathComponent("Structures"), sharedData.deletingLastPathComponent().appendingPathComponent("cod")] {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
      urls += names.filter { $0.hasSuffix(".cif") }.sorted().map { folder.appendingPathComponent($0) }
    }
    urls += (single + mixtures).flatMap(\.phases).map(url)
    var seen = Set<Data>(), result: [(String, Crystal)] = []
    for url in urls {
      guard let data = try? Data(contentsOf: url), seen.insert(data).inserted,
            let crystal = try? Crystal.load(contentsOf: url) else { continue }
      result.append((url.path, crystal))
    }
    return result
  }()

  func run() throws -> (result: PhaseIdentification.Result, expected: [Crystal]) {
    let measured = try MeasuredPattern(contentsOf: Self.url(pattern))
    let library = Self.library
    let result = try PhaseIdentification.identify(measured, library: library.map(\.crystal),
                                                  instrument: PatternFit.defaultInstrument(for: measured),
                                                  options: PhaseIdentification.Options(top: 5))
    return (result, try phases.map { try Crystal.load(contentsOf: Self.url($0)) })
  }

  static func matches(_ candidate: PhaseIdentification.Candidate, _ expected: Crystal) -> Bool {
    PhaseIdentification.sameStructure(candidate.crystal, expected)
  }
}

@Suite struct IdentificationTests {
  @Test func libraryHoldsTheIssuesFolders() {
    // Structures/ and ../shared/cod/ hold the same 118 files; with the patterns' own CIFs over 120 remain.
    #expect(IdentificationCase.library.count > 120)
  }

  @Test(arguments: IdentificationCase.single)
  func singlePhaseRanksFirst(_ testCase: IdentificationCase) throws {
    let (result, expected) = try testCase.run()
    let first = try #require(result.candidates.first)
    #expect(IdentificationCase.matches(first, expected[0]),
            "first: \(first.crystal.name) \(first.crystal.formula()) score \(first.score)")
  }

  @Test(arguments: IdentificationCase.mixtures)
  func mixturePhasesInTopThree(_ testCase: IdentificationCase) throws {
    let (result, expected) = try testCase.run()
    let top = result.candidates.prefix(3)
    for phase in expected {
      #expect(top.contains { IdentificationCase.matches($0, phase) },
              "\(phase.formula()) not in the top 3: \(top.map { $0.crystal.formula() })")
    }
  }

  /// Dara's weighed mixture: TiO2 40.09 wt %, ZnO 60.10 wt % (file name and SOURCE.md). Hill–Howard fractions
  /// from the fit within 3 wt % (no microabsorption correction; the anatase CIF's c is 0.8 % off and refined).
  @Test func weighedMixtureFractions() throws {
    let folder = "dara-alab-tio2-zno-xrdml/"
    let measured = try MeasuredPattern(contentsOf: sharedData.appendingPathComponent(folder + "TiO2_0p4009-ZnO_0p6010--8min.xrdml"))
    let crystals = try [folder + "TiO2_141_anatase_from-XRD-AutoAnalyzer.cif", "fixture:ZnO-wurtzite.cif"]
      .map { try Crystal.load(contentsOf: IdentificationCase.url($0)) }
    let result = try PatternFit.fit(crystals, to: measured, instrument: PatternFit.defaultInstrument(for: measured))
    #expect(abs(result.weightFractions[0] - 0.4009) < 0.03, "TiO2 \(result.weightFractions[0])")
    #expect(abs(result.weightFractions[1] - 0.6010) < 0.03, "ZnO \(result.weightFractions[1])")
    #expect(abs(result.weightFractions.reduce(0, +) - 1) < 1e-9)
    #expect(result.indices.rwp < 0.10)
  }
}
