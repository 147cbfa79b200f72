// Structure factors by direct summation over the full cell.
//
// F(h) = Σ_j occ_j (f0_j(s) + f′_j + i f″_j) T_j(h) exp(2πi h·x_j), s = sinθ/λ = 1/(2d);
// f0 from Waasmaier & Kirfel (1995) (or ITC Vol. C 6.1.1.4), f′/f″ for the wavelength,
// T_j = exp(−8π²U s²) (isotropic) or exp(−hᵀβ_j h) (anisotropic, β rotated to each image).
// Atoms with the same species and U are grouped, so f0 and T are evaluated once per group and reflection;
// the phase factors exp(2πi h x) come from per-atom tables built by recurrence, so the inner loop is two
// complex multiplications per atom and reflection (no trigonometric calls).
// Not done: FFT summation. Powder patterns need < 10⁴ reflections; direct summation is exact and simple.

public import ComplexModule
public import RealModule
import Foundation
public import XRDCrystal

/// Computes structure factors of one crystal under fixed settings; prepare once, evaluate many times.
public struct StructureFactorCalculator: Sendable {
  public let crystal: Crystal
  public let settings: DiffractionSettings
  /// The full-cell atoms the sums run over.
  public let atoms: [CellAtom]

  // One group: atoms of one species and one isotropic U (or anisotropic atoms of one species).
  struct Group: Sendable {
    var speciesIndex: Int
    var uIso: Double          // isotropic U of the group (0 for anisotropic groups: T is per atom)
    var isAnisotropic: Bool
    var atoms: Range<Int>     // into the flat per-atom arrays
    var occupancySum = 0.0    // Σ occ over `atoms`, for the in-phase bound
  }

  let formFactors: [FormFactor]
  let species: [Species]
  let formFactorOverride: FormFactorFunction?
  let fPrime: [Double]
  let fDoublePrime: [Double]
  let groups: [Group]
  // Flat per-atom data in group order.
  let positions: [SIMD3<Double>]
  let occupancies: [Double]
  let betas: [SIMD8<Double>]  // β11 β22 β33 2β12 2β13 2β23 (+2 unused)

  public init(crystal: Crystal, settings: DiffractionSettings = DiffractionSettings()) {
    self.init(crystal: crystal, settings: settings, formFactorOverride: nil)
  }

  /// f0(element, s) replacing the table, to reproduce another program's convention in tests.
  package typealias FormFactorFunction = @Sendable (_ element: Element, _ sinThetaOverLambda: Double) -> Double

  package init(crystal: Crystal, settings: DiffractionSettings, formFactorOverride: FormFactorFunction?) {
    self.formFactorOverride = formFactorOverride
    self.crystal = crystal
    self.settings = settings
    let atoms = crystal.fullCell()
    self.atoms = atoms
    let layout = Self.layout(atoms: atoms, crystal: crystal, settings: settings)
    self.groups = layout.groups
    self.positions = layout.positions
    self.occupancies = layout.occupancies
    self.betas = layout.betas
    let speciesList = layout.species
    species = speciesList
    formFactors = speciesList.map { FormFactor(species: $0, table: settings.formFactorTable, useIonic: settings.ionicFormFactors) }
    if settings.anomalousDispersion {
      let dispersion = speciesList.map { anomalousScattering(for: $0.element, wavelength: settings.wavelength) }
      fPrime = dispersion.map(\.fPrime)
      fDoublePrime = dispersion.map(\.fDoublePrime)
    } else {
      fPrime = speciesList.map { _ in 0 }
      fDoublePrime = fPrime
    }
  }

