import CHDF5
import Foundation

/// A read-only HDF5 file opened from bytes in memory through libhdf5's core driver.
///
/// Opening from memory means no temporary file for `.keras` archives and one code path for
/// everything. External links, external raw storage and virtual datasets are refused, and
/// filter plugins are switched off, so a file can never make us read another file or load a
/// shared library.
final class HDF5File {
    /// The file id, closed in `deinit`.
    private let file: hid_t
    /// Size of the image, used to check dataset claims against what the file holds.
    let byteCount: Int
    /// The bytes libhdf5 reads in place; kept alive as long as the file is open.
    private let image: Data

    private static let setUp: Void = {
        lstmscope_H5_silence_errors()
        _ = lstmscope_H5_disable_plugins()
    }()

    /// Opens an HDF5 image; throws `.notHDF5` when libhdf5 cannot make sense of it.
    init(image: Data) throws(HDF5Error) {
        _ = HDF5File.setUp
        // A real HDF5 file is far larger than 64 bytes; the bound also keeps `image` out of
        // Data's inline form, whose bytes would not stay put for libhdf5 to read in place.
        guard image.count >= 64, image.prefix(8) == HDF5File.signature else { throw .notHDF5 }
        let fapl = H5Pcreate(lstmscope_H5P_FILE_ACCESS())
        defer { H5Pclose(fapl) }
        // backing_store 0: nothing is ever written back to disk.
        H5Pset_fapl_core(fapl, 1 << 16, false)
        let status = image.withUnsafeBytes { raw in
            lstmscope_H5Pset_file_image_in_place(fapl, UnsafeMutableRawPointer(mutating: raw.baseAddress), raw.count)
        }
        guard status >= 0 else { throw .notHDF5 }
        let id = H5Fopen("in-memory.h5", lstmscope_H5F_ACC_RDONLY(), fapl)
        guard id >= 0 else { throw .notHDF5 }
        file = id
        byteCount = image.count
        self.image = image
    }

    deinit { H5Fclose(file) }

    /// The 8-byte HDF5 format signature.
    static let signature = Data([0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A])

    // MARK: Navigation

    /// Whether `path` names an object (a group or dataset) that can be opened.
    func exists(_ path: String) -> Bool {
        (try? checkedLinks(path)) != nil && H5Oexists_by_name(file, path, lstmscope_H5P_DEFAULT()) > 0
    }

    /// Whether `path` is a group.
    func isGroup(_ path: String) -> Bool { objectType(path) == H5I_GROUP }

    /// Whether `path` is a dataset.
    func isDataset(_ path: String) -> Bool { objectType(path) == H5I_DATASET }

    private func objectType(_ path: String) -> H5I_type_t? {
        guard exists(path) else { return nil }
        let id = H5Oopen(file, path, lstmscope_H5P_DEFAULT())
        guard id >= 0 else { return nil }
        defer { H5Oclose(id) }
        return H5Iget_type(id)
    }

