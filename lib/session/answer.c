/* SPDX-License-Identifier: BSD-3-Clause
 * SDP answer for a WebRTC viewer (JSEP, RFC 8829 §5.3) from an ICE-lite,
 * DTLS-passive, send-only server with one shared media port.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sg_common.h"
#include "sg_session.h"

static const char *codec_name(enum sg_sdp_codec_id id)
{
	switch (id) {
	case SG_SDP_CODEC_H264: return "H264";
	case SG_SDP_CODEC_H265: return "H265";
	case SG_SDP_CODEC_VP8: return "VP8";
	case SG_SDP_CODEC_VP9: return "VP9";
	case SG_SDP_CODEC_AV1: return "AV1";
	case SG_SDP_CODEC_OPUS: return "opus";
	case SG_SDP_CODEC_PCMU: return "PCMU";
	case SG_SDP_CODEC_PCMA: return "PCMA";
	case SG_SDP_CODEC_G722: return "G722";
	case SG_SDP_CODEC_AAC: return "MPEG4-GENERIC (AAC)";
	default: return "unknown";
	}
}

/* Offered codec names of a section, for error messages ("VP8, VP9, H264"). */
static void offered_list(const struct sg_sdp_media *m, char *out, size_t cap)
{
	size_t off = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < m->n_fmt; i++) {
		struct sg_sdp_codec c;
		if (sg_sdp_codec_get(m, i, &c) < 0 || c.id == SG_SDP_CODEC_RTX || c.id == SG_SDP_CODEC_RED ||
		    c.id == SG_SDP_CODEC_ULPFEC || c.id == SG_SDP_CODEC_UNKNOWN ||
		    c.id == SG_SDP_CODEC_TELEPHONE_EVENT)
			continue;
		if (strstr(out, c.name))
			continue;
		sg_bprintf(out, cap, &off, "%s%s", off ? ", " : "", c.name);
	}
	if (!off)
		sg_strlcpy(out, "none", cap);
}

/*
 * Pick the offered format for the source: index into m->fmt, or -1.
 * H.264 (RFC 6184 §8.2.2): the packetization-mode must match; among those,
 * prefer the source's profile_idc and constraint flags, then the profile_idc.
 */
static int pick_fmt(const struct sg_sdp_media *m, const struct sg_session_src *s)
{
	int best = -1, best_score = -1;

	for (unsigned i = 0; i < m->n_fmt; i++) {
		struct sg_sdp_codec c;
		int score;
		if (sg_sdp_codec_get(m, i, &c) < 0 || c.id != s->codec)
			continue;
		if (s->codec == SG_SDP_CODEC_OPUS || s->codec == SG_SDP_CODEC_PCMU ||
		    s->codec == SG_SDP_CODEC_PCMA) {
			if (c.clock_rate != s->clock_rate && s->codec != SG_SDP_CODEC_OPUS)
				continue;
			return (int)i;
		}
		if (s->codec != SG_SDP_CODEC_H264)
			return (int)i;
		if (c.packetization_mode != s->packetization_mode)
			continue;
		score = 1;
		if (s->profile_level_id && c.has_profile_level_id) {
			if ((c.profile_level_id >> 16) == (s->profile_level_id >> 16))
				score += 2;
			if ((c.profile_level_id & 0xffff00) == (s->profile_level_id & 0xffff00))
				score += 1;
		}
		if (score > best_score) {
			best_score = score;
			best = (int)i;
		}
	}
	return best;
}

static bool in_bundle(const struct sg_sdp *o, const char *mid)
{
	for (unsigned i = 0; i < o->n_bundle; i++)
		if (strcmp(o->bundle[i], mid) == 0)
			return true;
	return false;
}

/* The offer's ICE credentials and fingerprint: media level first, then session (RFC 8839 §5.4). */
static const struct sg_sdp_common *creds_of(const struct sg_sdp *o, const struct sg_sdp_media *m)
{
	return m->c.ice_ufrag[0] ? &m->c : &o->c;
}

int sg_session_answer(const char *offer, size_t offer_len, const struct sg_session_src src[2],
		      const struct sg_session_local *local, char *answer, size_t answer_cap,
		      struct sg_session_nego *nego, char *reason, size_t reason_cap)
{
	struct sg_sdp *o = calloc(1, sizeof(*o));
	struct sg_sdp_writer w;
	int chosen[SG_SDP_MAX_MEDIA];
	int midx[2] = {-1, -1};
	char offered[2][160] = {"none", "none"};
	char bundle[SG_SDP_MAX_BUNDLE * (SG_SDP_MID_LEN + 1) + 1];
	size_t boff = 0;
	int rc;

