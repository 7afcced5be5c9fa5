import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RailyardControl
import RailyardCore
import RailyardStore

extension DeployController {
    /// A gzip tarball of the source (what `railyard up` sends) becomes a QUEUED deployment.
    /// The body is streamed to `DATA/sources/ID.tar.gz.partial`, within the upload limit and
    /// the storage limits, and becomes `ID.tar.gz` only once whole and recorded; whatever
    /// ends it early (a limit, the client leaving, the disk, a bad head, the store,
    /// cancellation) deletes what was written.
    @Sendable func upload(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (service, environment, caller, _) = try await serviceState.accessInEnvironment(request, context, .deploy)
        if let engine = service.database {
            throw RailyardError.conflict(
                "\(service.name) is a database service: it runs the host's \(engine.displayName) and takes no code; deploy your app to another service")
        }
        let message = request.uri.queryParameters.get("message").map { String($0) }
        if let message, message.utf8.count > 1000 {
            throw RailyardError.invalid("message must be at most 1000 bytes", field: "message")
        }
        // As in JSON bodies: PostgreSQL text cannot hold NUL, and no message needs one.
        if let message, message.utf8.contains(0) {
            throw RailyardError.badRequest("message must not contain NUL characters", field: "message")
        }
        // What the CLI knows of the folder's git commit (the app sees RAILWAY_GIT_*).
        let commitSHA = request.uri.queryParameters.get("commitSha").map { String($0) }
        if let commitSHA, !Self.isCommitID(commitSHA) {
            throw RailyardError.invalid("commitSha must be a git commit id: 40 or 64 lowercase hex digits", field: "commitSha")
        }
        let commitMessage = request.uri.queryParameters.get("commitMessage").map { String($0) }
        if let commitMessage, commitMessage.utf8.count > 1000 {
            throw RailyardError.invalid("commitMessage must be at most 1000 bytes", field: "commitMessage")
        }
        if let commitMessage, commitMessage.utf8.contains(0) {
            throw RailyardError.badRequest("commitMessage must not contain NUL characters", field: "commitMessage")
        }
        let limit = dependencies.uploadLimit
        let declared = request.headers[.contentLength].flatMap { Int64($0) }
        if let declared, declared > limit {
            throw RailyardError.payloadTooLarge(Self.limitMessage(limit))
        }
        guard let sources = dependencies.sourcesFolder else {
            throw RailyardError.unavailable("this server does not deploy (no deployment pipeline is running)")
        }
        // Refused before the first byte when it cannot fit (and when the disk is full already).
        if let problem = dependencies.diskMonitor?.problem(adding: declared ?? 0, into: sources.path, what: "source uploads") {
            throw problem
        }
        guard let project = try await store.project(id: service.projectID) else { throw RailyardError.notFound("service") }
        let storage = dependencies.storage
        let admitted = try await storage?.admit(service: service.id, workspace: project.workspaceID, declaredLength: declared)
        defer { if let admitted { storage?.finish(admitted) } }

        let id = DeploymentID.generate()
        let name = "\(id.rawValue).tar.gz"
        let partial = sources.appendingPathComponent(name + ".partial").path
        let final = sources.appendingPathComponent(name).path
        // Until the deployment is recorded, both names are deleted on the way out, by error,
        // cancellation or a client that went away.
        var recorded = false
        defer {
            if !recorded {
                unlink(partial)
                unlink(final)
            }
        }
        let received = try await receive(request.body, into: partial, folder: sources.path, limit: limit) { bytes in
            if let admitted { try storage?.received(bytes, for: admitted) }
        }
        if let declared, received != declared {
            throw RailyardError.badRequest("the upload ended after \(received) of its \(declared) bytes; send it again")
        }
        let record = { () async throws -> Deployment in
            guard rename(partial, final) == 0 else { throw RailyardError.internal("cannot store the upload") }
            return try await self.store.createDeployment(
                service: service.id, environment: environment.id, message: message,
                origin: DeploymentOrigin(id: id, source: .upload, commitSHA: commitSHA, commitMessage: commitMessage, archive: name),
                audit: context.audit(caller))
        }
        let deployment: Deployment
        if let admitted, let storage {
            deployment = try await storage.commit(admitted, bytes: received, record)
        } else {
            deployment = try await record()
        }
        recorded = true
        await dependencies.control?.nudge()
        return try JSONIO.response(deployment, status: .created)
    }

    static func isCommitID(_ text: String) -> Bool {
        (text.utf8.count == 40 || text.utf8.count == 64) && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// Writes the body to a new file at `path` and returns its length; `check` sees the bytes
    /// received so far after every chunk and throws to stop. The file is the caller's to
    /// delete, whatever happens.
    private func receive(
        _ body: RequestBody, into path: String, folder: String, limit: Int, check: (Int64) throws -> Void
    ) async throws -> Int64 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == ENOSPC || errno == EDQUOT { throw RailyardError.diskFull(folder: folder, what: "source uploads") }
            throw RailyardError.internal("cannot store the upload")
        }
        defer { close(descriptor) }
        var received: Int64 = 0
        var head: [UInt8] = []
        for try await chunk in body {
            received += Int64(chunk.readableBytes)
            if received > limit { throw RailyardError.payloadTooLarge(Self.limitMessage(limit)) }
            try check(received)
            if head.count < 2 {
                head += chunk.readableBytesView.prefix(2 - head.count)
                // Refused at once, not after the whole body.
                if head.count == 2, head != [0x1f, 0x8b] { throw Self.notGzip }
            }
            try chunk.withUnsafeReadableBytes { bytes in
                guard let base = bytes.baseAddress else { return }
                var offset = 0
                while offset < bytes.count {
                    let written = write(descriptor, base + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        if errno == ENOSPC || errno == EDQUOT { throw RailyardError.diskFull(folder: folder, what: "source uploads") }
                        throw RailyardError.unavailable("cannot store the upload: the disk refused it")
                    }
                    offset += written
                }
            }
        }
        try Task.checkCancellation()
        guard received > 0 else { throw RailyardError.badRequest("the upload is empty: send a gzip tarball of the source") }
        guard head == [0x1f, 0x8b] else { throw Self.notGzip }
        return received
    }

    static let notGzip = RailyardError.badRequest("the upload is not a gzip tarball (send what `railyard up` packs)")

    static func limitMessage(_ limit: Int) -> String {
        "the upload is larger than this server's limit of \(limit / (1 << 20)) MiB (railyard server --upload-limit); add large files to .railyardignore"
    }
}
