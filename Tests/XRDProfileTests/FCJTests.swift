// Finger–Cox–Jephcoat axial-divergence asymmetry: normalization, the symmetric limit, the direction and size
// of the peak shift, and the published range 2φ_min … 2θ.

import Foundation
import Testing
import XRDProfile

@Suite("FCJ asymmetry")
struct FCJTests {
  static let asymmetries = [FCJAsymmetry(sOverL: 0.02, hOverL: 0.02), FCJAsymmetry(sOverL: 0.01, hOverL: 0.03)]
  static let widths = PeakWidths(gaussianFWHM: 0.04, lorentzianFWHM: 0.02)

  @Test("the asymmetric profile integrates to 1", arguments: [8.0, 30.0, 75.0, 120.0, 160.0])
  func unitArea(twoTheta: Double) {
    for asymmetry in Self.asymmetries {
      let profile = FCJProfile(twoTheta: twoTheta, widths: Self.widths, asymmetry: asymmetry)
      let area = integrate(centre: twoTheta + profile.meanShift, scale: 0.01) { profile.value(at: $0) }
      #expect(abs(area - 1) < 1e-4)
      #expect(abs(profile.nodeWeights.reduce(0, +) - 1) < 1e-12)
    }
  }

  @Test("S/L = H/L → 0 tends to the symmetric pseudo-Voigt")
  func symmetricLimit() {
    let gamma = Self.widths.fwhm
    let peak = pseudoVoigt(offset: 0, widths: Self.widths)
    for twoTheta in [5.0, 20.0, 60.0, 140.0] {
      var previous = Double.infinity
      for s in [1e-2, 3e-3, 1e-3, 1e-4] {
        let profile = FCJProfile(twoTheta: twoTheta, widths: Self.widths, asymmetry: FCJAsymmetry(sOverL: s, hOverL: s))
        var largest = 0.0
        for k in -200...200 {
          let x = Double(k) * gamma / 40
          largest = max(largest, abs(profile.value(at: twoTheta + x) - pseudoVoigt(offset: x, widths: Self.widths)))
        }
        #expect(largest <= previous)  // converges monotonically
        previous = largest
      }
      #expect(previous < 1e-4 * peak)
    }
    let zero = FCJProfile(twoTheta: 30, widths: Self.widths, asymmetry: FCJAsymmetry(sOverL: 0, hOverL: 0))
    #expect(zero.nodeOffsets == [0])
    #expect(zero.value(at: 30.01) == pseudoVoigt(offset: 30.01 - 30, widths: Self.widths))
  }

  @Test("the peak moves to lower 2θ below 90° and to higher 2θ above", arguments: [10.0, 45.0, 80.0, 100.0, 150.0])
  func shiftDirection(twoTheta: Double) {
    for asymmetry in Self.asymmetries {
      let profile = FCJProfile(twoTheta: twoTheta, widths: Self.widths, asymmetry: asymmetry)
      // Maximum on a fine scan.
      var best = -Double.infinity, at = 0.0
      for k in -2000...2000 {
        let x = twoTheta + Double(k) * 1e-4
        let v = profile.value(at: x)
        if v > best { best = v; at = x }
      }
      if twoTheta < 90 {
        #expect(profile.meanShift < 0)
        #expect(at <= twoTheta)
        #expect(profile.nodeOffsets.allSatisfy { $0 <= 0 })
      } else {
        #expect(profile.meanShift > 0)
        #expect(at >= twoTheta)
        #expect(profile.nodeOffsets.allSatisfy { $0 >= 0 })
      }
    }
  }

