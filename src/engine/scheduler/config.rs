//! `KubeSchedulerConfiguration` (kubescheduler.config.k8s.io/v1): strict decoding, defaulting, the
//! default plugin set, merging user plugin sets into it, MultiPoint expansion, and validation.
//!
//! Mirrors `k8s.io/kube-scheduler/config/v1/types*.go`, `pkg/scheduler/apis/config/v1/defaults.go` and
//! `default_plugins.go` (`getDefaultPlugins`, `mergePlugins`, `mergePluginSet`),
//! `pkg/scheduler/apis/config/validation/validation*.go`, and `framework/runtime/framework.go`
//! (`updatePluginList`, `expandMultiPointPlugins`, `getScoreWeights`).
//!
//! Simplification: only `profiles[0]` is run (the others are decoded and validated); extenders and
//! client/leader-election settings are accepted and ignored.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{NodeAffinity, TopologySpreadConstraint};
use serde_json::{Map, Value};

use super::framework::{ExtensionPoint, Plugin};
use super::plugins::inter_pod_affinity::AffinityArgs;
use super::plugins::pod_topology_spread::SpreadDefaults;
use crate::engine::api::validation::meta::validate_label_name;
use crate::engine::objects::from_json_value;

/// The only API version this loader accepts.
pub const API_VERSION: &str = "kubescheduler.config.k8s.io/v1";
/// `v1.DefaultSchedulerName`.
pub const DEFAULT_SCHEDULER_NAME: &str = "default-scheduler";
/// `pkg/scheduler/apis/config.MaxCustomPriorityScore`: the shape's score scale.
pub const MAX_CUSTOM_PRIORITY_SCORE: i64 = 10;

/// The default profile's MultiPoint plugins in order, with their score weights (0 = unset)
/// (`default_plugins.go`, with the DynamicResources feature gate on as in v1.36).
pub const DEFAULT_MULTI_POINT: &[(&str, i32)] = &[
    ("SchedulingGates", 0),
    ("PrioritySort", 0),
    ("NodeUnschedulable", 0),
    ("NodeName", 0),
    ("TaintToleration", 3),
    ("NodeAffinity", 2),
    ("NodePorts", 0),
    ("NodeResourcesFit", 1),
    ("VolumeRestrictions", 0),
    ("NodeVolumeLimits", 0),
    ("VolumeBinding", 0),
    ("VolumeZone", 0),
    ("PodTopologySpread", 2),
    ("InterPodAffinity", 2),
    ("DynamicResources", 0),
    ("DefaultPreemption", 0),
    ("NodeResourcesBalancedAllocation", 1),
    ("ImageLocality", 1),
    ("DefaultBinder", 0),
];

/// NodeResourcesFit's scoring strategy type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScoringStrategyType {
    LeastAllocated,
    MostAllocated,
    RequestedToCapacityRatio,
}

/// A resource and its weight (`config.ResourceSpec`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceSpec {
    pub name: String,
    pub weight: i64,
}

/// `config.ScoringStrategy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoringStrategy {
    pub strategy: ScoringStrategyType,
    pub resources: Vec<ResourceSpec>,
    /// `(utilization, score)` points of the RequestedToCapacityRatio shape (score on the 0..10 scale).
    pub shape: Vec<(i64, i64)>,
}

fn default_resources() -> Vec<ResourceSpec> {
    vec![
        ResourceSpec {
            name: "cpu".into(),
            weight: 1,
        },
        ResourceSpec {
            name: "memory".into(),
            weight: 1,
        },
    ]
}

impl Default for ScoringStrategy {
    fn default() -> Self {
        ScoringStrategy {
            strategy: ScoringStrategyType::LeastAllocated,
            resources: default_resources(),
            shape: Vec::new(),
        }
    }
}

/// `NodeResourcesFitArgs.ignoredResources` and `ignoredResourceGroups`: extended resources the Filter
/// does not check (a device plugin or an extender accounts for them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IgnoredResources {
    pub names: BTreeSet<String>,
    /// Domains (`example.com` ignores every `example.com/...` extended resource).
    pub groups: BTreeSet<String>,
}

impl IgnoredResources {
    /// Whether `fitsRequest` skips this requested resource: only extended resources are ignored.
    pub fn ignores(&self, resource: &str) -> bool {
        if self.names.is_empty() && self.groups.is_empty() {
            return false;
        }
        if !crate::engine::api::validation::pod::is_extended_resource_name(resource) {
            return false;
        }
        let group = resource.split('/').next().unwrap_or("");
        self.names.contains(resource) || self.groups.contains(group)
    }
}

/// One effective profile: the expanded plugin lists and the plugins' arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    pub scheduler_name: String,
    /// Profile-level override of `percentageOfNodesToScore`.
    pub percentage_of_nodes_to_score: Option<i32>,
    pub pre_filter: Vec<Plugin>,
    pub filter: Vec<Plugin>,
    pub post_filter: Vec<Plugin>,
    pub pre_score: Vec<Plugin>,
    /// Score plugins in order, with their weights.
    pub score: Vec<(Plugin, i64)>,
    pub fit: ScoringStrategy,
    pub fit_ignored: IgnoredResources,
    pub balanced_resources: Vec<ResourceSpec>,
    pub added_affinity: Option<NodeAffinity>,
    /// `PodTopologySpreadArgs`.
    pub spread_defaults: SpreadDefaults,
    /// `InterPodAffinityArgs`.
    pub affinity_args: AffinityArgs,
}

/// The whole configuration, as the component uses it.
#[derive(Clone, Debug, PartialEq)]
pub struct SchedulerConfig {
    pub profile: Profile,
    /// Global `percentageOfNodesToScore` (0 = adaptive).
    pub percentage_of_nodes_to_score: i32,
    pub pod_initial_backoff_seconds: i64,
    pub pod_max_backoff_seconds: i64,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        // The default configuration always parses.
        parse(None).unwrap_or_else(|_| SchedulerConfig {
            profile: Profile {
                scheduler_name: DEFAULT_SCHEDULER_NAME.into(),
                percentage_of_nodes_to_score: None,
                pre_filter: Vec::new(),
                filter: Vec::new(),
                post_filter: Vec::new(),
                pre_score: Vec::new(),
                score: Vec::new(),
                fit: ScoringStrategy::default(),
                fit_ignored: IgnoredResources::default(),
                balanced_resources: default_resources(),
                added_affinity: None,
                spread_defaults: SpreadDefaults::default(),
                affinity_args: AffinityArgs::default(),
            },
            percentage_of_nodes_to_score: 0,
            pod_initial_backoff_seconds: 1,
            pod_max_backoff_seconds: 10,
        })
    }
}

