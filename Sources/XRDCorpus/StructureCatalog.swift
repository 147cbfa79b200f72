// The structures of a corpus: config entries (files, folders, globs) resolved to CIF files, read in
// parallel, numbered, and mapped to global pattern indices.
//
// Order: entries in config order; a folder's `.cif`/`.mcif` files and a glob's matches sorted by name; a file
// listed twice is kept at its first place. Files that fail to parse (or hold no atoms) are reported with the
// reader's "file:line:col: error: …" and left out before numbering, so indices depend only on the files.
// Pattern indices are structure-major: structure s owns [first_s, first_s + variants_s).
// Not done: reading structures lazily for corpora of millions of CIFs (all are held, ~10 KB each).

import Foundation
public import XRDCrystal
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One structure of a corpus, read and numbered.
public struct CorpusStructure: Sendable {
  /// Position in the catalog (0-based): the structure index of labels and seeds.
  public var index: Int
  /// File name without extension, made unique with "~2", "~3", … when two files share a name.
  public var id: String
  /// The path as resolved from the config (relative to the current folder unless the config made it absolute).
  public var path: String
  /// SHA-256 of the CIF file's bytes.
  public var sha256: String
  public var weight: Double
  public var variants: Int
  /// Global index of its first pattern.
  public var firstPattern: Int
  /// The crystal (nil when a catalog was rebuilt from a manifest without reading this file).
  public var crystal: Crystal?
  public var formula: String
  /// Element symbols by atomic number.
  public var elements: [String]
  /// For anisotropic strain: axis i takes the draw of axis `axisTies[i]` (≤ i); axes that a symmetry
  /// operation maps onto each other share one draw.
  public var axisTies: [Int]
}

/// A structure file left out of the corpus, with the reason.
public struct SkippedStructure: Error, Sendable, Hashable, Codable {
  public var path: String
  /// The reader's message, "file:line:col: error: …".
  public var error: String
}

/// The numbered structures of a corpus and the map from pattern index to (structure, variant).
public struct StructureCatalog: Sendable {
  public var structures: [CorpusStructure]
  public var skipped: [SkippedStructure]
  /// Running sums of weights, for drawing mixture phases by weight.
  let cumulativeWeights: [Double]

  public init(structures: [CorpusStructure], skipped: [SkippedStructure] = []) {
    self.structures = structures
    self.skipped = skipped
    var total = 0.0
    cumulativeWeights = structures.map { total += $0.weight; return total }
  }

  /// Total number of patterns, Σ variants.
  public var patternCount: Int { structures.last.map { $0.firstPattern + $0.variants } ?? 0 }