	memset(nego, 0, sizeof(*nego));
	reason[0] = '\0';
	if (!o) {
		snprintf(reason, reason_cap, "out of memory");
		return -ENOMEM;
	}
	rc = sg_sdp_parse(o, offer, offer_len);
	if (rc < 0) {
		snprintf(reason, reason_cap, "bad SDP offer: %s", o->err);
		goto out;
	}
	rc = -EINVAL;
	/* Choose one video and one audio section (the first of each kind we can serve). */
	for (unsigned i = 0; i < o->n_media; i++) {
		const struct sg_sdp_media *m = &o->media[i];
		int k = m->kind == SG_SDP_KIND_VIDEO ? 0 : m->kind == SG_SDP_KIND_AUDIO ? 1 : -1;
		chosen[i] = -1;
		if (k < 0 || !m->rtp || m->port == 0 || midx[k] >= 0)
			continue;
		if (strcmp(offered[k], "none") == 0)
			offered_list(m, offered[k], sizeof(offered[k]));
		if (!src[k].present)
			continue;
		enum sg_sdp_dir d = sg_sdp_media_dir(o, m);
		if (d == SG_SDP_DIR_SENDONLY || d == SG_SDP_DIR_INACTIVE)
			continue;
		int f = pick_fmt(m, &src[k]);
		if (f < 0)
			continue;
		chosen[i] = f;
		midx[k] = (int)i;
	}
	if (midx[0] < 0 && midx[1] < 0) {
		snprintf(reason, reason_cap,
			 "no usable codec (offered video: %s; audio: %s; source: %s%s%s)", offered[0],
			 offered[1], src[0].present ? codec_name(src[0].codec) : "",
			 src[0].present && src[1].present ? " + " : "",
			 src[1].present ? codec_name(src[1].codec) : "");
		rc = -ENOTSUP;
		goto out;
	}
	for (unsigned k = 0; k < 2; k++) {
		const struct sg_sdp_media *m;
		const struct sg_sdp_common *cr;
		if (midx[k] < 0)
			continue;
		m = &o->media[midx[k]];
		cr = creds_of(o, m);
		if (!cr->ice_ufrag[0] || !cr->ice_pwd[0]) {
			snprintf(reason, reason_cap, "offer lacks ICE credentials (a=ice-ufrag/a=ice-pwd)");
			goto out;
		}
		const struct sg_sdp_common *fpc = m->c.fingerprint[0] ? &m->c : &o->c;
		if (!fpc->fingerprint[0]) {
			snprintf(reason, reason_cap, "offer lacks a DTLS fingerprint (a=fingerprint)");
			goto out;
		}
		if (!m->rtcp_mux) {
			snprintf(reason, reason_cap, "the %s section does not offer rtcp-mux (RFC 8858)",
				 m->type);
			goto out;
		}
		if (!m->mid[0] || (o->n_bundle && !in_bundle(o, m->mid))) {
			snprintf(reason, reason_cap, "the %s section is not in the BUNDLE group", m->type);
			goto out;
		}
		if (nego->remote_ufrag[0] && strcmp(nego->remote_ufrag, cr->ice_ufrag) != 0) {
			snprintf(reason, reason_cap, "BUNDLEd sections have different ICE credentials");
			goto out;
		}
		sg_strlcpy(nego->remote_ufrag, cr->ice_ufrag, sizeof(nego->remote_ufrag));
		sg_strlcpy(nego->remote_pwd, cr->ice_pwd, sizeof(nego->remote_pwd));
		snprintf(nego->remote_fp, sizeof(nego->remote_fp), "%s %s", fpc->fp_hash, fpc->fingerprint);
		nego->media[k] = true;
		nego->pt[k] = m->fmt[chosen[midx[k]]].pt;
		sg_strlcpy(nego->mid[k], m->mid, sizeof(nego->mid[k]));
	}
	if (nego->media[0]) {
		struct sg_sdp_codec c;
		sg_sdp_codec_get(&o->media[midx[0]], (unsigned)chosen[midx[0]], &c);
		sg_strlcpy(nego->video_codec, c.name, sizeof(nego->video_codec));
	}
	if (nego->media[1]) {
		struct sg_sdp_codec c;
		sg_sdp_codec_get(&o->media[midx[1]], (unsigned)chosen[midx[1]], &c);
		sg_strlcpy(nego->audio_codec, c.name, sizeof(nego->audio_codec));
	}

