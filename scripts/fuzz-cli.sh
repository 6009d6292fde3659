#!/usr/bin/env bash
# Fuzzes the command line's parsers of untrusted input (test/io/readers-fuzz.test.ts: .npy,
# .safetensors, the .npy header's Python literals, CSV/JSON/.npy boxes, manifest lines) for
# SECONDS (default 60) per parser, seven parsers one after another, from a random seed (or
# ROI_OPS_FUZZ_SEED). A failure prints the seed and path that replay it; exits non-zero then.
set -eu
cd "$(dirname "$0")/.."
SECONDS_PER_PARSER="${1:-60}"
case "$SECONDS_PER_PARSER" in
  '' | *[!0-9]*) echo "scripts/fuzz-cli.sh: SECONDS must be a whole number of seconds, got '$SECONDS_PER_PARSER'" >&2; exit 2 ;;
esac
export ROI_OPS_READERS_FUZZ_SECONDS="$SECONDS_PER_PARSER"
exec npx vitest run --project js test/io/readers-fuzz.test.ts
