//! [`EncodeStream`]: incremental body bytes → base64 text, sans-IO and
//! `no_std`, for a relay that transcodes a raw upstream body to base64 as
//! its chunks arrive.
//!
//! Each chunk is encoded in runs of whole 3-byte groups straight from the
//! input (one call to the `base64` crate per run: the whole chunk for
//! [`LineWrap::None`], at most a line's 57 bytes for [`LineWrap::Mime`], so
//! that a line break lands after every 76 characters). Only the 0–2 bytes
//! that do not fill a group are carried to the next chunk;
//! [`EncodeStream::finish`] writes them as the padded last group.

use ::base64::Engine;
use ::base64::engine::GeneralPurpose;
use ::base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

use super::LineWrap;
use crate::error::Error;
use crate::lifecycle::Lifecycle;

/// Characters per line of MIME base64.
const LINE_LEN: usize = 76;
/// Body bytes per line of MIME base64.
const LINE_BYTES: usize = LINE_LEN / 4 * 3;

/// Incremental body bytes → base64 text, sans-IO, `no_std`, no allocation.
///
/// Feed the body in chunks of any size to
/// [`encode_chunk`](Self::encode_chunk), which writes the text of every
/// whole 3-byte group so far into the caller's buffer, then call
/// [`finish`](Self::finish) for the padded last group (and, for
/// [`LineWrap::Mime`], the last line's `\n`). The text of any split of a
/// body is exactly the one-shot text of
/// [`Response::encode_base64_into`](crate::Response::encode_base64_into):
/// one padded line with no line break for [`LineWrap::None`]; lines of 76
/// characters, each (the last included) ending in `\n`, for
/// [`LineWrap::Mime`]; nothing at all for an empty body. At most 2 bytes are
/// carried between chunks.
///
/// With a fixed scratch buffer this transcodes a raw body without `alloc`:
///
/// ```
/// use getemms::base64::{EncodeStream, LineWrap};
///
/// // status 1, asset 12345, key 7, EMM CA FE
/// let body = [0, 0, 0, 1, 0, 0, 0x30, 0x39, 0, 0, 0, 7, 0xCA, 0xFE];
/// let mut stream = EncodeStream::new(LineWrap::Mime);
/// let mut text = [0u8; 32];
/// let mut len = 0;
/// for chunk in body.chunks(5) {
///     let spare = &mut text[len..];
///     assert!(spare.len() >= stream.encoded_len_bound(chunk.len()));
///     len += stream.encode_chunk(chunk, spare)?;
/// }
/// len += stream.finish(&mut text[len..])?;
/// assert_eq!(&text[..len], b"AAAAAQAAMDkAAAAHyv4=\n");
/// assert_eq!(stream.input_len(), 14);
/// # Ok::<(), getemms::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EncodeStream {
    wrap: LineWrap,
    /// The bytes of the current group that came so far (`carry_len` of them).
    carry: [u8; 2],
    carry_len: usize,
    /// Characters written on the current line (a multiple of 4, below 76;
    /// always 0 for [`LineWrap::None`]).
    column: usize,
    /// Input bytes taken so far.
    taken: usize,
    state: Lifecycle,
}

/// Where a call writes: the caller's buffer, how much of it is used, and
/// the column of the current line.
struct Output<'o> {
    out: &'o mut [u8],
    written: usize,
    wrap: LineWrap,
    column: usize,
    /// The error to return should the buffer run out (the calls check the
    /// buffer's length up front, so it does not).
    too_small: Error,
}

impl Output<'_> {
    /// Encodes `bytes` with `engine` after what is written, and ends the
    /// line once it has 76 characters.
    fn put(&mut self, bytes: &[u8], engine: &GeneralPurpose) -> Result<(), Error> {
        let spare = self.out.get_mut(self.written..).unwrap_or(&mut []);
        let chars = engine
            .encode_slice(bytes, spare)
            .map_err(|_| self.too_small)?;
        self.written += chars;
        if self.wrap == LineWrap::Mime {
            self.column += chars;
            if self.column == LINE_LEN {
                self.line_break()?;
            }
        }
        Ok(())
    }

    /// Writes `\n` and starts a new line.
    fn line_break(&mut self) -> Result<(), Error> {
        *self.out.get_mut(self.written).ok_or(self.too_small)? = b'\n';
        self.written += 1;
        self.column = 0;
        Ok(())
    }
}