  @Test("mean and mean square shift equal the axial-divergence moments to leading order", arguments: [15.0, 30.0, 60.0, 120.0])
  func meanShift(twoTheta: Double) {
    // Axial angle ψ = (z_d − z_s)/L with z_s, z_d uniform on ±S, ±H (FCJ 1994, §2): 2φ ≈ 2θ − ψ²/2·cot 2θ,
    // ⟨ψ²⟩ = (A² + B²)/3. Next-order terms are O(ψ²) relative: < 1 % here.
    for asymmetry in Self.asymmetries {
      let a = asymmetry.sOverL, b = asymmetry.hOverL
      let expected = -(a * a + b * b) / 6 / tan(twoTheta * Double.pi / 180) * 180 / Double.pi
      // A narrow profile, so that the quadrature (not the collapsed one-node form) is used.
      let narrow = PeakWidths(gaussianFWHM: 0.002, lorentzianFWHM: 0)
      let profile = FCJProfile(twoTheta: twoTheta, widths: narrow, asymmetry: asymmetry)
      #expect(profile.nodeOffsets.count > 1)
      #expect(abs(profile.meanShift - expected) < 0.01 * abs(expected))
      // Second moment: ⟨ψ⁴⟩ = ⟨(z_d − z_s)⁴⟩/L⁴ = (A⁴ + B⁴)/5 + (2/3)A²B², so ⟨(2φ − 2θ)²⟩ = ⟨ψ⁴⟩/4·cot²2θ.
      let cot = 1 / tan(twoTheta * Double.pi / 180), toDegrees = 180 / Double.pi
      let expectedSecond = ((pow(a, 4) + pow(b, 4)) / 5 + 2 * a * a * b * b / 3) / 4 * cot * cot * toDegrees * toDegrees
      let second = zip(profile.nodeOffsets, profile.nodeWeights).reduce(0) { $0 + $1.0 * $1.0 * $1.1 }
      #expect(abs(second - expectedSecond) < 0.02 * expectedSecond)
      // The collapsed form (a profile 100× wider than the full range 2θ − 2φ_min ≈ 6×shift) uses the formula.
      let wide = FCJProfile(twoTheta: twoTheta, widths: PeakWidths(gaussianFWHM: 600 * abs(expected), lorentzianFWHM: 0),
                            asymmetry: asymmetry)
      #expect(wide.nodeOffsets.count == 1)
      #expect(abs(wide.meanShift - expected) < 1e-12)
    }
  }

  @Test("2φ_min and 2φ_infl follow FCJ eqs. 4–5; the weight lies in 2φ_min … 2θ")
  func range() {
    // cos 2φ_min = cos 2θ·√(1 + (A+B)²): 2θ = 20°, A + B = 0.04 → 19.8737328806° (desk calculation).
    let asymmetry = FCJAsymmetry(sOverL: 0.01, hOverL: 0.03)
    #expect(abs(asymmetry.minimumTwoPhi(twoTheta: 20) - 19.8737328806) < 1e-9)
    // cos 2φ_infl = cos 2θ·√(1 + (A−B)²) → 19.9684955769°.
    #expect(abs(asymmetry.inflectionTwoPhi(twoTheta: 20) - 19.9684955769) < 1e-9)
    #expect(FCJAsymmetry(sOverL: 0.02, hOverL: 0.02).inflectionTwoPhi(twoTheta: 20) == 20)
    let narrow = PeakWidths(gaussianFWHM: 0.001, lorentzianFWHM: 0)
    let profile = FCJProfile(twoTheta: 20, widths: narrow, asymmetry: asymmetry)
    let lowest = 19.8737328806 - 20
    #expect(profile.nodeOffsets.allSatisfy { $0 >= lowest - 1e-12 && $0 <= 0 })
    // Nearly all of the weight is inside the range: CDF ≈ 0 below 2φ_min − 10Γ and ≈ 1 above 2θ + 10Γ.
    #expect(profile.cumulative(at: 19.8737328806 - 0.01) < 1e-6)
    #expect(profile.cumulative(at: 20.01) > 1 - 1e-6)
  }

  @Test("GSAS-II's SH/L convention: max(SH/L, 0.002) split equally")
  func gsasConvention() {
    #expect(FCJAsymmetry.gsas2(shl: 0.0005) == FCJAsymmetry(sOverL: 0.001, hOverL: 0.001))
    #expect(FCJAsymmetry.gsas2(shl: 0.03) == FCJAsymmetry(sOverL: 0.015, hOverL: 0.015))
  }

  @Test("the renderer's FCJ peaks equal FCJProfile point by point")
  func rendererMatchesProfile() throws {
    let grid = try TwoThetaGrid(start: 5, stop: 40, step: 0.01)
    let asymmetry = FCJAsymmetry(sOverL: 0.015, hOverL: 0.025)
    let peaks = [8.0, 15.0, 27.3].map { Peak(twoTheta: $0, area: 10, widths: Self.widths) }
    var renderer = PeakRenderer(grid: grid, asymmetry: .fcj(asymmetry), sampling: .pointValues)
    let y = renderer.render(peaks)
    let profiles = peaks.map { FCJProfile(twoTheta: $0.twoTheta, widths: $0.widths, asymmetry: asymmetry) }
    var difference = 0.0, total = 0.0
    for i in 0..<grid.count {
      var expected = 0.0
      for (peak, profile) in zip(peaks, profiles) { expected += peak.area * profile.value(at: grid[i]) }
      difference += abs(y[i] - expected)
      total += abs(expected)
    }
    #expect(difference / total < 1e-4)
  }
}
