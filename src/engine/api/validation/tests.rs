//! Golden and table-driven tests of the validation messages, the kubernetes.io examples corpus, and a
//! property test that garbage never panics decode or validation.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;
use crate::engine::api::decode::decode;
use crate::engine::api::defaults::apply_defaults;
use crate::engine::api::strategy::prepare_for_create;
use crate::engine::api::FieldValidation;
use crate::engine::objects::{resource_for_kind, Object};

/// Decode (strict), default and prepare like the create path, then validate.
fn create_errors(body: Value) -> Result<Vec<String>, String> {
    let api_version = body
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("v1")
        .to_string();
    let kind = body
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("Pod")
        .to_string();
    let info =
        resource_for_kind(&api_version, &kind).ok_or_else(|| format!("unknown kind {kind}"))?;
    let selector_given = body
        .pointer("/spec/selector")
        .is_some_and(|selector| !selector.is_null());
    let (mut object, _) =
        decode(info, body, FieldValidation::Strict).map_err(|s| s.message.unwrap_or_default())?;
    apply_defaults(&mut object);
    prepare_for_create(&mut object);
    Ok(validate_create_request(&object, selector_given)
        .iter()
        .map(ToString::to_string)
        .collect())
}

fn pod(spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "demo-pod", "namespace": "default"}, "spec": spec})
}

fn nginx() -> Value {
    json!({"name": "nginx", "image": "nginx:1.27"})
}

fn errors_of(body: Value) -> Vec<String> {
    create_errors(body).unwrap_or_else(|e| vec![format!("decode: {e}")])
}

