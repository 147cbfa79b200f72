// Full patterns against GSAS-II (../shared/refs/gsas2, README there): Si, corundum, rutile, La2Ti2O7 and
// tremolite under four instrument cases (a: Gaussian + FCJ; b: + Lorentzian Y; c: Kα1/Kα2, UVWXY;
// d: c with zero shift +0.05°). xrdsim's settings are mapped to GSAS-II's conventions (widths: GSAS σ² in
// centidegrees² → FWHM² in degrees² × 8 ln2·10⁻⁴, X, Y centidegrees → degrees; S/L = H/L = SH/L / 2 = 0.001;
// U_iso 0.01 Å² where the CIF has none; neutral atoms), and each pattern is compared after one scale factor.
// Acceptance (issue): Rwp ≤ 1 %. The Kα2 convention test shows the one remaining convention difference.

import Foundation
import Testing
import XRDSim

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()
let sharedDirectory: URL? = {
  let url = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
  return FileManager.default.fileExists(atPath: url.path) ? url : nil
}()

enum GSASII {
  static let cifs = ["Silicon": "refs/cifs/Silicon.cif", "corundum": "cod/amcsd_0009325.cif",
                     "Rutile": "refs/cifs/Rutile.cif", "La2Ti2O7": "refs/cifs/La2Ti2O7.cif",
                     "tremolite": "cod/amcsd_0002418.cif"]
  static let structures = ["Silicon", "corundum", "Rutile", "La2Ti2O7", "tremolite"]
  static let cases = ["a", "b", "c", "d"]
  static let lambda1 = 1.540593, lambda2 = 1.544414

  /// GSAS-II's instrument parameters of each case: U V W (centideg², variance), X Y (centideg), zero (deg).
  static func instrument(_ c: String) -> Instrument {
    var i = Instrument()
    let gsas: (u: Double, v: Double, w: Double, x: Double, y: Double, zero: Double, doublet: Bool) = switch c {
    case "a": (0, 0, 4.508422002778011, 0, 0, 0, false)
    case "b": (0, 0, 4.508422002778011, 0, 2, 0, false)
    case "c": (2, -2, 5, 0.5, 1, 0, true)
    default: (2, -2, 5, 0.5, 1, 0.05, true)
    }
    let k = 8 * log(2.0) * 1e-4
    // GSAS-II floors: σ² ≥ 0.001 centideg², γ ≥ 0.001 centideg.
    i.profile = .init(u: gsas.u * k, v: gsas.v * k, w: max(gsas.w, 0.001) * k, x: max(gsas.x, 0.001) * 0.01,
                      y: gsas.y * 0.01, sl: 0.001, hl: 0.001)
    i.radiation = gsas.doublet
      ? [EmissionLine(wavelength: lambda1, weight: 1), EmissionLine(wavelength: lambda2, weight: 0.5)]
      : [EmissionLine(wavelength: lambda1, weight: 1)]
    i.twoTheta = .init(start: 5, stop: 90, step: 0.01)
    i.zeroShift = gsas.zero
    return i
  }

  static let settings = DiffractionSettings(anomalousDispersion: true, ionicFormFactors: false,
                                            displacementParameters: true, defaultUIso: 0.01)

  static func reference(_ structure: String, _ c: String) -> [Double]? {
    guard let shared = sharedDirectory,
          let text = try? String(contentsOf: shared.appendingPathComponent("refs/gsas2/\(structure)_\(c).csv"), encoding: .utf8)
    else { return nil }
    return text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in line.split(separator: ",").last.flatMap { Double($0) } }
  }

  /// GSAS-II's reflection list: the one hkl it keeps per Friedel-merged family.
  static func reflectionIndices(_ structure: String, _ c: String) -> [MillerIndex] {
    guard let shared = sharedDirectory,
          let text = try? String(contentsOf: shared.appendingPathComponent("refs/gsas2/\(structure)_\(c)_reflections.csv"), encoding: .utf8)
    else { return [] }
    return text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
      let f = line.split(separator: ",").prefix(3).compactMap { Int($0) }
      return f.count == 3 ? MillerIndex(h: f[0], k: f[1], l: f[2]) : nil
    }
  }

  static func crystal(_ structure: String) throws -> Crystal {
    try Crystal.load(contentsOf: sharedDirectory!.appendingPathComponent(cifs[structure]!))
  }
}

