//! The eviction subresource, `POST /api/v1/namespaces/<ns>/pods/<name>/eviction`: a delete that
//! asks the pod's PodDisruptionBudget first.
//!
//! Mirrors `pkg/registry/core/pod/storage/eviction.go` (`EvictionREST.Create`, `canIgnorePDB`,
//! `checkAndDecrement`, `addConditionAndDeletePod`, the cause texts of v1.35+) and component-helpers'
//! `UpdateDisruptionAllowedCondition`. The body is a `policy/v1` (or `v1beta1`) Eviction whose name
//! must be the pod's; its `deleteOptions` reach the pod's deletion. A pod that is Pending, finished or
//! already being deleted is deleted without asking any budget; otherwise the one budget that selects
//! it must allow a disruption (an unready pod may skip that under `unhealthyPodEvictionPolicy`). A
//! granted eviction takes one disruption and records the pod in `status.disruptedPods`, which the
//! disruption controller clears once the pod is being deleted (or after two minutes). The pod gets
//! the `DisruptionTarget` condition (`EvictionByEvictionAPI`) before it is deleted gracefully; the
//! answer is `201` with a Success Status.
//!
//! `deleteOptions.dryRun: [All]` runs every check and writes nothing.
//!
//! Simplifications: upstream reads and writes budgets through a loopback client and retries on
//! conflicts (20 times, 500 ms apart); podflow's API server serves one request at a time, so there is
//! nothing to retry, and the budget's status is written straight to the store. The `dryRun` query
//! parameter is not modelled (only the body's `deleteOptions.dryRun`).

use std::sync::Arc;

use k8s_openapi::api::core::v1::PodCondition;
use k8s_openapi::api::policy::v1::{Eviction, PodDisruptionBudget};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{DeleteOptions, Status};
use serde_json::{json, Value};

use super::admission::{self, Operation};
use super::validation::FieldError;
use super::{
    status, update_pod_condition, ApiServer, RequestBody, ResourceInfo, ResponseBody, Served,
    Tracer, UserInfo,
};
use crate::engine::controllers::disruption::{
    self, set_status_condition, INSUFFICIENT_PODS, SYNC_FAILED,
};
use crate::engine::controllers::replica_set::is_pod_ready;
use crate::engine::objects::{from_json_value, Object};
use crate::engine::store::key;
use crate::engine::time::meta_time;
use crate::engine::trace::{Outcome, Stage};

/// `MaxDisruptedPodSize`: more unconfirmed evictions than this and the budget refuses.
pub const MAX_DISRUPTED_POD_SIZE: usize = 2000;
/// The `DisruptionTarget` condition's reason for an eviction.
pub const EVICTION_BY_EVICTION_API: &str = "EvictionByEvictionAPI";
/// What the budget's refusal says when its status is older than its spec, or the pod changed while
/// the request was judging it; clients are told to come back after this many seconds.
const STILL_PROCESSING_RETRY_SECONDS: i32 = 10;

/// Why the budget lets the pod go without taking one of its disruptions.
enum BudgetVerdict {
    /// No budget selects the pod.
    NoBudget,
    /// The pod is unready and the budget's `unhealthyPodEvictionPolicy` lets it go.
    UnhealthyAllowed,
    /// The budget granted a disruption; its status after taking it.
    Granted(Box<PodDisruptionBudget>),
}

