//! The sans-IO incremental decoder: feed a body in chunks as they arrive,
//! learn the header as soon as it is known and pass the EMM through.
//!
//! [`Decoder`] does no I/O, spawns nothing and never blocks: the caller
//! reads from its transport (hyper body frames, TCP reads, …), hands each
//! chunk to [`Decoder::feed`] and, because a `GetEMMs.cgi` body has no
//! length field, says when the body has ended with [`Decoder::finish`].
//!
//! Guarantees:
//! - Zero copy and no allocation: the EMM comes back as sub-slices of the
//!   chunks the caller fed ([`Progress::emm`]); the only bytes the decoder
//!   keeps are the at most 12 header bytes, in a fixed array.
//! - Same answer as the one-shot parser: for any body and any way of
//!   splitting it into chunks (of any size, empty ones included), the
//!   header and the concatenated EMM are those of
//!   [`Response::parse_with`](crate::Response::parse_with) on the whole body,
//!   and the decoder fails exactly when that parse fails, with the same
//!   error (for [`Error::EmmTooLong`], `len` is what the decoder had seen
//!   when it refused a chunk, which may be less than the whole EMM).
//! - Limits are enforced as bytes arrive: the chunk that takes the EMM past
//!   [`Options::max_emm_len`] is refused whole, none of its EMM is yielded.
//! - After an error the decoder stays failed and returns that error on
//!   every later call; calls after [`finish`](Decoder::finish) return
//!   [`Error::AlreadyFinished`]. Nothing panics, whatever the sequence of
//!   calls.
//!
//! EMM bytes are only known to belong to a valid body once `finish`
//! succeeds: a proxy that forwards them early must be ready to abort the
//! response on a later error.
//!
//! # The module
//! - [`Decoder`] (this file): the raw decoder.
//! - [`Transport`] and, with `alloc`, `TransportDecoder` (`transport.rs`):
//!   bodies sent as **base64 text** (every public Widevine Classic proxy
//!   sends them so) go through `TransportDecoder::new(options,
//!   Transport::Base64)`: the same `feed` / `finish` protocol over the text,
//!   the EMM coming out decoded; `Transport::Auto` picks per body. Without
//!   `alloc`, pair [`Base64Stream`](crate::base64::Base64Stream) with
//!   [`Decoder`].
//! - With `alloc`, `Collector` (`collect.rs`) gathers a body into a
//!   reusable, caller-supplied buffer (a `Vec<u8>`, or a `BytesMut` with the
//!   `bytes` feature) and hands back the borrowed
//!   [`Response`](crate::Response).
//!
//! Each layer drives the one below only through its public API.

use crate::error::Error;
use crate::header::Header;
use crate::lifecycle::Lifecycle;
use crate::options::Options;
use crate::wire::{HEADER_LEN, SHORT_LEN, WireHeader, WireShortHeader};

#[cfg(feature = "alloc")]
mod collect;
mod transport;

#[cfg(feature = "alloc")]
pub use collect::{CollectBuffer, Collector};
pub use transport::Transport;
#[cfg(feature = "alloc")]
pub use transport::TransportDecoder;

/// What one [`Decoder::feed`] call learned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Progress<'a> {
    /// The header, in the one call that completed its 12 bytes; `None` in
    /// every other call. (A short-form header is only known at the end of
    /// the body, so [`Finished::header`] reports it instead.)
    pub header: Option<Header>,
    /// The EMM bytes in this chunk, in order: a sub-slice of the chunk that
    /// was fed (or, for a base64 transport, of the `TransportDecoder`'s
    /// scratch buffer). Often empty.
    pub emm: &'a [u8],
}

/// What [`Decoder::finish`] learned at the end of the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Finished<'a> {
    /// The header, when it had not been reported by a [`Progress`] yet:
    /// always for the 8-byte short form (which is only recognisable at the
    /// end), and for a full header that completed in `emm`'s call.
    /// `None` when a `Progress` already carried it.
    pub header: Option<Header>,
    /// The last EMM bytes. Always empty for the raw [`Decoder`]; a base64
    /// transport holds back the last 1–2 bytes of an unpadded text until it
    /// knows the text has ended.
    pub emm: &'a [u8],
    /// The length of the whole EMM, `emm` included.
    pub emm_len: usize,
}

