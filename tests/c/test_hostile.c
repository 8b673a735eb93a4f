/* The shared hostile inputs (core/examples/hostile_cases.rs), each verified
 * on a thread with a 256 KiB stack: far less than the 8 MiB of a main
 * thread, as in thread pools of servers. Input that makes the library
 * recurse without bound (deep JSON nesting, security review F1) overflows
 * such a stack and kills the process, which fails this suite. */
#define _POSIX_C_SOURCE 200809L

#include "harness.h"

#include <pthread.h>
#include <stdio.h>

/* Overridable (-DSMALL_STACK_BYTES=...) only to measure what the library
 * needs; the suite runs with 256 KiB. */
#ifndef SMALL_STACK_BYTES
#define SMALL_STACK_BYTES (256 * 1024)
#endif

static void *run_cases(void *hostile_txt) {
    run_vector_tests(hostile_txt);
    return NULL;
}

void run_hostile_tests(const char *hostile_txt) {
    case_begin("hostile cases: a thread with a 256 KiB stack");
    pthread_attr_t attr;
    size_t stack_size = 0;
    int started = 0;
    pthread_t thread;
    if (CHECK(pthread_attr_init(&attr) == 0)) {
        CHECK(pthread_attr_setstacksize(&attr, SMALL_STACK_BYTES) == 0);
        CHECK(pthread_attr_getstacksize(&attr, &stack_size) == 0 &&
              stack_size == SMALL_STACK_BYTES);
        /* The cases run while this thread waits: the harness's counters are
         * never touched by two threads at once. */
        started = CHECK(pthread_create(&thread, &attr, run_cases, (void *)hostile_txt) == 0);
        pthread_attr_destroy(&attr);
    }
    case_end();
    if (started) {
        int joined = pthread_join(thread, NULL) == 0;
        case_begin("hostile cases: the small-stack thread finished");
        CHECK(joined);
        case_end();
        printf("hostile: run on a %zu KiB stack\n", stack_size / 1024);
    }
}
