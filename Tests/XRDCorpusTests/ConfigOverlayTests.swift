// Config overlays (`xrdsim generate --conditions FILE`): the overlay's keys replace the base's, mappings merge
// key by key, a distribution replaces a distribution whole, null switches a knob off, errors name the file.

import Foundation
import Testing
import XRDCorpus
import XRDProfile

@Suite("Config overlays")
struct ConfigOverlayTests {
  let overlay = """
    grid: {start: 10, stop: 100, step: 0.01}
    augment:
      profile:
        W: {normal: [0.006, 0.002], clip: [0.004, 0.08]}
      crystallite_size_nm: null
      noise_counts: {log_uniform: [8000, 60000]}
    """

  @Test("keys laid over the built-in config; the rest of it stays")
  func overBuiltIn() throws {
    let base = try CorpusConfig(yaml: defaultCorpusConfigYAML)
    let config = try CorpusConfig(yaml: defaultCorpusConfigYAML, fileName: "default config", overlay: overlay,
                                  overlayName: "conditions.yaml")
    #expect(config.grid == Instrument.TwoThetaRange(start: 10, stop: 100, step: 0.01))
    // A distribution replaces the base's whole (uniform there, normal here), not key by key.
    #expect(config.augment.w == .normal(mean: 0.006, sd: 0.002, clip: 0.004...0.08))
    #expect(config.augment.noiseCounts == .logUniform(low: 8000, high: 60000))
    #expect(config.augment.crystalliteSize == nil)
    // Untouched: the other profile terms, strain, texture, structures, seed.
    #expect(config.augment.u == base.augment.u && config.augment.v == base.augment.v)
    #expect(config.augment.strainIsotropic == base.augment.strainIsotropic)
    #expect(config.augment.texture == base.augment.texture)
    #expect(config.augment.microstrain == base.augment.microstrain)
    #expect(config.structures == base.structures && config.seed == base.seed)
  }

  @Test("an error in the overlay names the overlay's file and line")
  func overlayError() {
    let bad = "augment:\n  noise_counts: {normal: [1, 2]}\n"
    #expect {
      _ = try CorpusConfig(yaml: defaultCorpusConfigYAML, fileName: "default config", overlay: bad, overlayName: "bad.yaml")
    } throws: { error in
      guard let error = error as? CorpusConfigError else { return false }
      return error.description.hasPrefix("bad.yaml:2:") && error.keyPath == "augment.noise_counts"
    }
  }
}
