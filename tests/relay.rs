//! The relay (`getemms::relay`): named fixtures that read like its
//! documentation, and property tests that run the relay oracle
//! (`getemms::fuzzing::assert_relay_matches`) over any body, any split,
//! every transport, verification level, verdict and limit.

// `getemms::fuzzing` and the encoders that return a `Vec` need `alloc`.
#![cfg(feature = "alloc")]

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use getemms::base64::LineWrap;
use getemms::fuzzing::{VerdictKind, assert_relay_matches, split_at_cuts};
use getemms::relay::{
    ForwardAll, HOLD_BACK, Policy, Relay, RelayError, RelayOptions, Relayed, Verdict, Verify,
};
use getemms::{Error, Form, Header, LicenseStatus, Options, Response, Transport};
use proptest::prelude::*;

/// Everything a relay gave to forward for `pieces`, or its error.
fn run<P: Policy>(relay: &mut Relay<P>, pieces: &[&[u8]]) -> Result<Vec<u8>, RelayError> {
    let mut out = Vec::new();
    for piece in pieces {
        let relayed = relay.feed(piece)?;
        out.extend_from_slice(relayed.held);
        out.extend_from_slice(relayed.chunk);
    }
    out.extend_from_slice(relay.finish()?.held);
    Ok(out)
}

/// `response` as base64 on one padded line (PHP's `base64_encode`).
fn one_line(response: &Response<'_>) -> Vec<u8> {
    let mut text = Vec::new();
    response.encode_base64(LineWrap::None, &mut text);
    text
}

/// Padded base64 of `raw` in lines of `columns`, each ending in `newline`.
fn lines(raw: &[u8], columns: usize, newline: &str, last: bool) -> Vec<u8> {
    let text = STANDARD.encode(raw);
    let lines: Vec<&str> = text
        .as_bytes()
        .chunks(columns)
        .map(|l| std::str::from_utf8(l).unwrap())
        .collect();
    let mut out = lines.join(newline);
    if last {
        out.push_str(newline);
    }
    out.into_bytes()
}

/// Every verdict kind, with these values.
fn every_verdict() -> [VerdictKind; 6] {
    [
        VerdictKind::Forward,
        VerdictKind::RewriteStatus(46),
        VerdictKind::RewriteAll(600, 13, 99),
        VerdictKind::RewriteToOtherForm,
        VerdictKind::Reject(600, 13),
        VerdictKind::RejectFull(600, 13, 99),
    ]
}

#[test]
fn a_php_one_line_body_is_rewritten_in_place() {
    // status 46 ("unknown code"), asset 12345, key 7, EMM CA FE BA BE
    let upstream = Response::new(46, 12345, 7, &[0xCA, 0xFE, 0xBA, 0xBE]);
    let text = one_line(&upstream);
    assert_eq!(text, b"AAAALgAAMDkAAAAHyv66vg==");
    let mut relay = Relay::new(RelayOptions::new(Transport::Auto), |header: &Header| {
        Verdict::Rewrite(Header {
            license_status: LicenseStatus::from(6),
            ..*header
        })
    });
    let out = run(&mut relay, &[&text[..10], &text[10..]]).unwrap();
    assert_eq!(out, b"AAAABgAAMDkAAAAHyv66vg==");
    assert_eq!(
        out,
        one_line(&Response::new(6, 12345, 7, &[0xCA, 0xFE, 0xBA, 0xBE]))
    );
    assert_eq!(relay.transport(), Transport::Base64);
    assert_eq!(relay.header(), Some(upstream.header()));
    assert_eq!(relay.forwarded(), text.len() as u64);
}

