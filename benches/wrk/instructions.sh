#!/usr/bin/env bash
# The license proxy example's instructions per request in each mode,
# counted by valgrind's callgrind on the proxy process alone while wrk
# drives it on loopback: a figure that does not move with the machine's
# load, for changes too small for the throughput bench to resolve.
#
#   benches/wrk/instructions.sh                         # ok_1k_raw: passthrough relay rewrite
#   CASE=ok_64k benches/wrk/instructions.sh relay       # a base64 case, one mode
#
# Modes: passthrough, relay, rewrite (relay with --map-status 1=2),
# verify (relay with --verify body), buffered. CASE is a case of the mock
# upstream (ok_1k_raw by default; a case ending in _raw is asked for raw).
# CONNS is wrk's number of connections: 1 by default, one request at a
# time, so that every request finds the proxy idle and takes the same
# path through the runtime (two runs agree within 200 instructions,
# busy machine or not); with more, a request's share of the polls that
# find nothing ready moves with the machine's load, by a few hundred.
# Needs valgrind and wrk (apt-get install valgrind wrk). Each mode takes
# about 15 s: 3 s of warm-up, then the count of 6 s of load.
set -euo pipefail
cd "$(dirname "$0")/../.."

case_name=${CASE:-ok_1k_raw}
raw=0
[[ "$case_name" == *_raw ]] && raw=1
modes=("$@")
((${#modes[@]})) || modes=(passthrough relay rewrite)

for tool in valgrind callgrind_control callgrind_annotate wrk; do
  command -v "$tool" >/dev/null || {
    echo "instructions.sh: $tool is missing (apt-get install valgrind wrk)" >&2
    exit 1
  }
done

# shellcheck source=benches/wrk/upstream.sh
source benches/wrk/upstream.sh

load() { # seconds, output file
  CASE=$case_name RAW=$raw wrk -t1 -c"${CONNS:-1}" -d"$1"s -s benches/wrk/get_emms.lua \
    "http://127.0.0.1:$port/GetEMMs.cgi" >"$2"
}

port=18480
for mode in "${modes[@]}"; do
  case "$mode" in
    passthrough | relay | buffered) flags=(--mode "$mode") ;;
    rewrite) flags=(--mode relay --map-status 1=2) ;;
    verify) flags=(--mode relay --verify body) ;;
    *)
      echo "instructions.sh: unknown mode $mode" >&2
      exit 2
      ;;
  esac
  port=$((port + 1))
  valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.$mode" \
    "$bin/license_proxy" --upstream "$upstream" --quiet --listen "127.0.0.1:$port" "${flags[@]}" \
    >/dev/null 2>&1 &
  proxy=$!
  pids+=("$proxy")
  sleep 3
  load 2 /dev/null
  callgrind_control --zero "$proxy" >/dev/null 2>&1
  load 6 "$work/wrk.$mode"
  callgrind_control --dump "$proxy" >/dev/null 2>&1
  kill "$proxy"
  wait "$proxy" 2>/dev/null || true
  requests=$(grep -o '^ *[0-9]* requests in' "$work/wrk.$mode" | awk '{print $1}')
  total=$(callgrind_annotate "$work/callgrind.$mode.1" 2>/dev/null |
    grep -m1 'PROGRAM TOTALS' | awk '{print $1}' | tr -d ,)
  printf '%-12s %-11s %7d requests  %8d instructions a request\n' \
    "$case_name" "$mode" "$requests" $((total / requests))
done
