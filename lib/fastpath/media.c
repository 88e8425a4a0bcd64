/* SPDX-License-Identifier: BSD-3-Clause
 * Control side of the media path: streams, ingest bindings, viewers, the
 * command rings to the workers and the event ring back. Runs on the main
 * lcore only. The shared tables (port map, ufrag and flow hashes, viewer
 * slots) have exactly one writer, this file; workers read them lock-free and
 * report quiescent states (RCU QSBR) so removed entries are reclaimed only
 * when no worker can still hold them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>
#include <rte_cycles.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "fastpath_priv.h"
#include "sg_common.h"

#define TAG "media"
#define MAX_PENDING 4096

struct pending {
	struct sg_fp_cmd *cmd;
};

static struct pending g_pending[MAX_PENDING];
static unsigned g_n_pending;
/* A removed viewer on its way back to the free slots. */
struct free_ent {
	int viewer;
	uint32_t ring_pos;      /* its owner's packet ring (producer tail) when the DEL was seen done */
	bool ring_wait;         /* the owner has not dequeued up to ring_pos yet */
};
static struct free_ent g_free[MAX_PENDING];  /* viewers waiting for their slot's release */
static unsigned g_n_free;
static struct sg_srtp_engine *g_ctl_srtp;

static int rtp_codec_of(enum sg_fp_codec c)
{
	switch (c) {
	case SG_FP_CODEC_H264: return SG_RTP_CODEC_H264;
	case SG_FP_CODEC_H265: return SG_RTP_CODEC_H265;
	case SG_FP_CODEC_VP8: return SG_RTP_CODEC_VP8;
	case SG_FP_CODEC_VP9: return SG_RTP_CODEC_VP9;
	case SG_FP_CODEC_AV1: return SG_RTP_CODEC_AV1;
	default: return -1;
	}
}

int sg_fp_media_init(struct sg_fp *fp, char *err, size_t errlen)
{
	char name[RTE_RING_NAMESIZE];
	int sock = (int)rte_socket_id();
	size_t qsz;

	fp->max_viewers = fp->conf.max_viewers ? fp->conf.max_viewers : 4096;
	fp->srtp_arch = fp->conf.srtp_arch;
	fp->tsc_hz = rte_get_tsc_hz();
	fp->port_map = rte_zmalloc("sg_port_map", 65536 * sizeof(uint16_t), RTE_CACHE_LINE_SIZE);
	fp->viewers = rte_zmalloc("sg_viewers", (size_t)fp->max_viewers * sizeof(struct sg_fp_viewer),
				  RTE_CACHE_LINE_SIZE);
	if (!fp->port_map || !fp->viewers) {
		snprintf(err, errlen, "out of memory for %u viewers", fp->max_viewers);
		return -ENOMEM;
	}
	qsz = rte_rcu_qsbr_get_memsize(fp->n_workers);
	fp->qsbr = rte_zmalloc("sg_qsbr", qsz, RTE_CACHE_LINE_SIZE);
	if (!fp->qsbr || rte_rcu_qsbr_init(fp->qsbr, fp->n_workers) != 0) {
		snprintf(err, errlen, "cannot set up RCU for %u workers", fp->n_workers);
		return -ENOMEM;
	}
	for (unsigned h = 0; h < 2; h++) {
		struct rte_hash_parameters hp = {
			.name = h ? "sg_flows" : "sg_ufrags",
			/* One ufrag and one flow per viewer (two while it moves: room for a
			 * quarter of the viewers moving at once; beyond, set_remote fails: -ENOMEM). */
			.entries = RTE_MAX(1024u, fp->max_viewers + fp->max_viewers / 4),
			.key_len = 8,
			.hash_func = rte_jhash,
			.socket_id = sock,
			.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
		};
		struct rte_hash_rcu_config rc = {.v = fp->qsbr, .mode = RTE_HASH_QSBR_MODE_DQ};
		struct rte_hash *t = rte_hash_create(&hp);
		if (!t || rte_hash_rcu_qsbr_add(t, &rc) != 0) {
			snprintf(err, errlen, "cannot create the %s table: %s", hp.name,
				 rte_strerror(rte_errno));
			if (t)
				rte_hash_free(t);
			return -ENOMEM;
		}
		if (h)
			fp->flow_hash = t;
		else
			fp->ufrag_hash = t;
	}
	fp->ev_ring = rte_ring_create("sg_events", SG_FP_RING_SIZE, sock, RING_F_SC_DEQ);
	if (!fp->ev_ring) {
		snprintf(err, errlen, "cannot create the event ring: %s", rte_strerror(rte_errno));
		return -ENOMEM;
	}
	g_ctl_srtp = sg_srtp_engine_create((enum sg_srtp_arch)fp->srtp_arch);
	if (!g_ctl_srtp) {
		snprintf(err, errlen, "cannot create the SRTP engine: %s", strerror(errno));
		return -errno;
	}
	for (unsigned i = 0; i < fp->n_workers; i++) {
		struct sg_fp_worker *w = fp->workers[i];
		w->fp = fp;
		snprintf(name, sizeof(name), "sg_cmd%u", i);
		w->cmd_ring = rte_ring_create(name, 1024, sock, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "sg_pkt%u", i);
		w->pkt_ring = rte_ring_create(name, SG_FP_RING_SIZE, sock, RING_F_SC_DEQ);
		w->srtp = sg_srtp_engine_create((enum sg_srtp_arch)fp->srtp_arch);
		if (!w->cmd_ring || !w->pkt_ring || !w->srtp) {
			snprintf(err, errlen, "cannot set up worker %u rings/SRTP engine", i);
			return -ENOMEM;
		}
	}
	SG_INFO(TAG, "viewer table %u slots of %zu bytes; SRTP arch %s (AES-CM) / %s (GCM)",
		fp->max_viewers, sizeof(struct sg_fp_viewer),
		sg_srtp_arch_name(sg_srtp_engine_arch(g_ctl_srtp, SG_SRTP_AES128_CM_SHA1_80)),
		sg_srtp_arch_name(sg_srtp_engine_arch(g_ctl_srtp, SG_SRTP_AEAD_AES_128_GCM)));
	return 0;
}

