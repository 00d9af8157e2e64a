//! What is found: the kinds of personal data and of business entities, their
//! spans, and how a span is masked.

/// The kind of a personal-data span found by [`Detector::find_pii`](crate::pii::Detector::find_pii).
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
// Not `#[non_exhaustive]`: a span is a kind and two offsets, and callers
// build them for `mask_into`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PiiMatch {
    /// What was found.
    pub kind: PiiKind,
    /// Byte offset of the first byte of the span.
    pub start: usize,
    /// Byte offset one past the last byte of the span.
    pub end: usize,
}

/// The kind of a business entity found by [`Detector::find_entities`](crate::pii::Detector::find_entities).
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
#[non_exhaustive]
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

/// How [`mask_into`](crate::pii::mask_into) replaces a PII span.
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
