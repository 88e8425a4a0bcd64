/* SPDX-License-Identifier: BSD-3-Clause
 * Worker side of the media path: source ingest (RFC 3550 stats, keyframes,
 * parameter sets), distribution of each source packet to the workers that
 * have viewers of it (by reference: mbuf refcount), the per-viewer fan-out
 * (header rewrite + SRTP in ipsec-mb bursts, lib/srtp), and the viewers'
 * packets on the media port: STUN (ICE-lite, answered here), DTLS (punted to
 * the control plane), SRTCP (verified and counted here).
 *
 * Hot path: no locks, no allocation but mbufs, no syscalls, no logging.
 * Every dropped packet is freed where it is counted.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_udp.h>

#include "fastpath_priv.h"
#include "sg_rtp_fp.h"
#include "sg_stun_fp.h"

static void fo_sync_remote(struct sg_fp_worker *w, const struct sg_fp_viewer *v);

static inline struct sg_stats_port *wstats(struct sg_fp_worker *w, unsigned port_idx)
{
	return &w->stats.port[port_idx];
}

static inline void drop(struct sg_fp_worker *w, unsigned port_idx, struct rte_mbuf *m, unsigned reason)
{
	wstats(w, port_idx)->drop[reason]++;
	rte_pktmbuf_free(m);
}

static inline uint64_t tsc_to_ns(const struct sg_fp *fp, uint64_t tsc)
{
	return (uint64_t)((double)tsc * (1e9 / (double)fp->tsc_hz));
}

/* The per-port constant part of the Ethernet + IPv4 + UDP header towards
 * viewers (RFC 791 §3.1: IHL 5, DF, TTL 64; RFC 768: checksum 0 for IPv4). */
void sg_fp_hdr_template(struct sg_fp_wport *wp)
{
	uint8_t *p = wp->hdr_tmpl;
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint32_t s;

	memset(wp->hdr_tmpl, 0, sizeof(wp->hdr_tmpl));
	eth->src_addr = wp->mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = 0x45;
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = wp->ipv4_be;
	udp->src_port = wp->media_port_be;
	/* RFC 1071 one's complement sum of the constant 16-bit words (as stored:
	 * the sum is byte-order independent); total length and destination are
	 * added per packet; ID 0 (every datagram is atomic: DF set, RFC 6864
	 * §4.1) and the checksum field count as 0. */
	s = (uint32_t)RTE_BE16(0x4500) + RTE_BE16(RTE_IPV4_HDR_DF_FLAG) +
	    RTE_BE16(64 << 8 | IPPROTO_UDP) + (wp->ipv4_be & 0xffff) + (wp->ipv4_be >> 16);
	wp->hdr_sum = s;
}

/* Ethernet + IPv4 (ID 0) + UDP towards (mac, ip, port), in front of a UDP payload of
 * len bytes: the port's template (two overlapping 32/16-byte copies, nothing
 * written past the 42 bytes) and the per-packet fields. */
static inline void put_headers(const struct sg_fp_wport *wp, const struct rte_ether_addr *mac,
			       uint32_t ip_be, uint16_t port_be, uint8_t *p, uint16_t len)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint16_t tot = rte_cpu_to_be_16((uint16_t)(20 + 8 + len));
	uint32_t s;

	memcpy(p, wp->hdr_tmpl, 32);
	memcpy(p + SG_FP_HDR_LEN - 16, wp->hdr_tmpl + SG_FP_HDR_LEN - 16, 16);
	eth->dst_addr = *mac;
	ip->total_length = tot;
	ip->dst_addr = ip_be;
	s = wp->hdr_sum + tot + (ip_be & 0xffff) + (ip_be >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	ip->hdr_checksum = (uint16_t)~s;
	udp->dst_port = port_be;
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + len));
}

/* ------------------------------------------------------------------------
 * Fan-out: one source RTP packet (shared, read-only) to this worker's viewers.
 * ---------------------------------------------------------------------- */

struct fo_batch {
	unsigned n;
	struct sg_srtp_ctx *ctx[SG_FP_FANOUT_BATCH];
	const struct sg_fp_fo_ent *e[SG_FP_FANOUT_BATCH];
	uint8_t *dst[SG_FP_FANOUT_BATCH];
	struct rte_mbuf *out[SG_FP_FANOUT_BATCH];
	uint16_t olen[SG_FP_FANOUT_BATCH];
	int rc[SG_FP_FANOUT_BATCH];
	bool pset[SG_FP_FANOUT_BATCH];
};

/*
 * n mbufs for fan-out output, from the per-lcore cache of the worker's pool.
 * A free mbuf already has next = NULL, nb_segs = 1 and refcnt = 1 (the pool
 * invariant rte_pktmbuf_free() keeps), so only what an RX mbuf of the same
 * pool may have changed is reset, in the first cache line, as a PMD's RX
 * rearm does: data_off/refcnt/nb_segs/port as one 8-byte store, ol_flags and
 * packet_type (no offload requested: drivers ignore tx_offload and VLAN
 * fields). Lengths are set by the caller. Returns 0 or -ENOENT.
 */