/// A configured plugin entry (`config.Plugin`).
#[derive(Clone, Debug, PartialEq, Eq)]
struct PluginEntry {
    name: String,
    weight: i32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct PluginSet {
    enabled: Vec<PluginEntry>,
    disabled: Vec<String>,
}

/// Decoding and validation errors, collected like a `field.ErrorList`.
#[derive(Default)]
struct Errors {
    unknown: Vec<String>,
    decode: Vec<String>,
    invalid: Vec<String>,
}

fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

impl Errors {
    /// Checks `obj` only has `allowed` keys (strict decoding: `unknown field "<path>"`).
    fn fields<'a>(
        &mut self,
        value: &'a Value,
        path: &str,
        go_struct: &str,
        allowed: &[&str],
    ) -> Option<&'a Map<String, Value>> {
        match value {
            Value::Object(map) => {
                for key in map.keys() {
                    if !allowed.contains(&key.as_str()) {
                        self.unknown
                            .push(format!("unknown field \"{}\"", join(path, key)));
                    }
                }
                Some(map)
            }
            Value::Null => None,
            other => {
                self.decode.push(format!(
                    "json: cannot unmarshal {} into Go value of type {go_struct}",
                    go_type(other)
                ));
                None
            }
        }
    }

    fn int(&mut self, map: &Map<String, Value>, key: &str, go_struct: &str) -> Option<i64> {
        match map.get(key)? {
            Value::Null => None,
            Value::Number(n) if n.as_i64().is_some() => n.as_i64(),
            other => {
                self.decode.push(format!(
                    "json: cannot unmarshal {} into Go struct field {go_struct}.{key} of type int32",
                    go_type(other)
                ));
                None
            }
        }
    }

    fn string(&mut self, map: &Map<String, Value>, key: &str, go_struct: &str) -> Option<String> {
        match map.get(key)? {
            Value::Null => None,
            value => self.string_value(value, &format!("{go_struct}.{key}")),
        }
    }

    /// A string, or `json: cannot unmarshal ... into Go struct field <go_field> of type string`.
    fn string_value(&mut self, value: &Value, go_field: &str) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            other => {
                self.decode.push(format!(
                    "json: cannot unmarshal {} into Go struct field {go_field} of type string",
                    go_type(other)
                ));
                None
            }
        }
    }

    fn array<'a>(
        &mut self,
        map: &'a Map<String, Value>,
        key: &str,
        go_struct: &str,
    ) -> &'a [Value] {
        match map.get(key) {
            None | Some(Value::Null) => &[],
            Some(Value::Array(a)) => a,
            Some(other) => {
                self.decode.push(format!(
                    "json: cannot unmarshal {} into Go struct field {go_struct}.{key} of type array",
                    go_type(other)
                ));
                &[]
            }
        }
    }

    /// The error string: decode errors first (as the decoder stops there), then strict-field errors,
    /// then the validation aggregate (`[a, b]` when several).
    fn into_result(self) -> Result<(), String> {
        if let Some(first) = self.decode.into_iter().next() {
            return Err(first);
        }
        if !self.unknown.is_empty() {
            return Err(format!(
                "strict decoding error: {}",
                self.unknown.join(", ")
            ));
        }
        match self.invalid.len() {
            0 => Ok(()),
            1 => Err(self.invalid.concat()),
            _ => Err(format!("[{}]", self.invalid.join(", "))),
        }
    }
}

/// Parses, defaults and validates a configuration; `None` gives the default configuration.
pub fn parse(config: Option<&Value>) -> Result<SchedulerConfig, String> {
    let empty = Value::Object(Map::new());
    let mut errs = Errors::default();
    let root_value = config.unwrap_or(&empty);
    let root = errs
        .fields(
            root_value,
            "",
            "v1.KubeSchedulerConfiguration",
            &[
                "apiVersion",
                "kind",
                "parallelism",
                "leaderElection",
                "clientConnection",
                "healthzBindAddress",
                "metricsBindAddress",
                "enableProfiling",
                "enableContentionProfiling",
                "percentageOfNodesToScore",
                "podInitialBackoffSeconds",
                "podMaxBackoffSeconds",
                "profiles",
                "extenders",
                "delayCacheUntilActive",
            ],
        )
        .cloned()
        .unwrap_or_default();
    if config.is_some() {
        let api_version = root.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let kind = root.get("kind").and_then(Value::as_str).unwrap_or("");
        if kind.is_empty() {
            return Err("Object 'Kind' is missing in configuration".into());
        }
        if api_version != API_VERSION || kind != "KubeSchedulerConfiguration" {
            return Err(format!(
                "no kind \"{kind}\" is registered for version \"{api_version}\""
            ));
        }
    }
    let go = "KubeSchedulerConfiguration";
    let percentage = errs.int(&root, "percentageOfNodesToScore", go).unwrap_or(0);
    let initial_backoff = errs.int(&root, "podInitialBackoffSeconds", go).unwrap_or(1);
    let max_backoff = errs.int(&root, "podMaxBackoffSeconds", go).unwrap_or(10);
    if !(0..=100).contains(&percentage) {
        errs.invalid.push(format!(
            "percentageOfNodesToScore: Invalid value: {percentage}: not in valid range [0-100]"
        ));
    }
    if initial_backoff <= 0 {
        errs.invalid.push(format!(
            "podInitialBackoffSeconds: Invalid value: {initial_backoff}: must be greater than 0"
        ));
    }
    if max_backoff < initial_backoff {
        errs.invalid.push(format!(
            "podMaxBackoffSeconds: Invalid value: {max_backoff}: must be greater than or equal to PodInitialBackoffSeconds"
        ));
    }
    let profile_values = errs.array(&root, "profiles", go).to_vec();
    let single = profile_values.len() <= 1;
    let mut profiles = Vec::new();
    let mut names = BTreeSet::new();
    for (i, pv) in profile_values.iter().enumerate() {
        let path = format!("profiles[{i}]");
        if let Some(p) = parse_profile(pv, &path, single, &mut errs) {
            if !p.scheduler_name.is_empty() && !names.insert(p.scheduler_name.clone()) {
                errs.invalid.push(format!(
                    "{path}.schedulerName: Duplicate value: \"{}\"",
                    p.scheduler_name
                ));
            }
            profiles.push(p);
        }
    }
    if profile_values.is_empty() {
        if let Some(p) = parse_profile(&empty, "profiles[0]", true, &mut errs) {
            profiles.push(p);
        }
    }
    errs.into_result()?;
    let mut profiles = profiles.into_iter();
    let profile = profiles.next().ok_or("no profile")?;
    let built = build_profile(profile)?;
    Ok(SchedulerConfig {
        profile: built,
        percentage_of_nodes_to_score: percentage as i32,
        pod_initial_backoff_seconds: initial_backoff,
        pod_max_backoff_seconds: max_backoff,
    })
}

