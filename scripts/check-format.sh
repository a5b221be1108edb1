#!/usr/bin/env bash
# The house format, as CI checks it: swift-format's lint (the toolchain's, with .swift-format)
# finds nothing, and no Swift line is longer than 120 characters (swift-format cannot split a
# string literal, so that is checked on its own). Fix with `scripts/check-format.sh --fix`
# (swift format -i on the same files), then wrap what is still long by hand. Generated code
# (*.pb.swift, from scripts/onnx/generate.sh) is left as its generator writes it.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
mapfile -d '' files < <(find Sources Tests Package.swift -name '*.swift' ! -name '*.pb.swift' -print0)
if [ "${1:-}" = "--fix" ]; then
  swift format -i "${files[@]}"
fi
if ! swift format lint --strict "${files[@]}"; then
  echo "check-format: swift format lint found the problems above" >&2
  status=1
fi
long=$(printf '%s\0' "${files[@]}" | xargs -0 awk 'length > 120 { print FILENAME ":" FNR ": " length " characters" }')
if [ -n "$long" ]; then
  echo "$long" >&2
  echo "check-format: $(echo "$long" | wc -l) line(s) over 120 characters" >&2
  status=1
fi
[ "$status" -eq 0 ] && echo "check-format: ok"
exit "$status"
