import Testing
@testable import RailyardCore

struct DeploymentStateMachineTests {
    /// Every allowed pair, written out by hand: the table the state machine must match exactly.
    static let allowed: Set<String> = [
        "QUEUED>BUILDING", "QUEUED>DEPLOYING", "QUEUED>FAILED", "QUEUED>SKIPPED", "QUEUED>REMOVED",
        "BUILDING>DEPLOYING", "BUILDING>FAILED", "BUILDING>SKIPPED", "BUILDING>REMOVED",
        "DEPLOYING>SUCCESS", "DEPLOYING>FAILED", "DEPLOYING>CRASHED", "DEPLOYING>REMOVED",
        "SUCCESS>CRASHED", "SUCCESS>REMOVED",
        "CRASHED>DEPLOYING", "CRASHED>REMOVED",
    ]

    @Test(arguments: DeploymentStatus.allCases, DeploymentStatus.allCases)
    func transitions(from: DeploymentStatus, to: DeploymentStatus) {
        let expected = Self.allowed.contains("\(from.rawValue)>\(to.rawValue)")
        #expect(DeploymentStateMachine.canTransition(from: from, to: to) == expected)
        if expected {
            #expect((try? DeploymentStateMachine.transition(from: from, to: to)) == to)
        } else {
            #expect(throws: RailyardError.self) { try DeploymentStateMachine.transition(from: from, to: to) }
        }
    }

    @Test func terminalStatusesHaveNoSuccessor() {
        for status in DeploymentStatus.allCases where status.isTerminal {
            #expect(DeploymentStateMachine.allowedNext(after: status).isEmpty)
        }
    }
}