/// A decoded profile before expansion.
struct RawProfile {
    scheduler_name: String,
    percentage: Option<i32>,
    multi_point: PluginSet,
    points: Vec<(ExtensionPoint, PluginSet)>,
    fit: ScoringStrategy,
    fit_ignored: IgnoredResources,
    balanced: Vec<ResourceSpec>,
    added_affinity: Option<NodeAffinity>,
    spread_defaults: SpreadDefaults,
    affinity_args: AffinityArgs,
}

fn parse_plugin_set(value: Option<&Value>, path: &str, errs: &mut Errors) -> PluginSet {
    let mut set = PluginSet::default();
    let Some(value) = value else {
        return set;
    };
    let Some(map) = errs
        .fields(value, path, "v1.PluginSet", &["enabled", "disabled"])
        .cloned()
    else {
        return set;
    };
    for (key, target_enabled) in [("enabled", true), ("disabled", false)] {
        for (j, pv) in errs
            .array(&map, key, "PluginSet")
            .to_vec()
            .iter()
            .enumerate()
        {
            let ppath = format!("{path}.{key}[{j}]");
            let Some(pm) = errs
                .fields(pv, &ppath, "v1.Plugin", &["name", "weight"])
                .cloned()
            else {
                continue;
            };
            let name = errs.string(&pm, "name", "Plugin").unwrap_or_default();
            let weight = errs.int(&pm, "weight", "Plugin").unwrap_or(0) as i32;
            if target_enabled {
                set.enabled.push(PluginEntry { name, weight });
            } else {
                set.disabled.push(name);
            }
        }
    }
    set
}

fn parse_profile(value: &Value, path: &str, single: bool, errs: &mut Errors) -> Option<RawProfile> {
    let map = errs
        .fields(
            value,
            path,
            "v1.KubeSchedulerProfile",
            &[
                "schedulerName",
                "percentageOfNodesToScore",
                "plugins",
                "pluginConfig",
            ],
        )?
        .clone();
    let go = "KubeSchedulerProfile";
    let scheduler_name = errs
        .string(&map, "schedulerName", go)
        .or_else(|| single.then(|| DEFAULT_SCHEDULER_NAME.to_string()))
        .unwrap_or_default();
    if scheduler_name.is_empty() {
        errs.invalid
            .push(format!("{path}.schedulerName: Required value"));
    }
    let percentage = errs.int(&map, "percentageOfNodesToScore", go);
    if let Some(p) = percentage {
        if !(0..=100).contains(&p) {
            errs.invalid.push(format!(
                "{path}.percentageOfNodesToScore: Invalid value: {p}: not in valid range [0-100]"
            ));
        }
    }
    let mut multi_point = PluginSet::default();
    let mut points = Vec::new();
    if let Some(pv) = map.get("plugins") {
        let mut allowed: Vec<&str> = ExtensionPoint::ALL.iter().map(|e| e.json_name()).collect();
        allowed.push("multiPoint");
        let ppath = format!("{path}.plugins");
        if let Some(pm) = errs.fields(pv, &ppath, "v1.Plugins", &allowed).cloned() {
            multi_point =
                parse_plugin_set(pm.get("multiPoint"), &format!("{ppath}.multiPoint"), errs);
            for point in ExtensionPoint::ALL {
                let set = parse_plugin_set(
                    pm.get(point.json_name()),
                    &format!("{ppath}.{}", point.json_name()),
                    errs,
                );
                points.push((point, set));
            }
        }
    }
    let mut raw = RawProfile {
        scheduler_name,
        percentage: percentage.map(|p| p as i32),
        multi_point,
        points,
        fit: ScoringStrategy::default(),
        fit_ignored: IgnoredResources::default(),
        balanced: default_resources(),
        added_affinity: None,
        spread_defaults: SpreadDefaults::default(),
        affinity_args: AffinityArgs::default(),
    };
    let mut seen = BTreeSet::new();
    for (i, cv) in errs
        .array(&map, "pluginConfig", go)
        .to_vec()
        .iter()
        .enumerate()
    {
        let cpath = format!("{path}.pluginConfig[{i}]");
        let Some(cm) = errs
            .fields(cv, &cpath, "v1.PluginConfig", &["name", "args"])
            .cloned()
        else {
            continue;
        };
        let name = errs.string(&cm, "name", "PluginConfig").unwrap_or_default();
        if !seen.insert(name.clone()) {
            errs.invalid
                .push(format!("{cpath}.name: Duplicate value: \"{name}\""));
            continue;
        }
        let args = cm.get("args").cloned().unwrap_or(Value::Null);
        let apath = format!("{cpath}.args");
        match name.as_str() {
            "NodeResourcesFit" => (raw.fit, raw.fit_ignored) = parse_fit_args(&args, &apath, errs),
            "NodeResourcesBalancedAllocation" => {
                raw.balanced = parse_balanced_args(&args, &apath, errs)
            }
            "NodeAffinity" => raw.added_affinity = parse_node_affinity_args(&args, &apath, errs),
            "PodTopologySpread" => raw.spread_defaults = parse_spread_args(&args, &apath, errs),
            "InterPodAffinity" => raw.affinity_args = parse_affinity_args(&args, &apath, errs),
            _ => {}
        }
    }
    Some(raw)
}

fn parse_resources(list: &[Value], path: &str, errs: &mut Errors) -> Vec<ResourceSpec> {
    let mut out = Vec::new();
    for (i, rv) in list.iter().enumerate() {
        let rpath = format!("{path}[{i}]");
        let Some(rm) = errs
            .fields(rv, &rpath, "v1.ResourceSpec", &["name", "weight"])
            .cloned()
        else {
            continue;
        };
        out.push(ResourceSpec {
            name: errs.string(&rm, "name", "ResourceSpec").unwrap_or_default(),
            weight: errs.int(&rm, "weight", "ResourceSpec").unwrap_or(0),
        });
    }
    out
}

