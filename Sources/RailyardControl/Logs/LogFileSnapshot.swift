import Foundation
import RailyardCore

/// What a read of a stored log gives: lines in order, and where the next read goes on.
public struct LogRead: Sendable {
    public var lines: [StoredLogLine]
    /// The seq of the last line looked at (selected or not): the `after` of the next read.
    public var through: Int
    /// The read stopped at a limit (lines, bytes, or bytes looked at) before the end of what
    /// was stored when it began.
    public var more: Bool
    /// Bytes of the files looked at.
    var scanned = 0

    public init(lines: [StoredLogLine], through: Int, more: Bool) {
        self.lines = lines
        self.through = through
        self.more = more
    }
}

/// A deployment's stored log as it was at one moment: the older part (`ID.jsonl.1`) and the
/// current file, open, each up to the size it had then.
///
/// Lines are appended in `seq` order and their times do not go down (both are set under one
/// lock when a line comes in), so a line is found by a binary search over byte offsets, and the
/// last lines by reading blocks backwards from the end. Nothing reads a whole file: a read costs
/// its own lines plus a few kilobytes, however long the log.
final class LogFileSnapshot {
    struct Part {
        let descriptor: Int32
        let size: Int
    }

    /// Oldest first.
    let parts: [Part]

    /// Opens `paths` (oldest first); a missing file is no part. Open descriptors keep reading
    /// the same file when it is rotated (renamed) or deleted meanwhile.
    init(paths: [String]) {
        var parts: [Part] = []
        for path in paths {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            var status = stat()
            guard fstat(descriptor, &status) == 0 else {
                close(descriptor)
                continue
            }
            parts.append(Part(descriptor: descriptor, size: Int(status.st_size)))
        }
        self.parts = parts
    }

    deinit {
        for part in parts { close(part.descriptor) }
    }

    // MARK: Queries

    /// The keys of the newest readable line.
    func newest() -> StoredLogScan.Keys? {
        var found: StoredLogScan.Keys?
        for part in parts.reversed() where found == nil {
            forEachLineBackward(in: part) { line in
                found = StoredLogScan.keys(line)
                return found == nil
            }
        }
        return found
    }

    /// The seq just before the first line stamped `time` or later (the `after` that starts a
    /// read there); the newest seq when every line is older.
    func seq(before time: String) -> Int {
        for part in parts {
            let offset = firstLine(in: part) { $0.time >= time }
            if offset < part.size, let keys = firstReadable(in: part, from: offset) {
                return max(keys.seq - 1, 0)
            }
        }
        return newest()?.seq ?? 0
    }

    /// The seq just before the last `count` lines of `phase` (any phase when nil) that come
    /// after `after`: reading after it gives those lines. Reads backwards only as far as needed.
    func seq(beforeLast count: Int, phase: String?, after: Int) -> Int {
        var matched = 0
        var result: Int?
        for part in parts.reversed() where result == nil {
            forEachLineBackward(in: part) { line in
                guard let keys = StoredLogScan.keys(line) else { return true }
                if keys.seq <= after {
                    result = after
                    return false
                }
                if phase == nil || keys.phase == phase {
                    matched += 1
                    if matched >= count {
                        result = keys.seq - 1
                        return false
                    }
                }
                return true
            }
        }
        return result ?? after
    }

    /// The lines after `after` and up to `through`, of `phase` when given: at most `limit`
    /// lines and (past the first line) `maximumBytes` of them, looking at no more than
    /// `scanBytes` of the file, so that a rare phase in a long log costs several short reads
    /// rather than one long one.
    func lines(
        after: Int, through: Int = .max, phase: String?, limit: Int, maximumBytes: Int, scanBytes: Int
    ) -> LogRead {
        var read = LogRead(lines: [], through: after, more: false)
        var bytes = 0
        var scanned = 0
        var started = false
        for part in parts {
            var offset = 0
            if !started {
                offset = firstLine(in: part) { $0.seq > after }
                guard offset < part.size else { continue }
                started = true
            }
            let finished = !forEachLine(in: part, from: offset) { line in
                scanned += line.count + 1
                guard let keys = StoredLogScan.keys(line) else { return true }
                if keys.seq <= read.through { return true }
                if keys.seq > through { return false }
                if phase == nil || keys.phase == phase {
                    if read.lines.count >= limit || (!read.lines.isEmpty && bytes + line.count > maximumBytes) {
                        read.more = true
                        return false
                    }
                    bytes += line.count
                    read.lines.append(StoredLogLine(seq: keys.seq, time: keys.time, phase: keys.phase, json: Array(line)))
                }
                read.through = keys.seq
                if scanned >= scanBytes {
                    read.more = true
                    return false
                }
                return true
            }
            if finished { break }
        }
        read.scanned = scanned
        return read
    }

    // MARK: Searching

