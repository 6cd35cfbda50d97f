// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Property: parse_port_list() (-P) never crashes on any string; when it
 * accepts, its bitmap is exactly the one a second, independent parser of the
 * same grammar builds; when it refuses, *why names the cause, and the input
 * really is invalid (or has an item longer than the 15 characters the tool
 * documents as its limit).
 *
 * Grammar: ITEM ("," ITEM)*, ITEM = PORT | PORT "-" PORT, PORT = decimal
 * digits (leading zeros allowed) worth 1..65535, ranges not reversed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace_helpers.h"

/* Longest item parse_port_list() takes: its item buffer is 16 bytes. */
#define ITEM_LIMIT 15

/* Digits at *p worth 1..65535; moves *p past them. Never overflows. */
static int ref_port(const char **p, unsigned long *out)
{
	unsigned long val = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		val = val * 10 + (unsigned long)(*s - '0');
		if (val > 65535)
			val = 65536; /* saturate: out of range whatever follows */
	}
	*p = s;
	if (val < 1 || val > 65535)
		return -1;
	*out = val;
	return 0;
}

/* Returns 0 and fills @bitmap if @s is valid; *long_item says an item exceeds ITEM_LIMIT. */
static int ref_parse(const char *s, uint8_t *bitmap, int *long_item)
{
	*long_item = 0;
	memset(bitmap, 0, PORT_BITMAP_BYTES);
	for (;;) {
		const char *start = s;
		unsigned long lo, hi, port;

		if (ref_port(&s, &lo))
			return -1;
		hi = lo;
		if (*s == '-') {
			s++;
			if (ref_port(&s, &hi))
				return -1;
		}
		if (s - start > ITEM_LIMIT)
			*long_item = 1;
		if (hi < lo)
			return -1;
		for (port = lo; port <= hi; port++)
			bitmap[port / 8] |= (uint8_t)(1u << (port % 8));
		if (*s == '\0')
			return 0;
		if (*s != ',')
			return -1;
		s++;
	}
}

/* Prints "property violated: parse_port_list(STR): WHAT" and aborts. */
static void fail(const char *str, const char *what, const char *why)
{
	fprintf(stderr, "property violated: parse_port_list(\"%s\"): %s%s%s\n", str, what,
		why ? ": " : "", why ? why : "");
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t got[PORT_BITMAP_BYTES], want[PORT_BITMAP_BYTES];
	const char *why = NULL;
	int err, ref, long_item;
	char *str;

	str = malloc(size + 1);
	if (!str)
		return 0;
	memcpy(str, data, size);
	str[size] = '\0';

	err = parse_port_list(str, got, &why);
	ref = ref_parse(str, want, &long_item);

	if (err == 0) {
		if (ref != 0)
			fail(str, "accepted an invalid list", NULL);
		if (memcmp(got, want, sizeof(got)) != 0)
			fail(str, "bitmap differs from the reference parse", NULL);
		if (got[0] & 1)
			fail(str, "port 0 set", NULL);
	} else {
		if (err != -EINVAL && err != -ERANGE)
			fail(str, "returned neither 0, -EINVAL nor -ERANGE", NULL);
		if (!why || !*why)
			fail(str, "failed without a reason", NULL);
		if (ref == 0 && !long_item)
			fail(str, "refused a valid list", why);
	}
	free(str);
	return 0;
}
