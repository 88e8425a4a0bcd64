/* SPDX-License-Identifier: BSD-3-Clause
 * libFuzzer target: streamgate.yaml and drivers-config profile parsing from memory.
 * Oracle: whatever loads must dump, and the dump (secrets blanked) must load
 * again and dump to the same text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_config.h"

static struct sg_config c1, c2;
static char d1[1 << 18], d2[1 << 18];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];

	if (size && data[0] == 'P') {
		struct sg_config_profile p;
		if (sg_config_profile_load_buf(&p, "fuzz", "fuzz.yaml", (const char *)data + 1, size - 1,
					       err, sizeof(err)) == 0) {
			for (uint64_t b = 1; b <= SG_CONFIG_OFFLOAD__ALL; b <<= 1)
				if ((p.rx_offloads | p.tx_offloads) & b && !sg_config_offload_name(b))
					abort();
		} else if (!err[0] || strchr(err, '\n')) {
			abort();
		}
		return 0;
	}
	sg_config_init(&c1);
	if (sg_config_load_buf(&c1, "fuzz.yaml", (const char *)data, size, err, sizeof(err)) != 0) {
		/* every failure explains itself on one line */
		if (!err[0] || strchr(err, '\n'))
			abort();
		return 0;
	}
	for (unsigned i = 0; i < c1.n_paths; i++) {
		c1.paths[i].read_token[0] = '\0';
		c1.paths[i].publish_user[0] = '\0';
		c1.paths[i].publish_pass[0] = '\0';
	}
	if (sg_config_dump(&c1, d1, sizeof(d1)) != 0)
		abort();
	sg_config_init(&c2);
	if (sg_config_load_buf(&c2, "fuzz.yaml", d1, strlen(d1), err, sizeof(err)) != 0) {
		fprintf(stderr, "reload failed: %s\n%s", err, d1);
		abort();
	}
	if (sg_config_dump(&c2, d2, sizeof(d2)) != 0 || strcmp(d1, d2)) {
		fprintf(stderr, "dump mismatch:\n%s\n---\n%s", d1, d2);
		abort();
	}
	return 0;
}
