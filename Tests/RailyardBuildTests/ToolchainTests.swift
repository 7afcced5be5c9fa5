import Foundation
import Testing
@testable import RailyardBuild

/// Version requests: reading them, matching them against the host's toolchains, saying so when
/// nothing matches, and finding the toolchains on disk.
struct ToolchainTests {
    static func python(_ version: String) -> Toolchain {
        Toolchain(language: "python", version: version, bin: "/t/python/\(version)/bin", root: "/t/python/\(version)")
    }

    static func node(_ version: String) -> Toolchain {
        Toolchain(language: "node", version: version, bin: "/t/node/\(version)/bin", root: "/t/node/\(version)")
    }

    static let host = [python("3.11.2")] + ["3.6.15", "3.9.18", "3.12.1", "3.12.9", "3.13.0"].map(python)
        + ["20.20.2", "18.19.0", "21.7.3", "22.4.1", "16.20.2"].map(node)

    @Test(arguments: [
        ("python", "3.12", "3.12.9"), ("python", "3.12.1", "3.12.1"), ("python", "3.12.*", "3.12.9"), ("python", "==3.12.*", "3.12.9"),
        ("python", ">=3.11", "3.13.0"), ("python", ">=3.9,<3.12", "3.11.2"), ("python", "~=3.11", "3.13.0"),
        ("python", "~=3.12.0", "3.12.9"), ("python", ">=3.9, !=3.13.*", "3.12.9"), ("python", "^3.11", "3.13.0"),
        ("python", "3", "3.13.0"), ("python", "3.11", "3.11.2"), ("python", " 3.9 \n", "3.9.18"), ("python", "<=3.12", "3.12.9"),
        ("python", ">3.12", "3.13.0"), ("python", "<3.12", "3.11.2"),
        ("node", "20", "20.20.2"), ("node", "v20", "20.20.2"), ("node", "20.x", "20.20.2"), ("node", ">=18 <21", "20.20.2"),
        ("node", ">= 18 < 21", "20.20.2"), ("node", "^20", "20.20.2"), ("node", "~21.7", "21.7.3"), ("node", "~20.1", nil),
        ("node", "lts/*", "22.4.1"), ("node", "lts/hydrogen", "18.19.0"), ("node", "16 || 18", "18.19.0"),
        ("node", "^16 || ^18.2", "18.19.0"), ("node", "18 - 20", "20.20.2"), ("node", "*", "22.4.1"), ("node", "latest", "22.4.1"),
        ("node", ">22", nil), ("node", "22.4.1", "22.4.1"), ("node", "=18.19.0", "18.19.0"), ("node", "19", nil),
    ] as [(String, String, String?)])
    func requestsChooseTheNewestMatch(language: String, version: String, expected: String?) {
        let request = ToolchainRequest(language: language, version: version, source: "test")
        let chosen = try? request.choose(from: Self.host)
        #expect(chosen?.version == expected)
        #expect(chosen == nil || chosen?.language == language)
    }

    @Test func noMatchSaysWhatWasAskedWhereAndWhatThereIs() throws {
        let plan = { (files: [String: String]) in try BuildPlanner.plan(InMemorySource(files), toolchains: Self.host) }
        #expect {
            try plan(["main.py": "", "runtime.txt": "python-3.8.10\n"])
        } throws: { error in
            (error as? PlanError)?.description ==
                "runtime.txt asks for Python 3.8.10; this server has Python 3.6.15, 3.9.18, 3.11.2, 3.12.1, 3.12.9, 3.13.0 "
                + "(add toolchains with `railyard server --toolchains DIR`, or change runtime.txt)"
        }
        #expect {
            try BuildPlanner.plan(InMemorySource(["package.json": #"{"main":"a.js"}"#, ".nvmrc": "lts/iron"]))
        } throws: { error in
            (error as? PlanError)?.description.hasPrefix(".nvmrc asks for Node lts/iron; this server has no Node toolchain") == true
        }
        #expect {
            try plan(["main.py": "", ".python-version": "pypy3.10-7.3.12"])
        } throws: { error in
            (error as? PlanError)?.description.contains("not a version Railyard understands") == true
        }
    }

