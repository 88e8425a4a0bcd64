/* SPDX-License-Identifier: BSD-3-Clause
 * Internals of lib/fastpath. Not part of the public API.
 */
#ifndef SG_FASTPATH_PRIV_H
#define SG_FASTPATH_PRIV_H

#include <stdalign.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "sg_fastpath.h"
#include "sg_rtp.h"
#include "sg_srtp.h"
#include "sg_stun.h"

#define SG_FP_MAX_BURST 256
#define SG_FP_TXBUF_SIZE 512
#define SG_FP_RING_SIZE 8192
#define SG_FP_HDR_LEN (14 + 20 + 8)   /* Ethernet + IPv4 + UDP */
#define SG_FP_FANOUT_BATCH 32
/* SG_FP_FANOUT_TILE (sg_fastpath.h): source packets of one stream fanned out
 * together (a video frame's packets arrive in one RX burst): each viewer's
 * keys are read once per tile. */
#define SG_FP_FANOUT_QUEUE 64 /* media packets held until the end of a poll iteration */

/* Per-mbuf metadata in the mbuf private area (pool priv_size). */
enum sg_fp_meta_type {
	SG_FP_META_NONE = 0,
	SG_FP_META_MEDIA,     /* source RTP for fan-out only (already ingested by another worker) */
	SG_FP_META_INGEST,    /* source RTP to ingest (stats, keyframes) then distribute */
	SG_FP_META_VIEWER,    /* a viewer's packet (STUN/SRTCP) forwarded to the owner; data = frame */
	SG_FP_META_EVENT,     /* worker -> control event */
};
#define SG_FP_F_KEY  0x01     /* starts a keyframe */
#define SG_FP_F_PSET 0x02     /* parameter sets for joiners (send only to viewers waiting a keyframe) */

struct sg_fp_meta {
	uint8_t type;
	uint8_t flags;
	uint8_t ev;           /* enum sg_fp_event_type for EVENT */
	uint8_t port_idx;
	int16_t sid;
	uint16_t gen;         /* MEDIA / INGEST: generation of stream sid when queued */
	uint16_t port_be;     /* remote UDP port */
	uint32_t ip_be;       /* remote IPv4 */
	int32_t viewer;
};

static inline struct sg_fp_meta *sg_fp_meta(struct rte_mbuf *m)
{
	return (struct sg_fp_meta *)rte_mbuf_to_priv(m);
}

/** A software TX buffer: packets are queued and sent in bursts. */
struct sg_fp_txbuf {
	uint16_t port_id, queue;
	uint16_t len;
	uint16_t flush_at;      /**< send when this many are queued */
	struct rte_mbuf *pkts[SG_FP_TXBUF_SIZE];
};

/** What a worker polls on one data port: its queue pair there and on the TAP. */
struct sg_fp_wport {
	uint16_t port_id, tap_port_id, queue;   /* tap_port_id RTE_MAX_ETHPORTS: no TAP */
	uint8_t idx;            /**< index of the port in the config (counters) */
	struct rte_ether_addr mac;
	uint32_t ipv4_be;
	uint16_t media_port_be;
	/* Ethernet/IPv4/UDP header towards viewers with this port's fields filled
	 * in (sg_fp_hdr_template()), and the one's complement sum of its constant
	 * IPv4 words: a packet's header is one copy plus the per-viewer fields. */
	alignas(16) uint8_t hdr_tmpl[48];
	uint32_t hdr_sum;
	struct sg_fp_txbuf tx_nic;  /**< to the NIC: kernel replies, media */
	struct sg_fp_txbuf tx_tap;  /**< to the kernel: exception frames */
};

/* flow key for flow_hash */
struct sg_fp_flow_key {
	uint32_t ip_be;
	uint16_t port_be;
	uint16_t pad;
};

enum sg_fp_vstate { SG_FP_V_FREE = 0, SG_FP_V_ICE, SG_FP_V_PLAYING, SG_FP_V_DEAD };

/*
 * One viewer. The control plane fills the configuration fields before the
 * viewer is published (ufrag table insert) and never writes them again; the
 * owning worker writes the rest. Counters are read by the control plane.
 * The per-packet fan-out does not read the slot: what it needs is copied into
 * the viewer's fan-out array entries (struct sg_fp_fo_ent) and its sent
 * packets/bytes are counted in the SRTP contexts (sg_srtp_ctx_tx_counts()).
 * The slot serves STUN, SRTCP, commands and the control plane. 256 bytes
 * (the peer's ufrag is kept as a 64-bit hash, its bytes stay with the session).
 */
