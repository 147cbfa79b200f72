// Plain-text readers against the autoxrd .xy files in ../shared/data (SOURCE.md: 10–100° in 0.01°, 9001 points).

import Foundation
import Testing
import XRDExperiment

/// The folder ../shared/data beside the repository.
let sharedData = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("shared/data")

@Suite struct PlainTextReaderTests {
  @Test func autoxrdXY() throws {
    let url = sharedData.appendingPathComponent("autoxrd-experimental/Spectra/MnO.xy")
    let pattern = try MeasuredPattern(contentsOf: url)
    #expect(pattern.format == .xy)
    #expect(pattern.count == 9001)
    #expect(abs(pattern.twoTheta[0] - 10) < 1e-6)
    #expect(abs(pattern.twoTheta[pattern.count - 1] - 100) < 1e-6)
    #expect(pattern.isUniform())
    #expect(pattern.missing.contains("wavelength"))
  }

  @Test func badNumberNamesLineAndColumn() {
    let text = "10.0 5\n10.1 6\n10.2 x7\n"
    #expect {
      _ = try MeasuredPattern.read(data: Data(text.utf8), name: "bad.xy")
    } throws: { error in
      guard let error = error as? MeasurementError else { return false }
      return error.line == 3 && error.field == "column 2" && error.description.hasPrefix("bad.xy:3: error: column 2:")
    }
  }
}
