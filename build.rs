//! Build script: writes podflow's stylesheet (`static/style.css`, `panels.css`, `share.css`, in that order)
//! without comments and runs of whitespace to `$OUT_DIR/stylesheet.css`, the copy `src/ui/stylesheet.rs`
//! carries in the wasm (the sources keep their comments and layout; the page downloads ~5 KB less).
//!
//! The rewrite changes no rule: quoted strings are copied as they are, a run of whitespace becomes one
//! space, and that space is dropped only next to `{`, `}`, `;` and `,`, or after `:` (a space *before* `:`
//! can be a descendant combinator, `.a :focus`, and is kept).

use std::path::Path;

const SOURCES: [&str; 3] = ["static/style.css", "static/panels.css", "static/share.css"];

fn main() {
    let mut css = String::new();
    for source in SOURCES {
        println!("cargo:rerun-if-changed={source}");
        let text =
            std::fs::read_to_string(source).unwrap_or_else(|e| panic!("cannot read {source}: {e}"));
        css.push_str(&text);
        css.push('\n');
    }
    println!("cargo:rerun-if-changed=build.rs");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("stylesheet.css"), minify_css(&css))
        .expect("OUT_DIR is writable");
}

fn minify_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut previous = ' ';
                for c in chars.by_ref() {
                    if previous == '*' && c == '/' {
                        break;
                    }
                    previous = c;
                }
                pending_space = true;
            }
            c if c.is_whitespace() => pending_space = true,
            '"' | '\'' => {
                push_space(&mut out, &mut pending_space, c);
                out.push(c);
                let mut escaped = false;
                for s in chars.by_ref() {
                    out.push(s);
                    if escaped {
                        escaped = false;
                    } else if s == '\\' {
                        escaped = true;
                    } else if s == c {
                        break;
                    }
                }
            }
            c => {
                push_space(&mut out, &mut pending_space, c);
                out.push(c);
            }
        }
    }
    out
}

/// Writes the space a run of whitespace (or a comment) left before `next`, unless it is not needed.
fn push_space(out: &mut String, pending_space: &mut bool, next: char) {
    if std::mem::take(pending_space)
        && !out.is_empty()
        && !matches!(next, '{' | '}' | ';' | ',')
        && !out.ends_with(['{', '}', ';', ',', ':'])
    {
        out.push(' ');
    }
}
