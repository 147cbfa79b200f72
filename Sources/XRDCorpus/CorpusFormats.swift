// The registry of output formats, by the name `--format` and the manifest use.
//
// To add a format: implement ``CorpusFormat`` (and ``CorpusCommonFiles`` if it has files shared by all
// shards) and add one entry to ``CorpusFormats/all`` and its name to ``CorpusFormats/order``.

import Foundation

/// Output formats by name.
public enum CorpusFormats {
  /// Every registered format, by ``CorpusFormat/name``.
  public static let all: [String: any CorpusFormat] = Dictionary(
    uniqueKeysWithValues: ([NPYFormat(), HDF5Format(), OpXRDFormat()] as [any CorpusFormat]).map { ($0.name, $0) })

  /// The names in the order they are listed and written (the default `--format`).
  public static let order: [String] = ["npy", "hdf5", "opxrd"].filter { all[$0] != nil }
    + all.keys.filter { !["npy", "hdf5", "opxrd"].contains($0) }.sorted()

  /// The formats named in a comma-separated list ("npy,hdf5"), in the order given, without repeats.
  ///
  /// - Throws: ``CorpusError`` naming an unknown format and listing the known ones.
  public static func parse(_ list: String) throws(CorpusError) -> [any CorpusFormat] {
    var names: [String] = []
    for part in list.split(separator: ",") {
      let name = part.trimmingCharacters(in: .whitespaces).lowercased()
      guard !name.isEmpty, !names.contains(name) else { continue }
      guard all[name] != nil else {
        throw CorpusError("unknown format '\(name)' (known: \(order.joined(separator: ", ")))")
      }
      names.append(name)
    }
    guard !names.isEmpty else { throw CorpusError("no format given (known: \(order.joined(separator: ", ")))") }
    return names.map { all[$0]! }
  }
}
