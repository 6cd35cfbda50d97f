// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Property: the BTF lookups the tool makes on the kernel's BTF
 * (btf_enum_value() for the INET_FLAGS_* bits, btf_has_func() for the attach
 * points) never crash on any BTF that libbpf's btf__new() accepts, and
 * btf_enum_value() finds every enumerator name an enum of that BTF holds.
 *
 * libbpf itself comes from the system, uninstrumented: the fuzzer sees no
 * coverage inside it, and ASan only the bugs that reach our code.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "trace_helpers.h"

/* The names bindsnoop.c asks for. */
static const char *const tool_names[] = {
	"INET_FLAGS_FREEBIND", "INET_FLAGS_TRANSPARENT", "INET_FLAGS_BIND_ADDRESS_NO_PORT",
	"inet_bind", "inet6_bind", "mptcp_bind", "mptcp_v6_bind",
};

/* Types looked at per input, so a huge BTF costs no more than a small one. */
#define MAX_TYPES 64

static void check_enumerators(const struct btf *btf, const struct btf_type *t)
{
	__u16 i, vlen = btf_vlen(t);
	long long value;

	for (i = 0; i < vlen && i < MAX_TYPES; i++) {
		__u32 name_off = btf_is_enum(t) ? btf_enum(t)[i].name_off : btf_enum64(t)[i].name_off;
		const char *name = btf__name_by_offset(btf, name_off);

		if (!name)
			continue;
		if (btf_enum_value(btf, name, &value) != 0) {
			fprintf(stderr, "property violated: btf_enum_value: enumerator \"%s\" not found\n", name);
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct btf *btf;
	long long value;
	__u32 id, n;
	size_t i;

	if (size > UINT32_MAX)
		return 0;
	btf = btf__new(data, (__u32)size);
	if (!btf)
		return 0;

	for (i = 0; i < sizeof(tool_names) / sizeof(tool_names[0]); i++) {
		btf_enum_value(btf, tool_names[i], &value);
		btf_has_func(btf, tool_names[i]);
	}

	n = btf__type_cnt(btf);
	for (id = 1; id < n && id <= MAX_TYPES; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);

		if (name && *name) {
			btf_enum_value(btf, name, &value);
			/* libbpf's lookup never finds a type called "void": not ours to check. */
			if (btf_is_func(t) && strcmp(name, "void") != 0 && !btf_has_func(btf, name)) {
				fprintf(stderr, "property violated: btf_has_func: function \"%s\" not found\n", name);
				abort();
			}
		}
		if (btf_is_enum(t) || btf_is_enum64(t))
			check_enumerators(btf, t);
	}
	btf__free(btf);
	return 0;
}
