// Rendering peaks on a 2θ grid: areas, positions, tails (far field against brute force), peaks outside the
// grid, grid validation, and GSAS-II reference patterns (shared/refs/gsas2, skipped when absent).

import Foundation
import Testing
import XRDGSL
import XRDProfile

// MARK: - Helpers

/// SplitMix64 (Steele, Lea & Flood 2014): a small seeded generator for reproducible random peaks.
struct SplitMix64 {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func uniform(_ range: ClosedRange<Double>) -> Double {
    range.lowerBound + (range.upperBound - range.lowerBound) * Double(next() >> 11) / Double(1 << 53)
  }
}

/// `../shared/refs/gsas2` beside the repository, or nil when absent.
let gsasDirectory: URL? = {
  let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/refs/gsas2")
  return FileManager.default.fileExists(atPath: url.path) ? url : nil
}()

/// Rows of a CSV file with a header line, as dictionaries (no quoting; CRLF or LF).
func readCSV(_ url: URL) throws -> [[String: String]] {
  let text = try String(contentsOf: url, encoding: .utf8)
  var lines = text.split(whereSeparator: \.isNewline).map(String.init)
  let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
  return lines.map { line in
    Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
  }
}

/// L1 distance relative to Σ|reference|.
func relativeL1(_ y: [Double], _ reference: [Double]) -> Double {
  zip(y, reference).reduce(0) { $0 + abs($1.0 - $1.1) } / reference.reduce(0) { $0 + abs($1) }
}

// MARK: - Tests

@Suite("Peak rendering")
struct RendererTests {
  static let gaussianLike = PeakWidths(gaussianFWHM: 0.08, lorentzianFWHM: 0.002)
  static let lorentzianLike = PeakWidths(gaussianFWHM: 0.01, lorentzianFWHM: 0.08)

