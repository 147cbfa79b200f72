// Stick patterns against three independent programs (../shared/refs): pymatgen XRDCalculator,
// Dans_Diffraction and xrayutilities, each with xrdsim's switches set to that program's conventions
// (../shared/refs/CONVENTIONS.md). Tolerances from the issue: every peak ≥ 1 % found within 0.001°;
// over the ten strongest peaks, max |ΔI| ≤ 0.5 % (of the strongest) for the median structure and ≤ 2 % for
// nine in ten. Where a program's convention cannot be switched on in xrdsim (pymatgen's own form-factor
// table), a second test swaps that table in and shows the remainder disappears.

import Foundation
import Testing
import XRDCrystal
@testable import XRDDiffraction

/// pymatgen's conventions: Cu Kα1 1.54056 Å, 5–90°, no f′/f″, neutral atoms, B = 0.
let pymatgenSettings = DiffractionSettings(wavelength: 1.54056, twoThetaRange: 5...90, anomalousDispersion: false,
                                           ionicFormFactors: false, displacementParameters: false)

/// Dans_Diffraction's: ITC Vol. C 6.1.1.4 four-Gaussian f0, neutral atoms, no f′/f″, isotropic U as written
/// only (a site with U_ij but no U_iso gets U = 0 there).
let dansSettings = DiffractionSettings(wavelength: 1.54056, twoThetaRange: 5...90, anomalousDispersion: false,
                                       ionicFormFactors: false, displacementParameters: true,
                                       displacementModel: .isotropicAsWritten, formFactorTable: .internationalTables)

/// xrayutilities': ITC f0 with ions, f′/f″ (Kissel there, Chantler here), isotropic B as written only.
let xrayutilitiesSettings = DiffractionSettings(wavelength: 1.54056, twoThetaRange: 5...90, anomalousDispersion: true,
                                                ionicFormFactors: true, displacementParameters: true,
                                                displacementModel: .isotropicAsWritten, formFactorTable: .internationalTables)

/// pymatgen's form factor: f(s) = Z − 41.78214 s² Σ aᵢ exp(−bᵢ s²) (Mott–Bethe from electron scattering
/// factors), coefficients frozen from pymatgen's `atomic_scattering_params.json`.
let pymatgenFormFactor: StructureFactorCalculator.FormFactorFunction? = {
  let url = repositoryRoot.appendingPathComponent("Tests/XRDDiffractionTests/Fixtures/pymatgen_atomic_scattering_params.json")
  guard let data = try? Data(contentsOf: url),
        let table = try? JSONSerialization.jsonObject(with: data) as? [String: [[Double]]] else { return nil }
  var coefficients: [Int: [[Double]]] = [:]
  for (symbol, rows) in table { if let e = Element(symbol: symbol) { coefficients[e.atomicNumber] = rows } }
  let frozen = coefficients
  return { element, s in
    let s2 = s * s
    var sum = 0.0
    for row in frozen[element.atomicNumber] ?? [] { sum += row[0] * exp(-row[1] * s2) }
    return Double(element.atomicNumber) - 41.78214 * s2 * sum
  }
}()

struct ReferenceRun {
  var comparisons: [Comparison] = []
  var failures: [String] = []

  var median: Double { quantile(comparisons.map(\.maxTop10Difference), 0.5) }
  var p90: Double { quantile(comparisons.map(\.maxTop10Difference), 0.9) }

  var summary: String {
    let worst = comparisons.sorted { $0.maxTop10Difference > $1.maxTop10Difference }.prefix(8)
    return String(format: "%d structures, median max|dI| %.3f, p90 %.3f; worst: ", comparisons.count, median, p90)
      + worst.map(\.description).joined(separator: "; ")
  }
}

func runReferences(tool: String, key: String = "peaks", settings: DiffractionSettings,
                   formFactor: StructureFactorCalculator.FormFactorFunction? = nil, only: String? = nil) -> ReferenceRun {
  var run = ReferenceRun()
  // Li2IrO3.mcif is incommensurate: xrdsim rejects it (tested in XRDCrystalTests); the others computed a
  // commensurate approximation of it.
  for name in referenceNames(tool: tool) where name != "Li2IrO3" && (only == nil || only == name) {
    guard let (cif, reference) = referenceSticks(tool: tool, name: name, key: key) else {
      run.failures.append("\(name): unreadable reference")
      continue
    }
    do {
      let crystal = try referenceCrystal(cif)
      let calculator = StructureFactorCalculator(crystal: crystal, settings: settings, formFactorOverride: formFactor)
      let ours = mergedSticks(StickPattern(calculator: calculator))
      run.comparisons.append(compare(ours, reference, name: name))
    } catch {
      run.failures.append("\(name): \(error)")
    }
  }
  return run
}

