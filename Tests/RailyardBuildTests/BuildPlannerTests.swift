import Foundation
import Testing
@testable import RailyardBuild
@testable import RailyardCore

struct BuildPlannerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let files: [String: String]
        let provider: String
        let install: [String]
        let build: [String]
        let start: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "python stdlib", files: ["requirements.txt": "# nothing\n", "main.py": "print()"], provider: "python",
             install: ["python3 -m venv --without-pip .venv"], build: [], start: "python main.py"),
        Case(name: "python with requirements", files: ["requirements.txt": "requests\n", "main.py": "print()"], provider: "python",
             install: ["python3 -m venv .venv", "pip install -r requirements.txt"],
             build: [], start: "python main.py"),
        Case(name: "python gunicorn", files: ["requirements.txt": "Flask==3.1\ngunicorn>=22 # server\n", "app.py": ""],
             provider: "python",
             install: ["python3 -m venv .venv", "pip install -r requirements.txt"],
             build: [], start: "gunicorn --bind 0.0.0.0:$PORT app:app"),
        Case(name: "python uvicorn in pyproject", files: ["pyproject.toml": "[project]\ndependencies = [\"uvicorn[standard]>=0.30\", \"fastapi\"]\n", "main.py": ""],
             provider: "python",
             install: ["python3 -m venv .venv", "pip install 'uvicorn[standard]>=0.30' fastapi"],
             build: [], start: "uvicorn main:app --host 0.0.0.0 --port $PORT"),
        Case(name: "python with Procfile", files: ["requirements.txt": "gunicorn", "Procfile": "web: gunicorn shop.wsgi\nrelease: python manage.py migrate\n"],
             provider: "python",
             install: ["python3 -m venv .venv", "pip install -r requirements.txt"],
             build: [], start: "gunicorn shop.wsgi"),
        Case(name: "node with lockfile and build", files: [
            "package.json": #"{"scripts":{"build":"tsc","start":"node dist/index.js"},"dependencies":{"x":"1"}}"#,
            "package-lock.json": "{}"], provider: "node", install: ["npm ci"], build: ["npm run build"], start: "npm start"),
        Case(name: "node without dependencies", files: ["package.json": #"{"main":"server.js"}"#], provider: "node",
             install: [], build: [], start: "node server.js"),
        Case(name: "node dependencies without lockfile", files: ["package.json": #"{"dependencies":{"a":"1"}}"#, "index.js": ""],
             provider: "node", install: ["npm install --no-package-lock"], build: [], start: "node index.js"),
        Case(name: "go", files: ["go.mod": "module x", "main.go": ""], provider: "go", install: [],
             build: ["go build -o .railyard/bin/app ."], start: "./.railyard/bin/app"),
        Case(name: "swift single executable", files: ["Package.swift": #"products: [ .executable(name: "api", targets: ["API"]) ]"#],
             provider: "swift", install: [], build: ["swift build -c release"], start: ".build/release/api"),
        Case(name: "swift executable target", files: ["Package.swift": #"targets: [ .executableTarget(name: "Server"), .target(name: "Lib") ]"#],
             provider: "swift", install: [], build: ["swift build -c release"], start: ".build/release/Server"),
        Case(name: "static at root", files: ["index.html": "<h1>"], provider: "static", install: [], build: [], start: nil),
        Case(name: "static in dist", files: ["dist/index.html": "<h1>"], provider: "static", install: [], build: [], start: nil),
        Case(name: "shell", files: ["start.sh": "exec ./server"], provider: "shell", install: [], build: [], start: "sh start.sh"),
        Case(name: "Procfile alone", files: ["Procfile": "web: ./run --port $PORT"], provider: "procfile", install: [], build: [],
             start: "./run --port $PORT"),
        Case(name: "python wins over static", files: ["requirements.txt": "", "app.py": "", "index.html": ""], provider: "python",
             install: ["python3 -m venv --without-pip .venv"], build: [], start: "python app.py"),
        Case(name: "config start command alone", files: ["railyard.toml": "[deploy]\nstartCommand = \"./bin/serve\"\n"],
             provider: "command", install: [], build: [], start: "./bin/serve"),
    ]

    @Test(arguments: cases)
    func detectsAndPlans(_ example: Case) throws {
        let plan = try BuildPlanner.plan(InMemorySource(example.files))
        #expect(plan.provider == example.provider)
        #expect(plan.install == example.install)
        #expect(plan.build == example.build)
        #expect(plan.start == example.start)
    }

    @Test func staticSitesNameTheirRoot() throws {
        #expect(try BuildPlanner.plan(InMemorySource(["public/index.html": ""])).staticRoot == "public")
        #expect(try BuildPlanner.plan(InMemorySource(["index.html": ""])).staticRoot == ".")
    }

    @Test func procfileReleaseIsThePreDeployCommand() throws {
        let plan = try BuildPlanner.plan(InMemorySource(["requirements.txt": "", "Procfile": "web: python app.py\nrelease: python migrate.py\n"]))
        #expect(plan.preDeploy == ["python migrate.py"])
        #expect(plan.notes.contains("start command from Procfile"))
    }

    @Test func nothingToBuildListsWhatWasLookedFor() {
        #expect {
            try BuildPlanner.plan(InMemorySource(["README.md": "hello"]))
        } throws: { error in
            let message = (error as? PlanError)?.description ?? ""
            return ["requirements.txt", "package.json", "go.mod", "Package.swift", "index.html", "start.sh", "Procfile", "startCommand"]
                .allSatisfy(message.contains)
        }
    }

    @Test func missingStartCommandsSayWhatToAdd() {
        #expect(throws: PlanError.self) { try BuildPlanner.plan(InMemorySource(["requirements.txt": "flask"])) }
        #expect(throws: PlanError.self) { try BuildPlanner.plan(InMemorySource(["package.json": "{}"])) }
        #expect(throws: PlanError.self) { try BuildPlanner.plan(InMemorySource(["package.json": "not json"])) }
        #expect(throws: PlanError.self) {
            try BuildPlanner.plan(InMemorySource(["Package.swift": #".executable(name: "a") .executable(name: "b")"#]))
        }
        // A start command from the config file fills the gap.
        let plan = try? BuildPlanner.plan(InMemorySource(["requirements.txt": "flask", "railway.toml": "[deploy]\nstartCommand = \"flask run\"\n"]))
        #expect(plan?.start == "flask run")
        #expect(plan?.provider == "python")
    }

    @Test func dockerfilesAreReportedNeverIgnored() throws {
        #expect {
            try BuildPlanner.plan(InMemorySource(["Dockerfile": "FROM x", "requirements.txt": "", "main.py": ""]))
        } throws: { error in
            (error as? PlanError)?.description.contains("container runtime") == true
        }
        let pinned = try BuildPlanner.plan(InMemorySource([
            "Dockerfile": "FROM x", "requirements.txt": "", "main.py": "", "railway.json": #"{"build":{"builder":"RAILPACK"}}"#,
        ]))
        #expect(pinned.provider == "python")
        #expect(pinned.notes.contains { $0.contains("Dockerfile ignored") })
        #expect(throws: PlanError.self) {
            try BuildPlanner.plan(InMemorySource(["railyard.json": #"{"build":{"builder":"DOCKERFILE"}}"#, "index.html": ""]))
        }
    }
}
