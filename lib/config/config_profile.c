/* SPDX-License-Identifier: BSD-3-Clause
 * drivers-config/<name>.yaml: per-NIC port profiles.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_common.h"
#include "config_priv.h"

static const char *const offload_names[] = {
	"ipv4_cksum", "udp_cksum", "tcp_cksum", "rss_hash", "multi_segs", "vlan",
};

const char *sg_config_offload_name(uint64_t bit)
{
	for (unsigned i = 0; i < SG_ARRAY_SIZE(offload_names); i++)
		if (bit == (1ull << i))
			return offload_names[i];
	return NULL;
}

struct prof_parse {
	struct sg_yp y;           /* first member: callbacks get the reader */
	const char *name;
};

#define PROF_OFF(f) offsetof(struct sg_config_profile, f)
#define PSZ(f) sizeof(((struct sg_config_profile *)0)->f)

static int fn_name(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	const struct prof_parse *pp = (const struct prof_parse *)(void *)y;
	char name[PSZ(name)];
	yaml_mark_t m;
	int rc;

	SG_UNUSED(obj);
	SG_UNUSED(f);
	if ((rc = sg_yp_str(y, name, sizeof(name), 1, SG_YCS_IDENT, &m)))
		return rc;
	if (strcmp(name, pp->name))
		return sg_yp_errf(y, &m, "\"%s\" does not match the profile's file name \"%s\"", name, pp->name);
	return 0;
}

static int fn_offloads(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	struct sg_config_profile *p = obj;
	bool rx = f->off == PROF_OFF(rx_offloads);
	uint64_t bits = 0;
	yaml_mark_t m;
	unsigned n = 0;
	int rc;

	if ((rc = sg_yp_seq_begin(y, &m)))
		return rc;
	while ((rc = sg_yp_seq_item(y)) == 1) {
		size_t old = sg_yp_push_index(y, n++);
		char name[32];
		unsigned i;
		if ((rc = sg_yp_str(y, name, sizeof(name), 1, SG_YCS_IDENT, &m)))
			return rc;
		for (i = 0; i < SG_ARRAY_SIZE(offload_names) && strcmp(name, offload_names[i]); i++)
			;
		if (i == SG_ARRAY_SIZE(offload_names))
			return sg_yp_errf(y, &m, "unknown offload \"%s\" (ipv4_cksum, udp_cksum, tcp_cksum, "
					  "rss_hash, multi_segs, vlan)", name);
		uint64_t bit = 1ull << i;
		if (bits & bit)
			return sg_yp_errf(y, &m, "offload \"%s\" listed twice", name);
		if (!rx && bit == SG_CONFIG_OFFLOAD_RSS_HASH)
			return sg_yp_errf(y, &m, "rss_hash is an rx offload");
		if (rx && bit == SG_CONFIG_OFFLOAD_MULTI_SEGS)
			return sg_yp_errf(y, &m, "multi_segs is a tx offload");
		bits |= bit;
		sg_yp_pop(y, old);
	}
	if (rc < 0)
		return rc;
	if (rx)
		p->rx_offloads = bits;
	else
		p->tx_offloads = bits;
	return 0;
}

enum { F_NAME, F_DRIVER, F_DEVARGS, F_RXD, F_TXD, F_MAXQ, F_RSS, F_RXO, F_TXO, F_KV, F_NOTES, F__N };
static const struct sg_yfield prof_fields[F__N] = {
	[F_NAME] = {"name", SG_YF_FN, 0, 0, 0, 0, 0, false, fn_name},
	[F_DRIVER] = {"driver", SG_YF_STR, PROF_OFF(driver), PSZ(driver), 1, 0, SG_YCS_IDENT, true, NULL},
	[F_DEVARGS] = {"devargs", SG_YF_STR, PROF_OFF(devargs), PSZ(devargs), 0, 0, SG_YCS_NOSPACE, false, NULL},
	[F_RXD] = {"rx_desc", SG_YF_UINT, PROF_OFF(rx_desc), 2, SG_CONFIG_MIN_DESC, SG_CONFIG_MAX_DESC, 0, true, NULL},
	[F_TXD] = {"tx_desc", SG_YF_UINT, PROF_OFF(tx_desc), 2, SG_CONFIG_MIN_DESC, SG_CONFIG_MAX_DESC, 0, true, NULL},
	[F_MAXQ] = {"max_queues", SG_YF_UINT, PROF_OFF(max_queues), 2, 1, SG_CONFIG_MAX_QUEUES, 0, true, NULL},
	[F_RSS] = {"rss", SG_YF_BOOL, PROF_OFF(rss), sizeof(bool), 0, 0, 0, false, NULL},
	[F_RXO] = {"rx_offloads", SG_YF_FN, PROF_OFF(rx_offloads), 8, 0, 0, 0, false, fn_offloads},
	[F_TXO] = {"tx_offloads", SG_YF_FN, PROF_OFF(tx_offloads), 8, 0, 0, 0, false, fn_offloads},
	[F_KV] = {"kernel_visible", SG_YF_BOOL, PROF_OFF(kernel_visible), sizeof(bool), 0, 0, 0, false, NULL},
	[F_NOTES] = {"notes", SG_YF_STR, PROF_OFF(notes), PSZ(notes), 0, 0, SG_YCS_TEXT, false, NULL},
};

