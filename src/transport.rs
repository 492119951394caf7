//! How a body travels: raw bytes, or base64 text.
//!
//! Every public Widevine Classic proxy we know of sends `GetEMMs.cgi`
//! bodies as base64 text (`Content-Type: text/plain`,
//! `Content-Transfer-Encoding: base64`): PHP's `base64_encode` writes one
//! padded line, Perl's `MIME::Base64::encode_base64` wraps every 76
//! characters with `\n`. This module owns that layer:
//!
//! - [`Transport`]: raw, base64, or decided from the first byte ([`Transport::Auto`]).
//! - [`Base64Stream`]: incremental base64 text → body bytes, sans-IO and
//!   `no_std`, carrying at most 3 characters between chunks.
//! - one-shot decoding into a caller's buffer ([`decode_base64_into`],
//!   `decode_base64`) and zero-copy parsing from it ([`parse_base64_in`],
//!   `parse_base64`, `parse_body`).
//! - encoding a [`Response`] as one padded line ([`encode_base64_into`],
//!   `encode_base64`) or wrapped at 76 columns
//!   ([`encode_base64_wrapped_into`], `encode_base64_wrapped`).
//!
//! The forms over a `Vec` and the decoder need the `alloc` feature.
//! - `TransportDecoder` (`alloc`): the incremental
//!   [`Decoder`](crate::decoder::Decoder) over any transport.
//!
//! The base64 codec itself is the `base64` crate's (standard alphabet); this
//! module strips line breaks, checks padding and carries partial 4-character
//! groups across chunks.
//!
//! # What base64 text is accepted
//! - The standard alphabet `A–Z a–z 0–9 + /`, with or without `=` padding.
//!   Padding, when present, must be complete (`AA==`, `AAA=`), and ends the
//!   text.
//! - `\r` and `\n` anywhere, any number of them.
//! - Spaces and tabs only at the end of a line or of the text (as MIME
//!   senders leave them). A space *followed by more base64 on the same line*
//!   is refused: it is how a `+` looks after a form-decoding mishap.
//! - The last character must be canonical (its unused low bits zero).
//!
//! Every refusal is [`Error::InvalidBase64`] naming the byte offset in the
//! text and the character, or [`Error::TruncatedBase64`] when the text ends
//! inside a group. Nothing panics, whatever the text.
//!
//! # Guarantees
//! - Decoding any split of a text gives the same bytes, or the same error,
//!   as decoding it whole.
//! - Memory: [`Base64Stream`] holds a few bytes; `TransportDecoder`'s
//!   scratch buffer grows to `3/4` of the largest chunk fed (plus 3), not to
//!   the body.

use ::base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use ::base64::{DecodeError, DecodeSliceError, Engine};

