//! The kubelet's image manager: pull policy, the node's image store, serialized pulls, image back-off,
//! and the exact event and waiting messages.
//!
//! Mirrors `pkg/kubelet/images/image_manager.go` (`EnsureImageExists`, `shouldPullImage`,
//! `evalCRIPullErr`), `images/puller.go` (the serial puller: `serializeImagePulls` defaults to true), and
//! `k8s.io/client-go/util/flowcontrol/backoff.go` (the per-pod-and-image back-off, 10s doubling to 300s).
//!
//! Pull timing: a pull takes [`RESOLVE_LATENCY_MS`] (registry round trips: token, manifest HEAD/GET) plus
//! the compressed size divided by [`PULL_BANDWIDTH_BYTES_PER_SEC`]; re-pulling an image the node already
//! has (policy `Always`) only costs the resolve latency, as containerd then finds every layer locally.
//! Simplification: no credential providers, pull secrets or `KubeletEnsureSecretPulledImages` checks.

use std::collections::BTreeMap;

use super::registry::{self, ImageReference, ResolvedImage};

/// Registry round trips before any layer is fetched (auth token, manifest resolution).
pub const RESOLVE_LATENCY_MS: u64 = 450;
/// Download and unpack throughput: 40 MB/s, so nginx (72 MB) takes about 2.3 s.
pub const PULL_BANDWIDTH_BYTES_PER_SEC: u64 = 40_000_000;
/// `imageBackOffPeriod` in `pkg/kubelet/kubelet.go`.
pub const IMAGE_BACKOFF_INITIAL_MS: u64 = 10_000;
/// `MaxImageBackOff` (`pkg/kubelet/kubelet.go`).
pub const IMAGE_BACKOFF_MAX_MS: u64 = 300_000;

/// How long pulling an image of `size_bytes` takes once the puller starts it.
pub fn pull_duration_ms(size_bytes: u64, already_present: bool) -> u64 {
    if already_present {
        return RESOLVE_LATENCY_MS;
    }
    RESOLVE_LATENCY_MS + size_bytes.saturating_mul(1000) / PULL_BANDWIDTH_BYTES_PER_SEC
}

/// Go's `time.Duration.String()` for a whole number of milliseconds (`2.353s`, `393ms`, `1m2.5s`, `0s`).
pub fn go_duration(ms: u64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let hours = ms / 3_600_000;
    let minutes = (ms / 60_000) % 60;
    let seconds = (ms / 1000) % 60;
    let millis = ms % 1000;
    let mut out = String::new();
    if hours > 0 {
        out.push_str(&format!("{hours}h"));
    }
    if hours > 0 || minutes > 0 {
        out.push_str(&format!("{minutes}m"));
    }
    out.push_str(&seconds.to_string());
    if millis > 0 {
        let fraction = format!("{millis:03}");
        out.push('.');
        out.push_str(fraction.trim_end_matches('0'));
    }
    out.push('s');
    out
}

/// `imagePullPolicy` (already defaulted by the API server; `IfNotPresent` when absent or unknown).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PullPolicy {
    Always,
    IfNotPresent,
    Never,
}

impl PullPolicy {
    /// The policy as written; `IfNotPresent` for an unknown value.
    pub fn parse(value: Option<&str>) -> PullPolicy {
        match value {
            Some("Always") => PullPolicy::Always,
            Some("Never") => PullPolicy::Never,
            _ => PullPolicy::IfNotPresent,
        }
    }

    /// The policy of a container: as written, else the API server's default (`SetDefaults_Container`:
    /// `Always` for the `latest` tag or no tag, `IfNotPresent` otherwise, also for digests).
    pub fn for_container(value: Option<&str>, image: &str) -> PullPolicy {
        if value.is_some() {
            return PullPolicy::parse(value);
        }
        match registry::parse_normalized_named(image) {
            Ok(r) if r.digest.is_none() && r.tag.as_deref().unwrap_or("latest") == "latest" => {
                PullPolicy::Always
            }
            _ => PullPolicy::IfNotPresent,
        }
    }
}

