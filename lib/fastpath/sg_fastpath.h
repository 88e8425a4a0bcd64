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
/** Source packets of one stream fanned out per pass over its viewers (the
 *  packets of a poll iteration are queued, then fanned out in such tiles). */
#define SG_FP_FANOUT_TILE 8

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
	/** CPU of each worker lcore (n_worker_cpus = n_workers; repeats allowed:
	 *  workers sharing a CPU). 0 = every lcore runs on the CPU of its id. */
	unsigned worker_cpus[SG_FP_MAX_WORKERS];
	unsigned n_worker_cpus;
	bool hugepages;
	unsigned mem_mb;
	char file_prefix[64];
	int log_level;          /**< enum sg_log_level, mapped onto DPDK's */
};

struct sg_fp_conf {
	struct sg_fp_eal_conf eal;
	struct sg_fp_port_conf ports[SG_FP_MAX_PORTS];
	unsigned n_ports;
	unsigned mbufs, mbuf_cache; /**< per worker: each worker has its own mempool of mbufs */
	unsigned burst;         /**< RX/TX burst size, 1..256 */
	unsigned drain_us;      /**< TX buffer drain period */
	unsigned idle_sleep_us; /**< sleep when idle for 256 loops (0 = pure polling) */
	uint16_t media_ports[SG_FP_MAX_MEDIA_PORTS]; /**< UDP ports the workers own */
	unsigned n_media_ports;
	unsigned max_viewers;   /**< viewer table size (0 = 4096) */
	int srtp_arch;          /**< enum sg_srtp_arch (0 = auto) */
	/** Benchmarks/tests: create no exception TAP; frames for the kernel are
	 *  then dropped (counted as exc_full) and nothing is read from a TAP. */
	bool no_exception_tap;
	/** Benchmarks/tests: sg_fp_start() starts the ports but launches no
	 *  lcore; the caller runs the workers' loops with sg_fp_worker_poll() on
	 *  its own thread. Worker lcores may then be any enabled lcore (the main
	 *  one included): they only choose the NUMA socket of worker memory. */
	bool manual_workers;
};

/**
 * Build the EAL argument vector for conf: -l/--main-lcore from the lcores
 * (--lcores=main@main,worker@cpu,... when worker_cpus are given),
 * --no-huge -m N or -m N with hugepages, --file-prefix, --no-shconf when
 * without hugepages, -a PCI for PCI ports (--no-pci when there are none),
 * --vdev for vdev ports (device + profile devargs).
 * Strings are written into buf; argv gets pointers into it, argv[0] = prog.
 * Returns argc, or -ENOSPC (buf or argv too small) / -EINVAL (no workers, or
 * n_worker_cpus neither 0 nor n_workers).
 */
int sg_fp_eal_args_build(const struct sg_fp_conf *conf, const char *prog, char **argv,
			 int max_args, char *buf, size_t buflen);

/**
 * Fill conf for an in-process fast path (tests, benchmarks): one port "t0"
 * on the already probed vdev device (198.18.0.1/24, MTU 1500), n_workers
 * manual workers on the given lcores (NULL: all on the main lcore), media
 * port 5004, no exception TAP, burst 32, mbufs per worker, max_viewers
 * slots. The caller may change any field before sg_fp_create().
 * Returns 0, or -EINVAL (no device, n_workers 0 or > SG_FP_MAX_WORKERS).
 */
int sg_fp_conf_inproc(struct sg_fp_conf *conf, const char *device, unsigned n_workers,
		      const unsigned *lcores, unsigned mbufs, unsigned max_viewers);

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

/**
 * With conf.manual_workers, after sg_fp_start(): run one iteration of worker
 * w's poll loop (RX on its queues, commands and rings, fan-out, TX drain when
 * due) on the calling thread. Never call it for one worker from two threads.
 * Returns the work done (packets and commands handled), -EINVAL (no such
 * worker) or -EPERM (not started in manual mode).
 */
int sg_fp_worker_poll(struct sg_fp *fp, unsigned w);

/**
 * With conf.manual_workers: send what worker w's TX buffers hold now
 * (normally done every drain_us). Returns 0, -EINVAL or -EPERM.
 */
int sg_fp_worker_flush(struct sg_fp *fp, unsigned w);

/** Stop, close ports, free the mempools. Logs the mbufs still in use (should be 0). */
void sg_fp_destroy(struct sg_fp *fp);

/** Number of workers and their lcore ids. */
unsigned sg_fp_worker_count(const struct sg_fp *fp);
unsigned sg_fp_worker_lcore(const struct sg_fp *fp, unsigned w);
/** A worker's counters (read-only snapshot source for the control plane). */
const struct sg_stats_lcore *sg_fp_worker_stats(const struct sg_fp *fp, unsigned w);

