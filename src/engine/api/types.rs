//! Requests, responses and identities as the API server sees them.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::engine::objects::Object;

/// An authenticated identity (`k8s.io/apiserver/pkg/authentication/user.Info`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    pub name: String,
    pub groups: Vec<String>,
}

/// Who sends a request: the credentials a client presents, which authentication turns into a `UserInfo`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Credentials {
    /// The kubeadm admin kubeconfig: `kubernetes-admin` in `system:masters`.
    ClusterAdmin,
    /// kube-scheduler's client certificate: `system:kube-scheduler`.
    Scheduler,
    /// A kubelet's client certificate: `system:node:<node>` in `system:nodes`.
    Kubelet(String),
    /// The token of a kube-controller-manager controller's service account in `kube-system`
    /// (`deployment-controller`, `replicaset-controller`, `generic-garbage-collector`).
    Controller(String),
    /// A user declared by the scenario, by name.
    User(String),
    /// No credentials at all: `system:anonymous`.
    Anonymous,
}

/// REST verbs as RBAC names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verb {
    Get,
    List,
    Watch,
    Create,
    Update,
    Patch,
    Delete,
}

impl Verb {
    pub fn as_str(&self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::List => "list",
            Verb::Watch => "watch",
            Verb::Create => "create",
            Verb::Update => "update",
            Verb::Patch => "patch",
            Verb::Delete => "delete",
        }
    }

    /// The HTTP method a client sends for this verb.
    pub fn http_method(&self) -> &'static str {
        match self {
            Verb::Get | Verb::List | Verb::Watch => "GET",
            Verb::Create => "POST",
            Verb::Update => "PUT",
            Verb::Patch => "PATCH",
            Verb::Delete => "DELETE",
        }
    }
}

/// kubectl's `--validate` / the `fieldValidation` query parameter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldValidation {
    /// Unknown or duplicate fields fail the request with 400 (kubectl's default).
    #[default]
    Strict,
    /// Unknown fields are dropped with a warning.
    Warn,
    /// Unknown fields are dropped silently.
    Ignore,
}

/// The body of a write.
#[derive(Clone, Debug, PartialEq)]
pub enum RequestBody {
    /// JSON as a client such as kubectl sends it; decoded (strictly or not) by the server.
    Json(Value),
    /// An already typed object, as in-process clients (scheduler, kubelet) send it.
    Object(Object),
}

/// One API request.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiRequest {
    pub credentials: Credentials,
    pub verb: Verb,
    /// REST resource, e.g. `pods`.
    pub resource: String,
    /// `binding`, `status`, ... or `None`.
    pub subresource: Option<String>,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub body: Option<RequestBody>,
    pub field_validation: FieldValidation,
    /// `fieldManager` query parameter (e.g. `kubectl-client-side-apply`).
    pub field_manager: Option<String>,
    /// A list's `fieldSelector` on the node a pod is bound to (`spec.nodeName=<node>`), the one
    /// field selector podflow serves.
    pub node_name_selector: Option<String>,
}

impl ApiRequest {
    /// A request with no body, no subresource, strict validation.
    pub fn new(credentials: Credentials, verb: Verb, resource: &str) -> Self {
        ApiRequest {
            credentials,
            verb,
            resource: resource.to_string(),
            subresource: None,
            namespace: None,
            name: None,
            body: None,
            field_validation: FieldValidation::Strict,
            field_manager: None,
            node_name_selector: None,
        }
    }

    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    pub fn subresource(mut self, subresource: impl Into<String>) -> Self {
        self.subresource = Some(subresource.into());
        self
    }

    /// Lists only the pods bound to `node` (`?fieldSelector=spec.nodeName=<node>`).
    pub fn on_node(mut self, node: impl Into<String>) -> Self {
        self.node_name_selector = Some(node.into());
        self
    }

    pub fn body(mut self, body: RequestBody) -> Self {
        self.body = Some(body);
        self
    }

    /// The request path, e.g. `/api/v1/namespaces/default/pods/demo-pod/binding`.
    pub fn path(&self) -> String {
        let info = crate::engine::objects::resource_by_name(&self.resource);
        let mut path = match info {
            Some(i) if !i.group.is_empty() => format!("/apis/{}/{}", i.group, i.version),
            _ => "/api/v1".to_string(),
        };
        if let Some(ns) = &self.namespace {
            path.push_str(&format!("/namespaces/{ns}"));
        }
        path.push('/');
        path.push_str(&self.resource);
        if let Some(name) = &self.name {
            path.push('/');
            path.push_str(name);
        }
        if let Some(sub) = &self.subresource {
            path.push('/');
            path.push_str(sub);
        }
        if let Some(node) = &self.node_name_selector {
            path.push_str(&format!("?fieldSelector=spec.nodeName%3D{node}"));
        }
        path
    }
}

/// The server's answer: the object, or a `Status` describing the failure.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiResponse {
    /// HTTP status code: 200, 201, 400, 401, 403, 404, 409, 422, ...
    pub code: u16,
    pub result: Result<ResponseBody, Status>,
    /// `Warning:` headers (e.g. unknown fields dropped under `fieldValidation=Warn`).
    pub warnings: Vec<String>,
}

/// A successful response's body.
#[derive(Clone, Debug, PartialEq)]
pub enum ResponseBody {
    Object(Object),
    List(Vec<Object>),
    /// A Status of success (e.g. a Binding creation, a delete).
    Status(Status),
}

impl ApiResponse {
    pub fn is_success(&self) -> bool {
        self.result.is_ok()
    }

    /// The returned object, if the response carries one.
    pub fn object(&self) -> Option<&Object> {
        match &self.result {
            Ok(ResponseBody::Object(o)) => Some(o),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<&Status> {
        self.result.as_ref().err()
    }
}

/// One served request as the CLI's `requests` list reports it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    pub time_ms: u64,
    pub user: String,
    pub verb: String,
    pub method: String,
    pub path: String,
    pub code: u16,
    /// The Status object for failed requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Value>,
}
