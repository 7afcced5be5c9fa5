import Foundation
import Testing
@testable import RailyardBuild
@testable import RailyardSandbox

/// Dependency layers and download caches (issue 15, item 7), in the real sandbox as root: an
/// install runs once per set of dependency files, its folder is shared with later artifacts
/// as hard links no build or app can change, and downloads stay between builds of a service.
struct DependencyLayerTests {
    typealias Lines = BuildExecutorTests.Lines

    /// A build whose install copies `deps.txt` into `deps/` and counts itself in the download
    /// cache (so a skipped install shows), and whose build step records the code it saw.
    static func plan() -> BuildPlan {
        var plan = BuildPlan(provider: "shell", start: "sh start.sh")
        plan.install = [
            "mkdir -p deps/lib && cp deps.txt deps/lib/ && echo installed >> /run/railyard/cache/installs && head -c 16 /dev/urandom | od -An -tx1 > deps/stamp",
        ]
        plan.build = ["cat code.txt > built.txt", "ls deps/lib > deps-seen.txt"]
        plan.path = ["/srv/app/deps/bin"]
        plan.dependencies = DependencyLayer(folder: "deps", inputs: ["deps.txt"])
        return plan
    }

    struct Service {
        let base: URL
        let cache: BuildCache
        let data: URL
        var count = 0

        init() throws {
            base = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-layers-\(UUID().uuidString)")
            data = base.appendingPathComponent("data")
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            cache = BuildCache(layers: data.appendingPathComponent("layers/svc/env"), downloads: data.appendingPathComponent("caches/svc/env"))
        }

        /// Builds `files` into a new artifact and returns it with the build's lines.
        mutating func build(_ files: [String: String], plan: BuildPlan = DependencyLayerTests.plan()) async throws -> (artifact: URL, lines: [String]) {
            count += 1
            let source = base.appendingPathComponent("source-\(count)")
            for (path, text) in files {
                let url = source.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url)
            }
            let artifact = data.appendingPathComponent("artifacts/\(count)")
            let lines = Lines()
            defer { if lines.all.contains(where: { $0.hasPrefix("stderr") }) { print(lines.all.joined(separator: "\n")) } }
            try await BuildExecutor(hiddenPaths: [data.path]).build(
                source: source, plan: plan, artifact: artifact, variables: [:], user: SandboxUser(uid: 43_211, gid: 43_211), cache: cache,
                onLine: lines.add)
            return (artifact, lines.all)
        }