/* The owner worker's slab for SRTP contexts of this profile (set up on first use). */
/* The owner worker's slab for SRTP objects of sz bytes (one per size: the
 * profile and the number of media sharing the keys), set up on first use. */
static struct sg_fp_slab *ctx_slab(struct sg_fp *fp, unsigned owner, size_t sz)
{
	struct sg_fp_worker *w = fp->workers[owner];

	for (unsigned i = 0; sz && i < SG_FP_CTX_SLABS; i++) {
		struct sg_fp_slab *s = &w->ctx_slab[i];
		if (s->obj_size == sz)
			return s;
		if (!s->obj_size)
			return sg_fp_slab_init(s, sz, (int)rte_lcore_to_socket_id(w->lcore_id)) == 0 ? s : NULL;
	}
	return NULL;
}

/* A viewer's SRTP object: one context per media, all sharing one key block
 * (sg_srtp_ctx_init_n); srtp_mem[] are the per-media headers, the first of
 * them is the object. Wiped and returned to its slab. */
static void ctx_release(struct sg_fp *fp, struct sg_fp_viewer *v)
{
	struct sg_srtp_ctx *base = v->srtp_mem[0] ? v->srtp_mem[0] : v->srtp_mem[1];
	unsigned n = (v->srtp_mem[0] != NULL) + (v->srtp_mem[1] != NULL);

	if (!base)
		return;
	sg_srtp_ctx_wipe(base);
	sg_fp_slab_put(ctx_slab(fp, v->owner, sg_srtp_ctx_size_n((enum sg_srtp_profile)v->srtp_profile, n)),
		       base);
	v->srtp_mem[0] = v->srtp_mem[1] = NULL;
}

static void viewer_reclaim(struct sg_fp *fp, struct sg_fp_viewer *v)
{
	for (unsigned mi = 0; mi < 2; mi++)
		/* Keyed: it held a fan-out array entry (sg_fp_viewer_keys). */
		if (v->srtp_mem[mi] && v->sid[mi] >= 0)
			fp->workers[v->owner]->streams[v->sid[mi]].ctl_used--;
	ctx_release(fp, v);
	sg_stun_key_wipe(&v->key);
	memset(v, 0, sizeof(*v));
}

/* A command is reaped: free what it carries back (KEYS: old or unused fan-out arrays). */
static void cmd_free(struct sg_fp_cmd *c)
{
	rte_free(c->fo[0]);
	rte_free(c->fo[1]);
	rte_free(c);
}

