//! [`Base64Stream`]: incremental base64 text → body bytes, sans-IO and
//! `no_std`.
//!
//! The text is read one *step* at a time: a run of whole groups decoded
//! straight from the text ([`Base64Stream::decode_run`], the fast path a
//! one-line body takes in one call), a data character carried into the
//! current group ([`Base64Stream::push_char`]), `=` padding
//! ([`Base64Stream::push_padding`]), a line break, or trailing whitespace
//! ([`Base64Stream::note_space`]).

use ::base64::engine::general_purpose::STANDARD_NO_PAD;
use ::base64::{DecodeError, DecodeSliceError, Engine};

use super::is_alphabet;
use crate::error::{Error, ExpectedBase64};
use crate::lifecycle::Lifecycle;

use ExpectedBase64::{
    CanonicalLastCharacter as EXPECTED_CANONICAL, Character as EXPECTED_CHAR,
    EndAfterPadding as EXPECTED_END, NoSpaceInside as EXPECTED_NO_SPACE,
    PaddingPosition as EXPECTED_PAD_POSITION,
};

/// Incremental base64 text → body bytes, sans-IO and `no_std`.
///
/// Feed text in chunks of any size (a chunk may end inside a 4-character
/// group or between `\r` and `\n`) to [`decode_chunk`](Self::decode_chunk),
/// which writes the bytes it can decode so far into the caller's buffer;
/// [`finish`](Self::finish) returns the last 0–2 bytes, which an unpadded
/// text only settles at its end. At most 3 characters are carried between
/// chunks. See the [module docs](crate::base64) for what text is accepted.
///
/// Combined with the raw [`Decoder`](crate::decoder::Decoder) and a
/// caller's scratch buffer this gives a streaming base64 decoder without
/// `alloc`:
///
/// ```
/// use getemms::base64::Base64Stream;
/// use getemms::decoder::Decoder;
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
    state: Lifecycle,
}

/// Where a step writes: the caller's buffer and how much of it is used.
struct Output<'o> {
    out: &'o mut [u8],
    written: usize,
}