	/* The answer: every offered section in order (RFC 8829 §5.3.1), rejected ones with port 0. */
	bundle[0] = '\0';
	for (unsigned i = 0; i < o->n_media; i++)
		if (chosen[i] >= 0)
			sg_bprintf(bundle, sizeof(bundle), &boff, " %s", o->media[i].mid);
	sg_sdp_writer_init(&w, answer, answer_cap);
	sg_sdp_w_session(&w, "streamgate", local->sess_id, 1, local->ip, "streamgate");
	sg_sdp_w_attr(&w, "ice-lite", NULL);                 /* RFC 8445 §2.5 */
	sg_sdp_w_attr(&w, "group", "BUNDLE%s", bundle);      /* RFC 9143 */
	sg_sdp_w_attr(&w, "msid-semantic", " WMS streamgate");
	for (unsigned i = 0; i < o->n_media; i++) {
		const struct sg_sdp_media *m = &o->media[i];
		int k = (int)i == midx[0] ? 0 : (int)i == midx[1] ? 1 : -1;
		if (k < 0) {
			/* Rejected (RFC 8829 §5.3.1): port 0, one format from the offer. */
			uint8_t pt = m->n_fmt ? m->fmt[0].pt : 0;
			if (m->rtp)
				sg_sdp_w_media(&w, m->type, 0, m->proto, &pt, 1);
			else
				sg_sdp_w_media_raw(&w, m->type, 0, m->proto,
						   m->fmt_raw[0] ? m->fmt_raw : "0");
			if (m->mid[0])
				sg_sdp_w_attr(&w, "mid", "%s", m->mid);
			sg_sdp_w_attr(&w, "inactive", NULL);
			continue;
		}
		const struct sg_sdp_fmt *f = &m->fmt[chosen[i]];
		sg_sdp_w_media(&w, m->type, local->port, "UDP/TLS/RTP/SAVPF", &f->pt, 1);
		sg_sdp_w_conn(&w, local->ip);
		sg_sdp_w_attr(&w, "rtcp", "%u IN IP4 %s", local->port, local->ip);
		sg_sdp_w_attr(&w, "ice-ufrag", "%s", local->ufrag);
		sg_sdp_w_attr(&w, "ice-pwd", "%s", local->pwd);
		sg_sdp_w_attr(&w, "fingerprint", "%s", local->fingerprint);
		sg_sdp_w_attr(&w, "setup", "passive");        /* RFC 5763 §5: we are the DTLS server */
		sg_sdp_w_attr(&w, "mid", "%s", m->mid);
		sg_sdp_w_attr(&w, "sendonly", NULL);
		sg_sdp_w_attr(&w, "rtcp-mux", NULL);
		sg_sdp_w_attr(&w, "rtcp-rsize", NULL);
		sg_sdp_w_rtpmap(&w, f->pt, f->enc, f->clock_rate, f->channels);
		if (f->fmtp[0])
			sg_sdp_w_fmtp(&w, f->pt, f->fmtp);
		if (k == 0) {
			sg_sdp_w_attr(&w, "rtcp-fb", "%u nack", f->pt);
			sg_sdp_w_attr(&w, "rtcp-fb", "%u nack pli", f->pt);
			sg_sdp_w_attr(&w, "rtcp-fb", "%u ccm fir", f->pt);
		}
		sg_sdp_w_attr(&w, "msid", "streamgate %s", k == 0 ? "video0" : "audio0");
		sg_sdp_w_attr(&w, "ssrc", "%u cname:%s", local->ssrc[k], local->cname);
		sg_sdp_w_attr(&w, "ssrc", "%u msid:streamgate %s", local->ssrc[k], k == 0 ? "video0" : "audio0");
		/* One host candidate on the shared media port (RFC 8839 §5.1). */
		sg_sdp_w_attr(&w, "candidate", "1 1 udp 2130706431 %s %u typ host", local->ip, local->port);
		sg_sdp_w_attr(&w, "end-of-candidates", NULL);
	}
	rc = sg_sdp_writer_finish(&w);
	if (rc < 0)
		snprintf(reason, reason_cap, "cannot write the answer: %s", strerror(-rc));
out:
	free(o);
	return rc;
}
