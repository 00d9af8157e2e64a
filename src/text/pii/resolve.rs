//! Overlap resolution: of two overlapping spans, the one of the higher-ranked
//! kind wins, then the longer one, then the earlier one.

use crate::text::pii::kinds::{EntityKind, PiiKind};

pub(super) fn pii_rank(k: PiiKind) -> u8 {
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

pub(super) fn entity_rank(k: EntityKind) -> u8 {
    match k {
        EntityKind::TrackingNumber => 3,
        EntityKind::OrderNumber => 2,
        EntityKind::ProductModel => 1,
        EntityKind::Amount => 0,
    }
}

/// Sorts by start and drops overlaps in place: of two overlapping spans the
/// higher rank wins, then the longer one, then the earlier one.
pub(super) fn resolve<T: Copy>(
    v: &mut Vec<T>,
    span: impl Fn(&T) -> (usize, usize),
    rank: impl Fn(&T) -> u8,
) {
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