impl EncodeStream {
    /// Most bytes [`finish`](Self::finish) can write: a padded 4-character
    /// group and a line break.
    pub const FINISH_BOUND: usize = 5;

    /// A stream at the start of a body, laying its text out as `wrap` says.
    #[must_use]
    pub const fn new(wrap: LineWrap) -> Self {
        Self {
            wrap,
            carry: [0; 2],
            carry_len: 0,
            column: 0,
            taken: 0,
            state: Lifecycle::Open,
        }
    }

    /// The number of bytes the next [`encode_chunk`](Self::encode_chunk) of
    /// `input_len` bytes writes (the carried bytes and the line breaks
    /// included): 4 characters per whole 3-byte group of the carry and the
    /// chunk, and a `\n` for each line they complete. It is exact, so it is
    /// also the least `out` can be (`usize::MAX` if that would overflow,
    /// which no buffer can hold).
    #[inline]
    #[must_use]
    pub const fn encoded_len_bound(&self, input_len: usize) -> usize {
        let groups = self.carry_len.saturating_add(input_len) / 3;
        let chars = groups.saturating_mul(4);
        match self.wrap {
            LineWrap::None => chars,
            LineWrap::Mime => chars.saturating_add(self.column.saturating_add(chars) / LINE_LEN),
        }
    }

    /// The number of bytes [`finish`](Self::finish) writes now: the padded
    /// group of the carried bytes (4 characters, or none without any), and
    /// for [`LineWrap::Mime`] the `\n` of an unfinished last line. At most
    /// [`FINISH_BOUND`](Self::FINISH_BOUND).
    #[inline]
    #[must_use]
    pub const fn finish_len_bound(&self) -> usize {
        let chars = if self.carry_len > 0 { 4 } else { 0 };
        match self.wrap {
            LineWrap::None => chars,
            LineWrap::Mime => chars + (self.column + chars).div_ceil(LINE_LEN),
        }
    }

    /// Input bytes taken so far (the carried ones included).
    #[inline]
    #[must_use]
    pub const fn input_len(&self) -> usize {
        self.taken
    }

