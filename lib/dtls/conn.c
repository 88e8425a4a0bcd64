/* SPDX-License-Identifier: BSD-3-Clause
 * lib/dtls connection: sans-IO DTLS 1.2 server on two OpenSSL memory BIOs.
 *
 * Datagram boundaries: each record of a received datagram is written alone
 * into the empty read BIO and the DTLS record layer reads it with one
 * BIO_read (it treats one read as one datagram); whatever it leaves is
 * discarded so records never merge. On the way out OpenSSL writes whole records (each sized to the
 * MTU, SSL_OP_NO_QUERY_MTU + SSL_set_mtu) into the write BIO; output packs
 * consecutive whole records into datagrams up to the MTU (RFC 6347 §4.1.1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/srtp.h>

#include "sg_common.h"
#include "dtls_priv.h"

/* RFC 5764 §4.2 exporter label. */
static const char srtp_label[] = "EXTRACTOR-dtls_srtp";

const char *sg_dtls_state_name(enum sg_dtls_state st)
{
	switch (st) {
	case SG_DTLS_HANDSHAKING:
		return "handshaking";
	case SG_DTLS_CONNECTED:
		return "connected";
	case SG_DTLS_FAILED:
		return "failed";
	case SG_DTLS_CLOSED:
		return "closed";
	}
	return "?";
}

struct sg_dtls_conn *sg_dtls_conn_create(struct sg_dtls_ctx *ctx, const char *remote_fingerprint,
					 uint16_t mtu)
{
	struct sg_dtls_conn *c;
	BIO *rbio = NULL, *wbio = NULL;
	int err = ENOMEM;

	if (!ctx || !remote_fingerprint) {
		errno = EINVAL;
		return NULL;
	}
	if (mtu == 0)
		mtu = SG_DTLS_MTU_DEFAULT;
	if (mtu < SG_DTLS_MTU_MIN) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		errno = ENOMEM;
		return NULL;
	}
	c->peer_alert = c->sent_alert = -1;
	c->mtu = mtu;
	c->timer_initial_us = ctx->timer_initial_us;
	c->timer_max_us = ctx->timer_max_us;
	if (dtls_fingerprint_parse(remote_fingerprint, &c->remote_fp) < 0) {
		err = EINVAL;
		goto err;
	}
	ERR_clear_error();
	c->ssl = SSL_new(ctx->ssl_ctx);
	rbio = BIO_new(BIO_s_mem());
	wbio = BIO_new(BIO_s_mem());
	if (!c->ssl || !rbio || !wbio)
		goto err;
	/* An empty memory BIO means "retry later", not end of file. */
	BIO_set_mem_eof_return(rbio, -1);
	BIO_set_mem_eof_return(wbio, -1);
	SSL_set_bio(c->ssl, rbio, wbio); /* the SSL owns both BIOs from here */
	c->rbio = rbio;
	c->wbio = wbio;
	rbio = wbio = NULL;
	if (!SSL_set_app_data(c->ssl, c))
		goto err;
	SSL_set_options(c->ssl, SSL_OP_NO_QUERY_MTU);
	if (SSL_set_mtu(c->ssl, mtu) <= 0) {
		err = EINVAL;
		goto err;
	}
	if (SSL_set_tlsext_use_srtp(c->ssl, ctx->srtp_profiles) != 0) /* 0 = success */
		goto err;
	DTLS_set_timer_cb(c->ssl, dtls_timer_cb);
	SSL_set_accept_state(c->ssl);
	c->state = SG_DTLS_HANDSHAKING;
	return c;
err:
	ERR_clear_error();
	BIO_free(rbio);
	BIO_free(wbio);
	sg_dtls_conn_free(c);
	errno = err;
	return NULL;
}

void sg_dtls_conn_free(struct sg_dtls_conn *c)
{
	if (!c)
		return;
	SSL_free(c->ssl); /* frees both BIOs; OpenSSL cleanses its key material */
	sg_secure_zero(c, sizeof(*c));
	free(c);
}

static const char *alert_desc(int alert)
{
	return SSL_alert_desc_string_long(alert);
}

/* Fill c->err for a handshake/record failure from what the callbacks saw and
 * the OpenSSL error queue (most specific first). */
