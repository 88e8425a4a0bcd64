/* SPDX-License-Identifier: BSD-3-Clause
 * Hot-path inlines of the fast path: frame classification.
 * Pure functions on bytes, so they are unit-tested without an EAL.
 */
#ifndef SG_FASTPATH_FP_H
#define SG_FASTPATH_FP_H

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "sg_stats.h"

/** What the worker does with a received frame. */
enum sg_fp_action {
	SG_FP_TO_KERNEL,    /**< exception path: hand to the TAP */
	SG_FP_MEDIA,        /**< UDP to one of our media ports (viewers: STUN/DTLS/SRTCP) */
	SG_FP_INGEST,       /**< UDP to a bound ingest port: source RTP of stream *sid */
	SG_FP_DROP,         /**< count under *reason and free */
};

/**
 * Classify an Ethernet frame received on a data port.
 * mac: the port's MAC; ip_be: its IPv4 address (network order);
 * media_be: the UDP ports the workers own (network order); port_map: UDP
 * port (host order) -> stream id + 1 of bound ingest ports (NULL = none).
 * Sets *counter to the SG_STATS_* counter to bump (EXC_* or MEDIA_RX), or
 * *reason to the SG_STATS_DROP_* reason for SG_FP_DROP.
 *
 * Rules: unicast frames for another MAC are dropped; ARP, ICMP, TCP, UDP to
 * ports we do not own and anything else go to the kernel (which owns the data
 * IP); IPv4 with a bad header length is dropped; UDP to a media port on our
 * IPv4 address is media.
 */
static inline enum sg_fp_action
sg_fp_classify(const uint8_t *frame, uint32_t len, const struct rte_ether_addr *mac,
	       uint32_t ip_be, const uint16_t *media_be, unsigned n_media,
	       const volatile uint16_t *port_map, int *sid, unsigned *counter, unsigned *reason)
{
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)frame;
	const struct rte_ipv4_hdr *ip;
	uint32_t ihl, tot;
	uint16_t et;

	if (len < sizeof(*eth)) {
		*reason = SG_STATS_DROP_RUNT;
		return SG_FP_DROP;
	}
	if (!rte_is_multicast_ether_addr(&eth->dst_addr) && !rte_is_same_ether_addr(&eth->dst_addr, mac)) {
		*reason = SG_STATS_DROP_NOT_OURS;
		return SG_FP_DROP;
	}
	et = eth->ether_type;
	if (et == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
		*counter = SG_STATS_EXC_ARP;
		return SG_FP_TO_KERNEL;
	}
	if (et != RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		*counter = SG_STATS_EXC_OTHER;
		return SG_FP_TO_KERNEL;
	}
	if (len < sizeof(*eth) + sizeof(*ip)) {
		*reason = SG_STATS_DROP_RUNT;
		return SG_FP_DROP;
	}
	ip = (const struct rte_ipv4_hdr *)(eth + 1);
	ihl = (uint32_t)(ip->version_ihl & 0x0f) * 4;
	tot = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) || tot < ihl ||
	    tot > len - sizeof(*eth)) {
		*reason = SG_STATS_DROP_BAD_IP;
		return SG_FP_DROP;
	}
	switch (ip->next_proto_id) {
	case IPPROTO_ICMP:
		*counter = SG_STATS_EXC_ICMP;
		return SG_FP_TO_KERNEL;
	case IPPROTO_TCP:
		*counter = SG_STATS_EXC_TCP;
		return SG_FP_TO_KERNEL;
	case IPPROTO_UDP:
		break;
	default:
		*counter = SG_STATS_EXC_OTHER;
		return SG_FP_TO_KERNEL;
	}
	/* Fragments (offset or MF set) go to the kernel: media never fragments. */
	if ((ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK | RTE_IPV4_HDR_MF_FLAG)) ||
	    ip->dst_addr != ip_be) {
		*counter = SG_STATS_EXC_UDP;
		return SG_FP_TO_KERNEL;
	}
	if (tot < ihl + sizeof(struct rte_udp_hdr)) {
		*reason = SG_STATS_DROP_RUNT;
		return SG_FP_DROP;
	}
	{
		const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)((const uint8_t *)ip + ihl);
		for (unsigned i = 0; i < n_media; i++)
			if (udp->dst_port == media_be[i]) {
				*counter = SG_STATS_MEDIA_RX;
				return SG_FP_MEDIA;
			}
		if (port_map) {
			uint16_t v = port_map[rte_be_to_cpu_16(udp->dst_port)];
			if (v) {
				*sid = (int)v - 1;
				*counter = SG_STATS_INGEST_PKTS;
				return SG_FP_INGEST;
			}
		}
	}
	*counter = SG_STATS_EXC_UDP;
	return SG_FP_TO_KERNEL;
}

#endif /* SG_FASTPATH_FP_H */