void sg_fp_media_fini(struct sg_fp *fp)
{
	void *obj;

	if (fp->ev_ring) {
		while (rte_ring_sc_dequeue(fp->ev_ring, &obj) == 0)
			rte_pktmbuf_free(obj);
		rte_ring_free(fp->ev_ring);
	}
	for (unsigned i = 0; i < g_n_pending; i++)
		cmd_free(g_pending[i].cmd);
	g_n_pending = 0;
	g_n_free = 0;
	for (unsigned i = 0; i < fp->n_workers; i++) {
		struct sg_fp_worker *w = fp->workers[i];
		if (!w)
			continue;
		if (w->pkt_ring) {
			while (rte_ring_sc_dequeue(w->pkt_ring, &obj) == 0)
				rte_pktmbuf_free(obj);
			rte_ring_free(w->pkt_ring);
		}
		if (w->cmd_ring) {
			/* Commands the workers never ran (posted after sg_fp_stop) are
			 * also in g_pending and were freed above with what they carry. */
			while (rte_ring_sc_dequeue(w->cmd_ring, &obj) == 0)
				;
			rte_ring_free(w->cmd_ring);
		}
		sg_srtp_engine_free(w->srtp);
	}
	if (fp->viewers)
		for (unsigned i = 0; i < fp->max_viewers; i++)
			if (fp->viewers[i].state != SG_FP_V_FREE || fp->viewers[i].free_pending)
				viewer_reclaim(fp, &fp->viewers[i]);
	for (unsigned i = 0; i < fp->n_workers; i++) {
		struct sg_fp_worker *w = fp->workers[i];
		if (!w)
			continue;
		for (unsigned i = 0; i < SG_FP_CTX_SLABS; i++)
			sg_fp_slab_fini(&w->ctx_slab[i]);
		for (unsigned s = 0; s < SG_FP_MAX_STREAMS; s++) {
			rte_free(w->streams[s].pset);
			rte_free(w->streams[s].fo);
			w->streams[s].fo = NULL;
			w->streams[s].fo_cap = w->streams[s].ctl_cap = w->streams[s].ctl_used = 0;
		}
	}
	if (fp->ufrag_hash)
		rte_hash_free(fp->ufrag_hash);
	if (fp->flow_hash)
		rte_hash_free(fp->flow_hash);
	rte_free(fp->qsbr);
	rte_free(fp->viewers);
	rte_free(fp->port_map);
	sg_srtp_engine_free(g_ctl_srtp);
	g_ctl_srtp = NULL;
}

/* ---- streams ------------------------------------------------------------ */

static bool sid_ok(const struct sg_fp *fp, int sid)
{
	return sid >= 0 && sid < SG_FP_MAX_STREAMS && fp->streams[sid].in_use;
}

int sg_fp_stream_add(struct sg_fp *fp, const struct sg_fp_stream_conf *sc)
{
	int codec;

	if (!sc || !sc->clock_rate)
		return -EINVAL;
	codec = rtp_codec_of(sc->codec);
	for (int sid = 0; sid < SG_FP_MAX_STREAMS; sid++) {
		struct sg_fp_stream *s = &fp->streams[sid];
		if (s->in_use)
			continue;
		/* A new generation: packets of the id's previous stream still
		 * queued between workers are dropped, not fanned out to this one. */
		uint16_t gen = (uint16_t)(s->gen + 1);
		memset(s, 0, sizeof(*s));
		__atomic_store_n(&s->gen, gen, __ATOMIC_RELEASE);
		s->conf = *sc;
		s->rtp_codec = sc->video ? codec : -1;
		for (unsigned i = 0; i < fp->n_workers; i++) {
			struct sg_fp_wstream *ws = &fp->workers[i]->streams[sid];
			struct sg_rtp_pset_cache *ps = ws->pset;
			/* The fan-out array and its reservations outlive a stream
			 * (viewers of a deleted one may still await reclaim). */
			struct sg_fp_fo_ent *fo = ws->fo;
			uint32_t fo_cap = ws->fo_cap, ctl_cap = ws->ctl_cap, ctl_used = ws->ctl_used;
			memset(ws, 0, sizeof(*ws));
			ws->fo = fo;
			ws->fo_cap = fo_cap;
			ws->ctl_cap = ctl_cap;
			ws->ctl_used = ctl_used;
			if (codec == SG_RTP_CODEC_H264 || codec == SG_RTP_CODEC_H265) {
				if (!ps)
					ps = rte_zmalloc("sg_pset", sizeof(*ps), RTE_CACHE_LINE_SIZE);
				if (!ps)
					return -ENOMEM;
				sg_rtp_pset_init(ps, (enum sg_rtp_codec)codec);
				ws->pset = ps;
			} else {
				rte_free(ps);
			}
		}
		__atomic_store_n(&s->in_use, true, __ATOMIC_RELEASE);
		return sid;
	}
	return -ENOSPC;
}

int sg_fp_stream_del(struct sg_fp *fp, int sid)
{
	if (!sid_ok(fp, sid))
		return -EINVAL;
	for (unsigned i = 0; i < fp->n_workers; i++)
		if (fp->workers[i]->streams[sid].n_viewers)
			return -EBUSY;
	for (unsigned p = 0; p < 65536; p++)
		if (fp->port_map[p] == sid + 1)
			__atomic_store_n(&fp->port_map[p], 0, __ATOMIC_RELEASE);
	__atomic_store_n(&fp->streams[sid].gen, (uint16_t)(fp->streams[sid].gen + 1), __ATOMIC_RELEASE);
	__atomic_store_n(&fp->streams[sid].in_use, false, __ATOMIC_RELEASE);
	/* Wait until no worker is inside a packet of this stream; packets of it
	 * still queued between workers are dropped by generation (stream_gone). */
	if (fp->running)
		rte_rcu_qsbr_synchronize(fp->qsbr, RTE_QSBR_THRID_INVALID);
	return 0;
}