/// Rwp after the least-squares scale factor, with weights 1/y_ref (counting statistics of the reference)
/// floored at 1 % of its maximum, so that the empty tails do not dominate.
func scaledRwp(_ calculated: [Double], _ reference: [Double]) -> Double {
  let floor = 0.01 * (reference.max() ?? 1)
  var num = 0.0, den = 0.0
  for (c, r) in zip(calculated, reference) { let w = 1 / max(r, floor); num += w * c * r; den += w * c * c }
  let scale = den > 0 ? num / den : 0
  var residual = 0.0, total = 0.0
  for (c, r) in zip(calculated, reference) {
    let w = 1 / max(r, floor)
    residual += w * (r - scale * c) * (r - scale * c)
    total += w * r * r
  }
  return (residual / total).squareRoot()
}

@Suite(.enabled(if: sharedDirectory != nil, "needs ../shared/refs/gsas2"))
struct GSASIIPatternTests {
  struct Case: Sendable, CustomStringConvertible {
    var structure: String
    var instrumentCase: String
    var description: String { "\(structure)_\(instrumentCase)" }
  }

  static let all = GSASII.structures.flatMap { s in GSASII.cases.map { Case(structure: s, instrumentCase: $0) } }

  /// xrdsim's peaks with each family's intensity taken from |F(h)|² of the one hkl GSAS-II lists, instead of
  /// the Friedel average (|F(h)|² + |F(−h)|²)/2 xrdsim uses: GSAS-II merges Friedel pairs and keeps one of
  /// them, which differs only for non-centrosymmetric structures with anomalous scatterers (here La2Ti2O7).
  static func gsasFriedelConvention(_ c: Case) throws -> (physical: [Double], convention: [Double]) {
    let crystal = try GSASII.crystal(c.structure)
    let instrument = GSASII.instrument(c.instrumentCase)
    var simulator = try PatternSimulator(crystal: crystal, instrument: instrument, settings: GSASII.settings)
    let physical = simulator.simulate().peaks
    let calculator = StructureFactorCalculator(crystal: crystal, settings: simulator.settings)
    let rotations = laueRotations(of: crystal.operations)
    let listed = GSASII.reflectionIndices(c.structure, c.instrumentCase)
    var factor: [MillerIndex: Double] = [:]
    for r in simulator.sticks.reflections {
      let members = Set(equivalentReflections(of: r.hkl, rotations: rotations))
      guard let h = listed.first(where: { members.contains($0) }) else { continue }
      factor[r.hkl] = calculator.structureFactor(h).lengthSquared / r.structureFactorSquared
    }
    let peaks = simulator.peakList().map { p in
      Peak(twoTheta: p.twoTheta, area: p.area * (factor[p.hkl] ?? 1), widths: p.widths)
    }
    var renderer = PeakRenderer(grid: TwoThetaGrid(start: 5, step: 0.01, count: 8501),
                                asymmetry: .fcj(FCJAsymmetry(sOverL: 0.001, hOverL: 0.001)))
    var convention = [Double](repeating: 0, count: 8501)
    renderer.render(peaks, into: &convention)
    return (physical, convention)
  }

