/* SPDX-License-Identifier: BSD-3-Clause
 * `sg-bench srtp [--json] [--reps N]`: SRTP protect cost per packet, on the
 * same source buffers, for
 *   - streamgate sg_srtp_protect_burst (burst 32, AUTO arch and every arch),
 *   - libsrtp2 srtp_protect per packet (plus the per-viewer copy + header
 *     rewrite it needs),
 *   - OpenSSL EVP per packet (AES-CTR + HMAC-SHA1 / AES-GCM, same copy),
 *   - the raw ipsec-mb crypto-only bound: the same cipher+hash work (same
 *     lengths, out of place from the shared source) with nothing else, by
 *     ipsec-mb's fastest API for it (AES-CM + HMAC-SHA1: the cipher and hash
 *     burst API; GCM: the direct call).
 * Figures are medians of --reps repetitions.
 */
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <intel-ipsec-mb.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <srtp2/srtp.h>

#include "bench_srtp.h"
#include "sg_srtp.h"

#define BURST 32
#define MAXPKT 1600
#define NPROF SG_SRTP_PROFILE__MAX

static const unsigned sizes[] = {160, 1200};
#define NSIZE 2

static uint8_t g_src[MAXPKT];
static uint8_t g_dst[BURST][MAXPKT] __attribute__((aligned(64)));
static uint8_t g_master[48];

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); /* noisy shared host: count only our CPU time */
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmpd);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static unsigned iters_for(unsigned payload)
{
	return payload > 500 ? 150 : 400; /* bursts of 32 per repetition */
}

static void make_src(void)
{
	for (unsigned i = 0; i < MAXPKT; i++)
		g_src[i] = (uint8_t)(i * 31 + 7);
	g_src[0] = 0x80;
	g_src[1] = 96;
}

static void set_seq(uint16_t seq)
{
	g_src[2] = (uint8_t)(seq >> 8);
	g_src[3] = (uint8_t)seq;
}

int bench_srtp_setup(void)
{
	static int done;
	if (done)
		return 0;
	if (srtp_init() != srtp_err_status_ok)
		return -1;
	for (unsigned i = 0; i < sizeof(g_master); i++)
		g_master[i] = (uint8_t)(0xa5 ^ (i * 13));
	make_src();
	done = 1;
	return 0;
}

/* ---- streamgate ---- */
double bench_srtp_sg(enum sg_srtp_arch arch, enum sg_srtp_profile p, unsigned payload, int reps,
		     enum sg_srtp_arch *used)
{
	struct sg_srtp_engine *e = sg_srtp_engine_create(arch);
	struct sg_srtp_ctx *ctx[BURST];
	uint8_t *dst[BURST];
	uint16_t olen[BURST];
	int rc[BURST];
	double v[64];
	unsigned len = 12 + payload, it = iters_for(payload);
	uint16_t seq = 1;

	if (!e)
		return -1;
	*used = sg_srtp_engine_arch(e, p);
	for (int i = 0; i < BURST; i++) {
		struct sg_srtp_rtp_params prm = {.ssrc = 0x1000u + (unsigned)i, .seq_delta = (uint16_t)(i * 977),
						 .ts_delta = (uint32_t)i * 12345u, .pt = 111};
		ctx[i] = sg_srtp_ctx_create(e, p, g_master, g_master, &prm);
		dst[i] = g_dst[i];
	}
	for (int r = -1; r < reps; r++) {
		double t0 = now_ns();
		for (unsigned k = 0; k < it; k++) {
			set_seq(seq++);
			if (sg_srtp_protect_burst(e, g_src, (uint16_t)len, ctx, dst, MAXPKT, olen, rc, BURST) != BURST) {
				fprintf(stderr, "sg-bench: protect failed rc=%d\n", rc[0]);
				exit(1);
			}
		}
		if (r >= 0)
			v[r] = (now_ns() - t0) / ((double)it * BURST);
	}
	for (int i = 0; i < BURST; i++)
		sg_srtp_ctx_free(ctx[i]);
	sg_srtp_engine_free(e);
	return median(v, reps);
}