int sg_fp_stream_pset_seed(struct sg_fp *fp, int sid, const uint8_t *nal, uint16_t len)
{
	struct sg_fp_stream *s;
	int rc;

	if (!sid_ok(fp, sid) || !nal || !len)
		return -EINVAL;
	s = &fp->streams[sid];
	if (s->rtp_codec != SG_RTP_CODEC_H264 && s->rtp_codec != SG_RTP_CODEC_H265)
		return -EINVAL;
	if (s->flowing)
		return -EBUSY;
	if (!s->have_seed) {
		sg_rtp_pset_init(&s->seed, (enum sg_rtp_codec)s->rtp_codec);
		s->have_seed = true;
	}
	rc = sg_rtp_pset_put_nal(&s->seed, nal, len);
	return rc < 0 ? rc : 0;
}

int sg_fp_ingest_bind(struct sg_fp *fp, uint16_t port, int sid)
{
	if (!sid_ok(fp, sid) || port == 0)
		return -EINVAL;
	for (unsigned i = 0; i < fp->conf.n_media_ports; i++)
		if (fp->conf.media_ports[i] == port)
			return -EADDRINUSE;
	if (fp->port_map[port] && fp->port_map[port] != sid + 1)
		return -EADDRINUSE;
	__atomic_store_n(&fp->port_map[port], (uint16_t)(sid + 1), __ATOMIC_RELEASE);
	return 0;
}

int sg_fp_ingest_unbind(struct sg_fp *fp, uint16_t port)
{
	if (!fp->port_map[port])
		return -EINVAL;
	__atomic_store_n(&fp->port_map[port], 0, __ATOMIC_RELEASE);
	return 0;
}

int sg_fp_ingest_push(struct sg_fp *fp, int sid, const uint8_t *rtp, uint16_t len)
{
	struct rte_mbuf *m;
	struct sg_fp_meta *meta;

	if (!sid_ok(fp, sid) || !rtp || len < 12)
		return -EINVAL;
	/* One ingest worker per stream keeps its packets in order: its pool. */
	unsigned iw = (unsigned)sid % fp->n_workers;
	m = rte_pktmbuf_alloc(sg_fp_pool(fp, iw));
	if (!m || rte_pktmbuf_tailroom(m) < len) {
		rte_pktmbuf_free(m);
		fp->push_drops++;
		return -ENOBUFS;
	}
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), rtp, len);
	m->data_len = m->pkt_len = len;
	meta = sg_fp_meta(m);
	memset(meta, 0, sizeof(*meta));
	meta->type = SG_FP_META_INGEST;
	meta->sid = (int16_t)sid;
	meta->gen = __atomic_load_n(&fp->streams[sid].gen, __ATOMIC_RELAXED);
	if (rte_ring_mp_enqueue(fp->workers[iw]->pkt_ring, m) != 0) {
		rte_pktmbuf_free(m);
		fp->push_drops++;
		return -ENOBUFS;
	}
	return 0;
}

int sg_fp_stream_stats_get(const struct sg_fp *fp, int sid, struct sg_fp_stream_stats *st)
{
	uint64_t last = 0;

	if (!sid_ok(fp, sid))
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	for (unsigned i = 0; i < fp->n_workers; i++) {
		const struct sg_fp_wstream *ws = &fp->workers[i]->streams[sid];
		st->pkts += ws->pkts;
		st->bytes += ws->bytes;
		st->bad += ws->bad;
		st->keyframes += ws->keyframes;
		st->fanout_pkts += ws->fanout_pkts;
		st->fanout_bytes += ws->fanout_bytes;
		st->viewers += ws->n_viewers;
		if (ws->ingest_init && ws->last_rx_tsc >= last) {
			last = ws->last_rx_tsc;
			st->lost = sg_rtp_stats_lost(&ws->rs);
			st->jitter = sg_rtp_stats_jitter(&ws->rs);
			st->ssrc = ws->ssrc;
		}
	}
	if (last) {
		uint64_t now_tsc = rte_rdtsc(), now_ns = sg_now_ns();
		uint64_t age_ns = (uint64_t)((double)(now_tsc - last) * 1e9 / (double)fp->tsc_hz);
		st->last_rx_ns = now_ns > age_ns ? now_ns - age_ns : 1;
	}
	return 0;
}

/* ---- viewers ------------------------------------------------------------- */

