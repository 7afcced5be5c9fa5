import RailyardCore
import Testing

/// Which engine versions a database service may ask for and switch to (pure).
@Suite struct DatabaseVersionsTests {
    @Test func onlyMajorVersionsParse() {
        #expect(DatabaseVersions.parse("15") == "15")
        #expect(DatabaseVersions.parse(" 10.11 ") == "10.11")
        for bad in ["", "15.", ".15", "1.2.3", "15a", "../15", "15/bin", "15 16", "-1", "１５", String(repeating: "1", count: 13)] {
            #expect(DatabaseVersions.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func programsVersionStringsGiveTheEnginesMajorVersion() {
        #expect(DatabaseVersions.major(of: .redis, versionOutput: "Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64") == "7")
        #expect(DatabaseVersions.major(of: .mysql, versionOutput: "mariadbd  Ver 10.11.6-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64") == "10.11")
        #expect(DatabaseVersions.major(of: .postgres, versionOutput: "postgres (PostgreSQL) 15.10 (Debian 15.10-0+deb12u1)") == "15")
        #expect(DatabaseVersions.major(of: .redis, versionOutput: "something else") == nil)
        #expect(DatabaseVersions.major(of: .mysql, versionOutput: "Ver ") == nil)
    }

    @Test func aVersionTheHostLacksIsRefusedWithItsPackage() {
        let postgres = DatabaseVersions.installProblem(.postgres, requested: "16", installed: ["15"])
        #expect(postgres?.contains("apt-get install postgresql-16") == true, "\(postgres ?? "")")
        #expect(postgres?.contains("PostgreSQL 15") == true, "\(postgres ?? "")")
        #expect(DatabaseVersions.installProblem(.postgres, requested: "15", installed: ["16", "15"]) == nil)
        let redis = DatabaseVersions.installProblem(.redis, requested: "6", installed: ["7"])
        #expect(redis?.contains("one Redis version at a time") == true, "\(redis ?? "")")
        #expect(DatabaseVersions.installProblem(.mysql, requested: "10.11", installed: []) != nil)
    }

    @Test func aMajorVersionNeverChangesUnderData() {
        let installed = ["16", "15"]
        // Holding data: refused, saying how to move the data; the control (no data yet) passes.
        let refused = DatabaseVersions.changeProblem(.postgres, service: "pg", current: "15", requested: "16", installed: installed, holdsData: true)
        #expect(refused?.contains("backup create --service pg") == true && refused?.contains("--version 16") == true, "\(refused ?? "")")
        #expect(DatabaseVersions.changeProblem(.postgres, service: "pg", current: "15", requested: "16", installed: installed, holdsData: false) == nil)
        // The same version is no change, data or not.
        #expect(DatabaseVersions.changeProblem(.postgres, service: "pg", current: "15", requested: "15", installed: installed, holdsData: true) == nil)
        // A service added before versions were kept has no record of its data's version: it may
        // be set to any installed one (the start script refuses another version's data), so
        // that one whose host got a newer PostgreSQL can be set back to its own.
        #expect(DatabaseVersions.changeProblem(.postgres, service: "pg", current: nil, requested: "15", installed: installed, holdsData: true) == nil)
        // Redis and MariaDB run what is installed: their record may follow an upgrade.
        #expect(DatabaseVersions.changeProblem(.redis, service: "cache", current: "6", requested: "7", installed: ["7"], holdsData: true) == nil)
        #expect(DatabaseVersions.changeProblem(.redis, service: "cache", current: "7", requested: "6", installed: ["7"], holdsData: true) != nil)
        // Not installed comes first.
        let missing = DatabaseVersions.changeProblem(.postgres, service: "pg", current: "15", requested: "17", installed: installed, holdsData: false)
        #expect(missing?.contains("postgresql-17") == true, "\(missing ?? "")")
    }
}
