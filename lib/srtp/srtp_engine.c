/* SPDX-License-Identifier: BSD-3-Clause
 * SRTP engine: ipsec-mb manager selection per CPU, statistics, sync jobs.
 */
#include <errno.h>
#include <stdlib.h>

#include "srtp_priv.h"

#define TAG "srtp"

static const char *const stat_names[] = {
#define SG_SRTP_X_NAME(n) #n,
	SG_SRTP_STATS(SG_SRTP_X_NAME)
#undef SG_SRTP_X_NAME
};

const char *sg_srtp_stat_name(enum sg_srtp_stat s)
{
	return (unsigned)s < SG_SRTP_STAT__MAX ? stat_names[s] : "?";
}

uint64_t sg_srtp_engine_stat(const struct sg_srtp_engine *e, enum sg_srtp_stat s)
{
	return e && (unsigned)s < SG_SRTP_STAT__MAX ? e->stats[s] : 0;
}

const char *sg_srtp_arch_name(enum sg_srtp_arch a)
{
	static const char *const n[] = {"auto", "sse", "avx", "avx2", "avx512"};
	return (unsigned)a < SG_SRTP_ARCH__MAX ? n[a] : "?";
}

const char *sg_srtp_profile_name(enum sg_srtp_profile p)
{
	static const char *const n[] = {
		"SRTP_AES128_CM_HMAC_SHA1_80", "SRTP_AES128_CM_HMAC_SHA1_32",
		"SRTP_AEAD_AES_128_GCM", "SRTP_AEAD_AES_256_GCM"};
	return (unsigned)p < SG_SRTP_PROFILE__MAX ? n[p] : "?";
}

static uint64_t arch_flags(enum sg_srtp_arch a)
{
	switch (a) {
	case SG_SRTP_ARCH_SSE: return IMB_CPUFLAGS_SSE;
	case SG_SRTP_ARCH_AVX: return IMB_CPUFLAGS_AVX;
	case SG_SRTP_ARCH_AVX2: return IMB_CPUFLAGS_AVX2;
	case SG_SRTP_ARCH_AVX512: return IMB_CPUFLAGS_AVX512;
	default: return 0;
	}
}

int sg_srtp_arch_supported(enum sg_srtp_arch a)
{
	uint64_t need = arch_flags(a);
	if (!need)
		return 0;
	return (imb_get_feature_flags() & need) == need;
}

/*
 * AUTO policy (measured with `sg-bench srtp`, see docs/PERFORMANCE.md):
 * with AVX-512 the AVX-512 path is fastest for both classes on bursts (VAES
 * AES-CTR/GCM, 16-lane HMAC-SHA1). Without it, HMAC-SHA1 is fastest on the
 * SSE path when SHA-NI is present (it beat the 8-lane AVX2 SHA1), and GCM on
 * the widest available path.
 */
static enum sg_srtp_arch pick_auto(enum sg_srtp_class cls)
{
	uint64_t f = imb_get_feature_flags();
	if (sg_srtp_arch_supported(SG_SRTP_ARCH_AVX512))
		return SG_SRTP_ARCH_AVX512;
	if (cls == SG_SRTP_CLASS_CM && (f & IMB_FEATURE_SHANI) &&
	    sg_srtp_arch_supported(SG_SRTP_ARCH_SSE))
		return SG_SRTP_ARCH_SSE;
	for (int a = SG_SRTP_ARCH_AVX2; a >= SG_SRTP_ARCH_SSE; a--)
		if (sg_srtp_arch_supported((enum sg_srtp_arch)a))
			return (enum sg_srtp_arch)a;
	return SG_SRTP_ARCH_AUTO; /* no AES-NI: unsupported */
}

static IMB_MGR *mgr_create(enum sg_srtp_arch a)
{
	IMB_MGR *m = alloc_mb_mgr(0);
	if (!m)
		return NULL;
	switch (a) {
	case SG_SRTP_ARCH_SSE: init_mb_mgr_sse(m); break;
	case SG_SRTP_ARCH_AVX: init_mb_mgr_avx(m); break;
	case SG_SRTP_ARCH_AVX2: init_mb_mgr_avx2(m); break;
	case SG_SRTP_ARCH_AVX512: init_mb_mgr_avx512(m); break;
	default: free_mb_mgr(m); return NULL;
	}
	if (imb_get_errno(m) != 0) {
		free_mb_mgr(m);
		return NULL;
	}
	return m;
}