/// `shouldPullImage`.
pub fn should_pull(policy: PullPolicy, present: bool) -> bool {
    match policy {
        PullPolicy::Never => false,
        PullPolicy::Always => true,
        PullPolicy::IfNotPresent => !present,
    }
}

/// One image in containerd's store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredImage {
    /// `docker.io/library/nginx@sha256:...`.
    pub repo_digests: Vec<String>,
    /// `docker.io/library/nginx:latest` and any other tag pulled locally, sorted.
    pub repo_tags: Vec<String>,
    pub size_bytes: u64,
}

/// The node's image store (containerd's `k8s.io` namespace), keyed by repo digest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageStore {
    images: BTreeMap<String, StoredImage>,
}

impl ImageStore {
    /// Finds the image a normalized reference names (by tag, or by digest).
    pub fn lookup(&self, reference: &ImageReference) -> Option<&StoredImage> {
        match &reference.digest {
            Some(digest) => {
                let wanted = format!("{}@{digest}", reference.repository());
                self.images
                    .values()
                    .find(|image| image.repo_digests.contains(&wanted))
            }
            None => {
                let wanted = reference.normalized();
                self.images
                    .values()
                    .find(|image| image.repo_tags.contains(&wanted))
            }
        }
    }

    /// Records a pulled image; returns true when the store changed (a new image or a new tag).
    pub fn add(&mut self, resolved: &ResolvedImage) -> bool {
        let key = resolved.repo_digest();
        let entry = self
            .images
            .entry(key.clone())
            .or_insert_with(|| StoredImage {
                repo_digests: Vec::new(),
                repo_tags: Vec::new(),
                size_bytes: resolved.size_bytes,
            });
        let mut changed = false;
        if !entry.repo_digests.contains(&key) {
            entry.repo_digests.push(key);
            changed = true;
        }
        if let Some(tag) = resolved.repo_tag() {
            if !entry.repo_tags.contains(&tag) {
                entry.repo_tags.push(tag);
                entry.repo_tags.sort();
                changed = true;
            }
        }
        changed
    }

    /// Seeds the store from a Node's `status.images` (images a scenario says are already there).
    pub fn add_listed(&mut self, names: &[String], size_bytes: u64) {
        let mut digests = Vec::new();
        let mut tags = Vec::new();
        for name in names {
            let normalized = registry::normalize_listed_name(name);
            if normalized.contains('@') {
                digests.push(normalized);
            } else {
                tags.push(normalized);
            }
        }
        if digests.is_empty() {
            // A listing without a digest: derive one, as the runtime would have one.
            let Some(first) = tags.first() else {
                return;
            };
            let repository = first.rsplit_once(':').map(|(r, _)| r).unwrap_or(first);
            digests.push(format!("{repository}@sha256:{}", registry::hex64(first)));
        }
        let Some(key) = digests.first().cloned() else {
            return;
        };
        let entry = self.images.entry(key).or_insert_with(|| StoredImage {
            repo_digests: Vec::new(),
            repo_tags: Vec::new(),
            size_bytes,
        });
        for d in digests {
            if !entry.repo_digests.contains(&d) {
                entry.repo_digests.push(d);
            }
        }
        for t in tags {
            if !entry.repo_tags.contains(&t) {
                entry.repo_tags.push(t);
            }
        }
        entry.repo_tags.sort();
    }

    pub fn images(&self) -> impl Iterator<Item = &StoredImage> {
        self.images.values()
    }

    pub fn len(&self) -> usize {
        self.images.len()
    }

    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
    }
}

/// `flowcontrol.Backoff` without jitter: per key, the current delay and when it was last updated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Backoff {
    entries: BTreeMap<String, (u64, u64)>,
}

