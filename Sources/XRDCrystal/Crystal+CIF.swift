// Reading a Crystal from a CIF data block: cell, symmetry, atom sites, occupancies and displacements.
//
// Tags are looked up new name first, legacy alias second (XRDCIF compares tags case-insensitively and
// with `.` ≡ `_`, so DDLm names such as `_atom_site.fract_x` match too). Symmetry: the file's operator
// loop wins; a Hall symbol, Hermann–Mauguin symbol or IT number is used when there is none. When both are
// present and describe different operation sets, the operators are used and a warning says so.
// Magnetic CIFs (mCIF) give their nuclear structure: operations × centerings, time reversal ignored.
// Not done: Cartesian coordinates (`_atom_site_Cartn_x`), superspace (modulated) structures.

public import Foundation
public import XRDCIF

extension Crystal {
  /// Reads the crystal of a CIF file: the block named `block`, or else the first block with atom sites.
  public static func load(contentsOf url: URL, block: String? = nil) throws(CrystalError) -> Crystal {
    let document: CIFDocument
    do {
      document = try CIFDocument(contentsOf: url)
    } catch {
      throw CrystalError(.syntax(error.kind), at: error.location)
    }
    return try load(document, block: block)
  }

  /// Reads the crystal of CIF text (see ``load(contentsOf:block:)``).
  public static func load(cifText: String, fileName: String? = nil, block: String? = nil) throws(CrystalError) -> Crystal {
    let document: CIFDocument
    do {
      document = try CIFDocument(parsing: cifText, fileName: fileName)
    } catch {
      throw CrystalError(.syntax(error.kind), at: error.location)
    }
    return try load(document, block: block)
  }

  /// Chooses the block (named, else the first with `_atom_site_fract_x`) and reads it.
  public static func load(_ document: CIFDocument, block name: String? = nil) throws(CrystalError) -> Crystal {
    let fileLocation = SourceLocation(file: document.fileName, line: 0, column: 0)
    if let name {
      guard let block = document[name] else { throw CrystalError(.blockNotFound(name), at: fileLocation) }
      return try Crystal(block: block, fileName: document.fileName)
    }
    if let block = document.blocks.first(where: { $0.contains("_atom_site_fract_x") }) {
      return try Crystal(block: block, fileName: document.fileName)
    }
    for block in document.blocks {
      if let tag = modulationTag(in: block) {
        throw CrystalError(.incommensurate(tag: tag), at: block.tagLocation(tag) ?? block.location)
      }
    }
    throw CrystalError(.noStructure, at: fileLocation)
  }

  /// Reads one data block.
  public init(block: CIFBlock, fileName: String? = nil) throws(CrystalError) {
    var warnings: [String] = []
    if let tag = modulationTag(in: block) {
      throw CrystalError(.incommensurate(tag: tag), at: block.tagLocation(tag) ?? block.location)
    }
    let cell = try readCell(block)
    let (operations, spaceGroup) = try readSymmetry(block, warnings: &warnings)
    let sites = try readSites(block, cell: cell, warnings: &warnings)
    var declaredZ: Int?
    if let zValue = block.value("_cell_formula_units_Z"), let z = zValue.number, z >= 1, z == z.rounded() {
      declaredZ = Int(z)
    }
    self.init(name: block.name, cell: cell, spaceGroup: spaceGroup, operations: operations, sites: sites,
              fileName: fileName, declaredZ: declaredZ, warnings: warnings)
  }
}

// MARK: - Implementation details

private func modulationTag(in block: CIFBlock) -> String? {
  for tag in ["_cell_modulation_dimension", "_cell_subsystems_number"] {
    if let v = block.value(tag), let n = v.number, n > 0 { return tag }
  }
  for tag in ["_space_group_ssg_name", "_space_group_symop_ssg_operation_algebraic",
              "_space_group_symop_magn_ssg_operation_algebraic", "_space_group_magn_ssg_name_BNS"]
  where block.contains(tag) {
    return tag
  }
  return nil
}

/// The first of `tags` present in the block, with its value.
private func firstValue(_ block: CIFBlock, _ tags: [String]) -> (tag: String, value: CIFValue)? {
  for tag in tags {
    if let v = block.value(tag), !v.isNull { return (tag, v) }
  }
  return nil
}

