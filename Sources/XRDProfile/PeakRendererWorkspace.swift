// The rendering loop of ``PeakRenderer``: per-peak near fields (the exact profile, minus exactly what the
// far field will add, within a window) and deposits into the far-field histogram; then one FFT convolution.
//
// The method and its error bound are in PeakRenderer.swift, the far-field plan in PeakFarField.swift.
// Buffers are allocated once and grown as needed, far-field plans kept in a small most-recently-used cache;
// steady-state rendering allocates nothing.

import Foundation

/// Scratch storage of a ``PeakRenderer`` (owned through copy-on-write).
final class PeakRendererWorkspace {
  /// Per-peak total FWHM Γ (NaN: skip the peak) and η, from pass 1.
  private var fwhms: UnsafeMutableBufferPointer<Double> = .allocate(capacity: 0)
  private var etas: UnsafeMutableBufferPointer<Double> = .allocate(capacity: 0)
  /// FCJ quadrature nodes of the current peak.
  private let nodeOffsets: UnsafeMutablePointer<Double> = .allocate(capacity: FCJAsymmetry.maximumNodeCount)
  private let nodeWeights: UnsafeMutablePointer<Double> = .allocate(capacity: FCJAsymmetry.maximumNodeCount)
  /// Far-field plans built so far, most recently used first, at most ``planCacheCapacity``: random
  /// instrument widths move c (and R) between a few ladder values, and a plan is costly to rebuild (kernel
  /// tables, FFT of the kernel). A cached plan is the one that would be rebuilt (same inputs, same
  /// arithmetic), so renders are bit-identical with or without the cache.
  private(set) var plans: [FarFieldPlan] = []
  /// Plans kept. Each holds a kernel table, histogram, spectrum and GSL wavetable: a few hundred kB for 8501
  /// points at R = 3–4, up to ~2 MB at R = 1 with the widest margin.
  static let planCacheCapacity = 8
  /// Set when building a plan failed (GSL out of memory): then every tail is evaluated directly.
  private var planFailed = false

  deinit {
    fwhms.deallocate()
    etas.deallocate()
    nodeOffsets.deallocate()
    nodeWeights.deallocate()
  }

  /// Margins (fine points) offered for peaks outside the grid: a few values, so that plans are reused, but
  /// fine enough at the small end that the usual ±2° of peaks beyond a scan's ends (N/32 for 8501 points of
  /// 0.01°) do not pad the FFT by N/4 (a 4608- instead of a 5400-point transform there: ~8 µs a pattern).
  private static func marginCandidates(_ n: Int) -> [Int] {
    [2, max(2, n / 64), max(2, n / 32), max(2, n / 16), max(2, n / 8), max(2, n / 4), max(2, n / 2), max(2, n)]
  }

  /// Far-field coarsening R (1 … 8) for a grid step h and typical FWHM Γ: R·h ≈ 0.7Γ. A coarser far-field
  /// grid makes the FFT cheaper but widens each peak's window (by 2R·h plus the H⁴ term, PeakFarField.swift);
  /// this ratio was the fastest when measured (La2Ti2O7, 1020 peaks, Γ ≈ 0.055°, h = 0.01°: R = 3–4 took
  /// ~205 µs, R = 1 ~315 µs, R = 8 ~220 µs).
  static func coarsening(typicalFWHM gamma: Double, step h: Double) -> Int {
    let ratio = 0.7 * gamma / h
    guard ratio.isFinite else { return ratio > 0 ? 8 : 1 }
    return max(1, min(8, Int(ratio.rounded())))
  }

  /// Whether a peak's Lorentzian tail beyond ±4 FWHM (area fraction ≈ η·2/(π·8) of the peak) exceeds the
  /// tolerance, so that it must be carried by the far field.
  @inline(__always)
  static func needsFarField(eta: Double, tolerance: Double) -> Bool { eta > 4 * Double.pi * tolerance }

