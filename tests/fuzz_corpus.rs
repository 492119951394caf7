//! Replays every committed fuzz corpus file through the function its fuzz
//! target calls, on stable Rust without libFuzzer, so that `cargo test`
//! re-checks every input the fuzzer ever kept.

// `getemms::fuzzing` and `Response::to_vec` need `alloc`.
#![cfg(feature = "alloc")]

use std::fs;
use std::path::{Path, PathBuf};

use getemms::fuzzing::TARGETS;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_fuzz_target_is_known_and_has_a_seed_corpus() {
    for target in files_in(&fuzz_dir().join("fuzz_targets")) {
        let name = target.file_stem().unwrap().to_str().unwrap();
        assert!(
            TARGETS.iter().any(|(known, _)| *known == name),
            "fuzz target {name} has no entry in getemms::fuzzing::TARGETS"
        );
    }
    for (name, _) in TARGETS {
        assert!(
            fuzz_dir()
                .join("fuzz_targets")
                .join(format!("{name}.rs"))
                .is_file(),
            "fuzzing::TARGETS names {name}, but fuzz/fuzz_targets/{name}.rs is missing"
        );
        let corpus = files_in(&fuzz_dir().join("corpus").join(name));
        assert!(!corpus.is_empty(), "fuzz/corpus/{name} is empty");
    }
}

#[test]
fn replay_every_corpus_file() {
    let mut replayed = 0;
    for (name, check) in TARGETS {
        for file in files_in(&fuzz_dir().join("corpus").join(name)) {
            let data = fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(
                outcome.is_ok(),
                "{name}: {} fails its invariants",
                file.display()
            );
            replayed += 1;
        }
    }
    assert!(
        replayed >= TARGETS.len(),
        "only {replayed} corpus files replayed"
    );
}
