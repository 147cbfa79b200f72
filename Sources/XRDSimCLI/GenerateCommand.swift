// `xrdsim generate [STRUCTURES...]`: a training corpus (many augmented patterns per structure) in NumPy, HDF5
// and/or opXRD JSON, in parallel, resumable, sliceable for a cluster (`--shard I/N` + `xrdsim merge`).
//
// With no arguments: every CIF in Structures/, the built-in demo config, into Output/, in every registered
// format. `--conditions FILE` (written by `xrdsim conditions`) lays a measured set's grid, radiation, widths,
// background and noise over the config. Progress on a terminal (standard error), a one-line summary on standard output.

import ArgumentParser
import Dispatch
import Foundation
import XRDSim
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct GenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Generate a corpus of augmented patterns (npy, hdf5, opxrd) from CIF files.",
    discussion: """
      With no arguments: every CIF in Structures/, the built-in demo config, into Output/, in all formats.
      CIF files, folders or globs given as arguments replace the config's structure list.
      Print the built-in config (commented) with --print-default-config and edit it.
      """
  )

  @Argument(help: "CIF files, folders or globs (default: the config's structures).")
  var structures: [String] = []

  @Option(help: "Corpus config (YAML or JSON; default: the built-in demo config).")
  var config: String?

  @Option(help: "Conditions file (xrdsim conditions -o FILE): its keys replace the config's.")
  var conditions: String?

  @Option(name: .shortAndLong, help: "Output folder.")
  var output = "Output"

  @Option(help: "Output formats, comma-separated (\(CorpusFormats.order.joined(separator: ", "))); default all.")
  var format: String?

  @Option(help: "Patterns computed in parallel (default: all cores).")
  var threads: Int?

  @Flag(help: "Continue an interrupted run: keep the shards the manifest records whose files check out.")
  var resume = false

  @Option(help: ArgumentHelp("Generate only shards s with s mod N = I (a cluster job); combine with xrdsim merge.",
                             valueName: "I/N"))
  var shard: String?

  @Flag(help: "Print how many structures, patterns and shards the config gives, and stop.")
  var countOnly = false

  @Flag(help: "Print the built-in config (YAML with comments) and stop.")
  var printDefaultConfig = false

  @Flag(name: .shortAndLong, help: "No progress line.")
  var quiet = false

  @Option(name: .customLong("pause-after-shard-ms"), help: .hidden)
  var pauseAfterShardMilliseconds: Int?

  func validate() throws {
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    if let shard, ShardSelection(parsing: shard) == nil {
      throw ValidationError("--shard: '\(shard)' is not I/N with 0 ≤ I < N")
    }
    if let format {
      do { _ = try CorpusFormats.parse(format) } catch { throw ValidationError("--format: \(error.message)") }
    }
  }

  func run() throws {
    if printDefaultConfig {
      print(defaultCorpusConfigYAML, terminator: "")
      return
    }
    var corpusConfig: CorpusConfig
    do {
      if let conditions {
        // The conditions laid over the config (or the built-in one).
        let configPath = self.config
        var baseText = defaultCorpusConfigYAML, baseName = "default config"
        var baseDirectory: URL?
        if let configPath {
          let url = URL(fileURLWithPath: configPath)
          baseText = try Self.text(of: url)
          baseName = url.lastPathComponent
          baseDirectory = url.deletingLastPathComponent()
        }
        let overlay = URL(fileURLWithPath: conditions)
        corpusConfig = try CorpusConfig(yaml: baseText, fileName: baseName, baseDirectory: baseDirectory,
                                        overlay: try Self.text(of: overlay), overlayName: overlay.lastPathComponent)
      } else if let config {
        corpusConfig = try CorpusConfig.load(contentsOf: URL(fileURLWithPath: config))
      } else {
        corpusConfig = try CorpusConfig(yaml: defaultCorpusConfigYAML, fileName: "default config")
      }
    } catch {
      printError(error.description)
      throw ExitCode(1)
    }
    if !structures.isEmpty {
      corpusConfig.structures = structures.map { StructureSource(path: $0) }
      corpusConfig.baseDirectory = nil
    }
    let formats: [any CorpusFormat]
    do {
      if let format {
        formats = try CorpusFormats.parse(format)
      } else {
        formats = CorpusFormats.order.compactMap { CorpusFormats.all[$0] }
      }
    } catch {
      throw ValidationError("--format: \(error.message)")
    }
    let threads = self.threads ?? ProcessInfo.processInfo.activeProcessorCount
    let config = corpusConfig

    let generator: CorpusGenerator
    do {
      generator = try runAsync { try await CorpusGenerator.prepare(config: config, threads: threads) }
    } catch {
      printError("\(error)")
      throw ExitCode(1)
    }
    for skipped in generator.catalog.skipped {
      printError(skipped.error.replacingOccurrences(of: ": error: ", with: ": warning: skipped: ", options: [], range: nil))
    }
    let selection = shard.flatMap(ShardSelection.init(parsing:)) ?? .all
    if countOnly {
      let shardsHere = (0..<generator.shardCount).filter { selection.contains(shard: $0) }
      let patternsHere = shardsHere.reduce(0) { $0 + generator.shardRange($1).count }
      print("\(generator.catalog.structures.count) structures (\(generator.catalog.skipped.count) skipped), "
            + "\(generator.patternCount) patterns × \(generator.pointCount) points, \(generator.shardCount) shards of "
            + "≤ \(config.shardSize)" + (selection.isAll ? "" : "; slice \(selection): \(shardsHere.count) shards, \(patternsHere) patterns")
            + "; npy intensities \(Self.bytes(4 * patternsHere * generator.pointCount))")
      return
    }
    guard generator.patternCount > 0 else {
      printError("error: no readable structure: nothing to generate")
      throw ExitCode(1)
    }

    let showProgress = !quiet && isatty(STDERR_FILENO) != 0
    let meter = ProgressMeter()
    var options = CorpusRunOptions(output: URL(fileURLWithPath: output), formats: formats, threads: threads, resume: resume,
                                   selection: selection, toolVersion: xrdsimVersion)
    if showProgress { options.progress = { meter.show($0) } }
    if let ms = pauseAfterShardMilliseconds { options.pauseAfterShard = .milliseconds(ms) }
    let runOptions = options
    let summary: CorpusRunSummary
    do {
      summary = try runAsync { try await generator.run(runOptions) }
    } catch {
      if showProgress { meter.clear() }
      printError("\(error)")
      throw ExitCode(1)
    }
    if showProgress { meter.clear() }
    let seconds = summary.elapsed.seconds
    let rate = seconds > 0 ? Double(summary.generated) / seconds : 0
    let resumed = summary.resumedShards > 0 ? ", \(summary.resumedShards) shards kept from the earlier run" : ""
    let slice = selection.isAll ? "" : " (slice \(selection))"
    print("generated \(summary.generated) patterns of \(summary.manifest.patterns)\(slice) in \(summary.writtenShards) shards"
          + "\(resumed), \(summary.manifest.formats.joined(separator: ",")) → \(output)/ in "
          + String(format: "%.1f s (%.0f patterns/s, %d threads)", seconds, rate, threads))
  }

  /// A config file's text, or an error naming it.
  static func text(of url: URL) throws(CorpusConfigError) -> String {
    do {
      return try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw CorpusConfigError(.unreadableFile(error.localizedDescription), keyPath: "",
                              location: SourceLocation(file: url.lastPathComponent, line: 0, column: 0))
    }
  }

  static func bytes(_ n: Int) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var x = Double(n), u = 0
    while x >= 1024 && u < units.count - 1 { x /= 1024; u += 1 }
    return u == 0 ? "\(n) B" : String(format: "%.1f %@", x, units[u])
  }
}