    /// Encodes the next chunk of the body into the front of `out` and
    /// returns the number of bytes written: the text of every whole 3-byte
    /// group of the carried bytes and the chunk, with a `\n` after every 76
    /// characters for [`LineWrap::Mime`]. The 0–2 bytes left over are
    /// carried to the next call.
    ///
    /// # Errors
    /// - [`Error::BufferTooSmall`] when `out` is shorter than
    ///   [`encoded_len_bound`](Self::encoded_len_bound)`(input.len())`.
    ///   Nothing is written nor taken then: the stream is as before, and the
    ///   call can be made again with a larger buffer.
    /// - [`Error::AlreadyFinished`] after [`finish`](Self::finish), at the
    ///   number of bytes taken.
    pub fn encode_chunk(&mut self, input: &[u8], out: &mut [u8]) -> Result<usize, Error> {
        self.check_open()?;
        let needed = self.encoded_len_bound(input.len());
        let too_small = Error::BufferTooSmall {
            needed,
            available: out.len(),
        };
        if out.len() < needed {
            return Err(too_small);
        }
        let carry_len = self.carry_len;
        // The bytes that complete the carried group (none without a carry).
        let fill_len = (3 - carry_len) % 3;
        let Some((fill, rest)) = input.split_at_checked(fill_len) else {
            // Too few to complete it: they join the carry.
            if let Some(slot) = self.carry.get_mut(carry_len..carry_len + input.len()) {
                slot.copy_from_slice(input);
            }
            self.carry_len += input.len();
            self.taken = self.taken.saturating_add(input.len());
            return Ok(0);
        };
        let mut output = Output {
            out,
            written: 0,
            wrap: self.wrap,
            column: self.column,
            too_small,
        };
        let [c0, c1] = self.carry;
        let mut group = [c0, c1, 0];
        let group_len = carry_len + fill_len;
        if let Some(slot) = group.get_mut(carry_len..group_len) {
            slot.copy_from_slice(fill);
        }
        output.put(group.get(..group_len).unwrap_or(&[]), &STANDARD_NO_PAD)?;
        let whole = rest.len() / 3 * 3;
        let (groups, rest) = rest.split_at_checked(whole).unwrap_or((rest, &[]));
        match self.wrap {
            LineWrap::None => output.put(groups, &STANDARD_NO_PAD)?,
            LineWrap::Mime => {
                // Up to the end of the current line, then a line at a time.
                let room = (LINE_LEN - output.column) / 4 * 3;
                let (first, lines) = groups.split_at_checked(room).unwrap_or((groups, &[]));
                output.put(first, &STANDARD_NO_PAD)?;
                for line in lines.chunks(LINE_BYTES) {
                    output.put(line, &STANDARD_NO_PAD)?;
                }
            }
        }
        let mut carry = [0; 2];
        if let Some(slot) = carry.get_mut(..rest.len()) {
            slot.copy_from_slice(rest);
        }
        self.carry = carry;
        self.carry_len = rest.len();
        self.column = output.column;
        self.taken = self.taken.saturating_add(input.len());
        Ok(output.written)
    }

    /// Ends the text into the front of `out` and returns the number of
    /// bytes written: the carried 0–2 bytes as a padded group, then, for
    /// [`LineWrap::Mime`], the `\n` that ends the last line (none when the
    /// text is empty or its last line already ended).
    ///
    /// # Errors
    /// - [`Error::BufferTooSmall`] when `out` is shorter than
    ///   [`finish_len_bound`](Self::finish_len_bound) (never with
    ///   [`FINISH_BOUND`](Self::FINISH_BOUND) bytes); the stream is as
    ///   before then.
    /// - [`Error::AlreadyFinished`] when called twice.
    pub fn finish(&mut self, out: &mut [u8]) -> Result<usize, Error> {
        self.check_open()?;
        let needed = self.finish_len_bound();
        let too_small = Error::BufferTooSmall {
            needed,
            available: out.len(),
        };
        if out.len() < needed {
            return Err(too_small);
        }
        let mut output = Output {
            out,
            written: 0,
            wrap: self.wrap,
            column: self.column,
            too_small,
        };
        // Encoding no bytes writes nothing.
        output.put(self.carry.get(..self.carry_len).unwrap_or(&[]), &STANDARD)?;
        if output.column > 0 {
            output.line_break()?;
        }
        self.carry_len = 0;
        self.column = 0;
        self.state = Lifecycle::Finished;
        Ok(output.written)
    }

    /// Whether [`finish`](Self::finish) has succeeded.
    #[inline]
    #[must_use]
    pub const fn is_finished(&self) -> bool {
        self.state.is_finished()
    }

    const fn check_open(&self) -> Result<(), Error> {
        self.state.check_open(self.taken)
    }
}

#[cfg(test)]
mod tests {
    use super::super::encode::encode_into;
    use super::*;

    const WRAPS: [LineWrap; 2] = [LineWrap::None, LineWrap::Mime];

    /// Status 1, asset 12345, key 7, EMM CA FE.
    const FIXTURE: [u8; 14] = [0, 0, 0, 1, 0, 0, 0x30, 0x39, 0, 0, 0, 7, 0xCA, 0xFE];

