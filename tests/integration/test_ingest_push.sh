#!/usr/bin/env bash
# RTSP push: ffmpeg publishes H.264 + Opus to streamgate's RTSP server
# (ANNOUNCE/SETUP/RECORD with Digest credentials) over TCP and over UDP; the
# streams show the packets; wrong credentials get 401; ffmpeg reads the
# stream back from streamgate's re-serve (DESCRIBE/SETUP/PLAY, interleaved).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ingest_lib.sh"

sg_netns_up
sg_config "rtsp:
  read_timeout_s: 5
paths:
  ptcp: {source: publisher, publish_user: alice, publish_pass: s3cret}
  pudp: {source: publisher, publish_user: alice, publish_pass: s3cret}
  cam: {source: rtsp://$SG_CLI_IP:9/none, source_on_demand: true}"
sg_daemon_start
URL=rtsp://$SG_DATA_IP:8554

push() { # path transport seconds [user:pass]
  ip netns exec "$SG_CLI_NS" timeout $(( $3 + 10 )) ffmpeg -hide_banner -loglevel error -re \
    -f lavfi -i testsrc=size=320x240:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 -t "$3" \
    -c:v libx264 -preset ultrafast -tune zerolatency -g 30 -pix_fmt yuv420p -c:a libopus -b:a 32k \
    -f rtsp -rtsp_transport "$2" "rtsp://${4:-alice:s3cret}@$SG_DATA_IP:8554/$1" > "$SG_TMP/push-$1.log" 2>&1
}

sg_log "wrong password is refused"
push ptcp tcp 2 alice:wrong && sg_fail "push with a wrong password succeeded"
grep -qi "401\|unauthorized" "$SG_TMP/push-ptcp.log" || { cat "$SG_TMP/push-ptcp.log"; sg_fail "expected 401"; }

sg_log "push over TCP and UDP"
push ptcp tcp 20 & SG_PIDS+=($!); PT=$!
push pudp udp 20 & SG_PIDS+=($!); PU=$!
sg_wait_path ptcp publishing 10
sg_wait_path pudp publishing 10
sleep 4

sg_log "read back from the re-serve (ffmpeg, interleaved TCP) while publishing"
ip netns exec "$SG_CLI_NS" timeout 15 ffmpeg -hide_banner -loglevel error -rtsp_transport tcp -i "$URL/ptcp" \
  -t 3 -map 0 -c copy -f null - -progress "$SG_TMP/read-tcp.txt" > "$SG_TMP/read.log" 2>&1 || { cat "$SG_TMP/read.log"; sg_fail "read-back failed"; }
ip netns exec "$SG_CLI_NS" timeout 15 ffprobe -hide_banner -v error -show_entries stream=codec_name -of csv=p=0 \
  "$URL/pudp" > "$SG_TMP/probe.txt" 2> "$SG_TMP/probe.err" || { cat "$SG_TMP/probe.err"; sg_fail "ffprobe of the UDP-published path failed"; }
frames=$(grep '^frame=' "$SG_TMP/read-tcp.txt" | tail -1 | cut -d= -f2)
sg_log "read back: $frames video frames in 3 s; ffprobe of pudp: $(tr '\n' ' ' < "$SG_TMP/probe.txt")"
sg_pycheck <<PY
frames = int("${frames:-0}")
probe = open("$SG_TMP/probe.txt").read().split()
check(f"re-serve: {frames} frames read back in 3 s", frames >= 60)
check(f"ffprobe sees h264 + opus on pudp: {probe}", "h264" in probe and "opus" in probe)
for p, tr in (("ptcp", "tcp"), ("pudp", "udp")):
    v, a = S[(p, "video")], S[(p, "audio")]
    check(f"{p}: {tr} {v['codec']}/{a['codec']}", v["transport"] == tr and v["codec"] == "H264" and a["codec"].lower() == "opus")
    check(f"{p}: video {v['pps']:.0f} pkt/s, audio {a['pps']:.0f} pkt/s", v["pps"] >= 25 and 30 <= a["pps"] <= 100)
    check(f"{p}: keyframes {v['keyframes']} every {v['kf_interval_s']:.2f} s", v["keyframes"] >= 4 and 0.8 <= v["kf_interval_s"] <= 1.2)
    check(f"{p}: no loss ({v['lost']}/{a['lost']}), no drops ({v['drops']}/{a['drops']})",
          v["lost"] == 0 and a["lost"] == 0 and v["drops"] == 0 and a["drops"] == 0)
    check(f"{p}: publishing", P[p]["state"] == "publishing")
PY
wait $PT || sg_fail "ffmpeg TCP push failed: $(cat "$SG_TMP/push-ptcp.log")"
wait $PU || sg_fail "ffmpeg UDP push failed: $(cat "$SG_TMP/push-pudp.log")"
sg_wait_path ptcp waiting 5
sg_wait_path pudp waiting 5

sg_log "publishing to a camera path is forbidden; unknown path is 404"
ip netns exec "$SG_CLI_NS" timeout 10 ffmpeg -hide_banner -loglevel error -re -f lavfi -i testsrc=rate=30 -t 1 \
  -c:v libx264 -f rtsp -rtsp_transport tcp "$URL/cam" > "$SG_TMP/p403.log" 2>&1 && sg_fail "publish to a camera path succeeded"
grep -q 403 "$SG_TMP/p403.log" || { cat "$SG_TMP/p403.log"; sg_fail "expected 403"; }
ip netns exec "$SG_CLI_NS" timeout 10 ffprobe -v error "$URL/nope" > "$SG_TMP/p404.log" 2>&1 && sg_fail "unknown path answered"
grep -q 404 "$SG_TMP/p404.log" || { cat "$SG_TMP/p404.log"; sg_fail "expected 404"; }

sg_daemon_stop || sg_fail "daemon exited non-zero"
grep -q "mbufs in use after shutdown: 0" "$SG_TMP/daemon.log" || sg_fail "mbufs leaked"
sg_log "PASS"