#[test]
fn a_java_mime_body_whose_header_crosses_a_line_break_keeps_its_layout() {
    // Java's `Base64.getMimeEncoder(12, "\r\n".getBytes())`: lines of 12,
    // CRLF between them, none after the last. The header's 16 letters are
    // the first line and 4 letters of the second.
    let upstream = Response::new(1, 12345, 7, &[0xCA, 0xFE, 0xBA, 0xBE]);
    let text = lines(&upstream.to_vec(), 12, "\r\n", false);
    assert_eq!(text, b"AAAAAQAAMDkA\r\nAAAHyv66vg==");
    let to_600_asset_13 = |header: &Header| {
        Verdict::Rewrite(Header {
            license_status: LicenseStatus::from(600),
            asset_id: 13,
            ..*header
        })
    };
    // Every split, the break itself included.
    for cut in 0..=text.len() {
        let mut relay = Relay::new(RelayOptions::new(Transport::Base64), to_600_asset_13);
        let out = run(&mut relay, &[&text[..cut], &text[cut..]]).unwrap();
        // 600 = 0x258, asset 13, key 7: AAACWAAAAA0AAAAH, cut where it was.
        assert_eq!(out, b"AAACWAAAAA0A\r\nAAAHyv66vg==", "cut {cut}");
    }
    for verdict in every_verdict() {
        for cut in 0..=text.len() {
            let pieces = [&text[..cut], &text[cut..]];
            for verify in [Verify::Header, Verify::Body] {
                let options = RelayOptions::new(Transport::Base64).with_verify(verify);
                assert_relay_matches(&text, &pieces, options, verdict);
            }
        }
    }
}

#[test]
fn the_short_form_is_decided_at_finish() {
    let refusal = Response::rejection(600, 13);
    let raw = refusal.to_vec();
    let text = one_line(&refusal);
    assert_eq!(text, b"AAACWAAAAA0=");
    let rewrite = |header: &Header| {
        Verdict::Rewrite(Header {
            asset_id: 14,
            ..*header
        })
    };
    for (body, transport, want) in [
        (
            &raw[..],
            Transport::Raw,
            &[0u8, 0, 2, 0x58, 0, 0, 0, 14][..],
        ),
        (&text[..], Transport::Base64, b"AAACWAAAAA4="),
    ] {
        let mut relay = Relay::new(RelayOptions::new(transport), rewrite);
        for byte in body.chunks(1) {
            // Eight bytes could still become a full header: all held.
            assert!(relay.feed(byte).unwrap().is_empty());
            assert!(!relay.is_decided());
        }
        assert_eq!(relay.held_len(), body.len());
        assert_eq!(relay.forwarded(), 0);
        let last = relay.finish().unwrap();
        assert_eq!(last.held, want);
        assert!(last.chunk.is_empty());
        assert_eq!(relay.header(), Some(Header::short(600.into(), 13)));
        assert!(relay.is_finished());
        // To the full form: refused, nothing forwarded.
        let mut relay = Relay::new(RelayOptions::new(transport), |header: &Header| {
            Verdict::Rewrite(Header {
                key_id: Some(1),
                ..*header
            })
        });
        assert_eq!(
            run(&mut relay, &[body]),
            Err(RelayError::FormChange {
                from: Form::Short,
                to: Form::Full
            })
        );
        assert_eq!(relay.forwarded(), 0);
    }
    // Without the short form the 8 bytes are a truncated full header.
    let strict = Options::new().with_short_form(false);
    let mut relay = Relay::new(
        RelayOptions::new(Transport::Raw).with_options(strict),
        ForwardAll,
    );
    assert_eq!(
        run(&mut relay, &[&raw]),
        Err(RelayError::Body(
            Response::parse_with(&raw, &strict).unwrap_err()
        ))
    );
}

