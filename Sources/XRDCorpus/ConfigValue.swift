// A JSON value: how the normalized config is stored in a manifest and read back (JSON is YAML, so the
// config reader takes it as it is).
//
// Objects encode with sorted keys when the encoder asks for them (the manifest's encoder does), so the
// same config always gives the same bytes and the same hash.
// Not done: preserving integer vs. decimal spelling beyond what Double/Int give.

import Foundation
import Yams

/// A JSON value tree.
public enum ConfigValue: Sendable, Hashable, Codable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([ConfigValue])
  case object([String: ConfigValue])

  public init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() { self = .null }
    else if let b = try? c.decode(Bool.self) { self = .bool(b) }
    else if let i = try? c.decode(Int.self) { self = .int(i) }
    else if let d = try? c.decode(Double.self) { self = .double(d) }
    else if let s = try? c.decode(String.self) { self = .string(s) }
    else if let a = try? c.decode([ConfigValue].self) { self = .array(a) }
    else { self = .object(try c.decode([String: ConfigValue].self)) }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    switch self {
    case .null: try c.encodeNil()
    case let .bool(b): try c.encode(b)
    case let .int(i): try c.encode(i)
    case let .double(d): try c.encode(d)
    case let .string(s): try c.encode(s)
    case let .array(a): try c.encode(a)
    case let .object(o): try c.encode(o)
    }
  }

  /// A number: an integer when it is one (and small enough), otherwise a double.
  static func number(_ x: Double) -> ConfigValue {
    if x == x.rounded(), abs(x) < 1e15 { return .int(Int(x)) }
    return .double(x)
  }

  /// The tree of a YAML node, scalars typed as YAML 1.1 core would (null, bool, int, float, else string).
  static func from(_ node: Node) -> ConfigValue {
    switch node {
    case let .scalar(scalar):
      let text = scalar.string
      if scalar.style == .plain || scalar.style == .any {
        if ["", "~", "null", "Null", "NULL"].contains(text) { return .null }
        if ["true", "True", "TRUE"].contains(text) { return .bool(true) }
        if ["false", "False", "FALSE"].contains(text) { return .bool(false) }
        if let i = Int(text) { return .int(i) }
        if let d = parseYAMLNumber(text) { return .double(d) }
      }
      return .string(text)
    case let .mapping(mapping):
      var object: [String: ConfigValue] = [:]
      for (key, value) in mapping { object[key.string ?? "\(key)"] = from(value) }
      return .object(object)
    case let .sequence(sequence):
      return .array(sequence.map(from))
    }
  }

  /// Canonical JSON text (sorted keys, no escaped slashes).
  func jsonText(pretty: Bool = false) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: (try? encoder.encode(self)) ?? Data("null".utf8), as: UTF8.self)
  }
}

/// A YAML float (`1.5`, `1e-3`, `.inf`, `-.inf`, `.nan`), or nil.
func parseYAMLNumber(_ text: String) -> Double? {
  switch text {
  case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
  case "-.inf", "-.Inf", "-.INF": return -.infinity
  case ".nan", ".NaN", ".NAN": return .nan
  default:
    guard let first = text.first, first.isNumber || first == "-" || first == "+" || first == "." else { return nil }
    return Double(text)
  }
}
