//! MostAllocated: the weighted mean of each resource's used fraction (bin packing).
//!
//! Mirrors `pkg/scheduler/framework/plugins/noderesources/most_allocated.go`.

use crate::engine::scheduler::framework::MAX_NODE_SCORE;

/// `mostRequestedScore`: requested clamped to capacity, `requested * 100 / capacity`.
pub fn most_requested_score(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 {
        return 0;
    }
    requested.min(capacity).wrapping_mul(MAX_NODE_SCORE) / capacity
}

/// Weighted mean over `(requested, allocatable, weight)`, skipping resources with allocatable 0.
pub fn score(items: impl Iterator<Item = (i64, i64, i64)>) -> i64 {
    let (mut total, mut weights) = (0i64, 0i64);
    for (requested, allocatable, weight) in items {
        if allocatable == 0 {
            continue;
        }
        total = most_requested_score(requested, allocatable)
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
    fn should_score_like_upstream_most_allocated_cases() {
        // most_allocated_test.go "nothing scheduled, resources requested, differently sized nodes":
        // cpu 3000/4000 → 75, mem 5000/10000 → 50 → 62; cpu 3000/6000 → 50, mem 50 → 50.
        assert_eq!(score([(3000, 4000, 1), (5000, 10000, 1)].into_iter()), 62);
        assert_eq!(score([(3000, 6000, 1), (5000, 10000, 1)].into_iter()), 50);
        // Over capacity is clamped to 100, not zeroed.
        assert_eq!(score([(6000, 4000, 1), (5000, 10000, 1)].into_iter()), 75);
    }
}
