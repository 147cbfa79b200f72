// A small SVG line plot for patterns: labelled axes with tick marks, several curves, rows of reflection
// tick marks below the curves, and a legend. Self-contained SVG 1.1, no scripts or external fonts.

import Foundation

/// An SVG plot of curves over a shared x axis.
struct SVGPlot {
  struct Series { var name: String; var color: String; var y: [Double]; var width: Double = 1.2 }
  struct Ticks { var name: String; var color: String; var positions: [Double] }

  var title: String
  var xLabel = "2θ (degrees)"
  var yLabel = "Intensity (counts)"
  var x: [Double]
  var series: [Series] = []
  var ticks: [Ticks] = []
  var width = 1000.0, height = 560.0

  func render() -> String {
    let left = 80.0, right = 24.0, top = 40.0
    let tickRowHeight = 14.0
    let bottom = 56.0 + tickRowHeight * Double(ticks.count)
    let plotWidth = width - left - right, plotHeight = height - top - bottom
    let xMin = x.first ?? 0, xMax = max(x.last ?? 1, xMin + 1e-9)
    var yMin = series.flatMap(\.y).filter(\.isFinite).min() ?? 0
    var yMax = series.flatMap(\.y).filter(\.isFinite).max() ?? 1
    yMin = min(yMin, 0)
    if yMax <= yMin { yMax = yMin + 1 }
    let yPad = (yMax - yMin) * 0.04
    yMax += yPad
    func px(_ v: Double) -> Double { left + (v - xMin) / (xMax - xMin) * plotWidth }
    func py(_ v: Double) -> Double { top + (yMax - v) / (yMax - yMin) * plotHeight }
    func f(_ v: Double) -> String { String(format: "%.2f", v) }

    var svg = """
    <?xml version="1.0" encoding="UTF-8"?>
    <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="13">
    <rect width="100%" height="100%" fill="white"/>
    <text x="\(f(left + plotWidth / 2))" y="24" text-anchor="middle" font-size="15">\(escape(title))</text>

    """
    // Axes and ticks.
    svg += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"none\" stroke=\"black\"/>\n"
    for v in niceTicks(xMin, xMax, count: 10) {
      let X = px(v)
      svg += "<line x1=\"\(f(X))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(X))\" y2=\"\(f(top + plotHeight + 5))\" stroke=\"black\"/>"
      svg += "<text x=\"\(f(X))\" y=\"\(f(top + plotHeight + 19))\" text-anchor=\"middle\">\(label(v))</text>\n"
    }
    for v in niceTicks(yMin, yMax, count: 6) {
      let Y = py(v)
      svg += "<line x1=\"\(f(left - 5))\" y1=\"\(f(Y))\" x2=\"\(f(left))\" y2=\"\(f(Y))\" stroke=\"black\"/>"
      svg += "<text x=\"\(f(left - 8))\" y=\"\(f(Y + 4))\" text-anchor=\"end\">\(label(v))</text>\n"
    }
    svg += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 10))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
    svg += "<text transform=\"translate(18 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
    // Curves, clipped to the frame.
    svg += "<clipPath id=\"frame\"><rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\"/></clipPath>\n"
    for s in series {
      var points = ""
      points.reserveCapacity(s.y.count * 16)
      for (xv, yv) in zip(x, s.y) where yv.isFinite { points += "\(f(px(xv))),\(f(py(yv))) " }
      svg += "<polyline clip-path=\"url(#frame)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"\(s.width)\" points=\"\(points)\"/>\n"
    }
    // Reflection ticks below the frame, one row per phase or line.
    for (row, t) in ticks.enumerated() {
      let y0 = top + plotHeight + 26 + tickRowHeight * Double(row)
      var path = ""
      for p in t.positions where p >= xMin && p <= xMax { path += "M\(f(px(p))) \(f(y0))v10" }
      svg += "<path d=\"\(path)\" stroke=\"\(t.color)\" stroke-width=\"1\"/>\n"
    }
    // Legend.
    let entries = series.map { ($0.name, $0.color, false) } + ticks.map { ($0.name, $0.color, true) }
    let legendWidth = 16 + 8.0 * Double(entries.map(\.0.count).max() ?? 0) + 40
    var ly = top + 18
    let lx = left + plotWidth - legendWidth - 8
    svg += "<rect x=\"\(f(lx - 6))\" y=\"\(f(top + 6))\" width=\"\(f(legendWidth))\" height=\"\(f(Double(entries.count) * 18 + 8))\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#999\"/>\n"
    for (name, color, isTick) in entries {
      if isTick {
        svg += "<line x1=\"\(f(lx + 10))\" y1=\"\(f(ly - 9))\" x2=\"\(f(lx + 10))\" y2=\"\(f(ly + 1))\" stroke=\"\(color)\"/>"
      } else {
        svg += "<line x1=\"\(f(lx))\" y1=\"\(f(ly - 4))\" x2=\"\(f(lx + 22))\" y2=\"\(f(ly - 4))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
      }
      svg += "<text x=\"\(f(lx + 30))\" y=\"\(f(ly))\">\(escape(name))</text>\n"
      ly += 18
    }
    svg += "</svg>\n"
    return svg
  }
}

/// About `count` round tick values (1, 2, 5 × 10ⁿ steps) covering [low, high].
func niceTicks(_ low: Double, _ high: Double, count: Int) -> [Double] {
  guard high > low, low.isFinite, high.isFinite else { return [] }
  let raw = (high - low) / Double(max(count, 1))
  let magnitude = pow(10, (log10(raw)).rounded(.down))
  let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
  var v = (low / step).rounded(.up) * step
  var result: [Double] = []
  while v <= high + step * 1e-9 {
    result.append(abs(v) < step * 1e-9 ? 0 : v)
    v += step
  }
  return result
}

func label(_ v: Double) -> String {
  if v == v.rounded(), abs(v) < 1e7 { return String(Int(v)) }
  let s = String(format: "%.3g", v)
  return s
}

func escape(_ text: String) -> String {
  text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    .replacingOccurrences(of: ">", with: "&gt;")
}