  func render(_ peaks: UnsafeBufferPointer<Peak>, into y: UnsafeMutablePointer<Double>, grid: TwoThetaGrid,
              asymmetry: PeakAsymmetry, sampling: PeakRenderer.Sampling, tolerance: Double) {
    let n = grid.count, h = grid.step, start = grid.start
    if fwhms.count < peaks.count {
      fwhms.deallocate()
      etas.deallocate()
      fwhms = .allocate(capacity: peaks.count)
      etas = .allocate(capacity: peaks.count)
    }

    // Pass 1: widths; which peaks need the far field; the kernel width c, margin and coarsening.
    var sumEta = 0.0, sumEtaG2 = 0.0, sumEtaGamma = 0.0
    var lowest = Double.infinity, highest = -Double.infinity
    for k in peaks.indices {
      let peak = peaks[k]
      let g = peak.widths.gaussianFWHM, l = peak.widths.lorentzianFWHM
      guard peak.twoTheta.isFinite, peak.area.isFinite, peak.area != 0, g.isFinite, l.isFinite, g >= 0, l >= 0,
            abs(peak.twoTheta) < 1e6
      else {
        fwhms[k] = .nan
        continue
      }
      let gamma = peak.widths.fwhm
      let eta = PeakWidths.eta(lorentzianFWHM: l, fwhm: gamma)
      fwhms[k] = gamma
      etas[k] = eta
      if Self.needsFarField(eta: eta, tolerance: tolerance) {
        sumEta += eta
        sumEtaG2 += eta * gamma * gamma / 4
        sumEtaGamma += eta * gamma
        let p = (peak.twoTheta - start) / h
        lowest = min(lowest, p)
        highest = max(highest, p)
      }
    }

    var activePlan: FarFieldPlan? = nil
    if sumEta > 0, !planFailed {
      // c on a ladder h·2^(k/4) near the η-weighted rms of g = Γ/2, so that the plan is reused across calls.
      let rms = (sumEtaG2 / sumEta).squareRoot()
      let c = h * exp2((4 * log2(max(rms, h / 4) / h)).rounded() / 4)
      let needed = max(2, Int((-lowest).rounded(.up)) + 1, Int(highest.rounded(.up)) + 2 - n)
      let margin = Self.marginCandidates(n).first { $0 >= needed } ?? max(2, n)
      let coarsening = Self.coarsening(typicalFWHM: sumEtaGamma / sumEta, step: h)
      activePlan = plan(count: n, step: h, margin: margin, coarsening: coarsening, kernelWidth: c)
      activePlan?.clearHistogram()
    }

    let fcj: FCJAsymmetry? = if case .fcj(let a) = asymmetry, !a.isSymmetric { a } else { nil }
    let berar: BerarBaldinozziAsymmetry? = if case .berarBaldinozzi(let b) = asymmetry { b } else { nil }
    let histogram = activePlan?.buffer.baseAddress
    let kernel = activePlan?.kernelCentre
    let c2 = activePlan.map { $0.kernelWidth * $0.kernelWidth } ?? 0
    let coarseStep = Double(activePlan?.coarsening ?? 1) * h
    let stride = activePlan?.coarsening ?? 1
    let slotOffset = Double(activePlan?.margin ?? 0) / Double(stride) + 2   // τ = p/R + this
    let slotLimit = Double((activePlan?.coarseCount ?? 0) - 3)
    let fineOfSlotZero = activePlan?.fineIndex(slot: 0) ?? 0              // fine index of slot t: R·t + this
    let inverseStride = 1 / Double(stride)
    var deposited = false

    // Pass 2: near fields and deposits.
    for k in peaks.indices {
      let gamma = fwhms[k]
      guard !gamma.isNaN else { continue }
      let peak = peaks[k]
      let area = peak.area, eta = etas[k]
      let p = (peak.twoTheta - start) / h
      guard gamma > 1e-9 * h else {
        // Zero width: all of the area into the step containing the peak.
        let i = Self.roundedInt(p)
        if i >= 0 && i < n { y[i] += area / h }
        continue
      }
      let binned: Bool = switch sampling {
      case .pointValues: false
      case .binAverages: true
      case .automatic(let ratio): gamma < ratio * h
      }

      // Asymmetry nodes, their mean, spread and variance.
      var nodeCount = 1
      nodeOffsets[0] = 0
      nodeWeights[0] = 1
      if let fcj {
        nodeCount = fcj.quadrature(twoTheta: peak.twoTheta, fwhm: gamma, offsets: nodeOffsets, weights: nodeWeights)
      }
      var mean = 0.0, lowestOffset = 0.0, highestOffset = 0.0
      for j in 0..<nodeCount {
        mean += nodeWeights[j] * nodeOffsets[j]
        lowestOffset = min(lowestOffset, nodeOffsets[j])
        highestOffset = max(highestOffset, nodeOffsets[j])
      }
      var variance = 0.0
      if nodeCount > 1 {
        for j in 0..<nodeCount { variance += nodeWeights[j] * (nodeOffsets[j] - mean) * (nodeOffsets[j] - mean) }
      }

      let g = gamma / 2, g2 = g * g
      let lorentzAmplitude = eta * area * g / Double.pi  // η·A·L(x) = aL/(x² + g²)
      let gaussianWindow = 2.5 * gamma

      // Lorentzian part.
      if lorentzAmplitude != 0 {
        let far = Self.needsFarField(eta: eta, tolerance: tolerance)
        let tau = (p + mean / h) * inverseStride + slotOffset
        if far, let histogram, tau >= 1, tau < slotLimit {
          // Window w: the Lorentzian minus the far field, integrated beyond w, ≤ tolerance (PeakRenderer.swift):
          // ηΓΔ/(3π(w − 2H)³) ≤ tol/2 and 0.357·ηΓH⁴/(w − 2H)⁵ ≤ tol/2. The roots are taken only when the
          // Gaussian window is not already enough.
          let delta = abs(c2 - g2) + 0.25 * h * h + 3 * variance
          let h4 = coarseStep * coarseStep * coarseStep * coarseStep
          let reachCubed = 2 * eta * gamma * delta / (3 * Double.pi * tolerance)
          let reachFifth = 0.714 * eta * gamma * h4 / tolerance
          var window = gaussianWindow
          let spare = gaussianWindow - 2 * coarseStep
          if spare <= 0 || reachCubed > spare * spare * spare || reachFifth > spare * spare * spare * spare * spare {
            window = max(gaussianWindow, 2 * coarseStep + largerRoot(cube: reachCubed, fifth: reachFifth))
          }
          let (lo, hi) = Self.indices(from: p + (lowestOffset - window) / h, to: p + (highestOffset + window) / h,
                                      count: n, binned: binned)
          let t0 = Self.floorInt(tau)
          let w = FarFieldPlan.lagrangeWeights(tau - Double(t0))
          let slots = histogram + t0
          slots[-1] += w.0 * lorentzAmplitude
          slots[0] += w.1 * lorentzAmplitude
          slots[1] += w.2 * lorentzAmplitude
          slots[2] += w.3 * lorentzAmplitude
          deposited = true
          if lo <= hi {
            let j0 = stride * t0 + fineOfSlotZero
            let weights = (w.0 * lorentzAmplitude, w.1 * lorentzAmplitude, w.2 * lorentzAmplitude,
                           w.3 * lorentzAmplitude)
            if !binned && nodeCount == 1 {
              Self.addLorentzianMinusKernel(y, lo: lo, hi: hi, centre: p + nodeOffsets[0] / h, h: h, g2: g2,
                                            amplitude: lorentzAmplitude, kernel: kernel!, j0: j0, stride: stride,
                                            weights: weights)
            } else {
              for j in 0..<nodeCount {
                Self.addLorentzian(y, lo: lo, hi: hi, centre: p + nodeOffsets[j] / h, h: h, g: g,
                                   amplitude: lorentzAmplitude * nodeWeights[j], binned: binned)
              }
              Self.subtractKernel(y, lo: lo, hi: hi, kernel: kernel!, j0: j0, stride: stride, weights: weights)
            }
          }
        } else {
          // Near field only: the tail beyond the window is below the tolerance; or the peak lies beyond the
          // margins (or there is no plan), and then its Lorentzian goes onto every grid point.
          let lo: Int, hi: Int
          if far {
            lo = 0
            hi = n - 1
          } else {
            let window = max(gaussianWindow, eta * gamma / (Double.pi * tolerance))
            (lo, hi) = Self.indices(from: p + (lowestOffset - window) / h, to: p + (highestOffset + window) / h,
                                    count: n, binned: binned)
          }
          if lo <= hi {
            for j in 0..<nodeCount {
              Self.addLorentzian(y, lo: lo, hi: hi, centre: p + nodeOffsets[j] / h, h: h, g: g,
                                 amplitude: lorentzAmplitude * nodeWeights[j], binned: binned)
            }
          }
        }
      }

      // Gaussian part.
      let gaussianArea = (1 - eta) * area
      if gaussianArea != 0 {
        for j in 0..<nodeCount {
          let centre = p + nodeOffsets[j] / h
          let (lo, hi) = Self.indices(from: centre - gaussianWindow / h, to: centre + gaussianWindow / h, count: n,
                                      binned: binned)
          guard lo <= hi else { continue }
          if binned {
            Self.addGaussianBins(y, lo: lo, hi: hi, centre: centre, h: h, fwhm: gamma, area: gaussianArea * nodeWeights[j])
          } else {
            Self.addGaussianPoints(y, lo: lo, hi: hi, centre: centre, h: h, fwhm: gamma,
                                   area: gaussianArea * nodeWeights[j])
          }
        }
      }

      // Bérar–Baldinozzi: add A·PV·(multiplier − 1) within ±5 FWHM (beyond, e^{−25} ≈ 1e-11).
      if let berar {
        let (a, b) = berar.coefficients(twoTheta: peak.twoTheta)
        let (lo, hi) = Self.indices(from: p - 5 * gamma / h, to: p + 5 * gamma / h, count: n, binned: binned)
        if lo <= hi {
          for i in lo...hi {
            let x = (Double(i) - p) * h
            let profile = binned
              ? pseudoVoigtAverage(from: x - h / 2, to: x + h / 2, fwhm: gamma, eta: eta)
              : pseudoVoigt(offset: x, fwhm: gamma, eta: eta)
            y[i] += area * profile * (BerarBaldinozziAsymmetry.multiplier(z: x / gamma, a: a, b: b) - 1)
          }
        }
      }
    }

    // Far field: one convolution of the histogram with the kernel.
    if deposited { activePlan?.addConvolution(to: y) }
  }

