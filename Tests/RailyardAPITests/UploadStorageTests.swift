import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOPosix
import Testing
@testable import RailyardAPI
@testable import RailyardControl
@testable import RailyardCore
@testable import RailyardStore

/// Issue 13, item 6: uploads that fail leave nothing behind, and stored sources and artifacts
/// are held to per-service and per-workspace limits. Real files in a real data folder, the
/// real application, on a real socket where the client's behaviour matters.
struct UploadStorageTests {
    /// The API with a data folder (sources, artifacts) and storage limits; no pipeline runs,
    /// so uploads stay queued.
    struct Stored {
        let harness: APIHarness
        let data: URL
        var sources: URL { data.appendingPathComponent("sources") }
        var artifacts: URL { data.appendingPathComponent("artifacts") }

        static func make(limits: StorageLimits = StorageLimits(), uploadLimit: Int = 1 << 20) async throws -> Stored {
            let base = try await APIHarness.make()
            let data = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-storage-\(UUID().uuidString)")
            for folder in ["sources", "artifacts"] {
                try FileManager.default.createDirectory(at: data.appendingPathComponent(folder), withIntermediateDirectories: true)
            }
            var dependencies = base.dependencies
            dependencies.sourcesFolder = data.appendingPathComponent("sources")
            dependencies.artifactsFolder = data.appendingPathComponent("artifacts")
            dependencies.uploadLimit = uploadLimit
            dependencies.storage = StorageGuard(
                store: base.store, sources: data.appendingPathComponent("sources"), artifacts: data.appendingPathComponent("artifacts"),
                limits: limits, kept: 5, logger: APIHarness.logger)
            return Stored(harness: APIHarness(store: base.store, dependencies: dependencies), data: data)
        }

