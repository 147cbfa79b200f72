// Crystallographic symmetry operations (Seitz operators {R|t}) in fractional coordinates, exact.
//
// x' = R·x + t with R a 3×3 integer matrix (row-major) and t in multiples of 1/24, as gemmi's
// `Op` (DEN = 24): every translation of the 230 space groups in their ITA settings, including
// the 1/3, 1/6, 1/8 and 1/12 of hexagonal and cubic screw axes and d-glides, is exact in 1/24.
// Text form is the CIF "xyz" triplet ("-y+1/2,x-y,z+1/3"), read leniently (see
// ``SymmetryOperation/init(xyz:)``) and written canonically (``SymmetryOperation/xyz``).
// Not done: operations in other bases (hkl, Cartesian) and translations finer than 1/24.

/// A space-group operation x' = R·x + t acting on fractional coordinates.
///
/// The rotation R has integer entries (row-major, 9 entries) and determinant ±1; the translation
/// t is stored as numerators over ``denominator`` = 24. Values are kept exactly as built: `*`
/// does not wrap translations into the unit cell; ``normalized()`` does. Two operations that
/// differ by a lattice translation are therefore different values unless both are normalized.
public struct SymmetryOperation: Sendable, Hashable, CustomStringConvertible {
  /// The common denominator of all translations: 24 (as gemmi's `Op::DEN`).
  public static let denominator = 24

  /// Rotation part R, row-major: x'ᵢ = Σⱼ R[3i + j] xⱼ + tᵢ.
  public var rotation: [Int]
  /// Translation part t as numerators over 24 (`[12, 0, 8]` is (1/2, 0, 1/3)).
  public var translation: [Int]

