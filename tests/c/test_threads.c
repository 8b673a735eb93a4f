/* Two threads verifying with one verifier: each its own tokens, and both
 * racing for a shared set of which each token is accepted exactly once. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <threads.h>

#define OWN 4
#define SHARED 4

/* Both threads wait here so that their calls overlap. */
static atomic_int start_gate;

struct worker {
    ishare_verifier *verifier;
    int reverse; /* walk the shared tokens from the end */
    char *own[OWN];
    char **shared;
    int own_ok;
    int shared_ok;
    int shared_replay;
    int other;
    int message_ok; /* after a replay, this thread's message says so */
};

static int verify_all(void *arg) {
    struct worker *w = arg;
    atomic_fetch_add(&start_gate, 1);
    while (atomic_load(&start_gate) < 2) {
        thrd_yield();
    }
    for (int i = 0; i < OWN; i++) {
        ishare_assertion *a = NULL;
        if (ishare_verifier_verify(w->verifier, w->own[i], T0 + 1, CLIENT_ID, &a) ==
            ISHARE_STATUS_OK) {
            w->own_ok++;
        } else {
            w->other++;
        }
        ishare_assertion_free(a);
    }
    w->message_ok = 1;
    for (int n = 0; n < SHARED; n++) {
        int i = w->reverse ? SHARED - 1 - n : n;
        ishare_assertion *a = NULL;
        ishare_status status = ishare_verifier_verify(w->verifier, w->shared[i], T0 + 1, NULL, &a);
        if (status == ISHARE_STATUS_OK) {
            w->shared_ok++;
            w->message_ok &= ishare_last_error(NULL, 0) == 0;
        } else if (status == ISHARE_STATUS_REPLAY) {
            char message[256];
            ishare_last_error(message, sizeof message);
            w->shared_replay++;
            w->message_ok &= strstr(message, "was already accepted") != NULL;
        } else {
            w->other++;
        }
        ishare_assertion_free(a);
    }
    return 0;
}

static char *sign_new(const ishare_signer *signer) {
    char *token = malloc(TOKEN_BUF);
    size_t len = 0;
    if (token != NULL && ishare_signer_client_assertion(signer, SERVER_ID, T0, NULL, token,
                                                        TOKEN_BUF, &len) != ISHARE_STATUS_OK) {
        free(token);
        token = NULL;
    }
    return token;
}

void run_thread_tests(void) {
    case_begin("two threads verify with one verifier");
    ishare_signer *signer = load_client_signer();
    ishare_verifier *verifier = new_server_verifier(0);
    char *shared[SHARED];
    struct worker workers[2];
    memset(workers, 0, sizeof workers);
    int signed_all = 1;
    for (int i = 0; i < SHARED; i++) {
        shared[i] = sign_new(signer);
        signed_all &= shared[i] != NULL;
    }
    for (int t = 0; t < 2; t++) {
        workers[t].verifier = verifier;
        workers[t].reverse = t;
        workers[t].shared = shared;
        for (int i = 0; i < OWN; i++) {
            workers[t].own[i] = sign_new(signer);
            signed_all &= workers[t].own[i] != NULL;
        }
    }
    CHECK(signed_all);

    /* This thread's own message stays its own. */
    ishare_assertion *none = NULL;
    CHECK_STATUS(ishare_verifier_verify(verifier, "x", T0, NULL, &none), ISHARE_STATUS_MALFORMED);
    char before[256];
    ishare_last_error(before, sizeof before);

    if (signed_all) {
        atomic_store(&start_gate, 0);
        thrd_t threads[2];
        int started[2] = {0, 0};
        for (int t = 0; t < 2; t++) {
            started[t] = thrd_create(&threads[t], verify_all, &workers[t]) == thrd_success;
            CHECK(started[t]);
        }
        for (int t = 0; t < 2; t++) {
            if (started[t]) {
                CHECK(thrd_join(threads[t], NULL) == thrd_success);
            }
        }
        for (int t = 0; t < 2; t++) {
            CHECK(workers[t].own_ok == OWN);
            CHECK(workers[t].other == 0);
            CHECK(workers[t].message_ok);
        }
        CHECK(workers[0].shared_ok + workers[1].shared_ok == SHARED);
        CHECK(workers[0].shared_replay + workers[1].shared_replay == SHARED);
        printf("threads: shared tokens accepted %d + %d, replays %d + %d\n",
               workers[0].shared_ok, workers[1].shared_ok, workers[0].shared_replay,
               workers[1].shared_replay);
    }
    CHECK_STR(last_error_text(), before);

    for (int i = 0; i < SHARED; i++) {
        free(shared[i]);
    }
    for (int t = 0; t < 2; t++) {
        for (int i = 0; i < OWN; i++) {
            free(workers[t].own[i]);
        }
    }
    ishare_verifier_free(verifier);
    ishare_signer_free(signer);
    case_end();
}
