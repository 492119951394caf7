//! Realistic `GetEMMs.cgi` answers for the fuzz targets of downstream code
//! (feature `arbitrary`): a license proxy that reads upstream bodies can
//! fuzz its own code with the answers an upstream server or another proxy
//! really sends, instead of with bytes that are almost never a body.
//!
//! An [`Answer`] is a [`Response`] of either form, its body as it travels
//! ([`Encoding`]: raw bytes, or base64 on one line or wrapped at 76
//! characters), cut into the chunks a network would deliver it in (empty
//! chunks and one-byte chunks included). Its license status is drawn
//! mostly from the spec's table and the third-party ranges 512–768 and
//! 769–999, with their edges, and sometimes from any `u32`; the EMM is
//! borrowed from the fuzzer's input.
//!
//! [`Response`]'s own `Arbitrary` impl stays what it was: any status, raw
//! structure only, for fuzzing the crate's encoders.
//!
//! # A downstream fuzz target
//! In the proxy's `fuzz/fuzz_targets/upstream_answer.rs`, with `getemms`
//! (feature `arbitrary`) and `libfuzzer-sys` as dependencies of its fuzz
//! crate, the whole target is
//!
//! ```text
//! #![no_main]
//! libfuzzer_sys::fuzz_target!(|answer: getemms::arbitrary::Answer<'_>| check(&answer));
//! ```
//!
//! where `check` feeds the chunks to the proxy's code and compares what it
//! did with [`Answer::response`]. Here the "proxy" is a small relay that
//! collects the body and tells the client whether a license was granted:
//!
//! ```
//! use arbitrary::{Arbitrary, Unstructured};
//! use getemms::arbitrary::Answer;
//! use getemms::decoder::Collector;
//! use getemms::{Error, Options};
//!
//! /// The proxy's code under test: reads an upstream body chunk by chunk.
//! fn relay<'c>(chunks: impl Iterator<Item = &'c [u8]>, answer: &Answer<'_>) -> Result<bool, Error> {
//!     let mut buffer = Vec::new();
//!     let mut collector = Collector::with_transport(&mut buffer, Options::DEFAULT, answer.transport());
//!     for chunk in chunks {
//!         collector.push(chunk)?;
//!     }
//!     Ok(collector.finish()?.license_status().is_ok())
//! }
//!
//! /// The fuzz target's body.
//! fn check(answer: &Answer<'_>) {
//!     let granted = relay(answer.chunks(), answer).expect("a well-formed answer was refused");
//!     assert_eq!(granted, answer.response().license_status().is_ok());
//! }
//!
//! // What libFuzzer does with each input:
//! let input = b"\x00\x01\x02\x03 any bytes make an answer \xff\xfe";
//! if let Ok(answer) = Answer::arbitrary(&mut Unstructured::new(input)) {
//!     check(&answer);
//! }
//! ```

use alloc::vec::Vec;

use ::arbitrary::{Arbitrary, Result, Unstructured};

use crate::base64::LineWrap;
use crate::decoder::Transport;
use crate::{Encoding, LicenseStatus, Response};

/// An upstream answer as a proxy receives it: a [`Response`], its body
/// encoded as [`Encoding`] says, and that body cut into chunks.
///
/// Built by its `Arbitrary` impl (see the [module docs](self)) or by
/// [`Answer::new`] for one known response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer<'a> {
    response: Response<'a>,
    encoding: Encoding,
    body: Vec<u8>,
    /// Where the chunks start and end in `body`: ascending from 0 to
    /// `body.len()`; equal neighbours make empty chunks.
    bounds: Vec<usize>,
}

