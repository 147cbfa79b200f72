// Bad input for the text readers (STYLE §8.3): truncated real files throw MeasurementError or give a shorter
// valid scan, never crash; garbage is "unrecognised"; errors name the file, line and field.

import Foundation
import Testing
import XRDExperiment

/// Reads `data` as `name`; a thrown error must be a MeasurementError naming the file, a result must be valid
/// scans no longer than `fullCount`. Returns whether it threw.
@discardableResult
func readTruncated(_ data: Data, name: String, fullCount: Int, format: MeasuredFormat? = nil) -> Bool {
  do {
    let scans = try MeasuredPattern.read(data: data, name: name, format: format)
    #expect(!scans.isEmpty)
    for scan in scans {
      #expect(scan.count > 0 && scan.count <= fullCount && scan.intensity.count == scan.count)
      #expect(zip(scan.twoTheta, scan.twoTheta.dropFirst()).allSatisfy { $0 <= $1 })
    }
    return false
  } catch {
    #expect(error.file.hasPrefix(name))
    #expect(!error.message.isEmpty)
    return true
  }
}

/// Cut points: every byte of the first and last `edge` bytes, and `samples` evenly spread in between.
func cutPoints(_ size: Int, edge: Int = 48, samples: Int = 40) -> [Int] {
  var cuts = Set(0..<min(edge, size))
  cuts.formUnion(max(0, size - edge)..<size)
  for k in 0..<samples { cuts.insert(size * k / samples) }
  return cuts.sorted()
}

@Suite struct ReaderErrorTests {
  /// Real files (uncompressed content), each truncated at many points: the readers must not trap.
  @Test(arguments: [
    "xrdconversion-bruker/SbI3.xye", "xrdpattern-examples/single.csv", "gsas2-pbso4/PBSO4.XRA", "gsas2-pbso4/PBSO4.CWN",
    "nims-mdac-rigaku-ras/XRD_RIGAKU.ras", "xrdpattern-examples/data.cif", "xrdpattern-examples/aimat.json",
    "matterviz-format-examples/2Theta.asc.gz", "matterviz-format-examples/BT86-siemens.uxd.gz",
    "matterviz-format-examples/MB120718Si3.ras.gz",
  ])
  func truncations(_ path: String) throws {
    let url = sharedData.appendingPathComponent(path)
    var data = try Data(contentsOf: url)
    var name = url.lastPathComponent
    if path.hasSuffix(".gz") {
      data = try Archive.gunzip(data, file: name)
      name = Archive.gunzippedName(name)
    }
    let full = try MeasuredPattern.read(data: data, name: name)
    let fullCount = full.map(\.count).max() ?? 0
    var threw = 0
    let cuts = cutPoints(data.count)
    for cut in cuts where readTruncated(data.prefix(cut), name: name, fullCount: fullCount) { threw += 1 }
    #expect(threw > 0)                                      // an empty file at least is refused
  }

  /// Every truncation of a small GSAS STD, FXYE, RAS, ASC, UXD and plain file built in the formats' layouts.
  @Test(arguments: SmallFiles.all)
  func everyTruncationOfSmallFiles(_ file: SmallFiles.File) throws {
    let data = Data(file.text.utf8)
    let full = try MeasuredPattern.read(data: data, name: file.name)
    #expect(full.count == 1 && full[0].count == file.points)
    for cut in 0..<data.count {
      readTruncated(data.prefix(cut), name: file.name, fullCount: file.points)
    }
  }

  @Test func truncatedGzipOfARealFile() throws {
    let data = try Data(contentsOf: sharedData.appendingPathComponent("matterviz-format-examples/2Theta.asc.gz"))
    for cut in stride(from: 0, to: data.count, by: 53) {
      #expect(throws: MeasurementError.self) { try MeasuredPattern.read(data: data.prefix(cut), name: "2Theta.asc.gz") }
    }
  }