impl ApiServer {
    /// `EvictionREST.Create`.
    pub(super) fn evict(
        &mut self,
        now_ms: u64,
        req: &super::ApiRequest,
        info: &'static ResourceInfo,
        user: &UserInfo,
        t: &mut Tracer,
    ) -> Result<Served, Status> {
        let name = req.name.clone().unwrap_or_default();
        let namespace = req.namespace.clone().unwrap_or_default();
        let eviction = decode_eviction(req.body.as_ref(), &namespace)
            .map_err(|status| t.fail(Stage::Decode, status))?;
        let options = eviction.delete_options.clone().unwrap_or_default();
        let dry_run = options
            .dry_run
            .as_ref()
            .is_some_and(|modes| modes.iter().any(|m| m == "All"));
        t.stage(Stage::Decode, Outcome::Ok, || {
            (
                format!("decoded policy/v1 Eviction of pod {name}"),
                json!({"eviction": crate::engine::objects::to_json_value(&eviction).unwrap_or(Value::Null)}),
            )
        });
        if eviction.metadata.name.as_deref().unwrap_or("") != name {
            let status = status::bad_request("name in URL does not match name in Eviction object");
            return Err(t.fail(Stage::Validation, status));
        }
        if options.ignore_store_read_error_with_cluster_breaking_potential == Some(true) {
            let error = FieldError::invalid_raw(
                "deleteOptions.ignoreStoreReadErrorWithClusterBreakingPotential",
                "true".into(),
                "can not be set for pod eviction, try after removing the option",
            );
            let status = status::invalid("Eviction", "policy", &name, &[error]);
            return Err(t.fail(Stage::Validation, status));
        }
        t.stage(Stage::Validation, Outcome::Ok, || {
            ("the Eviction names the pod".into(), Value::Null)
        });
        let attrs = admission::Attributes {
            operation: Operation::Create,
            user,
            info,
            subresource: "eviction",
            namespace: &namespace,
            name: &name,
            old: None,
        };
        self.run_mutating(&attrs, None, t)?;
        self.run_validating(&attrs, None, t)?;

        let k = key("pods", Some(&namespace), &name);
        let Some((Object::Pod(pod), _)) = self.current(&k) else {
            return Err(t.fail(Stage::Validation, status::not_found("pods", "", &name)));
        };
        let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
        let can_ignore_budget = matches!(phase, Some("Succeeded" | "Failed" | "Pending"))
            || pod.metadata.deletion_timestamp.is_some();
        let verdict = if can_ignore_budget {
            t.stage(Stage::Validation, Outcome::Ok, || {
                let why = if pod.metadata.deletion_timestamp.is_some() {
                    "already being deleted".to_string()
                } else {
                    phase.unwrap_or("Pending").to_string()
                };
                (
                    format!("pod {name} is {why}: no PodDisruptionBudget is asked"),
                    json!({"budget": Value::Null}),
                )
            });
            BudgetVerdict::NoBudget
        } else {
            self.ask_budget(now_ms, &pod, t)?
        };
        if dry_run {
            return Ok(Served {
                code: 201,
                body: ResponseBody::Status(status::success(201)),
                warnings: Vec::new(),
                summary: format!(
                    "pod {namespace}/{name} would be evicted (dry run: nothing written)"
                ),
            });
        }
        if let BudgetVerdict::Granted(budget) = &verdict {
            let budget_key = key(
                "poddisruptionbudgets",
                budget.metadata.namespace.as_deref(),
                budget.metadata.name.as_deref().unwrap_or(""),
            );
            let object = Object::PodDisruptionBudget(Arc::new((**budget).clone()));
            match self.store.update(&budget_key, object, None) {
                Ok(event) => {
                    self.record_write(event, &budget_key, t);
                }
                Err(_) => {
                    let status = status::optimistic_lock_conflict(
                        "poddisruptionbudgets",
                        "policy",
                        budget.metadata.name.as_deref().unwrap_or(""),
                    );
                    return Err(t.fail(Stage::Write, status));
                }
            }
        }
        self.add_condition_and_delete(now_ms, &k, info, &name, &options, t)?;
        let how = match verdict {
            BudgetVerdict::NoBudget => "",
            BudgetVerdict::UnhealthyAllowed => " (unready: its budget lets it go)",
            BudgetVerdict::Granted(_) => " (its budget allowed one more disruption)",
        };
        Ok(Served {
            code: 201,
            body: ResponseBody::Status(status::success(201)),
            warnings: Vec::new(),
            summary: format!("pod {namespace}/{name} evicted{how}"),
        })
    }

