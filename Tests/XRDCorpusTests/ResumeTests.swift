// Resume: a `xrdsim generate` child killed with SIGKILL after its first shard file appears, then run again
// with --resume, leaves exactly the bytes of an uninterrupted run; damaged shards are redone; a resume of a
// different corpus is refused.

import Foundation
import Testing
import XRDCorpus

@Suite("Corpus resume")
struct ResumeTests {
  /// The `xrdsim` executable built beside the test bundle.
  static let executable: URL? = {
    var candidates: [URL] = [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
    candidates += candidates.map { $0.deletingLastPathComponent() }
    return candidates.map { $0.appendingPathComponent("xrdsim") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }()

  static func launch(_ arguments: [String]) throws -> Process {
    let process = Process()
    guard let url = Self.executable else { throw CorpusError("xrdsim executable not found beside the tests") }
    process.executableURL = url
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  @Test("SIGKILL part-way, then --resume: byte-identical to an uninterrupted run")
  func killAndResume() async throws {
    let work = CorpusFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: work) }
    let configURL = work.appendingPathComponent("corpus.yaml")
    try CorpusFixtures.configYAML(variants: 4, shardSize: 2).write(to: configURL, atomically: true, encoding: .utf8)
    let reference = work.appendingPathComponent("reference"), interrupted = work.appendingPathComponent("interrupted")
    let common = ["generate", "--config", configURL.path, "--format", "npy", "--quiet"]

    let full = try Self.launch(common + ["--output", reference.path, "--threads", "2"])
    full.waitUntilExit()
    #expect(full.terminationStatus == 0)

    // Pause 60 s after each shard so the kill lands part-way (6 shards) however slowly this test is scheduled
    // (the cooperative pool may be busy with other tests for seconds): the child cannot finish before the kill.
    let child = try Self.launch(common + ["--output", interrupted.path, "--threads", "1", "--pause-after-shard-ms", "60000"])
    let first = interrupted.appendingPathComponent("shard-00000.npy").path
    let deadline = Date().addingTimeInterval(50)
    while !FileManager.default.fileExists(atPath: first) && child.isRunning && Date() < deadline {
      try await Task.sleep(for: .milliseconds(5))
    }
    #expect(child.isRunning, "the run finished before it could be interrupted")
    kill(child.processIdentifier, SIGKILL)
    child.waitUntilExit()
    #expect(child.terminationReason == .uncaughtSignal)
    #expect(!FileManager.default.fileExists(atPath: interrupted.appendingPathComponent("manifest.json").path))
    #expect(FileManager.default.fileExists(atPath: interrupted.appendingPathComponent("manifest.partial.json").path))
    let before = try CorpusFixtures.files(in: interrupted)
    #expect(before["shard-00005.npy"] == nil)

    let resumed = try Self.launch(common + ["--output", interrupted.path, "--threads", "2", "--resume"])
    resumed.waitUntilExit()
    #expect(resumed.terminationStatus == 0)
    let a = try CorpusFixtures.files(in: reference), b = try CorpusFixtures.files(in: interrupted)
    #expect(a.keys.sorted() == b.keys.sorted())
    #expect(a == b)
    #expect(a.keys.count == 6 * 3 + 2)  // 6 shards × 3 files, two_theta.npy, manifest.json
  }

  @Test("--resume keeps complete shards, redoes damaged or missing ones, refuses another corpus")
  func resumeInProcess() async throws {
    let config = try CorpusFixtures.config(variants: 2, shardSize: 2)
    let reference = try await CorpusFixtures.generate(config)
    defer { try? FileManager.default.removeItem(at: reference) }
    let copy = CorpusFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: copy) }
    for (path, data) in try CorpusFixtures.files(in: reference) { try data.write(to: copy.appendingPathComponent(path)) }
    // Damage one shard, delete another.
    var bytes = try Data(contentsOf: copy.appendingPathComponent("shard-00001.npy"))
    bytes[bytes.count - 1] ^= 0xFF
    try bytes.write(to: copy.appendingPathComponent("shard-00001.npy"))
    try FileManager.default.removeItem(at: copy.appendingPathComponent("labels-00002.jsonl"))

    let generator = try await CorpusGenerator.prepare(config: config)
    let summary = try await generator.run(CorpusRunOptions(output: copy, formats: [NPYFormat()], threads: 2, resume: true,
                                                           toolVersion: "test"))
    #expect(summary.resumedShards == 1)
    #expect(summary.writtenShards == 2)
    #expect(summary.generated == 4)
    #expect(try CorpusFixtures.files(in: copy) == CorpusFixtures.files(in: reference))

    var other = config
    other.seed = 99
    let changed = try await CorpusGenerator.prepare(config: other)
    await #expect(throws: CorpusError.self) {
      _ = try await changed.run(CorpusRunOptions(output: copy, formats: [NPYFormat()], threads: 1, resume: true, toolVersion: "test"))
    }
  }
}

@Suite struct RerunTests {
  /// A new run into a folder that holds a larger corpus replaces it: the old shards it does not overwrite go too,
  /// and a file that no manifest lists stays.
  @Test func rerunRemovesTheEarlierCorpusFiles() async throws {
    let directory = CorpusFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    _ = try await CorpusFixtures.generate(try CorpusFixtures.config(variants: 4, shardSize: 2), into: directory)
    let before = try CorpusFixtures.files(in: directory)
    try Data("keep".utf8).write(to: directory.appendingPathComponent("notes.txt"))
    _ = try await CorpusFixtures.generate(try CorpusFixtures.config(variants: 1, shardSize: 2), into: directory)
    let after = try CorpusFixtures.files(in: directory)
    let fresh = CorpusFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: fresh) }
    _ = try await CorpusFixtures.generate(try CorpusFixtures.config(variants: 1, shardSize: 2), into: fresh)
    var expected = try CorpusFixtures.files(in: fresh)
    expected["notes.txt"] = Data("keep".utf8)
    #expect(before.count > after.count)
    #expect(after == expected, "left over: \(Set(after.keys).subtracting(expected.keys).sorted())")
  }
}
