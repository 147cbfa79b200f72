// An atom of a phase's unit cell as the opXRD/xrdpattern label stores it: fractional x, y, z, occupancy and a
// pymatgen species string.
//
// xrdpattern (`xrdpattern.crystal.components.atomic_site.AtomSite`, 0.9.9) lists every atom of the cell (P1),
// with the species as pymatgen prints `Species`: "Na0+" for a neutral atom, "Cl-"/"Na+" for charge ±1,
// "Fe3+"/"O2-" otherwise; its reader parses the string with pymatgen `Species.from_str`.
// Fractional coordinates do not change under lattice strain, so the sites of the unstrained structure go with
// the strained lattice of the label. Not done: Wyckoff letters (written as null, as xrdpattern does for
// structures it did not analyse).

public import XRDCrystal

/// One atom of the full unit cell for the opXRD label's `basis`.
public struct OpXRDAtomSite: Sendable, Hashable {
  /// Fractional coordinates in the cell of the label's lattice.
  public var x: Double, y: Double, z: Double
  public var occupancy: Double
  /// pymatgen species string: "Na0+", "Cl-", "Fe3+".
  public var species: String

  public init(x: Double, y: Double, z: Double, occupancy: Double, species: String) {
    self.x = x; self.y = y; self.z = z
    self.occupancy = occupancy
    self.species = species
  }

  /// The site of one full-cell atom.
  public init(_ atom: CellAtom) {
    self.init(x: atom.position.x, y: atom.position.y, z: atom.position.z, occupancy: atom.occupancy,
              species: Self.pymatgenSpecies(atom.species))
  }

  /// Every atom of `crystal`'s unit cell (``Crystal/fullCell()``), in its order.
  public static func fullCell(of crystal: Crystal) -> [OpXRDAtomSite] {
    crystal.fullCell().map(OpXRDAtomSite.init)
  }

  /// `str(pymatgen.core.Species(symbol, oxidation_state=charge))`: the sign is always written, the magnitude
  /// unless it is 1.
  public static func pymatgenSpecies(_ species: Species) -> String {
    let magnitude = abs(species.charge)
    return species.element.symbol + (magnitude == 1 ? "" : String(magnitude)) + (species.charge >= 0 ? "+" : "-")
  }
}
