// The independent lattice parameters of a phase: those its crystal system leaves free (cubic a; tetragonal and
// hexagonal a, c; rhombohedral axes a, α; orthorhombic a, b, c; monoclinic a, b, c and the one non-90° angle;
// triclinic all six). A structure given in P1 (e.g. an expanded cell) is constrained by its metric instead: the
// highest system whose equalities its cell satisfies to 1e-4 Å / 1e-3°, so that a P1 cubic cell refines one
// length, as GSAS-II's constraints do. Not done: constraints across phases.

package import XRDCrystal

/// Which cell parameters a fit refines and how the others follow from them.
package struct LatticeConstraint: Sendable, Hashable {
  package enum Kind: String, Sendable, Hashable {
    case cubic, tetragonal, hexagonal, rhombohedral, orthorhombic
    case monoclinicAlpha, monoclinicBeta, monoclinicGamma
    case triclinic
  }

  package let kind: Kind

  package init(kind: Kind) { self.kind = kind }

  /// The constraint for `crystal`: from its space group, or from its metric for P1 / no symmetry.
  package init(crystal: Crystal) {
    let cell = crystal.cell
    let system = crystal.spaceGroup?.crystalSystem
    switch system {
    case .cubic?: kind = .cubic
    case .tetragonal?: kind = .tetragonal
    case .hexagonal?: kind = .hexagonal
    case .trigonal?: kind = abs(cell.gamma - 120) < 1e-3 ? .hexagonal : .rhombohedral
    case .orthorhombic?: kind = .orthorhombic
    case .monoclinic?: kind = Self.monoclinicKind(of: cell)
    case .triclinic?, nil: kind = Self.metricKind(of: cell)
    }
  }

  /// The highest-symmetry constraint a triclinic-described cell satisfies.
  package static func metricKind(of cell: UnitCell) -> Kind {
    func same(_ x: Double, _ y: Double) -> Bool { abs(x - y) < 1e-4 }
    func angle(_ x: Double, _ y: Double) -> Bool { abs(x - y) < 1e-3 }
    let right = [cell.alpha, cell.beta, cell.gamma].map { angle($0, 90) }
    if right.allSatisfy({ $0 }) {
      if same(cell.a, cell.b) && same(cell.b, cell.c) { return .cubic }
      if same(cell.a, cell.b) { return .tetragonal }
      return .orthorhombic
    }
    if right[0] && right[1] && angle(cell.gamma, 120) && same(cell.a, cell.b) { return .hexagonal }
    if same(cell.a, cell.b) && same(cell.b, cell.c) && angle(cell.alpha, cell.beta) && angle(cell.beta, cell.gamma) {
      return .rhombohedral
    }
    if right.filter({ $0 }).count == 2 { return monoclinicKind(of: cell) }
    return .triclinic
  }

  static func monoclinicKind(of cell: UnitCell) -> Kind {
    if abs(cell.alpha - 90) > 1e-3 { return .monoclinicAlpha }
    if abs(cell.gamma - 90) > 1e-3 { return .monoclinicGamma }
    return .monoclinicBeta
  }

  /// Names of the free parameters, in order ("a", "c", "beta", …).
  package var names: [String] {
    switch kind {
    case .cubic: ["a"]
    case .tetragonal, .hexagonal: ["a", "c"]
    case .rhombohedral: ["a", "alpha"]
    case .orthorhombic: ["a", "b", "c"]
    case .monoclinicAlpha: ["a", "b", "c", "alpha"]
    case .monoclinicBeta: ["a", "b", "c", "beta"]
    case .monoclinicGamma: ["a", "b", "c", "gamma"]
    case .triclinic: ["a", "b", "c", "alpha", "beta", "gamma"]
    }
  }

  /// The free parameters of `cell`.
  func values(of cell: UnitCell) -> [Double] {
    names.map { name in
      switch name {
      case "a": cell.a
      case "b": cell.b
      case "c": cell.c
      case "alpha": cell.alpha
      case "beta": cell.beta
      default: cell.gamma
      }
    }
  }

  /// `base` with the free parameters set to `values` and the others following the constraint.
  package func cell(from values: [Double], base: UnitCell) throws(UnitCellError) -> UnitCell {
    var a = base.a, b = base.b, c = base.c, alpha = base.alpha, beta = base.beta, gamma = base.gamma
    for (name, value) in zip(names, values) {
      switch name {
      case "a": a = value
      case "b": b = value
      case "c": c = value
      case "alpha": alpha = value
      case "beta": beta = value
      default: gamma = value
      }
    }
    switch kind {
    case .cubic: b = a; c = a
    case .tetragonal, .hexagonal: b = a
    case .rhombohedral: b = a; c = a; beta = alpha; gamma = alpha
    default: break
    }
    return try UnitCell(a: a, b: b, c: c, alpha: alpha, beta: beta, gamma: gamma)
  }
}
