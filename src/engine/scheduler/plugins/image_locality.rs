//! ImageLocality: favours nodes that already have the pod's images, weighted by how widely each image is
//! spread across the cluster.
//!
//! Mirrors `pkg/scheduler/framework/plugins/imagelocality/image_locality.go`.

use crate::engine::scheduler::cache::NodeInfo;
use crate::engine::scheduler::framework::{CycleState, MAX_NODE_SCORE};

pub const NAME: &str = "ImageLocality";
const MB: i64 = 1024 * 1024;
/// `minThreshold`: 23 MiB.
pub const MIN_THRESHOLD: i64 = 23 * MB;
/// `maxContainerThreshold`: 1000 MiB per container.
pub const MAX_CONTAINER_THRESHOLD: i64 = 1000 * MB;

/// `normalizedImageName`: appends `:latest` when the part after the last `/` has no tag.
pub fn normalized_image_name(name: &str) -> String {
    let colon = name.rfind(':');
    let slash = name.rfind('/');
    let tagged = match (colon, slash) {
        (Some(c), Some(s)) => c > s,
        (Some(_), None) => true,
        (None, _) => false,
    };
    if tagged {
        name.to_string()
    } else {
        format!("{name}:latest")
    }
}

/// `calculatePriority`: the summed scaled sizes clamped to `[min, max]` and mapped to 0..100.
pub fn calculate_priority(sum: i64, containers: usize) -> i64 {
    let max = MAX_CONTAINER_THRESHOLD * containers as i64;
    let sum = sum.clamp(MIN_THRESHOLD, max.max(MIN_THRESHOLD));
    if max <= MIN_THRESHOLD {
        return 0;
    }
    MAX_NODE_SCORE * (sum - MIN_THRESHOLD) / (max - MIN_THRESHOLD)
}

/// The score: each container image the node has contributes `size × nodes having it ÷ total nodes`.
pub fn score(
    state: &CycleState,
    node: &NodeInfo,
    total_nodes: usize,
    nodes_with: impl Fn(&str) -> usize,
) -> i64 {
    let counts: Vec<usize> = state.images.iter().map(|i| nodes_with(i)).collect();
    score_counted(state, node, total_nodes, &counts)
}

/// `score` with the number of nodes reporting each of the pod's images (`state.images`, same order)
/// counted once per cycle instead of once per node.
pub fn score_counted(
    state: &CycleState,
    node: &NodeInfo,
    total_nodes: usize,
    nodes_with: &[usize],
) -> i64 {
    let mut sum = 0i64;
    if !node.images.is_empty() && total_nodes > 0 {
        for (i, image) in state.images.iter().enumerate() {
            if let Some(&size) = node.images.get(image) {
                let count = nodes_with.get(i).copied().unwrap_or(0);
                let spread = count as f64 / total_nodes as f64;
                sum = sum.wrapping_add((size as f64 * spread) as i64);
            }
        }
    }
    calculate_priority(sum, state.images.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scheduler::plugins::testing::*;

    #[test]
    fn should_normalize_image_names() {
        let cases = [
            ("nginx", "nginx:latest"),
            ("nginx:1.27", "nginx:1.27"),
            ("registry:5000/app", "registry:5000/app:latest"),
            ("registry:5000/app:v1", "registry:5000/app:v1"),
            ("gcr.io/a/b", "gcr.io/a/b:latest"),
        ];
        for (input, want) in cases {
            assert_eq!(normalized_image_name(input), want);
        }
    }

    #[test]
    fn should_score_like_upstream_image_locality_cases() {
        // image_locality_test.go "two images spread on two nodes, prefer the larger image one":
        // node1 has gcr.io/40:latest (40MB) and gcr.io/300:latest (300MB), node2 has gcr.io/250:latest
        // (250MB) and gcr.io/10:latest (10MB); pod uses 40 and 250 (2 containers); each image on 1 of
        // 2 nodes. node1: 40MB*1/2 = 20MB → clamped to 23MB → 0. node2: 125MB → 100*(125-23)/(2000-23) = 5.
        let pod = PodBuilder::new("p")
            .container("gcr.io/40", &[])
            .container("gcr.io/250", &[])
            .build();
        let state = CycleState::new(&pod);
        let n1 = NodeBuilder::new("n1")
            .image(&["gcr.io/40:latest", "gcr.io/40:v1"], 40 * MB)
            .image(&["gcr.io/300:latest"], 300 * MB)
            .build_info();
        let n2 = NodeBuilder::new("n2")
            .image(&["gcr.io/250:latest"], 250 * MB)
            .image(&["gcr.io/10:latest"], 10 * MB)
            .build_info();
        assert_eq!(score(&state, &n1, 2, |_| 1), 0);
        assert_eq!(score(&state, &n2, 2, |_| 1), 5);
        // No images anywhere: 0.
        let bare = NodeBuilder::new("n3").build_info();
        assert_eq!(score(&state, &bare, 2, |_| 0), 0);
    }
}
