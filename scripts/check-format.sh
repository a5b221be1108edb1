#!/usr/bin/env bash
# The house format, as CI checks it: swift-format's lint (the toolchain's, with .swift-format)
# finds nothing, and no Swift line is longer than 120 characters (swift-format cannot split a
# string literal, so that is checked on its own). Fix with `swift format -i -r Sources Tests
# Package.swift`, then wrap what is still long by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
if ! swift format lint --strict -r Sources Tests Package.swift; then
  echo "check-format: swift format lint found the problems above" >&2
  status=1
fi
long=$(find Sources Tests Package.swift -name '*.swift' -print0 | xargs -0 awk 'length > 120 { print FILENAME ":" FNR ": " length " characters" }')
if [ -n "$long" ]; then
  echo "$long" >&2
  echo "check-format: $(echo "$long" | wc -l) line(s) over 120 characters" >&2
  status=1
fi
[ "$status" -eq 0 ] && echo "check-format: ok"
exit "$status"
