//! Image references and a small built-in registry: what containerd resolves and pulls.
//!
//! Mirrors three upstream pieces:
//! - `github.com/distribution/reference` (`ParseNormalizedNamed`, `Parse`, `splitDockerDomain`): the
//!   reference grammar and its error texts (`invalid reference format`, `repository name (library/Alpine)
//!   must be lowercase`, ...);
//! - the kubelet's `applyDefaultImageTag` (`pkg/kubelet/images/image_manager.go`) and
//!   `pkg/util/parsers.ParseImageName` (`couldn't parse image name "x": <err>`);
//! - containerd's CRI image service (`failed to pull and unpack image ...`): the normalized name it
//!   reports (`docker.io/library/nginx:latest`), repo digests, and the errors a pull of a missing
//!   repository or tag returns.
//!
//! Simplification: the registry is a fixed catalog. Sizes are realistic linux/amd64 compressed sizes
//! (approximate, from public pulls); digests are derived deterministically from the repository and its
//! first tag, so they look like real `sha256:` digests but are not the real ones.

/// Docker Hub's canonical domain.
pub const DEFAULT_DOMAIN: &str = "docker.io";
const LEGACY_DEFAULT_DOMAIN: &str = "index.docker.io";
const OFFICIAL_REPO_PREFIX: &str = "library/";
const NAME_TOTAL_LENGTH_MAX: usize = 255;

/// A parsed, normalized image reference (`docker.io/library/nginx` + tag and/or digest).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImageReference {
    /// Registry host (and port), e.g. `docker.io`, `registry.k8s.io`, `localhost:5000`.
    pub domain: String,
    /// Repository path inside the registry, e.g. `library/nginx`.
    pub path: String,
    pub tag: Option<String>,
    /// `sha256:<64 hex>`.
    pub digest: Option<String>,
}

impl ImageReference {
    /// `docker.io/library/nginx`.
    pub fn repository(&self) -> String {
        format!("{}/{}", self.domain, self.path)
    }

    /// The name containerd stores and reports: `docker.io/library/nginx:latest` (the default tag is
    /// added when there is neither tag nor digest), or `...@sha256:...` for a digest reference.
    pub fn normalized(&self) -> String {
        let mut out = self.repository();
        match (&self.tag, &self.digest) {
            (Some(tag), _) => {
                out.push(':');
                out.push_str(tag);
            }
            (None, None) => out.push_str(":latest"),
            (None, Some(_)) => {}
        }
        if let Some(digest) = &self.digest {
            out.push('@');
            out.push_str(digest);
        }
        out
    }

    /// The tag to resolve: the explicit one, or `latest` when there is neither tag nor digest.
    pub fn effective_tag(&self) -> Option<&str> {
        match (&self.tag, &self.digest) {
            (Some(tag), _) => Some(tag),
            (None, None) => Some("latest"),
            (None, Some(_)) => None,
        }
    }
}

/// `ParseNormalizedNamed`: `nginx` → `docker.io/library/nginx`, `quay.io/x/y:1` stays. The error is the
/// distribution/reference error text.
pub fn parse_normalized_named(s: &str) -> Result<ImageReference, String> {
    if s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(format!(
            "invalid repository name ({s}), cannot specify 64-byte hexadecimal strings"
        ));
    }
    let (domain, remainder) = split_docker_domain(s);
    let remote = match remainder.find(':') {
        Some(i) => &remainder[..i],
        None => remainder.as_str(),
    };
    if remote.to_lowercase() != remote {
        return Err(format!(
            "invalid reference format: repository name ({remote}) must be lowercase"
        ));
    }
    parse(&format!("{domain}/{remainder}"))
}

/// The kubelet's `applyDefaultImageTag` check: the message of `InvalidImageName` when the reference does
/// not parse, e.g. `couldn't parse image name "<your-private-image>": invalid reference format`.
pub fn parse_image_name(image: &str) -> Result<ImageReference, String> {
    parse_normalized_named(image)
        .map_err(|err| format!("couldn't parse image name {image:?}: {err}"))
}

