// The shipped default corpus config: what `xrdsim generate` runs with no arguments, and what
// `xrdsim generate --print-default-config` prints as a commented starting point.
//
// A demo: every CIF in Structures/ (119 files at the time of writing) × 24 variants on a 5–90° grid in 0.02°
// steps (4251 points), with every knob drawn from a plausible lab range. The ranges are choices, not fits:
// widths around the cu-lab preset's, shifts of a few hundredths of a degree, sizes 20 nm–1 µm, Poisson
// noise from 10³ to 10⁵ peak counts, a fifth of the patterns with a second or third phase.

/// Default corpus config text (YAML with comments).
public let defaultCorpusConfigYAML = #"""
# xrdsim corpus config (YAML; JSON with the same keys is read too). `xrdsim generate --config FILE`.
# Units as in instrument files: degrees 2θ, mm, nm, counts. Every distribution is one of
#   3.5                                  fixed value
#   {fixed: 3.5}                         the same
#   {uniform: [low, high]}
#   {normal: [mean, sd], clip: [low, high]}   (clip optional, required where the knob has a bounded range)
#   {log_uniform: [low, high]}           uniform in ln x, 0 < low
#   {choice: [v1, v2, ...], weights: [w1, w2, ...]}   (weights optional)
# A knob that is left out is not drawn: the instrument's value is used for every pattern.

seed: 20240601            # with (structure index, variant) it determines every random draw
structures:               # CIF files, folders (their .cif files, by name) or globs; or {path, weight, variants}
  - Structures            # relative paths: to this file's folder (to the current folder for the built-in config)
variants: 24              # patterns per structure (× weight of its entry)
shard_size: 1024          # patterns per shard file
grid: {start: 5, stop: 90, step: 0.02}   # the 2θ grid every pattern shares, degrees
instrument: cu-lab        # preset (cu-lab, cu-lab-monochromator, mo-lab, synchrotron, opxrd) or an instrument mapping
radiation:                # drawn per pattern; leave out to use the instrument's
  - {name: CuKa12, weight: 0.85}
  - {name: CuKa1, weight: 0.15}
normalization: max        # max: divide by the maximum; sum: by the sum; counts: keep counts

augment:
  strain:                 # lattice strain in percent; anisotropic per axis, tied by symmetry
    isotropic_percent: {normal: [0, 0.3], clip: [-1, 1]}
    anisotropic_percent: {normal: [0, 0.15], clip: [-0.5, 0.5]}
  zero_shift: {normal: [0, 0.03], clip: [-0.1, 0.1]}       # degrees 2θ
  displacement: {normal: [0, 0.05], clip: [-0.2, 0.2]}     # mm
  profile:                # Caglioti U, V, W (degrees²), Lorentzian X, Y (degrees)
    U: {uniform: [0.001, 0.01]}
    V: {uniform: [-0.002, 0]}
    W: {uniform: [0.001, 0.006]}
    X: {uniform: [0, 0.02]}
    Y: {uniform: [0, 0.04]}
  crystallite_size_nm: {log_uniform: [20, 1000]}
  microstrain: {log_uniform: [0.00001, 0.002]}
  texture:                # March–Dollase, on the main phase only
    probability: 0.3      # share of textured patterns
    hkl: {max_index: 1}   # axis drawn among these ([[0,0,1],[1,1,0]] lists them); 13 directions
    r: {uniform: [0.6, 1.4]}
  background:
    family: {choice: [none, chebyshev, amorphous], weights: [0.1, 0.6, 0.3]}
    level: {log_uniform: [0.005, 0.2]}                     # c0 relative to the strongest peak
    chebyshev:                                            # c1, c2, c3 relative to c0
      - {uniform: [-0.5, 0.5]}
      - {uniform: [-0.3, 0.3]}
      - {uniform: [-0.1, 0.1]}
    inverse_two_theta: {uniform: [0, 1]}                   # c/2θ, relative to c0 at the first grid point
    humps: {count: {choice: [1, 2], weights: [0.7, 0.3]}, center: {uniform: [15, 35]}, fwhm: {uniform: [5, 15]},
            height: {uniform: [0.5, 3]}, eta: {uniform: [0, 0.5]}}
  noise_counts: {log_uniform: [1000, 100000]}             # counts at the strongest peak, Poisson noise
  noise_correlation: {uniform: [0, 0.6]}                   # noise correlation of adjacent points (strip detectors ~0.5)
  mixture:                # extra phases drawn from the structure list
    phases: {choice: [1, 2, 3], weights: [0.8, 0.15, 0.05]}
    fraction: {uniform: [0.02, 0.3]}                       # weight fraction of each extra phase
"""#