impl Finished<'_> {
    /// Whether the body was the 8-byte short form.
    #[inline]
    #[must_use]
    pub const fn is_short(&self) -> bool {
        matches!(self.header, Some(Header { key_id: None, .. }))
    }
}

/// Sans-IO incremental decoder of a raw (binary) `GetEMMs.cgi` body.
///
/// Feed chunks of any size with [`feed`](Self::feed); the header comes back
/// once, in the call that completes its 12 bytes, and the EMM comes back as
/// sub-slices of the chunks. Call [`finish`](Self::finish) when the
/// transport says the body has ended. The decoder never allocates and holds
/// at most 12 bytes of the body.
///
/// ```
/// use getemms::decoder::Decoder;
/// use getemms::{LicenseStatus, Options};
///
/// let body = [
///     0, 0, 0, 1, // license status 1: OK
///     0, 0, 0x30, 0x39, // asset id 12345
///     0, 0, 0, 7, // key id 7
///     0xCA, 0xFE, 0xBA, 0xBE, // EMM
/// ];
/// let mut decoder = Decoder::new(Options::new());
/// let mut emm = Vec::new();
/// for chunk in body.chunks(5) {
///     let progress = decoder.feed(chunk)?;
///     if let Some(header) = progress.header {
///         assert_eq!(header.license_status, LicenseStatus::from(1));
///         assert_eq!(header.key_id, Some(7));
///     }
///     emm.extend_from_slice(progress.emm); // a slice of `chunk`: forward it
/// }
/// let end = decoder.finish()?;
/// assert_eq!(end.emm_len, 4);
/// assert_eq!(emm, [0xCA, 0xFE, 0xBA, 0xBE]);
/// # Ok::<(), getemms::Error>(())
/// ```
///
/// The short form is reported by `finish`:
///
/// ```
/// use getemms::decoder::Decoder;
/// use getemms::{LicenseStatus, Options};
///
/// let mut decoder = Decoder::new(Options::new());
/// let progress = decoder.feed(&[0, 0, 2, 88, 0, 0, 0, 0])?; // status 600, asset id 0
/// assert_eq!(progress.header, None); // 8 bytes could still become a full header
/// let end = decoder.finish()?;
/// assert!(end.is_short());
/// assert_eq!(end.header.map(|h| h.license_status), Some(LicenseStatus::from(600)));
/// # Ok::<(), getemms::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decoder {
    options: Options,
    /// The header bytes received so far; the first `header_len` are valid.
    /// The header is known once all 12 came, or at `finish` for the short
    /// form (`short`); it is decoded from these bytes when asked for.
    header_bytes: [u8; HEADER_LEN],
    header_len: usize,
    short: bool,
    emm_len: usize,
    state: Lifecycle,
}

impl Decoder {
    /// A decoder for one body, with the given limits.
    #[inline]
    #[must_use]
    pub const fn new(options: Options) -> Self {
        Self {
            options,
            header_bytes: [0; HEADER_LEN],
            header_len: 0,
            short: false,
            emm_len: 0,
            state: Lifecycle::Open,
        }
    }

    /// Forgets the current body (and any error) and gets ready for the next
    /// one, keeping the options.
    pub fn reset(&mut self) {
        *self = Self::new(self.options);
    }