/* ---- raw ipsec-mb bound: same crypto, nothing else ---- */
static DECLARE_ALIGNED(struct gcm_context_data g_gcm_ctx, 64);
/* One key set per viewer, as in reality (each viewer has its own keys). */
struct bound_keys {
	DECLARE_ALIGNED(struct gcm_key_data gk, 64);
	DECLARE_ALIGNED(uint8_t enc[16 * 15], 16);
	DECLARE_ALIGNED(uint8_t dec[16 * 15], 16);
	DECLARE_ALIGNED(uint8_t ipad[32], 16);
	DECLARE_ALIGNED(uint8_t opad[32], 16);
	DECLARE_ALIGNED(uint8_t iv[16], 16);
	uint8_t tag[16];
};

static IMB_MGR *mgr_for(enum sg_srtp_arch a)
{
	IMB_MGR *m = alloc_mb_mgr(0);
	switch (a) {
	case SG_SRTP_ARCH_SSE: init_mb_mgr_sse(m); break;
	case SG_SRTP_ARCH_AVX: init_mb_mgr_avx(m); break;
	case SG_SRTP_ARCH_AVX2: init_mb_mgr_avx2(m); break;
	default: init_mb_mgr_avx512(m); break;
	}
	return m;
}

double bench_srtp_bound(enum sg_srtp_arch arch, enum sg_srtp_profile p, unsigned payload, int reps)
{
	return bench_srtp_bound_keys(arch, p, payload, reps, BURST);
}

/* The bound with nkeys key sets used in turn, BURST at a time (as a fan-out
 * to nkeys viewers walks their contexts); outputs stay the same BURST buffers. */
double bench_srtp_bound_keys(enum sg_srtp_arch arch, enum sg_srtp_profile p, unsigned payload, int reps,
			     unsigned nkeys)
{
	static struct bound_keys kv0[BURST];
	struct bound_keys *kv = kv0;
	IMB_MGR *m = mgr_for(arch);
	int gcm = p >= SG_SRTP_AEAD_AES_128_GCM;
	unsigned kl = sg_srtp_profile_key_len(p), h = 12, it = iters_for(payload);
	uint8_t blk[64];
	double v[64];

	if (nkeys < BURST)
		nkeys = BURST;
	if (nkeys > BURST) {
		kv = aligned_alloc(64, sizeof(*kv) * nkeys);
		if (!kv) {
			free_mb_mgr(m);
			return 0;
		}
	}
	for (unsigned i = 0; i < nkeys; i++) {
		struct bound_keys *k = &kv[i];
		uint8_t key[32];
		memcpy(key, g_master, 32);
		key[0] ^= (uint8_t)i;
		key[1] ^= (uint8_t)(i >> 8);
		key[2] ^= (uint8_t)(i >> 16);
		if (gcm) {
			if (kl == 16)
				IMB_AES128_GCM_PRE(m, key, &k->gk);
			else
				IMB_AES256_GCM_PRE(m, key, &k->gk);
		} else {
			IMB_AES_KEYEXP_128(m, key, k->enc, k->dec);
			memset(blk, 0x36, 64);
			blk[0] ^= (uint8_t)i;
			IMB_SHA1_ONE_BLOCK(m, blk, k->ipad);
			memset(blk, 0x5c, 64);
			blk[0] ^= (uint8_t)i;
			IMB_SHA1_ONE_BLOCK(m, blk, k->opad);
		}
		memset(k->iv, (int)i, 16);
		k->iv[15] = 0;
		if (i < BURST)
			memcpy(g_dst[i], g_src, h);
	}
	/* The fastest ipsec-mb way to run the same crypto: AES-CM + HMAC-SHA1
	 * through the synchronous cipher and hash burst API (a burst of BURST
	 * jobs: AES-CTR each, then the SHA1 lanes filled with all of them), GCM
	 * by the direct call (not multi-buffer: a job would run at submit). */
	static IMB_JOB jobs[BURST];
	memset(jobs, 0, sizeof(jobs));
	for (int i = 0; i < BURST; i++) {
		IMB_JOB *j = &jobs[i];
		j->cipher_mode = IMB_CIPHER_CNTR;
		j->cipher_direction = IMB_DIR_ENCRYPT;
		j->chain_order = IMB_ORDER_CIPHER_HASH;
		j->key_len_in_bytes = kl;
		j->iv_len_in_bytes = 16;
		j->hash_alg = IMB_AUTH_HMAC_SHA_1;
		j->hash_start_src_offset_in_bytes = 0;
		j->auth_tag_output_len_in_bytes = 12;
		j->src = g_dst[i];
		j->dst = g_dst[i] + h;
		j->cipher_start_src_offset_in_bytes = (uint64_t)((uintptr_t)(g_src + h) - (uintptr_t)g_dst[i]);
		j->msg_len_to_cipher_in_bytes = payload;
		j->msg_len_to_hash_in_bytes = h + payload + 4;
	}
	for (int r = -1; r < reps; r++) {
		double t0 = now_ns();
		unsigned kn = 0;
		for (unsigned n = 0; n < it; n++) {
			for (int i = 0; i < BURST; i++) {
				struct bound_keys *k = &kv[kn];
				kn = kn + 1 == nkeys ? 0 : kn + 1;
				if (nkeys > BURST) {
					/* Key sets from memory: prefetch the one 2 ahead, as the fan-out does. */
					const uint8_t *pk = (const uint8_t *)&kv[kn + 1 < nkeys ? kn + 1 : 0];
					const uint8_t *ks = gcm ? pk : (const uint8_t *)((const struct bound_keys *)pk)->enc;
					unsigned kb = gcm ? (unsigned)sizeof(struct gcm_key_data) : 16 * 11;
					for (unsigned l = 0; l < kb; l += 64)
						__builtin_prefetch(ks + l);
					if (!gcm) {
						__builtin_prefetch(((const struct bound_keys *)pk)->ipad);
						__builtin_prefetch(((const struct bound_keys *)pk)->opad);
					}
				}
				uint8_t *out = g_dst[i];
				if (gcm) {
					if (kl == 16)
						IMB_AES128_GCM_ENC(m, &k->gk, &g_gcm_ctx, out + h, g_src + h, payload,
								   k->iv, out, h, out + h + payload, 16);
					else
						IMB_AES256_GCM_ENC(m, &k->gk, &g_gcm_ctx, out + h, g_src + h, payload,
								   k->iv, out, h, out + h + payload, 16);
					continue;
				}
				IMB_JOB *j = &jobs[i];
				j->enc_keys = k->enc;
				j->dec_keys = k->enc;
				j->iv = k->iv;
				j->u.HMAC._hashed_auth_key_xor_ipad = k->ipad;
				j->u.HMAC._hashed_auth_key_xor_opad = k->opad;
				j->auth_tag_output = k->tag;
			}
			/* a burst that did not run would make the bound look free */
			if (!gcm && (IMB_SUBMIT_CIPHER_BURST_NOCHECK(m, jobs, BURST, IMB_CIPHER_CNTR, IMB_DIR_ENCRYPT,
								     IMB_KEY_128_BYTES) != BURST ||
				     IMB_SUBMIT_HASH_BURST_NOCHECK(m, jobs, BURST, IMB_AUTH_HMAC_SHA_1) != BURST)) {
				fprintf(stderr, "sg-bench: ipsec-mb burst API failed (%s)\n", imb_get_strerror(imb_get_errno(m)));
				exit(1);
			}
		}
		if (r >= 0)
			v[r] = (now_ns() - t0) / ((double)it * BURST);
	}
	free_mb_mgr(m);
	if (kv != kv0)
		free(kv);
	return median(v, reps);
}

