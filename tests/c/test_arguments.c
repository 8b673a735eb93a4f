/* NULL for every pointer argument of every function, and invalid UTF-8 in
 * every string argument: an error status, never a crash, outputs untouched. */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

/* Out-pointers start as these sentinels: a failed call must leave them be. */
static long double signer_mark, verifier_mark, assertion_mark;
#define SIGNER_SENTINEL ((ishare_signer *)(void *)&signer_mark)
#define VERIFIER_SENTINEL ((ishare_verifier *)(void *)&verifier_mark)
#define ASSERTION_SENTINEL ((ishare_assertion *)(void *)&assertion_mark)
#define LEN_SENTINEL ((size_t)12345)

static const char bad_utf8[] = "EU.EORI.NL\xff";

#define CHECK_INVALID(expr) CHECK_STATUS((expr), ISHARE_STATUS_INVALID_ARGUMENT)

static void test_signer_from_pem(void) {
    case_begin("NULL and invalid UTF-8: ishare_signer_from_pem");
    char *key = read_vector_file("client-eori.key.pem");
    char *chain = read_vector_file("client-eori.chain.pem");
    ishare_signer *signer = SIGNER_SENTINEL;
    CHECK_INVALID(ishare_signer_from_pem(NULL, chain, CLIENT_ID, &signer));
    CHECK(strstr(last_error_text(), "key_pem is NULL") != NULL);
    CHECK_INVALID(ishare_signer_from_pem(key, NULL, CLIENT_ID, &signer));
    CHECK_INVALID(ishare_signer_from_pem(key, chain, NULL, &signer));
    CHECK_INVALID(ishare_signer_from_pem(key, chain, CLIENT_ID, NULL));
    CHECK(strstr(last_error_text(), "signer_out is NULL") != NULL);
    CHECK_INVALID(ishare_signer_from_pem(key, chain, bad_utf8, &signer));
    CHECK(strstr(last_error_text(), "client_id is not valid UTF-8") != NULL);
    CHECK_INVALID(ishare_signer_from_pem("\xc3(", chain, CLIENT_ID, &signer));
    CHECK_INVALID(ishare_signer_from_pem(key, "\xe2\x82", CLIENT_ID, &signer));
    CHECK(signer == SIGNER_SENTINEL);
    free(key);
    free(chain);
    case_end();
}

static void test_signer_outputs(void) {
    case_begin("NULL and invalid UTF-8: ishare_signer_client_assertion / _token_request");
    ishare_signer *signer = load_client_signer();
    char buf[TOKEN_BUF];
    size_t len = LEN_SENTINEL;
    buf[0] = 'x';
    CHECK_INVALID(ishare_signer_client_assertion(NULL, SERVER_ID, T0, NULL, buf, sizeof buf, &len));
    CHECK_INVALID(ishare_signer_client_assertion(signer, NULL, T0, NULL, buf, sizeof buf, &len));
    CHECK_INVALID(ishare_signer_client_assertion(signer, SERVER_ID, T0, NULL, NULL, 10, &len));
    CHECK_INVALID(ishare_signer_client_assertion(signer, SERVER_ID, T0, NULL, buf, sizeof buf, NULL));
    CHECK_INVALID(
        ishare_signer_client_assertion(signer, bad_utf8, T0, NULL, buf, sizeof buf, &len));
    CHECK_INVALID(
        ishare_signer_client_assertion(signer, SERVER_ID, T0, "jti\xff", buf, sizeof buf, &len));
    CHECK(len == LEN_SENTINEL && buf[0] == 'x');

    CHECK_INVALID(
        ishare_signer_token_request(NULL, SERVER_ID, T0, NULL, NULL, buf, sizeof buf, &len));
    CHECK_INVALID(ishare_signer_token_request(signer, NULL, T0, NULL, NULL, buf, sizeof buf, &len));
    CHECK_INVALID(ishare_signer_token_request(signer, SERVER_ID, T0, NULL, NULL, NULL, 10, &len));
    CHECK_INVALID(
        ishare_signer_token_request(signer, SERVER_ID, T0, NULL, NULL, buf, sizeof buf, NULL));
    CHECK_INVALID(
        ishare_signer_token_request(signer, bad_utf8, T0, NULL, NULL, buf, sizeof buf, &len));
    CHECK_INVALID(
        ishare_signer_token_request(signer, SERVER_ID, T0, "\xff", NULL, buf, sizeof buf, &len));
    CHECK_INVALID(
        ishare_signer_token_request(signer, SERVER_ID, T0, NULL, "\xff", buf, sizeof buf, &len));
    CHECK(strstr(last_error_text(), "scope is not valid UTF-8") != NULL);
    CHECK(len == LEN_SENTINEL && buf[0] == 'x');
    ishare_signer_free(signer);
    case_end();
}

