//! The browser entry point (`podflow-web`), built by Trunk from index.html: mount the Yew app.

#[cfg(target_arch = "wasm32")]
fn main() {
    podflow::ui::start();
}

/// Natively there is no page to mount into: point at the right commands instead.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("podflow-web is the browser app: serve it with `./scripts/serve.sh`, or run the CLI with `cargo run --release --bin podflow`.");
    std::process::exit(2);
}