#[test]
fn a_header_split_at_every_offset_gives_the_same_output_for_every_verdict() {
    let emm: Vec<u8> = (0..40).collect();
    let upstream = Response::new(1, 12345, 7, &emm);
    let raw = upstream.to_vec();
    let text = one_line(&upstream);
    let mut mime = Vec::new();
    upstream.encode_base64(LineWrap::Mime, &mut mime);
    for verdict in every_verdict() {
        let whole = |body: &[u8], transport| {
            getemms::fuzzing::relay(&[body], RelayOptions::new(transport), verdict)
        };
        for (body, transport, offsets) in [
            (&raw, Transport::Raw, 0..=12),
            (&text, Transport::Base64, 0..=16),
            (&mime, Transport::Auto, 0..=16),
        ] {
            let want = whole(body, transport);
            match verdict {
                VerdictKind::Forward => assert_eq!(want.as_deref(), Ok(&body[..])),
                VerdictKind::RewriteToOtherForm => assert!(matches!(
                    want,
                    Err(RelayError::FormChange {
                        from: Form::Full,
                        to: Form::Short
                    })
                )),
                VerdictKind::Reject(..) => assert_eq!(
                    want.as_ref().map(Vec::len),
                    Ok(if transport == Transport::Raw { 8 } else { 12 })
                ),
                VerdictKind::RejectFull(..) => assert_eq!(
                    want.as_ref().map(Vec::len),
                    Ok(if transport == Transport::Raw { 12 } else { 16 })
                ),
                _ => assert_eq!(want.as_ref().map(Vec::len), Ok(body.len())),
            }
            for offset in offsets {
                for verify in [Verify::Header, Verify::Body] {
                    let options = RelayOptions::new(transport).with_verify(verify);
                    // One cut inside the header, and the header fed byte by byte.
                    let two = [&body[..offset], &body[offset..]];
                    assert_eq!(getemms::fuzzing::relay(&two, options, verdict), want);
                    assert_relay_matches(body, &two, options, verdict);
                    let mut bytes: Vec<&[u8]> = body[..offset].chunks(1).collect();
                    bytes.push(&body[offset..]);
                    assert_eq!(getemms::fuzzing::relay(&bytes, options, verdict), want);
                }
            }
        }
    }
}

#[test]
fn a_header_spread_over_more_than_64_bytes_is_refused() {
    let upstream = Response::new(1, 12345, 7, &[0xCA, 0xFE]);
    let mut text = vec![b'\n'; 65];
    text.extend_from_slice(&one_line(&upstream));
    for cut in [1, 30, 64, 65, 66, text.len()] {
        let mut relay = Relay::new(RelayOptions::new(Transport::Base64), ForwardAll);
        let error = run(&mut relay, &[&text[..cut], &text[cut..]]).unwrap_err();
        assert_eq!(
            error,
            RelayError::HoldBack {
                letters: 0,
                bound: HOLD_BACK
            }
        );
        assert_eq!(error.offset(), 64);
        assert_eq!(relay.forwarded(), 0);
        assert!(relay.held_len() <= HOLD_BACK);
    }
    // 48 newlines are fine: the 16th letter is byte 63.
    let fits = &text[65 - 48..];
    let mut relay = Relay::new(RelayOptions::new(Transport::Base64), ForwardAll);
    assert_eq!(run(&mut relay, &[fits]).unwrap(), fits);
    // A short form followed by more than 64 bytes of whitespace, too.
    let mut short = one_line(&Response::rejection(600, 0));
    short.extend_from_slice(&[b'\n'; 53]);
    let mut relay = Relay::new(RelayOptions::new(Transport::Base64), ForwardAll);
    assert_eq!(
        run(&mut relay, &[&short]),
        Err(RelayError::HoldBack {
            letters: 11,
            bound: HOLD_BACK
        })
    );
    // ... unless the text is bad within them: the decoders' error.
    let mut bad = vec![b'\n'; 10];
    bad.push(b'*');
    bad.extend_from_slice(&text);
    let mut relay = Relay::new(RelayOptions::new(Transport::Base64), ForwardAll);
    assert!(matches!(
        run(&mut relay, &[&bad]),
        Err(RelayError::Body(Error::InvalidBase64 {
            offset: 10,
            byte: b'*',
            ..
        }))
    ));
}

