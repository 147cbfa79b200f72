// Why an instrument file, a `--set` assignment or an instrument built in code was rejected.
//
// Shaped like XRDCrystal's CrystalError (STYLE §6): a kind, the key path as written in the file
// ("profile.U", "background.humps[0].fwhm"), and where it is written (file, line, column) when the error
// comes from text. `description` reads "cu.yaml:12:6: error: profile.U: must be …".

public import XRDCIF

/// An instrument description that cannot be used, with the key and (for files) the place it is written.
public struct InstrumentError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: Sendable, Equatable {
    /// The text is not valid YAML (or JSON); the parser's message.
    case syntax(String)
    /// The file could not be read.
    case unreadableFile(String)
    /// A key the section does not have, with the closest known key when one is near (a case difference,
    /// a small edit distance or a prefix).
    case unknownKey(String, suggestion: String?)
    /// The same key twice in one mapping.
    case duplicateKey(String)
    /// Two keys that are alternatives given together, e.g. `two_theta` and `q` (a scan is one or the other).
    case conflictingKeys(String, String)
    /// A required key is absent, e.g. `fwhm` of a background hump.
    case missingKey(String)
    /// A value of the wrong kind, e.g. text where a number belongs.
    case wrongType(expected: String, found: String)
    /// A value of the right kind outside its allowed range; the value and the rule.
    case invalidValue(String, reason: String)
    /// A radiation name that ``Radiation/lines(named:kAlpha2Ratio:)`` does not know, with the closest name.
    case unknownRadiation(String, suggestion: String?)
    /// A `--set` argument that is not `key.path=value`.
    case badAssignment(String)
    /// ``Instrument/preset(named:)`` has no set-up of that name.
    case unknownPreset(String, suggestion: String?)

    public var message: String {
      switch self {
      case let .syntax(message): "syntax error: \(message)"
      case let .unreadableFile(reason): "cannot read file: \(reason)"
      case let .unknownKey(key, suggestion): "unknown key '\(key)'" + Self.didYouMean(suggestion)
      case let .duplicateKey(key): "key '\(key)' is given twice"
      case let .conflictingKeys(first, second):
        "'\(first)' and '\(second)' cannot both be given: they are alternatives; give one of them"
      case let .missingKey(key): "required key '\(key)' is missing"
      case let .wrongType(expected, found): "expected \(expected), found \(found)"
      case let .invalidValue(value, reason): "\(value) is not allowed: \(reason)"
      case let .unknownRadiation(name, suggestion):
        "unknown radiation '\(name)': give a line name (CuKa12, CuKa1, MoKa12, …), a wavelength in Å or a "
          + "list of {wavelength, weight}" + Self.didYouMean(suggestion)
      case let .badAssignment(text): "'\(text)' is not an assignment: write key.path=value, e.g. profile.U=0.01"
      case let .unknownPreset(name, suggestion):
        "unknown preset '\(name)' (known: \(Instrument.presetNames.joined(separator: ", ")))"
          + Self.didYouMean(suggestion)
      }
    }

    private static func didYouMean(_ suggestion: String?) -> String {
      suggestion.map { "; did you mean '\($0)'?" } ?? ""
    }
  }

  public var kind: Kind
  /// The key path as written in the file, e.g. "profile.U" or "background.humps[1].fwhm"; "" for the
  /// document as a whole.
  public var keyPath: String
  /// Where the value is written (1-based line and column); nil for `--set` and for values built in code.
  /// Line 0 means the file as a whole.
  public var location: SourceLocation?

  public init(_ kind: Kind, keyPath: String, location: SourceLocation? = nil) {
    self.kind = kind
    self.keyPath = keyPath
    self.location = location
  }

  public var description: String {
    let place = location.map { "\($0): " } ?? ""
    let key = keyPath.isEmpty ? "" : "\(keyPath): "
    return "\(place)error: \(key)\(kind.message)"
  }
}

// MARK: - Suggestions

extension InstrumentError {
  /// The candidate closest to `word` if it is close: equal ignoring case; within Levenshtein distance 2
  /// (1 for words of 3 or 4 characters, 0 for shorter ones: "Q" is not a typo of "U"); or, for words of 4 or more characters, a prefix of the candidate
  /// or the other way round ("crystallite_size" → "crystallite_size_nm"). Ties go to the earlier candidate.
  static func closestMatch(to word: String, in candidates: [String]) -> String? {
    let lower = word.lowercased()
    if let same = candidates.first(where: { $0.lowercased() == lower }) { return same }
    let limit = word.count <= 2 ? 0 : word.count <= 4 ? 1 : 2
    var best: (name: String, distance: Int)?
    for candidate in candidates {
      let d = editDistance(lower, candidate.lowercased())
      if d <= limit, d < (best?.distance ?? .max) { best = (candidate, d) }
    }
    if let best { return best.name }
    guard lower.count >= 4 else { return nil }
    return candidates.first { $0.lowercased().hasPrefix(lower) || lower.hasPrefix($0.lowercased()) }
  }

  /// Levenshtein distance (insertions, deletions, substitutions) over Characters.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
