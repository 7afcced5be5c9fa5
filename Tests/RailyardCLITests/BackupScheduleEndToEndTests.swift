import Foundation
import RailyardSandbox
import NIOHTTP1
import Testing

/// Scheduled backups and restores into a new database, through the CLI and the API of a live
/// server with the host's PostgreSQL: a schedule fires every minute and keeps one scheduled
/// backup (never deleting a manual one), `--off` stops it, a dropped table comes back in a new
/// service; bad expressions and callers who may not are refused.
extension DeployEndToEndTests {
    @Test func scheduledBackupsArePrunedToKeepAndRestoreIntoNewBringsADroppedTableBack() async throws {
        let world = try await World.make()
        defer { world.stop() }
        let added = try #require(try await world.cli.execJSON(["add", "--database", "postgres"]) as? [String: Any])
        #expect((added["deployment"] as? [String: Any])?["status"] as? String == "SUCCESS", "\(added)")
        let service = try #require(added["service"] as? [String: Any])
        let serviceID = try #require(service["id"] as? String)
        let environmentID = try #require((added["deployment"] as? [String: Any])?["environmentId"] as? String, "\(added)")
        let made = try await world.cli.exec(["connect", "postgres", "--", "-c", "CREATE TABLE notes (text text); INSERT INTO notes VALUES ('kept')"])
        #expect(made.status == 0, "\(made.stderr)")
        let manual = try #require(try await world.cli.execJSON(["backup", "create", "--service", "postgres"]) as? [String: Any])
        #expect(manual["status"] as? String == "COMPLETED", "\(manual)")
        let manualID = try #require(manual["id"] as? String)

        // Malformed expressions are refused, naming the field.
        let refusals: [(String, String)] = [
            ("61 * * * *", "the minute field"), ("* 24 * * *", "the hour field"), ("* * 0 * *", "the day of month field"),
            ("* * * 13 *", "the month field"), ("* * * * 9", "the day of week field"), ("*/0 * * * *", "the minute field"),
            ("5-3 * * * *", "runs backwards"), ("0 0 30 2 *", "never fires"), ("\u{0661} * * * *", "the minute field"),
            ("* * * *", "5 fields"), (String(repeating: "1,", count: 5_000), "at most 200 characters"),
        ]
        for (cron, words) in refusals {
            let refused = try await world.cli.exec(["backup", "schedule", "--service", "postgres", "--cron", cron, "--keep", "3"])
            #expect(refused.status != 0 && refused.stderr.contains(words), "\(cron.prefix(40)): \(refused.stderr)")
        }
        let api = LiveAPI(url: world.server.url)
        let admin = try await api.login("admin@example.com", "admin-password")
        let schedulePath = "/api/v1/services/\(serviceID)/backup-schedule?environmentId=\(environmentID)"
        for keep in [0, 1001, -1] {
            let reply = try await api.call(.PUT, schedulePath, token: admin, json: ["cron": "@daily", "keep": keep])
            #expect(reply.status == 422 && reply.text.contains("keep"), "keep \(keep): \(reply.text)")
        }
        #expect(try await api.call(.GET, schedulePath, token: admin).status == 404, "no schedule yet")

        // Who may not: a viewer (403), an environment's token (403), another workspace (404).
        let me = try await api.call(.GET, "/api/v1/me", token: admin)
        let workspace = try #require(((me.json["workspaces"] as? [[String: Any]])?.first?["workspace"] as? [String: Any])?["id"] as? String)
        let viewer = try await api.join(admin: admin, workspace: workspace, email: "viewer@example.com", role: "viewer")
        let outsider = try await api.join(admin: admin, workspace: workspace, email: "outsider@example.com", role: "member")
        let outsiderMe = try await api.call(.GET, "/api/v1/me", token: outsider)
        let outsiderID = try #require((outsiderMe.json["user"] as? [String: Any])?["id"] as? String)
        #expect(try await api.call(.POST, "/api/v1/workspaces", token: outsider, json: ["name": "elsewhere"]).status == 201)
        #expect(try await api.call(.DELETE, "/api/v1/workspaces/\(workspace)/members/\(outsiderID)", token: admin).status == 204)
        let created = try #require(try await world.cli.execJSON(
            ["tokens", "create", "--name", "ci", "--project", "apps", "--environment", "production"]) as? [String: Any])
        let environmentToken = try #require(created["secret"] as? String)
        let daily: [String: Any] = ["cron": "@daily", "keep": 3]
        for (token, status, who) in [(viewer, 403, "viewer"), (environmentToken, 403, "environment token"), (outsider, 404, "outsider")] {
            let put = try await api.call(.PUT, schedulePath, token: token, json: daily)
            #expect(put.status == status, "\(who) PUT: \(put.text)")
            let delete = try await api.call(.DELETE, schedulePath, token: token)
            #expect(delete.status == status, "\(who) DELETE: \(delete.text)")
        }
        #expect(try await api.call(.GET, schedulePath, token: outsider).status == 404)
        #expect(try await api.call(.GET, schedulePath, token: admin).status == 404, "nobody refused set one")

        // Every minute, keeping one: scheduled backups come, the older ones go, the manual stays.
        let set = try #require(try await world.cli.execJSON(
            ["backup", "schedule", "--service", "postgres", "--cron", "* * * * *", "--keep", "1"]) as? [String: Any])
        #expect(set["cron"] as? String == "* * * * *" && set["keep"] as? Int == 1, "\(set)")
        let shown = try await world.cli.exec(["backup", "schedule", "--service", "postgres"])
        #expect(shown.stdout.contains("'* * * * *'") && shown.stdout.contains("keeping 1"), "\(shown.stdout)")
        var seen: Set<String> = []
        var scheduledNow: [[String: Any]] = []
        var everything: [[String: Any]] = []
        try await Self.waitFor("two scheduled backups, the first pruned", seconds: 150) {
            everything = try #require(try await world.cli.execJSON(["backup", "list", "--service", "postgres"]) as? [[String: Any]])
            scheduledNow = everything.filter { $0["trigger"] as? String == "scheduled" }
            for backup in scheduledNow where backup["status"] as? String == "COMPLETED" { seen.insert(backup["id"] as? String ?? "") }
            return seen.count >= 2 && scheduledNow.count == 1 && scheduledNow.first?["status"] as? String == "COMPLETED"
        }
        #expect(scheduledNow.count == 1, "\(scheduledNow)")
        #expect(everything.contains { $0["id"] as? String == manualID }, "the manual backup is never pruned: \(everything)")
        let pruned = seen.subtracting(scheduledNow.compactMap { $0["id"] as? String })
        #expect(!pruned.isEmpty)
        for id in pruned {
            #expect(!FileManager.default.fileExists(atPath: world.data + "/backups/\(id).dump"), "a pruned backup's file goes")
        }
        let audit = try #require(try await world.cli.execJSON(["audit", "--limit", "100"]) as? [[String: Any]])
        #expect(audit.contains { $0["action"] as? String == "backup_schedule.set" && $0["targetId"] as? String == serviceID }, "\(audit.prefix(5))")

        // Off: no more scheduled backups, and the ones taken stay.
        let off = try await world.cli.exec(["backup", "schedule", "--service", "postgres", "--off"])
        #expect(off.status == 0, "\(off.stderr)")
        let offAt = Date()
        let none = try await world.cli.exec(["backup", "schedule", "--service", "postgres"])
        #expect(none.stdout.contains("no backup schedule"), "\(none.stdout)")
        let scheduledWhenOff = Set(try #require(try await world.cli.execJSON(["backup", "list", "--service", "postgres"]) as? [[String: Any]])
            .filter { $0["trigger"] as? String == "scheduled" }.compactMap { $0["id"] as? String })

        // Restore into a new database: the table dropped here is there.
        let dropped = try await world.cli.exec(["connect", "postgres", "--", "-c", "DROP TABLE notes"])
        #expect(dropped.status == 0, "\(dropped.stderr)")
        let both = try await world.cli.exec(["backup", "restore", manualID, "--service", "postgres", "--into", "postgres", "--into-new", "copy"])
        #expect(both.status != 0 && both.stderr.contains("not both"), "\(both.stderr)")
        let bothAPI = try await api.call(.POST, "/api/v1/backups/\(manualID)/restore", token: admin, json: ["serviceId": serviceID, "newServiceName": "copy"])
        #expect(bothAPI.status == 422, "\(bothAPI.text)")
        let taken = try await world.cli.exec(["backup", "restore", manualID, "--service", "postgres", "--into-new", "postgres"])
        #expect(taken.status != 0, "the name is taken: \(taken.stdout)")
        let restored = try await world.cli.exec(["backup", "restore", manualID, "--service", "postgres", "--into-new", "postgres-copy"])
        #expect(restored.status == 0 && restored.stdout.contains("postgres-copy"), "\(restored.stdout) \(restored.stderr)")
        let selected = try await world.cli.exec(["connect", "postgres-copy", "--", "-tAc", "SELECT text FROM notes"])
        #expect(selected.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "kept", "\(selected.stdout) \(selected.stderr)")
        let record = try #require(try await world.cli.execJSON(["backup", "list", "--service", "postgres"]) as? [[String: Any]])
            .first { $0["id"] as? String == manualID }
        #expect(record?["restoreStatus"] as? String == "COMPLETED", "\(record ?? [:])")
        let gone = try await world.cli.exec(["connect", "postgres", "--", "-tAc", "SELECT count(*) FROM notes"])
        #expect(gone.status != 0, "the original database was left as it was: \(gone.stdout)")

        // A minute boundary after --off has passed: nothing new was scheduled.
        let boundary = (offAt.timeIntervalSince1970 / 60).rounded(.down) * 60 + 65
        let wait = boundary - Date().timeIntervalSince1970
        if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
        let after = Set(try #require(try await world.cli.execJSON(["backup", "list", "--service", "postgres"]) as? [[String: Any]])
            .filter { $0["trigger"] as? String == "scheduled" }.compactMap { $0["id"] as? String })
        #expect(after == scheduledWhenOff, "no scheduled backup after --off")
    }

    /// A server stopped over three days of due backups takes one when it starts again (its
    /// database back and serving first), not three, and moves the schedule to its next time.
    @Test func aServerStoppedOverDueTimesTakesOneCatchUpBackupNotABurst() async throws {
        let world = try await World.make()
        defer { world.stop() }
        let added = try #require(try await world.cli.execJSON(["add", "--database", "postgres"]) as? [String: Any])
        #expect((added["deployment"] as? [String: Any])?["status"] as? String == "SUCCESS", "\(added)")
        let set = try await world.cli.exec(["backup", "schedule", "--service", "postgres", "--cron", "0 3 * * *", "--keep", "5"])
        #expect(set.status == 0, "\(set.stderr)")
        world.server.stop()
        // As if the server had been stopped since three days ago's 03:00.
        let missed = Int64((Date().timeIntervalSince1970 - 3 * 86_400) * 1000)
        let update = try ProgramOutput.run(
            ["/usr/bin/sqlite3", world.data + "/railyard.sqlite", "UPDATE backup_schedules SET next_at = \(missed)"], within: .seconds(60))
        #expect(update.status == 0, "\(update.combined)")
        try await world.server.start()
        func scheduled() async throws -> [[String: Any]] {
            try #require(try await world.cli.execJSON(["backup", "list", "--service", "postgres"]) as? [[String: Any]])
                .filter { $0["trigger"] as? String == "scheduled" }
        }
        try await Self.waitFor("the catch-up backup", seconds: 120) {
            try await scheduled().contains { $0["status"] as? String == "COMPLETED" }
        }
        try await Task.sleep(for: .seconds(8))
        let taken = try await scheduled()
        #expect(taken.count == 1, "one catch-up, not one per missed day: \(taken)")
        let schedule = try #require(try await world.cli.execJSON(["backup", "schedule", "--service", "postgres"]) as? [String: Any])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let today = calendar.date(bySettingHour: 3, minute: 0, second: 0, of: Date())!
        let expected = today > Date() ? today : today.addingTimeInterval(86_400)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let next = (schedule["nextAt"] as? String).flatMap(formatter.date(from:))
        #expect(next == expected, "the next 03:00 UTC: \(schedule)")
    }
}
