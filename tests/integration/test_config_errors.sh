#!/usr/bin/env bash
# Config errors stop the daemon before it touches any port: non-zero exit and
# one line naming file:line:column and the key.
set -euo pipefail
ROOT=${SG_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SG=${SG_BUILD:-$ROOT/build}/app/streamgate/streamgate
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

check() { # name, expected-substring, yaml
  printf '%s\n' "$3" > "$T/c.yaml"
  set +e; out=$("$SG" -c "$T/c.yaml" 2>&1); rc=$?; set -e
  [ $rc -ne 0 ] || fail "$1: exit 0"
  echo "$out" | grep -qF -- "$2" || fail "$1: expected '$2' in: $out"
  echo "$out" | grep -q "EAL" && fail "$1: EAL was started: $out"
  echo "ok $1: $out"
}
check "unknown key" "c.yaml:2:1: bogus: unknown key" $'log_level: info\nbogus: 1'
check "out of range" "mempool.mbufs" $'mempool:\n  mbufs: 5'
check "syntax" "c.yaml:" $'ports: [\n  - x: :'
check "bad cidr" "ports[0].ipv4" $'ports:\n  - name: d\n    device: net_null0\n    profile: ring\n    ipv4: 198.18.0.1/40'
set +e; out=$("$SG" -c "$T/missing.yaml" 2>&1); rc=$?; set -e
[ $rc -ne 0 ] && echo "$out" | grep -q "missing.yaml" || fail "missing file: $out"
# --check on the repo's configs
"$SG" --check -c "$ROOT/streamgate.yaml" | grep -q "configuration OK" || fail "streamgate.yaml --check"
sed "s#^drivers_dir:.*#drivers_dir: $ROOT/drivers-config#" "$ROOT/deploy/streamgate.yaml.example" > "$T/example.yaml"
"$SG" --check -c "$T/example.yaml" | grep -q "configuration OK" || fail "example --check"
echo PASS
