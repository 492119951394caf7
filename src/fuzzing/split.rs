//! The split oracle: a body cut into chunks, decoded by the raw and the
//! transport decoders and the collector, gives what the one-shot parse
//! gives; and its target, `decoder_split`.

use alloc::vec;
use alloc::vec::Vec;

use super::assert_reportable;
use crate::decoder::{Collector, Decoder, Transport, TransportDecoder};
use crate::wire::{HEADER_LEN, SHORT_LEN};
use crate::{Error, Header, Options, Response};

/// Reads fuzz-chosen options and chunk sizes from the front of `data`:
/// byte 0 picks the options, byte 1 the number of chunk sizes (up to 15),
/// then one byte per chunk size (0 included); the rest is the body.
pub(super) fn options_and_splits(data: &[u8]) -> (Options, &[u8], &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return (Options::DEFAULT, &[1], &[]);
    };
    let Some((&count, rest)) = rest.split_first() else {
        return (Options::DEFAULT, &[1], &[]);
    };
    let mut options = Options::new().with_short_form(flags & 1 == 0);
    if flags & 2 != 0 {
        options = options.with_max_emm_len(usize::from(flags >> 2));
    }
    let count = usize::from(count & 0x0F);
    let (sizes, body) = rest.split_at(count.min(rest.len()));
    let sizes: &[u8] = if sizes.iter().all(|&s| s == 0) {
        &[1]
    } else {
        sizes
    };
    (options, sizes, body)
}

/// Cuts `body` into chunks whose sizes cycle through `sizes`, then one empty
/// chunk (feeding 0 bytes is legal).
/// A size of 0 gives an empty chunk; all sizes 0 count as all 1.
pub(super) fn chunks<'a>(body: &'a [u8], sizes: &[u8]) -> Vec<&'a [u8]> {
    let sizes = if sizes.iter().all(|&s| s == 0) {
        &[1]
    } else {
        sizes
    };
    let mut pieces = vec![];
    let mut rest = body;
    let mut size = sizes.iter().cycle();
    while !rest.is_empty() {
        let take = usize::from(*size.next().unwrap_or(&1)).min(rest.len());
        let (chunk, tail) = rest.split_at(take);
        pieces.push(chunk);
        rest = tail;
    }
    pieces.push(rest);
    pieces
}

/// A decoded body as the split oracle compares it: the header and the EMM
/// bytes, or the error.
pub type Outcome = Result<(Header, Vec<u8>), Error>;

/// Splits `body` at `cuts` (each taken modulo `len + 1`, then sorted;
/// repeated cuts give empty chunks).
#[must_use]
pub fn split_at_cuts<'a>(body: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (body.len() + 1)).collect();
    cuts.sort_unstable();
    let mut pieces = vec![];
    let mut start = 0;
    for cut in cuts {
        pieces.push(body.get(start..cut).unwrap_or(&[]));
        start = cut;
    }
    pieces.push(body.get(start..).unwrap_or(&[]));
    pieces
}

/// The one-shot parse of a whole raw body, as an [`Outcome`].
pub fn one_shot(body: &[u8], options: Options) -> Outcome {
    Response::parse_with(body, &options).map(|r| (r.header(), r.emm().to_vec()))
}

/// Runs the raw [`Decoder`] over `pieces`, checking on the way that the
/// header is reported exactly once, that every EMM slice lies inside its
/// chunk and comes after the header, that a failed decoder keeps its error,
/// and that calls after the end are errors.
pub fn decode_raw(pieces: &[&[u8]], options: Options) -> Outcome {
    let mut decoder = Decoder::new(options);
    let mut header = None;
    // Sized once: the EMM is never longer than the chunks together.
    let mut emm = Vec::with_capacity(pieces.iter().map(|p| p.len()).sum());
    let mut outcome = Ok(());
    for &piece in pieces {
        match decoder.feed(piece) {
            Ok(progress) => {
                if let Some(h) = progress.header {
                    assert!(header.replace(h).is_none(), "header reported twice");
                }
                if !progress.emm.is_empty() {
                    let inside = piece.as_ptr_range();
                    let slice = progress.emm.as_ptr_range();
                    assert!(
                        inside.start <= slice.start && slice.end <= inside.end,
                        "EMM not borrowed from its chunk"
                    );
                    assert!(header.is_some(), "EMM before the header");
                }
                emm.extend_from_slice(progress.emm);
            }
            Err(error) => {
                assert_reportable(error);
                // Failed state: every later call says so.
                assert_eq!(decoder.feed(b"x").err(), Some(error));
                assert_eq!(decoder.error(), Some(error));
                outcome = Err(error);
                break;
            }
        }
    }
    let outcome = outcome.and_then(|()| {
        let end = decoder.finish()?;
        let short = end.is_short();
        assert!(end.emm.is_empty(), "the raw decoder holds no EMM back");
        assert_eq!(end.emm_len, emm.len());
        if let Some(h) = end.header {
            assert!(header.replace(h).is_none(), "header reported twice");
        }
        assert_eq!(decoder.header(), header);
        assert_eq!(decoder.emm_len(), emm.len());
        assert_eq!(short, header.is_some_and(|h| h.key_id.is_none()));
        // A short-form body ends 4 bytes before a full header would.
        let missing = if short { HEADER_LEN - SHORT_LEN } else { 0 };
        assert_eq!(decoder.header_missing(), missing);
        assert!(decoder.is_finished());
        Ok(())
    });
    // Misuse after the end is an error, never a panic.
    if let Err(error) = decoder.finish() {
        assert_reportable(error);
    } else {
        panic!("a finished or failed decoder finished again");
    }
    assert!(decoder.feed(&[]).is_err());
    // Reset gives a fresh decoder: an empty body is 8 bytes short.
    decoder.reset();
    assert_eq!(decoder.finish().err(), one_shot(&[], options).err());
    outcome.map(|()| (header.expect("finished without a header"), emm))
}

