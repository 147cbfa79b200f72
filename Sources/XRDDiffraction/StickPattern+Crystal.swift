// From a crystal to its powder stick pattern: enumerate reflections, group them into families under the
// Laue class, compute |F|², multiply by multiplicity and Lorentz-polarization.
//
// Every hkl with d ≥ λ / (2 sin θmax) (and d ≤ λ / (2 sin θmin)) is visited once; the family of each
// unvisited hkl is its orbit {hR} under the Laue class (point-group rotations of the applied operations plus
// −1), and its size is the multiplicity. Nothing is assumed about absences: a family whose |F| vanishes
// (|F| ≤ 1e-6 of the all-in-phase bound Σ occ|f|T) is dropped, which removes every systematic absence of the
// operations actually applied. Intensity = m·mean|F|²·Lp, with mean|F|² = (|F(h)|² + |F(−h)|²)/2 —
// exact for every family, since |F| is constant on point-group orbits.

import Foundation
public import XRDCrystal

/// A family of reflections before structure factors: representative, multiplicity, d.
public struct ReflectionFamily: Sendable, Hashable {
  public var hkl: MillerIndex
  public var multiplicity: Int
  public var dSpacing: Double
}

/// The rotations of the Laue class of a set of operations: the distinct rotation parts and their negatives.
public func laueRotations(of operations: [SymmetryOperation]) -> [[Int]] {
  var seen = Set<[Int]>()
  var result: [[Int]] = []
  for op in operations {
    for r in [op.rotation, op.rotation.map { -$0 }] where seen.insert(r).inserted { result.append(r) }
  }
  return result
}

/// Every family of reflections of `cell` with d in [dMin, dMax], grouped by the Laue class `rotations`
/// (which must form a group), sorted by decreasing d.
public func reflectionFamilies(cell: UnitCell, rotations: [[Int]], dMin: Double, dMax: Double = .infinity)
  -> [ReflectionFamily]
{
  guard dMin > 0, dMin <= dMax else { return [] }
  let gMax2 = 1 / (dMin * dMin)
  let gMin2 = dMax.isFinite ? 1 / (dMax * dMax) : 0
  // |h| = |g·a| ≤ gMax·a, likewise k, l.
  let gMax = gMax2.squareRoot()
  let limit = SIMD3(Int((gMax * cell.a).rounded(.down)), Int((gMax * cell.b).rounded(.down)),
                    Int((gMax * cell.c).rounded(.down)))
  let width = 2 &* limit &+ 1
  guard width.x * width.y * width.z < 400_000_000 else { return [] }  // a cell/range no pattern needs
  var visited = [Bool](repeating: false, count: width.x * width.y * width.z)
  @inline(__always) func slot(_ m: MillerIndex) -> Int {
    ((m.h + limit.x) * width.y + (m.k + limit.y)) * width.z + (m.l + limit.z)
  }
  let tolerance = 1e-10 * gMax2
  var families: [ReflectionFamily] = []
  var members: [MillerIndex] = []
  // For fixed (h, k), 1/d² = A l² + 2B l + C is a convex quadratic in l: only l within two of the roots of
  // A l² + 2B l + C = gMax² + tolerance can pass the range test below (rounding moves the roots by far less than
  // one), so the scan visits the same indices in the same order without computing the others.
  let g = cell.reciprocalMetric
  let a2 = g[8], ceiling = gMax2 + tolerance
  for h in -limit.x...limit.x {
    for k in -limit.y...limit.y {
      let hd = Double(h), kd = Double(k)
      let b = hd * g[2] + kd * g[5], c = hd * hd * g[0] + kd * kd * g[4] + 2 * hd * kd * g[1]
      var lLow = -limit.z, lHigh = limit.z
      if a2 > 0 {
        let discriminant = b * b - a2 * (c - ceiling)
        let half = max(discriminant, 0).squareRoot() / a2, vertex = -b / a2
        if vertex.isFinite && half.isFinite && abs(vertex) + half < Double(limit.z) + 4 {
          lLow = max(lLow, Int((vertex - half).rounded(.down)) - 2)
          lHigh = min(lHigh, Int((vertex + half).rounded(.up)) + 2)
        }
      }
      guard lLow <= lHigh else { continue }
      for l in lLow...lHigh {
        let g2 = cell.inverseDSquared(Double(h), Double(k), Double(l))
        guard g2 <= gMax2 + tolerance, g2 >= gMin2 - tolerance, g2 > 0 else { continue }
        let m = MillerIndex(h: h, k: k, l: l)
        if visited[slot(m)] { continue }
        members.removeAll(keepingCapacity: true)
        for r in rotations {
          let e = m.transformed(by: r)
          guard abs(e.h) <= limit.x, abs(e.k) <= limit.y, abs(e.l) <= limit.z else { continue }
          let i = slot(e)
          if !visited[i] { visited[i] = true; members.append(e) }
        }
        families.append(ReflectionFamily(hkl: MillerIndex.preferredRepresentative(of: members),
                                         multiplicity: members.count, dSpacing: 1 / g2.squareRoot()))
      }
    }
  }
  families.sort { ($0.dSpacing, $0.hkl) > ($1.dSpacing, $1.hkl) }
  return families
}

