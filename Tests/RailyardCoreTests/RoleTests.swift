import Testing
@testable import RailyardCore

struct RoleTests {
    @Test(arguments: Action.allCases)
    func rolesAreCumulative(action: Action) {
        let allowed = Role.allCases.filter { $0.allows(action) }
        // Whoever may do it, every higher role may too.
        if let lowest = allowed.min() {
            #expect(allowed == Role.allCases.filter { $0 >= lowest })
        }
        #expect(Role.admin.allows(action))
    }

    @Test func viewerOnlyReads() {
        #expect(Action.allCases.filter { Role.viewer.allows($0) } == [.read])
        #expect(!Role.viewer.allows(.readVariableValues))
    }

    @Test func memberCannotAdminister() {
        for action in [Action.deleteProject, .manageMembers, .manageTokens, .readAudit] {
            #expect(!Role.member.allows(action))
        }
        for action in [Action.changeProject, .changeService, .changeEnvironment, .changeVariables, .deploy,
                       .deleteEnvironment, .deleteService] {
            #expect(Role.member.allows(action))
        }
    }

    /// Environment tokens deploy and read; nothing that deletes, renames or administers.
    @Test func environmentTokensOnlyReadDeployAndSetVariables() {
        #expect(Action.allCases.filter(\.allowedForEnvironmentTokens) == [.read, .readVariableValues, .changeVariables, .deploy])
    }
}