use crate::error::Error;
use crate::response::{Options, Response};

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
    /// use getemms::transport::Transport;
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
    /// use getemms::transport::Transport;
    ///
    /// assert_eq!(Transport::detect(0x00), Transport::Raw); // status < 2^24
    /// assert_eq!(Transport::detect(b'A'), Transport::Base64);
    /// ```
    #[must_use]
    pub const fn detect(first_byte: u8) -> Self {
        if is_base64_char(first_byte) {
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

/// A character of the standard base64 alphabet (padding excluded).
#[inline]
const fn is_base64_char(byte: u8) -> bool {
    matches!(byte, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/')
}

const EXPECTED_CHAR: &str = "a base64 character (A-Z a-z 0-9 + /), '=' padding or a line break";
const EXPECTED_END: &str = "only line breaks or trailing whitespace after the '=' padding";
const EXPECTED_PAD_POSITION: &str =
    "a base64 character ('=' may only pad the 3rd and 4th characters of a group)";
const EXPECTED_NO_SPACE: &str = "a line break or the end of the text after a space (a space inside base64 is often a mangled '+')";
const EXPECTED_CANONICAL: &str =
    "a final character whose unused low bits are zero (canonical base64)";

/// Incremental base64 text → body bytes, sans-IO and `no_std`.
///
/// Feed text in chunks of any size (a chunk may end inside a 4-character
/// group or between `\r` and `\n`) to [`decode_chunk`](Self::decode_chunk),
/// which writes the bytes it can decode so far into the caller's buffer;
/// [`finish`](Self::finish) returns the last 0–2 bytes, which an unpadded
/// text only settles at its end. At most 3 characters are carried between
/// chunks. See the [module docs](self) for what text is accepted.
///
/// Combined with the raw [`Decoder`](crate::decoder::Decoder) and a caller's scratch buffer this
/// gives a streaming base64 decoder without `alloc`:
///
/// ```
/// use getemms::decoder::Decoder;
/// use getemms::transport::Base64Stream;
/// use getemms::Options;
///
/// let text = b"AAAAAQAAMDkAAAAHyv4=\r\n"; // status 1, asset 12345, key 7, EMM CA FE
/// let mut base64 = Base64Stream::new();
/// let mut decoder = Decoder::new(Options::new());
/// let mut scratch = [0u8; 16];
/// let mut emm = Vec::new();
/// for chunk in text.chunks(5) {
///     let n = base64.decode_chunk(chunk, &mut scratch)?;
///     emm.extend_from_slice(decoder.feed(&scratch[..n])?.emm);
/// }
/// emm.extend_from_slice(decoder.feed(base64.finish()?)?.emm);
/// decoder.finish()?;
/// assert_eq!(decoder.header().and_then(|h| h.key_id), Some(7));
/// assert_eq!(emm, [0xCA, 0xFE]);
/// # Ok::<(), getemms::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Base64Stream {
    /// Data characters of the current group (no `=`).
    group: [u8; 4],
    group_len: usize,
    /// `=` characters seen; the group is final once there is one.
    padding: usize,
    /// The padded final group is complete: only whitespace may follow.
    closed: bool,
    /// Offset of the last data character, for the canonical-bits error.
    last_char_offset: usize,
    /// The first space or tab since the last line break, if any.
    space: Option<(usize, u8)>,
    /// Text bytes taken so far.
    offset: usize,
    /// The final bytes, settled by `finish`.
    tail: [u8; 3],
    tail_len: usize,
    state: StreamState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum StreamState {
    Open,
    Finished,
    Failed(Error),
}

impl Default for Base64Stream {
    fn default() -> Self {
        Self::new()
    }
}

impl Base64Stream {
    /// A stream at the start of a text.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            group: [0; 4],
            group_len: 0,
            padding: 0,
            closed: false,
            last_char_offset: 0,
            space: None,
            offset: 0,
            tail: [0; 3],
            tail_len: 0,
            state: StreamState::Open,
        }
    }

    /// The largest number of bytes the next [`decode_chunk`](Self::decode_chunk)
    /// of `text_len` bytes can write: `3/4` of the carried characters
    /// (padding included) and the new ones, rounded down to whole groups.
    #[inline]
    #[must_use]
    pub const fn decoded_len_bound(&self, text_len: usize) -> usize {
        let carried = if self.closed {
            0
        } else {
            self.group_len + self.padding
        };
        carried.saturating_add(text_len) / 4 * 3
    }

    /// Text bytes taken so far.
    #[inline]
    #[must_use]
    pub const fn text_len(&self) -> usize {
        self.offset
    }

    /// Decodes the next chunk of text into the front of `out` and returns
    /// the number of bytes written. Characters of an incomplete group are
    /// carried to the next call.
    ///
    /// # Errors
    /// - [`Error::InvalidBase64`] at the first character base64 does not
    ///   allow there (offset counted in the whole text).
    /// - [`Error::BufferTooSmall`] when `out` is shorter than the bytes
    ///   this chunk decodes to; [`decoded_len_bound`](Self::decoded_len_bound)
    ///   is always enough.
    /// - The error of an earlier call, or [`Error::AlreadyFinished`] after
    ///   [`finish`](Self::finish).
    ///
    /// After an error the stream is failed and returns that error again.
    pub fn decode_chunk(&mut self, text: &[u8], out: &mut [u8]) -> Result<usize, Error> {
        self.check_open()?;
        let base = self.offset;
        match self.decode_chunk_inner(text, out) {
            Ok(written) => {
                self.offset = base.saturating_add(text.len());
                Ok(written)
            }
            Err(error) => {
                self.state = StreamState::Failed(error);
                Err(error)
            }
        }
    }

    fn decode_chunk_inner(&mut self, text: &[u8], out: &mut [u8]) -> Result<usize, Error> {
        let base = self.offset;
        let mut written = 0;
        let mut rest = text;
        while let Some((&byte, after)) = rest.split_first() {
            let offset = base + (text.len() - rest.len());
            if is_base64_char(byte) {
                if self.padding > 0 {
                    return Err(invalid(offset, byte, EXPECTED_END));
                }
                if let Some((space_offset, space)) = self.space {
                    return Err(invalid(space_offset, space, EXPECTED_NO_SPACE));
                }
                if self.group_len == 0 {
                    // Fast path: decode the whole groups of a run of base64
                    // characters straight from the text. First try every
                    // whole group left (a one-line body decodes in one call,
                    // the codec validating as it goes); the codec reports the
                    // first byte outside the alphabet, which ends the run.
                    // Anything else (padding, a short output) falls back to
                    // finding the run by scanning.
                    let mut all_groups = rest.len() / 4 * 4;
                    // A padded last group is the codec's `InvalidPadding`
                    // in no-pad mode: leave it to the per-character path.
                    if rest
                        .get(..all_groups)
                        .and_then(<[u8]>::last_chunk::<4>)
                        .is_some_and(|group| group.contains(&b'='))
                    {
                        all_groups -= 4;
                    }
                    let mut known_run = None;
                    if all_groups > 0
                        && let (Some(groups), Some(remaining)) =
                            (rest.get(..all_groups), rest.get(all_groups..))
                    {
                        let slot = out.get_mut(written..).unwrap_or(&mut []);
                        match STANDARD_NO_PAD.decode_slice(groups, slot) {
                            Ok(decoded) => {
                                written += decoded;
                                self.last_char_offset = offset + all_groups - 1;
                                rest = remaining;
                                continue;
                            }
                            Err(DecodeSliceError::DecodeError(DecodeError::InvalidByte(
                                index,
                                _,
                            ))) => {
                                // `rest[..index]` is all alphabet: the run.
                                known_run = Some(index);
                            }
                            Err(_) => {}
                        }
                    }
                    let run = known_run.unwrap_or_else(|| {
                        rest.iter()
                            .position(|&b| !is_base64_char(b))
                            .unwrap_or(rest.len())
                    });
                    let whole = run / 4 * 4;
                    if let Some((groups, remaining)) = rest.split_at_checked(whole)
                        && !groups.is_empty()
                    {
                        let slot = out.get_mut(written..).unwrap_or(&mut []);
                        let last = offset + whole - 1;
                        written += STANDARD_NO_PAD
                            .decode_slice(groups, slot)
                            .map_err(|e| engine_error(e, offset, last, written, out.len()))?;
                        self.last_char_offset = last;
                        rest = remaining;
                        continue;
                    }
                }
                if let Some(slot) = self.group.get_mut(self.group_len) {
                    *slot = byte;
                }
                self.group_len += 1;
                self.last_char_offset = offset;
                if self.group_len == 4 {
                    written += self.decode_group(out, written)?;
                }
            } else if byte == b'=' {
                if let Some((space_offset, space)) = self.space {
                    return Err(invalid(space_offset, space, EXPECTED_NO_SPACE));
                }
                if self.closed {
                    return Err(invalid(offset, byte, EXPECTED_END));
                }
                if self.group_len < 2 {
                    return Err(invalid(offset, byte, EXPECTED_PAD_POSITION));
                }
                self.padding += 1;
                if self.group_len + self.padding == 4 {
                    written += self.decode_group(out, written)?;
                    self.closed = true;
                }
            } else if byte == b'\r' || byte == b'\n' {
                self.space = None;
            } else if byte == b' ' || byte == b'\t' {
                if self.space.is_none() {
                    self.space = Some((offset, byte));
                }
            } else {
                return Err(invalid(offset, byte, EXPECTED_CHAR));
            }
            rest = after;
        }
        Ok(written)
    }

    /// Decodes the carried group (4 characters, or 2–3 closed by padding or
    /// by the end of the text) into `out[at..]`; empties the group.
    fn decode_group(&mut self, out: &mut [u8], at: usize) -> Result<usize, Error> {
        let group = self.group.get(..self.group_len).unwrap_or(&[]);
        let slot = out.get_mut(at..).unwrap_or(&mut []);
        let decoded = STANDARD_NO_PAD.decode_slice(group, slot).map_err(|e| {
            engine_error(
                e,
                self.last_char_offset,
                self.last_char_offset,
                at,
                out.len(),
            )
        })?;
        self.group_len = 0;
        Ok(decoded)
    }

    /// Says the text has ended and returns its last 0–2 bytes (those of an
    /// unpadded final group of 2–3 characters).
    ///
    /// # Errors
    /// - [`Error::TruncatedBase64`] when the text ends with a lone
    ///   character in its last group, or with incomplete padding.
    /// - [`Error::InvalidBase64`] when the last character is not canonical.
    /// - The error of an earlier call, or [`Error::AlreadyFinished`] when
    ///   called twice.
    pub fn finish(&mut self) -> Result<&[u8], Error> {
        self.check_open()?;
        let mut tail = [0; 3];
        let result = if self.padding > 0 && !self.closed {
            // `AA=` or `A` + `=`…: padding that stops short.
            Err(Error::TruncatedBase64 {
                offset: self.offset,
                missing: 4usize.saturating_sub(self.group_len + self.padding),
            })
        } else {
            match self.group_len {
                0 => Ok(0),
                1 => Err(Error::TruncatedBase64 {
                    offset: self.offset,
                    missing: 1,
                }),
                _ => self.decode_group(&mut tail, 0),
            }
        };
        match result {
            Ok(len) => {
                self.tail = tail;
                self.tail_len = len;
                self.state = StreamState::Finished;
                Ok(self.tail.get(..self.tail_len).unwrap_or(&[]))
            }
            Err(error) => {
                self.state = StreamState::Failed(error);
                Err(error)
            }
        }
    }

    /// Whether [`finish`](Self::finish) has succeeded.
    #[inline]
    #[must_use]
    pub const fn is_finished(&self) -> bool {
        matches!(self.state, StreamState::Finished)
    }

    const fn check_open(&self) -> Result<(), Error> {
        match self.state {
            StreamState::Open => Ok(()),
            StreamState::Finished => Err(Error::AlreadyFinished {
                offset: self.offset,
            }),
            StreamState::Failed(error) => Err(error),
        }
    }
}

const fn invalid(offset: usize, byte: u8, expected: &'static str) -> Error {
    Error::InvalidBase64 {
        offset,
        byte,
        expected,
    }
}

/// Maps an error of the `base64` engine to ours. Only the canonical-bits
/// check and a short output can fail here: the characters and the padding
/// were checked before the engine saw them.
fn engine_error(
    error: DecodeSliceError,
    first_offset: usize,
    last_offset: usize,
    written: usize,
    out_len: usize,
) -> Error {
    match error {
        DecodeSliceError::OutputSliceTooSmall => Error::BufferTooSmall {
            needed: written.saturating_add(3),
            available: out_len,
        },
        DecodeSliceError::DecodeError(DecodeError::InvalidLastSymbol(_, byte)) => {
            invalid(last_offset, byte, EXPECTED_CANONICAL)
        }
        DecodeSliceError::DecodeError(DecodeError::InvalidByte(index, byte)) => {
            invalid(first_offset.saturating_add(index), byte, EXPECTED_CHAR)
        }
        DecodeSliceError::DecodeError(
            DecodeError::InvalidLength(_) | DecodeError::InvalidPadding,
        ) => Error::TruncatedBase64 {
            offset: last_offset.saturating_add(1),
            missing: 1,
        },
    }
}

/// The exact number of bytes `text` decodes to, if it is valid base64
/// (counted, not decoded; used to report the needed size).
fn decoded_len_of(text: &[u8]) -> usize {
    let chars = text.iter().filter(|&&b| is_base64_char(b)).count();
    chars / 4 * 3 + (chars % 4).saturating_sub(1)
}

/// Decodes a whole base64 body into the front of `out` and returns its
/// length. `no_std`, no allocation.
///
/// # Errors
/// [`Error::InvalidBase64`] / [`Error::TruncatedBase64`] for text that is
/// not base64 (see the [module docs](self)); [`Error::BufferTooSmall`] when
/// `out` cannot hold the decoded body (`needed` is its exact length).
///
/// ```
/// use getemms::transport::decode_base64_into;
///
/// let mut body = [0u8; 8];
/// assert_eq!(decode_base64_into(b"AAACWAAAAAA=", &mut body)?, 8);
/// assert_eq!(body, [0, 0, 2, 88, 0, 0, 0, 0]);
/// assert!(decode_base64_into(b"AAAC WAAAAAA=", &mut body).is_err());
/// # Ok::<(), getemms::Error>(())
/// ```
pub fn decode_base64_into(text: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    let mut stream = Base64Stream::new();
    let written = match stream.decode_chunk(text, out) {
        Ok(written) => written,
        Err(Error::BufferTooSmall { available, .. }) => {
            return Err(Error::BufferTooSmall {
                needed: decoded_len_of(text),
                available,
            });
        }
        Err(error) => return Err(error),
    };
    let tail = stream.finish()?;
    let end = written.saturating_add(tail.len());
    match out.get_mut(written..end) {
        Some(slot) => slot.copy_from_slice(tail),
        None => {
            return Err(Error::BufferTooSmall {
                needed: decoded_len_of(text),
                available: out.len(),
            });
        }
    }
    Ok(end)
}

/// Decodes a base64 body into `out` and parses it; the response borrows
/// `out`. `no_std`, no allocation.
///
/// # Errors
/// As [`decode_base64_into`], then as [`Response::parse_with`].
pub fn parse_base64_in<'b>(
    text: &[u8],
    out: &'b mut [u8],
    options: &Options,
) -> Result<Response<'b>, Error> {
    let len = decode_base64_into(text, out)?;
    let out: &'b [u8] = out;
    Response::parse_with(out.get(..len).unwrap_or(&[]), options)
}