  /// The species list, groups and flat per-atom arrays of a full cell (shared by the initialisers).
  static func layout(atoms: [CellAtom], crystal: Crystal, settings: DiffractionSettings)
    -> (species: [Species], groups: [Group], positions: [SIMD3<Double>], occupancies: [Double], betas: [SIMD8<Double>])
  {
    // Species actually used for the form factor.
    var speciesList: [Species] = []
    var speciesIndexOf: [Species: Int] = [:]
    func speciesIndex(_ s: Species) -> Int {
      let key = settings.ionicFormFactors ? s : Species(element: s.element, charge: 0)
      if let i = speciesIndexOf[key] { return i }
      speciesIndexOf[key] = speciesList.count
      speciesList.append(key)
      return speciesList.count - 1
    }
    struct Key: Hashable { var species: Int; var uIso: Double; var anisotropic: Bool }
    var members: [Key: [Int]] = [:]
    var keyOrder: [Key] = []
    for (i, atom) in atoms.enumerated() {
      let s = speciesIndex(atom.species)
      var key: Key
      let site = crystal.sites[atom.siteIndex]
      if !settings.displacementParameters {
        key = Key(species: s, uIso: 0, anisotropic: false)
      } else if site.displacement == .none {
        key = Key(species: s, uIso: settings.defaultUIso, anisotropic: false)
      } else if atom.isIsotropic {
        key = Key(species: s, uIso: atom.uIso ?? 0, anisotropic: false)
      } else {
        switch settings.displacementModel {
        case .anisotropic:
          key = Key(species: s, uIso: 0, anisotropic: true)
        case .equivalentIsotropic:
          key = Key(species: s, uIso: site.displacement.uEquivalent(in: crystal.cell) ?? 0, anisotropic: false)
        case .isotropicAsWritten:
          key = Key(species: s, uIso: site.writtenUIso ?? 0, anisotropic: false)
        }
      }
      if members[key] == nil { keyOrder.append(key) }
      members[key, default: []].append(i)
    }
    var groups: [Group] = []
    var positions: [SIMD3<Double>] = []
    var occupancies: [Double] = []
    var betas: [SIMD8<Double>] = []
    positions.reserveCapacity(atoms.count)
    occupancies.reserveCapacity(atoms.count)
    betas.reserveCapacity(atoms.count)
    for key in keyOrder {
      let start = positions.count
      for i in members[key]! {
        let atom = atoms[i]
        positions.append(atom.position)
        occupancies.append(atom.occupancy)
        let b = atom.beta
        betas.append(key.anisotropic
          ? SIMD8(b[0], b[4], b[8], 2 * b[1], 2 * b[2], 2 * b[5], 0, 0)
          : SIMD8(repeating: 0))
      }
      var occupancySum = 0.0
      for a in start..<positions.count { occupancySum += occupancies[a] }
      groups.append(Group(speciesIndex: key.species, uIso: key.uIso, isAnisotropic: key.anisotropic,
                          atoms: start..<positions.count, occupancySum: occupancySum))
    }
    return (speciesList, groups, positions, occupancies, betas)
  }

  /// Every stored property given (for ``withCell(_:)``).
  private init(crystal: Crystal, settings: DiffractionSettings, atoms: [CellAtom], formFactors: [FormFactor],
               species: [Species], formFactorOverride: FormFactorFunction?, fPrime: [Double], fDoublePrime: [Double],
               groups: [Group], positions: [SIMD3<Double>], occupancies: [Double], betas: [SIMD8<Double>]) {
    self.crystal = crystal; self.settings = settings; self.atoms = atoms; self.formFactors = formFactors
    self.species = species; self.formFactorOverride = formFactorOverride; self.fPrime = fPrime
    self.fDoublePrime = fDoublePrime; self.groups = groups; self.positions = positions
    self.occupancies = occupancies; self.betas = betas
  }

  /// The species whose form factors are used (after the ionic/neutral choice and the table's fallback).
  public var resolvedSpecies: [Species] { formFactors.map(\.resolvedSpecies) }

  /// F(h) in electrons, by direct summation with trigonometric calls (the reference path; see
  /// ``structureFactors(for:)`` for the fast path used by patterns).
  public func structureFactor(_ hkl: MillerIndex) -> Complex<Double> {
    let s2 = crystal.cell.inverseDSquared(Double(hkl.h), Double(hkl.k), Double(hkl.l)) / 4
    let hv = SIMD3(Double(hkl.h), Double(hkl.k), Double(hkl.l))
    var total = Complex<Double>.zero
    var f0 = [Double?](repeating: nil, count: formFactors.count)
    for group in groups {
      let si = group.speciesIndex
      let base = f0[si] ?? formFactor(si, s2.squareRoot())
      f0[si] = base
      let t = group.isAnisotropic ? 1 : exp(-8 * Double.pi * Double.pi * group.uIso * s2)
      let f = Complex(base + fPrime[si], fDoublePrime[si]).multiplied(by: t)
      var sum = Complex<Double>.zero
      for a in group.atoms {
        let phase = 2 * Double.pi * (hv * positions[a]).sum()
        var w = occupancies[a]
        if group.isAnisotropic { w *= exp(-anisotropicExponent(betas[a], hkl)) }
        sum += Complex(w * cos(phase), w * sin(phase))
      }
      total += f * sum
    }
    return total
  }