        func sourceFiles() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: sources.path).sorted()
        }

        func deployments(of service: String) async throws -> [Deployment] {
            try await harness.store.deployments(of: ServiceID(rawValue: service), in: nil, page: PageRequest(limit: 100)).items
        }
    }

    /// `count` bytes that start like gzip data (the server checks only the head).
    static func gzipLike(_ count: Int) -> [UInt8] {
        [0x1f, 0x8b] + (0..<max(0, count - 2)).map { _ in UInt8.random(in: 0...255) }
    }

    static func uploadPath(_ f: Fixture, service: String? = nil) -> String {
        "/api/v1/services/\(service ?? f.service)/uploads?environmentId=\(f.environment)"
    }

    /// Waits until `condition` holds (files are removed as the server notices the end).
    static func eventually(_ what: String, within seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation,
                           _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting for \(what)", sourceLocation: sourceLocation)
    }

    // MARK: Failed uploads leave nothing

    /// A streamed (chunked) upload past the upload limit is cut off with 413 and its partial
    /// file is deleted.
    @Test func anUploadPastTheUploadLimitLeavesNoFile() async throws {
        let stored = try await Stored.make(uploadLimit: 256 << 10)
        try await stored.harness.application().test(.live) { client in
            let port = try #require(client.port)
            let f = try await Fixture.make(API(client: client))
            let reply = try await RawHTTP.post(
                port: port, path: Self.uploadPath(f), token: f.member, chunks: Array(repeating: Self.gzipLike(64 << 10), count: 8))
            #expect(reply.status == 413, "\(reply.text)")
            #expect(reply.text.contains("payload_too_large") && reply.text.contains("--upload-limit"), "\(reply.text)")
            try await Self.eventually("the partial upload to be deleted") { try stored.sourceFiles().isEmpty }
            #expect(try await stored.deployments(of: f.service).isEmpty)
        }
    }

    /// A client that goes away mid-upload (declared length, or chunked) leaves no file and no
    /// deployment: a truncated body is never taken for a whole one.
    @Test(arguments: [true, false])
    func aClientThatDisconnectsMidUploadLeavesNoFile(declaresLength: Bool) async throws {
        let stored = try await Stored.make()
        try await stored.harness.application().test(.live) { client in
            let port = try #require(client.port)
            let f = try await Fixture.make(API(client: client))
            try await RawHTTP.abandon(
                port: port, path: Self.uploadPath(f), token: f.member, declaredLength: declaresLength ? 900 << 10 : nil,
                sent: Self.gzipLike(200 << 10)
            ) {
                // Hang up only once the server is writing the upload to disk.
                try await Self.eventually("the upload to reach the disk") {
                    try stored.sourceFiles().contains { $0.hasSuffix(".partial") }
                }
            }
            try await Self.eventually("the abandoned upload to be deleted") { try stored.sourceFiles().isEmpty }
            // Nothing arrives later either.
            try await Task.sleep(for: .milliseconds(300))
            #expect(try stored.sourceFiles().isEmpty)
            #expect(try await stored.deployments(of: f.service).isEmpty)
        }
    }

    /// An upload whose service is deleted while it arrives cannot be recorded: the file it
    /// wrote is deleted with it, not left behind unnamed.
    @Test func anUploadThatCannotBeRecordedLeavesNoFile() async throws {
        let stored = try await Stored.make()
        try await stored.harness.application().test(.live) { client in
            let port = try #require(client.port)
            let api = API(client: client)
            let f = try await Fixture.make(api)
            let body = Self.gzipLike(300 << 10)
            let channel = try await RawHTTP.connect(port: port)
            let reply = try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(RawHTTP.head(port: port, path: Self.uploadPath(f), token: f.member, length: body.count))
                try await outbound.write(ByteBuffer(bytes: body.prefix(100 << 10)))
                try await Self.eventually("the upload to reach the disk") {
                    try stored.sourceFiles().contains { $0.hasSuffix(".partial") }
                }
                try await api.expect(204, .delete, "/api/v1/services/\(f.service)", token: f.admin)
                try await outbound.write(ByteBuffer(bytes: body.dropFirst(100 << 10)))
                var response = ByteBuffer()
                for try await var piece in inbound { response.writeBuffer(&piece) }
                return String(buffer: response)
            }
            #expect(!reply.hasPrefix("HTTP/1.1 201"), "\(reply)")
            try await Self.eventually("the unrecorded upload to be deleted") { try stored.sourceFiles().isEmpty }
        }
    }

    // MARK: Storage limits

    /// Past the per-service limit (archives and artifacts measured on disk) an upload is
    /// refused with 413 `quota_exceeded` naming the limit, what is used and what to do, whether
    /// it declares its length or not, and nothing of it is stored.
    @Test func anUploadOverTheServiceLimitIsRefusedAndNothingStored() async throws {
        let stored = try await Stored.make(limits: StorageLimits(perService: 512 << 10, perWorkspace: 100 << 20))
        try await stored.harness.application().test(.live) { client in
            let port = try #require(client.port)
            let api = API(client: client)
            let f = try await Fixture.make(api)
            // An artifact of 300 KiB already belongs to the service.
            let artifact = stored.artifacts.appendingPathComponent(f.service).appendingPathComponent(DeploymentID.generate().rawValue)
            try FileManager.default.createDirectory(at: artifact, withIntermediateDirectories: true)
            try Data(Self.gzipLike(300 << 10)).write(to: artifact.appendingPathComponent("app.bin"))

            let first = try await RawHTTP.post(port: port, path: Self.uploadPath(f), token: f.member, body: Self.gzipLike(100 << 10))
            #expect(first.status == 201, "\(first.text)")
            let kept = try stored.sourceFiles()
            #expect(kept.count == 1)

            for declared in [true, false] {
                let body = Self.gzipLike(200 << 10)
                let reply = declared
                    ? try await RawHTTP.post(port: port, path: Self.uploadPath(f), token: f.member, body: body)
                    : try await RawHTTP.post(port: port, path: Self.uploadPath(f), token: f.member, chunks: [body])
                #expect(reply.status == 413, "\(reply.text)")
                let error = try #require(reply.json?["error"] as? [String: Any], "\(reply.text)")
                #expect(error["code"] as? String == "quota_exceeded")
                let message = error["message"] as? String ?? ""
                #expect(message.contains("512 KiB") && message.contains("per service"), "\(message)")
                #expect(message.contains("--service-storage-limit") && message.contains("are stored"), "\(message)")
                try await Self.eventually("the refused upload to be deleted") { try stored.sourceFiles() == kept }
            }
            #expect(try await stored.deployments(of: f.service).count == 1)
        }
    }

    /// The per-workspace limit counts every service of the workspace: an upload to another
    /// service that would pass it is refused, naming the workspace limit; another workspace is
    /// not affected.
    @Test func anUploadOverTheWorkspaceLimitIsRefusedAndNothingStored() async throws {
        let stored = try await Stored.make(limits: StorageLimits(perService: 100 << 20, perWorkspace: 384 << 10))
        try await stored.harness.application().test(.live) { client in
            let port = try #require(client.port)
            let api = API(client: client)
            let f = try await Fixture.make(api)
            let other = try #require(
                try await api.expect(201, .post, "/api/v1/projects/\(f.project)/services", token: f.admin, json: ["name": "worker"])
                    .json["id"] as? String)
            let first = try await RawHTTP.post(port: port, path: Self.uploadPath(f), token: f.member, body: Self.gzipLike(250 << 10))
            #expect(first.status == 201, "\(first.text)")
            let kept = try stored.sourceFiles()

            let reply = try await RawHTTP.post(
                port: port, path: Self.uploadPath(f, service: other), token: f.member, body: Self.gzipLike(200 << 10))
            #expect(reply.status == 413, "\(reply.text)")
            let error = try #require(reply.json?["error"] as? [String: Any], "\(reply.text)")
            #expect(error["code"] as? String == "quota_exceeded")
            let message = error["message"] as? String ?? ""
            #expect(message.contains("384 KiB") && message.contains("per workspace"), "\(message)")
            #expect(message.contains("--workspace-storage-limit"), "\(message)")
            try await Self.eventually("the refused upload to be deleted") { try stored.sourceFiles() == kept }
            #expect(try await stored.deployments(of: other).isEmpty)

            // Redeploys are held to the limit too once it is reached.
            let full = try await RawHTTP.post(
                port: port, path: Self.uploadPath(f, service: other), token: f.member, body: Self.gzipLike(130 << 10))
            #expect(full.status == 201, "\(full.text)")
            let redeploy = try await api.call(
                .post, "/api/v1/services/\(other)/deployments", token: f.member,
                json: ["environmentId": f.environment, "redeploy": true])
            #expect(redeploy.status == 413 && redeploy.errorCode == "quota_exceeded", "\(String(buffer: redeploy.body))")
        }
    }

    // MARK: Pure decisions

    @Test func storagePolicyDecisions() throws {
        let limits = StorageLimits(perService: 100, perWorkspace: 250)
        #expect(StoragePolicy.problem(adding: 50, used: .init(service: 50, workspace: 50), limits: limits) == nil)
        #expect(StoragePolicy.problem(adding: 51, used: .init(service: 50, workspace: 50), limits: limits)?.kind == .quotaExceeded)
        #expect(StoragePolicy.problem(adding: 0, used: .init(service: 100, workspace: 100), limits: limits) != nil)
        #expect(StoragePolicy.problem(adding: 10, used: .init(service: 10, workspace: 245), limits: limits)?.message
            .contains("per workspace") == true)
        #expect(StoragePolicy.room(used: .init(service: 10, workspace: 245), limits: limits) == .init(bytes: 5, limit: .workspace))
        #expect(StoragePolicy.size(2 << 30) == "2 GiB")
        #expect(StoragePolicy.size(1536 << 20) == "1.5 GiB")

        let service = ServiceID.generate()
        func file(_ id: String, _ status: DeploymentStatus, archive: String?, artifact: String? = nil) -> Store.StoredFiles {
            .init(deployment: DeploymentID(rawValue: id), service: service, status: status, archive: archive, artifact: artifact)
        }
        // Newest first: a queued one keeps its archive, a redeploy shares one, failed ones go.
        let files = [
            file("d5", .queued, archive: "d5.tar.gz"), file("d4", .failed, archive: "d4.tar.gz"),
            file("d3", .success, archive: "d2.tar.gz"), file("d2", .removed, archive: "d2.tar.gz"),
            file("d1", .failed, archive: "d1.tar.gz"), file("d0", .building, archive: "d0.tar.gz"),
        ]
        #expect(StoragePolicy.archivesToDelete(files, kept: 2) == ["d1.tar.gz", "d2.tar.gz"])
        #expect(StoragePolicy.archivesToDelete(files, kept: 3) == ["d1.tar.gz"])
        let artifacts = [
            file("a4", .failed, archive: nil), file("a3", .success, archive: nil, artifact: "\(service.rawValue)/a1"),
            file("a2", .skipped, archive: nil), file("a1", .failed, archive: nil, artifact: "\(service.rawValue)/a1"),
            file("a0", .removed, archive: nil),
        ]
        #expect(StoragePolicy.artifactsToDelete(
            service: service, folders: ["a0", "a1", "a2", "a3", "a4", "zz-gone"], files: artifacts, kept: 2) == ["a2"])
        #expect(StoragePolicy.artifactsToDelete(
            service: service, folders: ["a0", "a1", "a2", "a3", "a4", "0-gone"], files: artifacts, kept: 1) == ["a2", "0-gone"])
        #expect(StoragePolicy.strayFiles(
            inSources: ["x.tar.gz.partial", "d5.tar.gz", "d9.tar.gz", "d0.tar.gz", "notes.txt", "q.tar.gz"],
            files: files + [file("q", .queued, archive: nil)]) == ["d9.tar.gz", "x.tar.gz.partial"])
    }
}

