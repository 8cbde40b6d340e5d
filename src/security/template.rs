//! Chat templates are Jinja programs run by the serving stack on every request. A template that walks
//! from an ordinary object to Python internals (`__class__`, `__globals__`, `__subclasses__`, ...) can
//! reach `os` and run commands: server-side template injection. Legitimate chat templates never touch
//! dunder attributes or these escape hatches, so a plain search for the patterns is precise enough.

use super::finding::Sink;

/// Patterns and what each reaches. Matched case-sensitively, as Jinja attribute names are.
const PATTERNS: &[(&str, &str)] = &[
    ("__class__", "the class of an object"),
    ("__mro__", "the base classes of an object"),
    ("__base__", "the base class of an object"),
    ("__bases__", "the base classes of an object"),
    ("__subclasses__", "every loaded class"),
    ("__globals__", "a function's module globals"),
    ("__builtins__", "Python's builtins"),
    ("__import__", "the import machinery"),
    ("__getattribute__", "arbitrary attributes"),
    ("__init__", "a constructor (a step to its globals)"),
    ("__dict__", "an object's attributes"),
    ("__code__", "a function's bytecode"),
    ("__reduce__", "pickling hooks"),
    ("|attr(", "attributes by computed name, a filter-bypass"),
    ("| attr(", "attributes by computed name, a filter-bypass"),
    ("os.popen", "shell commands"),
    ("os.system", "shell commands"),
    ("subprocess", "process creation"),
    ("popen(", "shell commands"),
    ("cycler.__init__", "Jinja's cycler globals"),
    ("joiner.__init__", "Jinja's joiner globals"),
    ("namespace.__init__", "Jinja's namespace globals"),
    ("lipsum.__globals__", "Jinja's lipsum globals"),
    ("self._TemplateReference", "the template's own context"),
    ("self.__init__", "the template's own context"),
    ("request.application", "the web application's globals"),
    ("config.__class__", "the web application's configuration"),
    (
        "\\x5f\\x5f",
        "an escaped double underscore, hiding a dunder",
    ),
    (
        "\\u005f\\u005f",
        "an escaped double underscore, hiding a dunder",
    ),
    (
        "\\137\\137",
        "an escaped double underscore, hiding a dunder",
    ),
    ("'_'*2", "a built double underscore, hiding a dunder"),
    ("\"_\"*2", "a built double underscore, hiding a dunder"),
];

/// Findings per template are capped.
const MAX_MATCHES: usize = 50;

/// Bytes of context shown around a match.
const CONTEXT: usize = 40;

/// Check one template's text.
pub(crate) fn analyze(template: &str, sink: &mut Sink, what: &str) {
    // Longest patterns first so `cycler.__init__` is reported rather than `__init__` at the same place.
    let mut pats: Vec<&(&str, &str)> = PATTERNS.iter().collect();
    pats.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    let mut covered: Vec<(usize, usize)> = Vec::new();
    let mut hits: Vec<(usize, &str, &str)> = Vec::new();
    for (pat, why) in pats {
        for (i, _) in template.match_indices(pat) {
            let end = i + pat.len();
            if covered.iter().any(|&(a, b)| i < b && a < end) {
                continue;
            }
            covered.push((i, end));
            hits.push((i, pat, why));
        }
    }
    hits.sort_by_key(|h| h.0);
    let total = hits.len();
    for (i, pat, why) in hits.into_iter().take(MAX_MATCHES) {
        sink.add(
            "chat-template-injection",
            Some(i as u64),
            snippet(template, i, pat.len()),
            format!("{what} uses `{pat}`, which reaches {why}: a server-side template injection pattern"),
        );
    }
    if total > MAX_MATCHES {
        sink.add(
            "chat-template-injection",
            None,
            format!("{} more", total - MAX_MATCHES),
            format!(
                "{what} has {} more injection patterns (not listed)",
                total - MAX_MATCHES
            ),
        );
    }
}

/// The match with some context, on one line, cut at character boundaries.
fn snippet(s: &str, at: usize, len: usize) -> String {
    let mut a = at.saturating_sub(CONTEXT);
    while !s.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (at + len + CONTEXT).min(s.len());
    while !s.is_char_boundary(b) {
        b += 1;
    }
    s[a..b].replace(['\n', '\r', '\t'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssti_patterns_with_offsets_and_snippets() {
        let t = "{% for m in messages %}{{ m.content }}{% endfor %}{{ cycler.__init__.__globals__.os.popen('id').read() }}";
        let mut s = Sink::new("tokenizer_config.json");
        analyze(t, &mut s, "chat template");
        let got: Vec<_> = s.out.iter().map(|f| (f.offset.unwrap(), f.code)).collect();
        assert_eq!(got.len(), 3, "{:?}", s.out);
        assert_eq!(got[0].0 as usize, t.find("cycler").unwrap());
        assert!(s.out[0].evidence.contains("cycler.__init__"));
        assert!(s.out.iter().any(|f| f.message.contains("os.popen")));
    }

    #[test]
    fn ordinary_templates_are_clean() {
        let t = "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif loop.last %}{{ raise_exception('x') }}{% endif %}{% endfor %}";
        let mut s = Sink::new("t.jinja");
        analyze(t, &mut s, "chat template");
        assert!(s.out.is_empty());
    }
}
