// Full-pattern physics at the pattern level: Kα doublet placement, zero shift and displacement, texture,
// isolated-peak areas equal to stick intensities, determinism of noise. Analytic expectations only.

import Foundation
import Testing
import XRDSim

func shippedCrystal(_ name: String) throws -> Crystal {
  try Crystal.load(contentsOf: repositoryRoot.appendingPathComponent("Structures/\(name)"))
}

/// Instrument with no noise or background, one or two lines, narrow Gaussian-dominated peaks.
func quietInstrument(lines: [EmissionLine] = [EmissionLine(wavelength: 1.5405929, weight: 1)]) -> Instrument {
  var i = Instrument()
  i.radiation = lines
  i.profile = .init(u: 0, v: 0, w: 0.0025, x: 0, y: 0, sl: 0, hl: 0)
  return i
}

/// Position of the maximum near `guess` by a parabola through the three highest points.
func peakPosition(_ p: SimulatedPattern, near guess: Double, window: Double = 0.2) -> Double {
  let indices = p.twoTheta.indices.filter { abs(p.twoTheta[$0] - guess) < window }
  let i = indices.max { p.peaks[$0] < p.peaks[$1] }!
  let (a, b, c) = (p.peaks[i - 1], p.peaks[i], p.peaks[i + 1])
  let offset = 0.5 * (a - c) / (a - 2 * b + c)
  return p.twoTheta[i] + offset * (p.twoTheta[1] - p.twoTheta[0])
}

@Suite struct PatternSimulationTests {
  @Test("Kα1/Kα2: each line's peak sits at its own Bragg angle; the splitting follows the wavelength ratio")
  func doublet() throws {
    let si = try shippedCrystal("9008565.cif")
    let lines = [EmissionLine(wavelength: 1.5405929, weight: 1), EmissionLine(wavelength: 1.5444274, weight: 0.5)]
    var simulator = try PatternSimulator(crystal: si, instrument: quietInstrument(lines: lines))
    let pattern = simulator.simulate()
    // Si (422), d = a/√24: 2θ₁ = 2 asin(λ₁/2d), 2θ₂ = 2 asin(λ₂/2d) = 2 asin((λ₂/λ₁) sin θ₁).
    let d = 5.4307 / 24.0.squareRoot()
    let t1 = 360 / Double.pi * asin(lines[0].wavelength / (2 * d))
    let t2 = 360 / Double.pi * asin(lines[1].wavelength / (2 * d))
    #expect(abs(peakPosition(pattern, near: t1, window: 0.05) - t1) < 2e-3)
    #expect(abs(peakPosition(pattern, near: t2, window: 0.05) - t2) < 2e-3)
    let list = pattern.peakList.filter { $0.hkl == MillerIndex(h: 4, k: 2, l: 2) }
    #expect(list.count == 2)
    let ratio = sin(list[1].twoTheta * .pi / 360) / sin(list[0].twoTheta * .pi / 360)
    #expect(abs(ratio - lines[1].wavelength / lines[0].wavelength) < 1e-12)
  }

  @Test("zero shift and specimen displacement move peaks by Δ2θ = zero − 2 s cosθ / R")
  func shifts() throws {
    let si = try shippedCrystal("9008565.cif")
    let base = try PatternSimulator(crystal: si, instrument: quietInstrument()).peakList()
    var shifted = quietInstrument()
    shifted.zeroShift = 0.05
    shifted.displacement = 0.1
    shifted.goniometerRadius = 200
    let moved = try PatternSimulator(crystal: si, instrument: shifted).peakList()
    #expect(base.count == moved.count)
    for (a, b) in zip(base, moved) {
      let expected = 0.05 - 2 * 0.1 * cos(a.twoTheta * .pi / 360) / 200 * 180 / .pi
      #expect(abs((b.twoTheta - a.twoTheta) - expected) < 1e-9)
    }
  }