  /// F(h) and F(−h) for many reflections at once, by phase tables (exact up to rounding, ~1e-13 relative).
  /// Every index must satisfy |h| ≤ `limits.x`, |k| ≤ `limits.y`, |l| ≤ `limits.z`.
  /// Each result also carries the in-phase bound Σ occ·|f|·T of its reflection (the scale against which a
  /// vanishing |F| is recognised), from the same form-factor values, so it costs no second evaluation.
  public func structureFactors(for indices: [MillerIndex])
    -> [(plus: Complex<Double>, minus: Complex<Double>, inPhaseBound: Double)]
  {
    var limits = SIMD3<Int>(0, 0, 0)
    for m in indices { limits = pointwiseMax(limits, SIMD3(abs(m.h), abs(m.k), abs(m.l))) }
    let tables = PhaseTables(positions: positions, limits: limits)
    var result: [(plus: Complex<Double>, minus: Complex<Double>, inPhaseBound: Double)] = []
    result.reserveCapacity(indices.count)
    var factors = ScatteringFactors(self)
    var f0 = [Double](repeating: 0, count: formFactors.count)
    var debyeWaller = [Double](repeating: 1, count: groups.count)
    var magnitudes = [Double](repeating: 0, count: formFactors.count)  // |f0 + f′ + i f″| per species
    for hkl in indices {
      let s2 = crystal.cell.inverseDSquared(Double(hkl.h), Double(hkl.k), Double(hkl.l)) / 4
      factors.evaluate(self, s2: s2, f0: &f0, t: &debyeWaller)
      for i in magnitudes.indices { magnitudes[i] = Complex(f0[i] + fPrime[i], fDoublePrime[i]).length }
      var plusRe = 0.0, plusIm = 0.0, minusRe = 0.0, minusIm = 0.0, bound = 0.0
      for (g, group) in groups.enumerated() {
        let si = group.speciesIndex
        let t = debyeWaller[g]
        let fr = (f0[si] + fPrime[si]) * t, fi = fDoublePrime[si] * t
        // Σ occ·|f|·T: the largest |F| the atoms could give at this s (all in phase), the scale against which a
        // vanishing |F| (systematic absence) is recognised independently of the scale of the structure.
        bound += magnitudes[si] * t * group.occupancySum
        var sr = 0.0, sim = 0.0
        if group.isAnisotropic {
          for a in group.atoms {
            let (pr, pi) = tables.phase(atom: a, hkl)
            let w = occupancies[a] * exp(-anisotropicExponent(betas[a], hkl))
            sr += w * pr; sim += w * pi
          }
        } else {
          (sr, sim) = occupancies.withUnsafeBufferPointer { tables.weightedSum(group.atoms, hkl, weights: $0) }
        }
        // f·S for h and f·conj(S) for −h (T and occupancies are real and even in h).
        plusRe += fr * sr - fi * sim; plusIm += fr * sim + fi * sr
        minusRe += fr * sr + fi * sim; minusIm += fi * sr - fr * sim
      }
      result.append((Complex(plusRe, plusIm), Complex(minusRe, minusIm), bound))
    }
    return result
  }

  @inline(__always)
  func formFactor(_ index: Int, _ s: Double) -> Double {
    if let formFactorOverride { return formFactorOverride(species[index].element, s) }
    return formFactors[index].value(sinThetaOverLambda: s)
  }


}

// MARK: - Homogeneous strain

extension StructureFactorCalculator {
  /// The parts of F(h) that a homogeneous strain leaves unchanged, for a list of reflections.
  ///
  /// A strain changes the cell but not the fractional coordinates, so per reflection the phase sum of each
  /// isotropic group, S_g(h) = Σ_j occ_j exp(2πi h·x_j), is the same for every cell of the crystal; only
  /// s = 1/(2d), f0(s), T(s) = exp(−8π²U s²) change. For anisotropic atoms T_j(h) = exp(−hᵀβ_j h) depends on
  /// the cell through β_j = 2π² U_ij a*_i a*_j, so their phase factors exp(2πi h·x_j) are kept one by one and
  /// weighted with β_j of the new cell. Made by ``phaseSums(for:)``, used by ``structureFactors(reusing:selection:)``
  /// of a calculator for another cell (``withCell(_:)``).
  public struct PhaseSums: Sendable {
    /// The reflections, in the order given.
    public let indices: [MillerIndex]
    /// Per reflection, per group: (Re S_g, Im S_g) for isotropic groups, (0, 0) for anisotropic ones.
    let groupSums: [Double]
    /// Per reflection, per atom of an anisotropic group (in atom order): (cos, sin) of 2π h·x_j.
    let atomPhases: [Double]
    let anisotropicAtomCount: Int
    // The layout the sums were made with: a calculator can reuse them only if its own is the same.
    let positions: [SIMD3<Double>]
    let occupancies: [Double]
    let groupLayout: [GroupLayout]
  }

