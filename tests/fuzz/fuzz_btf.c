// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Property: the BTF lookups the tool makes on the kernel's BTF
 * (btf_enum_value() for the INET_FLAGS_* bits, btf_has_func() for the attach
 * points) never crash on any BTF that libbpf's btf__new() accepts, and
 * btf_enum_value() finds every enumerator name an enum of that BTF holds.
 *
 * libbpf itself comes from the system, uninstrumented: the fuzzer sees no
 * coverage inside it, and ASan only the bugs that reach our code. Inputs
 * whose type section is not 4-byte aligned are skipped: libbpf 1.1.2 accepts
 * them (the kernel does not), and then every struct btf_type access in
 * libbpf's inline helpers is misaligned, whoever calls them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <byteswap.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
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
		const char *name = btf__name_by_offset(btf, btf_is_enum(t) ?
							    btf_enum(t)[i].name_off :
							    btf_enum64(t)[i].name_off);

		if (!name)
			continue;
		if (btf_enum_value(btf, name, &value) != 0) {
			fprintf(stderr, "property violated: btf_enum_value: no enumerator \"%s\"\n",
				name);
			abort();
		}
	}
}

/* libbpf's warnings about each malformed input would fill the log. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	libbpf_set_print(NULL);
	return 0;
}

/* Where btf__new() will find the types, relative to the (aligned) raw data. */
static bool types_aligned(const uint8_t *data, size_t size)
{
	struct btf_header hdr;

	if (size < sizeof(hdr))
		return true; /* btf__new() refuses it anyway */
	memcpy(&hdr, data, sizeof(hdr));
	if (hdr.magic == bswap_16(BTF_MAGIC)) {
		hdr.hdr_len = bswap_32(hdr.hdr_len);
		hdr.type_off = bswap_32(hdr.type_off);
	}
	return (hdr.hdr_len + hdr.type_off) % 4 == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct btf *btf;
	long long value;
	__u32 id, n;
	size_t i;

	if (size > UINT32_MAX || !types_aligned(data, size))
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

		if (name && *name)
			btf_enum_value(btf, name, &value);
		/* libbpf's lookup never finds a type called "void": not ours to check. */
		if (btf_is_func(t) && name && *name && strcmp(name, "void") != 0 &&
		    !btf_has_func(btf, name)) {
			fprintf(stderr, "property violated: btf_has_func: no function \"%s\"\n",
				name);
			abort();
		}
		if (btf_is_enum(t) || btf_is_enum64(t))
			check_enumerators(btf, t);
	}
	btf__free(btf);
	return 0;
}
