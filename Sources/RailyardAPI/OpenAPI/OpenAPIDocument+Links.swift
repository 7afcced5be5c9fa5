import Foundation

extension OpenAPIDocument {
    /// An OpenAPI link: after `from` answers `status`, `to` can be called with `parameters`
    /// (runtime expressions such as `$response.body#/id`).
    struct Link {
        let from: String
        let status: String
        let to: String
        let parameters: [String: String]
    }

    /// How the operations chain: the id a create answers with is the id the others take.
    /// Clients (and schemathesis' stateful phase) follow these to reach the resource they just
    /// made, rather than guessing ids. Kept as a table rather than written into `json` by hand,
    /// where they would be a few hundred lines spread over the whole document.
    static let links: [Link] = {
        var links: [Link] = []
        func add(_ from: String, _ status: String, _ targets: [String], _ parameters: [String: String]) {
            links += targets.map { Link(from: from, status: status, to: $0, parameters: parameters) }
        }
        let projectId = ["projectId": "$response.body#/project/id"]
        add("createProject", "201",
            ["getProject", "renameProject", "deleteProject", "listEnvironments", "createEnvironment", "listServices", "createService"],
            projectId)
        add("createProject", "201", ["getEnvironment", "deleteEnvironment"], ["environmentId": "$response.body#/environments/0/id"])
        add("createEnvironment", "201", ["getEnvironment", "deleteEnvironment", "listSharedVariables", "changeSharedVariables"],
            ["environmentId": "$response.body#/id"])
        add("createEnvironment", "201", ["getProject", "listEnvironments", "listServices", "createService"],
            ["projectId": "$response.body#/projectId"])
        add("createService", "201",
            ["getService", "updateService", "deleteService", "listVariables", "changeVariables", "listDeployments",
             "createDeployment", "uploadSource", "rollback", "restartService", "removeDeployment", "listDomains", "createDomain", "listVolumes", "createVolume"],
            ["serviceId": "$response.body#/id"])
        add("createService", "201", ["getProject", "listServices"], ["projectId": "$response.body#/projectId"])
        let sameVariables = ["serviceId": "$request.path.serviceId", "environmentId": "$request.query.environmentId"]
        add("changeVariables", "200", ["listVariables", "changeVariables"], sameVariables)
        add("listVariables", "200", ["changeVariables", "listResolvedVariables", "getRunEnvironment"], sameVariables)
        let deploymentId = ["deploymentId": "$response.body#/id"]
        for create in [("createDeployment", "201"), ("uploadSource", "201"), ("rollback", "201"), ("restartService", "200"), ("removeDeployment", "200")] {
            add(create.0, create.1, ["getDeployment", "getDeploymentLogs"], deploymentId)
            add(create.0, create.1, ["listDeployments"], ["serviceId": "$response.body#/serviceId", "environmentId": "$response.body#/environmentId"])
        }
        add("createDomain", "201", ["updateDomain", "deleteDomain"], ["domainId": "$response.body#/id"])
        add("createDomain", "201", ["listDomains"], ["serviceId": "$request.path.serviceId", "environmentId": "$request.query.environmentId"])
        add("createVolume", "201", ["resizeVolume", "deleteVolume"], ["volumeId": "$response.body#/id"])
        add("createVolume", "201", ["listVolumes"], ["serviceId": "$request.path.serviceId", "environmentId": "$request.query.environmentId"])
        add("createWorkspace", "201", ["listMembers", "createInvite", "listTokens", "createToken", "listAuditEvents"],
            ["workspaceId": "$response.body#/workspace/id"])
        add("createToken", "201", ["revokeToken"], ["tokenId": "$response.body#/token/id"])
        return links
    }()

    /// `document` (a decoded OpenAPI document) with `links` added to the responses they start
    /// from; nil when a link names an operation or response the document does not have, so a
    /// renamed operation cannot leave a link that points nowhere (the document's test checks).
    static func withLinks(_ document: [String: Any]) -> [String: Any]? {
        guard var paths = document["paths"] as? [String: Any] else { return nil }
        var locations: [String: (path: String, method: String)] = [:]
        for (path, item) in paths {
            guard let operations = item as? [String: Any] else { continue }
            for (method, value) in operations {
                if let operationId = (value as? [String: Any])?["operationId"] as? String {
                    locations[operationId] = (path, method)
                }
            }
        }
        for link in links {
            guard locations[link.to] != nil,
                  let (path, method) = locations[link.from],
                  var operations = paths[path] as? [String: Any],
                  var operation = operations[method] as? [String: Any],
                  var responses = operation["responses"] as? [String: Any],
                  var response = responses[link.status] as? [String: Any]
            else { return nil }
            var responseLinks = response["links"] as? [String: Any] ?? [:]
            let name = link.to.prefix(1).uppercased() + link.to.dropFirst()
            responseLinks[name] = ["operationId": link.to, "parameters": link.parameters]
            response["links"] = responseLinks
            responses[link.status] = response
            operation["responses"] = responses
            operations[method] = operation
            paths[path] = operations
        }
        var linked = document
        linked["paths"] = paths
        return linked
    }
}
