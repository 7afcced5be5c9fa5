import CompressNIO
import Foundation
import NIOCore

/// The decompressed bytes of a gzip stream, produced a window at a time as they are asked
/// for: memory stays at the window's size (plus what a caller takes whole), and production
/// stops with an error past `maximumBytes`, so a gzip bomb costs neither memory nor more than
/// that much work.
final class GzipStream {
    private let decompressor: ZlibDecompressor
    private let nextChunk: () throws -> ArraySlice<UInt8>?
    private let maximumBytes: Int
    private var input: ByteBuffer
    private var output: ByteBuffer
    private var inputEnded = false
    private var ended = false
    private(set) var producedBytes = 0

    static let windowBytes = 256 << 10

    init(maximumBytes: Int, nextChunk: @escaping () throws -> ArraySlice<UInt8>?) throws {
        do {
            decompressor = try ZlibDecompressor(algorithm: .gzip)
        } catch {
            throw ArchiveError("cannot start decompressing the upload")
        }
        self.nextChunk = nextChunk
        self.maximumBytes = maximumBytes
        // Never empty of capacity: zlib is handed the buffers' base addresses.
        input = ByteBufferAllocator().buffer(capacity: 64 << 10)
        output = ByteBufferAllocator().buffer(capacity: Self.windowBytes)
    }

    /// Makes decompressed bytes available; false at the end of the stream.
    private func refill() throws -> Bool {
        var idle = 0
        while output.readableBytes == 0 {
            if ended { return false }
            if input.readableBytes == 0 && !inputEnded {
                if let chunk = try nextChunk() {
                    input.discardReadBytes()
                    input.writeBytes(chunk)
                } else {
                    inputEnded = true
                }
            }
            output.clear()
            let before = input.readableBytes
            do {
                try decompressor.inflate(from: &input, to: &output)
            } catch let error as CompressNIOError where error == .bufferOverflow || error == .inputBufferOverflow {
                // The window is full, or the input is used up: either way, go on.
            } catch {
                throw ArchiveError("the upload is not a gzip-compressed tar archive")
            }
            producedBytes += output.readableBytes
            if producedBytes > maximumBytes { throw ArchiveError("the upload unpacks to more than \(maximumBytes) bytes") }
            if output.readableBytes == 0 && input.readableBytes == before {
                // No progress: the stream ended, or the input did.
                idle += 1
                if inputEnded || idle > 2 {
                    ended = true
                    return false
                }
            } else {
                idle = 0
            }
        }
        return true
    }

    /// Exactly `count` bytes, or nil when the stream ends first (nil at once for a stream
    /// that ended cleanly before any of them).
    func readExactly(_ count: Int) throws -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            guard try refill() else { return nil }
            let take = min(count - bytes.count, output.readableBytes)
            if let piece = output.readBytes(length: take) { bytes += piece }
        }
        return bytes
    }

    /// Skips `count` bytes; false when the stream ends first.
    func skip(_ count: Int) throws -> Bool {
        var left = count
        while left > 0 {
            guard try refill() else { return false }
            let take = min(left, output.readableBytes)
            output.moveReaderIndex(forwardBy: take)
            left -= take
        }
        return true
    }

    /// Writes the next `count` bytes to `descriptor`, calling `check` every `every` bytes (it
    /// throws to stop); false when the stream ends first.
    func copy(_ count: Int, to descriptor: Int32, every: Int, check: () throws -> Void) throws -> Bool {
        var left = count
        var sinceCheck = 0
        while left > 0 {
            guard try refill() else { return false }
            let take = min(left, output.readableBytes)
            try output.withUnsafeReadableBytes { bytes in
                var written = 0
                while written < take {
                    let result = write(descriptor, bytes.baseAddress! + written, take - written)
                    if result < 0 && errno == EINTR { continue }
                    guard result > 0 else { throw ArchiveError("cannot write the upload's files: \(String(cString: strerror(errno)))") }
                    written += result
                }
            }
            output.moveReaderIndex(forwardBy: take)
            left -= take
            sinceCheck += take
            if sinceCheck >= every {
                sinceCheck = 0
                try check()
            }
        }
        return true
    }
}