  @Test("full pattern agrees with GSAS-II within Rwp 1 % after one scale factor", arguments: all)
  func agreement(_ c: Case) throws {
    let reference = try #require(GSASII.reference(c.structure, c.instrumentCase))
    let (physical, convention) = try Self.gsasFriedelConvention(c)
    #expect(physical.count == reference.count)
    let rwp = scaledRwp(physical, reference), rwpConvention = scaledRwp(convention, reference)
    print(String(format: "GSAS-II %@: Rwp %.3f %% (xrdsim), %.3f %% (GSAS-II's Friedel convention)", c.description,
                 100 * rwp, 100 * rwpConvention))
    #expect(rwpConvention < 0.01, "\(c): Rwp \(rwpConvention)")
    if c.structure != "La2Ti2O7" { #expect(rwp < 0.01, "\(c): Rwp \(rwp)") }
  }

  @Test("Friedel convention: GSAS-II keeps |F(h)|² of one Friedel mate; xrdsim averages both (La2Ti2O7, P1121)")
  func friedelConvention() throws {
    let crystal = try GSASII.crystal("La2Ti2O7")
    let calculator = StructureFactorCalculator(crystal: crystal, settings: GSASII.settings)
    // (0 1 1): |F(h)|² = 3266, |F(−h)|² = 2585 with La f″ ≈ 9; GSAS-II lists 3285.5 for (0 1 1).
    let h = MillerIndex(h: 0, k: 1, l: 1)
    let plus = calculator.structureFactor(h).lengthSquared, minus = calculator.structureFactor(-h).lengthSquared
    #expect(abs(plus - 3285.5) / 3285.5 < 0.01)
    #expect(abs(plus - minus) / plus > 0.1)
    let c = Case(structure: "La2Ti2O7", instrumentCase: "a")
    let reference = try #require(GSASII.reference("La2Ti2O7", "a"))
    let (physical, convention) = try Self.gsasFriedelConvention(c)
    #expect(scaledRwp(physical, reference) > 0.02)
    #expect(scaledRwp(convention, reference) < 0.01)
  }

  @Test("Kα2 convention: GSAS-II's tan θ shift with Kα1's factors, reproduced, closes the remaining gap",
        arguments: ["Silicon", "corundum", "La2Ti2O7"])
  func kAlpha2Convention(_ structure: String) throws {
    let reference = try #require(GSASII.reference(structure, "c"))
    let instrument = GSASII.instrument("c")
    var single = instrument
    single.radiation = [instrument.radiation[0]]
    let crystal = try GSASII.crystal(structure)
    let ka1 = try PatternSimulator(crystal: crystal, instrument: single, settings: GSASII.settings).peakList()
    // GSAS-II: 2θ₂ = 2θ₁ + (360/π)(Δλ/λ₁) tan θ₁, same area factor (L, P at 2θ₁) and widths, × I(L2)/I(L1).
    var peaks = ka1.map { Peak(twoTheta: $0.twoTheta, area: $0.area, widths: $0.widths) }
    for p in ka1 {
      let shift = 360 / Double.pi * (GSASII.lambda2 - GSASII.lambda1) / GSASII.lambda1 * tan(p.twoTheta * .pi / 360)
      peaks.append(Peak(twoTheta: p.twoTheta + shift, area: 0.5 * p.area, widths: p.widths))
    }
    let grid = TwoThetaGrid(start: 5, step: 0.01, count: 8501)
    var renderer = PeakRenderer(grid: grid, asymmetry: .fcj(FCJAsymmetry(sOverL: 0.001, hOverL: 0.001)))
    var gsasConvention = [Double](repeating: 0, count: grid.count)
    renderer.render(peaks, into: &gsasConvention)
    var simulator = try PatternSimulator(crystal: crystal, instrument: instrument, settings: GSASII.settings)
    let ours = simulator.simulate().peaks
    let rOurs = scaledRwp(ours, reference), rConvention = scaledRwp(gsasConvention, reference)
    print(String(format: "GSAS-II %@_c: Rwp %.3f %% (Bragg Kα2), %.3f %% (GSAS-II Kα2 convention)", structure,
                 100 * rOurs, 100 * rConvention))
    #expect(rConvention <= rOurs + 1e-4)
    // Where the two placements differ: at 2θ ≈ 90° the tan θ shift and Bragg's law differ by ~(Δλ/λ)² tan³θ.
    let t1 = 80.0, s = sin(t1 * .pi / 360) * GSASII.lambda2 / GSASII.lambda1
    let bragg = 360 / Double.pi * asin(s)
    let tanShift = t1 + 360 / Double.pi * (GSASII.lambda2 - GSASII.lambda1) / GSASII.lambda1 * tan(t1 * .pi / 360)
    #expect(abs(bragg - tanShift) > 1e-5 && abs(bragg - tanShift) < 1e-3)
  }
}
