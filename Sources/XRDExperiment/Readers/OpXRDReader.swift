// opXRD / xrdpattern JSON patterns (Hollarek et al., opXRD, 2025; the `xrdpattern` package writes and reads them):
// `{"two_theta_values": [...], "intensities": [...], "label": …, "metadata": …}`.
//
// `label` and `metadata` are usually JSON *strings* holding JSON whose members are again strings holding JSON
// (several levels deep in the legacy file), so every string that parses as a JSON object or array is decoded,
// repeatedly. Numbers may be strings ("1.5406"), and "nan"/NaN marks missing points: such points are dropped
// (their count is in metadata "dropped points"). Bare NaN/Infinity tokens (Python's `json.dumps`) are read as
// missing too.
// Label schemas: current (xrdpattern ≥ 0.9): `phases`, `xray_info.primary_wavelength/secondary_wavelength`,
// `is_simulated`, `crystallite_size_nm`, `temp_K`; legacy (2024, key `powder_experiment` or the decoded
// `powder` + `artifacts`): `powder.crystal_structure` and `artifacts.primary_wavelength/secondary_wavelength`.
// The secondary wavelength gets weight 0.5 (the schema has no ratio). Kept as metadata: the label as written
// ("opxrd.label"), its phases as JSON ("opxrd.phases"), the metadata object's non-null members, is_simulated,
// crystallite_size_nm and temp_K.
// Not done: building a Crystal from a label's phases (the JSON is kept for that).

import Foundation
import XRDDiffraction

enum OpXRDReader {
  static func read(_ data: Data, name: String) throws(MeasurementError) -> [MeasuredPattern] {
    let (root, text) = try parse(data, name: name)
    guard let object = root as? [String: Any] else {
      throw MeasurementError(file: name, line: 1, field: "JSON", message: "expected a JSON object at the top level")
    }
    var twoThetaValues = try numbers(object["two_theta_values"], key: "two_theta_values", name: name)
    var intensityValues = try numbers(object["intensities"], key: "intensities", name: name)
    // JSONSerialization on Linux returns long decimals as NSDecimalNumber and loses the last digit converting
    // them; JSONDecoder parses doubles exactly, so the arrays are read again with it when they are plain arrays.
    if let exact = try? JSONDecoder().decode(Arrays.self, from: text),
       exact.two_theta_values.values.count == twoThetaValues.count, exact.intensities.values.count == intensityValues.count {
      twoThetaValues = exact.two_theta_values.values
      intensityValues = exact.intensities.values
    }
    guard twoThetaValues.count == intensityValues.count else {
      throw MeasurementError(file: name, field: "intensities",
                             message: "\(intensityValues.count) intensities for \(twoThetaValues.count) two_theta_values")
    }
    var twoTheta: [Double] = [], intensity: [Double] = []
    twoTheta.reserveCapacity(twoThetaValues.count)
    intensity.reserveCapacity(twoThetaValues.count)
    for (x, y) in zip(twoThetaValues, intensityValues) where x.isFinite && y.isFinite {
      twoTheta.append(x)
      intensity.append(y)
    }
    var metadata: [String: String] = [:]
    if twoTheta.count < twoThetaValues.count { metadata["dropped points"] = String(twoThetaValues.count - twoTheta.count) }
    if twoTheta.count > 1, twoTheta[0] > twoTheta[twoTheta.count - 1] { twoTheta.reverse(); intensity.reverse() }
    for k in 1..<max(twoTheta.count, 1) where twoTheta[k] < twoTheta[k - 1] {
      throw MeasurementError(file: name, field: "two_theta_values", message: "value \(k + 1) (\(twoTheta[k])) is below the one before (\(twoTheta[k - 1]))")
    }

    // The label: current schema, or legacy under "powder_experiment" / with "powder" + "artifacts".
    let rawLabel = object["label"] ?? object["powder_experiment"]
    var radiation: [EmissionLine] = []
    if let rawLabel, !(rawLabel is NSNull) {
      if let text = rawLabel as? String { metadata["opxrd.label"] = text } else { metadata["opxrd.label"] = json(rawLabel) }
      if let label = decodeNested(rawLabel) as? [String: Any] {
        let xray = (label["xray_info"] as? [String: Any]) ?? (label["artifacts"] as? [String: Any])
        if let primary = number(xray?["primary_wavelength"]), primary > 0 {
          radiation.append(EmissionLine(wavelength: primary, weight: 1))
          if let secondary = number(xray?["secondary_wavelength"]), secondary > 0, secondary != primary {
            radiation.append(EmissionLine(wavelength: secondary, weight: 0.5))
          }
        }
        if let phases = label["phases"] as? [Any] {
          metadata["opxrd.phases"] = json(phases)
        } else if let powder = label["powder"] as? [String: Any], let structure = powder["crystal_structure"],
                  !(structure is NSNull) {
          metadata["opxrd.phases"] = json([structure])
        }
        if let simulated = label["is_simulated"], isBoolean(simulated), let simulated = simulated as? Bool { metadata["is_simulated"] = simulated ? "true" : "false" }
        for key in ["crystallite_size_nm", "temp_K"] {
          if let value = label[key], let text = scalarText(value) { metadata[key] = text }
        }
      }
    }
    if let rawMetadata = object["metadata"], let fields = decodeNested(rawMetadata) as? [String: Any] {
      for (key, value) in fields {
        if let text = scalarText(value) { metadata[key] = text } else if value is [Any], !(value as! [Any]).isEmpty {
          metadata[key] = json(value)
        }
      }
    }
    var missing = ["counting time", "e.s.d.", "intensity unit"]
    if radiation.isEmpty { missing.insert("wavelength", at: 0) }
    return [MeasuredPattern(twoTheta: twoTheta, intensity: intensity, radiation: radiation, intensityUnit: .arbitrary,
                            format: .opXRD, source: name, metadata: metadata, missing: missing)]
  }