impl Backoff {
    /// `Next`: starts at the initial delay, doubles up to the maximum; an entry idle for twice the
    /// maximum starts over.
    pub fn next(&mut self, key: &str, now_ms: u64) -> u64 {
        let delay = match self.entries.get(key) {
            Some((delay, updated))
                if now_ms.saturating_sub(*updated) <= 2 * IMAGE_BACKOFF_MAX_MS =>
            {
                (delay.saturating_mul(2)).min(IMAGE_BACKOFF_MAX_MS)
            }
            _ => IMAGE_BACKOFF_INITIAL_MS,
        };
        self.entries.insert(key.to_string(), (delay, now_ms));
        delay
    }

    /// `IsInBackOffSinceUpdate`: less than the current delay has passed since the last failure.
    pub fn in_backoff(&self, key: &str, now_ms: u64) -> bool {
        match self.entries.get(key) {
            Some((delay, updated)) => now_ms.saturating_sub(*updated) < *delay,
            None => false,
        }
    }

    /// When the back-off for `key` expires, if it is in back-off.
    pub fn expires_at(&self, key: &str) -> Option<u64> {
        self.entries
            .get(key)
            .map(|(delay, updated)| updated + delay)
    }

    /// `GC` for one key (a successful pull).
    pub fn reset(&mut self, key: &str) {
        self.entries.remove(key);
    }

    /// Forgets every key of a pod (it was deleted).
    pub fn forget_prefix(&mut self, prefix: &str) {
        self.entries.retain(|k, _| !k.starts_with(prefix));
    }
}

/// The back-off sequence the kubelet follows for repeated failures: 10s, 20s, 40s, 80s, 160s, 300s, ...
pub fn backoff_sequence(failures: usize) -> Vec<u64> {
    let mut backoff = Backoff::default();
    (0..failures).map(|i| backoff.next("k", i as u64)).collect()
}

/// The serial image puller: one pull at a time per node, in request order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SerialPuller {
    /// When the pull in progress (and every queued one) will be done.
    free_at_ms: u64,
    /// Successful pulls queued or in progress, by normalized name, with their end time: a later pull of
    /// the same image finds it present.
    pending: BTreeMap<String, u64>,
}

/// When a queued pull starts and ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PullSlot {
    pub start_ms: u64,
    pub end_ms: u64,
}

impl SerialPuller {
    /// Queues a pull requested at `now_ms`. `outcome` is what the registry will answer (`Ok(size)` or an
    /// error); `present` whether the node already has the image.
    pub fn enqueue(
        &mut self,
        now_ms: u64,
        normalized: &str,
        outcome: Result<u64, ()>,
        present: bool,
    ) -> PullSlot {
        let start_ms = self.free_at_ms.max(now_ms);
        let present = present
            || self
                .pending
                .get(normalized)
                .is_some_and(|end| *end <= start_ms);
        let duration = match outcome {
            Ok(size) => pull_duration_ms(size, present),
            Err(()) => RESOLVE_LATENCY_MS,
        };
        let end_ms = start_ms + duration;
        self.free_at_ms = end_ms;
        if outcome.is_ok() {
            self.pending.insert(normalized.to_string(), end_ms);
        }
        PullSlot { start_ms, end_ms }
    }

    /// Drops bookkeeping of pulls that ended before `now_ms`.
    pub fn settle(&mut self, now_ms: u64) {
        self.pending.retain(|_, end| *end > now_ms);
    }
}

/// The back-off key upstream uses: `<pod uid>_<image as written>`.
pub fn backoff_key(pod_uid: &str, image: &str) -> String {
    format!("{pod_uid}_{image}")
}

// Event and waiting messages, verbatim from image_manager.go.

/// Normal Pulling.
pub fn pulling_message(image: &str) -> String {
    format!("Pulling image {image:?}")
}

/// Normal Pulled after a pull: durations truncated to milliseconds.
pub fn pulled_message(image: &str, pull_ms: u64, total_ms: u64, size_bytes: u64) -> String {
    format!(
        "Successfully pulled image {image:?} in {} ({} including waiting). Image size: {size_bytes} bytes.",
        go_duration(pull_ms),
        go_duration(total_ms)
    )
}

