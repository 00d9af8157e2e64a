//! [`Detector`]: every scanner over normalized text, personal data and
//! business entities, built once.

use std::cell::RefCell;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use regex::Regex;

use crate::text::pii::checksum::is_mobile;
use crate::text::pii::context::{
    ADDR_ANCHORS, ADDR_ESTATE, ADDR_NAMED, ADDR_NOT_AFTER_HAO, ADDR_NOT_FIRST, ADDR_NOT_IN_NAME,
    ADDR_NUMBERED, ADDR_TRAIL_AFTER, ADDRESS_MAX_CHARS, MODEL_SUFFIXES, ascii_run, brand_bounds_ok,
    courier_near, digit_carrier, left_ok, overlaps_any, right_ok, skip_filler, skip_intro_filler,
};
use crate::text::pii::digits::{
    MAX_DIGITS, MAX_SEGS, Seg, match_digit_window, next_seg, scan_entity_digit_runs, seg_at,
};
use crate::text::pii::kinds::{EntityKind, EntityMatch, PiiKind, PiiMatch};
use crate::text::pii::obfuscated;
use crate::text::pii::prefilter::{
    ByteClasses, address_anchor_possible, amount_possible, any_ascii, plate_possible,
};
use crate::text::pii::resolve::{entity_rank, pii_rank, resolve};

/// Compiled detectors for PII and entities.
///
/// Build it once (all regexes are compiled in [`Detector::new`], nothing is
/// compiled per call) and share it: it is `Send + Sync`, and cloning is cheap
/// because the compiled programs are shared.
///
/// ```
/// use kefu_triage::pii::{Detector, PiiKind};
/// let det = Detector::new(["华为", "mate"]).unwrap();
/// let mut pii = Vec::new();
/// det.find_pii("身份证11010519491231002x，微信：zhang_san88", &mut pii);
/// let kinds: Vec<PiiKind> = pii.iter().map(|m| m.kind).collect();
/// assert_eq!(kinds, [PiiKind::IdCard, PiiKind::Wechat]);
/// ```
#[derive(Debug, Clone)]
pub struct Detector {
    landline: Regex,
    email: Regex,
    pii_intro: regex_automata::meta::Regex,
    plate: Regex,
    address: Regex,
    address_piece: Regex,
    entity_intro: Regex,
    tracking: Regex,
    amount: Regex,
    /// Brand and series names; `None` without brands.
    brands: Option<Brands>,
    /// Where an `@` spelled out could start ([`obfuscated::AT_TOKENS`],
    /// leftmost first), for `scan_obfuscated_emails`.
    at_tokens: AhoCorasick,
}

/// The brand list compiled for [`Detector::scan_products`].
#[derive(Debug, Clone)]
pub(super) struct Brands {
    /// ASCII-case-insensitive, leftmost-first in the order of the list
    /// (longest first), for unanchored and anchored searches. Aho-Corasick
    /// rather than a regex alternation, whose lazy DFA runs over every byte
    /// (10% of the mask stage, perf over the bench corpus).
    ac: AhoCorasick,
    /// Every character of every brand (both cases of ASCII letters), plus
    /// space and `+`, sorted: see `Detector::scan_products`.
    chars: Vec<char>,
    /// Longest brand, in bytes.
    max_len: usize,
}

pub(super) fn address_piece_pattern() -> String {
    let name_char = format!("[\\p{{Han}}--[{ADDR_NOT_IN_NAME}]]");
    let first_char = format!("[\\p{{Han}}--[{ADDR_NOT_IN_NAME}{ADDR_NOT_FIRST}]]");
    let mut alts = vec!["成都市?".to_owned()];
    alts.extend(ADDR_NAMED.iter().map(|(suffix, min, max)| {
        format!(
            "{first_char}{name_char}{{{},{}}}(?:{suffix})",
            min - 1,
            max - 1
        )
    }));
    alts.push(format!(
        "(?:{first_char}|[a-z])(?:{name_char}|[a-z]){{1,7}}(?:{ADDR_ESTATE})"
    ));
    // Numbers may be spaced out (`7 栋`, `5 6 号`) or ordinal (`第40号`).
    alts.push(format!(
        "第?[a-z]?[0-9](?: ?[0-9]){{0,4}}(?:-[0-9]{{1,5}})? ?(?:{ADDR_NUMBERED})"
    ));
    alts.push("[a-z] ?(?:栋|座|幢|区)".to_owned());
    // Directions between the village and the number (`村东头二十六号`).
    alts.push("[东西南北](?:头|边|侧)".to_owned());
    alts.join("|")
}

