//! The images part of the Node status the kubelet reports, which the scheduler's ImageLocality reads.
//!
//! Mirrors `pkg/kubelet/nodestatus/setters.go` (`Images`: the runtime's images sorted by size, largest
//! first, at most `nodeStatusMaxImages` = 50, each with its repo digests then repo tags, at most
//! `MaxNamesPerImageInNodeStatus` = 5 names) and the kubelet's node status update through the
//! `nodes/<name>/status` subresource.
//!
//! Simplification: the kubelet reports a new image right after the pull instead of at its next periodic
//! node status update (every 10 s), so a pod scheduled just after sees it.

use k8s_openapi::api::core::v1::{ContainerImage, Node, NodeStatus};

use super::images::ImageStore;

/// `nodeStatusMaxImages` default.
pub const MAX_IMAGES_IN_NODE_STATUS: usize = 50;
/// `MaxNamesPerImageInNodeStatus`.
pub const MAX_NAMES_PER_IMAGE_IN_NODE_STATUS: usize = 5;
/// The sandbox (pause) image every node has: containerd pulls it for the first sandbox.
pub const SANDBOX_IMAGE: &str = "registry.k8s.io/pause:3.10.1";

/// `status.images` for the node's image store.
pub fn node_images(store: &ImageStore) -> Vec<ContainerImage> {
    let mut images: Vec<_> = store.images().collect();
    images.sort_by(|a, b| {
        b.size_bytes
            .cmp(&a.size_bytes)
            .then_with(|| a.repo_digests.cmp(&b.repo_digests))
    });
    images
        .into_iter()
        .take(MAX_IMAGES_IN_NODE_STATUS)
        .map(|image| {
            let names: Vec<String> = image
                .repo_digests
                .iter()
                .chain(image.repo_tags.iter())
                .take(MAX_NAMES_PER_IMAGE_IN_NODE_STATUS)
                .cloned()
                .collect();
            ContainerImage {
                names: Some(names),
                size_bytes: Some(i64::try_from(image.size_bytes).unwrap_or(i64::MAX)),
            }
        })
        .collect()
}

/// The node with `status.images` replaced, ready for an update of `nodes/<name>/status`.
pub fn with_images(node: &Node, images: Vec<ContainerImage>) -> Node {
    let mut node = node.clone();
    let status = node.status.get_or_insert_with(NodeStatus::default);
    status.images = Some(images);
    node
}

/// Seeds an image store from a Node's `status.images` (images a scenario put on the node).
pub fn seed_store(store: &mut ImageStore, node: &Node) {
    for image in node.status.iter().flat_map(|s| s.images.iter().flatten()) {
        let names = image.names.clone().unwrap_or_default();
        let size = image
            .size_bytes
            .and_then(|s| u64::try_from(s).ok())
            .unwrap_or(0);
        store.add_listed(&names, size);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::kubelet::registry::{parse_normalized_named, resolve};

    fn pulled(store: &mut ImageStore, image: &str) {
        let resolved = resolve(&parse_normalized_named(image).unwrap()).unwrap();
        store.add(&resolved);
    }

    #[test]
    fn should_list_images_largest_first_with_digests_then_tags() {
        let mut store = ImageStore::default();
        pulled(&mut store, "busybox:1.28");
        pulled(&mut store, "nginx");
        pulled(&mut store, "nginx:1.29");
        let images = node_images(&store);
        assert_eq!(images.len(), 2);
        let nginx = &images[0];
        assert_eq!(nginx.size_bytes, Some(72_099_501));
        let names = nginx.names.clone().unwrap();
        assert!(names[0].starts_with("docker.io/library/nginx@sha256:"));
        assert_eq!(
            &names[1..],
            [
                "docker.io/library/nginx:1.29",
                "docker.io/library/nginx:latest"
            ]
        );
        assert_eq!(images[1].size_bytes, Some(727_869));
    }

    #[test]
    fn should_cap_the_list_at_fifty_images_and_five_names() {
        let mut store = ImageStore::default();
        for i in 0..60u64 {
            store.add_listed(&[format!("example.com/img{i}:v1")], 1_000 + i);
        }
        let names: Vec<String> = (0..7)
            .map(|i| format!("docker.io/library/app:t{i}"))
            .collect();
        store.add_listed(&names, 5);
        let images = node_images(&store);
        assert_eq!(images.len(), MAX_IMAGES_IN_NODE_STATUS);
        assert_eq!(images[0].size_bytes, Some(1_059));
        let mut small = ImageStore::default();
        small.add_listed(&names, 5);
        assert_eq!(
            node_images(&small)[0].names.as_ref().map(Vec::len),
            Some(MAX_NAMES_PER_IMAGE_IN_NODE_STATUS)
        );
    }

    #[test]
    fn should_seed_the_store_from_the_node_and_write_it_back() {
        let node = Node {
            status: Some(NodeStatus {
                images: Some(vec![ContainerImage {
                    names: Some(vec!["docker.io/library/nginx:1.27".into()]),
                    size_bytes: Some(72_950_530),
                }]),
                ..Default::default()
            }),
            ..Default::default()
        };
        let mut store = ImageStore::default();
        seed_store(&mut store, &node);
        assert!(store
            .lookup(&parse_normalized_named("nginx:1.27").unwrap())
            .is_some());
        let updated = with_images(&node, node_images(&store));
        let images = updated.status.unwrap().images.unwrap();
        assert_eq!(images[0].names.as_ref().map(|n| n.len()), Some(2));
    }
}
