/* SPDX-License-Identifier: BSD-3-Clause
 * streamgatectl: send one command to the streamgate control socket and
 * print the reply.
 *
 *   streamgatectl [-s SOCKET] [--json] [-t TIMEOUT_MS] COMMAND [ARGS...]
 *
 * Exit status: 0 success, 1 the command failed, 2 usage or connection error.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_ctl.h"

#define EXIT_CMD_ERROR 1
#define EXIT_USAGE 2

static void usage(FILE *f)
{
	fprintf(f,
		"usage: streamgatectl [-s SOCKET] [--json] [-t TIMEOUT_MS] COMMAND [ARGS...]\n"
		"\n"
		"Send COMMAND to the streamgate daemon and print its reply.\n"
		"\n"
		"  -s, --socket PATH    control socket (default: $STREAMGATE_CTL or %s)\n"
		"  -j, --json           JSON output\n"
		"  -t, --timeout MS     give up after MS milliseconds (default %d)\n"
		"  -h, --help           this help\n"
		"\n"
		"'streamgatectl help' lists the daemon's commands.\n"
		"Exit status: 0 ok, 1 command error, 2 usage or connection error.\n",
		SG_CTL_DEFAULT_PATH, SG_CTL_TIMEOUT_MS_DEFAULT);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"socket", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"timeout", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *path = getenv("STREAMGATE_CTL");
	int timeout_ms = SG_CTL_TIMEOUT_MS_DEFAULT, c, status = 0, rc;
	bool json = false;
	char *reply = NULL, *end, err[512];
	size_t reply_len = 0;

	if (!path || !*path)
		path = SG_CTL_DEFAULT_PATH;
	/* '+': stop at the first non-option so command args pass through. */
	while ((c = getopt_long(argc, argv, "+s:jt:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 't':
			errno = 0;
			long v = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || v <= 0 || v > INT_MAX) {
				fprintf(stderr, "streamgatectl: invalid timeout '%s'\n", optarg);
				return EXIT_USAGE;
			}
			timeout_ms = (int)v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "streamgatectl: no command given\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	rc = sg_ctl_client_call_ex(path, argc - optind, argv + optind, json, timeout_ms, &reply,
				   &reply_len, &status, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "streamgatectl: %s\n", err[0] ? err : strerror(-rc));
		return EXIT_USAGE;
	}
	if (status) {
		fprintf(stderr, "streamgatectl: %s\n", reply_len ? reply : strerror(status));
		free(reply);
		return EXIT_CMD_ERROR;
	}
	if (reply_len && fwrite(reply, 1, reply_len, stdout) != reply_len) {
		free(reply);
		return EXIT_USAGE;
	}
	free(reply);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "streamgatectl: write error: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	return 0;
}
