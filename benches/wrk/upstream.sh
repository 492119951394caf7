# Sourced by instructions.sh and cost.sh: builds the proxy example and
# the mock upstream in release mode with debug info (for callgrind's
# names), starts the mock on a free loopback port, and stops whatever was
# started (every pid in `pids`) and removes `work` on exit. Sets `bin`,
# `work`, `pids` and `upstream` (the mock's URL).
CARGO_PROFILE_RELEASE_DEBUG=true cargo build --quiet --release --features tower \
  --example license_proxy --example mock_upstream
bin=target/release/examples
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

"$bin/mock_upstream" 0 >"$work/upstream" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  grep -q http "$work/upstream" && break
  sleep 0.1
done
upstream=$(grep -o 'http://[^ ]*' "$work/upstream")