  @Test("an isolated peak's Σy·step equals its area within 0.5 %, tails included",
        arguments: [0.005, 0.01, 0.02, 0.05])
  func isolatedPeakArea(step: Double) throws {
    let grid = try TwoThetaGrid(start: 5, stop: 90, step: step)
    let position = 47.3037, area = 100.0
    for widths in [Self.gaussianLike, Self.lorentzianLike] {
      for asymmetry in [PeakAsymmetry.none, .fcj(FCJAsymmetry(sOverL: 0.01, hOverL: 0.01))] {
        var renderer = PeakRenderer(grid: grid, asymmetry: asymmetry)
        let y = renderer.render([Peak(twoTheta: position, area: area, widths: widths)])
        let sum = y.reduce(0, +) * step
        // The part of the profile's area that lies on the grid's steps (analytic CDFs).
        let lower = grid.start - step / 2, upper = grid.stop + step / 2
        let inside: Double
        if case .fcj(let fcj) = asymmetry {
          let profile = FCJProfile(twoTheta: position, widths: widths, asymmetry: fcj)
          inside = area * (profile.cumulative(at: upper) - profile.cumulative(at: lower))
        } else {
          inside = area * (pseudoVoigtCDF(offset: upper - position, fwhm: widths.fwhm, eta: widths.eta)
            - pseudoVoigtCDF(offset: lower - position, fwhm: widths.fwhm, eta: widths.eta))
        }
        #expect(abs(sum - inside) < 0.005 * inside, "step \(step), \(widths), \(asymmetry): \(sum) vs \(inside)")
        #expect(abs(sum - area) < 0.005 * area)  // the tails beyond 5° and 90° hold < 0.1 %
        // Maximum at the grid point nearest the peak (FCJ: not above it; the shift here is < 0.001°).
        let maximum = y.indices.max { y[$0] < y[$1] }!
        let nearest = grid.nearestIndex(to: position)
        if case .none = asymmetry { #expect(maximum == nearest) } else { #expect(maximum == nearest || maximum == nearest - 1) }
      }
    }
  }

  @Test("peaks much narrower than the step keep their area (step averages)")
  func narrowPeaksOnCoarseSteps() throws {
    let grid = try TwoThetaGrid(start: 10, stop: 30, step: 0.05)
    for widths in [PeakWidths(gaussianFWHM: 0.002, lorentzianFWHM: 0), PeakWidths(gaussianFWHM: 0, lorentzianFWHM: 0.004),
                   PeakWidths(gaussianFWHM: 0.01, lorentzianFWHM: 0.01)] {
      for position in [20.0, 20.013, 20.025, 20.04] {
        var renderer = PeakRenderer(grid: grid)
        let y = renderer.render([Peak(twoTheta: position, area: 7, widths: widths)])
        let sum = y.reduce(0, +) * grid.step
        let lower = grid.start - grid.step / 2, upper = grid.stop + grid.step / 2
        let inside = 7 * (pseudoVoigtCDF(offset: upper - position, fwhm: widths.fwhm, eta: widths.eta)
          - pseudoVoigtCDF(offset: lower - position, fwhm: widths.fwhm, eta: widths.eta))
        // Bound: the tail tolerance (1e-4 of the area may be misplaced by the far-field approximation).
        #expect(abs(sum - inside) < 1e-4 * inside, "\(widths) at \(position): \(sum) vs \(inside)")
      }
    }
  }

  @Test("far-field scheme equals brute-force evaluation of every peak on every point (L1 < 1e-3)")
  func farFieldAgainstBruteForce() throws {
    var random = SplitMix64(state: 20240611)
    let grid = try TwoThetaGrid(start: 5, stop: 90, step: 0.02)
    var peaks: [Peak] = []
    for _ in 0..<300 {
      let widths = PeakWidths(gaussianFWHM: random.uniform(0.02...0.2), lorentzianFWHM: random.uniform(0...0.2))
      peaks.append(Peak(twoTheta: random.uniform(3...92), area: random.uniform(1...100), widths: widths))
    }
    // Peaks beyond the grid: in the margin, and beyond every margin (evaluated directly).
    peaks.append(Peak(twoTheta: 150, area: 500, widths: Self.lorentzianLike))
    peaks.append(Peak(twoTheta: 179, area: 500, widths: Self.lorentzianLike))
    peaks.append(Peak(twoTheta: 1, area: 500, widths: Self.lorentzianLike))

    for sampling in [PeakRenderer.Sampling.pointValues, .binAverages] {
      var renderer = PeakRenderer(grid: grid, sampling: sampling)
      let y = renderer.render(peaks)
      var reference = [Double](repeating: 0, count: grid.count)
      let h = grid.step
      for peak in peaks {
        let gamma = peak.widths.fwhm, eta = peak.widths.eta
        for i in 0..<grid.count {
          let x = grid[i] - peak.twoTheta
          reference[i] += peak.area * (sampling == .pointValues
            ? pseudoVoigt(offset: x, fwhm: gamma, eta: eta)
            : pseudoVoigtAverage(from: x - h / 2, to: x + h / 2, fwhm: gamma, eta: eta))
        }
      }
      let error = relativeL1(y, reference)
      print("far field vs brute force, \(sampling): relative L1 \(error)")
      #expect(error < 1e-3, "\(sampling): L1 \(error)")
    }
  }

  @Test("peaks outside the grid add their tails inside it")
  func tailsFromOutside() throws {
    let grid = try TwoThetaGrid(start: 10, stop: 30, step: 0.01)
    let widths = PeakWidths(gaussianFWHM: 0.05, lorentzianFWHM: 0.1)
    for position in [9.8, 8.0, 31.0, 60.0] {
      var renderer = PeakRenderer(grid: grid, sampling: .pointValues)
      let y = renderer.render([Peak(twoTheta: position, area: 1000, widths: widths)])
      for i in stride(from: 0, to: grid.count, by: 250) {
        let expected = 1000 * pseudoVoigt(offset: grid[i] - position, widths: widths)
        #expect(abs(y[i] - expected) <= 1e-3 * expected + 1e-12, "peak at \(position), 2θ \(grid[i])")
      }
    }
  }

  @Test("a zero-width peak puts its area into its step; invalid peaks are skipped")
  func degeneratePeaks() throws {
    let grid = try TwoThetaGrid(start: 10, stop: 11, step: 0.1)
    var renderer = PeakRenderer(grid: grid)
    let y = renderer.render([
      Peak(twoTheta: 10.52, area: 3, widths: PeakWidths(gaussianFWHM: 0, lorentzianFWHM: 0)),
      Peak(twoTheta: .nan, area: 3, widths: Self.gaussianLike),
      Peak(twoTheta: 10.5, area: .infinity, widths: Self.gaussianLike),
      Peak(twoTheta: 10.5, area: 1, widths: PeakWidths(gaussianFWHM: -1, lorentzianFWHM: 0)),
    ])
    #expect(abs(y[5] - 30) < 1e-12)
    #expect(y.enumerated().allSatisfy { $0.offset == 5 || $0.element == 0 })
  }

  @Test("rendering is deterministic with a reused workspace and copies do not interfere")
  func workspaceReuse() throws {
    let grid = try TwoThetaGrid(start: 5, stop: 60, step: 0.01)
    var random = SplitMix64(state: 7)
    let peaks = (0..<100).map { _ in
      Peak(twoTheta: random.uniform(5...60), area: random.uniform(1...10),
           widths: PeakWidths(gaussianFWHM: random.uniform(0.03...0.08), lorentzianFWHM: random.uniform(0...0.05)))
    }
    var first = PeakRenderer(grid: grid)
    let a = first.render(peaks)
    let b = first.render(peaks)
    var copy = first
    let c = copy.render(Array(peaks.prefix(10)))
    let d = first.render(peaks)
    #expect(a == b)
    #expect(a == d)
    #expect(c != a)
    var adding = a
    first.render(peaks, into: &adding)
    #expect(zip(adding, a).allSatisfy { abs($0 - 2 * $1) <= 1e-12 * abs($1) })
  }

  @Test("Bérar–Baldinozzi asymmetry keeps the area and tilts the peak")
  func berarBaldinozzi() throws {
    let grid = try TwoThetaGrid(start: 10, stop: 30, step: 0.005)
    var renderer = PeakRenderer(grid: grid, asymmetry: .berarBaldinozzi(BerarBaldinozziAsymmetry(p1: -0.05)))
    let y = renderer.render([Peak(twoTheta: 20, area: 10, widths: Self.gaussianLike)])
    #expect(abs(y.reduce(0, +) * grid.step - 10) < 1e-3 * 10)
    let centre = grid.nearestIndex(to: 20), offset = Int((0.05 / grid.step).rounded())
    #expect(y[centre - offset] > y[centre + offset])  // P1 < 0 raises the low-angle side
  }

  @Test("grids: start/stop/step, validation")
  func grids() throws {
    let grid = try TwoThetaGrid(start: 5, stop: 90, step: 0.01)
    #expect(grid.count == 8501)
    #expect(abs(grid.stop - 90) < 1e-12)
    #expect(abs(grid[4250] - 47.5) < 1e-12)
    #expect(grid.nearestIndex(to: 47.504) == 4250)
    #expect(grid.nearestIndex(to: -3) == 0)
    #expect(try TwoThetaGrid(start: 20, stop: 20, step: 0.1).count == 1)
    #expect(throws: GridError.nonPositiveStep(0)) { try TwoThetaGrid(start: 5, stop: 90, step: 0) }
    #expect(throws: GridError.stopBeforeStart(start: 90, stop: 5)) { try TwoThetaGrid(start: 90, stop: 5, step: 0.1) }
    #expect(throws: GridError.self) { try TwoThetaGrid(start: 5, stop: 90, step: 0.03) }
    #expect(throws: GridError.self) { try TwoThetaGrid(start: .nan, stop: 90, step: 0.01) }
    #expect(throws: GridError.self) { try TwoThetaGrid.validated(start: 5, step: 0.01, count: 0) }
    let decoded = try JSONDecoder().decode(TwoThetaGrid.self, from: Data(#"{"start":5,"step":0.02,"count":11}"#.utf8))
    #expect(decoded == TwoThetaGrid(start: 5, step: 0.02, count: 11))
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(TwoThetaGrid.self, from: Data(#"{"start":5,"step":-1,"count":11}"#.utf8))
    }
  }

  @Test("GSL real FFT: round trip, and the spectrum of a cosine")
  func realFFT() throws {
    let n = RealFFT.fastCount(atLeast: 1000)
    #expect(n == 1000)  // 2³·5³
    #expect(RealFFT.fastCount(atLeast: 17001) == 17280)  // 2⁷·3³·5
    var fft = try RealFFT(count: 12)
    var data = (0..<12).map { cos(2 * Double.pi * 3 * Double($0) / 12) }
    let original = data
    try fft.forward(&data)
    // zₖ = Σ xⱼ e^{−2πijk/n}: 6 at k = 3 (real), 0 elsewhere; halfcomplex slot of Re z₃ is 2·3 − 1.
    for (slot, value) in data.enumerated() { #expect(abs(value - (slot == 5 ? 6 : 0)) < 1e-12) }
    try fft.inverse(&data)
    #expect(zip(data, original).allSatisfy { abs($0 - $1) < 1e-14 })
    #expect(throws: GSLError.invalidArgument) { _ = try RealFFT(count: 0) }
  }

  // MARK: GSAS-II references

  /// Renders a GSAS-II reference pattern from its reflection list with GSAS-II's widths and FCJ convention
  /// (README in shared/refs/gsas2: FWHM_G = √(8 ln2·sig)/100°, Γl = gam/100°, S/L = H/L = 0.001), and returns
  /// Rwp = √(Σw(y − y_GSAS)²/Σw·y_GSAS²) with Poisson weights w = 1/max(y_GSAS, 1).
  static func gsasRwp(_ name: String) throws -> Double {
    let directory = try #require(gsasDirectory)
    let reflections = try readCSV(directory.appendingPathComponent("\(name)_reflections.csv"))
    let curve = try readCSV(directory.appendingPathComponent("\(name).csv"))
    let twoTheta = curve.map { Double($0["two_theta"]!)! }, observed = curve.map { Double($0["intensity"]!)! }
    var peaks: [Peak] = []
    for row in reflections {
      let sig = Double(row["sig_centideg2"]!)!, gam = Double(row["gam_centideg"]!)!
      let widths = PeakWidths(gaussianFWHM: (8 * log(2.0) * sig).squareRoot() / 100, lorentzianFWHM: gam / 100)
      let area = Double(row["integrated_intensity_ka1"]!)!
      peaks.append(Peak(twoTheta: Double(row["two_theta"]!)!, area: area, widths: widths))
      if let ka2 = row["two_theta_ka2"].flatMap(Double.init) {
        peaks.append(Peak(twoTheta: ka2, area: 0.5 * area, widths: widths))  // I(Kα2)/I(Kα1) = 0.5
      }
    }
    let grid = TwoThetaGrid(start: twoTheta[0], step: 0.01, count: twoTheta.count)
    #expect(abs(grid.stop - twoTheta[twoTheta.count - 1]) < 1e-9)
    var renderer = PeakRenderer(grid: grid, asymmetry: .fcj(.gsas2(shl: 0.0005)), sampling: .pointValues)
    let y = renderer.render(peaks)
    var numerator = 0.0, denominator = 0.0
    for i in y.indices {
      let w = 1 / max(observed[i], 1)
      numerator += w * (y[i] - observed[i]) * (y[i] - observed[i])
      denominator += w * observed[i] * observed[i]
    }
    return (numerator / denominator).squareRoot()
  }

  @Test("GSAS-II patterns are reproduced with Rwp < 1 %", .enabled(if: gsasDirectory != nil),
        arguments: ["Silicon_a", "Silicon_b", "Silicon_c", "corundum_a", "Rutile_a"])
  func gsasPattern(name: String) throws {
    let rwp = try Self.gsasRwp(name)
    print("GSAS-II \(name): Rwp = \(String(format: "%.3f", 100 * rwp)) %")
    #expect(rwp < 0.01)
  }
}

@Suite("Window reach")
struct WindowReachTests {
  @Test("largerRoot bounds max(∛A, B^{1/5}) from above within 1 %, over 10^±300 and at the edges")
  func rootBound() {
    var rng = SplitMix64(state: 7)
    for _ in 0..<100_000 {
      let a = pow(10, -300 + 600 * Double(rng.next() >> 11) * 0x1p-53)
      let b = pow(10, -300 + 600 * Double(rng.next() >> 11) * 0x1p-53)
      for (x, y) in [(a, b), (a, 0), (0, b)] {
        let exact = max(cbrt(x), pow(y, 0.2))
        let bound = largerRoot(cube: x, fifth: y)
        #expect(bound >= exact && bound <= exact * 1.01, "A \(x), B \(y): \(bound) against \(exact)")
      }
    }
    #expect(largerRoot(cube: 0, fifth: 0) == 0)
    #expect(largerRoot(cube: 27, fifth: 0) >= 3 && largerRoot(cube: 27, fifth: 0) < 3.03)
    #expect(largerRoot(cube: 0, fifth: 32) >= 2 && largerRoot(cube: 0, fifth: 32) < 2.02)
    #expect(largerRoot(cube: .infinity, fifth: 1) == .infinity)
    #expect(largerRoot(cube: 1, fifth: .leastNonzeroMagnitude) >= 1)
    #expect(largerRoot(cube: .leastNonzeroMagnitude, fifth: 0) == cbrt(.leastNonzeroMagnitude))
  }
}
