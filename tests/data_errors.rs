//! Broken data files give errors that name the file, the line and the
//! offending value — exactly. Files are written to the system temp
//! directory and read back through the builder's `*_path` methods, the way
//! a deployment replaces them.

use std::path::{Path, PathBuf};

use kefu_triage::{Engine, Error, Lexicon, Policy, Problem};

/// A file in a per-process temp directory, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> TempFile {
        let dir =
            std::env::temp_dir().join(format!("kefu-triage-data-errors-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write temp file");
        TempFile(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn name(&self) -> String {
        self.0.display().to_string()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn lexicon_error(lexicon: Lexicon, name: &str, bytes: &[u8]) -> (String, Error) {
    let f = TempFile::new(name, bytes);
    let e = Engine::builder()
        .lexicon_path(lexicon, f.path())
        .build()
        .expect_err(name);
    (f.name(), e)
}

fn policy_error(name: &str, bytes: &[u8]) -> (String, Error) {
    let f = TempFile::new(name, bytes);
    let e = Engine::builder()
        .policy_path(f.path())
        .build()
        .expect_err(name);
    (f.name(), e)
}

/// Asserts the whole message: `<file>:<line>: <problem>: <value>`.
fn assert_message(
    lexicon: Lexicon,
    name: &str,
    text: &str,
    line: usize,
    rest: &str,
    problem: Problem,
) {
    let (file, e) = lexicon_error(lexicon, name, text.as_bytes());
    assert_eq!(e.to_string(), format!("{file}:{line}: {rest}"), "{name}");
    assert_eq!(e.problem(), Some(problem), "{name}");
}

#[test]
fn malformed_lines() {
    use Lexicon::*;
    use Problem::*;
    let cases: &[(Lexicon, &str, &str, usize, &str, Problem)] = &[
        (
            IssueCues,
            "cols3.tsv",
            "#! kefu-triage issue-cues v1\n# comment\n快递\tlogistics\n",
            3,
            r#"wrong number of columns: "快递\tlogistics""#,
            WrongColumnCount,
        ),
        (
            IssueCues,
            "cols4.tsv",
            "#! kefu-triage issue-cues v1\n快递\tlogistics\t1\textra\n",
            2,
            r#"wrong number of columns: "快递\tlogistics\t1\textra""#,
            WrongColumnCount,
        ),
        (
            IssueCues,
            "header.tsv",
            "#! kefu-triage sentiment v1\n快递\tlogistics\t1\n",
            1,
            r##"bad or missing format header: "#! kefu-triage sentiment v1""##,
            BadHeader,
        ),
        (
            IssueCues,
            "empty.tsv",
            "",
            1,
            r#"bad or missing format header: """#,
            BadHeader,
        ),
        (
            IssueCues,
            "empty_pattern.tsv",
            "#! kefu-triage issue-cues v1\n\u{200b}\tlogistics\t1\n",
            2,
            r#"empty pattern: "\u{200b}""#,
            EmptyPattern,
        ),
        (
            Escalation,
            "kind.tsv",
            "#! kefu-triage escalation v1\n转人工\thuman\t1\n",
            2,
            r#"unknown kind: "human""#,
            UnknownKind,
        ),
        (
            Sentiment,
            "sentiment_kind.tsv",
            "#! kefu-triage sentiment v1\n\n差\tbad\t1\n",
            3,
            r#"unknown kind: "bad""#,
            UnknownKind,
        ),
        (
            UserDict,
            "dict.txt",
            "#! kefu-triage user-dict v1\n快递 3 n extra\n",
            2,
            r#"wrong number of columns: "快递 3 n extra""#,
            WrongColumnCount,
        ),
        (
            Taxonomy,
            "taxonomy_label.tsv",
            "#! kefu-triage taxonomy v1\nLogistics\t物流\tlogistics\td\n",
            2,
            r#"unknown issue label: "Logistics""#,
            UnknownLabel,
        ),
        (
            Taxonomy,
            "taxonomy_other.tsv",
            "#! kefu-triage taxonomy v1\nlogistics\t物流\tlogistics\td\n",
            0,
            r#"missing entry: "other""#,
            Missing,
        ),
        (
            SentimentModel,
            "model_classes.tsv",
            "#! kefu-triage sentiment-model v1\nlabels\tpositive\tnegative\ntemperature\t1\nnorm\t0.5\nbias\t0\t0\n",
            2,
            r#"invalid model: "positive\tnegative""#,
            BadModel,
        ),
        (
            IssueModel,
            "model_short.tsv",
            "#! kefu-triage issue-model v1\nlabels\tlogistics\tother\ntemperature\t1\n",
            0,
            r#"missing entry: "norm""#,
            Missing,
        ),
    ];
    for &(lexicon, name, text, line, rest, problem) in cases {
        assert_message(lexicon, name, text, line, rest, problem);
    }
}

#[test]
fn duplicate_entries() {
    use Lexicon::*;
    let cases: &[(Lexicon, &str, &str, usize, &str)] = &[
        // Duplicates are found after normalization: `快 递` is `快递`.
        (
            IssueCues,
            "dup_cues.tsv",
            "#! kefu-triage issue-cues v1\n快递\tlogistics\t1\n快 递\tlogistics\t2\n",
            3,
            r#""快 递\tlogistics\t2""#,
        ),
        // … and traditional characters are folded: `轉人工` is `转人工`.
        (
            Escalation,
            "dup_escalation.tsv",
            "#! kefu-triage escalation v1\n转人工\thuman_request\t1\n轉人工\thuman_request\t1\n",
            3,
            r#""轉人工\thuman_request\t1""#,
        ),
        (
            Taxonomy,
            "dup_taxonomy.tsv",
            "#! kefu-triage taxonomy v1\nlogistics\t物流\tlogistics\td\nlogistics\t物流\tlogistics\td\nother\t其他\tgeneral\td\n",
            3,
            r#""logistics""#,
        ),
        (
            ProductBrands,
            "dup_brands.txt",
            "#! kefu-triage product-brands v1\n小米\nXiaomi\nＸＩＡＯＭＩ\n",
            4,
            r#""ＸＩＡＯＭＩ""#,
        ),
    ];
    for &(lexicon, name, text, line, value) in cases {
        assert_message(
            lexicon,
            name,
            text,
            line,
            &format!("duplicate entry: {value}"),
            Problem::DuplicateEntry,
        );
    }
}

#[test]
fn bad_weights() {
    for (i, w) in ["lots", "-1", "11", "inf", "NaN", ""].iter().enumerate() {
        let text = format!("#! kefu-triage issue-cues v1\n快递\tlogistics\t{w}\n");
        assert_message(
            Lexicon::IssueCues,
            &format!("weight{i}.tsv"),
            &text,
            2,
            &format!("bad weight: {w:?}"),
            Problem::BadWeight,
        );
    }
    assert_message(
        Lexicon::Sentiment,
        "sentiment_weight.tsv",
        "#! kefu-triage sentiment v1\n差\tnegative\t1e3\n",
        2,
        r#"bad weight: "1e3""#,
        Problem::BadWeight,
    );
    assert_message(
        Lexicon::UserDict,
        "dict_freq.txt",
        "#! kefu-triage user-dict v1\n快递 many n\n",
        2,
        r#"bad weight: "many""#,
        Problem::BadWeight,
    );
    let model = "#! kefu-triage sentiment-model v1\nlabels\tnot_negative\tnegative\ntemperature\t1\nnorm\t0.5\nbias\t0\t0\nb差\t1:1e9\n";
    assert_message(
        Lexicon::SentimentModel,
        "model_weight.tsv",
        model,
        6,
        r#"bad weight: "1e9""#,
        Problem::BadWeight,
    );
}

#[test]
fn unknown_labels() {
    assert_message(
        Lexicon::IssueCues,
        "label.tsv",
        "#! kefu-triage issue-cues v1\n快递\tlogistics\t1\n快递\tshipping\t1\n",
        3,
        r#"unknown issue label: "shipping""#,
        Problem::UnknownLabel,
    );
    assert_message(
        Lexicon::IssueModel,
        "model_label.tsv",
        "#! kefu-triage issue-model v1\n# c\nlabels\tlogistics\tshipping\ntemperature\t1\nnorm\t0.5\nbias\t0\t0\n",
        3,
        r#"unknown issue label: "shipping""#,
        Problem::UnknownLabel,
    );
}

#[test]
fn invalid_utf8_in_files() {
    let (file, e) = lexicon_error(
        Lexicon::IssueCues,
        "utf8.tsv",
        b"#! kefu-triage issue-cues v1\nok\tlogistics\t1\n\xff\xfe\tlogistics\t1\n",
    );
    assert_eq!(
        e.to_string(),
        format!(r#"{file}:3: invalid utf-8: "bytes ff fe 09 6c""#)
    );
    assert_eq!(e.problem(), Some(Problem::InvalidUtf8));
    // A truncated multi-byte character at the very end.
    let (file, e) = lexicon_error(
        Lexicon::ProductBrands,
        "utf8_end.txt",
        b"#! kefu-triage product-brands v1\n\xe5\xb0",
    );
    assert_eq!(
        e.to_string(),
        format!(r#"{file}:2: invalid utf-8: "bytes e5 b0""#)
    );
    let (file, e) = policy_error(
        "utf8.json",
        b"{\"format\": \"kefu-triage policy v1\",\n \"groups\": {\"vip_queue\": \"\xff\"}}",
    );
    assert_eq!(
        e.to_string(),
        format!(r#"{file}:2: invalid utf-8: "bytes ff 22 7d 7d""#)
    );
}

#[test]
fn unreadable_file() {
    let dir = std::env::temp_dir().join(format!("kefu-triage-missing-{}", std::process::id()));
    let path = dir.join("nope.tsv");
    let e = Engine::builder()
        .lexicon_path(Lexicon::IssueCues, &path)
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::Io { .. }));
    assert!(
        e.to_string()
            .starts_with(&format!("{}: cannot read: ", path.display())),
        "{e}"
    );
    assert_eq!(e.problem(), None);
}

#[test]
fn policy_files_with_wrong_types() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "type_u32.json",
            "{\"format\": \"kefu-triage policy v1\",\n \"repeat_contacts\": \"two\"}",
            r#"2: invalid policy: repeat_contacts: invalid type: string "two", expected u32 at line 2 column 25"#,
        ),
        (
            "type_usize.json",
            "{\"format\": \"kefu-triage policy v1\",\n \"max_text_bytes\": -5}",
            r#"2: invalid policy: max_text_bytes: invalid value: integer `-5`, expected usize at line 2 column 21"#,
        ),
        (
            "type_list.json",
            "{\"format\": \"kefu-triage policy v1\",\n \"high_risk_labels\": \"privacy\"}",
            r#"2: invalid policy: high_risk_labels: invalid type: string "privacy", expected a sequence at line 2 column 30"#,
        ),
        (
            "type_string.json",
            "{\"format\": \"kefu-triage policy v1\",\n \"groups\": {\"threat\": 5}}",
            r#"2: invalid policy: threat: invalid type: integer `5`, expected a string at line 2 column 23"#,
        ),
        (
            "type_bool.json",
            "{\"format\": \"kefu-triage policy v1\",\n\n \"angry_complaint_is_high_risk\": \"yes\"}",
            r#"3: invalid policy: angry_complaint_is_high_risk: invalid type: string "yes", expected a boolean at line 3 column 38"#,
        ),
        (
            "type_u8.json",
            "{\"format\": \"kefu-triage policy v1\",\n \"priority\": {\"vip\": 300}}",
            r#"2: invalid policy: vip: invalid value: integer `300`, expected u8 at line 2 column 24"#,
        ),
        (
            "unknown_industry.json",
            "{\"format\": \"kefu-triage policy v1\",\n \"industries\": {\"spaceflight\": {}}}",
            "2: invalid policy: industries: unknown variant `spaceflight`, expected one of `ecommerce`, \
             `local_life`, `education`, `medical_beauty`, `finance`, `electronics`, `travel` \
             at line 2 column 29",
        ),
        (
            "duplicate_field.json",
            "{\"format\": \"kefu-triage policy v1\",\n \"repeat_contacts\": 1,\n \"repeat_contacts\": 2}",
            r#"3: invalid policy: duplicate field `repeat_contacts` at line 3 column 18"#,
        ),
        (
            "trailing_comma.json",
            "{\"format\": \"kefu-triage policy v1\",\n}",
            r#"2: invalid policy: trailing comma at line 2 column 1"#,
        ),
        (
            "empty.json",
            "",
            r#"1: invalid policy: expected a JSON object, found """#,
        ),
    ];
    for &(name, json, rest) in cases {
        let (file, e) = policy_error(name, json.as_bytes());
        assert_eq!(e.to_string(), format!("{file}:{rest}"), "{name}");
        assert_eq!(e.problem(), Some(Problem::BadPolicy), "{name}");
    }
}

#[test]
fn policy_files_with_bad_values() {
    // Checked after parsing: the message names the field and the value,
    // and the line the field is on.
    let cases: &[(&str, &str, &str, Problem)] = &[
        (
            "range.json",
            "{\"format\": \"kefu-triage policy v1\",\n \"escalate_negativity\": 2.0}",
            r#"2: invalid policy: escalate_negativity = 2 (allowed 0..=1)"#,
            Problem::BadPolicy,
        ),
        (
            "priority.json",
            "{\"format\": \"kefu-triage policy v1\",\n \"priority\": {\"vip\": 12}}",
            r#"2: invalid policy: priority.vip = 12 (allowed 0..=9)"#,
            Problem::BadPolicy,
        ),
        (
            "format.json",
            "{\"format\": \"kefu-triage policy v2\"}",
            r#"1: invalid policy: format = "kefu-triage policy v2""#,
            Problem::BadPolicy,
        ),
        (
            "max_bytes.json",
            "{\"format\": \"kefu-triage policy v1\", \"max_text_bytes\": 5}",
            r#"1: invalid policy: max_text_bytes = 5 (allowed 16..=16777216)"#,
            Problem::BadPolicy,
        ),
        (
            "max_bytes_huge.json",
            "{\"format\": \"kefu-triage policy v1\", \"max_text_bytes\": 18446744073709551615}",
            r#"1: invalid policy: max_text_bytes = 18446744073709551615 (allowed 16..=16777216)"#,
            Problem::BadPolicy,
        ),
        (
            "promotion.json",
            "{\"format\": \"kefu-triage policy v1\",\n \"load\": {\"hourly\": [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],\n \"promotion_multiplier\": 1e308}}",
            r#"3: invalid policy: load.promotion_multiplier = 1e308 (allowed above 0, up to 100)"#,
            Problem::BadPolicy,
        ),
        (
            "hourly.toml",
            "format = \"kefu-triage policy v1\"\n[load]\nhourly = [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,-1]\npromotion_multiplier = 2.0\n",
            r#"3: invalid policy: load.hourly = -1 (allowed 0..=100)"#,
            Problem::BadPolicy,
        ),
        (
            "repeat.json",
            "{\"format\": \"kefu-triage policy v1\", \"repeat_contacts\": 4000000000}",
            r#"1: invalid policy: repeat_contacts = 4000000000 (allowed 0..=1000)"#,
            Problem::BadPolicy,
        ),
        (
            "aging.json",
            "{\"format\": \"kefu-triage policy v1\", \"aging\": {\"step_seconds\": 0, \"max_wait_seconds\": 60}}",
            r#"1: invalid policy: aging.step_seconds = 0 (allowed 1..=86400)"#,
            Problem::BadPolicy,
        ),
        // A policy must say it is one: an empty file or `{}` is not the
        // shipped policy.
        (
            "empty_object.json",
            "{}",
            r#"1: invalid policy: format: missing (a policy starts with format = "kefu-triage policy v1")"#,
            Problem::BadPolicy,
        ),
        (
            "empty.toml",
            "",
            r#"1: invalid policy: format: missing (a policy starts with format = "kefu-triage policy v1")"#,
            Problem::BadPolicy,
        ),
        (
            "no_format.toml",
            "repeat_contacts = 3\n",
            r#"1: invalid policy: format: missing (a policy starts with format = "kefu-triage policy v1")"#,
            Problem::BadPolicy,
        ),
        (
            "no_human_channel.json",
            "{\"format\": \"kefu-triage policy v1\",\n \"industries\": {\"travel\":\n {\"disabled_channels\": [\"human_chat\", \"phone_callback\", \"ticket\", \"phone\"]}}}",
            r#"3: invalid policy: industries.travel.disabled_channels = ["human_chat", "phone_callback", "ticket", "phone"] (at least one human channel must stay open)"#,
            Problem::BadPolicy,
        ),
        (
            "type.toml",
            "format = \"kefu-triage policy v1\"\nrepeat_contacts = \"two\"\n",
            r#"2: invalid policy: repeat_contacts: invalid type: string "two", expected u32"#,
            Problem::BadPolicy,
        ),
        (
            "range.toml",
            "format = \"kefu-triage policy v1\"\n\nescalate_negativity = 2.0\n",
            r#"3: invalid policy: escalate_negativity = 2 (allowed 0..=1)"#,
            Problem::BadPolicy,
        ),
        // Labels are checked against the taxonomy when the engine is
        // built; the error names the line and the field.
        (
            "labels.json",
            "{\"format\": \"kefu-triage policy v1\",\n \"high_risk_labels\": [\"privacy\", \"nope\"]}",
            r#"2: unknown issue label: "high_risk_labels: nope""#,
            Problem::UnknownLabel,
        ),
        (
            "skill_labels.json",
            "{\"format\": \"kefu-triage policy v1\",\n \"industries\": {\"ecommerce\": {\"skill_groups\": {\"shipping\": \"x\"}}}}",
            r#"2: unknown issue label: "industries.ecommerce.skill_groups: shipping""#,
            Problem::UnknownLabel,
        ),
    ];
    for &(name, json, rest, problem) in cases {
        let (file, e) = policy_error(name, json.as_bytes());
        assert_eq!(e.to_string(), format!("{file}:{rest}"), "{name}");
        assert_eq!(e.problem(), Some(problem), "{name}");
    }
}

/// A byte-order mark is accepted in a policy as in every lexicon file.
#[test]
fn byte_order_marks_are_accepted_everywhere() {
    for (name, text) in [
        (
            "bom.json",
            "\u{feff}{\"format\": \"kefu-triage policy v1\", \"repeat_contacts\": 3}",
        ),
        (
            "bom.toml",
            "\u{feff}format = \"kefu-triage policy v1\"\nrepeat_contacts = 3\n",
        ),
    ] {
        let f = TempFile::new(name, text.as_bytes());
        let p = kefu_triage::Policy::from_path(f.path()).expect(name);
        assert_eq!(p.repeat_contacts, 3, "{name}");
        Engine::builder().policy_path(f.path()).build().expect(name);
    }
    let dict = "\u{feff}#! kefu-triage user-dict v1\n团购券 100 n\n";
    let f = TempFile::new("bom_dict.txt", dict.as_bytes());
    Engine::builder()
        .lexicon_path(Lexicon::UserDict, f.path())
        .build()
        .expect("dictionary with a byte-order mark");
}

/// An unknown label names its line and field; a type error names the
/// field; a JSON array is not a policy (serde's positional form of a struct
/// would otherwise make `[]` silently mean the shipped policy).
#[test]
fn policy_errors_name_line_and_field() {
    let (file, e) = policy_error(
        "gap_label.json",
        b"{\"format\": \"kefu-triage policy v1\",\n \"high_risk_labels\": [\"nope\"]}",
    );
    assert!(e.to_string().starts_with(&format!("{file}:2: ")), "{e}");
    assert!(e.to_string().contains("high_risk_labels"), "{e}");
    let (_, e) = policy_error(
        "gap_type.json",
        b"{\"format\": \"kefu-triage policy v1\",\n \"repeat_contacts\": \"two\"}",
    );
    assert!(e.to_string().contains("repeat_contacts"), "{e}");
    let f = TempFile::new("gap_array.json", b"[]");
    assert!(Engine::builder().policy_path(f.path()).build().is_err());
}

/// A mistake found only when the engine is built (an overflow to a group
/// nothing routes to) still names the file, the line of the field and the
/// value as written.
#[test]
fn build_time_policy_errors_name_the_line_of_the_field() {
    let text = "{\"format\": \"kefu-triage policy v1\",\n \"overflow\": {\n  \"logistics\": {\n   \"after_seconds\": 60,\n   \"to\": \"nobody\"}}}";
    let f = TempFile::new("overflow.json", text.as_bytes());
    let e = Engine::builder().policy_path(f.path()).build().unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}:5: invalid policy: overflow.logistics.to = \"nobody\": not a skill group the \
             policy or the taxonomy routes to",
            f.name()
        )
    );

    // The same policy parsed first and handed over as a value keeps its
    // file and line; once a caller changes it, the error names the field
    // without a line that might no longer be true.
    let mut parsed = Policy::from_path(f.path()).unwrap();
    let e = Engine::builder()
        .policy(parsed.clone())
        .build()
        .unwrap_err();
    assert!(
        e.to_string().starts_with(&format!("{}:5: ", f.name())),
        "{e}"
    );
    parsed.repeat_contacts += 1;
    let e = Engine::builder().policy(parsed).build().unwrap_err();
    assert!(
        e.to_string()
            .starts_with("<policy>:0: invalid policy: overflow.logistics.to = \"nobody\""),
        "{e}"
    );
}