/* ---- libsrtp2 ---- */
double bench_srtp_libsrtp(enum sg_srtp_profile p, unsigned payload, int reps)
{
	srtp_t s[BURST];
	srtp_policy_t pol;
	double v[64];
	unsigned len = 12 + payload, it = iters_for(payload);
	uint16_t seq = 1;

	for (int i = 0; i < BURST; i++) {
		memset(&pol, 0, sizeof(pol));
		switch (p) {
		case SG_SRTP_AES128_CM_SHA1_80:
			srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtp);
			srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtcp);
			break;
		case SG_SRTP_AES128_CM_SHA1_32:
			srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&pol.rtp);
			srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtcp);
			break;
		case SG_SRTP_AEAD_AES_128_GCM:
			srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtp);
			srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtcp);
			break;
		default:
			srtp_crypto_policy_set_aes_gcm_256_16_auth(&pol.rtp);
			srtp_crypto_policy_set_aes_gcm_256_16_auth(&pol.rtcp);
			break;
		}
		pol.ssrc.type = ssrc_any_outbound;
		pol.key = g_master;
		pol.window_size = 128;
		if (srtp_create(&s[i], &pol) != srtp_err_status_ok)
			return -1;
	}
	for (int r = -1; r < reps; r++) {
		double t0 = now_ns();
		for (unsigned n = 0; n < it; n++) {
			set_seq(seq++);
			for (int i = 0; i < BURST; i++) {
				uint8_t *d = g_dst[i];
				int l = (int)len;
				memcpy(d, g_src, len); /* per-viewer copy + header rewrite */
				uint16_t sq = (uint16_t)(seq + i * 977);
				d[2] = (uint8_t)(sq >> 8); d[3] = (uint8_t)sq;
				d[8] = 0; d[9] = 0; d[10] = 0x10; d[11] = (uint8_t)i;
				if (srtp_protect(s[i], d, &l) != srtp_err_status_ok) {
					fprintf(stderr, "sg-bench: srtp_protect failed\n");
					exit(1);
				}
			}
		}
		if (r >= 0)
			v[r] = (now_ns() - t0) / ((double)it * BURST);
	}
	for (int i = 0; i < BURST; i++)
		srtp_dealloc(s[i]);
	return median(v, reps);
}