static void test_verifier_new(void) {
    case_begin("NULL and invalid UTF-8: ishare_verifier_new");
    const char *roots[] = {ROOT_SHA256};
    const char *null_root[] = {ROOT_SHA256, NULL};
    const char *bad_root[] = {"\xff"};
    ishare_verifier *verifier = VERIFIER_SENTINEL;
    CHECK_INVALID(ishare_verifier_new(NULL, roots, 1, 0, &verifier));
    CHECK_INVALID(ishare_verifier_new(SERVER_ID, NULL, 1, 0, &verifier));
    CHECK_INVALID(ishare_verifier_new(SERVER_ID, NULL, 0, 0, &verifier));
    CHECK_INVALID(ishare_verifier_new(SERVER_ID, null_root, 2, 0, &verifier));
    CHECK(strstr(last_error_text(), "trusted_roots[1] is NULL") != NULL);
    CHECK_INVALID(ishare_verifier_new(SERVER_ID, roots, 1, 0, NULL));
    CHECK_INVALID(ishare_verifier_new(SERVER_ID, roots, SIZE_MAX, 0, &verifier));
    CHECK_INVALID(ishare_verifier_new(bad_utf8, roots, 1, 0, &verifier));
    CHECK_INVALID(ishare_verifier_new(SERVER_ID, bad_root, 1, 0, &verifier));
    CHECK(verifier == VERIFIER_SENTINEL);
    case_end();
}

static void test_verifier_verify(void) {
    case_begin("NULL and invalid UTF-8: ishare_verifier_verify / _set_replay_limits");
    ishare_verifier *verifier = new_server_verifier(0);
    ishare_assertion *assertion = ASSERTION_SENTINEL;
    CHECK_INVALID(ishare_verifier_verify(NULL, "a.b.c", T0, NULL, &assertion));
    CHECK_INVALID(ishare_verifier_verify(verifier, NULL, T0, NULL, &assertion));
    CHECK_INVALID(ishare_verifier_verify(verifier, "a.b.c", T0, NULL, NULL));
    CHECK_INVALID(ishare_verifier_verify(verifier, "a.b.\xff", T0, NULL, &assertion));
    CHECK(strstr(last_error_text(), "token is not valid UTF-8 (at byte 4)") != NULL);
    CHECK_INVALID(ishare_verifier_verify(verifier, "a.b.c", T0, bad_utf8, &assertion));
    CHECK_INVALID(ishare_verifier_verify_unrecorded(NULL, "a.b.c", T0, NULL, &assertion));
    CHECK_INVALID(ishare_verifier_verify_unrecorded(verifier, NULL, T0, NULL, &assertion));
    CHECK_INVALID(ishare_verifier_verify_unrecorded(verifier, "a.b.c", T0, NULL, NULL));
    CHECK(strstr(last_error_text(), "assertion_out is NULL") != NULL);
    CHECK_INVALID(ishare_verifier_verify_unrecorded(verifier, "a.b.c", T0, bad_utf8, &assertion));
    CHECK(assertion == ASSERTION_SENTINEL);
    ishare_jwt *jwt = NULL;
    CHECK_INVALID(ishare_verifier_verify_jwt_unrecorded(NULL, "a.b.c", T0, NULL, &jwt));
    CHECK(strstr(last_error_text(), "verifier is NULL") != NULL);
    CHECK_INVALID(ishare_verifier_verify_jwt_unrecorded(verifier, NULL, T0, NULL, &jwt));
    CHECK_INVALID(ishare_verifier_verify_jwt_unrecorded(verifier, "a.b.c", T0, NULL, NULL));
    CHECK(strstr(last_error_text(), "jwt_out is NULL") != NULL);
    CHECK_INVALID(ishare_verifier_verify_jwt_unrecorded(verifier, "a.b.c", T0, bad_utf8, &jwt));
    CHECK(jwt == NULL);
    CHECK_INVALID(ishare_verifier_set_replay_limits(NULL, 10, 0.5));
    CHECK(strstr(last_error_text(), "verifier is NULL") != NULL);
    ishare_verifier_free(verifier);
    case_end();
}

static void test_getters_and_frees(void) {
    case_begin("NULL: getters, *_free, ishare_last_error, ishare_status_kind");
    CHECK(ishare_assertion_client_id(NULL) == NULL);
    CHECK(ishare_assertion_audience(NULL) == NULL);
    CHECK(ishare_assertion_jti(NULL) == NULL);
    CHECK(ishare_assertion_leaf_sha256(NULL) == NULL);
    CHECK(ishare_assertion_issued_at(NULL) == 0);
    CHECK(ishare_assertion_expires_at(NULL) == 0);
    CHECK(ishare_assertion_replay_key(NULL) == NULL);
    CHECK(ishare_assertion_replay_until(NULL) == 0);
    ishare_assertion_free(NULL);
    ishare_verifier_free(NULL);
    ishare_signer_free(NULL);
    CHECK(ishare_last_error(NULL, 100) == ishare_last_error(NULL, 0));
    for (uint32_t code = 0; code < 40; code++) {
        CHECK(ishare_status_kind((ishare_status)code) != NULL);
    }
    case_end();
}

/* A panic inside the library comes back as ISHARE_STATUS_INTERNAL, never
 * unwinding into C. */
static void test_panic_boundary(void) {
    case_begin("a panic becomes ISHARE_STATUS_INTERNAL");
    CHECK_STATUS(ishare_panic_selftest(), ISHARE_STATUS_INTERNAL);
    CHECK(strstr(last_error_text(), "panic") != NULL);
    case_end();
}

void run_argument_tests(void) {
    test_panic_boundary();
    test_signer_from_pem();
    test_signer_outputs();
    test_verifier_new();
    test_verifier_verify();
    test_getters_and_frees();
}