extension StickPattern {
  /// The stick pattern of a crystal: one ``Reflection`` per family with non-vanishing |F| in the 2θ range.
  public init(crystal: Crystal, settings: DiffractionSettings = DiffractionSettings()) {
    self.init(calculator: StructureFactorCalculator(crystal: crystal, settings: settings))
  }

  /// The stick pattern from a prepared calculator.
  public init(calculator: StructureFactorCalculator) {
    let settings = calculator.settings
    let lambda = settings.wavelength
    let low = max(settings.twoThetaRange.lowerBound, 0), high = min(settings.twoThetaRange.upperBound, 180)
    guard lambda > 0, high > low else {
      self.init(wavelength: lambda, reflections: [])
      return
    }
    let dMin = lambda / (2 * sin(high * .pi / 360))
    let dMax = low > 0 ? lambda / (2 * sin(low * .pi / 360)) : .infinity
    let families = reflectionFamilies(cell: calculator.crystal.cell,
                                      rotations: laueRotations(of: calculator.crystal.operations),
                                      dMin: dMin, dMax: dMax)
    let factors = calculator.structureFactors(for: families.map(\.hkl))
    let lorentzPolarization = LorentzPolarization(monochromatorTwoTheta: settings.monochromatorTwoTheta)
    var reflections: [Reflection] = []
    reflections.reserveCapacity(families.count)
    for (family, f) in zip(families, factors) {
      let f2 = (f.plus.lengthSquared + f.minus.lengthSquared) / 2
      guard f2 > 1e-12 * f.inPhaseBound * f.inPhaseBound else { continue }
      let sinTheta = min(1, lambda / (2 * family.dSpacing))
      let twoTheta = 360 / Double.pi * asin(sinTheta)
      let lp = lorentzPolarization.value(braggSine: sinTheta)
      reflections.append(Reflection(hkl: family.hkl, multiplicity: family.multiplicity, dSpacing: family.dSpacing,
                                    twoTheta: twoTheta, structureFactorSquared: f2, lorentzPolarization: lp,
                                    intensity: Double(family.multiplicity) * f2 * lp))
    }
    self.init(wavelength: lambda, reflections: reflections)
  }
}

// MARK: - Homogeneous strain