static inline int fo_mbufs_get(struct rte_mempool *mp, struct rte_mbuf **m, unsigned n)
{
	union {
		uint64_t u;
		struct {
			uint16_t data_off, refcnt, nb_segs, port;
		} f;
	} rearm = {.f = {RTE_PKTMBUF_HEADROOM, 1, 1, RTE_MBUF_PORT_INVALID}};

	if (SG_UNLIKELY(rte_mempool_get_bulk(mp, (void **)m, n) != 0))
		return -ENOENT;
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *o = m[i];
		RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, refcnt) != offsetof(struct rte_mbuf, data_off) + 2);
		RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, port) != offsetof(struct rte_mbuf, data_off) + 6);
		memcpy(&o->rearm_data, &rearm.u, 8);
		o->ol_flags = 0;
		o->packet_type = 0;
		__rte_mbuf_sanity_check(o, 1);
	}
	return 0;
}

static void fo_flush(struct sg_fp_worker *w, struct sg_fp_wstream *ws, struct fo_batch *b,
		     const uint8_t *src, uint16_t len, unsigned srtp_flags)
{
	unsigned n = b->n, i, ok = 0;
	uint16_t cap;

	if (!n)
		return;
	b->n = 0;
	if (fo_mbufs_get(w->pool, b->out, n) != 0) {
		for (i = 0; i < n; i++) {
			b->e[i]->v->drops++;
			wstats(w, b->e[i]->port_idx)->drop[SG_STATS_DROP_NO_MBUF]++;
		}
		return;
	}
	cap = (uint16_t)(b->out[0]->buf_len - RTE_PKTMBUF_HEADROOM - SG_FP_HDR_LEN); /* data_len is stale */
	for (i = 0; i < n; i++)
		b->dst[i] = rte_pktmbuf_mtod(b->out[i], uint8_t *) + SG_FP_HDR_LEN;
	sg_srtp_protect_burst_ex(w->srtp, src, len, b->ctx, b->dst, cap, b->olen, b->rc, n, srtp_flags);
	/* Headers and per-viewer counters; the batch's per-port counters are
	 * added once below, before the packets reach the TX buffer (whose flush
	 * may count TX drops against them). Viewers are on one port but in
	 * multi-port set-ups. */
	uint64_t sent_bytes = 0;
	unsigned port0 = b->e[0]->port_idx, psets = 0;
	bool one_port = true;
	for (i = 1; i < n; i++)
		one_port &= b->e[i]->port_idx == port0;
	const struct sg_fp_wport *wp0 = &w->wports[port0];
	for (i = 0; i < n; i++) {
		const struct sg_fp_fo_ent *e = b->e[i];
		struct rte_mbuf *o = b->out[i];
		uint16_t olen = b->olen[i];

		if (SG_UNLIKELY(b->pset[i])) {
			/* The inserted packet took one sequence number: shift the rest (RFC 3550 §5.1). */
			uint16_t sd;
			uint32_t td;
			sg_srtp_ctx_deltas(b->ctx[i], &sd, &td);
			sg_srtp_ctx_set_deltas(b->ctx[i], (uint16_t)(sd + 1), td);
		}
		if (SG_UNLIKELY(b->rc[i] != 0)) {
			e->v->drops++;
			wstats(w, e->port_idx)->drop[SG_STATS_DROP_SRTP_FAIL]++;
			rte_pktmbuf_free(o);
			continue;
		}
		o->data_len = (uint16_t)(SG_FP_HDR_LEN + olen);
		o->pkt_len = o->data_len;
		put_headers(SG_LIKELY(one_port) ? wp0 : &w->wports[e->port_idx], &e->mac, e->ip_be, e->port_be,
			    rte_pktmbuf_mtod(o, uint8_t *), olen);
		sent_bytes += olen;
		psets += b->pset[i];
		b->out[ok] = o;
		b->pset[ok] = b->pset[i];
		b->e[ok++] = e;
	}
	if (SG_LIKELY(one_port)) {
		struct sg_stats_port *st = wstats(w, port0);
		st->c[SG_STATS_FANOUT_PKTS] += ok;
		st->c[SG_STATS_FANOUT_BYTES] += sent_bytes;
		st->c[SG_STATS_PSET_SENT] += psets;
		sg_fp_txbuf_add_bulk(&w->wports[port0].tx_nic, b->out, ok, st, SG_STATS_DROP_TX_FULL);
	} else {
		for (i = 0; i < ok; i++) {
			struct sg_stats_port *st = wstats(w, b->e[i]->port_idx);
			st->c[SG_STATS_FANOUT_PKTS]++;
			st->c[SG_STATS_FANOUT_BYTES] += rte_pktmbuf_data_len(b->out[i]) - SG_FP_HDR_LEN;
			st->c[SG_STATS_PSET_SENT] += b->pset[i];
		}
		for (i = 0; i < ok; i++) {
			unsigned pi = b->e[i]->port_idx;
			sg_fp_txbuf_add(&w->wports[pi].tx_nic, b->out[i], wstats(w, pi), SG_STATS_DROP_TX_FULL);
		}
	}
	ws->fanout_pkts += ok;
	ws->fanout_bytes += sent_bytes;
}