struct sg_fp_viewer {
	/* --- owner worker; sid/port_idx/n_media set before publishing --- */
	struct sg_srtp_ctx *srtp[2];
	uint32_t fo_idx[2];          /* index in its (worker, stream) fan-out array while linked */
	int16_t sid[2];
	uint32_t remote_ip_be;
	uint16_t remote_port_be;
	uint8_t port_idx;
	volatile uint8_t state;      /* enum sg_fp_vstate */
	/* --- line 1 --- */
	struct rte_ether_addr remote_mac;
	bool selected;
	bool linked[2];
	uint8_t n_media;
	uint16_t owner;              /* worker index */
	uint32_t drops;
	uint32_t ssrc[2];
	uint64_t session_id;
	uint64_t last_check_tsc;
	/* --- STUN / SRTCP (owner writes, control reads) --- */
	uint32_t stun_ok, srtcp_ok, srtcp_bad, nacks, plis, rrs;
	int32_t rr_cum_lost;
	uint32_t rr_jitter;
	uint8_t rr_fraction_lost;
	uint8_t pt[2];
	uint8_t remote_ufrag_len;
	char local_ufrag[SG_FP_UFRAG_LEN + 1];
	uint64_t remote_ufrag_hash;  /* sg_fp_ufrag_hash() of the peer's ufrag (remote_ufrag_len bytes) */
	struct sg_stun_key key;
	/* --- control plane only --- */
	void *srtp_mem[2];
	uint64_t free_token;
	uint32_t mem_bytes;
	bool free_pending;
	uint8_t srtp_profile;        /* of the SRTP object (its size: slab to return it to) */
	uint8_t n_flows;             /* flow table entries added for it (> 2: not all in flows[]) */
	struct sg_fp_flow_key flows[2];
} __rte_cache_aligned;
_Static_assert(sizeof(struct sg_fp_viewer) == 256, "viewer slot: 4 cache lines");

/* The peer's ICE ufrag as stored in the slot (RFC 8445 §7.3 USERNAME check):
 * a 64-bit hash; the STUN check compares length and hash, MESSAGE-INTEGRITY
 * (our password) is what authenticates. */
