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

mod checksum;
mod context;
mod detector;
mod digits;
mod kinds;
mod mask;
mod obfuscated;
mod prefilter;
mod resolve;

pub use checksum::{id_card_checksum_ok, luhn_ok};
pub use detector::Detector;
pub use kinds::{EntityKind, EntityMatch, MaskStyle, PiiKind, PiiMatch};
pub use mask::mask_into;

#[cfg(test)]
mod tests {
    use super::*;
    use super::{checksum::*, context::*, detector::*, kinds::*, prefilter::*};
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
        // The engine's one call for both, on byte classes read once.
        let (mut both, mut both_e) = (Vec::new(), Vec::new());
        det().find_pii_and_entities(text, &mut both, &mut both_e);
        assert_eq!((both, both_e), (fast, fast_e), "both of {text:?}");
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