#[test]
fn a_body_over_max_body_len_is_refused_at_the_chunk_that_crosses_it() {
    let upstream = Response::new(1, 12345, 7, &[7; 100]);
    let raw = upstream.to_vec();
    let options = RelayOptions::new(Transport::Raw).with_max_body_len(50);
    let mut relay = Relay::new(options, ForwardAll);
    assert_eq!(relay.feed(&raw[..40]).unwrap().len(), 40);
    assert_eq!(
        relay.feed(&raw[40..60]).err(),
        Some(RelayError::BodyTooLong { len: 60, limit: 50 })
    );
    assert_eq!(relay.forwarded(), 40);
    assert_eq!(relay.received(), 40);
    // Failed for good.
    assert_eq!(
        relay.finish().err(),
        Some(RelayError::BodyTooLong { len: 60, limit: 50 })
    );
    // Exactly the limit passes.
    let mut relay = Relay::new(options, ForwardAll);
    assert_eq!(run(&mut relay, &[&raw[..50]]).unwrap(), &raw[..50]);
}

#[test]
fn an_error_after_forwarding_began_has_forwarded_bytes() {
    // The EMM limit crossed in the third chunk: 24 bytes are already out,
    // so the caller must abort the downstream body.
    let upstream = Response::new(1, 12345, 7, &[7; 100]);
    let raw = upstream.to_vec();
    let limits = Options::new().with_max_emm_len(30);
    let mut relay = Relay::new(
        RelayOptions::new(Transport::Raw).with_options(limits),
        ForwardAll,
    );
    assert_eq!(relay.feed(&raw[..12]).unwrap().len(), 12);
    assert_eq!(relay.feed(&raw[12..24]).unwrap().len(), 12);
    let error = relay.feed(&raw[24..60]).unwrap_err();
    assert_eq!(
        error,
        RelayError::Body(Error::EmmTooLong { len: 48, limit: 30 })
    );
    assert_eq!(relay.forwarded(), 24);
    // Base64 at Verify::Body: a bad letter in the EMM.
    let mut text = one_line(&upstream);
    text[100] = b'*';
    let options = RelayOptions::new(Transport::Base64).with_verify(Verify::Body);
    let mut relay = Relay::new(options, ForwardAll);
    assert_eq!(relay.feed(&text[..80]).unwrap().len(), 80);
    let error = relay.feed(&text[80..]).unwrap_err();
    assert!(matches!(
        error,
        RelayError::Body(Error::InvalidBase64 { offset: 100, .. })
    ));
    assert_eq!(relay.forwarded(), 80);
    assert_eq!(relay.error(), Some(error));
}

#[test]
fn reset_reuses_a_relay_for_the_next_body() {
    let first = one_line(&Response::new(1, 12345, 7, &[1, 2, 3]));
    let second = one_line(&Response::new(2, 13, 8, &[4, 5, 6, 7]));
    let bad = b"AAAA*";
    // The policy is asked once per body that reaches its header.
    let count = std::cell::Cell::new(0);
    let options = RelayOptions::new(Transport::Auto).with_verify(Verify::Body);
    let mut relay = Relay::new(options, |header: &Header| {
        count.set(count.get() + 1);
        Verdict::Rewrite(Header {
            asset_id: header.asset_id + 1,
            ..*header
        })
    });
    assert_eq!(
        run(&mut relay, &[&first[..5], &first[5..]]).unwrap(),
        one_line(&Response::new(1, 12346, 7, &[1, 2, 3]))
    );
    // A finished relay refuses more until it is reset.
    assert!(matches!(
        relay.feed(&second),
        Err(RelayError::Body(Error::AlreadyFinished { .. }))
    ));
    relay.reset();
    assert_eq!(relay.transport(), Transport::Auto);
    assert_eq!((relay.forwarded(), relay.received()), (0, 0));
    assert_eq!(relay.verdict(), None);
    assert!(run(&mut relay, &[bad]).is_err());
    // A failed one too.
    relay.reset();
    assert_eq!(relay.error(), None);
    assert_eq!(
        run(&mut relay, &[&second]).unwrap(),
        one_line(&Response::new(2, 14, 8, &[4, 5, 6, 7]))
    );
    assert_eq!(relay.header(), Some(Header::full(2.into(), 13, 8)));
    assert_eq!(count.get(), 2);
}

/// How a valid body is laid out.
#[derive(Debug, Clone, Copy)]
enum Layout {
    Raw,
    OneLine,
    Unpadded,
    MimeLf,
    MimeCrlf,
    Columns64,
}

