//! Advertising-law (广告法) screening of the replies a business sends back —
//! typically the AI assistant's answers — before they go out.
//!
//! The 广告法 forbids absolute claims (最佳, 第一, 国家级 …, §9), medical
//! claims for anything that is not a medicine (治疗, 药到病除 …, §16–17)
//! and promised returns on investments (保本, 稳赚 …, §25). A
//! [`ReplyScreener`] finds such wording with one Aho-Corasick pass over the
//! reply, matching case- and width-insensitively (`ＮＯ．１` is `no.1`), and
//! reports each finding with its byte offsets in the reply as written.
//!
//! The terms come from `lexicons/ad_terms.tsv` (embedded) or any file of the
//! same format. Matching is leftmost-longest, so an `allow` entry such as
//! 最近, 最快明天 or 第一次 swallows the shorter term inside it.
//!
//! ```
//! use kefu_triage::compliance::{screen_reply, Severity};
//!
//! let screen = screen_reply("这款面霜是全网最低价，还能治疗痘痘！");
//! let terms: Vec<&str> = screen.findings.iter().map(|f| f.term.as_str()).collect();
//! assert_eq!(terms, ["全网最低价", "治疗"]);
//! assert_eq!(screen.findings[1].category, "efficacy");
//! assert_eq!(screen.findings[1].severity, Severity::High);
//!
//! // Time words are not claims.
//! assert!(screen_reply("最快明天发货，最近单量大，请耐心等待").is_clean());
//! ```

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;

use crate::error::{Error, Problem};
use crate::text::cues::entry_lines;
use crate::text::normalize::Normalized;

/// The `<kind>` of the header line of an ad-terms file:
/// `#! kefu-triage ad-terms v1`.
const FORMAT_KIND: &str = "ad-terms";

/// The category of allow-list entries: they match, but report nothing.
const ALLOW: &str = "allow";

/// How serious a finding is.
///
/// ```
/// use kefu_triage::compliance::Severity;
/// assert!(Severity::High > Severity::Medium);
/// assert_eq!(Severity::High.as_str(), "high");
/// assert_eq!(serde_json::to_string(&Severity::Medium).unwrap(), "\"medium\"");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Usually a claim, but context decides (最, 首选, 永久): review it.
    Medium,
    /// Prohibited wording (最佳, 国家级, 治愈, 保本): rewrite before sending.
    High,
}

impl Severity {
    /// The name used in ad-terms files and JSON: `"high"` or `"medium"`.
    ///
    /// ```
    /// use kefu_triage::compliance::Severity;
    /// assert_eq!(Severity::Medium.as_str(), "medium");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    fn parse(s: &str) -> Option<Severity> {
        match s {
            "high" => Some(Severity::High),
            "medium" => Some(Severity::Medium),
            _ => None,
        }
    }
}

/// One problematic term in a reply.
///
/// `term` is the entry of the ad-terms file that matched (normalized:
/// lowercase, half-width); `reply[start..end]` is the text as the reply
/// wrote it, which may differ in width, case or spacing.
///
/// ```
/// use kefu_triage::compliance::{screen_reply, Severity};
///
/// let reply = "本品ＮＯ．１，销量遥遥领先";
/// let screen = screen_reply(reply);
/// let f = &screen.findings[0];
/// assert_eq!(f.term, "no.1");
/// assert_eq!(&reply[f.start..f.end], "ＮＯ．１");
/// assert_eq!((f.category.as_str(), f.severity), ("absolute", Severity::High));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct AdFinding {
    /// The matched entry of the ad-terms file, normalized.
    pub term: String,
    /// Its category: `absolute`, `efficacy`, `finance_guarantee`,
    /// `guarantee` in the embedded file; any snake_case word in others.
    pub category: String,
    /// How serious it is.
    pub severity: Severity,
    /// Byte offset of the first byte of the term in the reply.
    pub start: usize,
    /// Byte offset one past the last byte of the term in the reply.
    pub end: usize,
}

