/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>

#include <openssl/rand.h>

#include "sg_session.h"

/* ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.4); we use the alphanumerics. */
static const char ice_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

static int rand_str(char *out, size_t n)
{
	unsigned char r[64];
	if (n > sizeof(r) || RAND_bytes(r, (int)n) != 1)
		return -EIO;
	/* 62 symbols: reject-free modulo bias is < 1%, irrelevant at these lengths (> 47 / 190 bits). */
	for (size_t i = 0; i < n; i++)
		out[i] = ice_chars[r[i] % (sizeof(ice_chars) - 1)];
	out[n] = '\0';
	return 0;
}

int sg_session_ice_creds(char ufrag[9], char pwd[33])
{
	int rc = rand_str(ufrag, 8);
	return rc ? rc : rand_str(pwd, 32);
}

int sg_session_id(char id[17])
{
	unsigned char r[8];
	if (RAND_bytes(r, sizeof(r)) != 1)
		return -EIO;
	for (int i = 0; i < 8; i++)
		snprintf(id + 2 * i, 3, "%02x", r[i]);
	return 0;
}
