/* SPDX-License-Identifier: BSD-3-Clause
 * Operator commands. Each command fills a structured reply once; lib/ctl
 * renders it as text tables or JSON (`streamgatectl --json`).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "app_priv.h"
#include "sg_common.h"
#include "sg_stats.h"

static void ipv4_str(uint32_t host, char *buf, size_t len)
{
	struct in_addr a = {.s_addr = htonl(host)};
	inet_ntop(AF_INET, &a, buf, (socklen_t)len);
}

static void lcore_stats(const struct sg_app *app, const struct sg_stats_lcore **lc, unsigned *n)
{
	*n = sg_fp_worker_count(app->fp);
	for (unsigned w = 0; w < *n; w++)
		lc[w] = sg_fp_worker_stats(app->fp, w);
}

static int cmd_status(void *arg, int argc, char **argv, struct sg_ctl_out *o)
{
	struct sg_app *app = arg;
	const struct sg_stats_lcore *lc[SG_FP_MAX_WORKERS];
	struct sg_stats_port sum;
	unsigned n;

	(void)argc;
	(void)argv;
	lcore_stats(app, lc, &n);
	sg_stats_sum(lc, n, -1, &sum);
	sg_ctl_out_kv_str(o, "version", SG_VERSION);
	sg_ctl_out_kv_u64(o, "uptime_s", (sg_now_ns() - app->start_ns) / 1000000000ull);
	sg_ctl_out_kv_str(o, "config", app->cfg.file);
	sg_ctl_out_kv_u64(o, "workers", n);
	sg_ctl_out_kv_u64(o, "ports", sg_fp_port_count(app->fp));
	sg_ctl_out_kv_u64(o, "mbufs_total", sg_fp_mbufs_total(app->fp));
	sg_ctl_out_kv_u64(o, "mbufs_in_use", sg_fp_mbufs_in_use(app->fp));
	sg_ctl_out_kv_u64(o, "mbufs_baseline", sg_fp_mbufs_baseline(app->fp));
	sg_ctl_out_kv_u64(o, "rx_pkts", sum.c[SG_STATS_RX_PKTS]);
	sg_ctl_out_kv_u64(o, "tx_pkts", sum.c[SG_STATS_TX_PKTS]);
	sg_ctl_out_kv_u64(o, "exc_to_kernel", sum.c[SG_STATS_EXC_TO_KERNEL]);
	sg_ctl_out_kv_u64(o, "exc_from_kernel", sum.c[SG_STATS_EXC_FROM_KERNEL]);
	sg_ctl_out_kv_u64(o, "drops", sg_stats_drops_total(&sum));
	sg_ctl_out_kv_str(o, "log_level", sg_log_level_name(sg_log_level_get()));
	return 0;
}

static int cmd_ports(void *arg, int argc, char **argv, struct sg_ctl_out *o)
{
	static const char *const cols[] = {"name", "device", "driver", "profile", "mac", "ipv4",
					   "tap", "link", "queues", "rx_pkts", "tx_pkts",
					   "exc_to_kernel", "exc_from_kernel", "drops", "hw_imissed",
					   "profile_diff"};
	struct sg_app *app = arg;
	const struct sg_stats_lcore *lc[SG_FP_MAX_WORKERS];
	unsigned n;

	(void)argc;
	(void)argv;
	lcore_stats(app, lc, &n);
	sg_ctl_out_table_begin(o, "ports", SG_ARRAY_SIZE(cols), cols);
	for (unsigned i = 0; i < sg_fp_port_count(app->fp); i++) {
		struct sg_fp_port_info pi;
		struct sg_stats_port s;
		char mac[24], ip[40], buf[64];

		if (sg_fp_port_info_get(app->fp, i, &pi) < 0)
			continue;
		sg_stats_sum(lc, n, (int)i, &s);
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", pi.mac[0], pi.mac[1],
			 pi.mac[2], pi.mac[3], pi.mac[4], pi.mac[5]);
		ipv4_str(pi.ipv4, ip, sizeof(ip));
		snprintf(ip + strlen(ip), sizeof(ip) - strlen(ip), "/%u", pi.prefix_len);
		sg_ctl_out_cell_str(o, pi.name);
		sg_ctl_out_cell_str(o, pi.device);
		sg_ctl_out_cell_str(o, pi.driver);
		sg_ctl_out_cell_str(o, pi.profile);
		sg_ctl_out_cell_str(o, mac);
		sg_ctl_out_cell_str(o, ip);
		sg_ctl_out_cell_str(o, pi.tap_name);
		if (pi.link_up)
			snprintf(buf, sizeof(buf), "up %u Mb/s", pi.link_speed_mbps);
		else
			snprintf(buf, sizeof(buf), "down");
		sg_ctl_out_cell_str(o, buf);
		snprintf(buf, sizeof(buf), "%u/%u", pi.rx_queues, pi.tx_queues);
		sg_ctl_out_cell_str(o, buf);
		sg_ctl_out_cell_u64(o, s.c[SG_STATS_RX_PKTS]);
		sg_ctl_out_cell_u64(o, s.c[SG_STATS_TX_PKTS]);
		sg_ctl_out_cell_u64(o, s.c[SG_STATS_EXC_TO_KERNEL]);
		sg_ctl_out_cell_u64(o, s.c[SG_STATS_EXC_FROM_KERNEL]);
		sg_ctl_out_cell_u64(o, sg_stats_drops_total(&s));
		sg_ctl_out_cell_u64(o, pi.hw_imissed);
		sg_ctl_out_cell_str(o, pi.caps_diff[0] ? pi.caps_diff : "-");
	}
	sg_ctl_out_table_end(o);
	return 0;
}

static int cmd_lcores(void *arg, int argc, char **argv, struct sg_ctl_out *o)
{
	/* busy_cycles: TSC cycles of loop iterations that did work (the CPU a
	 * polling worker really needs); total_cycles since the loop started. */
	/* fanout_pkts: SRTP packets this worker sent to its own viewers; fwd_rx:
	 * packets other workers / the control plane handed it (source references,
	 * ingest pushes, viewers' packets, DTLS to send). */
	static const char *const cols[] = {"lcore", "role", "busy_pct", "loops", "busy_loops",
					   "rx_pkts", "tx_pkts", "drops", "fanout_pkts", "fwd_rx",
					   "busy_cycles", "total_cycles", "tsc_hz"};
	struct sg_app *app = arg;
	const struct sg_stats_lcore *lc[SG_FP_MAX_WORKERS];
	unsigned n;

	(void)argc;
	(void)argv;
	lcore_stats(app, lc, &n);
	sg_ctl_out_table_begin(o, "lcores", SG_ARRAY_SIZE(cols), cols);
	sg_ctl_out_cell_u64(o, app->cfg.main_lcore);
	sg_ctl_out_cell_str(o, "control");
	sg_ctl_out_cell_double(o, 0);
	for (unsigned i = 0; i < 9; i++)
		sg_ctl_out_cell_u64(o, 0);
	sg_ctl_out_cell_u64(o, rte_get_tsc_hz());
	for (unsigned w = 0; w < n; w++) {
		struct sg_stats_port s;
		const struct sg_stats_lcore *one[1] = {lc[w]};
		sg_stats_sum(one, 1, -1, &s);
		sg_ctl_out_cell_u64(o, sg_fp_worker_lcore(app->fp, w));
		sg_ctl_out_cell_str(o, "worker");
		sg_ctl_out_cell_double(o, lc[w]->total_cycles ? 100.0 * (double)lc[w]->busy_cycles /
									(double)lc[w]->total_cycles
							     : 0.0);
		sg_ctl_out_cell_u64(o, lc[w]->loops);
		sg_ctl_out_cell_u64(o, lc[w]->busy_loops);
		sg_ctl_out_cell_u64(o, s.c[SG_STATS_RX_PKTS]);
		sg_ctl_out_cell_u64(o, s.c[SG_STATS_TX_PKTS]);
		sg_ctl_out_cell_u64(o, sg_stats_drops_total(&s));
		sg_ctl_out_cell_u64(o, s.c[SG_STATS_FANOUT_PKTS]);
		sg_ctl_out_cell_u64(o, s.c[SG_STATS_FWD_RX]);
		sg_ctl_out_cell_u64(o, lc[w]->busy_cycles);
		sg_ctl_out_cell_u64(o, lc[w]->total_cycles);
		sg_ctl_out_cell_u64(o, rte_get_tsc_hz());
	}
	sg_ctl_out_table_end(o);
	return 0;
}

