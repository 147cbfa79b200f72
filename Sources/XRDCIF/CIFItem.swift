// A single (non-loop) data item of a block: `_cell_length_a 5.431(2)`.

/// A tag with one value, outside any loop.
public struct CIFItem: Sendable, Hashable {
  /// The tag as written (original case, `.` or `_`).
  public var tag: String
  /// Where the tag is written.
  public var tagLocation: SourceLocation
  public var value: CIFValue

  public init(tag: String, tagLocation: SourceLocation, value: CIFValue) {
    self.tag = tag
    self.tagLocation = tagLocation
    self.value = value
  }
}
