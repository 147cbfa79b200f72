// Why a corpus config was rejected (CorpusConfigError), and why a run, a resume, a merge or a regeneration
// stopped (CorpusError).
//
// CorpusConfigError is shaped like XRDProfile's InstrumentError (STYLE §6): a kind, the key path as written
// in the file ("augment.zero_shift", "structures[2].weight", "instrument.profile.U") and where it is written.
// `description` reads "corpus.yaml:12:6: error: augment.zero_shift: …".

public import XRDCIF
public import XRDProfile

/// A corpus config that cannot be used, with the key path and (for files) the place it is written.
public struct CorpusConfigError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: Sendable, Equatable {
    /// The text is not valid YAML (or JSON); the parser's message.
    case syntax(String)
    /// The file could not be read.
    case unreadableFile(String)
    /// A key the section does not have, with the closest known key when one is near.
    case unknownKey(String, suggestion: String?)
    /// The same key twice in one mapping.
    case duplicateKey(String)
    /// A required key is absent.
    case missingKey(String)
    /// A value of the wrong kind.
    case wrongType(expected: String, found: String)
    /// A value of the right kind outside its allowed range; the value and the rule.
    case invalidValue(String, reason: String)
    /// The `instrument` section (or preset) was rejected by the instrument reader; its message.
    case instrument(InstrumentError.Kind)

    public var message: String {
      switch self {
      case let .syntax(message): "syntax error: \(message)"
      case let .unreadableFile(reason): "cannot read file: \(reason)"
      case let .unknownKey(key, suggestion): "unknown key '\(key)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
      case let .duplicateKey(key): "key '\(key)' is given twice"
      case let .missingKey(key): "required key '\(key)' is missing"
      case let .wrongType(expected, found): "expected \(expected), found \(found)"
      case let .invalidValue(value, reason): "\(value) is not allowed: \(reason)"
      case let .instrument(kind): kind.message
      }
    }
  }

  public var kind: Kind
  /// The key path as written in the file, e.g. "augment.profile.U" or "structures[1].weight"; "" for the
  /// document as a whole.
  public var keyPath: String
  /// Where the value is written (1-based line and column); nil for values built in code.
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

/// A corpus run, resume, merge or regeneration that cannot go on; `description` is one line for the CLI.
public struct CorpusError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  /// The file or folder concerned, when there is one.
  public var path: String?

  public init(_ message: String, path: String? = nil) {
    self.message = message
    self.path = path
  }

  public var description: String { (path.map { "\($0): " } ?? "") + "error: " + message }
}

// MARK: - Suggestions

/// The candidate closest to `word` if it is close: equal ignoring case; within Levenshtein distance 2
/// (1 for 3–4 characters, 0 for shorter words); or, for 4 or more characters, a prefix either way.
func closestMatch(to word: String, in candidates: [String]) -> String? {
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

/// Levenshtein distance over Characters.
func editDistance(_ a: String, _ b: String) -> Int {
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
