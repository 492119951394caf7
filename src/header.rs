//! [`Header`]: the fixed fields of a body (license status, asset id and, in
//! the full form, key id) as plain host-order values, and [`Form`].
//!
//! A `Header` is what every reader of the crate hands back: the one-shot
//! parser, the nom parsers and the incremental decoders all build it from
//! the zerocopy views of [`wire`](crate::wire) through the one
//! `From<&WireHeader>` / `From<&WireShortHeader>` pair below, and write it
//! back with [`Header::encode_into`] or [`Header::to_bytes`].

use core::fmt;
use core::ops::Deref;

use crate::error::Error;
use crate::status::LicenseStatus;
use crate::wire::{HEADER_LEN, SHORT_LEN, WireHeader, WireShortHeader};

/// Which of the two body forms a response has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// License status, asset id, key id and an EMM (possibly empty): 12 or more bytes.
    Full,
    /// License status and asset id only: exactly 8 bytes. License proxies send
    /// it when they refuse a request themselves.
    Short,
}

/// The fixed fields of a body: license status, asset id and, in the full
/// form, the key id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header {
    /// The license status (bytes 0–3).
    pub license_status: LicenseStatus,
    /// The asset id (bytes 4–7); 0 when a proxy does not know it.
    pub asset_id: u32,
    /// The key id (bytes 8–11); `None` for the short form.
    pub key_id: Option<u32>,
}

impl Header {
    /// A full-form header.
    #[inline]
    #[must_use]
    pub const fn full(license_status: LicenseStatus, asset_id: u32, key_id: u32) -> Self {
        Self {
            license_status,
            asset_id,
            key_id: Some(key_id),
        }
    }

    /// A short-form header (no key id).
    #[inline]
    #[must_use]
    pub const fn short(license_status: LicenseStatus, asset_id: u32) -> Self {
        Self {
            license_status,
            asset_id,
            key_id: None,
        }
    }

    /// The form this header belongs to.
    #[inline]
    #[must_use]
    pub const fn form(&self) -> Form {
        match self.key_id {
            Some(_) => Form::Full,
            None => Form::Short,
        }
    }

    /// Bytes the header takes on the wire: 12, or 8 for the short form.
    #[inline]
    #[must_use]
    pub const fn encoded_len(&self) -> usize {
        match self.key_id {
            Some(_) => HEADER_LEN,
            None => SHORT_LEN,
        }
    }

    /// Writes the header into the front of `out` and returns the bytes written.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] if `out` is shorter than
    /// [`encoded_len`](Self::encoded_len); nothing is written then.
    #[inline]
    pub fn encode_into(&self, out: &mut [u8]) -> Result<usize, Error> {
        let bytes = self.to_bytes();
        match out.get_mut(..bytes.len()) {
            Some(front) => {
                front.copy_from_slice(&bytes);
                Ok(bytes.len())
            }
            None => Err(Error::BufferTooSmall {
                needed: bytes.len(),
                available: out.len(),
            }),
        }
    }

    /// The header as wire bytes: exactly 12, or 8 for the short form.
    ///
    /// ```
    /// use getemms::{Header, LicenseStatus};
    ///
    /// let short = Header::short(LicenseStatus::from(600), 0);
    /// assert_eq!(&*short.to_bytes(), &[0, 0, 2, 88, 0, 0, 0, 0]);
    /// let full = Header::full(LicenseStatus::from(1), 2, 3);
    /// assert_eq!(full.to_bytes().len(), 12);
    /// ```
    #[inline]
    #[must_use]
    pub fn to_bytes(&self) -> HeaderBytes {
        let mut bytes = [0; HEADER_LEN];
        let status = self.license_status.code();
        match self.key_id {
            Some(key_id) => {
                bytes = zerocopy::transmute!(WireHeader::new(status, self.asset_id, key_id))
            }
            None => {
                let short = WireShortHeader::new(status, self.asset_id);
                if let Some(front) = bytes.first_chunk_mut::<SHORT_LEN>() {
                    *front = zerocopy::transmute!(short);
                }
            }
        }
        HeaderBytes {
            bytes,
            full: self.key_id.is_some(),
        }
    }
}