  /// The cached plan for these inputs (moved to the front), or a new one (evicting the least recently used);
  /// nil, and ``planFailed`` set, when building fails.
  private func plan(count n: Int, step h: Double, margin: Int, coarsening: Int, kernelWidth c: Double)
    -> FarFieldPlan? {
    if let k = plans.firstIndex(where: { $0.matches(count: n, step: h, margin: margin, coarsening: coarsening,
                                                    kernelWidth: c) }) {
      let found = plans[k]
      if k > 0 {
        plans.remove(at: k)
        plans.insert(found, at: 0)
      }
      return found
    }
    if plans.count >= Self.planCacheCapacity { plans.removeLast() }
    do {
      let built = try FarFieldPlan(count: n, step: h, margin: margin, coarsening: coarsening, kernelWidth: c)
      plans.insert(built, at: 0)
      return built
    } catch {
      planFailed = true
      return nil
    }
  }

  /// Int(x.rounded(.down)), Int(x.rounded(.up)) and Int(x.rounded()) for finite |x| < 2⁶² without a libm call
  /// (the x86-64 baseline has no roundsd): truncation by conversion, corrected by one comparison. The same
  /// integers, so the same renders.
  @inline(__always)
  static func floorInt(_ x: Double) -> Int {
    let t = Int(x)
    return Double(t) > x ? t - 1 : t
  }

