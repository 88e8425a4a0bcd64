/* SPDX-License-Identifier: BSD-3-Clause
 * sg-loadgen: the recvonly BUNDLE offer (shaped like Chromium's WHEP offer,
 * tests/vectors/sdp/chromium_whep_offer.sdp) and reading the answer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen.h"
#include "sg_common.h"
#include "sg_sdp.h"

int lg_offer_write(const struct lg_opts *o, const struct lg_viewer *v, char *buf, size_t cap)
{
	/* RFC 8829 §5.2.1 (JSEP initial offer), RFC 8843 BUNDLE, RFC 8839 ICE
	 * attributes, RFC 8842 fingerprint + setup:actpass, RFC 5761 rtcp-mux. */
	int n = snprintf(buf, cap,
		"v=0\r\n"
		"o=- %u 2 IN IP4 127.0.0.1\r\n"
		"s=-\r\n"
		"t=0 0\r\n"
		"a=group:BUNDLE 0 1\r\n"
		"a=extmap-allow-mixed\r\n"
		"a=msid-semantic: WMS\r\n"
		"m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 105 106 107 108 109\r\n"
		"c=IN IP4 0.0.0.0\r\n"
		"a=rtcp:9 IN IP4 0.0.0.0\r\n"
		"a=ice-ufrag:%s\r\n"
		"a=ice-pwd:%s\r\n"
		"a=ice-options:trickle\r\n"
		"a=fingerprint:%s\r\n"
		"a=setup:actpass\r\n"
		"a=mid:0\r\n"
		"a=recvonly\r\n"
		"a=rtcp-mux\r\n"
		"a=rtcp-rsize\r\n"
		"a=rtpmap:96 VP8/90000\r\n"
		"a=rtcp-fb:96 nack\r\n"
		"a=rtcp-fb:96 nack pli\r\n"
		"a=rtpmap:97 rtx/90000\r\n"
		"a=fmtp:97 apt=96\r\n"
		"a=rtpmap:102 H264/90000\r\n"
		"a=rtcp-fb:102 nack\r\n"
		"a=rtcp-fb:102 nack pli\r\n"
		"a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n"
		"a=rtpmap:103 rtx/90000\r\n"
		"a=fmtp:103 apt=102\r\n"
		"a=rtpmap:104 H264/90000\r\n"
		"a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f\r\n"
		"a=rtpmap:105 rtx/90000\r\n"
		"a=fmtp:105 apt=104\r\n"
		"a=rtpmap:106 H264/90000\r\n"
		"a=rtcp-fb:106 nack\r\n"
		"a=rtcp-fb:106 nack pli\r\n"
		"a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
		"a=rtpmap:107 rtx/90000\r\n"
		"a=fmtp:107 apt=106\r\n"
		"a=rtpmap:108 H264/90000\r\n"
		"a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f\r\n"
		"a=rtpmap:109 rtx/90000\r\n"
		"a=fmtp:109 apt=108\r\n"
		"m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\n"
		"c=IN IP4 0.0.0.0\r\n"
		"a=rtcp:9 IN IP4 0.0.0.0\r\n"
		"a=ice-ufrag:%s\r\n"
		"a=ice-pwd:%s\r\n"
		"a=ice-options:trickle\r\n"
		"a=fingerprint:%s\r\n"
		"a=setup:actpass\r\n"
		"a=mid:1\r\n"
		"a=recvonly\r\n"
		"a=rtcp-mux\r\n"
		"a=rtcp-rsize\r\n"
		"a=rtpmap:111 opus/48000/2\r\n"
		"a=fmtp:111 minptime=10;useinbandfec=1\r\n"
		"a=rtpmap:0 PCMU/8000\r\n",
		(unsigned)(v->idx * 7919u + 1u), v->ufrag, v->pwd, o->our_fp, v->ufrag, v->pwd, o->our_fp);
	return n < 0 || (size_t)n >= cap ? -ENOSPC : n;
}

/* "<foundation> <component> udp <prio> <ip> <port> typ host ..." (RFC 8839 §5.1) */
static int cand_parse(const char *c, struct sockaddr_in *sa)
{
	char proto[16], ip[64];
	unsigned comp, port;
	unsigned long prio;
	char found[40];
	if (sscanf(c, "%39s %u %15s %lu %63s %u", found, &comp, proto, &prio, ip, &port) != 6)
		return -EINVAL;
	if (comp != 1 || strcasecmp(proto, "udp") != 0 || port == 0 || port > 65535)
		return -EINVAL;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, ip, &sa->sin_addr) != 1)
		return -EINVAL;
	return 0;
}

int lg_answer_read(const struct lg_opts *o, struct lg_viewer *v, const char *text, size_t len)
{
	struct sg_sdp *sdp = malloc(sizeof(*sdp));
	const char *ufrag = NULL, *pwd = NULL, *fph = NULL, *fp = NULL;
	bool have_cand = false;
	int rc = -EINVAL;

	(void)o;
	if (!sdp) {
		snprintf(v->fail, sizeof(v->fail), "out of memory");
		return -ENOMEM;
	}
	if (sg_sdp_parse(sdp, text, len) < 0) {
		snprintf(v->fail, sizeof(v->fail), "answer: %.140s", sdp->err);
		goto out;
	}
	for (unsigned i = 0; i < sdp->n_media; i++) {
		const struct sg_sdp_media *m = &sdp->media[i];
		if (m->port == 0)
			continue;
		ufrag = m->c.ice_ufrag[0] ? m->c.ice_ufrag : sdp->c.ice_ufrag;
		pwd = m->c.ice_pwd[0] ? m->c.ice_pwd : sdp->c.ice_pwd;
		fph = m->c.fingerprint[0] ? m->c.fp_hash : sdp->c.fp_hash;
		fp = m->c.fingerprint[0] ? m->c.fingerprint : sdp->c.fingerprint;
		for (unsigned k = 0; k < m->n_cand && !have_cand; k++)
			have_cand = cand_parse(m->cand[k], &v->server) == 0;
		break; /* BUNDLE: the first accepted section carries the transport */
	}
	if (!ufrag || !ufrag[0] || !pwd || !pwd[0]) {
		snprintf(v->fail, sizeof(v->fail), "answer without ICE credentials");
		goto out;
	}
	if (!fp || !fp[0] || strcasecmp(fph, "sha-256") != 0) {
		snprintf(v->fail, sizeof(v->fail), "answer without a sha-256 fingerprint");
		goto out;
	}
	if (!have_cand) {
		snprintf(v->fail, sizeof(v->fail), "answer without a usable UDP host candidate");
		goto out;
	}
	/* RFC 8445 §7.2.2: USERNAME = "<remote ufrag>:<local ufrag>" */
	snprintf(v->username, sizeof(v->username), "%s:%s", ufrag, v->ufrag);
	if (sg_stun_key_init(&v->key, pwd, strlen(pwd)) < 0) {
		snprintf(v->fail, sizeof(v->fail), "answer: ICE password too long");
		goto out;
	}
	snprintf(v->server_fp, sizeof(v->server_fp), "sha-256 %s", fp);
	rc = 0;
out:
	sg_secure_zero(sdp, sizeof(*sdp));
	free(sdp);
	return rc;
}