/*
 * Fan out k source packets of one stream (arrival order) to this worker's
 * viewers of it, tiled: the viewers are taken SG_FP_FANOUT_BATCH at a time
 * and each batch gets the k packets in turn, so a viewer's keys and state
 * are read from memory once per tile instead of once per packet (at 1 000
 * viewers the GCM key tables alone are 1 MB: they no longer fit in L2).
 * A viewer still gets its packets in order, once each; only viewers further
 * down the array get the first packets of the tile a little later.
 */
static void fanout_tile(struct sg_fp_worker *w, int sid, struct rte_mbuf *const pk[],
			const uint8_t pflags[], unsigned k)
{
	struct sg_fp_wstream *ws = &w->streams[sid];
	struct sg_fp_fo_ent *e = ws->fo;
	uint32_t n = ws->n_viewers;
	const uint8_t *src[SG_FP_FANOUT_TILE];
	uint16_t len[SG_FP_FANOUT_TILE];
	struct fo_batch b;

	for (unsigned j = 0; j < k; j++) {
		src[j] = rte_pktmbuf_mtod(pk[j], const uint8_t *);
		len[j] = rte_pktmbuf_data_len(pk[j]);
	}
	/* The array is read in order (hardware prefetch); the contexts are
	 * prefetched by sg_srtp_protect_burst(). The viewer slots are not read. */
	for (uint32_t base = 0; base < n; base += SG_FP_FANOUT_BATCH) {
		uint32_t lim = n - base < SG_FP_FANOUT_BATCH ? n : base + SG_FP_FANOUT_BATCH;
		for (unsigned j = 0; j < k; j++) {
			unsigned flags = pflags[j];
			b.n = 0;
			for (uint32_t i = base; i < lim; i++) {
				b.pset[b.n] = false;
				if (SG_UNLIKELY(e[i].waiting_kf)) {
					/* A joiner starts at a keyframe or at the parameter sets before one. */
					if (!(flags & (SG_FP_F_KEY | SG_FP_F_PSET)))
						continue;
					e[i].waiting_kf = false;
					b.pset[b.n] = (flags & SG_FP_F_PSET) != 0;
				} else if (SG_UNLIKELY(flags & SG_FP_F_PSET)) {
					continue; /* in-band sets already reached this viewer */
				}
				b.ctx[b.n] = e[i].ctx;
				b.e[b.n++] = &e[i];
			}
			/* The batch's keys were read for packet 0 of the tile. */
			fo_flush(w, ws, &b, src[j], len[j], j ? SG_SRTP_BURST_KEYS_CACHED : 0);
		}
	}
}

/* Queue one reference of a media packet for fan-out at the end of this poll
 * iteration (sg_fp_fanout_run()); a full queue is run first. */
static void fanout(struct sg_fp_worker *w, struct rte_mbuf *m, int sid, unsigned flags)
{
	if (SG_UNLIKELY(w->fo_qn == SG_FP_FANOUT_QUEUE))
		sg_fp_fanout_run(w);
	struct sg_fp_fo_q *q = &w->fo_q[w->fo_qn++];
	q->m = m;
	q->sid = (int16_t)sid;
	q->flags = (uint8_t)flags;
}

/* Fan out the queued packets: those of one stream in tiles of up to
 * SG_FP_FANOUT_TILE, in arrival order; each reference is then released. */
void sg_fp_fanout_run(struct sg_fp_worker *w)
{
	unsigned qn = w->fo_qn;
	struct rte_mbuf *pk[SG_FP_FANOUT_TILE];
	uint8_t pf[SG_FP_FANOUT_TILE];

	for (unsigned i = 0; i < qn; i++) {
		struct sg_fp_fo_q *q = &w->fo_q[i];
		if (!q->m)
			continue;
		int sid = q->sid;
		struct sg_fp_meta *meta = sg_fp_meta(q->m);
		if (SG_UNLIKELY(meta->gen != __atomic_load_n(&w->fp->streams[sid].gen, __ATOMIC_RELAXED))) {
			/* Its stream was removed (and the id maybe reused) meanwhile. */
			drop(w, meta->port_idx < w->n_wports ? meta->port_idx : 0, q->m, SG_STATS_DROP_STREAM_GONE);
			q->m = NULL;
			continue;
		}
		unsigned k = 0;
		for (unsigned j = i; j < qn && k < SG_FP_FANOUT_TILE; j++) {
			struct sg_fp_fo_q *r = &w->fo_q[j];
			if (r->m && r->sid == sid) {
				pk[k] = r->m;
				pf[k++] = r->flags;
				r->m = NULL;
			}
		}
		fanout_tile(w, sid, pk, pf, k);
		rte_pktmbuf_free_bulk(pk, k);
		/* More of this stream than one tile: the first one left starts the next tile. */
	}
	w->fo_qn = 0;
}

