//! Invariant checks shared by the fuzz targets in `fuzz/` and by the test
//! suite, which replays the committed corpus through them on every
//! `cargo test` (no libFuzzer needed).
//!
//! Each function takes the fuzzer's raw bytes, runs one public entry point
//! and **panics** when an invariant of `DESIGN.md` does not hold: a panic here
//! is a bug found, not a crash of the library. Not part of the stable API.

use alloc::vec;

/// A fuzz target: the name of its file in `fuzz/fuzz_targets/` (and of its
/// corpus folder) and the function it calls.
pub type Target = (&'static str, fn(&[u8]));

/// Every fuzz target, so that the test suite can replay each corpus folder
/// through the same function the fuzzer calls.
pub const TARGETS: &[Target] = &[
    ("parse", parse),
    #[cfg(feature = "arbitrary")]
    ("roundtrip", roundtrip),
    ("differential", differential),
    ("status_codes", status_codes),
    ("decoder_split", decoder_split),
    ("base64_body", base64_body),
];

use crate::error::Error;
use crate::parse;
use crate::response::{Options, Response};
use crate::status::LicenseStatus;
use crate::wire::{HEADER_LEN, SHORT_LEN};

/// `Response::parse` on arbitrary bytes: a body of 8 or 12+ bytes parses and
/// re-encodes to itself with the EMM borrowed in place; any other length is
/// exactly the truncation error its length predicts.
pub fn parse(data: &[u8]) {
    match Response::parse(data) {
        Ok(response) => {
            assert!(data.len() == SHORT_LEN || data.len() >= HEADER_LEN);
            assert_eq!(response.encoded_len(), data.len());
            let mut out = vec![0u8; data.len()];
            assert_eq!(response.encode_into(&mut out), Ok(data.len()));
            assert_eq!(out, data, "re-encoding changed the body");
            assert_eq!(response.to_vec(), data);
            if let Some(emm) = data.get(HEADER_LEN..) {
                assert_eq!(response.emm().as_ptr(), emm.as_ptr(), "EMM was copied");
            }
        }
        Err(error) => {
            let predicted = Error::for_length(data, true);
            assert_eq!(
                Some(error),
                predicted,
                "error not the one the length predicts"
            );
        }
    }
    // The options path agrees with the default path, and limits bite exactly.
    let limit = data.len().saturating_sub(HEADER_LEN + 1);
    let limited = Response::parse_with(data, &Options::new().with_max_emm_len(limit));
    match Response::parse(data) {
        Ok(response) if response.emm().len() > limit => assert_eq!(
            limited,
            Err(Error::EmmTooLong {
                len: response.emm().len(),
                limit
            })
        ),
        other => assert_eq!(limited, other),
    }
}

/// A structure-aware response (both forms, from `arbitrary`) → encode →
/// parse → the same response, through every serializer.
#[cfg(feature = "arbitrary")]
pub fn roundtrip(data: &[u8]) {
    let mut unstructured = arbitrary::Unstructured::new(data);
    let Ok(response) = <Response<'_> as arbitrary::Arbitrary>::arbitrary(&mut unstructured) else {
        return;
    };
    let encoded = response.to_vec();
    assert_eq!(encoded.len(), response.encoded_len());
    assert_eq!(Response::parse(&encoded), Ok(response));
    let mut out = vec![0u8; encoded.len()];
    assert_eq!(response.encode_into(&mut out), Ok(encoded.len()));
    assert_eq!(out, encoded);
    #[cfg(feature = "bytes")]
    {
        let mut buf = bytes::BytesMut::new();
        assert_eq!(response.write_to(&mut buf), Ok(()));
        assert_eq!(&buf[..], &encoded[..]);
        let owned = crate::OwnedResponse::parse(buf.freeze());
        assert_eq!(owned.map(|o| o.as_response() == response), Ok(true));
    }
    let (rest, nom) = parse::body(&encoded).expect("nom rejected an encoded response");
    assert!(rest.is_empty());
    assert_eq!(nom, response);
}

