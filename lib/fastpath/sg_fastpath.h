/* SPDX-License-Identifier: BSD-3-Clause
 * streamgate fast path: DPDK ports, the exception path to the kernel, and the
 * poll-mode worker lcores.
 *
 * Threads: the caller's thread (the EAL main lcore) owns the control path and
 * calls every function here; worker lcores run sg_fp's poll loop and are only
 * ever driven through their rings and the stop flag. See docs/ARCHITECTURE.md.
 */
#ifndef SG_FASTPATH_H
#define SG_FASTPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sg_stats.h"

#define SG_FP_MAX_PORTS SG_STATS_MAX_PORTS
#define SG_FP_MAX_WORKERS 64
#define SG_FP_MAX_MEDIA_PORTS 8

/* Offload wishes, as named in drivers-config profiles. */
#define SG_FP_OFF_IPV4_CKSUM (1u << 0)
#define SG_FP_OFF_UDP_CKSUM  (1u << 1)
#define SG_FP_OFF_TCP_CKSUM  (1u << 2)
#define SG_FP_OFF_RSS_HASH   (1u << 3)
#define SG_FP_OFF_MULTI_SEGS (1u << 4)
#define SG_FP_OFF_VLAN       (1u << 5)

/** One data port as the daemon wants it (filled from the config + profile). */
struct sg_fp_port_conf {
	char name[32];          /**< operator's name, e.g. "data0" */
	char device[256];       /**< PCI address or vdev string, as configured */
	char devargs[256];      /**< profile devargs appended to the device ("" = none) */
	bool is_pci;
	char profile[32];       /**< profile name (for display) */
	char profile_driver[64];/**< driver the profile expects ("" = any) */
	uint16_t rx_queues, tx_queues; /**< 0 = one per worker */
	uint16_t rx_desc, tx_desc;
	uint16_t mtu;
	uint32_t want_rx_offloads, want_tx_offloads; /**< SG_FP_OFF_* */
	bool rss;
	uint32_t ipv4;          /**< host byte order */
	uint8_t prefix_len;
	uint32_t gateway;       /**< host byte order, 0 = none */
	char tap_name[16];      /**< kernel TAP of the exception path */
};

/** EAL-level settings (lcores, memory). */
struct sg_fp_eal_conf {
	unsigned main_lcore;
	unsigned workers[SG_FP_MAX_WORKERS];
	unsigned n_workers;
	bool hugepages;
	unsigned mem_mb;
	char file_prefix[64];
	int log_level;          /**< enum sg_log_level, mapped onto DPDK's */
};

struct sg_fp_conf {
	struct sg_fp_eal_conf eal;
	struct sg_fp_port_conf ports[SG_FP_MAX_PORTS];
	unsigned n_ports;
	unsigned mbufs, mbuf_cache;
	unsigned burst;         /**< RX/TX burst size, 1..256 */
	unsigned drain_us;      /**< TX buffer drain period */
	uint16_t media_ports[SG_FP_MAX_MEDIA_PORTS]; /**< UDP ports the workers own */
	unsigned n_media_ports;
};

/**
 * Build the EAL argument vector for conf: -l/--main-lcore from the lcores,
 * --no-huge -m N or -m N with hugepages, --file-prefix, --no-shconf when
 * without hugepages, -a PCI for PCI ports (--no-pci when there are none),
 * --vdev for vdev ports (device + profile devargs).
 * Strings are written into buf; argv gets pointers into it, argv[0] = prog.
 * Returns argc, or -ENOSPC (buf or argv too small) / -EINVAL (no workers).
 */
int sg_fp_eal_args_build(const struct sg_fp_conf *conf, const char *prog, char **argv,
			 int max_args, char *buf, size_t buflen);

struct sg_fp;

/**
 * Create the fast path after rte_eal_init(): mempool, data ports (checked
 * against their profiles), one exception TAP per data port carrying the
 * port's IPv4 address, MAC and MTU in the kernel. Nothing is started.
 * Returns the object, or NULL with errno set and a one-line reason in err.
 */
struct sg_fp *sg_fp_create(const struct sg_fp_conf *conf, char *err, size_t errlen);

/** Start ports and launch the poll loop on every worker lcore. 0 or -errno. */
int sg_fp_start(struct sg_fp *fp);

/** Ask the workers to stop, wait for them, flush what they hold. Idempotent. */
void sg_fp_stop(struct sg_fp *fp);

/** Stop, close ports, free the mempool. Logs the mbufs still in use (should be 0). */
void sg_fp_destroy(struct sg_fp *fp);

/** Number of workers and their lcore ids. */
unsigned sg_fp_worker_count(const struct sg_fp *fp);
unsigned sg_fp_worker_lcore(const struct sg_fp *fp, unsigned w);
/** A worker's counters (read-only snapshot source for the control plane). */
const struct sg_stats_lcore *sg_fp_worker_stats(const struct sg_fp *fp, unsigned w);

/** Mbufs currently taken from the pool (control path; sums lcore caches). */
unsigned sg_fp_mbufs_in_use(const struct sg_fp *fp);
/** Mbufs in use right after start (RX rings filled): the baseline. */
unsigned sg_fp_mbufs_baseline(const struct sg_fp *fp);
unsigned sg_fp_mbufs_total(const struct sg_fp *fp);

/** Description of one data port, for `streamgatectl ports`. */
struct sg_fp_port_info {
	char name[32];
	char device[256];
	char driver[64];
	char profile[32];
	char tap_name[16];
	uint16_t port_id, tap_port_id;
	uint8_t mac[6];
	uint32_t ipv4;
	uint8_t prefix_len;
	uint32_t gateway;
	uint16_t rx_queues, tx_queues, rx_desc, tx_desc, mtu;
	bool link_up;
	uint32_t link_speed_mbps;
	char caps_diff[512];    /**< what differs from the profile ("" = none) */
	/* Hardware counters (rte_eth_stats) */
	uint64_t hw_ipackets, hw_opackets, hw_imissed, hw_ierrors, hw_oerrors, hw_rx_nombuf;
};
unsigned sg_fp_port_count(const struct sg_fp *fp);
int sg_fp_port_info_get(const struct sg_fp *fp, unsigned idx, struct sg_fp_port_info *info);

#endif /* SG_FASTPATH_H */