    @Test func requestsAreReadByPrecedence() throws {
        func chosen(_ files: [String: String], _ variables: [String: String] = [:]) throws -> (String?, String?) {
            let plan = try BuildPlanner.plan(InMemorySource(files), variables: variables, toolchains: Self.host)
            return (plan.toolchain?.version, plan.toolchainRequest?.source)
        }
        let python: [String: String] = [
            "main.py": "", "runtime.txt": "python-3.11.7", ".python-version": "3.12\n",
            "pyproject.toml": "[project]\nrequires-python = \">=3.9\"\n", "uv.lock": "",
        ]
        #expect(try chosen(python, ["RAILPACK_PYTHON_VERSION": "3.9"]) == ("3.9.18", "RAILPACK_PYTHON_VERSION"))
        #expect(try chosen(python, ["NIXPACKS_PYTHON_VERSION": "3.13"]) == ("3.13.0", "NIXPACKS_PYTHON_VERSION"))
        #expect(try chosen(python.merging(["runtime.txt": "python-3.11"]) { $1 }) == ("3.11.2", "runtime.txt"))
        #expect(try chosen(python.filter { $0.key != "runtime.txt" }) == ("3.12.9", ".python-version"))
        #expect(try chosen(python.filter { $0.key != "runtime.txt" && $0.key != ".python-version" })
            == ("3.13.0", "pyproject.toml requires-python"))
        #expect(try chosen(["main.py": "", ".python-version": "system"]) == (nil, nil))
        #expect(try chosen(["main.py": "", ".tool-versions": "nodejs 20\npython 3.9.18 # pinned\n"]) == ("3.9.18", ".tool-versions"))
        #expect(try chosen(["package.json": "{}", "index.js": "", ".tool-versions": "python 3.9\nnodejs 18\n"]) == ("18.19.0", ".tool-versions"))
        #expect(try chosen(["Pipfile": "[requires]\npython_version = \"3.9\"\n", "main.py": ""]) == ("3.9.18", "Pipfile [requires] python_version"))

        let node: [String: String] = [
            "package.json": #"{"main":"a.js","engines":{"node":">=18 <21"}}"#, ".nvmrc": "v18\n", ".node-version": "21",
        ]
        #expect(try chosen(node, ["RAILPACK_NODE_VERSION": "22"]) == ("22.4.1", "RAILPACK_NODE_VERSION"))
        #expect(try chosen(node) == ("18.19.0", ".nvmrc"))
        #expect(try chosen(node.filter { $0.key != ".nvmrc" }) == ("21.7.3", ".node-version"))
        #expect(try chosen(node.filter { $0.key == "package.json" }) == ("20.20.2", "package.json engines.node"))
        #expect(try chosen(["package.json": #"{"main":"a.js"}"#]) == (nil, nil))
    }

    @Test func hugeVersionStringsAreRefusedBriefly() {
        let huge = String(repeating: "3", count: 1 << 20)
        for files in [["main.py": "", ".python-version": huge], ["main.py": "", "runtime.txt": "python-" + huge],
                      ["package.json": #"{"main":"a.js","engines":{"node":"\#(huge.prefix(1 << 19))"}}"#]] {
            #expect {
                try BuildPlanner.plan(InMemorySource(files), toolchains: Self.host)
            } throws: { error in
                let message = (error as? PlanError)?.description ?? ""
                return message.contains("not a version") && message.utf8.count < 400
            }
        }
        #expect(VersionRequirement(String(repeating: "1.", count: 40) + "1") == nil)
        #expect(VersionRequirement("99999999999999999999") == nil)
        #expect(ToolchainVersion("99999999999999999999.1") == nil)
    }

    @Test func theChoiceIsNoted() throws {
        let plan = try BuildPlanner.plan(InMemorySource(["main.py": "", ".python-version": "3.12"]), toolchains: Self.host)
        #expect(plan.toolchain == Self.python("3.12.9"))
        #expect(plan.notes.contains("Python 3.12.9 from /t/python/3.12.9/bin (.python-version asks for 3.12)"))
    }

    // MARK: Discovery

    /// A fake interpreter: a script that prints `output` (to stderr when asked) and exits.
    static func fake(_ path: String, prints output: String, toStandardError: Bool = false) throws {
        try fake(path, script: "echo '\(output)'" + (toStandardError ? " >&2" : ""))
    }

    static func fake(_ path: String, script: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try "#!/bin/sh\n\(script)\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    @Test func discoversBothLayoutsAndSkipsWhatDoesNotAnswer() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("toolchains-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.fake(folder + "/python/3.12.1/bin/python3", prints: "Python 3.12.1")
        try Self.fake(folder + "/3.10.4/bin/python3", prints: "Python 3.10.4", toStandardError: true)
        try Self.fake(folder + "/node/20.1.0/bin/node", prints: "v20.1.0")
        try Self.fake(folder + "/broken/bin/python3", prints: "no version here")
        try Self.fake(folder + "/slow/bin/node", script: "sleep 30")
        try FileManager.default.createSymbolicLink(atPath: folder + "/alias", withDestinationPath: folder + "/3.10.4")

        let found = await ToolchainCatalog.discover(folders: [folder], searchPath: "", timeLimit: .seconds(2))
        #expect(Set(found.map { "\($0.language) \($0.version) \($0.bin) \($0.root)" }) == [
            "python 3.12.1 \(folder)/python/3.12.1/bin \(folder)/python/3.12.1",
            "python 3.10.4 \(folder)/3.10.4/bin \(folder)/3.10.4",
            "node 20.1.0 \(folder)/node/20.1.0/bin \(folder)/node/20.1.0",
        ])
    }

    @Test func discoversTheHostsPython() async throws {
        let found = await ToolchainCatalog.discover(folders: [])
        let python = try #require(found.first { $0.language == "python" })
        #expect(ToolchainVersion(python.version) != nil)
        #expect(FileManager.default.isExecutableFile(atPath: python.bin + "/python3"))
        #expect(!python.bin.contains("shims"))
        #expect(python.bin.hasPrefix(python.root + "/"))
    }
}
