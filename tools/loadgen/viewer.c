/* SPDX-License-Identifier: BSD-3-Clause
 * sg-loadgen: one viewer's life: WHEP POST, ICE as the controlling agent
 * (RFC 8445 §7.2.4 checks with USE-CANDIDATE, aggressive nomination of the
 * one pair), consent refresh (RFC 7675 §5.1), DTLS (dtls.c), then SRTP
 * decryption with libsrtp2 and per-SSRC counting (RFC 3550 §A.1, §A.3).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "loadgen.h"
#include "sg_common.h"

#define CHECK_RTO_NS (200ull * 1000000ull)
#define CHECK_TRIES 50
#define CONSENT_NS (5ull * 1000000000ull)    /* RFC 7675 §5.1: ~5 s, randomised */
#define CONSENT_LOST_NS (30ull * 1000000000ull)
#define RX_BATCH 32

void lg_viewer_fail(struct lg_opts *o, struct lg_viewer *v, const char *fmt, ...)
{
	va_list ap;
	if (v->state == LG_DONE)
		return;
	if (!v->fail[0]) { /* keep the first reason (callers may pass v->fail itself) */
		va_start(ap, fmt);
		vsnprintf(v->fail, sizeof(v->fail), fmt, ap);
		va_end(ap);
	}
	lg_viewer_stop(o, v);
	v->state = LG_FAILED;
}

/* ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.4) */
static void ice_random(char *out, size_t n)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint8_t r[64];
	RAND_bytes(r, (int)n);
	for (size_t i = 0; i < n; i++)
		out[i] = al[r[i] & 63];
	out[n] = '\0';
}

int lg_viewer_start(struct lg_opts *o, struct lg_viewer *v)
{
	char offer[LG_OFFER_MAX];
	int n, rc;

	v->t_start_ns = lg_now_ns();
	v->fd = -1;
	v->http.fd = -1;
	ice_random(v->ufrag, LG_UFRAG_LEN);
	ice_random(v->pwd, LG_PWD_LEN);
	RAND_bytes((uint8_t *)&v->tiebreaker, sizeof(v->tiebreaker));
	n = lg_offer_write(o, v, offer, sizeof(offer));
	if (n < 0) {
		lg_viewer_fail(o, v, "offer: %s", strerror(-n));
		return n;
	}
	v->state = LG_HTTP;
	rc = lg_http_start(o, v, "POST", o->path, offer, (size_t)n);
	if (rc < 0) {
		lg_viewer_fail(o, v, "WHEP POST: %s", strerror(-rc));
		return rc;
	}
	return 0;
}

static int udp_open(struct lg_opts *o, struct lg_viewer *v)
{
	struct sockaddr_in b = {.sin_family = AF_INET, .sin_addr = o->bind_addr};
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)LG_EV_UDP << 32 | v->idx};
	int sz = 512 * 1024;

	v->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (v->fd < 0)
		return -errno;
	setsockopt(v->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (bind(v->fd, (struct sockaddr *)&b, sizeof(b)) < 0 ||
	    connect(v->fd, (struct sockaddr *)&v->server, sizeof(v->server)) < 0 ||
	    epoll_ctl(o->ep, EPOLL_CTL_ADD, v->fd, &ev) < 0) {
		int e = -errno;
		close(v->fd);
		v->fd = -1;
		return e;
	}
	return 0;
}

void lg_viewer_http_event(struct lg_opts *o, struct lg_viewer *v)
{
	int status = 0, rc;
	const char *body = NULL, *loc = NULL;
	size_t blen = 0;

	if (v->state != LG_HTTP)
		return;
	rc = lg_http_step(v, &status, &body, &blen, &loc);
	if (rc == 0)
		return;
	if (rc < 0) {
		lg_viewer_fail(o, v, "WHEP POST: %s", strerror(-rc));
		return;
	}
	if (status != 201) {
		lg_viewer_fail(o, v, "WHEP POST: HTTP %d: %.60s", status, body);
		return;
	}
	if (loc) {
		/* §4.2 Location: absolute or relative; keep the path */
		if (strncmp(loc, "http://", 7) == 0 && strchr(loc + 7, '/'))
			loc = strchr(loc + 7, '/');
		sg_strlcpy(v->location, loc, sizeof(v->location));
	}
	v->t_answer_ns = lg_now_ns();
	rc = lg_answer_read(o, v, body, blen);
	lg_http_close(o, v);
	if (rc < 0) {
		lg_viewer_fail(o, v, "bad answer");
		return;
	}
	rc = udp_open(o, v);
	if (rc < 0) {
		lg_viewer_fail(o, v, "UDP socket: %s", strerror(-rc));
		return;
	}
	v->state = LG_ICE;
	v->next_check_ns = 0;
	lg_viewer_tick(o, v, lg_now_ns());
}