static struct sg_fp_viewer *viewer_of(const struct sg_fp *fp, int h)
{
	if (h < 0 || (unsigned)h >= fp->max_viewers)
		return NULL;
	struct sg_fp_viewer *v = &fp->viewers[h];
	return v->state == SG_FP_V_FREE || v->state == SG_FP_V_DEAD ? NULL : v;
}

int sg_fp_viewer_add(struct sg_fp *fp, const struct sg_fp_viewer_conf *vc)
{
	size_t rl;

	if (!vc || strlen(vc->local_ufrag) != SG_FP_UFRAG_LEN || vc->port_idx >= fp->n_ports ||
	    (rl = strlen(vc->remote_ufrag)) == 0 || rl > 64 || !vc->local_pwd[0])
		return -EINVAL;
	for (unsigned mi = 0; mi < 2; mi++)
		if (vc->sid[mi] >= 0 && !sid_ok(fp, vc->sid[mi]))
			return -EINVAL;
	if (vc->sid[0] < 0 && vc->sid[1] < 0)
		return -EINVAL;
	if (rte_hash_lookup(fp->ufrag_hash, vc->local_ufrag) >= 0)
		return -EEXIST;
	for (unsigned k = 0; k < fp->max_viewers; k++) {
		/* Start after the last slot taken: O(1) amortised while the table fills. */
		unsigned i = (fp->free_hint + k) % fp->max_viewers;
		struct sg_fp_viewer *v = &fp->viewers[i];
		if (v->state != SG_FP_V_FREE || v->free_pending)
			continue;
		fp->free_hint = i + 1;
		memset(v, 0, sizeof(*v));
		v->session_id = vc->session_id;
		v->owner = (uint16_t)(fp->next_owner++ % fp->n_workers);
		v->port_idx = (uint8_t)vc->port_idx;
		for (unsigned mi = 0; mi < 2; mi++) {
			v->sid[mi] = (int16_t)vc->sid[mi];
			v->ssrc[mi] = vc->ssrc[mi];
			v->pt[mi] = vc->pt[mi];
			v->n_media += vc->sid[mi] >= 0;
		}
		memcpy(v->local_ufrag, vc->local_ufrag, SG_FP_UFRAG_LEN + 1);
		v->remote_ufrag_hash = sg_fp_ufrag_hash(vc->remote_ufrag, rl);
		v->remote_ufrag_len = (uint8_t)rl;
		if (sg_stun_key_init(&v->key, vc->local_pwd, strlen(vc->local_pwd)) != 0) {
			memset(v, 0, sizeof(*v));
			return -EINVAL;
		}
		v->mem_bytes = (uint32_t)sizeof(*v);
		__atomic_store_n(&v->state, SG_FP_V_ICE, __ATOMIC_RELEASE);
		if (rte_hash_add_key_data(fp->ufrag_hash, v->local_ufrag, (void *)(uintptr_t)i) < 0) {
			sg_stun_key_wipe(&v->key);
			memset(v, 0, sizeof(*v));
			return -ENOSPC;
		}
		return (int)i;
	}
	return -ENOSPC;
}

static int cmd_post(struct sg_fp *fp, struct sg_fp_viewer *v, struct sg_fp_cmd *c)
{
	if (g_n_pending >= MAX_PENDING ||
	    rte_ring_sp_enqueue(fp->workers[v->owner]->cmd_ring, c) != 0) {
		rte_free(c);
		return -EBUSY;
	}
	g_pending[g_n_pending++].cmd = c;
	return 0;
}