/// A stick pattern prepared for many cells of one crystal (homogeneous strain: lattice parameters change,
/// fractional coordinates do not).
///
/// Prepared once: the reflection families over the settings' 2θ range widened for cells up to
/// `maximumStrain` larger or smaller (1/d² range × (1 ± maximumStrain)²), and their phase sums
/// (``StructureFactorCalculator/PhaseSums``). Per cell: d of every family from the new metric, the families in
/// the 2θ range picked and sorted as a fresh enumeration would, then f0(s), T(s), β of anisotropic atoms, |F|²,
/// 2θ and Lp — the same arithmetic in the same order as ``StickPattern/init(calculator:)``, so the result is bit
/// for bit that of a fresh calculation for the strained crystal (tested in StrainedVariantTests.swift).
/// Falls back to the fresh calculation when the new cell could bring in a family that was not prepared (its
/// metric differs by more than the prepared margin) or changes the full cell (images merged differently).
/// Not done: strain that changes the symmetry (the Laue class, hence the families, is the crystal's).
public struct StrainableStickPattern: Sendable {
  /// The calculator of the unstrained crystal.
  public let calculator: StructureFactorCalculator
  /// The largest relative change of a cell length (or 1/d) covered without falling back, e.g. 0.05 = ±5 %.
  public let maximumStrain: Double
  let families: [ReflectionFamily]
  /// Per family, its member first met in the (h, k, l) scan of ``reflectionFamilies(cell:rotations:dMin:dMax:)``
  /// (the lexicographically smallest): that enumeration takes d from this member.
  let firstMembers: [MillerIndex]
  let rotations: [[Int]]
  let sums: StructureFactorCalculator.PhaseSums
  /// The 1/d² range of the base cell whose families were prepared (Å⁻²).
  let coveredInverseDSquared: ClosedRange<Double>

  public init(calculator: StructureFactorCalculator, maximumStrain: Double = 0.05) {
    self.calculator = calculator
    self.maximumStrain = max(0, maximumStrain)
    let range = Self.inverseDSquaredRange(calculator.settings)
    let grow = (1 + self.maximumStrain) * (1 + self.maximumStrain) * (1 + 1e-6)
    let shrink = max(0, (1 - self.maximumStrain) * (1 - self.maximumStrain) * (1 - 1e-6))
    guard let range, range.upperBound.isFinite else {
      families = []; firstMembers = []; coveredInverseDSquared = 0...0; rotations = []
      sums = calculator.phaseSums(for: [])
      return
    }
    let high = range.upperBound * grow, low = range.lowerBound * shrink
    let rotations = laueRotations(of: calculator.crystal.operations)
    // A widened range whose index box reflectionFamilies refuses (a cell no pattern needs): nothing prepared,
    // every cell takes the fresh path.
    let cell = calculator.crystal.cell, gMax = high.squareRoot()
    let box = SIMD3(2 * Int((gMax * cell.a).rounded(.down)) + 1, 2 * Int((gMax * cell.b).rounded(.down)) + 1,
                    2 * Int((gMax * cell.c).rounded(.down)) + 1)
    guard box.x * box.y * box.z < 400_000_000 else {
      families = []; firstMembers = []; coveredInverseDSquared = 0...0; self.rotations = rotations
      sums = calculator.phaseSums(for: [])
      return
    }
    self.rotations = rotations
    families = reflectionFamilies(cell: calculator.crystal.cell, rotations: rotations, dMin: 1 / high.squareRoot(),
                                  dMax: low > 0 ? 1 / low.squareRoot() : .infinity)
    firstMembers = families.map { family in rotations.map { family.hkl.transformed(by: $0) }.min()! }
    // What reflectionFamilies certainly contains (its own tolerance only adds).
    coveredInverseDSquared = low...high
    sums = calculator.phaseSums(for: families.map(\.hkl))
  }

  /// The settings' 2θ range as a 1/d² range (nil when the range is empty), as ``StickPattern/init(calculator:)``
  /// computes it.
  package static func inverseDSquaredRange(_ settings: DiffractionSettings) -> ClosedRange<Double>? {
    let lambda = settings.wavelength
    let low = max(settings.twoThetaRange.lowerBound, 0), high = min(settings.twoThetaRange.upperBound, 180)
    guard lambda > 0, high > low else { return nil }
    let dMin = lambda / (2 * sin(high * .pi / 360))
    let dMax = low > 0 ? lambda / (2 * sin(low * .pi / 360)) : .infinity
    guard dMin > 0, dMin <= dMax else { return nil }
    return (dMax.isFinite ? 1 / (dMax * dMax) : 0)...(1 / (dMin * dMin))
  }

