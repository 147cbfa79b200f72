// Every measured pattern file in ../shared/data is read: the inventory is the folder itself (so a file added
// there is covered), less what is not a pattern — SOURCE/README notes, structure CIFs (those without `_pd_`
// data), GSAS experiment (.EXP) and instrument (.prm) files, converter metadata. Per-format values (point
// counts, ranges, wavelengths from each SOURCE.md) are checked in the reader tests; here: it reads, has points,
// ascending finite 2θ, finite intensities, and a wavelength when the format can state one.

import Foundation
import Testing
import XRDExperiment

@Suite struct SharedDataInventoryTests {
  static let patternFiles: [String] = {
    let base = sharedData.path
    guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
    var result: [String] = []
    for case let path as String in walker {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: base + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue
      else { continue }
      let name = (path as NSString).lastPathComponent.lowercased()
      if name.hasSuffix(".md") || name.hasSuffix(".exp") || name.hasSuffix(".prm") || name.hasSuffix(".metadata") { continue }
      if name.hasSuffix(".cif") {
        let text = (try? String(contentsOfFile: base + "/" + path, encoding: .utf8)) ?? ""
        guard ["_pd_meas_counts", "_pd_meas_intensity", "_pd_proc_intensity"].contains(where: text.contains) else { continue }
      }
      result.append(path)
    }
    return result.sorted()
  }()

  @Test func inventoryIsComplete() {
    // 11 folders; at least the 40 pattern files SOURCE.md files list.
    #expect(Self.patternFiles.count >= 40, "\(Self.patternFiles)")
  }

  @Test(arguments: patternFiles)
  func reads(_ path: String) throws {
    let scans = try MeasuredPattern.read(contentsOf: sharedData.appendingPathComponent(path))
    #expect(!scans.isEmpty)
    for scan in scans {
      #expect(scan.count >= 100, "\(scan.count) points")
      #expect(zip(scan.twoTheta, scan.twoTheta.dropFirst()).allSatisfy { $0 <= $1 })
      #expect(scan.twoTheta.allSatisfy(\.isFinite) && scan.intensity.allSatisfy(\.isFinite))
      #expect(scan.twoTheta.first! >= 0 && scan.twoTheta.last! <= 180)
      if !scan.missing.contains("wavelength") {
        #expect(scan.primaryWavelength.map { $0 > 0.1 && $0 < 3 } ?? false, "λ \(String(describing: scan.primaryWavelength))")
      }
    }
  }
}
