import Foundation
import Testing
@testable import RailyardCore

/// The reference resolver, attacked as a tenant would attack it: every input here is a value
/// or a name a tenant sets.
struct VariableResolverTests {
    typealias Key = VariableResolver.Key

    static func resolver(
        shared: [String: String] = [:], sealedShared: Set<String> = [], _ services: [String: [String: String]],
        sealed: [String: Set<String>] = [:], platform: [String: [String: String]] = [:]
    ) -> VariableResolver {
        var all: [String: VariableResolver.Variables] = [:]
        for (name, values) in services {
            all[name] = VariableResolver.Variables(values: values, sealed: sealed[name] ?? [], platform: platform[name] ?? [:])
        }
        return VariableResolver(shared: VariableResolver.Variables(values: shared, sealed: sealedShared), services: all)
    }

    static func values(_ resolved: [VariableResolver.Resolved]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: resolved.map { ($0.name, $0.value) })
    }

    // MARK: Parsing

    @Test(arguments: [
        ("plain", [VariableTemplate.Part.text("plain")]),
        ("", []),
        ("${{A}}", [.reference(VariableReference(scope: .same, name: "A"))]),
        ("${{ shared.TOKEN }}", [.reference(VariableReference(scope: .shared, name: "TOKEN"))]),
        ("${{Postgres.PGUSER}}", [.reference(VariableReference(scope: .service("postgres"), name: "PGUSER"))]),
        ("x${{db.A}}y${{B}}", [.text("x"), .reference(VariableReference(scope: .service("db"), name: "A")), .text("y"),
                              .reference(VariableReference(scope: .same, name: "B"))]),
        ("$ {{A}} ${A} {{A}} $$", [.text("$ {{A}} ${A} {{A}} $$")]),
        ("${{A}}}", [.reference(VariableReference(scope: .same, name: "A")), .text("}")]),
        ("héllo ${{A}} wörld", [.text("héllo "), .reference(VariableReference(scope: .same, name: "A")), .text(" wörld")]),
    ])
    func templatesParse(value: String, parts: [VariableTemplate.Part]) throws {
        #expect(try VariableTemplate(parsing: value).parts == parts, "\(value)")
    }

    @Test(arguments: [
        "${{", "${{A", "abc ${{A}", "${{}}", "${{ }}", "${{a.b.C}}", "${{a.${{b}}}}", "${{.A}}", "${{db.}}",
        "${{A-B}}", "${{1A}}", "${{Web App.X}}", "${{db.A B}}", "${{db..A}}", "${{-db.A}}", "${{db.A\n}}",
        "${{\u{0}}}", "${{shared.}}", "${{\(String(repeating: "A", count: 129))}}",
    ])
    func malformedTemplatesAreRefused(value: String) {
        #expect(throws: VariableTemplate.Problem.self, "\(value.debugDescription)") { try VariableTemplate(parsing: value) }
    }

    /// The message of a problem says nothing of the value, so it may be shown for a sealed one.
    @Test func problemsDoNotRepeatTheValue() {
        for value in ["secret-${{", "secret ${{not a name}}"] {
            do {
                _ = try VariableTemplate(parsing: value)
                Issue.record("\(value) parsed")
            } catch {
                #expect(!error.detail.contains("secret"))
                #expect(!error.detail.contains("not a name"))
            }
        }
    }

    // MARK: Resolving

    @Test func referencesResolveAndCompose() throws {
        let resolver = Self.resolver(
            shared: ["REGION": "eu", "GREETING": "hi from ${{shared.REGION}}"],
            ["web": ["URL": "postgres://${{db.PGUSER}}@${{db.RAILWAY_PRIVATE_DOMAIN}}:5432/app", "R": "${{shared.REGION}}",
                     "SELF": "${{R}}-${{R}}", "G": "${{shared.GREETING}}", "LITERAL": "no refs"],
             "db": ["PGUSER": "${{shared.REGION}}user"]],
            platform: ["db": ["RAILWAY_PRIVATE_DOMAIN": "db.railway.internal"]])
        let resolved = Self.values(try resolver.resolve(service: "web"))
        #expect(resolved == [
            "URL": "postgres://euuser@db.railway.internal:5432/app", "R": "eu", "SELF": "eu-eu", "G": "hi from eu",
            "LITERAL": "no refs",
        ])
        #expect(Self.values(try resolver.resolveShared()) == ["REGION": "eu", "GREETING": "hi from eu"])
    }

    /// Platform variables win over a value the service sets; defaults lose to it.
    @Test func platformVariablesWinAndDefaultsLose() throws {
        var resolver = Self.resolver(["web": ["A": "${{api.RAILWAY_SERVICE_NAME}} ${{api.RAILWAY_PUBLIC_DOMAIN}} ${{b.RAILWAY_PUBLIC_DOMAIN}}"],
                                      "api": ["RAILWAY_SERVICE_NAME": "forged", "RAILWAY_PUBLIC_DOMAIN": "mine.example.com"],
                                      "b": [:]])
        resolver.services["api"]?.platform = ["RAILWAY_SERVICE_NAME": "api"]
        resolver.services["api"]?.defaults = ["RAILWAY_PUBLIC_DOMAIN": "api.localhost"]
        resolver.services["b"]?.defaults = ["RAILWAY_PUBLIC_DOMAIN": "b.localhost"]
        #expect(Self.values(try resolver.resolve(service: "web"))["A"] == "api mine.example.com b.localhost")
    }

    @Test func platformVariablesOfAService() {
        let project = Project(id: .generate(), workspaceID: .generate(), name: "Shop", createdAt: Date())
        let environment = Environment(id: .generate(), projectID: project.id, name: "production", createdAt: Date())
        let service = Service(id: .generate(), projectID: project.id, name: "api", createdAt: Date())
        let fixed = PlatformVariables.fixed(project: project, environment: environment, service: service)
        #expect(fixed["RAILWAY_PRIVATE_DOMAIN"] == "api.railway.internal")
        #expect(fixed["RAILYARD_PRIVATE_DOMAIN"] == "api.railyard.internal")
        #expect(fixed["RAILWAY_SERVICE_NAME"] == "api")
        #expect(fixed["RAILWAY_SERVICE_ID"] == service.id.rawValue)
        #expect(fixed["RAILWAY_ENVIRONMENT_NAME"] == "production")
        let custom = Domain(id: .generate(), serviceID: service.id, environmentID: environment.id, hostname: "shop.example.com",
                            kind: .custom, targetPort: nil, createdAt: Date())
        let generated = Domain(id: .generate(), serviceID: service.id, environmentID: environment.id, hostname: "api-shop.localhost",
                               kind: .generated, targetPort: nil, createdAt: Date())
        #expect(PlatformVariables.defaults(domains: [custom, generated])["RAILWAY_PUBLIC_DOMAIN"] == "api-shop.localhost")
        #expect(PlatformVariables.defaults(domains: [custom])["RAILWAY_PUBLIC_DOMAIN"] == "shop.example.com")
        #expect(PlatformVariables.defaults(domains: []).isEmpty)
    }

    /// A service another project holds is simply not in the resolver: its name is unknown.
    @Test(arguments: [
        "${{other.SECRET}}", "${{MISSING}}", "${{shared.MISSING}}", "${{db.MISSING}}", "x ${{db.A}} ${{nope.B}}",
    ])
    func unknownReferencesAreErrors(value: String) {
        let resolver = Self.resolver(["web": ["V": value], "db": ["A": "1"]])
        #expect {
            try resolver.resolve(service: "web")
        } throws: { error in
            guard let error = error as? VariableResolutionError else { return false }
            return error.isUnknownReference && error.variable == Key(.service("web"), "V")
        }
    }

    @Test(arguments: [
        (["web": ["A": "${{A}}"]], "web.A → web.A"),
        (["web": ["A": "${{B}}", "B": "x${{A}}"]], "web.A → web.B → web.A"),
        (["web": ["A": "${{b.Y}}"], "b": ["Y": "${{web.A}}"]], "web.A → b.Y → web.A"),
        (["web": ["A": "${{shared.S}}"], "b": ["Y": "${{web.A}}"]], "web.A → shared.S → b.Y → web.A"),
        (["web": ["A": "ok ${{B}}", "B": "${{C}}", "C": "${{B}}"]], "web.B → web.C → web.B"),
    ])
    func cyclesAreErrorsWithTheirPath(services: [String: [String: String]], path: String) {
        let resolver = Self.resolver(shared: ["S": "${{b.Y}}"], services)
        do {
            _ = try resolver.resolve(service: "web")
            Issue.record("resolved")
        } catch {
            #expect(error.isCycle)
            #expect(error.description.hasSuffix(path), "\(error.description)")
        }
    }

    /// 100 variables each referring to the next, on one service and across 100 services.
    @Test func longChainsResolve() throws {
        var values: [String: String] = ["V100": "end"]
        for index in 0..<100 { values["V\(index)"] = "${{V\(index + 1)}}" }
        #expect(Self.values(try Self.resolver(["web": values]).resolve(service: "web"))["V0"] == "end")

        var services: [String: [String: String]] = ["s100": ["V": "end"]]
        for index in 0..<100 { services["s\(index)"] = ["V": "${{s\(index + 1).V}}"] }
        #expect(Self.values(try Self.resolver(services).resolve(service: "s0"))["V"] == "end")
    }

    /// A chain far longer than any stack would take by recursion, and a cycle through all of it.
    @Test func veryLongChainsNeitherOverflowNorLoop() throws {
        var values: [String: String] = ["V20000": "end"]
        for index in 0..<20_000 { values["V\(index)"] = "${{V\(index + 1)}}" }
        #expect(Self.values(try Self.resolver(["web": values]).resolve(service: "web"))["V0"] == "end")
        values["V20000"] = "${{V0}}"
        #expect(throws: VariableResolutionError.self) { try Self.resolver(["web": values]).resolve(service: "web") }
    }

    /// Each value doubles the one before: without a bound, 40 of them would make a terabyte.
    @Test func compositionCannotGrowWithoutBound() {
        var values: [String: String] = ["V0": "xxxxxxxx"]
        for index in 1...40 { values["V\(index)"] = "${{V\(index - 1)}}${{V\(index - 1)}}" }
        do {
            _ = try Self.resolver(["web": values]).resolve(service: "web")
            Issue.record("resolved")
        } catch {
            #expect(error.isTooLarge)
        }
    }

    /// Many values just under the limit each, together past the total bound.
    @Test func theTotalIsBounded() {
        let big = String(repeating: "y", count: VariableResolver.maximumValueBytes - 10)
        var values: [String: String] = ["BIG": big]
        for index in 0..<300 { values["V\(index)"] = "\(index)${{BIG}}" }
        do {
            _ = try Self.resolver(["web": values]).resolve(service: "web")
            Issue.record("resolved")
        } catch {
            #expect(error.isTooLarge)
        }
    }

    @Test func aHugeValueWithoutReferencesIsLeftAlone() throws {
        let big = String(repeating: "z", count: 1_000_000)
        #expect(Self.values(try Self.resolver(["web": ["A": big]]).resolve(service: "web"))["A"] == big)
    }

    /// A value made with a sealed one is sealed too; errors never show a sealed value or what
    /// it refers to.
    @Test func sealingSpreadsAndErrorsKeepSecrets() throws {
        let resolver = Self.resolver(
            shared: ["KEY": "s3cr3t"], sealedShared: ["KEY"],
            ["web": ["URL": "https://u:${{shared.KEY}}@h", "PLAIN": "p", "OWN": "hunter2"]], sealed: ["web": ["OWN"]])
        let resolved = try resolver.resolve(service: "web")
        #expect(resolved.first { $0.name == "URL" }?.sealed == true)
        #expect(resolved.first { $0.name == "URL" }?.value == "https://u:s3cr3t@h")
        #expect(resolved.first { $0.name == "OWN" }?.sealed == true)
        #expect(resolved.first { $0.name == "PLAIN" }?.sealed == false)

        let broken = Self.resolver(["web": ["S": "hunter2 ${{secretname.X}}", "T": "hunter2 ${{", "U": "hunter2 ${{a b}}"]],
                                   sealed: ["web": ["S", "T", "U"]])
        for name in ["S", "T", "U"] {
            do {
                try broken.check([Key(.service("web"), name)])
                Issue.record("\(name) resolved")
            } catch {
                #expect(!error.description.contains("hunter2"), "\(error.description)")
                #expect(!error.description.contains("secretname"), "\(error.description)")
                #expect(!error.description.contains("a b"), "\(error.description)")
            }
        }
    }

    /// `shared` always names the shared variables, even when a service is called that.
    @Test func sharedIsNotAServiceName() throws {
        let resolver = Self.resolver(shared: ["A": "from shared"], ["shared": ["A": "from service"], "web": ["X": "${{shared.A}}"]])
        #expect(Self.values(try resolver.resolve(service: "web"))["X"] == "from shared")
    }

    @Test func checkFindsOnlyWhatItIsAskedFor() throws {
        let resolver = Self.resolver(["web": ["GOOD": "${{db.A}}", "BAD": "${{db.NOPE}}"], "db": ["A": "1"]])
        try resolver.check([Key(.service("web"), "GOOD")])
        #expect(throws: VariableResolutionError.self) { try resolver.check([Key(.service("web"), "BAD")]) }
        #expect(try resolver.resolve(service: "nobody").isEmpty)
    }
}
