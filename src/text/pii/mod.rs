//! Detection and masking of personal data (PII) in Chinese customer-service
//! messages, plus extraction of business entities that must be *kept*
//! (order numbers, tracking numbers, product models, amounts).
//!
//! All detectors expect **normalized** text: full-width ASCII folded to
//! half-width, ASCII letters lowercased, zero-width characters removed and
//! spaces between two CJK characters removed. Spaces and dashes between digits
//! are kept (`138 1234 5678`, `138-1234-5678`). Every offset is a byte offset
//! into the given `&str` and always lies on a char boundary.
//!
//! Precision matters as much as recall: a customer's order number must not be
//! masked as a phone number, a price is not a bank card and `12315` is a
//! hotline, not PII.
//!
//! ```
//! use kefu_triage::pii::{mask_into, Detector, EntityKind, MaskStyle, PiiKind};
//!
//! let det = Detector::new(["iphone", "小米"]).unwrap();
//! let text = "订单号202411110012345678的iphone 15没收到，手机13812345678";
//!
//! let mut pii = Vec::new();
//! det.find_pii(text, &mut pii);
//! assert_eq!(pii.len(), 1);
//! assert_eq!(pii[0].kind, PiiKind::Phone);
//!
//! let mut entities = Vec::new();
//! det.find_entities(text, &mut entities);
//! let kinds: Vec<EntityKind> = entities.iter().map(|e| e.kind).collect();
//! assert_eq!(kinds, [EntityKind::OrderNumber, EntityKind::ProductModel]);
//!
//! let mut masked = String::new();
//! mask_into(text, &pii, MaskStyle::Placeholder, &mut masked);
//! assert_eq!(masked, "订单号202411110012345678的iphone 15没收到，手机[手机号]");
//! ```

use std::cell::RefCell;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use regex::Regex;

mod obfuscated;

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

/// The kind of a personal-data span found by [`Detector::find_pii`].
///
/// ```
/// use kefu_triage::pii::PiiKind;
/// assert_eq!(PiiKind::IdCard.as_str(), "id_card");
/// assert_eq!(PiiKind::IdCard.placeholder(), "[身份证]");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PiiKind {
    /// Mainland mobile number, e.g. `13812345678`, `+86 138 1234 5678`.
    Phone,
    /// Landline number with area code, e.g. `010-12345678`, `(0755)1234567`.
    Landline,
    /// Resident identity card number (18 digits with checksum, or 15 digits
    /// after a keyword).
    IdCard,
    /// Bank card number (Luhn-valid, with a keyword or a typical BIN).
    BankCard,
    /// E-mail address.
    Email,
    /// WeChat id introduced by a keyword such as `微信` or `vx`.
    Wechat,
    /// QQ number introduced by a keyword such as `qq` or `扣扣`.
    Qq,
    /// Street address such as `广东省深圳市南山区科技园路18号`.
    Address,
    /// Vehicle license plate such as `粤b12345`.
    LicensePlate,
    /// Passport number introduced by `护照`.
    Passport,
}

impl PiiKind {
    /// Every kind, in declaration order.
    ///
    /// ```
    /// use kefu_triage::pii::PiiKind;
    /// assert_eq!(PiiKind::ALL.len(), 10);
    /// assert_eq!(PiiKind::ALL[0], PiiKind::Phone);
    /// ```
    pub const ALL: [PiiKind; 10] = [
        PiiKind::Phone,
        PiiKind::Landline,
        PiiKind::IdCard,
        PiiKind::BankCard,
        PiiKind::Email,
        PiiKind::Wechat,
        PiiKind::Qq,
        PiiKind::Address,
        PiiKind::LicensePlate,
        PiiKind::Passport,
    ];

    /// Stable snake_case name of the kind.
    ///
    /// ```
    /// use kefu_triage::pii::PiiKind;
    /// assert_eq!(PiiKind::LicensePlate.as_str(), "license_plate");
    /// assert_eq!(PiiKind::Qq.as_str(), "qq");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PiiKind::Phone => "phone",
            PiiKind::Landline => "landline",
            PiiKind::IdCard => "id_card",
            PiiKind::BankCard => "bank_card",
            PiiKind::Email => "email",
            PiiKind::Wechat => "wechat",
            PiiKind::Qq => "qq",
            PiiKind::Address => "address",
            PiiKind::LicensePlate => "license_plate",
            PiiKind::Passport => "passport",
        }
    }

    /// Placeholder used by [`MaskStyle::Placeholder`].
    ///
    /// ```
    /// use kefu_triage::pii::PiiKind;
    /// assert_eq!(PiiKind::Phone.placeholder(), "[手机号]");
    /// assert_eq!(PiiKind::Qq.placeholder(), "[QQ号]");
    /// ```
    #[must_use]
    pub fn placeholder(self) -> &'static str {
        match self {
            PiiKind::Phone => "[手机号]",
            PiiKind::Landline => "[座机]",
            PiiKind::IdCard => "[身份证]",
            PiiKind::BankCard => "[银行卡]",
            PiiKind::Email => "[邮箱]",
            PiiKind::Wechat => "[微信号]",
            PiiKind::Qq => "[QQ号]",
            PiiKind::Address => "[地址]",
            PiiKind::LicensePlate => "[车牌]",
            PiiKind::Passport => "[护照]",
        }
    }
}

/// One personal-data span: `text[start..end]` is of kind `kind`.
///
/// ```
/// use kefu_triage::pii::{Detector, PiiKind, PiiMatch};
/// let det = Detector::new([]).unwrap();
/// let mut out = Vec::new();
/// det.find_pii("邮箱zs@qq.com", &mut out);
/// assert_eq!(out, [PiiMatch { kind: PiiKind::Email, start: 6, end: 15 }]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PiiMatch {
    /// What was found.
    pub kind: PiiKind,
    /// Byte offset of the first byte of the span.
    pub start: usize,
    /// Byte offset one past the last byte of the span.
    pub end: usize,
}

/// The kind of a business entity found by [`Detector::find_entities`].
/// Entities are useful for routing and are never masked.
///
/// ```
/// use kefu_triage::pii::EntityKind;
/// assert_eq!(EntityKind::TrackingNumber.as_str(), "tracking_number");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    /// Order number, e.g. `订单号 202411110012345678`.
    OrderNumber,
    /// Courier tracking number, e.g. `sf1234567890123`.
    TrackingNumber,
    /// Product model, e.g. `iphone 15 pro max`, `小米14 ultra`.
    ProductModel,
    /// Amount of money, e.g. `¥199`, `199.9元`, `50块钱`.
    Amount,
}

impl EntityKind {
    /// Every kind, in declaration order.
    ///
    /// ```
    /// use kefu_triage::pii::EntityKind;
    /// assert_eq!(EntityKind::ALL[3], EntityKind::Amount);
    /// ```
    pub const ALL: [EntityKind; 4] = [
        EntityKind::OrderNumber,
        EntityKind::TrackingNumber,
        EntityKind::ProductModel,
        EntityKind::Amount,
    ];

    /// Stable snake_case name of the kind.
    ///
    /// ```
    /// use kefu_triage::pii::EntityKind;
    /// assert_eq!(EntityKind::OrderNumber.as_str(), "order_number");
    /// assert_eq!(EntityKind::ProductModel.as_str(), "product_model");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::OrderNumber => "order_number",
            EntityKind::TrackingNumber => "tracking_number",
            EntityKind::ProductModel => "product_model",
            EntityKind::Amount => "amount",
        }
    }
}

/// One entity span: `text[start..end]` is of kind `kind`.
///
/// ```
/// use kefu_triage::pii::{Detector, EntityKind};
/// let det = Detector::new([]).unwrap();
/// let mut out = Vec::new();
/// det.find_entities("顺丰sf1234567890123", &mut out);
/// assert_eq!(out[0].kind, EntityKind::TrackingNumber);
/// assert_eq!(out[0].carrier, Some("sf"));
/// assert_eq!((out[0].start, out[0].end), (6, 21));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EntityMatch {
    /// What was found.
    pub kind: EntityKind,
    /// Byte offset of the first byte of the span.
    pub start: usize,
    /// Byte offset one past the last byte of the span.
    pub end: usize,
    /// Courier of a tracking number when it can be told: one of `"sf"`,
    /// `"jd"`, `"yto"`, `"zto"`, `"sto"`, `"yunda"`, `"ems"`, `"jt"`.
    /// Always `None` for other kinds.
    pub carrier: Option<&'static str>,
}

/// How [`mask_into`] replaces a PII span.
///
/// ```
/// use kefu_triage::pii::{mask_into, MaskStyle, PiiKind, PiiMatch};
/// let spans = [PiiMatch { kind: PiiKind::Phone, start: 0, end: 11 }];
/// let mut out = String::new();
/// mask_into("13812345678", &spans, MaskStyle::Partial, &mut out);
/// assert_eq!(out, "138****5678");
/// assert_eq!(MaskStyle::default(), MaskStyle::Placeholder);
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum MaskStyle {
    /// Replace the whole span by [`PiiKind::placeholder`], e.g. `[手机号]`.
    #[default]
    Placeholder,
    /// Keep a few characters: phones keep the first 3 and last 4 digits
    /// (`138****5678`), ID and bank cards the first 6 and last 4 with one `*`
    /// per hidden character, e-mails the first character of the local part
    /// (`z***@qq.com`). Other kinds fall back to the placeholder.
    Partial,
}

// ---------------------------------------------------------------------------
// Checksums
// ---------------------------------------------------------------------------

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS: &[u8; 11] = b"10x98765432";

/// Check character (`0`-`9` or lowercase `x`) for the first 17 digits of an
/// 18-digit ID; `None` if a byte is not an ASCII digit.
fn id18_check_char(first17: &[u8]) -> Option<u8> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (&d, w) in first17.iter().zip(ID_WEIGHTS) {
        if !d.is_ascii_digit() {
            return None;
        }
        sum += u32::from(d - b'0') * w;
    }
    Some(ID_CHECK_CHARS[(sum % 11) as usize])
}

