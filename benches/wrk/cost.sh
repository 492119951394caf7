#!/usr/bin/env bash
# What relay forward and relay rewrite cost in throughput, from two
# figures that do not move with the host's speed, for cases where the
# throughput bench's own noise (a few points) hides a 2 % goal:
#
#   share: the proxy's user-space share of the machine's busy CPU while
#          wrk (-t1 -c64, 10 s) saturates the proxy in passthrough mode,
#          read from /proc (the proxy's utime against all CPUs' busy time:
#          user, system, interrupts; wrk and the mock upstream included)
#   extra: the relay's extra instructions a request over passthrough, in
#          % of passthrough's, from benches/wrk/instructions.sh
#
# At saturation the throughput is the machine's CPU over the CPU time one
# request takes in all, so work added to the proxy's user space costs
# share x extra of it, if it runs as fast as the proxy's other code. The
# relay adds no system call (strace -c counts the same calls a request in
# every mode), so the kernel's and the other processes' time is unchanged.
# wrk is a lean client: with a heavier one (the bench's hyper client) the
# proxy's share, and so the cost, is smaller.
#
#   benches/wrk/cost.sh                        # ok_1k_raw ok_1k ok_1k_mime
#   benches/wrk/cost.sh ok_16k_raw ok_16k      # these cases
#
# Needs valgrind and wrk (apt-get install valgrind wrk), and Linux's
# /proc. About 1 min 20 s a case.
set -euo pipefail
cd "$(dirname "$0")/../.."

cases=("$@")
((${#cases[@]})) || cases=(ok_1k_raw ok_1k ok_1k_mime)
command -v wrk >/dev/null || {
  echo "cost.sh: wrk is missing (apt-get install wrk)" >&2
  exit 1
}

# shellcheck source=benches/wrk/upstream.sh
source benches/wrk/upstream.sh
"$bin/license_proxy" --upstream "$upstream" --quiet --listen 127.0.0.1:18470 \
  --mode passthrough >/dev/null 2>&1 &
proxy=$!
pids+=("$proxy")
sleep 0.5

utime() { awk '{print $14}' "/proc/$proxy/stat"; }
busy() { head -1 /proc/stat | awk '{print $2 + $3 + $4 + $7 + $8}'; }

printf '%-12s %7s %10s %10s %10s %9s %9s\n' case share passthrough forward rewrite forward rewrite
for case_name in "${cases[@]}"; do
  raw=0
  [[ "$case_name" == *_raw ]] && raw=1
  load() {
    CASE=$case_name RAW=$raw wrk -t1 -c64 -d"$1"s -s benches/wrk/get_emms.lua \
      http://127.0.0.1:18470/GetEMMs.cgi >/dev/null
  }
  load 3
  user=$(utime)
  all=$(busy)
  load 10
  share=$(awk -v u=$(($(utime) - user)) -v b=$(($(busy) - all)) 'BEGIN {printf "%.3f", u / b}')
  counts=$(CASE=$case_name benches/wrk/instructions.sh passthrough relay rewrite |
    awk '{print $5}' | tr '\n' ' ')
  read -r pass forward rewrite <<<"$counts"
  awk -v c="$case_name" -v s="$share" -v p="$pass" -v f="$forward" -v r="$rewrite" 'BEGIN {
    printf "%-12s %7s %10d %+10d %+10d %8.2f%% %8.2f%%\n", c, s, p, f - p, r - p,
      100 * s * (f - p) / p, 100 * s * (r - p) / p
  }'
done
