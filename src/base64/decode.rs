//! A whole base64 text at once → body bytes, into a caller's buffer.

use super::{Base64Stream, is_alphabet};
use crate::error::Error;

/// The number of bytes `chars` data characters decode to: 3 for each
/// group of 4, and 1 or 2 for a last group of 2 or 3 characters. An upper
/// bound for a text of `chars` bytes of any kind (padding, line breaks).
#[must_use]
pub(crate) const fn decoded_len(chars: usize) -> usize {
    chars / 4 * 3 + (chars % 4).saturating_sub(1)
}

/// The exact number of bytes `text` decodes to, if it is valid base64
/// (counted, not decoded; used to report the needed size).
fn decoded_len_of(text: &[u8]) -> usize {
    decoded_len(text.iter().filter(|&&b| is_alphabet(b)).count())
}

/// Decodes a whole base64 body into the front of `out` and returns its
/// length. `no_std`, no allocation.
///
/// # Errors
/// [`Error::InvalidBase64`] / [`Error::TruncatedBase64`] for text that is
/// not base64 (see the [module docs](crate::base64)); [`Error::BufferTooSmall`]
/// when `out` cannot hold the decoded body (`needed` is its exact length).
///
/// ```
/// use getemms::{Options, Response};
///
/// let mut body = [0u8; 8];
/// let len = getemms::base64::decode_into(b"AAACWAAAAAA=", &mut body)?;
/// assert_eq!(body, [0, 0, 2, 88, 0, 0, 0, 0]);
/// let response = Response::parse_with(&body[..len], &Options::new())?;
/// assert!(response.is_short());
/// assert!(getemms::base64::decode_into(b"AAAC WAAAAAA=", &mut body).is_err());
/// # Ok::<(), getemms::Error>(())
/// ```
pub fn decode_into(text: &[u8], out: &mut [u8]) -> Result<usize, Error> {
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

/// Decodes a whole base64 body into `out`, which is cleared first (its
/// capacity is kept, so one buffer serves many bodies). `out` grows to
/// at most `3/4` of the text, rounded up to a whole group.
///
/// # Errors
/// As [`decode_into`], except that the buffer is never too small.
#[cfg(feature = "alloc")]
pub fn decode(text: &[u8], out: &mut alloc::vec::Vec<u8>) -> Result<(), Error> {
    // Whole groups plus an unpadded final group of 2–3 characters.
    let bound = text.len().div_ceil(4).saturating_mul(3);
    out.clear();
    out.resize(bound, 0);
    let result = decode_into(text, out);
    let len = *result.as_ref().unwrap_or(&0);
    out.truncate(len);
    result.map(|_| ())
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
            assert_eq!(decode_into(text, &mut out), Ok(8), "{text:?}");
            assert_eq!(out, REJECTION_600);
        }
    }

    #[test]
    fn test_buffer_too_small_reports_exact_need() {
        let mut out = [0u8; 7];
        assert_eq!(
            decode_into(b"AAACWAAAAAA=", &mut out),
            Err(Error::BufferTooSmall {
                needed: 8,
                available: 7
            })
        );
    }
}
