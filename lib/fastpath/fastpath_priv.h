/* SPDX-License-Identifier: BSD-3-Clause
 * Internals of lib/fastpath. Not part of the public API.
 */
#ifndef SG_FASTPATH_PRIV_H
#define SG_FASTPATH_PRIV_H

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "sg_fastpath.h"

#define SG_FP_MAX_BURST 256
#define SG_FP_TXBUF_SIZE 512

/** A software TX buffer: packets are queued and sent in bursts. */
struct sg_fp_txbuf {
	uint16_t port_id, queue;
	uint16_t len;
	uint16_t flush_at;      /**< send when this many are queued */
	struct rte_mbuf *pkts[SG_FP_TXBUF_SIZE];
};

/** What a worker polls on one data port: its queue pair there and on the TAP. */
struct sg_fp_wport {
	uint16_t port_id, tap_port_id, queue;
	uint8_t idx;            /**< index of the port in the config (counters) */
	struct rte_ether_addr mac;
	uint32_t ipv4_be;
	struct sg_fp_txbuf tx_nic;  /**< to the NIC: kernel replies, later media */
	struct sg_fp_txbuf tx_tap;  /**< to the kernel: exception frames */
};

struct sg_fp_worker {
	struct sg_stats_lcore stats;    /* first: cache aligned, written by the worker only */
	unsigned lcore_id;
	unsigned idx;
	unsigned n_wports;
	unsigned burst;
	uint64_t drain_tsc;
	const volatile bool *stop;
	uint16_t media_ports_be[SG_FP_MAX_MEDIA_PORTS];
	unsigned n_media_ports;
	struct sg_fp_wport wports[SG_FP_MAX_PORTS];
} __rte_cache_aligned;

struct sg_fp_port {
	struct sg_fp_port_conf conf;
	uint16_t port_id, tap_port_id;
	bool have_port, started, tap_started;
	struct rte_ether_addr mac;
	uint16_t nb_rxq, nb_txq;
	char driver[64];
	char caps_diff[512];
};

struct sg_fp {
	struct sg_fp_conf conf;
	struct rte_mempool *pool;
	struct sg_fp_port ports[SG_FP_MAX_PORTS];
	unsigned n_ports;
	struct sg_fp_worker *workers[SG_FP_MAX_WORKERS];
	unsigned n_workers;
	volatile bool stop;
	bool running;
	unsigned baseline;
};

/* port.c */
int sg_fp_port_setup(struct sg_fp *fp, unsigned idx, char *err, size_t errlen);
int sg_fp_port_start(struct sg_fp *fp, unsigned idx, char *err, size_t errlen);
void sg_fp_port_close(struct sg_fp *fp, unsigned idx);

/* tap.c: configure the kernel side of an exception TAP */
int sg_fp_tap_configure(const char *ifname, uint32_t ipv4, uint8_t prefix_len,
			uint32_t gateway, uint16_t mtu, char *err, size_t errlen);

/* worker.c */
int sg_fp_worker_main(void *arg);
void sg_fp_txbuf_init(struct sg_fp_txbuf *tb, uint16_t port_id, uint16_t queue, uint16_t flush_at);

#endif /* SG_FASTPATH_PRIV_H */