/* Give every worker with viewers of sid a reference; fan out here if we have some. */
static void distribute(struct sg_fp_worker *w, struct rte_mbuf *m, int sid, unsigned flags,
		       unsigned port_idx)
{
	struct sg_fp *fp = w->fp;
	uint64_t mask = __atomic_load_n(&fp->streams[sid].worker_mask, __ATOMIC_ACQUIRE);
	struct sg_fp_meta *meta = sg_fp_meta(m);
	uint64_t others = mask & ~(1ull << w->idx);

	meta->type = SG_FP_META_MEDIA;
	meta->flags = (uint8_t)flags;
	meta->sid = (int16_t)sid;
	meta->gen = __atomic_load_n(&fp->streams[sid].gen, __ATOMIC_RELAXED);
	meta->port_idx = (uint8_t)port_idx;
	while (others) {
		unsigned o = (unsigned)__builtin_ctzll(others);
		others &= others - 1;
		rte_mbuf_refcnt_update(m, 1);
		if (rte_ring_mp_enqueue(fp->workers[o]->pkt_ring, m) != 0) {
			rte_mbuf_refcnt_update(m, -1);
			wstats(w, port_idx)->drop[SG_STATS_DROP_RING_FULL]++;
		}
	}
	if (mask & (1ull << w->idx))
		fanout(w, m, sid, flags); /* takes our reference */
	else
		rte_pktmbuf_free(m);
}

/* Parameter sets for joiners, as one aggregation packet (STAP-A / AP) with the keyframe's seq and ts. */
static void send_pset(struct sg_fp_worker *w, struct sg_fp_wstream *ws, const struct sg_rtp_hdr *h,
		      const uint8_t *src, int sid, unsigned port_idx)
{
	struct rte_mbuf *p = rte_pktmbuf_alloc(w->pool);
	uint8_t *d;
	int plen;

	if (!p) {
		wstats(w, port_idx)->drop[SG_STATS_DROP_NO_MBUF]++;
		return;
	}
	d = rte_pktmbuf_mtod(p, uint8_t *);
	plen = sg_rtp_pset_build_agg(ws->pset, d + 12, rte_pktmbuf_tailroom(p) - 12);
	if (plen <= 0) {
		rte_pktmbuf_free(p);
		return;
	}
	d[0] = 0x80;
	d[1] = src[1] & 0x7f; /* same PT, no marker */
	sg_rtp_wr16(d + 2, h->seq);
	sg_rtp_wr32(d + 4, h->ts);
	sg_rtp_wr32(d + 8, h->ssrc);
	p->data_len = p->pkt_len = (uint16_t)(12 + plen);
	distribute(w, p, sid, SG_FP_F_PSET, port_idx);
}

/* Source RTP (data = RTP header) for stream sid: account, detect keyframes, distribute. */
static void ingest(struct sg_fp_worker *w, struct rte_mbuf *m, int sid, unsigned port_idx)
{
	struct sg_fp *fp = w->fp;
	struct sg_fp_stream *s = &fp->streams[sid];
	struct sg_fp_wstream *ws = &w->streams[sid];
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t len = rte_pktmbuf_data_len(m);
	struct sg_rtp_hdr h;
	unsigned flags = 0;
	uint64_t now = rte_rdtsc();

	if (SG_UNLIKELY(!s->in_use || sg_rtp_fp_hdr_parse(p, len, &h) < 0)) {
		ws->bad++;
		drop(w, port_idx, m, SG_STATS_DROP_BAD_RTP);
		return;
	}
	if (SG_UNLIKELY(!ws->ingest_init || h.ssrc != ws->ssrc)) {
		/* A new source (or a restarted one): RFC 3550 A.1 starts over. */
		sg_rtp_stats_init(&ws->rs, s->conf.clock_rate ? s->conf.clock_rate : 90000);
		if (!ws->ingest_init && s->have_seed && ws->pset)
			memcpy(ws->pset, &s->seed, sizeof(*ws->pset));
		ws->ssrc = h.ssrc;
		ws->ingest_init = true;
		s->flowing = true;
	}
	sg_rtp_stats_update(&ws->rs, h.seq, h.ts, tsc_to_ns(fp, now));
	ws->pkts++;
	ws->bytes += len;
	ws->last_rx_tsc = now;
	wstats(w, port_idx)->c[SG_STATS_INGEST_PKTS]++;
	wstats(w, port_idx)->c[SG_STATS_INGEST_BYTES] += len;
	if (s->rtp_codec >= 0 && h.payload_len) {
		int kf = sg_rtp_kf_detect((enum sg_rtp_codec)s->rtp_codec, p + h.payload_off, h.payload_len);
		if (kf > 0) {
			/* A keyframe may come as several IDR/IRAP slices (x264 sliced
			 * threads): one picture = one RTP timestamp (RFC 6184 §5.1).
			 * Count it and start joiners only at its first slice; parameter
			 * sets may not sit between slices of a picture (H.264 §7.4.1.2.3). */
			bool first = (kf & SG_RTP_KF_KEY) && (!ws->kf_any || h.ts != ws->kf_ts);
			if ((kf & SG_RTP_KF_PARAM) && ws->pset)
				sg_rtp_pset_update(ws->pset, p + h.payload_off, h.payload_len);
			if (first) {
				ws->keyframes++;
				ws->kf_ts = h.ts;
				ws->kf_any = true;
				/* Joiners need the sets: send them first unless this packet carries them. */
				if (!(kf & SG_RTP_KF_PARAM) && ws->pset)
					send_pset(w, ws, &h, p, sid, port_idx);
			}
			if (first || (kf & SG_RTP_KF_PARAM))
				flags |= SG_FP_F_KEY;
		}
	}
	distribute(w, m, sid, flags, port_idx);
}