/// A body: raw random bytes, or a valid body (random header, either form,
/// EMM up to 300 bytes) in one of the layouts, sometimes changed.
#[derive(Debug, Clone)]
struct Body {
    bytes: Vec<u8>,
}

fn valid_body() -> impl Strategy<Value = Vec<u8>> {
    let layout = prop_oneof![
        Just(Layout::Raw),
        Just(Layout::OneLine),
        Just(Layout::Unpadded),
        Just(Layout::MimeLf),
        Just(Layout::MimeCrlf),
        Just(Layout::Columns64),
    ];
    let status = prop_oneof![0u32..1000, any::<u32>()];
    (
        status,
        any::<u32>(),
        prop::option::weighted(0.8, any::<u32>()),
        prop::collection::vec(any::<u8>(), 0..300),
        layout,
    )
        .prop_map(|(status, asset_id, key_id, emm, layout)| {
            let raw = match key_id {
                Some(key_id) => Response::new(status, asset_id, key_id, &emm).to_vec(),
                None => Response::rejection(status, asset_id).to_vec(),
            };
            match layout {
                Layout::Raw => raw,
                Layout::OneLine => STANDARD.encode(&raw).into_bytes(),
                Layout::Unpadded => STANDARD_NO_PAD.encode(&raw).into_bytes(),
                Layout::MimeLf => lines(&raw, 76, "\n", true),
                Layout::MimeCrlf => lines(&raw, 76, "\r\n", true),
                Layout::Columns64 => lines(&raw, 64, "\n", true),
            }
        })
}

/// What is done to a valid body.
#[derive(Debug, Clone)]
enum Change {
    None,
    Corrupt(usize, u8),
    Leading(usize, u8),
    Trailing(&'static [u8]),
    Truncate(usize),
}

fn change() -> impl Strategy<Value = Change> {
    let bad = prop_oneof![
        Just(b'*'),
        Just(b'='),
        Just(b' '),
        Just(b'\n'),
        Just(0u8),
        any::<u8>()
    ];
    prop_oneof![
        4 => Just(Change::None),
        1 => (any::<usize>(), bad).prop_map(|(at, byte)| Change::Corrupt(at, byte)),
        1 => (0usize..70, prop_oneof![Just(b'\n'), Just(b'\r'), Just(b' ')])
            .prop_map(|(n, byte)| Change::Leading(n, byte)),
        1 => prop_oneof![Just(&b"\n"[..]), Just(&b" \t\r\n"[..]), Just(&b"\r\n\r\n"[..])]
            .prop_map(Change::Trailing),
        1 => (1usize..20).prop_map(Change::Truncate),
    ]
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..64),
        4 => (valid_body(), change()).prop_map(|(mut bytes, change)| {
            match change {
                Change::None => {}
                Change::Corrupt(at, byte) => {
                    if !bytes.is_empty() {
                        let at = at % bytes.len();
                        bytes[at] = byte;
                    }
                }
                Change::Leading(n, byte) => {
                    bytes.splice(0..0, std::iter::repeat_n(byte, n));
                }
                Change::Trailing(tail) => bytes.extend_from_slice(tail),
                Change::Truncate(n) => bytes.truncate(bytes.len().saturating_sub(n)),
            }
            bytes
        }),
    ]
    .prop_map(|bytes| Body { bytes })
}

fn verdict() -> impl Strategy<Value = VerdictKind> {
    let status = prop_oneof![0u32..1000, any::<u32>()];
    prop_oneof![
        3 => Just(VerdictKind::Forward),
        2 => status.clone().prop_map(VerdictKind::RewriteStatus),
        2 => (status.clone(), any::<u32>(), any::<u32>())
            .prop_map(|(s, a, k)| VerdictKind::RewriteAll(s, a, k)),
        1 => Just(VerdictKind::RewriteToOtherForm),
        2 => (status.clone(), any::<u32>()).prop_map(|(s, a)| VerdictKind::Reject(s, a)),
        1 => (status, any::<u32>(), any::<u32>())
            .prop_map(|(s, a, k)| VerdictKind::RejectFull(s, a, k)),
    ]
}