  struct GroupLayout: Sendable, Equatable {
    var speciesIndex: Int
    var isAnisotropic: Bool
    var atoms: Range<Int>
  }

  var groupLayout: [GroupLayout] {
    groups.map { GroupLayout(speciesIndex: $0.speciesIndex, isAnisotropic: $0.isAnisotropic, atoms: $0.atoms) }
  }

  /// The cell-independent phase sums of `indices` (see ``PhaseSums``), by the same phase tables and in the
  /// same order as ``structureFactors(for:)``, so that F computed from them is bit for bit the same.
  public func phaseSums(for indices: [MillerIndex]) -> PhaseSums {
    var limits = SIMD3<Int>(0, 0, 0)
    for m in indices { limits = pointwiseMax(limits, SIMD3(abs(m.h), abs(m.k), abs(m.l))) }
    let tables = PhaseTables(positions: positions, limits: limits)
    var anisotropicAtomCount = 0
    for group in groups where group.isAnisotropic { anisotropicAtomCount += group.atoms.count }
    var groupSums = [Double](repeating: 0, count: indices.count * groups.count * 2)
    var atomPhases = [Double](repeating: 0, count: indices.count * anisotropicAtomCount * 2)
    for (r, hkl) in indices.enumerated() {
      var g = r * groups.count * 2
      var p = r * anisotropicAtomCount * 2
      for group in groups {
        if group.isAnisotropic {
          for a in group.atoms {
            let (pr, pi) = tables.phase(atom: a, hkl)
            atomPhases[p] = pr; atomPhases[p + 1] = pi
            p += 2
          }
        } else {
          let (sr, sim) = occupancies.withUnsafeBufferPointer { tables.weightedSum(group.atoms, hkl, weights: $0) }
          groupSums[g] = sr; groupSums[g + 1] = sim
        }
        g += 2
      }
    }
    return PhaseSums(indices: indices, groupSums: groupSums, atomPhases: atomPhases,
                     anisotropicAtomCount: anisotropicAtomCount, positions: positions, occupancies: occupancies,
                     groupLayout: groupLayout)
  }

  /// The same crystal with another cell (e.g. homogeneously strained): the full cell expanded again for the
  /// new cell (β of anisotropic atoms and equivalent isotropic U depend on it; images are merged at a
  /// distance in Å), form factors and f′, f″ kept (they do not depend on the cell).
  public func withCell(_ cell: UnitCell) -> StructureFactorCalculator {
    var crystal = self.crystal
    crystal.cell = cell
    let atoms = crystal.fullCell()
    let layout = Self.layout(atoms: atoms, crystal: crystal, settings: settings)
    guard layout.species == species else {
      return StructureFactorCalculator(crystal: crystal, settings: settings, formFactorOverride: formFactorOverride)
    }
    return StructureFactorCalculator(
      crystal: crystal, settings: settings, atoms: atoms, formFactors: formFactors, species: species,
      formFactorOverride: formFactorOverride, fPrime: fPrime, fDoublePrime: fDoublePrime, groups: layout.groups,
      positions: layout.positions, occupancies: layout.occupancies, betas: layout.betas)
  }

  /// Whether `sums` were made by a calculator with the same atoms and groups as this one (then
  /// ``structureFactors(reusing:selection:)`` may use them). False when a new cell merged images differently.
  public func canReuse(_ sums: PhaseSums) -> Bool {
    sums.positions == positions && sums.occupancies == occupancies && sums.groupLayout == groupLayout
  }