void sg_fp_ingest_rx(struct sg_fp_worker *w, struct sg_fp_wport *wp, struct rte_mbuf *m, int sid)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, 14);
	unsigned ihl = (ip->version_ihl & 0x0f) * 4u;
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)((const uint8_t *)ip + ihl);
	uint16_t ulen = rte_be_to_cpu_16(udp->dgram_len);

	if (SG_UNLIKELY(ulen < 8 || 14 + ihl + ulen > rte_pktmbuf_data_len(m) || sid < 0 ||
			sid >= SG_FP_MAX_STREAMS)) {
		drop(w, wp->idx, m, SG_STATS_DROP_RUNT);
		return;
	}
	rte_pktmbuf_adj(m, (uint16_t)(14 + ihl + 8));
	rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_data_len(m) - (ulen - 8)));
	ingest(w, m, sid, wp->idx);
}

/* ------------------------------------------------------------------------
 * Viewers' packets on the media port.
 * ---------------------------------------------------------------------- */

struct lookup_ctx {
	struct sg_fp *fp;
	struct sg_fp_viewer *v;
};

/* RFC 8445 §7.3: USERNAME is "<our ufrag>:<their ufrag>". */
static const struct sg_stun_key *ufrag_lookup(void *arg, const uint8_t *local, size_t local_len,
					      const uint8_t *remote, size_t remote_len)
{
	struct lookup_ctx *lc = arg;
	uint8_t key[SG_FP_UFRAG_LEN];
	void *data;

	if (local_len != SG_FP_UFRAG_LEN)
		return NULL;
	memcpy(key, local, SG_FP_UFRAG_LEN);
	if (rte_hash_lookup_data(lc->fp->ufrag_hash, key, &data) < 0)
		return NULL;
	struct sg_fp_viewer *v = &lc->fp->viewers[(uintptr_t)data];
	if (v->state == SG_FP_V_FREE || v->state == SG_FP_V_DEAD || remote_len != v->remote_ufrag_len ||
	    sg_fp_ufrag_hash(remote, remote_len) != v->remote_ufrag_hash)
		return NULL;
	lc->v = v;
	return &v->key;
}

static bool forward_to_owner(struct sg_fp_worker *w, struct sg_fp_viewer *v, struct rte_mbuf *m,
			     unsigned port_idx)
{
	if (v->owner == w->idx)
		return false;
	struct sg_fp_meta *meta = sg_fp_meta(m);
	meta->type = SG_FP_META_VIEWER;
	meta->port_idx = (uint8_t)port_idx;
	if (rte_ring_mp_enqueue(w->fp->workers[v->owner]->pkt_ring, m) != 0)
		drop(w, port_idx, m, SG_STATS_DROP_RING_FULL);
	return true;
}

static void event(struct sg_fp_worker *w, unsigned port_idx, struct rte_mbuf *m, unsigned type,
		  int viewer, uint32_t ip_be, uint16_t port_be)
{
	struct sg_fp_meta *meta;

	if (!m && !(m = rte_pktmbuf_alloc(w->pool))) {
		wstats(w, port_idx)->drop[SG_STATS_DROP_NO_MBUF]++;
		return;
	}
	meta = sg_fp_meta(m);
	meta->type = SG_FP_META_EVENT;
	meta->ev = (uint8_t)type;
	meta->viewer = viewer;
	meta->ip_be = ip_be;
	meta->port_be = port_be;
	meta->port_idx = (uint8_t)port_idx;
	if (rte_ring_mp_enqueue(w->fp->ev_ring, m) != 0)
		drop(w, port_idx, m, SG_STATS_DROP_RING_FULL);
}

