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
  for h in -limit.x...limit.x {
    for k in -limit.y...limit.y {
      for l in -limit.z...limit.z {
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
    var reflections: [Reflection] = []
    reflections.reserveCapacity(families.count)
    for (family, f) in zip(families, factors) {
      let f2 = (f.plus.lengthSquared + f.minus.lengthSquared) / 2
      let bound = calculator.inPhaseBound(family.hkl)
      guard f2 > 1e-12 * bound * bound else { continue }
      let twoTheta = 360 / Double.pi * asin(min(1, lambda / (2 * family.dSpacing)))
      let lp = lorentzPolarization(twoTheta: twoTheta, monochromatorTwoTheta: settings.monochromatorTwoTheta)
      reflections.append(Reflection(hkl: family.hkl, multiplicity: family.multiplicity, dSpacing: family.dSpacing,
                                    twoTheta: twoTheta, structureFactorSquared: f2, lorentzPolarization: lp,
                                    intensity: Double(family.multiplicity) * f2 * lp))
    }
    self.init(wavelength: lambda, reflections: reflections)
  }
}
