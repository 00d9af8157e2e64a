//! Numbers in reason details, written without the float-formatting
//! machinery.

use std::fmt;

/// Displays an `f32` exactly as `{:.2}` does, without the general
/// float-formatting machinery: `float_to_decimal_common_exact` was 6% of
/// the instructions of a triage (callgrind), for the one or two numbers
/// each reason detail carries.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TwoDecimals(pub f32);

impl TwoDecimals {
    /// The digits in `buf`, or `None` for values `{:.2}` must print itself
    /// (non-finite, or 10^9 and more).
    fn digits(self, buf: &mut [u8; 16]) -> Option<&str> {
        let x = self.0;
        if !x.is_finite() || x.abs() >= 1e9 {
            return None;
        }
        // f32 values are dyadic, so x·100 lands exactly on a .5 only at
        // true ties, which `{:.2}` rounds to even; elsewhere it is far from
        // one compared with f64's error.
        let mut n = (f64::from(x.abs()) * 100.0).round_ties_even() as u64;
        // Digits from the right: "-" + 10 + "." + 2.
        let mut at = buf.len();
        for i in 0.. {
            if i == 2 {
                at -= 1;
                buf[at] = b'.';
            }
            at -= 1;
            buf[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 && i >= 2 {
                break;
            }
        }
        if x.is_sign_negative() {
            at -= 1;
            buf[at] = b'-';
        }
        std::str::from_utf8(&buf[at..]).ok()
    }

    /// Appends the number to `out` without going through `core::fmt`,
    /// whose machinery cost ~670 instructions per reason written with
    /// `write!` in `triage_with` (callgrind).
    pub(crate) fn push_to(self, out: &mut impl fmt::Write) {
        let x = self.0;
        // Probabilities and scores, nearly every number written, have one
        // digit before the point: pushed as three digits, without the
        // buffer and its UTF-8 check.
        if x.is_sign_positive() && x < 9.995 {
            let n = (f64::from(x) * 100.0).round_ties_even() as u32;
            if n < 1000 {
                let digit = |d: u32| char::from(b'0' + (d % 10) as u8);
                let _ = out.write_char(digit(n / 100));
                let _ = out.write_char('.');
                let _ = out.write_char(digit(n / 10));
                let _ = out.write_char(digit(n));
                return;
            }
        }
        match self.digits(&mut [0; 16]) {
            Some(d) => {
                let _ = out.write_str(d);
            }
            None => {
                let _ = write!(out, "{:.2}", self.0);
            }
        }
    }
}

impl fmt::Display for TwoDecimals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.digits(&mut [0; 16]) {
            Some(d) => f.write_str(d),
            None => write!(f, "{:.2}", self.0),
        }
    }
}