    /// Names of the links directly under group `path`, in name order.
    func children(of path: String) throws(HDF5Error) -> [String] {
        try checkedLinks(path)
        let group = H5Gopen2(file, path, lstmscope_H5P_DEFAULT())
        guard group >= 0 else { throw .missing(path) }
        defer { H5Gclose(group) }
        var info = H5G_info_t()
        guard H5Gget_info(group, &info) >= 0 else { throw .corrupt("cannot list group \(path)") }
        guard info.nlinks < 100_000 else { throw .corrupt("group \(path) claims \(info.nlinks) members") }
        var names: [String] = []
        for index in 0..<info.nlinks {
            let length = H5Lget_name_by_idx(
                group, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, lstmscope_H5P_DEFAULT())
            guard length >= 0, length < 4096 else { throw .corrupt("bad link name in \(path)") }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            H5Lget_name_by_idx(
                group, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, lstmscope_H5P_DEFAULT())
            names.append(String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names
    }

    /// The identity of the object at `path`, the same for every hard link to it (nil when it
    /// cannot be opened), so a walk over groups can keep a visited set.
    func identity(_ path: String) -> UInt64? {
        guard (try? checkedLinks(path)) != nil else { return nil }
        let id = lstmscope_H5O_identity(file, path)
        return id == 0 ? nil : UInt64(id)
    }

    /// Refuses a path any of whose links is external (a link to another file).
    @discardableResult
    func checkedLinks(_ path: String) throws(HDF5Error) -> String {
        let parts = path.split(separator: "/").map(String.init)
        var prefix = ""
        for part in parts {
            prefix += "/" + part
            let type = lstmscope_H5L_type(file, prefix)
            if type < 0 { throw .missing(path) }
            if type == Int32(H5L_TYPE_EXTERNAL.rawValue) {
                throw .externalReference("\(prefix) is an external link to another file")
            }
            if type != Int32(H5L_TYPE_HARD.rawValue) && type != Int32(H5L_TYPE_SOFT.rawValue) {
                throw .externalReference("\(prefix) is a user-defined link")
            }
        }
        return path
    }

    // MARK: Attributes

    /// A string attribute (fixed or variable length, scalar or the first element), or nil when absent.
    ///
    /// Keras splits long attributes into `name0`, `name1`, …; those are joined back here.
    func stringAttribute(_ name: String, of path: String = "/") throws(HDF5Error) -> String? {
        if let whole = try stringsAttribute(name, of: path) { return whole.joined() }
        var parts: [String] = []
        while let part = try stringsAttribute("\(name)\(parts.count)", of: path) { parts.append(part.joined()) }
        return parts.isEmpty ? nil : parts.joined()
    }

    /// A list-of-strings attribute (`layer_names`, `weight_names`), joining Keras's `name0`, `name1`, … chunks.
    func stringListAttribute(_ name: String, of path: String = "/") throws(HDF5Error) -> [String]? {
        if let whole = try stringsAttribute(name, of: path) { return whole }
        var parts: [String] = []
        var index = 0
        while let part = try stringsAttribute("\(name)\(index)", of: path) { parts += part; index += 1 }
        return index == 0 ? nil : parts
    }

    private func stringsAttribute(_ name: String, of path: String) throws(HDF5Error) -> [String]? {
        try checkedLinks(path)
        guard H5Aexists_by_name(file, path, name, lstmscope_H5P_DEFAULT()) > 0 else { return nil }
        let attribute = H5Aopen_by_name(file, path, name, lstmscope_H5P_DEFAULT(), lstmscope_H5P_DEFAULT())
        guard attribute >= 0 else { throw .corrupt("cannot open attribute \(name) of \(path)") }
        defer { H5Aclose(attribute) }
        let type = H5Aget_type(attribute)
        defer { H5Tclose(type) }
        let space = H5Aget_space(attribute)
        defer { H5Sclose(space) }
        let count = Int(H5Sget_simple_extent_npoints(space))
        guard count >= 0, count < 1_000_000 else {
            throw .corrupt("attribute \(name) of \(path) claims \(count) values")
        }
        // h5py writes an empty list as a float64 array of shape (0,).
        if count == 0 { return [] }
        guard H5Tget_class(type) == H5T_STRING else { throw .corrupt("attribute \(name) of \(path) is not text") }

        if H5Tis_variable_str(type) > 0 {
            let memoryType = H5Tcopy(lstmscope_H5T_C_S1())
            defer { H5Tclose(memoryType) }
            H5Tset_size(memoryType, Int(bitPattern: UInt(bitPattern: -1)))  // H5T_VARIABLE
            H5Tset_cset(memoryType, H5Tget_cset(type))
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            guard H5Aread(attribute, memoryType, &pointers) >= 0 else {
                throw .corrupt("cannot read attribute \(name) of \(path)")
            }
            defer { H5Dvlen_reclaim(memoryType, space, lstmscope_H5P_DEFAULT(), &pointers) }
            return pointers.map { $0.map { String(cString: $0) } ?? "" }
        }
        let size = H5Tget_size(type)
        guard size > 0, size * count <= byteCount else {
            throw .corrupt("attribute \(name) of \(path) is larger than the file")
        }
        let memoryType = H5Tcopy(type)
        defer { H5Tclose(memoryType) }
        var buffer = [UInt8](repeating: 0, count: size * count)
        guard H5Aread(attribute, memoryType, &buffer) >= 0 else {
            throw .corrupt("cannot read attribute \(name) of \(path)")
        }
        return (0..<count).map { i in
            let bytes = buffer[i * size..<(i + 1) * size].prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    // MARK: Datasets

    /// Reads a floating-point dataset, converting float16/32/64 to Float.
    func readArray(_ path: String) throws(HDF5Error) -> NDArray {
        try checkedLinks(path)
        let dataset = H5Dopen2(file, path, lstmscope_H5P_DEFAULT())
        guard dataset >= 0 else { throw .missing(path) }
        defer { H5Dclose(dataset) }

        let plist = H5Dget_create_plist(dataset)
        defer { H5Pclose(plist) }
        if H5Pget_external_count(plist) > 0 {
            throw .externalReference("dataset \(path) keeps its data in an external file")
        }
        if H5Pget_layout(plist) == H5D_VIRTUAL {
            throw .externalReference("dataset \(path) is a virtual dataset that maps other files")
        }
        let filterCount = H5Pget_nfilters(plist)

        let type = H5Dget_type(dataset)
        defer { H5Tclose(type) }
        guard H5Tget_class(type) == H5T_FLOAT else {
            throw .unsupportedType("dataset \(path) holds \(describe(type)), not floating-point numbers")
        }
        let elementSize = H5Tget_size(type)
        let dtype = "float\(elementSize * 8)"

        let space = H5Dget_space(dataset)
        defer { H5Sclose(space) }
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0, rank <= 8 else { throw .corrupt("dataset \(path) has rank \(rank)") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        H5Sget_simple_extent_dims(space, &dims, nil)
        let shape = dims.map { Int(clamping: $0) }
        let (count, overflow) = shape.reduce((1, false)) { acc, d in
            let (p, o) = acc.0.multipliedReportingOverflow(by: d)
            return (p, acc.1 || o)
        }
        // Check the claim against what the file holds before allocating for it.
        let needed = count.multipliedReportingOverflow(by: elementSize)
        let stored = Int(clamping: H5Dget_storage_size(dataset))
        let limit = filterCount > 0 ? min(stored.multipliedReportingOverflow(by: 1024).partialValue, 1 << 31) : stored
        guard !overflow, !needed.overflow, needed.partialValue <= max(limit, 0) else {
            throw .corrupt(
                "dataset \(path) claims shape \(shape) "
                    + "(\(needed.overflow || overflow ? "too many" : String(needed.partialValue)) bytes) but the file "
                    + "holds \(stored) bytes for it"
            )
        }
        // Not zero-filled first: that would touch every page of a big array at once, before the
        // file's pages it replaces are handed back block by block.
        var ok = true
        let values = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            if count > 0 {
                ok = readInBlocks(
                    dataset, space: space, shape: shape, elementSize: elementSize, filtered: filterCount > 0,
                    into: out.baseAddress!)
            }
            initialized = count
        }
        guard ok else {
            throw .corrupt("cannot read dataset \(path) (damaged data or an unavailable compression filter)")
        }
        return NDArray(shape: shape, values: values, dtype: dtype)
    }

    /// Reads a dataset as Float; a plain (contiguous, unfiltered) one in blocks of rows, each
    /// block's bytes in the file image handed back to the system once converted (see ``MappedFile``).
    private func readInBlocks(
        _ dataset: hid_t, space: hid_t, shape: [Int], elementSize: Int, filtered: Bool,
        into out: UnsafeMutablePointer<Float>
    ) -> Bool {
        let address = H5Dget_offset(dataset)
        let rowElements = shape.dropFirst().reduce(1, *)
        let rowBytes = rowElements * elementSize
        guard !filtered, address != UInt64.max, let rows = shape.first, rows > 1, rowBytes > 0,
            Int(clamping: address) + rows * rowBytes <= byteCount
        else {
            return H5Dread(
                dataset, lstmscope_H5T_NATIVE_FLOAT(), lstmscope_H5S_ALL(), lstmscope_H5S_ALL(),
                lstmscope_H5P_DEFAULT(), out) >= 0
        }
        let blockRows = max(1, (4 << 20) / rowBytes)
        var first = 0
        while first < rows {
            let n = min(blockRows, rows - first)
            var start = [hsize_t](repeating: 0, count: shape.count)
            start[0] = hsize_t(first)
            var count = shape.map { hsize_t($0) }
            count[0] = hsize_t(n)
            let memory = H5Screate_simple(Int32(shape.count), &count, nil)
            defer { H5Sclose(memory) }
            guard H5Sselect_hyperslab(space, H5S_SELECT_SET, &start, nil, &count, nil) >= 0,
                H5Dread(
                    dataset, lstmscope_H5T_NATIVE_FLOAT(), memory, space, lstmscope_H5P_DEFAULT(),
                    out + first * rowElements) >= 0
            else { return false }
            image.withUnsafeBytes { raw in
                if let base = raw.baseAddress {
                    MappedFile.release(base + Int(address) + first * rowBytes, count: n * rowBytes)
                }
            }
            first += n
        }
        return true
    }

    private func describe(_ type: hid_t) -> String {
        switch H5Tget_class(type) {
        case H5T_INTEGER: "integers"
        case H5T_STRING: "text"
        case H5T_COMPOUND: "compound records"
        default: "a non-numeric type"
        }
    }
}

/// What can go wrong reading an HDF5 file; the loaders add the file's path.
enum HDF5Error: Error, Equatable {
    case notHDF5
    case missing(String)
    case corrupt(String)
    case unsupportedType(String)
    case externalReference(String)

    var message: String {
        switch self {
        case .notHDF5: "not an HDF5 file (the signature or superblock is missing or damaged)"
        case .missing(let path): "the HDF5 file has no \(path)"
        case .corrupt(let detail): "damaged HDF5 file: \(detail)"
        case .unsupportedType(let detail): detail
        case .externalReference(let detail): "refused: \(detail); lstmscope never reads other files on a model's behalf"
        }
    }
}
