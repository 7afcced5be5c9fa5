/// A `start.sh` at the root, run by `sh`.
struct ShellProvider: BuildProvider {
    let name = "shell"
    let lookedFor = "start.sh (shell)"

    func detect(_ source: any SourceTree) -> Bool { source.exists("start.sh") }

    func plan(_ source: any SourceTree, variables: ProviderVariables) throws(PlanError) -> BuildPlan {
        BuildPlan(provider: name, start: "sh start.sh")
    }

    func missingStart(_ source: any SourceTree) -> String { "add a start.sh or set deploy.startCommand" }
}
