import Foundation
import Testing
@testable import RailyardBuild

/// Node: package managers, the `node_modules` layer and its inputs, local packages, and
/// package.json files that try to hurt.
struct NodeProviderTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let files: [String: String]
        let install: [String]
        let start: String?
        let layer: DependencyLayer?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "npm with a lock file", files: [
            "package.json": #"{"scripts":{"start":"node server.js"},"dependencies":{"express":"^4"}}"#, "package-lock.json": "{}",
            ".npmrc": "fund=false",
        ], install: ["npm ci"], start: "npm start",
             layer: DependencyLayer(folder: "node_modules", inputs: ["package.json", "package-lock.json", ".npmrc"])),
        Case(name: "npm without a lock file writes none", files: ["package.json": #"{"main":"src/app.js","dependencies":{"a":"1"}}"#],
             install: ["npm install --no-package-lock"], start: "node src/app.js",
             layer: DependencyLayer(folder: "node_modules", inputs: ["package.json"])),
        Case(name: "nothing to install, no layer", files: ["package.json": #"{"main":"index.js"}"#], install: [],
             start: "node index.js", layer: nil),
        Case(name: "pnpm by lock file", files: [
            "package.json": #"{"scripts":{"start":"next start"},"dependencies":{"next":"14"}}"#,
            "pnpm-lock.yaml": "lockfileVersion: '6.0'\n",
        ], install: ["npx --yes pnpm@8 install --frozen-lockfile"], start: "npm start",
             layer: DependencyLayer(folder: "node_modules", inputs: ["package.json", "pnpm-lock.yaml"])),
        Case(name: "pnpm by packageManager", files: [
            "package.json": #"{"packageManager":"pnpm@9.1.0+sha512.abc","main":"a.js","dependencies":{"x":"1"}}"#,
            "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
        ], install: ["npx --yes pnpm@9.1.0 install --frozen-lockfile"], start: "node a.js",
             layer: DependencyLayer(folder: "node_modules", inputs: ["package.json", "pnpm-lock.yaml"])),
        Case(name: "yarn 1", files: ["package.json": #"{"main":"a.js","dependencies":{"x":"1"}}"#, "yarn.lock": ""],
             install: ["npx --yes yarn@1 install --frozen-lockfile"], start: "node a.js",
             layer: DependencyLayer(folder: "node_modules", inputs: ["package.json", "yarn.lock"])),
        Case(name: "yarn 4 by packageManager keeps no layer", files: [
            "package.json": #"{"packageManager":"yarn@4.1.0","main":"a.js"}"#, "yarn.lock": "",
        ], install: ["corepack yarn install --immutable"], start: "node a.js", layer: nil),
        Case(name: "a local package with a bin", files: [
            "package.json": #"{"scripts":{"start":"greet"},"dependencies":{"greeter":"file:./tools/greeter","pkg":"file:vendor/pkg.tgz"}}"#,
            "package-lock.json": "{}", "tools/greeter/package.json": #"{"name":"greeter","bin":{"greet":"cli.js"}}"#,
            "tools/greeter/cli.js": "", "vendor/pkg.tgz": "",
        ], install: ["npm ci"], start: "npm start",
             layer: DependencyLayer(folder: "node_modules", inputs: ["package.json", "package-lock.json", "vendor/pkg.tgz"],
                                    inputFolders: ["tools/greeter"])),
        Case(name: "install scripts read the whole app", files: [
            "package.json": #"{"scripts":{"postinstall":"patch-package","start":"node a"},"dependencies":{"x":"1"}}"#,
        ], install: ["npm install --no-package-lock"], start: "npm start",
             layer: DependencyLayer(folder: "node_modules", inputs: ["package.json"], inputFolders: ["."])),
    ]

    @Test(arguments: cases)
    func plansNodeApps(_ example: Case) throws {
        let plan = try BuildPlanner.plan(InMemorySource(example.files))
        #expect(plan.provider == "node")
        #expect(plan.install == example.install)
        #expect(plan.start == example.start)
        #expect(plan.dependencies == example.layer)
        #expect(plan.path == ["/srv/app/node_modules/.bin"])
        #expect(plan.environment["NODE_ENV"] == "production")
        #expect(plan.environment["NPM_CONFIG_PRODUCTION"] == "false")
        #expect(plan.environment["CI"] == "true")
    }

    @Test(arguments: [
        "file:../shared", "file:/etc", "../outside", "/abs/path", "file:~/x", "file:tools/../../x", "link:../y",
    ])
    func localPackagesOutsideTheAppAreRefused(_ spec: String) {
        let files = ["package.json": #"{"main":"a.js","dependencies":{"dep":"\#(spec)"}}"#]
        #expect {
            try BuildPlanner.plan(InMemorySource(files))
        } throws: { error in
            (error as? PlanError)?.description.contains("outside the app") == true
        }
    }

    @Test func aLocalPackageThatIsMissingIsNamed() {
        #expect {
            try BuildPlanner.plan(InMemorySource(["package.json": #"{"main":"a.js","dependencies":{"dep":"file:./gone"}}"#]))
        } throws: { error in
            (error as? PlanError)?.description.contains("gone") == true
        }
    }

    @Test func hostilePackageJSONsFailInOneLine() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let wide = "{" + (0..<150_000).map { "\"k\($0)\":1" }.joined(separator: ",") + "}"
        for text in [deep, "{\"a\":" + deep + "}", wide, "[]", "\"x\"", "not json", String(repeating: "x", count: 2 << 20)] {
            #expect(throws: PlanError.self) { try BuildPlanner.plan(InMemorySource(["package.json": text])) }
        }
    }

    @Test func oddFieldTypesAreIgnored() throws {
        let plan = try BuildPlanner.plan(InMemorySource([
            "package.json": #"{"main":7,"scripts":{"start":["x"]},"engines":{"node":{"v":20}},"dependencies":{"a":3},"packageManager":"evil; rm -rf /@1"}"#,
        ]))
        #expect(plan.start == "npm start")
        #expect(plan.toolchainRequest == nil)
        #expect(plan.notes.contains { $0.contains("engines.node") })
        #expect(plan.install.isEmpty)
    }

    @Test func mainIsQuotedForTheShell() throws {
        let plan = try BuildPlanner.plan(InMemorySource(["package.json": #"{"main":"a b;rm -rf ~.js"}"#]))
        #expect(plan.start == "node 'a b;rm -rf ~.js'")
    }
}