  /// The structure index and variant of global pattern `index` (binary search over first indices).
  public func locate(_ index: Int) -> (structure: Int, variant: Int)? {
    guard index >= 0, index < patternCount else { return nil }
    var low = 0, high = structures.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if structures[mid].firstPattern <= index { low = mid } else { high = mid - 1 }
    }
    return (low, index - structures[low].firstPattern)
  }

  /// A structure index drawn with probability ∝ weight from one uniform u ∈ (0, 1).
  func structure(atUniform u: Double) -> Int {
    guard let total = cumulativeWeights.last, total > 0 else { return 0 }
    let target = u * total
    var low = 0, high = cumulativeWeights.count - 1
    while low < high {
      let mid = (low + high) / 2
      if cumulativeWeights[mid] > target { high = mid } else { low = mid + 1 }
    }
    return low
  }

  // MARK: - Resolving and loading

  /// A CIF file to read, with its entry's weight and variant count.
  public struct Entry: Sendable, Hashable {
    public var path: String
    public var weight: Double
    public var variants: Int
  }

  /// The files the config's entries name, in order, without repeats.
  ///
  /// - Throws: ``CorpusError`` naming the entry when a path does not exist or a glob matches nothing.
  public static func resolve(_ config: CorpusConfig) throws(CorpusError) -> [Entry] {
    var entries: [Entry] = []
    var seen: Set<String> = []
    let manager = FileManager.default
    for (i, source) in config.structures.enumerated() {
      let variants = source.variants ?? max(1, Int((Double(config.variants) * source.weight).rounded()))
      var path = source.path
      if let base = config.baseDirectory, !path.hasPrefix("/") {
        path = base.appendingPathComponent(path).path
      }
      var files: [String] = []
      if path.contains(where: { "*?[".contains($0) }) {
        files = expandGlob(path).filter { isCIF($0) && !isDirectory($0) }
        if files.isEmpty {
          throw CorpusError("structures[\(i)]: '\(source.path)' matches no .cif file", path: nil)
        }
      } else if isDirectory(path) {
        let names = (try? manager.contentsOfDirectory(atPath: path)) ?? []
        files = names.filter(isCIF).sorted().map { (path as NSString).appendingPathComponent($0) }
      } else if manager.fileExists(atPath: path) {
        files = [path]
      } else {
        throw CorpusError("structures[\(i)]: no such file or folder", path: source.path)
      }
      for file in files {
        let key = URL(fileURLWithPath: file).standardizedFileURL.path
        guard seen.insert(key).inserted else { continue }
        entries.append(Entry(path: file, weight: source.weight, variants: variants))
      }
    }
    return entries
  }

  /// Reads every entry (in parallel, at most `threads` at a time), leaves out the unreadable ones and
  /// numbers the rest.
  public static func load(_ entries: [Entry], threads: Int) async -> StructureCatalog {
    let width = max(1, threads)
    var results = [Result<CorpusStructure, SkippedStructure>?](repeating: nil, count: entries.count)
    await withTaskGroup(of: (Int, Result<CorpusStructure, SkippedStructure>).self) { group in
      var next = 0
      func submit() {
        let i = next
        next += 1
        let entry = entries[i]
        group.addTask { (i, readStructure(entry)) }
      }
      for _ in 0..<min(width, entries.count) { submit() }
      for await (i, result) in group {
        results[i] = result
        if next < entries.count { submit() }
      }
    }
    var structures: [CorpusStructure] = []
    var skipped: [SkippedStructure] = []
    var ids: [String: Int] = [:]
    var first = 0
    for result in results {
      switch result {
      case var .success(s)?:
        s.index = structures.count
        s.firstPattern = first
        first += s.variants
        let count = ids[s.id, default: 0] + 1
        ids[s.id] = count
        if count > 1 { s.id += "~\(count)" }
        structures.append(s)
      case let .failure(skip)?:
        skipped.append(skip)
      case nil:
        break
      }
    }
    return StructureCatalog(structures: structures, skipped: skipped)
  }

  /// One file: bytes (for the checksum), crystal, formula, elements, axis ties.
  static func readStructure(_ entry: Entry) -> Result<CorpusStructure, SkippedStructure> {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: entry.path))
    } catch {
      return .failure(SkippedStructure(path: entry.path, error: "\(entry.path): error: cannot read file: \(error.localizedDescription)"))
    }
    let crystal: Crystal
    do {
      crystal = try Crystal.load(cifText: String(decoding: data, as: UTF8.self), fileName: entry.path)
    } catch {
      return .failure(SkippedStructure(path: entry.path, error: error.description))
    }
    guard !crystal.sites.isEmpty else {
      return .failure(SkippedStructure(path: entry.path, error: "\(entry.path): error: the structure has no atom sites"))
    }
    let id = ((entry.path as NSString).lastPathComponent as NSString).deletingPathExtension
    var structure = CorpusStructure(index: 0, id: id, path: entry.path, sha256: SHA256.hash(data), weight: entry.weight,
                                    variants: entry.variants, firstPattern: 0, crystal: crystal, formula: "", elements: [],
                                    axisTies: axisTies(crystal.operations))
    structure.describe(crystal)
    return .success(structure)
  }

  /// Axis i is tied to the smallest axis j that some rotation couples it with (R_ij ≠ 0 or R_ji ≠ 0), by
  /// union–find over the three axes.
  package static func axisTies(_ operations: [SymmetryOperation]) -> [Int] {
    var parent = [0, 1, 2]
    func find(_ i: Int) -> Int { var i = i; while parent[i] != i { i = parent[i] }; return i }
    for op in operations {
      for i in 0..<3 { for j in 0..<3 where i != j && op.rotation[3 * i + j] != 0 {
        let a = find(i), b = find(j)
        if a != b { parent[max(a, b)] = min(a, b) }
      } }
    }
    return (0..<3).map(find)
  }

  static func isCIF(_ name: String) -> Bool { ["cif", "mcif"].contains((name as NSString).pathExtension.lowercased()) }

  static func isDirectory(_ path: String) -> Bool {
    var flag: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
  }

  /// POSIX glob(3), sorted.
  static func expandGlob(_ pattern: String) -> [String] {
    var g = glob_t()
    defer { globfree(&g) }
    guard glob(pattern, 0, nil, &g) == 0 else { return [] }
    var paths: [String] = []
    for i in 0..<Int(g.gl_pathc) {
      if let p = g.gl_pathv[i] { paths.append(String(cString: p)) }
    }
    return paths.sorted()
  }
}

extension CorpusStructure {
  /// Fills formula and elements from the full cell.
  mutating func describe(_ crystal: Crystal) {
    let atoms = crystal.fullCell()
    formula = crystal.formula(atoms: atoms)
    elements = crystal.cellComposition(atoms: atoms).keys.sorted().map(\.symbol)
  }
}
