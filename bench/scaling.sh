#!/usr/bin/env bash
# How cost grows (issue 15): throughput flat out and lag at a steady offered rate, one factor at a time against the
# baseline shape (64 shards, 200-byte payloads, 1 peer, peers on loopback), with real processes (`cfs bench
# --processes`). Prints one markdown table and mermaid charts (GitHub renders them) to paste in docs/benchmarks.md.
#
#   bench/scaling.sh                 # about 20 minutes on the 2-core box
#   N=600000 RATE=10000 bench/scaling.sh
#
# Larger payloads write fewer entries (N scaled to keep about the same bytes per run, at least 20,000 entries), and are
# offered a rate of the same bytes/s, so that a run measures the factor and not the disk.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
N="${N:-400000}"; RATE="${RATE:-10000}"; WARMUP="${WARMUP:-10}"; PACED_SECONDS="${PACED_SECONDS:-20}"
OUT="$(mktemp -d /tmp/cfs-scaling.XXXX)"
trap 'rm -rf "$OUT"' EXIT
date -u +"scaling run of %Y-%m-%d %H:%M UTC on $(nproc) cores, N=$N, paced at $RATE/s of 200-byte entries"

# label shards payload peers delay_ms
CONFIGS=(
  "baseline 64 200 1 0"
  "shards=1 1 200 1 0"
  "shards=16 16 200 1 0"
  "shards=256 256 200 1 0"
  "payload=64B 64 64 1 0"
  "payload=1KiB 64 1024 1 0"
  "payload=16KiB 64 16384 1 0"
  "peers=2 64 200 2 0"
  "peers=4 64 200 4 0"
  "delay=50ms 64 200 1 50"
)

field() { grep -oE "(^| )$2=[0-9.]+" "$1" | tail -1 | cut -d= -f2 || true; }
worst() { # file suffix: the worst value of site-*_<suffix> over the peers
  grep -oE "site-[a-z]_$2=[0-9.]+" "$1" | cut -d= -f2 | sort -g | tail -1 || true
}

for config in "${CONFIGS[@]}"; do
  read -r label shards payload peers delay <<<"$config"
  entries=$(( N * 200 / payload )); (( entries < 20000 )) && entries=20000
  rate=$(( RATE * 200 / payload )); (( rate < 200 )) && rate=200
  paced=$(( rate * (PACED_SECONDS + WARMUP) ))
  common=(--processes --shards "$shards" --payload "$payload" --peers "$peers" --peer-delay-ms "$delay")
  echo "== $label: flat out, $entries entries"
  "$ROOT/bin/cfs" bench "${common[@]}" --entries "$entries" --warmup 5 > "$OUT/$label.flat" 2>&1 \
    || { tail -20 "$OUT/$label.flat"; exit 1; }
  grep -E '^(throughput|cpu|RESULT)' "$OUT/$label.flat" | cut -c1-160
  echo "== $label: $rate/s offered, $paced entries, ${WARMUP} s warm-up"
  "$ROOT/bin/cfs" bench "${common[@]}" --entries "$paced" --rate "$rate" --pacing-ms 10 --warmup "$WARMUP" \
    > "$OUT/$label.paced" 2>&1 || { tail -20 "$OUT/$label.paced"; exit 1; }
  grep -E '^(throughput|RESULT)|after' "$OUT/$label.paced" | cut -c1-160
done

echo
echo "| shape | entries/s flat out | MB/s of payload | CPU us/entry flat out (all processes, warm-up included) | offered | lag p50 / p99 ms after warm-up (worst peer) |"
echo "|---|---|---|---|---|---|"
for config in "${CONFIGS[@]}"; do
  read -r label shards payload peers delay <<<"$config"
  t="$(field "$OUT/$label.flat" throughput)"; cpu="$(field "$OUT/$label.flat" cpu_us_per_entry)"
  rate=$(( RATE * 200 / payload )); (( rate < 200 )) && rate=200
  p50="$(worst "$OUT/$label.paced" lag_p50_ms)"; p99="$(worst "$OUT/$label.paced" lag_p99_ms)"
  mbs="$(awk -v t="$t" -v p="$payload" 'BEGIN { printf "%.1f", t * p / 1e6 }')"
  echo "| $label | $t | $mbs | $cpu | $rate/s | $p50 / $p99 |"
done

chart() { # title label:axis-name...: a mermaid bar chart of the flat-out throughput, then one of the lag p99
  local title="$1"; shift
  local xs="" ts="" ls="" label
  for pair in "$@"; do
    label="${pair%%:*}"
    xs+="${xs:+, }\"${pair#*:}\""
    ts+="${ts:+, }$(field "$OUT/$label.flat" throughput)"
    ls+="${ls:+, }$(worst "$OUT/$label.paced" lag_p99_ms)"
  done
  printf '\n```mermaid\nxychart-beta\n  title "%s: entries/s flat out"\n  x-axis [%s]\n  y-axis "entries/s"\n  bar [%s]\n```\n' \
    "$title" "$xs" "$ts"
  printf '\n```mermaid\nxychart-beta\n  title "%s: lag p99 (ms) at a steady rate"\n  x-axis [%s]\n  y-axis "ms"\n  bar [%s]\n```\n' \
    "$title" "$xs" "$ls"
}
chart "Shards" shards=1:1 shards=16:16 baseline:64 shards=256:256
chart "Payload" payload=64B:64B baseline:200B payload=1KiB:1KiB payload=16KiB:16KiB
chart "Peers" baseline:1 peers=2:2 peers=4:4
chart "A peer 50 ms away" "baseline:loopback" "delay=50ms:50 ms"