  /// F(h), F(−h) and the all-in-phase bound Σ occ|f|T for the reflections `sums.indices[selection]`, with
  /// this calculator's cell, U and β and the phase sums of `sums` — the same arithmetic in the same order as
  /// ``structureFactors(for:)``, so the values are bit for bit those of a fresh calculation.
  /// - Precondition: ``canReuse(_:)`` is true for `sums`.
  package func structureFactors(reusing sums: PhaseSums, selection: [Int])
    -> [(plus: Complex<Double>, minus: Complex<Double>, bound: Double)]
  {
    precondition(canReuse(sums), "phase sums of another crystal layout")
    let occupancySums = groups.map(\.occupancySum)  // summed in atom order, as structureFactors(for:) reads them
    var result: [(plus: Complex<Double>, minus: Complex<Double>, bound: Double)] = []
    result.reserveCapacity(selection.count)
    var factors = ScatteringFactors(self)
    var f0 = [Double](repeating: 0, count: formFactors.count)
    var debyeWaller = [Double](repeating: 1, count: groups.count)
    var magnitudes = [Double](repeating: 0, count: formFactors.count)  // |f0 + f′ + i f″| per species
    let cell = crystal.cell
    let groupCount = groups.count, atomCount = sums.anisotropicAtomCount
    // Per-group and per-species scratch as raw buffers: the group loop below runs ~10⁴ times per pattern.
    let groupSpecies = UnsafeMutableBufferPointer<Int>.allocate(capacity: groupCount)
    let speciesReal = UnsafeMutableBufferPointer<Double>.allocate(capacity: formFactors.count)
    defer { groupSpecies.deallocate(); speciesReal.deallocate() }
    for (g, group) in groups.enumerated() { groupSpecies[g] = group.speciesIndex }
    let anyAnisotropic = groups.contains { $0.isAnisotropic }
    sums.groupSums.withUnsafeBufferPointer { groupSums in
      sums.atomPhases.withUnsafeBufferPointer { atomPhases in
        for r in selection {
          let hkl = sums.indices[r]
          let s2 = cell.inverseDSquared(Double(hkl.h), Double(hkl.k), Double(hkl.l)) / 4
          factors.evaluate(self, s2: s2, f0: &f0, t: &debyeWaller)
          for i in magnitudes.indices {
            magnitudes[i] = Complex(f0[i] + fPrime[i], fDoublePrime[i]).length
            speciesReal[i] = f0[i] + fPrime[i]
          }
          var plusRe = 0.0, plusIm = 0.0, minusRe = 0.0, minusIm = 0.0, bound = 0.0
          if !anyAnisotropic {
            // The loop below without its anisotropic branch, on raw buffers: the same operations in the same order.
            debyeWaller.withUnsafeBufferPointer { t in
              fDoublePrime.withUnsafeBufferPointer { fpp in
                magnitudes.withUnsafeBufferPointer { m in
                  occupancySums.withUnsafeBufferPointer { occ in
                    let sums = groupSums.baseAddress! + r * groupCount * 2
                    for g in 0..<groupCount {
                      let si = groupSpecies[g]
                      let tg = t[g]
                      let fr = speciesReal[si] * tg, fi = fpp[si] * tg
                      let sr = sums[2 * g], sim = sums[2 * g + 1]
                      plusRe += fr * sr - fi * sim; plusIm += fr * sim + fi * sr
                      minusRe += fr * sr + fi * sim; minusIm += fi * sr - fr * sim
                      bound += m[si] * tg * occ[g]
                    }
                  }
                }
              }
            }
            result.append((Complex(plusRe, plusIm), Complex(minusRe, minusIm), bound))
            continue
          }
          var p = r * atomCount * 2
          for (g, group) in groups.enumerated() {
            let si = group.speciesIndex
            // T and the in-phase bound exactly as in structureFactors(for:), so fresh and reused values agree bit for bit.
            let t = debyeWaller[g]
            let fr = (f0[si] + fPrime[si]) * t, fi = fDoublePrime[si] * t
            var sr = 0.0, sim = 0.0
            if group.isAnisotropic {
              for a in group.atoms {
                let pr = atomPhases[p], pi = atomPhases[p + 1]
                p += 2
                let w = occupancies[a] * exp(-anisotropicExponent(betas[a], hkl))
                sr += w * pr; sim += w * pi
              }
            } else {
              let index = (r * groupCount + g) * 2
              sr = groupSums[index]; sim = groupSums[index + 1]
            }
            plusRe += fr * sr - fi * sim; plusIm += fr * sim + fi * sr
            minusRe += fr * sr + fi * sim; minusIm += fi * sr - fr * sim
            bound += magnitudes[si] * t * occupancySums[g]
          }
          result.append((Complex(plusRe, plusIm), Complex(minusRe, minusIm), bound))
        }
      }
    }
    return result
  }
}

