// The CIFs the benchmarks measure: three sizes from ../shared/refs/cifs beside the repository.
//
// Found from this file's #filePath, so the benchmarks run from any working directory: the first
// `shared/refs/cifs` folder in an ancestor of the repository, or `XRDSIM_CIF_DIRECTORY` when set.
// The text is read once, here, outside every measured closure.

import Foundation

/// A CIF of the benchmark set, read into memory.
public struct BenchmarkCIF: Sendable {
  /// Short name for titles: the file name without `.cif`.
  public var name: String
  /// File name, e.g. `Silicon.cif`.
  public var fileName: String
  /// The whole file.
  public var text: String
}

/// The benchmark set: small (Si, 8 atoms), medium (La₂Ti₂O₇, 44 atoms), large (TMPPIO03, 464 atoms).
public let benchmarkCIFNames = ["Silicon.cif", "La2Ti2O7.cif", "TMPPIO03.cif"]

/// The folder holding the benchmark CIFs, or nil (with a message on standard error) when there is none.
public func benchmarkCIFDirectory() -> URL? {
  let fileManager = FileManager.default
  if let path = ProcessInfo.processInfo.environment["XRDSIM_CIF_DIRECTORY"], !path.isEmpty {
    return URL(fileURLWithPath: path, isDirectory: true)
  }
  // Benchmarks/Sources/BenchmarkCIFs/BenchmarkCIFs.swift → the repository is three folders up.
  var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  while folder.path != "/" {
    folder = folder.deletingLastPathComponent()
    let candidate = folder.appendingPathComponent("shared/refs/cifs", isDirectory: true)
    if fileManager.fileExists(atPath: candidate.appendingPathComponent(benchmarkCIFNames[0]).path) {
      return candidate
    }
  }
  FileHandle.standardError.write(Data(
    "xrdsim benchmarks: no shared/refs/cifs beside the repository; set XRDSIM_CIF_DIRECTORY\n".utf8))
  return nil
}

/// Reads the benchmark CIFs that exist; each missing one is reported on standard error and skipped.
public func loadBenchmarkCIFs() -> [BenchmarkCIF] {
  guard let directory = benchmarkCIFDirectory() else { return [] }
  return benchmarkCIFNames.compactMap { fileName in
    let url = directory.appendingPathComponent(fileName)
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
      FileHandle.standardError.write(Data("xrdsim benchmarks: cannot read \(url.path); skipped\n".utf8))
      return nil
    }
    return BenchmarkCIF(name: String(fileName.dropLast(4)), fileName: fileName, text: text)
  }
}
