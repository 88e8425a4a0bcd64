/* SPDX-License-Identifier: BSD-3-Clause
 * Ingest media: a path's stream objects in the fast path (from the source's
 * SDP), UDP port pairs on the data IP, RTP/RTCP that passes through the
 * control plane (TCP-interleaved sources, UDP sources while RTSP readers
 * watch), RTCP receiver reports, rates.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "ingest_priv.h"
#include "sg_common.h"

const char *ing_drop_name(enum ing_drop d)
{
	static const char *const names[] = {
#define ING_DROP_NAME_(n) #n,
		ING_DROPS(ING_DROP_NAME_)
#undef ING_DROP_NAME_
	};
	return d < ING_DROP__MAX ? names[d] : "?";
}

static int fp_codec_of(enum sg_sdp_codec_id id, enum sg_fp_codec *out)
{
	switch (id) {
	case SG_SDP_CODEC_H264: *out = SG_FP_CODEC_H264; return 0;
	case SG_SDP_CODEC_H265: *out = SG_FP_CODEC_H265; return 0;
	case SG_SDP_CODEC_VP8: *out = SG_FP_CODEC_VP8; return 0;
	case SG_SDP_CODEC_VP9: *out = SG_FP_CODEC_VP9; return 0;
	case SG_SDP_CODEC_AV1: *out = SG_FP_CODEC_AV1; return 0;
	case SG_SDP_CODEC_OPUS: *out = SG_FP_CODEC_OPUS; return 0;
	case SG_SDP_CODEC_PCMU: *out = SG_FP_CODEC_PCMU; return 0;
	case SG_SDP_CODEC_PCMA: *out = SG_FP_CODEC_PCMA; return 0;
	case SG_SDP_CODEC_AAC: *out = SG_FP_CODEC_AAC; return 0;
	default: return -ENOTSUP;
	}
}

static uint32_t rand32(void)
{
	uint32_t v = 0;
	if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
		v = (uint32_t)sg_now_ns() ^ 0x5a5a1234u;
	return v;
}

/* Pick the first video and the first audio media with a codec we know (RFC 8866 §5.14). */
int ing_media_from_sdp(struct ing_path *p, const uint8_t *text, size_t len, char *err, size_t errlen)
{
	struct sg_app *app = p->ing->app;
	struct sg_sdp *sdp = calloc(1, sizeof(*sdp));
	struct ing_media nm[SG_INGEST_N_MEDIA];
	int rc;

	if (!sdp)
		return -ENOMEM;
	memset(nm, 0, sizeof(nm));
	rc = sg_sdp_parse(sdp, (const char *)text, len);
	if (rc < 0) {
		snprintf(err, errlen, "SDP: %s", sdp->err);
		goto out;
	}
	for (unsigned i = 0; i < sdp->n_media; i++) {
		const struct sg_sdp_media *md = &sdp->media[i];
		struct sg_sdp_codec c;
		enum sg_fp_codec fc;
		int slot;

		if (!md->rtp || (md->kind != SG_SDP_KIND_VIDEO && md->kind != SG_SDP_KIND_AUDIO))
			continue;
		slot = md->kind == SG_SDP_KIND_VIDEO ? SG_INGEST_VIDEO : SG_INGEST_AUDIO;
		if (nm[slot].used)
			continue;
		for (unsigned f = 0; f < md->n_fmt; f++) {
			if (sg_sdp_codec_get(md, f, &c) < 0 || fp_codec_of(c.id, &fc) < 0 || !c.clock_rate)
				continue;
			struct ing_media *m = &nm[slot];
			m->used = true;
			m->sdp_idx = (int)i;
			m->info.codec = fc;
			sg_strlcpy(m->info.codec_name, md->fmt[f].has_rtpmap ? md->fmt[f].enc : c.name,
				   sizeof(m->info.codec_name));
			m->info.clock_rate = c.clock_rate;
			m->info.channels = slot == SG_INGEST_AUDIO ? (c.channels ? c.channels : 1) : 0;
			m->info.pt = c.pt;
			sg_strlcpy(m->info.fmtp, md->fmt[f].fmtp, sizeof(m->info.fmtp));
			sg_strlcpy(m->control, md->c.control, sizeof(m->control));
			/* create or reuse the stream */
			struct ing_media *old = &p->m[slot];
			int sid = old->sid;
			if (sid >= 0 && (old->info.codec != fc || old->info.clock_rate != c.clock_rate)) {
				if (sg_fp_stream_del(app->fp, sid) == 0) {
					sid = -1;
				} else {
					snprintf(err, errlen, "%s codec changed while viewers are attached",
						 slot ? "audio" : "video");
					rc = -EBUSY;
					goto out;
				}
			}
			if (sid < 0) {
				struct sg_fp_stream_conf sc = {.codec = fc, .clock_rate = c.clock_rate,
							       .video = slot == SG_INGEST_VIDEO};
				snprintf(sc.name, sizeof(sc.name), "%.50s/%s", p->name, slot ? "audio" : "video");
				sid = sg_fp_stream_add(app->fp, &sc);
				if (sid < 0) {
					snprintf(err, errlen, "no fast-path stream: %s", strerror(-sid));
					rc = sid;
					goto out;
				}
			}
			m->sid = sid;
			/* parameter sets for late joiners (RFC 6184 §8.1 / RFC 7798 §7.1) */
			if (c.vps_len)
				sg_fp_stream_pset_seed(app->fp, sid, c.vps, c.vps_len);
			if (c.sps_len)
				sg_fp_stream_pset_seed(app->fp, sid, c.sps, c.sps_len);
			if (c.pps_len)
				sg_fp_stream_pset_seed(app->fp, sid, c.pps, c.pps_len);
			break;
		}
	}
	if (!nm[0].used && !nm[1].used) {
		snprintf(err, errlen, "SDP has no video or audio media with a supported codec");
		rc = -ENOTSUP;
		goto out;
	}
	for (int s = 0; s < SG_INGEST_N_MEDIA; s++) {
		struct ing_media *m = &p->m[s];
		if (!nm[s].used) {
			/* media gone from the source: drop its stream unless watched */
			if (m->sid >= 0 && sg_fp_stream_del(app->fp, m->sid) == 0)
				m->sid = -1;
			m->used = false;
			continue;
		}
		m->used = true;
		m->sid = nm[s].sid;
		m->info = nm[s].info;
		m->info.sid = m->sid;
		sg_strlcpy(m->control, nm[s].control, sizeof(m->control));
		m->sdp_idx = nm[s].sdp_idx;
		m->setup_idx = -1;
		m->our_ssrc = rand32();
		m->rr_prev_lost = 0;
		m->rr_prev_pkts = 0;
		m->kf_seen = 0;
		m->kf_interval_s = 0;
	}
	p->described = true;
	rc = 0;
out:
	if (rc < 0)
		for (int s = 0; s < SG_INGEST_N_MEDIA; s++)
			if (nm[s].used && nm[s].sid != p->m[s].sid)
				sg_fp_stream_del(app->fp, nm[s].sid);
	free(sdp);
	return rc;
}

