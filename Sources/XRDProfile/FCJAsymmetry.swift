// Axial-divergence peak asymmetry of Finger, Cox & Jephcoat (1994), J. Appl. Cryst. 27, 892 (FCJ),
// convolved with the TCH pseudo-Voigt: the model of GSAS (`PSVFCJO`) and GSAS-II (`getFCJVoigt3`).
//
// Geometry (FCJ §2): sample of axial half-length S, detector slit of half-length H, goniometer radius L;
// A = S/L, B = H/L. A ray reaching the detector at 2φ from the Debye cone of half-angle 2θ left the sample at
// axial height difference h with cos 2θ = cos 2φ·cos ψ, tan ψ = h/L, so 2φ < 2θ below 90° 2θ (the peak tails
// to low angle) and 2φ > 2θ above. The range is 2φ_min … 2θ with (FCJ eqs. 4, 5)
//     cos 2φ_min  = cos 2θ·√(1 + (A + B)²),   cos 2φ_infl = cos 2θ·√(1 + (A − B)²),
// and the weight of each 2φ (FCJ eqs. 7a, 7b; h(2φ)/L = √(cos²2φ − cos²2θ)/|cos 2θ| = 1/F):
//     D(2φ) ∝ ((A + B)·F − 1)/|cos 2φ|   between 2φ_min and 2φ_infl,
//     D(2φ) ∝ 2·min(A, B)·F/|cos 2φ|      between 2φ_infl and 2θ.
// The observed profile is P(2θ′) = ∫ D(δ)·PV(2θ′ − δ) dδ / ∫ D(δ) dδ, so it integrates to 1 because PV does.
//
// Quadrature: D has an integrable 1/√(2θ − δ) singularity at δ = 2θ and a kink at 2φ_infl. With
// δ = 2θ − E·u², E = 2θ − 2φ_min, u ∈ [0, 1], the integrand D·|dδ/du| is smooth in u; Gauss–Legendre is
// applied separately on [0, u_infl] and [u_infl, 1] with enough nodes that neighbouring nodes are at most
// ~Γ/3 apart in δ (Γ = pseudo-Voigt FWHM). GSAS instead uses half of a symmetric Gauss–Legendre rule in δ
// (its nodes never reach the singular end), in single precision; rendered GSAS-II patterns agree with ours to
// Rwp < 0.2 % (RendererTests).
// When the whole asymmetry is tiny, E < 0.03·Γ, the profile is one pseudo-Voigt at the mean shift
// −(A² + B²)/6·cot 2θ (leading order in A, B). The neglected spread changes the profile by about
// ½·Var(δ)·|PV″| ≤ ¼(E/Γ)² ≈ 2e-4 of its height. With GSAS-II's minimum SH/L = 0.002 and Γ = 0.05° this
// holds from 5° 2θ up, so FCJ then costs no more than the symmetric profile.
// Not done: FCJ's derivative terms (no refinement here), the older single-parameter (S+H)/L variant beyond
// the GSAS-II split S/L = H/L = SH/L ÷ 2 of ``FCJAsymmetry/gsas2(shl:)``.

import Foundation

/// Axial-divergence asymmetry of Finger, Cox & Jephcoat (1994): S/L and H/L.
///
/// `sOverL` = S/L, the axial half-length of the illuminated sample over the goniometer radius;
/// `hOverL` = H/L, the axial half-length of the detector (receiving slit) over the radius. Both are
/// dimensionless, ≥ 0, and typically 0.001–0.05. With both 0 the profile is symmetric.
public struct FCJAsymmetry: Sendable, Hashable, Codable {
  /// S/L: sample axial half-length over goniometer radius.
  public var sOverL: Double
  /// H/L: detector axial half-length over goniometer radius.
  public var hOverL: Double

  public init(sOverL: Double, hOverL: Double) {
    self.sOverL = sOverL
    self.hOverL = hOverL
  }

  /// GSAS-II's convention for its single instrument parameter SH/L: it uses max(SH/L, 0.002) and splits it
  /// as S/L = H/L = SH/L ÷ 2 (GSAS-II `getPowderProfile`, `getFCJVoigt3`).
  public static func gsas2(shl: Double) -> FCJAsymmetry {
    let used = max(shl, 0.002)
    return FCJAsymmetry(sOverL: used / 2, hOverL: used / 2)
  }

  /// True when S/L + H/L is 0 (or not positive): no asymmetry.
  public var isSymmetric: Bool { !(sOverL + hOverL > 0) }

