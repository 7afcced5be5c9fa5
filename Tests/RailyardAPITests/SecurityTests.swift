import Foundation
import RailyardSandbox
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOPosix
import Testing
@testable import RailyardAPI
@testable import RailyardCore
import RailyardStore

/// The API and account attacks of issue 13 (items 7, 9, 11, 12 and 13), each performed against
/// the real application and expected to fail.
struct SecurityTests {
    // MARK: Item 7: login limits throttle the attacker, not the account holder

    /// 25 wrong passwords for the admin from one address (as from an app on the server's
    /// loopback) stop that address, not the admin logging in from another.
    @Test func aFloodFromOneAddressDoesNotLockTheOwnerOut() async throws {
        let harness = try await APIHarness.make(loginPolicy: .init())
        try await harness.application().test(.live) { client in
            let port = try #require(client.port)
            _ = try await Fixture.make(API(client: client))
            var statuses: [Int] = []
            for _ in 0..<25 {
                let reply = try await LoopbackClient.post(
                    port: port, from: "127.0.0.2", path: "/api/v1/auth/login",
                    json: ["email": "admin@example.com", "password": "wrong-guess"])
                statuses.append(reply.status)
                if reply.status == 429 { #expect((1...900).contains(reply.retryAfter ?? 0)) }
            }
            #expect(statuses.prefix(5).allSatisfy { $0 == 401 }, "\(statuses)")
            #expect(statuses.dropFirst(5).allSatisfy { $0 == 429 }, "\(statuses)")
            let owner = try await LoopbackClient.post(
                port: port, from: "127.0.0.3", path: "/api/v1/auth/login",
                json: ["email": "admin@example.com", "password": Fixture.password])
            #expect(owner.status == 200, "\(owner.body)")
            // The attacker's address stays stopped, even with the right password.
            let attacker = try await LoopbackClient.post(
                port: port, from: "127.0.0.2", path: "/api/v1/auth/login",
                json: ["email": "admin@example.com", "password": Fixture.password])
            #expect(attacker.status == 429)
        }
    }

    /// Guesses spread over many addresses slow down for the account: a wait, not a lockout.
    @Test func guessesFromManyAddressesBackOff() async throws {
        let harness = try await APIHarness.make(loginPolicy: .init(
            window: 600, failuresPerAccountAndAddress: 2, failuresPerAddress: 50, failuresPerAccountBeforeBackoff: 6,
            backoffBase: 30, backoffMaximum: 600))
        try await harness.application().test(.live) { client in
            let port = try #require(client.port)
            _ = try await Fixture.make(API(client: client))
            for host in 10..<13 {
                for _ in 0..<2 {
                    let reply = try await LoopbackClient.post(
                        port: port, from: "127.0.0.\(host)", path: "/api/v1/auth/login",
                        json: ["email": "admin@example.com", "password": "wrong-guess"])
                    #expect(reply.status == 401)
                }
            }
            for host in [20, 21] {
                let reply = try await LoopbackClient.post(
                    port: port, from: "127.0.0.\(host)", path: "/api/v1/auth/login",
                    json: ["email": "admin@example.com", "password": host == 20 ? "wrong-guess" : Fixture.password])
                #expect(reply.status == 429)
                #expect((1...30).contains(reply.retryAfter ?? 0), "Retry-After \(String(describing: reply.retryAfter))")
            }
            // Another account is untouched.
            let member = try await LoopbackClient.post(
                port: port, from: "127.0.0.20", path: "/api/v1/auth/login",
                json: ["email": "member@example.com", "password": Fixture.password])
            #expect(member.status == 200)
        }
    }

    // MARK: Item 9: environment tokens deploy and read, nothing more

    @Test func environmentTokensNeverDeleteNorAdminister() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            // The strongest environment token there is: an admin's, with the admin role.
            let created = try await api.expect(201, .post, "/api/v1/workspaces/\(f.workspace)/tokens", token: f.admin,
                                               json: ["name": "ci", "role": "admin", "projectId": f.project, "environmentId": f.environment])
            let token = try #require(created.json["secret"] as? String)
            let otherToken = try #require(
                (try await api.expect(201, .post, "/api/v1/workspaces/\(f.workspace)/tokens", token: f.admin, json: ["name": "x"])
                    .json["token"] as? [String: Any])?["id"] as? String)
            let memberID = try await Fixture.userID(api, token: f.member)
            let domains = "/api/v1/services/\(f.service)/domains?environmentId=\(f.environment)"
            let domain = try #require(try await api.expect(201, .post, domains, token: f.admin, json: ["hostname": "shop.example.com"])
                .json["id"] as? String)
            let forbidden: [(HTTPRequest.Method, String, Any?)] = [
                (.delete, "/api/v1/environments/\(f.environment)", nil),
                (.delete, "/api/v1/services/\(f.service)", nil),
                (.delete, "/api/v1/projects/\(f.project)", nil),
                (.patch, "/api/v1/projects/\(f.project)", ["name": "renamed"]),
                (.patch, "/api/v1/services/\(f.service)", ["name": "renamed"]),
                (.post, "/api/v1/projects/\(f.project)/services", ["name": "sneaky"]),
                (.post, "/api/v1/projects/\(f.project)/environments", ["name": "sneaky"]),
                (.post, domains, ["hostname": "evil.example.com"]),
                (.patch, "/api/v1/domains/\(domain)", ["hostname": "evil.example.com"]),
                (.delete, "/api/v1/domains/\(domain)", nil),
                (.post, "/api/v1/workspaces/\(f.workspace)/invites", ["email": "friend@example.com", "role": "admin"]),
                (.patch, "/api/v1/workspaces/\(f.workspace)/members/\(memberID)", ["role": "admin"]),
                (.delete, "/api/v1/workspaces/\(f.workspace)/members/\(memberID)", nil),
                (.get, "/api/v1/workspaces/\(f.workspace)/tokens", nil),
                (.post, "/api/v1/workspaces/\(f.workspace)/tokens", ["name": "more"]),
                (.delete, "/api/v1/tokens/\(otherToken)", nil),
                (.get, "/api/v1/workspaces/\(f.workspace)/audit", nil),
            ]
            for (method, path, body) in forbidden {
                let reply = try await api.call(method, path, token: token, json: body)
                #expect(reply.status == 403, "\(method) \(path): \(reply.status) \(String(buffer: reply.body))")
                #expect(reply.errorCode == "forbidden")
            }
            // Nothing was deleted or changed, and what the token is for still works.
            try await api.expect(200, .get, "/api/v1/environments/\(f.environment)", token: f.admin)
            try await api.expect(200, .get, "/api/v1/services/\(f.service)", token: f.admin)
            let tokens = try await api.expect(200, .get, "/api/v1/workspaces/\(f.workspace)/tokens", token: f.admin)
            let other = (tokens.json["items"] as? [[String: Any]] ?? []).first { $0["id"] as? String == otherToken }
            #expect(other != nil)
            #expect(other?["revokedAt"] == nil || other?["revokedAt"] is NSNull)
            try await api.expect(200, .get, domains, token: token)
            try await api.expect(200, .get, "/api/v1/services/\(f.service)/variables?environmentId=\(f.environment)", token: token)
            try await api.expect(200, .patch, "/api/v1/services/\(f.service)/variables?environmentId=\(f.environment)", token: token,
                                 json: ["set": ["RELEASE": "42"]])
            try await api.expect(201, .post, "/api/v1/services/\(f.service)/deployments", token: token, json: ["environmentId": f.environment])
        }
    }

    // MARK: Item 11: names under the generated-domain base are the platform's

    @Test func customDomainsUnderTheGeneratedBaseAreRefused() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let path = "/api/v1/services/\(f.service)/domains?environmentId=\(f.environment)"
            // Squatting the name another project's service `api` would get, or any other.
            for squatted in ["api-shop.localhost", "API-SHOP.localhost", "a.b.localhost", "web-shop-2.localhost"] {
                let reply = try await api.call(.post, path, token: f.admin, json: ["hostname": squatted])
                #expect(reply.status == 422, "\(squatted): \(reply.status)")
                #expect((reply.json["error"] as? [String: Any])?["field"] as? String == "hostname")
                let message = (reply.json["error"] as? [String: Any])?["message"] as? String ?? ""
                #expect(message.contains("reserved for generated domains"), "\(message)")
            }
            let generated = try await api.expect(201, .post, path, token: f.admin, json: [String: Any]())
            #expect(generated.json["hostname"] as? String == "web-shop.localhost")
            let generatedID = try #require(generated.json["id"] as? String)
            let custom = try await api.expect(201, .post, path, token: f.admin, json: ["hostname": "shop.example.com"])
            let customID = try #require(custom.json["id"] as? String)
            // Renaming into the base is choosing a name there too.
            try await api.expect(422, .patch, "/api/v1/domains/\(customID)", token: f.admin, json: ["hostname": "api-shop.localhost"])
            try await api.expect(422, .patch, "/api/v1/domains/\(generatedID)", token: f.admin, json: ["hostname": "api-shop.localhost"])
            try await api.expect(200, .patch, "/api/v1/domains/\(generatedID)", token: f.admin, json: ["hostname": "web.example.com"])
        }
    }

    @Test func theBaseComesFromTheServersDomainSetting() async throws {
        var harness = try await APIHarness.make()
        var dependencies = harness.dependencies
        dependencies.baseDomain = "apps.example.com"
        harness = APIHarness(store: harness.store, dependencies: dependencies)
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let path = "/api/v1/services/\(f.service)/domains?environmentId=\(f.environment)"
            try await api.expect(422, .post, path, token: f.admin, json: ["hostname": "api-shop.apps.example.com"])
            try await api.expect(422, .post, path, token: f.admin, json: ["hostname": "apps.example.com"])
            try await api.expect(201, .post, path, token: f.admin, json: ["hostname": "shop.localhost"])
            try await api.expect(201, .post, path, token: f.admin, json: ["hostname": "example.com"])
            let generated = try await api.expect(201, .post, path, token: f.admin, json: [String: Any]())
            #expect(generated.json["hostname"] as? String == "web-shop.apps.example.com")
        }
    }

    // MARK: Item 12: an existing account joins a workspace only with its owner's consent

    @Test func acceptingAnInviteForAnExistingAccountNeedsItsOwner() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            // The outsider administers a workspace of their own and invites the member into it.
            let invite = try await api.expect(201, .post, "/api/v1/workspaces/\(f.outsiderWorkspace)/invites", token: f.outsider,
                                              json: ["email": "member@example.com", "role": "admin"])
            let secret = try #require(invite.json["token"] as? String)
            let outsiderToken = try #require(
                try await api.expect(201, .post, "/api/v1/workspaces/\(f.outsiderWorkspace)/tokens", token: f.outsider,
                                     json: ["name": "mine", "role": "admin"]).json["secret"] as? String)
            try await api.expect(401, .post, "/api/v1/invites/accept", json: ["token": secret])
            try await api.expect(401, .post, "/api/v1/invites/accept", json: ["token": secret, "password": "not her password"])
            try await api.expect(403, .post, "/api/v1/invites/accept", token: f.outsider, json: ["token": secret])
            try await api.expect(401, .post, "/api/v1/invites/accept", token: outsiderToken, json: ["token": secret])
            let memberWorkspaces = try await api.expect(200, .get, "/api/v1/me", token: f.member).json["workspaces"] as? [[String: Any]]
            #expect(memberWorkspaces?.count == 1)
            // Guessing her password through invites is limited like logins (3 failures here).
            for guess in ["another guess", "a third guess"] {
                try await api.expect(401, .post, "/api/v1/invites/accept", json: ["token": secret, "password": guess])
            }
            let throttled = try await api.call(.post, "/api/v1/invites/accept", json: ["token": secret, "password": Fixture.password])
            #expect(throttled.status == 429)
            #expect(throttled.headers[.retryAfter] != nil)

            // Her own session accepts without a password, and her password does too.
            let second = try await api.expect(201, .post, "/api/v1/workspaces/\(f.outsiderWorkspace)/invites", token: f.outsider,
                                              json: ["email": "viewer@example.com", "role": "viewer"])
            let secondSecret = try #require(second.json["token"] as? String)
            try await api.expect(201, .post, "/api/v1/invites/accept", token: f.viewer, json: ["token": secondSecret])
            let third = try await api.expect(201, .post, "/api/v1/workspaces/\(f.workspace)/invites", token: f.admin,
                                             json: ["email": "outsider@example.com", "role": "viewer"])
            let thirdSecret = try #require(third.json["token"] as? String)
            let accepted = try await api.expect(201, .post, "/api/v1/invites/accept", json: ["token": thirdSecret, "password": Fixture.password])
            #expect((accepted.json["membership"] as? [String: Any])?["role"] as? String == "viewer")
        }
    }

    // MARK: Item 13: tokens never manage people; logout ends the session; /me tells the truth

    @Test func tokensCannotInvitePromoteOrRemovePeople() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let created = try await api.expect(201, .post, "/api/v1/workspaces/\(f.workspace)/tokens", token: f.admin,
                                               json: ["name": "admin-token", "role": "admin"])
            let token = try #require(created.json["secret"] as? String)
            let memberID = try await Fixture.userID(api, token: f.member)
            try await api.expect(403, .post, "/api/v1/workspaces/\(f.workspace)/invites", token: token,
                                 json: ["email": "new-admin@example.com", "role": "admin"])
            try await api.expect(403, .patch, "/api/v1/workspaces/\(f.workspace)/members/\(memberID)", token: token, json: ["role": "admin"])
            try await api.expect(403, .delete, "/api/v1/workspaces/\(f.workspace)/members/\(memberID)", token: token)
            let members = try await api.expect(200, .get, "/api/v1/workspaces/\(f.workspace)/members", token: f.admin)
            let roles = (members.json["items"] as? [[String: Any]] ?? []).compactMap { $0["role"] as? String }
            #expect(roles.sorted() == ["admin", "member", "viewer"])
            // The admin's own session still can.
            try await api.expect(201, .post, "/api/v1/workspaces/\(f.workspace)/invites", token: f.admin,
                                 json: ["email": "new-admin@example.com", "role": "admin"])
        }
    }

    @Test func logoutEndsTheSessionsAccessTokens() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            _ = try await Fixture.make(api)
            let login = try await api.expect(200, .post, "/api/v1/auth/login", json: ["email": "member@example.com", "password": Fixture.password])
            let access = try #require(login.json["accessToken"] as? String)
            let refresh = try #require(login.json["refreshToken"] as? String)
            let rotated = try await api.expect(200, .post, "/api/v1/auth/refresh", json: ["refreshToken": refresh])
            let rotatedAccess = try #require(rotated.json["accessToken"] as? String)
            let rotatedRefresh = try #require(rotated.json["refreshToken"] as? String)
            let elsewhere = try await api.login("member@example.com", Fixture.password)
            try await api.expect(200, .get, "/api/v1/me", token: access)
            try await api.expect(200, .get, "/api/v1/me", token: rotatedAccess)
            try await api.expect(204, .post, "/api/v1/auth/logout", json: ["refreshToken": rotatedRefresh])
            // Every access token of the session is dead at once, not in 15 minutes.
            for token in [access, rotatedAccess] {
                let reply = try await api.call(.get, "/api/v1/me", token: token)
                #expect(reply.status == 401)
                try await api.expect(401, .get, "/api/v1/projects", token: token)
            }
            // Another session of the same person is untouched.
            try await api.expect(200, .get, "/api/v1/me", token: elsewhere)
        }
    }

    @Test func meShowsATokensEffectiveRole() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let memberID = try await Fixture.userID(api, token: f.member)
            try await api.expect(200, .patch, "/api/v1/workspaces/\(f.workspace)/members/\(memberID)", token: f.admin, json: ["role": "admin"])
            let created = try await api.expect(201, .post, "/api/v1/workspaces/\(f.workspace)/tokens", token: f.member,
                                               json: ["name": "made-as-admin", "role": "admin"])
            let token = try #require(created.json["secret"] as? String)
            try await api.expect(200, .patch, "/api/v1/workspaces/\(f.workspace)/members/\(memberID)", token: f.admin, json: ["role": "viewer"])
            let me = try await api.expect(200, .get, "/api/v1/me", token: token)
            #expect((me.json["token"] as? [String: Any])?["role"] as? String == "admin")
            #expect(me.json["effectiveRole"] as? String == "viewer")
            #expect((me.json["workspaces"] as? [[String: Any]])?.first?["role"] as? String == "viewer")
            #expect(me.json["allowedActions"] as? [String] == ["read"])

            let scoped = try await api.expect(201, .post, "/api/v1/workspaces/\(f.workspace)/tokens", token: f.admin,
                                              json: ["name": "ci", "role": "admin", "projectId": f.project, "environmentId": f.environment])
            let scopedMe = try await api.expect(200, .get, "/api/v1/me", token: try #require(scoped.json["secret"] as? String))
            #expect(scopedMe.json["effectiveRole"] as? String == "admin")
            #expect(scopedMe.json["allowedActions"] as? [String] == ["read", "readVariableValues", "changeVariables", "deploy"])
        }
    }
}

