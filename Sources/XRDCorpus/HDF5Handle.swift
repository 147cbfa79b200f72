// One open HDF5 identifier (file, dataset, dataspace, datatype, property list or attribute) with one owner.
//
// HDF5 hands out `hid_t` integers that must each be closed by the function of their kind (`H5Fclose`,
// `H5Dclose`, …). `HDF5Handle` is `~Copyable`: it closes its identifier exactly once, in `close()` when the
// caller wants the status (the file, whose close flushes data), or in `deinit` on every other path, errors
// included. Not done: reference counting (`H5Iinc_ref`); nothing here shares an identifier.

internal import CHDF5

/// Owns one HDF5 identifier and closes it once.
struct HDF5Handle: ~Copyable {
  enum Kind {
    case file, dataset, dataspace, datatype, propertyList, attribute

    /// The HDF5 function that closes an identifier of this kind.
    var closeFunction: (hid_t) -> herr_t {
      switch self {
      case .file: H5Fclose
      case .dataset: H5Dclose
      case .dataspace: H5Sclose
      case .datatype: H5Tclose
      case .propertyList: H5Pclose
      case .attribute: H5Aclose
      }
    }

    var closeName: String {
      switch self {
      case .file: "H5Fclose"
      case .dataset: "H5Dclose"
      case .dataspace: "H5Sclose"
      case .datatype: "H5Tclose"
      case .propertyList: "H5Pclose"
      case .attribute: "H5Aclose"
      }
    }
  }

  let id: hid_t
  let kind: Kind

  /// Takes ownership of `id`, the result of the HDF5 call `name`; throws (naming `path` and the call) if the
  /// call failed, i.e. returned a negative identifier.
  init(_ id: hid_t, _ kind: Kind, _ name: @autoclosure () -> String, path: String) throws(HDF5Error) {
    guard id >= 0 else { throw HDF5Error.failed(name(), status: Int64(id), path: path) }
    self.id = id
    self.kind = kind
  }

  /// Closes the identifier now and reports failure (for a file: failure to flush its last data).
  consuming func close(path: String) throws(HDF5Error) {
    let id = id, kind = kind
    discard self
    try HDF5Error.check(kind.closeFunction(id), kind.closeName, path: path)
  }

  deinit { _ = kind.closeFunction(id) }
}
