//! Inputs that once broke an invariant check, kept as named regression tests.
//! Each replays the exact input through the function its fuzz target calls.

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
