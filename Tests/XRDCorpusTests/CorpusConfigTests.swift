// Corpus config: the shipped default reads and round-trips through its normalized (manifest) form; every
// error names its key path (and line); distributions draw inside their support with the given weights.

import Foundation
import Testing
import XRDCorpus
import XRDGSL
import XRDProfile

@Suite("Corpus config")
struct CorpusConfigTests {
  @Test("the shipped default config reads and has every knob")
  func defaultConfig() throws {
    let config = try CorpusConfig(yaml: defaultCorpusConfigYAML, fileName: "default")
    #expect(config.structures == [StructureSource(path: "Structures")])
    #expect(config.variants == 24)
    #expect(config.shardSize == 1024)
    #expect(config.twoTheta.count == 4251)
    #expect(config.radiation?.values.map(\.name) == ["CuKa12", "CuKa1"])
    let a = config.augment
    for knob in [a.strainIsotropic, a.strainAnisotropic, a.zeroShift, a.displacement, a.u, a.v, a.w, a.x, a.y,
                 a.crystalliteSize, a.microstrain, a.noiseCounts] {
      #expect(knob != nil)
    }
    #expect(a.texture?.axes.count == 13)
    #expect(a.background?.family.values == [.none, .chebyshev, .amorphous])
    #expect(a.mixture?.phases == .choice(values: [1, 2, 3], weights: [0.8, 0.15, 0.05]))
  }

  @Test("the normalized form (as in manifest.json) reads back to the same config")
  func normalizedRoundTrip() throws {
    let config = try CorpusConfig(yaml: defaultCorpusConfigYAML)
    let json = try String(decoding: JSONEncoder().encode(config.normalized), as: UTF8.self)
    var back = try CorpusConfig(yaml: json)
    back.instrumentPreset = config.instrumentPreset
    #expect(back == config)
    #expect(back.normalized == config.normalized)
  }

  @Test("distribution forms: number, fixed, uniform, normal with clip, log_uniform, choice with weights")
  func distributionForms() throws {
    let config = try CorpusConfig(yaml: """
      augment:
        zero_shift: 0.01
        displacement: {fixed: -0.1}
        profile: {U: {uniform: [0.001, 0.002]}, V: {normal: [0, 0.001]}, W: {log_uniform: [0.001, 0.01]}}
        crystallite_size_nm: {normal: [100, 30], clip: [10, 500]}
        noise_counts: {choice: [1000, 10000], weights: [1, 3]}
      """)
    let a = config.augment
    #expect(a.zeroShift == .fixed(0.01))
    #expect(a.displacement == .fixed(-0.1))
    #expect(a.u == .uniform(low: 0.001, high: 0.002))
    #expect(a.v == .normal(mean: 0, sd: 0.001, clip: nil))
    #expect(a.w == .logUniform(low: 0.001, high: 0.01))
    #expect(a.crystalliteSize == .normal(mean: 100, sd: 30, clip: 10...500))
    #expect(a.noiseCounts == .choice(values: [1000, 10000], weights: [1, 3]))
    #expect(a.microstrain == nil)
  }

  /// (YAML, key path, line or nil, a fragment of the message).
  static let badConfigs: [(String, String, Int?, String)] = [
    ("seed: 1\nvarients: 3\n", "varients", 2, "did you mean 'variants'"),
    ("augment:\n  zero_shfit: 0.1\n", "augment.zero_shfit", 2, "did you mean 'zero_shift'"),
    ("variants: many\n", "variants", 1, "expected a number"),
    ("variants: 0\n", "variants", 1, "between 1 and"),
    ("augment:\n  crystallite_size_nm: {normal: [100, 30]}\n", "augment.crystallite_size_nm", 2, "add clip"),
    ("augment:\n  crystallite_size_nm: {uniform: [0, 100]}\n", "augment.crystallite_size_nm", 2, "positive"),
    ("augment:\n  zero_shift: {uniform: [0.1, -0.1]}\n", "augment.zero_shift.uniform", 2, "low must not exceed high"),
    ("augment:\n  zero_shift: {uniform: [0, 1], normal: [0, 1]}\n", "augment.zero_shift", 2, "only one of"),
    ("augment:\n  zero_shift: {uniform: [0, 1], clip: [0, 1]}\n", "augment.zero_shift.clip", 2, "only a normal"),
    ("augment:\n  noise_counts: {choice: [10, 20], weights: [1]}\n", "augment.noise_counts.weights", 2, "one weight per value"),
    ("augment:\n  microstrain: {log_uniform: [0, 0.01]}\n", "augment.microstrain.log_uniform", 2, "positive"),
    ("augment:\n  noise_correlation: {uniform: [0, 0.9]}\n", "augment.noise_correlation", 2, "between 0 and 0.7071"),
    ("augment:\n  mixture: {phases: 3, fraction: {uniform: [0.1, 0.6]}}\n", "augment.mixture.fraction", 2, "could reach 1"),
    ("augment:\n  mixture: {phases: 4, fraction: 0.1}\n", "augment.mixture.phases", 2, "1 to 3 phases"),
    ("augment:\n  texture: {probability: 0.5}\n", "augment.texture", 2, "'r' is missing"),
    ("augment:\n  texture: {r: 0.8, hkl: [[0, 0, 0]]}\n", "augment.texture.hkl[0]", 2, "cannot be zero"),
    ("augment:\n  background: {family: chebychev, level: 0.1}\n", "augment.background.family", 2, "none, chebyshev or amorphous"),
    ("instrument: cu-lap\n", "instrument", 1, "did you mean 'cu-lab'"),
    ("instrument:\n  radiation: CuKa12\n  profile:\n    U: -1\n", "instrument.profile.U", 4, "must not be negative"),
    ("instrument:\n  profile: {Q: 1}\n", "instrument.profile.Q", 2, "unknown key 'Q'"),
    ("grid: {start: 50, stop: 10, step: 0.1}\n", "grid.stop", 1, "greater than start"),
    ("radiation: [{name: CuKb7}]\n", "radiation[0].name", 1, "unknown radiation"),
    ("structures:\n  - {path: a.cif, weight: -1}\n", "structures[0].weight", 2, "positive"),
    ("structures:\n  - {weight: 2}\n", "structures[0]", 2, "'path' is missing"),
    ("normalization: l2\n", "normalization", 1, "max, sum or counts"),
    ("seed: -4\n", "seed", 1, "whole number"),
    ("augment: [1, 2]\n", "augment", 1, "mapping"),
    ("augment:\n  zero_shift: '0.1'\n", "augment.zero_shift", 2, "quoted text"),
  ]

