// A `loop_`: tags, then rows of values, one value per tag per row.
//
// Rows are rectangular by construction (the parser rejects a value count that is not a multiple of the
// tag count). Tag lookups use the normalized comparison of the whole module (case-insensitive, `.` = `_`).

/// A CIF loop: a table with one column per tag.
public struct CIFLoop: Sendable {
  /// The tags as written (original case).
  public var tags: [String]
  /// Where each tag is written, parallel to ``tags``.
  public var tagLocations: [SourceLocation]
  /// The values, `rows[r][c]` for tag `c`; every row has `tags.count` values.
  public var rows: [[CIFValue]]
  /// Where the `loop_` keyword is.
  public var location: SourceLocation

  /// A loop from its parts; `tagLocations` defaults to `location` for every tag.
  public init(tags: [String], rows: [[CIFValue]], location: SourceLocation, tagLocations: [SourceLocation]? = nil) {
    self.tags = tags
    self.rows = rows
    self.location = location
    self.tagLocations = tagLocations ?? Array(repeating: location, count: tags.count)
  }

  /// Column index of `tag` (case-insensitive, `.` equal to `_`), or `nil`.
  public func index(of tag: String) -> Int? {
    tags.firstIndex { TagName.equal($0, tag) }
  }

  /// The values of `tag` in row order, or `nil` if the loop has no such tag.
  /// A row too short for the column (possible only in a hand-built loop) gives `?`.
  public func column(_ tag: String) -> [CIFValue]? {
    guard let i = index(of: tag) else { return nil }
    return column(at: i)
  }

  func column(at i: Int) -> [CIFValue] {
    rows.map { row in
      row.indices.contains(i) ? row[i] : CIFValue(kind: .unknown, text: "?", location: location)
    }
  }
}
