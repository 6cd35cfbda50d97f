// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Property: btf_lookup(), the tool's reader of raw kernel BTF, never reads
 * outside its input whatever the bytes, and on every input that libbpf's
 * btf__new() accepts it accepts too and gives libbpf's answers: the type id
 * of a function, the value of an enumerator (first match in type order), for
 * the names bindsnoop asks for and for names taken from the input itself.
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

/* Names taken from the input per run, so a huge BTF costs no more than a small one. */
#define MAX_NAMES 64
#define MAX_QUERIES (2 * (MAX_NAMES + sizeof(tool_names) / sizeof(tool_names[0])))

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

/* The header checks the kernel makes and libbpf 1.1.2 does not. */
static bool header_as_kernel_wants(const uint8_t *data, size_t size)
{
	struct btf_header hdr;

	if (size < sizeof(hdr))
		return false;
	memcpy(&hdr, data, sizeof(hdr));
	if (hdr.magic == bswap_16(BTF_MAGIC))
		hdr.hdr_len = bswap_32(hdr.hdr_len);
	return hdr.version == BTF_VERSION && hdr.hdr_len >= sizeof(hdr);
}

/* libbpf's answer: the first enumerator called @name, in type order. */
static bool libbpf_enumerator(const struct btf *btf, const char *name, long long *value)
{
	__u32 id, n = btf__type_cnt(btf);

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		__u16 i;

		for (i = 0; btf_is_enum(t) && i < btf_vlen(t); i++) {
			const char *s = btf__name_by_offset(btf, btf_enum(t)[i].name_off);

			if (s && strcmp(s, name) == 0) {
				*value = btf_enum(t)[i].val;
				return true;
			}
		}
		for (i = 0; btf_is_enum64(t) && i < btf_vlen(t); i++) {
			const char *s = btf__name_by_offset(btf, btf_enum64(t)[i].name_off);

			if (s && strcmp(s, name) == 0) {
				*value = (long long)btf_enum64_value(&btf_enum64(t)[i]);
				return true;
			}
		}
	}
	return false;
}

/* libbpf's answer: the first function called @name. */
static bool libbpf_func(const struct btf *btf, const char *name, long long *id)
{
	__u32 i, n = btf__type_cnt(btf);

	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);
		const char *s = btf__name_by_offset(btf, t->name_off);

		if (btf_is_func(t) && s && strcmp(s, name) == 0) {
			*id = i;
			return true;
		}
	}
	return false;
}

static void add_name(struct btf_lookup *q, size_t *n, const char *name)
{
	if (!name || !*name || *n + 2 > MAX_QUERIES)
		return;
	q[(*n)++] = (struct btf_lookup){ .name = name, .kind = BTF_KIND_FUNC };
	q[(*n)++] = (struct btf_lookup){ .name = name, .kind = BTF_KIND_ENUM };
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct btf_lookup q[MAX_QUERIES];
	const char *why = NULL;
	struct btf *btf;
	size_t i, n = 0;
	__u32 id, types;
	int err;

	if (size > UINT32_MAX || !types_aligned(data, size))
		return 0;
	for (i = 0; i < sizeof(tool_names) / sizeof(tool_names[0]); i++)
		add_name(q, &n, tool_names[i]);

	btf = header_as_kernel_wants(data, size) ? btf__new(data, (__u32)size) : NULL;
	if (!btf) {
		/* Refused by libbpf: ours may refuse or not, but must stay in bounds. */
		btf_lookup(data, size, q, n, &why);
		return 0;
	}
	types = btf__type_cnt(btf);
	for (id = 1; id < types && id <= MAX_NAMES; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		add_name(q, &n, btf__name_by_offset(btf, t->name_off));
		if (btf_is_enum(t) && btf_vlen(t))
			add_name(q, &n, btf__name_by_offset(btf, btf_enum(t)[0].name_off));
		if (btf_is_enum64(t) && btf_vlen(t))
			add_name(q, &n, btf__name_by_offset(btf, btf_enum64(t)[0].name_off));
	}

	err = btf_lookup(data, size, q, n, &why);
	if (err) {
		fprintf(stderr, "property violated: libbpf accepts this BTF, btf_lookup: %s\n", why);
		abort();
	}
	for (i = 0; i < n; i++) {
		long long want = 0;
		bool found = q[i].kind == BTF_KIND_FUNC ? libbpf_func(btf, q[i].name, &want) :
							  libbpf_enumerator(btf, q[i].name, &want);

		if (found != q[i].found || (found && want != q[i].value)) {
			fprintf(stderr, "property violated: %s \"%s\": libbpf %s %lld, btf_lookup %s %lld\n",
				q[i].kind == BTF_KIND_FUNC ? "function" : "enumerator", q[i].name,
				found ? "found" : "no", want, q[i].found ? "found" : "no", q[i].value);
			abort();
		}
	}
	btf__free(btf);
	return 0;
}
