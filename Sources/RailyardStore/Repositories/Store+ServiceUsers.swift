import Foundation
import RailyardCore

extension Store {
    /// The Linux user ids Railyard gives services: a range far above any account a host makes
    /// (Debian's system and login users, and the subordinate ids of /etc/subuid, stay well
    /// below it).
    public static let serviceUserIDs: ClosedRange<UInt32> = 1_200_000_000...1_299_999_999

    /// The uid (and gid) the service runs as in the environment, builds included: allocated
    /// on first use, the next after the highest ever given, and never given to anyone else.
    public func serviceUser(service: ServiceID, environment: EnvironmentID) async throws -> UInt32 {
        let binds = [SQLValue(service), SQLValue(environment)]
        let select = "SELECT uid FROM service_users WHERE service_id = ? AND environment_id = ?"
        if let known = try await read({ db in try await db.first(select, binds)?.integer("uid") }) {
            return UInt32(known)
        }
        for _ in 0..<10 {
            do {
                return try await driver.transaction(limit: callLimit) { db in
                    if let known = try await db.first(select, binds)?.integer("uid") { return UInt32(known) }
                    let highest = try await db.first("SELECT MAX(uid) AS highest FROM service_users", [])?.optionalInteger("highest")
                    let next = max(Int64(Self.serviceUserIDs.lowerBound), (highest ?? 0) + 1)
                    guard next <= Int64(Self.serviceUserIDs.upperBound) else {
                        throw RailyardError.unavailable("no service user ids are left")
                    }
                    try await db.execute(
                        "INSERT INTO service_users (service_id, environment_id, uid, created_at) VALUES (?, ?, ?, ?)",
                        binds + [.integer(next), SQLValue(Date())])
                    return UInt32(next)
                }
            } catch StoreFailure.uniqueViolation {
                continue  // another server took that uid, or this row, first
            }
        }
        throw RailyardError.unavailable("cannot allocate a user id for the service")
    }
}