  @inline(__always)
  static func ceilInt(_ x: Double) -> Int {
    let t = Int(x)
    return Double(t) < x ? t + 1 : t
  }

  /// Half-way cases away from zero, as `rounded()`; x − Double(Int(x)) is exact for |x| < 2⁵², and for larger
  /// |x| every double is a whole number.
  @inline(__always)
  static func roundedInt(_ x: Double) -> Int {
    let t = Int(x)
    let fraction = x - Double(t)
    return fraction >= 0.5 ? t + 1 : fraction <= -0.5 ? t - 1 : t
  }

  // MARK: Near-field kernels

  /// Grid indices (clamped to 0 ..< count) of the points in the window [lower, upper] (grid units), or, for
  /// step averages, of every step [i − ½, i + ½] that overlaps it. Empty when lo > hi.
  @inline(__always)
  static func indices(from lower: Double, to upper: Double, count n: Int, binned: Bool) -> (Int, Int) {
    let pad = binned ? 0.5 : 0
    let lo = max(0, ceilInt(max(lower - pad, -1)))
    let hi = min(n - 1, floorInt(min(upper + pad, Double(n))))
    return (lo, hi)
  }

  /// y[i] += a/(xᵢ² + g²) − Σ_b w_b·K[i − j0 − bR] (b = −1 … 2) for point values, xᵢ = (i − centre)·h:
  /// the Lorentzian minus what the far field adds for the deposit (weights w_b at slots t0 + b).
  @inline(__always)
  static func addLorentzianMinusKernel(_ y: UnsafeMutablePointer<Double>, lo: Int, hi: Int, centre: Double, h: Double,
                                       g2: Double, amplitude a: Double, kernel: UnsafePointer<Double>, j0: Int,
                                       stride: Int, weights w: (Double, Double, Double, Double)) {
    let k1 = kernel + (lo &- j0)
    let k0 = k1 + stride, k2 = k1 - stride, k3 = k2 - stride
    let x0 = (Double(lo) - centre) * h
    let out = y + lo
    let count = hi &- lo &+ 1
    // Two points per step in SIMD2 lanes, with the index as an exact double counter (no integer conversions);
    // per lane the same operations in the same order as the scalar tail, so the same values.
    var i = 0
    var index = SIMD2<Double>(0, 1)
    while i &+ 1 < count {
      let x = x0 + index * h
      let kernelSum = w.0 * Self.load2(k0 + i) + w.1 * Self.load2(k1 + i) + w.2 * Self.load2(k2 + i)
        + w.3 * Self.load2(k3 + i)
      let value = Self.load2(out + i) + (a / (x * x + g2) - kernelSum)
      UnsafeMutableRawPointer(out + i).storeBytes(of: value, as: SIMD2<Double>.self)
      index += 2
      i &+= 2
    }
    if i < count {
      let x = x0 + Double(i) * h
      out[i] += a / (x * x + g2) - (w.0 * k0[i] + w.1 * k1[i] + w.2 * k2[i] + w.3 * k3[i])
    }
  }

