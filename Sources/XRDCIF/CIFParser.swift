// CIF grammar over lexer tokens: blocks, save frames, items, loops, CIF 2.0 lists and tables.
//
// A single pass with one token of look-ahead. The leniencies (what is accepted beyond the CIF 1.1 and 2.0
// grammars, and what is rejected) are listed in the module overview, XRDCIF.docc/XRDCIF.md; each one that
// changes what is read is recorded as a CIFWarning. Lists and tables are parsed by recursion, bounded by
// `maximumNesting`, so hostile input cannot exhaust the stack.

struct CIFParser {
  /// Deepest CIF 2.0 list/table nesting accepted (real files use 2 or 3).
  static let maximumNesting = 64

  var lexer: CIFLexer
  var blocks: [CIFBlock] = []
  var warnings: [CIFWarning] = []
  private var pending: CIFToken? = nil
  private var block: BlockBuilder? = nil
  private var frame: BlockBuilder? = nil
  /// Block names seen so far, ASCII lower-cased, to warn about repeats.
  private var blockNames: Set<String> = []

  init(lexer: CIFLexer) {
    self.lexer = lexer
  }

  private mutating func next() throws(CIFError) -> CIFToken {
    if let token = pending {
      pending = nil
      return token
    }
    return try lexer.next()
  }

  // MARK: - Blocks

  mutating func parse() throws(CIFError) {
    while true {
      let token = try next()
      if token.kind == .end { break }
      if block == nil, token.kind != .data, token.kind != .global {
        throw lexer.error(.valueBeforeDataBlock, at: token)
      }
      switch token.kind {
      case .end:
        break
      case .data, .global:
        if frame != nil { throw CIFError(kind: .unterminatedSaveFrame, location: frame?.location ?? location(token)) }
        let name = token.kind == .global ? "global_" : lexer.content(of: token)
        if name.isEmpty { throw lexer.error(.reservedWord(lexer.text(of: token)), at: token) }
        closeBlock()
        if !blockNames.insert(TagName.lowercased(name)).inserted {
          warnings.append(CIFWarning(kind: .duplicateBlockName(name), location: location(token)))
        }
        block = BlockBuilder(name: name, location: location(token))
      case .save:
        let name = lexer.content(of: token)
        if name.isEmpty {
          guard let closed = frame else { throw lexer.error(.reservedWord(lexer.text(of: token)), at: token) }
          block?.saveFrames.append(closed.build())
          frame = nil
        } else {
          if frame != nil {
            throw CIFError(kind: .unterminatedSaveFrame, location: frame?.location ?? location(token))
          }
          frame = BlockBuilder(name: name, location: location(token))
        }
      case .loop:
        try parseLoop(token)
      case .tag:
        try parseItem(token)
      case .stop:
        throw lexer.error(.reservedWord(lexer.text(of: token)), at: token)
      case .unquoted, .quoted, .textField, .listOpen, .listClose, .tableOpen, .tableClose:
        throw lexer.error(.unexpectedValue(excerpt(token)), at: token)
      }
    }
    if let open = frame { throw CIFError(kind: .unterminatedSaveFrame, location: open.location) }
    closeBlock()
    if blocks.isEmpty { throw CIFError(kind: .noDataBlock, location: SourceLocation(file: lexer.fileName, line: 1, column: 1)) }
  }

  private mutating func closeBlock() {
    if let done = block {
      blocks.append(done.build())
      block = nil
    }
  }

  private func location(_ token: CIFToken) -> SourceLocation { lexer.location(of: token) }

  /// The token as written, cut at 60 bytes (on a character boundary) for error messages.
  private func excerpt(_ token: CIFToken) -> String {
    var end = min(token.end, token.start + 60)
    while end < token.end, end > token.start, lexer.bytes[end] & 0xC0 == 0x80 { end -= 1 }
    return lexer.text(token.start..<end) + (end < token.end ? "…" : "")
  }

  // MARK: - Items

