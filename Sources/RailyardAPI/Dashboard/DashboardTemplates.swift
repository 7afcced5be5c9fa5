import Mustache

/// The dashboard's pages, as Mustache templates in the binary (one binary: no files beside it).
/// Every value is written with `{{name}}`, which escapes it for HTML; the unescaped forms
/// (`{{{ }}}`, `{{& }}`), pragmas and delimiter changes are never used (a test reads every
/// template for them), no value is written inside a script or a style, and every attribute is
/// quoted. View models carry strings already formatted (no optionals: Mustache looks a missing
/// name up in the enclosing context).
enum DashboardTemplates {
    static let layout = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="csrf-token" content="{{csrf}}">
        <title>{{$title}}Railyard{{/title}} · Railyard</title>
        <link rel="stylesheet" href="{{assets.css}}">
        <script src="{{assets.js}}" defer></script>
        </head>
        <body>
        <header class="top">
          <a class="brand" href="/">Railyard</a>
          {{#signedIn}}
          <nav aria-label="Account">
            <span class="who">{{email}}</span>
            <form method="post" action="/logout" class="inline">
              <input type="hidden" name="_csrf" value="{{csrf}}">
              <button type="submit">Sign out</button>
            </form>
          </nav>
          {{/signedIn}}
        </header>
        <main id="main">
        {{#flash}}<p class="flash" role="status">{{flash}}</p>{{/flash}}
        {{$main}}{{/main}}
        </main>
        </body>
        </html>
        """#

    static let login = #"""
        {{<layout}}
        {{$title}}Sign in{{/title}}
        {{$main}}
        <h1>Sign in</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/login" class="stack">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username" required value="{{email}}">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required>
          <button type="submit">Sign in</button>
        </form>
        {{/main}}
        {{/layout}}
        """#

    static let projects = #"""
        {{<layout}}
        {{$title}}Projects{{/title}}
        {{$main}}
        <h1>Projects</h1>
        {{#hasProjects}}
        <ul class="cards">
          {{#projects}}
          <li class="card"><a href="/projects/{{id}}">{{name}}</a><span class="muted">{{workspace}}</span></li>
          {{/projects}}
        </ul>
        {{/hasProjects}}
        {{^hasProjects}}<p class="muted">No projects yet.</p>{{/hasProjects}}
        {{#canCreate}}
        <form method="post" action="/projects" class="row">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <label for="name">New project</label>
          <input id="name" name="name" required maxlength="64">
          <button type="submit">Create</button>
        </form>
        {{/canCreate}}
        {{/main}}
        {{/layout}}
        """#

    static let project = #"""
        {{<layout}}
        {{$title}}{{name}}{{/title}}
        {{$main}}
        <p><a href="/">Projects</a> / {{name}}</p>
        <h1>{{name}}</h1>
        <p class="muted">Environments: {{#environments}}<span class="tag">{{name}}</span> {{/environments}}</p>
        <h2>Services</h2>
        {{^services}}<p class="muted">No services yet.</p>{{/services}}
        <ul class="cards">
          {{#services}}
          <li class="card">
            <a href="/services/{{id}}">{{name}}</a>
            <span class="status status-{{statusClass}}">{{status}}</span>
            <span class="muted">{{kind}}</span>
          </li>
          {{/services}}
        </ul>
        {{#canChange}}
        <form method="post" action="/projects/{{id}}/services" class="row">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <label for="service-name">New service</label>
          <input id="service-name" name="name" required maxlength="32">
          <button type="submit">Create</button>
        </form>
        {{/canChange}}
        {{/main}}
        {{/layout}}
        """#

    static let service = #"""
        {{<layout}}
        {{$title}}{{name}}{{/title}}
        {{$main}}
        <p><a href="/">Projects</a> / <a href="/projects/{{projectID}}">{{projectName}}</a> / {{name}}</p>
        <h1>{{name}}</h1>
        <h2>Deployments</h2>
        {{^deployments}}<p class="muted">No deployments yet: <code>railyard up --service {{name}}</code></p>{{/deployments}}
        <table class="deployments">
          <thead><tr><th scope="col">Status</th><th scope="col">Source</th><th scope="col">Message</th><th scope="col">Created</th></tr></thead>
          <tbody>
          {{#deployments}}
          <tr>
            <td><span class="status status-{{statusClass}}">{{status}}</span></td>
            <td>{{source}}</td>
            <td>{{message}}</td>
            <td><time datetime="{{createdAt}}">{{createdAt}}</time></td>
          </tr>
          {{/deployments}}
          </tbody>
        </table>
        {{/main}}
        {{/layout}}
        """#

    static let error = #"""
        {{<layout}}
        {{$title}}{{heading}}{{/title}}
        {{$main}}
        <h1>{{heading}}</h1>
        <p>{{message}}</p>
        <p><a href="/">Back to the projects</a></p>
        {{/main}}
        {{/layout}}
        """#

    /// Every template by name.
    static let all: [String: String] = [
        "layout": layout, "login": login, "projects": projects, "project": project, "service": service, "error": error,
    ]

    /// The templates, parsed once. A template that does not parse is a programming error that
    /// `DashboardTests` catches before any server runs it; a server would answer 500 pages.
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in all {
            if let template = try? MustacheTemplate(string: text) { library.register(template, named: name) }
        }
        return library
    }()
}