static void check_send(struct lg_viewer *v, bool nominate)
{
	uint8_t buf[600];
	struct sg_stun_request r = {
		.username = v->username,
		.key = &v->key,
		/* RFC 8445 §5.1.2.1: peer-reflexive type preference 110, one component */
		.priority = (110u << 24) | (65535u << 8) | 255u,
		.controlling = true,
		.tiebreaker = v->tiebreaker,
		.use_candidate = nominate,
	};
	RAND_bytes(v->tid, sizeof(v->tid));
	memcpy(r.tid, v->tid, sizeof(r.tid));
	int n = sg_stun_request_build(buf, sizeof(buf), &r);
	if (n > 0 && send(v->fd, buf, (size_t)n, 0) == n) {
		v->tid_pending = true;
		v->check_sent_ns = lg_now_ns();
	}
}

static void stun_rx(struct lg_opts *o, struct lg_viewer *v, const uint8_t *p, size_t n)
{
	struct sg_stun_msg m;
	if (!v->tid_pending)
		return;
	if (sg_stun_response_verify(p, n, v->tid, &v->key, &m) != SG_STUN_OK)
		return;
	v->tid_pending = false;
	if (m.type != SG_STUN_BINDING_SUCCESS) {
		lg_viewer_fail(o, v, "ICE: Binding error %u", m.error_code);
		return;
	}
	uint64_t now = lg_now_ns();
	v->last_consent_ok_ns = now;
	if (v->state == LG_ICE) {
		/* §7.2.5.3: the nominated pair succeeded: ICE completed; start DTLS */
		v->t_ice_ns = now;
		v->next_check_ns = now + CONSENT_NS;
		int rc = lg_dtls_start(o, v);
		if (rc < 0)
			lg_viewer_fail(o, v, "DTLS: %s", strerror(-rc));
		else if (v->state == LG_FAILED)
			lg_viewer_fail(o, v, "DTLS failed");
	} else {
		v->consent_ok++;
	}
}

int lg_srtp_key(struct lg_viewer *v)
{
	const SRTP_PROTECTION_PROFILE *prof = SSL_get_selected_srtp_profile(v->ssl);
	uint8_t km[2 * (32 + 14)], key[32 + 14];
	size_t kl, sl;
	srtp_policy_t pol;

	if (!prof) {
		snprintf(v->fail, sizeof(v->fail), "DTLS: no SRTP profile negotiated");
		return -1;
	}
	memset(&pol, 0, sizeof(pol));
	if (prof->id == SRTP_AEAD_AES_128_GCM) {
		kl = 16, sl = 12;
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtcp);
		v->profile = "AEAD_AES_128_GCM";
	} else if (prof->id == SRTP_AEAD_AES_256_GCM) {
		kl = 32, sl = 12;
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&pol.rtp);
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&pol.rtcp);
		v->profile = "AEAD_AES_256_GCM";
	} else if (prof->id == SRTP_AES128_CM_SHA1_80) {
		kl = 16, sl = 14;
		srtp_crypto_policy_set_rtp_default(&pol.rtp);
		srtp_crypto_policy_set_rtcp_default(&pol.rtcp);
		v->profile = "AES128_CM_HMAC_SHA1_80";
	} else if (prof->id == SRTP_AES128_CM_SHA1_32) {
		/* RFC 5764 §4.1.2: 32-bit SRTP tag, SRTCP keeps the 80-bit one. */
		kl = 16, sl = 14;
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&pol.rtp);
		srtp_crypto_policy_set_rtcp_default(&pol.rtcp);
		v->profile = "AES128_CM_HMAC_SHA1_32";
	} else {
		snprintf(v->fail, sizeof(v->fail), "DTLS: unexpected SRTP profile %s", prof->name);
		return -1;
	}
	/* RFC 5764 §4.2: client_key | server_key | client_salt | server_salt.
	 * We are the DTLS client: the server's packets use the server half. */
	if (SSL_export_keying_material(v->ssl, km, 2 * (kl + sl), "EXTRACTOR-dtls_srtp", 19, NULL, 0, 0) != 1) {
		snprintf(v->fail, sizeof(v->fail), "DTLS: keying material export failed");
		return -1;
	}
	memcpy(key, km + kl, kl);
	memcpy(key + kl, km + 2 * kl + sl, sl);
	pol.ssrc.type = ssrc_any_inbound;
	pol.key = key;
	pol.window_size = 1024;
	pol.allow_repeat_tx = 0;
	srtp_err_status_t e = srtp_create(&v->srtp, &pol);
	sg_secure_zero(km, sizeof(km));
	sg_secure_zero(key, sizeof(key));
	if (e != srtp_err_status_ok) {
		v->srtp = NULL;
		snprintf(v->fail, sizeof(v->fail), "srtp_create: error %d", (int)e);
		return -1;
	}
	v->t_keyed_ns = lg_now_ns();
	return 0;
}

