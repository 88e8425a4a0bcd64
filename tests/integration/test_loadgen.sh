#!/usr/bin/env bash
# Many WebRTC viewers at once: the GStreamer RTSP camera in the client
# namespace, streamgate pulling it (af_packet port), and sg-loadgen in the
# client namespace acting as LG_VIEWERS viewers (WHEP, ICE, DTLS-SRTP, SRTP
# decrypt and count). Every viewer must decrypt at least LG_MIN_PACKETS packets
# with zero SRTP authentication failures and no loss beyond LG_MAX_LOSS %.
# Prints streamgate's cost: worker busy cycles per delivered packet (busy
# cycles = cycles of loop iterations that did work, `streamgatectl lcores`)
# and the control plane's CPU from /proc (every thread but the workers).
#
# The viewers offer the four SRTP profiles in turn (LG_SRTP, sg-loadgen --srtp):
# each one must be negotiated by its share of the viewers.
#
# CI defaults: 50 viewers for 15 s. tools/loadgen/run-e2e runs it with >= 500.
#   LG_VIEWERS LG_SECONDS LG_RAMP LG_MIN_PACKETS LG_MAX_LOSS LG_MBUFS LG_IDLE_SLEEP_US LG_SRTP
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ingest_lib.sh"
LG_VIEWERS=${LG_VIEWERS:-50}
LG_SECONDS=${LG_SECONDS:-15}
LG_RAMP=${LG_RAMP:-25}
LG_MIN_PACKETS=${LG_MIN_PACKETS:-$((LG_SECONDS * 30))}
LG_MAX_LOSS=${LG_MAX_LOSS:-0}
LG_MBUFS=${LG_MBUFS:-16383}
LG_IDLE_SLEEP_US=${LG_IDLE_SLEEP_US:-200}
LG_SRTP=${LG_SRTP:-gcm,cm80,gcm256,cm32}
LOADGEN=${LG_BIN:-$SG_BUILD/tools/loadgen/sg-loadgen}   # LG_BIN: e.g. an ASan build
[ -x "$LOADGEN" ] || sg_fail "$LOADGEN not built"

sg_netns_up
sg_config "paths:
  cam:
    source: rtsp://$SG_CLI_IP:8554/cam
    transport: tcp"
sed -i "s/^  mbufs: .*/  mbufs: $LG_MBUFS/; s/^  idle_sleep_us: .*/  idle_sleep_us: $LG_IDLE_SLEEP_US/" "$SG_TMP/streamgate.yaml"
sg_cam_start --port 8554 --path /cam
sg_daemon_start
sg_wait_path cam playing 10
# open file limit for one UDP socket per viewer
ulimit -n $((LG_VIEWERS + 1024)) 2>/dev/null || true