impl<'a> Answer<'a> {
    /// `response` encoded as `encoding`, in one chunk.
    ///
    /// ```
    /// use getemms::Encoding;
    /// use getemms::arbitrary::Answer;
    /// use getemms::base64::LineWrap;
    /// use getemms::Response;
    ///
    /// let answer = Answer::new(Response::rejection(600, 0), Encoding::Base64(LineWrap::None));
    /// assert_eq!(answer.body(), b"AAACWAAAAAA=");
    /// assert_eq!(answer.chunks().count(), 1);
    /// ```
    #[must_use]
    pub fn new(response: Response<'a>, encoding: Encoding) -> Self {
        let mut body = Vec::new();
        encoding.encode(&response, &mut body);
        let bounds = alloc::vec![0, body.len()];
        Self {
            response,
            encoding,
            body,
            bounds,
        }
    }

    /// The response the body carries.
    #[must_use]
    pub const fn response(&self) -> Response<'a> {
        self.response
    }

    /// How the body is encoded.
    #[must_use]
    pub const fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The transport to give a decoder: [`Encoding::transport`].
    #[must_use]
    pub const fn transport(&self) -> Transport {
        self.encoding.transport()
    }

    /// The whole body, as it travels (raw bytes or base64 text).
    #[must_use]
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body in the chunks it arrives in, in order; together they are
    /// exactly [`body`](Self::body). Some may be empty.
    pub fn chunks(&self) -> impl ExactSizeIterator<Item = &[u8]> + Clone + '_ {
        self.bounds
            .windows(2)
            .map(|pair| self.body.get(pair[0]..pair[1]).unwrap_or(&[]))
    }
}

impl<'a> Arbitrary<'a> for Answer<'a> {
    /// A quarter of the answers are short-form rejections. Half the bodies
    /// are raw, a quarter base64 on one line, a quarter MIME-wrapped. The
    /// body comes whole, in equal chunks of a fuzz-chosen size, or cut at
    /// up to 16 fuzz-chosen places.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let license_status = license_status(u)?;
        let asset_id = u.arbitrary()?;
        let response = if u.ratio(1u8, 4)? {
            Response::rejection(license_status, asset_id)
        } else {
            let key_id = u.arbitrary()?;
            Response::new(license_status, asset_id, key_id, u.arbitrary()?)
        };
        let encoding = match u.int_in_range(0u8..=3)? {
            0 | 1 => Encoding::Raw,
            2 => Encoding::Base64(LineWrap::None),
            _ => Encoding::Base64(LineWrap::Mime),
        };
        let mut answer = Self::new(response, encoding);
        let len = answer.body.len();
        answer.bounds = match u.int_in_range(0u8..=2)? {
            0 => alloc::vec![0, len],
            1 => {
                let size = u.int_in_range(1..=len.max(1))?;
                let mut bounds: Vec<usize> = (0..len).step_by(size).collect();
                bounds.push(len);
                bounds
            }
            _ => {
                let mut bounds = alloc::vec![0, len];
                for _ in 0..u.int_in_range(0u8..=16)? {
                    bounds.push(u.int_in_range(0..=len)?);
                }
                bounds.sort_unstable();
                bounds
            }
        };
        Ok(answer)
    }
}

/// A license status as servers send them: half from the spec's table, a
/// third from the third-party ranges (their edges often), the rest the
/// codes around the ranges or any `u32`.
fn license_status(u: &mut Unstructured<'_>) -> Result<LicenseStatus> {
    let code = match u.int_in_range(0u8..=11)? {
        0..=5 => {
            let mut rows = LicenseStatus::rows();
            let index = u.choose_index(rows.len())?;
            rows.nth(index).map_or(0, |row| row.status().code())
        }
        6..=9 => {
            let range = u.choose(LicenseStatus::third_party_ranges())?;
            if u.ratio(1u8, 4)? {
                *u.choose(&[range.first(), range.last()])?
            } else {
                u.int_in_range(range.first()..=range.last())?
            }
        }
        10 => *u.choose(&[511, 1000, 1008, 2008, u32::MAX])?,
        _ => u.arbitrary()?,
    };
    Ok(LicenseStatus::new(code))
}