/// The progress line on standard error: done/total, rate, ETA; redrawn at most five times a second.
final class ProgressMeter: @unchecked Sendable {
  private let lock = NSLock()
  private var lastDraw: ContinuousClock.Instant?
  private var width = 0

  func show(_ p: CorpusProgress) {
    lock.lock()
    defer { lock.unlock() }
    let now = ContinuousClock.now
    if let last = lastDraw, now - last < .milliseconds(200), p.done < p.total { return }
    lastDraw = now
    let rate = p.rate
    let eta = rate > 0 ? Double(p.total - p.done) / rate : 0
    let percent = p.total > 0 ? 100 * Double(p.done) / Double(p.total) : 100
    let line = String(format: "  %d/%d patterns (%.0f %%)  %.0f/s  ETA %@", p.done, p.total, percent, rate, Self.clock(eta))
    let pad = String(repeating: " ", count: max(0, width - line.count))
    width = line.count
    FileHandle.standardError.write(Data(("\r" + line + pad).utf8))
  }

  func clear() {
    lock.lock()
    defer { lock.unlock() }
    if width > 0 { FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: width) + "\r").utf8)) }
    width = 0
  }

  static func clock(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
  }
}

/// Runs async work from a synchronous command and waits for it (the root command is synchronous).
func runAsync<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
  let box = AsyncResultBox<T>()
  let done = DispatchSemaphore(value: 0)
  Task.detached {
    do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
    done.signal()
  }
  done.wait()
  return try box.result!.get()
}

/// The result of ``runAsync(_:)``, written by the task before the semaphore is signalled and read after it.
final class AsyncResultBox<T: Sendable>: @unchecked Sendable {
  var result: Result<T, any Error>?
}