    /// The offset of the first line whose keys satisfy `reached` (false, then true, along the
    /// part), or the part's size when none does. Unreadable lines count as not reached.
    func firstLine(in part: Part, where reached: (StoredLogScan.Keys) -> Bool) -> Int {
        // Lines starting before `low` are not reached; the first line starting at or after
        // `high` is reached (or there is none).
        var low = 0
        var high = part.size
        while low < high {
            let middle = low + (high - low) / 2
            var start = nextLineStart(in: part, atOrAfter: middle)
            var probe: (keys: StoredLogScan.Keys, start: Int)?
            while start < high, probe == nil {
                let (line, next) = line(in: part, at: start)
                if let keys = StoredLogScan.keys(line) { probe = (keys, start) } else { start = next }
            }
            guard let probe else {
                high = middle
                continue
            }
            if reached(probe.keys) { high = middle } else { low = probe.start + 1 }
        }
        return nextLineStart(in: part, atOrAfter: low)
    }

    func firstReadable(in part: Part, from offset: Int) -> StoredLogScan.Keys? {
        var found: StoredLogScan.Keys?
        forEachLine(in: part, from: offset) { line in
            found = StoredLogScan.keys(line)
            return found == nil
        }
        return found
    }

    /// Where the first line that starts at `offset` or later begins (the part's size if none).
    func nextLineStart(in part: Part, atOrAfter offset: Int) -> Int {
        guard offset > 0 else { return 0 }
        var position = offset - 1
        var block = 512
        while position < part.size {
            let chunk = read(part, at: position, count: min(block, part.size - position))
            guard !chunk.isEmpty else { break }
            if let newline = chunk.firstIndex(of: 10) { return position + newline + 1 }
            position += chunk.count
            block = min(block * 2, 64 << 10)
        }
        return part.size
    }

    /// The line that starts at `start`, without its newline, and where the next one starts.
    func line(in part: Part, at start: Int) -> (bytes: [UInt8], next: Int) {
        var bytes: [UInt8] = []
        var position = start
        var block = 512
        while position < part.size {
            let chunk = read(part, at: position, count: min(block, part.size - position))
            guard !chunk.isEmpty else { break }
            if let newline = chunk.firstIndex(of: 10) {
                bytes += chunk[..<newline]
                return (bytes, position + newline + 1)
            }
            bytes += chunk
            position += chunk.count
            block = min(block * 2, 64 << 10)
        }
        return (bytes, part.size)
    }

    // MARK: Scanning

    static let blockSize = 64 << 10

    /// Calls `visit` with each line from `offset` on, in order, until it returns false.
    /// Returns false when `visit` stopped it. A last line without its newline (a write cut
    /// short by a crash) is visited too; its keys usually do not read.
    @discardableResult
    func forEachLine(in part: Part, from offset: Int, _ visit: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        var carry: [UInt8] = []
        var position = offset
        while position < part.size {
            let chunk = read(part, at: position, count: min(Self.blockSize, part.size - position))
            guard !chunk.isEmpty else { break }
            position += chunk.count
            let buffer = carry.isEmpty ? chunk : carry + chunk
            let (go, rest) = buffer.withUnsafeBufferPointer { bytes -> (Bool, Int) in
                var lineStart = 0
                while lineStart < bytes.count, let base = bytes.baseAddress {
                    guard let found = memchr(base + lineStart, 10, bytes.count - lineStart) else { break }
                    let newline = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
                    if !visit(UnsafeBufferPointer(rebasing: bytes[lineStart..<newline])) { return (false, lineStart) }
                    lineStart = newline + 1
                }
                return (true, lineStart)
            }
            guard go else { return false }
            carry = Array(buffer[rest...])
        }
        if !carry.isEmpty {
            return carry.withUnsafeBufferPointer { visit($0) }
        }
        return true
    }

    /// Calls `visit` with each line from the end of the part back to its start, until it
    /// returns false.
    @discardableResult
    func forEachLineBackward(in part: Part, _ visit: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        // `carry` is the head of the later block up to its first newline: the end of a line
        // whose start lies in an earlier block.
        var carry: [UInt8] = []
        var end = part.size
        while end > 0 {
            let start = max(0, end - Self.blockSize)
            let chunk = read(part, at: start, count: end - start)
            guard chunk.count == end - start else { return true }
            let buffer = carry.isEmpty ? chunk : chunk + carry
            let (go, head) = buffer.withUnsafeBufferPointer { bytes -> (Bool, Int) in
                var lineEnd = bytes.count
                var index = bytes.count - 1
                while index >= 0 {
                    if bytes[index] == 10 {
                        if lineEnd > index + 1, !visit(UnsafeBufferPointer(rebasing: bytes[(index + 1)..<lineEnd])) {
                            return (false, 0)
                        }
                        lineEnd = index
                    }
                    index -= 1
                }
                return (true, lineEnd)
            }
            guard go else { return false }
            carry = Array(buffer[..<head])
            end = start
        }
        if !carry.isEmpty {
            return carry.withUnsafeBufferPointer { visit($0) }
        }
        return true
    }

    private func read(_ part: Part, at offset: Int, count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        var got = 0
        bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            while got < count {
                let result = pread(part.descriptor, base + got, count - got, off_t(offset + got))
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else { break }
                got += result
            }
        }
        if got < count { bytes.removeLast(count - got) }
        return bytes
    }
}