// MARK: - Implementation details

/// The form factors f0 of a calculator's species and the Debye–Waller factors T = exp(−8π²U s²) of its isotropic
/// groups at one s² = (sinθ/λ)², for the fast paths (``StructureFactorCalculator/structureFactors(for:)`` and
/// ``StructureFactorCalculator/structureFactors(reusing:selection:)``, which must agree bit for bit): every
/// exponential of a reflection, f0's Gaussians aᵢ exp(−bᵢ s²) and the T's, in one list evaluated four at a time
/// (``exponentials(_:)``). f0 = c + a₀e₀ + a₁e₁ + … in that order; T = 1 for anisotropic groups (their T is per
/// atom). With a form-factor override (tests) f0 comes from it and only the T's are in the list.
struct ScatteringFactors {
  /// Per lane: the factor of s² in the exponent, and the Gaussian's amplitude (0 for a T lane).
  private var exponents: [Double] = []
  private var amplitudes: [Double] = []
  /// Per species: its first lane, number of Gaussians and constant c (count 0 with an override).
  private var speciesLanes: [(first: Int, count: Int, constant: Double)] = []
  /// Per group: its T lane, or −1 for T = 1.
  private var groupLanes: [Int] = []
  private var values: [Double] = []
  private let override: Bool

  init(_ calculator: StructureFactorCalculator) {
    override = calculator.formFactorOverride != nil
    for factor in calculator.formFactors {
      let (a, b, c) = factor.coefficients
      speciesLanes.append((exponents.count, override ? 0 : a.count, c))
      if override { continue }
      for (ai, bi) in zip(a, b) {
        exponents.append(-bi)
        amplitudes.append(ai)
      }
    }
    let fourPiSq = 4 * Double.pi * Double.pi
    // One lane per distinct U (groups of different species often share one, e.g. a CIF's single U for all
    // atoms); none for U = 0, whose T is exactly e⁰ = 1, as for the anisotropic groups (their T is inside the
    // phase sum).
    // A short list searched linearly (a calculator is made per pattern; a dictionary cost more than the lanes).
    var laneOfU: [(bits: UInt64, lane: Int)] = []
    for group in calculator.groups {
      if group.isAnisotropic || group.uIso == 0 {
        groupLanes.append(-1)
      } else if let known = laneOfU.first(where: { $0.bits == group.uIso.bitPattern }) {
        groupLanes.append(known.lane)
      } else {
        laneOfU.append((group.uIso.bitPattern, exponents.count))
        groupLanes.append(exponents.count)
        exponents.append(-2 * fourPiSq * group.uIso)  // the argument is then (−2·4π²·U)·s², as it always was
        amplitudes.append(0)
      }
    }
    while exponents.count % 4 != 0 {
      exponents.append(0)
      amplitudes.append(0)
    }
    values = [Double](repeating: 0, count: exponents.count)
  }

  /// f0 per species into `f0`, T per group into `t`, at s² = `s2`.
  @inline(__always)
  mutating func evaluate(_ calculator: StructureFactorCalculator, s2: Double, f0: inout [Double], t: inout [Double]) {
    let lanes = exponents.count
    exponents.withUnsafeBufferPointer { n in
      values.withUnsafeMutableBufferPointer { e in
        var j = 0
        while j < lanes {
          let x = SIMD4(n[j] * s2, n[j + 1] * s2, n[j + 2] * s2, n[j + 3] * s2)
          let y = exponentials(x)
          e[j] = y[0]; e[j + 1] = y[1]; e[j + 2] = y[2]; e[j + 3] = y[3]
          j += 4
        }
      }
    }
    if override {
      let s = s2.squareRoot()
      for i in f0.indices { f0[i] = calculator.formFactor(i, s) }
    } else {
      for (i, lane) in speciesLanes.enumerated() {
        var f = lane.constant
        for j in lane.first..<(lane.first + lane.count) { f += amplitudes[j] * values[j] }
        f0[i] = f
      }
    }
    for (g, lane) in groupLanes.enumerated() { t[g] = lane < 0 ? 1 : values[lane] }
  }
}