/// HTTP/1.1 written by hand on a fresh connection, for what a typed client will not do:
/// chunked bodies, and hanging up half-way.
enum RawHTTP {
    struct Reply: Sendable {
        let status: Int
        let text: String
        var json: [String: Any]? {
            guard let body = text.components(separatedBy: "\r\n\r\n").dropFirst().first else { return nil }
            // A chunked answer: the JSON is the line that starts with `{`.
            let line = body.components(separatedBy: "\r\n").first { $0.hasPrefix("{") } ?? body
            return try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }
    }

    static func connect(port: Int) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    static func head(port: Int, path: String, token: String, length: Int?) -> ByteBuffer {
        ByteBuffer(string: "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Type: application/gzip\r\n"
            + (length.map { "Content-Length: \($0)\r\n" } ?? "Transfer-Encoding: chunked\r\n")
            + "Connection: close\r\n\r\n")
    }

    static func chunk(_ bytes: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer(string: String(bytes.count, radix: 16) + "\r\n")
        buffer.writeBytes(bytes)
        buffer.writeString("\r\n")
        return buffer
    }

    /// Sends `body` with its length; the server may answer (and close) before it is all sent.
    static func post(port: Int, path: String, token: String, body: [UInt8]) async throws -> Reply {
        try await exchange(port: port, [head(port: port, path: path, token: token, length: body.count), ByteBuffer(bytes: body)])
    }

