import Foundation
import Testing

/// `railyard server` flags that bound what the server takes on, through a live server.
extension DeployEndToEndTests {
    /// `--upload-limit 1` (MiB): an upload past it is refused with a message naming the flag,
    /// and nothing is deployed; one under it deploys.
    @Test func theUploadLimitFlagBoundsUploads() async throws {
        let world = try await World.make(serverArguments: ["--upload-limit", "1"])
        defer { world.stop() }
        try await world.service("web")
        // Random bytes do not compress: the archive stays past 1 MiB.
        var noise = [UInt8](repeating: 0, count: 3 << 19)
        for index in noise.indices { noise[index] = UInt8.random(in: 0...255) }
        let big = try Self.app(["main.py": Self.pythonServer("big")])
        try Data(noise).write(to: big.appendingPathComponent("noise.bin"))
        let refused = try await world.up(big, service: "web")
        #expect(refused.status != 0)
        #expect(refused.log.contains("--upload-limit"), "\(refused.log)")
        #expect(try await world.deployments("web").isEmpty, "nothing was deployed")
        let small = try await world.up(try Self.app(["main.py": Self.pythonServer("small")]), service: "web")
        #expect(small.status == 0, "\(small.log)")
    }

    /// `--concurrent-builds 1`: two services deployed at once are built one after the other.
    /// Each build prints when it starts and ends (by the host's clock, in seconds); with one
    /// slot the two spans do not overlap.
    @Test func theConcurrentBuildsFlagBoundsBuildsAtOnce() async throws {
        let world = try await World.make(serverArguments: ["--concurrent-builds", "1"])
        defer { world.stop() }
        let build = #"{"build": {"buildCommand": "echo build-start $(date +%s.%N); sleep 3; echo build-end $(date +%s.%N)"}}"#
        for name in ["one", "two"] { try await world.service(name) }
        async let first = world.up(try Self.app(["main.py": Self.pythonServer("one"), "railway.json": build]), service: "one")
        async let second = world.up(try Self.app(["main.py": Self.pythonServer("two"), "railway.json": build]), service: "two")
        let (one, two) = try await (first, second)
        #expect(one.status == 0, "\(one.log)")
        #expect(two.status == 0, "\(two.log)")
        var spans: [(Double, Double)] = []
        for name in ["one", "two"] {
            let log = try await world.cli.exec(["logs", "--service", name, "--build"])
            func time(_ marker: String) -> Double? {
                log.stdout.split(separator: "\n").lazy.compactMap { line -> Double? in
                    guard let range = line.range(of: marker + " ") else { return nil }
                    return Double(line[range.upperBound...].prefix { $0 == "." || $0.isNumber })
                }.first
            }
            let start = try #require(time("build-start"), "\(log.stdout)")
            let end = try #require(time("build-end"), "\(log.stdout)")
            spans.append((start, end))
        }
        let (a, b) = (spans[0], spans[1])
        #expect(a.1 <= b.0 || b.1 <= a.0, "the builds overlapped: \(spans)")
    }
}
