//! What a Service gets on create besides its defaults: its IP family fields, a cluster IP and node
//! ports. Mirrors `pkg/registry/core/service/storage/alloc.go` (`allocateCreate`, `initIPFamilyFields`)
//! with the IP allocator's static/dynamic bands (`pkg/registry/core/service/ipallocator`), for a
//! single-stack IPv4 cluster with kubeadm's service range `10.96.0.0/12` and the default node-port
//! range 30000-32767.
//!
//! Simplifications: an IP or node port the user names is not checked against the ones already
//! allocated, and a family or dual-stack policy this single-stack cluster lacks is not refused here.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::Service;

use crate::engine::rng::SimRng;

/// kubeadm's `--service-cluster-ip-range` default, 10.96.0.0/12.
const SERVICE_RANGE_BASE: u32 = u32::from_be_bytes([10, 96, 0, 0]);
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

/// `allocateCreate` for a Service about to be created.
pub fn allocate_create(service: &mut Service, allocated: &Allocated, rng: &mut SimRng) {
    let Some(spec) = service.spec.as_mut() else {
        return;
    };
    let kind = spec.type_.clone().unwrap_or_else(|| "ClusterIP".into());
    if kind == "ExternalName" {
        return;
    }
    // normalizeClusterIPs: a lone `clusterIP` becomes the first of `clusterIPs`, and the other way.
    if spec.cluster_ips.as_ref().is_none_or(|ips| ips.is_empty()) {
        if let Some(ip) = spec.cluster_ip.clone().filter(|ip| !ip.is_empty()) {
            spec.cluster_ips = Some(vec![ip]);
        }
    }
    let first_ip = spec
        .cluster_ips
        .as_ref()
        .and_then(|ips| ips.first())
        .cloned();
    if spec.cluster_ip.as_deref().is_none_or(str::is_empty) {
        spec.cluster_ip.clone_from(&first_ip);
    }
    let headless = first_ip.as_deref() == Some("None");
    let selectorless = spec.selector.as_ref().is_none_or(|s| s.is_empty());
    // initIPFamilyFields: a headless Service without a selector defaults to RequireDualStack (and, on
    // this single-stack cluster, gets both families); any other one to SingleStack. Families missing
    // for the IPs given are inferred from them; none at all gives the cluster's IPv4.
    let policy = spec.ip_family_policy.get_or_insert_with(|| {
        if headless && selectorless {
            "RequireDualStack".into()
        } else {
            "SingleStack".into()
        }
    });
    let dual = policy.as_str() != "SingleStack";
    let families = spec.ip_families.get_or_insert_with(Vec::new);
    for (i, ip) in spec.cluster_ips.iter().flatten().enumerate() {
        if ip == "None" {
            break;
        }
        if i >= families.len() {
            let v6 = ip.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_ipv6());
            families.push(if v6 { "IPv6" } else { "IPv4" }.into());
        }
    }
    if families.is_empty() {
        families.push("IPv4".into());
    }
    if headless && selectorless && dual && families.len() < 2 {
        let other = if families[0] == "IPv4" {
            "IPv6"
        } else {
            "IPv4"
        };
        families.push(other.into());
    }
    // allocClusterIPs: headless Services get none; an IP the user gave is kept.
    if !headless {
        if let Some(ip) = first_ip.or_else(|| next_ip(allocated, rng)) {
            spec.cluster_ips = Some(vec![ip.clone()]);
            spec.cluster_ip = Some(ip);
        }
    }
    // initNodePorts: NodePort Services, and LoadBalancer ones unless allocateLoadBalancerNodePorts is
    // false, get a node port per service port; ports sharing a port number (TCP and UDP 53) share
    // one, a number the user gave for it included.
    let allocates = kind == "NodePort"
        || (kind == "LoadBalancer" && spec.allocate_load_balancer_node_ports != Some(false));
    if allocates {
        let mut taken = allocated.node_ports.clone();
        let requested: Vec<(i32, i32)> = spec
            .ports
            .iter()
            .flatten()
            .filter_map(|p| p.node_port.filter(|n| *n > 0).map(|n| (p.port, n)))
            .collect();
        taken.extend(requested.iter().map(|(_, n)| *n));
        let mut by_port: BTreeMap<i32, i32> = BTreeMap::new();
        for port in spec.ports.iter_mut().flatten() {
            if port.node_port.is_some_and(|n| n > 0) {
                continue;
            }
            let shared = by_port.get(&port.port).copied().or_else(|| {
                requested
                    .iter()
                    .find(|(number, _)| *number == port.port)
                    .map(|(_, n)| *n)
            });
            let Some(chosen) = shared.or_else(|| next_node_port(&taken, rng)) else {
                continue;
            };
            taken.insert(chosen);
            by_port.insert(port.port, chosen);
            port.node_port = Some(chosen);
        }
    }
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
        |offset| allocated.ips.contains(&address(offset)),
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
        allocate_create(&mut s, allocated, &mut SimRng::new(3));
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
            allocate_create(&mut s, &allocated, &mut rng);
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
        allocated.node_ports.insert(30080);
        let spec = allocated_fields(
            json!({"type": "NodePort", "selector": {"a": "b"},
                   "ports": [{"port": 80, "nodePort": 30080}, {"name": "b", "port": 81}]}),
            &allocated,
        );
        assert_eq!(spec["ports"][0]["nodePort"], 30080);
        // Above the static band of 2768 / 32 = 86 ports.
        let port = spec["ports"][1]["nodePort"].as_i64().unwrap();
        assert!((30086..=32767).contains(&port) && port != 30080, "{port}");
    }
}