/// The result of screening one reply: every finding, in reply order.
///
/// ```
/// use kefu_triage::compliance::screen_reply;
///
/// let screen = screen_reply("保本保息，稳赚不赔");
/// assert!(!screen.is_clean());
/// assert_eq!(screen.findings.len(), 2);
/// let json = serde_json::to_string(&screen).unwrap();
/// assert!(json.starts_with(r#"{"findings":[{"term":"保本保息","category":"finance_guarantee""#));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ReplyScreen {
    /// The findings, sorted by `start`, never overlapping.
    pub findings: Vec<AdFinding>,
}

impl ReplyScreen {
    /// True when nothing was found: the reply may go out as written.
    ///
    /// ```
    /// use kefu_triage::compliance::screen_reply;
    /// assert!(screen_reply("您好，已为您登记退货，最迟3天内退款到账。").is_clean());
    /// assert!(!screen_reply("我们是国家级品牌").is_clean());
    /// ```
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}

/// One entry of an ad-terms file.
#[derive(Clone, Debug)]
struct Term {
    /// The normalized pattern.
    pattern: String,
    category: String,
    /// `None` for allow entries.
    severity: Option<Severity>,
    /// Whether the pattern starts / ends with an ASCII letter or digit, and
    /// so only matches at an ASCII word boundary there.
    ascii_start: bool,
    ascii_end: bool,
}

/// A compiled ad-terms list. Build it once and share it: it is `Send +
/// Sync`, and cloning is cheap.
///
/// ```
/// use kefu_triage::compliance::{ReplyScreener, Severity};
///
/// let file = "#! kefu-triage ad-terms v1\n秒杀\turgency\tmedium\n秒杀价\tallow\t-\n";
/// let screener = ReplyScreener::from_tsv("my_terms.tsv", file).unwrap();
/// let screen = screener.screen("限时秒杀！秒杀价99元");
/// assert_eq!(screen.findings.len(), 1);
/// assert_eq!(screen.findings[0].category, "urgency");
/// assert_eq!(screen.findings[0].severity, Severity::Medium);
/// assert_eq!((screen.findings[0].start, screen.findings[0].end), (6, 12));
/// ```
#[derive(Clone, Debug)]
pub struct ReplyScreener {
    ac: AhoCorasick,
    terms: Vec<Term>,
}

impl Default for ReplyScreener {
    /// The screener of the embedded `lexicons/ad_terms.tsv`.
    ///
    /// ```
    /// use kefu_triage::compliance::ReplyScreener;
    /// let screener = ReplyScreener::default();
    /// assert!(!screener.screen("顶级工艺").is_clean());
    /// assert!(screener.screen("第一次购买可以领券").is_clean());
    /// ```
    fn default() -> ReplyScreener {
        default_screener().clone()
    }
}