static void set_failure_reason(struct sg_dtls_conn *c)
{
	unsigned long e = ERR_peek_last_error();
	int reason = ERR_GET_REASON(e);
	const char *rs;

	if (c->fp_mismatch) {
		snprintf(c->err, sizeof(c->err), "peer certificate fingerprint does not match the offer");
	} else if (c->no_srtp_offer) {
		snprintf(c->err, sizeof(c->err), "peer did not offer DTLS-SRTP (no use_srtp extension)");
	} else if (c->no_common_srtp) {
		snprintf(c->err, sizeof(c->err), "peer offered no SRTP protection profile we support");
	} else if (c->peer_alert >= 0 && (c->peer_alert >> 8) == SSL3_AL_FATAL) {
		snprintf(c->err, sizeof(c->err), "peer sent fatal alert: %s", alert_desc(c->peer_alert));
	} else if (ERR_GET_LIB(e) == ERR_LIB_SSL && reason == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE) {
		snprintf(c->err, sizeof(c->err), "peer did not present a certificate");
	} else if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
		   (reason == SSL_R_UNSUPPORTED_PROTOCOL || reason == SSL_R_VERSION_TOO_LOW ||
		    reason == SSL_R_WRONG_VERSION_NUMBER)) {
		snprintf(c->err, sizeof(c->err), "peer does not support DTLS 1.2");
	} else if (ERR_GET_LIB(e) == ERR_LIB_SSL && reason == SSL_R_NO_SHARED_CIPHER) {
		snprintf(c->err, sizeof(c->err), "no cipher suite in common with the peer");
	} else if (ERR_GET_LIB(e) == ERR_LIB_SSL && reason == SSL_R_READ_TIMEOUT_EXPIRED) {
		snprintf(c->err, sizeof(c->err), "handshake timed out (peer stopped answering)");
	} else {
		rs = e ? ERR_reason_error_string(e) : NULL;
		if (c->sent_alert >= 0)
			snprintf(c->err, sizeof(c->err), "handshake failed: %s (sent alert: %s)",
				 rs ? rs : "protocol error", alert_desc(c->sent_alert));
		else
			snprintf(c->err, sizeof(c->err), "handshake failed: %s", rs ? rs : "protocol error");
	}
}

static void fail(struct sg_dtls_conn *c, const char *reason)
{
	if (reason)
		sg_strlcpy(c->err, reason, sizeof(c->err));
	else
		set_failure_reason(c);
	c->state = SG_DTLS_FAILED;
	ERR_clear_error(); /* leave nothing in this thread's queue for others */
	SG_DEBUG(DTLS_TAG, "conn %p failed: %s", (void *)c, c->err);
}

/* The handshake finished: re-check what the callbacks enforced. */
static int handshake_done(struct sg_dtls_conn *c)
{
	X509 *peer = SSL_get0_peer_certificate(c->ssl);
	const char *why = NULL;

	if (!peer)
		why = "peer did not present a certificate";
	else if (!dtls_fingerprint_match(&c->remote_fp, peer))
		why = "peer certificate fingerprint does not match the offer";
	else if (!SSL_get_selected_srtp_profile(c->ssl) ||
		 sg_dtls_srtp_profile_lengths((int)SSL_get_selected_srtp_profile(c->ssl)->id, NULL,
					      NULL) < 0)
		why = "no SRTP protection profile negotiated";
	if (why) {
		(void)SSL_shutdown(c->ssl); /* tell the peer (close_notify) */
		fail(c, why);
		return -EPROTO;
	}
	c->state = SG_DTLS_CONNECTED;
	SG_DEBUG(DTLS_TAG, "conn %p connected: %s %s %s", (void *)c, SSL_get_version(c->ssl),
		 SSL_get_cipher_name(c->ssl),
		 sg_dtls_srtp_profile_name((int)SSL_get_selected_srtp_profile(c->ssl)->id));
	return 0;
}

/* After the handshake: drain records. SSL_read also answers a retransmitted
 * client flight with our last flight (RFC 6347 §4.2.4). */
static int read_records(struct sg_dtls_conn *c)
{
	uint8_t scratch[2048];

	for (;;) {
		int n = SSL_read(c->ssl, scratch, sizeof(scratch));
		if (n > 0) {
			c->stats.rx_app_dropped += (uint64_t)n;
			continue;
		}
		switch (SSL_get_error(c->ssl, n)) {
		case SSL_ERROR_WANT_READ:
		case SSL_ERROR_WANT_WRITE:
			ERR_clear_error();
			return 0;
		case SSL_ERROR_ZERO_RETURN:
			/* close_notify: answer with ours (RFC 5246 §7.2.1) and stop. */
			(void)SSL_shutdown(c->ssl);
			c->state = SG_DTLS_CLOSED;
			sg_strlcpy(c->err, "peer sent close_notify", sizeof(c->err));
			ERR_clear_error();
			return 0;
		default:
			fail(c, NULL);
			return -EPROTO;
		}
	}
}

