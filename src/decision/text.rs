//! [`Text`]: the strings of a decision, kept inline when they are short.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Bytes a [`Text`] holds without a heap buffer.
const INLINE: usize = 38;

/// A string of a [`Decision`](crate::Decision): a skill group, a reason's
/// detail, an evidence span's text, an entity, a wait message.
///
/// It reads as a `&str` (it dereferences to one, compares with `&str` and
/// `String`, prints and serializes as a plain JSON string), but a text of up
/// to 38 bytes — nearly every one a decision holds, such as
/// `logistics (物流) p=0.93` or `前面还有3位，预计2–4分钟` — is stored
/// inline. A new decision, which [`Engine::triage`](crate::Engine::triage)
/// makes for every inquiry, or a copy of one, then allocates only for the
/// masked text and the lists, not for each of its strings.
///
/// ```
/// use kefu_triage::Text;
/// let t = Text::from("快递到哪了");
/// assert_eq!(t, "快递到哪了");
/// assert_eq!(t.len(), 15);
/// assert!(t.starts_with("快递"));
/// assert_eq!(serde_json::to_string(&t).unwrap(), "\"快递到哪了\"");
/// let back: Text = serde_json::from_str("\"快递到哪了\"").unwrap();
/// assert_eq!(back, t);
/// ```
#[derive(Default)]
pub struct Text(Repr);

enum Repr {
    /// The first `len` bytes of `bytes`, always whole UTF-8 characters
    /// (only whole `&str`s are ever appended).
    Inline { len: u8, bytes: [u8; INLINE] },
    /// A longer text. Kept heap-backed once it is, so that a decision
    /// reused by `triage_with` keeps the buffer's capacity.
    Heap(String),
}

impl Default for Repr {
    fn default() -> Repr {
        Repr::Inline {
            len: 0,
            bytes: [0; INLINE],
        }
    }
}

impl Text {
    /// An empty text.
    pub const fn new() -> Text {
        Text(Repr::Inline {
            len: 0,
            bytes: [0; INLINE],
        })
    }

    /// The text as a `&str`.
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Always valid: `push_str` appends whole `&str`s. Checking it
            // costs a pass over at most 38 bytes, on reads only.
            Repr::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..*len as usize]).unwrap_or_default()
            }
            Repr::Heap(s) => s,
        }
    }

    /// Empties the text, keeping any heap buffer for reuse.
    #[inline]
    pub(crate) fn clear(&mut self) {
        match &mut self.0 {
            Repr::Inline { len, .. } => *len = 0,
            Repr::Heap(s) => s.clear(),
        }
    }

    /// Appends `s`, moving to the heap when it no longer fits inline.
    #[inline]
    pub(crate) fn push_str(&mut self, s: &str) {
        match &mut self.0 {
            Repr::Heap(h) => h.push_str(s),
            Repr::Inline { len, bytes } => {
                let at = *len as usize;
                match bytes.get_mut(at..at + s.len()) {
                    Some(dst) => {
                        dst.copy_from_slice(s.as_bytes());
                        *len = (at + s.len()) as u8;
                    }
                    None => self.spill(s),
                }
            }
        }
    }

    /// Moves the text to the heap, with `s` appended.
    #[cold]
    fn spill(&mut self, s: &str) {
        let mut heap = String::with_capacity((self.len() + s.len()).max(2 * INLINE));
        heap.push_str(self.as_str());
        heap.push_str(s);
        self.0 = Repr::Heap(heap);
    }

    /// Replaces the text with `s`, reusing the buffer.
    #[inline]
    pub(crate) fn set(&mut self, s: &str) {
        self.clear();
        self.push_str(s);
    }
}

impl Clone for Text {
    /// A copy that is inline whenever the text fits, whatever the
    /// original's buffer: no allocation for a short text.
    fn clone(&self) -> Text {
        match &self.0 {
            Repr::Heap(s) if s.len() > INLINE => Text(Repr::Heap(s.clone())),
            Repr::Heap(s) => Text::from(s.as_str()),
            Repr::Inline { len, bytes } => Text(Repr::Inline {
                len: *len,
                bytes: *bytes,
            }),
        }
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        let mut t = Text::new();
        t.push_str(s);
        t
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        if s.len() <= INLINE {
            Text::from(s.as_str())
        } else {
            Text(Repr::Heap(s))
        }
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        match t.0 {
            Repr::Heap(s) => s,
            inline => Text(inline).as_str().to_string(),
        }
    }
}

impl fmt::Write for Text {
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_str(s);
        Ok(())
    }

    /// Without the default's detour through a `&str`: the digits of the
    /// numbers in reason details are written one character at a time.
    #[inline]
    fn write_char(&mut self, c: char) -> fmt::Result {
        match &mut self.0 {
            Repr::Heap(h) => h.push(c),
            Repr::Inline { len, bytes } if c.is_ascii() && (*len as usize) < INLINE => {
                bytes[*len as usize] = c as u8;
                *len += 1;
            }
            Repr::Inline { .. } => self.push_str(c.encode_utf8(&mut [0; 4])),
        }
        Ok(())
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text::from(v))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text::from(v))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushes_cross_the_inline_limit_without_losing_text() {
        let mut t = Text::new();
        let mut want = String::new();
        for piece in [
            "logistics",
            " (",
            "物流",
            ") p=",
            "0.93",
            ", abstained",
            "…更多",
        ] {
            t.push_str(piece);
            want.push_str(piece);
            assert_eq!(t, want);
        }
        assert!(want.len() > INLINE);
        assert!(matches!(t.0, Repr::Heap(_)));
        // Cleared, it stays on the heap (a reused decision keeps its
        // buffer) but reads empty, and a short clone is inline again.
        t.set("物流");
        assert!(matches!(t.0, Repr::Heap(_)));
        assert_eq!(t, "物流");
        let c = t.clone();
        assert!(matches!(c.0, Repr::Inline { .. }));
        assert_eq!(c, t);
    }

    #[test]
    fn exactly_inline_and_one_byte_over() {
        let fits = "a".repeat(INLINE);
        let t = Text::from(fits.as_str());
        assert!(matches!(t.0, Repr::Inline { .. }));
        assert_eq!(t, fits);
        let over = "a".repeat(INLINE + 1);
        let t = Text::from(over.as_str());
        assert!(matches!(t.0, Repr::Heap(_)));
        assert_eq!(t, over);
        // A 3-byte character that would straddle the limit goes to the heap.
        let mut t = Text::from("a".repeat(INLINE - 1).as_str());
        t.push_str("物");
        assert_eq!(t.as_str(), format!("{}物", "a".repeat(INLINE - 1)));
    }

    #[test]
    fn compares_orders_and_converts_like_a_string() {
        let t = Text::from("b");
        let owned = String::from("b");
        assert_eq!(t, "b");
        assert_eq!("b", t);
        assert_eq!(t, owned);
        assert_eq!(owned, t);
        let a = Text::from("a");
        assert!(a < t && t.cmp(&a) == std::cmp::Ordering::Greater);
        assert_eq!(String::from(Text::from("短")), "短");
        let long = "长".repeat(20);
        assert_eq!(String::from(Text::from(long.clone())), long);
        assert_eq!(format!("{:>3}|{t:?}", t), "  b|\"b\"");
        let mut set = std::collections::HashSet::new();
        set.insert(Text::from("x"));
        assert!(set.contains("x"));
    }
}