#[test]
fn should_report_the_demo_pod_name_message_verbatim() {
    let mut body = pod(json!({"containers": [nginx()]}));
    body["metadata"]["name"] = json!("Demo_Pod");
    assert_eq!(
        errors_of(body),
        vec!["metadata.name: Invalid value: \"Demo_Pod\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]
    );
}

#[test]
fn should_accept_a_minimal_pod() {
    assert_eq!(
        errors_of(pod(json!({"containers": [nginx()]}))),
        Vec::<String>::new()
    );
}

#[test]
fn should_reject_invalid_pods_with_upstream_messages_in_upstream_order() {
    let label_msg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        ("missing image", json!({"containers": [{"name": "nginx"}]}), vec!["spec.containers[0].image: Required value".into()]),
        ("no containers", json!({"containers": []}), vec!["spec.containers: Required value".into()]),
        (
            "duplicate container name",
            json!({"containers": [nginx(), nginx()]}),
            vec!["spec.containers[1].name: Duplicate value: \"nginx\"".into()],
        ),
        (
            "init container named like a container",
            json!({"containers": [nginx()], "initContainers": [{"name": "nginx", "image": "busybox"}]}),
            vec!["spec.initContainers[0].name: Duplicate value: \"nginx\"".into()],
        ),
        (
            "container name not a DNS label",
            json!({"containers": [{"name": "Web_1", "image": "nginx"}]}),
            vec![format!("spec.containers[0].name: Invalid value: \"Web_1\": {label_msg}")],
        ),
        (
            "image with surrounding whitespace",
            json!({"containers": [{"name": "nginx", "image": " nginx "}]}),
            vec!["spec.containers[0].image: Invalid value: \" nginx \": must not have leading or trailing whitespace".into()],
        ),
        (
            "request above limit",
            json!({"containers": [{"name": "nginx", "image": "nginx", "resources": {"requests": {"cpu": "600m"}, "limits": {"cpu": "500m"}}}]}),
            vec!["spec.containers[0].resources.requests: Invalid value: \"600m\": must be less than or equal to cpu limit of 500m".into()],
        ),
        (
            "negative request",
            json!({"containers": [{"name": "nginx", "image": "nginx", "resources": {"requests": {"memory": "-1"}}}]}),
            vec!["spec.containers[0].resources.requests[memory]: Invalid value: \"-1\": must be greater than or equal to 0".into()],
        ),
        (
            "extended resource request without equal limit",
            json!({"containers": [{"name": "nginx", "image": "nginx", "resources": {"requests": {"example.com/gpu": "1"}, "limits": {"example.com/gpu": "2"}}}]}),
            vec!["spec.containers[0].resources.requests: Invalid value: \"1\": must be equal to example.com/gpu limit of 2".into()],
        ),
        (
            "extended resource request without any limit",
            json!({"containers": [{"name": "nginx", "image": "nginx", "resources": {"requests": {"example.com/gpu": "1"}}}]}),
            vec!["spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources".into()],
        ),
        (
            "unprefixed unknown resource",
            json!({"containers": [{"name": "nginx", "image": "nginx", "resources": {"limits": {"gpu": "1"}}}]}),
            vec![
                "spec.containers[0].resources.limits[gpu]: Invalid value: \"gpu\": must be a standard resource type or fully qualified".into(),
                "spec.containers[0].resources.limits[gpu]: Invalid value: \"gpu\": must be a standard resource for containers".into(),
                "spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource type or fully qualified".into(),
                "spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource for containers".into(),
            ],
        ),
        (
            "hugepages without cpu or memory",
            json!({"containers": [{"name": "nginx", "image": "nginx", "resources": {"limits": {"hugepages-2Mi": "4Mi"}}}]}),
            vec!["spec.containers[0].resources: Forbidden: HugePages require cpu or memory".into()],
        ),
        (
            "hugepages not a page multiple",
            json!({"containers": [{"name": "nginx", "image": "nginx", "resources": {"limits": {"hugepages-2Mi": "3Mi", "memory": "1Gi"}}}]}),
            vec![
                "spec.containers[0].resources.limits[hugepages-2Mi]: Invalid value: \"3Mi\": 3Mi is not positive integer multiple of hugepages-2Mi".into(),
                "spec.containers[0].resources.requests[hugepages-2Mi]: Invalid value: \"3Mi\": 3Mi is not positive integer multiple of hugepages-2Mi".into(),
            ],
        ),
        (
            "bad restart and dns policies",
            json!({"containers": [nginx()], "restartPolicy": "Sometimes", "dnsPolicy": "Maybe"}),
            vec![
                "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"".into(),
                "spec.dnsPolicy: Unsupported value: \"Maybe\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\"".into(),
            ],
        ),
        (
            "port out of range, bad protocol, duplicate host port",
            json!({"containers": [{"name": "nginx", "image": "nginx", "ports": [
                {"containerPort": 70000, "protocol": "HTTP"},
                {"containerPort": 80, "hostPort": 8080},
                {"containerPort": 81, "hostPort": 8080}]}]}),
            vec![
                "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive".into(),
                "spec.containers[0].ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"".into(),
                "spec.containers[0].ports[2].hostPort: Duplicate value: \"TCP//8080\"".into(),
            ],
        ),
        (
            "volume mount without volume",
            json!({"containers": [{"name": "nginx", "image": "nginx", "volumeMounts": [{"name": "data", "mountPath": "/data"}]}]}),
            vec!["spec.containers[0].volumeMounts[0].name: Not found: \"data\"".into()],
        ),
        (
            "duplicate volume and two sources",
            json!({"containers": [nginx()], "volumes": [
                {"name": "a", "emptyDir": {}}, {"name": "a", "emptyDir": {}},
                {"name": "b", "emptyDir": {}, "hostPath": {"path": "/x"}}]}),
            vec![
                "spec.volumes[1].name: Duplicate value: \"a\"".into(),
                "spec.volumes[2].hostPath: Forbidden: may not specify more than 1 volume type".into(),
            ],
        ),
        (
            "env var name with '='",
            json!({"containers": [{"name": "nginx", "image": "nginx", "env": [{"name": "A=B", "value": "x"}]}]}),
            vec!["spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='".into()],
        ),
        (
            "probe on a regular init container",
            json!({"containers": [nginx()], "initContainers": [{"name": "init", "image": "busybox", "readinessProbe": {"exec": {"command": ["true"]}}}]}),
            vec!["spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always".into()],
        ),
        (
            "liveness probe with success threshold 2",
            json!({"containers": [{"name": "nginx", "image": "nginx", "livenessProbe": {"tcpSocket": {"port": 80}, "successThreshold": 2}}]}),
            vec!["spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1".into()],
        ),
        (
            "node affinity In without values",
            json!({"containers": [nginx()], "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "In"}]}]}}}}),
            vec!["spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'".into()],
        ),
        (
            "toleration with empty key and Equal",
            json!({"containers": [nginx()], "tolerations": [{"operator": "Equal", "value": "x"}]}),
            vec!["spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\"".into()],
        ),
        (
            "toleration seconds without NoExecute",
            json!({"containers": [nginx()], "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 5}]}),
            vec!["spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set".into()],
        ),
        (
            "ephemeral containers on create",
            json!({"containers": [nginx()], "ephemeralContainers": [{"name": "debug", "image": "busybox"}]}),
            vec!["spec.ephemeralContainers: Forbidden: cannot be set on create".into()],
        ),
        (
            "node name with scheduling gates",
            json!({"containers": [nginx()], "nodeName": "node-a", "schedulingGates": [{"name": "example.com/gate"}]}),
            vec!["spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared".into()],
        ),
        (
            "duplicate scheduling gate",
            json!({"containers": [nginx()], "schedulingGates": [{"name": "a"}, {"name": "a"}]}),
            vec!["spec.schedulingGates[1]: Duplicate value: \"a\"".into()],
        ),
        (
            "active deadline zero",
            json!({"containers": [nginx()], "activeDeadlineSeconds": 0}),
            vec!["spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive".into()],
        ),
        (
            "hostname with dots",
            json!({"containers": [nginx()], "hostname": "a.b"}),
            vec!["spec.hostname: Invalid value: \"a.b\": must not contain dots".into()],
        ),
        (
            "bad priority class name and preemption policy",
            json!({"containers": [nginx()], "priorityClassName": "High", "preemptionPolicy": "Sometimes"}),
            vec![
                "spec.priorityClassName: Invalid value: \"High\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".into(),
                "spec.preemptionPolicy: Unsupported value: \"Sometimes\": supported values: \"PreemptLowerPriority\", \"Never\"".into(),
            ],
        ),
        (
            "node selector label value",
            json!({"containers": [nginx()], "nodeSelector": {"disktype": "s s d"}}),
            vec!["spec.nodeSelector: Invalid value: \"s s d\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".into()],
        ),
        (
            "fractional extended resource",
            json!({"containers": [{"name": "nginx", "image": "nginx", "resources": {"limits": {"example.com/gpu": "500m"}}}]}),
            vec![
                "spec.containers[0].resources.limits[example.com/gpu]: Invalid value: \"500m\": must be an integer".into(),
                "spec.containers[0].resources.requests[example.com/gpu]: Invalid value: \"500m\": must be an integer".into(),
            ],
        ),
        (
            "dns search with a space and a bad port name",
            json!({"containers": [{"name": "nginx", "image": "nginx", "ports": [{"containerPort": 80, "name": "HTTP"}]}],
                "dnsConfig": {"searches": ["my domain"]}}),
            vec![
                "spec.containers[0].ports[0].name: Invalid value: \"HTTP\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".into(),
                "spec.containers[0].ports[0].name: Invalid value: \"HTTP\": must contain at least one letter (a-z)".into(),
                "spec.dnsConfig.searches[0]: Invalid value: \"my domain\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*')".into(),
            ],
        ),
        (
            "hostNetwork with mismatched hostPort",
            json!({"hostNetwork": true, "containers": [{"name": "nginx", "image": "nginx", "ports": [{"containerPort": 80, "hostPort": 81}]}]}),
            vec!["spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when `hostNetwork` is true".into()],
        ),
    ];
    for (name, spec, want) in cases {
        assert_eq!(errors_of(pod(spec)), want, "case: {name}");
    }
}

#[test]
fn should_validate_env_file_key_refs_as_a_v1_36_server_with_env_files_on() {
    let label_msg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    let env_pod = |value_from: Value, volume: Value| {
        pod(json!({
            "initContainers": [{"name": "setup", "image": "nginx", "volumeMounts": [{"name": "config", "mountPath": "/data"}]}],
            "containers": [{"name": "app", "image": "nginx", "env": [{"name": "DB_ADDRESS", "valueFrom": value_from}]}],
            "volumes": [volume],
        }))
    };
    let empty_dir = json!({"name": "config", "emptyDir": {}});
    let file_key = |key: &str, volume: &str, path: &str| json!({"fileKeyRef": {"key": key, "volumeName": volume, "path": path}});
    let at = "spec.containers[0].env[0].valueFrom";
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        ("an env file in an emptyDir", env_pod(file_key("DB_ADDRESS", "config", "config.env"), empty_dir.clone()), vec![]),
        // Only `..` elements are refused: absolute paths and `..` inside a name pass, and `\` is no separator.
        ("an absolute path", env_pod(file_key("K", "config", "/data/config.env"), empty_dir.clone()), vec![]),
        ("a name starting with dots", env_pod(file_key("K", "config", "..config.env"), empty_dir.clone()), vec![]),
        ("backslashes", env_pod(file_key("K", "config", "a\\..\\b"), empty_dir.clone()), vec![]),
        (
            "a backstep",
            env_pod(file_key("K", "config", "a/../../b"), empty_dir.clone()),
            vec![format!("{at}.fileKeyRef.path: Invalid value: \"a/../../b\": must not contain '..'")],
        ),
        (
            "a key with '='",
            env_pod(file_key("A=B", "config", "f"), empty_dir.clone()),
            vec![format!("{at}.fileKeyRef.key: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='")],
        ),
        (
            "empty fields, in upstream's order; the empty volume name is not found either",
            env_pod(file_key("", "", ""), empty_dir.clone()),
            vec![
                format!("{at}.fileKeyRef.key: Required value"),
                format!("{at}.fileKeyRef.volumeName: Required value"),
                format!("{at}.fileKeyRef.path: Required value"),
                format!("{at}.fileKeyRef.volumeName: Not found: \"\""),
            ],
        ),
        (
            "a volume name that is no DNS label",
            env_pod(file_key("K", "Config", "f"), empty_dir.clone()),
            vec![
                format!("{at}.fileKeyRef.volumeName: Invalid value: \"Config\": {label_msg}"),
                format!("{at}.fileKeyRef.volumeName: Not found: \"Config\""),
            ],
        ),
        (
            "a volume that is not an emptyDir",
            env_pod(file_key("K", "config", "f"), json!({"name": "config", "configMap": {"name": "settings"}})),
            vec![format!("{at}.fileKeyRef.volumeName: Invalid value: \"config\": referenced volume must be of type emptyDir")],
        ),
        (
            "no source",
            env_pod(json!({}), empty_dir.clone()),
            vec![format!("{at}: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef`, `secretKeyRef` or `fileKeyRef`")],
        ),
        (
            "two sources",
            env_pod(
                json!({"fileKeyRef": {"key": "K", "volumeName": "config", "path": "f"}, "fieldRef": {"fieldPath": "metadata.name"}}),
                empty_dir.clone(),
            ),
            vec![format!("{at}: Invalid value: \"\": may not have more than one field specified at a time")],
        ),
    ];
    for (name, body, want) in cases {
        assert_eq!(errors_of(body), want, "case: {name}");
    }
    // Init containers are checked too, with their own path.
    let init = pod(json!({
        "initContainers": [{"name": "setup", "image": "nginx", "env": [{"name": "A", "valueFrom": {"fileKeyRef": {"key": "A", "volumeName": "missing", "path": "f"}}}]}],
        "containers": [nginx()],
    }));
    assert_eq!(
        errors_of(init),
        vec![
            "spec.initContainers[0].env[0].valueFrom.fileKeyRef.volumeName: Not found: \"missing\""
                .to_string()
        ]
    );
}

#[test]
fn should_validate_container_restart_rules_with_container_restart_rules_on() {
    let rule = |action: &str, operator: &str| json!({"action": action, "exitCodes": {"operator": operator, "values": [42]}});
    let container = |extra: Value| {
        let mut c = json!({"name": "app", "image": "nginx"});
        for (k, v) in extra.as_object().into_iter().flatten() {
            c[k] = v.clone();
        }
        c
    };
    let at = "spec.containers[0]";
    let many_rules: Vec<Value> = (0..21).map(|_| rule("Restart", "In")).collect();
    let many_values: Vec<i32> = (0..256).collect();
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        ("a container's own Never under a pod's Always", json!({"containers": [container(json!({"restartPolicy": "Never"}))]}), vec![]),
        ("a container's own Always under a pod's Never", json!({"restartPolicy": "Never", "containers": [container(json!({"restartPolicy": "Always"}))]}), vec![]),
        (
            "an unknown policy",
            json!({"containers": [container(json!({"restartPolicy": "Sometimes"}))]}),
            vec![format!("{at}.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\", \"OnFailure\"")],
        ),
        (
            "rules, duplicates and negative codes allowed",
            json!({"containers": [container(json!({"restartPolicy": "Never", "restartPolicyRules": [
                rule("Restart", "In"), rule("RestartAllContainers", "NotIn"),
                {"action": "Restart", "exitCodes": {"operator": "In", "values": [1, 1, -3]}},
                {"action": "Restart", "exitCodes": {"operator": "In", "values": []}}]}))]}),
            vec![],
        ),
        (
            "rules without a policy, a bad action and no exit codes: all three, in order",
            json!({"containers": [container(json!({"restartPolicyRules": [{"action": "Kill"}]}))]}),
            vec![
                format!("{at}.restartPolicy: Required value: must specify restartPolicy when restart rules are used"),
                format!("{at}.restartPolicyRules[0].action: Unsupported value: \"Kill\": supported values: \"Restart\", \"RestartAllContainers\""),
                format!("{at}.restartPolicyRules[0].exitCodes: Required value: must be specified"),
            ],
        ),
        (
            "a bad operator",
            json!({"containers": [container(json!({"restartPolicy": "Never", "restartPolicyRules": [rule("Restart", "Equals")]}))]}),
            vec![format!("{at}.restartPolicyRules[0].exitCodes.operator: Unsupported value: \"Equals\": supported values: \"In\", \"NotIn\"")],
        ),
        (
            "21 rules",
            json!({"containers": [container(json!({"restartPolicy": "Never", "restartPolicyRules": many_rules}))]}),
            vec![format!("{at}.restartPolicyRules: Too many: 21: must have at most 20 items")],
        ),
        (
            "256 exit codes",
            json!({"containers": [container(json!({"restartPolicy": "Never", "restartPolicyRules": [{"action": "Restart", "exitCodes": {"operator": "In", "values": many_values}}]}))]}),
            vec![format!("{at}.restartPolicyRules[0].exitCodes.values: Too many: 256: must have at most 255 items")],
        ),
        (
            "a plain init container with its own Never, and a sidecar with a rule",
            json!({"containers": [nginx()], "initContainers": [
                {"name": "setup", "image": "busybox", "restartPolicy": "Never"},
                {"name": "watcher", "image": "busybox", "restartPolicy": "Always", "restartPolicyRules": [rule("RestartAllContainers", "In")]}]}),
            vec![],
        ),
        (
            "init rules without a policy: only the missing policy",
            json!({"containers": [nginx()], "initContainers": [{"name": "setup", "image": "busybox", "restartPolicyRules": [{"action": "Kill"}]}]}),
            vec!["spec.initContainers[0].restartPolicy: Required value: must specify restartPolicy when restart rules are used".into()],
        ),
        (
            "an init container's OnFailure is not a sidecar: no probes",
            json!({"containers": [nginx()], "initContainers": [{"name": "setup", "image": "busybox", "restartPolicy": "OnFailure",
                "livenessProbe": {"exec": {"command": ["true"]}}}]}),
            vec!["spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always".into()],
        ),
        (
            "a plain init container may not be restarted to resize; a sidecar may",
            json!({"containers": [nginx()], "initContainers": [
                {"name": "setup", "image": "busybox", "resizePolicy": [{"resourceName": "cpu", "restartPolicy": "RestartContainer"}]},
                {"name": "proxy", "image": "busybox", "restartPolicy": "Always", "resizePolicy": [{"resourceName": "cpu", "restartPolicy": "RestartContainer"}]}]}),
            vec!["spec.initContainers[0].resizePolicy[0].restartPolicy: Invalid value: \"RestartContainer\": must not be set to 'RestartContainer' for non-sidecar initContainers".into()],
        ),
        (
            "procMount Unmasked needs its own user namespace",
            json!({"containers": [container(json!({"securityContext": {"procMount": "Unmasked"}}))]}),
            vec![format!("{at}.securityContext.procMount: Invalid value: \"Unmasked\": `hostUsers` must be false to use `Unmasked`")],
        ),
        ("procMount Unmasked with hostUsers false", json!({"hostUsers": false, "containers": [container(json!({"securityContext": {"procMount": "Unmasked"}}))]}), vec![]),
        ("a hostname override", json!({"hostnameOverride": "my-host.example", "containers": [nginx()]}), vec![]),
        (
            "a hostname override with FQDN, host network, too long and not a subdomain",
            json!({"hostnameOverride": format!("My_{}", "a".repeat(62)), "setHostnameAsFQDN": true, "hostNetwork": true,
                "containers": [{"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]}),
            vec![
                "spec.hostnameOverride: Forbidden: may not be specified when setHostnameAsFQDN is true".into(),
                "spec.hostnameOverride: Forbidden: may not be specified when hostNetwork is true".into(),
                "spec.hostnameOverride: Too long: may not be more than 64 bytes".into(),
                format!("spec.hostnameOverride: Invalid value: \"My_{}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')", "a".repeat(62)),
            ],
        ),
    ];
    for (name, spec, want) in cases {
        assert_eq!(errors_of(pod(spec)), want, "case: {name}");
    }
}

#[test]
fn should_check_affinity_label_keys_resource_names_claims_and_addresses_as_upstream() {
    let label_name_msg = "prefix part must be non-empty";
    let term = |extra: Value| {
        let mut t = json!({"labelSelector": {"matchExpressions": [{"key": "key", "operator": "NotIn", "values": ["value2"]}]}, "topologyKey": "k8s.io/zone"});
        for (k, v) in extra.as_object().into_iter().flatten() {
            t[k] = v.clone();
        }
        t
    };
    let affinity = |t: Value| json!({"containers": [nginx()], "affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [t]}}});
    let at = "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]";
    let mut labelled = pod(affinity(term(json!({"matchLabelKeys": ["key"]}))));
    labelled["metadata"]["labels"] = json!({"key": "value1"});
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        (
            "a label key that is not a label name",
            pod(affinity(term(json!({"matchLabelKeys": ["/simple"], "mismatchLabelKeys": ["/other"]})))),
            vec![
                format!("{at}.matchLabelKeys[0]: Invalid value: \"/simple\": {label_name_msg}"),
                format!("{at}.mismatchLabelKeys[0]: Invalid value: \"/other\": {label_name_msg}"),
            ],
        ),
        (
            "a key in both lists",
            pod(affinity(term(json!({"matchLabelKeys": ["app"], "mismatchLabelKeys": ["app"]})))),
            vec![format!("{at}.matchLabelKeys[0]: Invalid value: \"app\": exists in both matchLabelKeys and mismatchLabelKeys")],
        ),
        (
            // The create merges `key in (value1)` into a selector that already names `key`.
            "a matchLabelKeys key the selector already names",
            labelled,
            vec![format!("{at}[0]: Invalid value: \"key\": exists in both matchLabelKeys and labelSelector")],
        ),
        (
            "label keys without a selector",
            pod(affinity(json!({"topologyKey": "k8s.io/zone", "matchLabelKeys": ["app"]}))),
            vec![format!("{at}.matchLabelKeys: Forbidden: must not be specified when labelSelector is not set")],
        ),
        (
            "spread matchLabelKeys: label names, and only with a selector",
            pod(json!({"containers": [nginx()], "topologySpreadConstraints": [
                {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"app": "web"}}, "matchLabelKeys": ["/simple"]},
                {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "ScheduleAnyway", "matchLabelKeys": ["app"]}]})),
            vec![
                format!("spec.topologySpreadConstraints[0].matchLabelKeys[0]: Invalid value: \"/simple\": {label_name_msg}"),
                "spec.topologySpreadConstraints[1].matchLabelKeys: Forbidden: must not be specified when labelSelector is not set".into(),
            ],
        ),
        (
            "an unknown unqualified container resource",
            pod(json!({"containers": [{"name": "nginx", "image": "nginx", "resources": {"requests": {"invalid-name": "2"}, "limits": {"invalid-name": "2"}}}]})),
            vec![
                "spec.containers[0].resources.limits[invalid-name]: Invalid value: \"invalid-name\": must be a standard resource type or fully qualified".into(),
                "spec.containers[0].resources.limits[invalid-name]: Invalid value: \"invalid-name\": must be a standard resource for containers".into(),
                "spec.containers[0].resources.requests[invalid-name]: Invalid value: \"invalid-name\": must be a standard resource type or fully qualified".into(),
                "spec.containers[0].resources.requests[invalid-name]: Invalid value: \"invalid-name\": must be a standard resource for containers".into(),
            ],
        ),
        (
            "a claim an ephemeral volume creates, and a generated claim name too long",
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a".repeat(200), "namespace": "default"}, "spec": {"containers": [nginx()], "volumes": [
                {"name": "data", "persistentVolumeClaim": {"claimName": format!("{}-scratch", "a".repeat(200))}},
                {"name": "scratch", "ephemeral": {"volumeClaimTemplate": {"spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}}},
                {"name": "b".repeat(60), "ephemeral": {"volumeClaimTemplate": {"spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}}}]}}),
            vec![
                format!("spec.volumes[0].persistentVolumeClaim.claimName: Invalid value: \"{}-scratch\": must not reference a PVC that gets created for an ephemeral volume", "a".repeat(200)),
                format!("spec.volumes[2].name: Invalid value: \"{b}\": PVC name \"{a}-{b}\": must be no more than 253 characters", a = "a".repeat(200), b = "b".repeat(60)),
            ],
        ),
        (
            "host alias and nameserver addresses (leading zeros still pass)",
            pod(json!({"containers": [nginx()], "dnsPolicy": "None",
                "dnsConfig": {"nameservers": ["1.2.3.4", "010.002.003.004", "fe80::1", "bad"]},
                "hostAliases": [{"ip": "999.999.999.999", "hostnames": ["one"]}, {"ip": "::ffff:1.2.3.4", "hostnames": ["two"]}]})),
            vec![
                "spec.dnsConfig.nameservers: Invalid value: [\"1.2.3.4\",\"010.002.003.004\",\"fe80::1\",\"bad\"]: must not have more than 3 nameservers".into(),
                "spec.dnsConfig.nameservers[3]: Invalid value: \"bad\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)".into(),
                "spec.hostAliases[0].ip: Invalid value: \"999.999.999.999\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)".into(),
            ],
        ),
    ];
    for (name, body, want) in cases {
        assert_eq!(errors_of(body), want, "case: {name}");
    }
    let cost = |value: &str| {
        let mut body = pod(json!({"containers": [nginx()]}));
        body["metadata"]["annotations"] =
            json!({"controller.kubernetes.io/pod-deletion-cost": value});
        errors_of(body)
    };
    for accepted in ["0", "-0", "8", "-8", "-08", "2147483647"] {
        assert_eq!(cost(accepted), Vec::<String>::new(), "{accepted}");
    }
    for refused in ["008", "+8", "", "2147483648", "1.5"] {
        assert_eq!(
            cost(refused),
            vec![format!("metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: \"{refused}\": must be a 32bit integer")],
            "{refused}"
        );
    }
}

#[test]
fn should_validate_services_as_upstream_validate_service_does() {
    let service = |spec: Value| {
        let mut body = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
            "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80}]}});
        for (k, v) in spec.as_object().into_iter().flatten() {
            body["spec"][k] = v.clone();
        }
        errors_of(body)
    };
    let only_lb = "may only be used when `type` is 'LoadBalancer'";
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        ("a plain service", json!({}), vec![]),
        ("client IP affinity gets its default timeout", json!({"sessionAffinity": "ClientIP"}), vec![]),
        (
            "an affinity timeout above a day",
            json!({"sessionAffinity": "ClientIP", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 86401}}}),
            vec!["spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400".into()],
        ),
        (
            "the same port twice, a bad target port and app protocol",
            json!({"ports": [{"name": "a", "port": 80, "targetPort": 70000, "appProtocol": "my/proto/x"}, {"name": "b", "port": 80}]}),
            vec![
                "spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive".into(),
                "spec.ports[0].appProtocol: Invalid value: \"my/proto/x\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".into(),
                "spec.ports[1]: Duplicate value: {\"Name\":\"\",\"Protocol\":\"TCP\",\"AppProtocol\":null,\"Port\":80,\"TargetPort\":0,\"NodePort\":0}".into(),
            ],
        ),
        (
            "external IPs that are special",
            json!({"externalIPs": ["127.0.0.1", "0.0.0.0", "host", "169.254.1.1", "1.2.3.4"]}),
            vec![
                "spec.externalIPs[0]: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)".into(),
                "spec.externalIPs[1]: Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)".into(),
                "spec.externalIPs[2]: Invalid value: \"host\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)".into(),
                "spec.externalIPs[3]: Invalid value: \"169.254.1.1\": may not be in the link-local range (169.254.0.0/16, fe80::/10)".into(),
            ],
        ),
        (
            "load-balancer fields on a ClusterIP service",
            json!({"loadBalancerSourceRanges": ["1.2.3.0/24", "not-a-cidr"], "allocateLoadBalancerNodePorts": true, "loadBalancerClass": "example.com/lb", "externalTrafficPolicy": "Local"}),
            vec![
                format!("spec.LoadBalancerSourceRanges: Forbidden: {only_lb}"),
                "spec.LoadBalancerSourceRanges[1]: Invalid value: \"not-a-cidr\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)".into(),
                format!("spec.allocateLoadBalancerNodePorts: Forbidden: {only_lb}"),
                format!("spec.loadBalancerClass: Forbidden: {only_lb}"),
                "spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services".into(),
            ],
        ),
        (
            "traffic policies and distribution",
            json!({"internalTrafficPolicy": "Nearby", "trafficDistribution": "Random"}),
            vec![
                "spec.internalTrafficPolicy: Unsupported value: \"Nearby\": supported values: \"Cluster\", \"Local\"".into(),
                "spec.trafficDistribution: Unsupported value: \"Random\": supported values: \"PreferClose\", \"PreferSameZone\", \"PreferSameNode\"".into(),
            ],
        ),
        (
            "an ExternalName that is no DNS name",
            json!({"type": "ExternalName", "externalName": "not a name", "ports": []}),
            vec!["spec.externalName: Invalid value: \"not a name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".into()],
        ),
    ];
    for (name, spec, want) in cases {
        assert_eq!(service(spec), want, "case: {name}");
    }
}

#[test]
fn should_refuse_values_whose_gates_are_off_in_v1_36() {
    let cases: Vec<(&str, Value, Vec<String>)> = vec![
        (
            "the MountOption SELinux policy (SELinuxMount off)",
            json!({"containers": [nginx()], "securityContext": {"seLinuxChangePolicy": "MountOption"}}),
            vec!["spec.securityContext.seLinuxChangePolicy: Unsupported value: \"MountOption\": supported values: \"Recursive\"".into()],
        ),
        ("the Recursive SELinux policy", json!({"containers": [nginx()], "securityContext": {"seLinuxChangePolicy": "Recursive"}}), vec![]),
        (
            "host namespaces in a user namespace",
            json!({"containers": [nginx()], "hostNetwork": true, "hostPID": true, "hostIPC": true, "hostUsers": false}),
            vec![
                "spec.hostNetwork: Forbidden: when `hostUsers` is false".into(),
                "spec.HostPID: Forbidden: when `hostUsers` is false".into(),
                "spec.HostIPC: Forbidden: when `hostUsers` is false".into(),
            ],
        ),
        ("host namespaces with host users", json!({"containers": [nginx()], "hostPID": true, "hostUsers": true}), vec![]),
        (
            "numeric toleration operators (TaintTolerationComparisonOperators off)",
            json!({"containers": [nginx()], "tolerations": [{"key": "k", "operator": "Lt", "value": "5", "effect": "NoSchedule"}]}),
            vec!["spec.tolerations[0].operator: Unsupported value: \"Lt\": supported values: \"Equal\", \"Exists\", \"Lt\", \"Gt\"".into()],
        ),
        (
            "an unknown toleration operator",
            json!({"containers": [nginx()], "tolerations": [{"key": "k", "operator": "Ge", "effect": "NoSchedule"}]}),
            vec!["spec.tolerations[0].operator: Unsupported value: \"Ge\": supported values: \"Equal\", \"Exists\"".into()],
        ),
        // Dropped before validation: a stop signal on a plain init container, and a projected source
        // that also names a cluster trust bundle, pass.
        (
            "a dropped stop signal",
            json!({"containers": [nginx()], "initContainers": [{"name": "init", "image": "busybox", "lifecycle": {"stopSignal": "SIGUSR1"}}]}),
            vec![],
        ),
        (
            "a dropped cluster trust bundle beside a config map",
            json!({"containers": [nginx()], "volumes": [{"name": "v", "projected": {"sources": [
                {"configMap": {"name": "c"}, "clusterTrustBundle": {"name": "b", "path": "ca.pem"}}]}}]}),
            vec![],
        ),
    ];
    for (name, spec, want) in cases {
        assert_eq!(errors_of(pod(spec)), want, "case: {name}");
    }
}

#[test]
fn should_validate_object_meta_like_apimachinery() {
    let mut body = pod(json!({"containers": [nginx()]}));
    body["metadata"] = json!({"name": "p", "labels": {"bad key!": "ok"}, "annotations": {"a": "x".repeat(262_144)}});
    assert_eq!(
        errors_of(body),
        vec![
            "metadata.namespace: Required value".to_string(),
            "metadata.labels: Invalid value: \"bad key!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')".to_string(),
            "metadata.annotations: Too long: may not be more than 262144 bytes".to_string(),
        ]
    );
    let mut body = pod(json!({"containers": [nginx()]}));
    body["metadata"] = json!({"namespace": "default"});
    assert_eq!(
        errors_of(body),
        vec!["metadata.name: Required value: name or generateName is required"]
    );
    let long =
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a".repeat(64)}});
    assert_eq!(
        errors_of(long),
        vec![
            "metadata.name: Invalid value: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": must be no more than 63 characters".to_string(),
            "metadata.labels: Invalid value: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": must be no more than 63 bytes".to_string(),
        ]
    );
}

#[test]
fn should_validate_other_kinds() {
    let cases: Vec<(&str, Value, Vec<&str>)> = vec![
        (
            "priority class above the user maximum",
            json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "huge"}, "value": 1_000_000_001}),
            vec!["value: Forbidden: maximum allowed value of a user defined priority is 1000000000"],
        ),
        (
            "reserved system- prefix",
            json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "system-mine"}, "value": 5}),
            vec!["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"],
        ),
        (
            "role binding with a bad subject kind and roleRef kind",
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "rb", "namespace": "default"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Pod", "name": "r"},
                "subjects": [{"kind": "Robot", "name": "r2"}]}),
            vec![
                "roleRef.kind: Unsupported value: \"Pod\": supported values: \"Role\", \"ClusterRole\"",
                "subjects[0].kind: Unsupported value: \"Robot\": supported values: \"ServiceAccount\", \"User\", \"Group\"",
            ],
        ),
        (
            "cluster role binding to a service account without namespace",
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "crb"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
                "subjects": [{"kind": "ServiceAccount", "name": "sa"}]}),
            vec!["subjects[0].namespace: Required value"],
        ),
        (
            "role name with a slash and rule without verbs",
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "a/b", "namespace": "default"},
                "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": []}]}),
            vec![
                "metadata.name: Invalid value: \"a/b\": may not contain '/'",
                "rules[0].verbs: Required value: verbs must contain at least one value",
            ],
        ),
        (
            "config map key",
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm", "namespace": "default"}, "data": {"bad key": "v"}}),
            vec!["data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"],
        ),
        (
            "namespace name with uppercase",
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "Team"}}),
            vec![
                "metadata.name: Invalid value: \"Team\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
            ],
        ),
        (
            "cluster-scoped object with a namespace",
            json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-a", "namespace": "default"}}),
            vec!["metadata.namespace: Forbidden: not allowed on this type"],
        ),
        (
            "node taint without effect",
            json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-a"}, "spec": {"taints": [{"key": "k", "effect": ""}]}}),
            vec!["spec.taints[0].effect: Required value"],
        ),
        (
            "service name not a DNS-1035 label",
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "1web", "namespace": "default"}, "spec": {"ports": [{"port": 80}]}}),
            vec!["metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"],
        ),
    ];
    for (name, body, want) in cases {
        assert_eq!(errors_of(body), want, "case: {name}");
    }
}

