//! [`Verdict`]: what a relay does with a body once its header is known,
//! and [`Policy`]: who says so.

use crate::header::Header;

/// What happens to a body whose header is known.
///
/// A verdict cannot change the body's length: [`Rewrite`](Self::Rewrite)
/// keeps the header's form (a full header stays full, a short one short),
/// and a rewrite that would change it is refused with
/// [`RelayError::FormChange`](super::RelayError::FormChange) rather than
/// sent with a wrong `Content-Length`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The body goes on byte for byte.
    Forward,
    /// The header is replaced by this one, in place: raw, its 12 (or 8)
    /// bytes; base64, its 16 (or 11) letters re-encoded with every line
    /// break and space where it was. Every other byte of the body is
    /// forwarded unchanged.
    Rewrite(Header),
    /// This header, encoded on its own (usually a short-form refusal such
    /// as `Header::short(600.into(), asset_id)`), replaces the whole body.
    /// Nothing of the upstream body is forwarded.
    Reject(Header),
}

/// Decides a [`Verdict`] for each header a relay sees.
///
/// Any `FnMut(&Header) -> Verdict` is a policy:
///
/// ```
/// use getemms::relay::{Policy, Verdict};
/// use getemms::{Header, LicenseStatus};
///
/// let mut deny_13 = |header: &Header| {
///     if header.asset_id == 13 {
///         Verdict::Reject(Header::short(LicenseStatus::from(600), 13))
///     } else {
///         Verdict::Forward
///     }
/// };
/// let header = Header::full(LicenseStatus::OK, 13, 7);
/// assert!(matches!(deny_13.verdict(&header), Verdict::Reject(_)));
/// ```
pub trait Policy {
    /// The verdict for a body with this header. Called once per body, when
    /// the header is known: at its 12th byte (or 16th base64 letter) for
    /// the full form, at the end of the body for the 8-byte short form.
    fn verdict(&mut self, header: &Header) -> Verdict;
}

impl<F: FnMut(&Header) -> Verdict> Policy for F {
    #[inline]
    fn verdict(&mut self, header: &Header) -> Verdict {
        self(header)
    }
}

/// The policy that forwards every body: a relay that only inspects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ForwardAll;

impl Policy for ForwardAll {
    #[inline]
    fn verdict(&mut self, _: &Header) -> Verdict {
        Verdict::Forward
    }
}
