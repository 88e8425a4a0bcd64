/* SPDX-License-Identifier: BSD-3-Clause
 * Ingest: the configured paths, their state machine (idle -> connecting ->
 * describing -> setting up -> playing -> backoff...), reconnects with
 * exponential backoff and jitter, sourceOnDemand, and the API the WebRTC
 * module uses (ingest.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#include "ingest_priv.h"
#include "sg_common.h"

const char *ing_state_name(enum ing_state s)
{
	static const char *const n[] = {"idle", "connecting", "describing", "setting_up",
					"playing", "backoff", "waiting", "publishing"};
	return (unsigned)s < SG_ARRAY_SIZE(n) ? n[s] : "?";
}

struct ing_path *ing_path_find(struct sg_ingest *ing, const char *name)
{
	if (!ing || !name)
		return NULL;
	for (unsigned i = 0; i < ing->n_paths; i++)
		if (!strcmp(ing->paths[i].name, name))
			return &ing->paths[i];
	return NULL;
}

void ing_set_state(struct ing_path *p, enum ing_state st, uint64_t now)
{
	if (p->st == st)
		return;
	SG_INFO(ING_TAG, "%s: %s -> %s", p->name, ing_state_name(p->st), ing_state_name(st));
	p->st = st;
	p->st_since = now;
}

/* Exponential backoff with +-25 % jitter: 0.5 s, 1 s, 2 s ... 30 s. */
static uint64_t backoff_ns(unsigned fails)
{
	uint64_t ms = ING_BACKOFF_MIN_MS;
	uint16_t r = 0;
	for (unsigned i = 1; i < fails && ms < ING_BACKOFF_MAX_MS; i++)
		ms *= 2;
	ms = SG_MIN(ms, (uint64_t)ING_BACKOFF_MAX_MS);
	if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
		r = (uint16_t)sg_now_ns();
	ms = ms * 3 / 4 + ms * r / 65535 / 2;
	return ms * 1000000ull;
}

void ing_path_fail(struct ing_path *p, uint64_t now, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->last_err, sizeof(p->last_err), fmt, ap);
	va_end(ap);
	p->errors++;
	p->fails++;
	p->tcp_fallback = false; /* automatic: the next attempt tries UDP again */
	SG_WARN(ING_TAG, "%s: %s (attempt %u failed, retrying)", p->name, p->last_err, p->fails);
	ing_pull_stop(p, false);
	p->next_attempt = now + backoff_ns(p->fails);
	ing_set_state(p, ING_BACKOFF, now);
}

/* Does a pull path want its source connected now? */
static bool pull_wanted(const struct ing_path *p, uint64_t now, unsigned close_s)
{
	if (!p->cfg->source_on_demand || p->viewers || p->n_readers)
		return true;
	return p->idle_since && now - p->idle_since < (uint64_t)close_s * 1000000000ull;
}

void sg_ingest_tick(struct sg_app *app, uint64_t now)
{
	struct sg_ingest *ing = ing_of(app);
	if (!ing)
		return;
	/*
	 * The loop calls us between epoll_wait() and the events it returned:
	 * what was closed before this turn has no event pending (its fd left
	 * the epoll set before epoll_wait), so it can go now; what closes from
	 * here on is kept until the next turn.
	 */
	ing_server_graveyard_empty(ing);
	ing_pull_graveyard_empty(ing);
	for (unsigned i = 0; i < ing->n_paths; i++) {
		struct ing_path *p = &ing->paths[i];
		if (p->publisher) {
			ing_media_tick(p, now);
			continue;
		}
		bool want = pull_wanted(p, now, app->cfg.rtsp_on_demand_close_s);
		if (!want && p->st != ING_IDLE) {
			SG_NOTICE(ING_TAG, "%s: no viewers for %u s: disconnecting the source", p->name,
				  app->cfg.rtsp_on_demand_close_s);
			ing_pull_stop(p, true);
			p->fails = 0;
			p->idle_since = 0;
			ing_set_state(p, ING_IDLE, now);
			continue;
		}
		if (want && (p->st == ING_IDLE || (p->st == ING_BACKOFF && now >= p->next_attempt))) {
			int rc = ing_pull_start(p, now);
			if (rc < 0)
				ing_path_fail(p, now, "cannot start: %s", strerror(-rc));
			continue;
		}
		if (p->pull)
			ing_pull_tick(p, now);
		ing_media_tick(p, now);
	}
	ing_server_tick(ing, now);
}

