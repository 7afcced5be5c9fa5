import CompressNIO
import Foundation
import NIOCore

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

        public init(maximumUnpackedBytes: Int = 1 << 30, maximumEntries: Int = 100_000) {
            self.maximumUnpackedBytes = maximumUnpackedBytes
            self.maximumEntries = maximumEntries
        }
    }

    // MARK: Packing

    /// Packs the selected entries of `selection`'s root.
    public static func pack(_ selection: SourceSelection) throws -> ByteBuffer {
        var tar = ByteBuffer()
        for entry in try selection.entries() {
            switch entry.kind {
            case .directory:
                writeHeader(&tar, path: entry.path + "/", mode: 0o755, size: 0, type: UInt8(ascii: "5"), link: "")
            case .file(_, let executable):
                let data = try Data(contentsOf: selection.root.appendingPathComponent(entry.path))
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

    /// Unpacks an upload into `destination` (which must exist and be empty). Refuses absolute
    /// paths, `..`, links that lead outside, hard links and devices, and more than `limits`
    /// allow, before anything escapes the folder; symlinks are made last, so no file is ever
    /// written through one.
    public static func unpack(_ archive: ByteBuffer, into destination: URL, limits: Limits = Limits()) throws {
        var compressed = archive
        var tar: ByteBuffer
        do {
            tar = try compressed.decompress(with: .gzip(), maxSize: limits.maximumUnpackedBytes + 1024)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw ArchiveError("the upload unpacks to more than \(limits.maximumUnpackedBytes) bytes")
        } catch {
            throw ArchiveError("the upload is not a gzip-compressed tar archive")
        }
        let root = destination.standardizedFileURL
        var links: [(String, String)] = []
        var pax: [String: String] = [:]
        var entries = 0
        while tar.readableBytes >= 512 {
            guard let header = tar.readBytes(length: 512) else { break }
            if header.allSatisfy({ $0 == 0 }) { break }
            entries += 1
            if entries > limits.maximumEntries { throw ArchiveError("the upload has more than \(limits.maximumEntries) entries") }
            guard let size = parseOctal(header[124..<136]), size >= 0, size <= tar.readableBytes else {
                throw ArchiveError("the upload's tar headers are damaged")
            }
            let padded = size + (512 - size % 512) % 512
            guard let body = tar.readBytes(length: min(padded, tar.readableBytes)) else { throw ArchiveError("the upload is truncated") }
            let content = Array(body.prefix(size))
            let type = header[156]
            if type == UInt8(ascii: "x") {
                pax = parsePax(content)
                continue
            }
            if type == UInt8(ascii: "g") { continue }
            var name = pax["path"] ?? cString(header[0..<100])
            let prefix = cString(header[345..<500])
            if pax["path"] == nil, !prefix.isEmpty, header[257..<262] == ArraySlice(Array("ustar".utf8)) { name = prefix + "/" + name }
            let link = pax["linkpath"] ?? cString(header[157..<257])
            pax = [:]
            let path = try safeRelativePath(name)
            if path.isEmpty { continue }
            let target = root.appendingPathComponent(path)
            switch type {
            case UInt8(ascii: "5"):
                try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"):
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                let mode = (parseOctal(header[100..<108]) ?? 0o644) & 0o111 != 0 ? 0o755 : 0o644
                guard FileManager.default.createFile(atPath: target.path, contents: Data(content), attributes: [.posixPermissions: mode]) else {
                    throw ArchiveError("cannot write \(path)")
                }
            case UInt8(ascii: "2"):
                try checkLink(path: path, target: link)
                links.append((path, link))
            default:
                throw ArchiveError("\(path): only files, folders and symbolic links may be uploaded")
            }
        }
        for (path, link) in links {
            let target = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.createSymbolicLink(atPath: target.path, withDestinationPath: link)
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

    /// A symbolic link must stay inside the root: relative, and never climbing above it.
    static func checkLink(path: String, target: String) throws {
        if target.hasPrefix("/") { throw ArchiveError("\(path): links to absolute paths are refused") }
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

    static func parsePax(_ bytes: [UInt8]) -> [String: String] {
        var result: [String: String] = [:]
        for record in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            guard let space = record.firstIndex(of: " "), let equals = record.firstIndex(of: "=") , space < equals else { continue }
            result[String(record[record.index(after: space)..<equals])] = String(record[record.index(after: equals)...])
        }
        return result
    }
}