impl Output<'_> {
    /// The unused rest of the buffer.
    fn spare(&mut self) -> &mut [u8] {
        self.out.get_mut(self.written..).unwrap_or(&mut [])
    }
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
            state: Lifecycle::Open,
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
        let mut output = Output { out, written: 0 };
        match self.decode_steps(text, &mut output) {
            Ok(()) => {
                self.offset = self.offset.saturating_add(text.len());
                Ok(output.written)
            }
            Err(error) => {
                self.state = Lifecycle::Failed(error);
                Err(error)
            }
        }
    }

    /// Reads `text` step by step; `self.offset` is where it starts.
    fn decode_steps(&mut self, text: &[u8], output: &mut Output<'_>) -> Result<(), Error> {
        let mut rest = text;
        while let Some((&byte, after)) = rest.split_first() {
            let offset = self.offset + (text.len() - rest.len());
            match byte {
                _ if is_alphabet(byte) => {
                    self.check_data_allowed(offset, byte)?;
                    if self.group_len == 0 {
                        let taken = self.decode_run(rest, offset, output)?;
                        if let Some(remaining) = rest.get(taken..).filter(|_| taken > 0) {
                            rest = remaining;
                            continue;
                        }
                    }
                    self.push_char(byte, offset, output)?;
                }
                b'=' => self.push_padding(offset, output)?,
                b'\r' | b'\n' => self.space = None,
                b' ' | b'\t' => self.note_space(offset, byte),
                _ => return Err(invalid(offset, byte, EXPECTED_CHAR)),
            }
            rest = after;
        }
        Ok(())
    }

    /// A data character may come: no padding before it, and no space
    /// earlier on its line.
    fn check_data_allowed(&self, offset: usize, byte: u8) -> Result<(), Error> {
        if self.padding > 0 {
            return Err(invalid(offset, byte, EXPECTED_END));
        }
        if let Some((space_offset, space)) = self.space {
            return Err(invalid(space_offset, space, EXPECTED_NO_SPACE));
        }
        Ok(())
    }

    /// The fast path, at a group boundary: decodes the whole groups of the
    /// run of alphabet characters that starts `rest` straight from the text,
    /// and returns how many text bytes it took (0 when the run is shorter
    /// than a group).
    ///
    /// It first tries every whole group left, letting the codec validate as
    /// it goes (a one-line body decodes in one call); the codec reports the
    /// first byte outside the alphabet, which ends the run. Anything else
    /// (padding, a short output) falls back to finding the run by scanning.
    fn decode_run(
        &mut self,
        rest: &[u8],
        offset: usize,
        output: &mut Output<'_>,
    ) -> Result<usize, Error> {
        let mut all_groups = rest.len() / 4 * 4;
        // A padded last group is the codec's `InvalidPadding` in no-pad
        // mode: leave it to the per-character path.
        if rest
            .get(..all_groups)
            .and_then(<[u8]>::last_chunk::<4>)
            .is_some_and(|group| group.contains(&b'='))
        {
            all_groups -= 4;
        }
        let mut known_run = None;
        if let Some(groups) = rest.get(..all_groups).filter(|g| !g.is_empty()) {
            match STANDARD_NO_PAD.decode_slice(groups, output.spare()) {
                Ok(decoded) => {
                    output.written += decoded;
                    self.last_char_offset = offset + all_groups - 1;
                    return Ok(all_groups);
                }
                // `rest[..index]` is all alphabet: the run.
                Err(DecodeSliceError::DecodeError(DecodeError::InvalidByte(index, _))) => {
                    known_run = Some(index);
                }
                Err(_) => {}
            }
        }
        let run = known_run.unwrap_or_else(|| {
            rest.iter()
                .position(|&b| !is_alphabet(b))
                .unwrap_or(rest.len())
        });
        let whole = run / 4 * 4;
        let Some(groups) = rest.get(..whole).filter(|g| !g.is_empty()) else {
            return Ok(0);
        };
        let last = offset + whole - 1;
        let (written, out_len) = (output.written, output.out.len());
        output.written += STANDARD_NO_PAD
            .decode_slice(groups, output.spare())
            .map_err(|e| engine_error(e, offset, last, written, out_len))?;
        self.last_char_offset = last;
        Ok(whole)
    }

    /// Carries one data character into the current group, decoding the
    /// group once it has 4.
    fn push_char(&mut self, byte: u8, offset: usize, output: &mut Output<'_>) -> Result<(), Error> {
        if let Some(slot) = self.group.get_mut(self.group_len) {
            *slot = byte;
        }
        self.group_len += 1;
        self.last_char_offset = offset;
        if self.group_len == 4 {
            self.decode_group(output)?;
        }
        Ok(())
    }

    /// Takes one `=`: it may only pad the 3rd and 4th characters of the
    /// last group, and completes it.
    fn push_padding(&mut self, offset: usize, output: &mut Output<'_>) -> Result<(), Error> {
        if let Some((space_offset, space)) = self.space {
            return Err(invalid(space_offset, space, EXPECTED_NO_SPACE));
        }
        if self.closed {
            return Err(invalid(offset, b'=', EXPECTED_END));
        }
        if self.group_len < 2 {
            return Err(invalid(offset, b'=', EXPECTED_PAD_POSITION));
        }
        self.padding += 1;
        if self.group_len + self.padding == 4 {
            self.decode_group(output)?;
            self.closed = true;
        }
        Ok(())
    }

    /// Remembers the first space or tab of a line: it is only allowed if
    /// nothing but whitespace follows on that line.
    fn note_space(&mut self, offset: usize, byte: u8) {
        if self.space.is_none() {
            self.space = Some((offset, byte));
        }
    }

    /// Decodes the carried group (4 characters, or 2–3 closed by padding or
    /// by the end of the text) into the output; empties the group.
    fn decode_group(&mut self, output: &mut Output<'_>) -> Result<(), Error> {
        let group = self.group.get(..self.group_len).unwrap_or(&[]);
        let (written, out_len) = (output.written, output.out.len());
        let last = self.last_char_offset;
        output.written += STANDARD_NO_PAD
            .decode_slice(group, output.spare())
            .map_err(|e| engine_error(e, last, last, written, out_len))?;
        self.group_len = 0;
        Ok(())
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
                _ => {
                    let mut output = Output {
                        out: &mut tail,
                        written: 0,
                    };
                    self.decode_group(&mut output).map(|()| output.written)
                }
            }
        };
        match result {
            Ok(len) => {
                self.tail = tail;
                self.tail_len = len;
                self.state = Lifecycle::Finished;
                Ok(self.tail.get(..self.tail_len).unwrap_or(&[]))
            }
            Err(error) => {
                self.state = Lifecycle::Failed(error);
                Err(error)
            }
        }
    }

    /// Whether [`finish`](Self::finish) has succeeded.
    #[inline]
    #[must_use]
    pub const fn is_finished(&self) -> bool {
        self.state.is_finished()
    }

    /// The error the stream failed with, if it has.
    #[inline]
    #[must_use]
    pub const fn error(&self) -> Option<Error> {
        self.state.error()
    }

    const fn check_open(&self) -> Result<(), Error> {
        self.state.check_open(self.offset)
    }
}

