//! `-h` / `--help` for the examples: the usage block of the example's own
//! doc comment (the first ```` ```text ```` block), so the usage is written
//! once. Included with `#[path]`.

#![allow(dead_code)]

/// Whether `-h` or `--help` is among the arguments.
pub fn asked() -> bool {
    std::env::args().skip(1).any(|a| a == "-h" || a == "--help")
}

/// The first ```` ```text ```` block of the `//!` comment in `source`.
pub fn from_source(source: &str) -> String {
    let mut lines = source
        .lines()
        .map_while(|l| l.strip_prefix("//!"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .skip_while(|l| l.trim() != "```text")
        .skip(1);
    let mut usage = String::new();
    for line in lines.by_ref().take_while(|l| l.trim() != "```") {
        usage.push_str(line);
        usage.push('\n');
    }
    usage
}

/// Prints the usage of the example whose source is `source` and its name.
pub fn print(source: &str, file: &str) {
    print!("{}", from_source(source));
    println!("\nEvery option is described in the doc comment of examples/{file}.");
}
