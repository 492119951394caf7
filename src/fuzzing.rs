//! Invariant checks shared by the fuzz targets in `fuzz/` and by the test
//! suite, which replays the committed corpus through them on every
//! `cargo test` (no libFuzzer needed).
//!
//! Each target function takes the fuzzer's raw bytes, runs one public entry
//! point and **panics** when an invariant of the crate (as its docs state
//! them) does not hold: a panic here is a bug found, not a crash of the
//! library. The *split oracle* below ([`decode_raw`], [`decode_transport`],
//! [`collect`], [`assert_same_outcome`]) is shared with the integration
//! tests, so that one definition of "a chunked decode agrees with the
//! one-shot parse" is checked everywhere. Not part of the stable API.

use alloc::vec;
use alloc::vec::Vec;

/// A fuzz target: the name of its file in `fuzz/fuzz_targets/` (and of its
/// corpus folder) and the function it calls.
pub type Target = (&'static str, fn(&[u8]));

/// Every fuzz target, so that the test suite can replay each corpus folder
/// through the same function the fuzzer calls.
pub const TARGETS: &[Target] = &[
    ("parse", parse),
    ("roundtrip", roundtrip),
    ("differential", differential),
    ("status_codes", status_codes),
    ("status_names", status_names),
    ("decoder_split", decoder_split),
    ("base64_text", base64_text),
    ("base64_body", base64_body),
    ("answer", answer),
];

/// The most body bytes (or base64 characters) a target that encodes or
/// decodes base64 looks at; the rest of a longer input is ignored. Every
/// boundary the code has lies inside it (the 8- and 12-byte headers,
/// 4-character groups, the 76-character MIME line: 96 bytes are 128
/// characters, two lines; `max_emm_len` up to 63, chunk sizes up to 255),
/// while the time per input grows with its length: without the cap most of a
/// campaign went into re-decoding 4 KiB inputs, character by instrumented
/// character.
pub const MAX_BASE64_INPUT: usize = 96;

/// `data` cut to [`MAX_BASE64_INPUT`] bytes.
fn capped(data: &[u8]) -> &[u8] {
    data.get(..MAX_BASE64_INPUT).unwrap_or(data)
}

/// What every error of the crate promises a proxy operator: one non-empty
/// line, the same through [`AnyError`](crate::AnyError), which names it as
/// its source. The messages are written to the stack, not allocated: this
/// runs on most inputs of the hot targets.
fn assert_reportable(error: Error) {
    let message = Message::of(&error);
    let text = message.as_bytes();
    assert!(!text.is_empty() && !text.contains(&b'\n'), "{error:?}");
    let any = crate::AnyError::from(error);
    assert!(Message::of(&any).as_bytes() == text, "{error:?}");
    assert!(core::error::Error::source(&any).is_some());
}

/// The first 512 bytes of a `Display` output (every message of the crate
/// is shorter), on the stack.
struct Message {
    bytes: [u8; 512],
    len: usize,
}

impl Message {
    fn of(shown: &impl core::fmt::Display) -> Self {
        use core::fmt::Write;

        let mut message = Self {
            bytes: [0; 512],
            len: 0,
        };
        write!(message, "{shown}").expect("Display failed");
        message
    }

    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&self.bytes)
    }
}

impl core::fmt::Write for Message {
    fn write_str(&mut self, text: &str) -> core::fmt::Result {
        let end = (self.len + text.len()).min(self.bytes.len());
        let room = end - self.len;
        self.bytes[self.len..end].copy_from_slice(&text.as_bytes()[..room]);
        self.len = end;
        Ok(())
    }
}

