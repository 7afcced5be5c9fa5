/// The pages of projects, services and workspaces (the sign-in, setup and error pages and the
/// layout: `DashboardTemplates`). The same rules: `{{name}}` only, attributes quoted.
extension DashboardTemplates {
    static let projects = #"""
        {{<layout}}
        {{$main}}
        <h1>Projects</h1>
        {{#searchable}}
        <form method="get" action="/" class="row" role="search">
          <label for="project-search">Find a project</label>
          <input id="project-search" name="q" type="search" value="{{query}}" maxlength="64">
          <button type="submit" class="secondary">Find</button>
        </form>
        {{/searchable}}
        <section id="project-list" data-live>
        <p class="muted">{{summary}}</p>
        {{#hasProjects}}
        <ul class="cards">
          {{#projects}}
          <li class="card"><a href="/projects/{{projectID}}">{{name}}</a><span class="muted">{{workspace}}</span></li>
          {{/projects}}
        </ul>
        {{/hasProjects}}
        {{^hasProjects}}<p class="muted">No projects here.</p>{{/hasProjects}}
        {{#paged}}
        <nav class="row" aria-label="Pages">
          {{#hasPrevious}}<a href="{{previous}}" rel="prev">Previous</a>{{/hasPrevious}}
          <span class="muted">Page {{pageNumber}}</span>
          {{#hasNext}}<a href="{{next}}" rel="next">Next</a>{{/hasNext}}
        </nav>
        {{/paged}}
        </section>
        <h2>Workspaces</h2>
        <ul class="plain row">{{#memberships}}<li><a href="/workspaces/{{workspaceID}}">{{name}}</a> <span class="muted">({{role}})</span></li>{{/memberships}}</ul>
        {{#canCreate}}
        <form method="post" action="/projects" class="row">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <label for="project-name">New project</label>
          <input id="project-name" name="name" required maxlength="64">
          {{#chooseWorkspace}}
          <label for="workspace">in</label>
          <select id="workspace" name="workspaceId">
            {{#workspaces}}<option value="{{workspaceID}}">{{name}}</option>{{/workspaces}}
          </select>
          {{/chooseWorkspace}}
          <button type="submit">Create</button>
        </form>
        {{/canCreate}}
        {{/main}}
        {{/layout}}
        """#

    static let project = #"""
        {{<layout}}
        {{$main}}
        <nav class="crumbs" aria-label="Breadcrumb"><a href="/">Projects</a> / {{name}}</nav>
        <h1>{{name}}</h1>
        <nav aria-label="Environments" class="row tabs">
          {{#environments}}<a href="/projects/{{projectID}}?environmentId={{environmentID}}"{{#selected}} aria-current="page"{{/selected}}>{{name}}</a>{{/environments}}
        </nav>
        <h2>Services</h2>
        <section id="service-list" data-live>
        {{^hasServices}}<p class="muted">No services yet.</p>{{/hasServices}}
        <ul class="cards">
          {{#services}}
          <li class="card">
            <a href="/services/{{serviceID}}{{query}}">{{name}}</a>
            <span class="status status-{{statusClass}}">{{status}}</span>
            {{#hasURL}}<a href="{{url}}" class="muted">{{hostname}}</a>{{/hasURL}}
            <span class="muted">{{kind}}{{#deployed}} · <time datetime="{{lastDeployed}}">{{lastDeployed}}</time>{{/deployed}}</span>
            {{#hasReplicas}}<span class="muted">{{healthy}} of {{replicaCount}} replicas healthy</span>{{/hasReplicas}}
            {{#hasVolume}}<span class="muted">volume at <code>{{volumePath}}</code>, {{volumeSize}}</span>{{/hasVolume}}
          </li>
          {{/services}}
        </ul>
        </section>
        {{#canChange}}
        <form method="post" action="/projects/{{projectID}}/services" class="row">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <label for="service-name">New service</label>
          <input id="service-name" name="name" required maxlength="32">
          <label for="service-repository">Repository (optional)</label>
          <input id="service-repository" name="repository" type="url" placeholder="https://…">
          <button type="submit">Create</button>
        </form>
        {{/canChange}}
        <h2>Shared variables <span class="muted">in {{environmentName}}</span></h2>
        <section id="shared" data-live>
        {{^hasShared}}<p class="muted">None. Services refer to them as <code>{{sharedReference}}</code>.</p>{{/hasShared}}
        {{#hasShared}}
        {{>variableTable}}
        {{/hasShared}}
        </section>
        {{#canChangeVariables}}
        <form method="post" action="/environments/{{environmentID}}/variables" class="row" id="set-shared">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <label for="shared-name">Name</label>
          <input id="shared-name" name="name" required maxlength="256" autocomplete="off">
          <label for="shared-value">Value</label>
          <input id="shared-value" name="value" autocomplete="off">
          <label class="check"><input type="checkbox" name="sealed"> Sealed</label>
          <button type="submit">Set</button>
        </form>
        {{/canChangeVariables}}
        {{#canAddEnvironment}}
        <form method="post" action="/projects/{{projectID}}/environments" class="row">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <label for="environment-name">New environment</label>
          <input id="environment-name" name="name" required maxlength="32" placeholder="staging">
          <button type="submit" class="secondary">Add</button>
        </form>
        {{/canAddEnvironment}}
        {{#canDeleteEnvironment}}
        <details class="danger-zone">
          <summary>Delete the environment {{environmentName}}</summary>
          <form method="post" action="/environments/{{environmentID}}/delete" class="row">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="confirm-environment">Type <strong>{{environmentName}}</strong> to delete it with its deployments, variables and volumes</label>
            <input id="confirm-environment" name="confirm" required autocomplete="off">
            <button type="submit" class="danger">Delete</button>
          </form>
        </details>
        {{/canDeleteEnvironment}}
        {{#canDelete}}
        <details class="danger-zone">
          <summary>Delete this project</summary>
          <form method="post" action="/projects/{{projectID}}/delete" class="row">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="confirm-project">Type <strong>{{name}}</strong> to delete it with its environments, services, variables, volumes and deployments</label>
            <input id="confirm-project" name="confirm" required autocomplete="off">
            <button type="submit" class="danger">Delete</button>
          </form>
        </details>
        {{/canDelete}}
        {{/main}}
        {{/layout}}
        """#

    static let metrics = #"""
        {{<layout}}
        {{$main}}
        <nav class="crumbs" aria-label="Breadcrumb"><a href="/">Projects</a> / <a href="/projects/{{projectID}}">{{projectName}}</a> / <a href="/services/{{serviceID}}{{query}}">{{name}}</a> / metrics</nav>
        <h1>{{name}} <span class="muted">in {{environmentName}}</span></h1>
        <section id="metrics" data-live>
        {{^hasTraffic}}<p class="muted">No request has reached this service through the edge since the server started.</p>{{/hasTraffic}}
        {{#hasTraffic}}
        <dl class="figures">
          <div><dt>Requests</dt><dd>{{requests}}</dd></div>
          <div><dt>In flight</dt><dd>{{inFlight}}</dd></div>
          <div><dt>Latency p50</dt><dd>{{p50}}</dd></div>
          <div><dt>p90</dt><dd>{{p90}}</dd></div>
          <div><dt>p99</dt><dd>{{p99}}</dd></div>
          <div><dt>Mean</dt><dd>{{mean}}</dd></div>
          <div><dt>Received</dt><dd>{{bytesIn}}</dd></div>
          <div><dt>Sent</dt><dd>{{bytesOut}}</dd></div>
        </dl>
        <h2>Answers by status</h2>
        <svg class="bars" viewBox="0 0 520 110" role="img" aria-label="Answers by status class">
          {{#classes}}
          <text x="0" y="{{y}}" dy="15" class="label">{{label}}</text>
          <rect x="40" y="{{y}}" height="18" width="{{width}}" class="tone-{{tone}}"></rect>
          <text x="450" y="{{y}}" dy="15" class="label">{{count}}</text>
          {{/classes}}
        </svg>
        {{/hasTraffic}}
        <h2>Requests per second</h2>
        {{^hasChart}}<p class="muted">The chart fills in while this page is open (a point every 5 seconds).</p>{{/hasChart}}
        {{#hasChart}}
        <svg class="chart" viewBox="0 0 600 120" preserveAspectRatio="none" role="img" aria-label="Requests per second over the last {{span}}, peak {{peak}}">
          <polyline points="{{chart}}" class="line"></polyline>
          <polyline points="{{errorChart}}" class="line-bad"></polyline>
        </svg>
        <p class="muted">Over the last {{span}}; peak {{peak}} requests/s; 5xx answers in red.</p>
        {{/hasChart}}
        <h2>Replicas</h2>
        {{^hasReplicas}}<p class="muted">No replica runs here now.</p>{{/hasReplicas}}
        {{#hasReplicas}}
        <table><thead><tr><th scope="col">Replica</th><th scope="col">Memory</th><th scope="col">CPU time</th></tr></thead>
        <tbody>{{#replicas}}<tr><td>{{replica}}</td><td>{{memory}}</td><td>{{cpu}}</td></tr>{{/replicas}}</tbody></table>
        {{/hasReplicas}}
        </section>
        {{/main}}
        {{/layout}}
        """#

    static let workspace = #"""
        {{<layout}}
        {{$main}}
        <nav class="crumbs" aria-label="Breadcrumb"><a href="/">Projects</a> / {{name}}</nav>
        <h1>{{name}}</h1>
        <p class="muted">Your role here: {{role}}</p>
        {{#madeInvite}}
        <div class="made" role="status">
          <p>Invite for <strong>{{inviteEmail}}</strong>. Give them this link (shown once; it works for 7 days):</p>
          <p><code class="value" id="invite-link">{{inviteLink}}</code></p>
          <p class="muted">Or with the CLI: <code>railyard members accept --token {{inviteToken}}</code></p>
        </div>
        {{/madeInvite}}
        {{#madeToken}}
        <div class="made" role="status">
          <p>API token <strong>{{madeTokenName}}</strong> (shown once; keep it somewhere safe):</p>
          <p><code class="value" id="token-secret">{{tokenSecret}}</code></p>
        </div>
        {{/madeToken}}
        <h2>Members</h2>
        <section id="members" data-live>
        <div class="scroll">
        <table class="members">
          <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Joined</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
          {{#members}}
          <tr data-member="{{memberEmail}}">
            <td>{{memberEmail}}</td>
            <td>{{#manageMembers}}{{^isSelf}}
              <form method="post" action="/workspaces/{{workspaceID}}/members/{{userID}}/role" class="inline">
                <input type="hidden" name="_csrf" value="{{csrf}}">
                <select name="role" aria-label="Role of {{memberEmail}}">{{#roles}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/roles}}</select>
                <button type="submit" class="secondary">Change</button>
              </form>
            {{/isSelf}}{{#isSelf}}{{role}}{{/isSelf}}{{/manageMembers}}{{^manageMembers}}{{role}}{{/manageMembers}}</td>
            <td><time datetime="{{joined}}">{{joined}}</time></td>
            <td>{{#manageMembers}}{{^isSelf}}
              <form method="post" action="/workspaces/{{workspaceID}}/members/{{userID}}/remove" class="inline" data-confirm="Remove {{memberEmail}} from {{name}}?">
                <input type="hidden" name="_csrf" value="{{csrf}}">
                <button type="submit" class="danger">Remove</button>
              </form>
            {{/isSelf}}{{/manageMembers}}</td>
          </tr>
          {{/members}}
          </tbody>
        </table>
        </div>
        </section>
        {{#manageMembers}}
        <form method="post" action="/workspaces/{{workspaceID}}/invites" class="row" id="invite">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <label for="invite-email">Invite</label>
          <input id="invite-email" name="email" type="email" required maxlength="254" autocomplete="off">
          <label for="invite-role">as</label>
          <select id="invite-role" name="role">{{#roles}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/roles}}</select>
          <button type="submit">Invite</button>
        </form>
        {{/manageMembers}}
        {{#manageTokens}}
        <h2>API tokens</h2>
        <section id="tokens" data-live>
        {{^hasTokens}}<p class="muted">No API tokens.</p>{{/hasTokens}}
        {{#hasTokens}}
        <div class="scroll">
        <table class="tokens">
          <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Scope</th><th scope="col">Last used</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
          {{#tokens}}
          <tr>
            <td>{{tokenName}}</td><td>{{tokenRole}}</td><td>{{scope}}</td><td>{{lastUsed}}</td><td>{{state}}</td>
            <td>{{#revocable}}
              <form method="post" action="/tokens/{{tokenID}}/revoke" class="inline" data-confirm="Revoke {{tokenName}}?">
                <input type="hidden" name="_csrf" value="{{csrf}}">
                <button type="submit" class="danger">Revoke</button>
              </form>
            {{/revocable}}</td>
          </tr>
          {{/tokens}}
          </tbody>
        </table>
        </div>
        {{/hasTokens}}
        </section>
        <form method="post" action="/workspaces/{{workspaceID}}/tokens" class="row" id="new-token">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <label for="token-name">New token</label>
          <input id="token-name" name="name" required maxlength="64" autocomplete="off">
          <label for="token-role">role</label>
          <select id="token-role" name="role">{{#roles}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/roles}}</select>
          <label for="token-days">expires in (days)</label>
          <input id="token-days" name="expiresInDays" type="number" min="1" max="3650">
          <button type="submit">Create</button>
        </form>
        {{/manageTokens}}
        {{#readAudit}}
        <h2>Audit log</h2>
        <form method="get" action="/workspaces/{{workspaceID}}" class="row" role="search">
          <label for="audit-action">Action starts with</label>
          <input id="audit-action" name="action" value="{{actionFilter}}" maxlength="64" placeholder="deployment.">
          <button type="submit" class="secondary">Filter</button>
        </form>
        <section id="audit" data-live>
        {{^hasAudit}}<p class="muted">Nothing recorded.</p>{{/hasAudit}}
        {{#hasAudit}}
        <div class="scroll">
        <table class="audit">
          <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">From</th></tr></thead>
          <tbody>
          {{#audit}}<tr><td><time datetime="{{when}}">{{when}}</time></td><td>{{actor}}</td><td><code>{{action}}</code></td><td>{{target}}</td><td>{{from}}</td></tr>{{/audit}}
          </tbody>
        </table>
        </div>
        {{/hasAudit}}
        </section>
        {{/readAudit}}
        {{/main}}
        {{/layout}}
        """#
}
