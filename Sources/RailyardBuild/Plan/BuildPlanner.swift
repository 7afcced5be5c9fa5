import RailyardCore

/// Decides how to build and run a source folder: the config file first (Railway's or ours),
/// then the first provider whose files are there, then a Procfile alone. Pure: reads a few
/// files through `SourceTree`, runs nothing.
public enum BuildPlanner {
    /// - Parameters:
    ///   - variables: the service's variables, for Railpack's and Nixpacks' knobs
    ///     (`RAILPACK_START_CMD`, `RAILPACK_PYTHON_VERSION`, …).
    ///   - toolchains: the interpreters the host has (`ToolchainCatalog.discover`), to match a
    ///     version the app asks for. The plan's `toolchain` is nil when the app asks for none.
    ///   - settings: the service's own settings (start command, health check, replicas,
    ///     restart policy), which apply where the config file says nothing.
    /// - Throws: `PlanError` when nothing can be built, no start command is known, or the app
    ///   asks for a version none of `toolchains` has (never a silent fall-back to another).
    public static func plan(
        _ source: any SourceTree, environment: String = Environment.defaultName, variables: [String: String] = [:],
        toolchains: [Toolchain] = [], settings: ServiceDeploySettings = ServiceDeploySettings()
    ) throws(PlanError) -> BuildPlan {
        let configFile: ConfigFileReader.Result?
        do {
            configFile = try ConfigFileReader.read(from: source)
        } catch {
            throw PlanError("invalid config file: \(error.description)")
        }
        let fromFile = configFile?.config.resolved(for: environment) ?? ServiceConfig()
        var config = fromFile
        config.deploy = fromFile.deploy.filled(from: settings)
        var notes = configFile?.notes ?? []
        notes += Self.settingNotes(file: fromFile.deploy, settings: settings, fileName: configFile?.file)

        let dockerfile = config.build.dockerfilePath ?? "Dockerfile"
        switch config.build.builder {
        case .dockerfile:
            guard source.exists(dockerfile) else {
                throw PlanError("build.builder is DOCKERFILE but \(dockerfile) does not exist")
            }
            throw PlanError(Self.dockerfileMessage(dockerfile))
        case nil where source.exists(dockerfile):
            throw PlanError(Self.dockerfileMessage(dockerfile))
        case .railpack?, .nixpacks?:
            if source.exists(dockerfile) { notes.append("\(dockerfile) ignored: build.builder asks for the detected provider") }
        case nil:
            break
        }

        let knobs = ProviderVariables(variables)
        let procfile = Procfile(source.read("Procfile"))
        // Start: the config file > the service's setting (both override whatever the builder
        // chose) > RAILPACK_START_CMD (Railpack's config) > a Procfile's web: > the provider.
        // Build: the config file's buildCommand > RAILPACK_BUILD_CMD > the provider.
        let startKnob = knobs.knob("START_CMD")
        let startOverride = config.deploy.startCommand ?? startKnob?.value ?? procfile?.web
        var plan: BuildPlan
        if let provider = providers.first(where: { $0.detect(source) }) {
            plan = try provider.plan(source, variables: knobs)
            if startOverride == nil, plan.start == nil, plan.staticRoot == nil { throw PlanError(provider.missingStart(source)) }
        } else if let startOverride {
            plan = BuildPlan(provider: config.deploy.startCommand != nil || startKnob != nil ? "command" : "procfile")
            plan.start = startOverride
        } else {
            let wanted = providers.map(\.lookedFor) + [
                "a Procfile with a web: process", "deploy.startCommand in \(ConfigFileReader.candidates.joined(separator: ", "))",
                "a RAILPACK_START_CMD variable",
            ]
            throw PlanError("nothing to build here: looked for " + wanted.joined(separator: "; "))
        }
        if let startOverride { plan.start = startOverride }

        if config.deploy.startCommand != nil {
            let source = fromFile.deploy.startCommand != nil ? configFile?.file ?? "config" : "the service's settings"
            notes.append("start command from \(source)" + (startKnob.map { " (it overrides \($0.variable))" } ?? ""))
        } else if let startKnob {
            notes.append("start command from the \(startKnob.variable) variable")
        } else if procfile?.web != nil {
            notes.append("start command from Procfile")
        }
        if let knob = knobs.knob("INSTALL_CMD") {
            plan.install = [knob.value]
            // A command of the user's own may install anywhere, from any file: nothing tells
            // which files key what it leaves, so nothing is kept between builds.
            plan.dependencies = nil
            notes.append("install command from the \(knob.variable) variable; installed afresh on every build")
        }
        if let release = procfile?.release { plan.preDeploy = [release] }
        if let commands = config.deploy.preDeployCommand { plan.preDeploy = commands }
        if let command = config.build.buildCommand {
            plan.build = [command]
        } else if let knob = knobs.knob("BUILD_CMD") {
            plan.build = [knob.value]
            notes.append("build command from the \(knob.variable) variable")
        }
        if let request = plan.toolchainRequest {
            let toolchain = try request.choose(from: toolchains)
            plan.toolchain = toolchain
            notes.append("\(ToolchainRequest.displayName(toolchain.language)) \(toolchain.version) from \(toolchain.bin) (\(request.source) asks for \(ToolchainRequest.shown(request.version)))")
        }
        if let layer = plan.dependencies {
            let keys = layer.inputs + layer.inputFolders.map { $0 == "." ? "the whole app" : $0 + "/" }
            notes.append("\(layer.folder) kept between builds while " + (keys.isEmpty ? "the toolchain is unchanged" : keys.joined(separator: ", ") + " and the toolchain are unchanged"))
        }
        plan.configFile = configFile?.file
        plan.healthcheckPath = config.deploy.healthcheckPath
        plan.healthcheckTimeout = config.deploy.healthcheckTimeout ?? plan.healthcheckTimeout
        plan.restartPolicy = config.deploy.restartPolicyType ?? plan.restartPolicy
        plan.restartPolicyMaxRetries = config.deploy.restartPolicyMaxRetries ?? plan.restartPolicyMaxRetries
        plan.numReplicas = config.deploy.numReplicas ?? plan.numReplicas
        plan.overlapSeconds = config.deploy.overlapSeconds ?? plan.overlapSeconds
        plan.drainingSeconds = config.deploy.drainingSeconds ?? plan.drainingSeconds
        plan.watchPatterns = config.build.watchPatterns ?? []
        plan.notes = notes + plan.notes
        return plan
    }