  // MARK: - JSON helpers

  /// The two arrays, decoded exactly: numbers, numbers as strings, "nan" and null (NaN).
  private struct Arrays: Decodable {
    struct Numbers: Decodable {
      var values: [Double] = []
      init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        values.reserveCapacity(container.count ?? 0)
        while !container.isAtEnd {
          if try container.decodeNil() {
            values.append(.nan)
          } else if let x = try? container.decode(Double.self) {
            values.append(x)
          } else {
            values.append(Double(try container.decode(String.self).trimmingCharacters(in: .whitespaces)) ?? .nan)
          }
        }
      }
    }
    var two_theta_values: Numbers
    var intensities: Numbers
  }

  /// Parses JSON, retrying with bare NaN/Infinity tokens (Python's extension) replaced by null; returns the
  /// value and the text that parsed.
  static func parse(_ data: Data, name: String) throws(MeasurementError) -> (Any, Data) {
    do {
      return (try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]), data)
    } catch {
      if let cleaned = replacingNonFiniteTokens(data),
         let value = try? JSONSerialization.jsonObject(with: cleaned, options: [.fragmentsAllowed]) {
        return (value, cleaned)
      }
      let detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error.localizedDescription)"
      throw MeasurementError(file: name, field: "JSON", message: "not valid JSON (\(detail))")
    }
  }

  /// `data` with NaN, -NaN, Infinity and -Infinity outside strings replaced by null; nil when there are none.
  static func replacingNonFiniteTokens(_ data: Data) -> Data? {
    let bytes = [UInt8](data)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var inString = false, escaped = false, changed = false
    var i = 0
    let tokens: [[UInt8]] = [Array("-Infinity".utf8), Array("Infinity".utf8), Array("-NaN".utf8), Array("NaN".utf8)]
    while i < bytes.count {
      let c = bytes[i]
      if inString {
        if escaped { escaped = false } else if c == 0x5C { escaped = true } else if c == 0x22 { inString = false }
        out.append(c); i += 1; continue
      }
      if c == 0x22 { inString = true; out.append(c); i += 1; continue }
      if let token = tokens.first(where: { bytes[i...].starts(with: $0) }) {
        out += Array("null".utf8)
        i += token.count
        changed = true
        continue
      }
      out.append(c)
      i += 1
    }
    return changed ? Data(out) : nil
  }

  /// Strings that hold JSON objects or arrays decoded, recursively (at most 16 levels of strings in strings).
  static func decodeNested(_ value: Any, depth: Int = 0) -> Any {
    if let text = value as? String, depth < 16 {
      let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
      guard trimmed.hasPrefix("{") || trimmed.hasPrefix("["),
            let inner = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8), options: [.fragmentsAllowed])
      else { return text }
      return decodeNested(inner, depth: depth + 1)
    }
    if let object = value as? [String: Any] { return object.mapValues { decodeNested($0, depth: depth) } }
    if let array = value as? [Any] { return array.map { decodeNested($0, depth: depth) } }
    return value
  }

  /// A JSON array of numbers, numbers as strings, or "nan"/null (NaN); also a string holding such an array.
  private static func numbers(_ value: Any?, key: String, name: String) throws(MeasurementError) -> [Double] {
    guard let value else { throw MeasurementError(file: name, field: key, message: "missing") }
    guard let array = decodeNested(value) as? [Any] else {
      throw MeasurementError(file: name, field: key, message: "expected an array of numbers")
    }
    var result: [Double] = []
    result.reserveCapacity(array.count)
    for (i, element) in array.enumerated() {
      if element is NSNull { result.append(.nan); continue }
      guard let x = number(element) else {
        throw MeasurementError(file: name, field: "\(key)[\(i)]", message: "expected a number, found '\(element)'")
      }
      result.append(x)
    }
    return result
  }

  /// A number or a string holding one ("1.5406", "nan"); nil otherwise.
  static func number(_ value: Any?) -> Double? {
    if let value, isBoolean(value) { return nil }
    if let x = value as? Double { return x }
    if let n = value as? NSNumber { return n.doubleValue }
    if let s = value as? String { return Double(s.trimmingCharacters(in: .whitespaces)) }
    return nil
  }

  /// A JSON scalar as text ("0.9", "true", "2016-02-14"); nil for null, arrays and objects.
  private static func scalarText(_ value: Any) -> String? {
    if value is NSNull { return nil }
    if isBoolean(value), let b = value as? Bool { return b ? "true" : "false" }
    if let s = value as? String { return s }
    if let n = value as? NSNumber { return "\(n)" }
    return nil
  }

  /// Whether a JSONSerialization value is a JSON `true`/`false`. (Foundation bridges the numbers 0 and 1 to
  /// `Bool` as well, so `is Bool` cannot tell; the boolean singletons have their own class.)
  static func isBoolean(_ value: Any) -> Bool {
    if value is NSNumber { return String(describing: type(of: value)).contains("Boolean") }
    return value is Bool
  }

  /// Compact JSON with sorted keys.
  static func json(_ value: Any) -> String {
    guard JSONSerialization.isValidJSONObject(value),
          let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
    else { return "\(value)" }
    return String(decoding: data, as: UTF8.self)
  }
}
