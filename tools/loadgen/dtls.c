/* SPDX-License-Identifier: BSD-3-Clause
 * sg-loadgen: the DTLS 1.2 client of every viewer (RFC 5763 §5: the offerer
 * with setup:actpass answered by setup:passive is the DTLS client), with
 * use_srtp (RFC 5764 §4.1), a self-signed ECDSA P-256 certificate and the
 * server certificate checked against the answer's a=fingerprint
 * (RFC 8122 §5). Memory BIOs; datagrams go out on the viewer's socket.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "loadgen.h"

#define LG_DTLS_MTU 1200

static void fp_format(X509 *x, char *out, size_t len)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	size_t off;
	X509_digest(x, EVP_sha256(), d, &n);
	off = (size_t)snprintf(out, len, "sha-256 ");
	for (unsigned int i = 0; i < n && off + 3 < len; i++)
		off += (size_t)snprintf(out + off, len - off, "%02X%s", d[i], i + 1 < n ? ":" : "");
}

/* RFC 8122 §5: the certificate must match the fingerprint of the SDP. */
static int verify_cb(X509_STORE_CTX *st, void *arg)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(st, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct lg_viewer *v = ssl ? SSL_get_app_data(ssl) : NULL;
	X509 *x = X509_STORE_CTX_get0_cert(st);
	char fp[256];

	(void)arg;
	if (!v || !x)
		return 0;
	fp_format(x, fp, sizeof(fp));
	if (strcasecmp(fp, v->server_fp) != 0) {
		snprintf(v->fail, sizeof(v->fail), "DTLS: server certificate does not match the answer's fingerprint");
		return 0;
	}
	return 1;
}

/* Retransmit the flight after 250 ms, then doubling (RFC 6347 §4.2.4.1 starts at 1 s). */
static unsigned int timer_cb(SSL *s, unsigned int us)
{
	(void)s;
	return us == 0 ? 250000 : (us * 2 > 4000000 ? 4000000 : us * 2);
}

int lg_dtls_ctx_init(struct lg_opts *o)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *n;
	int rc = -EINVAL;

	o->ssl_ctx = SSL_CTX_new(DTLS_client_method());
	if (!k || !x || !o->ssl_ctx)
		goto out;
	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 30 * 86400);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"sg-loadgen", -1, -1, 0);
	X509_set_issuer_name(x, n);
	X509_set_pubkey(x, k);
	if (X509_sign(x, k, EVP_sha256()) <= 0)
		goto out;
	if (SSL_CTX_use_certificate(o->ssl_ctx, x) != 1 || SSL_CTX_use_PrivateKey(o->ssl_ctx, k) != 1)
		goto out;
	SSL_CTX_set_min_proto_version(o->ssl_ctx, DTLS1_2_VERSION);
	/* SSL_CTX_set_tlsext_use_srtp returns 0 on success */
	if (SSL_CTX_set_tlsext_use_srtp(o->ssl_ctx, "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80") != 0)
		goto out;
	SSL_CTX_set_verify(o->ssl_ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_cert_verify_callback(o->ssl_ctx, verify_cb, NULL);
	fp_format(x, o->our_fp, sizeof(o->our_fp));
	rc = 0;
out:
	X509_free(x);
	EVP_PKEY_free(k);
	if (rc < 0)
		ERR_print_errors_fp(stderr);
	return rc;
}

/* Send every pending record, packed into datagrams of at most the MTU. */
static void flush(struct lg_viewer *v)
{
	char *p;
	long avail;
	while ((avail = BIO_get_mem_data(v->wb, &p)) > 0) {
		size_t off = 0;
		while (off + 13 <= (size_t)avail) {
			size_t r = 13 + ((size_t)(uint8_t)p[off + 11] << 8 | (uint8_t)p[off + 12]);
			if (off && off + r > LG_DTLS_MTU)
				break;
			off += r;
		}
		if (off == 0 || off > (size_t)avail)
			off = (size_t)avail;
		uint8_t d[4096];
		if (off > sizeof(d))
			off = sizeof(d);
		int n = BIO_read(v->wb, d, (int)off);
		if (n > 0)
			send(v->fd, d, (size_t)n, 0);
	}
}

static void drive(struct lg_viewer *v)
{
	int r = SSL_do_handshake(v->ssl);
	if (r == 1) {
		flush(v);
		if (lg_srtp_key(v) == 0)
			v->state = LG_MEDIA;
		else
			v->state = LG_FAILED;
		return;
	}
	int e = SSL_get_error(v->ssl, r);
	flush(v);
	if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
		char buf[120];
		ERR_error_string_n(ERR_peek_last_error(), buf, sizeof(buf));
		if (!v->fail[0])
			snprintf(v->fail, sizeof(v->fail), "DTLS handshake failed: %s", buf);
		v->state = LG_FAILED;
	}
	ERR_clear_error();
}

int lg_dtls_start(const struct lg_opts *o, struct lg_viewer *v)
{
	v->ssl = SSL_new(o->ssl_ctx);
	v->rb = BIO_new(BIO_s_mem());
	v->wb = BIO_new(BIO_s_mem());
	if (!v->ssl || !v->rb || !v->wb) {
		BIO_free(v->rb);
		BIO_free(v->wb);
		SSL_free(v->ssl);
		v->ssl = NULL;
		v->rb = v->wb = NULL;
		return -ENOMEM;
	}
	BIO_set_mem_eof_return(v->rb, -1);
	BIO_set_mem_eof_return(v->wb, -1);
	SSL_set_bio(v->ssl, v->rb, v->wb);
	SSL_set_app_data(v->ssl, v);
	SSL_set_options(v->ssl, SSL_OP_NO_QUERY_MTU);
	SSL_set_mtu(v->ssl, LG_DTLS_MTU);
	DTLS_set_timer_cb(v->ssl, timer_cb);
	/* RFC 5764 §4.1.1: the client lists the profiles it offers; this viewer's
	 * list (--srtp) replaces the context's. SSL_set_tlsext_use_srtp returns 0
	 * on success. */
	if (o->n_srtp && SSL_set_tlsext_use_srtp(v->ssl, o->srtp_offer[v->idx % o->n_srtp]) != 0) {
		SSL_free(v->ssl); /* frees both BIOs */
		v->ssl = NULL;
		v->rb = v->wb = NULL;
		return -EINVAL;
	}
	SSL_set_connect_state(v->ssl);
	v->state = LG_DTLS;
	drive(v);
	return 0;
}

void lg_dtls_input(struct lg_viewer *v, const uint8_t *p, size_t n)
{
	if (!v->ssl)
		return;
	BIO_write(v->rb, p, (int)n);
	if (v->state == LG_DTLS) {
		drive(v);
	} else {
		/* after the handshake: alerts (close_notify) or a retransmitted
		 * server flight; let OpenSSL consume it */
		uint8_t buf[2048];
		int r = SSL_read(v->ssl, buf, sizeof(buf));
		if (r <= 0 && SSL_get_error(v->ssl, r) == SSL_ERROR_ZERO_RETURN && v->state == LG_MEDIA)
			snprintf(v->fail, sizeof(v->fail), "server closed DTLS");
		flush(v);
		ERR_clear_error();
	}
}

void lg_dtls_timer(struct lg_viewer *v, uint64_t now)
{
	(void)now;
	if (v->ssl && v->state == LG_DTLS && DTLSv1_handle_timeout(v->ssl) > 0)
		flush(v);
}

void lg_dtls_free(struct lg_viewer *v)
{
	SSL_free(v->ssl); /* frees the BIOs */
	v->ssl = NULL;
	v->rb = v->wb = NULL;
}
