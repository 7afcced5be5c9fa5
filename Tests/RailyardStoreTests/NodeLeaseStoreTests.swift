import Foundation
import Testing
@testable import RailyardStore

/// The store's lease: one holder at a time, however many servers race for it.
struct NodeLeaseStoreTests {
    static func server(_ node: String, host: String = "host-a") -> NodeLeaseHolder {
        NodeLeaseHolder(node: node, holder: UUID().uuidString, host: host, pid: 1, dataDirectory: "/data/\(node)")
    }

    @Test(arguments: Backend.allCases)
    func oneHolderAtATimeUntilItsLeaseEnds(backend: Backend) async throws {
        try await StoreHarness.withStore(backend) { store, _ in
            let first = Self.server("node-first")
            let second = Self.server("node-second")
            // Live leases are long: on a loaded machine (a full run at cc8ef31) two store calls
            // once took more than a 2 s lease apart, and the second node rightly took it.
            let live = Duration.seconds(120)
            #expect(try await store.acquireLease(first, for: live) == .acquired(previous: nil))
            guard case .held(let holder) = try await store.acquireLease(second, for: live) else {
                Issue.record("a second node took a live lease")
                return
            }
            #expect(holder.node == "node-first" && holder.holder == first.holder)
            #expect(try await store.renewLease(first, for: live))
            // The same data folder copied to another host is not the same server.
            let copy = NodeLeaseHolder(node: "node-first", holder: "other", host: "host-b", pid: 2, dataDirectory: "/data")
            if case .acquired = try await store.acquireLease(copy, for: live) { Issue.record("a copied node took a live lease") }
            // The same node restarted on its host (its data folder's lock says the old run is
            // over) takes it back at once.
            let restarted = Self.server("node-first")
            guard case .acquired = try await store.acquireLease(restarted, for: live) else {
                Issue.record("a restarted node could not take its own lease back")
                return
            }
            #expect(try await store.renewLease(first, for: live) == false, "the old run lost it")

            // Unrenewed, it ends; then exactly one of several racing servers gets it.
            #expect(try await store.renewLease(restarted, for: .seconds(1)))
            try await Task.sleep(for: .milliseconds(1300))
            let racers = (0..<6).map { Self.server("node-racer-\($0)") }
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for racer in racers {
                    group.addTask {
                        if case .acquired = try await store.acquireLease(racer, for: .seconds(30)) { return true }
                        return false
                    }
                }
                var count = 0
                for try await won in group where won { count += 1 }
                return count
            }
            #expect(winners == 1, "\(winners) servers hold the lease at once")
            #expect(try await store.renewLease(restarted, for: .seconds(2)) == false)

            // A clean stop gives it up for the next server at once.
            let holderNow = try #require(try await store.leaseHolder())
            let winner = try #require(racers.first { $0.holder == holderNow.holder })
            try await store.releaseLease(winner)
            guard case .acquired(let previous) = try await store.acquireLease(second, for: .seconds(2)) else {
                Issue.record("a released lease was not free")
                return
            }
            #expect(previous?.node == winner.node)
        }
    }
}
