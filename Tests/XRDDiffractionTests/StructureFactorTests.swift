// Structure factors and stick patterns: analytic cases and invariants (not our own output).

import Foundation
import Testing
import XRDCrystal
@testable import XRDDiffraction

let plain = DiffractionSettings(anomalousDispersion: false, ionicFormFactors: false, displacementParameters: false)

func crystal(_ text: String) throws -> Crystal { try Crystal.load(cifText: text, fileName: "test.cif") }

func cif(cell: (Double, Double, Double, Double, Double, Double), symbol: String? = nil, operations: [String] = [],
         sites: [(String, Double, Double, Double)], uIso: Double? = nil) -> String {
  var lines = ["data_test",
               "_cell_length_a \(cell.0)", "_cell_length_b \(cell.1)", "_cell_length_c \(cell.2)",
               "_cell_angle_alpha \(cell.3)", "_cell_angle_beta \(cell.4)", "_cell_angle_gamma \(cell.5)"]
  if let symbol { lines.append("_space_group_name_H-M_alt '\(symbol)'") }
  if !operations.isEmpty { lines += ["loop_", "_space_group_symop_operation_xyz"] + operations.map { "'\($0)'" } }
  lines += ["loop_", "_atom_site_label", "_atom_site_type_symbol", "_atom_site_fract_x", "_atom_site_fract_y",
            "_atom_site_fract_z"] + (uIso == nil ? [] : ["_atom_site_U_iso_or_equiv"])
  for (i, s) in sites.enumerated() {
    lines.append("\(s.0)\(i + 1) \(s.0) \(s.1) \(s.2) \(s.3)" + (uIso.map { " \($0)" } ?? ""))
  }
  return lines.joined(separator: "\n") + "\n"
}

let naclText = cif(cell: (5.6402, 5.6402, 5.6402, 90, 90, 90), symbol: "F m -3 m",
                   sites: [("Na", 0, 0, 0), ("Cl", 0.5, 0.5, 0.5)])
let siliconText = cif(cell: (5.431, 5.431, 5.431, 90, 90, 90), symbol: "F d -3 m :1", sites: [("Si", 0, 0, 0)])

@Suite struct StructureFactorTests {
  @Test("NaCl: F(200) = 4(f_Na + f_Cl), F(111) = 4|f_Na − f_Cl| (rock salt, neutral atoms)")
  func naclAnalytic() throws {
    let calculator = StructureFactorCalculator(crystal: try crystal(naclText), settings: plain)
    let cell = calculator.crystal.cell
    func f(_ symbol: String, _ hkl: (Int, Int, Int)) -> Double {
      let s = 1 / (2 * cell.dSpacing(h: hkl.0, k: hkl.1, l: hkl.2))
      return FormFactor(species: Species(element: Element(symbol: symbol)!)).value(sinThetaOverLambda: s)
    }
    let f200 = calculator.structureFactor(MillerIndex(h: 2, k: 0, l: 0))
    #expect(abs(f200.real - 4 * (f("Na", (2, 0, 0)) + f("Cl", (2, 0, 0)))) < 1e-9)
    #expect(abs(f200.imaginary) < 1e-9)
    let f111 = calculator.structureFactor(MillerIndex(h: 1, k: 1, l: 1))
    #expect(abs(f111.length - 4 * abs(f("Na", (1, 1, 1)) - f("Cl", (1, 1, 1)))) < 1e-9)
    // Mixed parity is absent (F centring).
    #expect(calculator.structureFactor(MillerIndex(h: 1, k: 0, l: 0)).length < 1e-9)
    #expect(calculator.structureFactor(MillerIndex(h: 2, k: 1, l: 0)).length < 1e-9)
  }

  @Test("Si (diamond): F(111) = 4√2 f, F(220) = 8 f, (200) and (222) absent, multiplicities 8, 12, 24")
  func silicon() throws {
    let si = try crystal(siliconText)
    let calculator = StructureFactorCalculator(crystal: si, settings: plain)
    let fSi = { (d: Double) in FormFactor(species: Species(element: Element(symbol: "Si")!)).value(sinThetaOverLambda: 1 / (2 * d)) }
    #expect(abs(calculator.structureFactor(MillerIndex(h: 1, k: 1, l: 1)).length - 4 * 2.0.squareRoot() * fSi(5.431 / 3.0.squareRoot())) < 1e-9)
    #expect(abs(calculator.structureFactor(MillerIndex(h: 2, k: 2, l: 0)).length - 8 * fSi(5.431 / 8.0.squareRoot())) < 1e-9)
    let pattern = StickPattern(calculator: calculator)
    let names = pattern.reflections.map { [$0.hkl.h, $0.hkl.k, $0.hkl.l] }
    #expect(!names.contains([2, 0, 0]))
    #expect(!names.contains([2, 2, 2]))
    #expect(pattern.reflections.first?.hkl == MillerIndex(h: 1, k: 1, l: 1))
    #expect(pattern.reflections.map(\.multiplicity).prefix(3) == [8, 12, 24])
    // Bragg's law: 2θ(111) for Cu Kα1 = 2 asin(λ√3 / 2a) = 28.4427° (a = 5.431 Å).
    let expected = 2 * asin(1.5405929 * 3.0.squareRoot() / (2 * 5.431)) * 180 / .pi
    #expect(abs(pattern.reflections[0].twoTheta - expected) < 1e-10)
  }

