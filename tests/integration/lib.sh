#!/usr/bin/env bash
# Shared helpers of the integration tests: a private two-namespace topology,
# the real daemon started in it, and cleanup of everything a test started
# (by pid and by name), also when the test fails.
#
#   <prefix>-app : the daemon; veth end "sg-nic" (the "NIC", opened with
#                  net_af_packet) and the exception TAP "sg-tap0" (data IP)
#   <prefix>-cli : the other veth end "sg-cli0" = 198.18.0.2/24, default route
# Addresses from 198.18.0.0/15 only.

SG_ROOT=${SG_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SG_BUILD=${SG_BUILD:-$SG_ROOT/build}
SG_DATA_IP=198.18.0.1
SG_CLI_IP=198.18.0.2
SG_PREFIX=${SG_PREFIX:-sgt$$}
SG_APP_NS=$SG_PREFIX-app
SG_CLI_NS=$SG_PREFIX-cli
SG_TMP=$(mktemp -d /tmp/sg-test.XXXXXX)
SG_CTL=$SG_TMP/ctl.sock
SG_PIDS=()
SG_DAEMON_PID=

sg_log() { echo "[$(date +%T)] $*"; }
sg_fail() { echo "FAIL: $*" >&2; exit 1; }

sg_cleanup() {
  local rc=$?
  # A pid may be a backgrounded shell function (sg_loadgen &): its children
  # too, listed first (they outlive the shell once it is killed).
  local kids=()
  for p in "${SG_PIDS[@]}"; do kids+=($(pgrep -P "$p" 2>/dev/null || true)); done
  for p in "${SG_PIDS[@]}" "${kids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$SG_DAEMON_PID" ] && kill -0 "$SG_DAEMON_PID" 2>/dev/null; then
    kill -TERM "$SG_DAEMON_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SG_DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SG_DAEMON_PID" 2>/dev/null || true
  fi
  for p in "${SG_PIDS[@]}" "${kids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  sg_netns_down
  if [ $rc -ne 0 ] && [ -f "$SG_TMP/daemon.log" ]; then
    echo "---- daemon log (last 40 lines) ----" >&2; tail -40 "$SG_TMP/daemon.log" >&2
  fi
  [ $rc -ne 0 ] && [ -n "${SG_KEEP_LOG:-}" ] && cp "$SG_TMP/daemon.log" "$SG_KEEP_LOG" 2>/dev/null
  rm -rf "$SG_TMP"
  exit $rc
}
trap sg_cleanup EXIT
trap 'exit 130' INT TERM

sg_netns_up() {
  sg_netns_down
  ip netns add "$SG_APP_NS"
  if [ -n "${SG_CLIENT_IN_ROOT:-}" ]; then
    # Demo: the "client" end stays in this namespace (as $SG_CLIENT_IN_ROOT), so a
    # browser on this machine reaches the appliance. No default route is touched.
    ip link add sg-nic netns "$SG_APP_NS" type veth peer name "$SG_CLIENT_IN_ROOT"
    ip -n "$SG_APP_NS" link set lo up
    ip -n "$SG_APP_NS" link set sg-nic up
    ip netns exec "$SG_APP_NS" sysctl -q -w net.ipv4.conf.sg-nic.arp_ignore=8 \
      net.ipv4.conf.sg-nic.rp_filter=1 net.ipv6.conf.sg-nic.disable_ipv6=1
    ip link set "$SG_CLIENT_IN_ROOT" up
    ip addr add $SG_CLI_IP/24 dev "$SG_CLIENT_IN_ROOT"
    ethtool -K "$SG_CLIENT_IN_ROOT" tx off >/dev/null
    return 0
  fi
  ip netns add "$SG_CLI_NS"
  ip link add sg-nic netns "$SG_APP_NS" type veth peer name sg-cli0 netns "$SG_CLI_NS"
  ip -n "$SG_APP_NS" link set lo up
  ip -n "$SG_APP_NS" link set sg-nic up
  # The veth end is the "NIC": DPDK reads it through af_packet. The kernel of the
  # app namespace must not answer on it (it owns the data IP on the TAP only).
  ip netns exec "$SG_APP_NS" sysctl -q -w net.ipv4.conf.sg-nic.arp_ignore=8 \
    net.ipv4.conf.sg-nic.rp_filter=1 net.ipv6.conf.sg-nic.disable_ipv6=1
  ip -n "$SG_CLI_NS" link set lo up
  ip -n "$SG_CLI_NS" link set sg-cli0 up
  ip -n "$SG_CLI_NS" addr add $SG_CLI_IP/24 dev sg-cli0
  ip -n "$SG_CLI_NS" route add default via $SG_DATA_IP
  # veth leaves checksums to "hardware"; af_packet would hand DPDK frames with
  # partial checksums that the kernel behind the TAP then rejects.
  ip netns exec "$SG_CLI_NS" ethtool -K sg-cli0 tx off >/dev/null
}

