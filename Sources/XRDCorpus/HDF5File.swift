// An open HDF5 file and the few dataset operations the corpus needs: create (optionally chunked, extensible and
// deflate-compressed), append rows, write whole numeric and string datasets and attributes, and read them back.
//
// Numbers are stored as the native type of the Swift element (Float → 32-bit IEEE float, Int32 → 32-bit
// integer, …; HDF5 writes them little-endian on every machine this runs on). Strings are variable-length UTF-8
// (`H5T_VARIABLE`, `H5T_CSET_UTF8`), which h5py reads as `bytes` (`.asstr()` for `str`).
// Not done: groups, compound types, partial reads; the reading half is for tests, merges and checks of small
// label datasets, so it reads whole datasets.

internal import CHDF5
internal import Foundation

/// A Swift number type with an HDF5 native counterpart.
package protocol HDF5Scalar: Sendable {
  static var hdf5Scalar: HDF5ScalarType { get }
  static var zero: Self { get }
}

/// The numeric element types the corpus stores.
package enum HDF5ScalarType: Sendable {
  case float32, float64, int32, int64

  /// The HDF5 native type (`H5T_NATIVE_FLOAT`, …) used in memory and, on creation, in the file.
  var nativeType: hid_t {
    switch self {
    case .float32: chdf5_native_float()
    case .float64: chdf5_native_double()
    case .int32: chdf5_native_int32()
    case .int64: chdf5_native_int64()
    }
  }
}

extension HDF5Scalar {
  static var hdf5Type: hid_t { hdf5Scalar.nativeType }
}

extension Float: HDF5Scalar {
  package static var hdf5Scalar: HDF5ScalarType { .float32 }
  package static var zero: Float { 0 }
}
extension Double: HDF5Scalar {
  package static var hdf5Scalar: HDF5ScalarType { .float64 }
  package static var zero: Double { 0 }
}
extension Int32: HDF5Scalar {
  package static var hdf5Scalar: HDF5ScalarType { .int32 }
  package static var zero: Int32 { 0 }
}
extension Int64: HDF5Scalar {
  package static var hdf5Scalar: HDF5ScalarType { .int64 }
  package static var zero: Int64 { 0 }
}