@inline(__always)
func anisotropicExponent(_ b: SIMD8<Double>, _ m: MillerIndex) -> Double {
  let h = Double(m.h), k = Double(m.k), l = Double(m.l)
  return h * h * b[0] + k * k * b[1] + l * l * b[2] + h * k * b[3] + h * l * b[4] + k * l * b[5]
}

/// exp(2πi n x) for n in −N…N, per atom and axis, built by complex recurrence from exp(2πi x).
struct PhaseTables {
  let limits: SIMD3<Int>
  let widths: SIMD3<Int>
  // [atom][n + N] interleaved (re, im), the three axes one after another in one array.
  let storage: [Double]
  let axisOffsets: SIMD3<Int>

  init(positions: [SIMD3<Double>], limits: SIMD3<Int>) {
    self.limits = limits
    widths = 2 &* limits &+ 1
    let sizes = positions.count &* widths &* 2
    axisOffsets = SIMD3(0, sizes.x, sizes.x + sizes.y)
    var storage = [Double](repeating: 0, count: sizes.x + sizes.y + sizes.z)
    for axis in 0..<3 {
      let n = limits[axis], width = widths[axis], offset = axisOffsets[axis]
      for (atom, p) in positions.enumerated() {
        let angle = 2 * Double.pi * p[axis]
        let c = cos(angle), s = sin(angle)
        let base = offset + atom * width * 2
        storage[base + 2 * n] = 1
        var re = 1.0, im = 0.0
        for j in 1...max(n, 1) where j <= n {
          (re, im) = (re * c - im * s, re * s + im * c)
          if j % 16 == 0 {  // re-anchor on the exact value to keep rounding bounded
            let a = angle * Double(j)
            (re, im) = (cos(a), sin(a))
          }
          storage[base + 2 * (n + j)] = re
          storage[base + 2 * (n + j) + 1] = im
          storage[base + 2 * (n - j)] = re
          storage[base + 2 * (n - j) + 1] = -im
        }
      }
    }
    self.storage = storage
  }

  @inline(__always)
  func phase(atom: Int, _ m: MillerIndex) -> (Double, Double) {
    let ix = axisOffsets.x + (atom * widths.x + m.h + limits.x) * 2
    let iy = axisOffsets.y + (atom * widths.y + m.k + limits.y) * 2
    let iz = axisOffsets.z + (atom * widths.z + m.l + limits.z) * 2
    let xr = storage[ix], xi = storage[ix + 1]
    let yr = storage[iy], yi = storage[iy + 1]
    let zr = storage[iz], zi = storage[iz + 1]
    let pr = xr * yr - xi * yi, pi = xr * yi + xi * yr
    return (pr * zr - pi * zi, pr * zi + pi * zr)
  }

  /// Σ_a w_a exp(2πi h·x_a) over the atoms `atoms` (weights indexed by atom): the sum of
  /// ``phase(atom:_:)`` × weight in atom order, the same operations, on raw pointers (the inner loop of every
  /// structure factor).
  @inline(__always)
  func weightedSum(_ atoms: Range<Int>, _ m: MillerIndex, weights: UnsafeBufferPointer<Double>) -> (Double, Double) {
    guard !atoms.isEmpty else { return (0, 0) }
    precondition(atoms.upperBound <= weights.count && atoms.lowerBound >= 0, "PhaseTables.weightedSum: atom range")
    return storage.withUnsafeBufferPointer { table in
      let stride = widths &* 2
      let first = atoms.lowerBound
      var x = table.baseAddress! + axisOffsets.x + (first * widths.x + m.h + limits.x) * 2
      var y = table.baseAddress! + axisOffsets.y + (first * widths.y + m.k + limits.y) * 2
      var z = table.baseAddress! + axisOffsets.z + (first * widths.z + m.l + limits.z) * 2
      let w = weights.baseAddress!
      var sr = 0.0, sim = 0.0
      for a in atoms {
        let xr = x[0], xi = x[1], yr = y[0], yi = y[1], zr = z[0], zi = z[1]
        let pr = xr * yr - xi * yi, pi = xr * yi + xi * yr
        let qr = pr * zr - pi * zi, qi = pr * zi + pi * zr
        let weight = w[a]
        sr += weight * qr; sim += weight * qi
        x += stride.x; y += stride.y; z += stride.z
      }
      return (sr, sim)
    }
  }
}
