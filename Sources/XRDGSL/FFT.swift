// Real fast Fourier transforms of one fixed length with GSL's mixed-radix routines (gsl_fft_real.h,
// gsl_fft_halfcomplex.h).
//
// A ``RealFFT`` owns the wavetables of both directions and one workspace, allocated once, so repeated
// transforms of the same length allocate nothing. GSL's mixed-radix code has fast kernels for the factors
// 2, 3, 4 and 5 only; ``RealFFT/fastCount(atLeast:)`` picks a 2ᵃ3ᵇ5ᶜ length for zero padding (in GSL a pure
// power of two is not faster: 16384 points took longer than 17280 when measured).
// Not done: complex transforms, the radix-2-only routines, FFTW (not a dependency of this package).

internal import CGSL

/// Forward and inverse FFTs of real data of a fixed length (`count`).
///
/// The forward transform leaves the spectrum in GSL's *halfcomplex* layout, in place: `data[0]` is the real
/// part of coefficient 0; for k = 1 ..< (n+1)/2, `data[2k−1]` and `data[2k]` are the real and imaginary parts
/// of coefficient k; for even n, `data[n−1]` is the real part of coefficient n/2. The forward transform is
/// unnormalized (zₖ = Σⱼ xⱼ e^{−2πijk/n}); ``inverse(_:)`` divides by n, so `inverse(forward(x)) == x`.
///
/// The corresponding GSL types are `gsl_fft_real_wavetable`, `gsl_fft_halfcomplex_wavetable` and
/// `gsl_fft_real_workspace`. One owner: the value is noncopyable and frees them in `deinit`; it may be sent
/// to another task, but one value must not be used by two threads at once (the workspace is scratch).
public struct RealFFT: ~Copyable, @unchecked Sendable {
  // @unchecked: noncopyable, so exactly one owner holds the GSL pointers; the wavetables are read-only
  // after init and the workspace is only written through `mutating` methods.

  /// The transform length n.
  public let count: Int
  private let realTable: UnsafeMutablePointer<gsl_fft_real_wavetable>
  private let halfcomplexTable: UnsafeMutablePointer<gsl_fft_halfcomplex_wavetable>
  private let workspace: UnsafeMutablePointer<gsl_fft_real_workspace>

  /// Allocates the wavetables and workspace for transforms of length `count`.
  ///
  /// - Throws: ``GSLError/invalidArgument`` for `count` < 1; ``GSLError/outOfMemory`` if GSL cannot
  ///   allocate.
  ///
  /// The corresponding GSL functions are `gsl_fft_real_wavetable_alloc`,
  /// `gsl_fft_halfcomplex_wavetable_alloc` and `gsl_fft_real_workspace_alloc`.
  public init(count: Int) throws(GSLError) {
    GSLRuntime.prepare()
    guard count >= 1 else { throw .invalidArgument }
    guard let real = gsl_fft_real_wavetable_alloc(count) else { throw .outOfMemory }
    guard let half = gsl_fft_halfcomplex_wavetable_alloc(count) else {
      gsl_fft_real_wavetable_free(real)
      throw .outOfMemory
    }
    guard let work = gsl_fft_real_workspace_alloc(count) else {
      gsl_fft_real_wavetable_free(real)
      gsl_fft_halfcomplex_wavetable_free(half)
      throw .outOfMemory
    }
    self.count = count
    self.realTable = real
    self.halfcomplexTable = half
    self.workspace = work
  }

  deinit {
    gsl_fft_real_wavetable_free(realTable)
    gsl_fft_halfcomplex_wavetable_free(halfcomplexTable)
    gsl_fft_real_workspace_free(workspace)
  }

  /// Forward transform in place: `count` real values in, the halfcomplex spectrum out (see the type's
  /// documentation for the layout).
  ///
  /// - Precondition: `data.count == count`.
  /// - Throws: the GSL status if the transform fails (it does not for valid lengths).
  ///
  /// The corresponding GSL function is `gsl_fft_real_transform`.
  public mutating func forward(_ data: UnsafeMutableBufferPointer<Double>) throws(GSLError) {
    precondition(data.count == count, "RealFFT.forward: buffer length \(data.count) ≠ \(count)")
    try GSLError.check(gsl_fft_real_transform(data.baseAddress, 1, count, realTable, workspace))
  }

  /// Inverse transform in place, normalized by 1/n: a halfcomplex spectrum in, `count` real values out.
  ///
  /// - Precondition: `data.count == count`.
  /// - Throws: the GSL status if the transform fails (it does not for valid lengths).
  ///
  /// The corresponding GSL function is `gsl_fft_halfcomplex_inverse`.
  public mutating func inverse(_ data: UnsafeMutableBufferPointer<Double>) throws(GSLError) {
    precondition(data.count == count, "RealFFT.inverse: buffer length \(data.count) ≠ \(count)")
    try GSLError.check(gsl_fft_halfcomplex_inverse(data.baseAddress, 1, count, halfcomplexTable, workspace))
  }

  /// Forward transform of an array in place (same transform as the buffer version).
  public mutating func forward(_ data: inout [Double]) throws(GSLError) {
    try data.withUnsafeMutableBufferPointer { (buffer) throws(GSLError) in try forward(buffer) }
  }

  /// Normalized inverse transform of an array in place (same transform as the buffer version).
  public mutating func inverse(_ data: inout [Double]) throws(GSLError) {
    try data.withUnsafeMutableBufferPointer { (buffer) throws(GSLError) in try inverse(buffer) }
  }

  /// The smallest n ≥ `minimum` of the form 2ᵃ·3ᵇ·5ᶜ (a length GSL transforms fast); 1 for `minimum` ≤ 1.
  public static func fastCount(atLeast minimum: Int) -> Int {
    guard minimum > 1 else { return 1 }
    var best = Int.max
    var p2 = 1
    while p2 < 2 * minimum {
      var p3 = p2
      while p3 < 2 * minimum {
        var p5 = p3
        while p5 < minimum { p5 *= 5 }
        best = min(best, p5)
        p3 *= 3
      }
      p2 *= 2
    }
    return best
  }

  /// Index in the halfcomplex layout of length `count` holding the coefficient number of slot `slot`:
  /// slot 0 → 0, slots 2k−1 and 2k → k, slot n−1 of even n → n/2. Lets a real (symmetric) filter be applied
  /// to a halfcomplex spectrum by scaling each slot.
  public static func halfcomplexCoefficientIndex(slot: Int, count: Int) -> Int {
    slot == 0 ? 0 : (slot + 1) / 2
  }
}
