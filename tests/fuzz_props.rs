//! Every fuzz target's invariant check, run on random inputs by proptest on
//! each `cargo test`, so a broken invariant shows up before any fuzz campaign.

// `getemms::fuzzing` and `Response::to_vec` need `alloc`.
#![cfg(feature = "alloc")]

use getemms::fuzzing::TARGETS;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn every_target_holds_on_random_bytes(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        for (_, check) in TARGETS {
            check(&data);
        }
    }

    #[test]
    fn every_target_holds_on_random_text(text in "[A-Za-z0-9+/=\r\n \t]{0,200}") {
        // Text shaped like base64 bodies and names, behind the two control
        // bytes the decoder targets read first.
        let mut data = vec![0u8, 2, 5, 3];
        data.extend_from_slice(text.as_bytes());
        for (_, check) in TARGETS {
            check(&data);
            check(text.as_bytes());
        }
    }
}
