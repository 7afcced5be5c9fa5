/// The service page: deployments, logs, variables, domains and settings.
extension DashboardTemplates {
    static let service = #"""
        {{<layout}}
        {{$main}}
        <nav class="crumbs" aria-label="Breadcrumb"><a href="/">Projects</a> / <a href="/projects/{{projectID}}">{{projectName}}</a> / {{name}}</nav>
        <h1>{{name}}</h1>
        <nav aria-label="Environments" class="row tabs">
          {{#environments}}<a href="/services/{{serviceID}}?environmentId={{environmentID}}"{{#selected}} aria-current="page"{{/selected}}>{{name}}</a>{{/environments}}
          <a href="/services/{{serviceID}}/metrics{{query}}" class="metrics-link">Metrics</a>
        </nav>
        <section id="domains" data-live>
        {{#hasDomains}}<ul class="plain">{{#domains}}<li>
          {{#linked}}<a href="{{url}}">{{hostname}}</a>{{/linked}}{{^linked}}{{hostname}}{{/linked}} <span class="muted">{{kind}}</span>
          {{#canChangeService}}
          <form method="post" action="/domains/{{domainID}}/delete" class="inline" data-confirm="Remove {{hostname}}?">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <button type="submit" class="secondary" aria-label="Remove {{hostname}}">Remove</button>
          </form>
          {{/canChangeService}}
        </li>{{/domains}}</ul>{{/hasDomains}}
        </section>
        {{#canChangeService}}
        <form method="post" action="/services/{{serviceID}}/domains{{query}}" class="row" id="add-domain">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <label for="domain-hostname">Domain</label>
          <input id="domain-hostname" name="hostname" placeholder="generated if empty" maxlength="253" autocomplete="off">
          <label for="domain-port">port</label>
          <input id="domain-port" name="targetPort" type="number" min="1" max="65535" placeholder="PORT">
          <label class="check"><input type="checkbox" name="httpsRedirect"> HTTPS only</label>
          <button type="submit" class="secondary">Add</button>
          <details class="wide">
            <summary>Your own certificate (else a self-signed one)</summary>
            <div class="stack wide">
              <label for="domain-certificate">Certificate chain (PEM)</label>
              <textarea id="domain-certificate" name="certificate" rows="4" spellcheck="false"></textarea>
              <label for="domain-key">Private key (PEM; kept sealed)</label>
              <textarea id="domain-key" name="privateKey" rows="4" spellcheck="false"></textarea>
            </div>
          </details>
        </form>
        {{/canChangeService}}
        <div class="row" id="service-actions" data-live>
        {{#canDeploy}}
          <form method="post" action="/services/{{serviceID}}/deployments{{query}}">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <button type="submit">Redeploy</button>
          </form>
          {{#canRestart}}
          <form method="post" action="/services/{{serviceID}}/restart{{query}}">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <button type="submit" class="secondary">Restart</button>
          </form>
          <form method="post" action="/services/{{serviceID}}/down{{query}}" data-confirm="Stop {{name}} in {{environmentName}}?">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <button type="submit" class="danger">Down</button>
          </form>
          {{/canRestart}}
        {{/canDeploy}}
        </div>
        <h2>Deployments</h2>
        <section id="deployments" data-live>
        {{^hasDeployments}}<p class="muted">No deployments yet: <code>railyard up --service {{name}}</code></p>{{/hasDeployments}}
        {{#hasDeployments}}
        <div class="scroll">
        <table class="deployments">
          <thead><tr><th scope="col">Status</th><th scope="col">Source</th><th scope="col">Message</th><th scope="col">Created</th><th scope="col">By</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
          {{#deployments}}
          <tr data-deployment="{{deploymentID}}">
            <td><span class="status status-{{statusClass}}">{{status}}</span></td>
            <td>{{source}} <span class="muted">{{commit}}</span></td>
            <td>{{message}}{{#hasReason}}<br><span class="muted">{{reason}}</span>{{/hasReason}}</td>
            <td><time datetime="{{createdAt}}">{{createdAt}}</time></td>
            <td>{{who}}</td>
            <td>{{#canRollBack}}
              <form method="post" action="/services/{{serviceID}}/rollback{{query}}" class="inline">
                <input type="hidden" name="_csrf" value="{{csrf}}">
                <input type="hidden" name="deploymentId" value="{{deploymentID}}">
                <button type="submit" class="secondary">Roll back</button>
              </form>
            {{/canRollBack}}</td>
          </tr>
          {{/deployments}}
          </tbody>
        </table>
        </div>
        {{/hasDeployments}}
        </section>
        <section id="logs" aria-labelledby="logs-heading" data-deployment="{{latestID}}">
          <h2 id="logs-heading">Logs</h2>
          <div class="row">
            <label for="log-phase">Show</label>
            <select id="log-phase">
              <option value="">everything</option><option value="build">build</option>
              <option value="deploy">deploy</option><option value="http">HTTP requests</option>
            </select>
            <label for="log-filter">Filter</label>
            <input id="log-filter" type="search" autocomplete="off">
            <label class="check"><input id="log-follow" type="checkbox" checked> Follow</label>
          </div>
          <pre id="log-lines" class="log" tabindex="0" aria-label="Log lines of the latest deployment"></pre>
        </section>
        <h2>Variables</h2>
        <section id="variables" data-live>
        {{^hasVariables}}<p class="muted">No variables.</p>{{/hasVariables}}
        {{#hasVariables}}
        {{>variableTable}}
        {{/hasVariables}}
        </section>
        {{#canChangeVariables}}
        <form method="post" action="/services/{{serviceID}}/variables{{query}}" class="row" id="set-variable">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <label for="variable-name">Name</label>
          <input id="variable-name" name="name" required maxlength="256" autocomplete="off">
          <label for="variable-value">Value</label>
          <input id="variable-value" name="value" autocomplete="off">
          <label class="check"><input type="checkbox" name="sealed"> Sealed</label>
          <button type="submit">Set</button>
        </form>
        <p class="muted">Variables apply at the next deployment.</p>
        <details>
          <summary>Resolved: what a deployment would get now</summary>
          <section id="resolved" data-live>
          {{#cannotResolve}}<p class="error">{{resolveProblem}}</p>{{/cannotResolve}}
          {{#hasResolved}}
          <div class="scroll"><table class="variables"><tbody>
          {{#resolved}}<tr><td><code>{{variableName}}</code></td><td>{{#masked}}<span class="muted">{{value}}</span>{{/masked}}{{^masked}}<code class="value">{{value}}</code>{{/masked}}</td></tr>{{/resolved}}
          </tbody></table></div>
          {{/hasResolved}}
          </section>
        </details>
        <details>
          <summary>Edit as a .env file</summary>
          <form method="post" action="/services/{{serviceID}}/variables/env{{query}}" class="stack wide">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="env-text">One NAME=VALUE per line; a variable left out is removed (sealed ones stay)</label>
            <textarea id="env-text" name="env" rows="10" spellcheck="false">{{env}}</textarea>
            <button type="submit">Save</button>
          </form>
        </details>
        {{/canChangeVariables}}
        {{#canChangeService}}
        <h2>Settings</h2>
        <form method="post" action="/services/{{serviceID}}/settings{{query}}" class="settings" id="settings">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <label for="setting-memory">Memory per replica (MiB)</label>
          <input id="setting-memory" name="memory" inputmode="decimal" value="{{memory}}" placeholder="no limit">
          <label for="setting-cpu">CPU per replica (cores)</label>
          <input id="setting-cpu" name="cpu" inputmode="decimal" value="{{cpu}}" placeholder="no limit">
          <label for="setting-processes">Processes per replica</label>
          <input id="setting-processes" name="processes" inputmode="numeric" value="{{processes}}" placeholder="no limit">
          <label for="setting-body">Request body (MiB)</label>
          <input id="setting-body" name="requestBody" inputmode="decimal" value="{{requestBody}}" placeholder="the server's default">
          {{^isDatabase}}
          <label for="setting-start">Start command</label>
          <input id="setting-start" name="startCommand" value="{{startCommand}}" placeholder="detected" spellcheck="false" autocomplete="off">
          <label for="setting-replicas">Replicas</label>
          <input id="setting-replicas" name="numReplicas" inputmode="numeric" value="{{numReplicas}}" placeholder="1">
          <label for="setting-health">Health check path</label>
          <input id="setting-health" name="healthcheckPath" value="{{healthcheckPath}}" placeholder="none: the port answering" spellcheck="false" autocomplete="off">
          <label for="setting-health-timeout">Health check timeout (s)</label>
          <input id="setting-health-timeout" name="healthcheckTimeout" inputmode="numeric" value="{{healthcheckTimeout}}" placeholder="300">
          <label for="setting-restart">Restart policy</label>
          <select id="setting-restart" name="restartPolicyType">
            {{#restartPolicies}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/restartPolicies}}
          </select>
          <label for="setting-retries">Restarts before giving up</label>
          <input id="setting-retries" name="restartPolicyMaxRetries" inputmode="numeric" value="{{restartPolicyMaxRetries}}" placeholder="10">
          {{/isDatabase}}
          <button type="submit">Save settings</button>
        </form>
        <p class="muted">The request body limit applies at once, the rest from the next deployment (redeploy to apply them now). An empty field returns to the default{{^isDatabase}}; the source's railway.json or railyard.toml, where it sets one, overrides these{{/isDatabase}}.</p>
        {{/canChangeService}}
        {{#canDelete}}
        <details class="danger-zone">
          <summary>Delete this service</summary>
          <form method="post" action="/services/{{serviceID}}/delete" class="row">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="confirm-service">Type <strong>{{name}}</strong> to delete it in every environment, with its deployments, variables and volumes</label>
            <input id="confirm-service" name="confirm" required autocomplete="off">
            <button type="submit" class="danger">Delete</button>
          </form>
        </details>
        {{/canDelete}}
        {{/main}}
        {{/layout}}
        """#
}
