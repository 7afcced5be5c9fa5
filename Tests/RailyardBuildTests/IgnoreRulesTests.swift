import Foundation
import Testing
@testable import RailyardBuild

struct IgnoreRulesTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let rules: String
        let path: String
        let directory: Bool
        let ignored: Bool
        var testDescription: String { "\(rules.replacingOccurrences(of: "\n", with: " | ")) on \(path)" }
    }

    static let cases: [Case] = [
        Case(rules: "*.log", path: "debug.log", directory: false, ignored: true),
        Case(rules: "*.log", path: "logs/deep/debug.log", directory: false, ignored: true),
        Case(rules: "*.log", path: "debug.logx", directory: false, ignored: false),
        Case(rules: "node_modules", path: "node_modules", directory: true, ignored: true),
        Case(rules: "node_modules", path: "web/node_modules", directory: true, ignored: true),
        Case(rules: "build/", path: "build", directory: true, ignored: true),
        Case(rules: "build/", path: "build", directory: false, ignored: false),
        Case(rules: "/dist", path: "dist", directory: true, ignored: true),
        Case(rules: "/dist", path: "web/dist", directory: true, ignored: false),
        Case(rules: "docs/*.md", path: "docs/a.md", directory: false, ignored: true),
        Case(rules: "docs/*.md", path: "docs/deep/a.md", directory: false, ignored: false),
        Case(rules: "docs/**/*.md", path: "docs/deep/er/a.md", directory: false, ignored: true),
        Case(rules: "docs/**/*.md", path: "docs/a.md", directory: false, ignored: true),
        Case(rules: "**/cache", path: "a/b/cache", directory: true, ignored: true),
        Case(rules: "secret/**", path: "secret/key.pem", directory: false, ignored: true),
        Case(rules: "*.env\n!example.env", path: "example.env", directory: false, ignored: false),
        Case(rules: "*.env\n!example.env", path: "prod.env", directory: false, ignored: true),
        Case(rules: "!example.env\n*.env", path: "example.env", directory: false, ignored: true),
        Case(rules: "file?.txt", path: "file1.txt", directory: false, ignored: true),
        Case(rules: "file?.txt", path: "file10.txt", directory: false, ignored: false),
        Case(rules: "[abc].py", path: "b.py", directory: false, ignored: true),
        Case(rules: "[!abc].py", path: "b.py", directory: false, ignored: false),
        Case(rules: "[0-9].txt", path: "7.txt", directory: false, ignored: true),
        Case(rules: "# a comment\n\n   \n", path: "# a comment", directory: false, ignored: false),
        Case(rules: "\\#hash", path: "#hash", directory: false, ignored: true),
        Case(rules: "trailing   ", path: "trailing", directory: false, ignored: true),
        Case(rules: "a*b", path: "a/b", directory: false, ignored: false),
    ]

    @Test(arguments: cases)
    func gitignoreSemantics(_ example: Case) {
        var rules = IgnoreRules()
        rules.add(example.rules)
        #expect(rules.ignores(example.path, isDirectory: example.directory) == example.ignored)
    }

    static func makeTree(_ files: [String: String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-select-\(UUID().uuidString)")
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return root
    }

    @Test func selectionHonoursTheThreeIgnoreFilesInOrderAndNeverSendsGit() throws {
        let root = try Self.makeTree([
            ".git/HEAD": "ref", ".gitignore": "dist/\n*.log\n.env\n", ".railwayignore": "tests/\n",
            ".railyardignore": "!dist/\n", "app.py": "", "dist/bundle.js": "", "debug.log": "", ".env": "SECRET=1",
            "tests/test_app.py": "", "src/module.py": "",
        ])
        let paths = try SourceSelection(root: root).entries().map(\.path)
        #expect(paths == [".gitignore", ".railwayignore", ".railyardignore", "app.py", "dist", "dist/bundle.js", "src", "src/module.py"])
        let withoutGit = try SourceSelection(root: root, useGitignore: false).entries().map(\.path)
        #expect(withoutGit.contains("debug.log"))
        #expect(withoutGit.contains(".env"))
        #expect(!withoutGit.contains("tests/test_app.py"))
        #expect(!withoutGit.contains { $0.hasPrefix(".git/") || $0 == ".git" })
    }

    @Test func executablesAndSymlinksAreRecorded() throws {
        let root = try Self.makeTree(["start.sh": "#!/bin/sh", "data.txt": "x"])
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.appendingPathComponent("start.sh").path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("link").path, withDestinationPath: "data.txt")
        let entries = try SourceSelection(root: root).entries()
        #expect(entries.first { $0.path == "start.sh" }?.kind == .file(size: 9, executable: true))
        #expect(entries.first { $0.path == "data.txt" }?.kind == .file(size: 1, executable: false))
        #expect(entries.first { $0.path == "link" }?.kind == .symlink(target: "data.txt"))
    }
}