const fn invalid(offset: usize, byte: u8, expected: ExpectedBase64) -> Error {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes a whole text with one stream, for the error tests.
    fn decode_all(text: &[u8], out: &mut [u8]) -> Result<usize, Error> {
        let mut stream = Base64Stream::new();
        let written = stream.decode_chunk(text, out)?;
        let tail = stream.finish()?;
        let end = written + tail.len();
        out.get_mut(written..end)
            .ok_or(Error::BufferTooSmall {
                needed: end,
                available: 0,
            })?
            .copy_from_slice(tail);
        Ok(end)
    }

    /// The bound counts a carried group's padding with its characters: after
    /// `AQ=` only one `=` can come, and it completes a group of one byte.
    #[test]
    fn test_the_bound_counts_carried_padding() {
        let mut stream = Base64Stream::new();
        let mut out = [0u8; 8];
        assert_eq!(stream.decode_chunk(b"AAAAAQ=", &mut out), Ok(3));
        assert_eq!(stream.decoded_len_bound(1), 3);
        let mut exact = [0u8; 3];
        assert_eq!(stream.decode_chunk(b"=", &mut exact), Ok(1));
        assert_eq!(exact[0], 0x01);
        assert_eq!(stream.finish(), Ok(&[][..]));
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
            assert_eq!(decode_all(text, &mut out), Err(error), "{text:?}");
        }
        assert_eq!(
            decode_all(b"AAACWA=", &mut out),
            Err(Error::TruncatedBase64 {
                offset: 7,
                missing: 1
            })
        );
        // The end of the text is where the line break after the lone
        // character ends, not the character itself.
        assert_eq!(
            decode_all(b"AAACW\r\n", &mut out),
            Err(Error::TruncatedBase64 {
                offset: 7,
                missing: 1
            })
        );
    }

    /// The fast path takes every whole group of a one-line body in one
    /// call, and stops a wrapped body's run at its line break.
    #[test]
    fn test_decode_run_takes_whole_groups_straight_from_the_text() {
        let mut out = [0u8; 32];
        let mut stream = Base64Stream::new();
        let mut output = Output {
            out: &mut out,
            written: 0,
        };
        // status 1, asset id 12345, key id 7, EMM CA FE BA BE; the padded
        // last group is left to the per-character path.
        let text = b"AAAAAQAAMDkAAAAHyv66vg==";
        assert_eq!(stream.decode_run(text, 0, &mut output), Ok(20));
        assert_eq!(output.written, 15);
        assert_eq!(
            out[..15],
            [0, 0, 0, 1, 0, 0, 0x30, 0x39, 0, 0, 0, 7, 0xCA, 0xFE, 0xBA]
        );

        let mut output = Output {
            out: &mut out,
            written: 0,
        };
        assert_eq!(
            stream.decode_run(b"AAAAAQAA\r\nMDkA", 0, &mut output),
            Ok(8)
        );
        assert_eq!(output.written, 6);
        assert_eq!(stream.decode_run(b"AAA", 0, &mut output), Ok(0));
        assert_eq!(output.written, 6);
    }

    #[test]
    fn test_misuse_after_finish_and_failure() {
        let mut stream = Base64Stream::new();
        let mut out = [0u8; 8];
        assert_eq!(stream.decode_chunk(b"AAACWAAAAAA=", &mut out), Ok(8));
        assert_eq!(stream.finish(), Ok(&[][..]));
        assert!(stream.is_finished());
        assert_eq!(stream.text_len(), 12);
        let misuse = Err(Error::AlreadyFinished { offset: 12 });
        assert_eq!(stream.decode_chunk(b"AAAA", &mut out), misuse);
        assert_eq!(stream.finish().map(<[u8]>::len), misuse);

        let mut stream = Base64Stream::new();
        let error = invalid(2, b'*', EXPECTED_CHAR);
        assert_eq!(stream.decode_chunk(b"AA*", &mut out), Err(error));
        assert_eq!(stream.error(), Some(error));
        assert!(!stream.is_finished());
        assert_eq!(stream.decode_chunk(b"AAAA", &mut out), Err(error));
        assert_eq!(stream.finish().map(<[u8]>::len), Err(error));
    }
}