  @Test("every error names the key path and the line", arguments: badConfigs.indices)
  func errorsNameTheKey(_ i: Int) {
    let (yaml, key, line, fragment) = Self.badConfigs[i]
    do {
      _ = try CorpusConfig(yaml: yaml, fileName: "corpus.yaml")
      Issue.record("accepted: \(yaml)")
    } catch {
      #expect(error.keyPath.hasPrefix(key), "\(error)")
      if let line { #expect(error.location?.line == line, "\(error)") }
      #expect(fragment.isEmpty || error.description.contains(fragment), "\(error)")
      #expect(error.description.hasPrefix("corpus.yaml:") || error.location == nil, "\(error)")
    }
  }

  @Test("a syntax error names the line")
  func syntaxError() {
    #expect {
      _ = try CorpusConfig(yaml: "seed: 1\naugment: {zero_shift: [1, 2}\n", fileName: "c.yaml")
    } throws: { error in
      guard let e = error as? CorpusConfigError, case .syntax = e.kind else { return false }
      return e.location?.line == 2
    }
  }

  @Test("draws stay in the support; weights are honoured; the same stream gives the same values")
  func sampling() {
    var rng = Xoshiro256StarStar(seed: 7)
    let uniform = Distribution.uniform(low: -2, high: 3)
    let logUniform = Distribution.logUniform(low: 10, high: 1000)
    let normal = Distribution.normal(mean: 0, sd: 10, clip: -1...1)
    let choice = Distribution.choice(values: [1, 2, 3], weights: [1, 0, 3])
    var counts = [Double: Int]()
    var logs: [Double] = []
    for _ in 0..<4000 {
      #expect(uniform.support.contains(uniform.sample(&rng)))
      let l = logUniform.sample(&rng)
      #expect((10...1000).contains(l))
      logs.append(log10(l))
      #expect((-1...1).contains(normal.sample(&rng)))
      counts[choice.sample(&rng), default: 0] += 1
    }
    #expect(counts[2] == nil)
    let ratio = Double(counts[3] ?? 0) / Double(counts[1] ?? 1)
    #expect(ratio > 2.5 && ratio < 3.6)  // expected 3; 4000 draws: σ of the ratio ≈ 0.2
    let meanLog = logs.reduce(0, +) / Double(logs.count)
    #expect(abs(meanLog - 2) < 0.05)  // log-uniform on 10…1000: mean of log10 is 2, σ/√n ≈ 0.009
    var a = Xoshiro256StarStar(seed: 99), b = Xoshiro256StarStar(seed: 99)
    #expect((0..<10).map { _ in normal.sample(&a) } == (0..<10).map { _ in normal.sample(&b) })
  }

  @Test("low-index texture axes: 13 directions up to sign for max_index 1")
  func textureAxes() {
    let axes = TextureKnob.lowIndexAxes(maxIndex: 1)
    #expect(axes.count == 13)
    #expect(Set(axes).count == 13)
    #expect(axes.prefix(3).map { [$0.h, $0.k, $0.l] } == [[0, 0, 1], [0, 1, 0], [1, 0, 0]])
    #expect(TextureKnob.lowIndexAxes(maxIndex: 2).count == 49)  // (5³ − 1)/2 = 62 directions, 13 of them not primitive
  }
}