impl From<&WireHeader> for Header {
    /// The host-order fields of a full-form header view.
    #[inline]
    fn from(wire: &WireHeader) -> Self {
        Self::full(
            LicenseStatus::new(wire.license_status.get()),
            wire.asset_id.get(),
            wire.key_id.get(),
        )
    }
}

impl From<&WireShortHeader> for Header {
    /// The host-order fields of a short-form body view.
    #[inline]
    fn from(wire: &WireShortHeader) -> Self {
        Self::short(
            LicenseStatus::new(wire.license_status.get()),
            wire.asset_id.get(),
        )
    }
}

/// The encoded bytes of a [`Header`]: 12 for the full form, 8 for the short
/// form. Dereferences to exactly those bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct HeaderBytes {
    bytes: [u8; HEADER_LEN],
    full: bool,
}

impl HeaderBytes {
    /// The encoded bytes.
    #[inline]
    #[must_use]
    pub fn as_slice(&self) -> &[u8] {
        let len = if self.full { HEADER_LEN } else { SHORT_LEN };
        self.bytes.get(..len).unwrap_or(&self.bytes)
    }
}

impl Deref for HeaderBytes {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl AsRef<[u8]> for HeaderBytes {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl fmt::Debug for HeaderBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_slice(), f)
    }
}

const _: () = assert!(HEADER_LEN == core::mem::size_of::<WireHeader>());

#[cfg(test)]
mod tests {
    use super::*;

    static FULL: [u8; 12] = [
        0x00, 0x00, 0x00, 0x01, // license status = 1 (OK, successful)
        0x00, 0x00, 0x30, 0x39, // asset id = 12345
        0x00, 0x00, 0x00, 0x07, // key id = 7
    ];

    static SHORT: [u8; 8] = [
        0x00, 0x00, 0x02, 0x58, // license status = 600 (third party, remove license)
        0x00, 0x00, 0x00, 0x00, // asset id = 0 (unknown)
    ];

    #[test]
    fn test_to_bytes_is_exactly_the_encoding() {
        let header = Header::full(LicenseStatus::new(1), 12345, 7);
        assert_eq!(&*header.to_bytes(), &FULL);
        assert_eq!(header.encoded_len(), 12);
        let short = Header::short(LicenseStatus::new(600), 0);
        assert_eq!(&*short.to_bytes(), &SHORT);
        assert_eq!(short.to_bytes().as_ref(), &SHORT);
        assert_eq!(short.encoded_len(), 8);
    }

    /// `Debug` shows the encoded bytes only, not the 4 unused bytes the
    /// short form keeps inside.
    #[cfg(feature = "alloc")]
    #[test]
    fn test_debug_is_the_encoded_bytes() {
        let short = Header::short(LicenseStatus::new(600), 0).to_bytes();
        assert_eq!(alloc::format!("{short:?}"), "[0, 0, 2, 88, 0, 0, 0, 0]");
    }

    #[test]
    fn test_from_wire_views() {
        let wire: WireHeader = zerocopy::transmute!(FULL);
        assert_eq!(
            Header::from(&wire),
            Header::full(LicenseStatus::new(1), 12345, 7)
        );
        let wire: WireShortHeader = zerocopy::transmute!(SHORT);
        assert_eq!(
            Header::from(&wire),
            Header::short(LicenseStatus::new(600), 0)
        );
    }

    #[test]
    fn test_encode_into_checks_room() {
        let header = Header::full(LicenseStatus::new(1), 12345, 7);
        let mut out = [0xEE; 12];
        assert_eq!(
            header.encode_into(&mut out[..11]),
            Err(Error::BufferTooSmall {
                needed: 12,
                available: 11
            })
        );
        assert_eq!(out, [0xEE; 12]);
        assert_eq!(header.encode_into(&mut out), Ok(12));
        assert_eq!(out, FULL);
    }
}
