// Tube wavelengths against ITC Vol. C Table 4.2.2.1 (Hölzer et al. 1997 for Cr–Cu), the weighted-mean
// formula, name handling and rejection of bad input.

import Testing
import XRDDiffraction

@Suite struct RadiationTests {
  /// ITC Vol. C (3rd ed., 2004) Table 4.2.2.1; Hölzer et al. (1997), Phys. Rev. A 56, 4554 (Cu, Co, Cr, Fe).
  @Test func wavelengthsAreITCValues() {
    let expected: [(String, Double)] = [
      ("CuKa1", 1.5405929), ("CuKa2", 1.5444274), ("CuKb1", 1.3922340),
      ("MoKa1", 0.70931715), ("MoKa2", 0.713607), ("MoKb1", 0.632303),
      ("CoKa1", 1.7889960), ("CoKa2", 1.7928350), ("CoKb1", 1.6208260),
      ("CrKa1", 2.2897260), ("CrKa2", 2.2936510), ("CrKb1", 2.0848810),
      ("FeKa1", 1.9360410), ("FeKa2", 1.9399730), ("FeKb1", 1.7566040),
      ("AgKa1", 0.55942178), ("AgKa2", 0.5638131), ("AgKb1", 0.4970817),
    ]
    for (name, lambda) in expected {
      #expect(Radiation.wavelength(named: name) == lambda, "\(name)")
    }
  }

  @Test func weightedKAlphaIsTwoToOneMean() {
    for anode in Radiation.anodes {
      let a1 = Radiation.wavelength(named: anode + "Ka1")!, a2 = Radiation.wavelength(named: anode + "Ka2")!
      let mean = (2 * a1 + a2) / 3
      #expect(Radiation.wavelength(named: anode + "Ka") == mean)
      #expect(Radiation.wavelength(named: anode) == mean)
      #expect(abs(Radiation.wavelength(named: anode + "Ka12")! - mean) < 1e-15)
      let doublet = Radiation.lines(named: anode + "Ka1a2")!
      #expect(doublet.map(\.wavelength) == [a1, a2])
      #expect(doublet.map(\.weight) == [1, 0.5])
      #expect(Radiation.lines(named: anode + "Ka12", kAlpha2Ratio: 0.52)!.map(\.weight) == [1, 0.52])
    }
    // Cu Kα = 1.541871 Å (pymatgen's "CuKa" 1.54184 is Bearden's older scale).
    #expect(abs(Radiation.wavelength(named: "CuKa")! - 1.5418711) < 1e-7)
  }

  @Test func namesAreCaseInsensitive() {
    for name in ["cuka1", "CUKA1", "Cu Ka1", "Cu Kα1", "cu_ka1", "Cu-Kα1"] {
      #expect(Radiation.wavelength(named: name) == 1.5405929, "\(name)")
    }
    #expect(Radiation.wavelength(named: "cu") == Radiation.wavelength(named: "CuKa"))
    #expect(Radiation.wavelength(named: "MoKb") == 0.632303)
    #expect(Radiation.lines(named: "CoKa1") == [EmissionLine(wavelength: 1.7889960, weight: 1, name: "CoKa1")])
    for name in Radiation.names { #expect(Radiation.lines(named: name) != nil, "\(name)") }
    #expect(Radiation.names.count == 36)
  }

  @Test func parseWavelengthAcceptsNamesAndNumbers() throws {
    #expect(try parseWavelength("CuKa1") == 1.5405929)
    #expect(try parseWavelength(" MoKa ") == (2 * 0.70931715 + 0.713607) / 3)
    #expect(try parseWavelength("1.5406") == 1.5406)
    #expect(try parseWavelength(" 0.7107\n") == 0.7107)
    #expect(try parseWavelength("9.99") == 9.99)
  }

  @Test(arguments: ["", "Cu Kγ", "WKa1", "CuKa3", "0", "-1.54", "10", "154.06", "nan", "inf", "1.5 Å", "1,54", "abc"])
  func parseWavelengthRejects(text: String) {
    #expect(throws: WavelengthError(text: text)) { try parseWavelength(text) }
    #expect(Radiation.wavelength(named: text) == nil)
  }

  @Test func errorMessageNamesTheInput() {
    #expect(WavelengthError(text: "154.06").description.contains("'154.06'"))
    #expect(WavelengthError(text: "x").description.contains("CuKa1"))
  }
}