/// Normal Pulled when no pull is needed (v1.35+ wording).
pub fn already_present_message(image: &str) -> String {
    format!("Container image {image:?} already present on machine and can be accessed by the pod")
}

/// Warning ErrImageNeverPull (also the waiting message).
pub fn never_pull_message(image: &str) -> String {
    format!("Container image {image:?} is not present with pull policy of Never")
}

/// Warning Failed after a failed pull.
pub fn failed_to_pull_message(image: &str, error: &str) -> String {
    format!("Failed to pull image {image:?}: {error}")
}

/// Normal BackOff while the image is in back-off.
pub fn backoff_message(image: &str) -> String {
    format!("Back-off pulling image {image:?}")
}

/// The waiting message of `ImagePullBackOff`: the back-off message with the last pull error.
pub fn backoff_waiting_message(image: &str, last_error: &str) -> String {
    format!("Back-off pulling image {image:?}: ErrImagePull: {last_error}")
}

/// Warning InspectFailed (also the waiting message of `InvalidImageName`).
pub fn invalid_image_message(image: &str, parse_error: &str) -> String {
    format!("Failed to apply default image tag {image:?}: {parse_error}")
}

/// Warning FailedToRetrieveImagePullSecret (`getPullSecretsForPod` in `pkg/kubelet/kubelet_pods.go`).
pub fn missing_pull_secrets_message(names: &[String]) -> String {
    format!(
        "Unable to retrieve some image pull secrets ({}); attempting to pull the image may not succeed.",
        names.join(", ")
    )
}