    /// Takes the next chunk of the body.
    ///
    /// Returns the header if this chunk completed it, and the EMM bytes of
    /// this chunk as a sub-slice of `chunk` (no copy). Chunks may have any
    /// length, including 0.
    ///
    /// # Errors
    /// - [`Error::EmmTooLong`] when this chunk takes the EMM past
    ///   `max_emm_len`; none of the chunk's EMM is yielded, and the decoder
    ///   is failed from then on.
    /// - The error of an earlier call, once the decoder has failed.
    /// - [`Error::AlreadyFinished`] after [`finish`](Self::finish).
    #[inline]
    pub fn feed<'a>(&mut self, chunk: &'a [u8]) -> Result<Progress<'a>, Error> {
        self.check_receiving()?;
        let (header, emm) = if self.header_len == HEADER_LEN {
            (None, chunk)
        } else {
            self.take_header(chunk)
        };
        if !emm.is_empty() {
            let seen = self.emm_len.saturating_add(emm.len());
            if let Err(error) = self.options.check_emm_len(seen) {
                return Err(self.fail(error));
            }
            self.emm_len = seen;
        }
        Ok(Progress { header, emm })
    }

    /// Takes header bytes from the front of `chunk`; returns the header if
    /// it is now complete, and the rest of the chunk (EMM bytes).
    #[inline]
    fn take_header<'a>(&mut self, chunk: &'a [u8]) -> (Option<Header>, &'a [u8]) {
        // The common case, a body whose first chunk holds the whole header:
        // read it in place, nothing is copied.
        if self.header_len == 0
            && let Some((bytes, emm)) = chunk.split_first_chunk::<HEADER_LEN>()
        {
            self.header_bytes = *bytes;
            self.header_len = HEADER_LEN;
            let wire: WireHeader = zerocopy::transmute!(*bytes);
            return (Some(Header::from(&wire)), emm);
        }
        let want = HEADER_LEN.saturating_sub(self.header_len);
        let (head, rest) = chunk
            .split_at_checked(want)
            .unwrap_or((chunk, &[] as &[u8]));
        let end = self.header_len + head.len();
        if let Some(slot) = self.header_bytes.get_mut(self.header_len..end) {
            slot.copy_from_slice(head);
            self.header_len = end;
        }
        if self.header_len < HEADER_LEN {
            return (None, rest);
        }
        let wire: WireHeader = zerocopy::transmute!(self.header_bytes);
        (Some(Header::from(&wire)), rest)
    }

    /// Says the body has ended, and checks that it is a complete body.
    ///
    /// Returns the header if no [`Progress`] reported it (the short form)
    /// and the total EMM length.
    ///
    /// # Errors
    /// - [`Error::Truncated`] when the body had 0–7 or 9–11 bytes (or 8 when
    ///   the short form is not accepted): the same error as
    ///   [`Response::parse_with`](crate::Response::parse_with) on it.
    /// - The error of an earlier call, once the decoder has failed.
    /// - [`Error::AlreadyFinished`] when called a second time.
    #[inline]
    pub fn finish(&mut self) -> Result<Finished<'static>, Error> {
        self.check_receiving()?;
        if self.header_len == HEADER_LEN {
            self.state = Lifecycle::Finished;
            return Ok(Finished {
                header: None,
                emm: &[],
                emm_len: self.emm_len,
            });
        }
        self.finish_short()
    }

    /// The end of a body whose full header never came: the 8-byte short
    /// form, or a truncation error. Out of line, off the common path.
    #[cold]
    #[inline(never)]
    fn finish_short(&mut self) -> Result<Finished<'static>, Error> {
        let received = self.header_bytes.get(..self.header_len).unwrap_or(&[]);
        if let Some(error) = Error::for_length(received, self.options.accept_short_form) {
            return Err(self.fail(error));
        }
        // `for_length` lets exactly 8 bytes through here: the short form.
        let Some(short) = self.header_bytes.first_chunk::<SHORT_LEN>() else {
            return Err(self.fail(Error::Truncated {
                received: self.header_len,
                missing: SHORT_LEN.saturating_sub(self.header_len),
                license_status: None,
            }));
        };
        let wire: WireShortHeader = zerocopy::transmute!(*short);
        let header = Header::from(&wire);
        self.short = true;
        self.state = Lifecycle::Finished;
        Ok(Finished {
            header: Some(header),
            emm: &[],
            emm_len: 0,
        })
    }

    /// The options the decoder enforces.
    #[inline]
    #[must_use]
    pub const fn options(&self) -> &Options {
        &self.options
    }

    /// The header, once known: after 12 bytes came, or after a successful
    /// `finish` of a short-form body. It stays available after an error
    /// that came later (e.g. [`Error::EmmTooLong`]), for logging.
    #[inline]
    #[must_use]
    pub fn header(&self) -> Option<Header> {
        if self.header_len == HEADER_LEN {
            let wire: WireHeader = zerocopy::transmute!(self.header_bytes);
            Some(Header::from(&wire))
        } else if self.short {
            let short = self.header_bytes.first_chunk::<SHORT_LEN>()?;
            let wire: WireShortHeader = zerocopy::transmute!(*short);
            Some(Header::from(&wire))
        } else {
            None
        }
    }

    /// EMM bytes accepted so far (those of a refused chunk not included).
    #[inline]
    #[must_use]
    pub const fn emm_len(&self) -> usize {
        self.emm_len
    }

    /// Body bytes accepted so far: header bytes plus EMM bytes.
    #[inline]
    #[must_use]
    pub const fn body_len(&self) -> usize {
        self.header_len + self.emm_len
    }

    /// How many more bytes the full 12-byte header needs (0 once it is
    /// complete). The body may still end at 8 bytes (short form): this
    /// count does not mean the decoder must wait for that many.
    #[inline]
    #[must_use]
    pub const fn header_missing(&self) -> usize {
        HEADER_LEN.saturating_sub(self.header_len)
    }

    /// Whether [`finish`](Self::finish) has succeeded.
    #[inline]
    #[must_use]
    pub const fn is_finished(&self) -> bool {
        self.state.is_finished()
    }

    /// The error the decoder failed with, if it has.
    #[inline]
    #[must_use]
    pub const fn error(&self) -> Option<Error> {
        self.state.error()
    }

    /// `Ok` while the decoder takes bytes; the stored error, or
    /// [`Error::AlreadyFinished`], otherwise.
    const fn check_receiving(&self) -> Result<(), Error> {
        self.state.check_open(self.body_len())
    }

    /// Puts the decoder in the failed state and returns the error.
    fn fail(&mut self, error: Error) -> Error {
        self.state = Lifecycle::Failed(error);
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::LicenseStatus;

    // license status 1 (OK), asset id 12345, key id 7, EMM CA FE
    static FULL: [u8; 14] = [
        0x00, 0x00, 0x00, 0x01, // license status = 1
        0x00, 0x00, 0x30, 0x39, // asset id = 12345
        0x00, 0x00, 0x00, 0x07, // key id = 7
        0xCA, 0xFE, // EMM
    ];

    #[test]
    fn test_feed_byte_by_byte() {
        let mut decoder = Decoder::new(Options::new());
        let mut headers = 0;
        for (i, byte) in FULL.iter().enumerate() {
            let progress = decoder.feed(core::slice::from_ref(byte)).unwrap();
            if let Some(header) = progress.header {
                headers += 1;
                assert_eq!(i, HEADER_LEN - 1);
                assert_eq!(header, Header::full(LicenseStatus::new(1), 12345, 7));
            }
            assert_eq!(progress.emm.len(), usize::from(i >= HEADER_LEN));
            assert_eq!(decoder.header_missing(), HEADER_LEN.saturating_sub(i + 1));
        }
        assert_eq!(headers, 1);
        let end = decoder.finish().unwrap();
        assert_eq!(end.header, None);
        assert!(!end.is_short());
        assert_eq!(end.emm_len, 2);
        assert!(decoder.is_finished());
    }

    #[test]
    fn test_truncations_match_for_length() {
        for len in 0..HEADER_LEN {
            for accept_short_form in [false, true] {
                let options = Options::new().with_short_form(accept_short_form);
                let mut decoder = Decoder::new(options);
                decoder.feed(&FULL[..len]).unwrap();
                let got = decoder.finish();
                match Error::for_length(&FULL[..len], accept_short_form) {
                    Some(error) => assert_eq!(got, Err(error)),
                    None => assert!(got.unwrap().is_short()),
                }
            }
        }
    }

    #[test]
    fn test_limit_refuses_the_crossing_chunk() {
        let mut decoder = Decoder::new(Options::new().with_max_emm_len(1));
        assert_eq!(decoder.feed(&FULL[..13]).unwrap().emm, &[0xCA]);
        let error = Error::EmmTooLong { len: 2, limit: 1 };
        assert_eq!(decoder.feed(&FULL[13..]), Err(error));
        assert_eq!(decoder.emm_len(), 1);
        assert_eq!(decoder.feed(&[]), Err(error));
        assert_eq!(decoder.finish(), Err(error));
        assert_eq!(decoder.error(), Some(error));
    }

    #[test]
    fn test_misuse_after_finish() {
        let mut decoder = Decoder::new(Options::new());
        decoder.feed(&FULL).unwrap();
        decoder.finish().unwrap();
        let misuse = Err(Error::AlreadyFinished { offset: 14 });
        assert_eq!(decoder.feed(&[1]).map(|_| ()), misuse);
        assert_eq!(decoder.finish().map(|_| ()), misuse);
        assert!(decoder.is_finished());
        decoder.reset();
        assert_eq!(decoder.body_len(), 0);
        assert!(decoder.feed(&FULL).is_ok());
    }
}
