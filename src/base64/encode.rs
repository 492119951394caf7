//! Body bytes → base64 text, one padded line or MIME lines of 76 characters.
//!
//! The body is given as parts (the header's bytes, then the EMM) so that
//! nothing is copied into a contiguous buffer first.

use ::base64::Engine;
use ::base64::engine::general_purpose::STANDARD;

use super::LineWrap;
use crate::error::Error;

/// Characters per line of MIME base64.
const LINE_LEN: usize = 76;
/// Body bytes per line of MIME base64.
const LINE_BYTES: usize = LINE_LEN / 4 * 3;

/// The length of the base64 text of a `body_len`-byte body
/// (`usize::MAX` if it would overflow, which no buffer can hold).
#[must_use]
pub(crate) fn encoded_len(body_len: usize, wrap: LineWrap) -> usize {
    let chars = ::base64::encoded_len(body_len, true).unwrap_or(usize::MAX);
    match wrap {
        LineWrap::None => chars,
        LineWrap::Mime => chars.saturating_add(chars.div_ceil(LINE_LEN)),
    }
}

/// Writes the base64 text of `head` followed by `tail` into the front of
/// `out` and returns its length.
///
/// # Errors
/// [`Error::BufferTooSmall`] when `out` is shorter than [`encoded_len`];
/// nothing useful is written then.
pub(crate) fn encode_into(
    head: &[u8],
    tail: &[u8],
    wrap: LineWrap,
    out: &mut [u8],
) -> Result<usize, Error> {
    let needed = encoded_len(head.len().saturating_add(tail.len()), wrap);
    let too_small = Error::BufferTooSmall {
        needed,
        available: out.len(),
    };
    if out.len() < needed {
        return Err(too_small);
    }
    let mut written = 0;
    if wrap == LineWrap::None && (head.len().is_multiple_of(3) || tail.is_empty()) {
        // A whole number of 3-byte groups in the head (a full header is 12
        // bytes), or no tail (the short form): the head's base64 followed by
        // the tail's is the base64 of both.
        put(head, out, &mut written, too_small)?;
        put(tail, out, &mut written, too_small)?;
        return Ok(written);
    }
    // Lines of 57 body bytes (a multiple of 3, so their texts concatenate);
    // a line may take bytes of both parts.
    let (mut head_rest, mut tail_rest) = (head, tail);
    let mut line = [0u8; LINE_BYTES];
    loop {
        let (from_head, head_after) = head_rest
            .split_at_checked(LINE_BYTES)
            .unwrap_or((head_rest, &[]));
        let room = LINE_BYTES - from_head.len();
        let (from_tail, tail_after) = tail_rest.split_at_checked(room).unwrap_or((tail_rest, &[]));
        let filled = from_head.len() + from_tail.len();
        if filled == 0 {
            break;
        }
        if let Some((h, t)) = line.split_at_mut_checked(from_head.len()) {
            h.copy_from_slice(from_head);
            if let Some(t) = t.get_mut(..from_tail.len()) {
                t.copy_from_slice(from_tail);
            }
        }
        put(
            line.get(..filled).unwrap_or(&[]),
            out,
            &mut written,
            too_small,
        )?;
        if wrap == LineWrap::Mime {
            *out.get_mut(written).ok_or(too_small)? = b'\n';
            written += 1;
        }
        head_rest = head_after;
        tail_rest = tail_after;
    }
    Ok(written)
}

/// Encodes `bytes` (padded) into `out[*written..]` and advances `written`.
fn put(bytes: &[u8], out: &mut [u8], written: &mut usize, too_small: Error) -> Result<(), Error> {
    let slot = out.get_mut(*written..).ok_or(too_small)?;
    *written += STANDARD.encode_slice(bytes, slot).map_err(|_| too_small)?;
    Ok(())
}