fn options() -> impl Strategy<Value = RelayOptions> {
    let transport = prop_oneof![
        Just(Transport::Raw),
        Just(Transport::Base64),
        Just(Transport::Auto)
    ];
    let verify = prop_oneof![Just(Verify::Header), Just(Verify::Body)];
    let wrap = prop_oneof![Just(LineWrap::None), Just(LineWrap::Mime)];
    (
        transport,
        verify,
        wrap,
        prop::option::weighted(0.3, 0usize..320),
        any::<bool>(),
        prop::option::weighted(0.3, 0u64..500),
    )
        .prop_map(
            |(transport, verify, wrap, max_emm_len, short, max_body_len)| {
                let mut limits = Options::new().with_short_form(short);
                limits.max_emm_len = max_emm_len;
                RelayOptions::new(transport)
                    .with_options(limits)
                    .with_max_body_len(max_body_len.unwrap_or(u64::MAX))
                    .with_verify(verify)
                    .with_refusal_wrap(wrap)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    /// Any body, any split, any settings: the relay gives what the oracle
    /// computes from the decoders.
    #[test]
    fn the_relay_matches_the_oracle(
        body in body(),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
        options in options(),
        verdict in verdict(),
    ) {
        let pieces = split_at_cuts(&body.bytes, &cuts);
        assert_relay_matches(&body.bytes, &pieces, options, verdict);
    }
}

proptest! {
    // 36 relays a case.
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// The same body under every transport, level and verdict.
    #[test]
    fn every_setting_matches_the_oracle_on_the_same_body(
        body in body(),
        cuts in prop::collection::vec(any::<usize>(), 0..4),
    ) {
        let pieces = split_at_cuts(&body.bytes, &cuts);
        for transport in [Transport::Raw, Transport::Base64, Transport::Auto] {
            for verify in [Verify::Header, Verify::Body] {
                for verdict in every_verdict() {
                    let options = RelayOptions::new(transport).with_verify(verify);
                    assert_relay_matches(&body.bytes, &pieces, options, verdict);
                }
            }
        }
    }
}

#[test]
fn a_chunk_larger_than_the_verify_buffer_is_checked_whole() {
    // Verify::Body checks a chunk 4096 text bytes at a time: a bad letter,
    // or the EMM limit, far into one large chunk is still found.
    let emm: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
    let upstream = Response::new(1, 12345, 7, &emm);
    let text = one_line(&upstream);
    let body = RelayOptions::new(Transport::Base64).with_verify(Verify::Body);
    for verdict in [VerdictKind::Forward, VerdictKind::RewriteStatus(2)] {
        assert_relay_matches(&text, &[&text], body, verdict);
        let mut bad = text.clone();
        bad[9_000] = b'*';
        assert_relay_matches(&bad, &[&bad], body, verdict);
        assert!(matches!(
            getemms::fuzzing::relay(&[&bad[..20], &bad[20..]], body, verdict),
            Err(RelayError::Body(Error::InvalidBase64 { offset: 9_000, .. }))
        ));
        let limited = body.with_options(Options::new().with_max_emm_len(9_999));
        assert_relay_matches(&text, &[&text[..5], &text[5..]], limited, verdict);
        assert_eq!(
            getemms::fuzzing::relay(&[&text], limited, verdict),
            Err(RelayError::Body(Error::EmmTooLong {
                len: 10_000,
                limit: 9_999
            }))
        );
    }
}

#[test]
fn relayed_counts_held_and_chunk_bytes() {
    let nothing = Relayed::default();
    assert!(nothing.is_empty());
    assert_eq!(nothing.len(), 0);
    for (held, chunk) in [(&b"ab"[..], &b""[..]), (b"", b"c"), (b"ab", b"c")] {
        let relayed = Relayed { held, chunk };
        assert!(!relayed.is_empty());
        assert_eq!(relayed.len(), held.len() + chunk.len());
    }
}