static struct lg_ssrc *ssrc_get(struct lg_viewer *v, uint32_t ssrc)
{
	for (unsigned i = 0; i < v->n_ssrc; i++)
		if (v->ssrc[i].ssrc == ssrc)
			return &v->ssrc[i];
	if (v->n_ssrc == LG_MAX_SSRC)
		return NULL;
	v->ssrc[v->n_ssrc].ssrc = ssrc;
	return &v->ssrc[v->n_ssrc++];
}

/* RFC 3550 §A.1, without probation: the server's streams are ours to trust. */
static void seq_update(struct lg_ssrc *s, uint16_t seq)
{
	if (!s->init) {
		s->init = true;
		s->max_seq = seq;
		s->cycles = 0;
		s->base_ext = seq;
		s->received = 1;
		return;
	}
	uint16_t delta = (uint16_t)(seq - s->max_seq);
	if (delta != 0 && delta < 0x8000) {
		if (seq < s->max_seq)
			s->cycles += 65536;
		s->max_seq = seq;
	} else if (delta != 0) {
		s->reordered++;
	}
	s->received++;
}

static void media_rx(struct lg_viewer *v, uint8_t *p, size_t n)
{
	int len = (int)n;
	srtp_err_status_t e;
	bool rtcp = n >= 2 && p[1] >= 192 && p[1] <= 223; /* RFC 5761 §4 */

	if (!v->srtp) {
		v->rx_early++;
		return;
	}
	e = rtcp ? srtp_unprotect_rtcp(v->srtp, p, &len) : srtp_unprotect(v->srtp, p, &len);
	if (e == srtp_err_status_auth_fail) {
		v->auth_fail++;
		return;
	}
	if (e == srtp_err_status_replay_fail || e == srtp_err_status_replay_old) {
		v->replay++;
		return;
	}
	if (e != srtp_err_status_ok) {
		v->other_fail++;
		return;
	}
	if (rtcp) {
		v->rtcp_ok++;
		return;
	}
	v->rtp_ok++;
	v->rtp_bytes += n;
	uint16_t seq = (uint16_t)(p[2] << 8 | p[3]);
	uint32_t ssrc = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11];
	struct lg_ssrc *s = ssrc_get(v, ssrc);
	if (s) {
		s->pt = p[1] & 0x7f;
		seq_update(s, seq);
	}
}