fn object(body: Value) -> Object {
    let info = resource_for_kind(
        body["apiVersion"].as_str().unwrap_or("v1"),
        body["kind"].as_str().unwrap_or("Pod"),
    )
    .expect("known kind");
    let (mut object, _) = decode(info, body, FieldValidation::Strict).expect("decodes");
    apply_defaults(&mut object);
    prepare_for_create(&mut object);
    object
}

#[test]
fn should_forbid_pod_spec_changes_other_than_the_allowed_fields() {
    let old = object(pod(
        json!({"containers": [nginx()], "tolerations": [{"key": "a", "operator": "Exists"}]}),
    ));
    let mut allowed = pod(
        json!({"containers": [{"name": "nginx", "image": "nginx:1.28"}], "activeDeadlineSeconds": 60,
        "tolerations": [{"key": "a", "operator": "Exists"}, {"key": "b", "operator": "Exists"}]}),
    );
    allowed["metadata"]["labels"] = json!({"tier": "web"});
    assert_eq!(
        validate_update(&object(allowed), &old),
        Vec::<FieldError>::new()
    );

    let changed = object(pod(
        json!({"containers": [nginx()], "tolerations": [{"key": "a", "operator": "Exists"}], "restartPolicy": "Never"}),
    ));
    let errors = validate_update(&changed, &old);
    assert_eq!(errors.len(), 1);
    let text = errors[0].to_string();
    assert!(
        text.starts_with("spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n"),
        "{text}"
    );
    assert!(text.contains("restartPolicy"), "{text}");

    let removed = object(pod(json!({"containers": [nginx()]})));
    assert_eq!(
        validate_update(&removed, &old).iter().map(ToString::to_string).collect::<Vec<_>>(),
        vec!["spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"]
    );

    let gated = object(pod(
        json!({"containers": [nginx()], "schedulingGates": [{"name": "a"}]}),
    ));
    let ungated = object(pod(json!({"containers": [nginx()]})));
    assert_eq!(validate_update(&ungated, &gated), Vec::<FieldError>::new());
    let more = object(pod(
        json!({"containers": [nginx()], "schedulingGates": [{"name": "a"}, {"name": "b"}]}),
    ));
    assert_eq!(
        validate_update(&more, &gated).iter().map(ToString::to_string).collect::<Vec<_>>(),
        vec!["spec.schedulingGates[1].name: Forbidden: only deletion is allowed, but found new scheduling gate 'b'"]
    );
}

