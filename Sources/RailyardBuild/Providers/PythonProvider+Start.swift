extension PythonProvider {
    struct Start {
        var command: String?
        var notes: [String] = []
    }

    /// Files that may hold the app object of a web framework, in the order looked at.
    static let moduleFiles = entryFiles + [
        "api.py", "wsgi.py", "asgi.py", "app/main.py", "app/app.py", "app/__init__.py", "src/main.py", "src/app.py",
    ]

    /// Django with gunicorn (else its development server), FastAPI with uvicorn, Flask with
    /// gunicorn, else `python FILE`. Commands are run by `/bin/sh -c` with `.venv/bin` first on
    /// PATH, so they name `gunicorn` and `python` plainly, and bind `0.0.0.0:$PORT`.
    func startCommand(_ source: any SourceTree, manifest: PythonManifest, variables: ProviderVariables) -> Start {
        let entry = Self.entryFiles.first(where: source.exists)
        let plain = entry.map { "python \($0)" }

        if source.exists("manage.py"), manifest.uses("django") || source.read("manage.py")?.contains("django") == true {
            let migrate = "Django: migrations are not run for you; add `release: python manage.py migrate` to a Procfile, or set deploy.preDeployCommand"
            if manifest.uses("gunicorn"), let module = Self.djangoWSGIModule(source, variables: variables) {
                return Start(command: "gunicorn --bind 0.0.0.0:$PORT \(module.module):\(module.callable)", notes: [migrate])
            }
            let why = manifest.uses("gunicorn")
                ? "Django: no WSGI_APPLICATION found (set RAILPACK_DJANGO_APP_NAME=project.wsgi), so its development server runs"
                : "Django without gunicorn: its development server runs; add gunicorn to the dependencies for a production server"
            return Start(command: "python manage.py runserver 0.0.0.0:$PORT", notes: [migrate, why])
        }
        if manifest.uses("fastapi") {
            guard manifest.uses("uvicorn"), let app = Self.appObject(source, constructor: "FastAPI") ?? entry.map({ (Self.module($0), "app") })
            else { return Start(command: plain) }
            return Start(command: "uvicorn \(app.module):\(app.name) --host 0.0.0.0 --port $PORT")
        }
        if manifest.uses("flask") {
            guard manifest.uses("gunicorn"), let app = Self.appObject(source, constructor: "Flask") ?? entry.map({ (Self.module($0), "app") })
            else { return Start(command: plain) }
            return Start(command: "gunicorn --bind 0.0.0.0:$PORT \(app.module):\(app.name)")
        }
        return Start(command: plain)
    }

    /// `mysite.wsgi` and `application` from `WSGI_APPLICATION = "mysite.wsgi.application"` in
    /// the settings module that manage.py names, else `PROJECT/wsgi.py`'s module, else the
    /// `RAILPACK_DJANGO_APP_NAME` variable (Railpack's: the module, `mysite.wsgi`) first.
    static func djangoWSGIModule(_ source: any SourceTree, variables: ProviderVariables) -> (module: String, callable: String)? {
        if let knob = variables.knob("DJANGO_APP_NAME"), isModuleName(knob.value) { return (knob.value, "application") }
        guard let manage = source.read("manage.py"),
              let line = manage.split(whereSeparator: \.isNewline).first(where: { $0.contains("DJANGO_SETTINGS_MODULE") }),
              let settings = quotedStrings(line).first(where: { $0 != "DJANGO_SETTINGS_MODULE" }), isModuleName(settings)
        else { return nil }
        let path = settings.replacingOccurrences(of: ".", with: "/")
        for file in [path + ".py", path + "/__init__.py", path + "/base.py"] {
            guard let text = source.read(file),
                  let line = text.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("WSGI_APPLICATION") }),
                  let target = quotedStrings(line).first, isModuleName(target), let dot = target.lastIndex(of: ".")
            else { continue }
            return (String(target[..<dot]), String(target[target.index(after: dot)...]))
        }
        let project = settings.split(separator: ".").first.map(String.init) ?? settings
        return source.exists("\(project)/wsgi.py") ? ("\(project).wsgi", "application") : nil
    }

    /// The module and name of a top-level `NAME = Constructor(` (or `NAME = flask.Flask(`,
    /// `NAME: FastAPI = FastAPI(`) in the first of `moduleFiles` that has one.
    static func appObject(_ source: any SourceTree, constructor: String) -> (module: String, name: String)? {
        for file in moduleFiles {
            guard let text = source.read(file), text.contains(constructor + "(") else { continue }
            for line in text.split(whereSeparator: \.isNewline) {
                guard let call = line.range(of: constructor + "("), let first = line.first, first.isLetter || first == "_" else { continue }
                var left = line[..<call.lowerBound]
                if left.hasSuffix(".") {  // a module qualifier: `fastapi.`
                    left = left.dropLast()
                    while let last = left.last, last.isLetter || last.isNumber || last == "_" { left = left.dropLast() }
                }
                let assignment = left.trimmingCharacters(in: .whitespaces)
                guard assignment.hasSuffix("="), !assignment.hasSuffix("==") else { continue }
                let target = assignment.dropLast().split(separator: ":").first?.trimmingCharacters(in: .whitespaces) ?? ""
                if isModuleName(target), !target.contains(".") { return (module(file), target) }
            }
        }
        return nil
    }

    /// `app/main.py` → `app.main`, `app/__init__.py` → `app`.
    static func module(_ file: String) -> String {
        var path = String(file.dropLast(3))
        if path.hasSuffix("/__init__") { path = String(path.dropLast(9)) }
        return path.replacingOccurrences(of: "/", with: ".")
    }

    /// Dotted Python identifiers only: they go into a shell command unquoted.
    static func isModuleName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 200 && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            guard let first = part.first, first.isASCII, first.isLetter || first == "_" else { return false }
            return part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        }
    }

    /// The contents of the '…' and "…" strings on a line.
    static func quotedStrings(_ line: Substring) -> [String] {
        var strings: [String] = []
        var rest = line[...]
        while let open = rest.firstIndex(where: { $0 == "\"" || $0 == "'" }) {
            let quote = rest[open]
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: quote) else { break }
            strings.append(String(after[..<close]))
            rest = after[after.index(after: close)...]
        }
        return strings
    }
}