/* ---- UDP port pairs and kernel sockets -------------------------------------- */

static int udp_sock(uint32_t ip, uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(ip)};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

static void udp_cb(struct sg_app *app, struct sg_loop_io *io, uint32_t events);

static void sock_close(struct sg_app *app, struct ing_udp *u)
{
	if (u->io.fd >= 0) {
		sg_loop_del(app, &u->io);
		close(u->io.fd);
	}
	u->io.fd = -1;
}

void ing_ports_release(struct sg_ingest *ing, uint16_t rtp_port)
{
	unsigned idx = (unsigned)(rtp_port - ing->app->cfg.rtsp_udp_min) / 2;
	if (rtp_port >= ing->app->cfg.rtsp_udp_min && idx < ing->n_pairs)
		ing->port_used[idx] = 0;
}

int ing_media_udp_open(struct ing_path *p, int slot)
{
	struct sg_ingest *ing = p->ing;
	struct sg_app *app = ing->app;
	struct ing_media *m = &p->m[slot];

	for (unsigned n = 0; n < ing->n_pairs; n++) {
		unsigned idx = (ing->next_pair + n) % ing->n_pairs;
		uint16_t port = (uint16_t)(app->cfg.rtsp_udp_min + 2 * idx);
		int a, b, rc;

		if (ing->port_used[idx])
			continue;
		a = udp_sock(ing->data_ip, port);
		if (a < 0)
			continue;
		b = udp_sock(ing->data_ip, (uint16_t)(port + 1));
		if (b < 0) {
			close(a);
			continue;
		}
		ing->port_used[idx] = 1;
		ing->next_pair = (idx + 1) % ing->n_pairs;
		m->rtp_port = port;
		m->rtp_sock = (struct ing_udp){.io = {.fd = a, .cb = udp_cb}, .path = p, .slot = slot};
		m->rtcp_sock = (struct ing_udp){.io = {.fd = b, .cb = udp_cb}, .path = p, .slot = slot, .rtcp = true};
		sg_loop_add(app, &m->rtp_sock.io, EPOLLIN);
		sg_loop_add(app, &m->rtcp_sock.io, EPOLLIN);
		/* RTP is the fast path's, unless RTSP readers need the packets here */
		if (!p->n_readers) {
			rc = sg_fp_ingest_bind(app->fp, port, m->sid);
			if (rc < 0) {
				SG_WARN(ING_TAG, "%s: fast-path bind of UDP %u: %s", p->name, port, strerror(-rc));
				ing_media_close_all(p);
				return rc;
			}
			m->fp_bound = true;
		}
		return 0;
	}
	return -EADDRINUSE;
}

