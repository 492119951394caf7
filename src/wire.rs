//! The wire layer: byte offsets of the `GetEMMs.cgi` body and zero-copy views
//! of its fixed part.
//!
//! A body is, in network byte order:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | license status, `u32` |
//! | 4 | 4 | asset id, `u32` |
//! | 8 | 4 | key id, `u32` |
//! | 12 | rest | EMM, opaque bytes running to the end of the body |
//!
//! A *short form* body is exactly [`SHORT_LEN`] (8) bytes: license status and
//! asset id, no key id and no EMM. License proxies answer a refused request
//! with it.
//!
//! [`WireHeader`] and [`WireShortHeader`] are `#[repr(C)]` views whose fields
//! are big-endian integers with alignment 1, so they can be read from any
//! byte slice of the right length without copying and without `unsafe`
//! (zerocopy's derives prove it at compile time). Nothing in this module
//! panics: every read goes through a length check that returns `None` or an
//! error.

use zerocopy::byteorder::network_endian::U32;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// Byte ranges of the fields of a body, in the smoltcp style.
pub mod field {
    /// A field of fixed size.
    pub type Field = core::ops::Range<usize>;
    /// A field that runs to the end of the body.
    pub type Rest = core::ops::RangeFrom<usize>;

    /// License status, `u32` big-endian (table "Widevine license status").
    pub const LICENSE_STATUS: Field = 0..4;
    /// Asset id, `u32` big-endian.
    pub const ASSET_ID: Field = 4..8;
    /// Key id, `u32` big-endian; absent in the short form.
    pub const KEY_ID: Field = 8..12;
    /// The EMM: every byte after the key id, with no length prefix.
    pub const EMM: Rest = KEY_ID.end..;

    /// The name of the field that byte `offset` falls in, for error messages.
    #[must_use]
    pub(crate) const fn name_at(offset: usize) -> &'static str {
        if offset < LICENSE_STATUS.end {
            "license status"
        } else if offset < ASSET_ID.end {
            "asset id"
        } else if offset < KEY_ID.end {
            "key id"
        } else {
            "EMM"
        }
    }
}

/// Length of the fixed part of a full-form body: license status, asset id, key id.
pub const HEADER_LEN: usize = field::KEY_ID.end;

/// Length of a short-form body: license status and asset id only.
pub const SHORT_LEN: usize = field::ASSET_ID.end;

/// Zero-copy view of the 12-byte header of a full-form body.
///
/// ```
/// use getemms::wire::WireHeader;
/// use zerocopy::FromBytes;
///
/// let body = [0, 0, 0, 1, 0, 0, 0x30, 0x39, 0, 0, 0, 7, 0xAA];
/// let (header, emm) = WireHeader::ref_from_prefix(&body).unwrap();
/// assert_eq!(header.license_status.get(), 1);
/// assert_eq!(header.asset_id.get(), 12345);
/// assert_eq!(header.key_id.get(), 7);
/// assert_eq!(emm, &[0xAA]);
/// ```
#[derive(
    FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Debug, Clone, Copy, PartialEq, Eq, Hash,
)]
#[repr(C)]
pub struct WireHeader {
    /// License status, big-endian.
    pub license_status: U32,
    /// Asset id, big-endian.
    pub asset_id: U32,
    /// Key id, big-endian.
    pub key_id: U32,
}

/// Zero-copy view of an 8-byte short-form body.
#[derive(
    FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Debug, Clone, Copy, PartialEq, Eq, Hash,
)]
#[repr(C)]
pub struct WireShortHeader {
    /// License status, big-endian.
    pub license_status: U32,
    /// Asset id, big-endian.
    pub asset_id: U32,
}

const _: () = assert!(core::mem::size_of::<WireHeader>() == HEADER_LEN);
const _: () = assert!(core::mem::size_of::<WireShortHeader>() == SHORT_LEN);
const _: () = assert!(field::LICENSE_STATUS.end == field::ASSET_ID.start);
const _: () = assert!(field::ASSET_ID.end == field::KEY_ID.start);

impl WireHeader {
    /// Builds the wire form of a full header from host-order values.
    #[inline]
    #[must_use]
    pub const fn new(license_status: u32, asset_id: u32, key_id: u32) -> Self {
        Self {
            license_status: U32::new(license_status),
            asset_id: U32::new(asset_id),
            key_id: U32::new(key_id),
        }
    }
}

impl WireShortHeader {
    /// Builds the wire form of a short-form body from host-order values.
    #[inline]
    #[must_use]
    pub const fn new(license_status: u32, asset_id: u32) -> Self {
        Self {
            license_status: U32::new(license_status),
            asset_id: U32::new(asset_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // license status 1 (OK), asset id 0x01020304, key id 0xFFFFFFFF, EMM 3 bytes
    static FULL: [u8; 15] = [
        0x00, 0x00, 0x00, 0x01, // license status = 1
        0x01, 0x02, 0x03, 0x04, // asset id = 0x01020304
        0xFF, 0xFF, 0xFF, 0xFF, // key id = u32::MAX
        0xDE, 0xAD, 0xBE, // EMM
    ];

    #[test]
    fn test_deconstruct() {
        let (header, emm) = WireHeader::ref_from_prefix(&FULL).unwrap();
        assert_eq!(header.license_status.get(), 1);
        assert_eq!(header.asset_id.get(), 0x0102_0304);
        assert_eq!(header.key_id.get(), u32::MAX);
        assert_eq!(emm, &FULL[field::EMM]);
        assert_eq!(emm.as_ptr(), FULL[HEADER_LEN..].as_ptr());
    }

    #[test]
    fn test_construct() {
        let header = WireHeader::new(1, 0x0102_0304, u32::MAX);
        assert_eq!(header.as_bytes(), &FULL[..HEADER_LEN]);
        let short = WireShortHeader::new(1, 0x0102_0304);
        assert_eq!(short.as_bytes(), &FULL[..SHORT_LEN]);
    }

    #[test]
    fn too_short_is_an_error_not_a_panic() {
        for len in 0..HEADER_LEN {
            assert!(WireHeader::ref_from_prefix(&FULL[..len]).is_err());
        }
        for len in 0..SHORT_LEN {
            assert!(WireShortHeader::ref_from_prefix(&FULL[..len]).is_err());
        }
    }

    #[test]
    fn field_names() {
        assert_eq!(field::name_at(0), "license status");
        assert_eq!(field::name_at(3), "license status");
        assert_eq!(field::name_at(4), "asset id");
        assert_eq!(field::name_at(8), "key id");
        assert_eq!(field::name_at(11), "key id");
        assert_eq!(field::name_at(12), "EMM");
    }
}
