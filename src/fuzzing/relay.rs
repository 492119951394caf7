//! The relay oracle: a [`Relay`] fed any split of a body gives what the
//! decoders say it must (the body, the body with its header rewritten in
//! place, the refusal, or the decoders' error, with the relay's documented
//! exceptions), and its output transcodes to what the encoders write; and
//! its target, `relay_split`.
//!
//! The expectation is computed without the relay: where the body's header
//! ends (its 12th byte, or just past its 16th base64 letter) comes from the
//! bytes, what the header says and every error from a [`TransportDecoder`]
//! over the same pieces ([`decode_transport`]), and the rewritten text and
//! the refusal from the `base64` crate. The relay's own rules are then
//! applied in the order its documentation states them, per piece: the
//! body limit first, then the header (its errors, the hold-back bound, the
//! verdict), then what follows the header.

use alloc::vec;
use alloc::vec::Vec;

use ::base64::Engine;
use ::base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

use super::capped;
use super::split::{Outcome, chunks, decode_transport, options_and_splits};
use crate::base64::LineWrap;
use crate::decoder::{Transport, TransportDecoder};
use crate::relay::{
    HOLD_BACK, Policy, Relay, RelayError, RelayOptions, Transcoder, Verdict, Verify,
};
use crate::wire::HEADER_LEN;
use crate::{Encoding, Error, Form, Header, Options, Response};

/// Base64 letters of a full header (12 bytes are 4 whole groups).
const FULL_LETTERS: usize = 16;
/// Base64 letters of a short-form header (8 bytes: 2 groups and 3 letters).
const SHORT_LETTERS: usize = 11;

/// Which verdict the oracle's policy gives, so that fuzz bytes can pick one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VerdictKind {
    /// [`Verdict::Forward`].
    Forward,
    /// [`Verdict::Rewrite`] of the license status alone.
    RewriteStatus(u32),
    /// [`Verdict::Rewrite`] of every field (status, asset id, key id), in
    /// the upstream header's form (a short header takes no key id).
    RewriteAll(u32, u32, u32),
    /// [`Verdict::Rewrite`] to the other form: a full header becomes short,
    /// a short one full (key id 0). Always [`RelayError::FormChange`].
    RewriteToOtherForm,
    /// [`Verdict::Reject`] with a short refusal (status, asset id).
    Reject(u32, u32),
    /// [`Verdict::Reject`] with a full refusal (status, asset id, key id).
    RejectFull(u32, u32, u32),
}

/// Statuses a fuzz byte picks from: the spec's edges, the third-party
/// ranges' edges, and statuses whose raw first byte is a base64 letter.
const STATUSES: [u32; 16] = [
    0,
    1,
    2,
    6,
    46,
    511,
    512,
    600,
    768,
    769,
    999,
    1000,
    0x00FF_FFFF,
    0x0100_0000,
    0x2B00_0000,
    u32::MAX,
];

impl VerdictKind {
    /// The verdict for a body with this header.
    #[must_use]
    pub fn verdict(self, header: &Header) -> Verdict {
        match self {
            Self::Forward => Verdict::Forward,
            Self::RewriteStatus(status) => Verdict::Rewrite(Header {
                license_status: status.into(),
                ..*header
            }),
            Self::RewriteAll(status, asset_id, key_id) => Verdict::Rewrite(match header.form() {
                Form::Full => Header::full(status.into(), asset_id, key_id),
                Form::Short => Header::short(status.into(), asset_id),
            }),
            Self::RewriteToOtherForm => Verdict::Rewrite(match header.form() {
                Form::Full => Header::short(header.license_status, header.asset_id),
                Form::Short => Header::full(header.license_status, header.asset_id, 0),
            }),
            Self::Reject(status, asset_id) => {
                Verdict::Reject(Header::short(status.into(), asset_id))
            }
            Self::RejectFull(status, asset_id, key_id) => {
                Verdict::Reject(Header::full(status.into(), asset_id, key_id))
            }
        }
    }

    /// The kind a fuzz byte picks: its low 3 bits the kind (Forward twice
    /// as likely, Reject too), its high 5 the status; `a` and `b` give the
    /// asset and key ids.
    #[must_use]
    pub fn pick(byte: u8, a: u8, b: u8) -> Self {
        let status = STATUSES[usize::from(byte >> 3) % STATUSES.len()];
        let (a, b) = (u32::from(a), u32::from(b) << 8 | u32::from(a));
        match byte & 7 {
            1 => Self::RewriteStatus(status),
            2 => Self::RewriteAll(status, a, b),
            3 => Self::RewriteToOtherForm,
            4 | 7 => Self::Reject(status, a),
            5 => Self::RejectFull(status, a, b),
            _ => Self::Forward,
        }
    }
}

/// The oracle's policy: the verdict of its kind, and what it was asked.
struct Judge {
    kind: VerdictKind,
    calls: usize,
    asked: Option<(Header, Verdict)>,
}

impl Policy for Judge {
    fn verdict(&mut self, header: &Header) -> Verdict {
        let verdict = self.kind.verdict(header);
        self.calls += 1;
        self.asked = Some((*header, verdict));
        verdict
    }
}

