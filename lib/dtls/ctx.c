/* SPDX-License-Identifier: BSD-3-Clause
 * lib/dtls server context: OpenSSL SSL_CTX configuration and its callbacks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/srtp.h>
#include <openssl/tls1.h>

#include "sg_common.h"
#include "dtls_priv.h"

/* RFC 5764 §4.1.2 profiles, our preference order: GCM-128 first (RFC 7714),
 * then the mandatory AES_CM_128_HMAC_SHA1_80 (RFC 8827 §6.5), then the rest. */
#define DTLS_SRTP_PROFILES_DEFAULT \
	"SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_256_GCM:SRTP_AES128_CM_SHA1_32"

/* RFC 8827 §6.5: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 with P-256 is
 * mandatory; AEAD suites only, ECDSA first (our generated cert), RSA for
 * loaded RSA certificates. */
#define DTLS_CIPHERS                                                                 \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"              \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:"                \
	"ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305"

#define DTLS_GROUPS "X25519:P-256"

/* RFC 6347 §4.2.4.1: 1 s initial, doubled on each timeout, at least 60 s cap. */
#define DTLS_TIMER_INITIAL_US 1000000u
#define DTLS_TIMER_MAX_US 60000000u

static const struct {
	const char *name;
	int id;
} srtp_names[] = {
	{"SRTP_AES128_CM_SHA1_80", SG_DTLS_SRTP_AES128_CM_SHA1_80},
	{"SRTP_AES128_CM_SHA1_32", SG_DTLS_SRTP_AES128_CM_SHA1_32},
	{"SRTP_AEAD_AES_128_GCM", SG_DTLS_SRTP_AEAD_AES_128_GCM},
	{"SRTP_AEAD_AES_256_GCM", SG_DTLS_SRTP_AEAD_AES_256_GCM},
};

const char *sg_dtls_srtp_profile_name(int profile)
{
	for (size_t i = 0; i < SG_ARRAY_SIZE(srtp_names); i++)
		if (srtp_names[i].id == profile)
			return srtp_names[i].name;
	return "?";
}

int sg_dtls_srtp_profile_lengths(int profile, uint8_t *key_len, uint8_t *salt_len)
{
	uint8_t k, s;

	switch (profile) {
	case SG_DTLS_SRTP_AES128_CM_SHA1_80:
	case SG_DTLS_SRTP_AES128_CM_SHA1_32:
		k = 16, s = 14; /* RFC 5764 §4.1.2 */
		break;
	case SG_DTLS_SRTP_AEAD_AES_128_GCM:
		k = 16, s = 12; /* RFC 7714 §12 */
		break;
	case SG_DTLS_SRTP_AEAD_AES_256_GCM:
		k = 32, s = 12;
		break;
	default:
		return -EINVAL;
	}
	if (key_len)
		*key_len = k;
	if (salt_len)
		*salt_len = s;
	return 0;
}

/* Timer policy (OpenSSL calls with 0 to start a flight, then with the
 * expired duration): initial, doubled, capped. */
unsigned int dtls_timer_cb(SSL *ssl, unsigned int timer_us)
{
	struct sg_dtls_conn *c = dtls_conn_from_ssl(ssl);
	uint32_t init = c ? c->timer_initial_us : DTLS_TIMER_INITIAL_US;
	uint32_t max = c ? c->timer_max_us : DTLS_TIMER_MAX_US;
	uint64_t next;

	if (timer_us == 0)
		return init;
	next = (uint64_t)timer_us * 2;
	return next > max ? max : (unsigned int)next;
}

/*
 * RFC 5764 §4.1.2: refuse a ClientHello without use_srtp, or whose profiles
 * share nothing with ours (OpenSSL would otherwise complete a handshake that
 * yields no SRTP keys). extension_data: SRTPProtectionProfiles<2..2^16-1>
 * (uint16 ids) followed by srtp_mki<0..255>.
 */
static int client_hello_cb(SSL *ssl, int *al, void *arg)
{
	struct sg_dtls_conn *c = dtls_conn_from_ssl(ssl);
	STACK_OF(SRTP_PROTECTION_PROFILE) *ours = SSL_get_srtp_profiles(ssl);
	const unsigned char *p;
	size_t len, n;

	SG_UNUSED(arg);
	if (!SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_use_srtp, &p, &len)) {
		if (c)
			c->no_srtp_offer = true;
		goto refuse;
	}
	if (len < 2)
		goto refuse_common;
	n = (size_t)p[0] << 8 | p[1];
	if (n < 2 || (n & 1) || n + 3 > len || n + 3 + p[n + 2] != len)
		goto refuse_common; /* malformed: OpenSSL would send decode_error anyway */
	for (size_t i = 0; i < n; i += 2) {
		unsigned long id = (unsigned long)p[2 + i] << 8 | p[3 + i];
		for (int j = 0; ours && j < sk_SRTP_PROTECTION_PROFILE_num(ours); j++)
			if (sk_SRTP_PROTECTION_PROFILE_value(ours, j)->id == id)
				return SSL_CLIENT_HELLO_SUCCESS;
	}
refuse_common:
	if (c)
		c->no_common_srtp = true;
refuse:
	*al = SSL_AD_HANDSHAKE_FAILURE;
	return SSL_CLIENT_HELLO_ERROR;
}

/*
 * Replaces PKI chain validation: the client's certificate is self-signed;
 * it is authenticated by the fingerprint from the SDP offer (RFC 8122 §5,
 * RFC 8827 §6.5). Leaf only; any chain the client sends is ignored.
 */