/// The length of `response` as one line of padded base64.
#[must_use]
pub fn base64_len(response: &Response<'_>) -> usize {
    ::base64::encoded_len(response.encoded_len(), true).unwrap_or(usize::MAX)
}

/// The length of `response` as base64 wrapped at 76 columns, every line
/// (the last included) ending in `\n`, as Perl's `encode_base64` writes it.
#[must_use]
pub fn wrapped_base64_len(response: &Response<'_>) -> usize {
    let chars = base64_len(response);
    chars.saturating_add(chars.div_ceil(LINE_LEN))
}

/// Encodes `bytes` (padded) into `out[*written..]` and advances `written`.
fn put_base64(
    bytes: &[u8],
    out: &mut [u8],
    written: &mut usize,
    too_small: Error,
) -> Result<(), Error> {
    let slot = out.get_mut(*written..).ok_or(too_small)?;
    *written += STANDARD.encode_slice(bytes, slot).map_err(|_| too_small)?;
    Ok(())
}

/// Characters per line of MIME base64.
const LINE_LEN: usize = 76;
/// Body bytes per line of MIME base64.
const LINE_BYTES: usize = LINE_LEN / 4 * 3;

/// Writes `response` as one line of padded base64 (no line break), as
/// PHP's `base64_encode` does, into the front of `out`; returns the length.
///
/// # Errors
/// [`Error::BufferTooSmall`] when `out` is shorter than
/// [`base64_len`]; nothing useful is written then.
///
/// ```
/// use getemms::transport::encode_base64_into;
/// use getemms::{LicenseStatus, Response};
///
/// let mut text = [0u8; 16];
/// let n = encode_base64_into(&Response::rejection(LicenseStatus::from(600), 0), &mut text)?;
/// assert_eq!(&text[..n], b"AAACWAAAAAA=");
/// # Ok::<(), getemms::Error>(())
/// ```
pub fn encode_base64_into(response: &Response<'_>, out: &mut [u8]) -> Result<usize, Error> {
    encode_lines(response, out, false)
}