@Suite(.enabled(if: hasShared, "needs ../shared/refs"))
struct ReferencePatternTests {
  @Test("pymatgen: every peak ≥ 1 % found within 0.001°, top-10 intensities within tolerance")
  func pymatgen() throws {
    let run = runReferences(tool: "pymatgen", settings: pymatgenSettings)
    #expect(run.failures.isEmpty, "\(run.failures)")
    #expect(run.comparisons.count >= 95)
    for c in run.comparisons {
      #expect(c.missing.isEmpty, "\(c.name): missing \(c.missing)")
      #expect(c.maxPositionDifference <= 0.001, "\(c)")
    }
    print("pymatgen (xrdsim Waasmaier–Kirfel f0):", run.summary)
    #expect(run.median <= 0.5, "\(run.summary)")
    #expect(run.p90 <= 2.0, "\(run.summary)")
  }

  @Test("pymatgen: with pymatgen's own form-factor table the remaining differences vanish")
  func pymatgenFormFactorConvention() throws {
    let formFactor = try #require(pymatgenFormFactor, "fixture pymatgen_atomic_scattering_params.json")
    let run = runReferences(tool: "pymatgen", settings: pymatgenSettings, formFactor: formFactor)
    print("pymatgen (pymatgen's f0 table swapped in):", run.summary)
    #expect(run.failures.isEmpty, "\(run.failures)")
    #expect(run.median <= 0.01, "\(run.summary)")
    #expect(run.p90 <= 0.05, "\(run.summary)")
  }

  @Test("Dans_Diffraction |F|² with pymatgen's Lp: ITC f0, isotropic U")
  func dans() throws {
    let run = runReferences(tool: "dans", key: "dans_F2_pmgLp", settings: dansSettings)
    print("Dans_Diffraction:", run.summary)
    #expect(run.failures.isEmpty, "\(run.failures)")
    for c in run.comparisons { #expect(c.missing.isEmpty, "\(c.name): missing \(c.missing)") }
    #expect(run.median <= 0.5, "\(run.summary)")
    #expect(run.p90 <= 2.0, "\(run.summary)")
  }

  /// Structures xrayutilities reads differently from pymatgen, Dans_Diffraction and xrdsim: the five
  /// magnetic CIFs (its reader does not combine `_space_group_symop.magn_operation` with the
  /// `magn_centering` translations), naphthalene ('P 21/a' read from the symbol, not the file's operators)
  /// and RuCl3-alpha (coordinates rounded to 3 digits near special positions, merged differently).
  static let xrayutilitiesReadsDifferently = ["MnO", "Ca3Co2O6", "Ca3LiOsO6", "LaMnO3", "NaOsO3", "naphthalene",
                                              "RuCl3-alpha"]

  @Test("xrayutilities: ITC f0 with ions, anomalous dispersion, isotropic B")
  func xrayutilities() throws {
    var run = runReferences(tool: "xrayutilities", settings: xrayutilitiesSettings)
    run.comparisons.removeAll { Self.xrayutilitiesReadsDifferently.contains($0.name) }
    print("xrayutilities:", run.summary)
    #expect(run.failures.isEmpty, "\(run.failures)")
    #expect(run.comparisons.count >= 70)
    for c in run.comparisons { #expect(c.missing.isEmpty, "\(c.name): missing \(c.missing)") }
    #expect(run.median <= 0.5, "\(run.summary)")
    #expect(run.p90 <= 2.0, "\(run.summary)")
  }

  @Test("the structures left out of the xrayutilities comparison are ones where xrayutilities disagrees with pymatgen too",
        arguments: xrayutilitiesReadsDifferently)
  func xrayutilitiesParsingDiffers(_ name: String) throws {
    let xu = try #require(referenceSticks(tool: "xrayutilities", name: name)).sticks
    let pymatgen = try #require(referenceSticks(tool: "pymatgen", name: name)).sticks
    let toolVersusTool = compare(pymatgen, xu, name: name)
    // xrdsim agrees with pymatgen on these (within form-factor differences) ...
    let ours = runReferences(tool: "pymatgen", settings: pymatgenSettings, only: name).comparisons
    #expect(ours.first.map { $0.maxTop10Difference < 5 && $0.missing.isEmpty } == true, "\(ours)")
    // ... while xrayutilities and pymatgen disagree by far more than any physics convention explains.
    #expect(toolVersusTool.maxTop10Difference > 10 || !toolVersusTool.missing.isEmpty, "\(toolVersusTool)")
  }
}
