// Finding a setting: by IT number, by a loosely written Hermann–Mauguin or Hall symbol, or by an
// explicit operation list.
//
// Defaults (the same as gemmi 0.7.5 `find_spacegroup_by_number`/`find_spacegroup_by_name`, spglib's
// smallest Hall number and pymatgen's `SpaceGroup`): a bare number or a symbol without origin/axes
// qualifier means ITA's first-listed setting, i.e. origin choice 1 and hexagonal axes. Real CIFs
// are split on this (in ../shared, suffix-less "F d 3 m" comes with origin-2 operators as often as
// with origin-1 ones), so a CIF's explicit operator list should win: use ``SpaceGroup/matching(_:)``
// first and the name only when there is no list.
// Not done: Hall symbols outside spglib's 530 spellings are parsed and then matched
// (SpaceGroup+Hall.swift); H-M symbols of non-standard settings (other origins, "C -1", "X4bm") are not.

extension SpaceGroup {
  // MARK: - IT number

  /// The ITA default setting of space-group type `number` (1...230): the first-listed one, i.e.
  /// unique axis b / cell choice 1, origin choice 1, hexagonal axes, the abc orthorhombic setting —
  /// the same choice as gemmi's `find_spacegroup_by_number`. Nil outside 1...230.
  public init?(number: Int) {
    guard (1...230).contains(number) else { return nil }
    self = Self.all[Self.lookupTables.firstIndexOfNumber[number]]
  }

  // MARK: - Hermann–Mauguin symbol

  /// The setting named by a Hermann–Mauguin symbol, written loosely as CIFs and papers do.
  ///
  /// Accepted spellings of the same symbol: blanks anywhere or none ("P 1 21/c 1", "P21/c"), screw
  /// axes as `21`, `2_1`, `2(1)`, `2~1~`; any letter case ("p 21/c"); the ITA full symbol
  /// ("P 21/b 21/c 21/a"); short monoclinic symbols for unique axis b ("P 21/n", "I 2/a");
  /// pre-1983 cubic symbols without the bar ("Fm3m", "Fd3m", "Ia3d"); old names of the e-glide
  /// groups ("C m c a" = "C m c e", "B m a b" = "B m e b"); CCP4's "H 3" for R 3 in hexagonal axes;
  /// "P 1 1 1". Any orthorhombic axis permutation and monoclinic setting has its own symbol
  /// ("Pbnm" is Pnma in setting cab).
  ///
  /// Setting qualifiers: ":1"/":2" or a trailing " S"/" Z" (origin choice), ":H"/":R" or a trailing
  /// " H"/" R" (axes), any spglib setting code after ":" ("P 21/c :c1", "P n m a :cab"); a comment
  /// in braces or parentheses that says "origin at centre" selects origin choice 2. Without a
  /// qualifier the first-listed setting is chosen: origin choice 1 and hexagonal axes, as gemmi
  /// does (see the file header). An origin qualifier on a group without origin choices is ignored.
  ///
  /// Returns nil for anything else, including non-standard settings such as "C -1" or "X4bm".
  public init?(hermannMauguin text: String) {
    let (key, qualifier) = Self.hermannMauguinKey(text)
    guard let candidates = Self.lookupTables.symbolIndex[key], let first = candidates.first else { return nil }
    guard let qualifier else {
      self = Self.all[first]
      return
    }
    let q = qualifier.lowercased()
    func fits(_ i: Int) -> Bool {
      let code = Self.all[i].settingCode.lowercased()
      return code == q || ((q == "1" || q == "2") && code.hasPrefix(q))
    }
    let number = Self.all[first].number
    let sameNumber = Self.all.indices.filter { Self.all[$0].number == number }
    if let i = candidates.first(where: fits) ?? sameNumber.first(where: fits) {
      self = Self.all[i]
    } else if q == "1" || q == "2",
              !sameNumber.contains(where: { Self.all[$0].settingCode.hasPrefix("1") }) {
      self = Self.all[first]  // e.g. "P 42/m m c S": no origin choices to pick from
    } else {
      return nil
    }
  }

  /// Lookup key (lower case, no blanks, no subscript markers) and setting qualifier of a loose
  /// H-M symbol, e.g. ("p121/c1", nil), ("fd-3m", "2") for "F d -3 m :2" or "Fd-3mZ".
  package static func hermannMauguinKey(_ text: String) -> (key: String, qualifier: String?) {
    var s = String(text.unicodeScalars.compactMap { scalar -> Character? in
      switch scalar {
      case "_", "~": nil
      case "\u{2212}": "-"
      default: Character(scalar)
      }
    })
    s = s.trimmingBlanksAndQuotes()

    // Screw subscripts in parentheses: "2(1)" → "21".
    var chars = Array(s)
    var i = 0
    while i + 2 < chars.count {
      if chars[i] == "(", chars[i + 1].isNumber, chars[i + 2] == ")" {
        chars.replaceSubrange(i...(i + 2), with: [chars[i + 1]])
      }
      i += 1
    }
    s = String(chars)

    // A trailing comment, e.g. "{origin @ centre (-3m)}" or "(origin choice 2)".
    var qualifier: String?
    if let open = s.firstIndex(where: { $0 == "{" || $0 == "(" }) {
      let comment = s[open...].lowercased()
      var run = 0
      var isWords = false
      for c in comment {
        run = c.isLetter ? run + 1 : 0
        if run >= 3 { isWords = true }
      }
      if isWords {
        if comment.contains("centre") || comment.contains("center") || comment.contains("choice 2")
          || comment.contains("origin 2") {
          qualifier = "2"
        } else if comment.contains("choice 1") || comment.contains("origin 1") {
          qualifier = "1"
        }
        s = String(s[..<open]).trimmingBlanksAndQuotes()
      }
    }

    if let colon = s.firstIndex(of: ":") {
      let q = s[s.index(after: colon)...].filter { !$0.isWhitespace }
      qualifier = q.isEmpty ? qualifier : q
      s = String(s[..<colon])
    } else {
      let tokens = s.split(whereSeparator: \.isWhitespace)
      let compact = s.filter { !$0.isWhitespace }
      if tokens.count >= 2, let last = tokens.last, last.count == 1, "HRSZhrsz".contains(last) {
        qualifier = String(last)
        s = tokens.dropLast().joined(separator: " ")
      } else if compact.count >= 3, let last = compact.last, "HRSZ".contains(last) {
        qualifier = String(last)
        s = String(compact.dropLast())
      }
    }
    switch qualifier {
    case "S", "s": qualifier = "1"
    case "Z", "z": qualifier = "2"
    case "h": qualifier = "H"
    case "r": qualifier = "R"
    default: break
    }
    return (s.filter { !$0.isWhitespace }.lowercased(), qualifier)
  }

