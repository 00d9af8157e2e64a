//! Hostile input, round 2 (#15): the length cut never leaks the start of a
//! number, and runaway lexicon lines fail fast with a typed error.

use kefu_triage::{Engine, Error, Inquiry, Lexicon, MAX_PATTERN_CHARS, Policy, Problem};

/// Every rendering of a decision a log or an API could show, as one string.
fn rendered(d: &kefu_triage::Decision) -> String {
    format!(
        "{d:?}\n{d}\n{}",
        serde_json::to_string(d).expect("decision serializes")
    )
}

#[test]
fn the_cut_never_leaves_the_start_of_a_number() {
    let limit = 64;
    let engine = Engine::builder()
        .policy({
            let mut p = Policy::default();
            p.max_text_bytes = limit;
            p
        })
        .build()
        .expect("engine");
    let numbers = [
        "13812345678",            // phone
        "33010619900101123X",     // ID card (valid check digit)
        "6222020200112233446",    // a 19-digit card number (Luhn)
        "138-1234-5678",          // grouped phone
        "一三八一二三四五六七八", // in Chinese numerals
        "zhang.san88@qq.com",     // e-mail
    ];
    for number in numbers {
        // Every cut position through the number.
        for filler_len in (limit - number.len() - 2)..limit {
            let filler = "好".repeat(filler_len / 3) + &"!".repeat(filler_len % 3);
            let text = format!("{filler}{number}还有别的事");
            let d = engine.triage(&Inquiry::new(&text));
            let out = rendered(&d);
            let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
            for w in digits.windows(7) {
                let w: String = w.iter().collect();
                assert!(
                    !out.contains(&w),
                    "{number} cut after {filler_len} bytes leaks {w}: {}",
                    d.masked_text
                );
            }
            let prefix: String = number.chars().take(5).collect();
            assert!(
                !d.masked_text.contains(&prefix) || d.masked_text.contains(number),
                "{number} cut after {filler_len} bytes: {:?}",
                d.masked_text
            );
            assert!(d.masked_text.len() <= limit);
        }
    }
    // A cut that falls between words keeps the text up to the cut.
    let text = format!("{}，我的快递到哪了", "退款".repeat(12));
    let d = engine.triage(&Inquiry::new(&text));
    assert!(
        d.masked_text.starts_with(&"退款".repeat(10)),
        "{}",
        d.masked_text
    );
}

#[test]
fn a_runaway_lexicon_line_is_a_typed_error() {
    for lexicon in [
        Lexicon::ProductBrands,
        Lexicon::UserDict,
        Lexicon::IssueCues,
    ] {
        let header = format!("#! kefu-triage {} v1\n", lexicon.format_kind());
        let long = "a".repeat(200_000);
        let line = match lexicon {
            Lexicon::UserDict => format!("{long} 10 n"),
            Lexicon::IssueCues => format!("{long}\tlogistics\t1.0"),
            _ => long,
        };
        let text = format!("{header}# a comment\n{line}\n");
        let e = Engine::builder()
            .lexicon_str(lexicon, "big.txt", &text)
            .build()
            .expect_err("a 200,000-character pattern");
        match &e {
            Error::Data {
                file,
                line,
                problem,
                value,
            } => {
                assert_eq!(file, "big.txt");
                assert_eq!(*line, 3);
                assert_eq!(*problem, Problem::OutOfRange);
                assert!(
                    value.starts_with(&format!(
                        "pattern of 200000 characters (at most {MAX_PATTERN_CHARS})"
                    )),
                    "{value}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
    // At the bound, a pattern is fine.
    let ok = format!(
        "#! kefu-triage product-brands v1\n{}\n",
        "b".repeat(MAX_PATTERN_CHARS)
    );
    Engine::builder()
        .lexicon_str(Lexicon::ProductBrands, "ok.txt", &ok)
        .build()
        .expect("a pattern at the bound");
}