impl ReplyScreener {
    /// Parses an ad-terms file: the header `#! kefu-triage ad-terms v1`,
    /// then `pattern<TAB>category<TAB>severity` lines, where the category is
    /// a snake_case word (`allow` makes the entry a false friend that
    /// reports nothing) and the severity `high` or `medium` (`-` for
    /// `allow`). `#` lines are comments. Patterns are normalized like
    /// replies (lowercase, half-width, no spaces between CJK characters).
    ///
    /// # Errors
    ///
    /// [`Error::Data`] naming `file`, the 1-based line and the offending
    /// value, with [`Problem::BadHeader`], [`Problem::WrongColumnCount`],
    /// [`Problem::EmptyPattern`], [`Problem::UnknownKind`] (a category that
    /// is not snake_case, or a severity other than `high`, `medium`, or `-`
    /// for `allow`) or [`Problem::DuplicateEntry`] (the same normalized
    /// pattern twice).
    ///
    /// ```
    /// use kefu_triage::Problem;
    /// use kefu_triage::compliance::ReplyScreener;
    ///
    /// let bad = "#! kefu-triage ad-terms v1\n最佳\tabsolute\tcritical\n";
    /// let err = ReplyScreener::from_tsv("terms.tsv", bad).unwrap_err();
    /// assert_eq!(err.problem(), Some(Problem::UnknownKind));
    /// assert_eq!(err.to_string(), "terms.tsv:2: unknown kind: \"critical\"");
    /// ```
    pub fn from_tsv(file: &str, text: &str) -> Result<ReplyScreener, Error> {
        let mut terms: Vec<Term> = Vec::new();
        for (line, l) in entry_lines(file, text, FORMAT_KIND)? {
            let cols: Vec<&str> = l.split('\t').map(str::trim).collect();
            let [raw, category, severity] = cols[..] else {
                return Err(Error::data(file, line, Problem::WrongColumnCount, l));
            };
            let pattern = Normalized::new(raw).text().trim().to_string();
            if pattern.is_empty() {
                return Err(Error::data(file, line, Problem::EmptyPattern, raw));
            }
            let snake = category.starts_with(|c: char| c.is_ascii_lowercase())
                && category
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !snake {
                return Err(Error::data(file, line, Problem::UnknownKind, category));
            }
            let severity = match (category, severity) {
                (ALLOW, "-") => None,
                (ALLOW, _) => return Err(Error::data(file, line, Problem::UnknownKind, severity)),
                (_, s) => match Severity::parse(s) {
                    Some(s) => Some(s),
                    None => return Err(Error::data(file, line, Problem::UnknownKind, severity)),
                },
            };
            if terms.iter().any(|t| t.pattern == pattern) {
                return Err(Error::data(file, line, Problem::DuplicateEntry, raw));
            }
            let b = pattern.as_bytes();
            terms.push(Term {
                ascii_start: b[0].is_ascii_alphanumeric(),
                ascii_end: b[b.len() - 1].is_ascii_alphanumeric(),
                pattern,
                category: category.to_string(),
                severity,
            });
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(terms.iter().map(|t| &t.pattern))
            .map_err(|e| Error::data(file, 0, Problem::OutOfRange, e.to_string()))?;
        Ok(ReplyScreener { ac, terms })
    }

    /// Screens one reply. Offsets in the findings are byte offsets into
    /// `reply` as given (not normalized) and lie on char boundaries.
    ///
    /// ```
    /// use kefu_triage::compliance::ReplyScreener;
    ///
    /// let screener = ReplyScreener::default();
    /// let reply = "本产品１００％有效，最 佳选择";
    /// let screen = screener.screen(reply);
    /// let found: Vec<&str> = screen.findings.iter().map(|f| &reply[f.start..f.end]).collect();
    /// assert_eq!(found, ["１００％有效", "最 佳"]);
    /// ```
    #[must_use]
    pub fn screen(&self, reply: &str) -> ReplyScreen {
        let norm = Normalized::new(reply);
        let text = norm.text();
        let b = text.as_bytes();
        let mut findings = Vec::new();
        for m in self.ac.find_iter(text) {
            let t = &self.terms[m.pattern().as_usize()];
            let Some(severity) = t.severity else {
                continue;
            };
            let (s, e) = (m.start(), m.end());
            if (t.ascii_start && s > 0 && b[s - 1].is_ascii_alphanumeric())
                || (t.ascii_end && e < b.len() && b[e].is_ascii_alphanumeric())
            {
                continue;
            }
            let (start, end) = norm.raw_span(s, e);
            findings.push(AdFinding {
                term: t.pattern.clone(),
                category: t.category.clone(),
                severity,
                start,
                end,
            });
        }
        ReplyScreen { findings }
    }
}

/// The screener of the embedded `lexicons/ad_terms.tsv`, built on first use.
fn default_screener() -> &'static ReplyScreener {
    static DEFAULT: OnceLock<ReplyScreener> = OnceLock::new();
    DEFAULT.get_or_init(|| {
        ReplyScreener::from_tsv(
            "ad_terms.tsv",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/lexicons/ad_terms.tsv"
            )),
        )
        .expect("the embedded ad_terms.tsv is valid")
    })
}

