// Gauss–Legendre quadrature rules on [0, 1], computed once per process, for the FCJ convolution integral.
//
// Nodes are the roots of the Legendre polynomial Pₙ, found by Newton's method from the asymptotic guess
// cos(π(i − ¼)/(n + ½)) (Abramowitz & Stegun 22.16.6); weights 2/((1 − x²)Pₙ′(x)²) (A&S 25.4.29), mapped from
// [−1, 1] to [0, 1]. Only the orders in ``GaussLegendre/orders`` are kept: a rule is chosen as the
// smallest tabulated order at least as large as requested.

import Foundation

/// Gauss–Legendre rules on [0, 1] for the orders in ``orders``.
enum GaussLegendre {
  /// Tabulated orders, increasing. The largest is the most nodes one FCJ segment uses.
  static let orders: [Int] = [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64]

  /// One rule: nodes in (0, 1), increasing, and weights summing to 1.
  struct Rule: Sendable {
    var nodes: [Double]
    var weights: [Double]
  }

  /// The rules, one per entry of ``orders``; built on first use (thread-safe static initialization).
  static let rules: [Rule] = orders.map(makeRule)

  /// The rule of the smallest tabulated order ≥ `count` (the largest rule if none is).
  static func rule(atLeast count: Int) -> Rule {
    for (index, order) in orders.enumerated() where order >= count { return rules[index] }
    return rules[rules.count - 1]
  }

  static var maximumOrder: Int { orders[orders.count - 1] }

  private static func makeRule(order n: Int) -> Rule {
    var nodes = [Double](repeating: 0, count: n)
    var weights = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
      var derivative = 0.0
      for _ in 0..<100 {
        // P_n(x) and P_{n-1}(x) by the three-term recurrence (A&S 22.7.10), then P_n'(x) (A&S 22.8.5).
        var previous = 1.0, current = x
        if n > 1 {
          for k in 2...n {
            let next = (Double(2 * k - 1) * x * current - Double(k - 1) * previous) / Double(k)
            previous = current
            current = next
          }
        }
        derivative = Double(n) * (x * current - previous) / (x * x - 1)
        let dx = current / derivative
        x -= dx
        if abs(dx) < 1e-15 { break }
      }
      // Map from [−1, 1] to [0, 1]; roots come out decreasing, store increasing.
      nodes[n - 1 - i] = (1 + x) / 2
      weights[n - 1 - i] = 1 / ((1 - x * x) * derivative * derivative)
    }
    return Rule(nodes: nodes, weights: weights)
  }
}