#[test]
fn should_keep_role_ref_immutable() {
    let rb = |role: &str| {
        object(
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "rb", "namespace": "default"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role},
            "subjects": [{"kind": "User", "name": "jane"}]}),
        )
    };
    assert_eq!(
        validate_update(&rb("b"), &rb("a")).iter().map(ToString::to_string).collect::<Vec<_>>(),
        vec!["roleRef: Invalid value: {\"APIGroup\":\"rbac.authorization.k8s.io\",\"Kind\":\"Role\",\"Name\":\"b\"}: cannot change roleRef"]
    );
}

fn examples_dir() -> PathBuf {
    crate::engine::website_examples::dir()
}

/// Feature-gated examples (INDEX.md caveat 2) and what a v1.36 server (and podflow) does with them.
const FEATURE_GATED: &[(&str, Option<&str>)] = &[
    (
        "pods/emptydir-volume-mode.yaml",
        Some("Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.volumes[0].emptyDir.mode\""),
    ),
    // EnvFiles is beta and on by default since v1.35; its `\'` escapes are read as go-yaml reads them.
    ("pods/inject/envars-file-container.yaml", None),
    (
        "pods/pod-with-numeric-toleration.yaml",
        Some("spec.tolerations[0].operator: Unsupported value: \"Gt\": supported values: \"Equal\", \"Exists\", \"Lt\", \"Gt\""),
    ),
    (
        "pods/resource/pod-level-pid-limit.yaml",
        Some("spec.resources.limits[pids]: Invalid value: \"pids\": must be a standard resource type or fully qualified"),
    ),
    // ContainerRestartRules and RestartAllContainersOnContainerExits are on in v1.36: the sidecar's rule is
    // valid.
    ("pods/restart-policy/restart-all-containers.yaml", None),
    (
        "pods/security/security-context-7.yaml",
        Some("Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[0].securityContext.cgroupOptions\""),
    ),
    // Projected clusterTrustBundle and podCertificate sources are in the v1.36 API, but their gates are
    // off: the server drops them (the sources become `{}`) and accepts the pod.
    ("pods/storage/projected-clustertrustbundle.yaml", None),
    ("pods/storage/projected-podcertificate.yaml", None),
];

