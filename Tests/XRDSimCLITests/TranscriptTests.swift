// The README's transcripts are run and must match: every ```console block in README.md is a list of
// `$ xrdsim …` commands, each followed by exactly what it prints (standard output, then standard error).
// Also: the JSON field names scripts depend on, exit codes, and the main job on Structures/.

import Foundation
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// `../shared/data` beside the repository: the measured patterns the command tests read.
let sharedData = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")

/// A new empty folder under the temporary directory, named for the test (`xrdsim-<name>-<pid>-<uuid>`).
func temporaryFolder(_ name: String) throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("xrdsim-\(name)-\(getpid())-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// The `xrdsim` executable built beside the test bundle.
let xrdsimExecutable: URL? = {
  var candidates: [URL] = [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
  candidates += candidates.map { $0.deletingLastPathComponent() }
  for folder in candidates {
    let url = folder.appendingPathComponent("xrdsim")
    if FileManager.default.isExecutableFile(atPath: url.path) { return url }
  }
  return nil
}()

struct RunResult {
  var status: Int32
  var output: String
  var error: String
}

func runXRDSim(_ arguments: [String]) throws -> RunResult {
  let process = Process()
  process.executableURL = try #require(xrdsimExecutable, "xrdsim executable not found beside the tests")
  process.arguments = arguments
  process.currentDirectoryURL = repositoryRoot
  let out = Pipe(), err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  // Read before waiting so a large output cannot fill the pipe and block the child.
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  let errData = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return RunResult(status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
                   error: String(decoding: errData, as: UTF8.self))
}

/// Shell-like splitting of a command line: spaces separate, single or double quotes group.
func splitCommandLine(_ line: String) -> [String] {
  var words: [String] = [], current = "", quote: Character?
  for c in line {
    if let q = quote {
      if c == q { quote = nil } else { current.append(c) }
    } else if c == "'" || c == "\"" {
      quote = c
    } else if c == " " {
      if !current.isEmpty { words.append(current); current = "" }
    } else {
      current.append(c)
    }
  }
  if !current.isEmpty { words.append(current) }
  return words
}

struct TranscriptEntry: Sendable, CustomStringConvertible {
  var command: String
  var expected: String
  var description: String { command }
}

/// Every `$ xrdsim …` command of the README's ```console blocks with the lines that follow it.
func readmeTranscripts() -> [TranscriptEntry] {
  guard let readme = try? String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8) else { return [] }
  var entries: [TranscriptEntry] = []
  var inConsole = false
  for line in readme.components(separatedBy: "\n") {
    if line.hasPrefix("```") {
      inConsole = line == "```console"
      continue
    }
    guard inConsole else { continue }
    if line.hasPrefix("$ xrdsim") {
      entries.append(TranscriptEntry(command: String(line.dropFirst(2)), expected: ""))
    } else if !entries.isEmpty {
      entries[entries.count - 1].expected += line + "\n"
    }
  }
  return entries
}

func normalized(_ text: String) -> String {
  text.components(separatedBy: "\n").map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
    .joined(separator: "\n").trimmingCharacters(in: .newlines)
}

@Suite struct TranscriptTests {
  @Test("the README shows a success, an error and --help")
  func readmeHasTranscripts() {
    let entries = readmeTranscripts()
    #expect(entries.count >= 3)
    #expect(entries.contains { $0.command.contains("--help") })
    #expect(entries.contains { $0.expected.contains("error:") })
  }

  @Test("each README transcript is what xrdsim prints", arguments: readmeTranscripts())
  func transcript(_ entry: TranscriptEntry) throws {
    let result = try runXRDSim(Array(splitCommandLine(entry.command).dropFirst()))
    #expect(normalized(result.output + result.error) == normalized(entry.expected))
  }

  @Test("info --json has the fields scripts depend on")
  func infoJSON() throws {
    let result = try runXRDSim(["info", "Structures/amcsd_0009325.cif", "--json"])
    #expect(result.status == 0)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    for key in ["formula", "z", "cell", "volume", "density", "space_group", "atoms_in_cell"] {
      #expect(object[key] != nil, "missing \(key)")
    }
    #expect(object["formula"] as? String == "Al2O3")
    #expect(object["z"] as? Int == 6)
    #expect(object["atoms_in_cell"] as? Int == 30)
    let cell = try #require(object["cell"] as? [String: Double])
    #expect(Set(cell.keys) == ["a", "b", "c", "alpha", "beta", "gamma"])
    let group = try #require(object["space_group"] as? [String: Any])
    #expect(group["number"] as? Int == 167)
    #expect(group["hermann_mauguin"] as? String == "R -3 c")
    #expect(group["hall"] as? String == "-R 3 2\"c")
  }

  @Test("sticks --json: one object per file with the documented fields; strongest = 100")
  func sticksJSON() throws {
    let result = try runXRDSim(["sticks", "Structures/9008565.cif", "Structures/4300180.cif", "--json",
                                "--wavelength", "1.54056", "--two-theta", "10:80"])
    #expect(result.status == 0)
    let lines = result.output.split(separator: "\n")
    #expect(lines.count == 2)
    for line in lines {
      let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      #expect(object["wavelength"] as? Double == 1.54056)
      #expect(object["file"] is String)
      let peaks = try #require(object["peaks"] as? [[String: Any]])
      #expect(!peaks.isEmpty)
      for peak in peaks {
        for key in ["two_theta", "d", "hkl", "multiplicity", "F", "intensity"] { #expect(peak[key] != nil, "\(key)") }
        let t = try #require(peak["two_theta"] as? Double)
        #expect(t >= 10 && t <= 80)
      }
      #expect(peaks.compactMap { $0["intensity"] as? Double }.max() == 100)
    }
  }

  @Test("bad input: a clear error naming file and line, exit status 1, no trace")
  func badInput() throws {
    let result = try runXRDSim(["info", "Tests/XRDCrystalTests/Malformed/loop-count.cif"])
    #expect(result.status == 1)
    #expect(result.error.hasPrefix("loop-count.cif:9:1: error:"), "\(result.error)")
    #expect(!result.error.contains("Fatal"))
    let missing = try runXRDSim(["sticks", "no/such/file.cif"])
    #expect(missing.status == 1)
    #expect(missing.error.contains("no/such/file.cif"))
    let flag = try runXRDSim(["sticks", "Structures/9008565.cif", "--two-theta", "90:5"])
    #expect(flag.status != 0)
    #expect(flag.error.contains("--two-theta"))
  }

  @Test("the main job writes a JSON and a CSV stick pattern for every CIF of a folder")
  func mainJob() throws {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("xrdsim-mainjob-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: output) }
    let result = try runXRDSim(["sticks", "Structures", "--output-dir", output.path])
    #expect(result.status == 0, "\(result.error)")
    let cifs = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Structures").path)
      .filter { $0.hasSuffix(".cif") }
    let written = try FileManager.default.contentsOfDirectory(atPath: output.path)
    #expect(written.filter { $0.hasSuffix(".json") }.count == cifs.count)
    #expect(written.filter { $0.hasSuffix(".csv") }.count == cifs.count)
    #expect(!written.contains { $0.hasSuffix(".partial") })
    let csv = try String(contentsOf: output.appendingPathComponent("9008565.csv"), encoding: .utf8)
    #expect(csv.hasPrefix("two_theta,d,h,k,l,multiplicity,F,intensity\n"))
  }
}
