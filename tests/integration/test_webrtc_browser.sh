#!/usr/bin/env bash
# WebRTC first light with real peers: a GStreamer RTSP camera (H.264 + Opus) in
# the client namespace, streamgate pulling it over TCP-interleaved and over UDP,
# and Debian's Chromium (headless, playwright-core) playing both through WHEP:
# frames decoded, DTLS connected, an SRTP cipher, no packet loss; every SRTP
# packet left through a worker's TX queue (fast-path counters), none through the
# exception path. Then 4 viewers at once with one leaving (its session is freed,
# the others keep playing), while bad input (wrong STUN password, truncated DTLS,
# an offer with no usable codec, a 10 MB POST) hits the daemon.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ingest_lib.sh"
BROWSER="$SG_ROOT/tests/browser"
[ -d "$BROWSER/node_modules/playwright-core" ] || (cd "$BROWSER" && npm ci --no-audit --no-fund >/dev/null)

sg_netns_up
sg_config "paths:
  ctcp:
    source: rtsp://$SG_CLI_IP:8554/cam
    transport: tcp
  cudp:
    source: rtsp://$SG_CLI_IP:8554/cam
    transport: udp"
sg_cam_start --port 8554 --path /cam
sg_daemon_start
sg_wait_path ctcp playing 10
sg_wait_path cudp playing 10

viewer() { # path seconds extra...
  local p=$1 s=$2; shift 2
  ip netns exec "$SG_CLI_NS" node "$BROWSER/viewer.js" "http://$SG_DATA_IP:8889/$p/" --seconds "$s" "$@" \
    > "$SG_TMP/viewer-$p.log" 2> "$SG_TMP/viewer-$p.err"
}
summary() { tail -1 "$SG_TMP/viewer-$1.log"; }

for p in ctcp cudp; do
  exc0=$(sg_counter exc_udp); fan0=$(sg_counter fanout_pkts)
  sg_log "one Chromium viewer on $p for 20 s"
  viewer $p 20 || { cat "$SG_TMP/viewer-$p.err" >&2; tail -5 "$SG_TMP/viewer-$p.log" >&2; sg_fail "viewer on $p did not play"; }
  summary $p
  exc1=$(sg_counter exc_udp); fan1=$(sg_counter fanout_pkts)
  got=$(summary $p | sg_json "j['summary']['viewers'][0]['framesDecoded']")
  sg_log "$p: framesDecoded=$got fanout_pkts +$((fan1 - fan0)) exc_udp +$((exc1 - exc0))"
  [ "$got" -ge 300 ] || sg_fail "$p: only $got frames decoded in 20 s"
  [ $((fan1 - fan0)) -ge 1000 ] || sg_fail "$p: SRTP packets did not leave through the workers"
  # The UDP camera's RTCP (a few per second) is the only UDP the kernel may see.
  [ $((exc1 - exc0)) -le 100 ] || sg_fail "$p: $((exc1 - exc0)) UDP datagrams went through the exception path"
done

sg_log "4 Chromium viewers on ctcp, viewer 0 leaves after 8 s; bad input meanwhile"
viewer ctcp 22 --viewers 4 --leave-after 8 &
vpid=$!
SG_PIDS+=($vpid)
sleep 10
ip netns exec "$SG_CLI_NS" python3 "$(dirname "$0")/webrtc_abuse.py" $SG_DATA_IP ctcp "$SG_ROOT/tests/vectors/sdp/chromium_whep_offer.sdp" \
  || sg_fail "bad-input checks"
for _ in $(seq 300); do grep -q '"event":"left"' "$SG_TMP/viewer-ctcp.log" && break; sleep 0.1; done
grep -q '"event":"left"' "$SG_TMP/viewer-ctcp.log" || sg_fail "viewer 0 did not leave"
sleep 2
# (the abuse script also left one session that never does ICE: state "ice", reaped below)
n=$(sgctl --json sessions | sg_json "len([s for s in j['sessions'] if s['state'] == 'playing'])")
sg_log "playing sessions while 3 viewers remain: $n"
sgctl sessions
[ "$n" -eq 3 ] || sg_fail "expected 3 sessions after one viewer left, got $n"
wait $vpid || { tail -3 "$SG_TMP/viewer-ctcp.log" >&2; sg_fail "the remaining viewers did not keep playing"; }
summary ctcp
fails=$(sgctl --json stats | sg_json "sum(r['value'] for r in j['counters'] if r['counter']=='stun_fail')")
[ "$fails" -ge 2 ] || sg_fail "STUN failures not counted ($fails)"
sgctl whep | grep -q "http_413: 1" || sg_fail "413 not counted: $(sgctl whep)"
# RFC 7675: the session the abuse script opened without ever doing ICE is reaped after 30 s.
sg_log "waiting for consent freshness to end the session without ICE"
for _ in $(seq 45); do
  [ "$(sgctl --json sessions | sg_json "j['consent_expired']")" -ge 1 ] && break
  sleep 1
done
[ "$(sgctl --json sessions | sg_json "j['consent_expired']")" -ge 1 ] || sg_fail "idle session not reaped"
[ "$(sgctl --json sessions | sg_json "len(j['sessions'])")" -eq 0 ] || { sgctl sessions; sg_fail "sessions left"; }
grep -q "no ICE connectivity check within 30 s" "$SG_TMP/daemon.log" || sg_fail "no consent log line"
sg_daemon_stop || sg_fail "daemon exited non-zero"
grep -q "mbufs in use after shutdown: 0" "$SG_TMP/daemon.log" || sg_fail "mbufs leaked"
sg_log PASS
