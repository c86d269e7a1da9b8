//! podflow's stylesheet, carried in the wasm so one file serves every way podflow is shown.
//!
//! The full page puts it in the document's `<head>`; each docs-page widget puts its own copy in its
//! shadow root, where the host page's styles cannot reach and from where ours cannot leak. Inside a
//! widget, `rem` would mean the *host's* root font size (mdBook sets 62.5%, so 1rem = 10px), so the
//! widget's copy measures those lengths against podflow's own 16 px instead.

/// `static/style.css`, `static/panels.css` and `static/share.css`, without their comments and runs of
/// whitespace (written by `build.rs`).
pub const STYLESHEET: &str = include_str!(concat!(env!("OUT_DIR"), "/stylesheet.css"));

/// The font size podflow's `rem` lengths are written for.
pub const ROOT_FONT_SIZE_PX: f64 = 16.0;

/// What a widget's shadow root needs: the host's inherited styles reset (font, colour, line height and
/// the rest come from podflow), then the stylesheet with `<n>rem` lengths turned into pixels.
pub fn widget_stylesheet() -> String {
    let mut css = String::with_capacity(STYLESHEET.len() + 200);
    css.push_str(":host { all: initial; display: block; }\n");
    css.push_str(&rem_to_px(STYLESHEET));
    css
}

/// Rewrites every `<number>rem` length as pixels at [`ROOT_FONT_SIZE_PX`], leaving everything else
/// (including words that merely end in "rem") as it is.
pub fn rem_to_px(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(at) = rest.find("rem") {
        let (before, after) = rest.split_at(at);
        let number_start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
            .last()
            .map(|(i, _)| i);
        let unit_ends_word = !after[3..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let preceded_by_word = number_start
            .and_then(|i| before[..i].chars().next_back())
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '-' || c == '_');
        match number_start
            .filter(|_| unit_ends_word && !preceded_by_word)
            .and_then(|i| Some((i, before[i..].parse::<f64>().ok()?)))
        {
            Some((i, value)) => {
                out.push_str(&before[..i]);
                let px = value * ROOT_FONT_SIZE_PX;
                out.push_str(&format!("{}px", (px * 1000.0).round() / 1000.0));
            }
            None => {
                out.push_str(before);
                out.push_str("rem");
            }
        }
        rest = &after[3..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_turn_rem_lengths_into_pixels_and_leave_other_text_alone() {
        let cases = [
            ("font-size: 0.9rem;", "font-size: 14.4px;"),
            ("padding: 1rem 0.25rem", "padding: 16px 4px"),
            ("margin: .5rem", "margin: 8px"),
            ("width: 3.6rem 1fr", "width: 57.6px 1fr"),
            ("calc(2rem + 1px)", "calc(32px + 1px)"),
            (
                "--pf-remote: 1; .pf-remove {}",
                "--pf-remote: 1; .pf-remove {}",
            ),
            ("font: 1em lorem", "font: 1em lorem"),
            ("h2rem {}", "h2rem {}"),
            ("1rem", "16px"),
            ("rem", "rem"),
        ];
        for (css, want) in cases {
            assert_eq!(rem_to_px(css), want, "{css}");
        }
    }

    #[test]
    fn should_leave_no_rem_lengths_in_the_widget_stylesheet() {
        let css = widget_stylesheet();
        assert!(css.starts_with(":host { all: initial;"));
        let leftover = css
            .match_indices("rem")
            .filter(|(at, _)| css[..*at].ends_with(|c: char| c.is_ascii_digit()))
            .count();
        assert_eq!(leftover, 0);
        assert!(css.contains(".pf-app"));
    }

    /// The words and punctuation of CSS text, without comments: what minifying must not change.
    fn tokens(css: &str) -> Vec<String> {
        let mut text = css.to_string();
        while let Some(start) = text.find("/*") {
            let end = text[start..]
                .find("*/")
                .map_or(text.len(), |e| start + e + 2);
            text.replace_range(start..end, " ");
        }
        let mut out = Vec::new();
        for word in text.split_whitespace() {
            let mut current = String::new();
            for c in word.chars() {
                if matches!(c, '{' | '}' | ';' | ',' | ':') {
                    if !current.is_empty() {
                        out.push(std::mem::take(&mut current));
                    }
                    out.push(c.to_string());
                } else {
                    current.push(c);
                }
            }
            if !current.is_empty() {
                out.push(current);
            }
        }
        out
    }

    #[test]
    fn should_carry_the_stylesheets_rules_unchanged_without_comments_and_spacing() {
        let sources = concat!(
            include_str!("../../static/style.css"),
            "\n",
            include_str!("../../static/panels.css"),
            "\n",
            include_str!("../../static/share.css")
        );
        assert_eq!(tokens(STYLESHEET), tokens(sources));
        assert!(!STYLESHEET.contains("/*"));
        assert!(!STYLESHEET.contains("  "));
        assert!(STYLESHEET.len() < sources.len() * 9 / 10);
        // A space before `:` is a descendant combinator and stays.
        assert!(STYLESHEET.contains(".pf-app :focus-visible{"));
    }
}