/// Runs a [`Relay`] over `pieces` with the policy `verdict`, and returns
/// what it gave to forward (the `held` then the `chunk` of every `feed`,
/// then `finish`'s), or its error. Checks the relay's own promises on the
/// way: it holds at most [`HOLD_BACK`] bytes (12 raw); each chunk it hands
/// back is a slice of the piece just fed; [`Relay::forwarded`] is what it
/// handed out; the policy is asked at most once, and the relay remembers
/// its header and verdict; a reject hands out the refusal alone, and
/// nothing after it; after an error every call returns that error, and
/// after the end every call is [`Error::AlreadyFinished`].
///
/// # Errors
/// The relay's error.
pub fn relay(
    pieces: &[&[u8]],
    options: RelayOptions,
    verdict: VerdictKind,
) -> Result<Vec<u8>, RelayError> {
    let judge = Judge {
        kind: verdict,
        calls: 0,
        asked: None,
    };
    let mut relay = Relay::new(options, judge);
    let total: usize = pieces.iter().map(|p| p.len()).sum();
    let mut out = Vec::with_capacity(total + HOLD_BACK);
    let mut result = Ok(());
    let mut taken = 0u64;
    for &piece in pieces {
        let rejected = relay.is_rejected();
        let before = out.len();
        match relay.feed(piece) {
            Ok(relayed) => {
                if !relayed.chunk.is_empty() {
                    let inside = piece.as_ptr_range();
                    let slice = relayed.chunk.as_ptr_range();
                    assert!(
                        inside.start <= slice.start && slice.end <= inside.end,
                        "the relayed chunk is not a slice of the piece fed"
                    );
                }
                assert!(!rejected || relayed.is_empty(), "forwarded after a reject");
                out.extend_from_slice(relayed.held);
                out.extend_from_slice(relayed.chunk);
            }
            Err(error) => {
                result = Err(error);
                break;
            }
        }
        if !rejected {
            taken += piece.len() as u64;
        }
        assert_eq!(relay.received(), taken, "received() is not the bytes taken");
        if !rejected && relay.is_rejected() {
            assert_eq!(before, 0, "a reject after bytes went out");
        }
        assert_holds_what_it_gave(&relay, &out);
    }
    if result.is_ok() {
        let rejected = relay.is_rejected();
        let before = out.len();
        match relay.finish() {
            Ok(last) => {
                assert!(last.chunk.is_empty(), "finish handed out a chunk");
                assert!(!rejected || last.is_empty(), "forwarded after a reject");
                out.extend_from_slice(last.held);
            }
            Err(error) => result = Err(error),
        }
        if !rejected && relay.is_rejected() {
            assert_eq!(before, 0, "a reject after bytes went out");
        }
        assert_holds_what_it_gave(&relay, &out);
    }
    assert!(relay.policy().calls <= 1, "the policy was asked twice");
    if let Some((header, verdict)) = relay.policy().asked {
        assert_eq!(relay.verdict(), Some(verdict));
        assert_eq!(relay.header(), Some(header));
        assert!(relay.is_decided());
    } else {
        assert_eq!(relay.verdict(), None);
        assert!(!relay.is_decided());
    }
    let forwarded = relay.forwarded();
    match result {
        Err(error) => {
            // Failed for good: every later call says so, nothing more goes out.
            assert_eq!(relay.error(), Some(error));
            assert_eq!(relay.feed(b"AAAA").err(), Some(error));
            assert_eq!(relay.finish().err(), Some(error));
            assert!(!relay.is_finished());
            assert_eq!(relay.forwarded(), forwarded);
            Err(error)
        }
        Ok(()) => {
            assert!(relay.is_finished() && relay.error().is_none());
            assert!(relay.is_decided(), "finished without a verdict");
            let offset = usize::try_from(relay.received()).unwrap_or(usize::MAX);
            let again = RelayError::Body(Error::AlreadyFinished { offset });
            assert_eq!(relay.feed(b"AAAA").err(), Some(again));
            assert_eq!(relay.finish().err(), Some(again));
            if let Some(Verdict::Reject(refusal)) = relay.verdict() {
                let response = Response::from_parts(refusal, &[]).expect("a refusal");
                let transport = relay.transport();
                let sent = match transport {
                    Transport::Base64 => {
                        let mut scratch = vec![];
                        Response::parse_base64(&out, &mut scratch, &Options::DEFAULT)
                            .map(|r| r.header())
                    }
                    _ => Response::parse(&out).map(|r| r.header()),
                };
                assert_eq!(
                    sent,
                    Ok(response.header()),
                    "a reject sent more than the refusal"
                );
            }
            Ok(out)
        }
    }
}

/// What a relay holds and what it says it forwarded, after each call.
fn assert_holds_what_it_gave<P: Policy>(relay: &Relay<P>, out: &[u8]) {
    assert!(relay.held_len() <= HOLD_BACK, "held {}", relay.held_len());
    if relay.transport() == Transport::Raw {
        assert!(relay.held_len() <= HEADER_LEN, "held {}", relay.held_len());
    }
    assert_eq!(
        relay.forwarded(),
        out.len() as u64,
        "forwarded() is not the output"
    );
}