use crate::base64::LineWrap;
use crate::decoder::{Collector, Decoder, Transport, TransportDecoder};
use crate::wire::{HEADER_LEN, SHORT_LEN};
use crate::{Error, Header, LicenseStatus, Options, Response, parse};

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
            assert_eq!(response.form(), response.header().form());
            assert_eq!(response.is_short(), data.len() == SHORT_LEN);
            // One byte too few is refused, saying how many are needed.
            let too_small = Error::BufferTooSmall {
                needed: data.len(),
                available: data.len() - 1,
            };
            assert_eq!(response.encode_into(&mut out[1..]), Err(too_small));
            #[cfg(feature = "bytes")]
            assert_eq!(response.write_to(&mut &mut out[1..]), Err(too_small));
            assert_reportable(too_small);
            // A short-form header never carries an EMM.
            let short = Header::short(response.license_status(), response.asset_id());
            match Response::from_parts(short, response.emm()) {
                Ok(rejection) => assert!(response.emm().is_empty() && rejection.is_short()),
                Err(error) => {
                    let emm_len = response.emm().len();
                    assert_eq!(error, Error::EmmInShortForm { emm_len });
                    assert_reportable(error);
                }
            }
        }
        Err(error) => {
            assert_reportable(error);
            assert_eq!(error.offset(), data.len());
            let first_word = data.first_chunk::<4>().map(|w| u32::from_be_bytes(*w));
            assert_eq!(error.license_status().map(LicenseStatus::code), first_word);
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
        Ok(response) if response.emm().len() > limit => {
            let error = Error::EmmTooLong {
                len: response.emm().len(),
                limit,
            };
            assert_eq!(limited, Err(error));
            assert_reportable(error);
            assert_eq!(error.offset(), HEADER_LEN + limit);
        }
        other => assert_eq!(limited, other),
    }
}

/// A structure-aware response (both forms) → encode → parse → the same
/// response, through every serializer, raw and base64. Reads at most
/// [`MAX_BASE64_INPUT`] bytes.
pub fn roundtrip(data: &[u8]) {
    let Some(response) = structured(capped(data)) else {
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
        // Owned from the borrowed response, and apart and back together.
        let copied = crate::OwnedResponse::from(response);
        assert_eq!(copied.as_response(), response);
        assert_eq!(
            (copied.header(), &copied.emm()[..]),
            (response.header(), response.emm())
        );
        let (header, emm) = copied.into_parts();
        let rebuilt = crate::OwnedResponse::from_parts(header, emm);
        assert_eq!(rebuilt.map(|o| o.as_response() == response), Ok(true));
    }
    let (rest, nom) = parse::body(&encoded).expect("nom rejected an encoded response");
    assert!(rest.is_empty());
    assert_eq!(nom, response);
    for wrap in [LineWrap::None, LineWrap::Mime] {
        let mut text = vec![];
        response.encode_base64(wrap, &mut text);
        assert_eq!(text.len(), response.base64_len(wrap));
        let mut scratch = vec![];
        assert_eq!(
            Response::parse_base64(&text, &mut scratch, &Options::DEFAULT),
            Ok(response)
        );
    }
}

/// The response the fuzzer's bytes describe: with the `arbitrary` feature,
/// `Response`'s own `Arbitrary` impl (the one downstream fuzz targets use);
/// without it, [`from_words`].
fn structured(data: &[u8]) -> Option<Response<'_>> {
    #[cfg(feature = "arbitrary")]
    {
        let mut unstructured = arbitrary::Unstructured::new(data);
        <Response<'_> as arbitrary::Arbitrary>::arbitrary(&mut unstructured).ok()
    }
    #[cfg(not(feature = "arbitrary"))]
    from_words(data)
}

/// A response from plain bytes: a form byte (odd: short), then status,
/// asset id, key id as big-endian words, then the EMM. Compiled with every
/// feature set, so that its tests run where the mutation run builds.
#[cfg_attr(feature = "arbitrary", allow(dead_code))]
fn from_words(data: &[u8]) -> Option<Response<'_>> {
    let (&form, rest) = data.split_first()?;
    let (status, rest) = rest.split_first_chunk::<4>()?;
    let (asset_id, rest) = rest.split_first_chunk::<4>()?;
    let (status, asset_id) = (u32::from_be_bytes(*status), u32::from_be_bytes(*asset_id));
    if form & 1 == 1 {
        return Some(Response::rejection(status, asset_id));
    }
    let (key_id, emm) = rest.split_first_chunk::<4>()?;
    Some(Response::new(
        status,
        asset_id,
        u32::from_be_bytes(*key_id),
        emm,
    ))
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

