import Foundation
import RailyardSandbox
import RailyardCore
import Testing

@testable import RailyardControl

/// Which PostgreSQL versions a host has, and the start script's refusal to open another major
/// version's data, run by the real shell.
@Suite struct DatabaseVersionTests {
    /// A folder for one test, removed by the caller.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-dbversion-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func installedPostgresVersionsAreTheFoldersHoldingAServerNewestFirst() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        for (version, server) in [("9", true), ("14", true), ("16", true), ("17", false), ("latest", true)] {
            let bin = root.appendingPathComponent("usr/lib/postgresql/\(version)/bin")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            if server {
                let program = bin.appendingPathComponent("postgres").path
                FileManager.default.createFile(atPath: program, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755])
            }
        }
        // 17 has no server; "latest" is no version.
        #expect(DatabaseServer.installedPostgres(root: root.path) == ["16", "14", "9"])
    }

    @Test func thisHostsRedisAndMariaDBVersionsAreTheirPackagesVersions() throws {
        // CI installs both (scripts/test); the reference is what dpkg says of their packages
        // (5:7.0.15-1~deb12u1 is Redis 7; 1:10.11.6-0+deb12u1 is MariaDB 10.11).
        for (engine, package, parts) in [(DatabaseEngine.redis, "redis-server", 1), (.mysql, "mariadb-server", 2)] {
            let query = try ProgramOutput.run(["/usr/bin/dpkg-query", "-W", "-f", "${Version}", package], within: .seconds(60))
            let packaged = query.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try #require(query.status == 0, "\(package) is not installed")
            let upstream = packaged.split(separator: ":").last.map(String.init) ?? packaged
            let expected = upstream.split(separator: ".").prefix(parts).joined(separator: ".")
            #expect(DatabaseServer.installedVersions(engine) == [expected], "\(engine): dpkg says \(packaged)")
        }
    }

    /// The script with `/bin/echo` as the server: it prints what it would run.
    static func runStartScript(version: String, dataVersion: String) throws -> (status: Int32, output: String) {
        let base = try folder()
        defer { try? FileManager.default.removeItem(at: base) }
        let data = base.appendingPathComponent("pgdata")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try Data("\(dataVersion)\n".utf8).write(to: data.appendingPathComponent("PG_VERSION"))
        let server = DatabaseServer(engine: .postgres, programs: ["postgres": "/bin/echo", "initdb": "/bin/false"], version: version)
        let script = base.appendingPathComponent("start.sh")
        try Data(server.startScript.utf8).write(to: script)
        let run = try ProgramOutput.run(
            ["/bin/sh", script.path], environment: ["PATH": "/usr/bin:/bin", "PGDATA": data.path, "PGPASSWORD": "secret"],
            within: .seconds(60))
        return (run.status, run.combined)
    }

    @Test func theStartScriptRefusesDataOfAnotherMajorVersion() throws {
        let refused = try Self.runStartScript(version: "15", dataVersion: "14")
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.output.contains("made by PostgreSQL 14") && refused.output.contains("runs PostgreSQL 15"), "\(refused.output)")
        #expect(!refused.output.contains("-D"), "the server was started: \(refused.output)")
        // The control: its own version's data starts the server (here, echo).
        let started = try Self.runStartScript(version: "15", dataVersion: "15")
        #expect(started.status == 0 && started.output.contains("-D"), "\(started.output)")
    }
}
