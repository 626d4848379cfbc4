#!/usr/bin/env bash
# JMH micro-benchmarks of the hot paths (journal entry codec, wire batch codec, link frame codec, apply plan, journal
# batch read, a peer's apply into the embedded store, counting a batch's entry ages).
#   bench/jmh.sh                 # all, about 6 minutes
#   bench/jmh.sh ApplyPlanBench  # one (any JMH arguments pass through)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
mvn -B -ntp -q -pl microbench -am install -DskipTests
CP="$(mvn -B -ntp -q -pl microbench dependency:build-classpath -Dmdep.outputFile=/dev/stdout | sed "s/\x1b\[[0-9;]*m//g")"
exec java -cp "microbench/target/classes:$CP" org.openjdk.jmh.Main "$@"
