/* SPDX-License-Identifier: BSD-3-Clause
 * lib/ctl: command registry, built-in "help", request dispatch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_common.h"
#include "ctl_priv.h"

static int ctl_help(void *arg, int argc, char **argv, struct sg_ctl_out *out);

struct sg_ctl *ctl_alloc(void)
{
	struct sg_ctl *ctl = calloc(1, sizeof(*ctl));

	if (!ctl) {
		errno = ENOMEM;
		return NULL;
	}
	ctl->lfd = -1;
	ctl->epfd = -1;
	ctl->idle_ns = (uint64_t)SG_CTL_IDLE_MS_DEFAULT * 1000000ull;
	for (unsigned i = 0; i < SG_CTL_MAX_CLIENTS; i++)
		ctl->clients[i].fd = -1;
	if (sg_ctl_register(ctl, "help", "help [COMMAND]", "List commands, or show one command's usage",
			    ctl_help, ctl) < 0) {
		free(ctl);
		errno = ENOMEM;
		return NULL;
	}
	return ctl;
}

static bool name_ok(const char *n)
{
	size_t i, l;

	if (!n)
		return false;
	l = strlen(n);
	if (l == 0 || l >= SG_CTL_NAME_MAX)
		return false;
	for (i = 0; i < l; i++) {
		char c = n[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '-' && c != '_' && c != '.')))
			return false;
	}
	return true;
}

static const struct ctl_cmd *ctl_find(const struct sg_ctl *ctl, const char *name)
{
	for (unsigned i = 0; i < ctl->ncmds; i++)
		if (strcmp(ctl->cmds[i].name, name) == 0)
			return &ctl->cmds[i];
	return NULL;
}

int sg_ctl_register(struct sg_ctl *ctl, const char *name, const char *usage, const char *help,
		    sg_ctl_handler_t fn, void *arg)
{
	struct ctl_cmd *c;

	if (!ctl || !fn || !name_ok(name))
		return -EINVAL;
	if (ctl_find(ctl, name))
		return -EEXIST;
	if (ctl->ncmds >= SG_CTL_MAX_CMDS)
		return -ENOSPC;
	c = &ctl->cmds[ctl->ncmds];
	c->usage = strdup(usage ? usage : "");
	c->help = strdup(help ? help : "");
	if (!c->usage || !c->help) {
		free(c->usage);
		free(c->help);
		c->usage = c->help = NULL;
		return -ENOMEM;
	}
	sg_strlcpy(c->name, name, sizeof(c->name));
	c->fn = fn;
	c->arg = arg;
	ctl->ncmds++;
	return 0;
}

/* Copy a client-supplied string for an error message: printable ASCII only,
 * at most 64 characters. */
static void safe_name(char *dst, size_t n, const char *src)
{
	size_t i = 0;

	for (; *src && i + 4 < n && i < 64; src++)
		dst[i++] = (*src >= 0x20 && *src < 0x7f) ? *src : '?';
	if (*src && i + 4 < n) {
		memcpy(dst + i, "...", 3);
		i += 3;
	}
	dst[i] = '\0';
}

static int ctl_help(void *arg, int argc, char **argv, struct sg_ctl_out *out)
{
	static const char *const cols[] = {"command", "usage", "description"};
	const struct sg_ctl *ctl = arg;

	if (argc > 2)
		return sg_ctl_out_error(out, EINVAL, "usage: help [COMMAND]");
	if (argc == 2) {
		const struct ctl_cmd *c = ctl_find(ctl, argv[1]);
		if (!c) {
			char n[80];
			safe_name(n, sizeof(n), argv[1]);
			return sg_ctl_out_error(out, EINVAL, "unknown command '%s' (try 'help')", n);
		}
		sg_ctl_out_kv_str(out, "command", c->name);
		sg_ctl_out_kv_str(out, "usage", c->usage);
		sg_ctl_out_kv_str(out, "description", c->help);
		return 0;
	}
	sg_ctl_out_table_begin(out, "commands", 3, cols);
	for (unsigned i = 0; i < ctl->ncmds; i++) {
		sg_ctl_out_cell_str(out, ctl->cmds[i].name);
		sg_ctl_out_cell_str(out, ctl->cmds[i].usage);
		sg_ctl_out_cell_str(out, ctl->cmds[i].help);
	}
	sg_ctl_out_table_end(out);
	return 0;
}

