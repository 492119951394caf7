//! [`Transport`]: how a body travels (raw bytes or base64 text), and, with
//! `alloc`, [`TransportDecoder`]: the incremental [`Decoder`] over either.
//!
//! `TransportDecoder` is a composition: a [`Base64Stream`] turns each chunk
//! of text into body bytes, in a scratch buffer ([`TransportDecoder::feed`])
//! or at the end of the caller's `Vec` ([`TransportDecoder::feed_into`]),
//! and a [`Decoder`] takes those bytes. Each keeps its own state (failed, finished) and is driven
//! only through its public API.

use crate::base64::is_alphabet;
#[cfg(feature = "alloc")]
use {
    super::{Decoder, Finished, Progress},
    crate::base64::Base64Stream,
    crate::error::Error,
    crate::header::Header,
    crate::options::Options,
    alloc::vec::Vec,
};

/// How a body is carried.
///
/// There is deliberately no `Default`: which transport a proxy speaks is a
/// decision, and [`Auto`](Self::Auto) has an edge (see there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// The body's bytes as they are (`application/octet-stream`).
    Raw,
    /// The body as base64 text (`Content-Transfer-Encoding: base64`).
    Base64,
    /// Decided by the first byte of the body, see [`Transport::detect`].
    ///
    /// The rule: a first byte from the base64 alphabet (`A–Z a–z 0–9 + /`)
    /// means base64, anything else means raw. Every license status below
    /// 2^24 (all codes of the spec, and the third-party range 512–999)
    /// puts `0x00` first on the raw wire, which is not a base64 character,
    /// while base64 of such a body starts with `A`. A raw body whose
    /// status is 0x2B00_0000 or more may start with a base64 letter (`+`
    /// is 0x2B) and would be taken for base64; base64 text that starts with
    /// a line break would be taken for raw. Give the transport explicitly
    /// when either can happen; an explicit `Raw` or `Base64` never looks at
    /// the bytes to decide.
    Auto,
}

impl Transport {
    /// The transport named by a `Content-Transfer-Encoding` header value:
    /// `base64` → [`Base64`](Self::Base64); `binary`, `8bit`, `7bit` →
    /// [`Raw`](Self::Raw). Case and surrounding whitespace are ignored.
    /// `None` for anything else (e.g. `quoted-printable`), which this crate
    /// does not decode.
    ///
    /// ```
    /// use getemms::Transport;
    ///
    /// assert_eq!(Transport::from_content_transfer_encoding(" Base64 "), Some(Transport::Base64));
    /// assert_eq!(Transport::from_content_transfer_encoding("binary"), Some(Transport::Raw));
    /// assert_eq!(Transport::from_content_transfer_encoding("quoted-printable"), None);
    /// ```
    #[must_use]
    pub fn from_content_transfer_encoding(value: &str) -> Option<Self> {
        let value = value.trim();
        if value.eq_ignore_ascii_case("base64") {
            Some(Self::Base64)
        } else if ["binary", "8bit", "7bit"]
            .iter()
            .any(|raw| value.eq_ignore_ascii_case(raw))
        {
            Some(Self::Raw)
        } else {
            None
        }
    }

    /// The [`Auto`](Self::Auto) rule: `Base64` when `first_byte` is in the
    /// base64 alphabet, `Raw` otherwise.
    ///
    /// ```
    /// use getemms::Transport;
    ///
    /// assert_eq!(Transport::detect(0x00), Transport::Raw); // status < 2^24
    /// assert_eq!(Transport::detect(b'A'), Transport::Base64);
    /// ```
    #[must_use]
    pub const fn detect(first_byte: u8) -> Self {
        if is_alphabet(first_byte) {
            Self::Base64
        } else {
            Self::Raw
        }
    }

    /// This transport with `Auto` decided from the first byte of `body`
    /// (`Raw` for an empty body); `Raw` and `Base64` are returned unchanged.
    #[must_use]
    pub const fn resolve(self, body: &[u8]) -> Self {
        match (self, body.first()) {
            (Self::Auto, Some(&first)) => Self::detect(first),
            (Self::Auto, None) => Self::Raw,
            (explicit, _) => explicit,
        }
    }
}