/// The nom path, the zerocopy path and a trivial `from_be_bytes` reference
/// agree on every input.
pub fn differential(data: &[u8]) {
    let zerocopy = Response::parse(data);
    let nom = parse::body(data);
    match (reference(data), zerocopy, nom) {
        (Ok((status, asset_id, key_id, emm)), Ok(z), Ok((rest, n))) => {
            assert!(rest.is_empty());
            assert_eq!(z, n);
            assert_eq!(z.license_status(), LicenseStatus::new(status));
            assert_eq!(z.asset_id(), asset_id);
            assert_eq!(z.key_id(), key_id);
            assert_eq!(z.emm(), emm);
            if key_id.is_some() {
                assert_eq!(
                    z.emm().as_ptr(),
                    emm.as_ptr(),
                    "zerocopy path copied the EMM"
                );
                assert_eq!(n.emm().as_ptr(), emm.as_ptr(), "nom path copied the EMM");
            }
        }
        (Err(missing), Err(Error::Truncated { missing: m, .. }), Err(nom::Err::Incomplete(n))) => {
            assert_eq!(missing, m);
            assert_eq!(nom::Needed::new(missing), n);
        }
        (r, z, n) => panic!("paths disagree: reference {r:?}, zerocopy {z:?}, nom {n:?}"),
    }
    // The streaming header parser agrees with the zerocopy header view.
    let view = <crate::wire::WireHeader as zerocopy::FromBytes>::ref_from_prefix(data);
    match (parse::header(data), view) {
        (Ok((rest, header)), Ok((wire, emm))) => {
            assert_eq!(rest, emm);
            assert_eq!(header.license_status.code(), wire.license_status.get());
            assert_eq!(header.asset_id, wire.asset_id.get());
            assert_eq!(header.key_id, Some(wire.key_id.get()));
        }
        (Err(nom::Err::Incomplete(needed)), Err(_)) => {
            assert_eq!(needed, nom::Needed::new(HEADER_LEN - data.len()));
        }
        (h, v) => panic!("header paths disagree: nom {h:?}, zerocopy {:?}", v.is_ok()),
    }
}

/// The trivial reference: slicing and `u32::from_be_bytes`, as a careful
/// hand-written parser would do it. `Err` carries the missing byte count.
#[allow(clippy::type_complexity)]
fn reference(data: &[u8]) -> Result<(u32, u32, Option<u32>, &[u8]), usize> {
    let word = |at: usize| {
        let mut bytes = [0u8; 4];
        bytes.copy_from_slice(&data[at..at + 4]);
        u32::from_be_bytes(bytes)
    };
    match data.len() {
        n if n < 8 => Err(8 - n),
        8 => Ok((word(0), word(4), None, &data[8..])),
        n if n < 12 => Err(12 - n),
        _ => Ok((word(0), word(4), Some(word(8)), &data[12..])),
    }
}

/// Every table type, from arbitrary codes and strings, and back, losslessly;
/// FTP reply lines read and classified consistently.
pub fn status_codes(data: &[u8]) {
    use alloc::string::ToString;
    use core::str::FromStr;

    use crate::status::{
        ClientStatus, DcpStatus, FtpError, GuiStatus, IdStatus, NameError, PackageGuiStatus,
        PackageStatus, ReplyCode, ReplyLine, StoredLicenseAction,
    };

    /// Code → type → code, and the text forms parse back to the code.
    macro_rules! numeric {
        ($Type:ty, $code:expr) => {{
            let code: u32 = $code;
            let status = <$Type>::from(code);
            assert_eq!(u32::from(status), code);
            assert_eq!(<$Type>::from_str(&code.to_string()), Ok(status));
            assert!(status.to_string().starts_with(&code.to_string()));
            assert_eq!(status.is_known(), status.name().is_some());
            if let Some(const_name) = status.const_name() {
                assert_eq!(<$Type>::from_str(const_name), Ok(status));
            }
            if let Some(name) = status.name() {
                match <$Type>::from_str(name) {
                    Ok(parsed) => assert_eq!(parsed, status),
                    Err(NameError::Ambiguous { codes, .. }) => assert!(codes.contains(&code)),
                    Err(other) => panic!("{name} does not parse back: {other}"),
                }
            }
            status
        }};
    }

    // The first 4-byte windows are codes of each numeric table (a few are
    // enough to reach every branch; more only slow the fuzzer down).
    for window in data.chunks_exact(4).take(4) {
        let code = u32::from_be_bytes([window[0], window[1], window[2], window[3]]);
        let license = numeric!(LicenseStatus, code);
        let client = numeric!(ClientStatus, code);
        numeric!(DcpStatus, code);
        let action = StoredLicenseAction::for_code(code);
        assert_eq!(license.stored_license_action(), action);
        assert_eq!(client.stored_license_action(), action);
        assert_eq!(license.is_third_party(), (512..=999).contains(&code));
        assert_eq!(
            LicenseStatus::third_party(code).is_ok(),
            license.is_third_party()
        );
    }

    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    // Names parse to a status whose code parses back to it; never a panic.
    if let Ok(status) = LicenseStatus::from_str(text) {
        assert_eq!(
            LicenseStatus::from_str(&status.code().to_string()),
            Ok(status)
        );
    }
    if let Ok(status) = ClientStatus::from_str(text) {
        assert_eq!(
            ClientStatus::from_str(&status.code().to_string()),
            Ok(status)
        );
    }
    if let Ok(status) = DcpStatus::from_str(text) {
        assert_eq!(DcpStatus::from_str(&status.code().to_string()), Ok(status));
    }
    // Package statuses: whatever the server said is kept verbatim.
    let id = PackageStatus::parse(text);
    assert_eq!(id.as_str(), text);
    assert_eq!(id.to_string(), text);
    assert_eq!(id.recognized(), IdStatus::from_str(text).ok());
    if let Some(known) = id.recognized() {
        assert_eq!(known.as_str(), text);
        assert_eq!(id.gui_status(), known.gui_status());
        if let Some(gui) = known.gui_status() {
            assert!(gui.id_statuses().contains(&known));
        }
    }
    let gui = PackageGuiStatus::parse(text);
    assert_eq!(gui.as_str(), text);
    assert_eq!(gui.to_string(), text);
    assert_eq!(gui.recognized(), GuiStatus::from_str(text).ok());
    // FTP: the code column, the description, and reply lines.
    if let Ok(code) = ReplyCode::from_str(text) {
        assert_eq!(code.to_string(), text);
    }
    if let Ok(error) = FtpError::from_str(text) {
        assert_eq!(error.to_string(), text);
    }
    let _ = FtpError::from_reply(None, text);
    if let Ok(line) = ReplyLine::parse(text) {
        let without_ending = text
            .strip_suffix("\r\n")
            .or_else(|| text.strip_suffix('\n'))
            .unwrap_or(text);
        assert_eq!(line.to_string(), without_ending);
        assert_eq!(
            line.ftp_error(),
            FtpError::from_reply(Some(line.code()), line.text())
        );
        assert_eq!(line.is_transient(), (400..500).contains(&line.code()));
        assert_eq!(line.is_permanent(), (500..600).contains(&line.code()));
    }
}