  @Test("fast phase-table path equals direct summation, for every shipped structure's first reflections")
  func fastPathEqualsDirect() throws {
    let files = ["9008565.cif", "amcsd_0009325.cif", "amcsd_0001683.cif", "1000039.cif", "2224874.cif",
                 "amcsd_0000789.cif", "9000195.cif"]
    for file in files {
      let crystal = try Crystal.load(contentsOf: repositoryRoot.appendingPathComponent("Structures/\(file)"))
      let calculator = StructureFactorCalculator(crystal: crystal)  // anomalous + anisotropic on
      let indices = (0..<40).map { i in MillerIndex(h: i % 5 - 2, k: (i / 5) % 4 - 1, l: i % 7 - 3) }
      let fast = calculator.structureFactors(for: indices)
      for (m, f) in zip(indices, fast) {
        let direct = calculator.structureFactor(m)
        let directMinus = calculator.structureFactor(-m)
        let scale = max(1, direct.length)
        #expect((f.plus - direct).length < 1e-9 * scale, "\(file) \(m)")
        #expect((f.minus - directMinus).length < 1e-9 * scale, "\(file) \(-m)")
      }
    }
  }

  @Test("Friedel: without anomalous dispersion |F(h)| = |F(−h)| and F(−h) = F(h)*; with it they differ in a polar crystal")
  func friedel() throws {
    // Quartz P3₂21 is non-centrosymmetric.
    let quartz = try Crystal.load(contentsOf: repositoryRoot.appendingPathComponent("Structures/amcsd_0000789.cif"))
    let off = StructureFactorCalculator(crystal: quartz, settings: DiffractionSettings(anomalousDispersion: false))
    let on = StructureFactorCalculator(crystal: quartz, settings: DiffractionSettings(anomalousDispersion: true))
    var differs = false
    for m in [MillerIndex(h: 1, k: 0, l: 1), MillerIndex(h: 1, k: 1, l: 2), MillerIndex(h: 2, k: 0, l: 3)] {
      let (p, n) = (off.structureFactor(m), off.structureFactor(-m))
      #expect(abs(p.real - n.real) < 1e-9 && abs(p.imaginary + n.imaginary) < 1e-9)
      if abs(on.structureFactor(m).length - on.structureFactor(-m).length) > 1e-3 { differs = true }
    }
    #expect(differs)
  }

  @Test("the multiplicities of all families add up to the number of reciprocal-lattice points in the shell")
  func multiplicitySum() throws {
    for file in ["9008565.cif", "amcsd_0009325.cif", "amcsd_0001683.cif", "amcsd_0000789.cif", "9000195.cif",
                 "2003005.cif", "amcsd_0002418.cif"] {
      let crystal = try Crystal.load(contentsOf: repositoryRoot.appendingPathComponent("Structures/\(file)"))
      let dMin = 1.0
      let families = reflectionFamilies(cell: crystal.cell, rotations: laueRotations(of: crystal.operations), dMin: dMin)
      var count = 0
      let n = 30
      for h in -n...n { for k in -n...n { for l in -n...n where !(h == 0 && k == 0 && l == 0) {
        if crystal.cell.inverseDSquared(Double(h), Double(k), Double(l)) <= 1 / (dMin * dMin) { count += 1 }
      } } }
      #expect(families.reduce(0) { $0 + $1.multiplicity } == count, "\(file)")
    }
  }