/// The relay oracle: a [`Relay`] over `pieces` (which make up `body`) gives
/// exactly what the decoders say it must:
/// - forward: the body, byte for byte;
/// - rewrite to a header of the same form: the body with the header
///   replaced in place (raw: its 12 or 8 bytes; base64: its first 16 or 11
///   letters, every other byte where it was), which decodes to the new
///   header and the same EMM; to the other form, [`RelayError::FormChange`];
/// - reject: the refusal header alone, in the body's transport (base64:
///   one padded line, with a `\n` for [`LineWrap::Mime`]), whatever follows
///   the header;
/// - an error: `RelayError::Body` of the decoders' error for these pieces,
///   except (1) a base64 header whose 16th letter is not within the first
///   [`HOLD_BACK`] bytes, or a short or truncated text longer than that:
///   [`RelayError::HoldBack`] (unless the decoders fail within those
///   bytes); (2) base64 at [`Verify::Header`]: nothing after the header is
///   read, and `max_emm_len` is held per piece against the bound
///   `N/4*3 + (N%4).saturating_sub(1)` of the `N` text bytes after it;
///   (3) `max_body_len`: [`RelayError::BodyTooLong`] at the piece that
///   crosses it, before anything else; (4) after a reject nothing is read.
///
/// A successful output transcodes, piece by piece, to what the encoders
/// write for it. Panics on any difference.
pub fn assert_relay_matches(
    body: &[u8],
    pieces: &[&[u8]],
    options: RelayOptions,
    verdict: VerdictKind,
) {
    let got = relay(pieces, options, verdict);
    assert_relayed(body, pieces, options, verdict, &got);
}

/// The oracle's verdict on `got`, a relay's result for `pieces` of `body`.
fn assert_relayed(
    body: &[u8],
    pieces: &[&[u8]],
    options: RelayOptions,
    verdict: VerdictKind,
    got: &Result<Vec<u8>, RelayError>,
) {
    assert_eq!(pieces.concat(), body, "the pieces are not the body");
    let expected = Expected::of(body, pieces, options, verdict);
    assert_eq!(
        got,
        &expected.result,
        "the relay disagrees with the oracle ({options:?}, {verdict:?}, pieces {:?})",
        pieces.iter().map(|p| p.len()).collect::<Vec<_>>()
    );
    let Ok(output) = got else { return };
    let transport = expected.transport;
    if let Some(Verdict::Rewrite(new)) = expected.verdict {
        assert_rewritten(body, output, pieces, transport, options.options, new);
    }
    assert_transcodes(output, pieces, transport);
}

/// What the relay must give for a body, and how the oracle got there.
struct Expected {
    /// The transport the body is read as (`Auto` decided).
    transport: Transport,
    /// The verdict, when the header was decided.
    verdict: Option<Verdict>,
    result: Result<Vec<u8>, RelayError>,
}

/// When something happens: the piece it happens in (`pieces.len()` for
/// `finish`), and the step of the relay's work on that piece: 0 the body
/// limit, 1 the header, 2 what follows it.
type When = (usize, u8);

