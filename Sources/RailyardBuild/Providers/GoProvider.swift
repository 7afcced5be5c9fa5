/// Go modules: built into `.railyard/bin/app` with the host's `go`.
struct GoProvider: BuildProvider {
    let name = "go"
    let lookedFor = "go.mod (Go)"

    func detect(_ source: any SourceTree) -> Bool { source.exists("go.mod") }

    func plan(_ source: any SourceTree, variables: ProviderVariables) throws(PlanError) -> BuildPlan {
        BuildPlan(provider: name, build: ["go build -o .railyard/bin/app ."], start: "./.railyard/bin/app")
    }

    func missingStart(_ source: any SourceTree) -> String { "Go app with no start command: set deploy.startCommand" }
}