/* ---- OpenSSL EVP ---- */
static double run_openssl(enum sg_srtp_profile p, unsigned payload, int reps)
{
	int gcm = p >= SG_SRTP_AEAD_AES_128_GCM;
	unsigned kl = sg_srtp_profile_key_len(p), len = 12 + payload, it = iters_for(payload);
	unsigned tl = p == SG_SRTP_AES128_CM_SHA1_32 ? 4 : p == SG_SRTP_AES128_CM_SHA1_80 ? 10 : 16;
	EVP_CIPHER_CTX *cx[BURST];
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *mx[BURST];
	OSSL_PARAM prm[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA1", 0),
			    OSSL_PARAM_construct_end()};
	uint8_t iv[16] = {0}, tag[EVP_MAX_MD_SIZE];
	double v[64];
	int ol;
	size_t ml;

	for (int i = 0; i < BURST; i++) {
		cx[i] = EVP_CIPHER_CTX_new();
		if (gcm) {
			EVP_EncryptInit_ex(cx[i], kl == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm(), NULL, g_master, NULL);
		} else {
			EVP_EncryptInit_ex(cx[i], EVP_aes_128_ctr(), NULL, g_master, NULL);
			mx[i] = EVP_MAC_CTX_new(mac);
			EVP_MAC_init(mx[i], g_master, 20, prm);
		}
	}
	for (int r = -1; r < reps; r++) {
		double t0 = now_ns();
		for (unsigned n = 0; n < it; n++) {
			for (int i = 0; i < BURST; i++) {
				uint8_t *d = g_dst[i];
				memcpy(d, g_src, 12);
				d[11] = (uint8_t)i;
				iv[4] = (uint8_t)i;
				iv[13] = (uint8_t)n;
				EVP_EncryptInit_ex(cx[i], NULL, NULL, NULL, iv);
				if (gcm) {
					EVP_EncryptUpdate(cx[i], NULL, &ol, d, 12);
					EVP_EncryptUpdate(cx[i], d + 12, &ol, g_src + 12, (int)payload);
					EVP_EncryptFinal_ex(cx[i], d + len, &ol);
					EVP_CIPHER_CTX_ctrl(cx[i], EVP_CTRL_GCM_GET_TAG, 16, d + len);
				} else {
					EVP_EncryptUpdate(cx[i], d + 12, &ol, g_src + 12, (int)payload);
					memset(d + len, 0, 4); /* ROC */
					EVP_MAC_init(mx[i], NULL, 0, NULL);
					EVP_MAC_update(mx[i], d, len + 4);
					EVP_MAC_final(mx[i], tag, &ml, sizeof(tag));
					memcpy(d + len, tag, tl);
				}
			}
		}
		if (r >= 0)
			v[r] = (now_ns() - t0) / ((double)it * BURST);
	}
	for (int i = 0; i < BURST; i++) {
		EVP_CIPHER_CTX_free(cx[i]);
		if (!gcm)
			EVP_MAC_CTX_free(mx[i]);
	}
	EVP_MAC_free(mac);
	return median(v, reps);
}