static inline uint64_t sg_fp_ufrag_hash(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64 (ufrags: <= 64 bytes, STUN path only) */
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/* Commands control -> worker (allocated and freed by the control plane). */
enum sg_fp_cmd_type { SG_FP_CMD_KEYS = 1, SG_FP_CMD_DEL, SG_FP_CMD_SEND, SG_FP_CMD_REMOTE };
struct sg_fp_cmd {
	uint8_t type;
	volatile uint8_t done;
	int viewer;
	struct sg_srtp_ctx *srtp[2];
	/* KEYS: a bigger fan-out array for (owner, sid[mi]) or NULL; the worker
	 * returns its previous array here for the control plane to free. */
	struct sg_fp_fo_ent *fo[2];
	uint32_t fo_cap[2];
	struct rte_mbuf *m;     /* SEND: datagram payload */
	/* REMOTE: the selected address */
	uint32_t ip_be;
	uint16_t port_be;
	struct rte_ether_addr mac;
};

/*
 * One viewer of a stream in a worker's fan-out array: everything the
 * per-packet fan-out reads besides the SRTP context, so that delivering a
 * packet touches this entry (the array is walked in order: hardware
 * prefetch) and the context, not the viewer slot (hot/cold split). Owned by
 * the worker: KEYS fills it from the slot, REMOTE and ICE re-selection update
 * the address (fo_sync_remote()), the first keyframe clears waiting_kf.
 */
struct sg_fp_fo_ent {
	struct sg_srtp_ctx *ctx;
	struct sg_fp_viewer *v;      /* cold paths: drops, unlink */
	uint32_t ip_be;              /* remote address, port, MAC */
	uint16_t port_be;
	struct rte_ether_addr mac;
	uint8_t port_idx;
	bool waiting_kf;             /* a joiner: starts at a keyframe or its parameter sets */
	uint8_t mi;                  /* which media of v this is */
	uint8_t pad;
};

/*
 * Per worker, per stream: the viewers of it owned by this worker (a dense
 * array, so the fan-out can prefetch several viewers ahead), ingest state.
 * fo/fo_cap/n_viewers are written by the owning worker only (KEYS appends,
 * DEL swap-removes); the arrays are allocated by the control plane, which
 * reserves one entry per keyed viewer (ctl_used) and, when a KEYS command
 * would exceed ctl_cap, hands the worker a bigger array in that command
 * (the worker copies its entries over and gives the old array back in the
 * command, freed when the command is reaped: only this worker reads it).
 */
struct sg_fp_wstream {
	struct sg_fp_fo_ent *fo;     /* worker: fan-out array of fo_cap entries */
	uint32_t n_viewers;          /* worker: entries in use */
	uint32_t fo_cap;             /* worker */
	uint32_t ctl_cap, ctl_used;  /* control plane only: capacity handed out, entries reserved */
	/* ingest (the worker that receives the source) */
	bool ingest_init;
	struct sg_rtp_stats rs;
	struct sg_rtp_pset_cache *pset;
	uint64_t pkts, bytes, bad, keyframes, fanout_pkts, fanout_bytes;
	uint64_t last_rx_tsc;
	uint32_t ssrc;
	uint32_t kf_ts;              /* RTP timestamp of the last keyframe counted */
	bool kf_any;                 /* kf_ts is valid */
};

/* slab.c: fixed-size objects (SRTP contexts) carved from chunks; control thread only. */
#define SG_FP_SLAB_CHUNK 64
#define SG_FP_CTX_SLABS 6 /* SRTP object sizes: {AES-CM, GCM-128, GCM-256} x {1, 2 media} */
struct sg_fp_slab {
	size_t obj_size;             /* multiple of 64; 0 = not set up */
	int socket;
	void *free;                  /* free list, linked through each object's first word */
	void *chunks;                /* chunk list */
	size_t n_chunks;
	uint64_t in_use;
};
int sg_fp_slab_init(struct sg_fp_slab *s, size_t obj_size, int socket);
void *sg_fp_slab_get(struct sg_fp_slab *s);   /* zeroed object, or NULL + errno */
void sg_fp_slab_put(struct sg_fp_slab *s, void *obj);
size_t sg_fp_slab_bytes(const struct sg_fp_slab *s);
void sg_fp_slab_fini(struct sg_fp_slab *s);

struct sg_fp;

struct sg_fp_worker {
	struct sg_stats_lcore stats;    /* first: cache aligned, written by the worker only */
	unsigned lcore_id;
	unsigned idx;
	unsigned n_wports;
	unsigned burst;
	uint64_t drain_tsc;
	unsigned idle_sleep_us;
	const volatile bool *stop;
	struct sg_fp *fp;
	/* This worker's mbufs (on its NUMA socket): its RX queues' buffers and
	 * every packet it builds (fan-out output, parameter sets, events). */
	struct rte_mempool *pool;
	uint16_t media_ports_be[SG_FP_MAX_MEDIA_PORTS];
	unsigned n_media_ports;
	struct rte_ring *cmd_ring;      /* control -> this worker (struct sg_fp_cmd *) */
	struct rte_ring *pkt_ring;      /* other workers / control -> this worker (mbufs) */
	struct sg_srtp_engine *srtp;
	struct sg_stun_stats stun_stats;
	uint64_t manual_last_drain;     /* sg_fp_worker_poll(): last TX drain (TSC) */
	/* Media packets (one reference each) to fan out at the end of this poll
	 * iteration, in arrival order per stream (sg_fp_fanout_run()). */
	unsigned fo_qn;
	struct sg_fp_fo_q {
		struct rte_mbuf *m;
		int16_t sid;
		uint8_t flags;
	} fo_q[SG_FP_FANOUT_QUEUE];
	struct sg_fp_wport wports[SG_FP_MAX_PORTS];
	struct sg_fp_wstream streams[SG_FP_MAX_STREAMS];
	/* control plane only: SRTP contexts of this worker's viewers, one slab per
	 * context size (AES-CM, GCM), on the worker's NUMA socket */
	struct sg_fp_slab ctx_slab[SG_FP_CTX_SLABS];
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

struct sg_fp_stream {
	bool in_use;
	uint16_t gen;                 /* bumped by every sg_fp_stream_add() of this id */
	bool flowing;                 /* a packet was seen (seeds are frozen) */
	struct sg_fp_stream_conf conf;
	int rtp_codec;                /* enum sg_rtp_codec or -1 */
	uint64_t worker_mask;         /* workers with viewers (owners update atomically) */
	struct sg_rtp_pset_cache seed;
	bool have_seed;
};

struct sg_fp {
	struct sg_fp_conf conf;
	struct sg_fp_port ports[SG_FP_MAX_PORTS];
	unsigned n_ports;
	struct sg_fp_worker *workers[SG_FP_MAX_WORKERS];
	unsigned n_workers;
	volatile bool stop;
	bool running;
	bool manual_started;           /* started with conf.manual_workers */
	unsigned baseline;
	uint64_t tsc_hz;
	/* media */
	struct sg_fp_stream streams[SG_FP_MAX_STREAMS];
	uint16_t *port_map;            /* UDP port -> sid + 1 (0 = not bound) */
	struct sg_fp_viewer *viewers;  /* max_viewers slots */
	unsigned max_viewers;
	struct rte_hash *ufrag_hash;   /* local ufrag (8 bytes) -> viewer index */
	struct rte_hash *flow_hash;    /* (ip, port) -> viewer index */
	struct rte_rcu_qsbr *qsbr;
	struct rte_ring *ev_ring;      /* workers -> control: event mbufs */
	int srtp_arch;
	unsigned next_owner;
	unsigned free_hint;            /* where sg_fp_viewer_add starts looking for a free slot */
	uint64_t push_drops;
};

/* The pool of worker w: also feeds RX queue q of every port (q % n_workers). */
static inline struct rte_mempool *sg_fp_pool(const struct sg_fp *fp, unsigned w)
{
	return fp->workers[w % fp->n_workers]->pool;
}

/* port.c */
int sg_fp_port_setup(struct sg_fp *fp, unsigned idx, char *err, size_t errlen);
int sg_fp_port_start(struct sg_fp *fp, unsigned idx, char *err, size_t errlen);
void sg_fp_port_close(struct sg_fp *fp, unsigned idx);

/* tap.c: configure the kernel side of an exception TAP */
int sg_fp_tap_configure(const char *ifname, uint32_t ipv4, uint8_t prefix_len,
			uint32_t gateway, uint16_t mtu, char *err, size_t errlen);

/* worker.c */
int sg_fp_worker_main(void *arg);
unsigned sg_fp_worker_iter(struct sg_fp_worker *w, uint64_t *last_drain);
void sg_fp_worker_drain(struct sg_fp_worker *w);
void sg_fp_txbuf_init(struct sg_fp_txbuf *tb, uint16_t port_id, uint16_t queue, uint16_t flush_at);
void sg_fp_txbuf_flush(struct sg_fp_txbuf *tb, struct sg_stats_port *st, unsigned drop_reason);

/* Queue m; send the buffer when it holds flush_at packets (drops counted by drop_reason). */
static inline void sg_fp_txbuf_add(struct sg_fp_txbuf *tb, struct rte_mbuf *m,
				   struct sg_stats_port *st, unsigned drop_reason)
{
	tb->pkts[tb->len++] = m;
	if (tb->len >= tb->flush_at)
		sg_fp_txbuf_flush(tb, st, drop_reason);
}

/* Queue n packets (one store of the length): sent in bursts as above. */
static inline void sg_fp_txbuf_add_bulk(struct sg_fp_txbuf *tb, struct rte_mbuf *const m[], unsigned n,
					struct sg_stats_port *st, unsigned drop_reason)
{
	unsigned len = tb->len, at = tb->flush_at;
	for (unsigned i = 0; i < n; i++) {
		tb->pkts[len++] = m[i];
		if (len >= at) {
			tb->len = (uint16_t)len;
			sg_fp_txbuf_flush(tb, st, drop_reason);
			len = 0;
		}
	}
	tb->len = (uint16_t)len;
}

/* media.c (control side) */
int sg_fp_media_init(struct sg_fp *fp, char *err, size_t errlen);
void sg_fp_media_fini(struct sg_fp *fp);

/* fanout.c (worker side) */
void sg_fp_hdr_template(struct sg_fp_wport *wp);
void sg_fp_media_rx(struct sg_fp_worker *w, struct sg_fp_wport *wp, struct rte_mbuf *m);
void sg_fp_ingest_rx(struct sg_fp_worker *w, struct sg_fp_wport *wp, struct rte_mbuf *m, int sid);
unsigned sg_fp_worker_rings(struct sg_fp_worker *w);
void sg_fp_fanout_run(struct sg_fp_worker *w);
void sg_fp_worker_media_stop(struct sg_fp_worker *w);


#endif /* SG_FASTPATH_PRIV_H */