/* Every counter and drop reason, per port, summed over workers (the X-macro lists). */
static int cmd_stats(void *arg, int argc, char **argv, struct sg_ctl_out *o)
{
	static const char *const cols[] = {"port", "counter", "kind", "value"};
	struct sg_app *app = arg;
	const struct sg_stats_lcore *lc[SG_FP_MAX_WORKERS];
	bool all = argc > 1 && strcmp(argv[1], "-a") == 0;
	unsigned n;

	if (argc > 2 || (argc == 2 && !all))
		return sg_ctl_out_error(o, EINVAL, "usage: stats [-a]");
	lcore_stats(app, lc, &n);
	sg_ctl_out_table_begin(o, "counters", SG_ARRAY_SIZE(cols), cols);
	for (unsigned i = 0; i < sg_fp_port_count(app->fp); i++) {
		struct sg_fp_port_info pi;
		struct sg_stats_port s;
		sg_fp_port_info_get(app->fp, i, &pi);
		sg_stats_sum(lc, n, (int)i, &s);
		for (unsigned k = 0; k < SG_STATS__N_COUNTERS; k++) {
			if (!s.c[k] && !all)
				continue;
			sg_ctl_out_cell_str(o, pi.name);
			sg_ctl_out_cell_str(o, sg_stats_counter_name(k));
			sg_ctl_out_cell_str(o, "count");
			sg_ctl_out_cell_u64(o, s.c[k]);
		}
		for (unsigned k = 0; k < SG_STATS__N_DROPS; k++) {
			if (!s.drop[k] && !all)
				continue;
			sg_ctl_out_cell_str(o, pi.name);
			sg_ctl_out_cell_str(o, sg_stats_drop_name(k));
			sg_ctl_out_cell_str(o, "drop");
			sg_ctl_out_cell_u64(o, s.drop[k]);
		}
	}
	sg_ctl_out_table_end(o);
	return 0;
}