/// Text bytes [`TransportDecoder::feed_into`] decodes at a time until the
/// header is complete: with the at most 3 characters carried, 19 characters
/// give at most 12 bytes, which the stack buffer of 16 holds.
#[cfg(feature = "alloc")]
const HEADER_PIECE: usize = 16;

/// The incremental [`Decoder`] over any [`Transport`].
///
/// With [`Transport::Raw`] it is the raw decoder: the EMM comes back as
/// sub-slices of the chunks fed. With [`Transport::Base64`] each chunk
/// of text is decoded into a scratch buffer owned by the decoder, and
/// the EMM comes back as sub-slices of that buffer, valid until the
/// next call. That is why [`feed`](Self::feed) borrows `self` for as
/// long as the [`Progress`] lives; callers of the raw path who want the
/// slices tied to their chunk only use [`Decoder`] directly, and callers
/// who keep the EMM in a `Vec` use [`feed_into`](Self::feed_into), which
/// decodes into it with no scratch buffer.
///
/// The scratch buffer grows to `3/4` of the largest chunk fed, plus 3
/// bytes, and is kept across [`reset`](Self::reset): memory is bounded
/// by the chunk size, not the body.
///
/// The header, the EMM and the errors are those of the one-shot parse of
/// the decoded body (see [`Decoder`]), with one difference only a
/// stream can have: when a chunk crosses `max_emm_len` before a later
/// chunk brings an invalid character, the stream reports
/// [`Error::EmmTooLong`] while
/// [`Response::parse_base64`](crate::Response::parse_base64) reports the
/// [`Error::InvalidBase64`] it meets while decoding first.
///
/// ```
/// use getemms::decoder::TransportDecoder;
/// use getemms::{Options, Transport};
///
/// // status 1, asset id 12345, key id 7, EMM CA FE; as a Perl proxy sends it
/// let text = b"AAAAAQAAMDkAAAAHyv4=\n";
/// let mut decoder = TransportDecoder::new(Options::new(), Transport::Auto);
/// let mut emm = Vec::new();
/// for chunk in text.chunks(3) {
///     emm.extend_from_slice(decoder.feed(chunk)?.emm);
/// }
/// let end = decoder.finish()?;
/// emm.extend_from_slice(end.emm);
/// assert_eq!(decoder.transport(), Transport::Base64);
/// assert_eq!(emm, [0xCA, 0xFE]);
/// # Ok::<(), getemms::Error>(())
/// ```
// No `PartialEq`/`Hash`: the scratch buffer's stale bytes would take part.
#[cfg(feature = "alloc")]
#[derive(Debug, Clone)]
pub struct TransportDecoder {
    decoder: Decoder,
    /// The transport asked for.
    configured: Transport,
    /// The transport in use: `Auto` until the first byte decides.
    transport: Transport,
    base64: Base64Stream,
    scratch: Vec<u8>,
}

#[cfg(feature = "alloc")]
impl TransportDecoder {
    /// A decoder for one body carried by `transport`.
    #[must_use]
    pub const fn new(options: Options, transport: Transport) -> Self {
        Self {
            decoder: Decoder::new(options),
            configured: transport,
            transport,
            base64: Base64Stream::new(),
            scratch: Vec::new(),
        }
    }

    /// Forgets the current body (and any error) and gets ready for the
    /// next one, keeping the options, the configured transport and the
    /// scratch buffer's capacity.
    pub fn reset(&mut self) {
        self.decoder.reset();
        self.transport = self.configured;
        self.base64 = Base64Stream::new();
    }

    /// The start of every feed: the error once the decoder has failed (an
    /// empty feed of the raw decoder returns it, or `AlreadyFinished`),
    /// and the transport for `chunk`, `Auto` decided by its first byte.
    /// `None`: an empty chunk while `Auto` is still undecided.
    fn begin(&mut self, chunk: &[u8]) -> Result<Option<Transport>, Error> {
        self.decoder.feed(&[])?;
        if self.transport == Transport::Auto {
            match chunk.first() {
                Some(&first) => self.transport = Transport::detect(first),
                None => return Ok(None),
            }
        }
        Ok(Some(self.transport))
    }

