import ArgumentParser

struct MembersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "members", abstract: "Invite people, list members, change roles.",
        subcommands: [MembersInvite.self, MembersAccept.self, MembersList.self, MembersRole.self])
}