  /// The stick pattern of the unstrained crystal.
  public func stickPattern() -> StickPattern {
    stickPattern(calculator: calculator)
  }

  /// The stick pattern of the crystal with cell `cell` (same settings).
  public func stickPattern(cell: UnitCell) -> StickPattern {
    stickPattern(calculator: cell == calculator.crystal.cell ? calculator : calculator.withCell(cell))
  }

  /// The stick pattern from a calculator of this crystal with another cell (``StructureFactorCalculator/withCell(_:)``).
  public func stickPattern(calculator strained: StructureFactorCalculator) -> StickPattern {
    let settings = strained.settings
    let lambda = settings.wavelength
    guard settings == calculator.settings, coveredInverseDSquared.upperBound > 0, strained.canReuse(sums),
          let range = Self.inverseDSquaredRange(settings), covers(strained.crystal.cell, range)
    else {
      return StickPattern(calculator: strained)
    }
    let cell = strained.crystal.cell
    // As reflectionFamilies(cell:rotations:dMin:dMax:) with the strained cell.
    let gMax2 = range.upperBound, gMin2 = range.lowerBound
    let gMax = gMax2.squareRoot()
    let limit = SIMD3(Int((gMax * cell.a).rounded(.down)), Int((gMax * cell.b).rounded(.down)),
                      Int((gMax * cell.c).rounded(.down)))
    let width = 2 &* limit &+ 1
    guard width.x * width.y * width.z < 400_000_000 else { return StickPattern(calculator: strained) }
    let tolerance = 1e-10 * gMax2
    // Members of one family have the same d only as far as the new metric keeps the Laue symmetry: within
    // `asymmetry`·(|h|+|k|+|l|)² of each other in 1/d². A family that far from a bound of the range is done
    // as the fresh enumeration does it, member by member (also every family when a strain breaks the symmetry).
    let asymmetry = Self.asymmetry(of: cell.reciprocalMetric, under: rotations)
    struct Pick { var family: Int; var hkl: MillerIndex; var multiplicity: Int; var d: Double }
    var picks: [Pick] = []
    picks.reserveCapacity(families.count)
    for (i, m) in firstMembers.enumerated() {
      let n = Double(abs(m.h) + abs(m.k) + abs(m.l))
      let band = 2 * asymmetry * n * n + 4 * tolerance
      let g2 = cell.inverseDSquared(Double(m.h), Double(m.k), Double(m.l))
      if g2 - band > gMin2 && g2 + band < gMax2, abs(m.h) <= limit.x, abs(m.k) <= limit.y, abs(m.l) <= limit.z {
        picks.append(Pick(family: i, hkl: families[i].hkl, multiplicity: families[i].multiplicity, d: 1 / g2.squareRoot()))
        continue
      }
      // No member within reach of the range (every member's 1/d² is within `band` − 4·tolerance of this one's, and
      // the range test below allows `tolerance`): what the member-by-member search would find, without it. Most
      // families prepared for the widened range and now outside the scan end here.
      if g2 - band > gMax2 || g2 + band < gMin2 { continue }
      // As reflectionFamilies(cell:rotations:dMin:dMax:): the first member in (h, k, l) order inside the box and
      // the range, its d, and the members its orbit reaches inside the box.
      let orbit = Set(rotations.map { m.transformed(by: $0) }).sorted()
      guard let first = orbit.first(where: { e in
        guard abs(e.h) <= limit.x, abs(e.k) <= limit.y, abs(e.l) <= limit.z else { return false }
        let g2 = cell.inverseDSquared(Double(e.h), Double(e.k), Double(e.l))
        return g2 <= gMax2 + tolerance && g2 >= gMin2 - tolerance && g2 > 0
      }) else { continue }
      var members: [MillerIndex] = []
      for r in rotations {
        let e = first.transformed(by: r)
        guard abs(e.h) <= limit.x, abs(e.k) <= limit.y, abs(e.l) <= limit.z, !members.contains(e) else { continue }
        members.append(e)
      }
      let representative = MillerIndex.preferredRepresentative(of: members)
      let firstG2 = cell.inverseDSquared(Double(first.h), Double(first.k), Double(first.l))
      picks.append(Pick(family: representative == families[i].hkl ? i : -1, hkl: representative,
                        multiplicity: members.count, d: 1 / firstG2.squareRoot()))
    }
    // Usually in order already (the base cell's order, which a small strain rarely changes): sort only if not.
    let before: (Pick, Pick) -> Bool = { ($0.d, $0.hkl) > ($1.d, $1.hkl) }
    if zip(picks, picks.dropFirst()).contains(where: { !before($0, $1) }) { picks.sort(by: before) }
    // |F|² from the phase sums where the representative was prepared, else computed afresh.
    let reused = strained.structureFactors(reusing: sums, selection: picks.compactMap { $0.family >= 0 ? $0.family : nil })
    let others = picks.filter { $0.family < 0 }.map(\.hkl)
    let fresh = others.isEmpty ? [] : strained.structureFactors(for: others)
    var nextReused = 0, nextFresh = 0
    let lorentzPolarization = LorentzPolarization(monochromatorTwoTheta: settings.monochromatorTwoTheta)
    var reflections: [Reflection] = []
    reflections.reserveCapacity(picks.count)
    for pick in picks {
      let f2: Double, bound: Double
      if pick.family >= 0 {
        let f = reused[nextReused]
        nextReused += 1
        f2 = (f.plus.lengthSquared + f.minus.lengthSquared) / 2
        bound = f.bound
      } else {
        let f = fresh[nextFresh]
        nextFresh += 1
        f2 = (f.plus.lengthSquared + f.minus.lengthSquared) / 2
        bound = f.inPhaseBound
      }
      guard f2 > 1e-12 * bound * bound else { continue }
      let sinTheta = min(1, lambda / (2 * pick.d))
      let twoTheta = 360 / Double.pi * asin(sinTheta)
      let lp = lorentzPolarization.value(braggSine: sinTheta)
      reflections.append(Reflection(hkl: pick.hkl, multiplicity: pick.multiplicity, dSpacing: pick.d,
                                    twoTheta: twoTheta, structureFactorSquared: f2, lorentzPolarization: lp,
                                    intensity: Double(pick.multiplicity) * f2 * lp))
    }
    return StickPattern(wavelength: lambda, reflections: reflections)
  }

