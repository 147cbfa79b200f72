// One peak to render: position, integrated intensity and widths.

/// A diffraction peak on a 2θ pattern: position `twoTheta` (degrees), integrated intensity `area`
/// (intensity·degree: the area under the rendered profile) and the Gaussian/Lorentzian `widths`.
///
/// A reflection measured with a Kα doublet is two peaks (Kα1 and Kα2), each with its own position and area.
public struct Peak: Sendable, Hashable, Codable {
  /// Bragg position 2θ in degrees (the centre of the symmetric profile).
  public var twoTheta: Double
  /// Integrated intensity, intensity·degree (2θ).
  public var area: Double
  /// Gaussian and Lorentzian FWHMs in degrees.
  public var widths: PeakWidths

  public init(twoTheta: Double, area: Double, widths: PeakWidths) {
    self.twoTheta = twoTheta
    self.area = area
    self.widths = widths
  }
}