static void stun_rx(struct sg_fp_worker *w, struct sg_fp_wport *wp, struct rte_mbuf *m,
		    struct rte_ether_hdr *eth, struct rte_ipv4_hdr *ip, struct rte_udp_hdr *udp,
		    uint8_t *pl, uint16_t plen)
{
	struct lookup_ctx lc = {w->fp, NULL};
	struct sg_stun_server_cfg cfg = {.lookup = ufrag_lookup, .lookup_arg = &lc};
	struct sg_stun_addr src = {.family = 4, .port = rte_be_to_cpu_16(udp->src_port)};
	struct sg_stun_answer ans;
	uint8_t out[SG_STUN_ANSWER_MAX];
	enum sg_stun_reason r;

	memcpy(src.addr, &ip->src_addr, 4);
	r = sg_stun_answer(&cfg, pl, plen, &src, out, sizeof(out), &ans);
	if (!ans.len || !lc.v) {
		/* Unauthenticated: no answer at all (no amplification). */
		sg_stun_stats_count(&w->stun_stats, r);
		drop(w, wp->idx, m, SG_STATS_DROP_STUN_FAIL);
		return;
	}
	struct sg_fp_viewer *v = lc.v;
	if (forward_to_owner(w, v, m, wp->idx))
		return; /* counted by the owner, which checks it again */
	sg_stun_stats_count(&w->stun_stats, r);
	if (ans.code == 0) {
		bool moved = !v->selected || v->remote_ip_be != ip->src_addr ||
			     v->remote_port_be != udp->src_port;
		v->last_check_tsc = rte_rdtsc();
		v->stun_ok++;
		/* ICE-lite (RFC 8445 §7.3.1.5/§8.2): the first valid pair is used until the peer nominates. */
		if (moved && (!v->selected || ans.use_candidate)) {
			v->remote_mac = eth->src_addr;
			v->remote_ip_be = ip->src_addr;
			v->remote_port_be = udp->src_port;
			v->selected = true;
			fo_sync_remote(w, v);
			event(w, wp->idx, NULL, SG_FP_EV_SELECTED, (int)(v - w->fp->viewers), ip->src_addr,
			      udp->src_port);
		}
	}
	/* Answer in place: swap the addresses, replace the payload. */
	struct rte_ether_addr tmac = eth->src_addr;
	eth->src_addr = wp->mac;
	eth->dst_addr = tmac;
	uint32_t tip = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = tip;
	uint16_t tport = udp->src_port;
	udp->src_port = udp->dst_port;
	udp->dst_port = tport;
	memcpy(pl, out, ans.len);
	unsigned ihl = (ip->version_ihl & 0x0f) * 4u;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(ihl + 8 + ans.len));
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + ans.len));
	udp->dgram_cksum = 0;
	m->data_len = m->pkt_len = (uint16_t)(14 + ihl + 8 + ans.len);
	wstats(w, wp->idx)->c[SG_STATS_STUN_OK]++;
	sg_fp_txbuf_add(&wp->tx_nic, m, wstats(w, wp->idx), SG_STATS_DROP_TX_FULL);
}

static struct sg_fp_viewer *flow_lookup(struct sg_fp *fp, uint32_t ip_be, uint16_t port_be)
{
	struct sg_fp_flow_key k = {.ip_be = ip_be, .port_be = port_be, .pad = 0};
	void *data;
	if (rte_hash_lookup_data(fp->flow_hash, &k, &data) < 0)
		return NULL;
	struct sg_fp_viewer *v = &fp->viewers[(uintptr_t)data];
	return v->state == SG_FP_V_FREE || v->state == SG_FP_V_DEAD ? NULL : v;
}

/* SRTCP from a viewer (RFC 3711 §3.4): receiver reports, NACK, PLI/FIR. */
static void srtcp_rx(struct sg_fp_worker *w, struct sg_fp_wport *wp, struct sg_fp_viewer *v,
		     struct rte_mbuf *m, uint8_t *pl, uint16_t plen)
{
	struct sg_srtp_ctx *c = v->srtp[0] ? v->srtp[0] : v->srtp[1];
	struct sg_rtcp_iter it;
	struct sg_rtcp_pkt p;
	bool pli = false;

	if (!c || sg_srtcp_unprotect(w->srtp, c, pl, &plen) != 0) {
		v->srtcp_bad++;
		drop(w, wp->idx, m, SG_STATS_DROP_SRTCP_FAIL);
		return;
	}
	v->srtcp_ok++;
	wstats(w, wp->idx)->c[SG_STATS_SRTCP_RX]++;
	if (sg_rtcp_iter_init(&it, pl, plen) == 0) {
		while (sg_rtcp_iter_next(&it, &p) == 1) {
			if (p.pt == SG_RTCP_RR || p.pt == SG_RTCP_SR) {
				struct sg_rtcp_report r;
				if (sg_rtcp_report_parse(&p, &r) == 0) {
					v->rrs++;
					for (unsigned i = 0; i < r.rb_count; i++) {
						if (r.rb[i].ssrc != v->ssrc[0])
							continue;
						v->rr_fraction_lost = r.rb[i].fraction_lost;
						v->rr_cum_lost = r.rb[i].cum_lost;
						v->rr_jitter = r.rb[i].jitter;
					}
				}
			} else if (p.pt == SG_RTCP_RTPFB || p.pt == SG_RTCP_PSFB) {
				struct sg_rtcp_fb fb;
				if (sg_rtcp_fb_parse(&p, &fb) != 0)
					continue;
				if (fb.kind == SG_RTCP_FB_NACK) {
					int n = sg_rtcp_nack_seqs(&fb, NULL, 0);
					if (n > 0)
						v->nacks += (uint32_t)n;
				} else if (fb.kind == SG_RTCP_FB_PLI || fb.kind == SG_RTCP_FB_FIR) {
					v->plis++;
					pli = true;
				}
			}
		}
	}
	rte_pktmbuf_free(m);
	if (pli)
		event(w, wp->idx, NULL, SG_FP_EV_PLI, (int)(v - w->fp->viewers), v->remote_ip_be,
		      v->remote_port_be);
}

