#!/usr/bin/env bash
# Exception path: from a client namespace joined by a veth pair to the
# appliance's DPDK port (net_af_packet), ping the data IP and complete a TCP
# connection to a listener in the appliance's namespace. The kernel answers
# through the exception TAP; the counters show that both went through the
# fast path. Then a clean shutdown returns every mbuf.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

sg_netns_up
sg_config
sg_daemon_start

sg_log "ping the data IP from the client namespace"
ip netns exec "$SG_CLI_NS" ping -c 5 -i 0.2 -W 2 $SG_DATA_IP > "$SG_TMP/ping.log" || { cat "$SG_TMP/ping.log"; sg_fail "ping failed"; }
grep -q " 0% packet loss" "$SG_TMP/ping.log" || sg_fail "ping lost packets: $(grep loss "$SG_TMP/ping.log")"

sg_log "TCP to a kernel listener on the data IP"
ip netns exec "$SG_APP_NS" timeout 10 nc -l -s $SG_DATA_IP -p 5555 > "$SG_TMP/tcp.out" &
SG_PIDS+=($!)
sleep 0.3
echo "hello through the fast path" | ip netns exec "$SG_CLI_NS" timeout 5 nc -N -w 3 $SG_DATA_IP 5555 \
  || sg_fail "TCP connect/send failed"
sleep 0.3
grep -q "hello through the fast path" "$SG_TMP/tcp.out" || sg_fail "listener did not receive the data"

icmp=$(sg_counter exc_icmp); tcp=$(sg_counter exc_tcp); arp=$(sg_counter exc_arp)
from_k=$(sg_counter exc_from_kernel); tx=$(sg_counter tx_pkts)
sg_log "counters: exc_icmp=$icmp exc_tcp=$tcp exc_arp=$arp exc_from_kernel=$from_k tx_pkts=$tx"
[ "$icmp" -ge 5 ] || sg_fail "expected >= 5 ICMP to the kernel, got $icmp"
[ "$tcp" -ge 4 ] || sg_fail "expected >= 4 TCP segments to the kernel, got $tcp"
[ "$arp" -ge 1 ] || sg_fail "expected ARP to the kernel, got $arp"
[ "$from_k" -ge 9 ] || sg_fail "expected >= 9 frames from the kernel, got $from_k"
[ "$tx" -ge "$from_k" ] || sg_fail "kernel frames not all transmitted: tx=$tx from_kernel=$from_k"

sg_log "clean shutdown"
sg_daemon_stop || sg_fail "daemon exited non-zero"
grep -q "mbufs in use after shutdown: 0" "$SG_TMP/daemon.log" || sg_fail "mbufs leaked: $(grep 'mbufs in use' "$SG_TMP/daemon.log")"
sg_log "PASS"