sg_netns_down() {
  if [ -n "${SG_CLIENT_IN_ROOT:-}" ]; then ip link del "$SG_CLIENT_IN_ROOT" 2>/dev/null || true; fi
  ip netns del "$SG_APP_NS" 2>/dev/null || true
  ip netns del "$SG_CLI_NS" 2>/dev/null || true
}

# sg_config [extra yaml...]: write the test's config to $SG_TMP/streamgate.yaml
sg_config() {
  cat > "$SG_TMP/streamgate.yaml" <<YAML
log_level: info
drivers_dir: $SG_ROOT/drivers-config
ctl:
  socket: $SG_CTL
lcores:
  main: 0
  workers: [1]
memory:
  hugepages: false
  size_mb: 256
  file_prefix: $SG_PREFIX
mempool:
  mbufs: 8191
  cache: 256
fastpath:
  idle_sleep_us: 200   # CI shares 2 cores with browsers and cameras
ports:
  - name: data0
    device: net_af_packet0,iface=sg-nic
    profile: af_packet
    ipv4: $SG_DATA_IP/24
    gateway: 198.18.0.254
    tap: sg-tap0
$*
YAML
}

# sg_daemon_start: run streamgate in the app namespace, wait for its socket.
sg_daemon_start() {
  ip netns exec "$SG_APP_NS" "$SG_BUILD/app/streamgate/streamgate" -c "$SG_TMP/streamgate.yaml" \
    > "$SG_TMP/daemon.log" 2>&1 &
  SG_DAEMON_PID=$!
  for _ in $(seq 100); do
    if grep -q "running: control socket" "$SG_TMP/daemon.log" 2>/dev/null; then return 0; fi
    kill -0 $SG_DAEMON_PID 2>/dev/null || { cat "$SG_TMP/daemon.log" >&2; sg_fail "daemon exited at start"; }
    sleep 0.1
  done
  cat "$SG_TMP/daemon.log" >&2
  sg_fail "daemon did not come up in 10 s"
}

# sg_daemon_stop: SIGTERM, wait, return its exit status.
sg_daemon_stop() {
  local rc=0
  kill -TERM "$SG_DAEMON_PID"
  wait "$SG_DAEMON_PID" || rc=$?
  SG_DAEMON_PID=
  return $rc
}

sgctl() { "$SG_BUILD/app/streamgatectl/streamgatectl" -s "$SG_CTL" "$@"; }

# sg-loadgen against the test's WHEP endpoint from the client namespace:
# VIEWERS SECONDS RAMP MIN_PACKETS MAX_LOSS; summary in $SG_TMP/loadgen.json,
# progress in $SG_TMP/loadgen.err. $LOADGEN (LG_BIN: e.g. an ASan build).
# sg_loadgen VIEWERS SECONDS RAMP MIN_PACKETS MAX_LOSS [SRTP]: SRTP = sg-loadgen's
# --srtp list (profiles offered, cycled over the viewers; default: GCM then AES-CM).
sg_loadgen() {
  ip netns exec "$SG_CLI_NS" "$LOADGEN" --url "http://$SG_DATA_IP:8889/cam/whep" --viewers "$1" \
    --seconds "$2" --ramp "$3" --min-packets "$4" --max-loss "$5" ${6:+--srtp "$6"} \
    --bind "$SG_CLI_IP" --json > "$SG_TMP/loadgen.json" 2> "$SG_TMP/loadgen.err"
}

# After sg_loadgen: its last progress lines; fail if it printed no summary (rc $1).
sg_loadgen_summary() {
  tail -n "${2:-3}" "$SG_TMP/loadgen.err"
  [ -s "$SG_TMP/loadgen.json" ] || { cat "$SG_TMP/loadgen.err" >&2; sg_fail "sg-loadgen printed no summary (rc $1)"; }
}

# sg_json EXPR: evaluate a python expression over the JSON on stdin (bound to j).
sg_json() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }

# sg_counter NAME: a fast-path counter of port data0 (0 when absent).
sg_counter() {
  sgctl --json stats | sg_json "sum(r['value'] for r in j['counters'] if r['counter']=='$1')"
}