void sg_fp_media_rx(struct sg_fp_worker *w, struct sg_fp_wport *wp, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	unsigned ihl = (ip->version_ihl & 0x0f) * 4u;
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)((uint8_t *)ip + ihl);
	uint16_t ulen = rte_be_to_cpu_16(udp->dgram_len);
	uint8_t *pl = (uint8_t *)(udp + 1);
	struct sg_fp_viewer *v;

	if (SG_UNLIKELY(ulen < 8 || 14 + ihl + ulen > rte_pktmbuf_data_len(m))) {
		drop(w, wp->idx, m, SG_STATS_DROP_RUNT);
		return;
	}
	uint16_t plen = (uint16_t)(ulen - 8);
	switch (sg_stun_demux_classify(pl, plen)) {
	case SG_STUN_DEMUX_STUN:
		stun_rx(w, wp, m, eth, ip, udp, pl, plen);
		return;
	case SG_STUN_DEMUX_DTLS: {
		/* DTLS is the control plane's (RFC 5764 over RFC 7983 demux). */
		v = flow_lookup(w->fp, ip->src_addr, udp->src_port);
		uint32_t sip = ip->src_addr;
		uint16_t sport = udp->src_port;
		rte_pktmbuf_adj(m, (uint16_t)(14 + ihl + 8));
		rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_data_len(m) - plen));
		wstats(w, wp->idx)->c[SG_STATS_DTLS_RX]++;
		event(w, wp->idx, m, SG_FP_EV_DTLS, v ? (int)(v - w->fp->viewers) : -1, sip, sport);
		return;
	}
	case SG_STUN_DEMUX_RTCP:
		v = flow_lookup(w->fp, ip->src_addr, udp->src_port);
		if (!v) {
			drop(w, wp->idx, m, SG_STATS_DROP_UNKNOWN_FLOW);
			return;
		}
		if (forward_to_owner(w, v, m, wp->idx))
			return;
		srtcp_rx(w, wp, v, m, pl, plen);
		return;
	default:
		drop(w, wp->idx, m, SG_STATS_DROP_NOT_MEDIA);
		return;
	}
}

/* ------------------------------------------------------------------------
 * Commands and rings.
 * ---------------------------------------------------------------------- */

/* Append v (its media mi) to the fan-out array of its stream. */
static void vlist_link(struct sg_fp_worker *w, struct sg_fp_viewer *v, unsigned mi)
{
	int sid = v->sid[mi];
	struct sg_fp_wstream *ws = &w->streams[sid];
	if (SG_UNLIKELY(ws->n_viewers >= ws->fo_cap)) {
		/* Cannot happen: the control plane reserves an entry per keyed viewer. */
		v->drops++;
		return;
	}
	v->fo_idx[mi] = ws->n_viewers;
	ws->fo[ws->n_viewers] = (struct sg_fp_fo_ent){
		.ctx = v->srtp[mi], .v = v, .ip_be = v->remote_ip_be, .port_be = v->remote_port_be,
		.mac = v->remote_mac, .port_idx = v->port_idx, .mi = (uint8_t)mi,
		/* A video joiner waits for a keyframe (audio starts anywhere). */
		.waiting_kf = w->fp->streams[sid].conf.video};
	v->linked[mi] = true;
	if (ws->n_viewers++ == 0)
		__atomic_fetch_or(&w->fp->streams[sid].worker_mask, 1ull << w->idx, __ATOMIC_RELEASE);
}

/* The viewer's remote address changed (REMOTE, ICE re-selection): update its entries. */
static void fo_sync_remote(struct sg_fp_worker *w, const struct sg_fp_viewer *v)
{
	for (unsigned mi = 0; mi < 2; mi++) {
		if (!v->linked[mi])
			continue;
		struct sg_fp_fo_ent *e = &w->streams[v->sid[mi]].fo[v->fo_idx[mi]];
		e->ip_be = v->remote_ip_be;
		e->port_be = v->remote_port_be;
		e->mac = v->remote_mac;
	}
}

/* Swap-remove v (its media mi) from the fan-out array of its stream. */
static void vlist_unlink(struct sg_fp_worker *w, struct sg_fp_viewer *v, unsigned mi)
{
	int sid = v->sid[mi];
	struct sg_fp_wstream *ws = &w->streams[sid];
	if (!v->linked[mi])
		return;
	uint32_t i = v->fo_idx[mi], last = ws->n_viewers - 1;
	if (i != last) {
		ws->fo[i] = ws->fo[last];
		ws->fo[i].v->fo_idx[ws->fo[i].mi] = i;
	}
	v->linked[mi] = false;
	if (--ws->n_viewers == 0)
		__atomic_fetch_and(&w->fp->streams[sid].worker_mask, ~(1ull << w->idx), __ATOMIC_RELEASE);
}

