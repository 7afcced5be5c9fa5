import Crypto
import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import RailyardCore
import ServiceLifecycle
import Synchronization

/// How many pages are watched at once, bounded: each costs the server a page build a second.
/// Each signed-in user has a few places of their own to take, so that one user (say, a script
/// opening streams) cannot take every place and leave the others' pages without live updates.
final class DashboardWatchers: Sendable {
    static let maximum = 256
    /// Enough for a user's tabs and quick clicks from page to page: a page left is noticed
    /// within a second or two (`DashboardWatch.heartbeatTicks`), and its place freed.
    static let perUser = 16
    private let state = Mutex<(total: Int, byUser: [String: Int])>((0, [:]))

    /// Takes a place for `user`; false when every place, or every one of theirs, is taken.
    func enter(_ user: String) -> Bool {
        state.withLock { state in
            let own = state.byUser[user, default: 0]
            guard state.total < Self.maximum, own < Self.perUser else { return false }
            state.total += 1
            state.byUser[user] = own + 1
            return true
        }
    }

    func leave(_ user: String) {
        state.withLock { state in
            state.total -= 1
            let own = state.byUser[user, default: 1] - 1
            state.byUser[user] = own > 0 ? own : nil
        }
    }

    var current: Int { state.withLock { $0.total } }
    func current(of user: String) -> Int { state.withLock { $0.byUser[user, default: 0] } }
}

extension Caller {
    /// Who a watched page counts against: the user, or the token.
    var watcherKey: String {
        switch identity {
        case .user(let user): "user:" + user.id.rawValue
        case .token(let token): "token:" + token.id.rawValue
        }
    }
}

/// A watched page (`?watch=1`): a Server-Sent Events stream that says `changed` when the page,
/// built again every second with the session as it is then, differs from the last time, and
/// `gone` (then ends) when the session has ended or the page's subject is no longer there to
/// see. The page's script then fetches the page and swaps in its live parts, or reloads. So a
/// change made anywhere (the CLI, another browser, the deployment pipeline) shows without a
/// reload, whatever wrote it.
struct DashboardWatch {
    let dependencies: APIDependencies
    let watchers: DashboardWatchers
    static let interval = Duration.seconds(1)
    /// A comment after this many quiet ticks, so that a client gone away is noticed: the server
    /// learns that a page was left only when it writes to it. Every tick, so that a user
    /// clicking from page to page does not leave places taken by pages no longer open (a full
    /// run's browser test once found its user's places all taken, at 10 ticks and 8 places).
    static let heartbeatTicks = 1

    func stream(_ build: @escaping PageBuilder, _ request: Request, _ context: APIRequestContext) async throws -> Response {
        // Refused now, as the page would be (not found, not allowed), before any stream starts.
        let first = try await build(request, context)
        // The version the page was rendered at, when it says (a well-formed digest); else now's.
        let given = request.uri.queryParameters.get("version").map { String($0) }
        let initial = try given.flatMap { $0.count == 24 && $0.allSatisfy { character in character.isHexDigit } ? $0 : nil }
            ?? Self.digest(try DashboardController.html(first, request: request, context: context))
        let user = try context.requireCaller().watcherKey
        guard watchers.enter(user) else {
            throw RailyardError.unavailable(
                "too many pages are watched at once (at most \(DashboardWatchers.perUser) per user); close some tabs, or reload later")
        }
        let (watchers, middleware) = (self.watchers, DashboardMiddleware(dependencies: dependencies))
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store"
        let body = ResponseBody { writer in
            defer { watchers.leave(user) }
            let (ticks, tick) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
            let timer = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.interval)
                    tick.yield(())
                }
            }
            defer { timer.cancel() }
            try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
            var last = initial
            var quiet = 0
            try await withGracefulShutdownHandler {
                for await _ in ticks {
                    var now = context
                    let page: DashboardPage
                    do {
                        guard let caller = try await middleware.caller(for: request) else { break }
                        now.caller = caller
                        page = try await build(request, now)
                    } catch is RailyardError {
                        break
                    } catch {
                        // The store did not answer this time: the page is as it was.
                        continue
                    }
                    let digest = Self.digest(try DashboardController.html(page, request: request, context: now))
                    if digest != last {
                        last = digest
                        quiet = 0
                        try await writer.write(ByteBuffer(string: "event: changed\ndata: \(digest)\n\n"))
                    } else {
                        quiet += 1
                        if quiet >= Self.heartbeatTicks {
                            quiet = 0
                            try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                        }
                    }
                }
            } onGracefulShutdown: {
                tick.finish()
            }
            // The session ended or the page's subject went (or the server stops): the page reloads.
            try? await writer.write(ByteBuffer(string: "event: gone\ndata: \n\n"))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func digest(_ html: String) -> String {
        SHA256.hash(data: Data(html.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
    }
}
