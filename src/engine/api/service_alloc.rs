//! What a Service gets on create besides its defaults: its IP family fields, a cluster IP and node
//! ports. Mirrors `pkg/registry/core/service/storage/alloc.go` (`allocateCreate`, `initIPFamilyFields`)
//! with the IP allocator's static/dynamic bands (`pkg/registry/core/service/ipallocator`), for a
//! single-stack IPv4 cluster with kubeadm's service range `10.96.0.0/12` and the default node-port
//! range 30000-32767.
//!
//! Refusals are upstream's: the cluster-IP fields' validation, an IPv6 family or `RequireDualStack`
//! (this cluster is single-stack), a cluster IP outside the range or taken (the `kubernetes` Service's
//! `10.96.0.1` included, which podflow does not store), a node port outside 30000-32767 or taken.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::Service;

use crate::engine::api::validation::field::quote as go_quote;
use crate::engine::api::validation::names::parse_sloppy_ip;
use crate::engine::api::validation::{
    go_string_slice, validate_service_cluster_ips_related_fields, FieldError,
};
use crate::engine::rng::SimRng;

/// The address the `default/kubernetes` Service holds (the range's first), which no other Service
/// can have.
const KUBERNETES_SERVICE_IP: &str = "10.96.0.1";

/// kubeadm's `--service-cluster-ip-range` default, 10.96.0.0/12.
const SERVICE_RANGE_BASE: u32 = u32::from_be_bytes([10, 96, 0, 0]);
/// Host bits of the range (a /12).
const SERVICE_RANGE_BITS: u32 = 20;
/// `--service-node-port-range` default.
const NODE_PORTS: std::ops::RangeInclusive<i32> = 30000..=32767;

/// The cluster IPs and node ports stored Services already hold.
#[derive(Default)]
pub struct Allocated {
    pub ips: BTreeSet<String>,
    pub node_ports: BTreeSet<i32>,
}

impl Allocated {
    pub fn note(&mut self, service: &Service) {
        let Some(spec) = &service.spec else {
            return;
        };
        self.ips.extend(spec.cluster_ips.iter().flatten().cloned());
        self.ips.extend(spec.cluster_ip.iter().cloned());
        for port in spec.ports.iter().flatten() {
            self.node_ports.extend(port.node_port.filter(|p| *p > 0));
        }
    }
}

/// `calculateRangeOffset` of the IP allocator: the low band kept for static (user-chosen) IPs;
/// dynamic allocation draws from above it first: size / 16, at least 16 and at most 256.
fn static_ip_band(size: u32) -> u32 {
    (size / 16).clamp(16, 256)
}

/// `calculateRangeOffset` of the port allocator: size / 32, at least 16 and at most 128.
fn static_port_band(size: u32) -> u32 {
    (size / 32).clamp(16, 128)
}

/// The bitmap allocator's random scan with an offset: a random free slot of `[band, size)`, then of
/// `[0, band)`.
fn random_free_offset(
    size: u32,
    band: u32,
    rng: &mut SimRng,
    taken: impl Fn(u32) -> bool,
) -> Option<u32> {
    for (low, high) in [(band, size), (0, band)] {
        if high <= low {
            continue;
        }
        let span = high - low;
        let start = rng.below(u64::from(span)) as u32;
        if let Some(offset) = (0..span)
            .map(|step| low + (start + step) % span)
            .find(|offset| !taken(*offset))
        {
            return Some(offset);
        }
    }
    None
}

/// Why allocation refused a Service: field errors (422 Invalid, as `apierrors.NewInvalid`), or an
/// internal error (500, `apierrors.NewInternalError`: a full range, a taken health-check port).
#[derive(Debug, PartialEq)]
pub enum AllocError {
    Invalid(Vec<FieldError>),
    Internal(String),
}

fn invalid(error: FieldError) -> AllocError {
    AllocError::Invalid(vec![error])
}

