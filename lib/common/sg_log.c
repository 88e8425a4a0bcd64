/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <strings.h>
#include <time.h>

#include "sg_common.h"

static _Atomic int g_level = SG_LOG_NOTICE;

static const char *const level_names[SG_LOG__MAX] = {
	[SG_LOG_ERR] = "err", [SG_LOG_WARN] = "warn", [SG_LOG_NOTICE] = "notice",
	[SG_LOG_INFO] = "info", [SG_LOG_DEBUG] = "debug",
};

void sg_log(enum sg_log_level lvl, const char *tag, const char *fmt, ...)
{
	if ((int)lvl > g_level)
		return;
	struct timespec ts;
	struct tm tm;
	char line[1024];
	size_t off = 0;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	off = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
	sg_bprintf(line, sizeof(line), &off, ".%03ldZ %-6s %-8s ", ts.tv_nsec / 1000000L,
		   sg_log_level_name(lvl), tag ? tag : "-");
	va_start(ap, fmt);
	if (off < sizeof(line)) {
		int n = vsnprintf(line + off, sizeof(line) - off, fmt, ap);
		if (n > 0)
			off = SG_MIN(off + (size_t)n, sizeof(line) - 1);
	}
	va_end(ap);
	/* One write per line so concurrent lines do not interleave. */
	fprintf(stderr, "%.*s\n", (int)off, line);
}

int sg_log_level_set(enum sg_log_level lvl)
{
	if ((int)lvl < 0 || lvl >= SG_LOG__MAX)
		return -EINVAL;
	g_level = (int)lvl;
	return 0;
}

enum sg_log_level sg_log_level_get(void)
{
	return (enum sg_log_level)g_level;
}

int sg_log_level_parse(const char *name)
{
	static const struct { const char *n; enum sg_log_level l; } tab[] = {
		{"err", SG_LOG_ERR}, {"error", SG_LOG_ERR}, {"warn", SG_LOG_WARN},
		{"warning", SG_LOG_WARN}, {"notice", SG_LOG_NOTICE}, {"info", SG_LOG_INFO},
		{"debug", SG_LOG_DEBUG},
	};
	if (!name)
		return -EINVAL;
	for (size_t i = 0; i < SG_ARRAY_SIZE(tab); i++)
		if (strcasecmp(name, tab[i].n) == 0)
			return (int)tab[i].l;
	return -EINVAL;
}

const char *sg_log_level_name(enum sg_log_level lvl)
{
	if ((int)lvl < 0 || lvl >= SG_LOG__MAX)
		return "?";
	return level_names[lvl];
}
