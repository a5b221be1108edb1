#!/usr/bin/env bash
# Fuzz one parser target with libFuzzer and address sanitizer, then report what happened.
#
#   scripts/fuzz.sh TARGET [SECONDS]      TARGET: model, keras-config, input, theirs, onnx or tflite (default 60 s)
#   scripts/fuzz.sh all [SECONDS]         every target in turn
#
# Seeds come from Fuzz/corpus/TARGET (committed); what the fuzzer adds goes to
# .build-fuzz/corpus/TARGET, crashes to .build-fuzz/crashes/. Replay a crash with
#   swift build --product lstmscope-fuzz && .build/debug/lstmscope-fuzz TARGET CRASH_FILE
# and commit the minimized input as a regression test (Tests/Fixtures/bad + BadInputTests).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh model|keras-config|input|theirs|onnx|tflite|all [seconds]}
seconds=${2:-60}
if [ "$target" = all ]; then
  for t in model keras-config input theirs onnx tflite; do "$0" "$t" "$seconds"; done
  exit 0
fi
[ -d "Fuzz/corpus/$target" ] || { echo "no such target: $target (model, keras-config, input, theirs, onnx, tflite)" >&2; exit 2; }

# SwiftPM passes --sanitize=fuzzer to the link only, so coverage is asked of swiftc directly.
swift build --product lstmscope-fuzz --scratch-path .build-fuzz --sanitize=address -Xswiftc -sanitize=fuzzer \
  -Xswiftc -DLSTMSCOPE_FUZZING 2>&1 | grep -E "error|Compiling|Build" || true
binary=.build-fuzz/debug/lstmscope-fuzz
mkdir -p ".build-fuzz/corpus/$target" .build-fuzz/crashes
log=".build-fuzz/$target.log"
set +e
# -ignore_crashes: a crash inside libhdf5 (which CrashGuard turns into one clear line in the real
# program) would otherwise end the run; each is kept in .build-fuzz/crashes and counted below,
# to be replayed and triaged.
# allocator_may_return_null: a huge malloc inside libhdf5 (a damaged size it trusts) fails as
# it does in the real program, where libhdf5 reports an error, instead of ending the run.
LSTMSCOPE_FUZZ_TARGET=$target LSTMSCOPE_FUZZ_WEIGHTS=Fuzz/keras-config-weights.h5 ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
  "$binary" ".build-fuzz/corpus/$target" "Fuzz/corpus/$target" -max_total_time="$seconds" \
  -fork=1 -ignore_timeouts=1 -ignore_crashes=1 -timeout=5 -rss_limit_mb=2048 -max_len=262144 \
  -artifact_prefix=".build-fuzz/crashes/$target-" > "$log" 2>&1
status=$?
set -e
# Fork mode (so that a timeout inside libhdf5, which the watchdog handles in the real program,
# does not end the run) reports "#RUNS: cov: N … oom/timeout/crash: a/b/c".
runs=$(grep -oE '^#[0-9]+' "$log" | tr -d '#' | sort -n | tail -1 || echo "?")
timeouts=$(grep -oE 'oom/timeout/crash: [0-9]+/[0-9]+/[0-9]+' "$log" | tail -1 | cut -d' ' -f2 || echo "?")
cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo "?")
crashes=$(ls .build-fuzz/crashes/ 2>/dev/null | grep -c "^$target-crash" || true)
echo "fuzz $target: ${seconds}s, $runs executions, coverage $cov edges, oom/timeout/crash ${timeouts:-0/0/0}, $crashes crash files in .build-fuzz/crashes, exit $status (log: $log)"
[ "$status" -eq 0 ]
