// HDF5 shards must not record when they were written: two shards of the same records written more than a
// second apart are byte-identical (HDF5 stores object modification times unless told not to; the Slurm test
// found this when comparing a cluster run with a single-machine run).

import Foundation
import Testing
import XRDCorpus

@Suite struct HDF5DeterminismTests {
  @Test("the same records give byte-identical HDF5 files, written 1.1 s apart")
  func noTimestamps() throws {
    var bytes: [Data] = []
    for run in 0..<2 {
      if run == 1 { Thread.sleep(forTimeInterval: 1.1) }
      let directory = try WriterFixtures.temporaryDirectory("hdf5-determinism-\(run)")
      defer { try? FileManager.default.removeItem(at: directory) }
      var writer = try HDF5Format().makeWriter(directory: directory, shard: 0, capacity: 3,
                                               twoTheta: WriterFixtures.twoTheta)
      for record in WriterFixtures.records { try writer.append(record) }
      let files = try writer.finish()
      bytes.append(try Data(contentsOf: directory.appendingPathComponent(try #require(files.first).path)))
    }
    #expect(bytes[0] == bytes[1])
  }
}