    /// What the service's settings changed, and which of them the config file overrode.
    static func settingNotes(file: ServiceConfig.Deploy, settings: ServiceDeploySettings, fileName: String?) -> [String] {
        let fields: [(String, Bool, Bool)] = [
            ("healthcheckPath", settings.healthcheckPath != nil, file.healthcheckPath != nil),
            ("healthcheckTimeout", settings.healthcheckTimeout != nil, file.healthcheckTimeout != nil),
            ("numReplicas", settings.numReplicas != nil, file.numReplicas != nil),
            ("restartPolicyType", settings.restartPolicyType != nil, file.restartPolicyType != nil),
            ("restartPolicyMaxRetries", settings.restartPolicyMaxRetries != nil, file.restartPolicyMaxRetries != nil),
        ]
        let applied = fields.filter { $0.1 && !$0.2 }.map(\.0)
        let overridden = fields.filter { $0.1 && $0.2 }.map(\.0) + (settings.startCommand != nil && file.startCommand != nil ? ["startCommand"] : [])
        var notes: [String] = []
        if !applied.isEmpty { notes.append("from the service's settings: " + applied.joined(separator: ", ")) }
        if !overridden.isEmpty {
            notes.append("\(fileName ?? "the config file") overrides the service's " + overridden.joined(separator: ", "))
        }
        return notes
    }

    static func dockerfileMessage(_ path: String) -> String {
        "\(path) found: building it needs a container runtime (Docker or Podman), which this Railyard does not use yet; "
            + "remove it, or set build.builder = \"RAILPACK\" in railyard.toml to build with the detected provider"
    }
}