    /// Takes the next chunk of the body, as it came from the transport.
    ///
    /// # Errors
    /// As [`Decoder::feed`], plus [`Error::InvalidBase64`] for base64
    /// text. After any error the decoder is failed and returns it again.
    pub fn feed<'a>(&'a mut self, chunk: &'a [u8]) -> Result<Progress<'a>, Error> {
        let Some(transport) = self.begin(chunk)? else {
            return Ok(Progress::default());
        };
        let Self {
            decoder,
            base64,
            scratch,
            ..
        } = self;
        match transport {
            Transport::Base64 => {
                let bound = base64.decoded_len_bound(chunk.len());
                if scratch.len() < bound {
                    scratch.reserve_exact(bound - scratch.len());
                    scratch.resize(bound, 0);
                }
                let decoded_len = base64.decode_chunk(chunk, scratch)?;
                let scratch: &'a Vec<u8> = scratch;
                decoder.feed(scratch.get(..decoded_len).unwrap_or(&[]))
            }
            Transport::Raw | Transport::Auto => decoder.feed(chunk),
        }
    }

    /// Takes the next chunk of the body and appends its EMM bytes to
    /// `emm`; returns the header if this chunk completed it.
    ///
    /// For base64 the text is decoded straight onto the end of `emm`, with
    /// no scratch buffer and no copy: until the header is complete, a few
    /// characters at a time through the stack, then the rest of the chunk
    /// into `emm`, where the raw decoder checks the EMM limit in place. The
    /// header, the EMM and the errors are exactly those of `feed` on the
    /// same chunks. A
    /// collector that keeps the EMM in one `Vec` (reserved once from a
    /// `Content-Length`, say) touches each decoded byte once. After an
    /// error `emm` may hold bytes of the refused chunk; drop it.
    ///
    /// ```
    /// use getemms::decoder::TransportDecoder;
    /// use getemms::{Options, Transport};
    ///
    /// let text = b"AAAAAQAAMDkAAAAHyv66vg=="; // status 1, asset 12345, key 7, EMM CA FE BA BE
    /// let mut decoder = TransportDecoder::new(Options::new(), Transport::Base64);
    /// let mut emm = Vec::with_capacity(4);
    /// for chunk in text.chunks(7) {
    ///     if let Some(header) = decoder.feed_into(chunk, &mut emm)? {
    ///         assert_eq!(header.key_id, Some(7));
    ///     }
    /// }
    /// emm.extend_from_slice(decoder.finish()?.emm);
    /// assert_eq!(emm, [0xCA, 0xFE, 0xBA, 0xBE]);
    /// # Ok::<(), getemms::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`feed`](Self::feed).
    pub fn feed_into(&mut self, chunk: &[u8], emm: &mut Vec<u8>) -> Result<Option<Header>, Error> {
        let Some(transport) = self.begin(chunk)? else {
            return Ok(None);
        };
        let Self {
            decoder, base64, ..
        } = self;
        if transport != Transport::Base64 {
            let progress = decoder.feed(chunk)?;
            emm.extend_from_slice(progress.emm);
            return Ok(progress.header);
        }
        // This chunk's EMM bytes start at `start` and go to the decoder in
        // one call, as `feed` gives them: the limit trips at the same byte.
        let start = emm.len();
        let mut header = None;
        let mut rest = chunk;
        while decoder.header_missing() > 0 && !rest.is_empty() {
            let (piece, after) = rest.split_at_checked(HEADER_PIECE).unwrap_or((rest, &[]));
            let mut bytes = [0; HEADER_PIECE];
            let decoded_len = base64.decode_chunk(piece, &mut bytes)?;
            let decoded = bytes.get(..decoded_len).unwrap_or(&[]);
            let (head, tail) = decoded
                .split_at_checked(decoder.header_missing())
                .unwrap_or((decoded, &[]));
            header = header.or(decoder.feed(head)?.header);
            emm.extend_from_slice(tail);
            rest = after;
        }
        if !rest.is_empty() {
            let at = emm.len();
            emm.resize(at.saturating_add(base64.decoded_len_bound(rest.len())), 0);
            let decoded = base64.decode_chunk(rest, emm.get_mut(at..).unwrap_or(&mut []))?;
            emm.truncate(at.saturating_add(decoded));
        }
        decoder.feed(emm.get(start..).unwrap_or(&[]))?;
        Ok(header)
    }

