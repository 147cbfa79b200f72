// Small functions on sampled series that the conditions estimators share: moving average, median by
// selection, dilation of a boolean mask.
//
// Written for speed in debug builds too (the tests run unoptimized): prefix sums instead of windows,
// quickselect instead of sorting.
// Not done: weighted or exponential smoothing; exact medians of even counts (the upper middle value is taken).

/// Moving average with half-width h (window 2h + 1, shrinking at the ends), by prefix sums.
func movingAverage(_ values: [Double], halfWidth h: Int) -> [Double] {
  let n = values.count
  guard h > 0, n > 0 else { return values }
  var prefix = [Double](repeating: 0, count: n + 1)
  for i in 0..<n { prefix[i + 1] = prefix[i] + values[i] }
  return [Double](unsafeUninitializedCapacity: n) { out, count in
    for i in 0..<n {
      let lo = max(0, i - h), hi = min(n - 1, i + h)
      out[i] = (prefix[hi + 1] - prefix[lo]) / Double(hi - lo + 1)
    }
    count = n
  }
}

/// The element of rank ⌊n/2⌋ (the median for odd n, the upper middle value for even n) by quickselect
/// (Hoare's selection, middle-element pivot); nil for an empty list.
func median(_ values: [Double]) -> Double? {
  guard !values.isEmpty else { return nil }
  var a = values
  let k = a.count / 2
  return a.withUnsafeMutableBufferPointer { b -> Double in
    var lo = 0, hi = b.count - 1
    while lo < hi {
      let pivot = b[(lo + hi) / 2]
      var i = lo, j = hi
      while i <= j {
        while b[i] < pivot { i += 1 }
        while b[j] > pivot { j -= 1 }
        if i <= j { b.swapAt(i, j); i += 1; j -= 1 }
      }
      if k <= j { hi = j } else if k >= i { lo = i } else { break }
    }
    return b[k]
  }
}

/// `flags` widened by `radius` points on both sides: true where any flag lies within the radius.
func dilate(_ flags: [Bool], radius: Int) -> [Bool] {
  let n = flags.count
  var prefix = [Int](repeating: 0, count: n + 1)
  for i in 0..<n { prefix[i + 1] = prefix[i] + (flags[i] ? 1 : 0) }
  return (0..<n).map { i in prefix[min(n, i + radius + 1)] - prefix[max(0, i - radius)] > 0 }
}