/// `NodeResourcesFitArgs`: defaults (`SetDefaults_NodeResourcesFitArgs`) then validation
/// (`ValidateNodeResourcesFitArgs`).
fn parse_fit_args(
    args: &Value,
    path: &str,
    errs: &mut Errors,
) -> (ScoringStrategy, IgnoredResources) {
    let strategy = parse_scoring_strategy(args, path, errs);
    let mut ignored = IgnoredResources::default();
    let Some(map) = args.as_object() else {
        return (strategy, ignored);
    };
    // ValidateNodeResourcesFitArgs: names and groups are label names; a group has no '/'.
    for (field, is_group) in [("ignoredResources", false), ("ignoredResourceGroups", true)] {
        let values = errs.array(map, field, "NodeResourcesFitArgs").to_vec();
        for (i, value) in values.iter().enumerate() {
            let go_field = format!("NodeResourcesFitArgs.{field}");
            let Some(name) = errs.string_value(value, &go_field) else {
                continue;
            };
            let item = format!("{path}.{field}[{i}]");
            if is_group && name.contains('/') {
                errs.invalid.push(format!(
                    "{item}: Invalid value: {}: resource group name can't contain '/'",
                    crate::engine::api::validation::field::quote(&name)
                ));
            }
            for e in crate::engine::api::validation::meta::validate_label_name(&name, &item) {
                errs.invalid.push(e.to_string());
            }
            if is_group {
                ignored.groups.insert(name);
            } else {
                ignored.names.insert(name);
            }
        }
    }
    (strategy, ignored)
}

/// `NodeResourcesFitArgs.scoringStrategy`, defaulted and validated.
fn parse_scoring_strategy(args: &Value, path: &str, errs: &mut Errors) -> ScoringStrategy {
    let mut strategy = ScoringStrategy::default();
    let allowed = [
        "apiVersion",
        "kind",
        "ignoredResources",
        "ignoredResourceGroups",
        "scoringStrategy",
    ];
    let Some(map) = errs
        .fields(args, path, "v1.NodeResourcesFitArgs", &allowed)
        .cloned()
    else {
        return strategy;
    };
    let Some(sv) = map.get("scoringStrategy") else {
        return strategy;
    };
    let spath = format!("{path}.scoringStrategy");
    let Some(sm) = errs
        .fields(
            sv,
            &spath,
            "v1.ScoringStrategy",
            &["type", "resources", "requestedToCapacityRatio"],
        )
        .cloned()
    else {
        return strategy;
    };
    let type_name = errs
        .string(&sm, "type", "ScoringStrategy")
        .unwrap_or_default();
    let mut resources = parse_resources(
        errs.array(&sm, "resources", "ScoringStrategy")
            .to_vec()
            .as_slice(),
        &format!("{spath}.resources"),
        errs,
    );
    if resources.is_empty() {
        resources = default_resources();
    }
    for r in resources.iter_mut() {
        if r.weight == 0 {
            r.weight = 1;
        }
    }
    for (i, r) in resources.iter().enumerate() {
        if r.weight <= 0 || r.weight > 100 {
            errs.invalid.push(format!(
                "{spath}.resources[{i}].weight: Invalid value: {}: resource weight of {} not in valid range (0, 100]",
                r.weight, r.name
            ));
        }
    }
    let kind = match type_name.as_str() {
        "LeastAllocated" => Some(ScoringStrategyType::LeastAllocated),
        "MostAllocated" => Some(ScoringStrategyType::MostAllocated),
        "RequestedToCapacityRatio" => Some(ScoringStrategyType::RequestedToCapacityRatio),
        other => {
            errs.invalid.push(format!(
                "{spath}.type: Unsupported value: \"{other}\": supported values: \"LeastAllocated\", \"MostAllocated\", \"RequestedToCapacityRatio\""
            ));
            None
        }
    };
    let ratio = sm.get("requestedToCapacityRatio").filter(|v| !v.is_null());
    let mut shape = Vec::new();
    if kind == Some(ScoringStrategyType::RequestedToCapacityRatio) {
        match ratio {
            None => errs.invalid.push(format!(
                "{spath}.requestedToCapacityRatio: Required value: must be specified when type is RequestedToCapacityRatio"
            )),
            Some(rv) => {
                let rpath = format!("{spath}.requestedToCapacityRatio");
                if let Some(rm) = errs.fields(rv, &rpath, "v1.RequestedToCapacityRatioParam", &["shape"]).cloned() {
                    let shape_path = format!("{rpath}.shape");
                    for (i, pv) in errs.array(&rm, "shape", "RequestedToCapacityRatioParam").to_vec().iter().enumerate() {
                        let ppath = format!("{shape_path}[{i}]");
                        if let Some(pm) = errs.fields(pv, &ppath, "v1.UtilizationShapePoint", &["utilization", "score"]).cloned() {
                            let u = errs.int(&pm, "utilization", "UtilizationShapePoint").unwrap_or(0);
                            let s = errs.int(&pm, "score", "UtilizationShapePoint").unwrap_or(0);
                            shape.push((u, s));
                        }
                    }
                    validate_shape(&shape, &shape_path, errs);
                }
            }
        }
    } else if ratio.is_some() {
        errs.invalid.push(format!(
            "{spath}.requestedToCapacityRatio: Forbidden: must be nil when type is not RequestedToCapacityRatio"
        ));
    }
    strategy.strategy = kind.unwrap_or(ScoringStrategyType::LeastAllocated);
    strategy.resources = resources;
    strategy.shape = shape;
    strategy
}

/// `validateFunctionShape`.
fn validate_shape(shape: &[(i64, i64)], path: &str, errs: &mut Errors) {
    if shape.is_empty() {
        errs.invalid.push(format!(
            "{path}: Required value: at least one point must be specified"
        ));
        return;
    }
    for i in 1..shape.len() {
        if shape[i - 1].0 >= shape[i].0 {
            errs.invalid.push(format!(
                "{path}[{i}].utilization: Invalid value: {}: values must be sorted in increasing order",
                shape[i].0
            ));
            break;
        }
    }
    for (i, (u, s)) in shape.iter().enumerate() {
        if !(0..=100).contains(u) {
            errs.invalid.push(format!(
                "{path}[{i}].utilization: Invalid value: {u}: not in valid range [0, 100]"
            ));
        }
        if !(0..=MAX_CUSTOM_PRIORITY_SCORE).contains(s) {
            errs.invalid.push(format!(
                "{path}[{i}].score: Invalid value: {s}: not in valid range [0, 10]"
            ));
        }
    }
}

