#!/usr/bin/env bash
# Bad input from RTSP servers (a fake camera, rtsp_fake.py): garbage, a huge
# header, a bogus Content-Length, SDP garbage, a zero-length '$' frame, a
# camera that never sends media, RTP with a bad version / CSRC count /
# padding. Each path reports a clear error (or counts the drops) and keeps
# reconnecting; the real camera's path next to them is untouched.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ingest_lib.sh"

sg_netns_up
F=rtsp://$SG_CLI_IP
sg_config "rtsp:
  read_timeout_s: 3
paths:
  good: {source: '$F:8554/cam', transport: tcp}
  silent: {source: '$F:8601/x', transport: tcp}
  garbage: {source: '$F:8602/x', transport: tcp}
  hugehdr: {source: '$F:8603/x', transport: tcp}
  badlen: {source: '$F:8604/x', transport: tcp}
  badsdp: {source: '$F:8605/x', transport: tcp}
  badframe: {source: '$F:8606/x', transport: tcp}
  badrtp: {source: '$F:8607/x', transport: tcp}
  refused: {source: '$F:8699/x', transport: tcp}"
sg_cam_start --port 8554 --path /cam
ip netns exec "$SG_CLI_NS" python3 "$SG_ROOT/tests/integration/rtsp_fake.py" --addr $SG_CLI_IP silent:8601 garbage:8602 \
  hugehdr:8603 badlen:8604 badsdp:8605 badframe:8606 badrtp:8607 > "$SG_TMP/fake.log" 2>&1 &
SG_PIDS+=($!)
for _ in $(seq 50); do grep -q READY "$SG_TMP/fake.log" && break; sleep 0.1; done
sg_daemon_start
sg_wait_path good playing 10
sleep 9    # > 2 x read timeout: the silent camera failed at least once
sgctl paths
sgctl streams
sg_pycheck <<'PY'
def err(p):
    return P[p]["last_error"]
expect = {
    "silent": "no media for 3 s",
    "garbage": "malformed answer",
    "hugehdr": "malformed answer",
    "badlen": "malformed answer",
    "badsdp": "SDP",
    "badframe": "malformed answer",
    "refused": "Connection refused",
}
for p, want in expect.items():
    # (a path may be caught between two attempts in any state, even briefly "playing")
    check(f"{p}: error '{err(p)}' (want '{want}'), {P[p]['errors']} errors", want in err(p) and P[p]["errors"] >= 1)
    check(f"{p}: retried ({P[p]['connects']} connects)", P[p]["connects"] >= 2 or p == "refused")
b = S[("badrtp", "video")]
check(f"badrtp: playing, valid packets pushed ({b['pkts']}), drops by reason: {b['drop_reasons']}",
      P["badrtp"]["state"] == "playing" and b["pkts"] > 50 and "RTP_BAD_VERSION=" in b["drop_reasons"]
      and "RTP_CSRC_TRUNC=" in b["drop_reasons"] and "RTP_BAD_PADDING=" in b["drop_reasons"])
check(f"badrtp: drops counted ({b['drops']}) ~ 3 x packets ({b['pkts']})", b["drops"] >= 2 * b["pkts"])
g = S[("good", "video")]
check(f"good: still playing with {g['pkts']} packets, no errors",
      P["good"]["state"] == "playing" and P["good"]["errors"] == 0 and g["pkts"] > 200 and g["lost"] == 0)
PY
grep -q "dropping RTP: version is not 2" "$SG_TMP/daemon.log" || sg_fail "no clear log line for the bad RTP"
sg_daemon_stop || sg_fail "daemon exited non-zero"
grep -q "mbufs in use after shutdown: 0" "$SG_TMP/daemon.log" || sg_fail "mbufs leaked"
sg_log "PASS"
