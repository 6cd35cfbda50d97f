// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Property: the two escapers stand between kernel bytes and the terminal.
 * - escape_comm(): output is printable ASCII, at most COMM_ESCAPED_LEN - 1
 *   characters, and un-escaping it gives back the input up to the first NUL
 *   (or TASK_COMM_LEN bytes): nothing lost, nothing ambiguous.
 * - json_escape(): output is printable ASCII, fits the given buffer, is a
 *   valid JSON string body, and decodes to a prefix of the input that stops
 *   only where the next escape would not have fitted.
 *
 * Input: 1 byte, the size of json_escape()'s buffer, then the bytes to escape.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "format.h"

static void fail(const char *what, const char *out)
{
	fprintf(stderr, "property violated: %s; output \"%s\"\n", what, out);
	abort();
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* both escapers write lowercase hex only */
}

static void check_printable(const char *what, const char *out)
{
	const char *p;

	for (p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			fail(what, out);
}

static void check_escape_comm(const uint8_t *in, size_t size)
{
	char *comm = malloc(size ? size : 1), *out = malloc(COMM_ESCAPED_LEN);
	uint8_t decoded[COMM_ESCAPED_LEN];
	size_t want_len, n = 0, i;

	if (!comm || !out)
		goto out;
	/* Exact-size copies: ASan sees any read or write past either end. */
	memcpy(comm, in, size);
	escape_comm(comm, size, out);

	if (!memchr(out, '\0', COMM_ESCAPED_LEN))
		fail("escape_comm: output not NUL-terminated", "");
	if (strlen(out) > COMM_ESCAPED_LEN - 1)
		fail("escape_comm: output too long", out);
	check_printable("escape_comm: non-printable byte in output", out);

	for (i = 0; out[i]; n++) {
		if (out[i] != '\\') {
			decoded[n] = (uint8_t)out[i++];
			continue;
		}
		if (out[i + 1] != 'x' || hex_value(out[i + 2]) < 0 || hex_value(out[i + 3]) < 0)
			fail("escape_comm: backslash not followed by xNN", out);
		decoded[n] = (uint8_t)(hex_value(out[i + 2]) << 4 | hex_value(out[i + 3]));
		i += 4;
	}
	for (want_len = 0; want_len < size && want_len < TASK_COMM_LEN && in[want_len]; want_len++)
		;
	if (n != want_len || memcmp(decoded, in, n) != 0)
		fail("escape_comm: round trip does not give back the input", out);
out:
	free(comm);
	free(out);
}

/* Length of c's JSON escape, as RFC 8259 allows: 2 for " and \, 6 for \u00NN, else 1. */
static size_t json_escape_len(uint8_t c)
{
	if (c == '"' || c == '\\')
		return 2;
	return c < 0x20 || c >= 0x7f ? 6 : 1;
}

static void check_json_escape(const uint8_t *in, size_t size, size_t len)
{
	char *s = malloc(size + 1), *out = malloc(len ? len : 1);
	size_t n = 0, i, out_len;

	if (!s || !out)
		goto out;
	memcpy(s, in, size);
	s[size] = '\0';
	if (!len) {
		/* Nothing may be written into a zero-sized buffer. */
		out[0] = 'Z';
		json_escape(s, out, 0);
		if (out[0] != 'Z')
			fail("json_escape: wrote into a zero-sized buffer", "");
		goto out;
	}
	json_escape(s, out, len);

	if (!memchr(out, '\0', len))
		fail("json_escape: output not NUL-terminated within the buffer", "");
	out_len = strlen(out);
	check_printable("json_escape: non-printable byte in output", out);

	for (i = 0; out[i]; n++) {
		int hi, lo;

		if (!s[n])
			fail("json_escape: output decodes to more bytes than the input", out);
		if (out[i] == '"')
			fail("json_escape: raw quote in a JSON string body", out);
		if (out[i] != '\\') {
			if ((uint8_t)out[i] != (uint8_t)s[n])
				fail("json_escape: output does not decode to the input", out);
			i++;
			continue;
		}
		if (out[i + 1] == '"' || out[i + 1] == '\\') {
			if (s[n] != out[i + 1])
				fail("json_escape: output does not decode to the input", out);
			i += 2;
			continue;
		}
		if (out[i + 1] != 'u' || out[i + 2] != '0' || out[i + 3] != '0')
			fail("json_escape: escape other than \\\" \\\\ \\u00NN", out);
		hi = hex_value(out[i + 4]);
		lo = hex_value(out[i + 5]);
		if (hi < 0 || lo < 0)
			fail("json_escape: bad hex digits in \\u00NN", out);
		if ((uint8_t)s[n] != (uint8_t)(hi << 4 | lo))
			fail("json_escape: output does not decode to the input", out);
		if (json_escape_len((uint8_t)s[n]) != 6)
			fail("json_escape: printable byte escaped as \\u00NN", out);
		i += 6;
	}
	/* Stopped early: only allowed where the next escape would not fit. */
	if (s[n] && out_len + json_escape_len((uint8_t)s[n]) < len)
		fail("json_escape: output cut short although the buffer had room", out);
out:
	free(s);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t json_len;

	if (size < 1)
		return 0;
	json_len = data[0];
	check_escape_comm(data + 1, size - 1);
	check_json_escape(data + 1, size - 1, json_len);
	return 0;
}