/// Writes `response` as base64 wrapped at 76 columns, each line ending in
/// `\n`, as Perl's `MIME::Base64::encode_base64` does; returns the length.
///
/// # Errors
/// [`Error::BufferTooSmall`] when `out` is shorter than
/// [`wrapped_base64_len`].
pub fn encode_base64_wrapped_into(response: &Response<'_>, out: &mut [u8]) -> Result<usize, Error> {
    encode_lines(response, out, true)
}

/// Encodes the body as one line, or as lines of 76 characters each
/// followed by `\n` when `newline`.
fn encode_lines(response: &Response<'_>, out: &mut [u8], newline: bool) -> Result<usize, Error> {
    let needed = if newline {
        wrapped_base64_len(response)
    } else {
        base64_len(response)
    };
    let too_small = Error::BufferTooSmall {
        needed,
        available: out.len(),
    };
    if out.len() < needed {
        return Err(too_small);
    }
    let header_bytes = response.header().to_bytes();
    let header = header_bytes
        .get(..response.header().encoded_len())
        .unwrap_or(&[]);
    let mut written = 0;
    if newline {
        // Lines of 57 body bytes; the body is the header then the EMM, so a
        // line may take bytes of both.
        let mut header_rest = header;
        let mut emm_rest = response.emm();
        let mut line = [0u8; LINE_BYTES];
        loop {
            let (from_header, header_after) = header_rest
                .split_at_checked(LINE_BYTES)
                .unwrap_or((header_rest, &[]));
            let room = LINE_BYTES - from_header.len();
            let (from_emm, emm_after) = emm_rest.split_at_checked(room).unwrap_or((emm_rest, &[]));
            let filled = from_header.len() + from_emm.len();
            if filled == 0 {
                break;
            }
            if let Some((h, e)) = line.split_at_mut_checked(from_header.len()) {
                h.copy_from_slice(from_header);
                if let Some(e) = e.get_mut(..from_emm.len()) {
                    e.copy_from_slice(from_emm);
                }
            }
            put_base64(
                line.get(..filled).unwrap_or(&[]),
                out,
                &mut written,
                too_small,
            )?;
            let newline_slot = out.get_mut(written).ok_or(too_small)?;
            *newline_slot = b'\n';
            written += 1;
            header_rest = header_after;
            emm_rest = emm_after;
        }
    } else {
        // A full header is 12 bytes, a multiple of 3, so its base64
        // followed by the EMM's is the base64 of the whole body; a
        // short-form body is the header alone.
        put_base64(header, out, &mut written, too_small)?;
        put_base64(response.emm(), out, &mut written, too_small)?;
    }
    Ok(written)
}