/* ---- environment ---- */
void bench_cpu_info(char *model, size_t msz, char *flags, size_t fsz)
{
	static const char *const want[] = {"aes", "sha_ni", "pclmulqdq", "avx", "avx2", "avx512f",
					   "avx512bw", "avx512vl", "vaes", "vpclmulqdq", "gfni", NULL};
	char line[8192];
	FILE *f = fopen("/proc/cpuinfo", "r");
	snprintf(model, msz, "?");
	flags[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');
		if (!c)
			continue;
		if (!strncmp(line, "model name", 10) && model[0] == '?') {
			snprintf(model, msz, "%s", c + 2);
			model[strcspn(model, "\n")] = 0;
		} else if (!strncmp(line, "flags", 5) && !flags[0]) {
			size_t off = 0;
			for (int i = 0; want[i]; i++) {
				char pat[32];
				snprintf(pat, sizeof(pat), " %s ", want[i]);
				char *l2 = c; /* pad for whole-word match */
				l2[strcspn(l2, "\n")] = ' ';
				if (strstr(l2, pat))
					off += (size_t)snprintf(flags + off, fsz - off, "%s%s", off ? " " : "", want[i]);
			}
		}
	}
	fclose(f);
}

static int nss_cb(struct dl_phdr_info *i, size_t sz, void *arg)
{
	(void)sz;
	if (i->dlpi_name && strstr(i->dlpi_name, "libnss3"))
		*(int *)arg = 1;
	return 0;
}

const char *bench_libsrtp_backend(void)
{
	int nss = 0;
	dl_iterate_phdr(nss_cb, &nss);
	return nss ? "NSS" : "built-in or OpenSSL";
}

struct row {
	double sg, bound, lib, ossl, paired, arch_sg[SG_SRTP_ARCH__MAX], arch_bound[SG_SRTP_ARCH__MAX];
	enum sg_srtp_arch used;
};

/*
 * The machine is shared and noisy: streamgate and the bound measured seconds
 * apart can see different loads. The paired ratio alternates one rep of each
 * and takes the median of the per-pair ratios (bound / streamgate).
 */
double bench_srtp_paired_ratio(enum sg_srtp_arch arch, enum sg_srtp_profile p, unsigned payload,
			       int pairs)
{
	double v[64];
	enum sg_srtp_arch u;
	if (pairs > 64)
		pairs = 64;
	for (int i = 0; i < pairs; i++) {
		double sg = bench_srtp_sg(arch, p, payload, 1, &u);
		double b = bench_srtp_bound(u, p, payload, 1);
		v[i] = sg > 0 ? b / sg : 0;
	}
	return median(v, pairs);
}

