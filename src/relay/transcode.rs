//! [`Transcoder`]: a relayed body into the other transport, chunk by
//! chunk, with bounded carry and one pass over the bytes.

use crate::base64::{Base64Stream, EncodeStream, encoded_len};
use crate::decoder::Transport;
use crate::encoding::Encoding;
use crate::error::Error;

/// What a transcoder does.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Direction {
    /// Nothing: the body is sent in the transport it came in.
    Same,
    /// Raw bytes → base64 text; at most 2 bytes carried.
    ToBase64(EncodeStream),
    /// Base64 text → raw bytes; at most 3 characters carried.
    ToRaw(Base64Stream),
}

/// Turns a relayed body from the transport it came in into the encoding a
/// client asked for, chunk by chunk: raw to base64 (laid out by a
/// [`LineWrap`](crate::base64::LineWrap), as `Response::encode_base64` (`alloc`)
/// writes it) or base64 to raw (as [`Response::encode_into`](crate::Response::encode_into)
/// writes it). Feed it what the [`Relay`](super::Relay) gives to forward,
/// in order; `no_std`, no allocation: it writes into the caller's buffer.
///
/// A base64 body sent to a base64 client is not transcoded, whatever its
/// layout: its text goes on as it came.
///
/// ```
/// use getemms::base64::LineWrap;
/// use getemms::relay::Transcoder;
/// use getemms::{Encoding, Transport};
///
/// // status 1, asset 12345, key 7, EMM CA FE, raw, in two chunks
/// let body = [0, 0, 0, 1, 0, 0, 0x30, 0x39, 0, 0, 0, 7, 0xCA, 0xFE];
/// let mut transcoder = Transcoder::new(Transport::Raw, Encoding::Base64(LineWrap::None));
/// let mut text = [0u8; 32];
/// let mut len = 0;
/// for chunk in body.chunks(5) {
///     len += transcoder.transcode(chunk, &mut text[len..])?;
/// }
/// len += transcoder.finish(&mut text[len..])?;
/// assert_eq!(&text[..len], b"AAAAAQAAMDkAAAAHyv4=");
/// # Ok::<(), getemms::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Transcoder {
    direction: Direction,
}

impl Transcoder {
    /// A transcoder from a body carried as `from` (a decided transport:
    /// [`Transport::Auto`] is taken as raw, as for an empty body) to one
    /// sent as `to`.
    #[must_use]
    pub const fn new(from: Transport, to: Encoding) -> Self {
        let direction = match (from, to) {
            (Transport::Base64, Encoding::Raw) => Direction::ToRaw(Base64Stream::new()),
            (Transport::Raw | Transport::Auto, Encoding::Base64(wrap)) => {
                Direction::ToBase64(EncodeStream::new(wrap))
            }
            _ => Direction::Same,
        };
        Self { direction }
    }

    /// Whether the body goes on as it came (no transcoding).
    #[must_use]
    pub const fn is_identity(&self) -> bool {
        matches!(self.direction, Direction::Same)
    }

    /// The transcoded length of a whole body of `len` bytes as it came, when
    /// it can be known without reading it: the same length, or its base64
    /// length; `None` for base64 to raw (line breaks and padding are only
    /// known by reading the text).
    #[must_use]
    pub fn output_len(from: Transport, to: Encoding, len: u64) -> Option<u64> {
        match (from, to) {
            (Transport::Base64, Encoding::Raw) => None,
            (Transport::Raw | Transport::Auto, Encoding::Base64(wrap)) => {
                let chars = encoded_len(usize::try_from(len).ok()?, wrap);
                u64::try_from(chars).ok().filter(|_| chars != usize::MAX)
            }
            _ => Some(len),
        }
    }

    /// The most bytes the next [`transcode`](Self::transcode) of
    /// `input_len` bytes writes.
    #[must_use]
    pub const fn output_bound(&self, input_len: usize) -> usize {
        match &self.direction {
            Direction::Same => input_len,
            Direction::ToBase64(stream) => stream.encoded_len_bound(input_len),
            // `decoded_len_bound` counts whole groups; a group of the
            // carry closed by padding in this chunk is among them.
            Direction::ToRaw(stream) => stream.decoded_len_bound(input_len),
        }
    }

    /// The most bytes [`finish`](Self::finish) writes (at most 5).
    #[must_use]
    pub const fn finish_bound(&self) -> usize {
        match &self.direction {
            Direction::Same => 0,
            Direction::ToBase64(stream) => stream.finish_len_bound(),
            Direction::ToRaw(_) => 2,
        }
    }

    /// Transcodes the next piece of the body into the front of `out` and
    /// returns the bytes written (a copy for [`is_identity`](Self::is_identity)).
    ///
    /// # Errors
    /// - [`Error::BufferTooSmall`] when `out` is shorter than
    ///   [`output_bound`](Self::output_bound)`(input.len())`.
    /// - Base64 to raw: [`Error::InvalidBase64`] as the decoders report it
    ///   (the offset is in the text), and the error again after that.
    /// - [`Error::AlreadyFinished`] after [`finish`](Self::finish).
    pub fn transcode(&mut self, input: &[u8], out: &mut [u8]) -> Result<usize, Error> {
        match &mut self.direction {
            Direction::Same => {
                let too_small = Error::BufferTooSmall {
                    needed: input.len(),
                    available: out.len(),
                };
                let slot = out.get_mut(..input.len()).ok_or(too_small)?;
                slot.copy_from_slice(input);
                Ok(input.len())
            }
            Direction::ToBase64(stream) => stream.encode_chunk(input, out),
            Direction::ToRaw(stream) => stream.decode_chunk(input, out),
        }
    }

    /// Ends the body: writes the last 0–5 bytes (a padded base64 group and
    /// the MIME line break, or the last 1–2 bytes of an unpadded text) and
    /// returns how many.
    ///
    /// # Errors
    /// - [`Error::BufferTooSmall`] when `out` is shorter than
    ///   [`finish_bound`](Self::finish_bound).
    /// - Base64 to raw: [`Error::TruncatedBase64`] and [`Error::InvalidBase64`]
    ///   as [`Base64Stream::finish`] reports them.
    /// - [`Error::AlreadyFinished`] when called twice.
    pub fn finish(&mut self, out: &mut [u8]) -> Result<usize, Error> {
        match &mut self.direction {
            Direction::Same => Ok(0),
            Direction::ToBase64(stream) => stream.finish(out),
            Direction::ToRaw(stream) => {
                let too_small = Error::BufferTooSmall {
                    needed: 2,
                    available: out.len(),
                };
                let Some(slot) = out.get_mut(..2) else {
                    return Err(too_small);
                };
                let tail = stream.finish()?;
                let len = tail.len();
                if let Some(front) = slot.get_mut(..len) {
                    front.copy_from_slice(tail);
                }
                Ok(len)
            }
        }
    }
}
