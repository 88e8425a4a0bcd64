/* SPDX-License-Identifier: BSD-3-Clause
 * libFuzzer target for lib/dtls: arbitrary datagrams into a server conn that
 * is fresh, mid-handshake (server flight sent, client flight pending) or
 * connected; plus real client flights XOR-mutated by the input so the fuzzer
 * reaches the handshake message parsers.
 *
 * Input: byte 0 selects the mode; the rest is a list of datagrams, each a
 * 2-byte big-endian length then that many bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg_common.h"
#include "sg_dtls.h"
#include "../unit/dtls_test_peer.h"

static struct sg_dtls_ctx *g_ctx;
static struct tp_cert g_ccert;
static char g_cfp[256];

enum { M_FRESH, M_MID, M_CONNECTED, M_MUTATE_CH, M_MUTATE_FLIGHT, M__N };

static void init_once(void)
{
	struct sg_dtls_cert *cert;
	if (g_ctx)
		return;
	sg_log_level_set(SG_LOG_ERR);
	cert = sg_dtls_cert_generate();
	if (!cert || !(g_ctx = sg_dtls_ctx_create(cert)) || !tp_cert_make(&g_ccert, "fuzz", false))
		abort();
	sg_dtls_cert_free(cert);
	tp_fingerprint(g_ccert.x, EVP_sha256(), "sha-256", false, g_cfp, sizeof(g_cfp));
}

/* Send our pending datagrams to the client (cl) or nowhere (NULL). */
static void drain(struct sg_dtls_conn *c, struct tp_client *cl)
{
	uint8_t b[1500];
	int n;
	while ((n = sg_dtls_conn_output(c, b, sizeof(b))) > 0) {
		if (n > 1200)
			abort(); /* every datagram must fit the MTU */
		if (cl)
			tp_client_push(cl, b, n);
	}
	if (n < 0)
		abort();
}

/* One datagram into the conn; check the documented contract. */
static void feed(struct sg_dtls_conn *c, const uint8_t *d, size_t n)
{
	int r = sg_dtls_conn_input(c, d, n, 0);
	if (r != 0 && r != -EINVAL && r != -EPROTO && r != -EPIPE && r != -EMSGSIZE)
		abort();
	enum sg_dtls_state st = sg_dtls_conn_state(c);
	if (r == -EPROTO && st != SG_DTLS_FAILED)
		abort();
	if (st == SG_DTLS_FAILED && !sg_dtls_conn_error(c)[0])
		abort();
	if (st == SG_DTLS_CONNECTED) {
		struct sg_dtls_srtp_keys k;
		if (sg_dtls_conn_srtp_keys(c, &k) != 0)
			abort();
	}
	drain(c, NULL);
}

/* XOR the fuzz bytes over a real datagram; the first two bytes may truncate it. */
static void feed_mutated(struct sg_dtls_conn *c, const uint8_t *real, int rn, const uint8_t *x,
			 size_t xn)
{
	uint8_t b[4096];
	size_t n = (size_t)rn;
	if (rn <= 0 || n > sizeof(b))
		return;
	memcpy(b, real, n);
	if (xn >= 2) {
		size_t cut = (size_t)(x[0] << 8 | x[1]);
		if (cut && cut < n)
			n = cut;
		x += 2, xn -= 2;
	}
	for (size_t i = 0; i < xn && i < n; i++)
		b[i] ^= x[i];
	feed(c, b, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tp_client cl;
	struct sg_dtls_conn *c;
	uint8_t dg[4096];
	int mode, n = 0;

	init_once();
	if (size < 1)
		return 0;
	mode = data[0] % M__N;
	data++, size--;

	c = sg_dtls_conn_create(g_ctx, g_cfp, 1200);
	if (!c || !tp_client_init(&cl, &g_ccert, "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80", 1200, 0))
		abort();
	tp_client_drive(&cl); /* ClientHello */
	if (mode != M_FRESH && mode != M_MUTATE_CH) {
		n = tp_client_pop(&cl, dg, sizeof(dg));
		if (n <= 0 || sg_dtls_conn_input(c, dg, (size_t)n, 0) != 0)
			abort();
		drain(c, &cl); /* server flight -> client, which answers */
		if (mode == M_CONNECTED) {
			struct tp_pump_stats st = {0};
			tp_pump(&cl, c, NULL, NULL, &st);
			if (sg_dtls_conn_state(c) != SG_DTLS_CONNECTED)
				abort();
		}
	}
	if (mode == M_MUTATE_CH || mode == M_MUTATE_FLIGHT) {
		/* mutate each pending client datagram with successive chunks */
		while ((n = tp_client_pop(&cl, dg, sizeof(dg))) > 0) {
			size_t take = size < 512 ? size : 512;
			feed_mutated(c, dg, n, data, take);
			data += take, size -= take;
		}
	}
	/* the rest: raw datagrams */
	for (int i = 0; i < 64 && size >= 2; i++) {
		size_t len = (size_t)(data[0] << 8 | data[1]);
		data += 2, size -= 2;
		if (len > size)
			len = size;
		feed(c, len ? data : (const uint8_t *)"", len);
		data += len, size -= len;
		if (i % 8 == 7) {
			(void)sg_dtls_conn_timeout_ns(c, 0);
			(void)sg_dtls_conn_on_timeout(c, 0);
			drain(c, NULL);
		}
	}
	if (mode == M_MID) {
		/* the genuine client flight after the noise */
		while ((n = tp_client_pop(&cl, dg, sizeof(dg))) > 0)
			feed(c, dg, (size_t)n);
	}
	sg_dtls_conn_close(c);
	drain(c, NULL);
	sg_dtls_conn_free(c);
	tp_client_free(&cl);
	ERR_clear_error();
	return 0;
}
