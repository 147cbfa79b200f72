// Strained variants by reused phase sums (StrainableStickPattern, PatternSimulator.withCell) against a fresh
// calculation for the strained crystal: the same reflections in the same order, 2θ, d and |F|² equal (the
// arithmetic is the same, so bit for bit; the test asks 1e-10 relative), for an anisotropic-ADP structure
// (amcsd_0009325, corundum), a polar one with anomalous dispersion (La2Ti2O7, P1121, from ../shared), Si, and
// a strain beyond the prepared margin (the fallback); then the peak component of a whole pattern.

import Foundation
import Testing
import XRDSim

private func strainedCell(_ cell: UnitCell, _ factors: SIMD3<Double>) throws -> UnitCell {
  try cell.scaled(by: factors)
}

/// The largest relative difference of 2θ, d and |F|² between two stick patterns with the same families.
private func compare(_ fast: StickPattern, _ fresh: StickPattern, _ note: Comment) -> (worst: Double, identical: Bool) {
  #expect(fast.reflections.count == fresh.reflections.count, note)
  guard fast.reflections.count == fresh.reflections.count else { return (.infinity, false) }
  var worst = 0.0
  var identical = true
  for (a, b) in zip(fast.reflections, fresh.reflections) {
    #expect(a.hkl == b.hkl && a.multiplicity == b.multiplicity, note)
    for (x, y) in [(a.twoTheta, b.twoTheta), (a.dSpacing, b.dSpacing), (a.structureFactorSquared, b.structureFactorSquared),
                   (a.intensity, b.intensity)] {
      worst = max(worst, abs(x - y) / max(abs(y), 1e-300))
    }
    if a != b { identical = false }
  }
  return (worst, identical)
}

private let strains: [SIMD3<Double>] = [
  SIMD3(1, 1, 1), SIMD3(1.01, 1.01, 1.01), SIMD3(0.99, 0.99, 0.99), SIMD3(1.007, 1.007, 0.994),
  SIMD3(1.03, 0.97, 1.02), SIMD3(0.955, 0.955, 1.049),
]

@Suite struct StrainedVariantTests {
  /// `ties`: axis i takes the factor of axis ties[i] (symmetry-tied lengths, as the corpus draws them); nil
  /// applies the factors as given (a strain that may break the symmetry: then members of a family differ in d).
  func check(_ crystal: Crystal, name: String, strains: [SIMD3<Double>] = strains, ties: [Int]? = [0, 1, 2]) throws {
    let settings = DiffractionSettings(wavelength: 1.5405929, twoThetaRange: 5...90)
    let prepared = StrainableStickPattern(calculator: StructureFactorCalculator(crystal: crystal, settings: settings),
                                          maximumStrain: 0.05)
    for var f in strains {
      if let ties { f = SIMD3(f[ties[0]], f[ties[1]], f[ties[2]]) }
      var strained = crystal
      strained.cell = try strainedCell(crystal.cell, f)
      let fast = prepared.stickPattern(cell: strained.cell)
      let fresh = StickPattern(crystal: strained, settings: settings)
      let (worst, identical) = compare(fast, fresh, "\(name) \(f)")
      #expect(worst <= 1e-10, "\(name) \(f): worst relative difference \(worst)")
      #expect(identical, "\(name) \(f): not bit for bit (worst \(worst))")
      #expect(fresh.reflections.count > 0)
    }
  }

  @Test("Anisotropic ADPs (corundum, amcsd_0009325): strained fast path equals a fresh stick pattern")
  func anisotropic() throws {
    let crystal = try shippedCrystal("amcsd_0009325.cif")
    #expect(crystal.sites.contains { if case .anisotropic = $0.displacement { true } else { false } })
    try check(crystal, name: "corundum", ties: [0, 0, 2])
  }

  @Test("Anisotropic ADPs with the equivalent-isotropic model: U_eq recomputed for the strained cell")
  func equivalentIsotropic() throws {
    let crystal = try shippedCrystal("amcsd_0009325.cif")
    var settings = DiffractionSettings()
    settings.displacementModel = .equivalentIsotropic
    let prepared = StrainableStickPattern(calculator: StructureFactorCalculator(crystal: crystal, settings: settings))
    var strained = crystal
    strained.cell = try strainedCell(crystal.cell, SIMD3(1.02, 1.02, 0.985))
    let (worst, identical) = compare(prepared.stickPattern(cell: strained.cell),
                                     StickPattern(crystal: strained, settings: settings), "Ueq")
    #expect(worst <= 1e-10 && identical)
  }

  @Test("Polar structure with anomalous dispersion (La2Ti2O7, P1121): F(h) ≠ F(−h) reused exactly",
        .enabled(if: sharedDirectory != nil, "needs ../shared/refs/cifs"))
  func polar() throws {
    let crystal = try Crystal.load(contentsOf: sharedDirectory!.appendingPathComponent("refs/cifs/La2Ti2O7.cif"))
    try check(crystal, name: "La2Ti2O7")
  }

