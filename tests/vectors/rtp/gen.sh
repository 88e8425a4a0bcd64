#!/bin/sh
# Regenerate the RTP capture vectors used by tests/unit/test_rtp.c (needs ffmpeg + python3;
# NOT run by the tests). Each capture: 10 frames at 5 fps, 160x120, a key frame every
# 5 frames (so exactly 2 key frames), sent by ffmpeg's RTP muxer to a loopback UDP port
# and stored as records of [u16 big-endian length][RTP packet]. The SDP ffmpeg writes
# is kept beside each capture.
set -e
cd "$(dirname "$0")"
cap() { # name port ffmpeg-codec-args...
	name=$1; port=$2; shift 2
	python3 - "$port" "$name.bin" <<'PY' &
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(3.0)
with open(sys.argv[2], "wb") as f:
    try:
        while True:
            d = s.recv(65535)
            f.write(struct.pack(">H", len(d)) + d)
    except socket.timeout:
        pass
PY
	sleep 0.5
	ffmpeg -hide_banner -loglevel error -re -f lavfi -i testsrc=size=160x120:rate=5 -frames:v 10 \
		"$@" -f rtp -payload_type 96 -ssrc 305419896 -sdp_file "$name.sdp" "rtp://127.0.0.1:$port?pkt_size=300"
	wait
}
cap h264 25004 -c:v libx264 -profile:v baseline -g 5 -keyint_min 5 -sc_threshold 0 -bf 0 -pix_fmt yuv420p
cap h265 25006 -c:v libx265 -x265-params keyint=5:min-keyint=5:scenecut=0:bframes=0:log-level=error -pix_fmt yuv420p
cap vp8 25008 -c:v libvpx -g 5 -keyint_min 5 -b:v 200k
cap vp9 25010 -c:v libvpx-vp9 -g 5 -keyint_min 5 -b:v 200k -strict experimental
