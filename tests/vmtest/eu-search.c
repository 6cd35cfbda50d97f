// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * tests/vmtest/eu-search.c: the search tree functions that the static
 * libelf.a of Debian 13 (elfutils 0.192) calls but does not contain
 * (elf_begin, elf_end, elf_getdata_rawchunk call eu_search_tree_init,
 * eu_search_tree_fini, eu_tsearch, eu_tdelete, which elfutils keeps in its
 * internal libeu, and no static library of that release has them): without
 * them, a static link against that libelf.a fails with "undefined
 * reference to `eu_search_tree_init'". cross-build.sh links this object
 * in only when the sysroot's libelf.a lacks them (riscv64, whose sysroot
 * is Debian 13's).
 *
 * libelf's tree is a struct whose first member is the root of a tsearch()
 * tree (a lock follows where elfutils is built with locks). These touch
 * only the root, with the C library's tsearch() family; the guest runs
 * bindsnoop single-threaded as far as libelf is concerned.
 */
#define _GNU_SOURCE
#include <search.h>
#include <stddef.h>

struct eu_tree {
	void *root;
};

typedef int (*eu_compar)(const void *, const void *);

void eu_search_tree_init(struct eu_tree *tree)
{
	tree->root = NULL;
}

void eu_search_tree_fini(struct eu_tree *tree, void (*free_node)(void *))
{
	tdestroy(tree->root, free_node);
	tree->root = NULL;
}

void *eu_tsearch(const void *key, struct eu_tree *tree, eu_compar compar)
{
	return tsearch(key, &tree->root, compar);
}

void *eu_tfind(const void *key, struct eu_tree *tree, eu_compar compar)
{
	return tfind(key, &tree->root, compar);
}

void *eu_tdelete(const void *key, struct eu_tree *tree, eu_compar compar)
{
	return tdelete(key, &tree->root, compar);
}

void eu_tdestroy(struct eu_tree *tree, void (*free_node)(void *))
{
	tdestroy(tree->root, free_node);
	tree->root = NULL;
}