  /// 2φ_min in degrees (FCJ eq. 4): the far end of the asymmetric tail, cos 2φ_min = cos 2θ·√(1 + (A+B)²);
  /// 0° or 180° when the cone reaches the axis. Equal to 2θ for a symmetric profile.
  public func minimumTwoPhi(twoTheta: Double) -> Double {
    let cosine = cos(twoTheta * Double.pi / 180) * (1 + (sOverL + hOverL) * (sOverL + hOverL)).squareRoot()
    if cosine >= 1 { return 0 }
    if cosine <= -1 { return 180 }
    return acos(cosine) * 180 / Double.pi
  }

  /// 2φ_infl in degrees (FCJ eq. 5): cos 2φ_infl = cos 2θ·√(1 + (A−B)²); 2θ itself when A = B or either is 0.
  public func inflectionTwoPhi(twoTheta: Double) -> Double {
    guard sOverL > 0, hOverL > 0, sOverL != hOverL else { return twoTheta }
    let cosine = cos(twoTheta * Double.pi / 180) * (1 + (sOverL - hOverL) * (sOverL - hOverL)).squareRoot()
    return acos(min(max(cosine, -1), 1)) * 180 / Double.pi
  }

  /// Upper bound on the number of quadrature nodes ``quadrature(twoTheta:fwhm:offsets:weights:)`` writes.
  static var maximumNodeCount: Int { 2 * GaussLegendre.maximumOrder }

  /// Discretizes the FCJ weight function D for a peak at `twoTheta` (degrees) convolved with a profile of
  /// FWHM `fwhm` (degrees): writes node offsets δₖ − 2θ (degrees) and weights (summing to 1) and returns the
  /// node count (1 … ``maximumNodeCount``). The asymmetric profile is Σₖ wₖ·PV(2θ′ − 2θ − offsetₖ).
  ///
  /// A symmetric case (S/L + H/L = 0, 2θ = 90°, 2θ outside 0 … 180°, or a non-finite input) gives one node
  /// at offset 0.
  func quadrature(twoTheta: Double, fwhm: Double, offsets: UnsafeMutablePointer<Double>,
                  weights: UnsafeMutablePointer<Double>) -> Int {
    offsets[0] = 0
    weights[0] = 1
    let a = sOverL, b = hOverL
    guard a + b > 0, a >= 0, b >= 0, twoTheta > 0, twoTheta < 180, fwhm.isFinite else { return 1 }
    let toDegrees = 180 / Double.pi
    let t = twoTheta / toDegrees
    let cosT = cos(t), sinTwoT = sin(2 * t), cosTwoT = cos(2 * t)
    let phiMin = minimumTwoPhi(twoTheta: twoTheta) / toDegrees
    let extent = t - phiMin  // E, radians; > 0 below 90° 2θ, < 0 above
    guard abs(extent) > 1e-14, abs(cosT) > 1e-14 else { return 1 }
    let extentDegrees = abs(extent) * toDegrees
    if extentDegrees < 0.03 * fwhm {
      // Collapse to the mean shift; to leading order in A, B (axial angle ψ = (z_d − z_s)/L with z_s, z_d
      // uniform on ±S, ±H, and 2θ − 2φ ≈ ψ²/2·cot 2θ): ⟨2φ − 2θ⟩ = −(A² + B²)/6·cot 2θ.
      offsets[0] = -(a * a + b * b) / 6 * cosT / sin(t) * toDegrees
      return 1
    }
    let phiInfl = inflectionTwoPhi(twoTheta: twoTheta) / toDegrees
    let uInfl = min(max(((t - phiInfl) / extent).squareRoot(), 0), 1)
    let sum = a + b, twiceMin = 2 * min(a, b)

    // Density in u of the weight, D(δ(u))·|dδ/du| with δ = t − E u²; `nearPeak` selects eq. 7b.
    func density(_ u: Double, nearPeak: Bool) -> Double {
      let shift = extent * u * u  // t − δ
      let sinShift = sin(shift), cosShift = cos(shift)
      // cos²δ − cos²t = sin(t − δ)·sin(t + δ), written to stay accurate when δ → t.
      let product = sinShift * (sinTwoT * cosShift - cosTwoT * sinShift)
      guard product > 0 else { return 0 }
      // F·u = |cos t|·u/√(product): finite as u → 0 because product ≈ E u² sin 2t.
      let fTimesU = abs(cosT) * u / product.squareRoot()
      let cosDelta = abs(cosT * cosShift + sin(t) * sinShift)
      let jacobianOverU = 2 * abs(extent)  // |dδ/du| / u
      let value = nearPeak ? twiceMin * fTimesU : sum * fTimesU - u
      return max(value, 0) * jacobianOverU / cosDelta
    }

    // Nodes: segment [0, uInfl] uses eq. 7b, [uInfl, 1] eq. 7a. Node spacing ≲ Γ/3 in δ.
    var count = 0
    var total = 0.0
    func addSegment(from lower: Double, to upper: Double, nearPeak: Bool) {
      guard upper > lower else { return }
      let spread = extentDegrees * upper * (upper - lower) * 2  // max |dδ/du| × length, degrees
      let needed = Int(min(1.5 * Double.pi * spread / max(fwhm, 1e-12), 1e6).rounded(.up)) + 2
      let rule = GaussLegendre.rule(atLeast: needed)
      for k in rule.nodes.indices {
        let u = lower + (upper - lower) * rule.nodes[k]
        let w = rule.weights[k] * (upper - lower) * density(u, nearPeak: nearPeak)
        guard w > 0 else { continue }
        offsets[count] = -extent * u * u * toDegrees
        weights[count] = w
        total += w
        count += 1
      }
    }
    addSegment(from: 0, to: uInfl, nearPeak: true)
    addSegment(from: uInfl, to: 1, nearPeak: false)
    guard count > 0, total > 0, total.isFinite else {
      offsets[0] = 0
      weights[0] = 1
      return 1
    }
    for k in 0..<count { weights[k] /= total }
    return count
  }
}