/// Runs a [`TransportDecoder`] over `pieces`, checking that the header is
/// reported exactly once and that the scratch buffer stays within `3/4` of
/// the largest chunk plus 3.
pub fn decode_transport(pieces: &[&[u8]], transport: Transport, options: Options) -> Outcome {
    let mut decoder = TransportDecoder::new(options, transport);
    let mut header = None;
    // Sized once: the EMM is never longer than the chunks together.
    let mut emm = Vec::with_capacity(pieces.iter().map(|p| p.len()).sum());
    let largest = pieces.iter().map(|p| p.len()).max().unwrap_or(0);
    let mut outcome = Ok(());
    for &piece in pieces {
        match decoder.feed(piece) {
            Ok(progress) => {
                if let Some(h) = progress.header {
                    assert!(header.replace(h).is_none(), "header reported twice");
                }
                emm.extend_from_slice(progress.emm);
                assert!(decoder.scratch_capacity() <= largest * 3 / 4 + 3);
            }
            Err(error) => {
                assert_reportable(error);
                assert_eq!(decoder.error(), Some(error));
                assert_eq!(decoder.feed(b"AAAA").err(), Some(error));
                outcome = Err(error);
                break;
            }
        }
    }
    let outcome = outcome.and_then(|()| {
        let end = decoder.finish()?;
        emm.extend_from_slice(end.emm);
        if let Some(h) = end.header {
            assert!(header.replace(h).is_none(), "header reported twice");
        }
        assert_eq!(end.emm_len, emm.len());
        assert_eq!(decoder.emm_len(), emm.len());
        assert_eq!(decoder.header(), header);
        assert!(decoder.is_finished());
        Ok(())
    });
    assert!(decoder.finish().is_err());
    // Reset gives a fresh decoder, with the transport it was made with.
    decoder.reset();
    assert_eq!(decoder.transport(), transport);
    assert_eq!(decoder.finish().err(), one_shot(&[], options).err());
    let outcome = outcome.map(|()| (header.expect("finished without a header"), emm));
    assert_eq!(
        decode_transport_into(pieces, transport, options),
        outcome,
        "feed_into disagrees with feed"
    );
    outcome
}

/// Runs a [`TransportDecoder`] over `pieces` with
/// [`feed_into`](TransportDecoder::feed_into), collecting the EMM in one
/// `Vec`, and checks that the header is reported exactly once.
fn decode_transport_into(pieces: &[&[u8]], transport: Transport, options: Options) -> Outcome {
    let mut decoder = TransportDecoder::new(options, transport);
    let mut header = None;
    let mut emm = Vec::new();
    for &piece in pieces {
        if let Some(h) = decoder.feed_into(piece, &mut emm)? {
            assert!(header.replace(h).is_none(), "header reported twice");
        }
        assert_eq!(decoder.emm_len(), emm.len());
    }
    let end = decoder.finish()?;
    emm.extend_from_slice(end.emm);
    if let Some(h) = end.header {
        assert!(header.replace(h).is_none(), "header reported twice");
    }
    assert_eq!(end.emm_len, emm.len());
    Ok((header.expect("finished without a header"), emm))
}

