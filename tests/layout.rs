//! The source tree keeps the shape issue #16 gave it: no file has more
//! than 1,000 lines before its tests, and no file imports another that
//! imports it back, directly or in a circle.
//!
//! A file's imports are the `crate::…`, `super::…` and `self::…` paths in
//! its code outside its `#[cfg(test)] mod tests`, each resolved to the
//! file of the longest module prefix it names, plus the child modules it
//! names (`pii::Detector` in `text/mod.rs`). Declaring a child (`mod x;`)
//! is not an import.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 1000;

/// Module path (`["text", "pii", "kinds"]`) → file.
fn modules() -> BTreeMap<Vec<String>, PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src/ is readable") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files
        .into_iter()
        .map(|f| {
            let rel = f.strip_prefix(&src).expect("under src/").with_extension("");
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(parts.last().map(String::as_str), Some("lib" | "mod")) {
                parts.pop();
            }
            (parts, f)
        })
        .collect()
}

/// The code of a file before its test module, without line comments.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("source is readable");
    let end = text.find("\n#[cfg(test)]\nmod tests").unwrap_or(text.len());
    text[..end]
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The words of `path` (`crate::a::b` → `["crate", "a", "b"]`) starting at
/// each occurrence of `head::` in `code`.
fn paths<'c>(code: &'c str, head: &str) -> Vec<Vec<&'c str>> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let pattern = format!("{head}::");
    let mut from = 0;
    while let Some(at) = code[from..].find(&pattern) {
        let start = from + at;
        from = start + pattern.len();
        if code[..start]
            .chars()
            .next_back()
            .is_some_and(|c| is_word(c) || c == ':')
        {
            continue;
        }
        let mut words = vec![&code[start..start + head.len()]];
        let mut rest = &code[start + head.len()..];
        while let Some(tail) = rest.strip_prefix("::") {
            let len = tail.find(|c: char| !is_word(c)).unwrap_or(tail.len());
            if len == 0 {
                break;
            }
            words.push(&tail[..len]);
            rest = &tail[len..];
        }
        out.push(words);
    }
    out
}

fn imports(
    modules: &BTreeMap<Vec<String>, PathBuf>,
) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let resolve = |parts: &[String]| -> Option<Vec<String>> {
        (0..=parts.len())
            .rev()
            .map(|k| parts[..k].to_vec())
            .find(|p| modules.contains_key(p))
    };
    let mut edges = BTreeMap::new();
    for (module, file) in modules {
        let code = code(file);
        let mut to = BTreeSet::new();
        for head in ["crate", "super", "self"] {
            for words in paths(&code, head) {
                let mut parts: Vec<String> = match head {
                    "crate" => Vec::new(),
                    "super" => module[..module.len().saturating_sub(1)].to_vec(),
                    _ => module.clone(),
                };
                parts.extend(words[1..].iter().map(|w| w.to_string()));
                if let Some(target) = resolve(&parts)
                    && &target != module
                {
                    to.insert(target);
                }
            }
        }
        // Children named by a relative path: `pii::Detector`, `use kinds::…`.
        for other in modules.keys() {
            if other.len() == module.len() + 1 && other.starts_with(module) {
                let child = other.last().expect("a child has a name");
                if !paths(&code, child).is_empty() {
                    to.insert(other.clone());
                }
            }
        }
        edges.insert(module.clone(), to);
    }
    edges
}

#[test]
fn no_source_file_is_over_a_thousand_lines_before_its_tests() {
    let modules = modules();
    assert!(modules.len() > 30, "{} source files", modules.len());
    let long: Vec<String> = modules
        .values()
        .filter_map(|f| {
            let text = std::fs::read_to_string(f).expect("source is readable");
            let end = text.find("\n#[cfg(test)]\nmod tests").unwrap_or(text.len());
            let lines = text[..end].lines().count();
            (lines > MAX_LINES).then(|| format!("{}: {lines} lines", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "{long:#?}");
}

#[test]
fn no_source_file_imports_one_that_imports_it_back() {
    let modules = modules();
    let edges = imports(&modules);
    // The checker sees imports at all: the engine reads the text stage.
    assert!(
        edges[&vec!["engine".to_string(), "stages".to_string()]]
            .contains(&vec!["text".to_string(), "normalize".to_string()])
    );
    // Depth-first search for a back edge.
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark: BTreeMap<&Vec<String>, Mark> = edges.keys().map(|k| (k, Mark::New)).collect();
    let mut cycles = Vec::new();
    fn visit<'a>(
        at: &'a Vec<String>,
        edges: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        mark: &mut BTreeMap<&'a Vec<String>, Mark>,
        stack: &mut Vec<&'a Vec<String>>,
        cycles: &mut Vec<String>,
    ) {
        mark.insert(at, Mark::Open);
        stack.push(at);
        for next in &edges[at] {
            match mark[next] {
                Mark::Open => {
                    let from = stack.iter().position(|m| *m == next).unwrap_or(0);
                    let names: Vec<String> = stack[from..].iter().map(|m| m.join("::")).collect();
                    cycles.push(format!("{} -> {}", names.join(" -> "), next.join("::")));
                }
                Mark::New => visit(next, edges, mark, stack, cycles),
                Mark::Done => {}
            }
        }
        stack.pop();
        mark.insert(at, Mark::Done);
    }
    for module in edges.keys() {
        if mark[module] == Mark::New {
            visit(module, &edges, &mut mark, &mut Vec::new(), &mut cycles);
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}
