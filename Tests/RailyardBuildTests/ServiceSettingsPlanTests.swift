import Testing

@testable import RailyardBuild
import RailyardCore

/// Railway's order for a service's settings: the config file's environment block, then its
/// base values, then the service's settings, then what the build detects.
struct ServiceSettingsPlanTests {
    static let settings = ServiceDeploySettings(
        startCommand: "python serve.py", healthcheckPath: "/up", healthcheckTimeout: 30, numReplicas: 3,
        restartPolicyType: .always, restartPolicyMaxRetries: 2)

    @Test func settingsApplyWhereNothingElseSaysAndStartWhatNothingDetects() throws {
        // Python with no start command anywhere: refused without the setting, started with it.
        #expect(throws: PlanError.self) { try BuildPlanner.plan(InMemorySource(["requirements.txt": "flask"])) }
        let plan = try BuildPlanner.plan(InMemorySource(["requirements.txt": "flask"]), settings: Self.settings)
        #expect(plan.start == "python serve.py")
        #expect(plan.healthcheckPath == "/up" && plan.healthcheckTimeout == 30 && plan.numReplicas == 3)
        #expect(plan.restartPolicy == .always && plan.restartPolicyMaxRetries == 2)
        #expect(plan.notes.contains("start command from the service's settings"), "\(plan.notes)")
        #expect(plan.notes.contains { $0.hasPrefix("from the service's settings: healthcheckPath") }, "\(plan.notes)")
    }

    @Test func theSettingOverridesTheProcfileAndTheStartVariable() throws {
        let plan = try BuildPlanner.plan(
            InMemorySource(["requirements.txt": "", "Procfile": "web: gunicorn app:app\n"]), variables: ["RAILPACK_START_CMD": "flask run"],
            settings: ServiceDeploySettings(startCommand: "python serve.py"))
        #expect(plan.start == "python serve.py")
    }

    @Test func theConfigFileOverridesTheSettingsItSetsAndOnlyThose() throws {
        let files = [
            "requirements.txt": "",
            "railway.json": #"{"deploy": {"startCommand": "gunicorn app:app", "numReplicas": 2}, "environments": {"staging": {"deploy": {"healthcheckPath": "/staging"}}}}"#,
        ]
        let production = try BuildPlanner.plan(InMemorySource(files), environment: "production", settings: Self.settings)
        #expect(production.start == "gunicorn app:app" && production.numReplicas == 2)
        #expect(production.healthcheckPath == "/up" && production.restartPolicy == .always && production.healthcheckTimeout == 30)
        #expect(production.notes.contains("railway.json overrides the service's numReplicas, startCommand"), "\(production.notes)")
        let staging = try BuildPlanner.plan(InMemorySource(files), environment: "staging", settings: Self.settings)
        #expect(staging.healthcheckPath == "/staging" && staging.numReplicas == 2 && staging.restartPolicyMaxRetries == 2)
    }

    @Test func noSettingsLeaveThePlanAsDetected() throws {
        let files = ["requirements.txt": "", "Procfile": "web: gunicorn app:app\n"]
        let plain = try BuildPlanner.plan(InMemorySource(files))
        let empty = try BuildPlanner.plan(InMemorySource(files), settings: ServiceDeploySettings())
        #expect(plain == empty)
    }

    @Test func theRulesTrimCommandsAndRefuseWhatCannotRun() throws {
        #expect(try ServiceDeploySettings.startCommand(" \tnpm start\n").get() == "npm start")
        #expect(try ServiceDeploySettings.startCommand("\u{3000}é\u{3000}").get() == "é")
        for bad in ["", " \n", "\u{2028}\u{00a0}", "a\u{0}b", String(repeating: "a", count: 4097)] {
            #expect((try? ServiceDeploySettings.startCommand(bad).get()) == nil, "\(bad.prefix(10))")
        }
        #expect(ServiceDeploySettings.healthcheckPathProblem("/health?x=1&y=%20") == nil)
        for bad in ["", "health", "/a b", "/é", "/tab\t", "/" + String(repeating: "a", count: 1024)] {
            #expect(ServiceDeploySettings.healthcheckPathProblem(bad) != nil, "\(bad.prefix(10))")
        }
        let change = ServiceDeploySettings.Change(numReplicas: .some(65))
        guard case .failure(let problem) = change.checked() else { Issue.record("65 replicas accepted"); return }
        #expect(problem.field == "numReplicas")
        let removal = ServiceDeploySettings.Change(startCommand: .some(nil), numReplicas: .some(nil))
        #expect(removal.applied(to: Self.settings) == ServiceDeploySettings(
            healthcheckPath: "/up", healthcheckTimeout: 30, restartPolicyType: .always, restartPolicyMaxRetries: 2))
    }
}
