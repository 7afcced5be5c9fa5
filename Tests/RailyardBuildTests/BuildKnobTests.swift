import Testing
@testable import RailyardBuild

/// Railpack's and Nixpacks' variables for install, build and start, and who wins over whom.
struct BuildKnobTests {
    static let app = ["requirements.txt": "flask\n", "main.py": "", "Procfile": "web: python main.py --web\n"]

    @Test func startCommandPrecedence() throws {
        // The variable beats the Procfile and the provider…
        let variable = try BuildPlanner.plan(InMemorySource(Self.app), variables: ["RAILPACK_START_CMD": "python main.py --v"])
        #expect(variable.start == "python main.py --v")
        #expect(variable.notes.contains("start command from the RAILPACK_START_CMD variable"))
        let nixpacks = try BuildPlanner.plan(InMemorySource(Self.app), variables: ["NIXPACKS_START_CMD": "python n.py"])
        #expect(nixpacks.start == "python n.py")
        // …and the config file, Railway's service setting, beats the variable.
        let config = try BuildPlanner.plan(
            InMemorySource(Self.app.merging(["railway.toml": "[deploy]\nstartCommand = \"gunicorn main:app\"\n"]) { $1 }),
            variables: ["RAILPACK_START_CMD": "python main.py --v"])
        #expect(config.start == "gunicorn main:app")
        #expect(config.notes.contains("start command from railway.toml (it overrides RAILPACK_START_CMD)"))
        // Blank is unset.
        #expect(try BuildPlanner.plan(InMemorySource(Self.app), variables: ["RAILPACK_START_CMD": "  "]).start == "python main.py --web")
        // A variable alone is enough to deploy a folder no provider knows.
        let bare = try BuildPlanner.plan(InMemorySource(["README": ""]), variables: ["RAILPACK_START_CMD": "./run"])
        #expect(bare.provider == "command")
        #expect(bare.start == "./run")
    }

    @Test func aCustomInstallDropsTheDependencyLayer() throws {
        let plain = try BuildPlanner.plan(InMemorySource(Self.app))
        #expect(plain.dependencies != nil)
        let custom = try BuildPlanner.plan(InMemorySource(Self.app), variables: ["RAILPACK_INSTALL_CMD": "pip install --user flask"])
        #expect(custom.install == ["pip install --user flask"])
        #expect(custom.dependencies == nil)
        #expect(custom.notes.contains { $0.hasPrefix("install command from the RAILPACK_INSTALL_CMD variable") })
        #expect(custom.path == ["/srv/app/.venv/bin"])
        let nixpacks = try BuildPlanner.plan(InMemorySource(Self.app), variables: ["NIXPACKS_INSTALL_CMD": "make deps"])
        #expect(nixpacks.install == ["make deps"])
    }

    @Test func buildCommandPrecedence() throws {
        let variable = try BuildPlanner.plan(InMemorySource(Self.app), variables: ["RAILPACK_BUILD_CMD": "make"])
        #expect(variable.build == ["make"])
        #expect(variable.notes.contains("build command from the RAILPACK_BUILD_CMD variable"))
        #expect(try BuildPlanner.plan(InMemorySource(Self.app), variables: ["NIXPACKS_BUILD_CMD": "make b"]).build == ["make b"])
        let config = try BuildPlanner.plan(
            InMemorySource(Self.app.merging(["railyard.toml": "[build]\nbuildCommand = \"make config\"\n"]) { $1 }),
            variables: ["RAILPACK_BUILD_CMD": "make"])
        #expect(config.build == ["make config"])
    }

    @Test func railpackWinsOverNixpacks() throws {
        let plan = try BuildPlanner.plan(
            InMemorySource(Self.app), variables: ["NIXPACKS_START_CMD": "nix", "RAILPACK_START_CMD": "rail"])
        #expect(plan.start == "rail")
    }
}