int sg_fp_viewer_keys(struct sg_fp *fp, int handle, int profile, const uint8_t *local_master,
		      const uint8_t *remote_master)
{
	struct sg_fp_viewer *v = viewer_of(fp, handle);
	struct sg_fp_cmd *c;
	size_t sz;
	int rc;

	if (!v || !local_master || !remote_master || profile < 0 || profile >= SG_SRTP_PROFILE__MAX)
		return -EINVAL;
	if (v->srtp_mem[0] || v->srtp_mem[1])
		return -EBUSY;
	struct sg_srtp_rtp_params prm[2];
	struct sg_srtp_ctx *hdr[2];
	unsigned n = 0, mis[2];
	for (unsigned mi = 0; mi < 2; mi++) {
		if (v->sid[mi] < 0)
			continue;
		prm[n] = (struct sg_srtp_rtp_params){.ssrc = v->ssrc[mi], .pt = v->pt[mi]};
		/* Random initial sequence number and timestamp (RFC 3550 §5.1). */
		RAND_bytes((unsigned char *)&prm[n].seq_delta, sizeof(prm[n].seq_delta));
		RAND_bytes((unsigned char *)&prm[n].ts_delta, sizeof(prm[n].ts_delta));
		mis[n++] = mi;
	}
	/* One object for all the viewer's media: a context (SSRC) each, one key
	 * block (RFC 3711 §3.2.3: one master key per DTLS-SRTP session). */
	sz = sg_srtp_ctx_size_n((enum sg_srtp_profile)profile, n);
	if (!sz)
		return -EINVAL;
	c = rte_zmalloc("sg_cmd", sizeof(*c), 0);
	if (!c)
		return -ENOMEM;
	v->srtp_profile = (uint8_t)profile;
	struct sg_fp_slab *slab = ctx_slab(fp, v->owner, sz);
	void *obj = slab ? sg_fp_slab_get(slab) : NULL;
	if (!obj) {
		rc = -ENOMEM;
		goto err;
	}
	rc = sg_srtp_ctx_init_n(g_ctl_srtp, obj, sz, (enum sg_srtp_profile)profile, local_master,
				remote_master, prm, n, hdr);
	if (rc < 0) {
		sg_fp_slab_put(slab, obj);
		goto err;
	}
	for (unsigned k = 0; k < n; k++)
		c->srtp[mis[k]] = v->srtp_mem[mis[k]] = hdr[k];
	v->mem_bytes += (uint32_t)sz;
	/* Reserve this viewer's fan-out array entries; when one is full, hand
	 * the worker a bigger array in this command (the worker never allocates). */
	struct sg_fp_wstream *fws[2] = {NULL, NULL};
	uint32_t old_cap[2] = {0, 0};
	for (unsigned mi = 0; mi < 2; mi++) {
		if (v->sid[mi] < 0)
			continue;
		struct sg_fp_wstream *ws = &fp->workers[v->owner]->streams[v->sid[mi]];
		fws[mi] = ws;
		old_cap[mi] = ws->ctl_cap;
		if (++ws->ctl_used <= ws->ctl_cap)
			continue;
		uint32_t cap = RTE_MIN(RTE_MAX(64u, ws->ctl_cap * 2u), 2u * fp->max_viewers);
		cap = RTE_MAX(cap, ws->ctl_used);
		c->fo[mi] = rte_malloc_socket("sg_fanout", (size_t)cap * sizeof(*c->fo[mi]),
					      RTE_CACHE_LINE_SIZE,
					      (int)rte_lcore_to_socket_id(fp->workers[v->owner]->lcore_id));
		if (!c->fo[mi]) {
			for (int k = (int)mi; k >= 0; k--)
				if (fws[k]) {
					fws[k]->ctl_used--;
					fws[k]->ctl_cap = old_cap[k];
				}
			rc = -ENOMEM;
			goto err;
		}
		c->fo_cap[mi] = cap;
		ws->ctl_cap = cap;
	}
	c->type = SG_FP_CMD_KEYS;
	c->viewer = handle;
	if (g_n_pending >= MAX_PENDING ||
	    rte_ring_sp_enqueue(fp->workers[v->owner]->cmd_ring, c) != 0) {
		/* Not sent: the new arrays never reach the worker. The entries stay
		 * reserved, like the contexts (srtp_mem), until viewer_reclaim(). */
		for (int k = 1; k >= 0; k--)
			if (fws[k])
				fws[k]->ctl_cap = old_cap[k];
		cmd_free(c);
		return -EBUSY;
	}
	g_pending[g_n_pending++].cmd = c;
	return 0;
err:
	rte_free(c->fo[0]);
	rte_free(c->fo[1]);
	rte_free(c);
	ctx_release(fp, v);
	return rc;
}

static void flows_forget(struct sg_fp *fp, int h);

/* Add (ip, port) -> h to the flow table, remembering the key in the slot. */
static int flow_add(struct sg_fp *fp, struct sg_fp_viewer *v, const struct sg_fp_flow_key *k, int h)
{
	int rc = rte_hash_add_key_data(fp->flow_hash, k, (void *)(uintptr_t)h);
	if (rc < 0)
		return rc;
	if (v->n_flows < SG_ARRAY_SIZE(v->flows))
		v->flows[v->n_flows] = *k;
	if (v->n_flows < UINT8_MAX)
		v->n_flows++;
	return 0;
}

int sg_fp_viewer_set_remote(struct sg_fp *fp, int handle, uint32_t ip, uint16_t port,
			    const uint8_t mac[6])
{
	struct sg_fp_viewer *v = viewer_of(fp, handle);
	struct sg_fp_flow_key k = {.ip_be = rte_cpu_to_be_32(ip), .port_be = rte_cpu_to_be_16(port)};
	struct sg_fp_cmd *c;
	int rc;

	if (!v || !mac || !ip || !port)
		return -EINVAL;
	c = rte_zmalloc("sg_cmd", sizeof(*c), 0);
	if (!c)
		return -ENOMEM;
	c->type = SG_FP_CMD_REMOTE;
	c->viewer = handle;
	c->ip_be = k.ip_be;
	c->port_be = k.port_be;
	memcpy(c->mac.addr_bytes, mac, RTE_ETHER_ADDR_LEN);
	/* The control plane is the only writer of the flow table. */
	flows_forget(fp, handle);
	if ((rc = flow_add(fp, v, &k, handle)) < 0) {
		rte_free(c);
		return rc == -ENOSPC ? -ENOMEM : -EINVAL;
	}
	return cmd_post(fp, v, c);
}

