//! Test support: the kubernetes.io examples corpus (`shared/testdata/kubernetes-website-examples`, next to
//! the crate in CI; `PODFLOW_SHARED_DIR` may point at another `shared/`), for the tests that check the API
//! server's decoding, validation and podflow's own serde code against every real manifest.

use std::path::{Path, PathBuf};

/// The corpus directory.
pub fn dir() -> PathBuf {
    match std::env::var("PODFLOW_SHARED_DIR") {
        Ok(shared) => Path::new(&shared).join("testdata/kubernetes-website-examples"),
        Err(_) => Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/testdata/kubernetes-website-examples"
        ))
        .to_path_buf(),
    }
}

/// Every `.yaml` file of the corpus, in path order.
pub fn yaml_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    collect_yaml(&dir(), &mut files);
    assert!(files.len() > 50, "the examples corpus is missing");
    files
}

fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_yaml(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

/// Every YAML document of the corpus as the JSON kubectl would send (`engine::yaml`), labelled with
/// its file, in path order. A file kubectl could not read contributes no document.
pub fn documents() -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    for file in yaml_files() {
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let documents = crate::engine::yaml::read_documents(&text, usize::MAX).unwrap_or_default();
        for value in documents {
            out.push((file.display().to_string(), value));
        }
    }
    out
}