struct sg_srtp_engine *sg_srtp_engine_create(enum sg_srtp_arch arch)
{
	struct sg_srtp_engine *e = NULL;
	int err = EINVAL;

	if ((unsigned)arch >= SG_SRTP_ARCH__MAX)
		goto err;
	e = aligned_alloc(64, sizeof(*e));
	if (!e) {
		err = ENOMEM;
		goto err;
	}
	memset(e, 0, sizeof(*e));
	for (int c = 0; c < SG_SRTP_CLASS__N; c++) {
		enum sg_srtp_arch a = arch == SG_SRTP_ARCH_AUTO ? pick_auto((enum sg_srtp_class)c) : arch;
		if (a == SG_SRTP_ARCH_AUTO || !sg_srtp_arch_supported(a)) {
			err = ENOTSUP;
			goto err;
		}
		e->arch[c] = (uint8_t)a;
		if (c > 0 && e->arch[0] == a) {
			e->mgr[c] = e->mgr[0];
			continue;
		}
		e->mgr[c] = mgr_create(a);
		if (!e->mgr[c]) {
			err = ENOMEM;
			goto err;
		}
	}
	/* RFC 3711 §4.1.1 / §4.2: AES-128 counter mode, then HMAC-SHA1 (12 bytes
	 * computed, truncated to the profile's tag) from the packet's start. */
	for (unsigned i = 0; i < SG_SRTP_CM_BURST; i++) {
		IMB_JOB *j = &e->cm_job[i];
		j->cipher_mode = IMB_CIPHER_CNTR;
		j->cipher_direction = IMB_DIR_ENCRYPT;
		j->chain_order = IMB_ORDER_CIPHER_HASH;
		j->key_len_in_bytes = 16;
		j->iv = e->cm_aux[i].iv;
		j->iv_len_in_bytes = 16;
		j->hash_alg = IMB_AUTH_HMAC_SHA_1;
		j->hash_start_src_offset_in_bytes = 0;
		j->auth_tag_output_len_in_bytes = 12;
	}
	SG_INFO(TAG, "engine: AES-CM/HMAC-SHA1 on %s, AES-GCM on %s (ipsec-mb %s)",
		sg_srtp_arch_name((enum sg_srtp_arch)e->arch[0]),
		sg_srtp_arch_name((enum sg_srtp_arch)e->arch[1]), imb_get_version_str());
	return e;
err:
	sg_srtp_engine_free(e);
	errno = err;
	return NULL;
}

void sg_srtp_engine_free(struct sg_srtp_engine *e)
{
	if (!e)
		return;
	if (e->mgr[1] && e->mgr[1] != e->mgr[0])
		free_mb_mgr(e->mgr[1]);
	if (e->mgr[0])
		free_mb_mgr(e->mgr[0]);
	sg_secure_zero(e, sizeof(*e)); /* pending IVs/tags */
	free(e);
}

enum sg_srtp_arch sg_srtp_engine_arch(const struct sg_srtp_engine *e, enum sg_srtp_profile p)
{
	if (!e || (unsigned)p >= SG_SRTP_PROFILE__MAX)
		return SG_SRTP_ARCH_AUTO;
	return (enum sg_srtp_arch)e->arch[p >= SG_SRTP_AEAD_AES_128_GCM ? SG_SRTP_CLASS_GCM : SG_SRTP_CLASS_CM];
}

IMB_JOB *srtp_job_sync(IMB_MGR *m, IMB_JOB *job)
{
	/* The engine's queues are empty between calls, so the jobs returned
	 * (oldest first) end with ours. */
	IMB_JOB *r = IMB_SUBMIT_JOB(m);
	while (r != job) {
		r = IMB_FLUSH_JOB(m);
		if (!r)
			return NULL;
	}
	return r;
}
