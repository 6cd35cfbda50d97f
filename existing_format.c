// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* --existing: the pure half of its output (existing.h): state names, its JSON keys, the decoder. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "existing.h"

#define PROTO_TCP	6
#define PROTO_MPTCP	262

const char *tcp_state_name(__u8 state)
{
	/* include/net/tcp_states.h, as ss prints them */
	static const char *const names[] = {
		[1] = "ESTABLISHED", [2] = "SYN_SENT", [3] = "SYN_RECV", [4] = "FIN_WAIT1",
		[5] = "FIN_WAIT2", [6] = "TIME_WAIT", [7] = "CLOSE", [8] = "CLOSE_WAIT",
		[9] = "LAST_ACK", [10] = "LISTEN", [11] = "CLOSING", [12] = "NEW_SYN_RECV",
		[13] = "BOUND_INACTIVE",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : NULL;
}

int existing_json_extra(char *buf, size_t len, const struct existing_event *x)
{
	const char *name;

	if (x->e.protocol != PROTO_TCP && x->e.protocol != PROTO_MPTCP)
		return snprintf(buf, len, "%s", "");
	name = tcp_state_name(x->state);
	if (name)
		return snprintf(buf, len, ",\"state\":\"%s\"", name);
	return snprintf(buf, len, ",\"state\":\"%u\"", x->state);
}

int decode_existing(const void *data, size_t size, struct existing_event *x)
{
	if (!data || size < sizeof(*x))
		return -EINVAL;
	memcpy(x, data, sizeof(*x));
	return 0;
}
