#!/bin/bash -eu
# Builds every cargo-fuzz target of fuzz/ for ClusterFuzzLite / OSS-Fuzz and
# puts into $OUT, per target, what the runner looks for beside the binary:
#   $OUT/<target>                  the libFuzzer binary (release, with debug
#                                  assertions so that overflows panic too)
#   $OUT/<target>_seed_corpus.zip  fuzz/corpus/<target>, the committed corpus
#   $OUT/<target>.dict             fuzz/dict
# The builder image sets $SRC and $OUT; fuzz/check-build runs this script
# without docker, with both pointing at temporary folders.
cd "$SRC/getemms"

cargo fuzz build -O --debug-assertions

# cargo-fuzz builds for the host triple into fuzz/target unless
# CARGO_TARGET_DIR says otherwise.
binaries="${CARGO_TARGET_DIR:-$PWD/fuzz/target}/x86_64-unknown-linux-gnu/release"
for target in $(cargo fuzz list); do
  cp "$binaries/$target" "$OUT/$target"
  rm -f "$OUT/${target}_seed_corpus.zip"
  zip --quiet --junk-paths "$OUT/${target}_seed_corpus.zip" fuzz/corpus/"$target"/*
  cp fuzz/dict "$OUT/$target.dict"
done