  @Test func garbageIsUnrecognised() {
    var generator = SystemRandomNumberGenerator()
    let bytes = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
    #expect {
      _ = try MeasuredPattern.read(data: bytes, name: "garbage.bin")
    } throws: { error in
      (error as? MeasurementError)?.description.hasPrefix("garbage.bin: error: unrecognised file format") == true
    }
    let prose = Data("This is not a diffraction pattern.\nIt has words, not numbers.\n".utf8)
    #expect(throws: MeasurementError.self) { try MeasuredPattern.read(data: prose, name: "notes") }
    // Garbage behind a known extension reaches that reader, which says what it expected.
    #expect(throws: MeasurementError.self) { try MeasuredPattern.read(data: bytes, name: "x.ras") }
    #expect(throws: MeasurementError.self) { try MeasuredPattern.read(data: bytes, name: "x.json") }
    #expect(throws: MeasurementError.self) { try MeasuredPattern.read(data: bytes, name: "x.cif") }
    #expect(throws: MeasurementError.self) { try MeasuredPattern.read(data: bytes, name: "x.xy") }
  }

  /// The error of `text` read as `name`: file, line and field.
  func error(_ text: String, name: String) -> MeasurementError? {
    do {
      _ = try MeasuredPattern.read(data: Data(text.utf8), name: name)
      return nil
    } catch {
      return error
    }
  }

  @Test func errorsNameLineAndField() throws {
    let bank = try #require(error("title\nBAMK 1 3 1 CONST 1000 2.5 0 0 STD\n     1     2     3\n", name: "a.gsa"))
    #expect(bank.line == 2 && bank.field == "BANK")
    #expect(bank.description.hasPrefix("a.gsa:2: error: BANK: expected 'BANK n nchan nrec CONST start step"))

    let short = try #require(error("title\nBANK 1 12 2 CONST 1000 2.5 0 0 STD\n       1       2       3\n", name: "b.gsa"))
    #expect(short.field == "NCHAN" && short.message.contains("promises 12 points"))

    let fxye = try #require(error("title\nBANK 1 3 3 CONS 1000 1 0 0 FXYE\n1000 5 1\n1001 x6 1\n1002 7 1\n", name: "c.fxye"))
    #expect(fxye.line == 4 && fxye.field == "column 2" && fxye.message.contains("'x6'"))

    let ras = try #require(error("*RAS_DATA_START\n*RAS_HEADER_START\n*MEAS_DATA_COUNT \"2\"\n*RAS_HEADER_END\n*RAS_INT_START\n10 5 1\n10.1 five 1\n*RAS_INT_END\n", name: "d.ras"))
    #expect(ras.line == 7 && ras.field == "column 2")

    let rasCount = try #require(error("*RAS_DATA_START\n*RAS_HEADER_START\n*MEAS_DATA_COUNT \"3\"\n*RAS_HEADER_END\n*RAS_INT_START\n10 5 1\n10.1 6 1\n*RAS_INT_END\n", name: "e.ras"))
    #expect(rasCount.field == "MEAS_DATA_COUNT" && rasCount.line == 8)

    let asc = try #require(error("*TYPE = Raw\n*BEGIN\n*START = 10\n*STEP = 0.1\n*COUNT = 4\n1, 2, x, 4\n*END\n", name: "f.asc"))
    #expect(asc.line == 6 && asc.field == "value 3")

    let uxd = try #require(error("_WL1=1.5406\n_START=3\n_STEPSIZE=0.1\n_2THETACOUNTS\n3.0 10\n3.1\n", name: "g.uxd"))
    #expect(uxd.line == 6 && uxd.field == "column 2")

    let cif = try #require(error("data_p\n_pd_meas_2theta_range_min 10\n_pd_meas_2theta_range_inc 0.1\nloop_\n_pd_meas_counts_total\n5\n6\nseven\n", name: "h.cif"))
    #expect(cif.line == 8 && cif.field == "_pd_meas_counts_total")

    let cifSyntax = try #require(error("data_p\n_pd_meas_2theta_range_min 10\n_pd_meas_counts_total 'unterminated\n", name: "i.cif"))
    #expect(cifSyntax.line == 3 && cifSyntax.field == "CIF")

    let noAxis = try #require(error("data_p\nloop_\n_pd_meas_counts_total\n5\n6\n", name: "j.cif"))
    #expect(noAxis.field == "_pd_meas_2theta_range_min")

    let json = try #require(error("{\"two_theta_values\": [1, 2, 3], \"intensities\": [1, \"two\", 3]}", name: "k.json"))
    #expect(json.field == "intensities[1]")

    let jsonCount = try #require(error("{\"two_theta_values\": [1, 2, 3], \"intensities\": [1, 3]}", name: "l.json"))
    #expect(jsonCount.field == "intensities" && jsonCount.message.contains("2 intensities for 3"))

    let xy = try #require(error("# 2theta intensity\n10 1\n11 2\n12\n", name: "m.xy"))
    #expect(xy.line == 4 && xy.field == "column 2")

    let tof = try #require(error("title\nBANK 1 3 1 RALF 1000 2.5 0 0 ALT\n", name: "n.gsa"))
    #expect(tof.line == 2 && tof.message.contains("time-of-flight"))
  }

  @Test func lenientWhereFilesDiffer() throws {
    // opXRD JSON: numbers as strings, "nan" and Python's bare NaN drop the point; the label is a string of JSON.
    let json = #"{"two_theta_values": ["10", 10.5, 11, NaN], "intensities": [1, "nan", "3.5", 4], "label": "{\"xray_info\": \"{\\\"primary_wavelength\\\": \\\"1.5406\\\"}\"}"}"#
    let pattern = try MeasuredPattern(contentsOf: try temporaryFile(json, name: "p.json"))
    #expect(pattern.twoTheta == [10, 11] && pattern.intensity == [1, 3.5])
    #expect(pattern.metadata["dropped points"] == "2")
    #expect(pattern.primaryWavelength == 1.5406)
    // Legacy key powder_experiment.
    let legacy = #"{"two_theta_values": [1, 2], "intensities": [3, 4], "powder_experiment": {"artifacts": {"primary_wavelength": 0.7093}}}"#
    #expect(try MeasuredPattern(contentsOf: try temporaryFile(legacy, name: "q.json")).primaryWavelength == 0.7093)
    // A GSAS ESD bank: 5 (F8 intensity, F8 e.s.d.) pairs per record.
    let esd = "esd test\nBANK 1 6 2 CONST 1000 10 0 0 ESD\n"
      + "     100      10     121      11     144      12     169      13     196      14\n     225      15\n"
    let e = try MeasuredPattern.read(data: Data(esd.utf8), name: "r.gsa")[0]
    #expect(e.count == 6 && zip(e.twoTheta, [10, 10.1, 10.2, 10.3, 10.4, 10.5]).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(e.intensity == [100, 121, 144, 169, 196, 225] && e.sigma == [10, 11, 12, 13, 14, 15])
    // Plain text: semicolons, a descending file (reversed), a header row naming columns in another order.
    let text = "intensity;angle\n5;12\n6;11\n7;10\n"
    let p = try MeasuredPattern.read(data: Data(text.utf8), name: "s.csv")[0]
    #expect(p.twoTheta == [10, 11, 12] && p.intensity == [7, 6, 5])
    // RAS attenuation factor multiplies the counts; CRLF line ends.
    let ras = "*RAS_DATA_START\r\n*RAS_HEADER_START\r\n*MEAS_SCAN_UNIT_Y \"cps\"\r\n*RAS_HEADER_END\r\n*RAS_INT_START\r\n10 5 1\r\n10.1 6 2.5\r\n*RAS_INT_END\r\n*RAS_DATA_END\r\n"
    let r = try MeasuredPattern.read(data: Data(ras.utf8), name: "t.ras")[0]
    #expect(r.intensity == [5, 15] && r.intensityUnit == .countsPerSecond)
    // Two RAS scans in one file.
    let twoScans = "*RAS_DATA_START\n*RAS_HEADER_START\n*RAS_HEADER_END\n*RAS_INT_START\n10 5\n11 6\n*RAS_INT_END\n"
      + "*RAS_HEADER_START\n*RAS_HEADER_END\n*RAS_INT_START\n20 7\n21 8\n22 9\n*RAS_INT_END\n*RAS_DATA_END\n"
    #expect(try MeasuredPattern.read(data: Data(twoScans.utf8), name: "u.ras").map(\.count) == [2, 3])
    // pdCIF with an explicit 2θ column and s.u.s on the counts.
    let cif = "data_x\n_diffrn_radiation_wavelength 0.7093\nloop_\n_pd_meas_2theta_scan\n_pd_meas_intensity_total\n10.0 100(10)\n10.5 121(11)\n"
    let c = try MeasuredPattern.read(data: Data(cif.utf8), name: "v.cif")[0]
    #expect(c.twoTheta == [10, 10.5] && c.intensity == [100, 121] && c.sigma == [10, 11] && c.primaryWavelength == 0.7093)
  }

  func temporaryFile(_ text: String, name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("xrdsim-readers-\(getpid())-\(name)")
    try Data(text.utf8).write(to: url)
    return url
  }
}