static int drive(struct sg_dtls_conn *c)
{
	if (c->state == SG_DTLS_HANDSHAKING) {
		int r = SSL_do_handshake(c->ssl);
		if (r != 1) {
			switch (SSL_get_error(c->ssl, r)) {
			case SSL_ERROR_WANT_READ:
			case SSL_ERROR_WANT_WRITE:
				ERR_clear_error();
				return 0;
			case SSL_ERROR_ZERO_RETURN:
				fail(c, "peer closed the connection during the handshake");
				return -EPROTO;
			default:
				fail(c, NULL);
				return -EPROTO;
			}
		}
		if (handshake_done(c) < 0)
			return -EPROTO;
	}
	if (c->state == SG_DTLS_CONNECTED)
		return read_records(c);
	return 0;
}

static inline size_t rec_len(const uint8_t *p)
{
	return DTLS_RECORD_HDR_LEN + ((size_t)p[11] << 8 | p[12]);
}

int sg_dtls_conn_input(struct sg_dtls_conn *c, const uint8_t *dgram, size_t len, uint64_t now_ns)
{
	int rc = 0;

	SG_UNUSED(now_ns);
	if (!c || !dgram || !len)
		return -EINVAL;
	if (c->state == SG_DTLS_FAILED || c->state == SG_DTLS_CLOSED) {
		c->stats.rx_after_end++;
		return -EPIPE;
	}
	if (len > SG_DTLS_DGRAM_MAX) {
		c->stats.rx_oversize++;
		return -EMSGSIZE;
	}
	/* RFC 7983 §7: DTLS content types are 20..63; the caller demuxes, we check. */
	if (dgram[0] < 20 || dgram[0] > 63) {
		c->stats.rx_not_dtls++;
		return -EINVAL;
	}
	c->stats.rx_dgrams++;
	c->stats.rx_bytes += len;
	/*
	 * Hand the records of the datagram to OpenSSL one at a time (RFC 6347
	 * §4.1.1: a datagram carries whole records). OpenSSL discards the rest
	 * of a datagram after any record it drops (bad version, replay, ...):
	 * e.g. a client's ClientHello retransmission (record version DTLS 1.0)
	 * sent in one datagram with its next flight would cost that flight and
	 * a retransmission timeout. Per record, only the bad record is lost.
	 * A trailing partial record is dropped here (RFC 6347 §4.1.2.7).
	 */
	for (size_t off = 0; off < len;) {
		size_t r;
		if (len - off < DTLS_RECORD_HDR_LEN || (r = rec_len(dgram + off)) > len - off) {
			c->stats.rx_bad_records++;
			break;
		}
		ERR_clear_error();
		if (BIO_write(c->rbio, dgram + off, (int)r) != (int)r) {
			ERR_clear_error();
			(void)BIO_reset(c->rbio);
			return -ENOMEM;
		}
		rc = drive(c);
		/* One record at a time: never let a remainder merge with the next. */
		if (BIO_ctrl_pending(c->rbio) > 0)
			(void)BIO_reset(c->rbio);
		if (rc < 0 || c->state == SG_DTLS_FAILED || c->state == SG_DTLS_CLOSED)
			return rc;
		off += r;
	}
	return 0;
}

int sg_dtls_conn_output(struct sg_dtls_conn *c, uint8_t *buf, size_t cap)
{
	char *data = NULL;
	long avail;
	size_t n, off = 0, limit;

	if (!c || !buf)
		return -EINVAL;
	avail = BIO_get_mem_data(c->wbio, &data);
	if (avail <= 0 || !data)
		return 0;
	n = (size_t)avail;
	limit = SG_MIN(cap, (size_t)c->mtu);
	/* Pack whole records (OpenSSL writes whole records, each within the MTU). */
	while (off < n) {
		size_t r = n - off >= DTLS_RECORD_HDR_LEN ? rec_len((uint8_t *)data + off) : n - off;
		if (r > n - off)
			r = n - off; /* cannot happen with OpenSSL; never read past the buffer */
		if (off == 0) {
			if (r > cap)
				return -ENOBUFS;
		} else if (off + r > limit) {
			break;
		}
		off += r;
	}
	if (BIO_read(c->wbio, buf, (int)off) != (int)off) {
		ERR_clear_error();
		return -EIO;
	}
	c->stats.tx_dgrams++;
	c->stats.tx_bytes += off;
	return (int)off;
}