/// Every numeric table type, from arbitrary codes, and back, losslessly,
/// through the code, the Display text and the names.
pub fn status_codes(data: &[u8]) {
    use alloc::string::ToString;
    use core::str::FromStr;

    use crate::status::{ClientStatus, DcpStatus, NameError, StoredLicenseAction};

    /// Code → type → code, and the text forms parse back to the code.
    macro_rules! numeric {
        ($Type:ty, $code:expr, $code_text:expr) => {{
            let (code, code_text): (u32, &str) = ($code, $code_text);
            let status = <$Type>::from(code);
            assert_eq!(u32::from(status), code);
            assert_eq!(<$Type>::from_str(code_text), Ok(status));
            assert!(status.to_string().starts_with(code_text));
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
        let code_text = code.to_string();
        let license = numeric!(LicenseStatus, code, &code_text);
        let client = numeric!(ClientStatus, code, &code_text);
        numeric!(DcpStatus, code, &code_text);
        let action = StoredLicenseAction::for_code(code);
        assert_eq!(license.stored_license_action(), action);
        assert_eq!(client.stored_license_action(), action);
        assert_eq!(license.is_third_party(), (512..=999).contains(&code));
        assert_eq!(
            LicenseStatus::third_party(code).is_ok(),
            license.is_third_party()
        );
    }
}

/// Names and texts of every table: a name parses to a status whose code
/// parses back to it, package statuses are kept verbatim, FTP reply lines
/// print back and classify consistently.
pub fn status_names(data: &[u8]) {
    use alloc::string::ToString;
    use core::str::FromStr;

    use crate::status::{
        ClientStatus, DcpStatus, FtpError, GuiStatus, IdStatus, PackageGuiStatus, PackageStatus,
        ReplyCode, ReplyLine,
    };

    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    // A Content-Transfer-Encoding value names a transport, or none.
    let named = Transport::from_content_transfer_encoding(text);
    let value = text.trim();
    assert_eq!(
        named == Some(Transport::Base64),
        value.eq_ignore_ascii_case("base64")
    );
    if named == Some(Transport::Raw) {
        assert!(
            ["binary", "8bit", "7bit"]
                .iter()
                .any(|raw| value.eq_ignore_ascii_case(raw))
        );
    }
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

/// Cuts `body` into chunks whose sizes cycle through `sizes`, then one empty
/// chunk (feeding 0 bytes is legal).
/// A size of 0 gives an empty chunk; all sizes 0 count as all 1.
fn chunks<'a>(body: &'a [u8], sizes: &[u8]) -> Vec<&'a [u8]> {
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

/// Arbitrary text as a base64 body: never a panic; what is accepted
/// re-encodes and decodes to the same response; the streaming decoder over
/// fuzz-chosen splits gives the one-shot result. Reads at most
/// [`MAX_BASE64_INPUT`] characters of text.
pub fn base64_text(data: &[u8]) {
    let (options, sizes, text) = options_and_splits(data);
    let text = capped(text);
    let mut scratch = vec![];
    let as_text = Response::parse_base64(text, &mut scratch, &options);
    if let Ok(response) = as_text {
        // One byte too few for the decoded body is refused, naming the size.
        let needed = response.encoded_len();
        let mut short = vec![0u8; needed - 1];
        let refused = crate::base64::decode_into(text, &mut short);
        assert_eq!(
            refused,
            Err(Error::BufferTooSmall {
                needed,
                available: needed - 1
            })
        );
        let mut encoded = vec![];
        response.encode_base64(LineWrap::None, &mut encoded);
        let mut again = vec![];
        assert_eq!(
            Response::parse_base64(&encoded, &mut again, &options),
            Ok(response)
        );
    }
    if let Err(error) = as_text {
        assert_reportable(error);
    }
    let as_text = as_text.map(|r| (r.header(), r.emm().to_vec()));
    streaming_matches(text, sizes, Transport::Base64, options, &as_text);
}

/// Arbitrary bytes as a raw body, sent as base64 the way proxies do (one
/// line or wrapped at 76, padded or not): the one-shot and the streaming
/// decoders over fuzz-chosen splits give the raw parse's result, and `Auto`
/// takes the text for base64 when the raw status is below 2^24. Reads at
/// most [`MAX_BASE64_INPUT`] body bytes.
pub fn base64_body(data: &[u8]) {
    use ::base64::Engine;
    use ::base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

    let (options, sizes, payload) = options_and_splits(data);
    let payload = capped(payload);
    let flags = data.first().copied().unwrap_or(0);

    let raw = one_shot(payload, options);
    let engine = if flags & 0x40 != 0 {
        &STANDARD_NO_PAD
    } else {
        &STANDARD
    };
    let mut text = engine.encode(payload).into_bytes();
    if flags & 0x80 != 0 {
        let mut wrapped = Vec::with_capacity(text.len() + text.len() / 76 + 1);
        for line in text.chunks(76) {
            wrapped.extend_from_slice(line);
            wrapped.push(b'\n');
        }
        text = wrapped;
    }
    let mut decoded = vec![];
    let via_text = Response::parse_base64(&text, &mut decoded, &options)
        .map(|r| (r.header(), r.emm().to_vec()));
    assert_eq!(via_text, raw);
    // A status below 2^24: `Auto` must take the text for base64, and is
    // what the stream is decoded with then.
    let transport = if payload.first() == Some(&0) {
        assert_eq!(Transport::Auto.resolve(&text), Transport::Base64);
        Transport::Auto
    } else {
        Transport::Base64
    };
    streaming_matches(&text, sizes, transport, options, &via_text);
}

/// The streaming base64 decoder (`transport` is `Base64`, or `Auto` where
/// that must resolve to it) over `sizes`-cut chunks of `text` agrees with
/// the one-shot `expected`.
fn streaming_matches(
    text: &[u8],
    sizes: &[u8],
    transport: Transport,
    options: Options,
    expected: &Outcome,
) {
    let streamed = decode_transport(&chunks(text, sizes), transport, options);
    match (expected, &streamed) {
        // Documented: a stream that crosses max_emm_len stops there, before
        // it can see a bad character further on.
        (
            Err(Error::InvalidBase64 { .. } | Error::TruncatedBase64 { .. }),
            Err(Error::EmmTooLong { .. }),
        ) if options.max_emm_len.is_some() => {}
        _ => assert_same_outcome(&streamed, expected),
    }
}

/// A realistic upstream answer ([`crate::arbitrary::Answer`], what downstream
/// fuzz targets are given): its chunks decode, incrementally and collected,
/// to its response, and `Auto` picks its transport when the status is below
/// 2^24. This is the crate's own downstream-style target: if it fails, the
/// answers handed to proxies are not what they claim to be. Reads at most
/// [`MAX_BASE64_INPUT`] bytes.
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

/// The oracle's own behaviour: its helpers cut and decode the fuzzer's bytes
/// exactly as documented, and its verdicts reject a wrong answer. The
/// targets run against the real library in `tests/fuzz_corpus.rs`,
/// `tests/fuzz_props.rs` and `tests/fuzz_regressions.rs`.
#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;

    /// Whether `check` panics (the oracle's way of reporting a bug).
    fn panics(check: impl FnOnce() + std::panic::UnwindSafe) -> bool {
        std::panic::catch_unwind(check).is_err()
    }

    #[test]
    fn capped_keeps_at_most_the_first_96_bytes() {
        let data: Vec<u8> = (0..=255).collect();
        assert_eq!(capped(&data), &data[..MAX_BASE64_INPUT]);
        assert_eq!(capped(&data[..MAX_BASE64_INPUT]), &data[..MAX_BASE64_INPUT]);
        assert_eq!(capped(&data[..5]), &data[..5]);
        assert_eq!(capped(&[]), &[] as &[u8]);
    }

    #[test]
    fn messages_are_kept_on_the_stack_up_to_512_bytes() {
        assert_eq!(Message::of(&"one line").as_bytes(), b"one line");
        assert_eq!(
            Message::of(&format_args!("{}{}", "ab", "cd")).as_bytes(),
            b"abcd"
        );
        let long = "x".repeat(600);
        assert_eq!(
            Message::of(&long.as_str()).as_bytes(),
            &long.as_bytes()[..512]
        );
        assert_eq!(Message::of(&"").as_bytes(), b"");
    }

    #[test]
    fn every_error_of_a_parse_is_reportable() {
        for len in [0, 3, 7, 9, 11] {
            let error = Response::parse(&vec![0; len]).unwrap_err();
            assert_reportable(error);
        }
        assert_reportable(Error::EmmTooLong { len: 5, limit: 4 });
    }

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
    fn the_reference_parser_slices_big_endian_words() {
        let body = [0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0xEE];
        assert_eq!(reference(&body), Ok((1, 256, Some(65536), &body[12..])));
        assert_eq!(reference(&body[..8]), Ok((1, 256, None, &[][..])));
        assert_eq!(reference(&body[..12]), Ok((1, 256, Some(65536), &[][..])));
        assert_eq!(reference(&body[..3]), Err(5));
        assert_eq!(reference(&body[..7]), Err(1));
        assert_eq!(reference(&body[..9]), Err(3));
        assert_eq!(reference(&body[..11]), Err(1));
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

    #[test]
    fn a_stream_stopped_by_the_limit_may_miss_a_later_bad_character() {
        let text = b"AAAAAQAAAAIAAAADBwgJ*";
        let limited = Options::new().with_max_emm_len(1);
        let invalid = Response::parse_base64(text, &mut vec![], &Options::DEFAULT)
            .map(|r| (r.header(), r.emm().to_vec()));
        assert!(matches!(invalid, Err(Error::InvalidBase64 { .. })));
        // With the limit the stream stops at the EMM first: allowed.
        streaming_matches(text, &[200], Transport::Base64, limited, &invalid);
        // Without a limit the two must agree: a wrong expectation is caught.
        let wrong: Outcome = Ok((Header::short(1.into(), 2), vec![]));
        assert!(panics(|| streaming_matches(
            text,
            &[3],
            Transport::Base64,
            Options::DEFAULT,
            &wrong
        )));
    }

    #[test]
    fn plain_bytes_describe_a_response_word_by_word() {
        let words = [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xEE, 0xFF];
        let full = [&[2][..], &words].concat();
        assert_eq!(
            from_words(&full),
            Some(Response::new(1, 2, 3, &words[12..]))
        );
        let short = [&[7][..], &words].concat();
        assert_eq!(from_words(&short), Some(Response::rejection(1, 2)));
        assert_eq!(from_words(&short[..9]), Some(Response::rejection(1, 2)));
        assert_eq!(from_words(&full[..13]), Some(Response::new(1, 2, 3, &[])));
        for len in [0, 1, 5, 8] {
            assert_eq!(from_words(&full[..len]), None);
        }
        assert_eq!(from_words(&full[..12]), None);
    }

    #[test]
    fn structured_responses_come_from_the_arbitrary_bytes() {
        // Whatever the feature set, the same bytes give the same response,
        // and too few bytes give none.
        let data: Vec<u8> = (1..=40).collect();
        assert_eq!(structured(&data), structured(&data));
        assert_eq!(structured(&[]).is_some(), cfg!(feature = "arbitrary"));
    }
}
