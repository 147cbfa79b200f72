// Every text-format file in ../shared/data read through MeasuredPattern.read(contentsOf:), checked against the
// point counts, 2θ ranges and wavelengths stated in the folder's SOURCE.md (or, where SOURCE.md gives none,
// in the file's own header line, quoted in the case's note).

import Foundation
import Testing
import XRDExperiment
import XRDSim

/// What SOURCE.md says about one file.
struct MeasuredFileCase: Sendable, CustomTestStringConvertible {
  var path: String
  var format: MeasuredFormat
  var scans = 1
  var count: Int
  var first: Double
  var last: Double
  /// Stated wavelengths in Å (strongest first), or [] when the file states none.
  var wavelengths: [Double] = []
  /// Tolerance on the 2θ ends: SOURCE.md rounds some of them.
  var tolerance = 1e-6
  var unit: MeasuredPattern.IntensityUnit?
  var countingTime: Double?
  var hasSigma = false
  var note = ""

  var testDescription: String { path }
}

let measuredFileCases: [MeasuredFileCase] = {
  // autoxrd-experimental/SOURCE.md: tab-separated, no header, 10.00–100.00° in 0.01° (9001 rows), Cu Kα assumed
  // (not in the files).
  // The mixture files carry a third column (a smooth curve, not an e.s.d.), which is left out.
  let autoxrd = ["MnO", "Mn2O3", "LiMnO2", "TiO2", "Li2MnO3+MnO+TiO2", "Mn2O3+LiF", "TiO2+MnO"].map {
    MeasuredFileCase(path: "autoxrd-experimental/Spectra/\($0).xy", format: .xy, count: 9001, first: 10, last: 100)
  }
  return autoxrd + [
    // xrdconversion-bruker/SOURCE.md: 2θ 10.0001–59.9875°, 1399 points; .xy in counts/76.8 s, .xye with √counts.
    MeasuredFileCase(path: "xrdconversion-bruker/SbI3.xy", format: .xy, count: 1399, first: 10.0001, last: 59.9875),
    MeasuredFileCase(path: "xrdconversion-bruker/SbI3.xye", format: .xy, count: 1399, first: 10.0001, last: 59.9875,
                     hasSigma: true),
    // xrdpattern-examples/SOURCE.md.
    MeasuredFileCase(path: "xrdpattern-examples/data.cif", format: .pdCIF, count: 3728, first: 8.0, last: 89.994,
                     wavelengths: [1.540598, 1.544390], unit: .counts),
    MeasuredFileCase(path: "xrdpattern-examples/aimat.json", format: .opXRD, count: 4059, first: 37, last: 120,
                     wavelengths: [1.5406, 1.54439], tolerance: 0.01, note: "SOURCE.md: 2θ ≈ 37–120°"),
    MeasuredFileCase(path: "xrdpattern-examples/thisjson_legacy_labeled.json", format: .opXRD, count: 47996, first: 2.001,
                     last: 50, wavelengths: [0.41326], tolerance: 0.005,
                     note: "SOURCE.md: 2.001–~50°, 47 996 points; it says the label states no wavelength, but the "
                       + "label's artifacts.primary_wavelength holds 0.41326 (checked with Python's json)"),
    MeasuredFileCase(path: "xrdpattern-examples/single.csv", format: .csv, count: 3050, first: 30.003, last: 110.066,
                     tolerance: 5e-4),
    MeasuredFileCase(path: "xrdpattern-examples/data.dat", format: .xy, scans: 2, count: 2600, first: 3.0, last: 54.98,
                     wavelengths: [1.2398], note: "λ ≈ 1.2398 Å derived from the dspacing column"),
    // GSAS STD: the BANK lines quoted in SOURCE.md (centidegrees).
    MeasuredFileCase(path: "gsas2-pbso4/PBSO4.XRA", format: .gsas, count: 6001, first: 10, last: 160, unit: .counts),
    MeasuredFileCase(path: "gsas2-pbso4/PBSO4.CWN", format: .gsas, count: 2919, first: 10, last: 155.9, hasSigma: true,
                     note: "neutron; BANK 1 2919 292 CONST 1000 5; I2 counter counts give e.s.d.s"),
    MeasuredFileCase(path: "gsas2-fluorapatite/FAP.XRA", format: .gsas, count: 5753, first: 15, last: 130.04),
    MeasuredFileCase(path: "gsas2-si3n4/A_SI3N4.XRA", format: .gsas, count: 5500, first: 10, last: 119.98),
    MeasuredFileCase(path: "gsas2-si3n4/B_SI3N4.XRA", format: .gsas, count: 6500, first: 10, last: 139.98),
    MeasuredFileCase(path: "gsas2-lab6-srm660/NIST660CBI.gsas", format: .gsas, count: 8378, first: 15.0066, last: 124.999,
                     tolerance: 1e-3),
    // FXYE: SOURCE.md gives the wavelengths; counts and ends from the BANK lines it quotes or the file's BANK line
    // ("BANK 1  132992 132992 CONS 49.950 0.050": 0.4995° in 0.0005° steps; SOURCE.md's "step 0.001°" is 11-BM's
    // nominal step, the file's is 0.05 centidegrees).
    MeasuredFileCase(path: "gsas2-lab6-srm660/11bmb_3844.fxye.zip", format: .fxye, count: 132992, first: 0.4995,
                     last: 0.4995 + 132991 * 0.0005, wavelengths: [0.413128], tolerance: 1e-6, hasSigma: true),
    MeasuredFileCase(path: "gsas2-sucrose-11bm/11bmb_8716.fxye", format: .fxye, count: 49494, first: 0.5,
                     last: 0.5 + 49493 * 0.00099987, wavelengths: [0.413259], tolerance: 2e-4, countingTime: 0.2,
                     hasSigma: true),
    // matterviz-format-examples/SOURCE.md.
    MeasuredFileCase(path: "matterviz-format-examples/2Theta.asc.gz", format: .asc, count: 7601, first: 4, last: 80,
                     wavelengths: [1.54059, 1.54441], unit: .counts, countingTime: 0.6),
    MeasuredFileCase(path: "matterviz-format-examples/BT86-siemens.uxd.gz", format: .uxd, count: 2374, first: 3.0,
                     last: 3.0 + 2373 * 0.015592, wavelengths: [1.5406, 1.54439], unit: .counts, countingTime: 0.5,
                     note: "the BT86 measurement: 2374 steps (BT86.raw row); _START 3.0, _STEPSIZE 0.015592"),
    MeasuredFileCase(path: "matterviz-format-examples/MB120718Si3.ras.gz", format: .ras, count: 1401, first: 2, last: 30,
                     wavelengths: [1.540593, 1.544414], note: "2.0–30.0° step 0.02; Kα2 from the header"),
    // nims-mdac-rigaku-ras/SOURCE.md: 25–60°, step 0.01°, 3501 points, counts, Kα1 1.540593 / Kα2 1.544414.
    MeasuredFileCase(path: "nims-mdac-rigaku-ras/XRD_RIGAKU.ras", format: .ras, count: 3501, first: 25, last: 60,
                     wavelengths: [1.540593, 1.544414], unit: .counts, countingTime: 0.01 / 8 * 60),
  ]
}()