static bool pow2(unsigned v)
{
	return v && !(v & (v - 1));
}

int sg_config_profile_load_buf(struct sg_config_profile *p, const char *name, const char *file,
			       const char *buf, size_t len, char *err, size_t errlen)
{
	struct prof_parse pp;
	struct sg_config_profile tmp;
	yaml_mark_t marks[F__N], root;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!sg_config_profile_name_ok(name)) {
		if (err && errlen)
			snprintf(err, errlen, "%s: invalid profile name (want [a-z0-9_]{1,31})", file);
		return -EINVAL;
	}
	if (!buf) {
		buf = "";
		len = 0;
	}
	memset(&tmp, 0, sizeof(tmp));
	sg_strlcpy(tmp.name, name, sizeof(tmp.name));
	pp.name = tmp.name;
	if ((rc = sg_yp_open(&pp.y, file, buf, len, err, errlen)))
		goto out;
	if ((rc = sg_yp_doc_begin(&pp.y)) <= 0) {
		if (rc == 0)
			rc = sg_yp_errf(&pp.y, NULL, "empty profile");
		goto out;
	}
	if ((rc = sg_yp_peek(&pp.y)))
		goto out;
	if (pp.y.ev.type != YAML_MAPPING_START_EVENT) {
		rc = sg_yp_errf(&pp.y, sg_yp_mark(&pp.y), "the top level must be a mapping of keys");
		goto out;
	}
	if ((rc = sg_yp_map_fields(&pp.y, prof_fields, F__N, &tmp, marks, NULL, &root)))
		goto out;
	if ((rc = sg_yp_doc_end(&pp.y)))
		goto out;
	sg_yp_push_key(&pp.y, "rx_desc");
	if (!pow2(tmp.rx_desc)) {
		rc = sg_yp_errf(&pp.y, &marks[F_RXD], "%u is not a power of two", tmp.rx_desc);
		goto out;
	}
	sg_yp_pop(&pp.y, 0);
	sg_yp_push_key(&pp.y, "tx_desc");
	if (!pow2(tmp.tx_desc)) {
		rc = sg_yp_errf(&pp.y, &marks[F_TXD], "%u is not a power of two", tmp.tx_desc);
		goto out;
	}
	sg_yp_pop(&pp.y, 0);
	sg_yp_push_key(&pp.y, "rx_offloads");
	if ((tmp.rx_offloads & SG_CONFIG_OFFLOAD_RSS_HASH) && !tmp.rss) {
		rc = sg_yp_errf(&pp.y, &marks[F_RXO], "rss_hash needs rss: true");
		goto out;
	}
	sg_yp_pop(&pp.y, 0);
	*p = tmp;
out:
	sg_yp_close(&pp.y);
	return rc;
}

int sg_config_profile_load(struct sg_config_profile *p, const char *dir, const char *name,
			   char *err, size_t errlen)
{
	char path[512];
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!sg_config_profile_name_ok(name)) {
		if (err && errlen)
			snprintf(err, errlen, "%.40s: invalid profile name (want [a-z0-9_]{1,31})", name);
		return -EINVAL;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.yaml", dir, name) >= sizeof(path)) {
		if (err && errlen)
			snprintf(err, errlen, "%.64s...: profile path too long", dir);
		return -ENAMETOOLONG;
	}
	if ((rc = sg_config_read_file(path, &buf, &len))) {
		if (err && errlen) {
			if (rc == -EFBIG)
				snprintf(err, errlen, "%s: file too large (max %u bytes)", path, SG_CONFIG_MAX_FILE_SIZE);
			else
				snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		}
		return rc;
	}
	rc = sg_config_profile_load_buf(p, name, path, buf, len, err, errlen);
	free(buf);
	return rc;
}

int sg_config_port_apply_profile(struct sg_config_port *port, const struct sg_config_profile *p,
				 unsigned n_workers, char *err, size_t errlen)
{
	struct sg_config_port t = *port;

#define FAIL(...) do { if (err && errlen) snprintf(err, errlen, __VA_ARGS__); return -EINVAL; } while (0)
	if (strcmp(port->profile, p->name))
		FAIL("port %s: uses profile \"%s\", not \"%s\"", port->name, port->profile, p->name);
	if (n_workers < 1 || n_workers > SG_CONFIG_MAX_WORKERS)
		FAIL("port %s: %u workers out of range 1..%d", port->name, n_workers, SG_CONFIG_MAX_WORKERS);
	if (!t.rx_queues)
		t.rx_queues = (uint16_t)n_workers;
	if (!t.tx_queues)
		t.tx_queues = (uint16_t)n_workers;
	if (!t.rx_desc)
		t.rx_desc = p->rx_desc;
	if (!t.tx_desc)
		t.tx_desc = p->tx_desc;
	if (t.rx_queues > p->max_queues)
		FAIL("port %s: %u rx queues exceed max_queues %u of profile %s", port->name, t.rx_queues,
		     p->max_queues, p->name);
	if (t.tx_queues > p->max_queues)
		FAIL("port %s: %u tx queues exceed max_queues %u of profile %s", port->name, t.tx_queues,
		     p->max_queues, p->name);
#undef FAIL
	*port = t;
	if (err && errlen)
		err[0] = '\0';
	return 0;
}
