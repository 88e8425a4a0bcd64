#!/usr/bin/env bash
# RTSP pull from a real camera (gst-rtsp-server, H.264 + Opus, 30 fps, IDR
# every 30 frames) over interleaved TCP and over UDP (RTP taken by the fast
# path on the data IP): both paths play, the stream objects show the codec,
# the packet rates, a 1 s keyframe interval, no loss; RTCP flows both ways.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ingest_lib.sh"

sg_netns_up
sg_config "rtsp:
  read_timeout_s: 5
paths:
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
sleep 7   # > 5 s: the first RTCP RRs are out, rates settled
sgctl paths
sgctl streams
sg_snap
sg_pycheck <<'PY'
for p, tr in (("ctcp", "tcp"), ("cudp", "udp")):
    v, a = S[(p, "video")], S[(p, "audio")]
    check(f"{p}: transport {v['transport']}", v["transport"] == tr and a["transport"] == tr)
    check(f"{p}: codecs {v['codec']}/{a['codec']}", v["codec"] == "H264" and a["codec"].lower() == "opus")
    check(f"{p}: video {v['pps']:.1f} pkt/s (30 fps: >= 30)", 30 <= v["pps"] <= 400)
    check(f"{p}: audio {a['pps']:.1f} pkt/s (20 ms Opus: ~50)", 40 <= a["pps"] <= 60)
    check(f"{p}: keyframes {v['keyframes']}, interval {v['kf_interval_s']:.3f} s (GOP 30 at 30 fps)",
          v["keyframes"] >= 5 and 0.8 <= v["kf_interval_s"] <= 1.2)
    check(f"{p}: video {v['kbps']:.0f} kbit/s", 50 <= v["kbps"] <= 2000)
    check(f"{p}: no loss, nothing bad (lost {v['lost']}/{a['lost']}, bad {v['bad']}/{a['bad']})",
          v["lost"] == 0 and a["lost"] == 0 and v["bad"] == 0 and a["bad"] == 0 and v["drops"] == 0)
    check(f"{p}: RTCP SR received ({v['sr_rx']}/{a['sr_rx']}), RR sent ({v['rr_tx']}/{a['rr_tx']})",
          v["sr_rx"] >= 1 and a["sr_rx"] >= 1 and v["rr_tx"] >= 1 and a["rr_tx"] >= 1)
    check(f"{p}: path playing, no errors", P[p]["state"] == "playing" and P[p]["errors"] == 0)
PY
ingest=$(sg_counter ingest_pkts)
sg_check "fast path ingest_pkts counter ($ingest)" "$ingest > 300"

sg_log "clean shutdown (TEARDOWN to the camera)"
sg_daemon_stop || sg_fail "daemon exited non-zero"
grep -q "mbufs in use after shutdown: 0" "$SG_TMP/daemon.log" || sg_fail "mbufs leaked"
sg_log "PASS"