/** Mbufs currently taken from the workers' pools (control path; sums lcore caches). */
unsigned sg_fp_mbufs_in_use(const struct sg_fp *fp);
/** Mbufs in use right after start (RX rings filled): the baseline. */
unsigned sg_fp_mbufs_baseline(const struct sg_fp *fp);
/** Mbufs in all the workers' pools (workers x conf.mbufs). */
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

/* ------------------------------------------------------------------------
 * Media: streams, ingest, viewers (control path API; the work happens on the
 * workers). See docs/ARCHITECTURE.md "Media path".
 * ---------------------------------------------------------------------- */

#define SG_FP_MAX_STREAMS 256
#define SG_FP_UFRAG_LEN 8          /**< our ICE ufrags are exactly 8 characters */

/** Codec of a stream, for keyframe detection and clock rates. */
enum sg_fp_codec {
	SG_FP_CODEC_H264 = 0, SG_FP_CODEC_H265, SG_FP_CODEC_VP8, SG_FP_CODEC_VP9, SG_FP_CODEC_AV1,
	SG_FP_CODEC_OPUS, SG_FP_CODEC_PCMU, SG_FP_CODEC_PCMA, SG_FP_CODEC_AAC, SG_FP_CODEC_OTHER,
};

struct sg_fp_stream_conf {
	enum sg_fp_codec codec;
	uint32_t clock_rate;   /**< RTP clock (Hz) */
	bool video;
	char name[64];         /**< for display, e.g. "cam1/video" */
};

/**
 * Register a source stream (one media of a path). Returns its id
 * (0..SG_FP_MAX_STREAMS-1), -ENOSPC when all are taken, -EINVAL.
 */
int sg_fp_stream_add(struct sg_fp *fp, const struct sg_fp_stream_conf *sc);

/**
 * Remove a stream: unbinds its ingest ports. Returns 0, -EINVAL (not a live
 * stream), -EBUSY while viewers are still attached to it.
 */
int sg_fp_stream_del(struct sg_fp *fp, int sid);

/**
 * Seed the stream's parameter sets (H.264 SPS/PPS, H.265 VPS/SPS/PPS, from
 * SDP sprop-*) for late joiners, before any packet arrives. One NAL unit per
 * call. Returns 0, -EINVAL, -E2BIG, -EBUSY (packets already flowing).
 */
int sg_fp_stream_pset_seed(struct sg_fp *fp, int sid, const uint8_t *nal, uint16_t len);

/**
 * RTP arriving on the data IP at UDP port `port` is source media of stream
 * sid (a camera's RTP for a pull in UDP mode, a publisher's for a push).
 * RTCP for that stream is not bound: it reaches the kernel (a control-plane
 * socket) through the exception path. Returns 0, -EINVAL, -EADDRINUSE.
 */
int sg_fp_ingest_bind(struct sg_fp *fp, uint16_t port, int sid);
int sg_fp_ingest_unbind(struct sg_fp *fp, uint16_t port);

/**
 * Hand one RTP packet received by the control plane (RTSP TCP-interleaved)
 * to the fast path. Copies it into an mbuf. Returns 0, -EINVAL, -ENOBUFS
 * (no mbuf or ring full: counted as a drop).
 */
int sg_fp_ingest_push(struct sg_fp *fp, int sid, const uint8_t *rtp, uint16_t len);

struct sg_fp_stream_stats {
	uint64_t pkts, bytes;      /**< source packets/bytes accepted */
	uint64_t bad;              /**< malformed source packets dropped */
	uint64_t keyframes;        /**< keyframe starts seen */
	int64_t lost;              /**< RFC 3550 A.3 cumulative lost */
	uint32_t jitter;           /**< RFC 3550 A.8, timestamp units */
	uint32_t ssrc;             /**< last source SSRC */
	uint64_t last_rx_ns;       /**< sg_now_ns() clock of the last packet, 0 = never */
	uint64_t fanout_pkts, fanout_bytes; /**< SRTP packets sent to viewers */
	uint32_t viewers;          /**< viewers playing it */
};
int sg_fp_stream_stats_get(const struct sg_fp *fp, int sid, struct sg_fp_stream_stats *st);

/** What the control plane knows when it admits a viewer (a WebRTC session). */
struct sg_fp_viewer_conf {
	uint64_t session_id;           /**< the control plane's id, echoed in events */
	char local_ufrag[SG_FP_UFRAG_LEN + 1];
	char local_pwd[65];            /**< our ice-pwd (STUN short-term credential) */
	char remote_ufrag[65];
	int sid[2];                    /**< [0] video, [1] audio stream id; -1 = none */
	uint32_t ssrc[2];              /**< our SSRC per media */
	uint8_t pt[2];                 /**< payload type per media (from the offer) */
	unsigned port_idx;             /**< data port the session lives on */
};