/// One open HDF5 file, closed when the value goes away (or by ``close()``, which reports a failed flush).
package struct HDF5File: ~Copyable {
  /// The path the file was created or opened with; every error names it.
  package let path: String
  private let handle: HDF5Handle

  private init(path: String, handle: consuming HDF5Handle) {
    self.path = path
    self.handle = handle
  }

  /// Creates `path`, replacing an existing file. The corresponding HDF5 function is `H5Fcreate`.
  package static func create(path: String) throws(HDF5Error) -> HDF5File {
    hdf5SilenceErrorPrinting()
    let id = H5Fcreate(path, chdf5_f_acc_trunc(), chdf5_p_default(), chdf5_p_default())
    return HDF5File(path: path, handle: try HDF5Handle(id, .file, "H5Fcreate", path: path))
  }

  /// Opens an existing file read-only. The corresponding HDF5 function is `H5Fopen`.
  package static func open(readingFrom path: String) throws(HDF5Error) -> HDF5File {
    hdf5SilenceErrorPrinting()
    let id = H5Fopen(path, chdf5_f_acc_rdonly(), chdf5_p_default())
    return HDF5File(path: path, handle: try HDF5Handle(id, .file, "H5Fopen", path: path))
  }

  /// Closes the file, flushing what HDF5 still buffers; throws if that fails. Identifiers of objects inside
  /// the file must be closed first (the writer does), otherwise HDF5 keeps the file open until they are.
  package consuming func close() throws(HDF5Error) {
    hdf5SilenceErrorPrinting()
    try handle.close(path: path)
  }

  // MARK: - Writing

  /// Whether this HDF5 library can compress with deflate (zlib). The corresponding HDF5 functions are
  /// `H5Zfilter_avail` and `H5Zget_filter_info`.
  package static var deflateAvailable: Bool {
    guard H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0 else { return false }
    var flags: UInt32 = 0
    guard H5Zget_filter_info(H5Z_FILTER_DEFLATE, &flags) >= 0 else { return false }
    return flags & UInt32(H5Z_FILTER_CONFIG_ENCODE_ENABLED) != 0
  }

  /// Creates a dataset of element type `type` and returns it open.
  /// - Parameters:
  ///   - shape: the initial extent; `maxShape` entries `nil` are unlimited (`H5S_UNLIMITED`), which needs `chunk`.
  ///   - chunk: chunk dimensions (same rank as `shape`); `nil` for contiguous storage.
  ///   - deflateLevel: 0–9; with `chunk`, adds the shuffle filter and then deflate at this level.
  func createDataset(_ name: String, type: hid_t, shape: [Int], maxShape: [Int?]? = nil, chunk: [Int]? = nil,
                             deflateLevel: Int? = nil) throws(HDF5Error) -> HDF5Handle {
    hdf5SilenceErrorPrinting()
    var dims = shape.map { hsize_t($0) }
    var maxDims = (maxShape ?? shape).map { $0.map { hsize_t($0) } ?? chdf5_s_unlimited() }
    let space = try HDF5Handle(H5Screate_simple(Int32(dims.count), &dims, &maxDims), .dataspace,
                               "H5Screate_simple(\(name))", path: path)
    let properties = try HDF5Handle(H5Pcreate(chdf5_p_dataset_create()), .propertyList, "H5Pcreate", path: path)
    try HDF5Error.check(H5Pset_obj_track_times(properties.id, false), "H5Pset_obj_track_times(\(name))", path: path)
    if var chunkDims = chunk?.map({ hsize_t($0) }) {
      try HDF5Error.check(H5Pset_chunk(properties.id, Int32(chunkDims.count), &chunkDims),
                          "H5Pset_chunk(\(name))", path: path)
      if let deflateLevel {
        try HDF5Error.check(H5Pset_shuffle(properties.id), "H5Pset_shuffle(\(name))", path: path)
        try HDF5Error.check(H5Pset_deflate(properties.id, UInt32(deflateLevel)), "H5Pset_deflate(\(name))", path: path)
      }
    }
    let id = H5Dcreate2(handle.id, name, type, space.id, chdf5_p_default(), properties.id, chdf5_p_default())
    return try HDF5Handle(id, .dataset, "H5Dcreate2(\(name))", path: path)
  }

  /// Writes `values` (row-major, `shape.reduce(1, *)` of them) as a new contiguous dataset.
  package func write<T: HDF5Scalar>(_ values: [T], to name: String, shape: [Int]) throws(HDF5Error) {
    precondition(values.count == shape.reduce(1, *), "\(name): \(values.count) values for shape \(shape)")
    let dataset = try createDataset(name, type: T.hdf5Type, shape: shape)
    guard !values.isEmpty else { return }
    let status = values.withUnsafeBytes {
      H5Dwrite(dataset.id, T.hdf5Type, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), $0.baseAddress)
    }
    try HDF5Error.check(status, "H5Dwrite(\(name))", path: path)
  }

  /// Writes `strings` as a new one-dimensional dataset of variable-length UTF-8 strings.
  package func writeStrings(_ strings: [String], to name: String) throws(HDF5Error) {
    let type = try variableStringType()
    let dataset = try createDataset(name, type: type.id, shape: [strings.count])
    guard !strings.isEmpty else { return }
    let status = Self.withCStrings(strings) { pointers in
      H5Dwrite(dataset.id, type.id, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), pointers)
    }
    try HDF5Error.check(status, "H5Dwrite(\(name))", path: path)
  }

  /// Grows the first dimension of dataset `name` (2-D, chunked, unlimited rows) to `startRow + rowCount` and writes
  /// `values` (`rowCount` rows of `rowLength`) into the new rows. The corresponding HDF5 functions are
  /// `H5Dset_extent`, `H5Sselect_hyperslab` and `H5Dwrite`.
  package func appendRows<T: HDF5Scalar>(_ values: [T], to name: String, startRow: Int, rowCount: Int,
                                        rowLength: Int) throws(HDF5Error) {
    precondition(values.count == rowCount * rowLength)
    guard rowCount > 0 else { return }
    let dataset = try openDataset(name)
    var extent = [hsize_t(startRow + rowCount), hsize_t(rowLength)]
    try HDF5Error.check(H5Dset_extent(dataset.id, &extent), "H5Dset_extent(\(name))", path: path)
    let fileSpace = try HDF5Handle(H5Dget_space(dataset.id), .dataspace, "H5Dget_space(\(name))", path: path)
    var start = [hsize_t(startRow), 0], count = [hsize_t(rowCount), hsize_t(rowLength)]
    try HDF5Error.check(H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, &start, nil, &count, nil),
                        "H5Sselect_hyperslab(\(name))", path: path)
    let memorySpace = try HDF5Handle(H5Screate_simple(2, &count, nil), .dataspace, "H5Screate_simple", path: path)
    let status = values.withUnsafeBytes {
      H5Dwrite(dataset.id, T.hdf5Type, memorySpace.id, fileSpace.id, chdf5_p_default(), $0.baseAddress)
    }
    try HDF5Error.check(status, "H5Dwrite(\(name), rows \(startRow)..<\(startRow + rowCount))", path: path)
  }

  /// Attaches a variable-length UTF-8 string attribute to the object `objectName` ("/" for the file's root).
  package func setAttribute(_ attribute: String, _ value: String, on objectName: String = "/") throws(HDF5Error) {
    let type = try variableStringType()
    let attr = try createAttribute(attribute, type: type.id, on: objectName)
    let status = Self.withCStrings([value]) { H5Awrite(attr.id, type.id, $0) }
    try HDF5Error.check(status, "H5Awrite(\(objectName) \(attribute))", path: path)
  }

  /// Attaches a numeric scalar attribute to the object `objectName` ("/" for the file's root).
  package func setAttribute<T: HDF5Scalar>(_ attribute: String, _ value: T, on objectName: String = "/") throws(HDF5Error) {
    let attr = try createAttribute(attribute, type: T.hdf5Type, on: objectName)
    let status = withUnsafePointer(to: value) { H5Awrite(attr.id, T.hdf5Type, $0) }
    try HDF5Error.check(status, "H5Awrite(\(objectName) \(attribute))", path: path)
  }

  private func createAttribute(_ attribute: String, type: hid_t, on objectName: String) throws(HDF5Error) -> HDF5Handle {
    hdf5SilenceErrorPrinting()
    let space = try HDF5Handle(H5Screate(H5S_SCALAR), .dataspace, "H5Screate", path: path)
    let id = H5Acreate_by_name(handle.id, objectName, attribute, type, space.id, chdf5_p_default(), chdf5_p_default(),
                               chdf5_p_default())
    return try HDF5Handle(id, .attribute, "H5Acreate_by_name(\(objectName) \(attribute))", path: path)
  }

  /// A variable-length, NUL-terminated UTF-8 string type.
  private func variableStringType() throws(HDF5Error) -> HDF5Handle {
    hdf5SilenceErrorPrinting()
    let type = try HDF5Handle(H5Tcopy(chdf5_c_s1()), .datatype, "H5Tcopy", path: path)
    try HDF5Error.check(H5Tset_size(type.id, chdf5_t_variable()), "H5Tset_size", path: path)
    try HDF5Error.check(H5Tset_cset(type.id, H5T_CSET_UTF8), "H5Tset_cset", path: path)
    return type
  }

  /// Calls `body` with a C array of NUL-terminated copies of `strings`, freed afterwards.
  private static func withCStrings<R>(_ strings: [String],
                                      _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
  }

  // MARK: - Reading

  private func openDataset(_ name: String) throws(HDF5Error) -> HDF5Handle {
    hdf5SilenceErrorPrinting()
    return try HDF5Handle(H5Dopen2(handle.id, name, chdf5_p_default()), .dataset, "H5Dopen2(\(name))", path: path)
  }

  /// The current extent of dataset `name`.
  package func shape(of name: String) throws(HDF5Error) -> [Int] {
    let dataset = try openDataset(name)
    return try shape(of: dataset, name: name)
  }

  private func shape(of dataset: borrowing HDF5Handle, name: String) throws(HDF5Error) -> [Int] {
    let space = try HDF5Handle(H5Dget_space(dataset.id), .dataspace, "H5Dget_space(\(name))", path: path)
    let rank = H5Sget_simple_extent_ndims(space.id)
    try HDF5Error.check(rank, "H5Sget_simple_extent_ndims(\(name))", path: path)
    var dims = [hsize_t](repeating: 0, count: Int(rank))
    try HDF5Error.check(H5Sget_simple_extent_dims(space.id, &dims, nil), "H5Sget_simple_extent_dims(\(name))", path: path)
    return dims.map { Int($0) }
  }

  /// The element type of dataset `name` as stored: "float32", "float64", "int32", "int64", "string",
  /// "variable-length string", or "other".
  package func storedType(of name: String) throws(HDF5Error) -> String {
    let dataset = try openDataset(name)
    let type = try HDF5Handle(H5Dget_type(dataset.id), .datatype, "H5Dget_type(\(name))", path: path)
    let size = H5Tget_size(type.id)
    switch H5Tget_class(type.id) {
    case H5T_FLOAT: return "float\(size * 8)"
    case H5T_INTEGER: return "int\(size * 8)"
    case H5T_STRING: return H5Tis_variable_str(type.id) > 0 ? "variable-length string" : "string"
    default: return "other"
    }
  }

  /// All values of dataset `name`, row-major, converted to `T` by HDF5.
  package func read<T: HDF5Scalar>(_: T.Type, _ name: String) throws(HDF5Error) -> [T] {
    let dataset = try openDataset(name)
    let count = try shape(of: dataset, name: name).reduce(1, *)
    var values = [T](repeating: .zero, count: count)
    guard count > 0 else { return values }
    let status = values.withUnsafeMutableBytes {
      H5Dread(dataset.id, T.hdf5Type, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), $0.baseAddress)
    }
    try HDF5Error.check(status, "H5Dread(\(name))", path: path)
    return values
  }

  /// All strings of a one-dimensional variable-length string dataset.
  package func readStrings(_ name: String) throws(HDF5Error) -> [String] {
    let dataset = try openDataset(name)
    let count = try shape(of: dataset, name: name).reduce(1, *)
    let type = try variableStringType()
    var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
    guard count > 0 else { return [] }
    let status = H5Dread(dataset.id, type.id, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), &pointers)
    defer { for pointer in pointers where pointer != nil { H5free_memory(pointer) } }
    try HDF5Error.check(status, "H5Dread(\(name))", path: path)
    return pointers.map { $0.map { String(cString: $0) } ?? "" }
  }

  /// A variable-length string attribute of `objectName` ("/" for the root).
  package func stringAttribute(_ attribute: String, of objectName: String = "/") throws(HDF5Error) -> String {
    hdf5SilenceErrorPrinting()
    let id = H5Aopen_by_name(handle.id, objectName, attribute, chdf5_p_default(), chdf5_p_default())
    let attr = try HDF5Handle(id, .attribute, "H5Aopen_by_name(\(objectName) \(attribute))", path: path)
    let type = try variableStringType()
    var pointer: UnsafeMutablePointer<CChar>? = nil
    try HDF5Error.check(H5Aread(attr.id, type.id, &pointer), "H5Aread(\(objectName) \(attribute))", path: path)
    defer { if pointer != nil { H5free_memory(pointer) } }
    return pointer.map { String(cString: $0) } ?? ""
  }

  /// A numeric scalar attribute of `objectName` ("/" for the root), converted to `T` by HDF5.
  package func attribute<T: HDF5Scalar>(_: T.Type, _ attribute: String, of objectName: String = "/") throws(HDF5Error) -> T {
    hdf5SilenceErrorPrinting()
    let id = H5Aopen_by_name(handle.id, objectName, attribute, chdf5_p_default(), chdf5_p_default())
    let attr = try HDF5Handle(id, .attribute, "H5Aopen_by_name(\(objectName) \(attribute))", path: path)
    var value = T.zero
    let status = withUnsafeMutablePointer(to: &value) { H5Aread(attr.id, T.hdf5Type, $0) }
    try HDF5Error.check(status, "H5Aread(\(objectName) \(attribute))", path: path)
    return value
  }

  /// Chunk dimensions of dataset `name`, or `nil` if it is not chunked.
  package func chunkShape(of name: String) throws(HDF5Error) -> [Int]? {
    let dataset = try openDataset(name)
    let properties = try HDF5Handle(H5Dget_create_plist(dataset.id), .propertyList, "H5Dget_create_plist", path: path)
    guard H5Pget_layout(properties.id) == H5D_CHUNKED else { return nil }
    var dims = [hsize_t](repeating: 0, count: 32)
    let rank = H5Pget_chunk(properties.id, Int32(dims.count), &dims)
    try HDF5Error.check(rank, "H5Pget_chunk(\(name))", path: path)
    return dims.prefix(Int(rank)).map { Int($0) }
  }

  /// The filter pipeline of dataset `name`, in order, as HDF5 filter ids (1 = deflate, 2 = shuffle) with
  /// their client values (the deflate level).
  package func filters(of name: String) throws(HDF5Error) -> [(id: Int32, values: [UInt32])] {
    let dataset = try openDataset(name)
    let properties = try HDF5Handle(H5Dget_create_plist(dataset.id), .propertyList, "H5Dget_create_plist", path: path)
    let count = H5Pget_nfilters(properties.id)
    try HDF5Error.check(count, "H5Pget_nfilters(\(name))", path: path)
    var result: [(id: Int32, values: [UInt32])] = []
    for index in 0..<UInt32(count) {
      var flags: UInt32 = 0, valueCount = 8, config: UInt32 = 0
      var values = [UInt32](repeating: 0, count: 8)
      var filterName = [CChar](repeating: 0, count: 64)
      let id = H5Pget_filter2(properties.id, index, &flags, &valueCount, &values, filterName.count, &filterName, &config)
      try HDF5Error.check(id, "H5Pget_filter2(\(name), \(index))", path: path)
      result.append((id, Array(values.prefix(valueCount))))
    }
    return result
  }
}
