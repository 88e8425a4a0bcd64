/* SPDX-License-Identifier: BSD-3-Clause
 * sg-loadgen: many WebRTC viewers against a WHEP endpoint, in one thread.
 *
 *   sg-loadgen --url http://198.18.0.1:8889/cam1/whep --viewers 500
 *              --seconds 30 --ramp 50/s [--json] [--token T]
 *
 * Viewers are started at the ramp rate; once the last one has started the
 * run goes on for --seconds, then every session is DELETEd. A progress line
 * goes to stderr once per second; the summary table (or a JSON object with
 * --json) to stdout. Exit status: 0 when every viewer connected, decrypted at
 * least --min-packets packets, saw no SRTP authentication failure and lost at
 * most --max-loss percent; 1 otherwise; 2 for usage errors.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>

#include "loadgen.h"
#include "sg_common.h"

#define MAX_VIEWERS 20000
#define MAX_HTTP_INFLIGHT 32

static volatile sig_atomic_t g_stop;

static void on_signal(int s)
{
	(void)s;
	g_stop = 1;
}

uint64_t lg_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: sg-loadgen --url http://HOST:PORT/PATH [options]\n"
		"  --url URL           WHEP endpoint (plain http)\n"
		"  --viewers N         viewers (default 10)\n"
		"  --seconds S         run time after the last viewer started (default 10)\n"
		"  --ramp R[/s]        viewers started per second (default 50)\n"
		"  --token T           bearer token for the WHEP POST/DELETE\n"
		"  --bind IP           local address of the sockets\n"
		"  --max-loss PCT      per-viewer loss allowed, percent (default 0)\n"
		"  --min-packets N     per-viewer decrypted RTP packets required (default 1)\n"
		"  --connect-timeout S POST to SRTP keys, per viewer (default 20)\n"
		"  --srtp LIST         SRTP profiles offered, cycled over the viewers: a comma-separated\n"
		"                      list of gcm (AEAD_AES_128_GCM), gcm256, cm80 (AES128_CM_SHA1_80),\n"
		"                      cm32, any (GCM then AES-CM, the default)\n"
		"  --json              summary as one JSON object on stdout\n"
		"  --quiet             no progress line\n"
		"  --print-offer       print one viewer's offer and exit\n");
}

static int url_parse(struct lg_opts *o, const char *url)
{
	const char *p, *slash, *colon;
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai = NULL;

	if (strncmp(url, "http://", 7) != 0)
		return -EINVAL;
	p = url + 7;
	slash = strchr(p, '/');
	if (!slash)
		return -EINVAL;
	colon = memchr(p, ':', (size_t)(slash - p));
	size_t hl = (size_t)((colon ? colon : slash) - p);
	if (hl == 0 || hl >= sizeof(o->host))
		return -EINVAL;
	memcpy(o->host, p, hl);
	o->host[hl] = '\0';
	o->port = 80;
	if (colon) {
		long port = strtol(colon + 1, NULL, 10);
		if (port <= 0 || port > 65535)
			return -EINVAL;
		o->port = (uint16_t)port;
	}
	if (strlen(slash) >= sizeof(o->path))
		return -EINVAL;
	sg_strlcpy(o->path, slash, sizeof(o->path));
	if (getaddrinfo(o->host, NULL, &hints, &ai) != 0 || !ai)
		return -EHOSTUNREACH;
	o->host_addr = ((struct sockaddr_in *)ai->ai_addr)->sin_addr;
	freeaddrinfo(ai);
	return 0;
}

/* ---- statistics ---------------------------------------------------------- */

struct totals {
	unsigned started, up, failed, http, ice, dtls;
	uint64_t rtp, bytes, rtcp, auth_fail, replay, other_fail, early, expected, reordered;
	int64_t lost;
};