    /// Says the body has ended. For base64, this settles the last 0–2
    /// bytes of the text, which come back in [`Finished::emm`].
    ///
    /// # Errors
    /// As [`Decoder::finish`], plus [`Error::TruncatedBase64`] and
    /// [`Error::InvalidBase64`] (a non-canonical last character) for
    /// base64, and [`Error::EmmTooLong`] when those last bytes cross
    /// the limit.
    pub fn finish(&mut self) -> Result<Finished<'_>, Error> {
        let Self {
            decoder,
            transport,
            base64,
            ..
        } = self;
        decoder.feed(&[])?;
        match *transport {
            Transport::Base64 => {
                let tail = base64.finish()?;
                let progress = decoder.feed(tail)?;
                let end = decoder.finish()?;
                Ok(Finished {
                    header: progress.header.or(end.header),
                    emm: progress.emm,
                    emm_len: end.emm_len,
                })
            }
            Transport::Raw | Transport::Auto => decoder.finish(),
        }
    }

    /// The transport in use: the configured one, or for
    /// [`Transport::Auto`] what the first byte decided (`Auto` until a
    /// byte came).
    #[must_use]
    pub const fn transport(&self) -> Transport {
        self.transport
    }

    /// The options the decoder enforces.
    #[must_use]
    pub const fn options(&self) -> &Options {
        self.decoder.options()
    }

    /// The header, once known; see [`Decoder::header`].
    #[must_use]
    pub fn header(&self) -> Option<Header> {
        self.decoder.header()
    }

    /// Decoded EMM bytes accepted so far.
    #[must_use]
    pub const fn emm_len(&self) -> usize {
        self.decoder.emm_len()
    }

    /// Whether [`finish`](Self::finish) has succeeded.
    #[must_use]
    pub const fn is_finished(&self) -> bool {
        self.decoder.is_finished()
    }

    /// The error the decoder failed with, if it has: the base64 text's or
    /// the body's.
    #[must_use]
    pub const fn error(&self) -> Option<Error> {
        match self.base64.error() {
            Some(error) => Some(error),
            None => self.decoder.error(),
        }
    }

    /// Bytes the base64 scratch buffer holds room for (0 on the raw
    /// path): at most `3/4` of the largest chunk fed, plus 3.
    #[must_use]
    pub fn scratch_capacity(&self) -> usize {
        self.scratch.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_transport_rules() {
        let rejection_600 = [0x00, 0x00, 0x02, 0x58, 0x00, 0x00, 0x00, 0x00];
        assert_eq!(Transport::Auto.resolve(&rejection_600), Transport::Raw);
        assert_eq!(Transport::Auto.resolve(b"AAACWAAAAAA="), Transport::Base64);
        assert_eq!(Transport::Auto.resolve(b""), Transport::Raw);
        assert_eq!(Transport::Raw.resolve(b"AAAA"), Transport::Raw);
        assert_eq!(Transport::Base64.resolve(&[0]), Transport::Base64);
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn test_state_accessors_follow_the_body() {
        // status 1, asset id 12345, key id 7, EMM CA FE BA BE
        let text = b"AAAAAQAAMDkAAAAHyv66vg==";
        let mut decoder = TransportDecoder::new(Options::new(), Transport::Auto);
        assert_eq!(decoder.transport(), Transport::Auto);
        assert_eq!(decoder.feed(&text[..20]).map(|p| p.emm.len()), Ok(3));
        assert_eq!(decoder.transport(), Transport::Base64);
        assert_eq!(decoder.emm_len(), 3);
        assert_eq!(
            decoder.header(),
            Some(Header::full(crate::LicenseStatus::new(1), 12345, 7))
        );
        assert!(!decoder.is_finished());
        assert!(decoder.scratch_capacity() >= 15);
        assert_eq!(decoder.feed(&text[20..]).map(|p| p.emm.len()), Ok(1));
        assert_eq!(decoder.emm_len(), 4);
        assert_eq!(decoder.finish().map(|end| end.emm_len), Ok(4));
        assert!(decoder.is_finished());
        assert_eq!(decoder.error(), None);
    }
}
