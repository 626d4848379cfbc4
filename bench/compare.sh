#!/usr/bin/env bash
# cfs-repl against its two peer baselines, back to back on this machine (the box is noisy: only figures of one run
# compare), then one table of ratios. Needs root (the PostgreSQL baseline runs initdb as postgres) and ../shared/peers.
#
#   bench/compare.sh                 # about 8 minutes
#   N=2000000 bench/compare.sh       # a longer flat-out run
#   SKIP_KAFKA=1 bench/compare.sh    # PostgreSQL only
#
# Shapes: cfs-repl 2 node JVMs + a load JVM over the binary ingest, 64 shards, 200-byte payloads, fsync on;
# PostgreSQL 15 logical replication, 128-byte payloads, fsync and synchronous_commit on; Kafka 4.1.1 + MirrorMaker 2,
# 16 partitions, ~200-byte records, acks=all, Kafka's flush defaults (no fsync per write).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEERS="${PEERS:-$ROOT/../shared/peers}"
N="${N:-1000000}"; PACED_N="${PACED_N:-600000}"; RATE="${RATE:-10000}"; WARMUP="${WARMUP:-30}"
# Entries written at 10K/s through the same node JVMs before each measured cfs-repl run, as the Kafka baseline's
# SYSTEM_WARMUP_S (60 s at 10K/s: 600,000 records) does for its JVMs; 0 measures cold JVMs, whose JIT takes a fifth
# of the CPU of a 1M-entry run.
SYSTEM_WARMUP="${SYSTEM_WARMUP:-600000}"
OUT="$(mktemp -d /tmp/cfs-compare.XXXX)"
trap 'rm -rf "$OUT"' EXIT
[[ -d "$PEERS" ]] || { echo "no peer baselines at $PEERS (set PEERS)"; exit 2; }
date -u +"compare run of %Y-%m-%d %H:%M UTC on $(nproc) cores"

echo "== cfs-repl flat out: $N entries, after a system warm-up of $SYSTEM_WARMUP entries at 10K/s"
"$ROOT/bin/cfs" bench --processes --entries "$N" --warmup 5 --system-warmup "$SYSTEM_WARMUP" | tee "$OUT/cfs-flat"
echo "== cfs-repl paced: $PACED_N entries at $RATE/s in batches of 100 (as PostgreSQL's)," \
  "after a system warm-up of $SYSTEM_WARMUP entries at 10K/s, ${WARMUP} s in-run warm-up"
"$ROOT/bin/cfs" bench --processes --entries "$PACED_N" --rate "$RATE" --pacing-ms $((100 * 1000 / RATE)) \
  --warmup "$WARMUP" --system-warmup "$SYSTEM_WARMUP" | tee "$OUT/cfs-paced"
echo "== PostgreSQL logical replication flat out"
bash "$PEERS/pg-logical/run.sh" 500000 1000 50000 | tee "$OUT/pg-flat"
echo "== PostgreSQL logical replication paced at $RATE/s"
bash "$PEERS/pg-logical/run.sh" 100000 100 50000 "$RATE" | tee "$OUT/pg-paced"
if [[ -z "${SKIP_KAFKA:-}" ]]; then
  echo "== Kafka MirrorMaker 2 (warm-up, unpaced, paced at $RATE/s)"
  (cd "$PEERS/kafka-mm2" && RATE="$RATE" ./run.sh) | tee "$OUT/kafka"
else
  : > "$OUT/kafka"
fi

field() { # file key: the value of key=... on the RESULT/SUMMARY/pg line, or "-"
  grep -oE "(^|[ ])$2=[0-9.]+" "$1" | tail -1 | cut -d= -f2 || true
}
val() { local v; v="$(field "$@")"; echo "${v:--}"; }
kafka() { # label key
  local v; v="$(grep "^SUMMARY label=$1 " "$OUT/kafka" | grep -oE "$2[= ][0-9.]+" | head -1 | grep -oE '[0-9.]+$' || true)"
  echo "${v:--}"
}
ratio() { # ours best-peer higher-is-better
  awk -v a="$1" -v b="$2" -v up="$3" 'BEGIN { if (a == "-" || b == "-" || a == 0 || b == 0) { print "-"; exit }
    printf "%.2fx", (up ? a / b : b / a) }'
}
best() { # higher-is-better values...: the best peer figure
  local up="$1"; shift
  printf '%s\n' "$@" | grep -v '^-$' | sort -g | { if [[ "$up" == 1 ]]; then tail -1; else head -1; fi; } || echo "-"
}

cfs_tput="$(val "$OUT/cfs-flat" throughput)"
pg_tput="$(grep -oE 'throughput_ops_per_s=[0-9]+' "$OUT/pg-flat" | cut -d= -f2 || echo -)"
kf_tput="$(kafka unpaced e2e_tput)"
cfs_p99="$(val "$OUT/cfs-paced" site-b_lag_p99_ms)"
cfs_p99_all="$(val "$OUT/cfs-paced" site-b_lag_all_p99_ms)"
cfs_p99_durable="$(val "$OUT/cfs-paced" site-b_durable_lag_p99_ms)"
pg_p99="$(grep -oE 'lag_ms p50=[0-9.]+ p99=[0-9.]+' "$OUT/pg-paced" | grep -oE 'p99=[0-9.]+' | cut -d= -f2 || echo -)"
kf_p99="$(grep "^SUMMARY label=paced " "$OUT/kafka" | grep -oE 'p99=[0-9.]+' | head -1 | cut -d= -f2 || true)"
kf_p99="${kf_p99:--}"
cfs_cpu_flat="$(val "$OUT/cfs-flat" cpu_us_per_entry)"
cfs_cpu_paced="$(val "$OUT/cfs-paced" cpu_us_per_entry)"

echo
echo "| metric | cfs-repl | PostgreSQL logical | Kafka MM2 | cfs-repl vs best peer |"
echo "|---|---|---|---|---|"
echo "| entries/s flat out | $cfs_tput | ${pg_tput:--} | $kf_tput | $(ratio "$cfs_tput" "$(best 1 "${pg_tput:--}" "$kf_tput")" 1) |"
echo "| lag p99 ms at $RATE/s (cfs after ${WARMUP} s warm-up) | $cfs_p99 | ${pg_p99:--} | $kf_p99 | $(ratio "$cfs_p99" "$(best 0 "${pg_p99:--}" "$kf_p99")" 0) |"
echo "| lag p99 ms at $RATE/s, all entries | $cfs_p99_all | | | |"
echo "| lag p99 ms at $RATE/s to durable at the peer (its ack; cfs after ${WARMUP} s warm-up) | $cfs_p99_durable | | | |"
echo "| CPU us per entry, flat out / at $RATE/s (all processes) | $cfs_cpu_flat / $cfs_cpu_paced | | | |"
echo "(ratios: > 1x means cfs-repl is ahead; lag ratio = best peer p99 / cfs-repl p99)"