    /// The budget check of `Create` and `checkAndDecrement`: which budget selects the pod, and whether
    /// it lets the pod go.
    fn ask_budget(
        &mut self,
        now_ms: u64,
        pod: &k8s_openapi::api::core::v1::Pod,
        t: &mut Tracer,
    ) -> Result<BudgetVerdict, Status> {
        let budgets = disruption::pdbs_for_pod(&self.store, pod);
        let budget = match budgets.as_slice() {
            [] => {
                t.stage(Stage::Validation, Outcome::Ok, || {
                    (
                        "no PodDisruptionBudget selects the pod".into(),
                        json!({"budget": Value::Null}),
                    )
                });
                return Ok(BudgetVerdict::NoBudget);
            }
            [one] => one,
            _ => {
                let status = status::internal_plain("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
                return Err(t.fail(Stage::Validation, status));
            }
        };
        let budget_name = budget.metadata.name.clone().unwrap_or_default();
        let spec = budget.spec.clone().unwrap_or_default();
        let current = budget.status.clone().unwrap_or_default();
        if !is_pod_ready(pod) {
            let always = spec.unhealthy_pod_eviction_policy.as_deref() == Some("AlwaysAllow");
            let healthy_budget = current.current_healthy.unwrap_or(0)
                >= current.desired_healthy.unwrap_or(0)
                && current.desired_healthy.unwrap_or(0) > 0;
            if always || healthy_budget {
                t.stage(Stage::Validation, Outcome::Ok, || {
                    let policy = if always { "AlwaysAllow" } else { "IfHealthyBudget" };
                    (
                        format!("the pod is not Ready and {budget_name}'s unhealthyPodEvictionPolicy ({policy}) lets it go"),
                        json!({"budget": budget_name, "policy": policy}),
                    )
                });
                return Ok(BudgetVerdict::UnhealthyAllowed);
            }
        }
        let refuse = |t: &mut Tracer, status: Status| Err(t.fail(Stage::Validation, status));
        if current.observed_generation.unwrap_or(0) < budget.metadata.generation.unwrap_or(0) {
            let cause = format!(
                "The disruption budget {budget_name} is still being processed by the server."
            );
            return refuse(
                t,
                status::disruption_budget_refusal(&cause, STILL_PROCESSING_RETRY_SECONDS),
            );
        }
        let allowed = current.disruptions_allowed.unwrap_or(0);
        if allowed < 0 {
            let status = status::forbidden(
                "poddisruptionbudget",
                "policy",
                &budget_name,
                "pdb disruptions allowed is negative",
            );
            return refuse(t, status);
        }
        let disrupted = current.disrupted_pods.as_ref().map_or(0, |m| m.len());
        if disrupted > MAX_DISRUPTED_POD_SIZE {
            let status = status::forbidden(
                "poddisruptionbudget",
                "policy",
                &budget_name,
                "DisruptedPods map too big - too many evictions not confirmed by PDB controller",
            );
            return refuse(t, status);
        }
        if allowed == 0 {
            let cause = refusal_cause(budget);
            return refuse(t, status::disruption_budget_refusal(&cause, 0));
        }
        let mut granted = (**budget).clone();
        let mut status = current;
        status.disruptions_allowed = Some(allowed - 1);
        if allowed - 1 == 0 {
            let observed = status.observed_generation;
            set_status_condition(
                &mut status,
                "False",
                INSUFFICIENT_PODS,
                String::new(),
                observed,
                now_ms,
            );
        }
        status
            .disrupted_pods
            .get_or_insert_with(Default::default)
            .insert(
                pod.metadata.name.clone().unwrap_or_default(),
                meta_time(now_ms),
            );
        granted.status = Some(status);
        t.stage(Stage::Validation, Outcome::Ok, || {
            (
                format!(
                    "{budget_name} allows {allowed} disruption(s): it takes one ({} left) and records the pod in disruptedPods",
                    allowed - 1
                ),
                json!({"budget": budget_name, "disruptionsAllowed": allowed}),
            )
        });
        Ok(BudgetVerdict::Granted(Box::new(granted)))
    }

    /// `addConditionAndDeletePod`: the `DisruptionTarget` condition through the status store (checking
    /// the options' preconditions against the stored pod), then the pod's graceful deletion.
    fn add_condition_and_delete(
        &mut self,
        now_ms: u64,
        k: &str,
        info: &'static ResourceInfo,
        name: &str,
        options: &DeleteOptions,
        t: &mut Tracer,
    ) -> Result<(), Status> {
        let Some((Object::Pod(pod), revision)) = self.current(k) else {
            return Err(t.fail(Stage::Write, status::not_found("pods", "", name)));
        };
        let preconditions = options.preconditions.clone().unwrap_or_default();
        if let Some(uid) = preconditions.uid.as_deref().filter(|u| !u.is_empty()) {
            let stored = pod.metadata.uid.clone().unwrap_or_default();
            if uid != stored {
                let reason = format!("the UID in the precondition ({uid}) does not match the UID in record ({stored}). The object might have been deleted and then recreated");
                return Err(t.fail(Stage::Write, status::conflict("Pod", "", name, &reason)));
            }
        }
        if let Some(rv) = preconditions
            .resource_version
            .as_deref()
            .filter(|r| !r.is_empty())
        {
            if rv != revision.to_string() {
                let reason = format!("the ResourceVersion in the precondition ({rv}) does not match the ResourceVersion in record ({revision}). The object might have been modified");
                return Err(t.fail(Stage::Write, status::conflict("Pod", "", name, &reason)));
            }
        }
        let mut updated = Arc::unwrap_or_clone(pod);
        update_pod_condition(
            updated
                .status
                .get_or_insert_with(Default::default)
                .conditions
                .get_or_insert_with(Vec::new),
            PodCondition {
                type_: "DisruptionTarget".into(),
                status: "True".into(),
                reason: Some(EVICTION_BY_EVICTION_API.into()),
                message: Some("Eviction API: evicting".into()),
                last_transition_time: Some(meta_time(now_ms)),
                ..Default::default()
            },
        );
        let event = match self
            .store
            .update(k, Object::Pod(Arc::new(updated)), Some(revision))
        {
            Ok(event) => self.record_write(event, k, t),
            Err(_) => {
                let status = status::optimistic_lock_conflict("pods", "", name);
                return Err(t.fail(Stage::Write, status));
            }
        };
        let grace = options.grace_period_seconds;
        self.delete_pod(
            now_ms,
            k,
            info,
            name,
            &event.object,
            event.revision,
            grace,
            t,
        )?;
        Ok(())
    }
}

/// The Eviction in the body: `policy/v1` or `policy/v1beta1` (a missing apiVersion means the
/// endpoint's own), in the URL's namespace.
fn decode_eviction(body: Option<&RequestBody>, namespace: &str) -> Result<Eviction, Status> {
    let value = match body {
        Some(RequestBody::Json(value)) => value.clone(),
        Some(RequestBody::Object(_)) | None => {
            return Err(status::bad_request("not a Eviction object"));
        }
    };
    let version = value
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !matches!(version, "" | "policy/v1" | "policy/v1beta1") {
        return Err(status::bad_request(&format!(
            "the API version in the data ({version}) does not match the expected API version (policy/v1)"
        )));
    }
    let mut eviction: Eviction = from_json_value(&value).map_err(|e| {
        status::bad_request(&format!(
            "Eviction in version \"v1\" cannot be handled as a Eviction: {e}"
        ))
    })?;
    match eviction.metadata.namespace.as_deref().unwrap_or("") {
        "" => eviction.metadata.namespace = Some(namespace.to_string()),
        ns if ns != namespace => {
            return Err(status::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
        _ => {}
    }
    Ok(eviction)
}

/// The `DisruptionBudget` cause of a refusal with no disruptions allowed (v1.35+): a failed sync
/// first, then the health counts, then the condition's own reason.
pub fn refusal_cause(budget: &PodDisruptionBudget) -> String {
    let name = budget.metadata.name.as_deref().unwrap_or("");
    let status = budget.status.clone().unwrap_or_default();
    let condition = status
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == disruption::DISRUPTION_ALLOWED)
        .filter(|c| c.status == "False" && !c.message.is_empty());
    if let Some(c) = condition.filter(|c| c.reason == SYNC_FAILED) {
        return format!(
            "The disruption budget {name} does not allow evicting pods currently because it failed sync: {}",
            c.message
        );
    }
    let current = status.current_healthy.unwrap_or(0);
    let desired = status.desired_healthy.unwrap_or(0);
    if current <= desired {
        return format!(
            "The disruption budget {name} needs {desired} healthy pods and has {current} currently"
        );
    }
    match condition {
        Some(c) => format!(
            "The disruption budget {name} does not allow evicting pods currently ({}): {}",
            c.reason, c.message
        ),
        None => format!("The disruption budget {name} does not allow evicting pods currently"),
    }
}

#[cfg(test)]
mod tests {
    //! Upstream's `eviction_test.go` cases (`TestEvictionWithETCD`, `TestEviction`,
    //! `TestEvictionPDBStatus`, the v1.35 cause texts), over podflow's API server alone: no
    //! controller runs, so each budget keeps the status the case gives it.
    use super::*;
    use crate::engine::api::{ApiRequest, ApiResponse, Credentials, RequestBody, Verb};
    use crate::engine::trace::Trace;

    const POLICIES: [Option<&str>; 3] = [None, Some("IfHealthyBudget"), Some("AlwaysAllow")];
    const BUDGET: &str = "Cannot evict pod as it would violate the pod's disruption budget.";

    fn call(server: &mut ApiServer, request: ApiRequest) -> ApiResponse {
        server.handle(5_000, request, &mut Trace::default())
    }

    /// A pod `name` labelled `a=true` on node `foo`, in `phase`, Ready or not (`None`: no Ready
    /// condition at all).
    fn pod(server: &mut ApiServer, name: &str, phase: &str, ready: Option<bool>) {
        let body = json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "labels": {"a": "true"}},
            "spec": {"nodeName": "foo", "containers": [{"name": "c", "image": "nginx"}]}});
        let created = call(
            server,
            ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "pods")
                .namespace("default")
                .body(RequestBody::Json(body)),
        );
        assert!(created.result.is_ok(), "{:?}", created.status());
        let k = key("pods", Some("default"), name);
        let Some(Object::Pod(stored)) = server.store.get(&k).map(|s| s.object.clone()) else {
            panic!("stored");
        };
        let mut stored = (*stored).clone();
        let status = stored.status.get_or_insert_with(Default::default);
        status.phase = Some(phase.into());
        status.conditions = ready.map(|ready| {
            vec![PodCondition {
                type_: "Ready".into(),
                status: if ready { "True" } else { "False" }.into(),
                ..Default::default()
            }]
        });
        server
            .store
            .update(&k, Object::Pod(Arc::new(stored)), None)
            .expect("updated");
    }

    /// Budget `foo` with `selector` and its status as the case gives it.
    fn budget(server: &mut ApiServer, selector: Value, policy: Option<&str>, status: Value) {
        let mut spec = json!({"selector": selector});
        if let Some(policy) = policy {
            spec["unhealthyPodEvictionPolicy"] = json!(policy);
        }
        let created = call(
            server,
            ApiRequest::new(
                Credentials::ClusterAdmin,
                Verb::Create,
                "poddisruptionbudgets",
            )
            .namespace("default")
            .body(RequestBody::Json(json!({"apiVersion": "policy/v1",
                    "kind": "PodDisruptionBudget", "metadata": {"name": "foo"}, "spec": spec}))),
        );
        assert!(created.result.is_ok(), "{:?}", created.status());
        let k = key("poddisruptionbudgets", Some("default"), "foo");
        let mut stored = server.store.get(&k).expect("stored").object.to_json();
        stored["status"] = status;
        stored["status"]["observedGeneration"] = json!(1);
        let object = Object::from_json("PodDisruptionBudget", stored).expect("a budget");
        server.store.update(&k, object, None).expect("updated");
    }

    fn evict(server: &mut ApiServer, url_name: &str, body: Value) -> ApiResponse {
        call(
            server,
            ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "pods")
                .namespace("default")
                .name(url_name)
                .subresource("eviction")
                .body(RequestBody::Json(body)),
        )
    }

    fn eviction_of(name: &str) -> Value {
        json!({"apiVersion": "policy/v1", "kind": "Eviction",
               "metadata": {"name": name, "namespace": "default"},
               "deleteOptions": {"gracePeriodSeconds": 0}})
    }

    /// The error as upstream's tests compare it: message, reason, then each cause's message.
    fn error_text(response: &ApiResponse) -> String {
        let Some(status) = response.status() else {
            return "ok".into();
        };
        let mut text = status.message.clone().unwrap_or_default();
        if let Some(reason) = &status.reason {
            text.push_str(&format!(": {reason}"));
        }
        for cause in status
            .details
            .iter()
            .flat_map(|d| d.causes.iter().flatten())
        {
            text.push_str(&format!(": {}", cause.message.as_deref().unwrap_or("")));
        }
        text
    }

    fn pod_exists(server: &ApiServer, name: &str) -> bool {
        server
            .store
            .get(&key("pods", Some("default"), name))
            .is_some()
    }

    fn stored_budget(server: &ApiServer) -> Value {
        server
            .store
            .get(&key("poddisruptionbudgets", Some("default"), "foo"))
            .expect("budget")
            .object
            .to_json()
    }

    #[test]
    fn should_evict_or_refuse_as_upstreams_cases_expect() {
        let needs_0 = format!("{BUDGET}: TooManyRequests: The disruption budget foo needs 0 healthy pods and has 0 currently");
        // (name, phase, ready, selector, budget status, policies, the error or "ok").
        type Case<'a> = (
            &'a str,
            &'a str,
            Option<bool>,
            Value,
            Value,
            &'a [Option<&'a str>],
            String,
        );
        let cases: Vec<Case> = vec![
            ("matching pdbs with no disruptions allowed, pod running", "Running", None,
             json!({"matchLabels": {"a": "true"}}), json!({"disruptionsAllowed": 0}),
             &POLICIES[..2], needs_0.clone()),
            ("matching pdbs with no disruptions allowed, pod pending", "Pending", None,
             json!({"matchLabels": {"a": "true"}}), json!({"disruptionsAllowed": 0}), &POLICIES, "ok".into()),
            ("matching pdbs with no disruptions allowed, pod succeeded", "Succeeded", None,
             json!({"matchLabels": {"a": "true"}}), json!({"disruptionsAllowed": 0}), &POLICIES, "ok".into()),
            ("matching pdbs with no disruptions allowed, pod failed", "Failed", None,
             json!({"matchLabels": {"a": "true"}}), json!({"disruptionsAllowed": 0}), &POLICIES, "ok".into()),
            ("matching pdbs with disruptions allowed", "Running", None,
             json!({"matchLabels": {"a": "true"}}), json!({"disruptionsAllowed": 1}), &POLICIES, "ok".into()),
            ("non-matching pdbs", "Running", None,
             json!({"matchLabels": {"b": "true"}}), json!({"disruptionsAllowed": 0}), &POLICIES, "ok".into()),
            ("matching pdbs with no disruptions allowed, pod running, empty selector", "Running", None,
             json!({}), json!({"disruptionsAllowed": 0}), &POLICIES[..2], needs_0.clone()),
            ("matching pdbs with no disruptions allowed, pod running, pod healthy, unhealthy pod not ours",
             "Running", Some(true), json!({"matchLabels": {"a": "true"}}),
             json!({"disruptionsAllowed": 0, "currentHealthy": 2, "desiredHealthy": 2}), &POLICIES,
             format!("{BUDGET}: TooManyRequests: The disruption budget foo needs 2 healthy pods and has 2 currently")),
            ("matching pdbs with disruptions allowed, pod running, pod healthy, healthy pod ours, deletes pod by honoring the PDB",
             "Running", Some(true), json!({"matchLabels": {"a": "true"}}),
             json!({"disruptionsAllowed": 1, "currentHealthy": 3, "desiredHealthy": 3}), &POLICIES, "ok".into()),
            ("matching pdbs with no disruptions allowed, pod running, pod unhealthy, unhealthy pod ours",
             "Running", Some(false), json!({"matchLabels": {"a": "true"}}),
             json!({"disruptionsAllowed": 0, "currentHealthy": 2, "desiredHealthy": 2}), &POLICIES, "ok".into()),
            ("matching pdbs with no disruptions allowed, pod running, pod unhealthy, unhealthy pod ours, skips the PDB check and deletes",
             "Running", Some(false), json!({"matchLabels": {"a": "true"}}),
             json!({"disruptionsAllowed": 0}), &POLICIES[2..], "ok".into()),
            ("matching pdbs with no disruptions allowed, pod running, pod healthy, empty selector, pod not deleted by honoring the PDB",
             "Running", Some(true), json!({}),
             json!({"disruptionsAllowed": 0, "currentHealthy": 3, "desiredHealthy": 3}), &POLICIES,
             format!("{BUDGET}: TooManyRequests: The disruption budget foo needs 3 healthy pods and has 3 currently")),
            ("the error is about sync failure when the condition reason is SyncFailedReason",
             "Running", Some(true), json!({}),
             json!({"disruptionsAllowed": 0, "conditions": [{"type": "DisruptionAllowed", "status": "False",
                    "reason": "SyncFailed", "message": "hoge", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}),
             &POLICIES,
             format!("{BUDGET}: TooManyRequests: The disruption budget foo does not allow evicting pods currently because it failed sync: hoge")),
            ("the error includes the reason when the condition.Status is False",
             "Running", Some(true), json!({}),
             json!({"disruptionsAllowed": 0, "currentHealthy": 4, "desiredHealthy": 3,
                    "conditions": [{"type": "DisruptionAllowed", "status": "False",
                    "reason": "bar-reason", "message": "hoge", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}),
             &POLICIES,
             format!("{BUDGET}: TooManyRequests: The disruption budget foo does not allow evicting pods currently (bar-reason): hoge")),
        ];
        for (name, phase, ready, selector, status, policies, want) in cases {
            for policy in policies {
                let case = format!("{name} with {} policy", policy.unwrap_or("nil"));
                let mut server = ApiServer::new(1);
                pod(&mut server, "t1", phase, ready);
                budget(&mut server, selector.clone(), *policy, status.clone());
                let before = stored_budget(&server);
                let response = evict(&mut server, "t1", eviction_of("t1"));
                assert_eq!(error_text(&response), want, "{case}");
                assert_eq!(pod_exists(&server, "t1"), want != "ok", "{case}: deleted");
                if want != "ok" {
                    assert_eq!(stored_budget(&server), before, "{case}: budget unchanged");
                }
            }
        }
    }

    #[test]
    fn should_answer_201_and_take_one_disruption_from_the_budget() {
        let mut server = ApiServer::new(1);
        pod(&mut server, "foo-1", "Running", None);
        pod(&mut server, "foo-2", "Running", None);
        let sufficient = json!([{"type": "DisruptionAllowed", "status": "True",
            "reason": "SufficientPods", "lastTransitionTime": "2026-01-01T00:00:00Z"}]);
        budget(
            &mut server,
            json!({"matchLabels": {"a": "true"}}),
            None,
            json!({"disruptionsAllowed": 1, "conditions": sufficient}),
        );
        let response = evict(
            &mut server,
            "foo-1",
            json!({"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "foo-1"}}),
        );
        assert_eq!(response.code, 201);
        assert!(
            matches!(&response.result, Ok(ResponseBody::Status(s)) if s.status.as_deref() == Some("Success"))
        );
        // "pdb status is updated after eviction": no disruption left, InsufficientPods, the pod
        // recorded as disrupted.
        let status = &stored_budget(&server)["status"];
        assert_eq!(status["disruptionsAllowed"], 0);
        assert_eq!(status["conditions"][0]["reason"], "InsufficientPods");
        assert_eq!(status["conditions"][0]["status"], "False");
        assert_eq!(status["disruptedPods"]["foo-1"], "2026-01-01T00:00:05Z");
        // The pod was bound, so its deletion is graceful; it carries the DisruptionTarget condition.
        let evicted = server
            .store
            .get(&key("pods", Some("default"), "foo-1"))
            .expect("terminating")
            .object
            .to_json();
        assert!(evicted["metadata"]["deletionTimestamp"].is_string());
        let conditions = evicted["status"]["conditions"]
            .as_array()
            .expect("conditions");
        let target = conditions
            .iter()
            .find(|c| c["type"] == "DisruptionTarget")
            .expect("DisruptionTarget");
        assert_eq!(target["status"], "True");
        assert_eq!(target["reason"], "EvictionByEvictionAPI");
        assert_eq!(target["message"], "Eviction API: evicting");
        // "condition reason is only updated if AllowedDisruptions becomes 0".
        let mut server = ApiServer::new(1);
        pod(&mut server, "foo-1", "Running", None);
        let sufficient = json!([{"type": "DisruptionAllowed", "status": "True",
            "reason": "SufficientPods", "lastTransitionTime": "2026-01-01T00:00:00Z"}]);
        budget(
            &mut server,
            json!({"matchLabels": {"a": "true"}}),
            None,
            json!({"disruptionsAllowed": 3, "conditions": sufficient}),
        );
        assert_eq!(evict(&mut server, "foo-1", eviction_of("foo-1")).code, 201);
        let status = &stored_budget(&server)["status"];
        assert_eq!(status["disruptionsAllowed"], 2);
        assert_eq!(status["conditions"][0]["reason"], "SufficientPods");
    }

    #[test]
    fn should_refuse_bad_evictions_with_upstreams_status() {
        let refused = |setup: &dyn Fn(&mut ApiServer), url: &str, body: Value| {
            let mut server = ApiServer::new(1);
            pod(&mut server, "t1", "Running", Some(true));
            setup(&mut server);
            let revision = server.store.revision();
            let response = evict(&mut server, url, body);
            assert_eq!(server.store.revision(), revision, "nothing written");
            let status = response.status().cloned().expect("refused");
            (response.code, status)
        };
        let none = |_: &mut ApiServer| {};
        let (code, status) = refused(&none, "t7bad-name", eviction_of("t1"));
        assert_eq!(code, 400);
        assert_eq!(
            status.message.as_deref(),
            Some("name in URL does not match name in Eviction object")
        );
        let (code, status) = refused(&none, "nope", eviction_of("nope"));
        assert_eq!(
            (code, status.message.as_deref()),
            (404, Some("pods \"nope\" not found"))
        );
        let (code, status) = refused(
            &none,
            "t1",
            json!({"apiVersion": "v1", "kind": "Eviction", "metadata": {"name": "t1"}}),
        );
        assert_eq!(code, 400);
        assert_eq!(
            status.message.as_deref(),
            Some("the API version in the data (v1) does not match the expected API version (policy/v1)")
        );
        let (code, status) = refused(
            &none,
            "t1",
            json!({"metadata": {"name": "t1", "namespace": "other"}}),
        );
        assert_eq!(code, 400);
        assert_eq!(status.message.as_deref(), Some("the namespace of the provided object does not match the namespace sent on the request"));
        let (code, status) = refused(
            &none,
            "t1",
            json!({"metadata": {"name": "t1"},
                   "deleteOptions": {"ignoreStoreReadErrorWithClusterBreakingPotential": true}}),
        );
        assert_eq!(code, 422);
        assert_eq!(status.message.as_deref(), Some("Eviction.policy \"t1\" is invalid: deleteOptions.ignoreStoreReadErrorWithClusterBreakingPotential: Invalid value: true: can not be set for pod eviction, try after removing the option"));
        let (code, status) = refused(
            &none,
            "t1",
            json!({"metadata": {"name": "t1"}, "deleteOptions": {"preconditions": {"uid": "x"}}}),
        );
        assert_eq!(code, 409);
        assert!(status.message.as_deref().unwrap_or("").starts_with(
            "Operation cannot be fulfilled on Pod \"t1\": the UID in the precondition (x) does not match the UID in record ("
        ));
        // Two budgets select the pod: 500 with no reason.
        let two = |server: &mut ApiServer| {
            budget(
                server,
                json!({"matchLabels": {"a": "true"}}),
                None,
                json!({"disruptionsAllowed": 1}),
            );
            let second = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                "metadata": {"name": "bar"}, "spec": {"selector": {}}});
            call(
                server,
                ApiRequest::new(
                    Credentials::ClusterAdmin,
                    Verb::Create,
                    "poddisruptionbudgets",
                )
                .namespace("default")
                .body(RequestBody::Json(second)),
            );
        };
        let (code, status) = refused(&two, "t1", eviction_of("t1"));
        assert_eq!((code, status.reason.as_deref()), (500, None));
        assert_eq!(status.message.as_deref(), Some("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."));
        // A status older than the spec: retry in 10 s.
        let stale = |server: &mut ApiServer| {
            budget(
                server,
                json!({"matchLabels": {"a": "true"}}),
                None,
                json!({"disruptionsAllowed": 1}),
            );
            let k = key("poddisruptionbudgets", Some("default"), "foo");
            let mut stored = server.store.get(&k).expect("budget").object.to_json();
            stored["metadata"]["generation"] = json!(2);
            let object = Object::from_json("PodDisruptionBudget", stored).expect("a budget");
            server.store.update(&k, object, None).expect("updated");
        };
        let (code, status) = refused(&stale, "t1", eviction_of("t1"));
        assert_eq!(code, 429);
        let details = status.details.expect("details");
        assert_eq!(details.retry_after_seconds, Some(10));
        let causes = details.causes.expect("causes");
        assert_eq!(causes[0].reason.as_deref(), Some("DisruptionBudget"));
        assert_eq!(
            causes[0].message.as_deref(),
            Some("The disruption budget foo is still being processed by the server.")
        );
        // A negative count, and too many unconfirmed evictions.
        let negative = |server: &mut ApiServer| {
            budget(
                server,
                json!({"matchLabels": {"a": "true"}}),
                None,
                json!({"disruptionsAllowed": -1}),
            );
        };
        let (code, status) = refused(&negative, "t1", eviction_of("t1"));
        assert_eq!(code, 403);
        assert_eq!(status.message.as_deref(), Some("poddisruptionbudget.policy \"foo\" is forbidden: pdb disruptions allowed is negative"));
        let crowded = |server: &mut ApiServer| {
            let disrupted: serde_json::Map<String, Value> = (0..=MAX_DISRUPTED_POD_SIZE)
                .map(|i| (format!("p{i}"), json!("2026-01-01T00:00:00Z")))
                .collect();
            budget(
                server,
                json!({"matchLabels": {"a": "true"}}),
                None,
                json!({"disruptionsAllowed": 1, "disruptedPods": disrupted}),
            );
        };
        let (code, status) = refused(&crowded, "t1", eviction_of("t1"));
        assert_eq!(code, 403);
        assert_eq!(status.message.as_deref(), Some("poddisruptionbudget.policy \"foo\" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller"));
    }

    #[test]
    fn should_check_everything_and_write_nothing_in_a_dry_run() {
        let mut server = ApiServer::new(1);
        pod(&mut server, "foo", "Running", Some(true));
        budget(
            &mut server,
            json!({"matchLabels": {"a": "true"}}),
            None,
            json!({"disruptionsAllowed": 1}),
        );
        let revision = server.store.revision();
        let body = json!({"metadata": {"name": "foo"}, "deleteOptions": {"dryRun": ["All"]}});
        let response = evict(&mut server, "foo", body.clone());
        assert_eq!(response.code, 201);
        assert_eq!(server.store.revision(), revision);
        // The budget's refusal still comes back.
        budget_allows(&mut server, 0);
        let response = evict(&mut server, "foo", body);
        assert_eq!(response.code, 429);
    }

    fn budget_allows(server: &mut ApiServer, allowed: i32) {
        let k = key("poddisruptionbudgets", Some("default"), "foo");
        let mut stored = server.store.get(&k).expect("budget").object.to_json();
        stored["status"]["disruptionsAllowed"] = json!(allowed);
        let object = Object::from_json("PodDisruptionBudget", stored).expect("a budget");
        server.store.update(&k, object, None).expect("updated");
    }

    #[test]
    fn should_let_only_users_who_may_create_pods_eviction_evict() {
        let mut server = ApiServer::new(1);
        server.add_user("jane", ["developers"]);
        pod(&mut server, "t1", "Running", Some(true));
        let response = call(
            &mut server,
            ApiRequest::new(Credentials::User("jane".into()), Verb::Create, "pods")
                .namespace("default")
                .name("t1")
                .subresource("eviction")
                .body(RequestBody::Json(eviction_of("t1"))),
        );
        assert_eq!(response.code, 403);
        assert_eq!(
            response.status().and_then(|s| s.message.as_deref()),
            Some("pods \"t1\" is forbidden: User \"jane\" cannot create resource \"pods/eviction\" in API group \"\" in the namespace \"default\"")
        );
    }
}