/// One FCJ-asymmetric TCH pseudo-Voigt peak of unit area, for evaluation at arbitrary 2θ (allocates its
/// node arrays; ``PeakRenderer`` uses the same quadrature without allocating).
public struct FCJProfile: Sendable {
  /// Peak position 2θ in degrees (the Bragg angle; the asymmetric profile's maximum lies below it for
  /// 2θ < 90° and above it for 2θ > 90°).
  public let twoTheta: Double
  /// Widths of the symmetric pseudo-Voigt that is convolved with the FCJ weight function.
  public let widths: PeakWidths
  public let asymmetry: FCJAsymmetry
  /// Quadrature nodes: offsets δₖ − 2θ in degrees of the pseudo-Voigt centres.
  public let nodeOffsets: [Double]
  /// Quadrature weights, summing to 1.
  public let nodeWeights: [Double]
  private let fwhm: Double
  private let eta: Double

  public init(twoTheta: Double, widths: PeakWidths, asymmetry: FCJAsymmetry) {
    self.twoTheta = twoTheta
    self.widths = widths
    self.asymmetry = asymmetry
    let fwhm = widths.fwhm
    self.fwhm = fwhm
    self.eta = PeakWidths.eta(lorentzianFWHM: widths.lorentzianFWHM, fwhm: fwhm)
    let capacity = FCJAsymmetry.maximumNodeCount
    var offsets = [Double](repeating: 0, count: capacity)
    var weights = [Double](repeating: 0, count: capacity)
    let count = offsets.withUnsafeMutableBufferPointer { o in
      weights.withUnsafeMutableBufferPointer { w in
        asymmetry.quadrature(twoTheta: twoTheta, fwhm: fwhm, offsets: o.baseAddress!, weights: w.baseAddress!)
      }
    }
    self.nodeOffsets = Array(offsets.prefix(count))
    self.nodeWeights = Array(weights.prefix(count))
  }

  /// The normalized profile (1/degree) at `point` (degrees 2θ).
  public func value(at point: Double) -> Double {
    var sum = 0.0
    for k in nodeOffsets.indices {
      sum += nodeWeights[k] * pseudoVoigt(offset: point - twoTheta - nodeOffsets[k], fwhm: fwhm, eta: eta)
    }
    return sum
  }

  /// The profile's CDF at `point` (degrees 2θ): its integral from −∞.
  public func cumulative(at point: Double) -> Double {
    var sum = 0.0
    for k in nodeOffsets.indices {
      sum += nodeWeights[k] * pseudoVoigtCDF(offset: point - twoTheta - nodeOffsets[k], fwhm: fwhm, eta: eta)
    }
    return sum
  }

  /// Mean shift of the profile from ``twoTheta`` in degrees (its first moment; negative below 90° 2θ).
  public var meanShift: Double { zip(nodeOffsets, nodeWeights).reduce(0) { $0 + $1.0 * $1.1 } }
}