impl Expected {
    fn of(body: &[u8], pieces: &[&[u8]], options: RelayOptions, kind: VerdictKind) -> Self {
        let transport = options.transport.resolve(body);
        let limits = options.options;
        let finish = pieces.len();
        let ends: Vec<usize> = pieces
            .iter()
            .scan(0, |end, piece| {
                *end += piece.len();
                Some(*end)
            })
            .collect();
        let piece_of = |offset: usize| ends.iter().position(|&end| end > offset).unwrap_or(finish);

        // The decoders' outcome, and the piece they fail in.
        let (failed_at, whole) = decoders(pieces, transport, limits);
        assert_eq!(
            whole,
            decode_transport(pieces, transport, limits),
            "the oracle's decoder loop disagrees with the split oracle"
        );

        // Things that stop the relay: the first one wins.
        let mut stops: Vec<(When, Result<Vec<u8>, RelayError>)> = vec![];
        if let Some(index) = ends
            .iter()
            .position(|&end| end as u64 > options.max_body_len)
        {
            let len = ends[index] as u64;
            let error = RelayError::BodyTooLong {
                len,
                limit: options.max_body_len,
            };
            stops.push(((index, 0), Err(error)));
        }

        // Where the header ends, from the bytes alone.
        let letters: Vec<usize> = letter_offsets(body);
        let (header_end, held) = if transport == Transport::Base64 {
            match letters.get(FULL_LETTERS - 1) {
                Some(&at) if at < HOLD_BACK => (Some(at + 1), at + 1),
                _ if body.len() <= HOLD_BACK => (None, body.len()),
                _ => (None, HOLD_BACK),
            }
        } else if body.len() >= HEADER_LEN {
            (Some(HEADER_LEN), HEADER_LEN)
        } else {
            (None, body.len())
        };

        let mut decided = None;
        match header_text(pieces, transport, limits, held) {
            Err((index, error)) => stops.push(((index, 1), Err(RelayError::Body(error)))),
            Ok(header) => match header_end {
                Some(end) => {
                    let header = header.expect("the decoders saw no complete header");
                    decided = Some((piece_of(end - 1), header));
                }
                None if held < body.len() => {
                    let error = RelayError::HoldBack {
                        letters: letters.iter().filter(|&&at| at < HOLD_BACK).count(),
                        bound: HOLD_BACK,
                    };
                    stops.push(((piece_of(HOLD_BACK), 1), Err(error)));
                }
                // The short form, or a truncated body: known at the end.
                None => match &whole {
                    Err(error) => {
                        assert_eq!(failed_at, finish, "an error before the end of the header");
                        stops.push(((finish, 1), Err(RelayError::Body(*error))));
                    }
                    Ok((header, _)) => decided = Some((finish, *header)),
                },
            },
        }

        let mut output = None;
        let mut verdict = None;
        if let Some((at, header)) = decided {
            let said = kind.verdict(&header);
            verdict = Some(said);
            match said {
                Verdict::Forward => output = Some(body.to_vec()),
                Verdict::Rewrite(new) if new.form() != header.form() => {
                    let error = RelayError::FormChange {
                        from: header.form(),
                        to: new.form(),
                    };
                    stops.push(((at, 1), Err(error)));
                }
                Verdict::Rewrite(new) => output = Some(rewritten(body, transport, &new)),
                Verdict::Reject(refusal) => {
                    let text = refusal_bytes(&refusal, transport, options.refusal_wrap);
                    stops.push(((at, 1), Ok(text)));
                }
            }
            // After a full header, what the relay reads of the rest.
            if let Some(end) = header_end {
                match (transport, options.verify) {
                    (Transport::Base64, Verify::Header) => {
                        if let Some(limit) = limits.max_emm_len {
                            let over = (at..finish).find_map(|index| {
                                let bound = text_bound(ends[index] - end);
                                (bound > limit).then_some((index, bound))
                            });
                            if let Some((index, len)) = over {
                                let error = RelayError::Body(Error::EmmTooLong { len, limit });
                                stops.push(((index, 2), Err(error)));
                            }
                        }
                    }
                    _ => {
                        if let Err(error) = whole {
                            assert!(failed_at >= at, "an error before the header's end");
                            stops.push(((failed_at, 2), Err(RelayError::Body(error))));
                        }
                    }
                }
            }
        }

        let first = stops.into_iter().min_by_key(|(when, _)| *when);
        let result = match first {
            Some((_, result)) => result,
            None => Ok(output.expect("neither an output nor a stop")),
        };
        let verdict = verdict.filter(|_| result.is_ok());
        Self {
            transport,
            verdict,
            result,
        }
    }
}

/// Runs a [`TransportDecoder`] over `pieces`: the outcome, and the piece it
/// failed in (`pieces.len()` for `finish`).
fn decoders(pieces: &[&[u8]], transport: Transport, options: Options) -> (usize, Outcome) {
    let mut decoder = TransportDecoder::new(options, transport);
    let mut header = None;
    let mut emm = vec![];
    for (index, &piece) in pieces.iter().enumerate() {
        match decoder.feed(piece) {
            Ok(progress) => {
                header = header.or(progress.header);
                emm.extend_from_slice(progress.emm);
            }
            Err(error) => return (index, Err(error)),
        }
    }
    let outcome = decoder.finish().map(|end| {
        emm.extend_from_slice(end.emm);
        (
            header.or(end.header).expect("finished without a header"),
            emm,
        )
    });
    (pieces.len(), outcome)
}

/// Feeds a [`TransportDecoder`] the first `len` bytes of the body, in the
/// same pieces, without finishing: the header if they complete it, or the
/// piece the decoder failed in and its error.
fn header_text(
    pieces: &[&[u8]],
    transport: Transport,
    options: Options,
    len: usize,
) -> Result<Option<Header>, (usize, Error)> {
    let mut decoder = TransportDecoder::new(options, transport);
    let mut header = None;
    let mut start = 0;
    for (index, &piece) in pieces.iter().enumerate() {
        let take = len.saturating_sub(start).min(piece.len());
        start += piece.len();
        match decoder.feed(&piece[..take]) {
            Ok(progress) => header = header.or(progress.header),
            Err(error) => return Err((index, error)),
        }
        if start >= len {
            break;
        }
    }
    Ok(header)
}