@Suite struct MeasuredFileTests {
  @Test(arguments: measuredFileCases)
  func readsAsSourceStates(_ expected: MeasuredFileCase) throws {
    let scans = try MeasuredPattern.read(contentsOf: sharedData.appendingPathComponent(expected.path))
    #expect(scans.count == expected.scans)
    for scan in scans {
      #expect(scan.format == expected.format)
      #expect(scan.count == expected.count)
      #expect(abs(scan.twoTheta[0] - expected.first) <= expected.tolerance)
      #expect(abs(scan.twoTheta[scan.count - 1] - expected.last) <= expected.tolerance)
      #expect(zip(scan.twoTheta, scan.twoTheta.dropFirst()).allSatisfy { $0 <= $1 })
      #expect(scan.intensity.count == scan.count)
      #expect(scan.radiation.map(\.wavelength).count == expected.wavelengths.count)
      for (line, lambda) in zip(scan.radiation, expected.wavelengths) {
        #expect(abs(line.wavelength - lambda) < 1e-4)          // SOURCE.md: 4–6 decimals
      }
      #expect(scan.missing.contains("wavelength") == expected.wavelengths.isEmpty)
      if let unit = expected.unit { #expect(scan.intensityUnit == unit) }
      if let time = expected.countingTime {
        #expect(abs((scan.countingTime ?? 0) - time) < 1e-9)
      }
      #expect((scan.sigma != nil) == expected.hasSigma)
      #expect(scan.intensity.allSatisfy { $0.isFinite })
    }
  }

  @Test func archiveSources() throws {
    let zip = try MeasuredPattern(contentsOf: sharedData.appendingPathComponent("gsas2-lab6-srm660/11bmb_3844.fxye.zip"))
    #expect(zip.source == "11bmb_3844.fxye.zip/11bmb_3844.fxye")
    let gz = try MeasuredPattern(contentsOf: sharedData.appendingPathComponent("matterviz-format-examples/MB120718Si3.ras.gz"))
    #expect(gz.source == "MB120718Si3.ras.gz")
  }

  /// Values printed in the files, checked at both ends of the data.
  @Test func knownValues() throws {
    // SbI3.xye: "10.000100 1493.000000 38.639358"; SbI3.xy: 1493 counts / 76.8 s = 19.440 (xrdconversion SOURCE.md).
    let xye = try MeasuredPattern(contentsOf: sharedData.appendingPathComponent("xrdconversion-bruker/SbI3.xye"))
    #expect(xye.intensity[0] == 1493 && xye.sigma?[0] == 38.639358)
    let xy = try MeasuredPattern(contentsOf: sharedData.appendingPathComponent("xrdconversion-bruker/SbI3.xy"))
    #expect(abs(xy.intensity[0] - 1493 / 76.8) < 1e-3)
    // autoxrd mixtures: "10.0<TAB>1838<TAB>1796" – the third column is no e.s.d. of 1838 counts (√1838 ≈ 43).
    let mixture = try MeasuredPattern(contentsOf: sharedData.appendingPathComponent("autoxrd-experimental/Spectra/Li2MnO3+MnO+TiO2.xy"))
    #expect(mixture.intensity[0] == 1838 && mixture.sigma == nil && mixture.metadata["column 3"] != nil)
    // PBSO4.XRA: first record "179 147 …", last record "368 0 0 …" padded past NCHAN.
    let pbso4 = try MeasuredPattern(contentsOf: sharedData.appendingPathComponent("gsas2-pbso4/PBSO4.XRA"))
    #expect(pbso4.intensity.prefix(3) == [179, 147, 165] && pbso4.intensity.last == 368)
    // PBSO4.CWN: " 1   220" → 220 counts from 1 counter; "10   324" → 324 from 10 counters, e.s.d. √(324/10).
    let cwn = try MeasuredPattern(contentsOf: sharedData.appendingPathComponent("gsas2-pbso4/PBSO4.CWN"))
    #expect(cwn.intensity[0] == 220 && cwn.sigma?[0] == 220.0.squareRoot())
    // Line 103 holds points 1001–1010 (10 per record after the title and BANK lines).
    #expect(cwn.intensity[1000] == 324 && abs((cwn.sigma?[1000] ?? 0) - (324.0 / 10).squareRoot()) < 1e-12)
    // RAS: "25.0000 13.0000 1.0000" … "60.0000 2.0000 1.0000".
    let ras = try MeasuredPattern(contentsOf: sharedData.appendingPathComponent("nims-mdac-rigaku-ras/XRD_RIGAKU.ras"))
    #expect(ras.intensity.first == 13 && ras.intensity.last == 2)
    #expect(ras.metadata["FILE_SAMPLE"] == "Test Sample")
    // Shift-JIS header values: "<Japanese>|Detector monochromator" (the English half is ASCII).
    let sjis = try MeasuredPattern(contentsOf: sharedData.appendingPathComponent("matterviz-format-examples/MB120718Si3.ras.gz"))
    #expect(sjis.metadata["HW_COUNTER_NAME-4"] == "検出器モノクロメータ|Detector monochromator")
    // data.cif: first count 1733.0, last 202.0; Kα2 weight 0.380 as written.
    let cif = try MeasuredPattern(contentsOf: sharedData.appendingPathComponent("xrdpattern-examples/data.cif"))
    #expect(cif.intensity.first == 1733 && cif.intensity.last == 202)
    #expect(cif.radiation.map(\.weight) == [1.0, 0.38])
    // ASC: first row "767, 794, 798, 809", last row "570".
    let asc = try MeasuredPattern(contentsOf: sharedData.appendingPathComponent("matterviz-format-examples/2Theta.asc.gz"))
    #expect(asc.intensity.prefix(4) == [767, 794, 798, 809] && asc.intensity.last == 570)
    // UXD: "3.000 187" … "40.00 269"; _WLRATIO 0.5.
    let uxd = try MeasuredPattern(contentsOf: sharedData.appendingPathComponent("matterviz-format-examples/BT86-siemens.uxd.gz"))
    #expect(uxd.intensity.first == 187 && uxd.intensity.last == 269 && uxd.radiation.last?.weight == 0.5)
    // FXYE: " 50.000000 505.417410 32.809444".
    let fxye = try MeasuredPattern(contentsOf: sharedData.appendingPathComponent("gsas2-sucrose-11bm/11bmb_8716.fxye"))
    #expect(fxye.intensity[0] == 505.417410 && fxye.sigma?[0] == 32.809444)
    #expect(fxye.metadata["User sample name"] == "sucrose #1")
    // JSON: aimat intensities start 7264.0, 7202.0, 7335.0; metadata filename "bruker.raw".
    let json = try MeasuredPattern(contentsOf: sharedData.appendingPathComponent("xrdpattern-examples/aimat.json"))
    #expect(json.intensity.prefix(3) == [7264, 7202, 7335] && json.metadata["filename"] == "bruker.raw")
    #expect(json.metadata["is_simulated"] == "false")
    // Legacy JSON: the label's monoclinic cell (a = 5.381678, β = 113.2116°) is kept with the phases.
    let legacy = try MeasuredPattern(contentsOf: sharedData.appendingPathComponent("xrdpattern-examples/thisjson_legacy_labeled.json"))
    #expect(legacy.metadata["opxrd.phases"]?.contains("5.381678") == true)
    #expect(legacy.metadata["measurement_date"] == "2016-02-14")
    // data.dat: the imagenum column splits the two images; izero 10897 and 10909 per image.
    let dat = try MeasuredPattern.read(contentsOf: sharedData.appendingPathComponent("xrdpattern-examples/data.dat"))
    #expect(dat.map { $0.metadata["izero"] } == ["10897.00", "10909.00"])
  }

  @Test func contentBeatsExtension() throws {
    // Files renamed to a generic extension are still recognised by what they hold.
    let cases: [(String, MeasuredFormat)] = [
      ("nims-mdac-rigaku-ras/XRD_RIGAKU.ras", .ras), ("gsas2-pbso4/PBSO4.XRA", .gsas),
      ("gsas2-sucrose-11bm/11bmb_8716.fxye", .fxye), ("xrdpattern-examples/data.cif", .pdCIF),
      ("xrdpattern-examples/aimat.json", .opXRD), ("xrdconversion-bruker/SbI3.xy", .xy),
    ]
    for (path, format) in cases {
      let data = try Data(contentsOf: sharedData.appendingPathComponent(path))
      #expect(MeasuredPattern.detectFormat(data: data, name: "renamed.txt") == format)
      #expect(MeasuredPattern.detectFormat(data: data, name: "noextension") == format)
    }
    // Archives are looked into.
    let zip = try Data(contentsOf: sharedData.appendingPathComponent("gsas2-lab6-srm660/11bmb_3844.fxye.zip"))
    #expect(MeasuredPattern.detectFormat(data: zip, name: "11bmb_3844.fxye.zip") == .fxye)
    for path in ["matterviz-format-examples/2Theta.asc.gz", "matterviz-format-examples/BT86-siemens.uxd.gz"] {
      let gz = try Data(contentsOf: sharedData.appendingPathComponent(path))
      #expect(MeasuredPattern.detectFormat(data: gz, name: "file.gz") == (path.contains("asc") ? .asc : .uxd))
    }
    for path in ["matterviz-format-examples/2Theta.asc.gz", "matterviz-format-examples/BT86-siemens.uxd.gz"] {
      let inner = try Archive.gunzip(Data(contentsOf: sharedData.appendingPathComponent(path)), file: path)
      #expect(MeasuredPattern.detectFormat(data: inner, name: "renamed.txt") == (path.contains("asc") ? .asc : .uxd))
    }
  }

  @Test func instrumentParameterFiles() throws {
    // SOURCE.md: INST_XRY.PRM "ICONS 1.540500 1.544300 0.0 0 0.7 0 0.5" (λ1, λ2, zero, –, polarization, –, ratio).
    let lab = try GSASInstrumentParameters(contentsOf: sharedData.appendingPathComponent("gsas2-pbso4/INST_XRY.PRM"))
    #expect(lab.radiation == [EmissionLine(wavelength: 1.5405, weight: 1, name: "Ka1"), EmissionLine(wavelength: 1.5443, weight: 0.5, name: "Ka2")])
    #expect(lab.polarization == 0.7 && lab.zeroShift == 0 && lab.tube == 3 && lab.histogramType == "PXCR")
    // Si3N4: polarization term 0.5, ratio ".50000".
    let si3n4 = try GSASInstrumentParameters(contentsOf: sharedData.appendingPathComponent("gsas2-si3n4/INST_XRY.PRM"))
    #expect(si3n4.polarization == 0.5 && si3n4.radiation.last?.weight == 0.5)
    // 11-BM: one wavelength, 0.413128 Å (its λ2, zero and a blank column are all zero).
    let sync = try GSASInstrumentParameters(contentsOf: sharedData.appendingPathComponent("gsas2-lab6-srm660/11bmb_3844.prm"))
    #expect(sync.radiation == [EmissionLine(wavelength: 0.413128)] && sync.polarization == 0.99 && sync.instrumentName == "APS11BM")
    // The neutron file's instrument: λ 1.909 Å, zero −0.1 centidegrees.
    let d1a = try GSASInstrumentParameters(contentsOf: sharedData.appendingPathComponent("gsas2-pbso4/inst_d1a.prm"))
    #expect(d1a.radiation.map(\.wavelength) == [1.909] && abs(d1a.zeroShift + 0.001) < 1e-12)
    // A GSAS STD file states no wavelength; the instrument file supplies it.
    let xra = try MeasuredPattern(contentsOf: sharedData.appendingPathComponent("gsas2-pbso4/PBSO4.XRA")).withRadiation(from: lab)
    #expect(xra.primaryWavelength == 1.5405 && !xra.missing.contains("wavelength"))
  }
}