private func number(_ value: CIFValue, tag: String) throws(CrystalError) -> Double {
  guard let x = value.number, x.isFinite else {
    throw CrystalError(.notANumber(tag: tag, value: value.text.isEmpty ? "?" : value.text), at: value.location)
  }
  return x
}

private func readCell(_ block: CIFBlock) throws(CrystalError) -> UnitCell {
  let tags = ["_cell_length_a", "_cell_length_b", "_cell_length_c",
              "_cell_angle_alpha", "_cell_angle_beta", "_cell_angle_gamma"]
  var values: [Double] = []
  for (i, tag) in tags.enumerated() {
    guard let v = block.value(tag) else {
      // Angles default to 90° only when the file gives none of them would be a guess; demand all six.
      throw CrystalError(.missingItem(tag: tag), at: block.location)
    }
    let x = try number(v, tag: tag)
    if i < 3, x <= 0 {
      throw CrystalError(.invalidValue(tag: tag, value: v.text, reason: "is not a positive length"), at: v.location)
    }
    values.append(x)
  }
  do {
    return try UnitCell(a: values[0], b: values[1], c: values[2], alpha: values[3], beta: values[4], gamma: values[5])
  } catch {
    let at = block.value("_cell_angle_alpha")?.location ?? block.location
    throw CrystalError(.invalidCell(error), at: at)
  }
}

private let operationTags = ["_space_group_symop_operation_xyz", "_symmetry_equiv_pos_as_xyz",
                             "_space_group_symop_magn_operation_xyz"]
private let centeringTags = ["_space_group_symop_magn_centering_xyz"]
private let hallTags = ["_space_group_name_Hall", "_symmetry_space_group_name_Hall"]
private let hermannMauguinTags = ["_space_group_name_H-M_alt", "_symmetry_space_group_name_H-M",
                                  "_space_group_name_H-M_full", "_space_group_name_H-M"]
private let numberTags = ["_space_group_IT_number", "_symmetry_Int_Tables_number", "_space_group_number"]

private func readOperations(_ block: CIFBlock, tags: [String]) throws(CrystalError) -> [SymmetryOperation]? {
  for tag in tags {
    guard let values = block.values(tag) else { continue }
    var operations: [SymmetryOperation] = []
    for value in values where !value.isNull {
      do {
        operations.append(try SymmetryOperation(xyz: value.text).normalized())
      } catch {
        throw CrystalError(.badSymmetryOperation(tag: tag, value: value.text, reason: error.reason), at: value.location)
      }
    }
    if !operations.isEmpty { return operations }
  }
  return nil
}

/// The space group named by the block's Hall symbol, H-M symbol or number (in that order of trust).
private func namedSpaceGroup(_ block: CIFBlock, warnings: inout [String]) -> (SpaceGroup?, (tag: String, value: CIFValue)?) {
  var firstFailure: (tag: String, value: CIFValue)?
  if let (tag, value) = firstValue(block, hallTags) {
    if let group = SpaceGroup(hall: value.text) { return (group, nil) }
    firstFailure = (tag, value)
    warnings.append("\(tag) '\(value.text)' (line \(value.location.line)) is not a known Hall symbol")
  }
  if let (tag, value) = firstValue(block, hermannMauguinTags) {
    if let group = SpaceGroup(hermannMauguin: value.text) { return (group, nil) }
    firstFailure = firstFailure ?? (tag, value)
    warnings.append("\(tag) '\(value.text)' (line \(value.location.line)) is not a known Hermann–Mauguin symbol")
  }
  if let (tag, value) = firstValue(block, numberTags) {
    if let n = value.number, n == n.rounded(), n >= 1, n <= 230, let group = SpaceGroup(number: Int(n)) {
      return (group, nil)
    }
    firstFailure = firstFailure ?? (tag, value)
  }
  return (nil, firstFailure)
}