/// HTTP/1.1 over a fresh connection from a loopback address of the test's choosing, so that
/// the server sees clients other than 127.0.0.1 (Linux routes all of 127.0.0.0/8 to loopback).
enum LoopbackClient {
    struct Reply: Sendable {
        let status: Int
        let retryAfter: Int?
        let body: String
    }

    static func post(port: Int, from source: String, path: String, json: [String: String]) async throws -> Reply {
        let body = try JSONSerialization.data(withJSONObject: json)
        var request = ByteBuffer()
        request.writeString(
            "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n")
        request.writeBytes(body)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(to: try SocketAddress(ipAddress: source, port: 0))
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let text = try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(request)
            var response = ByteBuffer()
            for try await var chunk in inbound { response.writeBuffer(&chunk) }
            return String(buffer: response)
        }
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = (parts.first ?? "").components(separatedBy: "\r\n")
        let statusWords = (head.first ?? "").split(separator: " ")
        let status = statusWords.count > 1 ? Int(statusWords[1]) ?? 0 : 0
        let retryAfter = head.first { $0.lowercased().hasPrefix("retry-after:") }
            .flatMap { Int($0.dropFirst("retry-after:".count).trimmingCharacters(in: .whitespaces)) }
        return Reply(status: status, retryAfter: retryAfter, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}

/// Issue 13, item 7: apps share the host's loopback; the API refuses what they send, whatever
/// the network (checked by who opened the connection, not by a route that may be there).
struct AppCallerTests {
    static func curl(as uid: UInt32?, _ url: String, body: String? = nil) throws -> (Int32, String) {
        var arguments = ["curl", "-s", "-w", "\n%{http_code}", "--max-time", "10"]
        if let body { arguments += ["-H", "Content-Type: application/json", "--data", body] }
        arguments.append(url)
        if let uid {
            arguments = ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "--"] + arguments
        }
        let run = try ProgramOutput.run(arguments, within: .seconds(60))
        return (run.status, run.combined.trimmingCharacters(in: .newlines))
    }