  /// `_tag value`. An unquoted value followed on the same line by more values is read as one value
  /// (with a warning), as writers that forget quotes mean it: `_pd_phase_name NaCoO2 supercell`.
  private mutating func parseItem(_ tag: CIFToken) throws(CIFError) {
    let first = try next()
    let value: CIFValue
    switch first.kind {
    case .unquoted:
      var last = first
      while true {
        let more = try next()
        if (more.kind == .unquoted || more.kind == .quoted), more.line == first.line {
          last = more
        } else {
          pending = more
          break
        }
      }
      if last.end == first.end {
        value = makeValue(first)
      } else {
        let text = lexer.text(first.start..<last.end)
        value = CIFValue(kind: .unquoted, text: text, location: location(first))
        warnings.append(
          CIFWarning(kind: .valueWithBlanks(tag: lexer.text(of: tag), value: text), location: location(first)))
      }
    case .quoted, .textField:
      value = makeValue(first)
    case .listOpen, .tableOpen:
      value = try parseContainer(first, depth: 1)
    case .end, .tag, .data, .save, .loop, .stop, .global, .listClose, .tableClose:
      throw lexer.error(.missingValue(tag: lexer.text(of: tag)), at: tag)
    }
    let item = CIFItem(tag: lexer.text(of: tag), tagLocation: location(tag), value: value)
    let key = TagName.normalized(UnsafeBufferPointer(rebasing: lexer.bytes[tag.start..<tag.end]))
    let added = frame != nil ? frame?.add(item, key: key) : block?.add(item, key: key)
    if added == false {
      warnings.append(CIFWarning(kind: .duplicateTag(item.tag), location: item.tagLocation))
    }
  }

  private func makeValue(_ token: CIFToken) -> CIFValue {
    let loc = location(token)
    switch token.kind {
    case .quoted:
      return CIFValue(kind: .quoted, text: lexer.content(of: token), location: loc)
    case .textField:
      return CIFValue(kind: .textField, text: lexer.content(of: token), location: loc)
    default:
      if token.end - token.start == 1 {
        switch lexer.bytes[token.start] {
        case UInt8(ascii: "?"): return CIFValue(kind: .unknown, text: "?", location: loc)
        case UInt8(ascii: "."): return CIFValue(kind: .inapplicable, text: ".", location: loc)
        default: break
        }
      }
      return CIFValue(kind: .unquoted, text: lexer.text(of: token), location: loc)
    }
  }

  // MARK: - Loops

  /// `loop_ tags… values…`, ended by the next tag, keyword or `stop_`; values fill rows tag by tag.
  private mutating func parseLoop(_ loopToken: CIFToken) throws(CIFError) {
    var tags: [String] = []
    var tagLocations: [SourceLocation] = []
    var keys: [String] = []
    var seen: Set<String> = []
    while true {
      let token = try next()
      guard token.kind == .tag else {
        pending = token
        break
      }
      let key = TagName.normalized(UnsafeBufferPointer(rebasing: lexer.bytes[token.start..<token.end]))
      if !seen.insert(key).inserted { throw lexer.error(.duplicateTag(lexer.text(of: token)), at: token) }
      keys.append(key)
      tags.append(lexer.text(of: token))
      tagLocations.append(location(token))
    }
    if tags.isEmpty { throw lexer.error(.emptyLoop, at: loopToken) }

    let width = tags.count
    var rows: [[CIFValue]] = []
    var row: [CIFValue] = []
    row.reserveCapacity(width)
    var count = 0
    values: while true {
      let token = try next()
      let value: CIFValue
      switch token.kind {
      case .unquoted, .quoted, .textField:
        value = makeValue(token)
      case .listOpen, .tableOpen:
        value = try parseContainer(token, depth: 1)
      case .stop:
        break values
      default:
        pending = token
        break values
      }
      row.append(value)
      count += 1
      if row.count == width {
        rows.append(row)
        row = []
        row.reserveCapacity(width)
      }
    }
    if !row.isEmpty {
      throw lexer.error(.loopValueCount(prefix: tags[0], values: count, tags: width), at: loopToken)
    }
    let loop = CIFLoop(tags: tags, rows: rows, location: location(loopToken), tagLocations: tagLocations)
    let duplicates = frame != nil ? frame?.add(loop, keys: keys) : block?.add(loop, keys: keys)
    for i in duplicates ?? [] {
      warnings.append(CIFWarning(kind: .duplicateTag(tags[i]), location: tagLocations[i]))
    }
  }

