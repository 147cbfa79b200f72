// Operations from a Hall symbol (Hall 1981, Acta Cryst. A37, 517; explicit-origin notation of
// Grosse-Kunstleve 1999, Acta Cryst. A55, 383, ITB Table A1.4.2.7).
//
// Used by ``SpaceGroup/init(hall:)`` for symbols that are not spelled exactly as in spglib's table
// ("P 2ac 2ab -1" for "-P 2ac 2ab"), and available to sibling modules for non-standard settings.
// The default-axis rules, matrices and translation letters follow the notation as gemmi implements
// it (symmetry.hpp); the tests check every one of the 530 Hall symbols against the table.
// Not done: the lattice symbols S, T, H (outside ITA Vol. A) that some programs add.

extension SpaceGroup {
  /// The complete operation list (centring included, translations wrapped, identity first) that
  /// a Hall symbol generates, e.g. "-P 2ybc", "P 31 2 (0 0 4)", "P 3* -2n", "-I 4bd 2c 3",
  /// "P 2yb (x,y,z+1/4)". Blanks or "_" separate the parts; letter case is ignored.
  ///
  /// Throws a ``SymmetryOperationError`` naming the symbol and what is wrong (unknown lattice
  /// letter, bad rotation order or axis, unknown translation letter, malformed origin shift).
  package static func operations(hall text: String) throws(SymmetryOperationError) -> [SymmetryOperation] {
    func fail(_ reason: String) -> SymmetryOperationError {
      SymmetryOperationError(text: text, reason: "Hall symbol: " + reason)
    }
    var body = Substring(text.map { $0 == "_" ? " " : $0 })
    var changeOfBasis: SymmetryOperation?
    if let open = body.firstIndex(of: "(") {
      guard let close = body.lastIndex(of: ")"), close > open,
            body[body.index(after: close)...].allSatisfy(\.isWhitespace)
      else { throw fail("unbalanced '(' or text after ')'") }
      changeOfBasis = try Self.hallChangeOfBasis(body[body.index(after: open)..<close], fail: fail)
      body = body[..<open]
    }
    var parts = body.split(whereSeparator: \.isWhitespace).map { Array($0.lowercased()) }
    guard !parts.isEmpty else { throw fail("empty") }

    // Lattice part: optional "-" (centrosymmetric), lattice letter; "-" may stand alone.
    var lattice = parts.removeFirst()
    if lattice == ["-"], !parts.isEmpty { lattice += parts.removeFirst() }
    let centrosymmetric = lattice.first == "-"
    if centrosymmetric { lattice.removeFirst() }
    guard lattice.count == 1, let centring = hallCentringVectors[lattice[0]] else {
      throw fail("'\(String(lattice))' is not a lattice symbol (P, A, B, C, I, R, F, optionally with '-')")
    }

    var generators: [SymmetryOperation] = []
    if centrosymmetric {
      generators.append(SymmetryOperation(rotation: [-1, 0, 0, 0, -1, 0, 0, 0, -1], translation: [0, 0, 0]))
    }
    var previousOrder = 0
    for (position, part) in parts.enumerated() {
      let op = try Self.hallMatrix(part, position: position + 1, previousOrder: &previousOrder, fail: fail)
      if !op.isIdentity { generators.append(op) }
    }

    // Close the point-group part (one operation per rotation; translations wrapped).
    var byRotation: [[Int]: SymmetryOperation] = [SymmetryOperation.identity.rotation: .identity]
    var pointOps: [SymmetryOperation] = [.identity]
    for g in generators where byRotation[g.rotation] == nil {
      byRotation[g.rotation] = g.normalized()
      pointOps.append(g.normalized())
    }
    var k = 0
    while k < pointOps.count {
      for g in generators {
        let product = (pointOps[k] * g).normalized()
        if byRotation[product.rotation] == nil {
          byRotation[product.rotation] = product
          pointOps.append(product)
          guard pointOps.count <= 48 else { throw fail("generators do not close to a crystallographic point group") }
        }
      }
      k += 1
    }

    var result: [SymmetryOperation] = []
    var seen = Set<SymmetryOperation>()
    for c in centring {
      for op in pointOps {
        var shifted = op
        for i in 0..<3 { shifted.translation[i] += c[i] }
        if let v = changeOfBasis { shifted = v * shifted * v.inverse }
        shifted = shifted.normalized()
        if seen.insert(shifted).inserted { result.append(shifted) }
      }
    }
    return result
  }

