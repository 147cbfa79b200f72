// GSAS instrument parameter files (`.prm`, `.ins`, `INST_XRY.PRM`): the wavelengths, Kα2/Kα1 ratio, zero
// shift and polarization of a bank, so a GSAS data file (which states no wavelength) can be given one.
//
// Records are 80 columns: a 12-character key ("INS  1 ICONS") and its value. The `ICONS` value is read by
// column, as GSAS and GSAS-II do (a blank field is a zero, so splitting on blanks would shift the fields):
// [0,10) λ1, [10,20) λ2 (0 for a single wavelength), [20,30) zero shift in centidegrees, [40,50) polarization,
// [55,65) I(λ2)/I(λ1). `IRAD` is the tube (1 Cr, 2 Fe, 3 Cu, 4 Mo, 5 Ag; 0 synchrotron), `HTYPE` the histogram
// type ("PXC" X-ray, "PNC" neutron, constant wavelength).
// Not done: profile coefficients (PRCF), time-of-flight constants, multi-bank selection beyond `bank`.

public import Foundation
public import XRDDiffraction

/// What a GSAS instrument parameter file says about one bank's radiation.
public struct GSASInstrumentParameters: Sendable, Equatable {
  /// λ1 and, when the file gives one, λ2 weighted by the I(λ2)/I(λ1) ratio (λ1 has weight 1), in Å.
  public var radiation: [EmissionLine]
  /// Zero shift of 2θ in degrees (the file's centidegrees / 100).
  public var zeroShift: Double
  /// The polarization term as written (GSAS: fraction of the beam polarized, or the monochromator term).
  public var polarization: Double?
  /// `IRAD`: 0 synchrotron/none, 1 Cr, 2 Fe, 3 Cu, 4 Mo, 5 Ag.
  public var tube: Int?
  /// `HTYPE`, e.g. "PXCR" (X-ray, constant wavelength, 2θ) or "PNCR" (neutron).
  public var histogramType: String?
  /// `INAME`, the instrument's name, when given.
  public var instrumentName: String?

  /// Reads the parameters of `bank` (1 for single-bank files) from the file at `url`.
  /// - Throws: ``MeasurementError`` when the file cannot be read or has no `ICONS` record for the bank.
  public init(contentsOf url: URL, bank: Int = 1) throws(MeasurementError) {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw MeasurementError(file: url.lastPathComponent, message: "cannot read file: \(error.localizedDescription)")
    }
    try self.init(data: data, name: url.lastPathComponent, bank: bank)
  }

  /// Reads the parameters of `bank` from the bytes of a `.prm` file; `name` is used in errors.
  public init(data: Data, name: String, bank: Int = 1) throws(MeasurementError) {
    guard let text = TextBuffer(data) else { throw MeasurementError(file: name, message: "not a text file") }
    var records: [String: (line: Int, value: String)] = [:]
    for (i, range) in text.lines.enumerated() where text.hasPrefix(range, "INS") && range.count >= 12 {
      let line = text.string(range)
      let key = String(line.prefix(12))
      if records[key] == nil { records[key] = (i + 1, String(line.dropFirst(12))) }
    }
    let bankKey = String(bank)
    let prefix = "INS" + String(repeating: " ", count: max(0, 3 - bankKey.count)) + bankKey
    guard let icons = records[prefix + " ICONS"] else {
      throw MeasurementError(file: name, field: "ICONS",
                             message: "no '\(prefix) ICONS' record (wavelengths) for bank \(bank)")
    }
    func field(_ columns: Range<Int>) -> Double? {
      let characters = Array(icons.value)
      guard columns.lowerBound < characters.count else { return nil }
      let text = String(characters[columns.lowerBound..<min(columns.upperBound, characters.count)])
        .trimmingCharacters(in: .whitespaces)
      return text.isEmpty ? 0 : Double(text)
    }
    guard let lambda1 = field(0..<10), lambda1 > 0 else {
      throw MeasurementError(file: name, line: icons.line, field: "ICONS λ1",
                             message: "expected a wavelength in columns 13–22, found '\(icons.value.prefix(10))'")
    }
    let lambda2 = field(10..<20) ?? 0
    let ratio = field(55..<65) ?? 0
    radiation = [EmissionLine(wavelength: lambda1, weight: 1, name: lambda2 > 0 ? "Ka1" : nil)]
    if lambda2 > 0 {
      radiation.append(EmissionLine(wavelength: lambda2, weight: ratio > 0 ? ratio : 0.5, name: "Ka2"))
    }
    zeroShift = (field(20..<30) ?? 0) / 100
    polarization = field(40..<50)
    tube = records[prefix + " IRAD "].flatMap { Int($0.value.trimmingCharacters(in: .whitespaces)) }
    histogramType = records["INS   HTYPE "].map { $0.value.trimmingCharacters(in: .whitespaces) }
    instrumentName = records[prefix + "INAME "].map { $0.value.trimmingCharacters(in: .whitespaces) }
  }
}

extension MeasuredPattern {
  /// This pattern with the wavelengths of a GSAS instrument file when the pattern states none
  /// (GSAS STD and FXY files never do); "wavelength" leaves ``missing``. A stated wavelength is kept.
  public func withRadiation(from parameters: GSASInstrumentParameters) -> MeasuredPattern {
    guard radiation.isEmpty else { return self }
    var copy = self
    copy.radiation = parameters.radiation
    copy.missing.removeAll { $0 == "wavelength" }
    copy.metadata["wavelength source"] = "instrument parameter file"
    return copy
  }
}