#[cfg(feature = "alloc")]
pub use with_alloc::{
    TransportDecoder, decode_base64, encode_base64, encode_base64_wrapped, parse_base64, parse_body,
};

#[cfg(feature = "alloc")]
mod with_alloc {
    use alloc::vec::Vec;

    use super::{
        Base64Stream, Transport, base64_len, decode_base64_into, encode_base64_into,
        encode_base64_wrapped_into, wrapped_base64_len,
    };
    use crate::decoder::{Decoder, Finished, Progress};
    use crate::error::Error;
    use crate::response::{Options, Response};

    /// Decodes a whole base64 body into `out`, which is cleared first (its
    /// capacity is kept, so one buffer serves many bodies). `out` grows to
    /// at most `3/4` of the text, rounded up to a whole group.
    ///
    /// # Errors
    /// As [`decode_base64_into`], except that the buffer is never too small.
    pub fn decode_base64(text: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        // Whole groups plus an unpadded final group of 2–3 characters.
        let bound = text.len().div_ceil(4).saturating_mul(3);
        out.clear();
        out.resize(bound, 0);
        let result = decode_base64_into(text, out);
        let len = *result.as_ref().unwrap_or(&0);
        out.truncate(len);
        result.map(|_| ())
    }

    /// Decodes a base64 body into `out` (cleared first, capacity kept) and
    /// parses it; the response borrows `out`.
    ///
    /// ```
    /// use getemms::transport::parse_base64;
    /// use getemms::{LicenseStatus, Options};
    ///
    /// let mut body = Vec::new();
    /// let response = parse_base64(b"AAACWAAAAAA=\n", &mut body, &Options::new())?;
    /// assert_eq!(response.license_status(), LicenseStatus::from(600));
    /// assert!(response.is_short());
    /// # Ok::<(), getemms::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`decode_base64`], then as [`Response::parse_with`].
    pub fn parse_base64<'b>(
        text: &[u8],
        out: &'b mut Vec<u8>,
        options: &Options,
    ) -> Result<Response<'b>, Error> {
        decode_base64(text, out)?;
        Response::parse_with(out, options)
    }

    /// Parses a complete body carried by `transport`: a raw body is parsed
    /// in place (the response borrows `body`, `scratch` is untouched), a
    /// base64 body is decoded into `scratch` (cleared first) and the
    /// response borrows that. [`Transport::Auto`] is decided by the first
    /// byte of `body`.
    ///
    /// # Errors
    /// As [`Response::parse_with`], and as [`decode_base64`] for base64.
    pub fn parse_body<'b>(
        body: &'b [u8],
        transport: Transport,
        scratch: &'b mut Vec<u8>,
        options: &Options,
    ) -> Result<Response<'b>, Error> {
        match transport.resolve(body) {
            Transport::Base64 => parse_base64(body, scratch, options),
            Transport::Raw | Transport::Auto => Response::parse_with(body, options),
        }
    }

    /// Appends `response` as one line of padded base64 to `out`.
    pub fn encode_base64(response: &Response<'_>, out: &mut Vec<u8>) {
        append_with(out, base64_len(response), |slot| {
            encode_base64_into(response, slot)
        });
    }

    /// Appends `response` as base64 wrapped at 76 columns (each line
    /// ending in `\n`) to `out`.
    ///
    /// ```
    /// use getemms::transport::encode_base64_wrapped;
    /// use getemms::{LicenseStatus, Response};
    ///
    /// let emm = [0u8; 100];
    /// let mut text = Vec::new();
    /// encode_base64_wrapped(&Response::new(LicenseStatus::from(1), 1, 2, &emm), &mut text);
    /// assert_eq!(text.len(), 152 + 2); // 112 bytes → 152 characters, 2 lines
    /// assert_eq!(text[76], b'\n');
    /// ```
    pub fn encode_base64_wrapped(response: &Response<'_>, out: &mut Vec<u8>) {
        append_with(out, wrapped_base64_len(response), |slot| {
            encode_base64_wrapped_into(response, slot)
        });
    }

    fn append_with(
        out: &mut Vec<u8>,
        len: usize,
        encode: impl FnOnce(&mut [u8]) -> Result<usize, Error>,
    ) {
        let start = out.len();
        out.resize(start.saturating_add(len), 0);
        let written = out.get_mut(start..).map_or(Ok(0), encode).unwrap_or(0);
        out.truncate(start.saturating_add(written));
    }

    /// The incremental [`Decoder`] over any [`Transport`].
    ///
    /// With [`Transport::Raw`] it is the raw decoder: the EMM comes back as
    /// sub-slices of the chunks fed. With [`Transport::Base64`] each chunk
    /// of text is decoded into a scratch buffer owned by the decoder, and
    /// the EMM comes back as sub-slices of that buffer, valid until the
    /// next call. That is why [`feed`](Self::feed) borrows `self` for as
    /// long as the [`Progress`] lives; callers of the raw path who want the
    /// slices tied to their chunk only use [`Decoder`] directly.
    ///
    /// The scratch buffer grows to `3/4` of the largest chunk fed, plus 3
    /// bytes, and is kept across [`reset`](Self::reset): memory is bounded
    /// by the chunk size, not the body.
    ///
    /// The header, the EMM and the errors are those of the one-shot parse of
    /// the decoded body (see [`Decoder`]), with one difference only a
    /// stream can have: when a chunk crosses `max_emm_len` before a later
    /// chunk brings an invalid character, the stream reports
    /// [`Error::EmmTooLong`] while [`parse_base64`] reports the
    /// [`Error::InvalidBase64`] it meets while decoding first.
    ///
    /// ```
    /// use getemms::transport::{Transport, TransportDecoder};
    /// use getemms::Options;
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

        /// Takes the next chunk of the body, as it came from the transport.
        ///
        /// # Errors
        /// As [`Decoder::feed`], plus [`Error::InvalidBase64`] for base64
        /// text. After any error the decoder is failed and returns it again.
        pub fn feed<'a>(&'a mut self, chunk: &'a [u8]) -> Result<Progress<'a>, Error> {
            self.feed_parts(chunk).map(|(progress, _)| progress)
        }

        /// [`feed`](Self::feed), also returning the header bytes received
        /// so far (for [`Collector`](crate::decoder::Collector)).
        pub(crate) fn feed_parts<'a>(
            &'a mut self,
            chunk: &'a [u8],
        ) -> Result<(Progress<'a>, &'a [u8]), Error> {
            let Self {
                decoder,
                transport,
                base64,
                scratch,
                ..
            } = self;
            decoder.check_receiving()?;
            if *transport == Transport::Auto {
                match chunk.first() {
                    Some(&first) => *transport = Transport::detect(first),
                    None => return Ok((Progress::default(), decoder.header_received())),
                }
            }
            let progress = match *transport {
                Transport::Base64 => {
                    let bound = base64.decoded_len_bound(chunk.len());
                    if scratch.len() < bound {
                        scratch.reserve_exact(bound - scratch.len());
                        scratch.resize(bound, 0);
                    }
                    let decoded_len = match base64.decode_chunk(chunk, scratch) {
                        Ok(len) => len,
                        Err(error) => return Err(decoder.fail(error)),
                    };
                    let scratch: &'a Vec<u8> = scratch;
                    decoder.feed(scratch.get(..decoded_len).unwrap_or(&[]))?
                }
                Transport::Raw | Transport::Auto => decoder.feed(chunk)?,
            };
            let decoder: &'a Decoder = decoder;
            Ok((progress, decoder.header_received()))
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
            self.decoder.check_receiving()?;
            match self.transport {
                Transport::Base64 => {
                    let tail = match self.base64.finish() {
                        Ok(tail) => tail,
                        Err(error) => return Err(self.decoder.fail(error)),
                    };
                    let progress = self.decoder.feed(tail)?;
                    let end = self.decoder.finish()?;
                    Ok(Finished {
                        header: progress.header.or(end.header),
                        emm: progress.emm,
                        emm_len: end.emm_len,
                    })
                }
                Transport::Raw | Transport::Auto => self.decoder.finish(),
            }
        }

        /// The transport in use: the configured one, or for
        /// [`Transport::Auto`] what the first byte decided (`Auto` until a
        /// byte came).
        #[must_use]
        pub const fn transport(&self) -> Transport {
            self.transport
        }

        /// The raw decoder underneath, for its state accessors
        /// ([`header`](Decoder::header), [`emm_len`](Decoder::emm_len),
        /// [`is_finished`](Decoder::is_finished), …).
        #[must_use]
        pub const fn decoder(&self) -> &Decoder {
            &self.decoder
        }

        /// Bytes the base64 scratch buffer holds room for (0 on the raw
        /// path): at most `3/4` of the largest chunk fed, plus 3.
        #[must_use]
        pub fn scratch_capacity(&self) -> usize {
            self.scratch.capacity()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // status 600, asset id 0: the short form a proxy sends when it refuses.
    static REJECTION_600: [u8; 8] = [
        0x00, 0x00, 0x02, 0x58, // license status = 600
        0x00, 0x00, 0x00, 0x00, // asset id = 0 (unknown)
    ];

    #[test]
    fn test_decode_padded_and_unpadded() {
        let mut out = [0u8; 8];
        for text in [
            &b"AAACWAAAAAA="[..],
            b"AAACWAAAAAA",
            b"AAAC\r\nWAAA\nAAA=\r\n  ",
        ] {
            assert_eq!(decode_base64_into(text, &mut out), Ok(8), "{text:?}");
            assert_eq!(out, REJECTION_600);
        }
    }

    #[test]
    fn test_encode() {
        let response = Response::parse(&REJECTION_600).unwrap();
        let mut text = [0u8; 13];
        assert_eq!(encode_base64_into(&response, &mut text), Ok(12));
        assert_eq!(&text[..12], b"AAACWAAAAAA=");
        assert_eq!(encode_base64_wrapped_into(&response, &mut text), Ok(13));
        assert_eq!(&text, b"AAACWAAAAAA=\n");
        assert_eq!(
            encode_base64_into(&response, &mut text[..11]),
            Err(Error::BufferTooSmall {
                needed: 12,
                available: 11
            })
        );
    }

    #[test]
    fn test_errors_name_offset_and_character() {
        let mut out = [0u8; 16];
        let cases: [(&[u8], Error); 7] = [
            (b"AAAC*AAA", invalid(4, b'*', EXPECTED_CHAR)),
            (b"AAAC WAAAAAA=", invalid(4, b' ', EXPECTED_NO_SPACE)),
            (b"AAACW===", invalid(5, b'=', EXPECTED_PAD_POSITION)),
            (b"AAACWA==A", invalid(8, b'A', EXPECTED_END)),
            (b"AAACWA===", invalid(8, b'=', EXPECTED_END)),
            (b"AAACWAAAAAB=", invalid(10, b'B', EXPECTED_CANONICAL)),
            (
                b"AAACW",
                Error::TruncatedBase64 {
                    offset: 5,
                    missing: 1,
                },
            ),
        ];
        for (text, error) in cases {
            assert_eq!(decode_base64_into(text, &mut out), Err(error), "{text:?}");
        }
        assert_eq!(
            decode_base64_into(b"AAACWA=", &mut out),
            Err(Error::TruncatedBase64 {
                offset: 7,
                missing: 1
            })
        );
    }

    #[test]
    fn test_buffer_too_small_reports_exact_need() {
        let mut out = [0u8; 7];
        assert_eq!(
            decode_base64_into(b"AAACWAAAAAA=", &mut out),
            Err(Error::BufferTooSmall {
                needed: 8,
                available: 7
            })
        );
    }

    #[test]
    fn test_transport_rules() {
        assert_eq!(Transport::Auto.resolve(&REJECTION_600), Transport::Raw);
        assert_eq!(Transport::Auto.resolve(b"AAACWAAAAAA="), Transport::Base64);
        assert_eq!(Transport::Auto.resolve(b""), Transport::Raw);
        assert_eq!(Transport::Raw.resolve(b"AAAA"), Transport::Raw);
        assert_eq!(Transport::Base64.resolve(&[0]), Transport::Base64);
    }
}