private func readSymmetry(_ block: CIFBlock, warnings: inout [String]) throws(CrystalError)
  -> ([SymmetryOperation], SpaceGroup?)
{
  let (named, failure) = namedSpaceGroup(block, warnings: &warnings)
  guard var operations = try readOperations(block, tags: operationTags) else {
    if let named { return (named.operations, named) }
    if let failure {
      throw CrystalError(.unknownSpaceGroup(tag: failure.tag, value: failure.value.text), at: failure.value.location)
    }
    throw CrystalError(.noSymmetry, at: block.location)
  }
  if let centerings = try readOperations(block, tags: centeringTags) {
    var combined: [SymmetryOperation] = []
    for c in centerings { for op in operations { combined.append((c * op).normalized()) } }
    operations = combined
  }
  operations = uniqueOperations(operations)
  let closed = closeGroup(operations)
  if closed.count != operations.count {
    warnings.append("the \(operations.count) symmetry operators of the file do not form a group; "
      + "completed to \(closed.count) by closure")
    operations = closed
  }
  let matched = SpaceGroup.matching(operations)
  if let named, Set(named.operations.map { $0.normalized() }) != Set(operations) {
    if let matched, matched.number == named.number {
      // The symbol left the origin or axes open ("F d -3 m" without ":1"/":2"); the operators settle it.
    } else {
      let found = matched.map { "they are those of \($0.hermannMauguin)" } ?? "they match no standard setting (another origin?)"
      warnings.append("symmetry operators (\(operations.count)) disagree with the space-group symbol "
        + "\(named.hermannMauguin) (\(named.operations.count) operations): \(found); the operators are used")
    }
  }
  return (operations, matched)
}

private func uniqueOperations(_ operations: [SymmetryOperation]) -> [SymmetryOperation] {
  var seen = Set<SymmetryOperation>()
  var result: [SymmetryOperation] = []
  for op in operations.map({ $0.normalized() }) where seen.insert(op).inserted { result.append(op) }
  return result
}

/// Closure of a set of operations under composition, modulo lattice translations (bounded: a space group
/// in a conventional cell has at most 192 operations; a set that keeps growing past 1536 is returned as is).
/// Works on packed operations (no allocation per product): a 192-operation group is checked in ~1 ms.
func closeGroup(_ operations: [SymmetryOperation]) -> [SymmetryOperation] {
  let packed = operations.map(PackedOperation.init)
  var all = packed
  var seen = Set(packed)
  var frontier = packed
  while !frontier.isEmpty, all.count <= 1536 {
    var next: [PackedOperation] = []
    for a in frontier {
      for b in packed {
        let c = a.composed(with: b)
        if seen.insert(c).inserted { all.append(c); next.append(c) }
      }
    }
    frontier = next
  }
  if all.count == packed.count { return operations }
  return operations + all[packed.count...].map(\.operation)
}

/// A symmetry operation as fixed-size integers: rotation row-major, translation in 1/24 wrapped to 0..<24.
struct PackedOperation: Hashable {
  var rotation: SIMD16<Int32>   // 9 used
  var translation: SIMD4<Int32> // 3 used

  init(_ op: SymmetryOperation) {
    rotation = SIMD16(repeating: 0)
    translation = SIMD4(repeating: 0)
    for i in 0..<9 { rotation[i] = Int32(op.rotation[i]) }
    for i in 0..<3 { translation[i] = Int32(((op.translation[i] % 24) + 24) % 24) }
  }

  init(rotation: SIMD16<Int32>, translation: SIMD4<Int32>) {
    self.rotation = rotation
    self.translation = translation
  }

  /// (self ∘ other)(x) = R₁(R₂x + t₂) + t₁.
  func composed(with other: PackedOperation) -> PackedOperation {
    var r = SIMD16<Int32>(repeating: 0)
    var t = SIMD4<Int32>(repeating: 0)
    for i in 0..<3 {
      var ti = translation[i]
      for j in 0..<3 {
        var s: Int32 = 0
        for k in 0..<3 { s &+= rotation[3 * i + k] &* other.rotation[3 * k + j] }
        r[3 * i + j] = s
        ti &+= rotation[3 * i + j] &* other.translation[j]
      }
      t[i] = ((ti % 24) + 24) % 24
    }
    return PackedOperation(rotation: r, translation: t)
  }

  var operation: SymmetryOperation {
    SymmetryOperation(rotation: (0..<9).map { Int(rotation[$0]) }, translation: (0..<3).map { Int(translation[$0]) })
  }
}