/// Gathers `pieces` with a [`Collector`], checking that its buffer never
/// grows past `12 + max_emm_len`.
pub fn collect(pieces: &[&[u8]], transport: Transport, options: Options) -> Outcome {
    let mut buffer = vec![];
    let mut collector = if transport == Transport::Raw {
        Collector::new(&mut buffer, options)
    } else {
        Collector::with_transport(&mut buffer, options, transport)
    };
    assert_eq!(collector.decoder().transport(), transport);
    let pushed = pieces.iter().try_for_each(|piece| collector.push(piece));
    let outcome = pushed
        .and_then(|()| collector.finish())
        .map(|r| (r.header(), r.emm().to_vec()));
    if let Some(limit) = options.max_emm_len {
        assert!(
            buffer.capacity() <= HEADER_LEN + limit,
            "collector grew past the limit"
        );
    }
    outcome
}

/// [`collect`] into a `BytesMut` (without the `bytes` feature, a `Vec`).
fn collect_into_bytes(pieces: &[&[u8]], transport: Transport, options: Options) -> Outcome {
    #[cfg(feature = "bytes")]
    {
        let mut buffer = bytes::BytesMut::new();
        let mut collector = Collector::with_transport(&mut buffer, options, transport);
        let pushed = pieces.iter().try_for_each(|piece| collector.push(piece));
        pushed
            .and_then(|()| collector.finish())
            .map(|r| (r.header(), r.emm().to_vec()))
    }
    #[cfg(not(feature = "bytes"))]
    collect(pieces, transport, options)
}

/// The split oracle's verdict: a chunked decode (`got`) agrees with the
/// one-shot parse (`want`): the same header and EMM bytes, or the same
/// error, except that for [`Error::EmmTooLong`] a decoder reports what it
/// had seen when it refused a chunk: over the limit, at most the whole EMM.
pub fn assert_same_outcome(got: &Outcome, want: &Outcome) {
    match (got, want) {
        (
            Err(Error::EmmTooLong { len, limit }),
            Err(Error::EmmTooLong {
                len: whole,
                limit: want_limit,
            }),
        ) => {
            assert_eq!(limit, want_limit);
            assert!(
                limit < len && len <= whole,
                "len {len} limit {limit} whole {whole}"
            );
        }
        (got, want) => assert_eq!(
            got, want,
            "chunked decode disagrees with the one-shot parse"
        ),
    }
}

