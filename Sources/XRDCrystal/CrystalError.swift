// Semantic errors in a CIF: what is missing or wrong for building a crystal, with the place it is written.

public import XRDCIF

/// A CIF that is valid syntax but does not describe a crystal structure xrdsim can use.
public struct CrystalError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: Sendable, Equatable {
    /// The CIF has a syntax error.
    case syntax(CIFError.Kind)
    /// No data block has atom sites (`_atom_site_fract_x`).
    case noStructure
    /// `--block NAME` names no block of the file.
    case blockNotFound(String)
    /// A required item is absent, e.g. `_cell_length_a`.
    case missingItem(tag: String)
    /// An item that must be a number is not ("?" for a cell length, text, …).
    case notANumber(tag: String, value: String)
    /// A value is out of its physical range (negative occupancy, …).
    case invalidValue(tag: String, value: String, reason: String)
    /// The cell parameters are impossible (zero volume, zero length, …).
    case invalidCell(UnitCellError)
    /// An atom-type symbol or label that names no element.
    case unknownElement(tag: String, value: String)
    /// A symmetry operator that cannot be read.
    case badSymmetryOperation(tag: String, value: String, reason: String)
    /// A space-group symbol, Hall symbol or number that matches no setting, with no operators to fall back on.
    case unknownSpaceGroup(tag: String, value: String)
    /// Neither symmetry operators nor a space-group symbol or number.
    case noSymmetry
    /// A modulated (incommensurate) structure: superspace symmetry is not supported.
    case incommensurate(tag: String)
    /// The file could not be read.
    case unreadableFile(String)

    public var message: String {
      switch self {
      case let .syntax(kind): kind.message
      case .noStructure: "no data block with atom sites (_atom_site_fract_x): the file holds no crystal structure"
      case let .blockNotFound(name): "no data block named '\(name)'"
      case let .missingItem(tag): "required item \(tag) is missing"
      case let .notANumber(tag, value): "\(tag): '\(value)' is not a number"
      case let .invalidValue(tag, value, reason): "\(tag): '\(value)' \(reason)"
      case let .invalidCell(error): "\(error)"
      case let .unknownElement(tag, value): "\(tag): '\(value)' names no chemical element"
      case let .badSymmetryOperation(tag, value, reason): "\(tag): cannot read symmetry operator '\(value)': \(reason)"
      case let .unknownSpaceGroup(tag, value): "\(tag): unknown space group '\(value)'"
      case .noSymmetry: "no symmetry: neither operators (_space_group_symop_operation_xyz) nor a space-group symbol or number"
      case let .incommensurate(tag): "\(tag): incommensurate (modulated) structures are not supported"
      case let .unreadableFile(reason): "cannot read file: \(reason)"
      }
    }
  }

  public var kind: Kind
  /// Where the offending item is written (file, line, column); line 0 when the problem is the whole file.
  public var location: SourceLocation

  public init(_ kind: Kind, at location: SourceLocation) {
    self.kind = kind
    self.location = location
  }

  /// "NaCl.cif:17:5: error: _atom_site_type_symbol: 'Xx' names no chemical element"
  public var description: String {
    if location.line == 0 { return "\(location.file ?? "<string>"): error: \(kind.message)" }
    return "\(location): error: \(kind.message)"
  }
}