/// `NodeResourcesBalancedAllocationArgs`: default resources cpu and memory; every weight must be 1.
fn parse_balanced_args(args: &Value, path: &str, errs: &mut Errors) -> Vec<ResourceSpec> {
    let Some(map) = errs
        .fields(
            args,
            path,
            "v1.NodeResourcesBalancedAllocationArgs",
            &["apiVersion", "kind", "resources"],
        )
        .cloned()
    else {
        return default_resources();
    };
    let mut resources = parse_resources(
        errs.array(&map, "resources", "NodeResourcesBalancedAllocationArgs")
            .to_vec()
            .as_slice(),
        &format!("{path}.resources"),
        errs,
    );
    if resources.is_empty() {
        return default_resources();
    }
    let mut seen = BTreeSet::new();
    for (i, r) in resources.iter_mut().enumerate() {
        if r.weight == 0 {
            r.weight = 1;
        }
        if !seen.insert(r.name.clone()) {
            errs.invalid.push(format!(
                "{path}.resources[{i}].name: Duplicate value: \"{}\"",
                r.name
            ));
        }
        if r.weight != 1 {
            errs.invalid.push(format!(
                "{path}.resources[{i}].weight: Invalid value: {}: must be 1",
                r.weight
            ));
        }
    }
    resources
}

/// `NodeAffinityArgs.addedAffinity`.
fn parse_node_affinity_args(args: &Value, path: &str, errs: &mut Errors) -> Option<NodeAffinity> {
    let map = errs
        .fields(
            args,
            path,
            "v1.NodeAffinityArgs",
            &["apiVersion", "kind", "addedAffinity"],
        )?
        .clone();
    let value = map.get("addedAffinity")?.clone();
    match from_json_value::<NodeAffinity>(&value) {
        Ok(a) => Some(a),
        Err(e) => {
            errs.decode.push(format!("{path}.addedAffinity: {e}"));
            None
        }
    }
}

/// `InterPodAffinityArgs`: defaults (`hardPodAffinityWeight: 1`) then validation
/// (`ValidateInterPodAffinityArgs`).
fn parse_affinity_args(args: &Value, path: &str, errs: &mut Errors) -> AffinityArgs {
    let mut out = AffinityArgs::default();
    let Some(map) = errs
        .fields(
            args,
            path,
            "v1.InterPodAffinityArgs",
            &[
                "apiVersion",
                "kind",
                "hardPodAffinityWeight",
                "ignorePreferredTermsOfExistingPods",
            ],
        )
        .cloned()
    else {
        return out;
    };
    if let Some(weight) = errs.int(&map, "hardPodAffinityWeight", "InterPodAffinityArgs") {
        out.hard_pod_affinity_weight = weight;
    }
    match map.get("ignorePreferredTermsOfExistingPods") {
        None | Some(Value::Null) => {}
        Some(Value::Bool(b)) => out.ignore_preferred_terms_of_existing_pods = *b,
        Some(other) => errs.decode.push(format!(
            "json: cannot unmarshal {} into Go struct field InterPodAffinityArgs.ignorePreferredTermsOfExistingPods of type bool",
            go_type(other)
        )),
    }
    if !(0..=100).contains(&out.hard_pod_affinity_weight) {
        errs.invalid.push(format!(
            "{path}.hardPodAffinityWeight: Invalid value: {}: not in valid range [0, 100]",
            out.hard_pod_affinity_weight
        ));
    }
    out
}

/// `PodTopologySpreadArgs`: defaults (`defaultingType: System`) then validation
/// (`ValidatePodTopologySpreadArgs`).
fn parse_spread_args(args: &Value, path: &str, errs: &mut Errors) -> SpreadDefaults {
    let mut out = SpreadDefaults::default();
    let Some(map) = errs
        .fields(
            args,
            path,
            "v1.PodTopologySpreadArgs",
            &["apiVersion", "kind", "defaultConstraints", "defaultingType"],
        )
        .cloned()
    else {
        return out;
    };
    let defaulting = errs
        .string(&map, "defaultingType", "PodTopologySpreadArgs")
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "System".to_string());
    let cpath = format!("{path}.defaultConstraints");
    let mut constraints = Vec::new();
    let mut selectors = Vec::new();
    for (i, cv) in errs
        .array(&map, "defaultConstraints", "PodTopologySpreadArgs")
        .to_vec()
        .iter()
        .enumerate()
    {
        let ipath = format!("{cpath}[{i}]");
        let Some(cm) = errs
            .fields(
                cv,
                &ipath,
                "v1.TopologySpreadConstraint",
                &[
                    "maxSkew",
                    "topologyKey",
                    "whenUnsatisfiable",
                    "labelSelector",
                    "minDomains",
                    "nodeAffinityPolicy",
                    "nodeTaintsPolicy",
                    "matchLabelKeys",
                ],
            )
            .cloned()
        else {
            continue;
        };
        let string = |errs: &mut Errors, key| {
            errs.string(&cm, key, "TopologySpreadConstraint")
                .unwrap_or_default()
        };
        let constraint = TopologySpreadConstraint {
            max_skew: errs
                .int(&cm, "maxSkew", "TopologySpreadConstraint")
                .unwrap_or(0)
                .clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
            topology_key: string(errs, "topologyKey"),
            when_unsatisfiable: string(errs, "whenUnsatisfiable"),
            min_domains: errs
                .int(&cm, "minDomains", "TopologySpreadConstraint")
                .map(|d| d.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32),
            node_affinity_policy: errs.string(
                &cm,
                "nodeAffinityPolicy",
                "TopologySpreadConstraint",
            ),
            node_taints_policy: errs.string(&cm, "nodeTaintsPolicy", "TopologySpreadConstraint"),
            ..Default::default()
        };
        selectors.push(cm.get("labelSelector").is_some_and(|v| !v.is_null()));
        constraints.push(constraint);
    }
    match defaulting.as_str() {
        "System" if !constraints.is_empty() => errs.invalid.push(format!(
            "{path}.defaultingType: Invalid value: \"System\": when .defaultConstraints are not empty"
        )),
        "System" | "List" => {}
        other => errs.invalid.push(format!(
            "{path}.defaultingType: Unsupported value: \"{other}\": supported values: \"System\", \"List\""
        )),
    }
    for (i, c) in constraints.iter().enumerate() {
        let ipath = format!("{cpath}[{i}]");
        if c.max_skew <= 0 {
            errs.invalid.push(format!(
                "{ipath}.maxSkew: Invalid value: {}: not in valid range (0, inf)",
                c.max_skew
            ));
        }
        if c.topology_key.is_empty() {
            errs.invalid.push(format!(
                "{ipath}.topologyKey: Required value: can not be empty"
            ));
        } else {
            for e in validate_label_name(&c.topology_key, &format!("{ipath}.topologyKey")) {
                errs.invalid.push(e.to_string());
            }
        }
        match c.when_unsatisfiable.as_str() {
            "" => errs
                .invalid
                .push(format!("{ipath}.whenUnsatisfiable: Required value: can not be empty")),
            "DoNotSchedule" | "ScheduleAnyway" => {}
            other => errs.invalid.push(format!(
                "{ipath}.whenUnsatisfiable: Unsupported value: \"{other}\": supported values: \"DoNotSchedule\", \"ScheduleAnyway\""
            )),
        }
        if selectors.get(i).copied().unwrap_or(false) {
            errs.invalid.push(format!(
                "{ipath}.labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod"
            ));
        }
        if constraints[..i].iter().any(|o| {
            o.topology_key == c.topology_key && o.when_unsatisfiable == c.when_unsatisfiable
        }) {
            errs.invalid.push(format!(
                "{ipath}: Duplicate value: \"{{{}, {}}}\"",
                c.topology_key, c.when_unsatisfiable
            ));
        }
    }
    out.system_defaulted = defaulting == "System";
    out.constraints = constraints;
    out
}

