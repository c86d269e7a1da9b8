//! `FitError`: the "0/N nodes are available" message of FailedScheduling.
//!
//! Mirrors `FitError.Error()` in `pkg/scheduler/framework/types.go`: the PreFilter message if a PreFilter
//! rejected the pod, otherwise a histogram of every node's reasons (nodes absent from the status map
//! contribute the absent-node status), each formatted `"<count> <reason>"` and sorted as plain strings;
//! then the PostFilter (preemption) message with no extra period.

use std::collections::BTreeMap;

use super::framework::Status;

/// `NoNodeAvailableMsg`.
pub const NO_NODE_AVAILABLE_MSG: &str = "0/%v nodes are available";

/// The diagnosis of a failed scheduling attempt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FitError {
    pub num_all_nodes: usize,
    /// The nodes that were filtered and failed, with their statuses.
    pub node_statuses: Vec<(String, Status)>,
    /// The status of nodes missing from `node_statuses` (`AbsentNodesStatus`), if any.
    pub absent_status: Option<Status>,
    pub pre_filter_msg: String,
    pub post_filter_msg: String,
}

impl FitError {
    pub fn message(&self) -> String {
        let mut msg = format!("0/{} nodes are available:", self.num_all_nodes);
        if !self.pre_filter_msg.is_empty() {
            msg.push_str(&format!(" {}.", self.pre_filter_msg));
        } else {
            let mut histogram: BTreeMap<&str, usize> = BTreeMap::new();
            for (_, status) in &self.node_statuses {
                for reason in &status.reasons {
                    *histogram.entry(reason.as_str()).or_insert(0) += 1;
                }
            }
            let absent = self.num_all_nodes.saturating_sub(self.node_statuses.len());
            if absent > 0 {
                if let Some(status) = &self.absent_status {
                    for reason in &status.reasons {
                        *histogram.entry(reason.as_str()).or_insert(0) += absent;
                    }
                }
            }
            let mut parts: Vec<String> =
                histogram.iter().map(|(r, n)| format!("{n} {r}")).collect();
            parts.sort();
            if !parts.is_empty() {
                msg.push_str(&format!(" {}.", parts.join(", ")));
            }
        }
        if !self.post_filter_msg.is_empty() {
            msg.push(' ');
            msg.push_str(&self.post_filter_msg);
        }
        msg
    }
}

/// `truncateMessage` of the scheduler's event recording: at most 1024 bytes, ending in ` ...`.
pub fn truncate_message(message: &str) -> String {
    const MAX: usize = 1024;
    const SUFFIX: &str = " ...";
    if message.len() <= MAX {
        return message.to_string();
    }
    let mut end = MAX - SUFFIX.len();
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{SUFFIX}", &message[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scheduler::framework::Code;

    fn st(code: Code, plugin: &'static str, reasons: &[&str]) -> Status {
        Status::new(
            code,
            plugin,
            reasons.iter().map(|r| r.to_string()).collect(),
        )
    }

    #[test]
    fn should_match_upstream_types_test_vector() {
        let e = FitError {
            num_all_nodes: 3,
            node_statuses: vec![
                (
                    "n1".into(),
                    st(
                        Code::Unschedulable,
                        "FalseFilter-1",
                        &["Node(s) failed Filter plugin FalseFilter-1"],
                    ),
                ),
                (
                    "n2".into(),
                    st(
                        Code::Unschedulable,
                        "FalseFilter-1",
                        &["Node(s) failed Filter plugin FalseFilter-1"],
                    ),
                ),
                (
                    "n3".into(),
                    st(
                        Code::Unschedulable,
                        "FalseFilter-2",
                        &["Node(s) failed Filter plugin FalseFilter-2"],
                    ),
                ),
            ],
            post_filter_msg: "Error running PostFilter plugin FailedPostFilter".into(),
            ..Default::default()
        };
        assert_eq!(
            e.message(),
            "0/3 nodes are available: 1 Node(s) failed Filter plugin FalseFilter-2, 2 Node(s) failed Filter plugin FalseFilter-1. Error running PostFilter plugin FailedPostFilter"
        );
    }

    #[test]
    fn should_build_the_reference_full_example() {
        let inner = FitError {
            num_all_nodes: 3,
            node_statuses: vec![(
                "node-a".into(),
                st(
                    Code::UnschedulableAndUnresolvable,
                    "DefaultPreemption",
                    &["No preemption victims found for incoming pod"],
                ),
            )],
            absent_status: Some(st(
                Code::UnschedulableAndUnresolvable,
                "",
                &["Preemption is not helpful for scheduling"],
            )),
            ..Default::default()
        };
        let outer = FitError {
            num_all_nodes: 3,
            node_statuses: vec![
                (
                    "node-a".into(),
                    st(
                        Code::Unschedulable,
                        "NodeResourcesFit",
                        &["Insufficient cpu"],
                    ),
                ),
                (
                    "node-b".into(),
                    st(
                        Code::UnschedulableAndUnresolvable,
                        "NodeAffinity",
                        &["node(s) didn't match Pod's node affinity/selector"],
                    ),
                ),
                (
                    "node-c".into(),
                    st(
                        Code::UnschedulableAndUnresolvable,
                        "NodeAffinity",
                        &["node(s) didn't match Pod's node affinity/selector"],
                    ),
                ),
            ],
            post_filter_msg: format!("preemption: {}", inner.message()),
            ..Default::default()
        };
        assert_eq!(
            outer.message(),
            "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."
        );
    }

    #[test]
    fn should_sort_counts_as_plain_text() {
        let mut statuses = Vec::new();
        for i in 0..10 {
            statuses.push((format!("x{i}"), st(Code::Unschedulable, "A", &["x"])));
        }
        statuses.push(("y0".into(), st(Code::Unschedulable, "B", &["y"])));
        statuses.push(("y1".into(), st(Code::Unschedulable, "B", &["y"])));
        let e = FitError {
            num_all_nodes: 12,
            node_statuses: statuses,
            ..Default::default()
        };
        assert_eq!(e.message(), "0/12 nodes are available: 10 x, 2 y.");
    }

    #[test]
    fn should_count_every_reason_of_a_multi_reason_status() {
        let e = FitError {
            num_all_nodes: 2,
            node_statuses: vec![
                (
                    "a".into(),
                    st(
                        Code::Unschedulable,
                        "NodeResourcesFit",
                        &["Insufficient cpu", "Insufficient memory"],
                    ),
                ),
                (
                    "b".into(),
                    st(
                        Code::Unschedulable,
                        "NodeResourcesFit",
                        &["Insufficient memory"],
                    ),
                ),
            ],
            ..Default::default()
        };
        assert_eq!(
            e.message(),
            "0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory."
        );
    }

    #[test]
    fn should_use_prefilter_message_alone() {
        let e = FitError {
            num_all_nodes: 5,
            pre_filter_msg: "pod affinity terms conflict".into(),
            ..Default::default()
        };
        assert_eq!(
            e.message(),
            "0/5 nodes are available: pod affinity terms conflict."
        );
        assert_eq!(FitError::default().message(), "0/0 nodes are available:");
    }

    #[test]
    fn should_truncate_long_messages() {
        let long = "a".repeat(2000);
        let t = truncate_message(&long);
        assert_eq!(t.len(), 1024);
        assert!(t.ends_with(" ..."));
        assert_eq!(truncate_message("short"), "short");
    }
}
