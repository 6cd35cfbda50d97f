// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Property: parse_ulong(), the one number parser behind every option, takes
 * exactly the non-empty all-digit strings whose value fits [min, max]:
 * - on success the value is in [min, max], the string is only decimal
 *   digits, and it prints back as the same number modulo leading zeros;
 * - otherwise it returns -EINVAL (empty, sign, blank, junk) or -ERANGE
 *   (all digits, but too big for unsigned long or outside [min, max]),
 *   and leaves *out alone.
 *
 * Input: 8 bytes min, 8 bytes max (native order), then the string.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace_helpers.h"

#define OUT_UNTOUCHED 0x5a5a5a5aUL

static void fail(const char *str, unsigned long min, unsigned long max, const char *what)
{
	fprintf(stderr, "property violated: parse_ulong(\"%s\", %lu, %lu): %s\n", str, min, max,
		what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long min = 0, max = ULONG_MAX, val = OUT_UNTOUCHED, want = 0;
	int err, all_digits = 1, overflow = 0;
	char printed[32];
	const char *digits;
	char *str;
	size_t i;

	if (size < 2 * sizeof(unsigned long)) {
		/* Too short for the bounds: the NULL string case instead. */
		if (parse_ulong(NULL, 0, ULONG_MAX, &val) != -EINVAL || val != OUT_UNTOUCHED)
			fail("(null)", 0, ULONG_MAX, "NULL not refused with -EINVAL");
		return 0;
	}
	memcpy(&min, data, sizeof(min));
	memcpy(&max, data + sizeof(min), sizeof(max));
	data += 2 * sizeof(unsigned long);
	size -= 2 * sizeof(unsigned long);

	str = malloc(size + 1);
	if (!str)
		return 0;
	memcpy(str, data, size);
	str[size] = '\0';

	/* The reference: digit by digit, overflow checked by hand. */
	for (i = 0; str[i]; i++) {
		unsigned long d = (unsigned long)(str[i] - '0');

		if (str[i] < '0' || str[i] > '9') {
			all_digits = 0;
			break;
		}
		if (want > (ULONG_MAX - d) / 10)
			overflow = 1;
		else
			want = want * 10 + d;
	}
	if (i == 0)
		all_digits = 0;

	err = parse_ulong(str, min, max, &val);
	if (err == 0) {
		if (!all_digits)
			fail(str, min, max, "accepted a string that is not all digits");
		if (overflow)
			fail(str, min, max, "accepted a number too big for unsigned long");
		if (val < min || val > max)
			fail(str, min, max, "value outside [min, max]");
		if (val != want)
			fail(str, min, max, "value differs from the reference");
		snprintf(printed, sizeof(printed), "%lu", val);
		for (digits = str; digits[0] == '0' && digits[1]; digits++)
			;
		if (strcmp(digits, printed) != 0)
			fail(str, min, max, "string does not print back as the value");
	} else if (err == -EINVAL) {
		if (all_digits)
			fail(str, min, max, "-EINVAL for an all-digit string");
		if (val != OUT_UNTOUCHED)
			fail(str, min, max, "wrote *out on failure");
	} else if (err == -ERANGE) {
		if (!all_digits)
			fail(str, min, max, "-ERANGE for a string that is not all digits");
		if (!overflow && want >= min && want <= max)
			fail(str, min, max, "-ERANGE for a value inside [min, max]");
		if (val != OUT_UNTOUCHED)
			fail(str, min, max, "wrote *out on failure");
	} else {
		fail(str, min, max, "returned neither 0, -EINVAL nor -ERANGE");
	}
	free(str);
	return 0;
}
