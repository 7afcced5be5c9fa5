import CompressNIO
import Foundation
import NIOCore
import RailyardSandbox

/// Why an upload cannot be unpacked: the message names the entry and the rule it broke.
public struct ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The source upload format: a gzip-compressed POSIX tar (ustar, with PAX headers for long
/// names), as `tar -czf` makes and reads. Written reproducibly (times zero, owner root) so
/// that the same folder gives the same bytes.
public enum SourceArchive {
    public struct Limits: Sendable {
        public var maximumUnpackedBytes: Int
        public var maximumEntries: Int
        /// Unpacking stops with an error past this.
        public var maximumDuration: Duration
        public var maximumPathBytes = 4096
        /// PAX and GNU long-name headers are read whole: no larger than this.
        public var maximumHeaderBytes = 1 << 20

        public init(maximumUnpackedBytes: Int = 1 << 30, maximumEntries: Int = 100_000, maximumDuration: Duration = .seconds(120)) {
            self.maximumUnpackedBytes = maximumUnpackedBytes
            self.maximumEntries = maximumEntries
            self.maximumDuration = maximumDuration
        }
    }

    // MARK: Packing

    /// Packs the selected entries of `selection`'s root.
    public static func pack(_ selection: SourceSelection) throws -> ByteBuffer {
        var tar = ByteBuffer()
        // Files read beneath the root, never through a link: on the server the tree is a
        // tenant's checkout.
        let folder = try ConfinedFolder(path: selection.root.path)
        for entry in try selection.entries() {
            switch entry.kind {
            case .directory:
                writeHeader(&tar, path: entry.path + "/", mode: 0o755, size: 0, type: UInt8(ascii: "5"), link: "")
            case .file(_, let executable):
                guard let data = folder.readFile(entry.path, limit: Int.max, followingLinks: false) else {
                    throw ArchiveError("cannot read \(entry.path)")
                }
                writeHeader(&tar, path: entry.path, mode: executable ? 0o755 : 0o644, size: data.count, type: UInt8(ascii: "0"), link: "")
                tar.writeBytes(data)
                tar.writeRepeatingByte(0, count: (512 - data.count % 512) % 512)
            case .symlink(let target):
                writeHeader(&tar, path: entry.path, mode: 0o777, size: 0, type: UInt8(ascii: "2"), link: target)
            }
        }
        tar.writeRepeatingByte(0, count: 1024)
        return try tar.compress(with: .gzip())
    }

    private static func writeHeader(_ tar: inout ByteBuffer, path: String, mode: Int, size: Int, type: UInt8, link: String) {
        let pathBytes = Array(path.utf8)
        let linkBytes = Array(link.utf8)
        if pathBytes.count > 100 || linkBytes.count > 100 {
            var records = ""
            if pathBytes.count > 100 { records += paxRecord("path", path) }
            if linkBytes.count > 100 { records += paxRecord("linkpath", link) }
            let body = Array(records.utf8)
            writeRawHeader(&tar, name: Array("PaxHeaders/entry".utf8), mode: 0o644, size: body.count, type: UInt8(ascii: "x"), link: [])
            tar.writeBytes(body)
            tar.writeRepeatingByte(0, count: (512 - body.count % 512) % 512)
        }
        writeRawHeader(&tar, name: Array(pathBytes.prefix(100)), mode: mode, size: size, type: type, link: Array(linkBytes.prefix(100)))
    }

    /// `"LEN key=value\n"` where LEN counts the whole record, itself included.
    static func paxRecord(_ key: String, _ value: String) -> String {
        let body = " \(key)=\(value)\n"
        var length = body.utf8.count + 1
        while String(length).count + body.utf8.count != length { length += 1 }
        return String(length) + body
    }

    private static func writeRawHeader(_ tar: inout ByteBuffer, name: [UInt8], mode: Int, size: Int, type: UInt8, link: [UInt8]) {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], at offset: Int) { for (index, byte) in bytes.enumerated() { header[offset + index] = byte } }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(name, at: 0)
        put(octal(mode, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(0, width: 12), at: 136)
        put(Array(repeating: 32, count: 8), at: 148)
        header[156] = type
        put(link, at: 157)
        put(Array("ustar\0".utf8), at: 257)
        put(Array("00".utf8), at: 263)
        put(Array("root".utf8), at: 265)
        put(Array("root".utf8), at: 297)
        let checksum = header.reduce(0) { $0 + Int($1) }
        put(octal(checksum, width: 7) + [32], at: 148)
        tar.writeBytes(header)
    }

    // MARK: Unpacking

    /// Unpacks the upload at `file` into `destination` (made when missing; it must be empty),
    /// reading and decompressing it a piece at a time: memory stays bounded whatever the
    /// archive holds. See `unpack(from:into:limits:)`.
    public static func unpack(file: URL, into destination: URL, limits: Limits = Limits()) throws {
        let descriptor = open(file.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ArchiveError("cannot read the upload: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        try unpack(from: {
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count < 0 { throw ArchiveError("cannot read the upload: \(String(cString: strerror(errno)))") }
                return count == 0 ? nil : chunk[0..<count]
            }
        }, into: destination, limits: limits)
    }

    /// Unpacks an upload held in memory (tests, small archives).
    public static func unpack(_ archive: ByteBuffer, into destination: URL, limits: Limits = Limits()) throws {
        var remaining = archive
        try unpack(from: {
            guard remaining.readableBytes > 0, let bytes = remaining.readBytes(length: min(64 << 10, remaining.readableBytes))
            else { return nil }
            return bytes[...]
        }, into: destination, limits: limits)
    }

    /// Unpacks a gzip'd tar whose compressed bytes `nextChunk` hands over piece by piece (nil
    /// at the end). Railyard runs as root and the archive is a tenant's: every entry is made
    /// beneath `destination` through `ConfinedFolder`, never through a link (whatever links
    /// earlier entries made), and every link is judged once the tree is complete by resolving
    /// it, chain and all: one that leads out (or loops) fails the whole upload. Refused too:
    /// absolute paths, `..`, hard links, devices, and more entries, bytes or time than
    /// `limits` allow — checked as the archive streams, so a bomb stops early.
    public static func unpack(
        from nextChunk: @escaping () throws -> ArraySlice<UInt8>?, into destination: URL, limits: Limits = Limits()
    ) throws {
        if mkdir(destination.path, 0o755) != 0 && errno != EEXIST {
            throw ArchiveError("cannot create \(destination.lastPathComponent): \(String(cString: strerror(errno)))")
        }
        let folder = try ConfinedFolder(path: destination.path)
        let stream = try GzipStream(maximumBytes: limits.maximumUnpackedBytes + (64 << 20), nextChunk: nextChunk)
        let deadline = ContinuousClock.now + limits.maximumDuration
        var links: [String] = []
        var pax: [String: String] = [:]
        var longName: String?
        var longLink: String?
        var entries = 0
        var unpackedBytes = 0
        func checkTime() throws {
            if ContinuousClock.now > deadline {
                throw ArchiveError("unpacking the upload took longer than \(limits.maximumDuration); it has too many or too large entries")
            }
        }
        while true {
            guard let header = try stream.readExactly(512) else { break }
            if header.allSatisfy({ $0 == 0 }) { break }
            entries += 1
            if entries > limits.maximumEntries { throw ArchiveError("the upload has more than \(limits.maximumEntries) entries") }
            try checkTime()
            guard header[257..<262].elementsEqual("ustar".utf8) || header[257..<262].allSatisfy({ $0 == 0 }),
                  let size = parseOctal(header[124..<136]), size >= 0
            else { throw ArchiveError("the upload's tar headers are damaged") }
            let padding = (512 - size % 512) % 512
            let type = header[156]
            // Metadata entries: small, read whole (bounded).
            if type == UInt8(ascii: "x") || type == UInt8(ascii: "g") || type == UInt8(ascii: "L") || type == UInt8(ascii: "K") {
                guard size <= limits.maximumHeaderBytes else { throw ArchiveError("the upload holds a header larger than \(limits.maximumHeaderBytes) bytes") }
                guard let content = try stream.readExactly(size), try stream.skip(padding) else { throw ArchiveError("the upload is truncated") }
                switch type {
                case UInt8(ascii: "x"): pax = parsePax(content[...])
                case UInt8(ascii: "L"): longName = cString(content[...])
                case UInt8(ascii: "K"): longLink = cString(content[...])
                default: break
                }
                continue
            }
            var name = pax["path"] ?? longName ?? cString(header[0..<100])
            let prefix = cString(header[345..<500])
            if pax["path"] == nil, longName == nil, !prefix.isEmpty, header[257..<262].elementsEqual("ustar".utf8) { name = prefix + "/" + name }
            let link = pax["linkpath"] ?? longLink ?? cString(header[157..<257])
            pax = [:]
            longName = nil
            longLink = nil
            guard name.utf8.count <= limits.maximumPathBytes, link.utf8.count <= limits.maximumPathBytes else {
                throw ArchiveError("the upload holds a path longer than \(limits.maximumPathBytes) bytes")
            }
            let path = try safeRelativePath(name)
            let isFile = type == UInt8(ascii: "0") || type == 0 || type == UInt8(ascii: "7")
            if !isFile, size > 0 {
                // Only regular files carry data; anything else with a body is skipped past it.
                guard size <= limits.maximumHeaderBytes, try stream.skip(size + padding) else { throw ArchiveError("the upload is truncated") }
            }
            if path.isEmpty {
                if isFile { guard try stream.skip(size + padding) else { throw ArchiveError("the upload is truncated") } }
                continue
            }
            do {
                switch type {
                case UInt8(ascii: "5"):
                    try folder.createFolder(path)
                case _ where isFile:
                    unpackedBytes += size
                    if unpackedBytes > limits.maximumUnpackedBytes {
                        throw ArchiveError("the upload unpacks to more than \(limits.maximumUnpackedBytes) bytes")
                    }
                    let mode: mode_t = (parseOctal(header[100..<108]) ?? 0o644) & 0o111 != 0 ? 0o755 : 0o644
                    let file = try folder.createFile(path, mode: mode)
                    defer { close(file) }
                    guard try stream.copy(size, to: file, every: 1 << 20, check: checkTime), try stream.skip(padding) else {
                        throw ArchiveError("the upload is truncated")
                    }
                case UInt8(ascii: "2"):
                    try checkLink(path: path, target: link)
                    try folder.createLink(path, target: link)
                    links.append(path)
                default:
                    throw ArchiveError("\(path): only files, folders and symbolic links may be uploaded")
                }
            } catch let error as ConfinedFolderError {
                throw ArchiveError(error.description)
            }
        }
        // Judged on the finished tree: a link that looked harmless when it was made may lead
        // out through links made after it.
        for path in links {
            switch folder.resolveLink(path) {
            case .inside, .dangling: continue
            case .escapes: throw ArchiveError("\(path): links that lead outside the upload are refused")
            case .loop: throw ArchiveError("\(path): links in a loop are refused")
            }
        }
    }

    /// A path inside the archive's root: no leading `/`, no `..`; `./` prefixes dropped.
    static func safeRelativePath(_ name: String) throws -> String {
        if name.hasPrefix("/") { throw ArchiveError("\(name): absolute paths are refused") }
        let parts = name.split(separator: "/").filter { $0 != "." }
        if parts.contains("..") { throw ArchiveError("\(name): paths with .. are refused") }
        if parts.contains(where: { $0.utf8.contains(0) }) { throw ArchiveError("the upload holds a malformed name") }
        return parts.joined(separator: "/")
    }

    /// A first, textual check of a symbolic link: relative, and never climbing above the root
    /// by its own text. The kernel's resolution of the finished tree has the last word.
    static func checkLink(path: String, target: String) throws {
        if target.isEmpty { throw ArchiveError("\(path): a link with an empty target is refused") }
        if target.hasPrefix("/") { throw ArchiveError("\(path): links to absolute paths are refused") }
        if target.utf8.contains(0) { throw ArchiveError("the upload holds a malformed link") }
        var depth = path.split(separator: "/").count - 1
        for part in target.split(separator: "/") where part != "." {
            depth += part == ".." ? -1 : 1
            if depth < 0 { throw ArchiveError("\(path): links that lead outside the upload are refused") }
        }
    }

    static func parseOctal(_ field: ArraySlice<UInt8>) -> Int? {
        let digits = field.prefix { $0 != 0 && $0 != 32 }.drop { $0 == 32 }
        if digits.isEmpty { return 0 }
        return Int(String(decoding: digits, as: UTF8.self), radix: 8)
    }

    static func cString(_ field: ArraySlice<UInt8>) -> String {
        String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }

    static func parsePax(_ bytes: ArraySlice<UInt8>) -> [String: String] {
        var result: [String: String] = [:]
        for record in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            guard let space = record.firstIndex(of: " "), let equals = record.firstIndex(of: "=") , space < equals else { continue }
            result[String(record[record.index(after: space)..<equals])] = String(record[record.index(after: equals)...])
        }
        return result
    }
}
