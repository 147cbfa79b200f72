// A data block (`data_name`): single items and loops, looked up by normalized tag.
//
// Lookups go through a dictionary built once (by the parser, or again when `items` or `loops` are
// assigned), so a crystal reader can ask for fifty tags without scanning the block fifty times.
// A tag repeated in a block (real COD and pyxtal files have them) keeps its first occurrence; the parser
// records each repeat as a ``CIFWarning``. Save frames are kept apart in ``saveFrames`` and are not
// searched by the lookups.

/// A CIF data block: items, loops and save frames, with case-insensitive, `.`-equals-`_` tag lookups.
public struct CIFBlock: Sendable {
  /// Where a normalized tag lives.
  enum Slot: Sendable, Hashable {
    case item(Int)
    case loop(Int, column: Int)
  }

  /// The block name without `data_` (original case); `global_` for a STAR global block.
  public var name: String
  /// Where the `data_` (or `save_`) header is.
  public var location: SourceLocation
  /// Single items in file order (repeats of a tag already in the block are not stored).
  public var items: [CIFItem] { didSet { reindex() } }
  /// Loops in file order.
  public var loops: [CIFLoop] { didSet { reindex() } }
  /// Save frames (`save_name` … `save_`) in file order; each is a block of its own. Lookups on this
  /// block do not look inside them.
  public var saveFrames: [CIFBlock]

  private var slots: [String: Slot]
  private var orderedTags: [String]

  /// A block from its parts; lookups index them in file order (by tag location), first occurrence wins.
  public init(
    name: String, location: SourceLocation, items: [CIFItem] = [], loops: [CIFLoop] = [],
    saveFrames: [CIFBlock] = []
  ) {
    self.name = name
    self.location = location
    self.items = items
    self.loops = loops
    self.saveFrames = saveFrames
    self.slots = [:]
    self.orderedTags = []
    reindex()
  }

  /// The parser's constructor: the index is already built, in file order.
  init(
    name: String, location: SourceLocation, items: [CIFItem], loops: [CIFLoop], saveFrames: [CIFBlock],
    slots: [String: Slot], orderedTags: [String]
  ) {
    self.name = name
    self.location = location
    self.items = items
    self.loops = loops
    self.saveFrames = saveFrames
    self.slots = slots
    self.orderedTags = orderedTags
  }

  // MARK: - Lookups

  /// The value of a single item, or of a loop column that has exactly one row; `nil` otherwise.
  public func value(_ tag: String) -> CIFValue? {
    switch slot(tag) {
    case .item(let i)?:
      return items.indices.contains(i) ? items[i].value : nil
    case .loop(let l, let c)?:
      guard loops.indices.contains(l), loops[l].rows.count == 1, loops[l].rows[0].indices.contains(c) else {
        return nil
      }
      return loops[l].rows[0][c]
    case nil:
      return nil
    }
  }

  /// All values of a tag: its loop column, or a single item as a one-element array; `nil` if absent.
  public func values(_ tag: String) -> [CIFValue]? {
    switch slot(tag) {
    case .item(let i)?:
      return items.indices.contains(i) ? [items[i].value] : nil
    case .loop(let l, let c)?:
      return loops.indices.contains(l) ? loops[l].column(at: c) : nil
    case nil:
      return nil
    }
  }

  /// The loop holding `tag`, or `nil` if the tag is a single item or absent.
  public func loop(containing tag: String) -> CIFLoop? {
    guard case .loop(let l, _)? = slot(tag), loops.indices.contains(l) else { return nil }
    return loops[l]
  }

  /// Where the tag itself is written (first occurrence).
  public func tagLocation(_ tag: String) -> SourceLocation? {
    switch slot(tag) {
    case .item(let i)?:
      return items.indices.contains(i) ? items[i].tagLocation : nil
    case .loop(let l, let c)?:
      guard loops.indices.contains(l), loops[l].tagLocations.indices.contains(c) else { return nil }
      return loops[l].tagLocations[c]
    case nil:
      return nil
    }
  }

  /// Whether the block has `tag` (single or in a loop).
  public func contains(_ tag: String) -> Bool { slot(tag) != nil }

  /// Every tag of the block in file order, single items and loop tags together, each once
  /// (a repeated tag appears at its first occurrence), as written.
  public var tags: [String] { orderedTags }

  func slot(_ tag: String) -> Slot? { slots[TagName.normalized(tag)] }

  // MARK: - Index

  private mutating func reindex() {
    var entries: [(location: SourceLocation, tag: String, slot: Slot)] = []
    for (i, item) in items.enumerated() { entries.append((item.tagLocation, item.tag, .item(i))) }
    for (l, loop) in loops.enumerated() {
      for (c, tag) in loop.tags.enumerated() {
        let location = loop.tagLocations.indices.contains(c) ? loop.tagLocations[c] : loop.location
        entries.append((location, tag, .loop(l, column: c)))
      }
    }
    // Stable sort by position; entries with equal positions keep items-then-loops order.
    let order = entries.indices.sorted {
      let a = entries[$0].location, b = entries[$1].location
      return (a.line, a.column, $0) < (b.line, b.column, $1)
    }
    slots = [:]
    orderedTags = []
    for i in order {
      let key = TagName.normalized(entries[i].tag)
      if slots[key] == nil {
        slots[key] = entries[i].slot
        orderedTags.append(entries[i].tag)
      }
    }
  }
}
