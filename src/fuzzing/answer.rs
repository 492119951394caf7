//! The downstream-style target: the `arbitrary` feature's realistic
//! upstream answers decode to the response they carry.

#[cfg(feature = "arbitrary")]
use alloc::vec::Vec;

#[cfg(feature = "arbitrary")]
use super::capped;
#[cfg(feature = "arbitrary")]
use super::split::{Outcome, assert_same_outcome, collect, decode_transport};
#[cfg(feature = "arbitrary")]
use crate::Options;
#[cfg(feature = "arbitrary")]
use crate::decoder::Transport;

/// A realistic upstream answer ([`crate::arbitrary::Answer`], what downstream
/// fuzz targets are given): its chunks decode, incrementally and collected,
/// to its response, and `Auto` picks its transport when the status is below
/// 2^24. This is the crate's own downstream-style target: if it fails, the
/// answers handed to proxies are not what they claim to be. Reads at most
/// [`MAX_BASE64_INPUT`](super::MAX_BASE64_INPUT) bytes.
#[cfg(feature = "arbitrary")]
pub fn answer(data: &[u8]) {
    use crate::arbitrary::Answer;

    let mut input = arbitrary::Unstructured::new(capped(data));
    let Ok(answer) = <Answer<'_> as arbitrary::Arbitrary>::arbitrary(&mut input) else {
        return;
    };
    let response = answer.response();
    let want: Outcome = Ok((response.header(), response.emm().to_vec()));
    let pieces: Vec<&[u8]> = answer.chunks().collect();
    assert_eq!(pieces.concat(), answer.body(), "chunks are not the body");
    // (The raw decoder's own checks, EMM slices inside their chunk, are
    // `decoder_split`'s; here the transport decoder runs it.)
    let transport = answer.transport();
    assert_same_outcome(
        &decode_transport(&pieces, transport, Options::DEFAULT),
        &want,
    );
    assert_same_outcome(&collect(&pieces, transport, Options::DEFAULT), &want);
    if response.license_status().code() < 1 << 24 {
        assert_eq!(Transport::Auto.resolve(answer.body()), transport);
    }
}

/// Without the `arbitrary` feature there are no [`crate::arbitrary`]
/// answers; the target accepts every input.
#[cfg(not(feature = "arbitrary"))]
pub fn answer(_data: &[u8]) {}