int sg_fp_viewer_send(struct sg_fp *fp, int handle, const uint8_t *dgram, uint16_t len)
{
	struct sg_fp_viewer *v = viewer_of(fp, handle);
	struct rte_mbuf *m;
	struct sg_fp_meta *meta;

	if (!v || !dgram || !len)
		return -EINVAL;
	if (!v->selected)
		return -ENOTCONN;
	m = rte_pktmbuf_alloc(sg_fp_pool(fp, v->owner));
	if (!m || rte_pktmbuf_tailroom(m) < len || rte_pktmbuf_headroom(m) < SG_FP_HDR_LEN) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), dgram, len);
	m->data_len = m->pkt_len = len;
	meta = sg_fp_meta(m);
	memset(meta, 0, sizeof(*meta));
	meta->type = SG_FP_META_EVENT;
	meta->viewer = handle;
	meta->port_idx = v->port_idx;
	if (rte_ring_mp_enqueue(fp->workers[v->owner]->pkt_ring, m) != 0) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	return 0;
}

int sg_fp_viewer_del(struct sg_fp *fp, int handle)
{
	struct sg_fp_viewer *v = viewer_of(fp, handle);
	struct sg_fp_cmd *c;

	if (!v)
		return -EINVAL;
	rte_hash_del_key(fp->ufrag_hash, v->local_ufrag);
	c = rte_zmalloc("sg_cmd", sizeof(*c), 0);
	if (!c)
		return -ENOMEM;
	c->type = SG_FP_CMD_DEL;
	c->viewer = handle;
	v->free_pending = true;
	return cmd_post(fp, v, c);
}

int sg_fp_viewer_info_get(const struct sg_fp *fp, int handle, struct sg_fp_viewer_info *vi)
{
	const struct sg_fp_viewer *v = viewer_of(fp, handle);
	if (!v)
		return -EINVAL;
	memset(vi, 0, sizeof(*vi));
	vi->session_id = v->session_id;
	vi->worker = v->owner;
	vi->selected = v->selected;
	vi->keyed = v->state == SG_FP_V_PLAYING;
	vi->remote_ip = rte_be_to_cpu_32(v->remote_ip_be);
	vi->remote_port = rte_be_to_cpu_16(v->remote_port_be);
	if (v->last_check_tsc) {
		uint64_t age = rte_rdtsc() - v->last_check_tsc;
		uint64_t age_ns = (uint64_t)((double)age * 1e9 / (double)fp->tsc_hz), now = sg_now_ns();
		vi->last_check_ns = now > age_ns ? now - age_ns : 1;
	}
	/* Sent SRTP: counted by lib/srtp in each context's state line. */
	for (unsigned mi = 0; mi < 2; mi++) {
		uint64_t p = 0, b = 0;
		sg_srtp_ctx_tx_counts(v->srtp_mem[mi], &p, &b);
		vi->pkts += p;
		vi->bytes += b;
	}
	vi->stun_ok = v->stun_ok;
	vi->srtcp_ok = v->srtcp_ok;
	vi->srtcp_bad = v->srtcp_bad;
	vi->nacks = v->nacks;
	vi->plis = v->plis;
	vi->rrs = v->rrs;
	vi->drops = v->drops;
	vi->rr_fraction_lost = v->rr_fraction_lost;
	vi->rr_cum_lost = v->rr_cum_lost;
	vi->rr_jitter = v->rr_jitter;
	vi->mem_bytes = v->mem_bytes;
	return 0;
}

size_t sg_fp_viewer_mem(int profile, unsigned n_media)
{
	if (profile < 0 || profile >= SG_SRTP_PROFILE__MAX)
		return 0;
	return sizeof(struct sg_fp_viewer) + sg_srtp_ctx_size_n((enum sg_srtp_profile)profile, n_media);
}

/* ---- events and housekeeping ---------------------------------------------- */