/// Element and charge from an atom-type symbol or a site label: "Fe", "Fe3+", "O2-", "Al0+", "Fe1a", "O2",
/// "Cl-", "D" (deuterium, counted as hydrogen), and all-caps labels of old files ("NA1" is sodium, "CL2"
/// chlorine: a two-letter symbol is preferred when the whole text has no lower-case letter). The charge is read only from a trailing digits+sign
/// ("O2-"); a label like "O2" is oxygen, site 2.
public func parseSpecies(_ text: String) -> Species? {
  let scalars = Array(text.unicodeScalars)
  guard let first = scalars.first, first.properties.isAlphabetic, first.isASCII else { return nil }
  var symbol = String(first).uppercased()
  var rest = scalars.dropFirst()
  if let second = rest.first, second.isASCII, second.properties.isLowercase,
     Element(symbol: symbol + String(second)) != nil {
    symbol += String(second)
    rest = rest.dropFirst()
  } else if let second = rest.first, second.isASCII, second.properties.isUppercase,
            !scalars.contains(where: { $0.properties.isLowercase }),
            Element(symbol: symbol + String(second).lowercased()) != nil {
    symbol += String(second).lowercased()  // an all-caps label or symbol: "NA1", "CL2" (old CIFs)
    rest = rest.dropFirst()
  }
  guard let element = Element(symbol: symbol) else { return nil }
  var charge = 0
  let tail = String(String.UnicodeScalarView(rest))
  if let sign = tail.last, sign == "+" || sign == "-" {
    let digits = tail.dropLast()
    if digits.isEmpty {
      charge = 1
    } else if digits.allSatisfy(\.isASCIIDigit), let n = Int(digits) {
      charge = n
    } else if let trailing = Int(String(digits.reversed().prefix { $0.isASCIIDigit }.reversed())) {
      charge = trailing
    }
    if sign == "-" { charge = -charge }
  } else if let first = tail.first, first == "+" || first == "-" {
    // "Fe+3" style.
    if let n = Int(tail.dropFirst()) { charge = first == "-" ? -n : n }
  }
  return Species(element: element, charge: charge)
}

private extension Character {
  var isASCIIDigit: Bool { isASCII && isNumber }
}

private func readSites(_ block: CIFBlock, cell: UnitCell, warnings: inout [String]) throws(CrystalError) -> [Site] {
  guard let loop = block.loop(containing: "_atom_site_fract_x") else {
    if block.contains("_atom_site_Cartn_x") {
      throw CrystalError(.missingItem(tag: "_atom_site_fract_x"), at: block.tagLocation("_atom_site_Cartn_x") ?? block.location)
    }
    throw CrystalError(.missingItem(tag: "_atom_site_fract_x"), at: block.location)
  }
  for tag in ["_atom_site_fract_y", "_atom_site_fract_z"] where loop.index(of: tag) == nil {
    throw CrystalError(.missingItem(tag: tag), at: loop.location)
  }
  let charges = oxidationNumbers(block)
  let col = { (tag: String) in loop.index(of: tag) }
  let labelIndex = col("_atom_site_label")
  let typeIndex = col("_atom_site_type_symbol")
  let occupancyIndex = col("_atom_site_occupancy")
  let uIndex = col("_atom_site_U_iso_or_equiv")
  let bIndex = col("_atom_site_B_iso_or_equiv")
  let flagIndex = col("_atom_site_calc_flag")
  let coordinateIndices = [col("_atom_site_fract_x")!, col("_atom_site_fract_y")!, col("_atom_site_fract_z")!]
  let anisotropic = try anisotropicDisplacements(block)
  let eightPiSq = 8 * Double.pi * Double.pi

  var sites: [Site] = []
  for row in loop.rows {
    let label = labelIndex.map { row[$0].text } ?? ""
    if let flagIndex, row[flagIndex].text.lowercased() == "dum" {
      warnings.append("dummy site \(label) skipped (_atom_site_calc_flag dum)")
      continue
    }
    // Element and charge: the type symbol, else the label.
    let speciesValue: CIFValue
    let speciesTag: String
    if let typeIndex, !row[typeIndex].isNull {
      speciesValue = row[typeIndex]; speciesTag = "_atom_site_type_symbol"
    } else if let labelIndex {
      speciesValue = row[labelIndex]; speciesTag = "_atom_site_label"
    } else {
      throw CrystalError(.missingItem(tag: "_atom_site_type_symbol"), at: loop.location)
    }
    guard var species = parseSpecies(speciesValue.text) else {
      throw CrystalError(.unknownElement(tag: speciesTag, value: speciesValue.text), at: speciesValue.location)
    }
    if species.charge == 0, let charge = charges[speciesValue.text.lowercased()] { species.charge = charge }

    var position = SIMD3<Double>()
    for (axis, index) in coordinateIndices.enumerated() {
      position[axis] = try number(row[index], tag: loop.tags[index])
    }
    var occupancy = 1.0
    if let occupancyIndex, !row[occupancyIndex].isNull {
      occupancy = try number(row[occupancyIndex], tag: "_atom_site_occupancy")
      if occupancy < 0 {
        throw CrystalError(.invalidValue(tag: "_atom_site_occupancy", value: row[occupancyIndex].text,
                                         reason: "is negative"), at: row[occupancyIndex].location)
      }
      if occupancy > 1.0 + 1e-3 {
        warnings.append("site \(label) has occupancy \(occupancy) > 1 (line \(row[occupancyIndex].location.line))")
      }
    }
    var displacement = Displacement.none
    if let uIndex, !row[uIndex].isNull {
      displacement = .isotropic(uIso: try number(row[uIndex], tag: "_atom_site_U_iso_or_equiv"))
    } else if let bIndex, !row[bIndex].isNull {
      displacement = .isotropic(uIso: try number(row[bIndex], tag: "_atom_site_B_iso_or_equiv") / eightPiSq)
    }
    var writtenUIso: Double?
    if case let .isotropic(u) = displacement { writtenUIso = u }
    if let aniso = anisotropic[label.lowercased()] { displacement = aniso }
    sites.append(Site(label: label, species: species, position: position, occupancy: occupancy,
                      displacement: displacement, writtenUIso: writtenUIso))
  }
  if sites.isEmpty { throw CrystalError(.noStructure, at: loop.location) }
  if sites.allSatisfy({ $0.displacement == .none }) {
    warnings.append("no displacement parameters given: T = 1 for every site (no Debye–Waller damping)")
  }
  return sites
}