    /// A body of `len` bytes that are not all alike.
    fn body<const N: usize>() -> [u8; N] {
        let mut bytes = [0u8; N];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = (i as u8).wrapping_mul(37).wrapping_add(11);
        }
        bytes
    }

    /// The one-shot text of `body`, into `out`; returns its length.
    fn reference(body: &[u8], wrap: LineWrap, out: &mut [u8]) -> usize {
        encode_into(body, &[], wrap, out).unwrap()
    }

    /// Streams `body` cut at `cuts` (ascending) into `out`, checking the
    /// bounds against what each call writes; returns the text's length.
    fn stream(body: &[u8], cuts: &[usize], wrap: LineWrap, out: &mut [u8]) -> usize {
        let mut stream = EncodeStream::new(wrap);
        let mut written = 0;
        let mut start = 0;
        for &end in cuts.iter().chain([body.len()].iter()) {
            let chunk = &body[start..end];
            let bound = stream.encoded_len_bound(chunk.len());
            let n = stream.encode_chunk(chunk, &mut out[written..]).unwrap();
            assert_eq!(n, bound, "the bound is exact: {cuts:?} {wrap:?}");
            written += n;
            start = end;
            assert_eq!(stream.input_len(), end);
        }
        let bound = stream.finish_len_bound();
        assert!(bound <= EncodeStream::FINISH_BOUND);
        let n = stream.finish(&mut out[written..]).unwrap();
        assert_eq!(n, bound, "the finish bound is exact: {cuts:?} {wrap:?}");
        assert!(stream.is_finished());
        written + n
    }

    #[test]
    fn test_fixture_spelled_out() {
        let mut out = [0u8; 32];
        for size in 1..=FIXTURE.len() {
            let cuts: [usize; 14] = core::array::from_fn(|i| ((i + 1) * size).min(FIXTURE.len()));
            let n = stream(&FIXTURE, &cuts, LineWrap::None, &mut out);
            assert_eq!(&out[..n], b"AAAAAQAAMDkAAAAHyv4=", "chunks of {size}");
            let n = stream(&FIXTURE, &cuts, LineWrap::Mime, &mut out);
            assert_eq!(&out[..n], b"AAAAAQAAMDkAAAAHyv4=\n", "chunks of {size}");
        }
    }

    #[test]
    fn test_step_by_step_carry_and_counts() {
        let mut stream = EncodeStream::new(LineWrap::None);
        let mut out = [0u8; 32];
        assert_eq!(stream.encoded_len_bound(0), 0);
        assert_eq!(stream.encoded_len_bound(2), 0);
        assert_eq!(stream.encoded_len_bound(3), 4);
        assert_eq!(stream.finish_len_bound(), 0);
        // Two bytes: carried, nothing written.
        assert_eq!(stream.encode_chunk(&FIXTURE[..2], &mut []), Ok(0));
        assert_eq!(stream.input_len(), 2);
        assert_eq!(stream.finish_len_bound(), 4);
        assert_eq!(stream.encoded_len_bound(0), 0);
        assert_eq!(stream.encoded_len_bound(1), 4);
        assert_eq!(stream.encoded_len_bound(4), 8);
        // One more completes the group: "AAAA".
        assert_eq!(stream.encode_chunk(&FIXTURE[2..3], &mut out), Ok(4));
        assert_eq!(&out[..4], b"AAAA");
        assert_eq!(stream.finish_len_bound(), 0);
        // One byte carried, then 10 more: the carried group and 2 more.
        assert_eq!(stream.encode_chunk(&FIXTURE[3..4], &mut out), Ok(0));
        assert_eq!(stream.encode_chunk(&FIXTURE[4..14], &mut out), Ok(12));
        assert_eq!(&out[..12], b"AQAAMDkAAAAH");
        assert_eq!(stream.input_len(), 14);
        assert_eq!(stream.finish_len_bound(), 4);
        assert_eq!(stream.finish(&mut out), Ok(4));
        assert_eq!(&out[..4], b"yv4=");
    }

    #[test]
    fn test_empty_and_exact_lines() {
        let mut out = [0u8; 256];
        for wrap in WRAPS {
            // An empty body is an empty text, in both layouts.
            let mut stream = EncodeStream::new(wrap);
            assert_eq!(stream.encode_chunk(&[], &mut []), Ok(0));
            assert_eq!(stream.finish_len_bound(), 0);
            assert_eq!(stream.finish(&mut []), Ok(0));
        }
        // 57 bytes are one whole line: its `\n` comes with the chunk, and
        // finish has nothing left to write.
        let bytes = body::<114>();
        let mut stream = EncodeStream::new(LineWrap::Mime);
        assert_eq!(stream.encoded_len_bound(57), 77);
        assert_eq!(stream.encode_chunk(&bytes[..57], &mut out), Ok(77));
        assert_eq!(out[76], b'\n');
        assert_eq!(stream.finish_len_bound(), 0);
        assert_eq!(stream.encoded_len_bound(57), 77);
        assert_eq!(stream.encode_chunk(&bytes[57..], &mut out[77..]), Ok(77));
        assert_eq!(stream.finish(&mut []), Ok(0));
        let mut expected = [0u8; 256];
        assert_eq!(reference(&bytes, LineWrap::Mime, &mut expected), 154);
        assert_eq!(out[..154], expected[..154]);
        // The same without wrapping: one line, no break.
        let mut stream = EncodeStream::new(LineWrap::None);
        assert_eq!(stream.encoded_len_bound(114), 152);
        assert_eq!(stream.encode_chunk(&bytes, &mut out), Ok(152));
        assert_eq!(stream.finish(&mut []), Ok(0));
        assert_eq!(reference(&bytes, LineWrap::None, &mut expected), 152);
        assert_eq!(out[..152], expected[..152]);
        assert!(!out[..152].contains(&b'\n'));
    }

    /// A line that ends with the padded last group (55 bytes: 18 groups
    /// and one byte, 76 characters) gets one `\n` from finish, not two.
    #[test]
    fn test_padded_group_that_fills_the_last_line() {
        let bytes = body::<112>();
        let mut out = [0u8; 256];
        let mut stream = EncodeStream::new(LineWrap::Mime);
        assert_eq!(stream.encode_chunk(&bytes, &mut out), Ok(77 + 72));
        assert_eq!(stream.finish_len_bound(), 5);
        assert_eq!(stream.finish(&mut out[149..]), Ok(5));
        assert_eq!(&out[149 + 2..154], b"==\n");
        let mut expected = [0u8; 256];
        assert_eq!(reference(&bytes, LineWrap::Mime, &mut expected), 154);
        assert_eq!(out[..154], expected[..154]);
    }

    /// Every split point of 2-line MIME texts (and of the same bodies
    /// unwrapped), with one cut and with two.
    #[test]
    fn test_every_split_of_two_lines() {
        let bytes = body::<116>();
        let mut expected = [0u8; 256];
        let mut out = [0u8; 256];
        for len in [100, 112, 113, 114, 116] {
            let body = &bytes[..len];
            for wrap in WRAPS {
                let n = reference(body, wrap, &mut expected);
                for first in 0..=len {
                    for second in first..=len {
                        out.fill(0);
                        assert_eq!(stream(body, &[first, second], wrap, &mut out), n);
                        assert_eq!(out[..n], expected[..n], "{len} {first} {second} {wrap:?}");
                    }
                }
            }
        }
    }

    /// Every body length up to three lines, in chunks of every size.
    #[test]
    fn test_every_split_of_every_length() {
        let bytes = body::<180>();
        let mut expected = [0u8; 256];
        let mut out = [0u8; 256];
        let mut cuts = [0usize; 180];
        for len in 0..=bytes.len() {
            let body = &bytes[..len];
            for wrap in WRAPS {
                let n = reference(body, wrap, &mut expected);
                for size in 1..=len.max(1) {
                    let count = len / size;
                    for (i, cut) in cuts[..count].iter_mut().enumerate() {
                        *cut = (i + 1) * size;
                    }
                    assert_eq!(stream(body, &cuts[..count], wrap, &mut out), n);
                    assert_eq!(out[..n], expected[..n], "{len} by {size} {wrap:?}");
                }
            }
        }
    }

    /// A buffer one byte short is refused up front, naming both lengths, and
    /// the stream goes on as if the call had not been made.
    #[test]
    fn test_buffer_too_small_changes_nothing() {
        let bytes = body::<60>();
        for wrap in WRAPS {
            let mut stream = EncodeStream::new(wrap);
            let mut out = [0u8; 128];
            assert_eq!(stream.encode_chunk(&bytes[..1], &mut out), Ok(0));
            let before = stream.clone();
            // 1 carried + 56: 19 groups, 76 characters (and a `\n` for Mime).
            let needed = if wrap == LineWrap::Mime { 77 } else { 76 };
            assert_eq!(stream.encoded_len_bound(56), needed);
            out.fill(b'#');
            assert_eq!(
                stream.encode_chunk(&bytes[1..57], &mut out[..needed - 1]),
                Err(Error::BufferTooSmall {
                    needed,
                    available: needed - 1
                })
            );
            assert_eq!(stream, before);
            assert!(out.iter().all(|&b| b == b'#'), "nothing written");
            // The exact length is enough.
            assert_eq!(
                stream.encode_chunk(&bytes[1..57], &mut out[..needed]),
                Ok(needed)
            );
            assert_eq!(stream.encode_chunk(&bytes[57..59], &mut out), Ok(0));
            let before = stream.clone();
            let needed = stream.finish_len_bound();
            assert_eq!(needed, if wrap == LineWrap::Mime { 5 } else { 4 });
            assert_eq!(
                stream.finish(&mut out[..needed - 1]),
                Err(Error::BufferTooSmall {
                    needed,
                    available: needed - 1
                })
            );
            assert_eq!(stream, before);
            assert!(!stream.is_finished());
            assert_eq!(stream.finish(&mut out[..needed]), Ok(needed));
            let mut expected = [0u8; 128];
            let n = reference(&bytes[..59], wrap, &mut expected);
            assert_eq!(out[..needed], expected[n - needed..n]);
        }
    }

    #[test]
    fn test_misuse_after_finish() {
        let mut stream = EncodeStream::new(LineWrap::Mime);
        let mut out = [0u8; 32];
        assert!(!stream.is_finished());
        assert_eq!(stream.encode_chunk(&FIXTURE, &mut out), Ok(16));
        assert_eq!(stream.finish(&mut out), Ok(5));
        assert!(stream.is_finished());
        let misuse = Err(Error::AlreadyFinished { offset: 14 });
        assert_eq!(stream.encode_chunk(&FIXTURE, &mut out), misuse);
        assert_eq!(stream.encode_chunk(&[], &mut out), misuse);
        assert_eq!(stream.finish(&mut out), misuse);
        assert_eq!(stream.input_len(), 14);
        assert!(stream.is_finished());
        // Nothing is left for a finish.
        assert_eq!(stream.finish_len_bound(), 0);
    }

    /// The bounds saturate instead of overflowing, and so refuse any buffer.
    #[test]
    fn test_bounds_saturate() {
        for wrap in WRAPS {
            let mut stream = EncodeStream::new(wrap);
            assert_eq!(stream.encoded_len_bound(usize::MAX), usize::MAX);
            assert_eq!(stream.encode_chunk(&FIXTURE[..1], &mut []), Ok(0));
            assert_eq!(stream.encoded_len_bound(usize::MAX), usize::MAX);
            // Large but representable: the carried byte counts.
            let chars = (1 + usize::MAX / 4) / 3 * 4;
            let breaks = if wrap == LineWrap::Mime {
                chars / 76
            } else {
                0
            };
            assert_eq!(stream.encoded_len_bound(usize::MAX / 4), chars + breaks);
        }
    }
}