int sg_ingest_path_acquire(struct sg_app *app, const char *path, int sid_out[2], char *err, size_t errlen)
{
	struct ing_path *p = ing_path_find(ing_of(app), path);
	if (!p) {
		snprintf(err, errlen, "no path '%s'", path ? path : "");
		return -ENOENT;
	}
	p->viewers++;
	p->idle_since = 0;
	for (int s = 0; s < SG_INGEST_N_MEDIA; s++)
		sid_out[s] = p->m[s].used ? p->m[s].sid : -1;
	return 0;
}

void sg_ingest_path_release(struct sg_app *app, const char *path)
{
	struct ing_path *p = ing_path_find(ing_of(app), path);
	if (!p || !p->viewers)
		return;
	if (--p->viewers == 0 && !p->n_readers)
		p->idle_since = sg_now_ns();
}

int sg_ingest_path_info(struct sg_app *app, const char *path, struct sg_ingest_path_info *info)
{
	struct ing_path *p = ing_path_find(ing_of(app), path);
	if (!p)
		return -ENOENT;
	memset(info, 0, sizeof(*info));
	info->ready = (p->st == ING_PLAYING || p->st == ING_PUBLISHING) && ing_media_last_rx(p) > 0;
	for (int s = 0; s < SG_INGEST_N_MEDIA; s++) {
		if (p->m[s].used) {
			info->media[s] = p->m[s].info;
			info->media[s].sid = p->m[s].sid;
		} else {
			info->media[s].sid = -1;
		}
	}
	return 0;
}

int sg_ingest_init(struct sg_app *app)
{
	struct sg_ingest *ing = calloc(1, sizeof(*ing));
	struct sg_fp_port_info pi;
	int rc;

	if (!ing)
		return -ENOMEM;
	ing->app = app;
	ing->listen_io.fd = -1;
	if (sg_fp_port_info_get(app->fp, 0, &pi) == 0)
		ing->data_ip = pi.ipv4;
	ing->n_pairs = (unsigned)(app->cfg.rtsp_udp_max - app->cfg.rtsp_udp_min + 1) / 2;
	ing->port_used = calloc(ing->n_pairs ? ing->n_pairs : 1, 1);
	ing->paths = calloc(app->cfg.n_paths ? app->cfg.n_paths : 1, sizeof(*ing->paths));
	if (!ing->port_used || !ing->paths) {
		rc = -ENOMEM;
		goto err;
	}
	ing->n_paths = app->cfg.n_paths;
	for (unsigned i = 0; i < ing->n_paths; i++) {
		struct ing_path *p = &ing->paths[i];
		p->ing = ing;
		p->cfg = &app->cfg.paths[i];
		sg_strlcpy(p->name, p->cfg->name, sizeof(p->name));
		p->publisher = !strcmp(p->cfg->source, "publisher");
		if (sg_rtsp_url_redact(p->cfg->source, p->source_red, sizeof(p->source_red)) < 0)
			sg_strlcpy(p->source_red, "?", sizeof(p->source_red));
		p->tls_source = !strncasecmp(p->cfg->source, "rtsps://", 8);
		if (p->tls_source)
			SG_NOTICE(ING_TAG, "%s: rtsps:// source: media interleaved in the TLS connection "
				  "(transport %s -> tcp: no SRTP for UDP media)", p->name,
				  sg_config_transport_name(p->cfg->transport));
		p->st = p->publisher ? ING_WAITING : ING_IDLE;
		p->st_since = sg_now_ns();
		for (int s = 0; s < SG_INGEST_N_MEDIA; s++) {
			p->m[s].sid = -1;
			p->m[s].setup_idx = -1;
			p->m[s].rtp_sock.io.fd = p->m[s].rtcp_sock.io.fd = -1;
		}
	}
	app->ingest = ing;
	if ((rc = ing_server_init(ing)) < 0)
		goto err;
	if ((rc = ing_cmds_register(app)) < 0)
		goto err;
	SG_NOTICE(ING_TAG, "%u path(s); RTSP server on port %u; UDP ports %u-%u", ing->n_paths,
		  app->cfg.rtsp_port, app->cfg.rtsp_udp_min, app->cfg.rtsp_udp_max);
	return 0;
err:
	sg_ingest_fini(app);
	return rc;
}

void sg_ingest_fini(struct sg_app *app)
{
	struct sg_ingest *ing = ing_of(app);
	if (!ing)
		return;
	ing_server_fini(ing);
	for (unsigned i = 0; i < ing->n_paths; i++) {
		ing_pull_stop(&ing->paths[i], true);
		ing_media_close_all(&ing->paths[i]);
		ing_media_streams_del(&ing->paths[i]);
		ing_tls_ctx_free(ing->paths[i].tls);
		ing->paths[i].tls = NULL;
	}
	ing_pull_graveyard_empty(ing);
	free(ing->paths);
	free(ing->port_used);
	free(ing);
	app->ingest = NULL;
}