static int cmd_config(void *arg, int argc, char **argv, struct sg_ctl_out *o)
{
	struct sg_app *app = arg;
	char *buf;
	int rc;

	(void)argc;
	(void)argv;
	buf = malloc(65536);
	if (!buf)
		return sg_ctl_out_error(o, ENOMEM, "out of memory");
	rc = sg_config_dump(&app->cfg, buf, 65536);
	if (rc < 0) {
		free(buf);
		return sg_ctl_out_error(o, -rc, "cannot render the configuration: %s", strerror(-rc));
	}
	sg_ctl_out_kv_str(o, "file", app->cfg.file);
	sg_ctl_out_kv_str(o, "effective", buf);
	free(buf);
	return 0;
}

static int cmd_log_level(void *arg, int argc, char **argv, struct sg_ctl_out *o)
{
	(void)arg;
	if (argc > 2)
		return sg_ctl_out_error(o, EINVAL, "usage: log-level [err|warn|notice|info|debug]");
	if (argc == 2) {
		int lvl = sg_log_level_parse(argv[1]);
		if (lvl < 0)
			return sg_ctl_out_error(o, EINVAL,
						"unknown log level '%s' (err, warn, notice, info, debug)",
						argv[1]);
		sg_log_level_set((enum sg_log_level)lvl);
		SG_NOTICE("ctl", "log level set to %s", sg_log_level_name((enum sg_log_level)lvl));
	}
	sg_ctl_out_kv_str(o, "log_level", sg_log_level_name(sg_log_level_get()));
	return 0;
}

int sg_app_cmds_register(struct sg_app *app)
{
	static const struct {
		const char *name, *usage, *help;
		sg_ctl_handler_t fn;
	} cmds[] = {
		{"status", "status", "daemon state, mbufs and packet totals", cmd_status},
		{"ports", "ports", "data ports: device, driver, profile, link, counters", cmd_ports},
		{"lcores", "lcores", "control and worker lcores, busy share and counters", cmd_lcores},
		{"stats", "stats [-a]", "fast-path counters and drop reasons per port (-a: zeros too)", cmd_stats},
		{"config", "config", "effective configuration (secrets hidden)", cmd_config},
		{"log-level", "log-level [LEVEL]", "show or set the log level", cmd_log_level},
	};
	for (unsigned i = 0; i < SG_ARRAY_SIZE(cmds); i++) {
		int rc = sg_ctl_register(app->ctl, cmds[i].name, cmds[i].usage, cmds[i].help,
					 cmds[i].fn, app);
		if (rc < 0)
			return rc;
	}
	return 0;
}
