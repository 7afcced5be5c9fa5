import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import RailyardAPI
import RailyardCore

/// The project page's cards say how many replicas run and what volume a service has; watched
/// pages are bounded per user as well as in all.
@Suite struct DashboardCardsTests {
    @Test func aCardShowsItsReplicasAndItsVolume() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let service = ServiceID(rawValue: f.service)
            let environment = EnvironmentID(rawValue: f.environment)
            let browser = DashboardTests.Browser(api)
            #expect(try await browser.signIn("viewer@example.com", Fixture.password).status == 303)
            let page = "/projects/\(f.project)?environmentId=\(f.environment)"
            let before = String(buffer: try await browser.request(.get, page).body)
            #expect(!before.contains("replicas healthy") && !before.contains("volume at"), "nothing runs, no volume yet")

            _ = try await harness.store.createVolume(
                service: service, environment: environment, mountPath: "/var/lib/<data>", sizeBytes: 5 << 30, audit: .system)
            let deployment = try await harness.store.createDeployment(service: service, environment: environment, message: nil, audit: .system)
            try await harness.store.recordInstances(of: deployment.id, [
                DeploymentInstance(replica: 0, address: "127.0.0.1:20001", state: "healthy", restarts: 0),
                DeploymentInstance(replica: 1, address: "127.0.0.1:20002", state: "starting", restarts: 0),
                DeploymentInstance(replica: 2, address: "127.0.0.1:20003", state: "healthy", restarts: 1),
            ], warnings: [])
            let after = String(buffer: try await browser.request(.get, page).body)
            #expect(after.contains("2 of 3 replicas healthy"), "\(after)")
            #expect(after.contains("volume at <code>/var/lib/&lt;data&gt;</code>, 5.0 GB"), "the path escaped, the size readable: \(after)")
        }
    }

    @Test func oneUserCannotTakeEveryWatchedPage() {
        let watchers = DashboardWatchers()
        for _ in 0..<DashboardWatchers.perUser { #expect(watchers.enter("user:a")) }
        #expect(!watchers.enter("user:a"), "a user's own places are bounded")
        #expect(watchers.enter("user:b"), "another user still gets one")
        watchers.leave("user:a")
        #expect(watchers.enter("user:a"), "a place left is free again")
        #expect(watchers.current(of: "user:a") == DashboardWatchers.perUser && watchers.current == DashboardWatchers.perUser + 1)
        // The overall bound holds whoever asks.
        var users = 0
        while watchers.current < DashboardWatchers.maximum {
            users += 1
            for _ in 0..<DashboardWatchers.perUser where watchers.current < DashboardWatchers.maximum {
                #expect(watchers.enter("user:many-\(users)"))
            }
        }
        #expect(!watchers.enter("user:late"))
        for _ in 0..<DashboardWatchers.perUser { watchers.leave("user:a") }
        #expect(watchers.current(of: "user:a") == 0 && watchers.enter("user:late"))
    }
}
