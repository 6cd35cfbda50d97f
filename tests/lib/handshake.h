/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The -S hand-shake of the test and bench workloads (tests/workload.c,
 * bench/bindloop.c): print "ready pid=N", then wait for SIGUSR1, so that a
 * test can point a tracer at this PID before the first bind.
 */
#ifndef TESTS_LIB_HANDSHAKE_H
#define TESTS_LIB_HANDSHAKE_H

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static inline void ready_then_wait_for_usr1(void)
{
	sigset_t usr1;
	int sig;

	/* Blocked before "ready" goes out, so an early SIGUSR1 stays pending. */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	printf("ready pid=%d\n", getpid());
	fflush(stdout);
	sigwait(&usr1, &sig);
}

#endif /* TESTS_LIB_HANDSHAKE_H */