/**
 * Admit a viewer: STUN checks for its ufrag are answered from now on by the
 * worker that owns it. Returns a handle >= 0, or -ENOSPC (table full),
 * -EINVAL, -EEXIST (ufrag in use).
 */
int sg_fp_viewer_add(struct sg_fp *fp, const struct sg_fp_viewer_conf *vc);

/**
 * Install the DTLS-SRTP keys (RFC 5764 §4.2): local = what we send with
 * (server write key||salt), remote = what the viewer sends SRTCP with.
 * The viewer starts at the next keyframe (parameter sets first).
 * profile: enum sg_srtp_profile. Returns 0, -EINVAL, -ENOMEM, -EBUSY (keys already set).
 */
int sg_fp_viewer_keys(struct sg_fp *fp, int handle, int profile, const uint8_t *local_master,
		      const uint8_t *remote_master);

/**
 * Select the viewer's remote address without STUN (tests, benchmarks, or a
 * control plane that validated the pair itself): ip and port in host order,
 * mac = next-hop MAC (6 bytes). The owning worker applies it through its
 * command ring (like a STUN-selected pair, RFC 8445 §7.3.1.5), and SRTCP
 * from that address is accepted from then on (flow table entry; earlier
 * entries of the viewer are removed). No SG_FP_EV_SELECTED event is sent.
 * Returns 0, -EINVAL (bad handle/arguments), -EBUSY (command ring full),
 * -ENOMEM.
 */
int sg_fp_viewer_set_remote(struct sg_fp *fp, int handle, uint32_t ip, uint16_t port,
			    const uint8_t mac[6]);

/** Send a datagram (DTLS record) to the viewer's selected address. 0, -ENOTCONN, -ENOBUFS. */
int sg_fp_viewer_send(struct sg_fp *fp, int handle, const uint8_t *dgram, uint16_t len);

/** Remove a viewer; its memory is reclaimed once every worker has moved on. 0 or -EINVAL. */
int sg_fp_viewer_del(struct sg_fp *fp, int handle);

struct sg_fp_viewer_info {
	uint64_t session_id;
	unsigned worker;
	bool selected;                 /**< a nominated/validated address */
	bool keyed;
	uint32_t remote_ip;            /**< host order */
	uint16_t remote_port;
	uint64_t last_check_ns;        /**< last valid STUN check (sg_now_ns clock), 0 = none */
	uint64_t pkts, bytes;          /**< SRTP sent */
	uint64_t stun_ok, srtcp_ok, srtcp_bad, nacks, plis, rrs, drops;
	uint8_t rr_fraction_lost;      /**< last RR, /256 */
	int32_t rr_cum_lost;
	uint32_t rr_jitter;
	uint32_t rtt_us;               /**< 0 = unknown */
	size_t mem_bytes;              /**< fast-path memory of this viewer (slot + SRTP contexts) */
};
int sg_fp_viewer_info_get(const struct sg_fp *fp, int handle, struct sg_fp_viewer_info *vi);

/** Events from the workers to the control plane. */
enum sg_fp_event_type {
	SG_FP_EV_DTLS = 1,     /**< a DTLS datagram from addr (viewer = -1 if unknown) */
	SG_FP_EV_SELECTED,     /**< a viewer's address was validated/nominated by STUN */
	SG_FP_EV_PLI,          /**< a viewer asked for a keyframe (PLI/FIR) */
};
struct sg_fp_event {
	enum sg_fp_event_type type;
	int viewer;
	uint64_t session_id;
	uint32_t ip;           /**< host order */
	uint16_t port;
	const uint8_t *data;   /**< SG_FP_EV_DTLS payload, valid until sg_fp_events_release() */
	uint16_t len;
	void *priv;
};
/** Take up to max pending events (non-blocking). Returns the count. */
unsigned sg_fp_events_poll(struct sg_fp *fp, struct sg_fp_event *ev, unsigned max);
/** Release what sg_fp_events_poll() returned (frees the packets). */
void sg_fp_events_release(struct sg_fp *fp, struct sg_fp_event *ev, unsigned n);

/** Periodic control-path work: reclaims removed viewers. Call every few ms..100 ms. */
void sg_fp_tick(struct sg_fp *fp);

/** Fast-path memory per viewer for a profile (slot + its SRTP object: one
 *  context per media sharing one key block), for reports. The fan-out array
 *  entries (32 B per media) and the shared tables (ufrag and flow hashes,
 *  ~110 B per slot) come on top. */
size_t sg_fp_viewer_mem(int profile, unsigned n_media);

#endif /* SG_FASTPATH_H */