  @inline(__always)
  static func load2(_ p: UnsafePointer<Double>) -> SIMD2<Double> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD2<Double>.self)
  }

  @inline(__always)
  static func load2(_ p: UnsafeMutablePointer<Double>) -> SIMD2<Double> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD2<Double>.self)
  }

  /// y[i] −= Σ_b w_b·K[i − j0 − bR] (b = −1 … 2): what the far field adds for one deposit.
  @inline(__always)
  static func subtractKernel(_ y: UnsafeMutablePointer<Double>, lo: Int, hi: Int, kernel: UnsafePointer<Double>,
                             j0: Int, stride: Int, weights w: (Double, Double, Double, Double)) {
    let k1 = kernel + (lo &- j0)
    let k0 = k1 + stride, k2 = k1 - stride, k3 = k2 - stride
    let out = y + lo
    for i in 0..<(hi &- lo &+ 1) { out[i] -= w.0 * k0[i] + w.1 * k1[i] + w.2 * k2[i] + w.3 * k3[i] }
  }

  /// Adds a/(x² + g²) (point values) or its step means a·(atan(x₊/g) − atan(x₋/g))/(g·h).
  @inline(__always)
  static func addLorentzian(_ y: UnsafeMutablePointer<Double>, lo: Int, hi: Int, centre: Double, h: Double, g: Double,
                            amplitude a: Double, binned: Bool) {
    let x0 = (Double(lo) - centre) * h
    let out = y + lo
    if binned {
      // atan(x₊/g) − atan(x₋/g) = atan(z), z = hg/(g² + x₊x₋) = hg/(g² + x² − h²/4) while the denominator is
      // positive. Where z ≤ 0.05 (all but the few bins nearest the centre) atan(z) is its series to z¹³ (truncation
      // < 10⁻¹⁸ relative), which also avoids the cancellation of differencing two arctangents near ±π/2;
      // elsewhere the two arctangents.
      let scale = a / (g * h)
      let g2 = g * g, hg = h * g, quarter = h * h / 4, half = h / 2
      var carried = Double.nan  // atan(x₊/g) of the previous bin when it took the arctangents
      for i in 0..<(hi &- lo &+ 1) {
        let x = x0 + Double(i) * h
        let z = hg / (g2 + (x * x - quarter))
        let difference: Double
        if z > 0 && z <= 0.05 {
          let z2 = z * z
          difference = z * (1 + z2 * (-1.0 / 3 + z2 * (1.0 / 5 + z2 * (-1.0 / 7 + z2 * (1.0 / 9
            + z2 * (-1.0 / 11 + z2 * (1.0 / 13)))))))
          carried = .nan
        } else {
          let upper = atan((x + half) / g)
          difference = upper - (carried.isNaN ? atan((x - half) / g) : carried)
          carried = upper
        }
        out[i] += scale * difference
      }
    } else {
      let g2 = g * g
      for i in 0..<(hi &- lo &+ 1) {
        let x = x0 + Double(i) * h
        out[i] += a / (x * x + g2)
      }
    }
  }

  /// Adds area·G(xᵢ) for the normalized Gaussian of FWHM Γ, by the recurrence
  /// G(u + h) = G(u)·e^{−β(2uh + h²)}, β = 4 ln 2/Γ² (exp per point when the step exceeds Γ/2).
  ///
  /// Four interleaved lanes (G(u + 4h) = G(u)·ρ(u), ρ(u + 4h) = ρ(u)·e^{−32βh²}) keep the multiplication
  /// chains independent. Three exps per peak (libm's: a four-lane polynomial called across modules measured
  /// slower here). Relative rounding error grows by ~1e-16 per step (< 1e-14 over a window); with |u| ≤ 2.6Γ
  /// and h ≤ Γ/2 no ratio exceeds e^{8}, so nothing overflows.
  @inline(__always)
  static func addGaussianPoints(_ y: UnsafeMutablePointer<Double>, lo: Int, hi: Int, centre: Double, h: Double,
                                fwhm: Double, area: Double) {
    let beta = gaussianExponentFactor / (fwhm * fwhm)
    let amplitude = area * gaussianHeightFactor / fwhm
    if 2 * h > fwhm || hi - lo < 8 {
      for i in lo...hi {
        let u = (Double(i) - centre) * h
        y[i] += amplitude * exp(-beta * u * u)
      }
      return
    }
    let ic = min(max(roundedInt(centre), lo), hi)
    let u0 = (Double(ic) - centre) * h
    let q = exp(-2 * beta * h * h)                    // e^{−2βh²}
    let q4 = (q * q) * (q * q), q16 = (q4 * q4) * (q4 * q4)
    let gUp = amplitude * exp(-beta * u0 * u0)        // G(u0)
    let rUp = exp(-beta * (2 * u0 * h + h * h))       // G(u0 + h)/G(u0)
    // Walking down from ic − 1 is walking up in u′ = −u from h − u0: G(u0 − h) = G(u0)·q/rUp, and the first
    // ratio there is e^{−β(2(h − u0)h + h²)} = q²/rUp.
    addGaussianLanes(y, first: ic, count: hi - ic + 1, direction: 1, value: gUp, ratio: rUp, q: q, q4: q4, q16: q16)
    addGaussianLanes(y, first: ic - 1, count: ic - lo, direction: -1, value: gUp * q / rUp, ratio: q * q / rUp,
                     q: q, q4: q4, q16: q16)
  }

  /// The four-lane walk of ``addGaussianPoints``: adds `count` values G₀, G₀r₀, G₀r₀r₁, … (rₖ = r₀qᵏ) at
  /// indices first, first ± 1, …
  @inline(__always)
  static func addGaussianLanes(_ y: UnsafeMutablePointer<Double>, first: Int, count: Int, direction: Int,
                               value g0: Double, ratio r0: Double, q: Double, q4: Double, q16: Double) {
    guard count > 0 else { return }
    let r1 = r0 * q, r2 = r1 * q, r3 = r2 * q
    let g1 = g0 * r0, g2 = g1 * r1, g3 = g2 * r2
    var value = SIMD4<Double>(g0, g1, g2, g3)
    // ρ_k = G(u_k + 4h)/G(u_k) = r_k r_{k+1} r_{k+2} r_{k+3}; ρ_{k+1} = ρ_k·q⁴; after a 4-step ρ *= q¹⁶.
    let rho0 = r0 * r1 * r2 * r3
    var rho = SIMD4<Double>(rho0, rho0 * q4, rho0 * q4 * q4, rho0 * q4 * q4 * q4)
    var index = first
    var remaining = count
    if direction > 0 {
      while remaining >= 4 {
        y[index] += value[0]
        y[index &+ 1] += value[1]
        y[index &+ 2] += value[2]
        y[index &+ 3] += value[3]
        value *= rho
        rho *= q16
        index &+= 4
        remaining &-= 4
      }
    } else {
      while remaining >= 4 {
        y[index] += value[0]
        y[index &- 1] += value[1]
        y[index &- 2] += value[2]
        y[index &- 3] += value[3]
        value *= rho
        rho *= q16
        index &-= 4
        remaining &-= 4
      }
    }
    for k in 0..<remaining { y[index &+ k &* direction] += value[k] }
  }

  /// Adds area × the step means of the normalized Gaussian: ½(erf(k x₊) − erf(k x₋))/h, k = 2√(ln 2)/Γ.
  @inline(__always)
  static func addGaussianBins(_ y: UnsafeMutablePointer<Double>, lo: Int, hi: Int, centre: Double, h: Double,
                              fwhm: Double, area: Double) {
    let k = gaussianExponentFactor.squareRoot() / fwhm
    let scale = area / (2 * h)
    let x0 = (Double(lo) - centre) * h
    var lower = erf(k * (x0 - h / 2))
    for i in 0..<(hi &- lo &+ 1) {
      let upper = erf(k * (x0 + (Double(i) + 0.5) * h))
      y[lo &+ i] += scale * (upper - lower)
      lower = upper
    }
  }
}