/// `splitDockerDomain`: the first path component is a registry host only if it has a `.` or `:`, is
/// `localhost`, or has upper-case letters.
fn split_docker_domain(name: &str) -> (String, String) {
    let (mut domain, mut remainder) = match name.find('/') {
        Some(i) => {
            let first = &name[..i];
            if !first.contains(['.', ':']) && first != "localhost" && first.to_lowercase() == first
            {
                (DEFAULT_DOMAIN.to_string(), name.to_string())
            } else {
                (first.to_string(), name[i + 1..].to_string())
            }
        }
        None => (DEFAULT_DOMAIN.to_string(), name.to_string()),
    };
    if domain == LEGACY_DEFAULT_DOMAIN {
        domain = DEFAULT_DOMAIN.to_string();
    }
    if domain == DEFAULT_DOMAIN && !remainder.contains('/') {
        remainder = format!("{OFFICIAL_REPO_PREFIX}{remainder}");
    }
    (domain, remainder)
}

/// `reference.Parse` on an already fully qualified string.
fn parse(s: &str) -> Result<ImageReference, String> {
    let Some(parsed) = match_reference(s) else {
        if s.is_empty() {
            return Err("repository name must have at least one component".into());
        }
        if match_reference(&s.to_lowercase()).is_some() {
            return Err("repository name must be lowercase".into());
        }
        return Err("invalid reference format".into());
    };
    let (name, tag, digest) = parsed;
    if name.len() > NAME_TOTAL_LENGTH_MAX {
        return Err(format!(
            "repository name must not be more than {NAME_TOTAL_LENGTH_MAX} characters"
        ));
    }
    if let Some(d) = &digest {
        validate_digest(d)?;
    }
    let (domain, path) = match name.find('/') {
        Some(i) => (name[..i].to_string(), name[i + 1..].to_string()),
        None => (String::new(), name.to_string()),
    };
    Ok(ImageReference {
        domain,
        path,
        tag: tag.map(str::to_string),
        digest: digest.map(str::to_string),
    })
}

/// The anchored `ReferenceRegexp`: `name [":" tag] ["@" digest]`, returning the three captures.
fn match_reference(s: &str) -> Option<(&str, Option<&str>, Option<&str>)> {
    let (rest, digest) = match s.find('@') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    if let Some(d) = digest {
        if !is_digest_syntax(d) {
            return None;
        }
    }
    // A tag follows the last ':' when what follows contains no '/'.
    let (name, tag) = match rest.rfind(':') {
        Some(i) if !rest[i + 1..].contains('/') => (&rest[..i], Some(&rest[i + 1..])),
        _ => (rest, None),
    };
    if let Some(t) = tag {
        if !is_tag(t) {
            return None;
        }
    }
    if !is_name(name) {
        return None;
    }
    Some((name, tag, digest))
}

/// `[\w][\w.-]{0,127}`.
fn is_tag(t: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut chars = t.chars();
    match chars.next() {
        Some(c) if word(c) => {}
        _ => return false,
    }
    t.len() <= 128 && chars.all(|c| word(c) || c == '.' || c == '-')
}

/// `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}`.
fn is_digest_syntax(d: &str) -> bool {
    let Some((algorithm, hex)) = d.split_once(':') else {
        return false;
    };
    let algorithm_ok = algorithm.split(['-', '_', '+', '.']).all(|part| {
        let mut chars = part.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric())
    });
    algorithm_ok && hex.len() >= 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// go-digest `Validate` for the algorithms containerd knows.
fn validate_digest(d: &str) -> Result<(), String> {
    let (algorithm, hex) = d.split_once(':').unwrap_or((d, ""));
    let want = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return Err("unsupported digest algorithm".into()),
    };
    if hex.len() != want {
        return Err("invalid checksum digest length".into());
    }
    if hex.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err("invalid checksum digest format".into());
    }
    Ok(())
}