/// `_atom_type_symbol` → `_atom_type_oxidation_number` (lowercased symbol keys).
private func oxidationNumbers(_ block: CIFBlock) -> [String: Int] {
  guard let loop = block.loop(containing: "_atom_type_oxidation_number"),
        let symbols = loop.column("_atom_type_symbol"),
        let numbers = loop.column("_atom_type_oxidation_number") else { return [:] }
  var result: [String: Int] = [:]
  for (symbol, value) in zip(symbols, numbers) {
    if let n = value.number, n == n.rounded(), abs(n) < 10 { result[symbol.text.lowercased()] = Int(n) }
  }
  return result
}

/// `_atom_site_aniso_U_ij` or `_atom_site_aniso_B_ij` by lowercased label, from their own loop or from the
/// atom-site loop.
private func anisotropicDisplacements(_ block: CIFBlock) throws(CrystalError) -> [String: Displacement] {
  let uTags = ["_atom_site_aniso_U_11", "_atom_site_aniso_U_22", "_atom_site_aniso_U_33",
               "_atom_site_aniso_U_12", "_atom_site_aniso_U_13", "_atom_site_aniso_U_23"]
  let bTags = uTags.map { $0.replacingOccurrences(of: "_U_", with: "_B_") }
  var result: [String: Displacement] = [:]
  for (tags, scale) in [(uTags, 1.0), (bTags, 1 / (8 * Double.pi * Double.pi))] {
    // The labels are `_atom_site_aniso_label` in a loop of its own, or `_atom_site_label` when the U_ij columns
    // sit in the atom-site loop itself (TOPAS writes them so, e.g. COD 2104736).
    guard let loop = block.loop(containing: tags[0]),
          let labels = loop.column("_atom_site_aniso_label") ?? loop.column("_atom_site_label") else { continue }
    var columns: [[CIFValue]] = []
    for tag in tags {
      guard let column = loop.column(tag) else { throw CrystalError(.missingItem(tag: tag), at: loop.location) }
      columns.append(column)
    }
    rows: for (row, label) in labels.enumerated() {
      var u: [Double] = []
      for (i, column) in columns.enumerated() {
        if column[row].isNull { continue rows }  // unknown: keep the isotropic value
        u.append(try number(column[row], tag: tags[i]) * scale)
      }
      result[label.text.lowercased()] = .anisotropic(u11: u[0], u22: u[1], u33: u[2], u12: u[3], u13: u[4], u23: u[5])
    }
  }
  return result
}