unsigned sg_fp_events_poll(struct sg_fp *fp, struct sg_fp_event *ev, unsigned max)
{
	void *objs[64];
	unsigned n = rte_ring_sc_dequeue_burst(fp->ev_ring, objs, max < 64 ? max : 64, NULL);

	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = objs[i];
		struct sg_fp_meta *meta = sg_fp_meta(m);
		struct sg_fp_event *e = &ev[i];
		memset(e, 0, sizeof(*e));
		e->type = (enum sg_fp_event_type)meta->ev;
		e->viewer = meta->viewer;
		e->ip = rte_be_to_cpu_32(meta->ip_be);
		e->port = rte_be_to_cpu_16(meta->port_be);
		e->priv = m;
		if (e->viewer >= 0 && (unsigned)e->viewer < fp->max_viewers)
			e->session_id = fp->viewers[e->viewer].session_id;
		if (e->type == SG_FP_EV_DTLS) {
			e->data = rte_pktmbuf_mtod(m, const uint8_t *);
			e->len = rte_pktmbuf_data_len(m);
		} else if (e->type == SG_FP_EV_SELECTED && viewer_of(fp, e->viewer)) {
			/* The control plane is the only writer of the flow table. */
			struct sg_fp_flow_key k = {.ip_be = meta->ip_be, .port_be = meta->port_be};
			flow_add(fp, &fp->viewers[e->viewer], &k, e->viewer);
		}
	}
	return n;
}

void sg_fp_events_release(struct sg_fp *fp, struct sg_fp_event *ev, unsigned n)
{
	(void)fp;
	for (unsigned i = 0; i < n; i++)
		rte_pktmbuf_free(ev[i].priv);
}

/* Remove every flow entry that points at viewer h (a viewer may have moved). */
static void flows_forget(struct sg_fp *fp, int h)
{
	struct sg_fp_viewer *v = &fp->viewers[h];
	const void *key;
	void *data;
	uint32_t it = 0;
	struct sg_fp_flow_key del[8];
	unsigned n = 0;

	if (v->n_flows <= SG_ARRAY_SIZE(v->flows)) {
		/* The usual case: the keys are in the slot (no table walk). */
		for (unsigned i = 0; i < v->n_flows; i++)
			if (rte_hash_lookup_data(fp->flow_hash, &v->flows[i], &data) >= 0 &&
			    (uintptr_t)data == (uintptr_t)h)
				rte_hash_del_key(fp->flow_hash, &v->flows[i]);
		v->n_flows = 0;
		return;
	}
	while (n < SG_ARRAY_SIZE(del) && rte_hash_iterate(fp->flow_hash, &key, &data, &it) >= 0)
		if ((uintptr_t)data == (uintptr_t)h)
			memcpy(&del[n++], key, sizeof(del[0]));
	for (unsigned i = 0; i < n; i++)
		rte_hash_del_key(fp->flow_hash, &del[i]);
	v->n_flows = 0;
}

void sg_fp_tick(struct sg_fp *fp)
{
	unsigned keep = 0;

	for (unsigned i = 0; i < g_n_pending; i++) {
		struct sg_fp_cmd *c = g_pending[i].cmd;
		if (!__atomic_load_n(&c->done, __ATOMIC_ACQUIRE)) {
			g_pending[keep++] = g_pending[i];
			continue;
		}
		if (c->type == SG_FP_CMD_DEL) {
			struct sg_fp_viewer *v = &fp->viewers[c->viewer];
			struct rte_ring *r = fp->workers[v->owner]->pkt_ring;
			flows_forget(fp, c->viewer);
			/* Mbufs queued to the owner before now may name the slot (a DTLS
			 * record to send: SEND carries the slot index). The owner runs
			 * commands before its packet ring, so they can outlive the DEL
			 * and several quiescent states (a backlog longer than a burst):
			 * the slot is not reused before the owner dequeued them. */
			g_free[g_n_free++] = (struct free_ent){
				.viewer = c->viewer, .ring_wait = true,
				.ring_pos = __atomic_load_n(&r->prod.tail, __ATOMIC_ACQUIRE)};
		}
		cmd_free(c);
	}
	g_n_pending = keep;
	/* Reclaim removed viewers once their owner dequeued what was queued
	 * for them and every worker has passed a quiescent state since. */
	keep = 0;
	for (unsigned i = 0; i < g_n_free; i++) {
		struct free_ent *fe = &g_free[i];
		struct sg_fp_viewer *v = &fp->viewers[fe->viewer];
		if (fe->ring_wait) {
			const struct rte_ring *r = fp->workers[v->owner]->pkt_ring;
			if ((int32_t)(__atomic_load_n(&r->cons.tail, __ATOMIC_ACQUIRE) - fe->ring_pos) < 0) {
				g_free[keep++] = *fe;
				continue;
			}
			/* Dequeued: handled before the owner's next quiescent state. */
			fe->ring_wait = false;
			v->free_token = rte_rcu_qsbr_start(fp->qsbr);
		}
		if (fp->running && rte_rcu_qsbr_check(fp->qsbr, v->free_token, false) != 1)
			g_free[keep++] = *fe;
		else
			viewer_reclaim(fp, v);
	}
	g_n_free = keep;
}