# CPU of the daemon's threads from /proc: "comm utime+stime" (clock ticks).
threads_cpu() {
  local t s
  for t in /proc/$SG_DAEMON_PID/task/*; do
    s=$(cat "$t/stat" 2>/dev/null) || continue
    set -- ${s##*) }   # fields after "(comm) ": state is $1, utime $12, stime $13
    echo "$(tr -d ' ' < "$t/comm") $(( ${12} + ${13} ))"
  done
}
snapshot() { # tag
  sgctl --json lcores > "$SG_TMP/lcores-$1.json"
  sgctl --json stats > "$SG_TMP/stats-$1.json"
  threads_cpu > "$SG_TMP/cpu-$1.txt"
  date +%s.%N > "$SG_TMP/time-$1.txt"
}

snapshot a
sg_log "sg-loadgen: $LG_VIEWERS viewers, ramp $LG_RAMP/s, $LG_SECONDS s after the ramp, SRTP $LG_SRTP"
rc=0
sg_loadgen "$LG_VIEWERS" "$LG_SECONDS" "$LG_RAMP" "$LG_MIN_PACKETS" "$LG_MAX_LOSS" "$LG_SRTP" || rc=$?
snapshot b
echo "    sessions: $(sgctl sessions | grep -E '^(created|ended|dtls_failed|consent_expired|dtls_unknown_peer):' | tr '\n' ' ')"
[ -n "${LG_KEEP_JSON:-}" ] && cp "$SG_TMP/loadgen.json" "$LG_KEEP_JSON"
sg_loadgen_summary $rc 4

python3 - "$SG_TMP" "$LG_VIEWERS" "$LG_MIN_PACKETS" "$SG_ROOT/tests/integration" "$LG_SRTP" <<'PY' || sg_fail "checks failed"
import json, os, sys
d, n, minp = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sys.path.insert(0, sys.argv[4])
import lg_checks
L = json.load(open(f"{d}/loadgen.json"))
def lc(tag):
    return lg_checks.lcores(d, tag)
def cpu(tag):
    out = {}
    for line in open(f"{d}/cpu-{tag}.txt"):
        c, v = line.split()
        out[c] = out.get(c, 0) + int(v)
    return out
secs = float(open(f"{d}/time-b.txt").read()) - float(open(f"{d}/time-a.txt").read())
c = lg_checks.Checks()
lg_checks.loadgen(c, L, n, minp)
lg_checks.profiles(c, L, sys.argv[5])
fan = lg_checks.fastpath(c, d, L)
print(f"    streamgate: {fan / secs:.0f} pkt/s delivered over {secs:.1f} s")

A, B = lc("a"), lc("b")
busy = sum(b["busy_cycles"] - a["busy_cycles"] for a, b in zip(A, B) if b["role"] == "worker")
tot = sum(b["total_cycles"] - a["total_cycles"] for a, b in zip(A, B) if b["role"] == "worker")
hz = B[0]["tsc_hz"]
ca, cb = cpu("a"), cpu("b")
tck = os.sysconf("SC_CLK_TCK")
ctl_ticks = sum(cb[k] - ca.get(k, 0) for k in cb if not k.startswith(("lcore-worker", "rte-worker")))
wrk_ticks = sum(cb[k] - ca.get(k, 0) for k in cb if k.startswith(("lcore-worker", "rte-worker")))
print(f"    threads (ticks over the run): " + ", ".join(f"{k}={cb[k] - ca.get(k, 0)}" for k in sorted(cb)))
if fan:
    print(f"    FIGURE workers: {busy / fan:.0f} busy cycles per delivered packet = {busy / fan / hz * 1e9:.0f} ns "
          f"(TSC {hz / 1e9:.2f} GHz; busy {100 * busy / max(tot, 1):.1f}% of the loop's cycles)")
    print(f"    FIGURE control plane: {ctl_ticks / tck:.2f} s CPU over {secs:.1f} s = {100 * ctl_ticks / tck / secs:.1f}% "
          f"of a core, {ctl_ticks / tck / fan * 1e9:.0f} ns per delivered packet "
          f"(includes the {L['viewers']} WHEP/DTLS handshakes)")
    print(f"    FIGURE total: {(busy / hz + ctl_ticks / tck) / fan * 1e9:.0f} ns of streamgate CPU per delivered packet "
          f"(worker /proc CPU {wrk_ticks / tck:.1f} s: a polling loop, not a measure)")
sys.exit(c.exit_code())
PY
[ "$rc" -eq 0 ] || { grep -v '^\[' "$SG_TMP/loadgen.err" | tail -5 >&2; sg_fail "sg-loadgen exited $rc"; }
sleep 1
n=$(sgctl --json sessions | sg_json "len(j['sessions'])")
[ "$n" -eq 0 ] || sg_fail "$n sessions left after every viewer DELETEd its session"
sg_daemon_stop || sg_fail "daemon exited non-zero"
grep -q "mbufs in use after shutdown: 0" "$SG_TMP/daemon.log" || sg_fail "mbufs leaked"
sg_log PASS