void ing_media_close_all(struct ing_path *p)
{
	struct sg_app *app = p->ing->app;
	for (int s = 0; s < SG_INGEST_N_MEDIA; s++) {
		struct ing_media *m = &p->m[s];
		if (m->fp_bound)
			sg_fp_ingest_unbind(app->fp, m->rtp_port);
		m->fp_bound = false;
		if (m->rtp_port) {
			sock_close(app, &m->rtp_sock);
			sock_close(app, &m->rtcp_sock);
			ing_ports_release(p->ing, m->rtp_port);
		}
		m->rtp_port = 0;
		m->tcp = false;
		m->setup_idx = -1;
		memset(&m->peer_rtcp, 0, sizeof(m->peer_rtcp));
		m->next_rr_ns = 0;
	}
}

void ing_media_streams_del(struct ing_path *p)
{
	for (int s = 0; s < SG_INGEST_N_MEDIA; s++) {
		if (p->m[s].sid >= 0)
			sg_fp_stream_del(p->ing->app->fp, p->m[s].sid);
		p->m[s].sid = -1;
		p->m[s].used = false;
	}
}

void ing_media_reader_mode(struct ing_path *p, bool readers)
{
	struct sg_app *app = p->ing->app;
	for (int s = 0; s < SG_INGEST_N_MEDIA; s++) {
		struct ing_media *m = &p->m[s];
		if (!m->rtp_port)
			continue;
		if (readers && m->fp_bound) {
			sg_fp_ingest_unbind(app->fp, m->rtp_port);
			m->fp_bound = false;
		} else if (!readers && !m->fp_bound && sg_fp_ingest_bind(app->fp, m->rtp_port, m->sid) == 0) {
			m->fp_bound = true;
		}
	}
}