  /// The identity operation x, y, z.
  public static let identity = SymmetryOperation(rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0])

  /// An operation from its rotation (9 integers, row-major) and translation (3 numerators over 24).
  ///
  /// The counts are a programmer's contract (checked with `precondition`); the determinant is not
  /// checked here, but ``inverse`` requires ±1. Text from files goes through ``init(xyz:)``, which
  /// checks everything and throws.
  public init(rotation: [Int], translation: [Int]) {
    precondition(rotation.count == 9, "SymmetryOperation rotation needs 9 entries, got \(rotation.count)")
    precondition(translation.count == 3, "SymmetryOperation translation needs 3 entries, got \(translation.count)")
    self.rotation = rotation
    self.translation = translation
  }

  // MARK: - Algebra

  /// Applies the operation to fractional coordinates: R·p + t/24 (no wrapping into the cell).
  public func apply(to p: SIMD3<Double>) -> SIMD3<Double> {
    let r = rotation.map(Double.init)
    let d = Double(Self.denominator)
    return SIMD3(
      r[0] * p.x + r[1] * p.y + r[2] * p.z + Double(translation[0]) / d,
      r[3] * p.x + r[4] * p.y + r[5] * p.z + Double(translation[1]) / d,
      r[6] * p.x + r[7] * p.y + r[8] * p.z + Double(translation[2]) / d)
  }

  /// Composition: `(lhs * rhs)` applies `rhs` first, then `lhs`: {R₁|t₁}{R₂|t₂} = {R₁R₂ | R₁t₂ + t₁}.
  /// The translation is not wrapped; call ``normalized()`` to compare modulo lattice translations.
  public static func * (lhs: Self, rhs: Self) -> Self {
    var r = [Int](repeating: 0, count: 9)
    var t = lhs.translation
    for i in 0..<3 {
      for j in 0..<3 {
        r[3 * i + j] = lhs.rotation[3 * i] * rhs.rotation[j] + lhs.rotation[3 * i + 1] * rhs.rotation[3 + j]
          + lhs.rotation[3 * i + 2] * rhs.rotation[6 + j]
        t[i] += lhs.rotation[3 * i + j] * rhs.translation[j]
      }
    }
    return SymmetryOperation(rotation: r, translation: t)
  }

  /// Determinant of the rotation part: +1 for proper rotations, −1 for improper ones.
  public var determinant: Int { Self.determinant(rotation) }

  /// The inverse {R⁻¹ | −R⁻¹t}, so that `op * op.inverse` is the identity exactly.
  ///
  /// Requires a determinant of ±1 (always true for operations read by ``init(xyz:)``).
  public var inverse: Self {
    let m = rotation
    let det = Self.determinant(m)
    precondition(det == 1 || det == -1, "SymmetryOperation.inverse: rotation determinant is \(det), not ±1")
    // Adjugate / det; with det = ±1 the inverse is integral.
    let adjugate = [
      m[4] * m[8] - m[5] * m[7], m[2] * m[7] - m[1] * m[8], m[1] * m[5] - m[2] * m[4],
      m[5] * m[6] - m[3] * m[8], m[0] * m[8] - m[2] * m[6], m[2] * m[3] - m[0] * m[5],
      m[3] * m[7] - m[4] * m[6], m[1] * m[6] - m[0] * m[7], m[0] * m[4] - m[1] * m[3],
    ]
    let r = adjugate.map { $0 * det }
    var t = [0, 0, 0]
    for i in 0..<3 {
      t[i] = -(r[3 * i] * translation[0] + r[3 * i + 1] * translation[1] + r[3 * i + 2] * translation[2])
    }
    return SymmetryOperation(rotation: r, translation: t)
  }

  /// The same operation with each translation numerator wrapped into 0..<24 (t in [0, 1)).
  public func normalized() -> Self {
    let d = Self.denominator
    return SymmetryOperation(rotation: rotation, translation: translation.map { (($0 % d) + d) % d })
  }

  /// True for the identity rotation with zero translation (exactly; a pure lattice translation such
  /// as x+1,y,z is not the identity unless normalized first).
  public var isIdentity: Bool {
    rotation == [1, 0, 0, 0, 1, 0, 0, 0, 1] && translation == [0, 0, 0]
  }

  static func determinant(_ m: [Int]) -> Int {
    m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6])
  }

  // MARK: - Text

  /// Canonical triplet, e.g. `"-y+1/2,x-y,z+1/3"`: terms in x, y, z order, translation last as a
  /// reduced fraction (unwrapped: `"x+3/2"` stays), `"0"` for an empty component, no blanks.
  /// ``init(xyz:)`` reads it back to an identical value.
  public var xyz: String {
    (0..<3).map { i -> String in
      var s = ""
      for (j, name) in ["x", "y", "z"].enumerated() {
        let c = rotation[3 * i + j]
        guard c != 0 else { continue }
        if c < 0 { s += "-" } else if !s.isEmpty { s += "+" }
        if abs(c) != 1 { s += String(abs(c)) }
        s += name
      }
      let t = translation[i]
      if t != 0 {
        if t < 0 { s += "-" } else if !s.isEmpty { s += "+" }
        let g = Self.gcd(abs(t), Self.denominator)
        let (p, q) = (abs(t) / g, Self.denominator / g)
        s += q == 1 ? String(p) : "\(p)/\(q)"
      }
      return s.isEmpty ? "0" : s
    }.joined(separator: ",")
  }

  /// The canonical ``xyz`` triplet.
  public var description: String { xyz }

  static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}

// MARK: - Parsing

/// Why a symmetry-operation triplet could not be read: the offending text and the reason.
public struct SymmetryOperationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The text that was given (as given; long text is shortened only in ``description``).
  public var text: String
  /// What was wrong, e.g. "component 3 'q': unexpected character 'q'".
  public var reason: String

  public init(text: String, reason: String) {
    self.text = text
    self.reason = reason
  }

  public var description: String {
    let shown = text.count > 80 ? String(text.prefix(77)) + "..." : text
    return "invalid symmetry operation '\(shown)': \(reason)"
  }
}

