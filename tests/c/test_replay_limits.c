/* ishare_verifier_set_replay_limits: the replay cache's two bounds (all
 * tokens, and one issuer's share of them), both refusing with
 * ISHARE_STATUS_REPLAY_CACHE_FULL, and the limits it refuses. */
#include "harness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The second issuer: client-did of the test PKI. */
#define CLIENT_DID "did:ishare:EU.NL.NTRNL-10000001"

static char token[TOKEN_BUF];

static ishare_signer *load_did_signer(void) {
    char *key = read_vector_file("client-did.key.pem");
    char *chain = read_vector_file("client-did.chain.pem");
    ishare_signer *signer = NULL;
    if (CHECK(key != NULL && chain != NULL)) {
        CHECK_STATUS(ishare_signer_from_pem(key, chain, CLIENT_DID, &signer), ISHARE_STATUS_OK);
    }
    free(key);
    free(chain);
    return signer;
}

/* Signs a token for SERVER_ID at `now` with `jti` and verifies it at `now`. */
static ishare_status sign_and_verify(const ishare_signer *signer, ishare_verifier *verifier,
                                     int64_t now, const char *jti) {
    size_t len = 0;
    if (!CHECK_STATUS(ishare_signer_client_assertion(signer, SERVER_ID, now, jti, token,
                                                     sizeof token, &len),
                      ISHARE_STATUS_OK)) {
        return ISHARE_STATUS_INTERNAL;
    }
    ishare_assertion *assertion = NULL;
    ishare_status status = ishare_verifier_verify(verifier, token, now, NULL, &assertion);
    CHECK((status == ISHARE_STATUS_OK) == (assertion != NULL));
    ishare_assertion_free(assertion);
    return status;
}

static void test_issuer_share(void) {
    case_begin("replay limits: one issuer fills its share, another still gets in");
    ishare_signer *eori = load_client_signer();
    ishare_signer *did = load_did_signer();
    ishare_verifier *verifier = new_server_verifier(0);
    /* 10 tokens in all, 2 (= floor(10 * 0.2)) of one issuer. */
    CHECK_STATUS(ishare_verifier_set_replay_limits(verifier, 10, 0.2), ISHARE_STATUS_OK);
    CHECK_STATUS(sign_and_verify(eori, verifier, T0, "eori-1"), ISHARE_STATUS_OK);
    CHECK_STATUS(sign_and_verify(eori, verifier, T0, "eori-2"), ISHARE_STATUS_OK);
    CHECK_STATUS(sign_and_verify(eori, verifier, T0, "eori-3"), ISHARE_STATUS_REPLAY_CACHE_FULL);
    CHECK(strstr(last_error_text(), "\"" CLIENT_ID "\" holds its whole share") != NULL);
    CHECK(strstr(last_error_text(), "whole share (2 unexpired tokens)") != NULL);
    /* The cache holds 2 of 10: the other issuer is not locked out... */
    CHECK_STATUS(sign_and_verify(did, verifier, T0, "did-1"), ISHARE_STATUS_OK);
    CHECK_STATUS(sign_and_verify(did, verifier, T0, "did-2"), ISHARE_STATUS_OK);
    /* ...but has a share of its own. */
    CHECK_STATUS(sign_and_verify(did, verifier, T0, "did-3"), ISHARE_STATUS_REPLAY_CACHE_FULL);
    CHECK(strstr(last_error_text(), CLIENT_DID) != NULL);
    /* Tokens accepted at T0 are refused from T0 + 30 on (exp): they leave the
     * cache then, and their issuer's share is free again. */
    CHECK_STATUS(sign_and_verify(eori, verifier, T0 + 30, "eori-4"), ISHARE_STATUS_OK);
    ishare_verifier_free(verifier);
    ishare_signer_free(did);
    ishare_signer_free(eori);
    case_end();
}

static void test_capacity(void) {
    case_begin("replay limits: a full cache refuses every issuer");
    ishare_signer *eori = load_client_signer();
    ishare_signer *did = load_did_signer();
    ishare_verifier *verifier = new_server_verifier(0);
    CHECK_STATUS(ishare_verifier_set_replay_limits(verifier, 2, 1.0), ISHARE_STATUS_OK);
    CHECK_STATUS(sign_and_verify(eori, verifier, T0, "eori-1"), ISHARE_STATUS_OK);
    CHECK_STATUS(sign_and_verify(eori, verifier, T0, "eori-2"), ISHARE_STATUS_OK);
    CHECK_STATUS(sign_and_verify(did, verifier, T0, "did-1"), ISHARE_STATUS_REPLAY_CACHE_FULL);
    CHECK(strstr(last_error_text(), "2 unexpired tokens are remembered") != NULL);
    ishare_verifier_free(verifier);
    ishare_signer_free(did);
    ishare_signer_free(eori);
    case_end();
}

static void test_out_of_range(void) {
    case_begin("replay limits: out of range is refused, the cache is kept");
    ishare_signer *eori = load_client_signer();
    ishare_verifier *verifier = new_server_verifier(0);
    CHECK_STATUS(ishare_verifier_set_replay_limits(verifier, 10, 0.2), ISHARE_STATUS_OK);
    CHECK_STATUS(sign_and_verify(eori, verifier, T0, "kept"), ISHARE_STATUS_OK);

    CHECK_STATUS(ishare_verifier_set_replay_limits(verifier, 0, 0.2),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(last_error_text(), "replay cache capacity must be 1 to 10000000, got 0") != NULL);
    CHECK_STATUS(ishare_verifier_set_replay_limits(verifier, 10000001, 0.2),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(ishare_verifier_set_replay_limits(verifier, SIZE_MAX, 0.2),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    const double bad_shares[] = {0.0, -0.1, 1.0000001, 2.0, NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof bad_shares / sizeof bad_shares[0]; i++) {
        CHECK_STATUS(ishare_verifier_set_replay_limits(verifier, 10, bad_shares[i]),
                     ISHARE_STATUS_INVALID_ARGUMENT);
        CHECK(strstr(last_error_text(), "replay issuer share must be more than 0 and at most 1") !=
              NULL);
    }
    /* Every refusal left the cache alone: the token is still remembered. */
    ishare_assertion *assertion = NULL;
    CHECK_STATUS(ishare_verifier_verify(verifier, token, T0 + 1, NULL, &assertion),
                 ISHARE_STATUS_REPLAY);
    /* Limits that are set replace the cache: it forgets (documented). */
    CHECK_STATUS(ishare_verifier_set_replay_limits(verifier, 1, 1.0), ISHARE_STATUS_OK);
    CHECK_STATUS(ishare_verifier_verify(verifier, token, T0 + 1, NULL, &assertion),
                 ISHARE_STATUS_OK);
    ishare_assertion_free(assertion);
    ishare_verifier_free(verifier);
    ishare_signer_free(eori);
    case_end();
}

void run_replay_limit_tests(void) {
    test_issuer_share();
    test_capacity();
    test_out_of_range();
}