  /// max over the rotations R and entries of |R G* Rᵀ − G*|: how far the metric is from the Laue symmetry
  /// (for h′ = hR, |1/d²(h′) − 1/d²(h)| ≤ this × (|h|+|k|+|l|)²).
  static func asymmetry(of g: [Double], under rotations: [[Int]]) -> Double {
    var worst = 0.0
    for r in rotations {
      for i in 0..<3 {
        for j in i..<3 {
          var v = 0.0
          for k in 0..<3 where r[3 * i + k] != 0 {
            for l in 0..<3 where r[3 * j + l] != 0 { v += Double(r[3 * i + k] * r[3 * j + l]) * g[3 * k + l] }
          }
          worst = max(worst, abs(v - g[3 * i + j]))
        }
      }
    }
    return worst
  }

  /// Whether every reflection with 1/d² in `range` for `cell` has 1/d² in the prepared range for the base cell.
  ///
  /// With G*, G*′ the reciprocal metrics of the base and the new cell, 1/d²_base = hᵀG*h lies within
  /// [λmin, λmax] × hᵀG*′h, λ the eigenvalues of G*′⁻¹G* (those of L⁻¹G*L⁻ᵀ for G*′ = LLᵀ, in closed form);
  /// a relative margin of 1e-9 absorbs their rounding and the enumeration's tolerance of 1e-10.
  package func covers(_ cell: UnitCell, _ range: ClosedRange<Double>) -> Bool {
    guard let (lowest, highest) = metricRatioBounds(base: calculator.crystal.cell.reciprocalMetric,
                                                     new: cell.reciprocalMetric) else { return false }
    let margin = 1e-9
    let upper = range.upperBound * (1 + margin) * highest * (1 + margin)
    let lower = range.lowerBound * (1 - margin) * lowest * (1 - margin)
    return upper <= coveredInverseDSquared.upperBound && (range.lowerBound == 0 ? coveredInverseDSquared.lowerBound == 0
                                                          : lower >= coveredInverseDSquared.lowerBound)
  }
}