/// A character of the standard base64 alphabet (`=` excluded).
const fn is_letter(byte: u8) -> bool {
    matches!(byte, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/')
}

/// The offsets of the base64 letters of `text`.
fn letter_offsets(text: &[u8]) -> Vec<usize> {
    (0..text.len()).filter(|&at| is_letter(text[at])).collect()
}

/// The most bytes `n` text bytes decode to, as the relay bounds an EMM at
/// [`Verify::Header`].
const fn text_bound(n: usize) -> usize {
    n / 4 * 3 + (n % 4).saturating_sub(1)
}

/// `body` with its header replaced by `new` (of the same form), in place:
/// raw, its first 12 or 8 bytes; base64, its first 16 or 11 letters, one
/// for one, every other byte where it was.
fn rewritten(body: &[u8], transport: Transport, new: &Header) -> Vec<u8> {
    let bytes = new.to_bytes();
    let mut out = body.to_vec();
    if transport == Transport::Base64 {
        let text = STANDARD_NO_PAD.encode(&*bytes);
        let mut letters = text.bytes();
        for at in letter_offsets(body).into_iter().take(text.len()) {
            out[at] = letters.next().expect("as many letters as the header");
        }
    } else {
        out[..bytes.len()].copy_from_slice(&bytes);
    }
    out
}

/// The refusal alone, as the relay sends it: raw, its bytes; base64, one
/// padded line, ending in `\n` for [`LineWrap::Mime`].
fn refusal_bytes(refusal: &Header, transport: Transport, wrap: LineWrap) -> Vec<u8> {
    let bytes = refusal.to_bytes();
    if transport != Transport::Base64 {
        return bytes.to_vec();
    }
    let mut text = STANDARD.encode(&*bytes).into_bytes();
    if wrap == LineWrap::Mime {
        text.push(b'\n');
    }
    text
}

/// A rewrite changed nothing but the header: the output has the body's
/// length, differs from it only in the header (raw: its first 12 or 8
/// bytes; base64: at its first 16 or 11 letters), and decodes, in the same
/// pieces, to the new header and the body's EMM (or to the body's error,
/// for a base64 text whose EMM the relay did not read).
fn assert_rewritten(
    body: &[u8],
    output: &[u8],
    pieces: &[&[u8]],
    transport: Transport,
    options: Options,
    new: Header,
) {
    assert_eq!(output.len(), body.len(), "a rewrite changed the length");
    let header_len = match (transport, new.form()) {
        (Transport::Base64, Form::Full) => FULL_LETTERS,
        (Transport::Base64, Form::Short) => SHORT_LETTERS,
        _ => new.encoded_len(),
    };
    let header: Vec<usize> = match transport {
        Transport::Base64 => letter_offsets(body).into_iter().take(header_len).collect(),
        _ => (0..header_len).collect(),
    };
    assert_eq!(
        header.len(),
        header_len,
        "the body has no header to rewrite"
    );
    for at in 0..body.len() {
        assert!(
            output[at] == body[at] || header.contains(&at),
            "a rewrite changed byte {at}, outside the header"
        );
    }
    let cut = same_cuts(output, pieces);
    let was = decode_transport(pieces, transport, options);
    let now = decode_transport(&cut, transport, options);
    match was {
        Ok((_, emm)) => assert_eq!(now, Ok((new, emm)), "the rewritten body decodes otherwise"),
        Err(error) => assert_eq!(now, Err(error), "the rewritten body fails otherwise"),
    }
}

/// `output` cut where `pieces` are cut (a shorter output ends early).
fn same_cuts<'o>(output: &'o [u8], pieces: &[&[u8]]) -> Vec<&'o [u8]> {
    let mut start = 0;
    let mut cut = vec![];
    for piece in pieces {
        let from = start.min(output.len());
        start += piece.len();
        cut.push(&output[from..start.min(output.len())]);
    }
    let from = start.min(output.len());
    cut.push(&output[from..]);
    cut
}

/// A relayed body, fed in the pieces of the upstream's, transcodes to what
/// the encoders write for the response it carries: raw to base64 (one line
/// and MIME), base64 to raw; no call writes more than its bound, and the
/// length announced beforehand is the length written.
fn assert_transcodes(output: &[u8], pieces: &[&[u8]], transport: Transport) {
    let cut = same_cuts(output, pieces);
    let len = output.len() as u64;
    if transport == Transport::Base64 {
        let mut scratch = vec![];
        let want =
            Response::parse_base64(output, &mut scratch, &Options::DEFAULT).map(|r| r.to_vec());
        let got = transcode(&cut, Transcoder::new(transport, Encoding::Raw));
        assert_eq!(got, want, "base64 to raw");
        assert_eq!(Transcoder::output_len(transport, Encoding::Raw, len), None);
        return;
    }
    let response = Response::parse(output).expect("a relayed raw body parses");
    for wrap in [LineWrap::None, LineWrap::Mime] {
        let to = Encoding::Base64(wrap);
        let mut want = vec![];
        response.encode_base64(wrap, &mut want);
        assert_eq!(
            transcode(&cut, Transcoder::new(transport, to)),
            Ok(want.clone())
        );
        assert_eq!(
            Transcoder::output_len(transport, to, len),
            Some(want.len() as u64)
        );
    }
}

/// Runs `transcoder` over `pieces`, each call into a buffer of exactly its
/// announced bound.
fn transcode(pieces: &[&[u8]], mut transcoder: Transcoder) -> Result<Vec<u8>, Error> {
    assert!(!transcoder.is_identity());
    let mut out = vec![];
    for piece in pieces {
        let at = out.len();
        let bound = transcoder.output_bound(piece.len());
        out.resize(at + bound, 0);
        let written = transcoder.transcode(piece, &mut out[at..])?;
        assert!(written <= bound);
        out.truncate(at + written);
    }
    let at = out.len();
    let bound = transcoder.finish_bound();
    out.resize(at + bound, 0);
    let written = transcoder.finish(&mut out[at..])?;
    assert!(written <= bound);
    out.truncate(at + written);
    Ok(out)
}

/// What a corrupting byte becomes.
const CORRUPT: [u8; 8] = [b'*', b'=', b' ', b'\t', b'\n', 0x00, b'-', b'A'];

