//! The pod sandbox: its network namespace and the pod IP the CNI plugin assigns.
//!
//! Mirrors `pkg/kubelet/kuberuntime/kuberuntime_sandbox.go` (`createPodSandbox`, one pause container per
//! pod) and the `host-local` IPAM plugin that kind's kindnet (and most CNIs) use: each node owns a pod
//! CIDR, the gateway takes `.1`, and addresses are handed out round-robin from `.2`, skipping those in use.
//!
//! Simplification: kube-controller-manager's node-ipam controller is not modelled. A node uses its
//! `spec.podCIDR` when set; otherwise the CIDR that controller would have given it: `10.244.<i>.0/24`,
//! `i` being the node's position in registration order. Likewise a node without an `InternalIP` address
//! gets `172.18.0.<i + 2>`, as kind's node containers do.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::Node;

/// How long creating the sandbox takes (pause container start + CNI ADD).
pub const SANDBOX_CREATE_MS: u64 = 300;

/// An IPv4 CIDR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub network: u32,
    pub prefix: u8,
}

impl Cidr {
    /// Parses `10.244.1.0/24`; `None` for anything else (IPv6 is not modelled).
    pub fn parse(s: &str) -> Option<Cidr> {
        let (ip, prefix) = s.split_once('/')?;
        let prefix: u8 = prefix.parse().ok()?;
        if prefix > 30 {
            return None;
        }
        let ip = parse_ipv4(ip)?;
        let mask = if prefix == 0 {
            0
        } else {
            u32::MAX << (32 - prefix)
        };
        Some(Cidr {
            network: ip & mask,
            prefix,
        })
    }

    /// The CIDR the node-ipam controller's range allocator gives the `index`-th node of `10.244.0.0/16`.
    pub fn for_node_index(index: u32) -> Cidr {
        Cidr {
            network: (10 << 24) | (244 << 16) | ((index % 256) << 8),
            prefix: 24,
        }
    }

    fn size(&self) -> u32 {
        1u32 << (32 - u32::from(self.prefix))
    }

    /// First address handed to pods (`.2`: `.1` is the gateway).
    fn first(&self) -> u32 {
        self.network + 2
    }

    /// Last address handed to pods (the broadcast address is excluded).
    fn last(&self) -> u32 {
        self.network + self.size() - 2
    }

    pub fn to_string_cidr(&self) -> String {
        format!("{}/{}", format_ipv4(self.network), self.prefix)
    }
}

pub fn parse_ipv4(s: &str) -> Option<u32> {
    let mut value: u32 = 0;
    let mut parts = 0;
    for part in s.split('.') {
        let octet: u8 = part.parse().ok()?;
        value = (value << 8) | u32::from(octet);
        parts += 1;
    }
    (parts == 4).then_some(value)
}

pub fn format_ipv4(ip: u32) -> String {
    format!(
        "{}.{}.{}.{}",
        ip >> 24,
        (ip >> 16) & 255,
        (ip >> 8) & 255,
        ip & 255
    )
}

/// The node's pod CIDR: `spec.podCIDR` if it is a usable IPv4 CIDR, else the allocator's choice.
pub fn node_pod_cidr(node: Option<&Node>, node_index: u32) -> Cidr {
    spec_pod_cidr(node).unwrap_or_else(|| Cidr::for_node_index(node_index))
}

/// The node's `spec.podCIDR`, if it is a usable IPv4 CIDR.
pub fn spec_pod_cidr(node: Option<&Node>) -> Option<Cidr> {
    node.and_then(|n| n.spec.as_ref())
        .and_then(|s| s.pod_cidr.as_deref())
        .and_then(Cidr::parse)
}

/// The node's IP as the kubelet reports it in `hostIP`: its first `InternalIP`, else its first address,
/// else kind's `172.18.0.<index + 2>`.
pub fn node_host_ip(node: Option<&Node>, node_index: u32) -> String {
    status_host_ip(node).unwrap_or_else(|| fallback_host_ip(node_index))
}

/// kind's `172.18.0.<index + 2>`, for a node that reports no IPv4 address.
pub fn fallback_host_ip(node_index: u32) -> String {
    format_ipv4((172 << 24) | (18 << 16) | ((node_index + 2) % 256))
}

/// The node's first `InternalIP`, else its first IPv4 address.
pub fn status_host_ip(node: Option<&Node>) -> Option<String> {
    let addresses = node
        .and_then(|n| n.status.as_ref())
        .and_then(|s| s.addresses.as_ref());
    if let Some(addresses) = addresses {
        let internal = addresses
            .iter()
            .find(|a| a.type_ == "InternalIP" && parse_ipv4(&a.address).is_some());
        let any = addresses.iter().find(|a| parse_ipv4(&a.address).is_some());
        if let Some(a) = internal.or(any) {
            return Some(a.address.clone());
        }
    }
    None
}

