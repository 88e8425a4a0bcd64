#!/usr/bin/env bash
# deploy/host-setup against a fake sysfs tree: dry run changes nothing, a real
# run sets hugepages and VFs, a second run changes nothing (idempotent), bad
# arguments are refused.
set -euo pipefail
ROOT=${SG_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$T/kernel/mm/hugepages/hugepages-2048kB" "$T/class/net/pf0/device" "$T/bus/pci/drivers/vfio-pci"
echo 0 > "$T/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
echo 8 > "$T/class/net/pf0/device/sriov_totalvfs"
echo 0 > "$T/class/net/pf0/device/sriov_numvfs"
hs() { SG_SYSFS=$T "$ROOT/deploy/host-setup" "$@"; }

out=$(hs --dry-run --hugepages 512 --pf pf0 --vfs 2)
echo "$out"
echo "$out" | grep -q "would: echo 512 > $T/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages" || fail "dry run did not plan hugepages"
echo "$out" | grep -q "would: echo 2 > $T/class/net/pf0/device/sriov_numvfs" || fail "dry run did not plan VFs"
[ "$(cat "$T/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages")" = 0 ] || fail "dry run changed hugepages"
[ "$(cat "$T/class/net/pf0/device/sriov_numvfs")" = 0 ] || fail "dry run changed VFs"

hs --hugepages 512 --pf pf0 --vfs 2 | grep -v mount || true
[ "$(cat "$T/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages")" = 512 ] || fail "hugepages not set"
[ "$(cat "$T/class/net/pf0/device/sriov_numvfs")" = 2 ] || fail "VFs not set"
out=$(hs --dry-run --hugepages 512 --pf pf0 --vfs 2)
echo "$out" | grep -q "ok: pf0 has 2 VFs" || fail "second run not idempotent for VFs: $out"
echo "$out" | grep -q "ok: .*nr_hugepages = 512" || fail "second run not idempotent for hugepages: $out"

hs --pf pf0 --vfs 9 >/dev/null 2>&1 && fail "accepted more VFs than the PF supports"
hs --vfs 2 >/dev/null 2>&1 && fail "accepted --vfs without --pf"
hs --hugepages lots >/dev/null 2>&1 && fail "accepted a non-number"
hs --bind nonsense >/dev/null 2>&1 && fail "accepted a bad PCI address"
hs --frobnicate >/dev/null 2>&1 && fail "accepted an unknown option"
echo PASS