  /// One matrix symbol such as "-4bd", "2x", "3*", "31", "2\"c", "-1n".
  private static func hallMatrix(
    _ symbol: [Character], position: Int, previousOrder: inout Int,
    fail: (String) -> SymmetryOperationError
  ) throws(SymmetryOperationError) -> SymmetryOperation {
    var chars = symbol[...]
    let improper = chars.first == "-"
    if improper { chars.removeFirst() }
    guard let orderChar = chars.first, let order = orderChar.wholeNumberValue, [1, 2, 3, 4, 6].contains(order) else {
      throw fail("'\(String(symbol))' does not start with a rotation order 1, 2, 3, 4 or 6")
    }
    chars.removeFirst()
    var screw = 0
    var principal: Character?
    var diagonal: Character?
    var translation = [0, 0, 0]
    for c in chars {
      if let digit = c.wholeNumberValue, (1...5).contains(digit) {
        guard screw == 0 else { throw fail("'\(String(symbol))' has two screw subscripts") }
        screw = digit
      } else if c == "'" || c == "\"" || c == "*" {
        guard order == (c == "*" ? 3 : 2) else { throw fail("axis '\(c)' does not fit order \(order) in '\(String(symbol))'") }
        diagonal = c
      } else if c == "x" || c == "y" || c == "z" {
        principal = c
      } else if let t = hallTranslations[c] {
        for i in 0..<3 { translation[i] += t[i] }
      } else {
        throw fail("unknown character '\(c)' in '\(String(symbol))'")
      }
    }
    if principal == nil, diagonal == nil {
      if position == 1 {
        principal = "z"
      } else if position == 2, order == 2, previousOrder == 2 || previousOrder == 4 {
        principal = "x"
      } else if position == 2, order == 2, previousOrder == 3 || previousOrder == 6 {
        diagonal = "'"
      } else if position == 3, order == 3 {
        diagonal = "*"
      } else if order != 1 {
        throw fail("no axis given or implied for '\(String(symbol))'")
      }
    }
    var r: [Int]
    switch diagonal {
    case "'": r = [0, -1, 0, -1, 0, 0, 0, 0, -1]
    case "\"": r = [0, 1, 0, 1, 0, 0, 0, 0, -1]
    case "*": r = [0, 0, 1, 1, 0, 0, 0, 1, 0]
    default:
      switch order {
      case 1: r = [1, 0, 0, 0, 1, 0, 0, 0, 1]
      case 2: r = [-1, 0, 0, 0, -1, 0, 0, 0, 1]
      case 3: r = [0, -1, 0, 1, -1, 0, 0, 0, 1]
      case 4: r = [0, -1, 0, 1, 0, 0, 0, 0, 1]
      default: r = [1, -1, 0, 1, 0, 0, 0, 0, 1]
      }
    }
    if improper { r = r.map { -$0 } }
    // The matrices above are for axis z; x and y cyclically permute rows and columns.
    func reorder(_ p: [Int]) -> [Int] { (0..<9).map { r[3 * p[$0 / 3] + p[$0 % 3]] } }
    if principal == "x" { r = reorder([2, 0, 1]) } else if principal == "y" { r = reorder([1, 2, 0]) }
    if screw != 0 {
      guard let axis = principal, let index = ["x", "y", "z"].firstIndex(of: axis) else {
        throw fail("screw subscript on a diagonal axis in '\(String(symbol))'")
      }
      guard screw < order else { throw fail("screw subscript \(screw) not below order \(order) in '\(String(symbol))'") }
      translation[index] += SymmetryOperation.denominator / order * screw
    }
    previousOrder = order
    return SymmetryOperation(rotation: r, translation: translation)
  }

  /// "(0 0 4)" in twelfths (Hall 1981) or "(x,y,z+1/12)" as an operation (Grosse-Kunstleve 1999).
  private static func hallChangeOfBasis(
    _ text: Substring, fail: (String) -> SymmetryOperationError
  ) throws(SymmetryOperationError) -> SymmetryOperation {
    if text.contains(",") {
      do {
        return try SymmetryOperation(xyz: String(text))
      } catch {
        throw fail("origin shift '(\(text))': \(error.reason)")
      }
    }
    let numbers = text.split(whereSeparator: \.isWhitespace).map { Int($0) }
    guard numbers.count == 3, numbers.allSatisfy({ $0 != nil && abs($0!) < 1000 }) else {
      throw fail("origin shift '(\(text))' is not three integers (twelfths)")
    }
    return SymmetryOperation(
      rotation: SymmetryOperation.identity.rotation,
      translation: numbers.map { $0! * (SymmetryOperation.denominator / 12) })
  }
}

/// Centring vectors (numerators over 24) by lattice letter, ITB Table A1.4.2.2.
private let hallCentringVectors: [Character: [[Int]]] = [
  "p": [[0, 0, 0]],
  "a": [[0, 0, 0], [0, 12, 12]],
  "b": [[0, 0, 0], [12, 0, 12]],
  "c": [[0, 0, 0], [12, 12, 0]],
  "i": [[0, 0, 0], [12, 12, 12]],
  "r": [[0, 0, 0], [16, 8, 8], [8, 16, 16]],
  "f": [[0, 0, 0], [0, 12, 12], [12, 0, 12], [12, 12, 0]],
]

/// Translation letters of Hall matrix symbols (numerators over 24).
private let hallTranslations: [Character: [Int]] = [
  "a": [12, 0, 0], "b": [0, 12, 0], "c": [0, 0, 12], "n": [12, 12, 12],
  "u": [6, 0, 0], "v": [0, 6, 0], "w": [0, 0, 6], "d": [6, 6, 6],
]