    /// Sends `chunks` chunked, then the last chunk.
    static func post(port: Int, path: String, token: String, chunks: [[UInt8]]) async throws -> Reply {
        try await exchange(
            port: port, [head(port: port, path: path, token: token, length: nil)] + chunks.map(chunk) + [ByteBuffer(string: "0\r\n\r\n")])
    }

    static func exchange(port: Int, _ parts: [ByteBuffer]) async throws -> Reply {
        let channel = try await connect(port: port)
        let text = try await channel.executeThenClose { inbound, outbound in
            // Writes fail once the server has answered and closed: the answer is what counts.
            for part in parts {
                do { try await outbound.write(part) } catch { break }
            }
            var response = ByteBuffer()
            do {
                for try await var piece in inbound { response.writeBuffer(&piece) }
            } catch {}
            return String(buffer: response)
        }
        let words = (text.components(separatedBy: "\r\n").first ?? "").split(separator: " ")
        return Reply(status: words.count > 1 ? Int(words[1]) ?? 0 : 0, text: text)
    }

    /// Starts an upload (declaring `declaredLength`, else chunked), sends `sent`, runs `before`
    /// and hangs up without finishing the body.
    static func abandon(
        port: Int, path: String, token: String, declaredLength: Int?, sent: [UInt8], before: () async throws -> Void
    ) async throws {
        let channel = try await connect(port: port)
        try await channel.executeThenClose { _, outbound in
            try await outbound.write(head(port: port, path: path, token: token, length: declaredLength))
            try await outbound.write(declaredLength == nil ? chunk(sent) : ByteBuffer(bytes: sent))
            try await before()
        }
    }
}

/// The git commit an upload names (`commitSha`, `commitMessage`: the app's RAILWAY_GIT_*) is a
/// tenant's input: anything but a commit id, an oversized or NUL-holding message, is refused
/// before a byte is stored; a good one is recorded on the deployment.
extension UploadStorageTests {
    @Test func anUploadsCommitIsCheckedAndRecorded() async throws {
        let stored = try await Stored.make()
        try await stored.harness.application().test(.live) { client in
            let port = try #require(client.port)
            let f = try await Fixture.make(API(client: client))
            let bad: [(query: String, status: Int, field: String)] = [
                ("commitSha=zz", 422, "commitSha"),
                ("commitSha=" + String(repeating: "a", count: 39), 422, "commitSha"),
                ("commitSha=" + String(repeating: "A", count: 40), 422, "commitSha"),
                ("commitSha=" + String(repeating: "a", count: 40) + "%0A", 422, "commitSha"),
                ("commitSha=..%2F..%2Fetc", 422, "commitSha"),
                ("commitMessage=" + String(repeating: "m", count: 1001), 422, "commitMessage"),
                ("commitMessage=a%00b", 400, "commitMessage"),
            ]
            for (query, status, field) in bad {
                let reply = try await RawHTTP.post(
                    port: port, path: Self.uploadPath(f) + "&" + query, token: f.member, chunks: [Self.gzipLike(1024)])
                #expect(reply.status == status, "\(query.prefix(60)): \(reply.text)")
                #expect(reply.text.contains("\"field\":\"\(field)\""), "\(reply.text)")
            }
            #expect(try stored.sourceFiles().isEmpty, "nothing refused was stored")
            #expect(try await stored.deployments(of: f.service).isEmpty)

            let sha = String(repeating: "0123456789abcdef", count: 4).prefix(40)
            let reply = try await RawHTTP.post(
                port: port, path: Self.uploadPath(f) + "&commitSha=\(sha)&commitMessage=Fix%20the%20login", token: f.member,
                chunks: [Self.gzipLike(1024)])
            #expect(reply.status == 201, "\(reply.text)")
            let deployment = try #require(try await stored.deployments(of: f.service).first)
            #expect(deployment.commitSHA == String(sha))
            #expect(deployment.commitMessage == "Fix the login")
        }
    }
}
