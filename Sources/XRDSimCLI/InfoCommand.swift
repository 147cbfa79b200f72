// `xrdsim info FILE.cif [--json]`: what the file describes: formula, Z, cell, density, symmetry, atoms.

import ArgumentParser
import Foundation
import XRDSim

struct InfoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info",
    abstract: "Describe the crystal structure in a CIF file."
  )

  @Argument(help: "A CIF file.")
  var file: String

  @Option(help: "Data block to read (default: the first block with atom sites).")
  var block: String?

  @Flag(help: "Print JSON instead of text.")
  var json = false

  func run() throws {
    let crystal = try loadCrystal(file, block: block)
    let report = CrystalReport(crystal, file: file)
    if json {
      print(try encodeJSON(report))
    } else {
      print(report.text)
    }
  }
}

/// The fields of `xrdsim info --json` (scripts depend on these names).
struct CrystalReport: Encodable {
  struct Cell: Encodable { var a, b, c, alpha, beta, gamma: Double }
  struct Group: Encodable {
    var number: Int?
    var hermannMauguin: String?
    var hall: String?
    enum CodingKeys: String, CodingKey { case number, hermannMauguin = "hermann_mauguin", hall }
    func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(number, forKey: .number)
      try c.encode(hermannMauguin, forKey: .hermannMauguin)
      try c.encode(hall, forKey: .hall)
    }
  }
  var file: String
  var block: String
  var formula: String
  var z: Int
  var cell: Cell
  var volume: Double
  var density: Double
  var spaceGroup: Group
  var operations: Int
  var sites: Int
  var atomsInCell: Int
  var warnings: [String]

  enum CodingKeys: String, CodingKey {
    case file, block, formula, z, cell, volume, density, spaceGroup = "space_group", operations, sites
    case atomsInCell = "atoms_in_cell", warnings
  }

  init(_ crystal: Crystal, file: String) {
    let atoms = crystal.fullCell()
    self.file = file
    block = crystal.name
    formula = crystal.formula(atoms: atoms)
    z = crystal.z(atoms: atoms)
    let c = crystal.cell
    cell = Cell(a: c.a, b: c.b, c: c.c, alpha: c.alpha, beta: c.beta, gamma: c.gamma)
    volume = c.volume
    density = crystal.density(atoms: atoms)
    spaceGroup = Group(number: crystal.spaceGroup?.number, hermannMauguin: crystal.spaceGroup?.hermannMauguin,
                       hall: crystal.spaceGroup?.hall)
    operations = crystal.operations.count
    sites = crystal.sites.count
    atomsInCell = crystal.distinctPositionCount(atoms: atoms)
    warnings = crystal.warnings
  }

  var text: String {
    var lines: [String] = []
    lines.append("file          \(file) (block \(block))")
    lines.append("formula       \(formula)   Z = \(z)")
    lines.append(String(format: "cell          a=%.5f b=%.5f c=%.5f Å  α=%.4f β=%.4f γ=%.4f°",
                        cell.a, cell.b, cell.c, cell.alpha, cell.beta, cell.gamma))
    lines.append(String(format: "volume        %.4f Å³   density %.4f g/cm³", volume, density))
    if let number = spaceGroup.number {
      lines.append("space group   \(spaceGroup.hermannMauguin ?? "") (No. \(number), Hall '\(spaceGroup.hall ?? "")')")
    } else {
      lines.append("space group   non-standard setting (\(operations) operators from the file)")
    }
    lines.append("sites         \(sites) in the asymmetric unit, \(atomsInCell) atoms in the cell, \(operations) operations")
    for warning in warnings { lines.append("warning: \(warning)") }
    return lines.joined(separator: "\n")
  }
}
