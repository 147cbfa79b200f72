// The far field of the Lorentzian tails: a stick histogram on a coarse grid convolved with one kernel
// 1/(x² + c²) by a zero-padded real FFT, interpolated back onto the fine grid.
//
// Coarse grid: every R-th fine point; slot t stands for fine index R·(t − 2) − m (two guard slots below the
// margin). A deposit of weight a at fine position p (fractional) goes to the four slots around
// τ = (p + m)/R + 2 with cubic Lagrange weights ℓ₋₁…ℓ₂(frac τ); the convolved coarse values are interpolated
// to each fine point with the same cubic weights. All steps are linear, so the far field at fine point i is
// Σ over deposits of a·Σ_b ℓ_b(f)·Kint[i − j_b], where j_b is the fine index of slot t₀ + b and Kint is the coarse
// kernel cubically interpolated to fine offsets. ``FarFieldPlan/kernel`` holds Kint, and the near field
// subtracts exactly these terms, so inside a peak's window the far field cancels to rounding.
//
// Accuracy outside the window (x = distance from the peak, H = R·h): with K = 1/(x² + c²),
//   cubic Lagrange (deposit and interpolation, error ≤ 0.0234·H⁴·|K⁗| each, |K⁗| ≤ 120/x⁶ for x > c):
//     |Kint-deposit − K̄| ≤ 5.6·H⁴/(x − 2H)⁶,
//   mean over the fine step (K̄ − K = h²K″/24, |K″| ≤ 6/x⁴): ≤ 0.25·h²/x⁴.
// The renderer adds these to the width mismatch (c² − g²)/x⁴ when it sizes each peak's window.
// The kernel values are the means of 1/(x² + c²) over a fine step, via one atan2 each.
// The FFT length P ≥ 2T − 1 (T slots) makes the circular convolution equal the linear one.

import Foundation
internal import XRDGSL

/// The far-field machinery for one (grid count, step, margin, coarsening, c).
final class FarFieldPlan {
  /// Grid count N, fine step h (degrees), margin m (fine points), coarsening R, kernel half-width c (degrees).
  let count: Int, step: Double, margin: Int, coarsening: Int, kernelWidth: Double
  /// Number of coarse slots T.
  let coarseCount: Int
  /// Kint[d] for fine offsets d = −halfWidth … halfWidth, stored with d = 0 at index ``halfWidth``.
  let kernel: UnsafeMutableBufferPointer<Double>
  /// Real spectrum of the wrapped coarse kernel, expanded per halfcomplex slot.
  let spectrumScale: [Double]
  /// Cubic weights of the four slots t − 1 … t + 2 for each fine phase r = 0 ..< R: `phaseWeights[4r + b + 1]`.
  let phaseWeights: [Double]
  /// Histogram / FFT buffer of length P ≥ 2T − 1; slots 0 ..< T are used. Owned, freed in `deinit`.
  let buffer: UnsafeMutableBufferPointer<Double>
  var fft: RealFFT

  /// R·(T − 1): the largest fine offset in ``kernel``.
  var halfWidth: Int { coarsening * (coarseCount - 1) }