impl Detector {
    /// Compiles every detector. `brands` are the brand and series names that
    /// introduce product models (the non-comment lines of
    /// `lexicons/product_brands.txt`); they are matched case-insensitively.
    /// Empty entries are ignored; with no brands no product model is found.
    ///
    /// # Errors
    ///
    /// Returns the [`regex::Error`] of a pattern that fails to compile, e.g.
    /// when the brand list is so large that the regex exceeds its size limit.
    ///
    /// ```
    /// use kefu_triage::pii::{Detector, EntityKind};
    /// let det = Detector::new(["iphone", "galaxy"]).unwrap();
    /// let mut out = Vec::new();
    /// det.find_entities("我的galaxy s24 ultra屏幕坏了", &mut out);
    /// assert_eq!(out.len(), 1);
    /// assert_eq!(out[0].kind, EntityKind::ProductModel);
    /// ```
    pub fn new<'a>(brands: impl IntoIterator<Item = &'a str>) -> Result<Detector, regex::Error> {
        let landline = Regex::new(
            r"\(0[0-9]{2,3}\) ?[0-9]{3,4}[- ]?[0-9]{4}|0[0-9]{2,3}[- ][0-9]{3,4}[- ]?[0-9]{4}",
        )?;
        let email = Regex::new(
            r"(?i-u)[a-z0-9][a-z0-9._%+-]{0,63}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z]{2,24}",
        )?;
        // Contact-id intros, longest first at each position. WeChat goes by
        // many names (薇信, 卫星, 绿泡泡, v, +v ...); a one-letter or
        // one-character name needs a handle that could not be a word.
        // Without a prefilter: its literals include those one-character
        // names and the first bytes of common characters, so the prefilter
        // stopped at nearly every character and handed over to the
        // automaton each time (294 → 168 instructions per line in the scan,
        // bench corpus). The matches are the same.
        let pii_intro = regex_automata::meta::Regex::builder()
            .configure(regex_automata::meta::Regex::config().auto_prefilter(false))
            .build(
                "微信号|微信|威信|薇信|卫星号|卫星|绿泡泡|绿色软件|weixin|wechat|v信|加我vx|加我v|加vx|加v|加微|v我|vx号|vx|wx号|wx|薇|微|威|v|qq号码|qq号|qq|扣扣号|扣扣|护照号码|护照号|护照",
            )
            .map_err(|e| regex::Error::Syntax(e.to_string()))?;
        let plate = Regex::new(
            "[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][a-zA-Z][·. -]?[a-zA-Z0-9]{5,6}",
        )?;
        let piece = address_piece_pattern();
        let address = Regex::new(&format!(
            // Pieces may be spaced out (`建国路 88号`); the scanner trims a
            // trailing space. One copy of the pieces keeps the program small.
            "(?:(?:{piece}) ?)+(?:[0-9]{{1,5}}(?:-[0-9]{{1,5}}){{0,2}})?"
        ))?;
        let address_piece = Regex::new(&piece)?;
        let entity_intro = Regex::new(
            "快递单号|运单号|物流单号|快递号|订单号码|订单编号|订单号|订单|单号|order number|order no\\.?|order id|orderid|order",
        )?;
        let tracking = Regex::new(
            "[a-z]{2}[0-9]{9}cn|sf[0-9]{12,15}|jd[a-z0-9]{13,15}|yt[0-9]{13}|jt[0-9]{13}",
        )?;
        let amount_num = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,12})(?:\.[0-9]{1,2})?";
        let amount = Regex::new(&format!(
            "(?:¥|￥|\\$|rmb|人民币) ?{amount_num}(?: ?(?:元|块钱|块))?|{amount_num} ?(?:块钱|元|块|圆|rmb|人民币)"
        ))?;

        let mut list: Vec<String> = brands
            .into_iter()
            .map(|b| b.trim().to_lowercase())
            .filter(|b| !b.is_empty())
            .collect();
        // Longest first so that the leftmost-first alternation prefers
        // `macbook` over `mac`, `oneplus` over `one`.
        list.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        list.dedup();
        let brands = if list.is_empty() {
            None
        } else {
            let mut builder = AhoCorasick::builder();
            builder
                .match_kind(MatchKind::LeftmostFirst)
                .ascii_case_insensitive(true)
                .start_kind(StartKind::Both);
            // A full DFA: one table lookup per byte. The default picks an
            // NFA for this list, and the whole mask stage was then 20%
            // slower (driver over the bench corpus: 1.94 ms vs 1.62 ms). A
            // list too large for a DFA falls back to the default.
            let ac = builder
                .clone()
                .kind(Some(AhoCorasickKind::DFA))
                .build(&list)
                .or_else(|_| builder.build(&list))
                // Only a list far beyond any real brand file fails here: say
                // so the way the regex it replaces did.
                .map_err(|_| regex::Error::CompiledTooBig(list.iter().map(String::len).sum()))?;
            let mut chars: Vec<char> = list
                .iter()
                .flat_map(|b| b.chars())
                .flat_map(|c| [c.to_ascii_lowercase(), c.to_ascii_uppercase()])
                .chain([' ', '+'])
                .collect();
            chars.sort_unstable();
            chars.dedup();
            let max_len = list.iter().map(String::len).max().unwrap_or(0);
            Some(Brands { ac, chars, max_len })
        };

        let at_tokens = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(obfuscated::AT_TOKENS.iter().map(|t| t.trim_start()))
            .map_err(|_| regex::Error::CompiledTooBig(obfuscated::AT_TOKENS.len()))?;

        Ok(Detector {
            at_tokens,
            landline,
            email,
            pii_intro,
            plate,
            address,
            address_piece,
            entity_intro,
            tracking,
            amount,
            brands,
        })
    }

    /// Finds personal data in normalized `text`. Clears `out`, then fills it
    /// with spans sorted by `start` that never overlap. Nothing is allocated
    /// per call beyond growing `out`; a cheap one-pass pre-filter skips the
    /// digit detectors when the text has no ASCII digit, e-mail when it has
    /// no `@`, and so on.
    ///
    /// Overlapping candidates are resolved by kind (e-mail, ID card,
    /// passport, WeChat, QQ, bank card, phone, landline, plate, address, in
    /// that order), then by length. A number directly introduced by an order
    /// keyword (`订单号`, `单号`, `order no` ...) is never reported.
    ///
    /// ```
    /// use kefu_triage::pii::{Detector, PiiKind};
    /// let det = Detector::new([]).unwrap();
    /// let mut out = Vec::new();
    /// det.find_pii("收货地址广东省深圳市南山区科技园路18号，电话138-1234-5678", &mut out);
    /// assert_eq!(out.len(), 2);
    /// assert_eq!(out[0].kind, PiiKind::Address);
    /// assert_eq!(&"收货地址广东省深圳市南山区科技园路18号，电话138-1234-5678"[out[1].start..out[1].end], "138-1234-5678");
    ///
    /// det.find_pii("¥1388 买了 2 件，2024-11-11 20:30 下单，投诉打12315", &mut out);
    /// assert!(out.is_empty());
    /// ```
    pub fn find_pii(&self, text: &str, out: &mut Vec<PiiMatch>) {
        self.find_pii_gated(text, out, true);
    }

    /// [`Detector::find_pii`]; with `gated == false` only the coarse
    /// reference gates apply (digits for the digit detectors, `@` for
    /// e-mail ...), and tests check that the fine gates never change the
    /// result.
    pub(super) fn find_pii_gated(&self, text: &str, out: &mut Vec<PiiMatch>, gated: bool) {
        self.find_pii_classed(text, ByteClasses::of(text.as_bytes()), out, gated);
    }

    /// [`Detector::find_pii`] then [`Detector::find_entities_excluding`] on
    /// the same `text`, reading its bytes' classes once for both.
    pub(crate) fn find_pii_and_entities(
        &self,
        text: &str,
        pii: &mut Vec<PiiMatch>,
        entities: &mut Vec<EntityMatch>,
    ) {
        let classes = ByteClasses::of(text.as_bytes());
        self.find_pii_classed(text, classes, pii, true);
        self.find_entities_classed(text, classes, pii, entities, true);
    }

    /// [`Detector::find_pii_gated`], with `f` the classes of `text`'s bytes.
    fn find_pii_classed(&self, text: &str, f: ByteClasses, out: &mut Vec<PiiMatch>, gated: bool) {
        out.clear();
        if text.is_empty() {
            return;
        }
        // Numbers in Chinese, financial or spoken numerals and house numbers
        // such as `十二号`: every detector reads a view of the text with
        // numerals as ASCII digits, and the spans are mapped back.
        let viewed = obfuscated::with_view(text, |v| {
            self.find_pii_in(&v.text, ByteClasses::of(v.text.as_bytes()), out, gated);
            for m in out.iter_mut() {
                (m.start, m.end) = v.source_span(m.start, m.end);
            }
        });
        // The text as it is, too, with the view's matches resolved against
        // its own: numerals glued to a number (`一一两` before an ID) make
        // one longer run in the view, which is no longer the ID that the
        // text shows (found by the property test below). Only a number of
        // five ASCII digits or more can be lost that way (the fewest any
        // digit detector reads), so other texts with numerals — a long
        // message with `一片` and `一次` in it, say — are scanned once.
        if viewed.is_none() || f.digits >= 5 {
            self.find_pii_in(text, f, out, gated);
        }
    }

    /// [`Detector::find_pii_gated`] on `text` as it is, whose bytes' classes
    /// are `f`.
    fn find_pii_in(&self, text: &str, f: ByteClasses, out: &mut Vec<PiiMatch>, gated: bool) {
        // Every detector below is gated by a condition that its matches
        // cannot exist without, so the many inquiries without a digit, a
        // Latin letter or an `@` cost one vectorized pass over their bytes,
        // and the others run only the detectors they could feed: the gates
        // took the mask stage from 0.29× to 0.09× `Jieba::cut` on the bench
        // corpus (measurements in `benches/HISTORY.md`).
        let b = text.as_bytes();
        // Phones have 11 digits, IDs 15 or 17 + check, cards 13+, landlines
        // 3 + 3 + 4 at least.
        if f.digits >= 10 || (!gated && f.digit()) {
            self.scan_digit_groups(text, out);
            self.scan_landlines(text, out);
        }
        // Digit groups split any way, letters touching; QQ numbers after
        // their many nicknames (5 digits and up).
        if f.digits >= 5 || (!gated && f.digit()) {
            obfuscated::scan_loose_numbers(text, out);
        }
        if f.at {
            self.scan_emails(text, out);
        }
        // The scan tests for the letters every spelled-out `@` needs, then
        // sweeps once for all of them: no separate pre-test here.
        if f.alpha {
            obfuscated::scan_obfuscated_emails(text, out, &self.at_tokens);
        }
        // A WeChat handle has letters; otherwise the id is a QQ number (5+
        // digits), a mobile number or a passport (7+ digits), after a Han
        // keyword.
        if f.alpha || (f.non_ascii && (f.digits >= 5 || (!gated && f.digit()))) {
            self.scan_pii_intros(text, out);
        }
        // Plates: province, letter, 3+ digits. Addresses: see
        // `address_anchor_possible` (the address regex, with its large Han
        // classes, is 12% of the stage when it runs ungated). Both need a digit
        // and a Han character.
        if f.digit() && f.non_ascii {
            if !gated || (f.alpha && f.digits >= 3 && plate_possible(text)) {
                self.scan_plates(text, out);
            }
            if !gated || address_anchor_possible(b) {
                self.scan_addresses(text, out);
            }
        }
        resolve(out, |m| (m.start, m.end), |m| pii_rank(m.kind));
    }

    /// Finds entities (order and tracking numbers, product models, amounts)
    /// in normalized `text`. Clears `out`, then fills it with spans sorted by
    /// `start` that never overlap each other nor any span that
    /// [`Detector::find_pii`] reports for the same text.
    ///
    /// When the PII spans are already at hand, [`Detector::find_entities_excluding`]
    /// avoids detecting them a second time.
    ///
    /// ```
    /// use kefu_triage::pii::{Detector, EntityKind};
    /// let det = Detector::new(["小米"]).unwrap();
    /// let text = "小米14 ultra 5999元，订单号：202411110012345678";
    /// let mut out = Vec::new();
    /// det.find_entities(text, &mut out);
    /// let found: Vec<(EntityKind, &str)> =
    ///     out.iter().map(|e| (e.kind, &text[e.start..e.end])).collect();
    /// assert_eq!(
    ///     found,
    ///     [
    ///         (EntityKind::ProductModel, "小米14 ultra"),
    ///         (EntityKind::Amount, "5999元"),
    ///         (EntityKind::OrderNumber, "202411110012345678"),
    ///     ]
    /// );
    /// ```
    pub fn find_entities(&self, text: &str, out: &mut Vec<EntityMatch>) {
        thread_local! {
            static PII_SCRATCH: RefCell<Vec<PiiMatch>> = const { RefCell::new(Vec::new()) };
        }
        PII_SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut pii) => {
                self.find_pii(text, &mut pii);
                self.find_entities_excluding(text, &pii, out);
                if pii.capacity() > 4096 {
                    pii.clear();
                    pii.shrink_to(64);
                }
            }
            Err(_) => {
                let mut pii = Vec::new();
                self.find_pii(text, &mut pii);
                self.find_entities_excluding(text, &pii, out);
            }
        });
    }

    /// Like [`Detector::find_entities`], but takes the PII spans of `text`
    /// (as produced by [`Detector::find_pii`]: sorted by `start`,
    /// non-overlapping) instead of detecting them again. Entities overlapping
    /// any of them are dropped.
    ///
    /// ```
    /// use kefu_triage::pii::{Detector, EntityKind};
    /// let det = Detector::new([]).unwrap();
    /// let text = "运单号 7731234567890，付了¥39.9";
    /// let mut pii = Vec::new();
    /// det.find_pii(text, &mut pii);
    /// let mut out = Vec::new();
    /// det.find_entities_excluding(text, &pii, &mut out);
    /// assert_eq!(out.len(), 2);
    /// assert_eq!((out[0].kind, out[0].carrier), (EntityKind::TrackingNumber, Some("sto")));
    /// assert_eq!(&text[out[1].start..out[1].end], "¥39.9");
    /// ```
    pub fn find_entities_excluding(
        &self,
        text: &str,
        pii: &[PiiMatch],
        out: &mut Vec<EntityMatch>,
    ) {
        self.find_entities_gated(text, pii, out, true);
    }

    /// [`Detector::find_entities_excluding`]; with `gated == false` only the
    /// coarse reference gates apply and products scan the whole text.
    pub(super) fn find_entities_gated(
        &self,
        text: &str,
        pii: &[PiiMatch],
        out: &mut Vec<EntityMatch>,
        gated: bool,
    ) {
        self.find_entities_classed(text, ByteClasses::of(text.as_bytes()), pii, out, gated);
    }

    /// [`Detector::find_entities_gated`], with `f` the classes of `text`'s
    /// bytes.
    fn find_entities_classed(
        &self,
        text: &str,
        f: ByteClasses,
        pii: &[PiiMatch],
        out: &mut Vec<EntityMatch>,
        gated: bool,
    ) {
        out.clear();
        if text.is_empty() {
            return;
        }
        // Gated like `find_pii_gated`, which see.
        // Order and tracking numbers have 10+ digits (alphanumeric tracking
        // numbers 8+).
        if f.digits >= 10 || (!gated && f.digit()) {
            self.scan_entity_intros(text, out);
            scan_entity_digit_runs(text, out);
        }
        // The amount regex starts with a digit, so its own prefilter stopped
        // at every digit: 17% of the stage on text with digits or letters.
        if f.digit() && (!gated || amount_possible(text.as_bytes())) {
            self.scan_amounts(text, out);
        }
        if f.alpha && (f.digits >= 8 || (!gated && f.digit())) {
            self.scan_tracking_alpha(text, out);
        }
        if f.digit() || f.alpha {
            self.scan_products(text, out, gated);
        }
        out.retain(|e| !overlaps_any(pii, e.start, e.end));
        resolve(out, |m| (m.start, m.end), |m| entity_rank(m.kind));
    }

    // ----- PII scanners ---------------------------------------------------

    /// Phones, 18/15-digit IDs and bank cards: all are runs of digits,
    /// possibly grouped by single spaces or dashes. A maximal group is split
    /// into segments; candidates are made of consecutive segments.
    fn scan_digit_groups(&self, text: &str, out: &mut Vec<PiiMatch>) {
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if !b[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let mut cur = Some(seg_at(b, i));
            let mut group_end = i + 1;
            while let Some(first) = cur {
                let mut win = [Seg::default(); MAX_SEGS];
                let mut n = 0;
                let mut s = first;
                loop {
                    win[n] = s;
                    n += 1;
                    if n == MAX_SEGS || s.len() > MAX_DIGITS {
                        break;
                    }
                    match next_seg(b, s) {
                        Some(t) => s = t,
                        None => break,
                    }
                }
                let used = match_digit_window(text, &win[..n], out).clamp(1, n);
                let last = win[used - 1];
                group_end = last.e;
                cur = next_seg(b, last);
            }
            i = group_end.max(i + 1);
        }
    }

    fn scan_landlines(&self, text: &str, out: &mut Vec<PiiMatch>) {
        let b = text.as_bytes();
        for m in self.landline.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            if !left_ok(b, s) || !right_ok(b, e) {
                continue;
            }
            let mb = m.as_str().as_bytes();
            let a0 = usize::from(mb[0] == b'(');
            let a1 = a0 + mb[a0..].iter().take_while(|c| c.is_ascii_digit()).count();
            let area = &mb[a0..a1];
            let area_ok = match area.len() {
                3 => area == b"010" || area[1] == b'2',
                4 => matches!(area[1], b'3'..=b'9'),
                _ => false,
            };
            let local_first = mb[a1..].iter().find(|c| c.is_ascii_digit());
            if area_ok && matches!(local_first, Some(b'1'..=b'9')) {
                out.push(PiiMatch {
                    kind: PiiKind::Landline,
                    start: s,
                    end: e,
                });
            }
        }
    }

    fn scan_emails(&self, text: &str, out: &mut Vec<PiiMatch>) {
        let b = text.as_bytes();
        for m in self.email.find_iter(text) {
            let e = m.end();
            // A top-level domain cut short by the length limit.
            if e < b.len() && b[e].is_ascii_alphanumeric() {
                continue;
            }
            out.push(PiiMatch {
                kind: PiiKind::Email,
                start: m.start(),
                end: e,
            });
        }
    }

    /// WeChat ids, QQ numbers and passports: only after their keyword.
    fn scan_pii_intros(&self, text: &str, out: &mut Vec<PiiMatch>) {
        let b = text.as_bytes();
        for m in self.pii_intro.find_iter(text) {
            let kw_str = &text[m.range()];
            let kw = kw_str.as_bytes();
            let s = m.start();
            if kw[0].is_ascii_alphabetic() && s > 0 && b[s - 1].is_ascii_alphanumeric() {
                continue;
            }
            let (p, skipped) = skip_intro_filler(text, m.end());
            let kind = match kw[0] {
                b'q' => PiiKind::Qq,
                _ if kw_str.starts_with("扣扣") => PiiKind::Qq,
                _ if kw_str.starts_with("护照") => PiiKind::Passport,
                _ => PiiKind::Wechat,
            };
            let end = match kind {
                PiiKind::Wechat => {
                    let Some(q) = ascii_run(b, p, 20, |c| {
                        c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
                    }) else {
                        continue;
                    };
                    let id = &b[p..q];
                    // `vivo`, `wxyz`: a Latin name glued to letters is a
                    // word, unless the handle has the `_` or `-` of an id.
                    let latin_kw_glued = !skipped
                        && kw[kw.len() - 1].is_ascii_alphabetic()
                        && !id.iter().any(|&c| c == b'_' || c == b'-');
                    let handle = id.len() >= 6 && id[0].is_ascii_alphabetic() && !latin_kw_glued;
                    if !(handle || is_mobile(id)) || b.get(q) == Some(&b'@') {
                        continue;
                    }
                    q
                }
                PiiKind::Qq => {
                    let Some(q) = ascii_run(b, p, 11, |c| c.is_ascii_alphanumeric()) else {
                        continue;
                    };
                    let id = &b[p..q];
                    if id.len() < 5
                        || id[0] == b'0'
                        || !id.iter().all(u8::is_ascii_digit)
                        || b.get(q) == Some(&b'@')
                    {
                        continue;
                    }
                    q
                }
                _ => {
                    let Some(q) = ascii_run(b, p, 9, |c| c.is_ascii_alphanumeric()) else {
                        continue;
                    };
                    let id = &b[p..q];
                    let letters = id.iter().take_while(|c| c.is_ascii_alphabetic()).count();
                    let digits_ok = id[letters..].iter().all(u8::is_ascii_digit);
                    if !digits_ok || !matches!((letters, id.len()), (0, 8) | (1, 9) | (2, 9)) {
                        continue;
                    }
                    q
                }
            };
            out.push(PiiMatch {
                kind,
                start: p,
                end,
            });
        }
    }

    fn scan_plates(&self, text: &str, out: &mut Vec<PiiMatch>) {
        let b = text.as_bytes();
        for m in self.plate.find_iter(text) {
            let e = m.end();
            if e < b.len() && b[e].is_ascii_alphanumeric() {
                continue;
            }
            let digits = m.as_str().bytes().filter(u8::is_ascii_digit).count();
            if digits >= 3 {
                out.push(PiiMatch {
                    kind: PiiKind::LicensePlate,
                    start: m.start(),
                    end: e,
                });
            }
        }
    }

    fn scan_addresses(&self, text: &str, out: &mut Vec<PiiMatch>) {
        let b = text.as_bytes();
        for m in self.address.find_iter(text) {
            let mut s = m.start();
            let mut e = m.end();
            while e > s && b[e - 1] == b' ' {
                e -= 1;
            }
            if b[s].is_ascii_alphanumeric() && s > 0 && b[s - 1].is_ascii_alphanumeric() {
                continue;
            }
            // A bare trailing number (`2单元301`) only after some pieces.
            let mut trail = None;
            if b[e - 1].is_ascii_digit() {
                let mut t = e;
                while t > s && (b[t - 1].is_ascii_digit() || b[t - 1] == b'-') {
                    t -= 1;
                }
                let head = text[s..t].trim_end_matches(' ');
                let t = s + head.len();
                // After `号` only a room number (`建国路88号1202`).
                let after_ok = ADDR_TRAIL_AFTER.iter().any(|k| head.ends_with(k))
                    || (head.ends_with('号') && e - t >= 3);
                if t > s && right_ok(b, e) && after_ok {
                    trail = Some(t);
                } else {
                    e = t;
                }
            }
            let body_end = trail.unwrap_or(e);
            let slice = &text[s..body_end];
            let mut first = None;
            let mut last_end = 0;
            let mut chars = 0;
            let mut named = 0;
            let mut numbered = 0;
            let mut anchor = false;
            let mut suffix_kinds = 0u32;
            let mut truncated = false;
            for p in self.address_piece.find_iter(slice) {
                let piece = p.as_str();
                let start = *first.get_or_insert(p.start());
                let add = slice[last_end.max(start)..p.end()].chars().count();
                if chars + add > ADDRESS_MAX_CHARS {
                    truncated = true;
                    break;
                }
                if piece.ends_with('号')
                    && ADDR_NOT_AFTER_HAO
                        .iter()
                        .any(|k| text[s + p.end()..].starts_with(k))
                {
                    truncated = true;
                    break;
                }
                chars += add;
                last_end = p.end();
                let bare = piece.trim_start_matches('第');
                let pb = bare.as_bytes();
                let suffix = bare.trim_start_matches(|c: char| {
                    c.is_ascii_alphanumeric() || c == '-' || c == ' '
                });
                // `18号`, `b3栋`, or a letter plus one suffix char (`a座`).
                let is_numbered = pb[0].is_ascii_digit()
                    || (pb[0].is_ascii_alphabetic()
                        && suffix.len() < bare.len()
                        && (pb.len() > 1 && (pb[1].is_ascii_digit() || pb[1] == b' ')
                            || suffix.len() == bare.len() - 1));
                if is_numbered {
                    numbered += 1;
                    if ADDR_ANCHORS.contains(&suffix) {
                        anchor = true;
                    }
                    let bit = ADDR_NUMBERED
                        .split('|')
                        .position(|k| k == suffix)
                        .unwrap_or(31);
                    suffix_kinds |= 1 << bit;
                } else {
                    named += 1;
                }
            }
            let Some(first) = first else { continue };
            let mut has_trail = false;
            match trail {
                Some(t) if !truncated && t == s + last_end => {
                    let add = e - t; // ASCII only
                    if chars + add <= ADDRESS_MAX_CHARS {
                        has_trail = true;
                        if text[t..e].contains('-') {
                            anchor = true;
                        }
                    }
                }
                _ => {}
            }
            let pieces = named + numbered + usize::from(has_trail);
            let valid = anchor
                && pieces >= 2
                && (named >= 1 || has_trail || suffix_kinds.count_ones() >= 2);
            if !valid {
                continue;
            }
            let end = if has_trail { e } else { s + last_end };
            s += first;
            out.push(PiiMatch {
                kind: PiiKind::Address,
                start: s,
                end,
            });
        }
    }

    // ----- entity scanners ------------------------------------------------

    fn scan_entity_intros(&self, text: &str, out: &mut Vec<EntityMatch>) {
        let b = text.as_bytes();
        for m in self.entity_intro.find_iter(text) {
            let kw = m.as_str();
            let s = m.start();
            if kw.as_bytes()[0].is_ascii_alphabetic() && s > 0 && b[s - 1].is_ascii_alphanumeric() {
                continue;
            }
            let tracking = matches!(kw, "快递单号" | "运单号" | "物流单号" | "快递号");
            let (p, _) = skip_filler(text, m.end());
            let Some(q) = ascii_run(b, p, 24, |c| c.is_ascii_alphanumeric()) else {
                continue;
            };
            let run = &b[p..q];
            if run.is_empty() || !run.iter().all(u8::is_ascii_digit) {
                continue;
            }
            if tracking {
                if (10..=20).contains(&run.len()) {
                    out.push(EntityMatch {
                        kind: EntityKind::TrackingNumber,
                        start: p,
                        end: q,
                        carrier: digit_carrier(text, p, q).or_else(|| courier_near(text, p)),
                    });
                }
            } else if (10..=24).contains(&run.len()) {
                out.push(EntityMatch {
                    kind: EntityKind::OrderNumber,
                    start: p,
                    end: q,
                    carrier: None,
                });
            }
        }
    }

    fn scan_tracking_alpha(&self, text: &str, out: &mut Vec<EntityMatch>) {
        let b = text.as_bytes();
        for m in self.tracking.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            if (s > 0 && b[s - 1].is_ascii_alphanumeric())
                || (e < b.len() && b[e].is_ascii_alphanumeric())
            {
                continue;
            }
            let t = m.as_str().as_bytes();
            let carrier =
                if t.len() == 13 && t.ends_with(b"cn") && t[2..11].iter().all(u8::is_ascii_digit) {
                    "ems"
                } else {
                    match &t[..2] {
                        b"sf" => "sf",
                        b"yt" => "yto",
                        b"jt" => "jt",
                        b"jd" if t.iter().filter(|c| c.is_ascii_digit()).count() >= 8 => "jd",
                        _ => continue,
                    }
                };
            out.push(EntityMatch {
                kind: EntityKind::TrackingNumber,
                start: s,
                end: e,
                carrier: Some(carrier),
            });
        }
    }

    fn scan_amounts(&self, text: &str, out: &mut Vec<EntityMatch>) {
        let b = text.as_bytes();
        for m in self.amount.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            let first = b[s];
            if first.is_ascii_digit() {
                if !left_ok(b, s) {
                    continue;
                }
            } else if first == b'r' && s > 0 && b[s - 1].is_ascii_alphabetic() {
                continue;
            }
            if e < b.len() && b[e].is_ascii_alphanumeric() {
                continue;
            }
            out.push(EntityMatch {
                kind: EntityKind::Amount,
                start: s,
                end: e,
                carrier: None,
            });
        }
    }

    fn scan_products(&self, text: &str, out: &mut Vec<EntityMatch>, windowed: bool) {
        let Some(brands) = &self.brands else {
            return;
        };
        let b = text.as_bytes();
        // A model is reported only when its chain (brand, then brands,
        // series words, numbers, each after at most one space) holds an
        // ASCII digit or a model suffix, so every reported model starts
        // before the last ASCII letter or digit (`last`), and between its
        // start and the first ASCII letter or digit (`first`) there are only
        // brand characters and spaces. The scan can therefore start after
        // the last character before `first` that is in no brand (no match
        // of the full scan contains it, so the leftmost-first matches from
        // there on are the same) and stop at `last`. On the bench corpus
        // this skips most of the text: the scan over whole inquiries was 25%
        // of the mask stage on inquiries with letters or digits.
        let (mut first, mut last) = (None, 0);
        any_ascii(b, true, |i| {
            first.get_or_insert(i);
            last = i;
            false
        });
        let (from, stop, to) = match first {
            Some(first) if windowed => {
                let from = text[..first]
                    .char_indices()
                    .rev()
                    .find(|&(_, c)| brands.chars.binary_search(&c).is_err())
                    .map_or(0, |(i, c)| i + c.len_utf8());
                let stop = last + 1;
                (from, stop, (stop + brands.max_len).min(b.len()))
            }
            None if windowed => return,
            _ => (0, b.len(), b.len()),
        };
        let mut covered = 0;
        for m in brands.ac.find_iter(Input::new(text).span(from..to)) {
            let (s, e) = (m.start(), m.end());
            if s >= stop {
                break;
            }
            if s < covered || !brand_bounds_ok(b, s, e) {
                continue;
            }
            let mut significant = b[s..e].iter().any(u8::is_ascii_digit);
            let mut end = e;
            for _ in 0..6 {
                let mut r = end;
                if b.get(r) == Some(&b' ') {
                    r += 1;
                }
                if r >= b.len() {
                    break;
                }
                let input = Input::new(text).span(r..text.len()).anchored(Anchored::Yes);
                if let Some(bm) = brands.ac.find(input) {
                    let (bs, be) = (r, bm.end());
                    if be > bs && brand_bounds_ok(b, bs, be) {
                        significant |= b[bs..be].iter().any(u8::is_ascii_digit);
                        end = be;
                        continue;
                    }
                }
                let Some(q) = ascii_run(b, r, 10, |c| c.is_ascii_alphanumeric() || c == b'+')
                else {
                    break;
                };
                let word = &text[r..q];
                if word.is_empty() {
                    break;
                }
                if MODEL_SUFFIXES.iter().any(|x| x.eq_ignore_ascii_case(word)) {
                    significant = true;
                    end = q;
                    continue;
                }
                let has_digit = word.bytes().any(|c| c.is_ascii_digit());
                let all_digits = word.bytes().all(|c| c.is_ascii_digit());
                let price_follows = all_digits
                    && text[q..]
                        .trim_start_matches(' ')
                        .starts_with(['元', '块', '圆']);
                if has_digit && !price_follows && (!all_digits || word.len() <= 3) {
                    significant = true;
                    end = q;
                    continue;
                }
                break;
            }
            if significant {
                covered = end;
                out.push(EntityMatch {
                    kind: EntityKind::ProductModel,
                    start: s,
                    end,
                    carrier: None,
                });
            }
        }
    }
}
