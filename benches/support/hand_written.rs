//! The hand-written parser every benchmark compares ours with: what a
//! careful engineer writes without this crate, slicing the body and calling
//! `u32::from_be_bytes`. Shared by `benches/parse.rs` (criterion) and
//! `benches/gate.rs` (instruction counts), so both measure the same code.

/// The fields a hand-written parser returns, held the way ours is.
#[derive(Clone, Copy)]
pub struct HandResponse<'a> {
    pub license_status: u32,
    pub asset_id: u32,
    pub key_id: Option<u32>,
    pub emm: &'a [u8],
}

/// Slice and `from_be_bytes`: the 8-byte short form, or 12 bytes and more.
#[inline]
pub fn hand_written(body: &[u8]) -> Option<HandResponse<'_>> {
    let word = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(*body.get(at..)?.first_chunk::<4>()?))
    };
    match body.len() {
        8 => Some(HandResponse {
            license_status: word(0)?,
            asset_id: word(4)?,
            key_id: None,
            emm: &[],
        }),
        n if n >= 12 => Some(HandResponse {
            license_status: word(0)?,
            asset_id: word(4)?,
            key_id: Some(word(8)?),
            emm: body.get(12..)?,
        }),
        _ => None,
    }
}