  @Test("an isolated peak's area equals its stick intensity within 0.5 % at steps 0.005–0.05°",
        arguments: [0.005, 0.01, 0.02, 0.05])
  func isolatedPeakArea(step: Double) throws {
    let si = try shippedCrystal("9008565.cif")
    var instrument = quietInstrument()
    instrument.profile = .init(u: 0.004, v: -0.002, w: 0.002, x: 0, y: 0.02, sl: 0, hl: 0)  // pseudo-Voigt
    instrument.twoTheta = .init(start: 20, stop: 40, step: step)  // only Si (111) at 28.44°
    var simulator = try PatternSimulator(crystal: si, instrument: instrument)
    let pattern = simulator.simulate()
    let inside = pattern.peakList.filter { $0.twoTheta > 20 && $0.twoTheta < 40 }
    #expect(inside.count == 1)
    let area = pattern.peaks.reduce(0, +) * step / pattern.peakScale
    #expect(abs(area / inside[0].area - 1) < 0.005, "step \(step): area \(area) vs stick \(inside[0].area)")
  }

  @Test("March–Dollase: r = 1 changes nothing; P averages to 1 over all directions (intensity conserved)")
  func marchDollase() throws {
    let crystal = try shippedCrystal("amcsd_0009325.cif")
    var textured = quietInstrument()
    textured.sample.texture = MarchDollase(axis: MillerIndex(h: 0, k: 0, l: 1), ratio: 1)
    let a = try PatternSimulator(crystal: crystal, instrument: quietInstrument()).peakList()
    let b = try PatternSimulator(crystal: crystal, instrument: textured).peakList()
    #expect(zip(a, b).allSatisfy { $0.area == $1.area })
    // ∫₀^{π/2} P(α) sin α dα = 1 for every r (Dollase 1986): the factor redistributes, never adds.
    for r in [0.5, 0.8, 1.3, 2.0] {
      let md = MarchDollase(axis: MillerIndex(h: 0, k: 0, l: 1), ratio: r)
      let n = 200_000
      var integral = 0.0
      for i in 0..<n {
        let alpha = (Double(i) + 0.5) / Double(n) * .pi / 2
        integral += md.factor(cosAngle: cos(alpha)) * sin(alpha)
      }
      integral *= .pi / 2 / Double(n)
      #expect(abs(integral - 1) < 1e-6, "r = \(r): \(integral)")
    }
    // Platelets (r < 1) along c strengthen (0 0 l) relative to (h k 0).
    var plates = quietInstrument()
    plates.sample.texture = MarchDollase(axis: MillerIndex(h: 0, k: 0, l: 1), ratio: 0.7)
    let p = try PatternSimulator(crystal: crystal, instrument: plates).peakList()
    func area(_ list: [PatternPeak], _ h: Int, _ k: Int, _ l: Int) -> Double {
      list.first { $0.hkl == MillerIndex(h: h, k: k, l: l) }!.area
    }
    #expect(area(p, 0, 0, 6) / area(a, 0, 0, 6) > 1.5)
    #expect(area(p, 1, 1, 0) / area(a, 1, 1, 0) < 1)
  }

  @Test("noise: the same seed reproduces the pattern bit for bit; another seed differs; never negative")
  func noiseDeterminism() throws {
    let si = try shippedCrystal("9008565.cif")
    var instrument = Instrument()
    instrument.noise.counts = 2000
    instrument.background.chebyshev = [50, -10]
    var simulator = try PatternSimulator(crystal: si, instrument: instrument)
    let a = simulator.simulate(seed: 7), b = simulator.simulate(seed: 7), c = simulator.simulate(seed: 8)
    #expect(a.intensity == b.intensity)
    #expect(a.intensity != c.intensity)
    #expect(a.intensity.allSatisfy { $0 >= 0 && $0 == $0.rounded() })
    for i in a.intensity.indices { #expect(abs(a.intensity[i] - a.peaks[i] - a.background[i] - a.noise[i]) < 1e-9) }
  }
}