/// The least and largest eigenvalue of new⁻¹·base for two symmetric positive-definite 3×3 matrices (row-major):
/// the range of xᵀ base x / xᵀ new x. nil if `new` is not positive definite.
package func metricRatioBounds(base b: [Double], new a: [Double]) -> (Double, Double)? {
  // Cholesky a = L Lᵀ.
  let l00 = a[0].squareRoot()
  guard l00 > 0 else { return nil }
  let l10 = a[3] / l00, l20 = a[6] / l00
  let d11 = a[4] - l10 * l10
  guard d11 > 0 else { return nil }
  let l11 = d11.squareRoot()
  let l21 = (a[7] - l20 * l10) / l11
  let d22 = a[8] - l20 * l20 - l21 * l21
  guard d22 > 0 else { return nil }
  let l22 = d22.squareRoot()
  // M = L⁻¹ B L⁻ᵀ: first X = L⁻¹ B (forward substitution per column), then M = X L⁻ᵀ = (L⁻¹ Xᵀ)ᵀ.
  func solve(_ v: SIMD3<Double>) -> SIMD3<Double> {
    let y0 = v.x / l00
    let y1 = (v.y - l10 * y0) / l11
    let y2 = (v.z - l20 * y0 - l21 * y1) / l22
    return SIMD3(y0, y1, y2)
  }
  let x0 = solve(SIMD3(b[0], b[3], b[6])), x1 = solve(SIMD3(b[1], b[4], b[7])), x2 = solve(SIMD3(b[2], b[5], b[8]))
  // X columns x0, x1, x2; rows of X are (x0[i], x1[i], x2[i]); M = L⁻¹ Xᵀ columns.
  let m0 = solve(SIMD3(x0[0], x1[0], x2[0])), m1 = solve(SIMD3(x0[1], x1[1], x2[1])), m2 = solve(SIMD3(x0[2], x1[2], x2[2]))
  let m00 = m0[0], m11 = m1[1], m22 = m2[2]
  let m01 = (m0[1] + m1[0]) / 2, m02 = (m0[2] + m2[0]) / 2, m12 = (m1[2] + m2[1]) / 2
  // Eigenvalues of a symmetric 3×3 matrix (Smith 1961).
  let p1 = m01 * m01 + m02 * m02 + m12 * m12
  let q = (m00 + m11 + m22) / 3
  let p2 = (m00 - q) * (m00 - q) + (m11 - q) * (m11 - q) + (m22 - q) * (m22 - q) + 2 * p1
  let p = (p2 / 6).squareRoot()
  guard p > 0 else { return (q, q) }
  let b00 = (m00 - q) / p, b11 = (m11 - q) / p, b22 = (m22 - q) / p
  let b01 = m01 / p, b02 = m02 / p, b12 = m12 / p
  let det = b00 * (b11 * b22 - b12 * b12) - b01 * (b01 * b22 - b12 * b02) + b02 * (b01 * b12 - b11 * b02)
  let r = min(1, max(-1, det / 2))
  let phi = acos(r) / 3
  let largest = q + 2 * p * cos(phi)
  let smallest = q + 2 * p * cos(phi + 2 * Double.pi / 3)
  return (smallest, largest)
}
