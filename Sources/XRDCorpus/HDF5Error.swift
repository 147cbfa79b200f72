// Errors of the HDF5 shard writer and reader: the file, the HDF5 call that failed and HDF5's own message.
//
// HDF5 reports failure as a negative `herr_t` or `hid_t` and pushes a description onto a per-thread error stack;
// its default handler prints that stack to stderr. The writer switches the printing off (`H5Eset_auto2`) and
// copies the stack's descriptions into the error instead, so the CLI prints one line naming file and call.
// Not done: HDF5's major/minor error classes are not mapped to Swift cases (the text is enough to act on).

internal import CHDF5

/// An HDF5 call failed, or a record did not fit the shard being written.
public struct HDF5Error: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: Sendable, Equatable {
    /// An HDF5 library call returned a negative status or identifier; `message` is HDF5's error stack,
    /// outermost first (empty if the stack was empty).
    case call(name: String, status: Int64, message: String)
    /// A record's intensity count differs from the shard's 2θ grid.
    case pointCount(index: Int, expected: Int, actual: Int)
    /// More records than the capacity the writer was created with.
    case capacityExceeded(capacity: Int)
    /// Renaming the finished `.partial` file, or reading it back for its checksum, failed.
    case fileSystem(operation: String, reason: String)
  }

  public var kind: Kind
  /// The HDF5 file (as given to the writer or reader).
  public var path: String

  public init(_ kind: Kind, path: String) {
    self.kind = kind
    self.path = path
  }

  public var description: String { "\(path): error: \(kind.message)" }
}

extension HDF5Error.Kind {
  var message: String {
    switch self {
    case let .call(name, status, message):
      "\(name) failed (\(status))" + (message.isEmpty ? "" : ": \(message)")
    case let .pointCount(index, expected, actual):
      "pattern \(index) has \(actual) intensities, the 2θ grid has \(expected) points"
    case let .capacityExceeded(capacity):
      "more than \(capacity) patterns appended to a shard of capacity \(capacity)"
    case let .fileSystem(operation, reason):
      "\(operation): \(reason)"
    }
  }
}

// MARK: - Status checks

extension HDF5Error {
  /// An error for the failed call `name`, with the descriptions on the calling thread's HDF5 error stack.
  static func failed(_ name: String, status: Int64, path: String) -> HDF5Error {
    HDF5Error(.call(name: name, status: status, message: errorStackText()), path: path)
  }

  /// The descriptions on this thread's HDF5 error stack, outermost (API) call first, joined by "; ".
  /// The corresponding HDF5 function is `H5Ewalk2`.
  static func errorStackText() -> String {
    final class Lines { var items: [String] = [] }
    let lines = Lines()
    let walk: H5E_walk2_t = { _, description, clientData in
      guard let description, let clientData, let text = description.pointee.desc else { return 0 }
      let lines = Unmanaged<Lines>.fromOpaque(clientData).takeUnretainedValue()
      // Some descriptions span lines ("time = …\n, name = …"); the error is one line.
      let words = String(cString: text).split(whereSeparator: { $0 == "\n" || $0 == " " })
      lines.items.append(words.joined(separator: " "))
      return 0
    }
    _ = withExtendedLifetime(lines) {
      H5Ewalk2(chdf5_e_default(), H5E_WALK_DOWNWARD, walk, Unmanaged.passUnretained(lines).toOpaque())
    }
    H5Eclear2(chdf5_e_default())
    var unique: [String] = []
    for line in lines.items where !unique.contains(line) { unique.append(line) }
    return unique.joined(separator: "; ")
  }

  /// Throws unless `status` (an `herr_t`, or a count such as `htri_t`) is non-negative.
  static func check(_ status: herr_t, _ name: @autoclosure () -> String, path: String) throws(HDF5Error) {
    if status < 0 { throw failed(name(), status: Int64(status), path: path) }
  }
}

/// Turns HDF5's automatic printing of its error stack to stderr off for the calling thread. A thread-safe
/// HDF5 build (Debian's `libhdf5-dev` is one) keeps the setting per thread, and Swift tasks move between
/// threads, so every entry point of the writer and reader calls this; it is idempotent and cheap.
/// The corresponding HDF5 function is `H5Eset_auto2`.
func hdf5SilenceErrorPrinting() {
  _ = H5Eset_auto2(chdf5_e_default(), nil, nil)
}
