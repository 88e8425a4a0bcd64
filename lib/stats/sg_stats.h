/* SPDX-License-Identifier: BSD-3-Clause
 * streamgate stats: per-lcore counters declared once as X-macro lists (as VPP
 * declares node errors), summed by the control plane for the CLI.
 *
 * A worker only ever writes its own struct sg_stats_lcore (cache aligned, no
 * atomics: a 64-bit aligned store is not torn on x86-64). Readers on the
 * control plane sum the per-lcore copies; a value may lag by one burst.
 */
#ifndef SG_STATS_H
#define SG_STATS_H

#include <stdint.h>

/** Fast-path packet counters, per lcore and per port: _(ID, "name", "help"). */
#define SG_STATS_COUNTERS(_)                                                        \
	_(RX_PKTS, "rx_pkts", "frames received from the port")                      \
	_(RX_BYTES, "rx_bytes", "bytes received from the port")                     \
	_(TX_PKTS, "tx_pkts", "frames transmitted on the port")                     \
	_(TX_BYTES, "tx_bytes", "bytes transmitted on the port")                    \
	_(EXC_TO_KERNEL, "exc_to_kernel", "frames handed to the kernel (exception TAP)") \
	_(EXC_FROM_KERNEL, "exc_from_kernel", "frames the kernel sent out via the TAP") \
	_(EXC_ARP, "exc_arp", "ARP frames to the kernel")                            \
	_(EXC_ICMP, "exc_icmp", "ICMP packets to the kernel")                        \
	_(EXC_TCP, "exc_tcp", "TCP segments to the kernel")                          \
	_(EXC_UDP, "exc_udp", "UDP datagrams to unknown ports, to the kernel")       \
	_(EXC_OTHER, "exc_other", "other frames to the kernel")                      \
	_(MEDIA_RX, "media_rx", "UDP datagrams to the media ports")               \
	_(INGEST_PKTS, "ingest_pkts", "source RTP packets accepted")                \
	_(INGEST_BYTES, "ingest_bytes", "source RTP bytes accepted")               \
	_(FANOUT_PKTS, "fanout_pkts", "SRTP packets sent to viewers")               \
	_(FANOUT_BYTES, "fanout_bytes", "SRTP bytes sent to viewers (UDP payload)") \
	_(PSET_SENT, "pset_sent", "parameter-set packets sent to joining viewers")  \
	_(STUN_OK, "stun_ok", "STUN checks answered")                              \
	_(DTLS_RX, "dtls_rx", "DTLS datagrams punted to the control plane")        \
	_(DTLS_TX, "dtls_tx", "DTLS datagrams sent for the control plane")         \
	_(SRTCP_RX, "srtcp_rx", "SRTCP packets from viewers verified")             \
	_(FWD_RX, "fwd_rx", "packets received from other workers / the control plane") \
	_(CMDS, "cmds", "control-plane commands executed")

/** Drop reasons: every freed packet is counted under exactly one of these. */
#define SG_STATS_DROPS(_)                                                           \
	_(RUNT, "runt", "frame shorter than its headers")                            \
	_(BAD_IP, "bad_ip", "malformed IPv4 header")                                 \
	_(NOT_OURS, "not_ours", "unicast frame for another MAC")                     \
	_(TX_FULL, "tx_full", "NIC TX queue full")                                   \
	_(EXC_FULL, "exc_full", "exception TAP queue full")                          \
	_(NO_SESSION, "no_session", "media datagram with no session")               \
	_(SHUTDOWN, "shutdown", "freed at shutdown")                                 \
	_(BAD_RTP, "bad_rtp", "malformed source RTP")                               \
	_(STUN_FAIL, "stun_fail", "STUN that failed verification (no answer)")     \
	_(SRTP_FAIL, "srtp_fail", "SRTP protect failed")                            \
	_(SRTCP_FAIL, "srtcp_fail", "SRTCP from a viewer failed to verify")         \
	_(NO_MBUF, "no_mbuf", "mempool empty")                                       \
	_(RING_FULL, "ring_full", "inter-core ring full")                            \
	_(UNKNOWN_FLOW, "unknown_flow", "media-port packet from an unknown address") \
	_(NOT_MEDIA, "not_media", "media-port packet that is not STUN/DTLS/RTCP")   \
	_(STREAM_GONE, "stream_gone", "queued packet of a stream removed (or re-created) since")

enum sg_stats_counter {
#define _SG_C(id, name, help) SG_STATS_##id,
	SG_STATS_COUNTERS(_SG_C)
#undef _SG_C
	SG_STATS__N_COUNTERS
};

enum sg_stats_drop {
#define _SG_D(id, name, help) SG_STATS_DROP_##id,
	SG_STATS_DROPS(_SG_D)
#undef _SG_D
	SG_STATS__N_DROPS
};

#define SG_STATS_MAX_PORTS 8

/** One lcore's counters for one port. 64-byte aligned so lcores never share a line. */
struct sg_stats_port {
	uint64_t c[SG_STATS__N_COUNTERS];
	uint64_t drop[SG_STATS__N_DROPS];
} __attribute__((aligned(64)));

/** One lcore's counters. */
struct sg_stats_lcore {
	struct sg_stats_port port[SG_STATS_MAX_PORTS];
	uint64_t loops;        /**< poll-loop iterations */
	uint64_t busy_loops;   /**< iterations that handled at least one packet */
	uint64_t busy_cycles;  /**< TSC cycles spent in busy iterations */
	uint64_t total_cycles; /**< TSC cycles since the loop started */
} __attribute__((aligned(64)));

/** Name and help of a counter / drop reason (NULL when out of range). */
const char *sg_stats_counter_name(unsigned id);
const char *sg_stats_counter_help(unsigned id);
const char *sg_stats_drop_name(unsigned id);
const char *sg_stats_drop_help(unsigned id);

/**
 * Sum counters of port `port` (or of all ports when port < 0) across n lcores
 * into out. Returns 0, or -EINVAL when port is out of range.
 */
int sg_stats_sum(const struct sg_stats_lcore *const lc[], unsigned n, int port,
		 struct sg_stats_port *out);

/** Total of all drop reasons in s. */
uint64_t sg_stats_drops_total(const struct sg_stats_port *s);

#endif /* SG_STATS_H */