void ctl_reply_error(struct ctl_buf *reply, int err, const char *msg)
{
	uint8_t hdr[5] = {0};
	size_t n = strlen(msg);

	if (err < 0)
		err = -err;
	if (err == 0 || err > 255)
		err = EIO;
	if (n > CTL_ERRMSG_MAX)
		n = CTL_ERRMSG_MAX;
	reply->len = 0;
	reply->overflow = reply->nomem = false;
	ctl_buf_put(reply, hdr, sizeof(hdr));
	/* one line of printable, valid UTF-8 whatever the handler passed */
	for (size_t i = 0; i < n;) {
		const unsigned char *u = (const unsigned char *)msg + i;
		size_t k = ctl_utf8_seq(u, n - i);
		if (u[0] < 0x20 || u[0] == 0x7f || (k == 2 && u[0] == 0xc2 && u[1] < 0xa0))
			k = 0;
		if (k)
			ctl_buf_put(reply, u, k);
		else
			ctl_buf_putc(reply, '?');
		i += k ? k : 1;
	}
	if (reply->len < sizeof(hdr))
		return; /* out of memory: caller checks */
	ctl_be32_put((uint8_t *)reply->p, (uint32_t)(reply->len - 4));
	reply->p[4] = (char)err;
}

int ctl_process(struct sg_ctl *ctl, uint8_t *body, size_t len, struct ctl_buf *reply,
		bool *close_after)
{
	struct ctl_request req;
	char msg[CTL_ERRMSG_MAX];
	const struct ctl_cmd *cmd;
	struct sg_ctl_out out;
	int rc;

	ctl_buf_init(reply, SG_CTL_REPLY_MAX + 5);
	*close_after = false;
	rc = ctl_frame_parse(body, len, &req, msg, sizeof(msg));
	if (rc < 0) {
		ctl->st.malformed++;
		*close_after = true;
		ctl_reply_error(reply, -rc, msg);
		return -rc;
	}
	cmd = ctl_find(ctl, req.argv[0]);
	if (!cmd) {
		char n[80];
		ctl->st.unknown_cmd++;
		ctl->st.cmd_errors++;
		safe_name(n, sizeof(n), req.argv[0]);
		snprintf(msg, sizeof(msg), "unknown command '%s' (try 'help')", n);
		ctl_reply_error(reply, EINVAL, msg);
		return EINVAL;
	}
	ctl->st.requests++;
	SG_DEBUG(CTL_TAG, "command '%s' (%d args)", cmd->name, req.argc - 1);
	ctl_out_init(&out, (req.flags & SG_CTL_F_JSON) != 0);
	rc = cmd->fn(cmd->arg, req.argc, req.argv, &out);
	if (rc < 0 && !out.err)
		sg_ctl_out_error(&out, -rc, "%s: %s", cmd->name, strerror(-rc));
	if (!out.err) {
		uint8_t hdr[5] = {0};
		ctl_buf_put(reply, hdr, sizeof(hdr));
		rc = ctl_out_render(&out, reply);
		if (rc == -EMSGSIZE || rc == -ENOMEM) {
			ctl->st.out_overflow++;
			if (rc == -EMSGSIZE)
				sg_ctl_out_error(&out, EMSGSIZE, "output too large (limit %u bytes)",
						 SG_CTL_REPLY_MAX);
			else
				sg_ctl_out_error(&out, ENOMEM, "out of memory rendering the reply");
		} else if (rc == 0) {
			ctl_be32_put((uint8_t *)reply->p, (uint32_t)(reply->len - 4));
		}
	}
	if (out.err) {
		ctl->st.cmd_errors++;
		ctl_reply_error(reply, out.err, out.errmsg);
		rc = out.err;
	} else {
		rc = 0;
	}
	ctl_out_fini(&out);
	return rc;
}

void sg_ctl_server_stats(const struct sg_ctl *ctl, struct sg_ctl_stats *st)
{
	*st = ctl->st;
	st->active_clients = ctl->nclients;
}

void sg_ctl_server_stats_out(const struct sg_ctl *ctl, struct sg_ctl_out *out)
{
	struct sg_ctl_stats st;

	sg_ctl_server_stats(ctl, &st);
#define SG_CTL_STATS_KV(n, d) sg_ctl_out_kv_u64(out, #n, st.n);
	SG_CTL_STATS(SG_CTL_STATS_KV)
#undef SG_CTL_STATS_KV
	sg_ctl_out_kv_u64(out, "active_clients", st.active_clients);
}
