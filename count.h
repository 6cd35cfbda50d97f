/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* --count: the in-kernel tables, read (and with -i swapped and emptied), printed. */
#ifndef COUNT_H
#define COUNT_H

#include "output.h"

/* Tables at every -i interval and at the end; then the write error if any, the losses. */
int count_binds(struct tracer *t, struct printer *printer);

#endif /* COUNT_H */
