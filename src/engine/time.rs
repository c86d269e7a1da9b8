//! The virtual clock's epoch and time formatting.
//!
//! Simulated time is integer milliseconds from the start of the run. Objects carry real-looking
//! timestamps: the epoch below plus the virtual time, formatted as RFC 3339 like the API server does
//! (`metav1.Time` has second precision; `MicroTime`, used by events, has microseconds).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, Time};
use k8s_openapi::jiff::{SignedDuration, Timestamp};

/// 2026-01-01T00:00:00Z in Unix seconds: the virtual clock's zero.
pub const EPOCH_UNIX_SECONDS: i64 = 1_767_225_600;

fn timestamp(now_ms: u64) -> Timestamp {
    let base = Timestamp::from_second(EPOCH_UNIX_SECONDS).unwrap_or(Timestamp::UNIX_EPOCH);
    base.checked_add(SignedDuration::from_millis(
        now_ms.min(i64::MAX as u64) as i64
    ))
    .unwrap_or(base)
}

/// A `metav1.Time` for virtual time `now_ms`, truncated to whole seconds as the API server serializes it.
pub fn meta_time(now_ms: u64) -> Time {
    Time(timestamp(now_ms - now_ms % 1000))
}

/// A `metav1.MicroTime` for virtual time `now_ms`.
pub fn micro_time(now_ms: u64) -> MicroTime {
    MicroTime(timestamp(now_ms))
}

/// Virtual milliseconds of a `metav1.Time` (the inverse of `meta_time`, to the second).
pub fn ms_of(time: &Time) -> u64 {
    let secs = time.0.as_second() - EPOCH_UNIX_SECONDS;
    u64::try_from(secs).unwrap_or(0) * 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_time_is_rfc3339_seconds() {
        let t = meta_time(1_500);
        assert_eq!(serde_json::to_value(&t).unwrap(), "2026-01-01T00:00:01Z");
        assert_eq!(ms_of(&t), 1_000);
    }
}
