//! How a pod's status is drawn: one classification of the STATUS word (`kubectl get pods`, from
//! `engine::printers::pod_status`, or the page's own `rejected` / `not stored yet` / `deleted` for a pod
//! the API server never stored) into a shape and colour, shared by the diagram, the cluster and the
//! tables, so the same word always looks the same.

/// The shape and colour family of a status word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusKind {
    /// Hollow circle, amber.
    Pending,
    /// Half-filled circle, blue.
    Creating,
    /// Filled circle, green.
    Running,
    /// Cross, red.
    Failed,
    /// Grey: finished, going away, or not (yet) an object (Completed, Terminating, not stored yet …).
    Neutral,
}

impl StatusKind {
    /// The CSS modifier class.
    pub fn class(self) -> &'static str {
        match self {
            StatusKind::Pending => "pf-status--pending",
            StatusKind::Creating => "pf-status--creating",
            StatusKind::Running => "pf-status--running",
            StatusKind::Failed => "pf-status--failed",
            StatusKind::Neutral => "pf-status--neutral",
        }
    }
}

/// The kind of a STATUS word. Any word not known to be healthy or finished is an error reason
/// (ErrImagePull, CrashLoopBackOff, Init:ErrImagePull, Unschedulable, rejected …).
pub fn status_kind(status: &str) -> StatusKind {
    match status {
        "Running" => StatusKind::Running,
        "Pending" | "SchedulingGated" => StatusKind::Pending,
        "ContainerCreating" | "PodInitializing" => StatusKind::Creating,
        "Completed" | "Succeeded" | "Terminating" | "NotReady" | "not stored yet" | "deleted" => {
            StatusKind::Neutral
        }
        s if is_init_progress(s) => StatusKind::Creating,
        _ => StatusKind::Failed,
    }
}

/// `Init:0/2`: init containers still running normally.
fn is_init_progress(status: &str) -> bool {
    status.strip_prefix("Init:").is_some_and(|rest| {
        rest.split_once('/').is_some_and(|(done, total)| {
            !done.is_empty()
                && !total.is_empty()
                && done.chars().all(|c| c.is_ascii_digit())
                && total.chars().all(|c| c.is_ascii_digit())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_give_each_status_word_its_shape() {
        let cases = [
            ("Pending", StatusKind::Pending),
            ("SchedulingGated", StatusKind::Pending),
            ("ContainerCreating", StatusKind::Creating),
            ("Init:0/1", StatusKind::Creating),
            ("Running", StatusKind::Running),
            ("ErrImagePull", StatusKind::Failed),
            ("ImagePullBackOff", StatusKind::Failed),
            ("Init:ErrImagePull", StatusKind::Failed),
            ("CrashLoopBackOff", StatusKind::Failed),
            ("rejected", StatusKind::Failed),
            ("Unschedulable", StatusKind::Failed),
            ("Terminating", StatusKind::Neutral),
            ("Completed", StatusKind::Neutral),
            ("not stored yet", StatusKind::Neutral),
            ("deleted", StatusKind::Neutral),
        ];
        for (word, kind) in cases {
            assert_eq!(status_kind(word), kind, "{word}");
        }
    }
}