  @Test("a structure and its P1 expansion give the same pattern")
  func p1Expansion() throws {
    for file in ["amcsd_0009325.cif", "amcsd_0000789.cif", "2003005.cif", "9000195.cif", "amcsd_0001663.cif"] {
      let crystal = try Crystal.load(contentsOf: repositoryRoot.appendingPathComponent("Structures/\(file)"))
      let atoms = crystal.fullCell()
      let sites = atoms.enumerated().map { i, atom in
        Site(label: "A\(i)", species: atom.species, position: atom.position, occupancy: atom.occupancy,
             displacement: displacement(fromBeta: atom.beta, cell: crystal.cell))
      }
      let p1 = Crystal(name: "P1", cell: crystal.cell, spaceGroup: nil, operations: [], sites: sites)
      try expectSamePattern(crystal, p1, label: file)
    }
  }

  @Test("an origin shift leaves every intensity unchanged")
  func originShift() throws {
    for file in ["amcsd_0009325.cif", "amcsd_0000789.cif", "2003005.cif", "amcsd_0001683.cif", "9008570.cif"] {
      let crystal = try Crystal.load(contentsOf: repositoryRoot.appendingPathComponent("Structures/\(file)"))
      let shift = SIMD3<Double>(5, -7, 11) / 24  // a general shift, exact in 1/24
      var shifted = crystal
      shifted.sites = crystal.sites.map { var s = $0; s.position += shift; return s }
      // x' = x + s: the operation (R, t) becomes (R, t + s − R s).
      shifted.operations = crystal.operations.map { op in
        let rs = SIMD3((0..<3).map { i in (0..<3).reduce(0.0) { $0 + Double(op.rotation[3 * i + $1]) * shift[$1] } })
        return ShiftedOperation(op, by: shift - rs)
      }.compactMap { $0 }
      #expect(shifted.operations.count == crystal.operations.count)
      try expectSamePattern(crystal, shifted, label: file)
    }
  }

  @Test("an equivalent setting (axes permuted) gives the same 2θ and intensities")
  func equivalentSetting() throws {
    for file in ["amcsd_0000546.cif", "amcsd_0006301.cif", "2003005.cif", "4302974.cif"] {
      let crystal = try Crystal.load(contentsOf: repositoryRoot.appendingPathComponent("Structures/\(file)"))
      // New axes (a', b', c') = (b, c, a): x' = (y, z, x); rotation R' = P R P⁻¹ with P the cyclic permutation.
      let p = [1, 2, 0]
      var permuted = crystal
      permuted.cell = try UnitCell(a: crystal.cell.b, b: crystal.cell.c, c: crystal.cell.a,
                                   alpha: crystal.cell.beta, beta: crystal.cell.gamma, gamma: crystal.cell.alpha)
      permuted.sites = crystal.sites.map { site in
        var s = site
        s.position = SIMD3(site.position[p[0]], site.position[p[1]], site.position[p[2]])
        if case let .anisotropic(u11, u22, u33, u12, u13, u23) = site.displacement {
          s.displacement = .anisotropic(u11: u22, u22: u33, u33: u11, u12: u23, u13: u12, u23: u13)
        }
        return s
      }
      permuted.operations = crystal.operations.map { op in
        var r = [Int](repeating: 0, count: 9)
        for i in 0..<3 { for j in 0..<3 { r[3 * i + j] = op.rotation[3 * p[i] + p[j]] } }
        return SymmetryOperation(rotation: r, translation: [op.translation[p[0]], op.translation[p[1]], op.translation[p[2]]])
      }
      permuted.spaceGroup = nil
      try expectSamePattern(crystal, permuted, label: file)
    }
  }

  @Test("corundum: the (113)/(116) intensity order flips between neutral and ionic (Al3+, O2−) form factors")
  func corundumIonic() throws {
    var corundum = try Crystal.load(contentsOf: repositoryRoot.appendingPathComponent("Structures/amcsd_0009325.cif"))
    corundum.sites = corundum.sites.map { s in
      var t = s
      t.species.charge = s.species.element.symbol == "Al" ? 3 : -2
      return t
    }
    func ratio(ionic: Bool) -> Double {
      let settings = DiffractionSettings(wavelength: 1.5405929, anomalousDispersion: false, ionicFormFactors: ionic)
      let pattern = StickPattern(crystal: corundum, settings: settings)
      let i113 = pattern.reflections.first { $0.hkl == MillerIndex(h: 1, k: 1, l: 3) }!.intensity
      let i116 = pattern.reflections.first { $0.hkl == MillerIndex(h: 1, k: 1, l: 6) }!.intensity
      return i113 / i116
    }
    let neutral = ratio(ionic: false), ionic = ratio(ionic: true)
    print("corundum I(113)/I(116): neutral \(neutral), ionic \(ionic)")
    #expect((neutral - 1) * (ionic - 1) < 0, "neutral \(neutral), ionic \(ionic)")
  }

