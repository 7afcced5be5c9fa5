import Foundation
import Testing
@testable import RailyardBuild

/// Python detection, install and start commands, PATH, variables and the `.venv` layer.
struct PythonProviderTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let files: [String: String]
        var install: [String]
        var build: [String] = []
        let start: String?
        var inputs: [String]
        var inputFolders: [String] = []
        var testDescription: String { name }
    }

    static let venv = "python3 -m venv .venv"
    static let bareVenv = "python3 -m venv --without-pip .venv"

    static let django: [String: String] = [
        "requirements.txt": "Django==5.1\ngunicorn==23.0\n",
        "manage.py": """
            #!/usr/bin/env python
            import os, sys
            def main():
                os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')
                from django.core.management import execute_from_command_line
                execute_from_command_line(sys.argv)
            """,
        "mysite/__init__.py": "",
        "mysite/settings.py": "ROOT_URLCONF = 'mysite.urls'\nWSGI_APPLICATION = 'mysite.wsgi.application'\n",
        "mysite/wsgi.py": "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
    ]

    static let cases: [Case] = [
        Case(name: "a bare main.py", files: ["main.py": "print('hi')"], install: [bareVenv], start: "python main.py", inputs: []),
        Case(name: "a bare bot.py", files: ["bot.py": ""], install: [bareVenv], start: "python bot.py", inputs: []),
        Case(name: "server.py before bot.py", files: ["server.py": "", "bot.py": ""], install: [bareVenv], start: "python server.py", inputs: []),
        Case(name: "requirements with an include", files: [
            "requirements.txt": "-r requirements/base.txt\n", "requirements/base.txt": "requests\n-c ../constraints.txt\n",
            "constraints.txt": "requests<3", "main.py": "",
        ], install: [venv, "pip install -r requirements.txt"], start: "python main.py",
             inputs: ["requirements.txt", "requirements/base.txt", "constraints.txt"]),
        Case(name: "requirements installing the app itself", files: ["requirements.txt": "-e .\nflask\n", "app.py": ""],
             install: [venv, "pip install -r requirements.txt"], start: "python app.py", inputs: ["requirements.txt"], inputFolders: ["."]),
        Case(name: "Flask with gunicorn", files: [
            "requirements.txt": "flask\ngunicorn\n", "server.py": "from flask import Flask\n\nweb = Flask(__name__)\n",
        ], install: [venv, "pip install -r requirements.txt"], start: "gunicorn --bind 0.0.0.0:$PORT server:web",
             inputs: ["requirements.txt"]),
        Case(name: "Flask without gunicorn", files: ["requirements.txt": "flask\n", "app.py": "app = flask.Flask(__name__)\n"],
             install: [venv, "pip install -r requirements.txt"], start: "python app.py", inputs: ["requirements.txt"]),
        Case(name: "FastAPI with uvicorn in a package", files: [
            "requirements.txt": "fastapi\nuvicorn[standard]\n", "app/__init__.py": "",
            "app/main.py": "from fastapi import FastAPI\n\napi: FastAPI = FastAPI(title='x')\n",
        ], install: [venv, "pip install -r requirements.txt"], start: "uvicorn app.main:api --host 0.0.0.0 --port $PORT",
             inputs: ["requirements.txt"]),
        Case(name: "FastAPI standard brings uvicorn", files: [
            "requirements.txt": "fastapi[standard]>=0.110\n", "main.py": "import fastapi\napp = fastapi.FastAPI()\n",
        ], install: [venv, "pip install -r requirements.txt"], start: "uvicorn main:app --host 0.0.0.0 --port $PORT",
             inputs: ["requirements.txt"]),
        Case(name: "Django with gunicorn", files: django, install: [venv, "pip install -r requirements.txt"],
             start: "gunicorn --bind 0.0.0.0:$PORT mysite.wsgi:application", inputs: ["requirements.txt"]),
        Case(name: "Django without gunicorn", files: django.merging(["requirements.txt": "django\n"]) { $1 },
             install: [venv, "pip install -r requirements.txt"], start: "python manage.py runserver 0.0.0.0:$PORT",
             inputs: ["requirements.txt"]),
        Case(name: "Django settings without WSGI_APPLICATION", files: django.merging(["mysite/settings.py": "DEBUG = False\n"]) { $1 },
             install: [venv, "pip install -r requirements.txt"], start: "gunicorn --bind 0.0.0.0:$PORT mysite.wsgi:application",
             inputs: ["requirements.txt"]),
        Case(name: "uv", files: [
            "pyproject.toml": "[project]\nname = \"x\"\ndependencies = [\"flask\"]\n", "uv.lock": "", "main.py": "",
        ], install: [venv, "python3 -m venv .venv/railyard-tools && .venv/railyard-tools/bin/pip install uv",
                     ".venv/railyard-tools/bin/uv sync --locked --no-dev --no-install-project"],
             start: "python main.py", inputs: ["pyproject.toml", "uv.lock"]),
        Case(name: "uv with a package", files: [
            "pyproject.toml": "[project]\nname = \"x\"\n[build-system]\nrequires = [\"hatchling\"]\n", "uv.lock": "", "main.py": "",
        ], install: [venv, "python3 -m venv .venv/railyard-tools && .venv/railyard-tools/bin/pip install uv",
                     ".venv/railyard-tools/bin/uv sync --locked --no-dev --no-install-project"],
             build: [".venv/railyard-tools/bin/uv sync --locked --no-dev --no-editable"],
             start: "python main.py", inputs: ["pyproject.toml", "uv.lock"]),
        Case(name: "Poetry", files: [
            "pyproject.toml": "[tool.poetry.dependencies]\ngunicorn = \"*\"\nflask = \"*\"\n", "poetry.lock": "",
            "app.py": "app = Flask(__name__)",
        ], install: [venv, "python3 -m venv .venv/railyard-tools && .venv/railyard-tools/bin/pip install poetry",
                     ".venv/railyard-tools/bin/poetry install --no-interaction --no-ansi --only main --no-root"],
             start: "gunicorn --bind 0.0.0.0:$PORT app:app", inputs: ["pyproject.toml", "poetry.lock"]),
        Case(name: "PDM", files: ["pyproject.toml": "[project]\nname = \"x\"\n", "pdm.lock": "", "main.py": ""],
             install: [venv, "python3 -m venv .venv/railyard-tools && .venv/railyard-tools/bin/pip install pdm",
                       ".venv/railyard-tools/bin/pdm install --check --prod --no-self --no-editable"],
             start: "python main.py", inputs: ["pyproject.toml", "pdm.lock"]),
        Case(name: "Pipfile with a lock", files: ["Pipfile": "[packages]\nrequests = \"*\"\n", "Pipfile.lock": "{}", "bot.py": ""],
             install: [venv, "python3 -m venv .venv/railyard-tools && .venv/railyard-tools/bin/pip install pipenv",
                       ".venv/railyard-tools/bin/pipenv install --deploy --ignore-pipfile"],
             start: "python bot.py", inputs: ["Pipfile", "Pipfile.lock"]),
        Case(name: "pyproject listing its dependencies", files: [
            "pyproject.toml": "[project]\nname = \"x\"\ndependencies = [\"gunicorn>=22\", \"flask ; python_version >= '3.9'\"]\n",
            "app.py": "app = Flask(__name__)",
        ], install: [venv, #"pip install 'gunicorn>=22' 'flask ; python_version >= '\''3.9'\'''"#],
             start: "gunicorn --bind 0.0.0.0:$PORT app:app", inputs: ["pyproject.toml"]),
        Case(name: "pyproject with dynamic dependencies", files: [
            "pyproject.toml": "[project]\nname = \"x\"\ndynamic = [\"dependencies\"]\n", "main.py": "",
        ], install: [venv, "pip install ."], start: "python main.py", inputs: ["pyproject.toml"], inputFolders: ["."]),
    ]

    @Test(arguments: cases)
    func plansPythonApps(_ example: Case) throws {
        let plan = try BuildPlanner.plan(InMemorySource(example.files))
        #expect(plan.provider == "python")
        #expect(plan.install == example.install)
        #expect(plan.build == example.build)
        #expect(plan.start == example.start)
        #expect(plan.dependencies == DependencyLayer(folder: ".venv", inputs: example.inputs, inputFolders: example.inputFolders))
        #expect(plan.path == ["/srv/app/.venv/bin"])
        #expect(plan.toolchain == nil)
    }

    @Test func railpacksVariablesAreSet() throws {
        let plan = try BuildPlanner.plan(InMemorySource(["main.py": ""]))
        #expect(plan.environment == [
            "VIRTUAL_ENV": "/srv/app/.venv", "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONFAULTHANDLER": "1",
            "PYTHONHASHSEED": "random", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_DEFAULT_TIMEOUT": "100",
        ])
        let uv = try BuildPlanner.plan(InMemorySource(["pyproject.toml": "", "uv.lock": "", "main.py": ""]))
        #expect(uv.environment["UV_PROJECT_ENVIRONMENT"] == "/srv/app/.venv")
        #expect(uv.environment["UV_PYTHON_DOWNLOADS"] == "never")
    }

    @Test func theIssuesLayouts() throws {
        // Flask with gunicorn started by railway.json.
        let flask = try BuildPlanner.plan(InMemorySource([
            "requirements.txt": "flask\ngunicorn\n", "main.py": "app = Flask(__name__)",
            "railway.json": #"{"deploy":{"startCommand":"gunicorn main:app"}}"#,
        ]))
        #expect(flask.start == "gunicorn main:app")
        #expect(flask.path == ["/srv/app/.venv/bin"])
        // A Procfile's web: process.
        let procfile = try BuildPlanner.plan(InMemorySource(["requirements.txt": "flask\ngunicorn\n", "Procfile": "web: gunicorn app:app\n"]))
        #expect(procfile.start == "gunicorn app:app")
        #expect(procfile.notes.contains("start command from Procfile"))
        // Django: migrations are the user's, said in a note.
        let django = try BuildPlanner.plan(InMemorySource(Self.django))
        #expect(django.notes.contains { $0.contains("python manage.py migrate") })
        #expect(django.preDeploy.isEmpty)
    }

    @Test func aLoneScriptDefersToOtherLanguages() throws {
        #expect(try BuildPlanner.plan(InMemorySource(["main.py": "", "go.mod": "module x"])).provider == "go")
        #expect(try BuildPlanner.plan(InMemorySource(["app.py": "", "package.json": #"{"main":"a.js"}"#])).provider == "node")
        #expect(try BuildPlanner.plan(InMemorySource(["requirements.txt": "", "main.py": "", "package.json": "{}"])).provider == "python")
        #expect(try BuildPlanner.plan(InMemorySource(["main.py": "", "index.html": ""])).provider == "python")
    }

    @Test func djangoNamesOnlyIdentifiersInTheCommand() throws {
        let hostile = Self.django.merging(["mysite/settings.py": "WSGI_APPLICATION = 'x; rm -rf /.application'\n"]) { $1 }
        let plan = try BuildPlanner.plan(InMemorySource(hostile))
        #expect(plan.start == "gunicorn --bind 0.0.0.0:$PORT mysite.wsgi:application")
        let named = try BuildPlanner.plan(InMemorySource(Self.django), variables: ["RAILPACK_DJANGO_APP_NAME": "other.wsgi"])
        #expect(named.start == "gunicorn --bind 0.0.0.0:$PORT other.wsgi:application")
    }

    @Test func brokenPyprojectIsReadAsText() throws {
        let plan = try BuildPlanner.plan(InMemorySource(["pyproject.toml": "[project\ndependencies = [\"uvicorn\", \"fastapi\"]", "main.py": ""]))
        #expect(plan.install == [Self.venv, "pip install ."])
        #expect(plan.start == "uvicorn main:app --host 0.0.0.0 --port $PORT")
        #expect(plan.notes.contains { $0.contains("pyproject.toml") && $0.contains("plain text") })
    }

    @Test func hostileManifestsAreReadAsTextOrSkipped() throws {
        let deep = "a = " + String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000) + "\n"
        let dotted = "[" + Array(repeating: "a", count: 20_000).joined(separator: ".") + "]\n"
        let huge = "[project]\ndependencies = [" + String(repeating: "\"x\", ", count: 200_000) + "]\n"
        for text in [deep, dotted, huge, String(repeating: "\u{0}", count: 1000)] {
            for file in ["pyproject.toml", "Pipfile"] {
                let plan = try BuildPlanner.plan(InMemorySource([file: text, "main.py": ""]))
                #expect(plan.provider == "python")
                #expect(plan.start == "python main.py")
            }
        }
        let lines = String(repeating: "-r requirements.txt\n", count: 10_000)
        #expect(try BuildPlanner.plan(InMemorySource(["requirements.txt": lines, "main.py": ""])).dependencies?.inputs == ["requirements.txt"])
    }

    @Test func requirementsOutsideTheAppAreNotRead() throws {
        let plan = try BuildPlanner.plan(InMemorySource(["requirements.txt": "-r ../../etc/passwd\n-r /etc/shadow\n", "main.py": ""]))
        #expect(plan.dependencies?.inputs == ["requirements.txt"])
        #expect(plan.notes.filter { $0.contains("outside the app") }.count == 2)
    }
}
