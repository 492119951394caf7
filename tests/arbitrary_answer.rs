//! `getemms::arbitrary::Answer`, the realistic upstream answers downstream
//! fuzz targets are given: over a few thousand pseudo-random inputs it
//! produces both forms in every encoding, statuses from the spec's table and
//! both third-party ranges, whole and chunked bodies; and every answer's
//! chunks decode back to its response.

#![cfg(feature = "arbitrary")]

use std::collections::HashSet;

use arbitrary::{Arbitrary, Unstructured};
use getemms::Encoding;
use getemms::arbitrary::Answer;
use getemms::base64::LineWrap;
use getemms::decoder::Collector;
use getemms::{Form, LicenseStatus, Options, StoredLicenseAction, Transport};

/// A deterministic stream of pseudo-random bytes (xorshift64*), so that the
/// test sees the same answers on every run.
fn pseudo_random_input(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

/// Collects `answer`'s chunks as a proxy would and checks that they give
/// back its response.
fn assert_decodes_to_its_response(answer: &Answer<'_>) {
    assert_eq!(
        answer.chunks().flatten().copied().collect::<Vec<u8>>(),
        answer.body()
    );
    let mut buffer = Vec::new();
    let mut collector =
        Collector::with_transport(&mut buffer, Options::DEFAULT, answer.transport());
    for chunk in answer.chunks() {
        collector
            .push(chunk)
            .expect("an answer's chunk was refused");
    }
    assert_eq!(collector.finish(), Ok(answer.response()));
}

#[test]
fn answers_cover_every_form_encoding_status_kind_and_chunking() {
    let mut forms_and_encodings = HashSet::new();
    let mut transports = HashSet::new();
    let (mut known, mut remove_range, mut retain_range, mut other) = (0, 0, 0, 0);
    let (mut whole, mut chunked, mut with_empty_chunk, mut one_byte_chunks) = (0, 0, 0, 0);
    let (mut answers, mut equal_chunks, mut range_neighbours) = (0, 0, 0);
    for seed in 0..4000 {
        let input = pseudo_random_input(seed, 24 + (seed as usize % 200));
        let Ok(answer) = Answer::arbitrary(&mut Unstructured::new(&input)) else {
            continue;
        };
        assert_decodes_to_its_response(&answer);
        answers += 1;

        let response = answer.response();
        forms_and_encodings.insert((response.form(), answer.encoding()));
        transports.insert(answer.transport());
        let status = response.license_status();
        match StoredLicenseAction::for_code(status.code()) {
            _ if status.is_known() => known += 1,
            Some(StoredLicenseAction::Remove) => remove_range += 1,
            Some(StoredLicenseAction::Retain) => retain_range += 1,
            None => other += 1,
        }
        if [511, 1000, 1008, 2008, u32::MAX].contains(&status.code()) {
            range_neighbours += 1;
        }
        let chunks: Vec<&[u8]> = answer.chunks().collect();
        if chunks.len() == 1 {
            whole += 1;
        } else {
            chunked += 1;
        }
        if chunks.iter().any(|chunk| chunk.is_empty()) {
            with_empty_chunk += 1;
        }
        if chunks.len() == answer.body().len() && chunks.len() > 1 {
            one_byte_chunks += 1;
        }
        // Equal chunks of some size over 1, the last one no longer.
        if let [first, middle @ .., last] = &chunks[..]
            && first.len() > 1
            && middle.len() >= 2
            && middle.iter().all(|chunk| chunk.len() == first.len())
            && last.len() <= first.len()
        {
            equal_chunks += 1;
        }
    }

    for form in [Form::Full, Form::Short] {
        for encoding in [
            Encoding::Raw,
            Encoding::Base64(LineWrap::None),
            Encoding::Base64(LineWrap::Mime),
        ] {
            assert!(
                forms_and_encodings.contains(&(form, encoding)),
                "no {form:?} answer encoded as {encoding:?}"
            );
        }
    }
    assert_eq!(
        transports,
        HashSet::from([Transport::Raw, Transport::Base64])
    );
    // Weighted toward the spec: table codes most, then the third-party
    // ranges, and still some of everything else.
    assert!(known > remove_range + retain_range, "known {known}");
    assert!(
        remove_range > other && retain_range > other,
        "{remove_range} {retain_range} {other}"
    );
    assert!(other > 0);
    // The codes just outside the ranges, and the largest, come up on purpose.
    assert!(
        range_neighbours > answers / 50,
        "{range_neighbours} of {answers}"
    );
    assert!(whole > 0 && chunked > 0 && with_empty_chunk > 0 && one_byte_chunks > 0);
    // The three ways a body comes (whole, equal chunks, cut at random
    // places) are each a fair share of the answers, not a rare accident.
    assert!(whole > answers / 5, "{whole} whole of {answers}");
    assert!(
        equal_chunks > answers / 20,
        "{equal_chunks} equal of {answers}"
    );
    assert!(
        chunked - equal_chunks > answers / 5,
        "{chunked} chunked of {answers}"
    );
}

#[test]
fn an_answer_for_a_known_response_is_its_encoding() {
    let emm = [0xCA, 0xFE];
    let response = getemms::Response::new(LicenseStatus::OK, 12345, 7, &emm);
    let raw = Answer::new(response, Encoding::Raw);
    assert_eq!(raw.body(), response.to_vec());
    assert_eq!(raw.transport(), Transport::Raw);
    let mime = Answer::new(response, Encoding::Base64(LineWrap::Mime));
    assert_eq!(mime.body(), b"AAAAAQAAMDkAAAAHyv4=\n");
    assert_eq!(mime.transport(), Transport::Base64);
    for answer in [raw, mime] {
        assert_eq!(answer.chunks().count(), 1);
        assert_decodes_to_its_response(&answer);
    }
}