/// Screens `reply` with the embedded `lexicons/ad_terms.tsv` (the screener
/// is built once, on first use, and shared).
///
/// ```
/// use kefu_triage::compliance::screen_reply;
///
/// let screen = screen_reply("纯植物配方，无副作用，三天根治脱发");
/// let cats: Vec<&str> = screen.findings.iter().map(|f| f.term.as_str()).collect();
/// assert_eq!(cats, ["无副作用", "根治"]);
/// assert!(screen_reply("唯一的问题是库存不足，第一时间为您补发").is_clean());
/// ```
#[must_use]
pub fn screen_reply(reply: &str) -> ReplyScreen {
    default_screener().screen(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(body: &str) -> String {
        format!("#! kefu-triage ad-terms v1\n{body}")
    }

    #[test]
    fn embedded_file_parses_and_names_its_categories() {
        let s = default_screener();
        assert!(s.terms.len() > 100);
        for t in &s.terms {
            assert!(
                [
                    "absolute",
                    "efficacy",
                    "finance_guarantee",
                    "guarantee",
                    ALLOW
                ]
                .contains(&t.category.as_str()),
                "{}",
                t.category
            );
            assert_eq!(t.severity.is_none(), t.category == ALLOW, "{}", t.pattern);
        }
    }

    #[test]
    fn every_allow_entry_swallows_a_term() {
        // An allow entry that hides no term is dead weight (or a typo).
        let s = default_screener();
        for t in s.terms.iter().filter(|t| t.severity.is_none()) {
            let hides = s
                .terms
                .iter()
                .any(|o| o.severity.is_some() && t.pattern.contains(&o.pattern));
            assert!(hides, "allow entry {} hides nothing", t.pattern);
        }
    }

    #[test]
    fn errors_name_file_line_and_value() {
        let cases: &[(&str, usize, Problem, &str)] = &[
            (
                "最佳\tabsolute\n",
                2,
                Problem::WrongColumnCount,
                "最佳\tabsolute",
            ),
            (
                "最佳\tabsolute\thigh\tx\n",
                2,
                Problem::WrongColumnCount,
                "最佳\tabsolute\thigh\tx",
            ),
            (
                "\u{200b}\tabsolute\thigh\n",
                2,
                Problem::EmptyPattern,
                "\u{200b}",
            ),
            (
                "最佳\tAbsolute\thigh\n",
                2,
                Problem::UnknownKind,
                "Absolute",
            ),
            ("最佳\tabsolute\t-\n", 2, Problem::UnknownKind, "-"),
            ("最近\tallow\thigh\n", 2, Problem::UnknownKind, "high"),
            (
                "# c\n最佳\tabsolute\thigh\nＮＯ．１\tabsolute\thigh\nno.1\tabsolute\tmedium\n",
                5,
                Problem::DuplicateEntry,
                "no.1",
            ),
        ];
        for (body, line, problem, value) in cases {
            let err = ReplyScreener::from_tsv("t.tsv", &header(body)).unwrap_err();
            match err {
                Error::Data {
                    file,
                    line: l,
                    problem: p,
                    value: v,
                } => {
                    assert_eq!(
                        (file.as_str(), l, p, v.as_str()),
                        ("t.tsv", *line, *problem, *value)
                    );
                }
                other => panic!("{other}"),
            }
        }
        let err = ReplyScreener::from_tsv("t.tsv", "最佳\tabsolute\thigh\n").unwrap_err();
        assert_eq!(err.problem(), Some(Problem::BadHeader));
        assert!(err.to_string().starts_with("t.tsv:1: "));
    }

    #[test]
    fn empty_list_finds_nothing() {
        let s = ReplyScreener::from_tsv("t.tsv", &header("# nothing\n")).unwrap();
        assert!(s.screen("最佳 第一 国家级").is_clean());
    }

    #[test]
    fn ascii_terms_need_word_boundaries() {
        let s = default_screener();
        assert!(!s.screen("品质TOP1").is_clean());
        assert!(s.screen("top10榜单").is_clean());
        assert!(s.screen("型号no.15").is_clean());
        assert!(!s.screen("好评率100%").is_clean());
        assert!(s.screen("满2100%不到").is_clean());
    }

    #[test]
    fn offsets_map_to_raw_text() {
        let reply = "Ｔｏｐ１的\u{200b}国\u{200b}家\u{200b}级产品";
        let screen = screen_reply(reply);
        let found: Vec<(&str, &str)> = screen
            .findings
            .iter()
            .map(|f| (f.term.as_str(), &reply[f.start..f.end]))
            .collect();
        assert_eq!(
            found,
            [("top1", "Ｔｏｐ１"), ("国家级", "国\u{200b}家\u{200b}级")]
        );
    }

    #[test]
    fn screener_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone>() {}
        check::<ReplyScreener>();
        check::<ReplyScreen>();
    }
}