/// Reads fuzz-chosen options and chunk sizes from the front of `data`:
/// byte 0 picks the options, byte 1 the number of chunk sizes (up to 15),
/// then one byte per chunk size (0 included); the rest is the body.
fn options_and_splits(data: &[u8]) -> (Options, &[u8], &[u8]) {
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

/// Cuts `body` into chunks whose sizes cycle through `sizes`.
fn chunks<'a>(body: &'a [u8], sizes: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut rest = body;
    let mut size = sizes.iter().cycle();
    let mut done = false;
    core::iter::from_fn(move || {
        if done {
            return None;
        }
        if rest.is_empty() {
            done = true;
            return Some(rest); // one empty chunk at the end: feeding 0 bytes is legal
        }
        let take = usize::from(*size.next().unwrap_or(&1)).min(rest.len());
        let (chunk, tail) = rest.split_at(take);
        rest = tail;
        Some(chunk)
    })
}

/// The one-shot result and a decoder's result must match: the same header
/// and EMM bytes, or the same error (for `EmmTooLong`, the decoder reports
/// what it had seen when it refused the chunk, so only the limit must match).
fn assert_same_outcome(
    one_shot: Result<Response<'_>, Error>,
    decoded: Result<(crate::Header, &[u8]), Error>,
) {
    match (one_shot, decoded) {
        (Ok(response), Ok((header, emm))) => {
            assert_eq!(header, response.header());
            assert_eq!(emm, response.emm());
        }
        (Err(Error::EmmTooLong { limit, .. }), Err(Error::EmmTooLong { limit: l, len })) => {
            assert_eq!(limit, l);
            assert!(len > limit);
        }
        (Err(expected), Err(got)) => assert_eq!(expected, got),
        (expected, got) => panic!("one-shot {expected:?}, decoder {got:?}"),
    }
}

/// Raw bytes fed to the incremental decoder in fuzz-chosen chunks give the
/// one-shot parse's header and EMM (borrowed from the chunks), or its error;
/// the collecting form agrees too.
pub fn decoder_split(data: &[u8]) {
    use crate::decoder::{Collector, Decoder};

    let (options, sizes, body) = options_and_splits(data);
    let one_shot = Response::parse_with(body, &options);

    let mut decoder = Decoder::new(options);
    let mut header = None;
    let mut emm = vec![];
    let mut outcome = Ok(());
    for chunk in chunks(body, sizes) {
        match decoder.feed(chunk) {
            Ok(progress) => {
                if let Some(h) = progress.header {
                    assert!(header.replace(h).is_none(), "header reported twice");
                }
                if !progress.emm.is_empty() {
                    let inside = chunk.as_ptr_range();
                    assert!(inside.contains(&progress.emm.as_ptr()), "EMM not borrowed");
                    assert!(header.is_some(), "EMM before the header");
                }
                emm.extend_from_slice(progress.emm);
            }
            Err(error) => {
                outcome = Err(error);
                // Failed state: every later call says so.
                assert_eq!(decoder.feed(b"x").err(), Some(error));
                break;
            }
        }
    }
    let decoded = outcome.and_then(|()| {
        let finished = decoder.finish()?;
        if let Some(h) = finished.header {
            assert!(header.replace(h).is_none(), "header reported twice");
        }
        assert_eq!(finished.emm_len, emm.len());
        Ok(())
    });
    // Misuse after the end is an error, never a panic.
    assert!(decoder.finish().is_err());
    assert!(decoder.feed(&[]).is_err());
    let decoded = decoded.map(|()| (header.expect("finished without a header"), &emm[..]));
    assert_same_outcome(one_shot, decoded);

    let mut buffer = vec![];
    let mut collector = Collector::new(&mut buffer, options);
    let pushed = chunks(body, sizes).try_for_each(|chunk| collector.push(chunk));
    let collected = pushed.and_then(|()| collector.finish());
    assert_same_outcome(one_shot, collected.map(|r| (r.header(), r.emm())));
}