void lg_viewer_udp_event(struct lg_opts *o, struct lg_viewer *v)
{
	static uint8_t bufs[RX_BATCH][2048];
	struct mmsghdr msgs[RX_BATCH];
	struct iovec iov[RX_BATCH];

	for (;;) {
		if (v->fd < 0)
			return;
		for (unsigned i = 0; i < RX_BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof(bufs[i]);
			memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		int n = recvmmsg(v->fd, msgs, RX_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		uint64_t now = lg_now_ns();
		for (int i = 0; i < n; i++) {
			uint8_t *p = bufs[i];
			size_t len = msgs[i].msg_len;
			if (len == 0)
				continue;
			v->rx_dgrams++;
			v->rx_bytes += len;
			/* RFC 7983 §7 demultiplexing on the first byte */
			if (p[0] <= 3)
				stun_rx(o, v, p, len);
			else if (p[0] >= 20 && p[0] <= 63)
				lg_dtls_input(v, p, len);
			else if (p[0] >= 128 && p[0] <= 191 && len >= 12)
				media_rx(v, p, len);
			else
				v->not_rtp++;
			if (v->state == LG_FAILED) {
				lg_viewer_fail(o, v, "DTLS failed");
				return;
			}
		}
		v->t_last_rx_ns = now;
		if (n < RX_BATCH)
			return;
	}
}

void lg_viewer_tick(struct lg_opts *o, struct lg_viewer *v, uint64_t now)
{
	uint64_t limit = v->t_start_ns + (uint64_t)(o->connect_timeout * 1e9);

	switch (v->state) {
	case LG_HTTP:
		if (now > limit)
			lg_viewer_fail(o, v, "WHEP POST: no answer in %.0f s", o->connect_timeout);
		break;
	case LG_ICE:
		if (now >= v->next_check_ns) {
			if (v->check_tries++ >= CHECK_TRIES) {
				lg_viewer_fail(o, v, "ICE: no answer to %u connectivity checks", CHECK_TRIES);
				break;
			}
			check_send(v, true);
			v->next_check_ns = now + CHECK_RTO_NS;
		}
		break;
	case LG_DTLS:
		lg_dtls_timer(v, now);
		if (v->state == LG_FAILED)
			lg_viewer_fail(o, v, "DTLS failed");
		else if (now > limit)
			lg_viewer_fail(o, v, "DTLS: not connected in %.0f s", o->connect_timeout);
		break;
	case LG_MEDIA:
		/* RFC 7675 §5.1: consent checks every ~5 s; retransmit an
		 * unanswered one after 500 ms; lost after 30 s without an answer */
		if (now >= v->next_check_ns) {
			v->consent_sent++;
			check_send(v, false);
			uint8_t r;
			RAND_bytes(&r, 1);
			/* randomised over 0.8..1.2 of the interval (§5.1) */
			v->next_check_ns = now + CONSENT_NS * (80 + r % 41) / 100;
		} else if (v->tid_pending && now - v->check_sent_ns > 500000000ull) {
			check_send(v, false);
		}
		if (now - v->last_consent_ok_ns > CONSENT_LOST_NS)
			lg_viewer_fail(o, v, "ICE: consent lost (no answer for 30 s)");
		break;
	default:
		break;
	}
}

void lg_viewer_stop(struct lg_opts *o, struct lg_viewer *v)
{
	if (v->ssl && v->state == LG_MEDIA) {
		SSL_shutdown(v->ssl); /* close_notify */
		char *p;
		long n = BIO_get_mem_data(v->wb, &p);
		if (n > 0 && v->fd >= 0)
			send(v->fd, p, (size_t)n, 0);
	}
	lg_dtls_free(v);
	if (v->srtp) {
		srtp_dealloc(v->srtp);
		v->srtp = NULL;
	}
	lg_http_close(o, v);
	if (v->fd >= 0) {
		epoll_ctl(o->ep, EPOLL_CTL_DEL, v->fd, NULL);
		close(v->fd);
		v->fd = -1;
	}
	sg_stun_key_wipe(&v->key);
	if (v->state != LG_FAILED)
		v->state = LG_DONE;
}

void lg_viewer_loss(const struct lg_viewer *v, uint64_t *expected, int64_t *lost, uint64_t *reordered)
{
	*expected = 0;
	*lost = 0;
	*reordered = 0;
	for (unsigned i = 0; i < v->n_ssrc; i++) {
		const struct lg_ssrc *s = &v->ssrc[i];
		uint64_t exp = (uint64_t)s->cycles + s->max_seq - s->base_ext + 1;
		*expected += exp;
		*lost += (int64_t)exp - (int64_t)s->received;
		*reordered += s->reordered;
	}
}
