/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "sg_stats.h"

static const char *const counter_names[] = {
#define _SG_C(id, name, help) name,
	SG_STATS_COUNTERS(_SG_C)
#undef _SG_C
};
static const char *const counter_helps[] = {
#define _SG_C(id, name, help) help,
	SG_STATS_COUNTERS(_SG_C)
#undef _SG_C
};
static const char *const drop_names[] = {
#define _SG_D(id, name, help) name,
	SG_STATS_DROPS(_SG_D)
#undef _SG_D
};
static const char *const drop_helps[] = {
#define _SG_D(id, name, help) help,
	SG_STATS_DROPS(_SG_D)
#undef _SG_D
};

const char *sg_stats_counter_name(unsigned id)
{
	return id < SG_STATS__N_COUNTERS ? counter_names[id] : NULL;
}
const char *sg_stats_counter_help(unsigned id)
{
	return id < SG_STATS__N_COUNTERS ? counter_helps[id] : NULL;
}
const char *sg_stats_drop_name(unsigned id)
{
	return id < SG_STATS__N_DROPS ? drop_names[id] : NULL;
}
const char *sg_stats_drop_help(unsigned id)
{
	return id < SG_STATS__N_DROPS ? drop_helps[id] : NULL;
}

int sg_stats_sum(const struct sg_stats_lcore *const lc[], unsigned n, int port,
		 struct sg_stats_port *out)
{
	if (port >= SG_STATS_MAX_PORTS)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < n; i++) {
		int lo = port < 0 ? 0 : port, hi = port < 0 ? SG_STATS_MAX_PORTS - 1 : port;
		for (int p = lo; p <= hi; p++) {
			const struct sg_stats_port *s = &lc[i]->port[p];
			for (unsigned k = 0; k < SG_STATS__N_COUNTERS; k++)
				out->c[k] += s->c[k];
			for (unsigned k = 0; k < SG_STATS__N_DROPS; k++)
				out->drop[k] += s->drop[k];
		}
	}
	return 0;
}

uint64_t sg_stats_drops_total(const struct sg_stats_port *s)
{
	uint64_t t = 0;
	for (unsigned k = 0; k < SG_STATS__N_DROPS; k++)
		t += s->drop[k];
	return t;
}