  @Test("Si and corundum, a strain beyond the prepared margin (fallback to the fresh calculation), strains that break the symmetry")
  func fallback() throws {
    let crystal = try shippedCrystal("9008565.cif")
    try check(crystal, name: "Si", strains: strains + [SIMD3(1.08, 1.08, 1.08), SIMD3(0.9, 0.9, 0.9)], ties: [0, 0, 0])
    // A strain that breaks the cubic symmetry: the families are still the cubic ones (as in the fresh
    // enumeration), their members no longer share d; the result must still be the fresh one.
    try check(crystal, name: "Si untied", strains: [SIMD3(1.01, 0.995, 1.0), SIMD3(0.955, 0.955, 1.049)], ties: nil)
    try check(try shippedCrystal("amcsd_0009325.cif"), name: "corundum untied", strains: [SIMD3(1.01, 0.99, 1.0)], ties: nil)
    let prepared = StrainableStickPattern(calculator: StructureFactorCalculator(crystal: crystal), maximumStrain: 0.05)
    // A cell within the margin is covered, one beyond it is not (then the fresh path runs).
    let range = StrainableStickPattern.inverseDSquaredRange(prepared.calculator.settings)!
    #expect(prepared.covers(try strainedCell(crystal.cell, SIMD3(1.04, 1.04, 1.04)), range))
    #expect(!prepared.covers(try strainedCell(crystal.cell, SIMD3(1.08, 1.08, 1.08)), range))
  }

  @Test("metricRatioBounds: eigenvalues of G*′⁻¹G* for a scaled oblique cell")
  func metricBounds() throws {
    let cell = try UnitCell(a: 5.1, b: 7.3, c: 9.2, alpha: 81, beta: 102, gamma: 95)
    let scaled = try cell.scaled(by: SIMD3(1.02, 0.99, 1.005))
    let (low, high) = metricRatioBounds(base: cell.reciprocalMetric, new: scaled.reciprocalMetric)!
    // Every ratio hᵀG*h / hᵀG*′h lies inside [low, high], and sampled ratios come close to both ends.
    var seenLow = Double.infinity, seenHigh = 0.0
    for h in -6...6 { for k in -6...6 { for l in -6...6 where h != 0 || k != 0 || l != 0 {
      let r = cell.inverseDSquared(Double(h), Double(k), Double(l)) / scaled.inverseDSquared(Double(h), Double(k), Double(l))
      seenLow = min(seenLow, r); seenHigh = max(seenHigh, r)
    } } }
    #expect(low <= seenLow * (1 + 1e-12) && seenHigh <= high * (1 + 1e-12))
    #expect(seenLow - low < 2e-3 && high - seenHigh < 2e-3)
  }

  @Test("PatternSimulator.withCell: strained peak component bit for bit equal to a fresh simulator's")
  func simulator() throws {
    let lines = [EmissionLine(wavelength: 1.5405929, weight: 1), EmissionLine(wavelength: 1.5444274, weight: 0.5)]
    for name in ["amcsd_0009325.cif", "9008565.cif"] {
      let crystal = try shippedCrystal(name)
      var instrument = quietInstrument(lines: lines)
      instrument.twoTheta = Instrument.TwoThetaRange(start: 10, stop: 80, step: 0.01)
      var prepared = try PatternSimulator(crystal: crystal, instrument: instrument, maximumStrain: 0.05)
      var plain = try PatternSimulator(crystal: crystal, instrument: instrument)
      #expect(prepared.sticks.reflections == plain.sticks.reflections)
      for (n, f) in [SIMD3(1.01, 1.01, 0.995), SIMD3(0.992, 0.992, 0.992), SIMD3(1.0, 1.0, 1.004)].enumerated() {
        var variant = instrument
        variant.profile.u = 0.002 * Double(n + 1)
        variant.zeroShift = 0.01 * Double(n)
        variant.background = BackgroundModel(chebyshev: [100, Double(n)])
        if n == 1 { variant.sample.texture = MarchDollase(axis: MillerIndex(h: 0, k: 0, l: 1), ratio: 0.8) }
        if n == 2 { variant.profile.sl = 0.002; variant.profile.hl = 0.002 }
        var strained = crystal
        strained.cell = try crystal.cell.scaled(by: f)
        prepared = try prepared.withCell(strained.cell, instrument: variant)
        plain = try PatternSimulator(crystal: strained, instrument: variant, reusing: plain)
        #expect(prepared.sticks.reflections == plain.sticks.reflections, "\(name) \(f)")
        let fast = prepared.peakComponent()
        let full = plain.simulate()
        #expect(fast == full.peaks, "\(name) \(f)")
        #expect(prepared.simulate(seed: 3).intensity == plain.simulate(seed: 3).intensity, "\(name) \(f)")
      }
    }
  }
}