  // MARK: - CIF 2.0 lists and tables

  /// `[v v …]` or `{'key':v …}` after its opening token; `depth` counts the open brackets.
  private mutating func parseContainer(_ open: CIFToken, depth: Int) throws(CIFError) -> CIFValue {
    if depth > CIFParser.maximumNesting {
      throw lexer.error(.nestingTooDeep(limit: CIFParser.maximumNesting), at: open)
    }
    let isList = open.kind == .listOpen
    let unterminated: CIFError.Kind = isList ? .unterminatedList : .unterminatedTable
    var items: [CIFValue] = []
    var keys: [String] = []
    while true {
      let token = try lexer.next(inContainer: true)
      switch token.kind {
      case .listClose where isList, .tableClose where !isList:
        return CIFValue(
          kind: isList ? .list : .table, text: lexer.text(open.start..<token.end), items: items, keys: keys,
          location: location(open))
      case .end, .tag, .data, .save, .loop, .stop, .global:
        throw lexer.error(unterminated, at: open)
      case .listClose, .tableClose:
        throw lexer.error(.unexpectedValue(lexer.text(of: token)), at: token)
      case .unquoted, .quoted, .textField, .listOpen, .tableOpen:
        if isList {
          items.append(token.kind.isSimpleValue ? makeValue(token) : try parseContainer(token, depth: depth + 1))
          continue
        }
        // Table entry: a quoted key glued to ':', then a value.
        guard token.kind == .quoted, lexer.currentByte == UInt8(ascii: ":") else {
          throw lexer.error(.unexpectedValue(excerpt(token)), at: token)
        }
        lexer.pos += 1
        let key = lexer.content(of: token)
        let valueToken = try lexer.next(inContainer: true)
        switch valueToken.kind {
        case .unquoted, .quoted, .textField:
          items.append(makeValue(valueToken))
        case .listOpen, .tableOpen:
          items.append(try parseContainer(valueToken, depth: depth + 1))
        default:
          throw lexer.error(.missingValue(tag: key), at: token)
        }
        keys.append(key)
      }
    }
  }
}

// MARK: - Block builder

/// A block being filled: items, loops and the lookup index, in file order.
struct BlockBuilder {
  var name: String
  var location: SourceLocation
  var items: [CIFItem] = []
  var loops: [CIFLoop] = []
  var saveFrames: [CIFBlock] = []
  var slots: [String: CIFBlock.Slot] = [:]
  var orderedTags: [String] = []

  init(name: String, location: SourceLocation) {
    self.name = name
    self.location = location
  }

  /// Adds a single item; `false` (and nothing stored) if its tag is already in the block.
  mutating func add(_ item: CIFItem, key: String) -> Bool {
    guard slots[key] == nil else { return false }
    slots[key] = .item(items.count)
    orderedTags.append(item.tag)
    items.append(item)
    return true
  }

  /// Adds a loop; returns the column indices whose tags were already in the block (they stay in the
  /// loop, but lookups find the first occurrence).
  mutating func add(_ loop: CIFLoop, keys: [String]) -> [Int] {
    var duplicates: [Int] = []
    for (c, key) in keys.enumerated() {
      if slots[key] == nil {
        slots[key] = .loop(loops.count, column: c)
        orderedTags.append(loop.tags[c])
      } else {
        duplicates.append(c)
      }
    }
    loops.append(loop)
    return duplicates
  }

  func build() -> CIFBlock {
    CIFBlock(
      name: name, location: location, items: items, loops: loops, saveFrames: saveFrames, slots: slots,
      orderedTags: orderedTags)
  }
}