  // MARK: - Hall symbol

  /// The setting with this Hall symbol, e.g. "-P 2ybc", "P 31 2 (0 0 4)", "-R 3 2\"".
  ///
  /// Tolerant of letter case, extra or missing blanks between parts, and "_" for blanks
  /// ("-p_2yab"). A symbol that is not spelled as in spglib's table is parsed (Hall 1981;
  /// Grosse-Kunstleve 1999) and its operations matched, so equivalent spellings such as
  /// "P 2ac 2ab -1" for "-P 2ac 2ab" resolve too. Nil if the symbol does not parse or its
  /// group is not one of the 530 settings.
  public init?(hall text: String) {
    let key = Self.hallKey(text)
    if let i = Self.lookupTables.hallIndex[key] {
      self = Self.all[i]
    } else if let operations = try? Self.operations(hall: text), let group = Self.matching(operations) {
      self = group
    } else {
      return nil
    }
  }

  /// Lower case, single blanks, "_" as blank, no blank after a leading "-" or inside "( ... )" ends.
  static func hallKey(_ text: String) -> String {
    let s = String(text.map { $0 == "_" ? " " : $0 }).trimmingBlanksAndQuotes().lowercased()
    var words = s.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    if words.hasPrefix("- ") { words.remove(at: words.index(after: words.startIndex)) }
    words = words.replacing("( ", with: "(").replacing(" )", with: ")")
    return words
  }

  // MARK: - Operation list

  /// The setting whose operations equal `operations` as a set, after wrapping translations into
  /// [0, 1) and ignoring order and repeats. The list must be complete (centring translations
  /// included), as CIF operator loops are. Returns nil if none of the 530 settings matches, e.g. a
  /// non-standard origin or cell. Where two spglib settings share one set (No. 68 origin 1, settings
  /// 322/324, 326/328, 330/332), the lower Hall number is returned.
  public static func matching(_ operations: [SymmetryOperation]) -> SpaceGroup? {
    guard let key = operationSetKey(operations) else { return nil }
    return lookupTables.operationSetIndex[key].map { all[$0] }
  }

  /// Sorted, de-duplicated, normalized 12-number codes of an operation list (nil for malformed ops).
  static func operationSetKey(_ operations: [SymmetryOperation]) -> [Int]? {
    var codes = Set<[Int]>()
    for op in operations {
      guard op.rotation.count == 9, op.translation.count == 3 else { return nil }
      let n = op.normalized()
      codes.insert(n.rotation + n.translation)
    }
    return codes.sorted { $0.lexicographicallyPrecedes($1) }.flatMap { $0 }
  }

  // MARK: - Index

  struct LookupTables: Sendable {
    var firstIndexOfNumber: [Int]
    var symbolIndex: [String: [Int]]
    var hallIndex: [String: Int]
    var operationSetIndex: [[Int]: Int]
  }

  /// Built once on first use from ``all`` and the generated alias table (about a millisecond).
  static let lookupTables: LookupTables = {
    var firstIndexOfNumber = [Int](repeating: -1, count: 231)
    var symbolIndex: [String: [Int]] = [:]
    var hallIndex: [String: Int] = [:]
    var operationSetIndex: [[Int]: Int] = [:]
    for (i, group) in all.enumerated() {
      if firstIndexOfNumber[group.number] < 0 { firstIndexOfNumber[group.number] = i }
      var names = [group.hermannMauguin, group.shortSymbol]
      names += spaceGroupSymbolAliases[i].split(separator: "|").map(String.init)
      for name in names {
        let key = hermannMauguinKey(name).key
        if symbolIndex[key, default: []].last != i { symbolIndex[key, default: []].append(i) }
      }
      let hall = hallKey(group.hall)
      if hallIndex[hall] == nil { hallIndex[hall] = i }
      if let key = operationSetKey(group.operations), operationSetIndex[key] == nil { operationSetIndex[key] = i }
    }
    return LookupTables(
      firstIndexOfNumber: firstIndexOfNumber, symbolIndex: symbolIndex, hallIndex: hallIndex,
      operationSetIndex: operationSetIndex)
  }()
}

extension String {
  /// Without surrounding blanks and one pair of surrounding quotes.
  fileprivate func trimmingBlanksAndQuotes() -> String {
    var s = Substring(self)
    while let c = s.first, c.isWhitespace { s.removeFirst() }
    while let c = s.last, c.isWhitespace { s.removeLast() }
    if s.count >= 2, let f = s.first, f == s.last, f == "'" || f == "\"" {
      s = s.dropFirst().dropLast()
      while let c = s.first, c.isWhitespace { s.removeFirst() }
      while let c = s.last, c.isWhitespace { s.removeLast() }
    }
    return String(s)
  }
}
