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
        <title>{{title}} · Railyard</title>
        <link rel="stylesheet" href="{{assets.css}}">
        <script src="{{assets.js}}" defer></script>
        </head>
        <body{{#watch}} data-watch="1" data-version="{{version}}"{{/watch}}>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="/">Railyard</a>
          {{#signedIn}}
          <nav aria-label="Account" class="account">
            <span class="who">{{email}}</span>
            <form method="post" action="/logout" class="inline">
              <input type="hidden" name="_csrf" value="{{csrf}}">
              <button type="submit" class="secondary">Sign out</button>
            </form>
          </nav>
          {{/signedIn}}
        </header>
        <main id="main">
        {{$main}}{{/main}}
        </main>
        </body>
        </html>
        """#

    static let login = #"""
        {{<layout}}
        {{$main}}
        <h1>Sign in</h1>
        {{#hasError}}<p class="error" role="alert">{{error}}</p>{{/hasError}}
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

    static let error = #"""
        {{<layout}}
        {{$main}}
        <h1>{{heading}}</h1>
        <p>{{message}}</p>
        <p><a href="/">Back to the projects</a></p>
        {{/main}}
        {{/layout}}
        """#

    static let setup = #"""
        {{<layout}}
        {{$main}}
        <h1>Set up Railyard</h1>
        <p>Make the first admin with the setup token the server printed at its first start (also in
        <code>setup-token</code> in its data folder).</p>
        {{#hasError}}<p class="error" role="alert">{{error}}</p>{{/hasError}}
        <form method="post" action="/setup" class="stack">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <label for="setup-token">Setup token</label>
          <input id="setup-token" name="token" required autocomplete="off">
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username" required value="{{email}}">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="new-password" required minlength="8">
          <label for="workspace-name">Workspace name</label>
          <input id="workspace-name" name="workspaceName" maxlength="64" placeholder="default" value="{{workspaceName}}">
          <button type="submit">Create the admin</button>
        </form>
        {{/main}}
        {{/layout}}
        """#

    static let accept = #"""
        {{<layout}}
        {{$main}}
        <h1>Join a workspace</h1>
        <p>This invite is for <strong>{{inviteEmail}}</strong>.</p>
        {{#hasError}}<p class="error" role="alert">{{error}}</p>{{/hasError}}
        <form method="post" action="/invites/accept" class="stack">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <input type="hidden" name="token" value="{{token}}">
          {{#existing}}<label for="password">The password of {{inviteEmail}}</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required>{{/existing}}
          {{^existing}}<label for="password">Choose a password</label>
          <input id="password" name="password" type="password" autocomplete="new-password" required minlength="8">{{/existing}}
          <button type="submit">Join</button>
        </form>
        {{/main}}
        {{/layout}}
        """#

    /// The variables table of a service page and of a project page's shared variables: rows from
    /// `variableRows`, each removed by a form posted to `variablesAction`.
    static let variableTable = #"""
        <div class="scroll">
        <table class="variables">
          <thead><tr><th scope="col">Name</th><th scope="col">Value</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
          {{#variableRows}}
          <tr>
            <td><code>{{variableName}}</code></td>
            <td>{{#masked}}<span class="muted">{{value}}</span>{{/masked}}{{^masked}}<code class="value">{{value}}</code>{{/masked}}</td>
            <td>{{#canChangeVariables}}
              <form method="post" action="{{variablesAction}}" class="inline">
                <input type="hidden" name="_csrf" value="{{csrf}}">
                <input type="hidden" name="unset" value="{{variableName}}">
                <button type="submit" class="secondary" aria-label="Remove {{variableName}}">Remove</button>
              </form>
            {{/canChangeVariables}}</td>
          </tr>
          {{/variableRows}}
          </tbody>
        </table>
        </div>
        """#

    /// Every template by name.
    static let all: [String: String] = [
        "layout": layout, "login": login, "projects": projects, "project": project, "service": service, "error": error,
        "workspace": workspace, "setup": setup, "accept": accept, "metrics": metrics, "variableTable": variableTable,
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
