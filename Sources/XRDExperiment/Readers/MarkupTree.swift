// A small element tree built with Foundation's SAX XMLParser, for the XML instrument formats (XRDML, BRML).
//
// Each element keeps its local name (namespace prefix dropped), attributes, concatenated text and the line
// it starts on, so a reader can say "scan.xrdml:57: error: intensities: …". A parse failure becomes a
// ``MeasurementError`` with the parser's line and the innermost open element. External entities and DTDs
// are not resolved. Not done: streaming (the files read here are at most a few MB; the tree is simplest).

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One XML element: name, attributes, text content and children.
final class MarkupElement {
  /// The local name, without a namespace prefix.
  let name: String
  let attributes: [String: String]
  /// 1-based line of the start tag.
  let line: Int
  /// The element's own character data (CDATA included), children's text excluded.
  fileprivate(set) var text = ""
  fileprivate(set) var children: [MarkupElement] = []

  init(name: String, attributes: [String: String], line: Int) {
    self.name = name
    self.attributes = attributes
    self.line = line
  }

  /// The text without surrounding white space.
  var trimmedText: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }

  /// The first child named `name`.
  func child(_ name: String) -> MarkupElement? { children.first { $0.name == name } }

  /// Every child named `name`, in document order.
  func children(_ name: String) -> [MarkupElement] { children.filter { $0.name == name } }

  /// The first element named `name` at any depth below this one, depth-first in document order.
  func descendant(_ name: String) -> MarkupElement? {
    for child in children {
      if child.name == name { return child }
      if let found = child.descendant(name) { return found }
    }
    return nil
  }

  /// Every element named `name` at any depth below this one, in document order.
  func descendants(_ name: String) -> [MarkupElement] {
    var found: [MarkupElement] = []
    for child in children {
      if child.name == name { found.append(child) }
      found += child.descendants(name)
    }
    return found
  }

  /// The element at the end of `path` of child names ("usedWavelength", "kAlpha1").
  func path(_ names: String...) -> MarkupElement? {
    var element: MarkupElement? = self
    for name in names { element = element?.child(name) }
    return element
  }

  /// The element's text as a number.
  /// - Throws: ``MeasurementError`` naming `file`, this element's line and name, when it is not one.
  func number(file: String) throws(MeasurementError) -> Double {
    guard let value = Double(trimmedText), value.isFinite else {
      throw MeasurementError(file: file, line: line, field: name, message: "expected a number, found '\(trimmedText.prefix(40))'")
    }
    return value
  }

  /// The element's text as white-space-separated numbers.
  /// - Throws: ``MeasurementError`` naming the element, its line and the position of the first bad value.
  func numbers(file: String) throws(MeasurementError) -> [Double] {
    var values: [Double] = []
    var index = 0
    for token in text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
      index += 1
      guard let value = Double(token), value.isFinite else {
        throw MeasurementError(file: file, line: line, field: name,
                               message: "value \(index) is '\(token.prefix(40))', not a number")
      }
      values.append(value)
    }
    return values
  }
}

/// Parses XML bytes into a ``MarkupElement`` tree.
enum MarkupTree {
  /// The root element of the XML document `data`.
  /// - Throws: ``MeasurementError`` naming `file`, the line and the innermost open element on malformed XML.
  static func parse(_ data: Data, file: String) throws(MeasurementError) -> MarkupElement {
    let parser = XMLParser(data: data)
    let builder = Builder()
    parser.delegate = builder
    parser.shouldProcessNamespaces = false
    parser.shouldResolveExternalEntities = false
    let ok = parser.parse()
    guard ok, builder.stack.isEmpty, let root = builder.root else {
      let open = builder.stack.last?.name ?? builder.root?.name ?? ""
      let reason = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "unexpected end of document"
      let where_ = open.isEmpty ? "" : " inside <\(open)>"
      throw MeasurementError(file: file, line: max(parser.lineNumber, 1), field: open,
                             message: "malformed XML\(where_) (\(reason))")
    }
    return root
  }

  private final class Builder: NSObject, XMLParserDelegate {
    var root: MarkupElement?
    var stack: [MarkupElement] = []

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
      let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
      let element = MarkupElement(name: local, attributes: attributeDict, line: parser.lineNumber)
      if let parent = stack.last { parent.children.append(element) } else if root == nil { root = element }
      stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
      _ = stack.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      stack.last?.text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
      stack.last?.text += String(decoding: CDATABlock, as: UTF8.self)
    }
  }
}
