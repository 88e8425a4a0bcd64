#!/usr/bin/env bash
# Camera life: a Digest-auth camera (right and wrong credentials), the camera
# killed and restarted (the path backs off and resumes), automatic transport
# falling back to TCP when UDP never arrives (UDP from the camera dropped by
# tc), and sourceOnDemand (connects for an RTSP reader, disconnects after
# the idle delay).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ingest_lib.sh"

sg_netns_up
C=$SG_CLI_IP:8554/cam
sg_config "rtsp:
  read_timeout_s: 3
  on_demand_close_after_s: 2
paths:
  dig: {source: 'rtsp://u:p4ss@$C', transport: tcp}
  badpw: {source: 'rtsp://u:nope@$C', transport: tcp}
  auto: {source: 'rtsp://u:p4ss@$C', transport: auto}
  lazy: {source: 'rtsp://u:p4ss@$C', transport: tcp, source_on_demand: true}"
# UDP from the camera namespace is starved (an 8 bit/s htb class with a
# 1-packet queue; the kernel has no gact): only TCP can carry media.
T="ip netns exec $SG_CLI_NS tc"
$T qdisc add dev sg-cli0 root handle 1: htb default 20 2>/dev/null
$T class add dev sg-cli0 parent 1: classid 1:10 htb rate 8bit ceil 8bit 2>/dev/null
$T class add dev sg-cli0 parent 1: classid 1:20 htb rate 10gbit 2>/dev/null
$T qdisc add dev sg-cli0 parent 1:10 handle 10: pfifo limit 1
$T filter add dev sg-cli0 parent 1: protocol ip u32 match ip protocol 17 0xff flowid 1:10
sg_cam_start --port 8554 --path /cam --user u --password p4ss
sg_daemon_start
sg_wait_path dig playing 10
sg_wait_path auto playing 15
# "playing" comes first over UDP (PLAY answered, RTP starved); the switch follows within ~3 s.
for _ in $(seq 150); do [ "$(sg_path auto transport)" = "auto(tcp)" ] && break; sleep 0.1; done
sg_wait_path auto playing 15
sleep 1
sg_pycheck <<'PY'
check(f"dig: Digest auth accepted, playing ({S[('dig','video')]['pkts']} pkts)",
      P["dig"]["state"] == "playing" and S[("dig", "video")]["pkts"] > 0)
check(f"badpw: refused: '{P['badpw']['last_error']}'", "401" in P["badpw"]["last_error"] and P["badpw"]["state"] != "playing")
check(f"auto: fell back to TCP ({P['auto']['transport']}) and plays", P["auto"]["transport"] == "auto(tcp)")
check(f"lazy: idle without viewers ({P['lazy']['state']})", P["lazy"]["state"] == "idle" and P["lazy"]["connects"] == 0)
PY
grep -q "auto: no RTP over UDP for .* s: switching to TCP" "$SG_TMP/daemon.log" || sg_fail "no fallback log line"

sg_log "on demand: an RTSP reader wakes 'lazy'"
lazy_ok=0
for _ in 1 2 3 4 5; do   # the first DESCRIBE wakes the source (404 until it is described)
  if ip netns exec "$SG_CLI_NS" timeout 10 ffmpeg -hide_banner -loglevel error -rtsp_transport tcp \
    -i "rtsp://$SG_DATA_IP:8554/lazy" -t 2 -c copy -f null - > "$SG_TMP/lazy.log" 2>&1; then lazy_ok=1; break; fi
  sleep 1
done
[ $lazy_ok = 1 ] || { cat "$SG_TMP/lazy.log"; sg_fail "the reader never got the on-demand stream"; }
[ "$(sg_path lazy connects)" -ge 1 ] || sg_fail "lazy never connected"
sg_wait_path lazy idle 8
sg_log "lazy: connected on demand, back to idle after the reader left"

sg_log "kill the camera"
before=$(sgctl --json streams | sg_json "[r['pkts'] for r in j['streams'] if r['path']=='dig' and r['media']=='video'][0]")
# dig's stream id from its first session (ids go to paths in the order their
# first DESCRIBE completes: dig's Digest round trip may let another path first)
sid_before=$(sgctl --json streams | sg_json "[r['sid'] for r in j['streams'] if r['path']=='dig' and r['media']=='video'][0]")
sg_cam_stop
sleep 4
sg_pycheck <<'PY'
check(f"dig: lost the camera: {P['dig']['state']}, '{P['dig']['last_error']}'",
      P["dig"]["state"] != "playing" and P["dig"]["errors"] >= 1)
PY
sg_log "restart the camera"
sg_cam_start --port 8554 --path /cam --user u --password p4ss
sg_wait_path dig playing 20
sleep 2
sg_pycheck <<PY
v = S[("dig", "video")]
check(f"dig: resumed ({P['dig']['sessions']} sessions), packets {v['pkts']} > $before", P["dig"]["sessions"] >= 2 and v["pkts"] > $before)
check(f"dig: same stream id after the reconnect (sid {v['sid']}, was $sid_before)", v["sid"] == $sid_before)
PY
sg_daemon_stop || sg_fail "daemon exited non-zero"
grep -q "mbufs in use after shutdown: 0" "$SG_TMP/daemon.log" || sg_fail "mbufs leaked"
sg_log "PASS"
