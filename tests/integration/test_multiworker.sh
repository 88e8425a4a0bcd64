#!/usr/bin/env bash
# Two fast-path workers with real traffic: the GStreamer RTSP camera in the
# client namespace, streamgate pulling it with 2 worker lcores that share one
# CPU (lcores.worker_cpus, idle_sleep_us) and an af_packet port with 2 queue
# pairs (PACKET_FANOUT spreads the viewers' flows over both RX queues), and
# sg-loadgen as MW_VIEWERS viewers (WHEP, ICE, DTLS-SRTP, SRTP decrypt).
# Viewers are assigned to the workers round robin; each source packet is
# ingested by one worker and handed to the other by reference. Checks: every
# viewer decrypts every packet (0 auth failures, 0 loss), both workers own
# viewers, fan out and receive on their own RX queue, the second worker gets
# source references (fwd_rx), no fast-path drops, no mbuf left at shutdown.
#   MW_VIEWERS (30) MW_SECONDS (15) MW_RAMP (25) MW_TRANSPORT (tcp | udp)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ingest_lib.sh"
MW_VIEWERS=${MW_VIEWERS:-30}
MW_SECONDS=${MW_SECONDS:-15}
MW_RAMP=${MW_RAMP:-25}
MW_TRANSPORT=${MW_TRANSPORT:-tcp}   # udp: the camera's RTP reaches the workers through the port
MW_MIN_PACKETS=$((MW_SECONDS * 30))
LOADGEN=${LG_BIN:-$SG_BUILD/tools/loadgen/sg-loadgen}
[ -x "$LOADGEN" ] || sg_fail "$LOADGEN not built"

# CPUs this test may use: the control plane on the first, both workers on the
# last (on a 1-CPU machine all three share it).
cpus=($(python3 -c "import os; print(' '.join(map(str, sorted(os.sched_getaffinity(0)))))"))
MAIN_CPU=${cpus[0]}
WORKER_CPU=${cpus[-1]}

sg_netns_up
sg_config "paths:
  cam:
    source: rtsp://$SG_CLI_IP:8554/cam
    transport: $MW_TRANSPORT"
# lcore ids 0 (main), 1, 2 (workers); qpairs=2 in the device string wins over
# the af_packet profile's qpairs=1 (one RX/TX queue pair per worker).
python3 - "$SG_TMP/streamgate.yaml" "$MAIN_CPU" "$WORKER_CPU" <<'PY'
import sys
p, main_cpu, wcpu = sys.argv[1], sys.argv[2], sys.argv[3]
y = open(p).read()
y = y.replace("lcores:\n  main: 0\n  workers: [1]\n",
              f"lcores:\n  main: {main_cpu}\n  workers: [{int(main_cpu) + 1}, {int(main_cpu) + 2}]\n"
              f"  worker_cpus: [{wcpu}, {wcpu}]\n")
y = y.replace("device: net_af_packet0,iface=sg-nic\n", "device: net_af_packet0,iface=sg-nic,qpairs=2\n")
y = y.replace("  mbufs: 8191\n", "  mbufs: 16383\n")
assert "worker_cpus" in y and "qpairs=2" in y
open(p, "w").write(y)
PY
sg_cam_start --port 8554 --path /cam
sg_daemon_start
sg_wait_path cam playing 10
[ "$(sgctl --json lcores | sg_json "sum(1 for r in j['lcores'] if r['role'] == 'worker')")" = 2 ] ||
  sg_fail "expected 2 workers"
[ "$(sgctl --json ports | sg_json "j['ports'][0]['queues']")" = 2/2 ] || { sgctl ports >&2; sg_fail "expected 2 RX/TX queue pairs"; }
ulimit -n $((MW_VIEWERS + 1024)) 2>/dev/null || true

sgctl --json lcores > "$SG_TMP/lcores-a.json"
sgctl --json stats > "$SG_TMP/stats-a.json"
sg_log "sg-loadgen: $MW_VIEWERS viewers, $MW_SECONDS s, 2 workers on cpu $WORKER_CPU"
sg_loadgen "$MW_VIEWERS" "$MW_SECONDS" "$MW_RAMP" "$MW_MIN_PACKETS" 0 &
lg=$!
SG_PIDS+=($lg)
# Mid-run: who owns which session.
sleep $(( MW_VIEWERS / MW_RAMP + 1 + MW_SECONDS / 2 ))
sgctl --json sessions > "$SG_TMP/sessions.json"
rc=0
wait $lg || rc=$?
sgctl --json lcores > "$SG_TMP/lcores-b.json"
sgctl --json stats > "$SG_TMP/stats-b.json"
sg_loadgen_summary $rc 3

python3 - "$SG_TMP" "$MW_VIEWERS" "$MW_MIN_PACKETS" "$SG_ROOT/tests/integration" <<'PY' || sg_fail "checks failed"
import json, sys
d, n, minp = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sys.path.insert(0, sys.argv[4])
import lg_checks
L = json.load(open(f"{d}/loadgen.json"))
def workers(tag):
    return [r for r in lg_checks.lcores(d, tag) if r["role"] == "worker"]
c = lg_checks.Checks()
check = c.check
lg_checks.loadgen(c, L, n, minp, "zero loss for every viewer")
check("zero loss overall", L["lost"] == 0)

S = json.load(open(f"{d}/sessions.json"))["sessions"]
own = {}
for s in S:
    own.setdefault(s["worker"], []).append(s["pkts"])
print(f"    sessions mid-run: {len(S)}; per worker: " +
      ", ".join(f"w{w}: {len(p)} sessions, {sum(p)} pkts" for w, p in sorted(own.items())))
check("both workers own viewers (round robin: 15/15 +-1)",
      sorted(own) == [0, 1] and abs(len(own[0]) - len(own[1])) <= 1)
check("every session mid-run is being served", len(S) == n and all(p > 0 for ps in own.values() for p in ps))

A, B = workers("a"), workers("b")
for w, (a, b) in enumerate(zip(A, B)):
    print(f"    worker {w} (lcore {b['lcore']}): fanout_pkts +{b['fanout_pkts'] - a['fanout_pkts']}, "
          f"fwd_rx +{b['fwd_rx'] - a['fwd_rx']}, rx_pkts +{b['rx_pkts'] - a['rx_pkts']}, "
          f"tx_pkts +{b['tx_pkts'] - a['tx_pkts']}, busy {b['busy_pct']:.1f}%")
check("both workers fanned out", all(b["fanout_pkts"] > a["fanout_pkts"] for a, b in zip(A, B)))
check("both workers received frames on their own RX queue", all(b["rx_pkts"] > a["rx_pkts"] for a, b in zip(A, B)))
check("both workers got packets from the other / the control plane (fwd_rx)",
      all(b["fwd_rx"] > a["fwd_rx"] for a, b in zip(A, B)))
fan = sum(b["fanout_pkts"] - a["fanout_pkts"] for a, b in zip(A, B))
check("per-worker fan-out adds up to the port counter", fan == lg_checks.fastpath(c, d, L))
sys.exit(c.exit_code())
PY
[ "$rc" -eq 0 ] || { grep -v '^\[' "$SG_TMP/loadgen.err" | tail -5 >&2; sg_fail "sg-loadgen exited $rc"; }
sleep 1
n=$(sgctl --json sessions | sg_json "len(j['sessions'])")
[ "$n" -eq 0 ] || sg_fail "$n sessions left after every viewer DELETEd its session"
sg_daemon_stop || sg_fail "daemon exited non-zero"
grep -q "mbufs in use after shutdown: 0" "$SG_TMP/daemon.log" || sg_fail "mbufs leaked"
sg_log PASS
