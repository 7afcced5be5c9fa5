/// Python apps, as Railpack builds them: always a virtualenv at `.venv` (so `python`, `pip`
/// and the app's scripts in a start command are the app's own), filled by pip from
/// requirements.txt, or by uv, Poetry, PDM or Pipenv from their lock files, or by pip from
/// pyproject's listed dependencies. Package managers are installed into
/// `.venv/railyard-tools`, never into the app's environment or the host.
struct PythonProvider: BuildProvider {
    let name = "python"
    let lookedFor = "requirements.txt, pyproject.toml, Pipfile or main.py/app.py (Python)"

    /// Files that make a folder a Python app whatever else is there.
    static let manifests = ["requirements.txt", "pyproject.toml", "Pipfile"]
    /// Scripts that make it one when no other language's manifest is there; also the files
    /// `python FILE` starts, in this order.
    static let entryFiles = ["main.py", "app.py", "server.py", "start.py", "bot.py", "hello.py"]
    static let otherManifests = ["package.json", "go.mod", "Package.swift"]

    static let venv = ".venv"
    static let tools = ".venv/railyard-tools"

    /// Railpack's variables for every Python build and app.
    static let environment = [
        "VIRTUAL_ENV": "\(appFolder)/.venv",
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONFAULTHANDLER": "1",
        "PYTHONHASHSEED": "random",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_DEFAULT_TIMEOUT": "100",
    ]

    func detect(_ source: any SourceTree) -> Bool {
        if Self.manifests.contains(where: source.exists) { return true }
        if Self.otherManifests.contains(where: source.exists) { return false }
        return source.exists("manage.py") || Self.entryFiles.contains(where: source.exists)
    }

    func plan(_ source: any SourceTree, variables: ProviderVariables) throws(PlanError) -> BuildPlan {
        let manifest = PythonManifest(source)
        var plan = BuildPlan(provider: name)
        plan.path = ["\(appFolder)/.venv/bin"]
        plan.environment = Self.environment
        plan.notes = manifest.notes
        plan.toolchainRequest = manifest.toolchainRequest(source, variables: variables)

        // Every way starts with the virtualenv. `python3`: the chosen toolchain's (or the
        // host's) may have no plain `python`; the venv then provides one.
        let createVenv = "python3 -m venv \(Self.venv)"
        // With nothing to install, no pip: ensurepip takes about three seconds, the bare
        // virtualenv (which still makes `python` the app's) a twentieth of one.
        let bareVenv = "python3 -m venv --without-pip \(Self.venv)"
        var inputs: [String] = []
        var inputFolders: [String] = manifest.readsLocalCode ? ["."] : []
        func tool(_ package: String) -> String { "python3 -m venv \(Self.tools) && \(Self.tools)/bin/pip install \(package)" }
        func existing(_ files: [String]) -> [String] { files.filter(source.exists) }

        if !manifest.requirementFiles.isEmpty {
            inputs = manifest.requirementFiles
            plan.install = manifest.dependencyNames.isEmpty && !manifest.readsLocalCode
                ? [bareVenv] : [createVenv, "pip install -r requirements.txt"]
        } else if source.exists("pyproject.toml"), source.exists("uv.lock") {
            inputs = existing(["pyproject.toml", "uv.lock", "uv.toml", ".python-version"])
            plan.environment.merge([
                "UV_PROJECT_ENVIRONMENT": "\(appFolder)/.venv", "UV_PYTHON": "\(appFolder)/.venv/bin/python",
                "UV_PYTHON_DOWNLOADS": "never", "UV_LINK_MODE": "copy", "UV_COMPILE_BYTECODE": "1",
            ]) { $1 }
            // The project itself needs its code: it is installed by the build step, as Railpack
            // does, so the install reads only the dependency files.
            plan.install = [createVenv, tool("uv"), "\(Self.tools)/bin/uv sync --locked --no-dev --no-install-project"]
            if manifest.isPackage { plan.build = ["\(Self.tools)/bin/uv sync --locked --no-dev --no-editable"] }
        } else if source.exists("pyproject.toml"), source.exists("poetry.lock") {
            inputs = existing(["pyproject.toml", "poetry.lock", "poetry.toml"])
            plan.environment["POETRY_VIRTUALENVS_IN_PROJECT"] = "true"
            plan.install = [createVenv, tool("poetry"), "\(Self.tools)/bin/poetry install --no-interaction --no-ansi --only main --no-root"]
        } else if source.exists("pyproject.toml"), source.exists("pdm.lock") {
            inputs = existing(["pyproject.toml", "pdm.lock", "pdm.toml"])
            plan.environment["PDM_CHECK_UPDATE"] = "false"
            plan.install = [createVenv, tool("pdm"), "\(Self.tools)/bin/pdm install --check --prod --no-self --no-editable"]
        } else if source.exists("pyproject.toml") {
            inputs = ["pyproject.toml"]
            if let dependencies = manifest.projectDependencies {
                // The listed dependencies, not the project: the install reads pyproject.toml alone.
                plan.install = dependencies.isEmpty
                    ? [bareVenv] : [createVenv, "pip install " + dependencies.map(Shell.quoted).joined(separator: " ")]
            } else {
                plan.install = [createVenv, "pip install ."]
                inputFolders = ["."]
                plan.notes.append("pyproject.toml does not list its dependencies: `pip install .` reads the whole app, so they are reinstalled whenever the code changes (add a uv.lock or poetry.lock to avoid it)")
            }
        } else if source.exists("Pipfile") {
            inputs = existing(["Pipfile", "Pipfile.lock"])
            plan.environment.merge(["PIPENV_VENV_IN_PROJECT": "1", "PIPENV_CHECK_UPDATE": "false", "PIPENV_IGNORE_VIRTUALENVS": "1"]) { $1 }
            let install = source.exists("Pipfile.lock") ? "pipenv install --deploy --ignore-pipfile" : "pipenv install --skip-lock"
            plan.install = [createVenv, tool("pipenv"), "\(Self.tools)/bin/\(install)"]
        } else {
            plan.install = [bareVenv]
        }
        plan.dependencies = DependencyLayer(folder: Self.venv, inputs: inputs, inputFolders: inputFolders)

        let start = startCommand(source, manifest: manifest, variables: variables)
        plan.start = start.command
        plan.notes += start.notes
        return plan
    }

    func missingStart(_ source: any SourceTree) -> String {
        "Python app with no start command: add a Procfile (web: …), a main.py or app.py, or deploy.startCommand in railyard.toml"
    }
}
