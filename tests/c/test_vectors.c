/* Every shared vector of tests/vectors/vectors.json (as converted by
 * vectors_to_text.py): a verifier as the vector describes, one verification,
 * the expected status kind. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROOTS 8

struct vector {
    const char *name;
    const char *type;
    const char *key;
    const char *chain;
    const char *token;
    const char *audience;
    const char *client_id;
    const char *expect;
    const char *roots[MAX_ROOTS];
    size_t roots_len;
    int64_t now;
    uint32_t leeway;
};

/* A hostile loader input: the signer or the verifier must refuse it with its kind. */
static void run_loading(const struct vector *v) {
    case_begin(v->name != NULL ? v->name : "(unnamed input)");
    ishare_status status;
    if (strcmp(v->type, "signer") == 0) {
        ishare_signer *signer = NULL;
        status = ishare_signer_from_pem(v->key, v->chain, v->client_id, &signer);
        CHECK(signer == NULL);
        ishare_signer_free(signer);
    } else {
        ishare_verifier *verifier = NULL;
        status = ishare_verifier_new(SERVER_ID, v->roots, v->roots_len, 0, &verifier);
        CHECK(verifier == NULL);
        ishare_verifier_free(verifier);
    }
    CHECK(v->expect != NULL);
    if (v->expect != NULL) {
        CHECK_STR(ishare_status_kind(status), v->expect);
    }
    case_end();
}

static void run_vector(const struct vector *v) {
    if (v->type != NULL && strcmp(v->type, "token") != 0) {
        run_loading(v);
        return;
    }
    case_begin(v->name != NULL ? v->name : "(unnamed vector)");
    if (!CHECK(v->name != NULL && v->token != NULL && v->audience != NULL && v->expect != NULL)) {
        case_end();
        return;
    }
    ishare_verifier *verifier = NULL;
    ishare_status status =
        ishare_verifier_new(v->audience, v->roots, v->roots_len, v->leeway, &verifier);
    if (CHECK_STATUS(status, ISHARE_STATUS_OK)) {
        ishare_assertion *assertion = NULL;
        status = ishare_verifier_verify(verifier, v->token, v->now, v->client_id, &assertion);
        if (strcmp(v->expect, "valid") == 0) {
            CHECK_STATUS(status, ISHARE_STATUS_OK);
            CHECK(assertion != NULL);
            CHECK(ishare_assertion_client_id(assertion) != NULL);
            CHECK(ishare_assertion_jti(assertion) != NULL);
            CHECK_STR(ishare_assertion_audience(assertion), v->audience);
            CHECK(ishare_assertion_expires_at(assertion) - ishare_assertion_issued_at(assertion) ==
                  30);
            CHECK(strlen(ishare_assertion_leaf_sha256(assertion)) == 64);
        } else {
            CHECK_STR(ishare_status_kind(status), v->expect);
            CHECK(assertion == NULL);
            CHECK(ishare_last_error(NULL, 0) > 0);
        }
        ishare_assertion_free(assertion);
        check_explain_agrees(verifier, v->token, v->now, v->client_id, 0, status);
    }
    ishare_verifier_free(verifier);
    case_end();
}

/* A record as `struct vector` (unknown keys are ignored). */
static void run_record(const struct record *r, void *context) {
    (void)context;
    struct vector v;
    memset(&v, 0, sizeof v);
    v.name = record_get(r, "name");
    v.type = record_get(r, "type");
    v.key = record_get(r, "key");
    v.chain = record_get(r, "chain");
    v.token = record_get(r, "token");
    v.audience = record_get(r, "audience");
    v.client_id = record_get(r, "client_id");
    v.expect = record_get(r, "expect");
    const char *now = record_get(r, "now");
    const char *leeway = record_get(r, "leeway");
    v.now = now != NULL ? strtoll(now, NULL, 10) : 0;
    v.leeway = leeway != NULL ? (uint32_t)strtoul(leeway, NULL, 10) : 0;
    v.roots_len = record_get_all(r, "root", v.roots, MAX_ROOTS);
    run_vector(&v);
}

void run_vector_tests(const char *vectors_txt) {
    int count = for_each_record(vectors_txt, run_record, NULL);
    printf("vectors: %d run\n", count);
}