/// Base64 bodies: arbitrary text never panics and what is accepted
/// re-encodes and decodes to the same response; valid base64 of arbitrary
/// bytes (one line or wrapped at 76) gives the raw parse's result; the
/// streaming decoder over fuzz-chosen splits gives the one-shot result.
pub fn base64_body(data: &[u8]) {
    use ::base64::Engine;
    use ::base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

    use crate::transport::{self, Transport};

    let (options, sizes, payload) = options_and_splits(data);
    let flags = data.first().copied().unwrap_or(0);

    // 1. The payload as base64 text: no panic; accepted ⇒ lossless.
    let mut scratch = vec![];
    let as_text = transport::parse_base64(payload, &mut scratch, &options);
    if let Ok(response) = as_text {
        let mut encoded = vec![];
        transport::encode_base64(&response, &mut encoded);
        let mut again = vec![];
        assert_eq!(
            transport::parse_base64(&encoded, &mut again, &options),
            Ok(response)
        );
    }
    streaming_matches(payload, sizes, options, as_text);

    // 2. The payload as a raw body, sent as base64 the way proxies do.
    let raw = Response::parse_with(payload, &options);
    let engine = if flags & 0x40 != 0 {
        &STANDARD_NO_PAD
    } else {
        &STANDARD
    };
    let mut text = engine.encode(payload).into_bytes();
    if flags & 0x80 != 0 {
        text = text
            .chunks(76)
            .flat_map(|line| line.iter().chain(b"\n"))
            .copied()
            .collect();
    }
    let mut decoded = vec![];
    let via_text = transport::parse_base64(&text, &mut decoded, &options);
    assert_same_outcome(raw, via_text.map(|r| (r.header(), r.emm())));
    if let Ok(response) = raw {
        assert_eq!(via_text, Ok(response));
    }
    let mut auto_scratch = vec![];
    if payload.first().is_some_and(|&b| b == 0) {
        // A status below 2^24: `Auto` must take the text for base64.
        let auto = transport::parse_body(&text, Transport::Auto, &mut auto_scratch, &options);
        assert_eq!(auto, via_text);
    }
    streaming_matches(&text, sizes, options, via_text);
}

/// The streaming base64 decoder over `sizes`-cut chunks of `text` agrees with
/// the one-shot `expected`.
fn streaming_matches(
    text: &[u8],
    sizes: &[u8],
    options: Options,
    expected: Result<Response<'_>, Error>,
) {
    use crate::transport::{Transport, TransportDecoder};

    let mut decoder = TransportDecoder::new(options, Transport::Base64);
    let mut header = None;
    let mut emm = vec![];
    let mut outcome = Ok(());
    for chunk in chunks(text, sizes) {
        match decoder.feed(chunk) {
            Ok(progress) => {
                if let Some(h) = progress.header {
                    assert!(header.replace(h).is_none(), "header reported twice");
                }
                emm.extend_from_slice(progress.emm);
            }
            Err(error) => {
                outcome = Err(error);
                break;
            }
        }
    }
    let streamed = outcome.and_then(|()| {
        let finished = decoder.finish()?;
        if let Some(h) = finished.header {
            assert!(header.replace(h).is_none(), "header reported twice");
        }
        emm.extend_from_slice(finished.emm);
        Ok(())
    });
    match (expected, streamed) {
        (Ok(response), Ok(())) => {
            assert_eq!(header, Some(response.header()));
            assert_eq!(&emm[..], response.emm());
        }
        // Documented: a stream that crosses max_emm_len stops there, before
        // it can see a bad character further on.
        (
            Err(Error::InvalidBase64 { .. } | Error::TruncatedBase64 { .. }),
            Err(Error::EmmTooLong { .. }),
        ) if options.max_emm_len.is_some() => {}
        (Err(Error::EmmTooLong { limit, .. }), Err(Error::EmmTooLong { limit: l, .. })) => {
            assert_eq!(limit, l);
        }
        (Err(one), Err(other)) => assert_eq!(one, other),
        (one, other) => panic!("one-shot {one:?}, streaming {other:?}"),
    }
}