uint64_t sg_dtls_conn_timeout_ns(struct sg_dtls_conn *c, uint64_t now_ns)
{
	struct timeval tv;

	if (!c || c->state == SG_DTLS_FAILED || c->state == SG_DTLS_CLOSED)
		return UINT64_MAX;
	if (DTLSv1_get_timeout(c->ssl, &tv) != 1)
		return UINT64_MAX;
	return now_ns + (uint64_t)tv.tv_sec * 1000000000ull + (uint64_t)tv.tv_usec * 1000ull;
}

int sg_dtls_conn_on_timeout(struct sg_dtls_conn *c, uint64_t now_ns)
{
	int r;

	SG_UNUSED(now_ns);
	if (!c)
		return -EINVAL;
	if (c->state == SG_DTLS_FAILED || c->state == SG_DTLS_CLOSED)
		return -EPIPE;
	ERR_clear_error();
	r = DTLSv1_handle_timeout(c->ssl); /* 1: retransmitted, 0: not due */
	if (r > 0)
		c->stats.timeouts++;
	if (r < 0) {
		fail(c, "handshake timed out (peer stopped answering)");
		return -ETIMEDOUT;
	}
	ERR_clear_error();
	return 0;
}

int sg_dtls_conn_close(struct sg_dtls_conn *c)
{
	if (!c)
		return -EINVAL;
	if (c->state == SG_DTLS_FAILED || c->state == SG_DTLS_CLOSED)
		return -EPIPE;
	ERR_clear_error();
	if (SSL_is_init_finished(c->ssl))
		(void)SSL_shutdown(c->ssl); /* queues close_notify */
	ERR_clear_error();
	c->state = SG_DTLS_CLOSED;
	sg_strlcpy(c->err, "closed locally", sizeof(c->err));
	return 0;
}

enum sg_dtls_state sg_dtls_conn_state(const struct sg_dtls_conn *c)
{
	return c ? c->state : SG_DTLS_FAILED;
}

const char *sg_dtls_conn_error(const struct sg_dtls_conn *c)
{
	return c ? c->err : "no connection";
}

int sg_dtls_conn_stats(const struct sg_dtls_conn *c, struct sg_dtls_conn_stats *out)
{
	if (!c || !out)
		return -EINVAL;
	*out = c->stats;
	return 0;
}

int sg_dtls_conn_describe(const struct sg_dtls_conn *c, char *out, size_t len)
{
	const SRTP_PROTECTION_PROFILE *p;
	int n;

	if (!c || !out)
		return -EINVAL;
	if (c->state != SG_DTLS_CONNECTED)
		return -ENOTCONN;
	p = SSL_get_selected_srtp_profile(c->ssl);
	n = snprintf(out, len, "%s %s %s", SSL_get_version(c->ssl), SSL_get_cipher_name(c->ssl),
		     p ? sg_dtls_srtp_profile_name((int)p->id) : "?");
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

/* RFC 5764 §4.2: client_write_SRTP_master_key | server_write_SRTP_master_key |
 * client_write_SRTP_master_salt | server_write_SRTP_master_salt. */
int sg_dtls_conn_srtp_keys(struct sg_dtls_conn *c, struct sg_dtls_srtp_keys *out)
{
	uint8_t km[2 * (32 + 14)];
	const SRTP_PROTECTION_PROFILE *p;
	uint8_t k, s;
	int profile;

	if (!c || !out)
		return -EINVAL;
	if (c->state != SG_DTLS_CONNECTED)
		return -ENOTCONN;
	p = SSL_get_selected_srtp_profile(c->ssl);
	if (!p)
		return -ENOTCONN;
	profile = (int)p->id;
	if (sg_dtls_srtp_profile_lengths(profile, &k, &s) < 0)
		return -EIO;
	ERR_clear_error();
	if (SSL_export_keying_material(c->ssl, km, 2u * (k + s), srtp_label, sizeof(srtp_label) - 1,
				       NULL, 0, 0) != 1) {
		ERR_clear_error();
		sg_secure_zero(km, sizeof(km));
		return -EIO;
	}
	memset(out, 0, sizeof(*out));
	out->profile = profile;
	out->key_len = k;
	out->salt_len = s;
	/* We are the server: local = server_write, remote = client_write. */
	memcpy(out->remote_key, km, k);
	memcpy(out->local_key, km + k, k);
	memcpy(out->remote_salt, km + 2 * k, s);
	memcpy(out->local_salt, km + 2 * k + s, s);
	sg_secure_zero(km, sizeof(km));
	return 0;
}