/// A body built from fuzz bytes, `shape` (0–7) saying how:
/// 0 the payload as it came (arbitrary bytes or text); 1 a raw full body
/// (the payload, zero-padded to 12 bytes); 2 a raw short form (its first 8
/// bytes); 3–7 that body (short when `flags` bit 3 is set) as base64: one
/// padded line, MIME `\n` at 76, `\r\n` at 76, `\n` at 64, one unpadded
/// line. `flags` bit 0 puts `5 × (flags >> 4)` newlines first, bit 1 a
/// trailing `" \n"`, bit 2 replaces the byte at `at` by a `CORRUPT` one
/// (`tail & 7`); `tail` bit 7 drops the last `tail & 31` bytes.
fn build_body(shape: u8, flags: u8, at: u8, tail: u8, payload: &[u8]) -> Vec<u8> {
    let full = || {
        let mut raw = payload.to_vec();
        if raw.len() < HEADER_LEN {
            raw.resize(HEADER_LEN, 0);
        }
        raw
    };
    let short = || {
        let mut raw = payload.get(..8).unwrap_or(payload).to_vec();
        raw.resize(8, 0);
        raw
    };
    let raw = if shape >= 3 && flags & 8 != 0 {
        short()
    } else {
        full()
    };
    let mut body = match shape {
        0 => payload.to_vec(),
        1 => full(),
        2 => short(),
        3 => STANDARD.encode(&raw).into_bytes(),
        4 => wrapped(&raw, 76, b"\n"),
        5 => wrapped(&raw, 76, b"\r\n"),
        6 => wrapped(&raw, 64, b"\n"),
        _ => STANDARD_NO_PAD.encode(&raw).into_bytes(),
    };
    if flags & 1 != 0 {
        let newlines = 5 * usize::from(flags >> 4);
        body.splice(0..0, core::iter::repeat_n(b'\n', newlines));
    }
    if flags & 2 != 0 {
        body.extend_from_slice(b" \n");
    }
    if flags & 4 != 0 && !body.is_empty() {
        let at = usize::from(at) % body.len();
        body[at] = CORRUPT[usize::from(tail & 7)];
    }
    if tail & 0x80 != 0 {
        body.truncate(body.len().saturating_sub(usize::from(tail & 31)));
    }
    body
}

/// `raw` as padded base64 in lines of `columns`, each ending in `newline`.
fn wrapped(raw: &[u8], columns: usize, newline: &[u8]) -> Vec<u8> {
    let text = STANDARD.encode(raw).into_bytes();
    let mut out = Vec::with_capacity(text.len() + text.len() / columns * 2 + 2);
    for line in text.chunks(columns) {
        out.extend_from_slice(line);
        out.extend_from_slice(newline);
    }
    out
}

