//! Where a policy came from and where a key or value sits in its text,
//! for error lines.

/// 1-based line of byte offset `at` in `text`.
pub(super) fn line_at(text: &str, at: usize) -> usize {
    1 + text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// 1-based line where `key` first appears as a JSON key (`"key"`) or a
/// TOML key (`key =` at a line start); 1 when it does not.
pub(super) fn line_of(text: &str, key: &str) -> usize {
    let quoted = format!("\"{key}\"");
    text.lines()
        .position(|l| {
            l.contains(&quoted) || {
                let t = l.trim_start();
                t.strip_prefix(key)
                    .is_some_and(|r| r.trim_start().starts_with('='))
            }
        })
        .map_or(1, |i| i + 1)
}

/// 1-based line of the last key of `path`, each key looked for after the
/// one before it (`["overflow", "vip", "to"]`); 0 for a policy built in
/// code (no text).
pub(super) fn line_of_path(text: &str, path: &[&str]) -> usize {
    if text.is_empty() {
        return 0;
    }
    let mut at = 0;
    for key in path {
        let quoted = format!("\"{key}\"");
        match text[at..].find(&quoted) {
            Some(i) => at += i,
            None => break,
        }
    }
    line_at(text, at)
}

/// The last `"key":` on 1-based `line` left of 1-based `column`.
pub(super) fn key_before(text: &str, line: usize, column: usize) -> Option<&str> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let upto = l.get(..column.min(l.len()))?;
    let colon = upto.rfind("\":")?;
    let start = upto[..colon].rfind('"')? + 1;
    Some(&upto[start..colon])
}

/// Where a policy was parsed from. Never part of equality.
#[derive(Clone, Default)]
pub(crate) struct Origin(pub(crate) Option<std::sync::Arc<OriginText>>);

pub(crate) struct OriginText {
    pub(crate) file: String,
    pub(crate) text: String,
    pub(crate) toml: bool,
}

impl PartialEq for Origin {
    fn eq(&self, _: &Origin) -> bool {
        true
    }
}

impl std::fmt::Debug for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(o) => write!(f, "{:?}", o.file),
            None => f.write_str("None"),
        }
    }
}
