//! Invariant checks shared by the fuzz targets in `fuzz/` and by the test
//! suite, which replays the committed corpus through them on every
//! `cargo test` (no libFuzzer needed).
//!
//! Each target function takes the fuzzer's raw bytes, runs one public entry
//! point and **panics** when an invariant of the crate (as its docs state
//! them) does not hold: a panic here is a bug found, not a crash of the
//! library. The *split oracle* ([`decode_raw`], [`decode_transport`],
//! [`collect`], [`assert_same_outcome`]) is shared with the integration
//! tests, so that one definition of "a chunked decode agrees with the
//! one-shot parse" is checked everywhere. Not part of the stable API.
//!
//! One file per family of entry points, each re-exported here:
//! - `mod.rs`: [`TARGETS`], and what every family shares: the input cap
//!   [`MAX_BASE64_INPUT`] and the check that an error is reportable;
//! - `parsers.rs`: the whole-body targets [`parse`], [`roundtrip`] and
//!   [`differential`] (the nom, zerocopy and reference parsers agree);
//! - `status.rs`: the status tables' targets [`status_codes`] and
//!   [`status_names`];
//! - `split.rs`: the split oracle ([`Outcome`], [`split_at_cuts`],
//!   [`one_shot`], [`decode_raw`], [`decode_transport`], [`collect`],
//!   [`assert_same_outcome`]) and its target [`decoder_split`];
//! - `base64.rs`: the base64 targets [`base64_text`] and [`base64_body`];
//! - `answer.rs`: [`answer`](fn@answer), over the `arbitrary` feature's
//!   upstream answers;
//! - `relay.rs`: the relay oracle ([`relay`](fn@relay),
//!   [`assert_relay_matches`], [`VerdictKind`]) and its target
//!   [`relay_split`].

mod answer;
mod base64;
mod parsers;
mod relay;
mod split;
mod status;

pub use self::answer::answer;
pub use self::base64::{base64_body, base64_text};
pub use self::parsers::{differential, parse, roundtrip};
pub use self::relay::{VerdictKind, assert_relay_matches, relay, relay_split};
pub use self::split::{
    Outcome, assert_same_outcome, collect, decode_raw, decode_transport, decoder_split, one_shot,
    split_at_cuts,
};
pub use self::status::{status_codes, status_names};

use crate::Error;

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
    ("relay_split", relay_split),
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

/// The oracle's own behaviour: its helpers cut and decode the fuzzer's bytes
/// exactly as documented, and its verdicts reject a wrong answer. The
/// targets run against the real library in `tests/fuzz_corpus.rs`,
/// `tests/fuzz_props.rs` and `tests/fuzz_regressions.rs`.
#[cfg(test)]
mod tests {
    extern crate std;

    use alloc::vec;
    use alloc::vec::Vec;

    use super::*;
    use crate::Response;

    /// Whether `check` panics (the oracle's way of reporting a bug).
    pub(super) fn panics(check: impl FnOnce() + std::panic::UnwindSafe) -> bool {
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
}
