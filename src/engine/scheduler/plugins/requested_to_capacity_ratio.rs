//! RequestedToCapacityRatio: a user-defined broken-linear function of each resource's utilization.
//!
//! Mirrors `pkg/scheduler/framework/plugins/noderesources/requested_to_capacity_ratio.go` and
//! `plugins/helper/shape_score.go` (`BuildBrokenLinearFunction`).

use crate::engine::scheduler::config::MAX_CUSTOM_PRIORITY_SCORE;
use crate::engine::scheduler::framework::MAX_NODE_SCORE;

/// `maxUtilization`.
const MAX_UTILIZATION: i64 = 100;

/// The broken-linear function through `shape` (points `(utilization, score)` already scaled to 0..100).
pub fn broken_linear(shape: &[(i64, i64)], p: i64) -> i64 {
    for (i, &(u, s)) in shape.iter().enumerate() {
        if p <= u {
            if i == 0 {
                return s;
            }
            let (pu, ps) = shape[i - 1];
            if u == pu {
                return s;
            }
            return ps + (s - ps) * (p - pu) / (u - pu);
        }
    }
    shape.last().map(|&(_, s)| s).unwrap_or(0)
}

/// Scales a configured shape (scores 0..10) to node scores (×10).
pub fn scaled_shape(shape: &[(i64, i64)]) -> Vec<(i64, i64)> {
    shape
        .iter()
        .map(|&(u, s)| (u, s * (MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE)))
        .collect()
}

/// Rounded weighted mean of the positive per-resource scores.
pub fn score(shape: &[(i64, i64)], items: impl Iterator<Item = (i64, i64, i64)>) -> i64 {
    let (mut total, mut weights) = (0i64, 0i64);
    for (requested, allocatable, weight) in items {
        if allocatable == 0 {
            continue;
        }
        let utilization = if requested > allocatable {
            MAX_UTILIZATION
        } else {
            requested.wrapping_mul(MAX_UTILIZATION) / allocatable
        };
        let s = broken_linear(shape, utilization);
        if s > 0 {
            total += s * weight;
            weights += weight;
        }
    }
    if weights == 0 {
        return 0;
    }
    (total as f64 / weights as f64).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_evaluate_broken_linear_like_upstream() {
        // shape_score_test.go style: (10,1),(30,5),(70,2) on the 0..10 scale.
        let shape = [(10, 1), (30, 5), (70, 2)];
        // p=50: 5 + (2-5)*(50-30)/(70-30) = 5 + (-60/40) = 5 - 1 (Go truncates toward zero) = 4.
        let cases = [
            (0, 1),
            (10, 1),
            (15, 2),
            (20, 3),
            (30, 5),
            (50, 4),
            (70, 2),
            (100, 2),
        ];
        for (p, want) in cases {
            assert_eq!(broken_linear(&shape, p), want, "p={p}");
        }
    }

    #[test]
    fn should_score_bin_packing_shape() {
        // Upstream "nothing scheduled, resources requested, differently sized nodes" with shape
        // (0,0),(100,10): cpu 3000/4000 → 75, mem 5000/10000 → 50 → round(62.5) = 63.
        let shape = scaled_shape(&[(0, 0), (100, 10)]);
        assert_eq!(
            score(&shape, [(3000, 4000, 1), (5000, 10000, 1)].into_iter()),
            63
        );
        // A zero score is left out of the mean.
        assert_eq!(
            score(&shape, [(0, 4000, 1), (5000, 10000, 1)].into_iter()),
            50
        );
    }
}
