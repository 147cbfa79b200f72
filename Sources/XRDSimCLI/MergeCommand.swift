// `xrdsim merge DIR...`: checks the shard manifests of `xrdsim generate --shard I/N` runs (same config,
// disjoint and complete slices, files matching their checksums) and writes the combined manifest.json.

import ArgumentParser
import Foundation
import XRDSim

struct MergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Combine the shard runs of a corpus (generate --shard I/N) into one manifest."
  )

  @Argument(help: "Folders holding shard runs (they may be the same folder).")
  var directories: [String]

  @Option(name: .shortAndLong, help: "Folder of the merged corpus (default: the first folder); files are moved there.")
  var output: String?

  func validate() throws {
    if directories.isEmpty { throw ValidationError("give at least one folder") }
  }

  func run() throws {
    var unique: [String] = []
    for d in directories where !unique.contains(URL(fileURLWithPath: d).standardizedFileURL.path) {
      unique.append(URL(fileURLWithPath: d).standardizedFileURL.path)
    }
    let manifest: CorpusManifest
    do {
      manifest = try CorpusGenerator.merge(directories: unique.map { URL(fileURLWithPath: $0) },
                                           output: output.map { URL(fileURLWithPath: $0) })
    } catch {
      printError("\(error)")
      throw ExitCode(1)
    }
    let target = output ?? directories[0]
    print("merged: \(manifest.patterns) patterns in \(manifest.shardCount) shards (\(manifest.formats.joined(separator: ","))) "
          + "→ \(target)/manifest.json")
  }
}
