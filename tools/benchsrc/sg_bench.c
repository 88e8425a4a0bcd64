/* SPDX-License-Identifier: BSD-3-Clause
 * sg-bench: micro-benchmarks (not timed tests). Usage: sg-bench <srtp|fanout> [opts]
 */
#include <stdio.h>
#include <string.h>

int bench_srtp_main(int argc, char **argv);
#ifdef SG_BENCH_FANOUT
int bench_fanout_main(int argc, char **argv);
#endif

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} cmds[] = {
	{"srtp", bench_srtp_main, "SRTP protect: streamgate burst vs libsrtp2, OpenSSL, ipsec-mb bound [--json] [--reps N]"},
#ifdef SG_BENCH_FANOUT
	{"fanout", bench_fanout_main, "fan-out fast path per viewer packet vs the crypto bound and libsrtp2 "
				      "[--json] [--reps N] [--viewers LIST] [--sizes LIST] [--profiles LIST]"},
#endif
};

int main(int argc, char **argv)
{
	if (argc >= 2)
		for (unsigned i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
			if (!strcmp(argv[1], cmds[i].name))
				return cmds[i].fn(argc - 2, argv + 2);
	fprintf(stderr, "usage: %s <subcommand> [options]\n", argc ? argv[0] : "sg-bench");
	for (unsigned i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(stderr, "  %-8s %s\n", cmds[i].name, cmds[i].help);
	return 2;
}