static void udp_cb(struct sg_app *app, struct sg_loop_io *io, uint32_t events)
{
	struct ing_udp *u = (struct ing_udp *)io;
	struct ing_path *p = u->path;
	uint8_t buf[2048];
	uint64_t now = sg_now_ns();

	(void)app;
	(void)events;
	for (int i = 0; i < 64; i++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(io->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			break;
		struct ing_media *m = &p->m[u->slot];
		if (!m->used)
			continue;
		if (u->rtcp) {
			if (!m->peer_rtcp.sin_port)
				m->peer_rtcp = from; /* symmetric RTCP (RFC 4961) */
			ing_media_rtcp_in(p, u->slot, buf, (size_t)n, now);
		} else {
			ing_media_rtp_in(p, u->slot, buf, (size_t)n, now);
		}
	}
}

/* ---- packets through the control plane -------------------------------------- */

int ing_media_by_channel(struct ing_path *p, uint8_t ch, bool *rtcp)
{
	for (int s = 0; s < SG_INGEST_N_MEDIA; s++) {
		const struct ing_media *m = &p->m[s];
		if (!m->used || !m->tcp)
			continue;
		if (ch == m->ch_rtp || ch == m->ch_rtcp) {
			*rtcp = ch == m->ch_rtcp;
			return s;
		}
	}
	return -1;
}

void ing_media_rtp_in(struct ing_path *p, int slot, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct ing_media *m = &p->m[slot];
	struct sg_rtp_hdr h;
	int rc = sg_rtp_hdr_parse(pkt, len, &h);

	(void)now;
	if (rc < 0) {
		/* RFC 3550 §5.1 / A.1 validity: counted by reason, never pushed */
		enum sg_rtp_drop d = sg_rtp_drop_from_err(rc);
		enum ing_drop id = d < SG_RTP_DROP__MAX ? (enum ing_drop)(ING_DROP_RTP_TOO_SHORT + d) : ING_DROP_RTP_OTHER;
		if (!m->drops[id]++)
			SG_WARN(ING_TAG, "%s: dropping RTP: %s (counted as %s)", p->name,
				d < SG_RTP_DROP__MAX ? sg_rtp_drop_name(d) : "invalid", ing_drop_name(id));
		return;
	}
	if (len > UINT16_MAX) {
		m->drops[ING_DROP_RTP_OTHER]++;
		return;
	}
	m->cp_pkts++;
	if (sg_fp_ingest_push(p->ing->app->fp, m->sid, pkt, (uint16_t)len) < 0)
		m->drops[ING_DROP_PUSH_FULL]++;
	if (p->n_readers)
		ing_server_fanout(p, slot, false, pkt, len);
}

void ing_media_rtcp_in(struct ing_path *p, int slot, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct ing_media *m = &p->m[slot];
	struct sg_rtcp_iter it;
	struct sg_rtcp_pkt rp;
	int rc;

	if (sg_rtcp_iter_init(&it, pkt, len) < 0) {
		m->drops[ING_DROP_RTCP_BAD]++;
		return;
	}
	while ((rc = sg_rtcp_iter_next(&it, &rp)) > 0) {
		if (rp.pt == SG_RTCP_SR) {
			struct sg_rtcp_report r;
			if (sg_rtcp_report_parse(&rp, &r) == 0) {
				/* RFC 3550 §6.4.1: LSR = middle 32 bits of the NTP timestamp */
				m->last_sr_mid = (uint32_t)(r.ntp >> 16);
				m->last_sr_ns = now;
				m->sr_rx++;
			}
		}
	}
	if (rc < 0) {
		m->drops[ING_DROP_RTCP_BAD]++;
		return;
	}
	m->rtcp_rx++;
	if (p->n_readers)
		ing_server_fanout(p, slot, true, pkt, len);
}

/* RFC 3550 §6.4.2 receiver report for the source of slot, with SDES CNAME (§6.1). */
int ing_media_rr_build(struct ing_path *p, int slot, uint8_t *buf, size_t cap, uint64_t now)
{
	struct ing_media *m = &p->m[slot];
	struct sg_fp_stream_stats st;
	struct sg_rtcp_rb rb = {0};
	int n, k;

	if (sg_fp_stream_stats_get(p->ing->app->fp, m->sid, &st) < 0 || !st.pkts)
		return -ENODATA;
	int64_t dl = st.lost - m->rr_prev_lost;
	uint64_t dp = st.pkts - m->rr_prev_pkts;
	int64_t expected = (int64_t)dp + dl;
	rb.ssrc = st.ssrc;
	rb.fraction_lost = expected > 0 && dl > 0 ? (uint8_t)SG_MIN(255, (dl << 8) / expected) : 0;
	rb.cum_lost = (int32_t)SG_MAX(SG_MIN(st.lost, 0x7fffff), -0x800000);
	/* The fast path keeps the extended highest sequence number to itself;
	 * received + lost is the same quantity relative to the first packet. */
	rb.ext_high_seq = (uint32_t)(st.pkts + (uint64_t)(st.lost > 0 ? st.lost : 0));
	rb.jitter = st.jitter;
	if (m->last_sr_ns) {
		rb.lsr = m->last_sr_mid;
		rb.dlsr = (uint32_t)(((now - m->last_sr_ns) << 16) / 1000000000ull);
	}
	m->rr_prev_lost = st.lost;
	m->rr_prev_pkts = st.pkts;
	n = sg_rtcp_build_rr(buf, cap, m->our_ssrc, &rb, 1);
	if (n < 0)
		return n;
	k = sg_rtcp_build_sdes_cname(buf + n, cap - (size_t)n, m->our_ssrc, "streamgate");
	return k < 0 ? k : n + k;
}

uint64_t ing_media_last_rx(struct ing_path *p)
{
	uint64_t last = 0;
	for (int s = 0; s < SG_INGEST_N_MEDIA; s++) {
		struct sg_fp_stream_stats st;
		if (p->m[s].used && sg_fp_stream_stats_get(p->ing->app->fp, p->m[s].sid, &st) == 0)
			last = SG_MAX(last, st.last_rx_ns);
	}
	return last;
}

void ing_media_tick(struct ing_path *p, uint64_t now)
{
	for (int s = 0; s < SG_INGEST_N_MEDIA; s++) {
		struct ing_media *m = &p->m[s];
		struct sg_fp_stream_stats st;
		if (!m->used || sg_fp_stream_stats_get(p->ing->app->fp, m->sid, &st) < 0)
			continue;
		if (st.keyframes != m->kf_seen) {
			if (m->kf_last_ns && st.keyframes == m->kf_seen + 1)
				m->kf_interval_s = (double)(now - m->kf_last_ns) / 1e9;
			m->kf_seen = st.keyframes;
			m->kf_last_ns = now;
		}
		if (!m->rate_t || now - m->rate_t >= 1000000000ull) {
			if (m->rate_t) {
				double dt = (double)(now - m->rate_t) / 1e9;
				m->kbps = (double)(st.bytes - m->rate_bytes) * 8.0 / 1000.0 / dt;
				m->pps = (double)(st.pkts - m->rate_pkts) / dt;
			}
			m->rate_t = now;
			m->rate_bytes = st.bytes;
			m->rate_pkts = st.pkts;
		}
		/* RTCP RR toward the source (RFC 3550 §6.2: every 5 s here) */
		if ((p->st != ING_PLAYING && p->st != ING_PUBLISHING) || !st.pkts)
			continue;
		if (!m->next_rr_ns)
			m->next_rr_ns = now + ING_RR_INTERVAL_NS / 5;
		if (now < m->next_rr_ns)
			continue;
		m->next_rr_ns = now + ING_RR_INTERVAL_NS;
		uint8_t rr[128];
		int n = ing_media_rr_build(p, s, rr, sizeof(rr), now);
		if (n <= 0)
			continue;
		if (m->tcp) {
			int rc = p->publisher ? ing_server_publisher_frame(p, m->ch_rtcp, rr, (size_t)n)
					      : ing_pull_send_frame(p, m->ch_rtcp, rr, (size_t)n);
			if (rc == 0)
				m->rr_tx++;
		} else if (m->peer_rtcp.sin_port && m->rtcp_sock.io.fd >= 0) {
			if (sendto(m->rtcp_sock.io.fd, rr, (size_t)n, 0, (struct sockaddr *)&m->peer_rtcp,
				   sizeof(m->peer_rtcp)) == n)
				m->rr_tx++;
		}
	}
}

/* Our description of the path for RTSP readers (RFC 2326 §C.1: a=control per media). */
int ing_media_sdp(struct ing_path *p, char *buf, size_t *len)
{
	struct sg_sdp_writer w;
	char ip[INET_ADDRSTRLEN];
	struct in_addr a = {.s_addr = htonl(p->ing->data_ip)};
	int n;

	if (!p->described || (!p->m[0].used && !p->m[1].used))
		return -ENOENT;
	inet_ntop(AF_INET, &a, ip, sizeof(ip));
	sg_sdp_writer_init(&w, buf, *len);
	sg_sdp_w_session(&w, "-", 1, 1, ip, p->name);
	sg_sdp_w_conn(&w, "0.0.0.0");
	sg_sdp_w_attr(&w, "control", "*");
	sg_sdp_w_attr(&w, "range", "npt=0-");
	for (int s = 0; s < SG_INGEST_N_MEDIA; s++) {
		const struct ing_media *m = &p->m[s];
		if (!m->used)
			continue;
		sg_sdp_w_media(&w, s == SG_INGEST_VIDEO ? "video" : "audio", 0, "RTP/AVP", &m->info.pt, 1);
		sg_sdp_w_rtpmap(&w, m->info.pt, m->info.codec_name, m->info.clock_rate,
				s == SG_INGEST_AUDIO && m->info.channels > 1 ? m->info.channels : 0);
		if (m->info.fmtp[0])
			sg_sdp_w_fmtp(&w, m->info.pt, m->info.fmtp);
		sg_sdp_w_attr(&w, "control", "trackID=%d", s);
	}
	n = sg_sdp_writer_finish(&w);
	if (n < 0)
		return n;
	*len = (size_t)n;
	return 0;
}
