/* SPDX-License-Identifier: BSD-3-Clause
 * Build the EAL command line from the configuration, so that operators never
 * write EAL arguments by hand.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sg_common.h"
#include "sg_fastpath.h"

struct argv_builder {
	char **argv;
	int argc, max;
	char *buf;
	size_t len, off;
	int err;
};

__attribute__((format(printf, 2, 3)))
static void add(struct argv_builder *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->err)
		return;
	if (b->argc >= b->max - 1) {
		b->err = -ENOSPC;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->off, b->len - b->off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->len - b->off) {
		b->err = -ENOSPC;
		return;
	}
	b->argv[b->argc++] = b->buf + b->off;
	b->argv[b->argc] = NULL;
	b->off += (size_t)n + 1;
}

/* DPDK's levels are syslog+1 (RTE_LOG_ERR = 4 ... RTE_LOG_DEBUG = 8). */
static int dpdk_level(int lvl)
{
	static const int map[] = {4 /* err */, 5 /* warn */, 6 /* notice */, 6 /* info: keep EAL quiet */, 8};
	if (lvl < 0 || lvl >= (int)SG_ARRAY_SIZE(map))
		return 6;
	return map[lvl];
}

int sg_fp_eal_args_build(const struct sg_fp_conf *conf, const char *prog, char **argv,
			 int max_args, char *buf, size_t buflen)
{
	struct argv_builder b = {.argv = argv, .max = max_args, .buf = buf, .len = buflen};
	char lcores[1024];
	size_t off = 0;
	bool any_pci = false;

	if (!conf->eal.n_workers || conf->eal.n_workers > SG_FP_MAX_WORKERS ||
	    (conf->eal.n_worker_cpus && conf->eal.n_worker_cpus != conf->eal.n_workers))
		return -EINVAL;
	if (max_args < 2 || buflen == 0)
		return -ENOSPC;
	add(&b, "%s", prog);
	if (conf->eal.n_worker_cpus) {
		/* lcore@cpu: lcore ids are names, several may run on one CPU. */
		if (sg_bprintf(lcores, sizeof(lcores), &off, "--lcores=%u@%u", conf->eal.main_lcore,
			       conf->eal.main_lcore))
			return -ENOSPC;
		for (unsigned i = 0; i < conf->eal.n_workers; i++)
			if (sg_bprintf(lcores, sizeof(lcores), &off, ",%u@%u", conf->eal.workers[i],
				       conf->eal.worker_cpus[i]))
				return -ENOSPC;
		add(&b, "%s", lcores);
	} else {
		if (sg_bprintf(lcores, sizeof(lcores), &off, "%u", conf->eal.main_lcore))
			return -ENOSPC;
		for (unsigned i = 0; i < conf->eal.n_workers; i++)
			if (sg_bprintf(lcores, sizeof(lcores), &off, ",%u", conf->eal.workers[i]))
				return -ENOSPC;
		add(&b, "-l");
		add(&b, "%s", lcores);
	}
	add(&b, "--main-lcore=%u", conf->eal.main_lcore);
	if (conf->eal.hugepages) {
		add(&b, "-m");
		add(&b, "%u", conf->eal.mem_mb);
		add(&b, "--file-prefix=%s", conf->eal.file_prefix);
	} else {
		/* No hugepages: anonymous memory (implies legacy memory), no shared config files. */
		add(&b, "--no-huge");
		add(&b, "-m");
		add(&b, "%u", conf->eal.mem_mb);
		add(&b, "--no-shconf");
		add(&b, "--file-prefix=%s", conf->eal.file_prefix);
	}
	add(&b, "--no-telemetry");
	add(&b, "--log-level=%d", dpdk_level(conf->eal.log_level));
	for (unsigned i = 0; i < conf->n_ports; i++) {
		const struct sg_fp_port_conf *p = &conf->ports[i];
		const char *sep = p->devargs[0] ? "," : "";
		if (p->is_pci) {
			any_pci = true;
			add(&b, "-a");
			add(&b, "%s%s%s", p->device, sep, p->devargs);
		} else {
			add(&b, "--vdev=%s%s%s", p->device, sep, p->devargs);
		}
	}
	if (!any_pci)
		add(&b, "--no-pci");
	return b.err ? b.err : b.argc;
}
