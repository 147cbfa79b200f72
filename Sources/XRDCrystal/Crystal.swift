// A crystal structure: cell, symmetry and asymmetric unit, with the full-cell expansion.
//
// The symmetry that is applied is `operations` (from the CIF's operator loop when present, else from the
// space-group table). Expansion applies every operation to every site, wraps into [0, 1), and merges
// images of the same site closer than `mergeTolerance` (Å), so special positions get the right
// multiplicity while occupancies are kept as written.
// Not done: occupancy normalisation or checks of chemical sense (overlapping different sites are kept).

import Foundation

/// A crystal structure as read from a CIF data block.
public struct Crystal: Sendable {
  /// Data-block name (`data_NAME`) or another identifier.
  public var name: String
  /// Source file name, when read from a file.
  public var fileName: String?
  public var cell: UnitCell
  /// The table setting that the applied operations equal, if any (nil for a non-standard setting
  /// given by operators only).
  public var spaceGroup: SpaceGroup?
  /// The symmetry operations applied in the expansion (complete group, centering included).
  public var operations: [SymmetryOperation]
  /// Asymmetric unit.
  public var sites: [Site]
  /// `_cell_formula_units_Z`, when the CIF gives it.
  public var declaredZ: Int?
  /// Things a crystallographer should know about how the file was read (disagreeing symmetry,
  /// defaults used, skipped dummy atoms, …). Never fatal.
  public var warnings: [String]

  /// Distance in Å below which two images of one site are taken as the same atom.
  public static let mergeTolerance = 0.05