extension SymmetryOperation {
  /// Reads a CIF symmetry-operation triplet (`_space_group_symop_operation_xyz`,
  /// `_symmetry_equiv_pos_as_xyz`).
  ///
  /// Accepted (quotes must already be stripped by the caller):
  /// - three comma-separated components of signed terms in any order: `"x,y,z"`, `"-y+1/2, x-y, z+1/3"`,
  ///   `"1/2+x"`, `"X-Y,X,Z"`, `" x, y ,z "`; integer coefficients `"2x"`, `"2*x"`; a lone
  ///   translation `"1/2"`; blanks anywhere; `−` (U+2212) as minus;
  /// - translations as fractions `p/q` that are multiples of 1/24, or decimals within 10⁻³ of one
  ///   (`0.5`, `.25`, `0.3333`, `0.66667`, `0.16667`);
  /// - a fourth, magnetic time-reversal component of an mCIF operation (`"x,y,z,+1"`, `"-1"`), which
  ///   is checked and ignored.
  ///
  /// Everything else throws ``SymmetryOperationError`` naming the text and the problem: wrong
  /// number of components, empty components, unknown characters, fractional coefficients of x/y/z,
  /// division by zero, translations that are not multiples of 1/24, and rotation parts whose
  /// determinant is not ±1. Never traps.
  public init(xyz text: String) throws(SymmetryOperationError) {
    func fail(_ reason: String) -> SymmetryOperationError { SymmetryOperationError(text: text, reason: reason) }
    let components = text.split(separator: ",", omittingEmptySubsequences: false)
    guard components.count == 3 || components.count == 4 else {
      throw fail("expected 3 comma-separated components (4 with a magnetic time-reversal sign), found \(components.count)")
    }
    if components.count == 4 {
      let sign = components[3].filter { !$0.isWhitespace }
      guard ["1", "+1", "-1", "\u{2212}1"].contains(sign) else {
        throw fail("time-reversal component '\(abbreviated(components[3]))' is not +1 or -1")
      }
    }
    var rotation = [Int](repeating: 0, count: 9)
    var translation = [0, 0, 0]
    for i in 0..<3 {
      let parsed: (coefficients: [Int], translation: Int)
      do {
        parsed = try Self.parseComponent(components[i])
      } catch {
        throw fail("component \(i + 1) '\(abbreviated(components[i]))': \(error.message)")
      }
      rotation[3 * i..<3 * i + 3] = parsed.coefficients[...]
      translation[i] = parsed.translation
    }
    let det = Self.determinant(rotation)
    guard det == 1 || det == -1 else {
      throw fail("rotation part has determinant \(det); a symmetry operation needs +1 or -1")
    }
    self.init(rotation: rotation, translation: translation)
  }

  private struct ComponentError: Error {
    var message: String
  }