        var installs: Int {
            ((try? String(contentsOf: cache.downloads.appendingPathComponent("installs"), encoding: .utf8)) ?? "")
                .split(separator: "\n").count
        }
    }

    static func inode(_ url: URL) throws -> UInt64 {
        try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? UInt64)
    }

    @Test func aCodeChangeReusesTheLayerAndADependencyChangeMakesANewOne() async throws {
        var service = try Service()
        let first = try await service.build(["deps.txt": "flask==3\n", "code.txt": "v1"])
        #expect(service.installs == 1)
        let second = try await service.build(["deps.txt": "flask==3\n", "code.txt": "v2"])
        #expect(service.installs == 1, "a code change skips the install: \(second.lines)")
        #expect(second.lines.contains { $0.contains("install skipped") }, "\(second.lines)")
        #expect(try String(contentsOf: second.artifact.appendingPathComponent("built.txt"), encoding: .utf8) == "v2")
        #expect(try String(contentsOf: second.artifact.appendingPathComponent("deps-seen.txt"), encoding: .utf8) == "deps.txt\n",
                "the build step saw the reused layer")
        // The same files, not copies: hard links to the layer's.
        let stamp = "deps/stamp"
        #expect(try Self.inode(first.artifact.appendingPathComponent(stamp)) == Self.inode(second.artifact.appendingPathComponent(stamp)))
        #expect(try String(contentsOf: second.artifact.appendingPathComponent("deps/lib/deps.txt"), encoding: .utf8) == "flask==3\n")

        let third = try await service.build(["deps.txt": "flask==3\ngunicorn\n", "code.txt": "v3"])
        #expect(service.installs == 2, "changed dependencies install again: \(third.lines)")
        #expect(try String(contentsOf: third.artifact.appendingPathComponent("deps/lib/deps.txt"), encoding: .utf8) == "flask==3\ngunicorn\n")
        #expect(try Self.inode(third.artifact.appendingPathComponent(stamp)) != Self.inode(first.artifact.appendingPathComponent(stamp)))
        // Back to the first lock file: its layer was kept beside the new one.
        _ = try await service.build(["deps.txt": "flask==3\n", "code.txt": "v4"])
        #expect(service.installs == 2)
    }

    @Test func noBuildStepCanChangeAFileTheLayerShares() async throws {
        var service = try Service()
        _ = try await service.build(["deps.txt": "a\n", "code.txt": "v1"])
        var tampering = Self.plan()
        tampering.build = ["echo evil > deps/lib/deps.txt || true", "chmod u+w deps/lib/deps.txt 2>/dev/null; echo evil >> deps/lib/deps.txt || true",
                           "echo new > deps/lib/added.txt"]
        let tampered = try await service.build(["deps.txt": "a\n", "code.txt": "v2"], plan: tampering)
        #expect(try String(contentsOf: tampered.artifact.appendingPathComponent("deps/lib/deps.txt"), encoding: .utf8) == "a\n")
        // New files beside them are the artifact's own, not the layer's.
        let next = try await service.build(["deps.txt": "a\n", "code.txt": "v3"])
        #expect(try String(contentsOf: next.artifact.appendingPathComponent("deps/lib/deps.txt"), encoding: .utf8) == "a\n")
        #expect(!FileManager.default.fileExists(atPath: next.artifact.appendingPathComponent("deps/lib/added.txt").path))
        #expect(service.installs == 1)
    }

    @Test func aLayerFolderThatCameWithTheSourceIsLeftOutNotFollowed() async throws {
        var service = try Service()
        let outside = service.base.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: outside.appendingPathComponent("precious"))
        // The upload holds its own `deps`: a link to a folder of the host's.
        var files = ["deps.txt": "a\n", "code.txt": "v1"]
        files["placeholder"] = ""
        let source = service.base.appendingPathComponent("source-\(service.count + 1)")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: source.appendingPathComponent("deps").path, withDestinationPath: outside.path)
        let built = try await service.build(files)
        #expect(try String(contentsOf: outside.appendingPathComponent("precious"), encoding: .utf8) == "keep")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path) == ["precious"])
        #expect(built.lines.contains { $0.contains("deps came with the source: left out") }, "\(built.lines)")
        #expect(try String(contentsOf: built.artifact.appendingPathComponent("deps/lib/deps.txt"), encoding: .utf8) == "a\n")
    }

    @Test func downloadCachesStayBetweenBuildsOfTheServiceAndAreItsUsersAlone() async throws {
        var service = try Service()
        var plan = Self.plan()
        plan.dependencies = nil
        plan.build = []
        plan.install = ["echo \"$PIP_CACHE_DIR $npm_config_cache\" > caches.txt; date +%s%N >> /run/railyard/cache/pip-downloads"]
        _ = try await service.build(["deps.txt": "", "code.txt": ""], plan: plan)
        let second = try await service.build(["deps.txt": "", "code.txt": ""], plan: plan)
        #expect(try String(contentsOf: second.artifact.appendingPathComponent("caches.txt"), encoding: .utf8) == "/run/railyard/cache/pip /run/railyard/cache/npm\n")
        let downloads = try String(contentsOf: service.cache.downloads.appendingPathComponent("pip-downloads"), encoding: .utf8)
        #expect(downloads.split(separator: "\n").count == 2, "the second build saw the first one's cache")
        let attributes = try FileManager.default.attributesOfItem(atPath: service.cache.downloads.path)
        #expect(attributes[.ownerAccountID] as? Int == 43_211)
        #expect((attributes[.posixPermissions] as? Int ?? 0) & 0o077 == 0)
    }
}
