//! LeastAllocated: the weighted mean of each resource's free fraction (the default Fit strategy).
//!
//! Mirrors `pkg/scheduler/framework/plugins/noderesources/least_allocated.go`.

use crate::engine::scheduler::framework::MAX_NODE_SCORE;

/// `leastRequestedScore`: `(capacity - requested) * 100 / capacity`, 0 when over capacity.
pub fn least_requested_score(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 || requested > capacity {
        return 0;
    }
    // Go's int64 arithmetic wraps; so does ours (no panic on absurd quantities).
    capacity
        .wrapping_sub(requested)
        .wrapping_mul(MAX_NODE_SCORE)
        / capacity
}

/// Weighted mean over `(requested, allocatable, weight)`, skipping resources with allocatable 0.
pub fn score(items: impl Iterator<Item = (i64, i64, i64)>) -> i64 {
    let (mut total, mut weights) = (0i64, 0i64);
    for (requested, allocatable, weight) in items {
        if allocatable == 0 {
            continue;
        }
        total = least_requested_score(requested, allocatable)
            .wrapping_mul(weight)
            .wrapping_add(total);
        weights = weights.wrapping_add(weight);
    }
    if weights == 0 {
        0
    } else {
        total / weights
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_score_like_upstream_least_allocated_cases() {
        // From least_allocated_test.go: "nothing scheduled, resources requested, differently sized
        // nodes": cpu 3000/4000 & mem 5000/10000 → (25+50)/2 = 37; cpu 3000/6000 & mem 5000/10000 → 50.
        assert_eq!(score([(3000, 4000, 1), (5000, 10000, 1)].into_iter()), 37);
        assert_eq!(score([(3000, 6000, 1), (5000, 10000, 1)].into_iter()), 50);
        // Requested over capacity scores 0 for that resource.
        assert_eq!(score([(5000, 4000, 1), (0, 10000, 1)].into_iter()), 50);
        // Weights: cpu weight 2, memory weight 1.
        assert_eq!(
            score([(3000, 4000, 2), (5000, 10000, 1)].into_iter()),
            (25 * 2 + 50) / 3
        );
        assert_eq!(score([(1, 0, 1)].into_iter()), 0);
    }
}