/// `allocateCreate` for a Service about to be created: its IP family fields, its cluster IP, its
/// node ports and its health-check node port, or why one of them cannot be had.
pub fn allocate_create(
    service: &mut Service,
    allocated: &Allocated,
    rng: &mut SimRng,
) -> Result<(), AllocError> {
    let name = service.metadata.name.clone().unwrap_or_default();
    let Some(spec) = service.spec.as_mut() else {
        return Ok(());
    };
    let kind = spec.type_.clone().unwrap_or_else(|| "ClusterIP".into());
    if kind == "ExternalName" {
        return Ok(());
    }
    // normalizeClusterIPs (beginCreate): a lone `clusterIP` becomes the first of `clusterIPs`, and the
    // other way.
    if spec.cluster_ips.as_ref().is_none_or(|ips| ips.is_empty()) {
        if let Some(ip) = spec.cluster_ip.clone().filter(|ip| !ip.is_empty()) {
            spec.cluster_ips = Some(vec![ip]);
        }
    }
    if spec.cluster_ip.as_deref().is_none_or(str::is_empty) {
        spec.cluster_ip = spec
            .cluster_ips
            .as_ref()
            .and_then(|ips| ips.first())
            .cloned();
    }
    init_ip_family_fields(service)?;
    let Some(spec) = service.spec.as_mut() else {
        return Ok(());
    };
    alloc_cluster_ip(spec, &name, allocated, rng)?;
    let mut taken = allocated.node_ports.clone();
    let allocates = kind == "NodePort"
        || (kind == "LoadBalancer" && spec.allocate_load_balancer_node_ports != Some(false));
    if kind == "NodePort" || kind == "LoadBalancer" {
        init_node_ports(spec, allocates, &mut taken, rng)?;
    }
    // `NeedsHealthCheck`: a LoadBalancer that keeps traffic on the node it arrives at.
    if kind == "LoadBalancer" && spec.external_traffic_policy.as_deref() == Some("Local") {
        match spec.health_check_node_port.filter(|p| *p != 0) {
            Some(port) => {
                if let Err(why) = allocate_node_port(port, &mut taken) {
                    return Err(AllocError::Internal(format!(
                        "failed to allocate requested HealthCheck NodePort {port}: {why}"
                    )));
                }
            }
            None => match next_node_port(&taken, rng) {
                Some(port) => {
                    taken.insert(port);
                    spec.health_check_node_port = Some(port);
                }
                None => {
                    return Err(AllocError::Internal(
                        "failed to allocate a HealthCheck NodePort 0: range is full".into(),
                    ))
                }
            },
        }
    }
    Ok(())
}

