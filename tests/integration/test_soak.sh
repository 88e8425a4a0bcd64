#!/usr/bin/env bash
# The CI version of tools/soak: a 30-second ping flood, no growth in mbufs.
set -euo pipefail
exec "$(dirname "$0")/../../tools/soak" --duration 30 --count 1000000 --interval 5