  /// One component ("-y+1/2"): coefficients of x, y, z and the translation numerator over 24.
  private static func parseComponent(_ component: Substring) throws(ComponentError) -> (coefficients: [Int], translation: Int) {
    let scalars = Array(component.unicodeScalars.filter { !$0.properties.isWhitespace })
    guard !scalars.isEmpty else { throw ComponentError(message: "empty") }
    var coefficients = [0, 0, 0]
    var translation = 0
    var index = 0

    func variable(_ s: Unicode.Scalar) -> Int? {
      switch s {
      case "x", "X": 0
      case "y", "Y": 1
      case "z", "Z": 2
      default: nil
      }
    }
    func isDigit(_ s: Unicode.Scalar) -> Bool { s >= "0" && s <= "9" }
    /// Digits with at most one '.': the integer value (nil if there is a point) and the value.
    /// At most 12 digits before the point (no Int overflow); digits after it are unlimited.
    func readNumber() throws(ComponentError) -> (integer: Int?, value: Double) {
      var digits = 0
      var integer = 0
      var value = 0.0
      var scale = 1.0
      var sawPoint = false
      while index < scalars.count, isDigit(scalars[index]) || (scalars[index] == "." && !sawPoint) {
        let s = scalars[index]
        index += 1
        if s == "." {
          sawPoint = true
          continue
        }
        let d = Int(s.value - 48)
        digits += 1
        if sawPoint {
          scale /= 10
          value += Double(d) * scale
        } else {
          guard digits <= 12 else { throw ComponentError(message: "number with more than 12 digits") }
          integer = integer * 10 + d
          value = value * 10 + Double(d)
        }
      }
      guard digits > 0 else { throw ComponentError(message: "'.' without digits") }
      return (sawPoint ? nil : integer, value)
    }

    var first = true
    while index < scalars.count {
      var sign = 1
      let s = scalars[index]
      if s == "+" || s == "-" || s == "\u{2212}" {
        sign = s == "+" ? 1 : -1
        index += 1
        guard index < scalars.count else { throw ComponentError(message: "ends with a sign") }
      } else if !first {
        throw ComponentError(message: "expected '+' or '-' before '\(abbreviated(String(scalars[index...].map(Character.init))))'")
      }
      first = false
      let c = scalars[index]
      if let v = variable(c) {
        index += 1
        coefficients[v] += sign
      } else if isDigit(c) || c == "." {
        let number = try readNumber()
        if index < scalars.count, scalars[index] == "*" {
          index += 1
          guard index < scalars.count, variable(scalars[index]) != nil else {
            throw ComponentError(message: "'*' not followed by x, y or z")
          }
        }
        if index < scalars.count, let v = variable(scalars[index]) {
          // Coefficient of x/y/z.
          guard let n = number.integer else {
            throw ComponentError(message: "coefficient \(number.value) of \(Character(scalars[index])) is not an integer")
          }
          index += 1
          coefficients[v] += sign * n
        } else if index < scalars.count, scalars[index] == "/" {
          index += 1
          guard let p = number.integer else { throw ComponentError(message: "decimal numerator in a fraction") }
          guard index < scalars.count, isDigit(scalars[index]) else {
            throw ComponentError(message: "'/' without a denominator")
          }
          let denominator = try readNumber()
          guard let q = denominator.integer else { throw ComponentError(message: "decimal denominator in a fraction") }
          guard q != 0 else { throw ComponentError(message: "division by zero in \(p)/0") }
          guard (p * denominator24) % q == 0 else {
            throw ComponentError(message: "translation \(p)/\(q) is not a multiple of 1/24")
          }
          if index < scalars.count, variable(scalars[index]) != nil || scalars[index] == "*" {
            throw ComponentError(message: "fractional coefficient \(p)/\(q) of a coordinate")
          }
          translation += sign * (p * denominator24 / q)
        } else if let n = number.integer {
          translation += sign * n * denominator24
        } else {
          let scaled = number.value * Double(denominator24)
          let rounded = scaled.rounded()
          guard abs(number.value - rounded / Double(denominator24)) <= 1e-3 else {
            throw ComponentError(message: "translation \(number.value) is not within 0.001 of a multiple of 1/24")
          }
          translation += sign * Int(rounded)
        }
      } else {
        throw ComponentError(message: "unexpected character '\(Character(c))'")
      }
      // Bounds keep every later product (determinant, composition) far from Int overflow.
      guard coefficients.allSatisfy({ abs($0) <= 1000 }) else {
        throw ComponentError(message: "coefficient of a coordinate larger than 1000")
      }
      guard abs(translation) <= 1_000_000 * denominator24 else {
        throw ComponentError(message: "translation larger than 10^6")
      }
    }
    return (coefficients, translation)
  }

  private static let denominator24 = denominator
}

/// Text for an error message: at most 40 characters, "..." marking a cut.
private func abbreviated<S: StringProtocol>(_ text: S) -> String {
  text.count > 40 ? String(text.prefix(37)) + "..." : String(text)
}