  @Test("Lorentz-polarization: pymatgen's form without a monochromator; the monochromator term")
  func lorentzPolarizationFactor() {
    let t = 40.0 * .pi / 360
    let expected = (1 + pow(cos(2 * t), 2)) / (pow(sin(t), 2) * cos(t))
    #expect(abs(lorentzPolarization(twoTheta: 40) - expected) < 1e-12)
    // Graphite 002 monochromator for Cu Kα (2θ_M = 26.6°): P = (1 + cos²2θ_M cos²2θ)/(1 + cos²2θ_M).
    let m = 26.6 * .pi / 180
    let withMono = 2 * (1 + pow(cos(m), 2) * pow(cos(2 * t), 2)) / (1 + pow(cos(m), 2)) / (pow(sin(t), 2) * cos(t))
    #expect(abs(lorentzPolarization(twoTheta: 40, monochromatorTwoTheta: 26.6) - withMono) < 1e-12)
    // From sin θ alone (the stick patterns' form): the same factor to rounding, 2θ from 1° to 179.9° (near 180°
    // both lose digits: cos θ is ill-conditioned in s there).
    for mono in [0.0, 26.6] {
      let factor = LorentzPolarization(monochromatorTwoTheta: mono)
      for k in 0...1789 {
        let twoTheta = 1 + Double(k) / 10
        let s = sin(twoTheta * .pi / 360)
        let reference = factor.value(twoTheta: 360 / .pi * asin(s))
        let tolerance = twoTheta <= 170 ? 1e-12 : 1e-8
        #expect(abs(factor.value(braggSine: s) / reference - 1) < tolerance, "2θ \(twoTheta)°, 2θ_M \(mono)°")
      }
    }
  }

  @Test("B = 8π²U: a uniform U scales every |F|² by exp(−16π²U s²)")
  func debyeWaller() throws {
    let u = 0.01
    let text = cif(cell: (5.6402, 5.6402, 5.6402, 90, 90, 90), symbol: "F m -3 m",
                   sites: [("Na", 0, 0, 0), ("Cl", 0.5, 0.5, 0.5)], uIso: u)
    let warm = StickPattern(crystal: try crystal(text), settings: DiffractionSettings(anomalousDispersion: false))
    let cold = StickPattern(crystal: try crystal(naclText), settings: DiffractionSettings(anomalousDispersion: false))
    #expect(warm.reflections.count == cold.reflections.count)
    for (w, c) in zip(warm.reflections, cold.reflections) {
      let s2 = pow(w.sinThetaOverLambda, 2)
      #expect(abs(w.structureFactorSquared / c.structureFactorSquared - exp(-16 * .pi * .pi * u * s2)) < 1e-12)
    }
  }
}

// MARK: - Helpers

func displacement(fromBeta beta: [Double], cell: UnitCell) -> Displacement {
  let s = cell.reciprocalLengths
  let twoPiSq = 2 * Double.pi * Double.pi
  func u(_ i: Int, _ j: Int) -> Double { beta[3 * i + j] / (twoPiSq * s[i] * s[j]) }
  if beta.allSatisfy({ $0 == 0 }) { return .none }
  return .anisotropic(u11: u(0, 0), u22: u(1, 1), u33: u(2, 2), u12: u(0, 1), u13: u(0, 2), u23: u(1, 2))
}

/// The operation with its translation changed by `delta` (fractional; a multiple of 1/24).
func ShiftedOperation(_ op: SymmetryOperation, by delta: SIMD3<Double>) -> SymmetryOperation? {
  var t = [Int](repeating: 0, count: 3)
  for i in 0..<3 {
    let v = Double(op.translation[i]) + 24 * delta[i]
    guard abs(v - v.rounded()) < 1e-9 else { return nil }
    t[i] = Int(v.rounded())
  }
  return SymmetryOperation(rotation: op.rotation, translation: t).normalized()
}

func expectSamePattern(_ a: Crystal, _ b: Crystal, label: String) throws {
  let settings = DiffractionSettings()  // anomalous on: a stricter test
  let pa = StickPattern(crystal: a, settings: settings), pb = StickPattern(crystal: b, settings: settings)
  let sa = mergedSticks(pa), sb = mergedSticks(pb)
  #expect(sa.count == sb.count, "\(label): \(sa.count) vs \(sb.count) peaks")
  for (x, y) in zip(sa, sb) {
    #expect(abs(x.twoTheta - y.twoTheta) < 1e-9, "\(label)")
    #expect(abs(x.intensity - y.intensity) < 1e-6, "\(label) at \(x.twoTheta): \(x.intensity) vs \(y.intensity)")
  }
}
