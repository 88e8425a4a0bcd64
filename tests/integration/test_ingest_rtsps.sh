#!/usr/bin/env bash
# rtsps:// pulls (RTSP over TLS) from gst-rtsp-server cameras with
# certificates made here by openssl:
#   cam A (port 8322): a leaf for IP 198.18.0.2 signed by a test CA;
#   cam B (port 322, the rtsps default): self-signed, for IP 198.18.0.99;
#   cam C (port 8554): plain RTSP.
# Plays with the fingerprint pinned, with tls_ca_file, with verification off
# (packets counted, interleaved inside TLS); fails with a clear last_error
# and backs off for: the system CA store (unknown issuer), a self-signed
# certificate, the wrong IP in the certificate, a wrong pinned fingerprint,
# and a plain RTSP server addressed as rtsps://.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ingest_lib.sh"

sg_netns_up
K=$SG_TMP/pki
mkdir -p "$K"
ossl() { openssl "$@" 2>>"$K/openssl.log" || { cat "$K/openssl.log" >&2; sg_fail "openssl $1"; }; }
EC="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
ossl req -x509 $EC -keyout "$K/ca.key" -out "$K/ca.pem" -days 2 -subj "/CN=streamgate test CA"
ossl req $EC -keyout "$K/a.key" -out "$K/a.csr" -subj "/CN=cam-a"
printf 'subjectAltName=IP:%s\nbasicConstraints=CA:FALSE\n' "$SG_CLI_IP" > "$K/a.ext"
ossl x509 -req -in "$K/a.csr" -CA "$K/ca.pem" -CAkey "$K/ca.key" -CAcreateserial -days 2 \
  -extfile "$K/a.ext" -out "$K/a.pem"
ossl req -x509 $EC -keyout "$K/b.key" -out "$K/b.pem" -days 2 -subj "/CN=cam-b" \
  -addext "subjectAltName=IP:198.18.0.99"
