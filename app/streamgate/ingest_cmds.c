/* SPDX-License-Identifier: BSD-3-Clause
 * `streamgatectl paths` and `streamgatectl streams` (text and --json).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ingest_priv.h"
#include "sg_common.h"

static const char *codec_str(const struct ing_media *m)
{
	return m->info.codec_name[0] ? m->info.codec_name : "-";
}

static int cmd_paths(void *arg, int argc, char **argv, struct sg_ctl_out *o)
{
	static const char *const cols[] = {"name", "source", "transport", "on_demand", "state", "state_s",
					   "video", "audio", "viewers", "readers", "connects", "sessions",
					   "errors", "retry_in_s", "last_error"};
	struct sg_app *app = arg;
	struct sg_ingest *ing = ing_of(app);
	uint64_t now = sg_now_ns();

	(void)argv;
	if (argc > 1)
		return sg_ctl_out_error(o, EINVAL, "usage: paths");
	sg_ctl_out_table_begin(o, "paths", SG_ARRAY_SIZE(cols), cols);
	for (unsigned i = 0; ing && i < ing->n_paths; i++) {
		struct ing_path *p = &ing->paths[i];
		char tr[32];
		sg_ctl_out_cell_str(o, p->name);
		sg_ctl_out_cell_str(o, p->source_red);
		if (p->publisher)
			snprintf(tr, sizeof(tr), "%s", p->m[0].tcp || p->m[1].tcp ? "tcp" :
				 (p->m[0].rtp_port || p->m[1].rtp_port) ? "udp" : "-");
		else if (p->tls_source)
			snprintf(tr, sizeof(tr), "tcp(tls)");
		else if (p->pull)
			snprintf(tr, sizeof(tr), "%s%s", sg_config_transport_name(p->cfg->transport),
				 p->cfg->transport == SG_CONFIG_TRANSPORT_AUTO
					 ? (p->cur_lower == SG_RTSP_LOWER_TCP ? "(tcp)" : "(udp)") : "");
		else
			snprintf(tr, sizeof(tr), "%s", sg_config_transport_name(p->cfg->transport));
		sg_ctl_out_cell_str(o, tr);
		sg_ctl_out_cell_bool(o, p->cfg->source_on_demand);
		sg_ctl_out_cell_str(o, ing_state_name(p->st));
		sg_ctl_out_cell_double(o, (double)(now - p->st_since) / 1e9);
		sg_ctl_out_cell_str(o, p->m[0].used ? codec_str(&p->m[0]) : "-");
		sg_ctl_out_cell_str(o, p->m[1].used ? codec_str(&p->m[1]) : "-");
		sg_ctl_out_cell_u64(o, p->viewers);
		sg_ctl_out_cell_u64(o, p->n_readers);
		sg_ctl_out_cell_u64(o, p->connects);
		sg_ctl_out_cell_u64(o, p->sessions);
		sg_ctl_out_cell_u64(o, p->errors);
		sg_ctl_out_cell_double(o, p->st == ING_BACKOFF && p->next_attempt > now
						  ? (double)(p->next_attempt - now) / 1e9 : 0.0);
		sg_ctl_out_cell_str(o, p->last_err[0] ? p->last_err : "-");
	}
	sg_ctl_out_table_end(o);
	return 0;
}

static int cmd_streams(void *arg, int argc, char **argv, struct sg_ctl_out *o)
{
	static const char *const cols[] = {"path", "media", "sid", "codec", "clock", "pt", "transport",
					   "ssrc", "pkts", "bytes", "pps", "kbps", "lost", "jitter_ms",
					   "keyframes", "kf_interval_s", "bad", "drops", "rtcp_rx", "sr_rx",
					   "rr_tx", "viewers", "last_rx_ms_ago", "drop_reasons"};
	struct sg_app *app = arg;
	struct sg_ingest *ing = ing_of(app);
	uint64_t now = sg_now_ns();

	(void)argv;
	if (argc > 1)
		return sg_ctl_out_error(o, EINVAL, "usage: streams");
	sg_ctl_out_table_begin(o, "streams", SG_ARRAY_SIZE(cols), cols);
	for (unsigned i = 0; ing && i < ing->n_paths; i++) {
		struct ing_path *p = &ing->paths[i];
		for (int s = 0; s < SG_INGEST_N_MEDIA; s++) {
			struct ing_media *m = &p->m[s];
			struct sg_fp_stream_stats st;
			char reasons[256] = "", tr[16];
			size_t off = 0;
			uint64_t drops = 0;
			if (!m->used || sg_fp_stream_stats_get(app->fp, m->sid, &st) < 0)
				continue;
			for (unsigned d = 0; d < ING_DROP__MAX; d++) {
				if (!m->drops[d])
					continue;
				drops += m->drops[d];
				sg_bprintf(reasons, sizeof(reasons), &off, "%s%s=%llu", off ? "," : "",
					   ing_drop_name(d), (unsigned long long)m->drops[d]);
			}
			snprintf(tr, sizeof(tr), "%s", m->tcp ? "tcp" : m->rtp_port ? "udp" : "-");
			sg_ctl_out_cell_str(o, p->name);
			sg_ctl_out_cell_str(o, s == SG_INGEST_VIDEO ? "video" : "audio");
			sg_ctl_out_cell_i64(o, m->sid);
			sg_ctl_out_cell_str(o, codec_str(m));
			sg_ctl_out_cell_u64(o, m->info.clock_rate);
			sg_ctl_out_cell_u64(o, m->info.pt);
			sg_ctl_out_cell_str(o, tr);
			sg_ctl_out_cell_u64(o, st.ssrc);
			sg_ctl_out_cell_u64(o, st.pkts);
			sg_ctl_out_cell_u64(o, st.bytes);
			sg_ctl_out_cell_double(o, m->pps);
			sg_ctl_out_cell_double(o, m->kbps);
			sg_ctl_out_cell_i64(o, st.lost);
			sg_ctl_out_cell_double(o, m->info.clock_rate ? 1000.0 * st.jitter / m->info.clock_rate : 0.0);
			sg_ctl_out_cell_u64(o, st.keyframes);
			sg_ctl_out_cell_double(o, m->kf_interval_s);
			sg_ctl_out_cell_u64(o, st.bad);
			sg_ctl_out_cell_u64(o, drops);
			sg_ctl_out_cell_u64(o, m->rtcp_rx);
			sg_ctl_out_cell_u64(o, m->sr_rx);
			sg_ctl_out_cell_u64(o, m->rr_tx);
			sg_ctl_out_cell_u64(o, st.viewers);
			if (st.last_rx_ns)
				sg_ctl_out_cell_u64(o, now > st.last_rx_ns ? (now - st.last_rx_ns) / 1000000ull : 0);
			else
				sg_ctl_out_cell_null(o);
			sg_ctl_out_cell_str(o, reasons[0] ? reasons : "-");
		}
	}
	sg_ctl_out_table_end(o);
	return 0;
}

int ing_cmds_register(struct sg_app *app)
{
	int rc = sg_ctl_register(app->ctl, "paths", "paths",
				 "configured paths: source, state, last error, reconnects", cmd_paths, app);
	if (rc < 0)
		return rc;
	return sg_ctl_register(app->ctl, "streams", "streams",
			       "per-media stream objects: codec, packets, rate, loss, jitter, keyframes", cmd_streams,
			       app);
}