/// Warning Failed from `startContainer` when ensuring the image failed: `Error: ErrImagePull`.
pub fn start_error_message(reason: &str) -> String {
    format!("Error: {reason}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_format_durations_like_go() {
        let cases = [
            (0, "0s"),
            (1, "1ms"),
            (393, "393ms"),
            (1000, "1s"),
            (1500, "1.5s"),
            (2353, "2.353s"),
            (2350, "2.35s"),
            (23_695, "23.695s"),
            (60_000, "1m0s"),
            (104_248, "1m44.248s"),
            (3_600_000, "1h0m0s"),
            (3_723_004, "1h2m3.004s"),
        ];
        for (ms, want) in cases {
            assert_eq!(go_duration(ms), want, "{ms}");
        }
    }

    #[test]
    fn should_decide_pulls_like_should_pull_image() {
        let cases = [
            (PullPolicy::Always, true, true),
            (PullPolicy::Always, false, true),
            (PullPolicy::IfNotPresent, true, false),
            (PullPolicy::IfNotPresent, false, true),
            (PullPolicy::Never, true, false),
            (PullPolicy::Never, false, false),
        ];
        for (policy, present, want) in cases {
            assert_eq!(
                should_pull(policy, present),
                want,
                "{policy:?} present={present}"
            );
        }
        assert_eq!(PullPolicy::parse(None), PullPolicy::IfNotPresent);
        assert_eq!(PullPolicy::parse(Some("Always")), PullPolicy::Always);
        let defaults = [
            ("nginx", PullPolicy::Always),
            ("nginx:latest", PullPolicy::Always),
            ("nginx:1.27", PullPolicy::IfNotPresent),
            (
                "nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000",
                PullPolicy::IfNotPresent,
            ),
        ];
        for (image, want) in defaults {
            assert_eq!(PullPolicy::for_container(None, image), want, "{image}");
        }
        assert_eq!(
            PullPolicy::for_container(Some("Never"), "nginx"),
            PullPolicy::Never
        );
    }

    #[test]
    fn should_back_off_ten_seconds_doubling_to_five_minutes() {
        assert_eq!(
            backoff_sequence(8),
            vec![10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]
        );
        let mut b = Backoff::default();
        b.next("k", 1_000);
        assert!(b.in_backoff("k", 10_999));
        assert!(!b.in_backoff("k", 11_000));
        assert_eq!(b.expires_at("k"), Some(11_000));
        // Idle for more than twice the maximum: starts over.
        assert_eq!(b.next("k", 1_000 + 600_001), 10_000);
    }

    #[test]
    fn should_write_every_image_message_verbatim() {
        assert_eq!(
            pulling_message("nginx:latest"),
            "Pulling image \"nginx:latest\""
        );
        assert_eq!(
            pulled_message("nginx:latest", 2353, 2353, 72_099_501),
            "Successfully pulled image \"nginx:latest\" in 2.353s (2.353s including waiting). Image size: 72099501 bytes."
        );
        assert_eq!(
            already_present_message("nginx:1.27"),
            "Container image \"nginx:1.27\" already present on machine and can be accessed by the pod"
        );
        assert_eq!(
            never_pull_message("app:dev"),
            "Container image \"app:dev\" is not present with pull policy of Never"
        );
        assert_eq!(
            failed_to_pull_message("nginxx", "boom"),
            "Failed to pull image \"nginxx\": boom"
        );
        assert_eq!(
            backoff_message("nginxx"),
            "Back-off pulling image \"nginxx\""
        );
        assert_eq!(
            backoff_waiting_message("nginxx", "boom"),
            "Back-off pulling image \"nginxx\": ErrImagePull: boom"
        );
        assert_eq!(
            invalid_image_message(
                "<your-private-image>",
                "couldn't parse image name \"<your-private-image>\": invalid reference format"
            ),
            "Failed to apply default image tag \"<your-private-image>\": couldn't parse image name \"<your-private-image>\": invalid reference format"
        );
        assert_eq!(start_error_message("ErrImagePull"), "Error: ErrImagePull");
        assert_eq!(
            missing_pull_secrets_message(&["regcred".to_string(), "other".to_string()]),
            "Unable to retrieve some image pull secrets (regcred, other); attempting to pull the image may not succeed."
        );
    }

    #[test]
    fn should_time_pulls_from_size_and_serialize_them() {
        assert_eq!(pull_duration_ms(72_099_501, false), 450 + 1802);
        assert_eq!(pull_duration_ms(72_099_501, true), 450);
        let mut puller = SerialPuller::default();
        let first = puller.enqueue(100, "docker.io/library/nginx:latest", Ok(72_099_501), false);
        assert_eq!(
            first,
            PullSlot {
                start_ms: 100,
                end_ms: 100 + 2252
            }
        );
        // A second pod's pull of the same image waits, then finds it present.
        let second = puller.enqueue(200, "docker.io/library/nginx:latest", Ok(72_099_501), false);
        assert_eq!(
            second,
            PullSlot {
                start_ms: 2352,
                end_ms: 2352 + 450
            }
        );
        let failed = puller.enqueue(5_000, "docker.io/library/nginxx:latest", Err(()), false);
        assert_eq!(
            failed,
            PullSlot {
                start_ms: 5_000,
                end_ms: 5_450
            }
        );
    }

    #[test]
    fn should_find_stored_images_by_tag_or_digest() {
        let reference = registry::parse_normalized_named("nginx").unwrap();
        let resolved = registry::resolve(&reference).unwrap();
        let mut store = ImageStore::default();
        assert!(store.lookup(&reference).is_none());
        assert!(store.add(&resolved));
        assert!(!store.add(&resolved));
        assert!(store.lookup(&reference).is_some());
        let alias = registry::parse_normalized_named("nginx:1.29").unwrap();
        assert!(
            store.lookup(&alias).is_none(),
            "containerd only knows the tags it pulled"
        );
        let by_digest =
            registry::parse_normalized_named(&format!("nginx@{}", resolved.digest)).unwrap();
        assert!(store.lookup(&by_digest).is_some());
        store.add_listed(&["docker.io/library/redis:7".to_string()], 45_892_054);
        assert!(store
            .lookup(&registry::parse_normalized_named("redis:7").unwrap())
            .is_some());
        store.add_listed(&["busybox:1.36".to_string()], 2_155_734);
        assert!(store
            .lookup(&registry::parse_normalized_named("docker.io/library/busybox:1.36").unwrap())
            .is_some());
    }
}
