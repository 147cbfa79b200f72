// X-ray tube emission lines by name, and wavelength parsing for the command line.
//
// Wavelengths (Å) from International Tables Vol. C (3rd ed., 2004), Table 4.2.2.1: Hölzer et al. (1997),
// Phys. Rev. A 56, 4554 for Cr, Fe, Co and Cu (Kα1, Kα2, Kβ1,3); the Mo and Ag values of the same table.
// The weighted Kα is (2 Kα1 + Kα2)/3, the Kα2 : Kα1 intensity ratio 0.5 by default.
// Not done: line shapes (widths, asymmetry, satellites); Kβ2, Kβ3 separately; Mn, Ni, W, Rh anodes.

/// One emission line of an X-ray source: a wavelength and a relative intensity.
public struct EmissionLine: Sendable, Hashable {
  /// Wavelength λ in Å.
  public var wavelength: Double
  /// Relative intensity (Kα1 = 1, Kα2 = 0.5 by default).
  public var weight: Double
  /// The line's name, e.g. "CuKa1"; nil for a wavelength given as a number.
  public var name: String?

  public init(wavelength: Double, weight: Double = 1, name: String? = nil) {
    self.wavelength = wavelength
    self.weight = weight
    self.name = name
  }
}

/// Characteristic lines of the common X-ray tube anodes (Cu, Mo, Co, Cr, Fe, Ag).
///
/// Names are case-insensitive; spaces, "-" and "_" are ignored and "α", "β" read as "a", "b", so
/// "CuKa1", "cu ka1", "Cu Kα1" and "CU_KA1" are the same line. For an anode X:
/// - "XKa1", "XKa2", "XKb1": one line (ITC Vol. C Table 4.2.2.1); "XKb" is "XKb1".
/// - "XKa" and "X" alone: the weighted mean (2 Kα1 + Kα2)/3 as one line.
/// - "XKa12" or "XKa1a2": the doublet Kα1 (weight 1) and Kα2 (weight 0.5, or `kAlpha2Ratio`).
public enum Radiation {
  /// Kα1, Kα2, Kβ1 in Å for each anode, in the order of ``anodes``.
  static let table: [(anode: String, kAlpha1: Double, kAlpha2: Double, kBeta1: Double)] = [
    ("Cu", 1.5405929, 1.5444274, 1.3922340),    // Hölzer et al. 1997
    ("Mo", 0.70931715, 0.713607, 0.632303),
    ("Co", 1.7889960, 1.7928350, 1.6208260),    // Hölzer et al. 1997
    ("Cr", 2.2897260, 2.2936510, 2.0848810),    // Hölzer et al. 1997
    ("Fe", 1.9360410, 1.9399730, 1.7566040),    // Hölzer et al. 1997
    ("Ag", 0.55942178, 0.5638131, 0.4970817),
  ]

  /// The anode symbols, "Cu", "Mo", "Co", "Cr", "Fe", "Ag".
  public static let anodes: [String] = table.map(\.anode)

  /// The default Kα2 : Kα1 intensity ratio.
  public static let defaultKAlpha2Ratio = 0.5

  /// Every accepted name in its canonical spelling: "CuKa1", "CuKa2", "CuKa", "CuKa12", "CuKb1", "Cu", ….
  /// (The aliases "XKa1a2" and "XKb" are accepted too but not listed.)
  public static let names: [String] = anodes.flatMap { [$0 + "Ka1", $0 + "Ka2", $0 + "Ka", $0 + "Ka12", $0 + "Kb1", $0] }

  /// The wavelength in Å for a line name, or nil if the name is unknown.
  ///
  /// For a doublet name ("CuKa12") this is the intensity-weighted mean (2 Kα1 + Kα2)/3, as for "CuKa".
  public static func wavelength(named name: String) -> Double? {
    guard let lines = lines(named: name) else { return nil }
    let total = lines.reduce(0) { $0 + $1.weight }
    guard lines.count > 1 else { return lines[0].wavelength }
    // The doublet's mean for the default ratio is the weighted Kα by construction.
    return lines.reduce(0) { $0 + $1.wavelength * $1.weight } / total
  }

  /// The emission lines for a name, or nil if the name is unknown; see ``Radiation`` for the names.
  ///
  /// - Parameter kAlpha2Ratio: intensity of Kα2 relative to Kα1 for the doublet names ("CuKa12").
  public static func lines(named name: String, kAlpha2Ratio: Double = defaultKAlpha2Ratio) -> [EmissionLine]? {
    let key = normalized(name)
    for entry in table {
      let anode = entry.anode.lowercased()
      guard key.hasPrefix(anode) else { continue }
      let weightedMean = (2 * entry.kAlpha1 + entry.kAlpha2) / 3
      switch key.dropFirst(anode.count) {
      case "ka1": return [EmissionLine(wavelength: entry.kAlpha1, name: entry.anode + "Ka1")]
      case "ka2": return [EmissionLine(wavelength: entry.kAlpha2, name: entry.anode + "Ka2")]
      case "kb1", "kb": return [EmissionLine(wavelength: entry.kBeta1, name: entry.anode + "Kb1")]
      case "ka", "": return [EmissionLine(wavelength: weightedMean, name: entry.anode + "Ka")]
      case "ka12", "ka1a2":
        return [EmissionLine(wavelength: entry.kAlpha1, weight: 1, name: entry.anode + "Ka1"),
                EmissionLine(wavelength: entry.kAlpha2, weight: kAlpha2Ratio, name: entry.anode + "Ka2")]
      default: continue
      }
    }
    return nil
  }

  /// Lower-cased, without spaces, "-" and "_", with α → a and β → b.
  static func normalized(_ name: String) -> String {
    var out = ""
    for c in name.lowercased() where !(c.isWhitespace || c == "-" || c == "_") {
      switch c {
      case "α": out.append("a")
      case "β": out.append("b")
      default: out.append(c)
      }
    }
    return out
  }
}

/// Why a wavelength string was rejected by ``parseWavelength(_:)``.
public struct WavelengthError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The text as given.
  public var text: String

  public init(text: String) { self.text = text }

  public var description: String {
    "'\(text)' is not a wavelength: give a positive number of ångströms below 10 (e.g. 1.5406) or a line name ("
      + "\(Radiation.anodes.map { $0 + "Ka1" }.joined(separator: ", ")); also XKa2, XKa, XKa12, XKb1, X)"
  }
}

/// A wavelength in Å from a line name ("CuKa1", "MoKa"; see ``Radiation``) or a number in Å.
///
/// A number must be finite, positive and below 10 Å (λ ≥ 10 Å cannot diffract from any crystal of
/// interest and is almost certainly a unit mistake, e.g. nm or pm). Surrounding white space is ignored.
/// For a doublet name the weighted mean is returned; use ``Radiation/lines(named:kAlpha2Ratio:)`` for
/// the lines.
///
/// - Throws: ``WavelengthError`` for anything else.
public func parseWavelength(_ text: String) throws(WavelengthError) -> Double {
  if let value = Radiation.wavelength(named: text) { return value }
  let trimmed = text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
  guard let value = Double(String(trimmed)), value.isFinite, value > 0, value < 10 else { throw WavelengthError(text: text) }
  return value
}