/// A body relayed in fuzz-chosen pieces, under fuzz-chosen options and
/// verdict, gives what [`assert_relay_matches`] expects.
///
/// The input: the two bytes `options_and_splits` reads (short form,
/// `max_emm_len` up to 63; chunk sizes), then five control bytes and the
/// payload (at most [`MAX_BASE64_INPUT`](super::MAX_BASE64_INPUT) bytes):
/// - `mode`: bits 0–1 the transport (raw, base64, auto, auto), bit 2
///   [`Verify::Body`], bit 3 MIME refusals, bits 4–6 the body's shape (see
///   `build_body`: as it came, raw full, raw short, base64 in five
///   layouts), bit 7 `max_body_len` = `at`;
/// - `pick`: the verdict ([`VerdictKind::pick`] with `at` and `flags`);
/// - `at`: the body limit, the asset id, where to corrupt;
/// - `flags`: leading newlines, trailing whitespace, a corrupt byte, the
///   short form;
/// - `tail`: the corrupting byte and a truncation.
pub fn relay_split(data: &[u8]) {
    let (limits, sizes, rest) = options_and_splits(data);
    let mut control = [0u8; 5];
    let (head, payload) = rest.split_at(control.len().min(rest.len()));
    control[..head.len()].copy_from_slice(head);
    let [mode, pick, at, flags, tail] = control;
    let transport = match mode & 3 {
        0 => Transport::Raw,
        1 => Transport::Base64,
        _ => Transport::Auto,
    };
    let verify = if mode & 4 != 0 {
        Verify::Body
    } else {
        Verify::Header
    };
    let wrap = if mode & 8 != 0 {
        LineWrap::Mime
    } else {
        LineWrap::None
    };
    let max_body_len = if mode & 0x80 != 0 {
        u64::from(at)
    } else {
        u64::MAX
    };
    let options = RelayOptions::new(transport)
        .with_options(limits)
        .with_max_body_len(max_body_len)
        .with_verify(verify)
        .with_refusal_wrap(wrap);
    let body = build_body((mode >> 4) & 7, flags, at, tail, capped(payload));
    let pieces = chunks(&body, sizes);
    assert_relay_matches(&body, &pieces, options, VerdictKind::pick(pick, at, flags));
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use crate::fuzzing::tests::panics;

    /// Status 1, asset 12345, key 7, EMM CA FE.
    const RAW: [u8; 14] = [0, 0, 0, 1, 0, 0, 0x30, 0x39, 0, 0, 0, 7, 0xCA, 0xFE];
    /// The same body as base64, its header cut by a CRLF.
    const TEXT: &[u8] = b"AAAAAQ\r\nAAMDkAAAAHyv4=\r\n";

    fn base64() -> RelayOptions {
        RelayOptions::new(Transport::Base64)
    }

    fn expected(
        body: &[u8],
        cuts: &[usize],
        options: RelayOptions,
        kind: VerdictKind,
    ) -> Result<Vec<u8>, RelayError> {
        let pieces = crate::fuzzing::split_at_cuts(body, cuts);
        Expected::of(body, &pieces, options, kind).result
    }

    #[test]
    fn the_oracle_expects_what_the_relay_documents() {
        // Forward: the body; rewrite: in place, the CRLF where it was.
        let raw = RelayOptions::new(Transport::Raw);
        assert_eq!(
            expected(&RAW, &[5], raw, VerdictKind::Forward),
            Ok(RAW.to_vec())
        );
        let status_2 = VerdictKind::RewriteStatus(2);
        let mut want = RAW.to_vec();
        want[3] = 2;
        assert_eq!(expected(&RAW, &[5], raw, status_2), Ok(want));
        assert_eq!(
            expected(TEXT, &[3, 9], base64(), status_2),
            Ok(b"AAAAAg\r\nAAMDkAAAAHyv4=\r\n".to_vec())
        );
        // Reject: the refusal alone, one line or MIME.
        let reject = VerdictKind::Reject(600, 13);
        assert_eq!(
            expected(TEXT, &[], base64(), reject),
            Ok(b"AAACWAAAAA0=".to_vec())
        );
        let mime = base64().with_refusal_wrap(LineWrap::Mime);
        assert_eq!(
            expected(TEXT, &[], mime, reject),
            Ok(b"AAACWAAAAA0=\n".to_vec())
        );
        // The other form: refused.
        assert_eq!(
            expected(TEXT, &[2], base64(), VerdictKind::RewriteToOtherForm),
            Err(RelayError::FormChange {
                from: Form::Full,
                to: Form::Short
            })
        );
        // 65 newlines first: the 16th letter is past the hold-back bound.
        let mut spread = vec![b'\n'; 65];
        spread.extend_from_slice(TEXT);
        assert_eq!(
            expected(&spread, &[30], base64(), VerdictKind::Forward),
            Err(RelayError::HoldBack {
                letters: 0,
                bound: HOLD_BACK
            })
        );
        // The body limit comes first, with the bytes received.
        let limited = base64().with_max_body_len(10);
        assert_eq!(
            expected(TEXT, &[4, 12], limited, reject),
            Err(RelayError::BodyTooLong { len: 12, limit: 10 })
        );
        // ... but a reject decided before it stops the reading.
        assert_eq!(
            expected(TEXT, &[20], limited.with_max_body_len(20), reject),
            Ok(b"AAACWAAAAA0=".to_vec())
        );
    }

    #[test]
    fn base64_at_header_level_bounds_the_emm_and_reads_nothing_else() {
        let mut bad = TEXT.to_vec();
        bad[18] = b'*';
        // Not read at Verify::Header, found at Verify::Body.
        assert_eq!(
            expected(&bad, &[9], base64(), VerdictKind::Forward),
            Ok(bad.clone())
        );
        let body = base64().with_verify(Verify::Body);
        assert!(matches!(
            expected(&bad, &[9], body, VerdictKind::Forward),
            Err(RelayError::Body(Error::InvalidBase64 { offset: 18, .. }))
        ));
        // 6 text bytes after the header bound the EMM at 4 (it is 2).
        let limited = base64().with_options(Options::new().with_max_emm_len(3));
        assert_eq!(
            expected(TEXT, &[], limited, VerdictKind::Forward),
            Err(RelayError::Body(Error::EmmTooLong { len: 4, limit: 3 }))
        );
        assert_eq!(
            expected(
                TEXT,
                &[],
                limited.with_verify(Verify::Body),
                VerdictKind::Forward
            ),
            Ok(TEXT.to_vec())
        );
    }

    #[test]
    fn the_oracle_rejects_a_wrong_relay_output() {
        let pieces = crate::fuzzing::split_at_cuts(TEXT, &[3, 9]);
        let status_2 = VerdictKind::RewriteStatus(2);
        let good = relay(&pieces, base64(), status_2);
        assert_relayed(TEXT, &pieces, base64(), status_2, &good);
        // One byte changed, outside or inside the header; a byte dropped;
        // the body forwarded unchanged; an error instead.
        let mut tampered = good.clone().unwrap();
        tampered[20] = b'A';
        assert!(panics(|| assert_relayed(
            TEXT,
            &pieces,
            base64(),
            status_2,
            &Ok(tampered)
        )));
        let mut tampered = good.clone().unwrap();
        tampered[0] = b'B';
        assert!(panics(|| assert_relayed(
            TEXT,
            &pieces,
            base64(),
            status_2,
            &Ok(tampered)
        )));
        let mut tampered = good.clone().unwrap();
        tampered.pop();
        assert!(panics(|| assert_relayed(
            TEXT,
            &pieces,
            base64(),
            status_2,
            &Ok(tampered)
        )));
        assert!(panics(|| assert_relayed(
            TEXT,
            &pieces,
            base64(),
            status_2,
            &Ok(TEXT.to_vec())
        )));
        let error = Err(RelayError::HoldBack {
            letters: 6,
            bound: HOLD_BACK,
        });
        assert!(panics(|| assert_relayed(
            TEXT,
            &pieces,
            base64(),
            status_2,
            &error
        )));
        // A refusal with a line break it was not asked for.
        let reject = VerdictKind::Reject(600, 0);
        assert!(panics(|| assert_relayed(
            TEXT,
            &pieces,
            base64(),
            reject,
            &Ok(b"AAACWAAAAAA=\n".to_vec())
        )));
        assert_relayed(
            TEXT,
            &pieces,
            base64(),
            reject,
            &Ok(b"AAACWAAAAAA=".to_vec()),
        );
        // An error at another offset.
        let mut bad = TEXT.to_vec();
        bad[18] = b'*';
        let pieces = crate::fuzzing::split_at_cuts(&bad, &[9]);
        let body = base64().with_verify(Verify::Body);
        let good = relay(&pieces, body, VerdictKind::Forward);
        assert_relayed(&bad, &pieces, body, VerdictKind::Forward, &good);
        let Err(RelayError::Body(Error::InvalidBase64 { byte, expected, .. })) = good else {
            panic!("{good:?}");
        };
        let moved = Err(RelayError::Body(Error::InvalidBase64 {
            offset: 17,
            byte,
            expected,
        }));
        assert!(panics(|| assert_relayed(
            &bad,
            &pieces,
            body,
            VerdictKind::Forward,
            &moved
        )));
    }

    #[test]
    fn the_rewrite_check_rejects_a_change_outside_the_header() {
        let pieces = [&RAW[..]];
        let new = Header::full(2.into(), 12345, 7);
        let mut good = RAW.to_vec();
        good[3] = 2;
        assert_rewritten(&RAW, &good, &pieces, Transport::Raw, Options::DEFAULT, new);
        let mut outside = good.clone();
        outside[13] = 0;
        assert!(panics(|| assert_rewritten(
            &RAW,
            &outside,
            &pieces,
            Transport::Raw,
            Options::DEFAULT,
            new
        )));
        // The right bytes changed, but not to the new header.
        assert!(panics(|| assert_rewritten(
            &RAW,
            &RAW,
            &pieces,
            Transport::Raw,
            Options::DEFAULT,
            new
        )));
    }

    #[test]
    fn the_transcoding_check_rejects_a_wrong_body() {
        assert_transcodes(&RAW, &[&RAW[..3], &RAW[3..]], Transport::Raw);
        assert_transcodes(TEXT, &[&TEXT[..5], &TEXT[5..]], Transport::Base64);
        // Not a body: the raw check refuses it.
        assert!(panics(|| assert_transcodes(
            &RAW[..10],
            &[&RAW[..10]],
            Transport::Raw
        )));
    }

    #[test]
    fn bodies_are_built_as_the_control_bytes_say() {
        let payload: Vec<u8> = RAW.to_vec();
        assert_eq!(build_body(0, 0, 0, 0, &payload[..3]), payload[..3]);
        assert_eq!(
            build_body(1, 0, 0, 0, &payload[..3]),
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        );
        assert_eq!(build_body(2, 0, 0, 0, &payload), payload[..8]);
        assert_eq!(build_body(3, 0, 0, 0, &payload), b"AAAAAQAAMDkAAAAHyv4=");
        assert_eq!(
            build_body(5, 0, 0, 0, &payload),
            b"AAAAAQAAMDkAAAAHyv4=\r\n"
        );
        assert_eq!(build_body(7, 8, 0, 0, &payload), b"AAAAAQAAMDk");
        // Newlines first, whitespace last, a byte corrupted, bytes dropped.
        assert_eq!(
            build_body(3, 0x11, 0, 0, &payload),
            b"\n\n\n\n\nAAAAAQAAMDkAAAAHyv4="
        );
        assert_eq!(build_body(3, 2, 0, 0, &payload), b"AAAAAQAAMDkAAAAHyv4= \n");
        assert_eq!(build_body(3, 4, 1, 0, &payload), b"A*AAAQAAMDkAAAAHyv4=");
        assert_eq!(build_body(3, 0, 0, 0x83, &payload), b"AAAAAQAAMDkAAAAHy");
    }

    #[test]
    fn the_target_holds_on_bodies_of_every_shape() {
        // Every mode byte natively; under miri, which interprets each of
        // these 3,072 runs thousands of times slower, six of them spread
        // over the byte (the native run covers the rest).
        let step = if cfg!(miri) { 51 } else { 1 };
        for mode in (0..=255u8).step_by(step) {
            for pick in [0u8, 1, 2, 3, 4, 5] {
                let mut data = vec![0b10, 2, 3, 7, mode, pick, 20, 0x21, 0x85];
                data.extend_from_slice(&RAW);
                relay_split(&data);
                data[0] = 0b1011;
                relay_split(&data);
            }
        }
        relay_split(&[]);
        relay_split(&[0, 0, 1]);
    }
}