static void totals_get(const struct lg_viewer *vs, unsigned n, struct totals *t)
{
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < n; i++) {
		const struct lg_viewer *v = &vs[i];
		uint64_t e, r;
		int64_t l;
		if (v->state == LG_IDLE)
			continue;
		t->started++;
		t->up += v->state == LG_MEDIA || (v->state == LG_DONE && v->t_keyed_ns);
		t->failed += v->state == LG_FAILED;
		t->http += v->state == LG_HTTP;
		t->ice += v->state == LG_ICE;
		t->dtls += v->state == LG_DTLS;
		t->rtp += v->rtp_ok;
		t->bytes += v->rtp_bytes;
		t->rtcp += v->rtcp_ok;
		t->auth_fail += v->auth_fail;
		t->replay += v->replay;
		t->other_fail += v->other_fail;
		t->early += v->rx_early;
		lg_viewer_loss(v, &e, &l, &r);
		t->expected += e;
		t->lost += l;
		t->reordered += r;
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Verdict of one viewer: NULL when fine, else why not. */
static const char *viewer_verdict(const struct lg_opts *o, const struct lg_viewer *v, char *buf, size_t cap)
{
	uint64_t e, r;
	int64_t l;
	if (v->state == LG_FAILED)
		return v->fail[0] ? v->fail : "failed";
	if (!v->t_keyed_ns)
		return "never connected";
	if (v->auth_fail) {
		snprintf(buf, cap, "%llu SRTP authentication failures", (unsigned long long)v->auth_fail);
		return buf;
	}
	if (v->rtp_ok < o->min_packets) {
		snprintf(buf, cap, "only %llu RTP packets decrypted (< %llu)", (unsigned long long)v->rtp_ok,
			 (unsigned long long)o->min_packets);
		return buf;
	}
	lg_viewer_loss(v, &e, &l, &r);
	if (e && l > 0 && 100.0 * (double)l / (double)e > o->max_loss_pct) {
		snprintf(buf, cap, "lost %lld of %llu packets", (long long)l, (unsigned long long)e);
		return buf;
	}
	return NULL;
}

static double viewer_mbps(const struct lg_viewer *v, uint64_t t_end)
{
	if (!v->t_keyed_ns || t_end <= v->t_keyed_ns)
		return 0;
	return (double)v->rtp_bytes * 8.0 / ((double)(t_end - v->t_keyed_ns) / 1e9) / 1e6;
}

static int report(const struct lg_opts *o, const struct lg_viewer *vs, unsigned n, uint64_t t0,
		  uint64_t t_end, unsigned deletes_failed)
{
	struct totals t;
	uint64_t *pk = calloc(n + 1, sizeof(*pk));
	double *mb = calloc(n + 1, sizeof(*mb)), *ct = calloc(n + 1, sizeof(*ct));
	unsigned nk = 0, bad = 0;
	char buf[160];
	double dur = (double)(t_end - t0) / 1e9;

	if (!pk || !mb || !ct) {
		free(pk), free(mb), free(ct);
		return 1;
	}
	totals_get(vs, n, &t);
	for (unsigned i = 0; i < n; i++) {
		const struct lg_viewer *v = &vs[i];
		if (viewer_verdict(o, v, buf, sizeof(buf)))
			bad++;
		if (!v->t_keyed_ns)
			continue;
		pk[nk] = v->rtp_ok;
		mb[nk] = viewer_mbps(v, t_end);
		ct[nk] = (double)(v->t_keyed_ns - v->t_start_ns) / 1e6;
		nk++;
	}
	qsort(pk, nk, sizeof(*pk), cmp_u64);
	qsort(mb, nk, sizeof(*mb), cmp_dbl);
	qsort(ct, nk, sizeof(*ct), cmp_dbl);
#define PCT(a, p) (nk ? (a)[(size_t)((double)(nk - 1) * (p))] : 0)
	if (o->json) {
		printf("{\"ok\":%s,\"viewers\":%u,\"connected\":%u,\"failed\":%u,\"bad\":%u,\"seconds\":%.3f,"
		       "\"rtp_packets\":%llu,\"rtp_bytes\":%llu,\"rtcp_packets\":%llu,\"expected\":%llu,"
		       "\"lost\":%lld,\"reordered\":%llu,\"auth_fail\":%llu,\"replay\":%llu,\"other_fail\":%llu,"
		       "\"before_keys\":%llu,\"deletes_failed\":%u,"
		       "\"packets_per_viewer\":{\"min\":%llu,\"p50\":%llu,\"max\":%llu},"
		       "\"mbps_per_viewer\":{\"min\":%.3f,\"p50\":%.3f,\"max\":%.3f},"
		       "\"connect_ms\":{\"p50\":%.1f,\"p95\":%.1f,\"max\":%.1f},\"per_viewer\":[",
		       bad ? "false" : "true", n, t.up, t.failed, bad, dur, (unsigned long long)t.rtp,
		       (unsigned long long)t.bytes, (unsigned long long)t.rtcp, (unsigned long long)t.expected,
		       (long long)t.lost, (unsigned long long)t.reordered, (unsigned long long)t.auth_fail,
		       (unsigned long long)t.replay, (unsigned long long)t.other_fail,
		       (unsigned long long)t.early, deletes_failed, (unsigned long long)(nk ? pk[0] : 0),
		       (unsigned long long)PCT(pk, 0.5), (unsigned long long)(nk ? pk[nk - 1] : 0),
		       nk ? mb[0] : 0, PCT(mb, 0.5), nk ? mb[nk - 1] : 0, PCT(ct, 0.5), PCT(ct, 0.95),
		       nk ? ct[nk - 1] : 0);
		for (unsigned i = 0; i < n; i++) {
			const struct lg_viewer *v = &vs[i];
			uint64_t e, r;
			int64_t l;
			const char *why = viewer_verdict(o, v, buf, sizeof(buf));
			lg_viewer_loss(v, &e, &l, &r);
			printf("%s{\"viewer\":%u,\"ok\":%s,\"rtp\":%llu,\"bytes\":%llu,\"rtcp\":%llu,\"expected\":%llu,"
			       "\"lost\":%lld,\"reordered\":%llu,\"auth_fail\":%llu,\"replay\":%llu,\"ssrcs\":%u,"
			       "\"consent_sent\":%llu,\"consent_ok\":%llu,\"mbps\":%.3f,\"connect_ms\":%.1f,\"profile\":\"%s\","
			       "\"error\":\"",
			       i ? "," : "", i, why ? "false" : "true", (unsigned long long)v->rtp_ok,
			       (unsigned long long)v->rtp_bytes, (unsigned long long)v->rtcp_ok,
			       (unsigned long long)e, (long long)l, (unsigned long long)r,
			       (unsigned long long)v->auth_fail, (unsigned long long)v->replay, v->n_ssrc,
			       (unsigned long long)v->consent_sent, (unsigned long long)v->consent_ok,
			       viewer_mbps(v, t_end),
			       v->t_keyed_ns ? (double)(v->t_keyed_ns - v->t_start_ns) / 1e6 : -1.0,
			       v->profile ? v->profile : "");
			for (const char *c = why ? why : ""; *c; c++)
				if (*c == '"' || *c == '\\')
					printf("\\%c", *c);
				else if ((unsigned char)*c >= 0x20)
					putchar(*c);
			printf("\"}");
		}
		printf("]}\n");
	} else {
		printf("sg-loadgen: %u viewers, %.1f s\n", n, dur);
		printf("  %-28s %u connected, %u failed, %u not ok\n", "viewers", t.up, t.failed, bad);
		printf("  %-28s %llu (%.0f pkt/s), %.2f Mbit/s total\n", "RTP packets decrypted",
		       (unsigned long long)t.rtp, dur > 0 ? (double)t.rtp / dur : 0,
		       dur > 0 ? (double)t.bytes * 8 / dur / 1e6 : 0);
		printf("  %-28s %llu\n", "SRTCP packets decrypted", (unsigned long long)t.rtcp);
		printf("  %-28s %lld of %llu expected (%.4f%%)\n", "lost", (long long)t.lost,
		       (unsigned long long)t.expected,
		       t.expected ? 100.0 * (double)t.lost / (double)t.expected : 0);
		printf("  %-28s %llu\n", "reordered", (unsigned long long)t.reordered);
		printf("  %-28s %llu auth, %llu replay, %llu other\n", "SRTP failures",
		       (unsigned long long)t.auth_fail, (unsigned long long)t.replay,
		       (unsigned long long)t.other_fail);
		printf("  %-28s %llu\n", "datagrams before keys", (unsigned long long)t.early);
		printf("  %-28s min %llu  p50 %llu  max %llu\n", "packets per viewer",
		       (unsigned long long)(nk ? pk[0] : 0), (unsigned long long)PCT(pk, 0.5),
		       (unsigned long long)(nk ? pk[nk - 1] : 0));
		printf("  %-28s min %.3f  p50 %.3f  max %.3f\n", "Mbit/s per viewer", nk ? mb[0] : 0,
		       PCT(mb, 0.5), nk ? mb[nk - 1] : 0);
		printf("  %-28s p50 %.1f  p95 %.1f  max %.1f\n", "connect ms (POST..keys)", PCT(ct, 0.5),
		       PCT(ct, 0.95), nk ? ct[nk - 1] : 0);
		printf("  %-28s %u\n", "DELETE failures", deletes_failed);
		unsigned shown = 0;
		for (unsigned i = 0; i < n && shown < 10; i++) {
			const char *why = viewer_verdict(o, &vs[i], buf, sizeof(buf));
			if (why) {
				printf("  viewer %u: %s\n", i, why);
				shown++;
			}
		}
		printf("%s\n", bad ? "FAIL" : "OK");
	}
#undef PCT
	free(pk), free(mb), free(ct);
	return bad ? 1 : 0;
}

static void progress(const struct lg_opts *o, const struct lg_viewer *vs, unsigned n, uint64_t t0,
		     uint64_t now, struct totals *prev, uint64_t *prev_ns)
{
	struct totals t;
	double dt = (double)(now - *prev_ns) / 1e9;
	totals_get(vs, n, &t);
	if (!o->quiet && dt > 0)
		fprintf(stderr,
			"[%5.1fs] viewers %u/%u up %u (http %u ice %u dtls %u) failed %u | %.0f pkt/s %.2f Mbit/s"
			" | lost %lld reordered %llu auth_fail %llu replay %llu\n",
			(double)(now - t0) / 1e9, t.started, n, t.up, t.http, t.ice, t.dtls, t.failed,
			(double)(t.rtp - prev->rtp) / dt, (double)(t.bytes - prev->bytes) * 8 / dt / 1e6,
			(long long)t.lost, (unsigned long long)t.reordered, (unsigned long long)t.auth_fail,
			(unsigned long long)t.replay);
	*prev = t;
	*prev_ns = now;
}

/* --srtp gcm,cm80,...: one use_srtp offer per entry, cycled over the viewers. */
static int srtp_parse(struct lg_opts *o, const char *arg)
{
	static const struct {
		const char *name, *offer;
	} tab[] = {
		{"gcm", "SRTP_AEAD_AES_128_GCM"},
		{"gcm256", "SRTP_AEAD_AES_256_GCM"},
		{"cm80", "SRTP_AES128_CM_SHA1_80"},
		{"cm32", "SRTP_AES128_CM_SHA1_32"},
		{"any", "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80"},
	};
	const char *p = arg;

	o->n_srtp = 0;
	while (*p) {
		size_t l = strcspn(p, ",");
		unsigned i;
		for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
			if (strlen(tab[i].name) == l && strncmp(p, tab[i].name, l) == 0)
				break;
		if (i == sizeof(tab) / sizeof(tab[0]) || o->n_srtp == 4)
			return -EINVAL;
		o->srtp_offer[o->n_srtp++] = tab[i].offer;
		p += l;
		if (*p == ',' && *++p == '\0')
			return -EINVAL;
	}
	return o->n_srtp ? 0 : -EINVAL;
}

static int parse_opts(struct lg_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{"url", required_argument, 0, 'u'},       {"viewers", required_argument, 0, 'n'},
		{"seconds", required_argument, 0, 's'},   {"ramp", required_argument, 0, 'r'},
		{"token", required_argument, 0, 't'},     {"bind", required_argument, 0, 'b'},
		{"max-loss", required_argument, 0, 'l'},  {"min-packets", required_argument, 0, 'm'},
		{"connect-timeout", required_argument, 0, 'c'}, {"json", no_argument, 0, 'j'},
		{"srtp", required_argument, 0, 'S'},
		{"quiet", no_argument, 0, 'q'},           {"print-offer", no_argument, 0, 'p'},           {"help", no_argument, 0, 'h'},
		{0, 0, 0, 0}};
	const char *url = NULL;
	char *end;
	int c;

	o->viewers = 10;
	o->seconds = 10;
	o->ramp = 50;
	o->min_packets = 1;
	o->connect_timeout = 20;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'u': url = optarg; break;
		case 'n': o->viewers = (unsigned)strtoul(optarg, &end, 10); break;
		case 's': o->seconds = strtod(optarg, &end); break;
		case 'r': o->ramp = strtod(optarg, &end); break;
		case 't': sg_strlcpy(o->token, optarg, sizeof(o->token)); break;
		case 'b': sg_strlcpy(o->bind_ip, optarg, sizeof(o->bind_ip)); break;
		case 'l': o->max_loss_pct = strtod(optarg, &end); break;
		case 'm': o->min_packets = strtoull(optarg, &end, 10); break;
		case 'c': o->connect_timeout = strtod(optarg, &end); break;
		case 'j': o->json = true; break;
		case 'S':
			if (srtp_parse(o, optarg) < 0) {
				fprintf(stderr, "sg-loadgen: bad --srtp (up to 4 of gcm, gcm256, cm80, cm32, any): %s\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'q': o->quiet = true; break;
		case 'p': o->print_offer = true; break;
		case 'h': usage(stdout); exit(0);
		default: return -EINVAL;
		}
	}
	if (o->print_offer && !url)
		url = "http://127.0.0.1:8889/cam/whep";
	if (!url || optind != argc) {
		fprintf(stderr, "sg-loadgen: --url is required\n");
		return -EINVAL;
	}
	if (url_parse(o, url) < 0) {
		fprintf(stderr, "sg-loadgen: bad --url (http://HOST[:PORT]/PATH, IPv4): %s\n", url);
		return -EINVAL;
	}
	if (o->viewers == 0 || o->viewers > MAX_VIEWERS || !(o->seconds >= 0) || o->seconds > 86400 ||
	    !(o->ramp > 0) || !(o->max_loss_pct >= 0) || !(o->connect_timeout > 0)) {
		fprintf(stderr, "sg-loadgen: bad --viewers (1..%u), --seconds, --ramp, --max-loss or "
				"--connect-timeout\n", MAX_VIEWERS);
		return -EINVAL;
	}
	if (o->bind_ip[0] && inet_pton(AF_INET, o->bind_ip, &o->bind_addr) != 1) {
		fprintf(stderr, "sg-loadgen: bad --bind address\n");
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct lg_opts o = {0};
	struct lg_viewer *vs;
	struct epoll_event evs[256];
	struct totals prev = {0};
	uint64_t t0, now, next_tick = 0, next_progress, prev_ns, t_all_started = 0, t_end;
	unsigned started = 0, deletes_failed = 0;
	struct rlimit rl;
	int rc;

	if (parse_opts(&o, argc, argv) < 0) {
		usage(stderr);
		return 2;
	}
	/* one UDP socket per viewer plus HTTP connections */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)o.viewers + MAX_HTTP_INFLIGHT + 16) {
		fprintf(stderr, "sg-loadgen: open file limit %llu too low for %u viewers\n",
			(unsigned long long)rl.rlim_cur, o.viewers);
		return 2;
	}
	if (srtp_init() != srtp_err_status_ok || lg_dtls_ctx_init(&o) < 0) {
		fprintf(stderr, "sg-loadgen: libsrtp2 / OpenSSL initialisation failed\n");
		return 1;
	}
	if (o.print_offer) {
		struct lg_viewer v = {0};
		char offer[LG_OFFER_MAX];
		sg_strlcpy(v.ufrag, "abcdefgh", sizeof(v.ufrag));
		sg_strlcpy(v.pwd, "abcdefghijklmnopqrstuvwx", sizeof(v.pwd));
		if (lg_offer_write(&o, &v, offer, sizeof(offer)) < 0)
			return 1;
		fputs(offer, stdout);
		return 0;
	}
	o.ep = epoll_create1(EPOLL_CLOEXEC);
	vs = calloc(o.viewers, sizeof(*vs));
	if (o.ep < 0 || !vs) {
		perror("sg-loadgen");
		return 1;
	}
	for (unsigned i = 0; i < o.viewers; i++) {
		vs[i].idx = i;
		vs[i].fd = vs[i].http.fd = -1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	t0 = lg_now_ns();
	next_progress = t0 + 1000000000ull;
	prev_ns = t0;
	while (!g_stop) {
		int n = epoll_wait(o.ep, evs, (int)SG_ARRAY_SIZE(evs), 5);
		if (n < 0 && errno != EINTR) {
			perror("epoll_wait");
			break;
		}
		for (int i = 0; i < n; i++) {
			unsigned kind = (unsigned)(evs[i].data.u64 >> 32), idx = (unsigned)evs[i].data.u64;
			if (idx >= o.viewers)
				continue;
			if (kind == LG_EV_UDP)
				lg_viewer_udp_event(&o, &vs[idx]);
			else if (kind == LG_EV_HTTP)
				lg_viewer_http_event(&o, &vs[idx]);
		}
		now = lg_now_ns();
		/* the ramp, with a bound on POSTs in flight */
		if (started < o.viewers) {
			unsigned due = (unsigned)((double)(now - t0) / 1e9 * o.ramp) + 1, inflight = 0;
			for (unsigned i = 0; i < started; i++)
				inflight += vs[i].state == LG_HTTP;
			while (started < o.viewers && started < due && inflight < MAX_HTTP_INFLIGHT) {
				lg_viewer_start(&o, &vs[started++]);
				inflight++;
			}
			if (started == o.viewers)
				t_all_started = now;
		}
		if (now >= next_tick) {
			for (unsigned i = 0; i < started; i++)
				lg_viewer_tick(&o, &vs[i], now);
			next_tick = now + 10000000ull;
		}
		if (now >= next_progress) {
			progress(&o, vs, o.viewers, t0, now, &prev, &prev_ns);
			next_progress += 1000000000ull;
		}
		if (t_all_started && now - t_all_started >= (uint64_t)(o.seconds * 1e9))
			break;
	}
	t_end = lg_now_ns();
	progress(&o, vs, o.viewers, t0, t_end, &prev, &prev_ns);
	/* WHEP teardown (draft-ietf-wish-whep §4.4): DELETE every session */
	for (unsigned i = 0; i < o.viewers; i++) {
		if (vs[i].location[0] && lg_http_delete(&o, &vs[i], 2000) < 0)
			deletes_failed++;
		lg_viewer_stop(&o, &vs[i]);
	}
	rc = report(&o, vs, o.viewers, t0, t_end, deletes_failed);
	for (unsigned i = 0; i < o.viewers; i++)
		lg_http_close(&o, &vs[i]);
	free(vs);
	SSL_CTX_free(o.ssl_ctx);
	close(o.ep);
	srtp_shutdown();
	return g_stop && rc == 0 ? 1 : rc;
}