/// Small files in each text layout, for every-byte truncation.
enum SmallFiles {
  struct File: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var points: Int
    var testDescription: String { name }
  }

  static let all: [File] = [
    File(name: "small.gsa", text: "tiny STD\nBANK 1 12 2 CONST 1000 2.5 0 0 STD\n"
      + "     179     147     165     172     150     165     150     158     134     146\n"
      + "     167     159       0       0       0       0       0       0       0       0\n", points: 12),
    File(name: "small.fxye", text: "tiny FXYE\n# Calibrated wavelength = 0.413259\nBANK 1 4 4 CONS 50.0 0.1 0 0 FXYE\n"
      + " 50.000000 505.417410 32.809444 \n 50.099987 497.126935 32.543040 \n"
      + " 50.199973 497.757925 32.577763 \n 50.299960 543.530244 34.029954 \n", points: 4),
    File(name: "small.ras", text: "*RAS_DATA_START\r\n*RAS_HEADER_START\r\n*MEAS_DATA_COUNT \"4\"\r\n"
      + "*HW_XG_WAVE_LENGTH_ALPHA1 \"1.540593\"\r\n*RAS_HEADER_END\r\n*RAS_INT_START\r\n"
      + "25.0000 13.0000 1.0000\r\n25.0100 7.0000 1.0000\r\n25.0200 12.0000 1.0000\r\n25.0300 9.0000 1.0000\r\n"
      + "*RAS_INT_END\r\n*RAS_DATA_END\r\n", points: 4),
    File(name: "small.asc", text: "*TYPE\t\t=  Raw\n*WAVE_LENGTH1\t=  1.54059\n\n*BEGIN\n*START\t\t=  4\n*STOP\t\t=  4.05\n"
      + "*STEP\t\t=  0.01\n*COUNT\t\t=  6\n767, 794, 798, 809\n805, 785\n*END\n\n*EOF\n", points: 6),
    File(name: "small.uxd", text: "; converted\n_WL1=1.540600\n_WL2=1.544390\n_WLRATIO=0.500000\n; (Data for Range number 1)\n"
      + "_DRIVE='COUPLED'\n_STEPTIME=0.500000\n_STEPSIZE=0.015592\n_START=3.000000\n_2THETACOUNTS\n"
      + "3.000\t187\n3.016\t183\n3.031\t178\n3.047\t174\n", points: 4),
    File(name: "small.xye", text: "# Two-Theta Intensity Error\n10.000100 1493.000000 38.639358\n"
      + "10.035900 1492.000000 38.626416\n10.071600 1400.000000 37.416574\n", points: 3),
    File(name: "small.cif", text: "data_p\n_diffrn_radiation_wavelength 1.5406\n_pd_meas_2theta_range_min 8.0\n"
      + "_pd_meas_2theta_range_max 8.066\n_pd_meas_2theta_range_inc 0.022\nloop_\n_pd_meas_counts_total\n"
      + "1733.0\n1620.0\n1629.0\n1599.0\n", points: 4),
    File(name: "small.json", text: #"{"two_theta_values": [37.0001, 37.020555, 37.041009], "intensities": [7264.0, 7202.0, 7335.0], "#
      + #""label": "{\"phases\":[],\"xray_info\":\"{\\\"primary_wavelength\\\":\\\"1.5406\\\"}\",\"is_simulated\":false}", "#
      + #""metadata": "{\"filename\":\"bruker.raw\"}"}"#, points: 3),
  ]
}