/* KEYS with a bigger array (allocated by the control plane): move over, hand the old one back. */
static void fo_grow(struct sg_fp_worker *w, struct sg_fp_cmd *c, unsigned mi, int sid)
{
	struct sg_fp_wstream *ws = &w->streams[sid];
	struct sg_fp_fo_ent *old = ws->fo;

	if (!c->fo[mi] || c->fo_cap[mi] < ws->n_viewers)
		return;
	if (ws->n_viewers)
		memcpy(c->fo[mi], old, ws->n_viewers * sizeof(*old));
	ws->fo = c->fo[mi];
	ws->fo_cap = c->fo_cap[mi];
	c->fo[mi] = old;
}

static void cmd_exec(struct sg_fp_worker *w, struct sg_fp_cmd *c)
{
	struct sg_fp_viewer *v = &w->fp->viewers[c->viewer];

	switch (c->type) {
	case SG_FP_CMD_KEYS:
		for (unsigned mi = 0; mi < 2; mi++) {
			v->srtp[mi] = c->srtp[mi];
			if (v->sid[mi] >= 0)
				fo_grow(w, c, mi, v->sid[mi]);
			if (v->sid[mi] >= 0 && v->srtp[mi] && !v->linked[mi])
				vlist_link(w, v, mi);
		}
		v->state = SG_FP_V_PLAYING;
		break;
	case SG_FP_CMD_REMOTE:
		v->remote_mac = c->mac;
		v->remote_ip_be = c->ip_be;
		v->remote_port_be = c->port_be;
		v->selected = true;
		fo_sync_remote(w, v);
		break;
	case SG_FP_CMD_DEL:
		for (unsigned mi = 0; mi < 2; mi++)
			if (v->sid[mi] >= 0)
				vlist_unlink(w, v, mi);
		v->state = SG_FP_V_DEAD;
		break;
	}
	w->stats.port[v->port_idx].c[SG_STATS_CMDS]++;
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
}

/* A datagram from the control plane (DTLS) to one of our viewers. */
static void send_rx(struct sg_fp_worker *w, struct rte_mbuf *m)
{
	struct sg_fp_meta *meta = sg_fp_meta(m);
	struct sg_fp_viewer *v = &w->fp->viewers[meta->viewer];
	struct sg_fp_wport *wp = &w->wports[v->port_idx];
	uint16_t len = rte_pktmbuf_data_len(m);
	uint8_t *h;

	if (!v->selected || v->state == SG_FP_V_DEAD ||
	    !(h = (uint8_t *)rte_pktmbuf_prepend(m, SG_FP_HDR_LEN))) {
		drop(w, v->port_idx, m, SG_STATS_DROP_UNKNOWN_FLOW);
		return;
	}
	put_headers(wp, &v->remote_mac, v->remote_ip_be, v->remote_port_be, h, len);
	wstats(w, v->port_idx)->c[SG_STATS_DTLS_TX]++;
	sg_fp_txbuf_add(&wp->tx_nic, m, wstats(w, v->port_idx), SG_STATS_DROP_TX_FULL);
}

unsigned sg_fp_worker_rings(struct sg_fp_worker *w)
{
	void *objs[SG_FP_MAX_BURST];
	unsigned n, i, work = 0;

	n = rte_ring_sc_dequeue_burst(w->cmd_ring, objs, 8, NULL);
	for (i = 0; i < n; i++)
		cmd_exec(w, objs[i]);
	work += n;
	n = rte_ring_sc_dequeue_burst(w->pkt_ring, objs, w->burst, NULL);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = objs[i];
		struct sg_fp_meta *meta = sg_fp_meta(m);
		unsigned pidx = meta->port_idx < w->n_wports ? meta->port_idx : 0;
		w->stats.port[pidx].c[SG_STATS_FWD_RX]++;
		if ((meta->type == SG_FP_META_MEDIA || meta->type == SG_FP_META_INGEST) &&
		    SG_UNLIKELY(meta->gen != __atomic_load_n(&w->fp->streams[meta->sid].gen, __ATOMIC_RELAXED))) {
			/* Queued before its stream was removed (and the id reused). */
			drop(w, pidx, m, SG_STATS_DROP_STREAM_GONE);
			continue;
		}
		switch (meta->type) {
		case SG_FP_META_MEDIA:
			fanout(w, m, meta->sid, meta->flags); /* takes the reference */
			break;
		case SG_FP_META_INGEST:
			ingest(w, m, meta->sid, pidx);
			break;
		case SG_FP_META_VIEWER:
			sg_fp_media_rx(w, &w->wports[pidx], m);
			break;
		case SG_FP_META_EVENT: /* SEND uses the EVENT type on a worker ring */
			send_rx(w, m);
			break;
		default:
			drop(w, pidx, m, SG_STATS_DROP_SHUTDOWN);
		}
	}
	return work + n;
}

void sg_fp_worker_media_stop(struct sg_fp_worker *w)
{
	void *obj;
	sg_fp_fanout_run(w);
	while (rte_ring_sc_dequeue(w->cmd_ring, &obj) == 0)
		cmd_exec(w, obj);
	while (rte_ring_sc_dequeue(w->pkt_ring, &obj) == 0)
		drop(w, 0, obj, SG_STATS_DROP_SHUTDOWN);
}