/// `mergePluginSet`: the user's set applied on top of the default one.
fn merge_plugin_set(default: &PluginSet, custom: &PluginSet) -> PluginSet {
    let disabled: Vec<String> = custom
        .disabled
        .iter()
        .chain(default.disabled.iter())
        .cloned()
        .collect();
    let mut enabled = Vec::new();
    let mut replaced = BTreeSet::new();
    if !disabled.iter().any(|d| d == "*") {
        for d in &default.enabled {
            if disabled.contains(&d.name) {
                continue;
            }
            match custom.enabled.iter().position(|c| c.name == d.name) {
                Some(i) => {
                    replaced.insert(i);
                    enabled.push(custom.enabled[i].clone());
                }
                None => enabled.push(d.clone()),
            }
        }
    }
    for (i, c) in custom.enabled.iter().enumerate() {
        if !replaced.contains(&i) {
            enabled.push(c.clone());
        }
    }
    PluginSet { enabled, disabled }
}

/// Builds the effective extension point lists (`NewFramework`).
fn build_profile(raw: RawProfile) -> Result<Profile, String> {
    let name = raw.scheduler_name.clone();
    let wrap = |e: String| format!("creating profile for scheduler name {name}: {e}");
    let default_mp = PluginSet {
        enabled: DEFAULT_MULTI_POINT
            .iter()
            .map(|(n, w)| PluginEntry {
                name: n.to_string(),
                weight: *w,
            })
            .collect(),
        disabled: Vec::new(),
    };
    let multi_point = merge_plugin_set(&default_mp, &raw.multi_point);
    let mut lists: Vec<(ExtensionPoint, Vec<Plugin>)> = Vec::new();
    for point in ExtensionPoint::ALL {
        let custom = raw
            .points
            .iter()
            .find(|(p, _)| *p == point)
            .map(|(_, s)| s.clone())
            .unwrap_or_default();
        let set = merge_plugin_set(&PluginSet::default(), &custom);
        // updatePluginList: the explicitly enabled plugins.
        let mut explicit: Vec<Plugin> = Vec::new();
        for e in &set.enabled {
            let plugin = Plugin::from_name(&e.name).ok_or_else(|| {
                wrap(format!(
                    "{} \"{}\" does not exist",
                    point.interface_name(),
                    e.name
                ))
            })?;
            if !plugin.implements(point) {
                return Err(wrap(format!(
                    "plugin \"{}\" does not extend {} plugin",
                    e.name,
                    point.interface_name()
                )));
            }
            if explicit.contains(&plugin) {
                return Err(wrap(format!(
                    "plugin \"{}\" already registered as \"{}\"",
                    e.name,
                    point.interface_name()
                )));
            }
            explicit.push(plugin);
        }
        // expandMultiPointPlugins.
        let mut result = explicit.clone();
        if !set.disabled.iter().any(|d| d == "*") {
            let mut overrides = Vec::new();
            let mut from_multi = Vec::new();
            for e in &multi_point.enabled {
                let plugin = Plugin::from_name(&e.name).ok_or_else(|| {
                    wrap(format!(
                        "{} \"{}\" does not exist",
                        point.interface_name(),
                        e.name
                    ))
                })?;
                if !plugin.implements(point) || set.disabled.contains(&e.name) {
                    continue;
                }
                if explicit.contains(&plugin) {
                    overrides.push(plugin);
                    continue;
                }
                if from_multi.contains(&plugin) {
                    return Err(wrap(format!(
                        "plugin \"{}\" already registered as \"{}\"",
                        e.name,
                        point.interface_name()
                    )));
                }
                from_multi.push(plugin);
            }
            result = overrides;
            for p in from_multi.into_iter().chain(explicit) {
                if !result.contains(&p) {
                    result.push(p);
                }
            }
        }
        lists.push((point, result));
    }
    let get = |point: ExtensionPoint| {
        lists
            .iter()
            .find(|(p, _)| *p == point)
            .map(|(_, l)| l.clone())
            .unwrap_or_default()
    };
    let queue_sort = get(ExtensionPoint::QueueSort);
    if queue_sort.len() != 1 {
        return Err(wrap(format!(
            "one queue sort plugin required for profile with scheduler name \"{name}\", but got {}",
            queue_sort.len()
        )));
    }
    if get(ExtensionPoint::Bind).is_empty() {
        return Err(wrap(format!(
            "at least one bind plugin is needed for profile with scheduler name \"{name}\""
        )));
    }
    // getScoreWeights: explicit score entries first, then MultiPoint; weight 0 means 1.
    let score_plugins = get(ExtensionPoint::Score);
    let score_entries: Vec<PluginEntry> = raw
        .points
        .iter()
        .find(|(p, _)| *p == ExtensionPoint::Score)
        .map(|(_, s)| s.enabled.clone())
        .unwrap_or_default()
        .into_iter()
        .chain(multi_point.enabled.iter().cloned())
        .collect();
    let mut score = Vec::new();
    for plugin in score_plugins {
        let weight = score_entries
            .iter()
            .find(|e| e.name == plugin.name())
            .map(|e| e.weight)
            .unwrap_or(0);
        score.push((plugin, if weight == 0 { 1 } else { i64::from(weight) }));
    }
    Ok(Profile {
        scheduler_name: raw.scheduler_name,
        percentage_of_nodes_to_score: raw.percentage,
        pre_filter: get(ExtensionPoint::PreFilter),
        filter: get(ExtensionPoint::Filter),
        post_filter: get(ExtensionPoint::PostFilter),
        pre_score: get(ExtensionPoint::PreScore),
        score,
        fit: raw.fit,
        fit_ignored: raw.fit_ignored,
        balanced_resources: raw.balanced,
        added_affinity: raw.added_affinity,
        spread_defaults: raw.spread_defaults,
        affinity_args: raw.affinity_args,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(list: &[Plugin]) -> Vec<&'static str> {
        list.iter().map(|p| p.name()).collect()
    }

    #[test]
    fn should_build_the_default_profile() {
        let c = parse(None).unwrap();
        assert_eq!(c.profile.scheduler_name, "default-scheduler");
        assert_eq!(c.percentage_of_nodes_to_score, 0);
        assert_eq!(
            names(&c.profile.filter),
            vec![
                "NodeUnschedulable",
                "NodeName",
                "TaintToleration",
                "NodeAffinity",
                "NodePorts",
                "NodeResourcesFit",
                "VolumeRestrictions",
                "NodeVolumeLimits",
                "VolumeBinding",
                "VolumeZone",
                "PodTopologySpread",
                "InterPodAffinity",
                "DynamicResources"
            ]
        );
        let score: Vec<(&str, i64)> = c
            .profile
            .score
            .iter()
            .map(|(p, w)| (p.name(), *w))
            .collect();
        assert_eq!(
            score,
            vec![
                ("TaintToleration", 3),
                ("NodeAffinity", 2),
                ("NodeResourcesFit", 1),
                ("VolumeBinding", 1),
                ("PodTopologySpread", 2),
                ("InterPodAffinity", 2),
                ("NodeResourcesBalancedAllocation", 1),
                ("ImageLocality", 1)
            ]
        );
        assert_eq!(
            names(&c.profile.post_filter),
            vec!["DynamicResources", "DefaultPreemption"]
        );
        assert_eq!(c.profile.fit, ScoringStrategy::default());
    }

    fn cfg(body: Value) -> Value {
        let mut v = json!({"apiVersion": API_VERSION, "kind": "KubeSchedulerConfiguration"});
        if let (Value::Object(m), Value::Object(b)) = (&mut v, body) {
            m.extend(b);
        }
        v
    }

    #[test]
    fn should_disable_all_scores_and_enable_one_with_weight() {
        let c = parse(Some(&cfg(json!({"profiles": [{"plugins": {"score": {
            "disabled": [{"name": "*"}],
            "enabled": [{"name": "NodeResourcesFit", "weight": 5}]
        }}}]}))))
        .unwrap();
        let score: Vec<(&str, i64)> = c
            .profile
            .score
            .iter()
            .map(|(p, w)| (p.name(), *w))
            .collect();
        assert_eq!(score, vec![("NodeResourcesFit", 5)]);
    }

    #[test]
    fn should_override_weight_of_a_default_multipoint_plugin() {
        let c = parse(Some(&cfg(json!({"profiles": [{"plugins": {"multiPoint": {
            "enabled": [{"name": "ImageLocality", "weight": 7}]
        }}}]}))))
        .unwrap();
        assert!(c.profile.score.contains(&(Plugin::ImageLocality, 7)));
    }

    #[test]
    fn should_drop_a_filter_disabled_at_its_extension_point() {
        let c = parse(Some(&cfg(json!({"profiles": [{"plugins": {"filter": {
            "disabled": [{"name": "TaintToleration"}]
        }}}]}))))
        .unwrap();
        assert!(!c.profile.filter.contains(&Plugin::TaintToleration));
        assert!(c
            .profile
            .score
            .iter()
            .any(|(p, _)| *p == Plugin::TaintToleration));
    }

    #[test]
    fn should_parse_most_allocated_and_ratio_strategies() {
        let c = parse(Some(&cfg(json!({"profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {
            "scoringStrategy": {"type": "MostAllocated", "resources": [{"name": "cpu", "weight": 3}]}
        }}]}]})))).unwrap();
        assert_eq!(c.profile.fit.strategy, ScoringStrategyType::MostAllocated);
        assert_eq!(
            c.profile.fit.resources,
            vec![ResourceSpec {
                name: "cpu".into(),
                weight: 3
            }]
        );
        let c = parse(Some(&cfg(json!({"profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {
            "scoringStrategy": {"type": "RequestedToCapacityRatio",
              "requestedToCapacityRatio": {"shape": [{"utilization": 0, "score": 0}, {"utilization": 100, "score": 10}]}}
        }}]}]})))).unwrap();
        assert_eq!(c.profile.fit.shape, vec![(0, 0), (100, 10)]);
        assert_eq!(c.profile.fit.resources, default_resources());
        // v1 defaulting turns a zero weight into 1, so upstream's internal-config case "resource with
        // zero weight" (a validation error there) cannot be written in a v1 file.
        let c = parse(Some(&cfg(json!({"profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {
            "scoringStrategy": {"type": "LeastAllocated", "resources": [{"name": "memory", "weight": 0}]}
        }}]}]})))).unwrap();
        assert_eq!(
            c.profile.fit.resources,
            vec![ResourceSpec {
                name: "memory".into(),
                weight: 1
            }]
        );
    }

    #[test]
    fn should_report_errors_like_upstream() {
        let cases: &[(&str, Value, &str)] = &[
            (
                "unknown field",
                cfg(json!({"profiles": [{"schedulerName": "x", "bogus": 1}]})),
                "strict decoding error: unknown field \"profiles[0].bogus\"",
            ),
            (
                "percentage out of range",
                cfg(json!({"percentageOfNodesToScore": 120})),
                "percentageOfNodesToScore: Invalid value: 120: not in valid range [0-100]",
            ),
            (
                "unsupported strategy",
                cfg(json!({"profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": "Foo"}}}]}]})),
                "profiles[0].pluginConfig[0].args.scoringStrategy.type: Unsupported value: \"Foo\": supported values: \"LeastAllocated\", \"MostAllocated\", \"RequestedToCapacityRatio\"",
            ),
            (
                "ignored resource with two slashes",
                cfg(json!({"profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {"ignoredResources": ["example.com/a/b"]}}]}]})),
                "profiles[0].pluginConfig[0].args.ignoredResources[0]: Invalid value: \"example.com/a/b\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
            ),
            (
                "ignored resource group with a slash",
                cfg(json!({"profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {"ignoredResourceGroups": ["example.com/aa"]}}]}]})),
                "profiles[0].pluginConfig[0].args.ignoredResourceGroups[0]: Invalid value: \"example.com/aa\": resource group name can't contain '/'",
            ),
            (
                "bad weight",
                cfg(json!({"profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": "LeastAllocated", "resources": [{"name": "cpu", "weight": 101}]}}}]}]})),
                "profiles[0].pluginConfig[0].args.scoringStrategy.resources[0].weight: Invalid value: 101: resource weight of cpu not in valid range (0, 100]",
            ),
            (
                // least/most_allocated_test.go "resource with negative weight".
                "negative weight",
                cfg(json!({"profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": "MostAllocated", "resources": [{"name": "memory", "weight": -1}, {"name": "cpu", "weight": 1}]}}}]}]})),
                "profiles[0].pluginConfig[0].args.scoringStrategy.resources[0].weight: Invalid value: -1: resource weight of memory not in valid range (0, 100]",
            ),
            (
                "ratio without shape",
                cfg(json!({"profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": "RequestedToCapacityRatio"}}}]}]})),
                "profiles[0].pluginConfig[0].args.scoringStrategy.requestedToCapacityRatio: Required value: must be specified when type is RequestedToCapacityRatio",
            ),
            (
                "balanced weight",
                cfg(json!({"profiles": [{"pluginConfig": [{"name": "NodeResourcesBalancedAllocation", "args": {"resources": [{"name": "cpu", "weight": 2}]}}]}]})),
                "profiles[0].pluginConfig[0].args.resources[0].weight: Invalid value: 2: must be 1",
            ),
            (
                "hardPodAffinityWeight out of range",
                cfg(json!({"profiles": [{"pluginConfig": [{"name": "InterPodAffinity", "args": {"hardPodAffinityWeight": 101}}]}]})),
                "profiles[0].pluginConfig[0].args.hardPodAffinityWeight: Invalid value: 101: not in valid range [0, 100]",
            ),
            (
                "System defaulting with constraints",
                cfg(json!({"profiles": [{"pluginConfig": [{"name": "PodTopologySpread", "args": {
                    "defaultConstraints": [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "ScheduleAnyway"}]}}]}]})),
                "profiles[0].pluginConfig[0].args.defaultingType: Invalid value: \"System\": when .defaultConstraints are not empty",
            ),
            (
                "unsupported defaultingType",
                cfg(json!({"profiles": [{"pluginConfig": [{"name": "PodTopologySpread", "args": {"defaultingType": "Auto"}}]}]})),
                "profiles[0].pluginConfig[0].args.defaultingType: Unsupported value: \"Auto\": supported values: \"System\", \"List\"",
            ),
            (
                "bad default constraints",
                cfg(json!({"profiles": [{"pluginConfig": [{"name": "PodTopologySpread", "args": {"defaultingType": "List",
                    "defaultConstraints": [
                        {"maxSkew": 0, "topologyKey": "", "whenUnsatisfiable": "Sometimes", "labelSelector": {}},
                        {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"},
                        {"maxSkew": 2, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"}]}}]}]})),
                "[profiles[0].pluginConfig[0].args.defaultConstraints[0].maxSkew: Invalid value: 0: not in valid range (0, inf), \
                 profiles[0].pluginConfig[0].args.defaultConstraints[0].topologyKey: Required value: can not be empty, \
                 profiles[0].pluginConfig[0].args.defaultConstraints[0].whenUnsatisfiable: Unsupported value: \"Sometimes\": supported values: \"DoNotSchedule\", \"ScheduleAnyway\", \
                 profiles[0].pluginConfig[0].args.defaultConstraints[0].labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod, \
                 profiles[0].pluginConfig[0].args.defaultConstraints[2]: Duplicate value: \"{zone, DoNotSchedule}\"]",
            ),
            (
                "unknown field in the spread args",
                cfg(json!({"profiles": [{"pluginConfig": [{"name": "PodTopologySpread", "args": {"defaultingType": "List",
                    "defaultConstraints": [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "bogus": true}]}}]}]})),
                "strict decoding error: unknown field \"profiles[0].pluginConfig[0].args.defaultConstraints[0].bogus\"",
            ),
            (
                "unknown plugin",
                cfg(json!({"profiles": [{"plugins": {"score": {"enabled": [{"name": "Foo"}]}}}]})),
                "creating profile for scheduler name default-scheduler: ScorePlugin \"Foo\" does not exist",
            ),
            (
                "plugin at a point it does not implement",
                cfg(json!({"profiles": [{"plugins": {"score": {"enabled": [{"name": "NodeName"}]}}}]})),
                "creating profile for scheduler name default-scheduler: plugin \"NodeName\" does not extend ScorePlugin plugin",
            ),
            (
                "two errors aggregate",
                cfg(json!({"percentageOfNodesToScore": -1, "profiles": [{"percentageOfNodesToScore": 101}]})),
                "[percentageOfNodesToScore: Invalid value: -1: not in valid range [0-100], profiles[0].percentageOfNodesToScore: Invalid value: 101: not in valid range [0-100]]",
            ),
            (
                "wrong version",
                json!({"apiVersion": "kubescheduler.config.k8s.io/v1beta3", "kind": "KubeSchedulerConfiguration"}),
                "no kind \"KubeSchedulerConfiguration\" is registered for version \"kubescheduler.config.k8s.io/v1beta3\"",
            ),
        ];
        for (name, value, want) in cases {
            assert_eq!(parse(Some(value)).unwrap_err(), *want, "{name}");
        }
    }

    #[test]
    fn should_take_profile_percentage_and_scheduler_name() {
        let c = parse(Some(&cfg(json!({"percentageOfNodesToScore": 30, "profiles": [{"schedulerName": "my-scheduler", "percentageOfNodesToScore": 50}]})))).unwrap();
        assert_eq!(c.percentage_of_nodes_to_score, 30);
        assert_eq!(c.profile.percentage_of_nodes_to_score, Some(50));
        assert_eq!(c.profile.scheduler_name, "my-scheduler");
    }
}