  public init(name: String, cell: UnitCell, spaceGroup: SpaceGroup?, operations: [SymmetryOperation],
              sites: [Site], fileName: String? = nil, declaredZ: Int? = nil, warnings: [String] = []) {
    self.name = name
    self.cell = cell
    self.spaceGroup = spaceGroup
    self.operations = operations.isEmpty ? [SymmetryOperation(rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0])] : operations
    self.sites = sites
    self.fileName = fileName
    self.declaredZ = declaredZ
    self.warnings = warnings
  }

  // MARK: - Full cell

  /// Every atom of the unit cell: each site under each operation, wrapped into [0, 1), images of the same
  /// site within ``mergeTolerance`` merged (their position and β averaged over the operations that produce
  /// them, i.e. symmetrized onto the special position). Order: by site, then by first generating operation.
  public func fullCell() -> [CellAtom] {
    var atoms: [CellAtom] = []
    let tolerance = Self.mergeTolerance
    // Quick rejection before the 27-image search: every image of a fractional difference d (components
    // reduced to [−½, ½]) is at least max_i |d_i|/|a*_i| Å away (the spacing of the lattice planes normal to
    // a*_i), so when that bound clears the tolerance (with a relative margin far above rounding) the two
    // positions are certainly not merged; otherwise ``UnitCell/periodicDistance(_:_:)`` decides, as before.
    let planeSpacings = 1 / cell.reciprocalLengths
    let rejection = tolerance * (1 + 1e-9)
    func merges(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Bool {
      var d = a - b
      d -= d.rounded(.toNearestOrEven)
      if abs(d.x) * planeSpacings.x > rejection || abs(d.y) * planeSpacings.y > rejection
        || abs(d.z) * planeSpacings.z > rejection { return false }
      return cell.periodicDistance(a, b) < tolerance
    }
    for (index, site) in sites.enumerated() {
      let beta = site.displacement.betaTensor(in: cell)
      let isotropic: Bool
      let uIso: Double?
      switch site.displacement {
      case .none: isotropic = true; uIso = 0
      case let .isotropic(u): isotropic = true; uIso = u
      case .anisotropic: isotropic = false; uIso = nil
      }
      // Images of this site: the first position seen, the sum of offsets and β of every operation that
      // lands on it, and their count. Averaging over those operations (a coset of the site's stabilizer)
      // puts a special position exactly on its symmetry element and makes β obey its site symmetry, which
      // rounded CIF values (0.3333, U_ij to 4 digits) only approximate.
      var images: [(first: SIMD3<Double>, offset: SIMD3<Double>, beta: [Double], count: Int)] = []
      for op in operations {
        let p = wrapUnit(op.apply(to: site.position))
        let rotatedBeta = isotropic ? beta : rotate(beta: beta, by: op.rotation)
        if let i = images.firstIndex(where: { merges($0.first, p) }) {
          var d = p - images[i].first
          d -= d.rounded(.toNearestOrEven)
          images[i].offset += d
          for k in 0..<9 { images[i].beta[k] += rotatedBeta[k] }
          images[i].count += 1
        } else {
          images.append((p, SIMD3(), rotatedBeta, 1))
        }
      }
      for image in images {
        let n = Double(image.count)
        let position = wrapUnit(image.first + image.offset / n)
        atoms.append(CellAtom(siteIndex: index, species: site.species, position: position, occupancy: site.occupancy,
                              beta: image.beta.map { $0 / n }, isIsotropic: isotropic, uIso: uIso))
      }
    }
    return atoms
  }

  /// Number of distinct positions in the full cell whatever their occupancy (sites sharing a position, as in
  /// mixed occupancy, count once).
  public func distinctPositionCount(atoms: [CellAtom]? = nil) -> Int {
    let all = atoms ?? fullCell()
    var positions: [SIMD3<Double>] = []
    for atom in all where !positions.contains(where: { cell.periodicDistance($0, atom.position) < Self.mergeTolerance }) {
      positions.append(atom.position)
    }
    return positions.count
  }

  // MARK: - Composition

  /// Cell contents: Σ occupancy per element over the full cell.
  public func cellComposition(atoms: [CellAtom]? = nil) -> [Element: Double] {
    var counts: [Element: Double] = [:]
    for atom in atoms ?? fullCell() { counts[atom.species.element, default: 0] += atom.occupancy }
    return counts
  }

  /// Formula units per cell: `_cell_formula_units_Z` when given, else the greatest common divisor of the
  /// (near-integer) element counts of the cell, else 1.
  public func z(atoms: [CellAtom]? = nil) -> Int {
    if let declaredZ, declaredZ > 0 { return declaredZ }
    let counts = cellComposition(atoms: atoms).values
    var g = 0
    for c in counts {
      let r = c.rounded()
      guard abs(c - r) < 1e-3 * max(1, c), r >= 1 else { return 1 }
      g = gcd(g, Int(r))
    }
    return max(g, 1)
  }

  /// Empirical formula per formula unit in Hill order (C, H, then alphabetical; alphabetical without C),
  /// e.g. "Al2O3", "ClNa", "C8H10N4O2"; non-integer counts are written with up to 3 decimals.
  public func formula(atoms: [CellAtom]? = nil) -> String {
    let all = atoms ?? fullCell()
    let z = Double(z(atoms: all))
    let counts = cellComposition(atoms: all)
    let hasCarbon = counts.keys.contains { $0.symbol == "C" }
    let ordered = counts.keys.sorted { lhs, rhs in
      func rank(_ e: Element) -> Int { hasCarbon ? (e.symbol == "C" ? 0 : e.symbol == "H" ? 1 : 2) : 2 }
      return (rank(lhs), lhs.symbol) < (rank(rhs), rhs.symbol)
    }
    return ordered.map { element in
      let n = counts[element, default: 0] / z
      if abs(n - 1) < 1e-6 { return element.symbol }
      if abs(n - n.rounded()) < 1e-6 { return "\(element.symbol)\(Int(n.rounded()))" }
      var text = String(format: "%.3f", n)
      while text.hasSuffix("0") { text.removeLast() }
      return element.symbol + text
    }.joined()
  }

  /// Density in g/cm³ from the cell contents (Σ occ·atomic mass) and the cell volume.
  public func density(atoms: [CellAtom]? = nil) -> Double {
    let mass = cellComposition(atoms: atoms).reduce(0) { $0 + $1.key.atomicMass * $1.value }
    return mass * 1.66053906660 / cell.volume  // g/mol per Å³ → g/cm³ (1/N_A · 10²⁴)
  }
}

// MARK: - Implementation details

/// Wraps fractional coordinates into [0, 1), mapping values within 1e-9 of 1 to 0.
func wrapUnit(_ p: SIMD3<Double>) -> SIMD3<Double> {
  var q = p - p.rounded(.down)
  for i in 0..<3 where q[i] > 1 - 1e-9 { q[i] = 0 }
  return q
}

/// β' = R β Rᵀ for a rotation in fractional coordinates (row-major integer matrix).
func rotate(beta: [Double], by rotation: [Int]) -> [Double] {
  var tmp = [Double](repeating: 0, count: 9)
  for i in 0..<3 { for j in 0..<3 {
    var s = 0.0
    for k in 0..<3 { s += Double(rotation[3 * i + k]) * beta[3 * k + j] }
    tmp[3 * i + j] = s
  } }
  var out = [Double](repeating: 0, count: 9)
  for i in 0..<3 { for j in 0..<3 {
    var s = 0.0
    for k in 0..<3 { s += tmp[3 * i + k] * Double(rotation[3 * j + k]) }
    out[3 * i + j] = s
  } }
  return out
}

func gcd(_ a: Int, _ b: Int) -> Int {
  var (x, y) = (abs(a), abs(b))
  while y != 0 { (x, y) = (y, x % y) }
  return x
}
