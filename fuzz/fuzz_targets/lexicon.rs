//! Data files: `Engine::builder().lexicon_str(kind, "f", text).build()` for
//! every lexicon kind, and `Policy::from_json_str`, on arbitrary bytes.
//! Either an `Error` naming the file or an engine that triages without
//! panicking — never a panic.
//!
//! The first byte picks the target: `sel % 10` is a lexicon kind (0–8) or
//! the policy (9); when `sel & 0x80` is set, the kind's format header is
//! put in front of the text so the fuzzer explores the lines, not just the
//! header check.

#![no_main]

use kefu_triage::{Engine, Error, Inquiry, Lexicon, Policy};
use libfuzzer_sys::fuzz_target;

/// A data error reads `<file>:<line>: <problem>: <value>`. The file is the
/// fuzzed one (`f`) or, when a replaced file changes what another one may
/// say (a taxonomy without `complaint` makes the embedded cues invalid),
/// that other file.
fn check_error(e: &Error) {
    let msg = e.to_string();
    assert!(e.problem().is_some(), "not a data error: {msg}");
    let (file, rest) = msg.split_once(':').expect("file name");
    assert!(!file.is_empty(), "{msg}");
    let (line, _) = rest.split_once(": ").expect("line");
    assert!(line.parse::<usize>().is_ok(), "no line number: {msg}");
}

const PROBE: &str = "快递三天没动了，转人工！我电话13812345678，退款😡 SF1234567890123";

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let body = String::from_utf8_lossy(rest);
    let which = usize::from(sel % 10);
    let engine = if which < Lexicon::ALL.len() {
        let lexicon = Lexicon::ALL[which];
        let text = if sel & 0x80 != 0 {
            format!("#! kefu-triage {} v1\n{body}", lexicon.format_kind())
        } else {
            body.into_owned()
        };
        match Engine::builder().lexicon_str(lexicon, "f", &text).build() {
            Ok(e) => e,
            Err(e) => {
                check_error(&e);
                return;
            }
        }
    } else {
        match Policy::from_json_str("f", &body) {
            Ok(p) => match Engine::builder().policy(p).build() {
                Ok(e) => e,
                Err(e) => {
                    check_error(&e);
                    return;
                }
            },
            Err(e) => {
                assert!(e.to_string().starts_with("f:"), "{e}");
                return;
            }
        }
    };
    let d = engine.triage(&Inquiry::new(PROBE));
    for r in &d.reasons {
        for e in &r.evidence {
            assert!(PROBE.get(e.start..e.end).is_some());
        }
    }
});