int bench_srtp_main(int argc, char **argv)
{
	int json = 0, reps = 7;
	struct row res[NPROF][NSIZE];
	char model[256], flags[512];

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = atoi(argv[++i]);
	}
	if (reps < 1 || reps > 64)
		reps = 7;
	if (bench_srtp_setup() != 0)
		return 1;
	bench_cpu_info(model, sizeof(model), flags, sizeof(flags));
	memset(res, 0, sizeof(res));
	for (int p = 0; p < NPROF; p++) {
		for (int s = 0; s < NSIZE; s++) {
			struct row *r = &res[p][s];
			make_src();
			r->sg = bench_srtp_sg(SG_SRTP_ARCH_AUTO, (enum sg_srtp_profile)p, sizes[s], reps, &r->used);
			for (int a = SG_SRTP_ARCH_SSE; a < SG_SRTP_ARCH__MAX; a++) {
				enum sg_srtp_arch u;
				r->arch_sg[a] = r->arch_bound[a] = -1;
				if (!sg_srtp_arch_supported((enum sg_srtp_arch)a))
					continue;
				r->arch_sg[a] = bench_srtp_sg((enum sg_srtp_arch)a, (enum sg_srtp_profile)p, sizes[s], reps, &u);
				r->arch_bound[a] = bench_srtp_bound((enum sg_srtp_arch)a, (enum sg_srtp_profile)p, sizes[s], reps);
			}
			r->bound = r->arch_bound[r->used];
			r->paired = bench_srtp_paired_ratio(r->used, (enum sg_srtp_profile)p, sizes[s], 2 * reps + 1);
			r->lib = bench_srtp_libsrtp((enum sg_srtp_profile)p, sizes[s], reps);
			r->ossl = run_openssl((enum sg_srtp_profile)p, sizes[s], reps);
		}
	}
	if (json) {
		printf("{\"bench\":\"srtp\",\"cpu\":\"%s\",\"cpu_flags\":\"%s\",\"ipsec_mb\":\"%s\","
		       "\"libsrtp2\":\"%s\",\"libsrtp2_crypto\":\"%s\",\"openssl\":\"%s\",\"burst\":%d,"
		       "\"reps\":%d,\"unit\":\"ns_per_packet\",\"results\":[",
		       model, flags, imb_get_version_str(), srtp_get_version_string(), bench_libsrtp_backend(),
		       OPENSSL_VERSION_TEXT, BURST, reps);
		for (int p = 0; p < NPROF; p++)
			for (int s = 0; s < NSIZE; s++) {
				struct row *r = &res[p][s];
				printf("%s{\"profile\":\"%s\",\"payload\":%u,\"arch\":\"%s\",\"streamgate_ns\":%.1f,"
				       "\"streamgate_mpps\":%.3f,\"bound_ns\":%.1f,\"libsrtp2_ns\":%.1f,"
				       "\"openssl_ns\":%.1f,\"ratio_vs_bound\":%.3f,\"ratio_vs_bound_paired\":%.3f,"
				       "\"speedup_vs_libsrtp2\":%.2f,\"speedup_vs_openssl\":%.2f,\"per_arch\":{",
				       p || s ? "," : "", sg_srtp_profile_name((enum sg_srtp_profile)p), sizes[s],
				       sg_srtp_arch_name(r->used), r->sg, 1e3 / r->sg, r->bound, r->lib, r->ossl,
				       r->bound / r->sg, r->paired, r->lib / r->sg, r->ossl / r->sg);
				int first = 1;
				for (int a = SG_SRTP_ARCH_SSE; a < SG_SRTP_ARCH__MAX; a++) {
					if (r->arch_sg[a] < 0)
						continue;
					printf("%s\"%s\":{\"streamgate_ns\":%.1f,\"bound_ns\":%.1f}", first ? "" : ",",
					       sg_srtp_arch_name((enum sg_srtp_arch)a), r->arch_sg[a], r->arch_bound[a]);
					first = 0;
				}
				printf("}}");
			}
		printf("]}\n");
		return 0;
	}
	printf("CPU: %s\nflags: %s\nipsec-mb %s, %s (crypto: %s), %s\n", model, flags,
	       imb_get_version_str(), srtp_get_version_string(), bench_libsrtp_backend(), OPENSSL_VERSION_TEXT);
	printf("burst %d, median of %d reps, ns/packet (Mpps = 1000/ns); sg/bound from the medians, "
	       "paired = median of %d back-to-back (bound/sg) pairs (robust to load changes)\n"
	       "bound = the same crypto by ipsec-mb alone, its fastest API: AES-CM + HMAC-SHA1 through the cipher\n"
	       "and hash burst API, GCM by the direct call (fixed IVs, headers in place, nothing else)\n\n",
	       BURST, reps, 2 * reps + 1);
	printf("%-28s %5s %-6s %9s %7s %9s %9s %9s %9s %7s %8s %8s\n", "profile", "bytes", "arch", "sg ns",
	       "Mpps", "bound ns", "libsrtp", "openssl", "sg/bound", "paired", "x libsrtp", "x ossl");
	for (int p = 0; p < NPROF; p++)
		for (int s = 0; s < NSIZE; s++) {
			struct row *r = &res[p][s];
			printf("%-28s %5u %-6s %9.1f %7.3f %9.1f %9.1f %9.1f %9.3f %7.3f %8.2f %8.2f\n",
			       sg_srtp_profile_name((enum sg_srtp_profile)p), sizes[s], sg_srtp_arch_name(r->used),
			       r->sg, 1e3 / r->sg, r->bound, r->lib, r->ossl, r->bound / r->sg, r->paired,
			       r->lib / r->sg, r->ossl / r->sg);
		}
	printf("\nper arch (streamgate ns / bound ns):\n%-28s %5s", "profile", "bytes");
	for (int a = SG_SRTP_ARCH_SSE; a < SG_SRTP_ARCH__MAX; a++)
		printf(" %17s", sg_srtp_arch_name((enum sg_srtp_arch)a));
	printf("\n");
	for (int p = 0; p < NPROF; p++)
		for (int s = 0; s < NSIZE; s++) {
			struct row *r = &res[p][s];
			printf("%-28s %5u", sg_srtp_profile_name((enum sg_srtp_profile)p), sizes[s]);
			for (int a = SG_SRTP_ARCH_SSE; a < SG_SRTP_ARCH__MAX; a++) {
				if (r->arch_sg[a] < 0)
					printf(" %17s", "n/a");
				else
					printf(" %8.1f/%8.1f", r->arch_sg[a], r->arch_bound[a]);
			}
			printf("\n");
		}
	return 0;
}
