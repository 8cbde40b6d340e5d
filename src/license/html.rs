//! HTML to text for licence pages saved next to a model (`GEMMA_TERMS.html`, `LICENSE.html`): tags are
//! dropped, comments and the contents of `script`, `style`, `template` and `noscript` removed, block
//! elements become line breaks and the common character references are decoded. This is not an HTML
//! parser: it only lets the title and clause matchers see the words a browser would show. One pass,
//! linear in the input, never panics; the output is never longer than the input plus its line breaks.

/// Elements whose content is never shown as text.
const HIDDEN: &[&str] = &["script", "style", "template", "noscript"];

/// Elements that start a new line when rendered.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "title",
    "tr",
    "ul",
];

/// True when `text` starts like an HTML document (after a byte-order mark and blank space):
/// `<!doctype html`, `<html`, `<head` or `<body`, in any case.
pub fn looks_like_html(text: &str) -> bool {
    let t = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let head: String = t.chars().take(16).collect::<String>().to_ascii_lowercase();
    ["<!doctype html", "<html", "<head", "<body"]
        .iter()
        .any(|p| head.starts_with(p))
}

/// The visible text of an HTML document or fragment.
pub fn html_to_text(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len() / 2);
    let mut i = 0;
    while i < html.len() {
        match bytes[i] {
            b'<' => {
                if lower[i..].starts_with("<!--") {
                    i = lower[i + 4..]
                        .find("-->")
                        .map_or(html.len(), |j| i + 4 + j + 3);
                    continue;
                }
                let Some((name, closing, end)) = tag_at(&lower, i) else {
                    out.push('<');
                    i += 1;
                    continue;
                };
                i = end;
                if !closing && HIDDEN.contains(&name) {
                    let close = format!("</{name}");
                    i = match lower[i..].find(&close) {
                        Some(j) => lower[i + j..]
                            .find('>')
                            .map_or(html.len(), |k| i + j + k + 1),
                        None => html.len(),
                    };
                } else if BLOCKS.contains(&name) {
                    out.push('\n');
                }
            }
            b'&' => {
                let (text, len) = entity(&html[i..]);
                match text {
                    Some(c) => out.push(c),
                    None => out.push('&'),
                }
                i += len;
            }
            _ => {
                // Copy up to the next markup character in one go (char boundaries: '<' and '&' are ASCII).
                let next = html[i..].find(['<', '&']).map_or(html.len(), |j| i + j);
                out.push_str(&html[i..next]);
                i = next;
            }
        }
    }
    out
}

/// The tag starting at `i` (`<name ...>` or `</name ...>`): its lower-case name, whether it closes,
/// and the offset after its `>`. `None` when `<` does not start a tag (`a < b`, `<3`).
fn tag_at(lower: &str, i: usize) -> Option<(&str, bool, usize)> {
    let rest = &lower[i + 1..];
    let (closing, rest, skip) = match rest.strip_prefix('/') {
        Some(r) => (true, r, 2),
        None => (false, rest, 1),
    };
    let name_len = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    let starts_alpha = rest.as_bytes().first().is_some_and(u8::is_ascii_alphabetic);
    if !starts_alpha {
        // `<!doctype ...>` and other declarations are skipped like tags.
        if rest.starts_with('!') || rest.starts_with('?') {
            let end = lower[i..].find('>').map_or(lower.len(), |j| i + j + 1);
            return Some(("", closing, end));
        }
        return None;
    }
    let name = &rest[..name_len];
    // Find the closing `>` outside quoted attribute values.
    let start = i + skip + name_len;
    let mut quote: Option<u8> = None;
    for (k, &b) in lower.as_bytes()[start..].iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return Some((name, closing, start + k + 1)),
            None => {}
        }
    }
    Some((name, closing, lower.len()))
}

/// A character reference at the start of `s` (which starts with `&`): the character and the bytes it
/// spans, or `(None, 1)` when it is not one this decoder knows.
fn entity(s: &str) -> (Option<char>, usize) {
    let Some(semi) = s.get(1..s.len().min(12)).and_then(|t| t.find(';')) else {
        return (None, 1);
    };
    let body = &s[1..1 + semi];
    let c = if let Some(num) = body.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        };
        n.and_then(char::from_u32)
    } else {
        Some(match body {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" | "lsquo" | "rsquo" => '\'',
            "ldquo" | "rdquo" => '"',
            "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
            "ndash" | "mdash" => '-',
            "hellip" => '…',
            "copy" => '©',
            "reg" => '®',
            "trade" => '™',
            "sect" => '§',
            _ => return (None, 1),
        })
    };
    match c {
        Some(c) => (Some(c), semi + 2),
        None => (None, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_text_only() {
        let t = html_to_text(
            "<!DOCTYPE html><html><head><title>Acme Terms</title><style>p{color:red}</style>\
             <script type=\"x\">if (a < b) { alert('</p>') }</script></head>\
             <body><!-- hidden --><h1 class='a>b'>Acme&nbsp;Model Terms &amp; Conditions</h1>\
             <p>Don&#8217;t &#x41;buse.</p>a < b &unknown; &</body></html>",
        );
        assert!(!t.contains("color"), "{t}");
        assert!(!t.contains("alert"), "{t}");
        assert!(!t.contains("hidden"), "{t}");
        assert!(t.contains("Acme Terms\n"), "{t}");
        assert!(t.contains("Acme Model Terms & Conditions"), "{t}");
        assert!(t.contains("Don\u{2019}t Abuse."), "{t}");
        assert!(t.contains("a < b &unknown; &"), "{t}");
    }

    #[test]
    fn unclosed_markup_runs_to_the_end_without_panicking() {
        assert_eq!(html_to_text("a<!-- never closed"), "a");
        assert_eq!(html_to_text("a<script>x"), "a");
        assert_eq!(html_to_text("a<p class=\"x"), "a\n");
        assert_eq!(html_to_text("é<é>&#xffffffff;&#;&"), "é<é>&#xffffffff;&#;&");
    }

    #[test]
    fn html_is_recognised_by_its_start() {
        assert!(looks_like_html("\u{feff}\n <!DOCTYPE html>"));
        assert!(looks_like_html("<HTML lang=en>"));
        assert!(!looks_like_html("# Licence\n<p>inline</p>"));
        assert!(!looks_like_html("MIT License"));
    }
}