// MARK: - Window reach

/// An upper bound of max(∛A, B^{1/5}) for A, B ≥ 0, within 1 % of it, without libm: a window only has to
/// reach at least that far (a fraction of a point more costs nothing), and `cbrt` or `pow` took ~25 ns per
/// peak. The larger root is chosen by comparing A⁵ with B³; each root is one step of Newton's iteration for
/// yⁿ = x from the exponent-dividing bit trick (within 6.1 %). As yⁿ is convex, the tangent's zero is never
/// below the root, and the step leaves (n − 1)/2·6.1 %² at most (0.37 % for n = 3, 0.75 % for n = 5); a
/// factor (1 + 10⁻¹²) covers rounding. Subnormal, infinite or NaN arguments go to libm.
@inline(__always)
package func largerRoot(cube a: Double, fifth b: Double) -> Double {
  guard (a.isNormal || a == 0) && (b.isNormal || b == 0) else { return max(cbrt(a), pow(b, 0.2)) }
  let a2 = a * a
  let a5 = a2 * a2 * a, b3 = b * b * b
  guard a5.isFinite && b3.isFinite else { return max(cbrt(a), pow(b, 0.2)) }
  // A⁵ or B³ underflowed (to 0 or a subnormal): the comparison cannot tell, take both.
  guard (a5.isNormal || a == 0) && (b3.isNormal || b == 0) else {
    return max(rootUpperBound(a, degree: 3), rootUpperBound(b, degree: 5))
  }
  return a5 >= b3 ? rootUpperBound(a, degree: 3) : rootUpperBound(b, degree: 5)
}

/// ⁿ√x (n = 3 or 5, x normal and positive, or 0) from above, within 1 %: see ``largerRoot(cube:fifth:)``.
@inline(__always)
package func rootUpperBound(_ x: Double, degree n: Int) -> Double {
  guard x > 0 else { return 0 }
  // The bits of a positive double are ≈ 2⁵²·(log₂x + 1023); dividing log₂ by n: bits/n + 1023·2⁵²·(1 − 1/n).
  let bias = UInt64(1023) << 52
  let y = Double(bitPattern: x.bitPattern / UInt64(n) + bias - bias / UInt64(n))
  var power = y  // yⁿ⁻¹
  for _ in 2..<n { power *= y }
  return (Double(n - 1) * y + x / power) * (1 / Double(n)) * (1 + 1e-12)  // 1/n folds to a constant
}