/// True when `id` is an 18-character resident ID number whose last character
/// matches the GB 11643 check character (only the checksum is verified, not
/// the region or the birth date). The check character may be `x` or `X`.
///
/// ```
/// use kefu_triage::pii::id_card_checksum_ok;
/// assert!(id_card_checksum_ok("11010519491231002x"));
/// assert!(id_card_checksum_ok("11010519491231002X"));
/// assert!(!id_card_checksum_ok("110105194912310021"));
/// assert!(!id_card_checksum_ok("1101051949123100"));
/// ```
#[must_use]
pub fn id_card_checksum_ok(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 18 && id18_check_char(&b[..17]) == Some(b[17].to_ascii_lowercase())
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

fn num(d: &[u8]) -> u32 {
    d.iter().fold(0, |acc, &c| acc * 10 + u32::from(c - b'0'))
}

fn date_ok(year: u32, month: u32, day: u32) -> bool {
    (1900..=2099).contains(&year) && day >= 1 && day <= days_in_month(year, month)
}

/// Full validation of an 18-character ID (17 digits + check char): region
/// starts with 1-8, plausible birth date, checksum.
fn id18_valid(id: &[u8]) -> bool {
    id.len() == 18
        && matches!(id[0], b'1'..=b'8')
        && id[..17].iter().all(u8::is_ascii_digit)
        && date_ok(num(&id[6..10]), num(&id[10..12]), num(&id[12..14]))
        && id18_check_char(&id[..17]) == Some(id[17].to_ascii_lowercase())
}

/// Validation of an old 15-digit ID: region starts with 1-8 and `19yymmdd`
/// is a plausible date.
fn id15_valid(id: &[u8]) -> bool {
    id.len() == 15
        && matches!(id[0], b'1'..=b'8')
        && id.iter().all(u8::is_ascii_digit)
        && date_ok(1900 + num(&id[6..8]), num(&id[8..10]), num(&id[10..12]))
}

fn luhn_digits(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &c) in digits.iter().rev().enumerate() {
        let mut d = u32::from(c - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    digits.len() >= 2 && sum.is_multiple_of(10)
}

/// True when the digits pass the Luhn (mod 10) check used by bank cards.
/// Spaces and dashes are ignored; any other non-digit character, or fewer
/// than two digits, gives `false`.
///
/// ```
/// use kefu_triage::pii::luhn_ok;
/// assert!(luhn_ok("4111111111111111"));
/// assert!(luhn_ok("4111 1111 1111 1111"));
/// assert!(!luhn_ok("4111111111111112"));
/// assert!(!luhn_ok("4111a11111111111"));
/// ```
#[must_use]
pub fn luhn_ok(digits: &str) -> bool {
    let mut sum = 0u32;
    let mut n = 0usize;
    for &c in digits.as_bytes().iter().rev() {
        match c {
            b'0'..=b'9' => {
                let mut d = u32::from(c - b'0');
                if n % 2 == 1 {
                    d *= 2;
                    if d > 9 {
                        d -= 9;
                    }
                }
                sum += d;
                n += 1;
            }
            b' ' | b'-' => {}
            _ => return false,
        }
    }
    n >= 2 && sum.is_multiple_of(10)
}

// ---------------------------------------------------------------------------
// Keyword tables
// ---------------------------------------------------------------------------

/// Keywords that, directly before a number, make it an order/tracking number
/// (so it is never masked as a phone, card or ID).
const ORDER_INTRO: &[&str] = &[
    "订单号码",
    "订单编号",
    "订单号",
    "订单",
    "单号码",
    "单号",
    "order number",
    "order no.",
    "order no",
    "order id",
    "orderid",
    "order",
    "快递号",
    "物流号",
];
const CARD_KEYWORDS: &[&str] = &["卡号", "银行卡", "信用卡", "储蓄卡", "借记卡", "card"];
const ID_KEYWORDS: &[&str] = &["身份证", "证件"];
const COURIERS: &[(&str, &str)] = &[
    ("顺丰", "sf"),
    ("京东", "jd"),
    ("圆通", "yto"),
    ("中通", "zto"),
    ("申通", "sto"),
    ("韵达", "yunda"),
    ("ems", "ems"),
    ("邮政", "ems"),
    ("极兔", "jt"),
];
const MODEL_SUFFIXES: &[&str] = &[
    "pro", "pro+", "promax", "max", "ultra", "plus", "mini", "se", "air", "lite", "e",
];
/// Every amount names its currency next to its number: one of these ends
/// right before the first digit (after at most one space) ...
const AMOUNT_BEFORE: &[&str] = &["¥", "￥", "$", "rmb", "人民币"];
/// ... or one of these starts right after the last digit (after at most
/// one space). See the amount pattern in [`Detector::new`].
const AMOUNT_AFTER: &[&str] = &["元", "块", "圆", "rmb", "人民币"];
/// The suffixes that anchor an address when they follow a digit or letter.
const ADDRESS_ANCHOR_SUFFIXES: &[&str] = &["号", "栋", "幢", "座", "室", "单元"];
/// Bytes of context searched for a keyword before / after a number.
const KEYWORD_WINDOW_BEFORE: usize = 30;
const KEYWORD_WINDOW_AFTER: usize = 15;
/// Longest address span, in characters.
const ADDRESS_MAX_CHARS: usize = 60;

// Address grammar. Named pieces are Han text ending in an administrative or
// street suffix; numbered pieces are a number plus 号/栋/单元/室...
/// Characters that never occur inside a named address piece (pronouns,
/// particles, verbs of sending): keeps the address from swallowing the
/// surrounding sentence.
const ADDR_NOT_IN_NAME: &str = "我你他她您咱是的了呢吗吧啊请帮把就也还要想需给到寄送往住在址";
/// Additional characters that never start a named address piece.
///
/// `成` is here because of `改成` / `写成`; `成都` is added back explicitly.
const ADDR_NOT_FIRST: &str = "地收货改换填写发从为家与或及成";
/// (suffix alternatives, min name chars, max name chars)
const ADDR_NAMED: &[(&str, usize, usize)] = &[
    ("省", 2, 3),
    ("自治区|自治州", 2, 6),
    ("市", 2, 4),
    ("区|县", 1, 4),
    ("街道", 2, 4),
    ("镇|乡|村", 1, 4),
    ("大道|胡同|路|街|巷|弄", 1, 6),
    ("段", 1, 3),
];
const ADDR_ESTATE: &str = "小区|花园|家园|新村|公寓|大厦|大楼|广场|中心|国际|华庭|华府|公馆|苑|城";
/// `组` is the rural team number (`王家村三组十五号`).
const ADDR_NUMBERED: &str = "号楼|号院|号|栋|幢|座|单元|楼|层|室|弄|期|区|组";
/// Suffixes of numbered pieces that make the span clearly an address.
const ADDR_ANCHORS: &[&str] = &["号楼", "号院", "号", "栋", "幢", "座", "室", "单元"];
/// A bare trailing number (`...2单元301`) is kept only after these.
const ADDR_TRAIL_AFTER: &[&str] = &[
    "单元", "栋", "幢", "座", "楼", "小区", "花园", "家园", "新村", "公寓", "大厦", "苑", "村",
];
/// `N号` followed by one of these is not part of an address (`2号线`,
/// `四号公路`).
const ADDR_NOT_AFTER_HAO: &[&str] = &["线", "店", "机", "位", "口", "门", "码", "台", "公路"];

// ---------------------------------------------------------------------------
// Detector
// ---------------------------------------------------------------------------

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
    pii_intro: Regex,
    plate: Regex,
    address: Regex,
    address_piece: Regex,
    entity_intro: Regex,
    tracking: Regex,
    amount: Regex,
    /// Brand and series names; `None` without brands.
    brands: Option<Brands>,
}

/// The brand list compiled for [`Detector::scan_products`].
#[derive(Debug, Clone)]
struct Brands {
    /// ASCII-case-insensitive, leftmost-first in the order of the list
    /// (longest first), for unanchored and anchored searches. Aho-Corasick
    /// instead of the former regex alternation, which ran a lazy DFA over
    /// every byte (10% of the mask stage, perf over the bench corpus).
    ac: AhoCorasick,
    /// Every character of every brand (both cases of ASCII letters), plus
    /// space and `+`, sorted: see `Detector::scan_products`.
    chars: Vec<char>,
    /// Longest brand, in bytes.
    max_len: usize,
}

fn address_piece_pattern() -> String {
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
        let pii_intro = Regex::new(
            // Longest first at each position. WeChat goes by many names
            // (薇信, 卫星, 绿泡泡, v, +v ...); a one-letter or one-character
            // name needs a handle that could not be a word.
            "微信号|微信|威信|薇信|卫星号|卫星|绿泡泡|绿色软件|weixin|wechat|v信|加我vx|加我v|加vx|加v|加微|v我|vx号|vx|wx号|wx|薇|微|威|v|qq号码|qq号|qq|扣扣号|扣扣|护照号码|护照号|护照",
        )?;
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

        Ok(Detector {
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
    fn find_pii_gated(&self, text: &str, out: &mut Vec<PiiMatch>, gated: bool) {
        out.clear();
        if text.is_empty() {
            return;
        }
        // Numbers in Chinese, financial or spoken numerals and house numbers
        // such as `十二号`: every detector reads a view of the text with
        // numerals as ASCII digits, and the spans are mapped back.
        let viewed = obfuscated::with_view(text, |v| {
            self.find_pii_in(&v.text, out, gated);
            for m in out.iter_mut() {
                (m.start, m.end) = v.source_span(m.start, m.end);
            }
            resolve(out, |m| (m.start, m.end), |m| pii_rank(m.kind));
        });
        if viewed.is_none() {
            self.find_pii_in(text, out, gated);
        }
    }

    /// [`Detector::find_pii_gated`] on `text` as it is.
    fn find_pii_in(&self, text: &str, out: &mut Vec<PiiMatch>, gated: bool) {
        // Every detector below is gated by a condition that its matches
        // cannot exist without, so the many inquiries without a digit, a
        // Latin letter or an `@` cost one vectorized pass over their bytes,
        // and the others run only the detectors they could feed.
        //
        // Measured over the bench corpus (13,000 distinct inquiries, 7.5%
        // with an ASCII digit), `cargo bench --bench triage --
        // 'corpus/(mask|jieba_cut)$'`, same run, 2 loaded cores: the mask
        // stage went from 4.43 ms to 1.35-1.46 ms, 0.29x to 0.09x of
        // `jieba_rs::Jieba::cut` (14.8-15.0 ms). Callgrind over a driver
        // doing find_pii + find_entities_excluding + mask_into: 41.8 M to
        // 14.6 M instructions per corpus pass. Inquiries without digits or
        // letters: 78 ns to 34 ns each (jieba: ~600 ns); what remains is
        // `Flags::of` (mostly the first touch of the text) and the copy into
        // the masked text. Before, perf put 35% of the stage in the old
        // byte-by-byte `Flags::of` (run twice) and 27% in regex searches
        // (addresses 12%, product brands 10%, plates 7%).
        let b = text.as_bytes();
        let f = Flags::of(b);
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
        // The scan's first sweep looks for every spelled-out `@` and returns
        // when there is none: no separate pre-test that would search twice.
        if f.alpha {
            obfuscated::scan_obfuscated_emails(text, out);
        }
        // A WeChat handle has letters; otherwise the id is a QQ number (5+
        // digits), a mobile number or a passport (7+ digits), after a Han
        // keyword.
        if f.alpha || (f.non_ascii && (f.digits >= 5 || (!gated && f.digit()))) {
            self.scan_pii_intros(text, out);
        }
        // Plates: province, letter, 3+ digits. Addresses: see
        // `address_anchor_possible` (the address regex, with its large Han
        // classes, was 12% of the stage before this gate). Both need a digit
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
    fn find_entities_gated(
        &self,
        text: &str,
        pii: &[PiiMatch],
        out: &mut Vec<EntityMatch>,
        gated: bool,
    ) {
        out.clear();
        if text.is_empty() {
            return;
        }
        // Gated like `find_pii_gated`, which see.
        let f = Flags::of(text.as_bytes());
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
            let kw = m.as_str().as_bytes();
            let s = m.start();
            if kw[0].is_ascii_alphabetic() && s > 0 && b[s - 1].is_ascii_alphanumeric() {
                continue;
            }
            let (p, skipped) = skip_intro_filler(text, m.end());
            let kind = match kw[0] {
                b'q' => PiiKind::Qq,
                _ if m.as_str().starts_with("扣扣") => PiiKind::Qq,
                _ if m.as_str().starts_with("护照") => PiiKind::Passport,
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

// ---------------------------------------------------------------------------
// Masking
// ---------------------------------------------------------------------------

/// Appends `text` to `out` with every span in `spans` masked in `style`.
///
/// `spans` must be sorted by `start`, non-overlapping and in `text`
/// coordinates (as produced by [`Detector::find_pii`]); a span that is empty,
/// out of range, off a char boundary or overlapping an earlier one is
/// ignored rather than causing a panic.
///
/// ```
/// use kefu_triage::pii::{mask_into, Detector, MaskStyle};
/// let det = Detector::new([]).unwrap();
/// let text = "手机13812345678 邮箱zhangsan@qq.com 卡号6222021234567890128";
/// let mut spans = Vec::new();
/// det.find_pii(text, &mut spans);
///
/// let mut out = String::new();
/// mask_into(text, &spans, MaskStyle::Placeholder, &mut out);
/// assert_eq!(out, "手机[手机号] 邮箱[邮箱] 卡号[银行卡]");
///
/// out.clear();
/// mask_into(text, &spans, MaskStyle::Partial, &mut out);
/// assert_eq!(out, "手机138****5678 邮箱z***@qq.com 卡号622202*********0128");
/// ```
pub fn mask_into(text: &str, spans: &[PiiMatch], style: MaskStyle, out: &mut String) {
    out.reserve(text.len());
    let mut pos = 0;
    for sp in spans {
        if sp.start < pos
            || sp.end <= sp.start
            || sp.end > text.len()
            || !text.is_char_boundary(sp.start)
            || !text.is_char_boundary(sp.end)
        {
            continue;
        }
        out.push_str(&text[pos..sp.start]);
        mask_one(&text[sp.start..sp.end], sp.kind, style, out);
        pos = sp.end;
    }
    out.push_str(&text[pos..]);
}

fn mask_one(s: &str, kind: PiiKind, style: MaskStyle, out: &mut String) {
    if style == MaskStyle::Partial {
        match kind {
            PiiKind::Phone => {
                let n = s.bytes().filter(u8::is_ascii_digit).count();
                if n >= 11 {
                    let national = n - 11;
                    let mut di = 0;
                    for c in s.chars() {
                        if c.is_ascii_digit() {
                            if di >= national {
                                let j = di - national;
                                out.push(if (3..7).contains(&j) { '*' } else { c });
                            } else {
                                out.push(c);
                            }
                            di += 1;
                        } else if di <= national {
                            // Prefix punctuation such as `+` or the space
                            // after `+86`; separators inside are dropped.
                            out.push(c);
                        }
                    }
                    return;
                }
            }
            PiiKind::IdCard | PiiKind::BankCard => {
                let significant = |c: char| c.is_ascii_digit() || c == 'x' || c == 'X';
                let n = s.chars().filter(|&c| significant(c)).count();
                if n >= 11 {
                    for (j, c) in s.chars().filter(|&c| significant(c)).enumerate() {
                        out.push(if j < 6 || j + 4 >= n { c } else { '*' });
                    }
                    return;
                }
            }
            PiiKind::Email => {
                if let Some(at) = s.find('@')
                    && let Some(c) = s[..at].chars().next()
                {
                    out.push(c);
                    out.push_str("***");
                    out.push_str(&s[at..]);
                    return;
                }
            }
            _ => {}
        }
    }
    out.push_str(kind.placeholder());
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Cheap one-pass pre-filter: which detector families can match at all.
#[derive(Clone, Copy)]
struct Flags {
    /// Number of ASCII digits.
    digits: usize,
    alpha: bool,
    at: bool,
    non_ascii: bool,
}

impl Flags {
    fn of(b: &[u8]) -> Flags {
        // Branch-free reduction over fixed-size chunks (the count fits a
        // u8): LLVM turns the inner loop into SIMD compares. The former
        // `match` per byte, called twice per inquiry, was 35% of the mask
        // stage (perf); this one took the stage from 3.49 ms to ~2.5 ms.
        let mut digits = 0usize;
        let mut bits = 0u8;
        for chunk in b.chunks(128) {
            let mut n = 0u8;
            let mut m = 0u8;
            for &c in chunk {
                n += u8::from(c.wrapping_sub(b'0') < 10);
                m |= u8::from((c | 0x20).wrapping_sub(b'a') < 26)
                    | (u8::from(c == b'@') << 1)
                    | ((c >> 7) << 2);
            }
            digits += usize::from(n);
            bits |= m;
        }
        Flags {
            digits,
            alpha: bits & 1 != 0,
            at: bits & 2 != 0,
            non_ascii: bits & 4 != 0,
        }
    }

    fn digit(self) -> bool {
        self.digits > 0
    }
}

fn pii_rank(k: PiiKind) -> u8 {
    match k {
        PiiKind::Email => 9,
        PiiKind::IdCard => 8,
        PiiKind::Passport => 7,
        PiiKind::Wechat => 6,
        PiiKind::Qq => 5,
        PiiKind::BankCard => 4,
        PiiKind::Phone => 3,
        PiiKind::Landline => 2,
        PiiKind::LicensePlate => 1,
        PiiKind::Address => 0,
    }
}

fn entity_rank(k: EntityKind) -> u8 {
    match k {
        EntityKind::TrackingNumber => 3,
        EntityKind::OrderNumber => 2,
        EntityKind::ProductModel => 1,
        EntityKind::Amount => 0,
    }
}

/// Sorts by start and drops overlaps in place: of two overlapping spans the
/// higher rank wins, then the longer one, then the earlier one.
fn resolve<T: Copy>(v: &mut Vec<T>, span: impl Fn(&T) -> (usize, usize), rank: impl Fn(&T) -> u8) {
    v.retain(|x| {
        let (s, e) = span(x);
        s < e
    });
    v.sort_unstable_by(|a, b| {
        let (sa, ea) = span(a);
        let (sb, eb) = span(b);
        sa.cmp(&sb).then(eb.cmp(&ea)).then(rank(b).cmp(&rank(a)))
    });
    let mut w = 0;
    for i in 0..v.len() {
        let c = v[i];
        if w > 0 {
            let (ls, le) = span(&v[w - 1]);
            let (cs, ce) = span(&c);
            if cs < le {
                let (rc, rl) = (rank(&c), rank(&v[w - 1]));
                if rc > rl || (rc == rl && ce - cs > le - ls) {
                    v[w - 1] = c;
                }
                continue;
            }
        }
        v[w] = c;
        w += 1;
    }
    v.truncate(w);
}

/// Whether `[s, e)` overlaps a span of `pii` (sorted, non-overlapping).
fn overlaps_any(pii: &[PiiMatch], s: usize, e: usize) -> bool {
    let i = pii.partition_point(|p| p.end <= s);
    pii.get(i).is_some_and(|p| p.start < e)
}

/// No token continues before byte `p`: the previous byte is not an ASCII
/// letter/digit/underscore, nor a `-`/`.` glued to a digit.
fn left_ok(b: &[u8], p: usize) -> bool {
    if p == 0 {
        return true;
    }
    let c = b[p - 1];
    if c.is_ascii_alphanumeric() || c == b'_' {
        return false;
    }
    !((c == b'-' || c == b'.') && p >= 2 && b[p - 2].is_ascii_digit())
}

/// Mirror of [`left_ok`] for the byte at `e`.
fn right_ok(b: &[u8], e: usize) -> bool {
    if e >= b.len() {
        return true;
    }
    let c = b[e];
    if c.is_ascii_alphanumeric() || c == b'_' {
        return false;
    }
    !((c == b'-' || c == b'.') && e + 1 < b.len() && b[e + 1].is_ascii_digit())
}

/// Latin brands must stand alone on the left and may only be followed by a
/// non-letter (`iphone15` is fine, `iphones` is not).
fn brand_bounds_ok(b: &[u8], s: usize, e: usize) -> bool {
    if !b[s].is_ascii() {
        return true;
    }
    (s == 0 || !b[s - 1].is_ascii_alphanumeric())
        && (e >= b.len() || !b[e].is_ascii_alphabetic() || !b[e - 1].is_ascii_alphabetic())
}

/// Skips up to six separator characters after a keyword (`：`, spaces, `是`,
/// `号码` ...). Returns the new position and whether anything was skipped.
fn skip_filler(text: &str, pos: usize) -> (usize, bool) {
    let mut p = pos;
    for c in text[pos..].chars().take(6) {
        if matches!(c, ' ' | ':' | '：' | '#' | '=' | '是' | '为' | '号' | '码') {
            p += c.len_utf8();
        } else {
            break;
        }
    }
    (p, p > pos)
}

/// [`skip_filler`] after a WeChat or QQ name, which customers decorate:
/// `微信搜一搜…`, `vx同号：…`, `v❤ …`, `微信号(区分大小写)…`.
fn skip_intro_filler(text: &str, pos: usize) -> (usize, bool) {
    let mut p = pos;
    let mut n = 0;
    while n < 8 {
        let Some(c) = text[p..].chars().next() else {
            break;
        };
        if matches!(
            c,
            ' ' | ':'
                | '：'
                | '#'
                | '='
                | '是'
                | '为'
                | '号'
                | '码'
                | '同'
                | '搜'
                | '一'
                | '+'
                | '➕'
        ) || (c > '\u{2000}'
            && !c.is_alphanumeric()
            && !matches!(c, '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}'))
        {
            p += c.len_utf8();
        } else if matches!(c, '(' | '（') {
            // A short remark in brackets.
            let rest = &text[p..];
            match rest
                .char_indices()
                .take(12)
                .find(|&(_, c)| matches!(c, ')' | '）'))
            {
                Some((k, c)) => p += k + c.len_utf8(),
                None => break,
            }
        } else {
            break;
        }
        n += 1;
    }
    (p, p > pos)
}

/// End of the run of bytes satisfying `pred` starting at `p`, or `None` when
/// the run is longer than `max` bytes (bounded work per call).
fn ascii_run(b: &[u8], p: usize, max: usize, pred: impl Fn(u8) -> bool) -> Option<usize> {
    let mut q = p;
    while q < b.len() && pred(b[q]) {
        q += 1;
        if q - p > max {
            return None;
        }
    }
    Some(q)
}

/// Whether `text[..pos]`, after separator characters, ends with one of
/// `keywords` (the number at `pos` is directly introduced by it).
fn introduced_by(text: &str, pos: usize, keywords: &[&str]) -> bool {
    let mut head = &text[..pos];
    for _ in 0..6 {
        match head.chars().next_back() {
            Some(c @ (' ' | ':' | '：' | '#' | '=' | '是' | '为')) => {
                head = &head[..head.len() - c.len_utf8()];
            }
            _ => break,
        }
    }
    keywords.iter().any(|k| head.ends_with(k))
}

fn window_before(text: &str, pos: usize, bytes: usize) -> &str {
    let mut s = pos.saturating_sub(bytes);
    while !text.is_char_boundary(s) {
        s += 1;
    }
    &text[s..pos]
}

fn window_after(text: &str, pos: usize, bytes: usize) -> &str {
    let mut e = (pos + bytes).min(text.len());
    while !text.is_char_boundary(e) {
        e -= 1;
    }
    &text[pos..e]
}

fn keyword_near(text: &str, s: usize, e: usize, keywords: &[&str]) -> bool {
    let before = window_before(text, s, KEYWORD_WINDOW_BEFORE);
    let after = window_after(text, e, KEYWORD_WINDOW_AFTER);
    keywords
        .iter()
        .any(|k| before.contains(k) || after.contains(k))
}

fn courier_near(text: &str, s: usize) -> Option<&'static str> {
    let before = window_before(text, s, KEYWORD_WINDOW_BEFORE);
    COURIERS
        .iter()
        .find(|(name, _)| before.contains(name))
        .map(|&(_, code)| code)
}

/// Courier of an all-digit tracking number `text[s..e]`, if recognisable.
fn digit_carrier(text: &str, s: usize, e: usize) -> Option<&'static str> {
    let d = &text.as_bytes()[s..e];
    let near = |name: &str| window_before(text, s, KEYWORD_WINDOW_BEFORE).contains(name);
    match d.len() {
        12 if d.starts_with(b"73") || d.starts_with(b"75") => Some("zto"),
        12 | 14 if near("中通") => Some("zto"),
        12 if near("顺丰") => Some("sf"),
        13 if d.starts_with(b"77") => Some("sto"),
        13 if (d.starts_with(b"43") || d.starts_with(b"31")) && near("韵达") => Some("yunda"),
        _ => None,
    }
}

/// Tracking numbers made of digits only, and 16-20 digit order numbers that
/// start with a year (`20xx`).
fn scan_entity_digit_runs(text: &str, out: &mut Vec<EntityMatch>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let e = i;
        if !left_ok(b, s) || !right_ok(b, e) {
            continue;
        }
        if let Some(carrier) = digit_carrier(text, s, e) {
            out.push(EntityMatch {
                kind: EntityKind::TrackingNumber,
                start: s,
                end: e,
                carrier: Some(carrier),
            });
        } else if (16..=20).contains(&(e - s)) && b[s..].starts_with(b"20") {
            out.push(EntityMatch {
                kind: EntityKind::OrderNumber,
                start: s,
                end: e,
                carrier: None,
            });
        }
    }
}

/// Provinces that start a license plate (see `Detector::plate`).
const PLATE_PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/// Necessary condition for a plate: a province character directly followed
/// by a Latin letter. Only reached by text with letters and digits.
fn plate_possible(text: &str) -> bool {
    any_ascii(text.as_bytes(), true, |i| {
        text.as_bytes()[i].is_ascii_alphabetic()
            && i >= 3
            && text
                .get(i - 3..i)
                .is_some_and(|p| PLATE_PROVINCES.contains(p))
    })
}

/// Necessary condition for an address: it is only reported with an anchor,
/// a numbered piece whose suffix (`号`, `号楼`, `号院`, `栋`, `幢`, `室`,
/// `单元`) directly follows a digit or letter, or a trailing number with a
/// dash (`3-2-301`).
fn address_anchor_possible(b: &[u8]) -> bool {
    any_ascii(b, true, |i| {
        let mut rest = &b[i + 1..];
        // `76 号`: one space may stand between the number and its suffix.
        if rest.first() == Some(&b' ') {
            rest = &rest[1..];
        }
        (b[i].is_ascii_digit() && rest.len() >= 2 && rest[0] == b'-' && rest[1].is_ascii_digit())
            || ADDRESS_ANCHOR_SUFFIXES
                .iter()
                .any(|k| rest.starts_with(k.as_bytes()))
    })
}

/// Necessary condition for an amount: a currency word or sign right before
/// the first digit of a run or right after its last, optionally across one
/// space.
fn amount_possible(b: &[u8]) -> bool {
    any_ascii(b, false, |i| {
        let first = i == 0 || !b[i - 1].is_ascii_digit();
        let last = i + 1 == b.len() || !b[i + 1].is_ascii_digit();
        if first {
            let mut head = &b[..i];
            if let [h @ .., b' '] = head {
                head = h;
            }
            if AMOUNT_BEFORE.iter().any(|k| head.ends_with(k.as_bytes())) {
                return true;
            }
        }
        if last {
            let mut tail = &b[i + 1..];
            if let [b' ', t @ ..] = tail {
                tail = t;
            }
            if AMOUNT_AFTER.iter().any(|k| tail.starts_with(k.as_bytes())) {
                return true;
            }
        }
        false
    })
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `w` that is an ASCII digit, or (with
/// `letters`) an ASCII letter. SWAR: the bytes are made 7-bit first so that
/// no addition carries into the next byte.
fn ascii_class_mask(w: u64, letters: bool) -> u64 {
    let y = w & !HI;
    let mut m = (y + 0x50 * LO) & !(y + 0x46 * LO); // 0x30..=0x39
    if letters {
        let l = y | (0x20 * LO); // fold case
        m |= (l + 0x1F * LO) & !(l + 0x05 * LO); // 0x61..=0x7A
    }
    m & !w & HI
}

/// Whether `f` holds at some position of an ASCII digit (or, with
/// `letters`, digit or letter), visited in order. Eight bytes at a time:
/// in Chinese text these bytes are rare, and testing every byte in a loop
/// was 7% of the mask stage on inquiries that contain digits.
fn any_ascii(b: &[u8], letters: bool, mut f: impl FnMut(usize) -> bool) -> bool {
    let mut base = 0;
    for chunk in b.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        let mut m = ascii_class_mask(u64::from_le_bytes(word), letters);
        while m != 0 {
            if f(base + (m.trailing_zeros() / 8) as usize) {
                return true;
            }
            m &= m - 1;
        }
        base += 8;
    }
    false
}

fn is_mobile(d: &[u8]) -> bool {
    d.len() == 11 && d[0] == b'1' && matches!(d[1], b'3'..=b'9') && d.iter().all(u8::is_ascii_digit)
}

// ----- digit groups --------------------------------------------------------

/// Segments looked at from one start: 11 for a phone written digit by
/// digit (1 3 8 1 2 3 4 5 6 7 8).
const MAX_SEGS: usize = 12;
const MAX_DIGITS: usize = 24;

/// A run of ASCII digits `b[s..e]`.
#[derive(Clone, Copy, Default)]
struct Seg {
    s: usize,
    e: usize,
}

impl Seg {
    fn len(self) -> usize {
        self.e - self.s
    }
}

fn seg_at(b: &[u8], s: usize) -> Seg {
    let mut e = s;
    while e < b.len() && b[e].is_ascii_digit() {
        e += 1;
    }
    Seg { s, e }
}

/// The segment after `prev` when joined by exactly one separator: a space
/// or dash, or the `.` `*` `/` people use to dodge filters (138.1234.5678).
/// Every detector still demands its own grouping (3-4-4, 6-8-4, fours), so
/// amounts and dates such as 99.9 or 2024.11.11 never match.
fn next_seg(b: &[u8], prev: Seg) -> Option<Seg> {
    let e = prev.e;
    if e + 1 < b.len()
        && matches!(b[e], b' ' | b'-' | b'.' | b'*' | b'/')
        && b[e + 1].is_ascii_digit()
    {
        Some(seg_at(b, e + 1))
    } else {
        None
    }
}

fn gather(b: &[u8], segs: &[Seg], buf: &mut [u8; MAX_DIGITS]) -> Option<usize> {
    let mut n = 0;
    for s in segs {
        let d = &b[s.s..s.e];
        if n + d.len() > MAX_DIGITS {
            return None;
        }
        buf[n..n + d.len()].copy_from_slice(d);
        n += d.len();
    }
    Some(n)
}

fn lens_are(win: &[Seg], lens: &[usize]) -> bool {
    win.len() >= lens.len() && win.iter().zip(lens).all(|(s, &l)| s.len() == l)
}

/// Tries every digit-based PII candidate that starts with `win[0]`; pushes
/// the match and returns how many segments it used (1 when nothing matched).
fn match_digit_window(text: &str, win: &[Seg], out: &mut Vec<PiiMatch>) -> usize {
    let b = text.as_bytes();
    let s0 = win[0].s;
    if !left_ok(b, s0) {
        return 1;
    }
    let start_with_plus = if s0 > 0 && b[s0 - 1] == b'+' {
        s0 - 1
    } else {
        s0
    };
    if introduced_by(text, start_with_plus, ORDER_INTRO) {
        return 1;
    }
    let mut buf = [0u8; MAX_DIGITS];
    let mut push = |kind, start, end| out.push(PiiMatch { kind, start, end });

    // 18-digit ID: unbroken, or grouped 6-8-4; the check char may be `x`.
    for groups in [&[18usize][..], &[17], &[6, 8, 4], &[6, 8, 3]] {
        if !lens_are(win, groups) {
            continue;
        }
        let k = groups.len() - 1;
        let mut end = win[k].e;
        let n = gather(b, &win[..=k], &mut buf).unwrap_or(0);
        if n == 17 {
            if !matches!(b.get(end), Some(b'x' | b'X')) {
                continue;
            }
            buf[17] = b[end];
            end += 1;
        }
        if right_ok(b, end) && id18_valid(&buf[..18]) {
            push(PiiKind::IdCard, s0, end);
            return k + 1;
        }
    }

    // Mobile phone with an optional 86 / 0086 prefix, 3-4-4 grouping.
    if let Some((used, start, end)) = phone_candidate(b, win, start_with_plus) {
        push(PiiKind::Phone, start, end);
        return used;
    }

    // Old 15-digit ID, only after a keyword.
    for groups in [&[15usize][..], &[6, 6, 3]] {
        if lens_are(win, groups) {
            let k = groups.len() - 1;
            let end = win[k].e;
            let n = gather(b, &win[..=k], &mut buf).unwrap_or(0);
            let before = window_before(text, s0, KEYWORD_WINDOW_BEFORE);
            if n == 15
                && right_ok(b, end)
                && id15_valid(&buf[..15])
                && ID_KEYWORDS.iter().any(|k| before.contains(k))
            {
                push(PiiKind::IdCard, s0, end);
                return k + 1;
            }
        }
    }

    // Bank card: 13-19 digits, unbroken or in groups of four.
    let mut k = 0;
    if win[0].len() == 4 {
        let mut total = 4;
        while k + 1 < win.len() && win[k + 1].len() == 4 && total + 4 <= 19 {
            k += 1;
            total += 4;
        }
        if k + 1 < win.len()
            && (1..=3).contains(&win[k + 1].len())
            && total + win[k + 1].len() <= 19
        {
            k += 1;
        }
    }
    let end = win[k].e;
    if let Some(n) = gather(b, &win[..=k], &mut buf) {
        let digits = &buf[..n];
        if (13..=19).contains(&n)
            && right_ok(b, end)
            && luhn_digits(digits)
            && (keyword_near(text, s0, end, CARD_KEYWORDS) || obfuscated::issuer_ok(digits))
        {
            push(PiiKind::BankCard, s0, end);
            return k + 1;
        }
    }
    1
}

/// Mobile number starting at `win[0]`: returns (segments used, start, end).
fn phone_candidate(b: &[u8], win: &[Seg], start_with_plus: usize) -> Option<(usize, usize, usize)> {
    let first = &b[win[0].s..win[0].e];
    // (segment index of the national number, byte offset inside it)
    let mut options = [(0usize, 0usize); 3];
    let mut n_opt = 0;
    if (first == b"86" || first == b"0086") && win.len() > 1 {
        options[n_opt] = (1, 0);
        n_opt += 1;
    }
    for prefix in [&b"86"[..], b"0086"] {
        if first.starts_with(prefix) && matches!(first.len() - prefix.len(), 3 | 7 | 11) {
            options[n_opt] = (0, prefix.len());
            n_opt += 1;
        }
    }
    options[n_opt] = (0, 0);
    n_opt += 1;
    for &(j, off) in &options[..n_opt] {
        let national_start = win[j].s + off;
        // The second digit may sit in the next segment (1 3 8 …).
        let second = if win[j].len() - off >= 2 {
            b.get(national_start + 1)
        } else {
            win.get(j + 1).map(|t| &b[t.s])
        };
        if b[national_start] != b'1' || !matches!(second, Some(b'3'..=b'9')) {
            continue;
        }
        let head = win[j].len() - off;
        let rest = &win[j + 1..];
        let more: usize = match head {
            11 => 0,
            3 if lens_are(rest, &[4, 4]) => 2,
            3 if lens_are(rest, &[8]) => 1,
            7 if lens_are(rest, &[4]) => 1,
            // Every digit on its own: 1 3 8 1 2 3 4 5 6 7 8, and no twelfth.
            1 if off == 0
                && lens_are(rest, &[1; 10])
                && rest.get(10).is_none_or(|s| s.len() != 1) =>
            {
                10
            }
            _ => continue,
        };
        let last = j + more;
        let end = win[last].e;
        if !right_ok(b, end) {
            continue;
        }
        let prefixed = j > 0 || off > 0;
        let start = if prefixed { start_with_plus } else { win[0].s };
        return Some((last + 1, start, end));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    const BRANDS_FILE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/lexicons/product_brands.txt"
    ));

    fn parse_brands(file: &str) -> Vec<&str> {
        file.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    }

    fn det() -> &'static Detector {
        static DET: OnceLock<Detector> = OnceLock::new();
        DET.get_or_init(|| Detector::new(parse_brands(BRANDS_FILE)).expect("detector compiles"))
    }

    fn pii(text: &str) -> Vec<(PiiKind, &str)> {
        let mut out = Vec::new();
        det().find_pii(text, &mut out);
        out.iter()
            .map(|m| (m.kind, &text[m.start..m.end]))
            .collect()
    }

    fn entities(text: &str) -> Vec<(EntityKind, &str, Option<&'static str>)> {
        let mut out = Vec::new();
        det().find_entities(text, &mut out);
        out.iter()
            .map(|m| (m.kind, &text[m.start..m.end], m.carrier))
            .collect()
    }

    fn masked(text: &str, style: MaskStyle) -> String {
        let mut spans = Vec::new();
        det().find_pii(text, &mut spans);
        let mut out = String::new();
        mask_into(text, &spans, style, &mut out);
        out
    }

    /// Appends the GB 11643 check character to 17 digits.
    fn make_id(first17: &str) -> String {
        let c = id18_check_char(first17.as_bytes()).expect("17 digits");
        format!("{first17}{}", c as char)
    }

    /// Appends the Luhn check digit.
    fn make_card(body: &str) -> String {
        (0..10)
            .map(|d| format!("{body}{d}"))
            .find(|s| luhn_ok(s))
            .expect("some digit works")
    }

    /// Asserts that `find_pii` finds exactly `expected` (kind, text) pairs.
    fn check_pii(cases: &[(&str, &[(PiiKind, &str)])]) {
        for (text, expected) in cases {
            assert_eq!(pii(text), *expected, "text: {text}");
        }
    }

    fn only(kind: PiiKind, text: &str) -> Vec<(PiiKind, &str)> {
        pii(text).into_iter().filter(|(k, _)| *k == kind).collect()
    }

    // ----- lexicon ----------------------------------------------------------

    #[test]
    fn lexicon_header_and_entries() {
        assert_eq!(
            BRANDS_FILE.lines().next(),
            Some("#! kefu-triage product-brands v1")
        );
        let brands = parse_brands(BRANDS_FILE);
        for b in [
            "苹果", "iphone", "华为", "mate", "p", "小米", "redmi", "galaxy", "ps5", "dyson",
            "switch", "石头",
        ] {
            assert!(brands.contains(&b), "missing brand {b}");
        }
        for b in &brands {
            assert_eq!(*b, b.to_lowercase(), "Latin brands are lowercase");
        }
    }

    // ----- checksums --------------------------------------------------------

    #[test]
    fn checksums() {
        assert!(id_card_checksum_ok("11010519491231002x"));
        assert!(id_card_checksum_ok(&make_id("44030519900101123")));
        assert!(!id_card_checksum_ok("110105194912310020"));
        assert!(!id_card_checksum_ok("1101051949123100２x"));
        assert!(!id_card_checksum_ok(""));
        assert!(luhn_ok("6222021234567890128"));
        assert!(luhn_ok("1234567812345670"));
        assert!(!luhn_ok("1234567812345671"));
        assert!(!luhn_ok("0"));
        assert!(!luhn_ok(""));
        assert!(id18_valid(b"11010519491231002x"));
        assert!(
            !id18_valid(&make_id("11010519491331002").into_bytes()),
            "month 13"
        );
        assert!(
            !id18_valid(&make_id("11010518000101002").into_bytes()),
            "year 1800"
        );
        assert!(
            !id18_valid(&make_id("11010519900230002").into_bytes()),
            "Feb 30"
        );
        assert!(
            id18_valid(&make_id("11010520000229002").into_bytes()),
            "leap day"
        );
        assert!(
            !id18_valid(&make_id("91010519900101002").into_bytes()),
            "region 9"
        );
    }

    // ----- PII tables -------------------------------------------------------

    #[test]
    fn phone_positives() {
        use PiiKind::Phone;
        check_pii(&[
            ("电话13812345678", &[(Phone, "13812345678")]),
            ("手机:19912345678。", &[(Phone, "19912345678")]),
            ("138 1234 5678", &[(Phone, "138 1234 5678")]),
            ("打138-1234-5678找我", &[(Phone, "138-1234-5678")]),
            ("号码+86 138 1234 5678", &[(Phone, "+86 138 1234 5678")]),
            ("+8613812345678", &[(Phone, "+8613812345678")]),
            ("0086 13812345678", &[(Phone, "0086 13812345678")]),
            ("86-138-1234-5678", &[(Phone, "86-138-1234-5678")]),
            ("1381234 5678", &[(Phone, "1381234 5678")]),
            ("联系 13812345678 3件", &[(Phone, "13812345678")]),
            ("2024-11-11 15912345678", &[(Phone, "15912345678")]),
            ("tel:17712345678,", &[(Phone, "17712345678")]),
            // Letters touching, other separators, numerals.
            ("a13812345678", &[(Phone, "13812345678")]),
            ("13812345678a", &[(Phone, "13812345678")]),
            ("tel13500135000", &[(Phone, "13500135000")]),
            ("159转8765转4321", &[(Phone, "159转8765转4321")]),
            ("打135 210 35034", &[(Phone, "135 210 35034")]),
            ("号码158,6637,9563，", &[(Phone, "158,6637,9563")]),
            ("回电131—3355—8608谢谢", &[(Phone, "131—3355—8608")]),
            (
                "一五九八七六五四三二一",
                &[(Phone, "一五九八七六五四三二一")],
            ),
            (
                "幺五勾，勾五三八，拐六八洞",
                &[(Phone, "幺五勾，勾五三八，拐六八洞")],
            ),
            ("¹⁵⁷²²⁴⁶⁰²⁹¹", &[(Phone, "¹⁵⁷²²⁴⁶⁰²⁹¹")]),
        ]);
    }

    #[test]
    fn phone_negatives() {
        for text in [
            "12345678901",
            "10086",
            "打12315投诉",
            "138123456789",
            "1381234567",
            "订单号13812345678",
            "订单：13812345678",
            "2024-13812345678",
            "13812345678-1",
            "1.13812345678",
            "sf13812345678",
        ] {
            assert_eq!(only(PiiKind::Phone, text), [], "text: {text}");
        }
    }

    #[test]
    fn landline_table() {
        use PiiKind::Landline;
        check_pii(&[
            ("座机010-12345678", &[(Landline, "010-12345678")]),
            ("(0755)1234567", &[(Landline, "(0755)1234567")]),
            ("021 6123 4567", &[(Landline, "021 6123 4567")]),
            ("0755-12345678转8", &[(Landline, "0755-12345678")]),
            ("2024-11-11", &[]),
            ("0086-1234567", &[]),
            ("010-1234", &[]),
            ("400-123-4567", &[]),
            ("010-01234567", &[]),
            ("a010-12345678", &[]),
        ]);
    }

    #[test]
    fn id_card_table() {
        use PiiKind::IdCard;
        let good = make_id("31010419900307123");
        let mut bad = good.clone();
        bad.replace_range(17.., if good.ends_with('0') { "1" } else { "0" });
        let grouped = format!("{} {} {}", &good[..6], &good[6..14], &good[14..]);
        let good_text = format!("身份证{good}。");
        let grouped_text = format!("证件 {grouped}");
        let bad_text = format!("身份证{bad}");
        let bad_date = make_id("31010419901307123");
        let bad_date_text = format!("身份证号{bad_date}");
        check_pii(&[
            (
                "身份证11010519491231002x",
                &[(IdCard, "11010519491231002x")],
            ),
            (&good_text, &[(IdCard, good.as_str())]),
            (&grouped_text, &[(IdCard, grouped.as_str())]),
            (&bad_text, &[]),
            (&bad_date_text, &[]),
            // Letters touching a number whose digits validate do not hide
            // it (`sfz…`, `…x` then a letter).
            ("11010519491231002xy", &[(IdCard, "11010519491231002x")]),
            ("身份证号：110105491231002", &[(IdCard, "110105491231002")]),
            (
                "证件号码 110105 491231 002",
                &[(IdCard, "110105 491231 002")],
            ),
            ("编号110105491231002", &[]),
            ("身份证号：110105491331002", &[]),
        ]);
    }

    #[test]
    fn bank_card_table() {
        use PiiKind::BankCard;
        let bin62 = make_card("621226110201234567");
        let bin62_text = format!("退款到{bin62}吧");
        let mut bad = bin62.clone();
        let last = bad.pop().unwrap();
        bad.push(if last == '9' {
            '0'
        } else {
            (last as u8 + 1) as char
        });
        let bad_text = format!("卡号{bad}");
        check_pii(&[
            (
                "卡号6222021234567890128",
                &[(BankCard, "6222021234567890128")],
            ),
            ("4111111111111111", &[(BankCard, "4111111111111111")]),
            (
                "信用卡 4111 1111 1111 1111 谢谢",
                &[(BankCard, "4111 1111 1111 1111")],
            ),
            ("5500-0000-0000-0004", &[(BankCard, "5500-0000-0000-0004")]),
            (
                "6222 0212 3456 7890 128",
                &[(BankCard, "6222 0212 3456 7890 128")],
            ),
            (
                "银行卡号是1234567812345670",
                &[(BankCard, "1234567812345670")],
            ),
            (
                "1234567812345670 是我的card",
                &[(BankCard, "1234567812345670")],
            ),
            (&bin62_text, &[(BankCard, bin62.as_str())]),
            ("1234567812345670", &[]),
            ("4111111111111112", &[]),
            (&bad_text, &[]),
            ("411111111111", &[]),
            ("订单号4111111111111111", &[]),
        ]);
    }

    #[test]
    fn email_table() {
        use PiiKind::Email;
        check_pii(&[
            ("邮箱zhangsan@qq.com谢谢", &[(Email, "zhangsan@qq.com")]),
            (
                "a.b-c+1@mail.163.com.cn。",
                &[(Email, "a.b-c+1@mail.163.com.cn")],
            ),
            ("qq:12345@qq.com", &[(Email, "12345@qq.com")]),
            ("@qq", &[]),
            ("abc@", &[]),
            ("回复@客服小美", &[]),
            ("a@b", &[]),
        ]);
    }

    #[test]
    fn wechat_qq_passport_table() {
        use PiiKind::{Passport, Qq, Wechat};
        check_pii(&[
            ("微信：zhang_san88", &[(Wechat, "zhang_san88")]),
            ("加我微信号是abc_123", &[(Wechat, "abc_123")]),
            ("vx: abc12345", &[(Wechat, "abc12345")]),
            ("加v abcdef，谢谢", &[(Wechat, "abcdef")]),
            ("wx13812345678", &[(Wechat, "13812345678")]),
            ("微信 13812345678", &[(Wechat, "13812345678")]),
            ("威信:kefu-2024", &[(Wechat, "kefu-2024")]),
            ("微信支付", &[]),
            ("微信 abc", &[]),
            ("wxabc123", &[]),
            ("微信同号", &[]),
            ("微信：a123456789012345678901", &[]),
            ("qq:12345678", &[(Qq, "12345678")]),
            ("qq号 1234567890", &[(Qq, "1234567890")]),
            ("扣扣123456", &[(Qq, "123456")]),
            ("qq群 123456", &[]),
            ("qq 0123456", &[]),
            ("qq:1234", &[]),
            ("qq:123456789012", &[]),
            ("加我v：kf_xiaomei2024", &[(Wechat, "kf_xiaomei2024")]),
            ("我的qq是123456789，微信同号", &[(Qq, "123456789")]),
            ("护照号：e12345678", &[(Passport, "e12345678")]),
            ("护照 g12345678", &[(Passport, "g12345678")]),
            ("护照号码12345678", &[(Passport, "12345678")]),
            ("护照ea1234567", &[(Passport, "ea1234567")]),
            ("护照过期了", &[]),
            ("护照 1234567", &[]),
        ]);
    }

    #[test]
    fn plate_table() {
        use PiiKind::LicensePlate;
        check_pii(&[
            ("车牌粤b12345", &[(LicensePlate, "粤b12345")]),
            ("京a·12345的车", &[(LicensePlate, "京a·12345")]),
            ("沪ad12345", &[(LicensePlate, "沪ad12345")]),
            ("苏E12345", &[(LicensePlate, "苏E12345")]),
            ("新iphone15", &[]),
            ("京东发货", &[]),
            ("粤b", &[]),
            ("苏abcdef", &[]),
        ]);
    }

    #[test]
    fn address_positives() {
        use PiiKind::Address;
        check_pii(&[
            (
                "广东省深圳市南山区科技园路18号",
                &[(Address, "广东省深圳市南山区科技园路18号")],
            ),
            (
                "寄到朝阳区建国路88号soho现代城3栋1单元1202室，谢谢",
                &[(Address, "朝阳区建国路88号soho现代城3栋1单元1202室")],
            ),
            (
                "地址是阳光小区5栋2单元301",
                &[(Address, "阳光小区5栋2单元301")],
            ),
            (
                "我住在浦东新区世纪大道100号",
                &[(Address, "浦东新区世纪大道100号")],
            ),
            ("送到科技园路18号", &[(Address, "科技园路18号")]),
            ("幸福花园3-1-1202", &[(Address, "幸福花园3-1-1202")]),
            ("3号楼2单元501室", &[(Address, "3号楼2单元501室")]),
            ("xx小区5栋2单元301", &[(Address, "xx小区5栋2单元301")]),
        ]);
    }

    #[test]
    fn address_more_positives() {
        use PiiKind::Address;
        check_pii(&[
            (
                "麻烦改成深圳市福田区福华三路88号",
                &[(Address, "深圳市福田区福华三路88号")],
            ),
            (
                "我家住在成都市武侯区人民南路四段1号",
                &[(Address, "成都市武侯区人民南路四段1号")],
            ),
            (
                "我在杭州市西湖区文三路477号华星科技大厦8楼",
                &[(Address, "杭州市西湖区文三路477号华星科技大厦8楼")],
            ),
            ("建国路88号1202", &[(Address, "建国路88号1202")]),
            ("科技园路18号3件", &[(Address, "科技园路18号")]),
            (
                "科技园路18号13812345678",
                &[(Address, "科技园路18号"), (PiiKind::Phone, "13812345678")],
            ),
        ]);
    }

    #[test]
    fn address_negatives() {
        for text in [
            "市区",
            "门店在哪个区",
            "市区的门店在哪个区",
            "11月11号发货",
            "2024年11月11号",
            "上海市2号线",
            "1号2号3号都可以",
            "3号发货，5号到",
            "快递放到了5号柜",
            "我住在3楼",
            "路由器坏了",
            "南山区",
            "科技园路",
            "第2单元",
        ] {
            assert_eq!(only(PiiKind::Address, text), [], "text: {text}");
        }
        // The sentence after the address is not swallowed.
        assert_eq!(
            pii("科技园路18号明天到市区能送吗"),
            [(PiiKind::Address, "科技园路18号")]
        );
        // Bounded length.
        let long = "南山区".repeat(40) + "18号";
        let spans = pii(&long);
        assert!(
            spans
                .iter()
                .all(|(_, s)| s.chars().count() <= ADDRESS_MAX_CHARS)
        );
    }

    #[test]
    fn things_that_are_not_pii() {
        for text in [
            "¥1388",
            "1999元",
            "2024-11-11",
            "2024年11月11日",
            "20:30",
            "订单号 202411110012345678",
            "订单号：202411110012345678",
            "sf1234567890123",
            "jdvc12345678901",
            "iphone 15 pro",
            "小米14",
            "买了3件，共2箱",
            "12315",
            "打12345热线",
            "23456789012",
            "单号7731234567890",
            "订单20241111001234567890",
            "20241111001234567890",
            "价格1,388元",
            "型号a2894",
        ] {
            assert_eq!(pii(text), [], "text: {text}");
        }
    }

    #[test]
    fn mixed_message() {
        let text = "订单号 202411110012345678 没收到，手机138 1234 5678，身份证11010519491231002x，邮箱zs@qq.com，地址广东省深圳市南山区科技园路18号";
        let kinds: Vec<PiiKind> = pii(text).into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            kinds,
            [
                PiiKind::Phone,
                PiiKind::IdCard,
                PiiKind::Email,
                PiiKind::Address
            ]
        );
        let m = masked(text, MaskStyle::Placeholder);
        assert_eq!(
            m,
            "订单号 202411110012345678 没收到，手机[手机号]，身份证[身份证]，邮箱[邮箱]，地址[地址]"
        );
        let ents = entities(text);
        assert_eq!(
            ents,
            [(EntityKind::OrderNumber, "202411110012345678", None)]
        );
    }

    // ----- masking ------------------------------------------------------------

    #[test]
    fn partial_masking() {
        assert_eq!(
            masked("手机13812345678", MaskStyle::Partial),
            "手机138****5678"
        );
        assert_eq!(
            masked("+86 138 1234 5678", MaskStyle::Partial),
            "+86 138****5678"
        );
        assert_eq!(
            masked("身份证11010519491231002x", MaskStyle::Partial),
            "身份证110105********002x"
        );
        assert_eq!(
            masked("卡号 6222 0212 3456 7890 128", MaskStyle::Partial),
            "卡号 622202*********0128"
        );
        assert_eq!(masked("zhangsan@qq.com", MaskStyle::Partial), "z***@qq.com");
        assert_eq!(
            masked("微信：zhang_san88", MaskStyle::Partial),
            "微信：[微信号]"
        );
        assert_eq!(masked("座机010-12345678", MaskStyle::Partial), "座机[座机]");
    }

    #[test]
    fn mask_into_appends_and_ignores_bad_spans() {
        let mut out = String::from(">");
        let spans = [
            PiiMatch {
                kind: PiiKind::Phone,
                start: 0,
                end: 3,
            },
            PiiMatch {
                kind: PiiKind::Qq,
                start: 1,
                end: 2,
            }, // overlaps
            PiiMatch {
                kind: PiiKind::Email,
                start: 4,
                end: 5,
            }, // not a char boundary
            PiiMatch {
                kind: PiiKind::Email,
                start: 6,
                end: 99,
            }, // out of range
            PiiMatch {
                kind: PiiKind::Email,
                start: 6,
                end: 6,
            }, // empty
        ];
        mask_into("abc好def", &spans, MaskStyle::Placeholder, &mut out);
        assert_eq!(out, ">[手机号]好def");
    }

    // ----- entities -----------------------------------------------------------

    #[test]
    fn order_numbers() {
        use EntityKind::OrderNumber;
        assert_eq!(
            entities("订单号 202411110012345678"),
            [(OrderNumber, "202411110012345678", None)]
        );
        assert_eq!(
            entities("订单：1234567890"),
            [(OrderNumber, "1234567890", None)]
        );
        assert_eq!(
            entities("order no. 1234567890123"),
            [(OrderNumber, "1234567890123", None)]
        );
        assert_eq!(
            entities("查一下20241111001234567890"),
            [(OrderNumber, "20241111001234567890", None)]
        );
        assert_eq!(
            entities("订单号13812345678"),
            [(OrderNumber, "13812345678", None)]
        );
        assert_eq!(entities("订单号123"), []);
        assert_eq!(entities("2024111100123"), []);
        // An 18-digit number starting with 20 that is a valid ID is PII.
        let id = make_id("20010219900101123");
        assert_eq!(pii(&id), [(PiiKind::IdCard, id.as_str())]);
        assert_eq!(entities(&id), []);
    }

    #[test]
    fn tracking_numbers() {
        use EntityKind::TrackingNumber as T;
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("顺丰sf1234567890123", "sf1234567890123", Some("sf")),
            ("jdvc12345678901", "jdvc12345678901", Some("jd")),
            ("yt1234567890123到了吗", "yt1234567890123", Some("yto")),
            ("731234567890", "731234567890", Some("zto")),
            ("中通 123456789012", "123456789012", Some("zto")),
            (
                "中通快递 78123456789012 已签收",
                "78123456789012",
                Some("zto"),
            ),
            ("申通7731234567890", "7731234567890", Some("sto")),
            ("韵达4312345678901", "4312345678901", Some("yunda")),
            ("ea123456789cn", "ea123456789cn", Some("ems")),
            ("jt1234567890123", "jt1234567890123", Some("jt")),
            ("快递单号：1234567890123", "1234567890123", None),
            ("圆通快递单号1234567890123", "1234567890123", Some("yto")),
        ];
        for (text, span, carrier) in cases {
            assert_eq!(entities(text), [(T, *span, *carrier)], "text: {text}");
        }
        for text in [
            "4312345678901",
            "123456789012",
            "sf12345",
            "xsf1234567890123",
            "jdabcdefghijklm",
        ] {
            assert_eq!(entities(text), [], "text: {text}");
        }
    }

    #[test]
    fn product_models() {
        use EntityKind::ProductModel as P;
        for (text, span) in [
            ("我的iphone 15 pro max屏幕坏了", "iphone 15 pro max"),
            ("华为 mate 60 pro", "华为 mate 60 pro"),
            ("华为mate60pro", "华为mate60pro"),
            ("小米14 ultra", "小米14 ultra"),
            ("redmi k70", "redmi k70"),
            ("买了galaxy s24", "galaxy s24"),
            ("ps5手柄", "ps5"),
            ("dyson v12吸尘器", "dyson v12"),
            ("macbook air", "macbook air"),
            ("iphone15", "iphone15"),
            ("p60", "p60"),
            ("switch lite", "switch lite"),
            ("iphone13 promax", "iphone13 promax"),
            ("redmi note 13 pro", "redmi note 13 pro"),
            ("apple watch series 9", "apple watch series 9"),
            ("oppo find x7 ultra", "oppo find x7 ultra"),
        ] {
            assert_eq!(entities(text), [(P, span, None)], "text: {text}");
        }
        for text in [
            "苹果很好吃",
            "华为手机",
            "switch",
            "apple",
            "iphones",
            "app1",
            "华为 mate",
        ] {
            assert_eq!(entities(text), [], "text: {text}");
        }
        assert_eq!(
            entities("iphone 15 1999元"),
            [(P, "iphone 15", None), (EntityKind::Amount, "1999元", None)]
        );
    }

    #[test]
    fn amounts() {
        use EntityKind::Amount as A;
        for (text, span) in [
            ("¥199", "¥199"),
            ("199元", "199元"),
            ("退我199.9块", "199.9块"),
            ("rmb 50", "rmb 50"),
            ("50块钱", "50块钱"),
            ("1,388元", "1,388元"),
            ("￥39.90", "￥39.90"),
            ("人民币200", "人民币200"),
        ] {
            assert_eq!(entities(text), [(A, span, None)], "text: {text}");
        }
        for text in ["2024年", "199", "a199元", "3件"] {
            assert_eq!(entities(text), [], "text: {text}");
        }
    }

    #[test]
    fn entities_never_overlap_pii() {
        // A WeChat id that looks like a product model stays PII.
        let text = "微信：iphone15pro";
        assert_eq!(pii(text), [(PiiKind::Wechat, "iphone15pro")]);
        assert_eq!(entities(text), []);
    }

    #[test]
    fn empty_brand_list() {
        let d = Detector::new([]).unwrap();
        let mut out = Vec::new();
        d.find_entities("iphone 15 ¥10", &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].kind, EntityKind::Amount);
        let d = Detector::new(["", "  ", "IPhone"]).unwrap();
        d.find_entities("iphone 15", &mut out);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn kinds_and_placeholders() {
        let names: Vec<&str> = PiiKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "phone",
                "landline",
                "id_card",
                "bank_card",
                "email",
                "wechat",
                "qq",
                "address",
                "license_plate",
                "passport"
            ]
        );
        let ph: Vec<&str> = PiiKind::ALL.iter().map(|k| k.placeholder()).collect();
        assert_eq!(
            ph,
            [
                "[手机号]",
                "[座机]",
                "[身份证]",
                "[银行卡]",
                "[邮箱]",
                "[微信号]",
                "[QQ号]",
                "[地址]",
                "[车牌]",
                "[护照]"
            ]
        );
        let names: Vec<&str> = EntityKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            ["order_number", "tracking_number", "product_model", "amount"]
        );
    }

    #[test]
    fn detector_is_send_sync_clone() {
        fn assert_traits<T: Send + Sync + Clone>() {}
        assert_traits::<Detector>();
        let d = det().clone();
        assert_eq!(pii("13812345678").len(), 1);
        let mut out = Vec::new();
        d.find_pii("13812345678", &mut out);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn large_inputs_finish() {
        let mut pii_out = Vec::new();
        let mut ent_out = Vec::new();
        for text in [
            "1234567890".repeat(100_000),
            "号".repeat(350_000),
            "13812345678 ".repeat(85_000),
            "1号".repeat(250_000),
            "qq".repeat(500_000),
            "南山区".repeat(110_000),
        ] {
            det().find_pii(&text, &mut pii_out);
            det().find_entities(&text, &mut ent_out);
            let mut out = String::new();
            mask_into(&text, &pii_out, MaskStyle::Partial, &mut out);
        }
    }

    #[test]
    fn ascii_class_mask_matches_std() {
        for lane in 0..8 {
            for c in 0..=255u8 {
                // The other lanes hold bytes that stress carries.
                let mut word = [0xFFu8; 8];
                word[lane] = c;
                let w = u64::from_le_bytes(word);
                let bit = |m: u64| m >> (lane * 8 + 7) & 1 == 1;
                assert_eq!(
                    bit(ascii_class_mask(w, false)),
                    c.is_ascii_digit(),
                    "{c:#x}"
                );
                assert_eq!(
                    bit(ascii_class_mask(w, true)),
                    c.is_ascii_alphanumeric(),
                    "{c:#x}"
                );
                assert_eq!(ascii_class_mask(w, true) & !(0x80 << (lane * 8)), 0);
            }
        }
        let mut seen = Vec::new();
        any_ascii("a号1x二三四五六七八9".as_bytes(), true, |i| {
            seen.push(i);
            false
        });
        assert_eq!(seen, [0, 4, 5, 27]);
    }

    #[test]
    fn gates_are_only_shortcuts() {
        for text in [
            "小米14 ultra 5999元，订单号：202411110012345678",
            "华为畅享10 plus多少钱，rmb 20，¥ 1,299.50",
            "的华为 mate 60 pro和iphone15",
            "粤b12345停在阳光小区3-2-301",
            "建国路88号1202，a栋",
            "z fold5 和 zz flip 3",
            "ps5 198 块 钱",
        ] {
            assert_same_as_ungated(text);
        }
    }

    fn assert_same_as_ungated(text: &str) {
        let (mut fast, mut full) = (Vec::new(), Vec::new());
        det().find_pii_gated(text, &mut fast, true);
        det().find_pii_gated(text, &mut full, false);
        assert_eq!(fast, full, "pii of {text:?}");
        let (mut fast_e, mut full_e) = (Vec::new(), Vec::new());
        det().find_entities_gated(text, &fast, &mut fast_e, true);
        det().find_entities_gated(text, &full, &mut full_e, false);
        assert_eq!(fast_e, full_e, "entities of {text:?}");
    }

    // ----- property tests -----------------------------------------------------

    const FILLER: &str = "的一是了我不人在他有这个们来时大为子中你说生年着就那和要她出也得后自以会可而过天去能对多然于心学么之都好看起当没成只如事把还用样想作种开从无情己面最但现前些所同日又意动方它头经长儿回位分爱老因很给名间知世什两次使者被高已亲其此话常与活正感，。！？、";

    fn filler() -> impl Strategy<Value = String> {
        let chars: Vec<char> = FILLER.chars().collect();
        prop::collection::vec(prop::sample::select(chars), 1..10)
            .prop_map(|v| v.into_iter().collect())
    }

    fn id_strategy() -> impl Strategy<Value = (String, PiiKind)> {
        let regions = vec![
            "110101", "310104", "440305", "510107", "330106", "420102", "650102", "210202",
        ];
        (
            prop::sample::select(regions),
            1930u32..2020,
            1u32..=12,
            1u32..=28,
            0u32..1000,
        )
            .prop_map(|(r, y, m, d, seq)| {
                (
                    make_id(&format!("{r}{y:04}{m:02}{d:02}{seq:03}")),
                    PiiKind::IdCard,
                )
            })
    }

    fn card_strategy() -> impl Strategy<Value = (String, PiiKind)> {
        (16usize..=19)
            .prop_flat_map(|len| prop::collection::vec(0u8..10, len - 3))
            .prop_map(|body| {
                let body: String = body.iter().map(|d| char::from(b'0' + d)).collect();
                let card = make_card(&format!("62{body}"));
                let kind = if id18_valid(card.as_bytes()) {
                    PiiKind::IdCard
                } else {
                    PiiKind::BankCard
                };
                (card, kind)
            })
    }

    fn phone_strategy() -> impl Strategy<Value = (String, PiiKind)> {
        (3u8..=9, 0u64..1_000_000_000, 0usize..4).prop_map(|(d, n, style)| {
            let p = format!("1{d}{n:09}");
            let s = match style {
                0 => p,
                1 => format!("{} {} {}", &p[..3], &p[3..7], &p[7..]),
                2 => format!("{}-{}-{}", &p[..3], &p[3..7], &p[7..]),
                _ => format!("+86 {p}"),
            };
            (s, PiiKind::Phone)
        })
    }

    fn email_strategy() -> impl Strategy<Value = (String, PiiKind)> {
        let domains = vec![
            "qq.com",
            "163.com",
            "gmail.com",
            "foxmail.com",
            "mail.example.cn",
        ];
        (
            "[a-z][a-z0-9._]{1,10}[a-z0-9]",
            prop::sample::select(domains),
        )
            .prop_map(|(local, dom)| (format!("{local}@{dom}"), PiiKind::Email))
    }

    fn item() -> impl Strategy<Value = (String, PiiKind)> {
        prop_oneof![
            id_strategy(),
            card_strategy(),
            phone_strategy(),
            email_strategy()
        ]
    }

    fn check_invariants(text: &str) {
        let mut p = Vec::new();
        det().find_pii(text, &mut p);
        let mut prev_end = 0;
        for m in &p {
            assert!(m.start >= prev_end && m.start < m.end && m.end <= text.len());
            assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
            prev_end = m.end;
        }
        let mut e = Vec::new();
        det().find_entities(text, &mut e);
        let mut prev_end = 0;
        for m in &e {
            assert!(m.start >= prev_end && m.start < m.end && m.end <= text.len());
            assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
            assert!(!overlaps_any(&p, m.start, m.end));
            assert!(m.carrier.is_none() || m.kind == EntityKind::TrackingNumber);
            prev_end = m.end;
        }
        for style in [MaskStyle::Placeholder, MaskStyle::Partial] {
            let mut out = String::new();
            mask_into(text, &p, style, &mut out);
            if p.is_empty() {
                assert_eq!(out, text);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

        #[test]
        fn embedded_pii_is_found_and_masked(
            head in filler(),
            parts in prop::collection::vec((item(), filler()), 1..4),
        ) {
            let mut text = head;
            let mut expected = Vec::new();
            for ((value, kind), tail) in &parts {
                let start = text.len();
                text.push_str(value);
                expected.push((start, text.len(), *kind, value.clone()));
                text.push_str(tail);
            }
            let mut spans = Vec::new();
            det().find_pii(&text, &mut spans);
            for (start, end, kind, value) in &expected {
                let found = spans.iter().find(|m| m.start == *start && m.end == *end);
                prop_assert!(found.is_some(), "{value} not found in {text}: {spans:?}");
                prop_assert_eq!(found.unwrap().kind, *kind);
                prop_assert_eq!(&text[*start..*end], value.as_str());
            }
            let mut out = String::new();
            mask_into(&text, &spans, MaskStyle::Placeholder, &mut out);
            for (_, _, kind, value) in &expected {
                let digits: String = value.chars().filter(char::is_ascii_digit).collect();
                prop_assert!(!out.contains(value.as_str()), "{value} survives in {out}");
                if *kind != PiiKind::Email {
                    prop_assert!(!out.contains(&digits), "{digits} survives in {out}");
                }
                prop_assert!(out.contains(kind.placeholder()));
            }
        }

        #[test]
        fn no_panics_on_arbitrary_strings(text in any::<String>()) {
            check_invariants(&text);
        }

        #[test]
        fn no_panics_on_digit_soup(text in "[0-9 +()@.x-]{0,120}") {
            check_invariants(&text);
        }

        #[test]
        fn gated_detection_equals_ungated(
            parts in prop::collection::vec(prop::sample::select(vec![
                "13812345678", "+86 138 1234 5678", "010-12345678", "11010519491231002x",
                "卡号", "6222021234567890128", "zs@qq.com", "微信", "zhang_san88", "qq号",
                "护照", "e12345678", "粤b12345", "京a·88888", "广东省", "深圳市", "南山区",
                "科技园路", "18号", "阳光小区", "3-2-301", "a栋", "单元", "室", "订单号",
                "202411110012345678", "sf1234567890123", "运单号", "7731234567890", "¥",
                "39.9", "元", "块钱", "rmb", "人民币", "iphone", "15", "pro", "小米", "华为",
                "畅享", "mate", " ", "z fold", "ps5", "的", "我", "，", "2024-11-11", "1", "a",
            ]), 0..12),
        ) {
            assert_same_as_ungated(&parts.concat());
        }

        #[test]
        fn no_panics_on_cjk_soup(
            text in "[0-9a-z ·@.:：+()省市区路街号栋单元室小区花园京粤订单卡身份证微信护照元块¥-]{0,80}"
        ) {
            check_invariants(&text);
        }
    }
}
