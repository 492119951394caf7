//! [`Held`]: the bytes a relay holds back until its policy has spoken
//! (the header, raw or as text), and the three ways they go out:
//! unchanged, rewritten in place, or replaced by a refusal.

use ::base64::Engine;
use ::base64::engine::general_purpose::STANDARD;

use super::HOLD_BACK;
use crate::base64::{LineWrap, is_alphabet};
use crate::decoder::Transport;
use crate::header::Header;

/// Base64 letters of a full header (12 bytes are 4 whole groups).
pub(super) const FULL_LETTERS: usize = 16;

/// The held bytes: at most [`HOLD_BACK`], in a fixed array.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Held {
    bytes: [u8; HOLD_BACK],
    len: usize,
}

impl Held {
    pub(super) const fn new() -> Self {
        Self {
            bytes: [0; HOLD_BACK],
            len: 0,
        }
    }

    /// Bytes held.
    pub(super) const fn len(&self) -> usize {
        self.len
    }

    /// Room left before the bound.
    pub(super) const fn room(&self) -> usize {
        HOLD_BACK - self.len
    }

    /// The held bytes.
    pub(super) fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    /// Holds `bytes` too; the caller checked [`room`](Self::room).
    pub(super) fn push(&mut self, bytes: &[u8]) {
        let end = self.len.saturating_add(bytes.len());
        if let Some(slot) = self.bytes.get_mut(self.len..end) {
            slot.copy_from_slice(bytes);
            self.len = end;
        }
    }

    /// Puts `header` in place of the held one, keeping the layout: raw,
    /// its bytes over the held bytes; base64, its letters over the held
    /// letters one for one, every other byte (line breaks, spaces, `=`)
    /// where it was. The caller checked the forms match, so the counts do.
    pub(super) fn rewrite(&mut self, header: &Header, transport: Transport) {
        let bytes = header.to_bytes();
        if transport != Transport::Base64 {
            if let Some(slot) = self.bytes.get_mut(..bytes.len()) {
                slot.copy_from_slice(&bytes);
            }
            return;
        }
        let mut text = [0u8; FULL_LETTERS];
        let len = STANDARD.encode_slice(&*bytes, &mut text).unwrap_or(0);
        let mut letters = text.iter().take(len).filter(|&&c| is_alphabet(c));
        for held in self.bytes.iter_mut().take(self.len) {
            if is_alphabet(*held)
                && let Some(&letter) = letters.next()
            {
                *held = letter;
            }
        }
    }

    /// Replaces the held bytes by the refusal `header` alone, sent as
    /// `transport` (base64: padded, one line, or ending in `\n` for
    /// [`LineWrap::Mime`]).
    pub(super) fn refuse(&mut self, header: &Header, transport: Transport, wrap: LineWrap) {
        let bytes = header.to_bytes();
        self.len = 0;
        if transport != Transport::Base64 {
            self.push(&bytes);
            return;
        }
        let mut len = STANDARD.encode_slice(&*bytes, &mut self.bytes).unwrap_or(0);
        if wrap == LineWrap::Mime
            && let Some(end) = self.bytes.get_mut(len)
        {
            *end = b'\n';
            len += 1;
        }
        self.len = len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::LicenseStatus;

    #[test]
    fn test_rewrite_keeps_the_layout_of_the_text() {
        let mut held = Held::new();
        // status 1, asset id 12345, key id 7, cut by a CRLF after 6 letters
        held.push(b"AAAAAQ\r\nAAMDkAAAAH");
        held.rewrite(
            &Header::full(LicenseStatus::new(600), 13, 7),
            Transport::Base64,
        );
        // status 600 = 0x258, asset id 13, key id 7: AAACWAAAAA0AAAAH
        assert_eq!(held.as_slice(), b"AAACWA\r\nAAAA0AAAAH");
    }

    #[test]
    fn test_rewrite_of_a_short_text_keeps_its_padding() {
        let mut held = Held::new();
        held.push(b"AAAAAQAAMDk=\n");
        held.rewrite(
            &Header::short(LicenseStatus::new(600), 0),
            Transport::Base64,
        );
        assert_eq!(held.as_slice(), b"AAACWAAAAAA=\n");
    }

    #[test]
    fn test_rewrite_raw() {
        let mut held = Held::new();
        held.push(&[0, 0, 0, 1, 0, 0, 0x30, 0x39, 0, 0, 0, 7]);
        held.rewrite(&Header::full(LicenseStatus::new(2), 1, 3), Transport::Raw);
        assert_eq!(held.as_slice(), [0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3]);
    }

    #[test]
    fn test_refusals() {
        let refusal = Header::short(LicenseStatus::new(600), 0);
        let mut held = Held::new();
        held.push(b"AAAAAQAAMDkAAAAH");
        held.refuse(&refusal, Transport::Base64, LineWrap::None);
        assert_eq!(held.as_slice(), b"AAACWAAAAAA=");
        held.refuse(&refusal, Transport::Base64, LineWrap::Mime);
        assert_eq!(held.as_slice(), b"AAACWAAAAAA=\n");
        held.refuse(&refusal, Transport::Raw, LineWrap::Mime);
        assert_eq!(held.as_slice(), [0, 0, 2, 0x58, 0, 0, 0, 0]);
        assert_eq!(held.room(), HOLD_BACK - 8);
        let full = Header::full(LicenseStatus::new(1), 2, 3);
        held.refuse(&full, Transport::Base64, LineWrap::None);
        assert_eq!(held.as_slice(), b"AAAAAQAAAAIAAAAD");
        assert_eq!(held.len(), 16);
    }
}
