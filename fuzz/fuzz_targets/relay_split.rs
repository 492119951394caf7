#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| getemms::fuzzing::relay_split(data));