static int cert_verify_cb(X509_STORE_CTX *store, void *arg)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct sg_dtls_conn *c = ssl ? dtls_conn_from_ssl(ssl) : NULL;
	X509 *leaf = X509_STORE_CTX_get0_cert(store);

	SG_UNUSED(arg);
	if (!c || !leaf || !dtls_fingerprint_match(&c->remote_fp, leaf)) {
		if (c)
			c->fp_mismatch = true;
		X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
		return 0;
	}
	X509_STORE_CTX_set_error(store, X509_V_OK);
	return 1;
}

/* Remember alerts in both directions for the failure reason. */
static void info_cb(const SSL *ssl, int where, int ret)
{
	struct sg_dtls_conn *c = dtls_conn_from_ssl(ssl);

	if (!c || !(where & SSL_CB_ALERT))
		return;
	if (where & SSL_CB_READ)
		c->peer_alert = ret & 0xffff;
	else
		c->sent_alert = ret & 0xffff;
}

static int srtp_list_valid(const char *s)
{
	char buf[128];
	char *save = NULL, *tok;

	if (!s || !*s || sg_strlcpy(buf, s, sizeof(buf)) >= sizeof(buf))
		return 0;
	for (tok = strtok_r(buf, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		size_t i;
		for (i = 0; i < SG_ARRAY_SIZE(srtp_names); i++)
			if (!strcmp(tok, srtp_names[i].name))
				break;
		if (i == SG_ARRAY_SIZE(srtp_names))
			return 0;
	}
	return s[0] != ':' && s[strlen(s) - 1] != ':' && !strstr(s, "::");
}

int sg_dtls_ctx_set_srtp_profiles(struct sg_dtls_ctx *ctx, const char *profiles)
{
	if (!ctx || !srtp_list_valid(profiles))
		return -EINVAL;
	sg_strlcpy(ctx->srtp_profiles, profiles, sizeof(ctx->srtp_profiles));
	return 0;
}

int sg_dtls_ctx_set_timer(struct sg_dtls_ctx *ctx, uint32_t initial_ms, uint32_t max_ms)
{
	if (!ctx || initial_ms < SG_DTLS_TIMER_MIN_MS || max_ms < initial_ms || max_ms > 600000)
		return -EINVAL;
	ctx->timer_initial_us = initial_ms * 1000u;
	ctx->timer_max_us = max_ms * 1000u;
	return 0;
}

struct sg_dtls_ctx *sg_dtls_ctx_create(const struct sg_dtls_cert *cert)
{
	struct sg_dtls_ctx *ctx;
	SSL_CTX *sc;
	int err = EIO;

	if (!cert) {
		errno = EINVAL;
		return NULL;
	}
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		errno = ENOMEM;
		return NULL;
	}
	ERR_clear_error();
	sc = ctx->ssl_ctx = SSL_CTX_new(DTLS_server_method());
	if (!sc) {
		err = ENOMEM;
		goto err;
	}
	/* OpenSSL 3.0 has no DTLS 1.3: a 1.3-capable ClientHello (legacy_version
	 * DTLS 1.2 + supported_versions) is answered with DTLS 1.2. */
	if (!SSL_CTX_set_min_proto_version(sc, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(sc, DTLS1_2_VERSION))
		goto err;
	SSL_CTX_set_options(sc, SSL_OP_NO_QUERY_MTU | SSL_OP_CIPHER_SERVER_PREFERENCE |
					SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET |
					SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_session_cache_mode(sc, SSL_SESS_CACHE_OFF);
	if (!SSL_CTX_set_cipher_list(sc, DTLS_CIPHERS) || !SSL_CTX_set1_groups_list(sc, DTLS_GROUPS))
		goto err;
	if (SSL_CTX_use_certificate(sc, cert->x509) != 1 ||
	    SSL_CTX_use_PrivateKey(sc, cert->pkey) != 1 || SSL_CTX_check_private_key(sc) != 1)
		goto err;
	for (int i = 0; cert->chain && i < sk_X509_num(cert->chain); i++)
		if (!SSL_CTX_add1_chain_cert(sc, sk_X509_value(cert->chain, i)))
			goto err;
	/* Note: SSL_CTX_set_tlsext_use_srtp returns 0 on success. */
	sg_strlcpy(ctx->srtp_profiles, DTLS_SRTP_PROFILES_DEFAULT, sizeof(ctx->srtp_profiles));
	if (SSL_CTX_set_tlsext_use_srtp(sc, ctx->srtp_profiles) != 0)
		goto err;
	/* RFC 8842 §5.1 / RFC 8827 §6.5: both endpoints present a certificate. */
	SSL_CTX_set_verify(sc, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_cert_verify_callback(sc, cert_verify_cb, NULL);
	SSL_CTX_set_client_hello_cb(sc, client_hello_cb, NULL);
	SSL_CTX_set_info_callback(sc, info_cb);
	ctx->timer_initial_us = DTLS_TIMER_INITIAL_US;
	ctx->timer_max_us = DTLS_TIMER_MAX_US;
	return ctx;
err: {
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;
	SG_ERR(DTLS_TAG, "cannot create the DTLS context: %s", r ? r : "out of memory");
	ERR_clear_error();
}
	sg_dtls_ctx_free(ctx);
	errno = err;
	return NULL;
}

void sg_dtls_ctx_free(struct sg_dtls_ctx *ctx)
{
	if (!ctx)
		return;
	SSL_CTX_free(ctx->ssl_ctx); /* reference counted: live conns keep theirs */
	free(ctx);
}