/// Raw bytes fed to the incremental decoder in fuzz-chosen chunks give the
/// one-shot parse's header and EMM (borrowed from the chunks), or its error;
/// the collecting form agrees too, into a `Vec` or (bit 4 of the
/// chunk-count byte) a `BytesMut`, told the transport is `Raw` or (bit 5)
/// `Auto`, which must take a body that does not start with a base64
/// character for raw, however it is chunked.
pub fn decoder_split(data: &[u8]) {
    let (options, sizes, body) = options_and_splits(data);
    let variant = data.get(1).copied().unwrap_or(0);
    let want = one_shot(body, options);
    let pieces = chunks(body, sizes);
    assert_same_outcome(&decode_raw(&pieces, options), &want);
    let auto = variant & 0x20 != 0 && Transport::Auto.resolve(body) == Transport::Raw;
    let transport = if auto {
        Transport::Auto
    } else {
        Transport::Raw
    };
    let collected = if variant & 0x10 != 0 {
        collect_into_bytes(&pieces, transport, options)
    } else {
        collect(&pieces, transport, options)
    };
    assert_same_outcome(&collected, &want);
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use crate::base64::LineWrap;
    use crate::fuzzing::tests::panics;

    #[test]
    fn options_and_splits_read_flags_count_and_sizes() {
        // Nothing: the defaults, one byte at a time.
        assert_eq!(
            options_and_splits(&[]),
            (Options::DEFAULT, &[1u8][..], &[][..])
        );
        assert_eq!(
            options_and_splits(&[2]),
            (Options::DEFAULT, &[1u8][..], &[][..])
        );
        // Bit 0 refuses the short form; bit 1 sets max_emm_len = flags >> 2.
        let (options, sizes, body) = options_and_splits(&[0b1101_0011, 2, 5, 7, 0xAA, 0xBB]);
        assert_eq!(
            options,
            Options::new()
                .with_short_form(false)
                .with_max_emm_len(0b11_0100)
        );
        assert_eq!((sizes, body), (&[5u8, 7][..], &[0xAA, 0xBB][..]));
        // Bit 1 clear: no limit, short form accepted; only the low nibble counts.
        let (options, sizes, body) = options_and_splits(&[0b1111_1100, 0xF1, 3, 9]);
        assert_eq!(options, Options::new().with_short_form(true));
        assert_eq!(options.max_emm_len, None);
        assert_eq!((sizes, body), (&[3u8][..], &[9][..]));
        // A count longer than the rest takes the rest; sizes all 0 mean 1.
        assert_eq!(options_and_splits(&[0, 15, 4, 4]).1, &[4u8, 4][..]);
        assert_eq!(
            options_and_splits(&[0, 2, 0, 0, 1]),
            (Options::DEFAULT, &[1u8][..], &[1][..])
        );
    }

    #[test]
    fn chunks_cycle_through_the_sizes_and_end_empty() {
        let body = b"abcdefgh";
        assert_eq!(chunks(body, &[3]), [&b"abc"[..], b"def", b"gh", b""]);
        assert_eq!(
            chunks(body, &[1, 0, 5]),
            [&b"a"[..], b"", b"bcdef", b"g", b"", b"h", b""]
        );
        assert_eq!(
            chunks(body, &[0, 0]),
            [&b"a"[..], b"b", b"c", b"d", b"e", b"f", b"g", b"h", b""]
        );
        assert_eq!(chunks(b"", &[4]), [&b""[..]]);
    }

    #[test]
    fn split_at_cuts_takes_cuts_modulo_the_length_sorted() {
        let body = b"abcdef";
        assert_eq!(split_at_cuts(body, &[]), [&b"abcdef"[..]]);
        assert_eq!(split_at_cuts(body, &[4, 1]), [&b"a"[..], b"bcd", b"ef"]);
        // 9 % 7 = 2; a repeated cut gives an empty piece; 6 cuts at the end.
        assert_eq!(
            split_at_cuts(body, &[9, 2, 6]),
            [&b"ab"[..], b"", b"cdef", b""]
        );
        assert_eq!(split_at_cuts(b"", &[3]), [&b""[..], b""]);
    }

    #[test]
    fn one_shot_is_the_parse_as_an_outcome() {
        let emm = [7u8, 8, 9];
        let response = Response::new(1, 2, 3, &emm);
        let body = response.to_vec();
        assert_eq!(
            one_shot(&body, Options::DEFAULT),
            Ok((response.header(), emm.to_vec()))
        );
        let limited = Options::new().with_max_emm_len(2);
        assert_eq!(
            one_shot(&body, limited),
            Err(Error::EmmTooLong { len: 3, limit: 2 })
        );
    }

    #[test]
    fn the_decoders_give_the_body_whatever_the_cuts() {
        let emm: Vec<u8> = (0..40).collect();
        let response = Response::new(1, 2, 3, &emm);
        let body = response.to_vec();
        let want = Ok((response.header(), emm.clone()));
        let mut text = vec![];
        response.encode_base64(LineWrap::Mime, &mut text);
        for cuts in [&[][..], &[1, 5, 12, 13][..], &[3, 3, 40][..]] {
            let raw = split_at_cuts(&body, cuts);
            assert_eq!(decode_raw(&raw, Options::DEFAULT), want);
            assert_eq!(collect(&raw, Transport::Raw, Options::DEFAULT), want);
            assert_eq!(
                collect_into_bytes(&raw, Transport::Raw, Options::DEFAULT),
                want
            );
            let pieces = split_at_cuts(&text, cuts);
            assert_eq!(
                decode_transport(&pieces, Transport::Base64, Options::DEFAULT),
                want
            );
            assert_eq!(collect(&pieces, Transport::Auto, Options::DEFAULT), want);
        }
        // The short form, and an error, are outcomes too.
        let short = Response::rejection(600, 0).to_vec();
        let header = Header::short(600.into(), 0);
        assert_eq!(
            decode_raw(&[&short[..3], &short[3..]], Options::DEFAULT),
            Ok((header, vec![]))
        );
        let truncated = one_shot(&body[..10], Options::DEFAULT);
        assert_eq!(
            decode_raw(&[&body[..4], &body[4..10]], Options::DEFAULT),
            truncated
        );
        assert!(truncated.is_err());
    }

    #[test]
    fn the_split_verdict_rejects_any_disagreement() {
        let header = Header::short(1.into(), 2);
        let ok: Outcome = Ok((header, vec![]));
        let too_long = |len, limit| -> Outcome { Err(Error::EmmTooLong { len, limit }) };
        // Agreement passes; a decoder may stop early on the limit.
        assert_same_outcome(&ok, &ok.clone());
        assert_same_outcome(&too_long(11, 10), &too_long(20, 10));
        assert_same_outcome(&too_long(20, 10), &too_long(20, 10));
        // Anything else is a bug found.
        let other: Outcome = Ok((Header::short(1.into(), 3), vec![]));
        assert!(panics(|| assert_same_outcome(&ok, &other)));
        assert!(panics(|| assert_same_outcome(&ok, &too_long(20, 10))));
        assert!(panics(|| assert_same_outcome(
            &too_long(21, 10),
            &too_long(20, 10)
        )));
        assert!(panics(|| assert_same_outcome(
            &too_long(10, 10),
            &too_long(20, 10)
        )));
        assert!(panics(|| assert_same_outcome(
            &too_long(15, 9),
            &too_long(20, 10)
        )));
    }
}