    @Test func requestsFromAServicesUserAreRefused() async throws {
        try #require(geteuid() == 0, "switching to a service's user needs root; CI runs as root")
        let harness = try await APIHarness.make(loginPolicy: .init())
        try await harness.application().test(.live) { client in
            let port = try #require(client.port)
            _ = try await Fixture.make(API(client: client))
            for uid: UInt32 in [Store.serviceUserIDs.lowerBound + 7, 65534] {
                let (status, output) = try Self.curl(as: uid, "http://127.0.0.1:\(port)/healthz")
                #expect(status == 0 && output.hasSuffix("\n403") && output.contains("not reachable from apps"), "uid \(uid): \(output)")
                // Guesses from an app never reach the login limiter.
                for _ in 0..<25 {
                    let (_, login) = try Self.curl(
                        as: uid, "http://127.0.0.1:\(port)/api/v1/auth/login",
                        body: #"{"email":"admin@example.com","password":"wrong-guess"}"#)
                    #expect(login.hasSuffix("\n403"), "\(login)")
                }
            }
            let (_, fromHost) = try Self.curl(as: nil, "http://127.0.0.1:\(port)/healthz")
            #expect(fromHost.hasSuffix("\n200"), "\(fromHost)")
            let (_, login) = try Self.curl(
                as: nil, "http://127.0.0.1:\(port)/api/v1/auth/login",
                body: #"{"email":"admin@example.com","password":"\#(Fixture.password)"}"#)
            #expect(login.hasSuffix("\n200"), "the owner still logs in from the host: \(login)")
        }
    }
}
