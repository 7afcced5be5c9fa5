/// Swift packages: `swift build -c release`, then the package's one executable.
struct SwiftProvider: BuildProvider {
    let name = "swift"
    let lookedFor = "Package.swift (Swift)"

    func detect(_ source: any SourceTree) -> Bool { source.exists("Package.swift") }

    func plan(_ source: any SourceTree, variables: ProviderVariables) throws(PlanError) -> BuildPlan {
        var plan = BuildPlan(provider: name, build: ["swift build -c release"])
        let products = Self.executableNames(source.read("Package.swift") ?? "")
        if products.count == 1, let product = products.first { plan.start = ".build/release/" + Shell.quoted(product) }
        return plan
    }

    func missingStart(_ source: any SourceTree) -> String {
        let products = Self.executableNames(source.read("Package.swift") ?? "")
        return products.isEmpty
            ? "Package.swift declares no executable: add one, or set deploy.startCommand"
            : "Package.swift declares several executables (\(products.sorted().joined(separator: ", "))): set deploy.startCommand to the one to run"
    }

    /// Names from `.executable(name: "x"` products, else `.executableTarget(name: "x"` targets.
    static func executableNames(_ manifest: String) -> Set<String> {
        func names(after marker: String) -> Set<String> {
            var found: Set<String> = []
            var rest = manifest[...]
            while let range = rest.range(of: marker) {
                rest = rest[range.upperBound...]
                let afterName = rest.drop { $0 == " " || $0 == "\n" || $0 == "\t" }
                guard afterName.hasPrefix("name:") else { continue }
                let value = afterName.dropFirst(5).drop { $0 == " " }
                guard value.hasPrefix("\"") else { continue }
                let name = value.dropFirst().prefix { $0 != "\"" }
                if !name.isEmpty { found.insert(String(name)) }
            }
            return found
        }
        let products = names(after: ".executable(")
        return products.isEmpty ? names(after: ".executableTarget(") : products
    }
}
