/// An `index.html` at the root or in `public/`, `dist/` or `build/`, served by Railyard's own
/// static file server unless the user gives a start command.
struct StaticSiteProvider: BuildProvider {
    let name = "static"
    let lookedFor = "index.html at the root or in public/, dist/ or build/ (static site)"

    static let roots = ["", "public", "dist", "build"]

    func detect(_ source: any SourceTree) -> Bool {
        Self.roots.contains { source.exists($0.isEmpty ? "index.html" : "\($0)/index.html") }
    }

    func plan(_ source: any SourceTree, variables: ProviderVariables) throws(PlanError) -> BuildPlan {
        guard let root = Self.roots.first(where: { source.exists($0.isEmpty ? "index.html" : "\($0)/index.html") }) else {
            throw PlanError("no index.html found")
        }
        return BuildPlan(provider: name, staticRoot: root.isEmpty ? "." : root)
    }

    func missingStart(_ source: any SourceTree) -> String { "no index.html found" }
}