FP_A=$(openssl x509 -in "$K/a.pem" -noout -fingerprint -sha256 | sed 's/^.*=/sha256:/')
FP_B=$(openssl x509 -in "$K/b.pem" -noout -fingerprint -sha256 | sed 's/^.*=/sha256:/')
sg_log "cam A $FP_A"
sg_log "cam B $FP_B"
chmod 0644 "$K"/*.key   # the camera runs as root anyway; the daemon never reads keys

A=rtsps://$SG_CLI_IP:8322/cam
sg_config "rtsp:
  read_timeout_s: 5
paths:
  pin: {source: '$A', tls_fingerprint: '$FP_A'}
  ca: {source: '$A', tls_ca_file: '$K/ca.pem', transport: udp}
  nover: {source: '$A', tls_verify: false}
  sysca: {source: '$A'}
  badpin: {source: '$A', tls_fingerprint: '$FP_B'}
  selfs: {source: 'rtsps://$SG_CLI_IP/cam'}
  wrongip: {source: 'rtsps://$SG_CLI_IP/cam', tls_ca_file: '$K/b.pem'}
  pinb: {source: 'rtsps://$SG_CLI_IP/cam', tls_fingerprint: '${FP_B,,}'}
  plain: {source: 'rtsps://$SG_CLI_IP:8554/cam'}"

cam_start() { # log name, args
  local log=$1; shift
  ip netns exec "$SG_CLI_NS" $SG_PY "$SG_ROOT/tests/integration/rtsp_camera.py" --addr $SG_CLI_IP "$@" \
    > "$SG_TMP/$log" 2>&1 &
  SG_PIDS+=($!)
  local pid=$!
  for _ in $(seq 100); do
    grep -q READY "$SG_TMP/$log" 2>/dev/null && return 0
    kill -0 $pid 2>/dev/null || { cat "$SG_TMP/$log" >&2; sg_fail "camera $log exited"; }
    sleep 0.1
  done
  sg_fail "camera $log did not start"
}
cam_start camA.log --port 8322 --path /cam --tls-cert "$K/a.pem" --tls-key "$K/a.key"
cam_start camB.log --port 322 --path /cam --tls-cert "$K/b.pem" --tls-key "$K/b.key"
cam_start camC.log --port 8554 --path /cam
sg_daemon_start
for p in pin ca nover pinb; do sg_wait_path $p playing 15; done
sleep 3
sgctl paths
sg_pycheck <<PY
for p in ("pin", "ca", "nover", "pinb"):
    v, a = S[(p, "video")], S[(p, "audio")]
    check(f"{p}: playing over TLS ({P[p]['transport']}), {v['pkts']}/{a['pkts']} pkts, {v['pps']:.0f} pkt/s",
          P[p]["state"] == "playing" and P[p]["transport"] == "tcp(tls)" and v["pkts"] > 30 and a["pkts"] > 30
          and v["pps"] >= 20)
    check(f"{p}: interleaved, codecs {v['codec']}/{a['codec']}, no loss ({v['lost']}), nothing bad ({v['bad']}/{v['drops']})",
          v["transport"] == "tcp" and a["transport"] == "tcp" and v["codec"] == "H264" and
          a["codec"].lower() == "opus" and v["lost"] == 0 and v["bad"] == 0 and v["drops"] == 0)
    check(f"{p}: no errors ({P[p]['errors']})", P[p]["errors"] == 0)
refused = {
    "sysca": "TLS: certificate verify failed: unable to get local issuer certificate",
    "selfs": "TLS: certificate verify failed: self-signed certificate",
    "wrongip": "TLS: certificate verify failed: IP address mismatch",
    "badpin": "TLS: certificate fingerprint mismatch: server has $FP_A",
}
for p, want in refused.items():
    check(f"{p}: '{P[p]['last_error']}', {P[p]['errors']} attempts, {P[p]['state']}",
          P[p]["last_error"] == want and P[p]["errors"] >= 2 and P[p]["state"] in ("backoff", "connecting")
          and P[p]["sessions"] == 0)
pl = P["plain"]
check(f"plain RTSP as rtsps: '{pl['last_error']}', {pl['errors']} attempts",
      pl["last_error"].startswith("TLS: ") and pl["errors"] >= 2 and pl["sessions"] == 0 and pl["state"] != "playing")
PY
L=$SG_TMP/daemon.log
grep -q "pin: rtsps:// source: media interleaved in the TLS connection (transport auto -> tcp" "$L" \
  || sg_fail "no forced-tcp log line"
grep -q "ca: rtsps:// source: .*(transport udp -> tcp" "$L" || sg_fail "no forced-tcp log line for udp"
grep -q "pin: TLS up with $A: TLSv1.[23] " "$L" || sg_fail "no TLS-up log line"
grep -q "nover: TLS: server certificate NOT verified" "$L" || sg_fail "no warning for tls_verify: false"
# never a key in the log: no PEM block, no line of the private keys
! grep -q "PRIVATE KEY" "$L" || sg_fail "a key in the log"
for k in "$K"/a.key "$K"/b.key; do
  grep -v -- '-----' "$k" | while read -r line; do ! grep -qF "$line" "$L" || sg_fail "key material in the log"; done
done
sg_log "the camera goes away and comes back: the TLS pull resumes"
before=$(sgctl --json streams | sg_json "[r['pkts'] for r in j['streams'] if r['path']=='pin' and r['media']=='video'][0]")
kill -TERM "${SG_PIDS[0]}"; wait "${SG_PIDS[0]}" 2>/dev/null || true
sleep 2
[ "$(sg_path pin state)" != playing ] || sg_fail "pin still playing without its camera"
cam_start camA2.log --port 8322 --path /cam --tls-cert "$K/a.pem" --tls-key "$K/a.key"
sg_wait_path pin playing 20
sleep 1
sg_pycheck <<PY
v = S[("pin", "video")]
check(f"pin: resumed ({P['pin']['sessions']} sessions), {v['pkts']} > $before pkts", P["pin"]["sessions"] >= 2 and v["pkts"] > $before)
PY
sg_daemon_stop || sg_fail "daemon exited non-zero"
grep -q "mbufs in use after shutdown: 0" "$L" || sg_fail "mbufs leaked"
sg_log "PASS"
