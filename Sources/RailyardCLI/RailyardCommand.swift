import ArgumentParser

/// The `railyard` binary: the control-plane server and its command-line client in one.
public struct RailyardCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "railyard",
        abstract: "A self-hosted application platform: build, run and serve your code.",
        subcommands: [
            ServerCommand.self, Setup.self,
            Login.self, Logout.self, Whoami.self,
            Init.self, Link.self, Status.self,
            ProjectCommand.self, ServiceCommand.self, EnvironmentCommand.self,
            Variables.self, Run.self, TokensCommand.self, MembersCommand.self, Audit.self, Plan.self,
            ServeStatic.self, EdgeProxyCommand.self, Up.self, Deploy.self, Redeploy.self, DomainCommand.self, VolumeCommand.self, Add.self, Connect.self, BackupCommand.self, Rollback.self, Restart.self, Down.self, DeploymentCommand.self, Logs.self,
        ])

    public init() {}
}
