import Foundation
import NIOCore
import RailyardSandbox
import NIOPosix
import Synchronization
import Testing

@testable import RailyardControl

/// Health probes against real sockets: a probe is not held up by the event loops everyone else
/// shares, and its time-out runs from its own start.
struct HealthCheckTests {
    /// A loopback HTTP server on a thread of its own (no event loop of ours): it answers
    /// `status` to every request, or with `answers` false accepts connections and says nothing.
    final class TinyServer: Sendable {
        let port: Int
        private let descriptor: Int32

        init(status: Int = 200, answers: Bool = true) throws {
            let listening = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var on: Int32 = 1
            setsockopt(listening, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listening, $0, length) }
            }
            guard bound == 0, listen(listening, 64) == 0 else {
                close(listening)
                throw TestFailure("cannot listen")
            }
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listening, $0, &length) }
            }
            descriptor = listening
            port = Int(UInt16(bigEndian: address.sin_port))
            guard answers else { return }
            Thread {
                while true {
                    let connection = accept(listening, nil, nil)
                    guard connection >= 0 else { return }
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    _ = read(connection, &buffer, buffer.count)
                    let reply = "HTTP/1.1 \(status) X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                    _ = reply.withCString { write(connection, $0, strlen($0)) }
                    close(connection)
                }
            }.start()
        }

        private let stopped = Atomic<Bool>(false)

        /// Closes the listener once, whoever calls (a test and its `defer` both do): a second
        /// close would close whatever descriptor the number was given to meanwhile, in this
        /// process of parallel tests another test's socket (it crashed NIO with EBADF once).
        func stop() {
            guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
            shutdown(descriptor, Int32(SHUT_RDWR))
            close(descriptor)
        }
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Set in the process of its own that the check below runs in.
    static let isolatedVariable = "RAILYARD_TEST_HOLD_SHARED_LOOPS"

    /// Runs in a process of its own (this test bundle again, with only this test): it holds
    /// every event loop the process shares, which in the suite's process would stall every test
    /// beside it (in full runs edge tests beside it got no answer for 5 s and failed).
    @Test func aProbeIsNotHeldUpByTheSharedEventLoops() async throws {
        if ProcessInfo.processInfo.environment[Self.isolatedVariable] == "1" {
            try await Self.probeWhileTheSharedLoopsAreHeld()
            return
        }
        let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var environment = ProcessInfo.processInfo.environment
        environment[Self.isolatedVariable] = "1"
        let run = try ProgramOutput.run(
            [bundle, "--testing-library", "swift-testing", "--filter", "HealthCheckTests/aProbeIsNotHeldUpByTheSharedEventLoops"],
            environment: environment, within: .seconds(180))
        #expect(run.status == 0, "the isolated check failed:\n\(run.combined.suffix(4000))")
        // It ran, and ran only this test: a filter that matched nothing would pass too.
        #expect(run.combined.contains("Test run with 1 test in 1 suite passed"), "\(run.combined.suffix(4000))")
    }

    static func probeWhileTheSharedLoopsAreHeld() async throws {
        let server = try TinyServer()
        defer { server.stop() }
        let check = HealthCheck(path: "/health", timeout: .seconds(1))
        #expect(await check.check(port: server.port) == nil)
        // The API, the edge and HTTPClient.shared run on these loops; a busy server keeps them
        // busy. Each loop is held until the probes are done: a probe that needed one would
        // wait, and with its 1 s time-out fail.
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        let held = Mutex(0)
        let heldToTheEnd = Mutex(0)
        let release = DispatchSemaphore(value: 0)
        for loop in loops {
            loop.execute {
                held.withLock { $0 += 1 }
                // Bounded, so that a test that fails never leaves the loops stuck; a probe that
                // needed a loop would come back only after this let go.
                if release.wait(timeout: .now() + 20) == .timedOut { heldToTheEnd.withLock { $0 += 1 } }
            }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while held.withLock({ $0 }) < loops.count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        try #require(held.withLock { $0 } == loops.count, "the shared loops were not all held")
        let httpProbe = await check.check(port: server.port)
        let portProbe = await HealthCheck(path: nil, timeout: .seconds(1)).check(port: server.port)
        let timedOut = heldToTheEnd.withLock { $0 }
        for _ in loops { release.signal() }
        #expect(httpProbe == nil, "the HTTP probe failed while the shared loops were busy: \(httpProbe ?? "")")
        #expect(portProbe == nil, "so did the port probe: \(portProbe ?? "")")
        #expect(timedOut == 0, "the probes waited for the shared loops")
    }

    @Test func aProbeTimesOutFromItsOwnStart() async throws {
        let silent = try TinyServer(answers: false)
        defer { silent.stop() }
        let started = ContinuousClock.now
        let failure = await HealthCheck(path: "/", timeout: .milliseconds(500)).check(port: silent.port)
        #expect(failure == "no answer within 0.5 seconds", "\(failure ?? "passed")")
        let took = ContinuousClock.now - started
        // The message shows the probe's own time-out ended it. The upper bound only rules out
        // waiting for ever: in the full parallel suite the concurrency pool this test resumes
        // on was once starved for 13 s by other tests' blocking waits.
        #expect(took >= .milliseconds(500) && took < .seconds(60), "\(took)")
    }

    @Test func aProbeSaysWhyItFailed() async throws {
        let failing = try TinyServer(status: 503)
        defer { failing.stop() }
        #expect(await HealthCheck(path: "ready").check(port: failing.port) == "HTTP 503 from /ready")
        failing.stop()
        // A refusal answers at once; the time-out is only a bound (1 s expired first once, in
        // CI's flood of parallel tests starting).
        let refused = await HealthCheck(path: nil, timeout: .seconds(30)).check(port: failing.port)
        #expect(refused?.hasPrefix("port \(failing.port):") == true, "\(refused ?? "passed")")
    }
}
