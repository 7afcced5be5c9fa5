import Foundation
import Testing
@testable import RailyardCore
@testable import RailyardStore

/// Each service (per environment) runs as a uid of its own, from a range no host account uses.
struct ServiceUserTests {
    @Test(arguments: Backend.allCases)
    func everyServiceAndEnvironmentGetsItsOwnUidForGood(backend: Backend) async throws {
        try await StoreHarness.withStore(backend) { store, _ in
            let services = (0..<3).map { _ in ServiceID.generate() }
            let environments = (0..<2).map { _ in EnvironmentID.generate() }
            // Asked for at once, as two pipelines would: each pair still gets one uid.
            let uids = try await withThrowingTaskGroup(of: (String, UInt32).self) { group in
                for service in services {
                    for environment in environments {
                        for _ in 0..<2 {
                            group.addTask { ("\(service)/\(environment)", try await store.serviceUser(service: service, environment: environment)) }
                        }
                    }
                }
                var result: [String: Set<UInt32>] = [:]
                for try await (key, uid) in group { result[key, default: []].insert(uid) }
                return result
            }
            #expect(uids.count == 6)
            #expect(uids.values.allSatisfy { $0.count == 1 }, "one uid per service and environment: \(uids)")
            let all = uids.values.compactMap(\.first)
            #expect(Set(all).count == 6, "no two share a uid")
            #expect(all.allSatisfy { Store.serviceUserIDs.contains($0) })
            #expect(try await store.serviceUser(service: services[0], environment: environments[0]) == uids["\(services[0])/\(environments[0])"]?.first)
        }
    }
}