  init(count: Int, step: Double, margin: Int, coarsening r: Int, kernelWidth c: Double) throws(GSLError) {
    self.count = count
    self.step = step
    self.margin = margin
    self.coarsening = r
    self.kernelWidth = c
    // Deposits at fine −m … N − 1 + m use slots up to ⌊(N − 1 + 2m)/R⌋ + 4; one spare.
    let slots = (count - 1 + 2 * margin) / r + 6
    coarseCount = slots
    let length = RealFFT.fastCount(atLeast: 2 * slots - 1)
    fft = try RealFFT(count: length)
    let hc = step * c, c2 = c * c, h2 = step * step
    func meanKernel(_ j: Int) -> Double { atan2(hc, c2 + (Double(j) * Double(j) - 0.25) * h2) / hc }
    var coarse = [Double](repeating: 0, count: slots + 2)
    for t in 0..<(slots + 2) { coarse[t] = meanKernel(t * r) }
    let half = r * (slots - 1)
    var kernel = [Double](repeating: 0, count: 2 * half + 1)
    for d in 0...half {
      let t = d / r
      let w = Self.lagrangeWeights(Double(d - t * r) / Double(r))
      let value = w.0 * coarse[abs(t - 1)] + w.1 * coarse[t] + w.2 * coarse[t + 1] + w.3 * coarse[t + 2]
      kernel[half + d] = value
      kernel[half - d] = value
    }
    self.kernel = .allocate(capacity: kernel.count)
    _ = self.kernel.initialize(from: kernel)
    var phaseWeights = [Double](repeating: 0, count: 4 * r)
    for phase in 0..<r {
      let w = Self.lagrangeWeights(Double(phase) / Double(r))
      phaseWeights[4 * phase] = w.0
      phaseWeights[4 * phase + 1] = w.1
      phaseWeights[4 * phase + 2] = w.2
      phaseWeights[4 * phase + 3] = w.3
    }
    self.phaseWeights = phaseWeights
    var wrapped = [Double](repeating: 0, count: length)
    for t in 0..<slots {
      wrapped[t] = coarse[t]
      if t > 0 { wrapped[length - t] = coarse[t] }
    }
    try fft.forward(&wrapped)
    // The kernel is real and even, so its spectrum is real: scale both parts of coefficient k by Re ẑₖ.
    var spectrumScale = [Double](repeating: 0, count: length)
    for slot in 0..<length {
      let k = RealFFT.halfcomplexCoefficientIndex(slot: slot, count: length)
      spectrumScale[slot] = k == 0 ? wrapped[0] : wrapped[2 * k - 1]
    }
    self.spectrumScale = spectrumScale
    buffer = .allocate(capacity: length)
    buffer.initialize(repeating: 0)
  }

  deinit {
    buffer.deallocate()
    kernel.deallocate()
  }

  /// Pointer to Kint[0] (valid for offsets −halfWidth … halfWidth).
  var kernelCentre: UnsafePointer<Double> { UnsafePointer(kernel.baseAddress! + halfWidth) }

  func matches(count: Int, step: Double, margin: Int, coarsening: Int, kernelWidth: Double) -> Bool {
    self.count == count && self.step == step && self.margin == margin && self.coarsening == coarsening
      && self.kernelWidth == kernelWidth
  }

  /// Slot coordinate τ of a fine grid position p (fractional): (p + m)/R + 2.
  @inline(__always)
  func slotPosition(_ p: Double) -> Double { (p + Double(margin)) / Double(coarsening) + 2 }

  /// Fine index of slot t: R·(t − 2) − m.
  @inline(__always)
  func fineIndex(slot t: Int) -> Int { coarsening * (t - 2) - margin }

  /// Whether a deposit at slot coordinate τ fits (its four slots are inside 0 ..< T).
  @inline(__always)
  func canDeposit(at tau: Double) -> Bool { tau >= 1 && tau < Double(coarseCount - 3) }

  /// Cubic Lagrange weights of the nodes −1, 0, 1, 2 at fraction f ∈ [0, 1).
  @inline(__always)
  static func lagrangeWeights(_ f: Double) -> (Double, Double, Double, Double) {
    let fm1 = f - 1, fm2 = f - 2, fp1 = f + 1
    return (-f * fm1 * fm2 / 6, fp1 * fm1 * fm2 / 2, -fp1 * f * fm2 / 2, fp1 * f * fm1 / 6)
  }

  /// Sets the histogram to zero before deposits.
  func clearHistogram() { buffer.update(repeating: 0) }

  /// Convolves the histogram in ``buffer`` with the kernel and adds the result, interpolated, to `y[0..<N]`.
  func addConvolution(to y: UnsafeMutablePointer<Double>) {
    let n = count, r = coarsening
    do {
      // Cannot fail for a length the plan was built with; on failure the far field is left out.
      do { try fft.forward(buffer) } catch { return }
      spectrumScale.withUnsafeBufferPointer { scale in
        for s in 0..<buffer.count { buffer[s] *= scale[s] }
      }
      do { try fft.inverse(buffer) } catch { return }
      let coarse = buffer.baseAddress!
      phaseWeights.withUnsafeBufferPointer { weights in
        let w = weights.baseAddress!
        // Fine i sits at τ = (i + m)/R + 2 = t + phase/R.
        var i = 0
        var t = margin / r + 2, phase = margin % r
        while i < n {
          let f0 = coarse[t - 1], f1 = coarse[t], f2 = coarse[t + 1], f3 = coarse[t + 2]
          while phase < r && i < n {
            let pw = w + 4 * phase
            y[i] += pw[0] * f0 + pw[1] * f1 + pw[2] * f2 + pw[3] * f3
            phase &+= 1
            i &+= 1
          }
          phase = 0
          t &+= 1
        }
      }
    }
  }
}