/// Documents of one file as the JSON kubectl sends, or kubectl's error when it cannot read them.
fn documents(path: &Path) -> Result<Vec<Value>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let docs =
        crate::engine::yaml::read_documents(&text, usize::MAX).map_err(|e| format!("{e:?}"))?;
    Ok(docs.into_iter().filter(|doc| !doc.is_null()).collect())
}

/// What the create path makes of a document: errors joined, or empty when accepted.
fn outcome(mut doc: Value) -> Result<Vec<String>, String> {
    if let Some(meta) = doc.get_mut("metadata").and_then(Value::as_object_mut) {
        // The request URL supplies the namespace; ServiceAccount admission supplies the account.
        meta.entry("namespace").or_insert(json!("default"));
    }
    if doc["kind"] == "Pod" {
        if let Some(spec) = doc.get_mut("spec").and_then(Value::as_object_mut) {
            spec.entry("serviceAccountName").or_insert(json!("default"));
        }
    }
    create_errors(doc)
}

#[test]
fn should_accept_every_kubernetes_io_pod_example_except_the_feature_gated_ones() {
    let dir = examples_dir();
    assert!(
        dir.is_dir(),
        "the examples corpus is missing at {} (CI clones the repo with shared/ beside it)",
        dir.display()
    );
    let files = crate::engine::website_examples::yaml_files();
    assert!(
        files.len() >= 100,
        "expected the full corpus, found {} files",
        files.len()
    );
    let mut pods = 0;
    let mut failures = Vec::new();
    for file in &files {
        let relative = file
            .strip_prefix(&dir)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let gated = FEATURE_GATED
            .iter()
            .find(|(name, _)| *name == relative)
            .map(|(_, want)| *want);
        let docs = match documents(file) {
            Ok(docs) => docs,
            Err(e) => {
                failures.push(format!("{relative}: YAML: {e}"));
                continue;
            }
        };
        for doc in docs {
            let kind = doc["kind"].as_str().unwrap_or("").to_string();
            if !matches!(kind.as_str(), "Pod" | "Deployment") {
                continue;
            }
            if kind == "Pod" {
                pods += 1;
            }
            let result = outcome(doc);
            let text = match &result {
                Ok(errors) => errors.join(", "),
                Err(message) => message.clone(),
            };
            match gated {
                Some(Some(want)) => {
                    if !text.contains(want) {
                        failures.push(format!(
                            "{relative}: expected rejection {want:?}, got {text:?}"
                        ));
                    }
                }
                _ => {
                    if !text.is_empty() {
                        failures.push(format!("{relative}: rejected: {text}"));
                    }
                }
            }
        }
    }
    assert!(pods >= 110, "expected ~118 Pod documents, read {pods}");
    assert!(
        failures.is_empty(),
        "{} example(s) misjudged:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Arbitrary JSON, including deep nesting and wrong types in Pod-shaped places.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,20}".prop_map(Value::String),
        prop_oneof![
            Just("500m"),
            Just("1Gi"),
            Just("-1"),
            Just("1e400"),
            Just("nginx"),
            Just("Always"),
            Just("")
        ]
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        let keys = prop_oneof![
            Just("name"),
            Just("image"),
            Just("containers"),
            Just("initContainers"),
            Just("resources"),
            Just("requests"),
            Just("limits"),
            Just("ports"),
            Just("containerPort"),
            Just("volumes"),
            Just("emptyDir"),
            Just("sizeLimit"),
            Just("metadata"),
            Just("spec"),
            Just("labels"),
            Just("tolerations"),
            Just("affinity"),
            Just("env"),
            Just("valueFrom"),
            Just("fieldRef"),
            Just("livenessProbe"),
            Just("httpGet"),
            Just("x"),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((keys, inner), 0..5).prop_map(|kv| Value::Object(
                kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            )),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn garbage_never_panics_decode_defaults_or_validation(spec in arb_json(), meta in arb_json()) {
        for kind in ["Pod", "Node", "Namespace", "Role", "PriorityClass"] {
            let api_version = match kind {
                "Role" => "rbac.authorization.k8s.io/v1",
                "PriorityClass" => "scheduling.k8s.io/v1",
                _ => "v1",
            };
            let body = json!({"apiVersion": api_version, "kind": kind, "metadata": meta.clone(), "spec": spec.clone()});
            let info = resource_for_kind(api_version, kind).expect("registered");
            for mode in [FieldValidation::Strict, FieldValidation::Warn] {
                if let Ok((mut object, _)) = decode(info, body.clone(), mode) {
                    apply_defaults(&mut object);
                    prepare_for_create(&mut object);
                    let _ = validate_create(&object);
                    let old = object.clone();
                    let _ = validate_update(&object, &old);
                    let _ = validate_status_update(&object, &old);
                }
            }
        }
        let _ = decode(resource_for_kind("v1", "Pod").expect("pods"), spec, FieldValidation::Strict);
    }
}

#[test]
fn should_store_a_created_pod_like_a_v1_36_server_before_admission() {
    let created = object(pod(
        json!({"containers": [{"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80}],
        "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}}}]}),
    ));
    assert_eq!(
        created.to_json(),
        json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"generation": 1, "name": "demo-pod", "namespace": "default"},
            "spec": {
                "containers": [{
                    "image": "nginx:1.27",
                    "imagePullPolicy": "IfNotPresent",
                    "name": "nginx",
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                    "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": "500m", "memory": "128Mi"}},
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File"
                }],
                "dnsPolicy": "ClusterFirst",
                "enableServiceLinks": true,
                "restartPolicy": "Always",
                "schedulerName": "default-scheduler",
                "securityContext": {},
                "terminationGracePeriodSeconds": 30
            },
            "status": {"phase": "Pending", "qosClass": "Guaranteed"}
        })
    );
}

#[test]
fn should_not_overflow_on_absurd_quantities() {
    let huge = json!({"cpu": "9223372036854775807", "memory": "8Ei"});
    let body = pod(json!({
        "resources": {"limits": huge.clone(), "requests": huge.clone()},
        "initContainers": [{"name": "i", "image": "x", "restartPolicy": "Always", "resources": {"requests": huge.clone(), "limits": huge.clone()}}],
        "containers": [{"name": "a", "image": "x", "resources": {"requests": huge.clone(), "limits": huge.clone()}},
                       {"name": "b", "image": "x", "resources": {"requests": huge.clone(), "limits": huge}}]
    }));
    let _ = create_errors(body);
}

#[test]
fn should_warn_about_pod_names_that_are_not_dns_labels() {
    let mut body = pod(json!({"containers": [nginx()]}));
    body["metadata"]["name"] = json!("web.v1");
    assert_eq!(
        warnings_on_create(&object(body)),
        vec!["metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]"]
    );
    assert!(warnings_on_create(&object(pod(json!({"containers": [nginx()]})))).is_empty());
}

#[test]
fn should_validate_deployment_selectors_and_templates() {
    let deployment = |selector: Value, labels: Value, restart: &str| {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
            "spec": {"selector": selector, "template": {"metadata": {"labels": labels},
                "spec": {"restartPolicy": restart, "containers": [nginx()]}}}})
    };
    assert!(errors_of(deployment(
        json!({"matchLabels": {"app": "web"}}),
        json!({"app": "web"}),
        "Always"
    ))
    .is_empty());
    assert_eq!(
        errors_of(deployment(json!({"matchLabels": {"app": "web"}}), json!({"app": "api"}), "Never")),
        vec![
            "spec.template.metadata.labels: Invalid value: {\"app\":\"api\"}: `selector` does not match template `labels`",
            "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
        ]
    );
    assert_eq!(
        errors_of(deployment(json!({}), json!({"app": "web"}), "Always")),
        vec!["spec.selector: Invalid value: {}: empty selector is invalid for deployment"]
    );
    // The classic mistake: no selector at all. It selects nothing, so no template matches.
    let mut missing = deployment(
        json!(null),
        json!({"app": "nginx", "Bad Key": "x"}),
        "Always",
    );
    if let Some(spec) = missing["spec"].as_object_mut() {
        spec.remove("selector");
    }
    assert_eq!(
        errors_of(missing),
        vec![
            "spec.selector: Required value".to_string(),
            "spec.template.metadata.labels: Invalid value: {\"Bad Key\":\"x\",\"app\":\"nginx\"}: `selector` does not match template `labels`".into(),
            "spec.template.labels: Invalid value: \"Bad Key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')".into(),
        ]
    );
    let with_strategy = |strategy: Value| {
        let mut body = deployment(
            json!({"matchLabels": {"app": "web"}}),
            json!({"app": "web"}),
            "Always",
        );
        body["spec"]["strategy"] = strategy;
        errors_of(body)
    };
    let percent_msg = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
    let cases: Vec<(Value, Vec<String>)> = vec![
        (json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}), vec![]),
        (json!({"type": "Recreate"}), vec![]),
        (
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "20Percent", "maxUnavailable": "25%"}}),
            vec![format!("spec.strategy.rollingUpdate.maxSurge: Invalid value: \"20Percent\": {percent_msg}")],
        ),
        (
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "0%", "maxUnavailable": 0}}),
            vec!["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0".into()],
        ),
        (
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": -1, "maxUnavailable": "110%"}}),
            vec![
                "spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0".into(),
                "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"110%\": must not be greater than 100%".into(),
            ],
        ),
        (
            json!({"type": "Recreate", "rollingUpdate": {}}),
            vec!["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'".into()],
        ),
        (
            json!({"type": "randomType", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}}),
            vec!["spec.strategy: Unsupported value: {\"Type\":\"randomType\",\"RollingUpdate\":{\"MaxUnavailable\":1,\"MaxSurge\":1}}: supported values: \"Recreate\", \"RollingUpdate\"".into()],
        ),
    ];
    for (strategy, want) in cases {
        assert_eq!(with_strategy(strategy.clone()), want, "{strategy}");
    }
}