/// The `FailedCreatePodSandBox` message when host-local has no address left (kindnet's ptp plugin).
pub fn failed_create_sandbox_message(sandbox_id: &str, range_set: &str) -> String {
    format!(
        "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox {sandbox_id:?}: plugin type=\"ptp\" failed (add): failed to allocate for range 0: no IP addresses available in range set: {range_set}"
    )
}

/// host-local IPAM for one node: round-robin allocation from the last address handed out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpAllocator {
    cidr: Cidr,
    in_use: BTreeSet<u32>,
    last: Option<u32>,
}

impl IpAllocator {
    pub fn new(cidr: Cidr) -> Self {
        IpAllocator {
            cidr,
            in_use: BTreeSet::new(),
            last: None,
        }
    }

    pub fn cidr(&self) -> Cidr {
        self.cidr
    }

    /// The next free address after the last one handed out, wrapping around; `None` when the range is full.
    pub fn allocate(&mut self) -> Option<String> {
        let (first, last) = (self.cidr.first(), self.cidr.last());
        if last < first {
            return None;
        }
        let count = last - first + 1;
        let start = match self.last {
            Some(l) if l >= first && l < last => l + 1,
            _ => first,
        };
        for offset in 0..count {
            let candidate = first + (start - first + offset) % count;
            if self.in_use.insert(candidate) {
                self.last = Some(candidate);
                return Some(format_ipv4(candidate));
            }
        }
        None
    }

    /// host-local's range set as its errors print it: `10.244.1.1-10.244.1.254` (the gateway included).
    pub fn range_set(&self) -> String {
        format!(
            "{}-{}",
            format_ipv4(self.cidr.network + 1),
            format_ipv4(self.cidr.last())
        )
    }

    /// Returns an address to the pool (the sandbox was torn down).
    pub fn release(&mut self, ip: &str) {
        if let Some(ip) = parse_ipv4(ip) {
            self.in_use.remove(&ip);
        }
    }

    pub fn in_use(&self) -> usize {
        self.in_use.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{NodeAddress, NodeSpec, NodeStatus};

    #[test]
    fn should_give_each_node_a_slash_24_by_registration_order() {
        assert_eq!(Cidr::for_node_index(0).to_string_cidr(), "10.244.0.0/24");
        assert_eq!(Cidr::for_node_index(2).to_string_cidr(), "10.244.2.0/24");
        let node = Node {
            spec: Some(NodeSpec {
                pod_cidr: Some("10.100.7.0/24".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(
            node_pod_cidr(Some(&node), 3).to_string_cidr(),
            "10.100.7.0/24"
        );
        assert_eq!(node_pod_cidr(None, 3).to_string_cidr(), "10.244.3.0/24");
        assert_eq!(
            Cidr::parse("10.1.2.3/16").map(|c| c.to_string_cidr()),
            Some("10.1.0.0/16".into())
        );
        assert_eq!(Cidr::parse("fd00::/64"), None);
        assert_eq!(Cidr::parse("10.0.0.0/31"), None);
    }

    #[test]
    fn should_allocate_round_robin_from_dot_two_and_skip_addresses_in_use() {
        let mut ipam = IpAllocator::new(Cidr::for_node_index(1));
        assert_eq!(ipam.allocate().as_deref(), Some("10.244.1.2"));
        assert_eq!(ipam.allocate().as_deref(), Some("10.244.1.3"));
        ipam.release("10.244.1.2");
        // host-local does not hand a released address straight back.
        assert_eq!(ipam.allocate().as_deref(), Some("10.244.1.4"));
        assert_eq!(ipam.in_use(), 2);
    }

    #[test]
    fn should_wrap_around_and_report_exhaustion() {
        let mut ipam = IpAllocator::new(Cidr::parse("10.0.0.0/29").unwrap());
        let all: Vec<String> = (0..6).filter_map(|_| ipam.allocate()).collect();
        assert_eq!(
            all,
            ["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"]
        );
        assert_eq!(ipam.allocate(), None);
        ipam.release("10.0.0.3");
        assert_eq!(ipam.allocate().as_deref(), Some("10.0.0.3"));
    }

    #[test]
    fn should_explain_an_exhausted_range_like_host_local() {
        let ipam = IpAllocator::new(Cidr::for_node_index(1));
        assert_eq!(ipam.range_set(), "10.244.1.1-10.244.1.254");
        assert_eq!(
            failed_create_sandbox_message("abc", &ipam.range_set()),
            "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"abc\": plugin type=\"ptp\" failed (add): failed to allocate for range 0: no IP addresses available in range set: 10.244.1.1-10.244.1.254"
        );
    }

    #[test]
    fn should_report_the_internal_ip_as_host_ip() {
        let node = Node {
            status: Some(NodeStatus {
                addresses: Some(vec![
                    NodeAddress {
                        type_: "Hostname".into(),
                        address: "node-a".into(),
                    },
                    NodeAddress {
                        type_: "InternalIP".into(),
                        address: "192.168.49.2".into(),
                    },
                ]),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(node_host_ip(Some(&node), 0), "192.168.49.2");
        assert_eq!(node_host_ip(None, 1), "172.18.0.3");
    }
}
