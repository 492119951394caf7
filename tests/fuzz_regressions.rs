//! Inputs that once broke an invariant check, kept as named regression tests.
//! Each replays the exact input through the function its fuzz target calls.

// `getemms::fuzzing` and `Response::to_vec` need `alloc`.
#![cfg(feature = "alloc")]

use getemms::fuzzing;

/// Found by the `nom_and_zerocopy_agree` property test while the
/// differential check was written: for an 8-byte short-form body the
/// reference slices `data[8..]` (an empty slice at the end of the input)
/// while the parsers return the static empty EMM. The EMM pointers must only
/// be compared for the full form, where the EMM really is the caller's memory.
#[test]
fn differential_short_form_empty_emm_pointer() {
    let body = [0x00, 0x00, 0x02, 0x58, 0x00, 0x00, 0x00, 0x00];
    fuzzing::differential(&body);
    fuzzing::parse(&body);
}

/// The full form with an empty EMM is the boundary where the EMM pointer is
/// one past the end of the caller's body; it must still be that pointer.
#[test]
fn empty_emm_pointer_is_end_of_body() {
    let body = [0, 0, 0, 9, 0, 0, 0x10, 0x92, 0, 0, 0, 3];
    fuzzing::differential(&body);
    fuzzing::parse(&body);
    let response = getemms::Response::parse(&body).unwrap();
    assert_eq!(response.emm().as_ptr(), body[12..].as_ptr());
}

/// Found by the base64 property tests while the transport was written
/// (fixed in the same change): the one-shot decoder (now `base64::decode`) sized its buffer for whole
/// 4-character groups only, so the 1–2 bytes of an unpadded final group had
/// no room. `AAACWAAAAAA` is the 600 rejection without its `=`.
#[test]
fn base64_unpadded_final_group_fits() {
    // options byte 0 (defaults), no chunk sizes, then the text.
    let mut data = vec![0u8, 0];
    data.extend_from_slice(b"AAACWAAAAAA");
    fuzzing::base64_text(&data);
    let mut scratch = Vec::new();
    let response =
        getemms::Response::parse_base64(b"AAACWAAAAAA", &mut scratch, &getemms::Options::DEFAULT)
            .unwrap();
    assert_eq!(u32::from(response.license_status()), 600);
}

/// Found by the same property tests: `Base64Stream::decoded_len_bound`
/// forgot the `=` already carried from the previous chunk, so a chunk
/// holding only the last `=` got no room for the byte it completes. The
/// text is a 13-byte body (one EMM byte) ending `AA==`, fed so that the
/// final `=` arrives alone.
#[test]
fn base64_padding_split_across_chunks() {
    let text = b"AAAAAQAAMDkAAAAHqg==";
    let split = text.len() - 1;
    // options 0, two chunk sizes: everything but the last '=', then 1.
    let mut data = vec![0u8, 2, split as u8, 1];
    data.extend_from_slice(text);
    fuzzing::base64_text(&data);

    let mut decoder = getemms::decoder::TransportDecoder::new(
        getemms::Options::DEFAULT,
        getemms::Transport::Base64,
    );
    let mut emm = Vec::new();
    for piece in [&text[..split], &text[split..]] {
        emm.extend_from_slice(decoder.feed(piece).unwrap().emm);
    }
    emm.extend_from_slice(decoder.finish().unwrap().emm);
    assert_eq!(emm, [0xAA]);
}

/// Two inputs libFuzzer reported as *slow units* (over its time threshold,
/// not failures) in an early campaign; kept so that every target keeps
/// handling them, and quickly: the whole replay is one test.
#[test]
fn slow_units_hold_every_invariant() {
    let inputs: [&[u8]; 2] = [
        &[
            0x3D, 0x00, 0x00, 0xA5, 0x01, 0x03, 0x00, 0xA7, 0x20, 0x00, 0x39, 0x00, 0x00, 0x01,
            0x00, 0x00, 0x39, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x02, 0x00, 0x14, 0x11, 0x11,
            0xE6, 0x00, 0x07, 0x00, 0x00, 0x02, 0x00, 0x14, 0x11, 0x11, 0xE6, 0x1D, 0x1E, 0xF1,
            0x17, 0xF1,
        ],
        &[0x82, 0x82, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
    ];
    for input in inputs {
        for (_, check) in fuzzing::TARGETS {
            check(input);
        }
    }
}