#[test]
fn should_apply_only_legacy_rules_to_core_events() {
    let event = |ns: &str, involved: &str| {
        json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "demo-pod.17f0a1b2c3d4e5f6", "namespace": ns},
            "involvedObject": {"kind": "Pod", "name": "demo-pod", "namespace": involved},
            "reason": "Scheduled", "message": "Successfully assigned default/demo-pod to node-a", "type": "Normal"})
    };
    assert!(errors_of(event("default", "default")).is_empty());
    assert_eq!(
        errors_of(event("default", "other")),
        vec!["involvedObject.namespace: Invalid value: \"other\": does not match event.namespace"]
    );
    let node_event = json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "node-a.1", "namespace": "default"},
        "involvedObject": {"kind": "Node", "name": "node-a"}, "reason": "Starting"});
    assert!(errors_of(node_event).is_empty());
}

#[test]
fn should_compare_pod_level_requests_only_for_the_resources_the_pod_level_names() {
    let container = |cpu: &str| {
        json!({"name": format!("c{cpu}"), "image": "x",
               "resources": {"requests": {"cpu": cpu, "memory": "1Gi"}}})
    };
    let cases = [
        ("empty pod-level resources", json!({}), Vec::<&str>::new()),
        (
            "cpu below the containers' sum; memory not named",
            json!({"requests": {"cpu": "1"}}),
            vec!["spec.resources.requests[cpu]: Invalid value: \"1\": must be greater than or equal to aggregate container requests of 1500m"],
        ),
        (
            "both covered",
            json!({"requests": {"cpu": "2", "memory": "2Gi"}}),
            vec![],
        ),
    ];
    for (name, resources, want) in cases {
        let body = pod(json!({"resources": resources,
                              "containers": [container("500m"), container("1")]}));
        assert_eq!(errors_of(body), want, "case: {name}");
    }
}

#[test]
fn should_warn_about_a_negative_grace_period_in_a_template_and_clamp_it_in_a_pod() {
    let template = json!({"metadata": {"labels": {"app": "web"}},
        "spec": {"terminationGracePeriodSeconds": -1, "containers": [nginx()]}});
    for kind in ["Deployment", "ReplicaSet"] {
        let body = json!({"apiVersion": "apps/v1", "kind": kind,
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": template.clone()}});
        let object = object(body);
        assert_eq!(
            warnings_on_create(&object),
            vec!["spec.template.spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1"],
            "{kind}"
        );
        assert_eq!(
            object.to_json()["spec"]["template"]["spec"]["terminationGracePeriodSeconds"],
            -1
        );
    }
    let pod = object(pod(
        json!({"terminationGracePeriodSeconds": -5, "containers": [nginx()]}),
    ));
    assert_eq!(pod.to_json()["spec"]["terminationGracePeriodSeconds"], 1);
    assert!(warnings_on_create(&pod).is_empty());
}
