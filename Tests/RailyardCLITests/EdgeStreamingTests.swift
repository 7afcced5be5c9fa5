import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import Testing

/// A gigabyte each way through the edge, run as its own process (`railyard edge-proxy`, the
/// proxy `railyard server` runs) so that its memory is measured alone.
struct EdgeStreamingTests {
    /// Starts `arguments` and returns it once a line of its output (stdout or stderr) yields a
    /// port through `port`.
    static func start(_ executable: String, _ arguments: [String], port: @escaping (String) -> Int?) throws -> (Process, Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            for line in text.split(separator: "\n") {
                if let found = port(String(line)) { return (process, found) }
            }
        }
        process.terminate()
        throw ProcessProblem("\(executable) did not say its port: \(text)")
    }

    static func memory(of pid: Int32, _ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
    }

    @Test func aGigabyteEachWayStreamsInAFewMegabytes() async throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/upstreams/stream.py").path
        let (upstream, upstreamPort) = try Self.start("/usr/bin/env", ["python3", script]) { Int($0) }
        defer { upstream.terminate() }
        let (edge, edgePort) = try Self.start(
            try RailyardBinary.path(),
            ["edge-proxy", "--listen", "127.0.0.1:0", "--route", "big.localhost=127.0.0.1:\(upstreamPort)"]
        ) { line in
            line.range(of: "listening on port ").flatMap { Int(line[$0.upperBound...]) }
        }
        defer { edge.terminate() }
        // Its own event loop: two gigabytes through the shared ones would stall every other
        // test running beside this one.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let client = HTTPClient(eventLoopGroupProvider: .shared(group))
        defer {
            Task {
                try? await client.shutdown()
                try? await group.shutdownGracefully()
            }
        }

        func request(_ path: String) -> HTTPClientRequest {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(edgePort)\(path)")
            request.headers.replaceOrAdd(name: "Host", value: "big.localhost")
            return request
        }
        // Warmed up (first connections, pools, buffers) before the baseline is taken.
        let warm = try await client.execute(request("/big?bytes=4194304"), timeout: .seconds(30))
        for try await _ in warm.body {}
        let before = Self.memory(of: edge.processIdentifier, "VmRSS")
        let size = 1 << 30

        // Download: counted as it arrives, never held.
        let response = try await client.execute(request("/big?bytes=\(size)"), timeout: .seconds(300))
        var downloaded = 0
        for try await part in response.body { downloaded += part.readableBytes }
        #expect(downloaded == size)

        // Upload: a streamed body of the same size, counted by the instance.
        var upload = request("/count")
        upload.method = .POST
        let piece = ByteBuffer(repeating: 0x62, count: 1 << 20)
        upload.body = .stream(AsyncStream<ByteBuffer> { continuation in
            for _ in 0..<(size >> 20) { continuation.yield(piece) }
            continuation.finish()
        }, length: .known(Int64(size)))
        let counted = try await client.execute(upload, timeout: .seconds(300))
        #expect(String(buffer: try await counted.body.collect(upTo: 1024)) == String(size))

        // The high-water mark, so that a peak in the middle counts too.
        let peak = Self.memory(of: edge.processIdentifier, "VmHWM")
        let growth = peak - before
        print("edge RSS \(before >> 10) KiB before, peak \(peak >> 10) KiB moving 2 × 1 GiB")
        #expect(before > 0 && peak > 0)
        #expect(growth < 8 << 20, "the edge grew by \(growth >> 10) KiB moving 2 × 1 GiB")
    }
}
