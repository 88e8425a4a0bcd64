/* SPDX-License-Identifier: BSD-3-Clause
 * Fixed-size object slab for per-viewer SRTP contexts (control plane only).
 *
 * rte_malloc() puts a 64-byte header (plus trailer and alignment padding) in
 * front of every element: 128 bytes per 704-byte AES-CM context, ~18 % of a
 * viewer's fast-path memory. The slab carves contexts out of chunks of
 * SG_FP_SLAB_CHUNK objects instead (one allocator header per chunk) and keeps
 * freed ones on a free list. Only the control thread calls these functions;
 * a worker reads a context it was handed by a KEYS command until the DEL
 * command is reaped, exactly as with rte_malloc() before.
 */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "fastpath_priv.h"

struct slab_chunk {
	struct slab_chunk *next;
} __rte_cache_aligned;

int sg_fp_slab_init(struct sg_fp_slab *s, size_t obj_size, int socket)
{
	if (!obj_size || obj_size % RTE_CACHE_LINE_SIZE)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->obj_size = obj_size;
	s->socket = socket;
	return 0;
}

void *sg_fp_slab_get(struct sg_fp_slab *s)
{
	void **obj;

	if (!s->obj_size) {
		errno = EINVAL;
		return NULL;
	}
	if (!s->free) {
		size_t sz = sizeof(struct slab_chunk) + (size_t)SG_FP_SLAB_CHUNK * s->obj_size;
		struct slab_chunk *c = rte_malloc_socket("sg_slab", sz, RTE_CACHE_LINE_SIZE, s->socket);
		if (!c) {
			errno = ENOMEM;
			return NULL;
		}
		c->next = s->chunks;
		s->chunks = c;
		s->n_chunks++;
		/* Thread the new objects on the free list, lowest address first. */
		uint8_t *base = (uint8_t *)(c + 1);
		for (unsigned i = SG_FP_SLAB_CHUNK; i-- > 0;) {
			void **o = (void **)(base + (size_t)i * s->obj_size);
			*o = s->free;
			s->free = o;
		}
	}
	obj = s->free;
	s->free = *obj;
	s->in_use++;
	memset(obj, 0, s->obj_size);
	return obj;
}

void sg_fp_slab_put(struct sg_fp_slab *s, void *obj)
{
	if (!obj)
		return;
	/* The caller wiped the secrets (sg_srtp_ctx_wipe); clear the link word's neighbours too. */
	memset(obj, 0, s->obj_size);
	*(void **)obj = s->free;
	s->free = obj;
	s->in_use--;
}

size_t sg_fp_slab_bytes(const struct sg_fp_slab *s)
{
	return s->n_chunks * (sizeof(struct slab_chunk) + (size_t)SG_FP_SLAB_CHUNK * s->obj_size);
}

void sg_fp_slab_fini(struct sg_fp_slab *s)
{
	struct slab_chunk *c = s->chunks;
	while (c) {
		struct slab_chunk *n = c->next;
		rte_free(c);
		c = n;
	}
	memset(s, 0, sizeof(*s));
}