/// `NameRegexp`: `[domain "/"] path-component ("/" path-component)*`.
fn is_name(name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let components: Vec<&str> = name.split('/').collect();
    if components.iter().all(|c| is_path_component(c)) {
        return true;
    }
    components.len() >= 2
        && is_domain_and_port(components[0])
        && components[1..].iter().all(|c| is_path_component(c))
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`.
fn is_path_component(c: &str) -> bool {
    let bytes = c.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let mut i = 0;
    let mut expect_alnum = true;
    while i < bytes.len() {
        if expect_alnum {
            if !alnum(bytes[i]) {
                return false;
            }
            while i < bytes.len() && alnum(bytes[i]) {
                i += 1;
            }
            expect_alnum = false;
        } else {
            let start = i;
            match bytes[i] {
                b'.' => i += 1,
                b'_' => {
                    i += 1;
                    if i < bytes.len() && bytes[i] == b'_' {
                        i += 1;
                    }
                }
                b'-' => {
                    while i < bytes.len() && bytes[i] == b'-' {
                        i += 1;
                    }
                }
                _ => return false,
            }
            if i == start {
                return false;
            }
            expect_alnum = true;
        }
    }
    !expect_alnum
}

/// `host [":" port]` where host is a domain name, an IPv4 address, or a bracketed IPv6 address.
fn is_domain_and_port(s: &str) -> bool {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let Some(end) = rest.find(']') else {
            return false;
        };
        let ipv6 = &rest[..end];
        if ipv6.is_empty() || !ipv6.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return false;
        }
        let after = &rest[end + 1..];
        (
            None,
            after
                .strip_prefix(':')
                .map(Some)
                .unwrap_or(if after.is_empty() { None } else { Some("x") }),
        )
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(s), None),
        }
    };
    if let Some(p) = port {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    match host {
        None => true,
        Some(h) => {
            !h.is_empty()
                && h.split('.').all(|label| {
                    let b = label.as_bytes();
                    !b.is_empty()
                        && b[0].is_ascii_alphanumeric()
                        && b[b.len() - 1].is_ascii_alphanumeric()
                        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
                })
        }
    }
}

/// One image of the built-in registry: a repository, the tags that point at the same manifest, and
/// its compressed size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CatalogImage {
    /// Fully qualified repository, e.g. `docker.io/library/nginx`.
    pub repository: &'static str,
    /// Tags sharing this manifest (aliases such as `latest`, `1.29`, `mainline`).
    pub tags: &'static [&'static str],
    /// Compressed size in bytes, as the kubelet's `Image size: N bytes.` and `status.images` report it.
    pub size_bytes: u64,
}

/// The built-in registry: common images, and every image the kubernetes.io examples use.
pub const CATALOG: &[CatalogImage] = &[
    CatalogImage {
        repository: "docker.io/library/nginx",
        tags: &["latest", "1.29", "1.29.3", "mainline"],
        size_bytes: 72_099_501,
    },
    CatalogImage {
        repository: "docker.io/library/nginx",
        tags: &["1.28", "1.28.0", "stable"],
        size_bytes: 72_318_040,
    },
    CatalogImage {
        repository: "docker.io/library/nginx",
        tags: &["1.27", "1.27.5"],
        size_bytes: 72_950_530,
    },
    CatalogImage {
        repository: "docker.io/library/nginx",
        tags: &["1.26", "1.26.3"],
        size_bytes: 71_026_466,
    },
    CatalogImage {
        repository: "docker.io/library/nginx",
        tags: &["1.25", "1.25.5"],
        size_bytes: 70_544_635,
    },
    CatalogImage {
        repository: "docker.io/library/nginx",
        tags: &["1.15", "1.15.12"],
        size_bytes: 44_711_284,
    },
    CatalogImage {
        repository: "docker.io/library/nginx",
        tags: &["1.14.2"],
        size_bytes: 44_708_492,
    },
    CatalogImage {
        repository: "docker.io/library/nginx",
        tags: &["alpine", "1.29-alpine", "mainline-alpine"],
        size_bytes: 21_980_129,
    },
    CatalogImage {
        repository: "docker.io/library/nginx",
        tags: &["1.27-alpine"],
        size_bytes: 20_497_341,
    },
    CatalogImage {
        repository: "docker.io/library/busybox",
        tags: &["latest", "1.37", "1.37.0", "stable"],
        size_bytes: 2_224_358,
    },
    CatalogImage {
        repository: "docker.io/library/busybox",
        tags: &["1.36", "1.36.1"],
        size_bytes: 2_155_734,
    },
    CatalogImage {
        repository: "docker.io/library/busybox",
        tags: &["1.28", "1.28.4"],
        size_bytes: 727_869,
    },
    CatalogImage {
        repository: "docker.io/library/redis",
        tags: &["latest", "8", "8.2"],
        size_bytes: 52_613_187,
    },
    CatalogImage {
        repository: "docker.io/library/redis",
        tags: &["7", "7.4"],
        size_bytes: 45_892_054,
    },
    CatalogImage {
        repository: "docker.io/library/redis",
        tags: &["5", "5.0"],
        size_bytes: 37_411_592,
    },
    CatalogImage {
        repository: "docker.io/library/postgres",
        tags: &["latest", "18"],
        size_bytes: 161_205_884,
    },
    CatalogImage {
        repository: "docker.io/library/postgres",
        tags: &["17", "17-alpine"],
        size_bytes: 158_362_019,
    },
    CatalogImage {
        repository: "docker.io/library/postgres",
        tags: &["16"],
        size_bytes: 155_790_213,
    },
    CatalogImage {
        repository: "docker.io/library/httpd",
        tags: &["latest", "2.4"],
        size_bytes: 45_177_413,
    },
    CatalogImage {
        repository: "docker.io/library/mysql",
        tags: &["latest", "9", "9.4"],
        size_bytes: 238_456_032,
    },
    CatalogImage {
        repository: "docker.io/library/mysql",
        tags: &["8.0", "8"],
        size_bytes: 233_012_746,
    },
    CatalogImage {
        repository: "docker.io/library/mysql",
        tags: &["5.6"],
        size_bytes: 102_961_378,
    },
    CatalogImage {
        repository: "docker.io/library/ubuntu",
        tags: &["latest", "24.04", "noble"],
        size_bytes: 29_723_147,
    },
    CatalogImage {
        repository: "docker.io/library/ubuntu",
        tags: &["22.04", "jammy"],
        size_bytes: 29_537_794,
    },
    CatalogImage {
        repository: "docker.io/library/debian",
        tags: &["latest", "13", "trixie"],
        size_bytes: 49_283_164,
    },
    CatalogImage {
        repository: "docker.io/library/debian",
        tags: &["12", "bookworm"],
        size_bytes: 48_494_272,
    },
    CatalogImage {
        repository: "docker.io/library/alpine",
        tags: &["latest", "3", "3.22"],
        size_bytes: 3_799_839,
    },
    CatalogImage {
        repository: "docker.io/library/alpine",
        tags: &["3.21"],
        size_bytes: 3_642_081,
    },
    CatalogImage {
        repository: "docker.io/library/fedora",
        tags: &["latest", "43"],
        size_bytes: 58_943_662,
    },
    CatalogImage {
        repository: "registry.k8s.io/pause",
        tags: &["3.10.1"],
        size_bytes: 320_448,
    },
    CatalogImage {
        repository: "registry.k8s.io/pause",
        tags: &["3.10"],
        size_bytes: 320_368,
    },
    CatalogImage {
        repository: "registry.k8s.io/pause",
        tags: &["3.9"],
        size_bytes: 321_520,
    },
    CatalogImage {
        repository: "registry.k8s.io/pause",
        tags: &["3.8"],
        size_bytes: 311_286,
    },
    CatalogImage {
        repository: "registry.k8s.io/pause",
        tags: &["3.6"],
        size_bytes: 301_773,
    },
    CatalogImage {
        repository: "registry.k8s.io/pause",
        tags: &["3.1"],
        size_bytes: 317_164,
    },
    CatalogImage {
        repository: "registry.k8s.io/pause",
        tags: &["2.0"],
        size_bytes: 350_164,
    },
    CatalogImage {
        repository: "k8s.gcr.io/pause",
        tags: &["2.0"],
        size_bytes: 350_164,
    },
    CatalogImage {
        repository: "registry.k8s.io/busybox",
        tags: &["latest", "1.27.2"],
        size_bytes: 675_232,
    },
    CatalogImage {
        repository: "registry.k8s.io/nginx",
        tags: &["latest"],
        size_bytes: 39_165_102,
    },
    CatalogImage {
        repository: "registry.k8s.io/hpa-example",
        tags: &["latest"],
        size_bytes: 176_488_431,
    },
    CatalogImage {
        repository: "registry.k8s.io/goproxy",
        tags: &["0.1"],
        size_bytes: 2_851_107,
    },
    CatalogImage {
        repository: "registry.k8s.io/etcd",
        tags: &["3.5.1-0"],
        size_bytes: 98_888_614,
    },
    CatalogImage {
        repository: "registry.k8s.io/e2e-test-images/agnhost",
        tags: &["2.45"],
        size_bytes: 51_355_022,
    },
    CatalogImage {
        repository: "registry.k8s.io/e2e-test-images/agnhost",
        tags: &["2.40"],
        size_bytes: 50_002_425,
    },
    CatalogImage {
        repository: "gcr.io/google-samples/hello-app",
        tags: &["1.0"],
        size_bytes: 11_929_620,
    },
    CatalogImage {
        repository: "gcr.io/google-samples/hello-app",
        tags: &["2.0"],
        size_bytes: 11_952_391,
    },
    CatalogImage {
        repository: "gcr.io/google-samples/node-hello",
        tags: &["1.0"],
        size_bytes: 247_351_309,
    },
    CatalogImage {
        repository: "docker.io/hashicorp/http-echo",
        tags: &["latest", "1.0", "1.0.0"],
        size_bytes: 3_244_567,
    },
    CatalogImage {
        repository: "docker.io/hashicorp/http-echo",
        tags: &["0.2.3"],
        size_bytes: 2_422_347,
    },
    CatalogImage {
        repository: "docker.io/vish/stress",
        tags: &["latest"],
        size_bytes: 2_640_219,
    },
    CatalogImage {
        repository: "docker.io/polinux/stress",
        tags: &["latest"],
        size_bytes: 4_186_713,
    },
    CatalogImage {
        repository: "docker.io/corelab/gb-frontend",
        tags: &["v5"],
        size_bytes: 155_130_478,
    },
    CatalogImage {
        repository: "docker.io/alpine/socat",
        tags: &["latest", "1.8.0.3"],
        size_bytes: 4_438_912,
    },
    CatalogImage {
        repository: "quay.io/crio/artifact",
        tags: &["v1", "v2"],
        size_bytes: 1_094,
    },
];

/// Registry hosts the simulated network can reach; any other host fails its DNS lookup.
const KNOWN_REGISTRY_HOSTS: &[&str] = &[
    "docker.io",
    "registry.k8s.io",
    "k8s.gcr.io",
    "gcr.io",
    "quay.io",
    "ghcr.io",
];

/// What a successful resolution returns: the manifest's digest and size, and the name it was pulled by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedImage {
    /// `docker.io/library/nginx`.
    pub repository: String,
    /// `sha256:<64 hex>`.
    pub digest: String,
    pub size_bytes: u64,
    /// The tag the reference named (or `latest`); `None` for a digest-only reference.
    pub tag: Option<String>,
}

impl ResolvedImage {
    /// `docker.io/library/nginx@sha256:...`: the `imageID` of container statuses.
    pub fn repo_digest(&self) -> String {
        format!("{}@{}", self.repository, self.digest)
    }

    /// `docker.io/library/nginx:latest`, if pulled by tag.
    pub fn repo_tag(&self) -> Option<String> {
        self.tag
            .as_ref()
            .map(|t| format!("{}:{t}", self.repository))
    }
}

/// A pull error as the kubelet receives it from the CRI (`err.Error()`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullError {
    pub message: String,
}

/// The digest of a catalog image: `sha256:` + 64 hex derived from its repository and first tag.
pub fn catalog_digest(image: &CatalogImage) -> String {
    let first = image.tags.first().copied().unwrap_or("");
    format!("sha256:{}", hex64(&format!("{}:{first}", image.repository)))
}

/// 64 deterministic hex characters derived from `key` (FNV-1a seeding a SplitMix64 stream).
pub fn hex64(key: &str) -> String {
    let mut state: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        state ^= u64::from(b);
        state = state.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut out = String::with_capacity(64);
    for _ in 0..4 {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        out.push_str(&format!("{z:016x}"));
    }
    out
}

/// Resolves a reference against the catalog, as containerd's pull would: the manifest, or the error text
/// the kubelet puts after `Failed to pull image "x": `.
pub fn resolve(reference: &ImageReference) -> Result<ResolvedImage, PullError> {
    let repository = reference.repository();
    let full = reference.normalized();
    let unpack = |detail: String| {
        format!("failed to pull and unpack image {full:?}: failed to resolve reference {full:?}: {detail}")
    };
    let host = reference.domain.split(':').next().unwrap_or("");
    if !KNOWN_REGISTRY_HOSTS.contains(&reference.domain.as_str()) {
        let manifest = reference
            .effective_tag()
            .map(str::to_string)
            .or_else(|| reference.digest.clone())
            .unwrap_or_default();
        return Err(PullError {
            message: unpack(format!(
                "failed to do request: Head \"https://{}/v2/{}/manifests/{manifest}\": dial tcp: lookup {host}: no such host",
                reference.domain, reference.path
            )),
        });
    }
    let images: Vec<&CatalogImage> = CATALOG
        .iter()
        .filter(|i| i.repository == repository)
        .collect();
    if images.is_empty() {
        if reference.domain == DEFAULT_DOMAIN {
            return Err(PullError {
                message: unpack(
                    "pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"
                        .into(),
                ),
            });
        }
        return Err(not_found(&full));
    }
    let found = match (&reference.digest, reference.effective_tag()) {
        (Some(digest), _) => images.iter().find(|i| &catalog_digest(i) == digest),
        (None, Some(tag)) => images.iter().find(|i| i.tags.contains(&tag)),
        (None, None) => None,
    };
    match found {
        Some(image) => Ok(ResolvedImage {
            repository,
            digest: catalog_digest(image),
            size_bytes: image.size_bytes,
            tag: reference
                .tag
                .clone()
                .or_else(|| reference.digest.is_none().then(|| "latest".to_string())),
        }),
        None => Err(not_found(&full)),
    }
}

/// containerd's NotFound, which keeps the gRPC prefix in the kubelet's message.
fn not_found(full: &str) -> PullError {
    PullError {
        message: format!(
            "rpc error: code = NotFound desc = failed to pull and unpack image {full:?}: failed to resolve reference {full:?}: {full}: not found"
        ),
    }
}

/// Splits a stored image name (`docker.io/library/nginx:latest` or `...@sha256:...`) as node status lists
/// it; names that do not parse are kept as they are.
pub fn normalize_listed_name(name: &str) -> String {
    match parse_normalized_named(name) {
        Ok(r) => r.normalized(),
        Err(_) => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_normalize_references_like_containerd() {
        let cases = [
            ("nginx", "docker.io/library/nginx:latest"),
            ("nginx:1.25", "docker.io/library/nginx:1.25"),
            ("library/nginx", "docker.io/library/nginx:latest"),
            ("index.docker.io/nginx", "docker.io/library/nginx:latest"),
            ("hashicorp/http-echo:1.0", "docker.io/hashicorp/http-echo:1.0"),
            ("registry.k8s.io/pause:3.10", "registry.k8s.io/pause:3.10"),
            ("localhost:5000/app", "localhost:5000/app:latest"),
            ("localhost/app:v1", "localhost/app:v1"),
            ("registry.k8s.io/e2e-test-images/agnhost:2.45", "registry.k8s.io/e2e-test-images/agnhost:2.45"),
            (
                "nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000",
                "docker.io/library/nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000",
            ),
            (
                "nginx:1.25@sha256:0000000000000000000000000000000000000000000000000000000000000000",
                "docker.io/library/nginx:1.25@sha256:0000000000000000000000000000000000000000000000000000000000000000",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse_normalized_named(input).map(|r| r.normalized()),
                Ok(want.to_string()),
                "{input}"
            );
        }
    }

    #[test]
    fn should_reject_unparsable_references_with_upstream_messages() {
        let cases = [
            ("<your-private-image>", "couldn't parse image name \"<your-private-image>\": invalid reference format"),
            ("Alpine:3.20", "couldn't parse image name \"Alpine:3.20\": invalid reference format: repository name (library/Alpine) must be lowercase"),
            (
                "gcr.io/PROJECT_ID/app:latest",
                "couldn't parse image name \"gcr.io/PROJECT_ID/app:latest\": invalid reference format: repository name (PROJECT_ID/app) must be lowercase",
            ),
            (":sha-1", "couldn't parse image name \":sha-1\": invalid reference format"),
            ("docker pull quay.io/x:latest", "couldn't parse image name \"docker pull quay.io/x:latest\": invalid reference format"),
            ("nginx:", "couldn't parse image name \"nginx:\": invalid reference format"),
            ("nginx@sha256:abc", "couldn't parse image name \"nginx@sha256:abc\": invalid reference format"),
            (
                "nginx@sha256:00000000000000000000000000000000",
                "couldn't parse image name \"nginx@sha256:00000000000000000000000000000000\": invalid checksum digest length",
            ),
            (
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "couldn't parse image name \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\": invalid repository name (0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef), cannot specify 64-byte hexadecimal strings",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(parse_image_name(input), Err(want.to_string()), "{input}");
        }
    }

    #[test]
    fn should_accept_separators_allowed_by_the_grammar() {
        for ok in [
            "a_b",
            "a__b",
            "a---b",
            "a.b",
            "my-app/web_server.v2:1.0-rc_1",
        ] {
            assert!(parse_normalized_named(ok).is_ok(), "{ok}");
        }
        for bad in ["a___b", "-a", "a-", "a..b", "a//b"] {
            assert!(parse_normalized_named(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn should_resolve_catalog_images_and_aliases_to_one_digest() {
        let latest = resolve(&parse_normalized_named("nginx").unwrap()).unwrap();
        let alias = resolve(&parse_normalized_named("nginx:1.29").unwrap()).unwrap();
        assert_eq!(latest.digest, alias.digest);
        assert_eq!(latest.size_bytes, 72_099_501);
        assert_eq!(
            latest.repo_tag().as_deref(),
            Some("docker.io/library/nginx:latest")
        );
        assert!(latest
            .repo_digest()
            .starts_with("docker.io/library/nginx@sha256:"));
        assert_eq!(
            latest.repo_digest().len(),
            "docker.io/library/nginx@sha256:".len() + 64
        );
        let by_digest =
            resolve(&parse_normalized_named(&format!("nginx@{}", latest.digest)).unwrap()).unwrap();
        assert_eq!(by_digest.tag, None);
        assert_eq!(by_digest.size_bytes, latest.size_bytes);
    }

    #[test]
    fn should_fail_like_containerd_for_missing_repositories_and_tags() {
        let cases = [
            (
                "nginxx",
                "failed to pull and unpack image \"docker.io/library/nginxx:latest\": failed to resolve reference \"docker.io/library/nginxx:latest\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed",
            ),
            (
                "nginx:1.999",
                "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:1.999\": failed to resolve reference \"docker.io/library/nginx:1.999\": docker.io/library/nginx:1.999: not found",
            ),
            (
                "registry.k8s.io/nothing:1",
                "rpc error: code = NotFound desc = failed to pull and unpack image \"registry.k8s.io/nothing:1\": failed to resolve reference \"registry.k8s.io/nothing:1\": registry.k8s.io/nothing:1: not found",
            ),
            (
                "myregistry.example.com/team/app:1.2",
                "failed to pull and unpack image \"myregistry.example.com/team/app:1.2\": failed to resolve reference \"myregistry.example.com/team/app:1.2\": failed to do request: Head \"https://myregistry.example.com/v2/team/app/manifests/1.2\": dial tcp: lookup myregistry.example.com: no such host",
            ),
        ];
        for (input, want) in cases {
            let reference = parse_normalized_named(input).unwrap();
            assert_eq!(
                resolve(&reference),
                Err(PullError {
                    message: want.to_string()
                }),
                "{input}"
            );
        }
    }

    #[test]
    fn should_know_every_image_of_the_kubernetes_io_examples() {
        let images = [
            "nginx",
            "registry.k8s.io/busybox:1.27.2",
            "registry.k8s.io/pause:3.9",
            "busybox:1.28",
            "debian",
            "gcr.io/google-samples/hello-app:2.0",
            "registry.k8s.io/pause:3.8",
            "redis",
            "hashicorp/http-echo:1.0",
            "hashicorp/http-echo:0.2.3",
            "vish/stress",
            "registry.k8s.io/pause:3.1",
            "registry.k8s.io/e2e-test-images/agnhost:2.45",
            "polinux/stress",
            "nginx:1.29",
            "registry.k8s.io/pause:3.6",
            "registry.k8s.io/pause:2.0",
            "registry.k8s.io/busybox",
            "k8s.gcr.io/pause:2.0",
            "httpd:2.4",
            "gcr.io/google-samples/node-hello:1.0",
            "busybox",
            "alpine:latest",
            "registry.k8s.io/pause:3.10",
            "registry.k8s.io/nginx:latest",
            "registry.k8s.io/hpa-example",
            "registry.k8s.io/goproxy:0.1",
            "registry.k8s.io/etcd:3.5.1-0",
            "registry.k8s.io/e2e-test-images/agnhost:2.40",
            "redis:5",
            "nginx:1.15",
            "nginx:1.14.2",
            "mysql:8.0",
            "mysql:5.6",
            "gcr.io/google-samples/hello-app:1.0",
            "fedora",
            "docker.io/corelab/gb-frontend:v5",
            "docker.io/alpine/socat:1.8.0.3",
            "busybox:1.36",
            "quay.io/crio/artifact:v2",
        ];
        for image in images {
            let reference = parse_normalized_named(image).unwrap();
            assert!(resolve(&reference).is_ok(), "{image}");
        }
    }

    #[test]
    fn should_derive_stable_distinct_digests() {
        assert_eq!(hex64("a"), hex64("a"));
        assert_ne!(hex64("a"), hex64("b"));
        assert_eq!(hex64("x").len(), 64);
        let mut digests: Vec<String> = CATALOG.iter().map(catalog_digest).collect();
        digests.sort();
        digests.dedup();
        assert_eq!(digests.len(), CATALOG.len());
    }
}