/// `initIPFamilyFields` on create, for this single-stack IPv4 cluster: the policy's default, the
/// cluster-IP fields' own validation, families inferred from the IPs given, and the refusals of what
/// the cluster cannot serve (an IPv6 family, `RequireDualStack`), except for a headless Service
/// without a selector, which may name both families.
fn init_ip_family_fields(service: &mut Service) -> Result<(), AllocError> {
    let Some(spec) = service.spec.as_mut() else {
        return Ok(());
    };
    let headless_selectorless = spec.cluster_ip.as_deref() == Some("None")
        && spec.selector.as_ref().is_none_or(|s| s.is_empty());
    spec.ip_family_policy.get_or_insert_with(|| {
        if headless_selectorless {
            "RequireDualStack".into()
        } else {
            "SingleStack".into()
        }
    });
    let errors = validate_service_cluster_ips_related_fields(service);
    if !errors.is_empty() {
        return Err(AllocError::Invalid(errors));
    }
    let Some(spec) = service.spec.as_mut() else {
        return Ok(());
    };
    let policy = spec.ip_family_policy.clone().unwrap_or_default();
    let ips = spec.cluster_ips.clone().unwrap_or_default();
    let families = spec.ip_families.get_or_insert_with(Vec::new);
    let mut errors = Vec::new();
    if policy == "SingleStack" {
        for (count, what) in [(ips.len(), "cluster IPs"), (families.len(), "IP families")] {
            if count == 2 {
                errors.push(FieldError::invalid(
                    "spec.ipFamilyPolicy",
                    &policy,
                    &format!(
                        "must be 'RequireDualStack' or 'PreferDualStack' when multiple {what} are specified"
                    ),
                ));
            }
        }
    }
    for (i, ip) in ips.iter().enumerate() {
        if ip == "None" {
            break;
        }
        if i >= families.len() {
            if parse_sloppy_ip(ip).is_some_and(|a| a.is_ipv6()) {
                errors.push(FieldError::invalid_raw(
                    &format!("spec.clusterIPs[{i}]"),
                    go_string_slice(&ips),
                    "IPv6 is not configured on this cluster",
                ));
            } else {
                families.push("IPv4".into());
            }
        }
    }
    if !errors.is_empty() {
        return Err(AllocError::Invalid(errors));
    }
    if headless_selectorless {
        if families.is_empty() {
            families.push("IPv4".into());
        }
        if families.len() < 2 && policy != "SingleStack" {
            let other = if families[0] == "IPv4" {
                "IPv6"
            } else {
                "IPv4"
            };
            families.push(other.into());
        }
        return Ok(());
    }
    if policy == "RequireDualStack" {
        errors.push(FieldError::invalid(
            "spec.ipFamilyPolicy",
            &policy,
            "this cluster is not configured for dual-stack services",
        ));
    }
    for (i, family) in families.iter().enumerate() {
        if family != "IPv4" {
            errors.push(FieldError::invalid(
                &format!("spec.ipFamilies[{i}]"),
                family,
                "not configured on this cluster",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AllocError::Invalid(errors));
    }
    if families.is_empty() {
        families.push("IPv4".into());
    }
    Ok(())
}

/// `allocClusterIPs` for the one (IPv4) family: headless Services get none; an IP the user gave must
/// be in the range and free; otherwise the allocator picks one.
fn alloc_cluster_ip(
    spec: &mut k8s_openapi::api::core::v1::ServiceSpec,
    name: &str,
    allocated: &Allocated,
    rng: &mut SimRng,
) -> Result<(), AllocError> {
    let ips = spec.cluster_ips.get_or_insert_with(Vec::new);
    if ips.first().is_some_and(|ip| ip == "None") {
        return Ok(());
    }
    match ips.first().filter(|ip| !ip.is_empty()).cloned() {
        Some(ip) => {
            if let Err(why) = allocate_ip(&ip, allocated) {
                return Err(invalid(FieldError::invalid_raw(
                    "spec.clusterIPs",
                    go_string_slice(ips),
                    &format!("failed to allocate IP {ip}: {why}"),
                )));
            }
        }
        None => {
            let Some(ip) = next_ip(allocated, rng) else {
                return Err(AllocError::Internal(format!(
                    "failed to allocate a serviceIP for Service {}: range is full",
                    go_quote(name)
                )));
            };
            *ips = vec![ip.clone()];
            spec.cluster_ip = Some(ip);
        }
    }
    Ok(())
}

/// `Allocate` of a user-chosen cluster IP by the Service CIDR allocators: an address outside every
/// Service CIDR has no allocator; the range's network and broadcast addresses are not in it; an
/// address held by another Service (or by the `kubernetes` Service) is taken.
fn allocate_ip(ip: &str, allocated: &Allocated) -> Result<(), String> {
    let Some(std::net::IpAddr::V4(address)) = parse_sloppy_ip(ip) else {
        return Err("the provided network does not match the current range".into());
    };
    let value = u32::from(address);
    let size = 1u32 << SERVICE_RANGE_BITS;
    if value < SERVICE_RANGE_BASE || value - SERVICE_RANGE_BASE >= size {
        return Err("the provided network does not match the current range".into());
    }
    let offset = value - SERVICE_RANGE_BASE;
    if offset == 0 || offset == size - 1 {
        return Err(format!(
            "the provided IP ({address}) is not in the valid range. The range of valid IPs is {}",
            service_cidr()
        ));
    }
    let canonical = address.to_string();
    if canonical == KUBERNETES_SERVICE_IP || allocated.ips.contains(&canonical) {
        return Err("provided IP is already allocated".into());
    }
    Ok(())
}

/// `initNodePorts`: each service port gets a node port, the one the user gave for its port number
/// (any of the ports with that number) or a free one; ports sharing a number share one. With
/// `allocates` false (a LoadBalancer with `allocateLoadBalancerNodePorts: false`) only the ports the
/// user gave are taken.
fn init_node_ports(
    spec: &mut k8s_openapi::api::core::v1::ServiceSpec,
    allocates: bool,
    taken: &mut BTreeSet<i32>,
    rng: &mut SimRng,
) -> Result<(), AllocError> {
    let requested: Vec<(i32, i32)> = spec
        .ports
        .iter()
        .flatten()
        .filter_map(|p| p.node_port.filter(|n| *n != 0).map(|n| (p.port, n)))
        .collect();
    let mut by_port: BTreeMap<i32, i32> = BTreeMap::new();
    for (i, port) in spec.ports.iter_mut().flatten().enumerate() {
        let own = port.node_port.unwrap_or(0);
        if own == 0 && !allocates {
            continue;
        }
        let refuse = |value: i32, why: String| {
            invalid(FieldError::invalid_raw(
                &format!("spec.ports[{i}].nodePort"),
                value.to_string(),
                &why,
            ))
        };
        match by_port.get(&port.port).copied() {
            None => {
                let wanted = requested
                    .iter()
                    .find(|(number, _)| *number == port.port)
                    .map(|(_, n)| *n);
                let chosen = match wanted {
                    Some(n) => {
                        allocate_node_port(n, taken).map_err(|why| refuse(n, why))?;
                        n
                    }
                    None => {
                        let Some(n) = next_node_port(taken, rng) else {
                            return Err(AllocError::Internal(
                                "failed to allocate a nodePort: range is full".into(),
                            ));
                        };
                        taken.insert(n);
                        n
                    }
                };
                port.node_port = Some(chosen);
                by_port.insert(port.port, chosen);
            }
            Some(shared) if own != shared => {
                if own == 0 {
                    port.node_port = Some(shared);
                } else {
                    allocate_node_port(own, taken).map_err(|why| refuse(own, why))?;
                }
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// `Allocate` of the node-port allocator: the port must be in the range and free.
fn allocate_node_port(port: i32, taken: &mut BTreeSet<i32>) -> Result<(), String> {
    if !NODE_PORTS.contains(&port) {
        return Err(format!(
            "provided port is not in the valid range. The range of valid ports is {}-{}",
            NODE_PORTS.start(),
            NODE_PORTS.end()
        ));
    }
    if !taken.insert(port) {
        return Err("provided port is already allocated".into());
    }
    Ok(())
}

fn service_cidr() -> String {
    format!(
        "{}/{}",
        std::net::Ipv4Addr::from(SERVICE_RANGE_BASE),
        32 - SERVICE_RANGE_BITS
    )
}

/// `allocateNextService`: a random free address of the range without its network and broadcast
/// addresses, above the static band first.
fn next_ip(allocated: &Allocated, rng: &mut SimRng) -> Option<String> {
    let size = (1u32 << SERVICE_RANGE_BITS) - 2;
    let address =
        |offset: u32| std::net::Ipv4Addr::from(SERVICE_RANGE_BASE + 1 + offset).to_string();
    let offset = random_free_offset(
        size,
        static_ip_band(1 << SERVICE_RANGE_BITS),
        rng,
        |offset| {
            let candidate = address(offset);
            candidate == KUBERNETES_SERVICE_IP || allocated.ips.contains(&candidate)
        },
    )?;
    Some(address(offset))
}

/// `AllocateNext` of the node-port allocator: a random free port above the static band first.
fn next_node_port(taken: &BTreeSet<i32>, rng: &mut SimRng) -> Option<i32> {
    let first = *NODE_PORTS.start();
    let size = (NODE_PORTS.end() - first + 1) as u32;
    let offset = random_free_offset(size, static_port_band(size), rng, |offset| {
        taken.contains(&(first + offset as i32))
    })?;
    Some(first + offset as i32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn service(spec: serde_json::Value) -> Service {
        serde_json::from_value(json!({"metadata": {"name": "web"}, "spec": spec})).expect("service")
    }

    fn allocated_fields(spec: serde_json::Value, allocated: &Allocated) -> serde_json::Value {
        let mut s = service(spec);
        allocate_create(&mut s, allocated, &mut SimRng::new(3)).expect("allocated");
        serde_json::to_value(s.spec).expect("json")
    }

    #[test]
    fn should_give_a_cluster_ip_service_an_ipv4_address_from_the_dynamic_band() {
        let spec = allocated_fields(
            json!({"selector": {"app": "web"}, "ports": [{"port": 80}]}),
            &Allocated::default(),
        );
        assert_eq!(spec["ipFamilyPolicy"], "SingleStack");
        assert_eq!(spec["ipFamilies"], json!(["IPv4"]));
        let ip: std::net::Ipv4Addr = spec["clusterIP"].as_str().unwrap().parse().unwrap();
        assert_eq!(spec["clusterIPs"], json!([ip.to_string()]));
        let offset = u32::from(ip) - SERVICE_RANGE_BASE - 1;
        assert!((256..(1 << 20) - 2).contains(&offset), "{ip}");
        assert!(spec["ports"][0].get("nodePort").is_none());
    }

    #[test]
    fn should_fall_back_to_the_static_band_when_the_dynamic_one_is_full() {
        let mut rng = SimRng::new(9);
        assert_eq!(static_ip_band(1 << 20), 256);
        assert_eq!(static_port_band(2768), 86);
        let got = random_free_offset(100, 20, &mut rng, |o| o >= 20 || o == 3);
        assert!(got.is_some_and(|o| o < 20 && o != 3), "{got:?}");
        assert_eq!(random_free_offset(100, 20, &mut rng, |_| true), None);
    }

    #[test]
    fn should_not_hand_out_an_address_twice() {
        let mut allocated = Allocated::default();
        let mut rng = SimRng::new(1);
        for _ in 0..50 {
            let mut s = service(json!({"selector": {"app": "web"}}));
            allocate_create(&mut s, &allocated, &mut rng).expect("allocated");
            let before = allocated.ips.len();
            allocated.note(&s);
            assert_eq!(allocated.ips.len(), before + 1);
        }
    }

    #[test]
    fn should_keep_user_choices_and_headless_and_external_name_services() {
        let none = Allocated::default();
        let chosen = allocated_fields(
            json!({"clusterIP": "10.96.0.10", "selector": {"a": "b"}}),
            &none,
        );
        assert_eq!(
            (chosen["clusterIP"].clone(), chosen["clusterIPs"].clone()),
            (json!("10.96.0.10"), json!(["10.96.0.10"]))
        );
        let headless = allocated_fields(
            json!({"clusterIPs": ["None"], "selector": {"a": "b"}}),
            &none,
        );
        assert_eq!(headless["clusterIPs"], json!(["None"]));
        assert_eq!(headless["clusterIP"], "None");
        assert_eq!(headless["ipFamilyPolicy"], "SingleStack");
        let selectorless =
            allocated_fields(json!({"clusterIP": "None", "ports": [{"port": 80}]}), &none);
        assert_eq!(selectorless["ipFamilyPolicy"], "RequireDualStack");
        assert_eq!(selectorless["ipFamilies"], json!(["IPv4", "IPv6"]));
        let external = allocated_fields(
            json!({"type": "ExternalName", "externalName": "db.example.com"}),
            &none,
        );
        assert!(external.get("clusterIP").is_none() && external.get("ipFamilies").is_none());
    }

    #[test]
    fn should_share_a_node_port_between_ports_of_the_same_number() {
        let none = Allocated::default();
        let spec = allocated_fields(
            json!({"type": "NodePort", "selector": {"a": "b"}, "ports": [
                {"name": "dns", "port": 53, "protocol": "UDP"},
                {"name": "dns-tcp", "port": 53, "protocol": "TCP"},
                {"name": "http", "port": 80, "nodePort": 30080},
                {"name": "http-udp", "port": 80, "protocol": "UDP"}]}),
            &none,
        );
        assert_eq!(spec["ports"][0]["nodePort"], spec["ports"][1]["nodePort"]);
        assert_eq!(spec["ports"][3]["nodePort"], 30080);
        let lb = allocated_fields(
            json!({"type": "LoadBalancer", "allocateLoadBalancerNodePorts": false,
                   "selector": {"a": "b"}, "ports": [{"port": 80}]}),
            &none,
        );
        assert!(lb["ports"][0].get("nodePort").is_none());
    }

    #[test]
    fn should_give_node_ports_to_node_port_services_only_where_unset() {
        let mut allocated = Allocated::default();
        allocated.node_ports.insert(30081);
        let spec = allocated_fields(
            json!({"type": "NodePort", "selector": {"a": "b"},
                   "ports": [{"port": 80, "nodePort": 30080}, {"name": "b", "port": 81}]}),
            &allocated,
        );
        assert_eq!(spec["ports"][0]["nodePort"], 30080);
        // Above the static band of 2768 / 32 = 86 ports.
        let port = spec["ports"][1]["nodePort"].as_i64().unwrap();
        assert!((30086..=32767).contains(&port), "{port}");
    }

    /// What allocation refuses, as the API server's messages print.
    fn refusal(spec: serde_json::Value, allocated: &Allocated) -> Vec<String> {
        let mut s = service(spec);
        match allocate_create(&mut s, allocated, &mut SimRng::new(3)) {
            Ok(()) => vec![],
            Err(AllocError::Invalid(errors)) => errors.iter().map(|e| e.to_string()).collect(),
            Err(AllocError::Internal(message)) => vec![format!("internal: {message}")],
        }
    }

    #[test]
    fn should_refuse_what_a_single_stack_cluster_cannot_allocate() {
        let mut allocated = Allocated::default();
        allocated.ips.insert("10.96.0.10".into());
        allocated.node_ports.insert(30080);
        let sel = json!({"app": "web"});
        let cases = [
            (
                json!({"selector": sel, "clusterIP": "10.96.0.10", "ports": [{"port": 80}]}),
                vec![r#"spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated"#],
            ),
            (
                json!({"selector": sel, "clusterIP": "10.96.0.1"}),
                vec![r#"spec.clusterIPs: Invalid value: []string{"10.96.0.1"}: failed to allocate IP 10.96.0.1: provided IP is already allocated"#],
            ),
            (
                json!({"selector": sel, "clusterIP": "1.1.1.1"}),
                vec![r#"spec.clusterIPs: Invalid value: []string{"1.1.1.1"}: failed to allocate IP 1.1.1.1: the provided network does not match the current range"#],
            ),
            (
                json!({"selector": sel, "clusterIP": "10.111.255.255"}),
                vec![r#"spec.clusterIPs: Invalid value: []string{"10.111.255.255"}: failed to allocate IP 10.111.255.255: the provided IP (10.111.255.255) is not in the valid range. The range of valid IPs is 10.96.0.0/12"#],
            ),
            (
                json!({"selector": sel, "ipFamilyPolicy": "RequireDualStack"}),
                vec![r#"spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services"#],
            ),
            (
                json!({"selector": sel, "ipFamilies": ["IPv6"]}),
                vec![r#"spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster"#],
            ),
            (
                json!({"selector": sel, "clusterIP": "fd00::10"}),
                vec![r#"spec.clusterIPs[0]: Invalid value: []string{"fd00::10"}: IPv6 is not configured on this cluster"#],
            ),
            (
                json!({"selector": sel, "ipFamilies": ["IPv4", "IPv6"]}),
                vec![r#"spec.ipFamilyPolicy: Invalid value: "SingleStack": must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"#],
            ),
            (
                json!({"selector": sel, "clusterIP": "10.96.0.20", "clusterIPs": ["10.96.0.30"]}),
                vec![r#"spec.clusterIPs: Invalid value: []string{"10.96.0.30"}: first value must match `clusterIP`"#],
            ),
            (
                json!({"selector": sel, "clusterIPs": ["10.96.0.20", "10.96.0.30"], "ipFamilyPolicy": "PreferDualStack"}),
                vec![r#"spec.clusterIPs: Invalid value: []string{"10.96.0.20", "10.96.0.30"}: may specify no more than one IP for each IP family"#],
            ),
            (
                json!({"type": "NodePort", "selector": sel, "ports": [{"port": 80, "nodePort": 8080}]}),
                vec!["spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767"],
            ),
            (
                json!({"type": "NodePort", "selector": sel, "ports": [{"port": 80, "nodePort": 30080}]}),
                vec!["spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated"],
            ),
            // Two port numbers asking for one node port: the second is refused.
            (
                json!({"type": "NodePort", "selector": sel, "ports": [
                    {"name": "a", "port": 80, "nodePort": 30100}, {"name": "b", "port": 81, "nodePort": 30100}]}),
                vec!["spec.ports[1].nodePort: Invalid value: 30100: provided port is already allocated"],
            ),
            (
                json!({"type": "LoadBalancer", "selector": sel, "externalTrafficPolicy": "Local",
                       "healthCheckNodePort": 30080, "ports": [{"port": 80}]}),
                vec!["internal: failed to allocate requested HealthCheck NodePort 30080: provided port is already allocated"],
            ),
        ];
        for (spec, want) in cases {
            assert_eq!(refusal(spec.clone(), &allocated), want, "{spec}");
        }
        // A headless Service without a selector may name both families; PreferDualStack is fine.
        assert!(refusal(
            json!({"clusterIP": "None", "ipFamilies": ["IPv4", "IPv6"],
            "ipFamilyPolicy": "RequireDualStack"}),
            &allocated
        )
        .is_empty());
        let spec = allocated_fields(
            json!({"selector": sel, "ipFamilyPolicy": "PreferDualStack"}),
            &allocated,
        );
        assert_eq!(spec["ipFamilies"], json!(["IPv4"]));
    }

    #[test]
    fn should_give_a_local_load_balancer_a_health_check_node_port() {
        let spec = allocated_fields(
            json!({"type": "LoadBalancer", "selector": {"app": "web"}, "externalTrafficPolicy": "Local",
                   "ports": [{"port": 80}]}),
            &Allocated::default(),
        );
        let node_port = spec["ports"][0]["nodePort"].as_i64().expect("node port");
        let health = spec["healthCheckNodePort"]
            .as_i64()
            .expect("health-check port");
        assert!(
            NODE_PORTS.contains(&(health as i32)) && health != node_port,
            "{spec}"
        );
        let cluster = allocated_fields(
            json!({"type": "LoadBalancer", "selector": {"app": "web"}, "externalTrafficPolicy": "Cluster",
                   "ports": [{"port": 80}]}),
            &Allocated::default(),
        );
        assert!(cluster.get("healthCheckNodePort").is_none(), "{cluster}");
    }
}
