/* Sign -> verify round trips, token requests, buffer sizes, replay, errors. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char token[TOKEN_BUF];

/* Signs into `token` for SERVER_ID at `now` with `jti` (NULL: random). */
static ishare_status sign(const ishare_signer *signer, int64_t now, const char *jti) {
    size_t len = 0;
    ishare_status status =
        ishare_signer_client_assertion(signer, SERVER_ID, now, jti, token, sizeof token, &len);
    if (status == ISHARE_STATUS_OK) {
        CHECK(len == strlen(token));
    }
    return status;
}

static void test_round_trip(void) {
    case_begin("sign -> verify");
    ishare_signer *signer = load_client_signer();
    ishare_verifier *verifier = new_server_verifier(0);
    CHECK_STATUS(sign(signer, T0, NULL), ISHARE_STATUS_OK);
    ishare_assertion *assertion = NULL;
    CHECK_STATUS(ishare_verifier_verify(verifier, token, T0 + 1, CLIENT_ID, &assertion),
                 ISHARE_STATUS_OK);
    CHECK(ishare_last_error(NULL, 0) == 0);
    /* The assertion outlives its verifier. */
    ishare_verifier_free(verifier);
    CHECK_STR(ishare_assertion_client_id(assertion), CLIENT_ID);
    CHECK_STR(ishare_assertion_audience(assertion), SERVER_ID);
    CHECK_STR(ishare_assertion_leaf_sha256(assertion), CLIENT_LEAF_SHA256);
    const char *jti = ishare_assertion_jti(assertion);
    CHECK(jti != NULL && strlen(jti) == 36 && jti[14] == '4'); /* a UUID v4 */
    CHECK(ishare_assertion_issued_at(assertion) == T0);
    CHECK(ishare_assertion_expires_at(assertion) == T0 + 30);
    ishare_assertion_free(assertion);
    ishare_signer_free(signer);
    case_end();
}

static void test_replay(void) {
    case_begin("second verify of a token is a replay");
    ishare_signer *signer = load_client_signer();
    ishare_verifier *verifier = new_server_verifier(0);
    CHECK_STATUS(sign(signer, T0, "replay-me"), ISHARE_STATUS_OK);
    ishare_assertion *first = NULL;
    CHECK_STATUS(ishare_verifier_verify(verifier, token, T0 + 1, NULL, &first), ISHARE_STATUS_OK);
    CHECK_STR(ishare_assertion_jti(first), "replay-me");
    ishare_assertion *second = NULL;
    CHECK_STATUS(ishare_verifier_verify(verifier, token, T0 + 2, NULL, &second),
                 ISHARE_STATUS_REPLAY);
    CHECK(second == NULL);
    CHECK_STR(ishare_status_kind(ISHARE_STATUS_REPLAY), "replay");
    CHECK(strstr(last_error_text(), "replay-me") != NULL);
    /* A new token with the same jti is the same (iss, jti): refused too. */
    CHECK_STATUS(sign(signer, T0 + 3, "replay-me"), ISHARE_STATUS_OK);
    CHECK_STATUS(ishare_verifier_verify(verifier, token, T0 + 4, NULL, &second),
                 ISHARE_STATUS_REPLAY);
    /* Another verifier has its own cache. */
    ishare_verifier *other = new_server_verifier(0);
    CHECK_STATUS(ishare_verifier_verify(other, token, T0 + 4, NULL, &second), ISHARE_STATUS_OK);
    ishare_assertion_free(second);
    ishare_assertion_free(first);
    ishare_verifier_free(other);
    ishare_verifier_free(verifier);
    ishare_signer_free(signer);
    case_end();
}

/* hex SHA-256 of CLIENT_ID "\0" "fixed-jti", derived outside the library:
 * printf 'EU.EORI.NL000000001\0fixed-jti' | sha256sum */
#define FIXED_JTI_REPLAY_KEY "a4d14094bffb07096c8bd1cf59ec86928340ef4d3d78a7c959a67766855bbe4f"

static void test_replay_record_and_unrecorded(void) {
    case_begin("the replay record; _unrecorded verifies accept a token twice");
    ishare_signer *signer = load_client_signer();
    ishare_verifier *verifier = new_server_verifier(5);
    CHECK_STATUS(sign(signer, T0, "fixed-jti"), ISHARE_STATUS_OK);
    for (int i = 0; i < 2; i++) {
        ishare_assertion *assertion = NULL;
        CHECK_STATUS(
            ishare_verifier_verify_unrecorded(verifier, token, T0 + 1 + i, CLIENT_ID, &assertion),
            ISHARE_STATUS_OK);
        CHECK_STR(ishare_assertion_replay_key(assertion), FIXED_JTI_REPLAY_KEY);
        /* exp (T0 + 30) + leeway (5) */
        CHECK(ishare_assertion_replay_until(assertion) == T0 + 35);
        CHECK(ishare_assertion_replay_until(assertion) ==
              ishare_assertion_expires_at(assertion) + 5);
        ishare_assertion_free(assertion);
    }
    /* Nothing was recorded: the recording verify accepts it once, then not. */
    ishare_assertion *first = NULL;
    ishare_assertion *second = NULL;
    CHECK_STATUS(ishare_verifier_verify(verifier, token, T0 + 3, NULL, &first), ISHARE_STATUS_OK);
    CHECK_STR(ishare_assertion_replay_key(first), FIXED_JTI_REPLAY_KEY);
    CHECK_STATUS(ishare_verifier_verify(verifier, token, T0 + 4, NULL, &second),
                 ISHARE_STATUS_REPLAY);
    CHECK(second == NULL);
    /* ...and an unrecorded verify still passes: it does not read the cache. */
    CHECK_STATUS(ishare_verifier_verify_unrecorded(verifier, token, T0 + 5, NULL, &second),
                 ISHARE_STATUS_OK);
    ishare_assertion_free(second);
    ishare_assertion_free(first);

    /* Any JWT: the same (iss, jti) is the same key. */
    size_t len = 0;
    CHECK_STATUS(ishare_signer_sign_jwt(signer, SERVER_ID, "{\"a\":1}", T0, "fixed-jti", token,
                                        sizeof token, &len),
                 ISHARE_STATUS_OK);
    for (int i = 0; i < 2; i++) {
        ishare_jwt *jwt = NULL;
        CHECK_STATUS(
            ishare_verifier_verify_jwt_unrecorded(verifier, token, T0 + 1 + i, CLIENT_ID, &jwt),
            ISHARE_STATUS_OK);
        CHECK_STR(ishare_jwt_replay_key(jwt), FIXED_JTI_REPLAY_KEY);
        CHECK(ishare_jwt_replay_until(jwt) == ishare_jwt_expires_at(jwt) + 5);
        ishare_jwt_free(jwt);
    }
    /* The recording verify_jwt shares the cache the assertion went into. */
    ishare_jwt *jwt = NULL;
    CHECK_STATUS(ishare_verifier_verify_jwt(verifier, token, T0 + 3, NULL, &jwt),
                 ISHARE_STATUS_REPLAY);
    CHECK(jwt == NULL);
    /* A failed unrecorded verify is an ordinary error; out stays untouched. */
    CHECK_STATUS(ishare_verifier_verify_jwt_unrecorded(verifier, token, T0 + 3,
                                                       "EU.EORI.NL000000999", &jwt),
                 ISHARE_STATUS_ISSUER_MISMATCH);
    CHECK(jwt == NULL);
    ishare_verifier_free(verifier);
    ishare_signer_free(signer);
    case_end();
}

static void test_system_clock(void) {
    case_begin("now < 0 uses the system clock");
    ishare_signer *signer = load_client_signer();
    ishare_verifier *verifier = new_server_verifier(5);
    CHECK_STATUS(sign(signer, -1, NULL), ISHARE_STATUS_OK);
    ishare_assertion *assertion = NULL;
    CHECK_STATUS(ishare_verifier_verify(verifier, token, -1, NULL, &assertion), ISHARE_STATUS_OK);
    CHECK(ishare_assertion_issued_at(assertion) > T0 - 400 * 86400);
    ishare_assertion_free(assertion);
    /* The same token at T0 was not yet issued. */
    ishare_verifier_free(verifier);
    verifier = new_server_verifier(0);
    CHECK_STATUS(ishare_verifier_verify(verifier, token, T0, NULL, &assertion),
                 ISHARE_STATUS_NOT_YET_VALID);
    ishare_verifier_free(verifier);
    ishare_signer_free(signer);
    case_end();
}

static void test_other_inputs(void) {
    case_begin("PKCS#1 key and PEM trust root");
    char *key = read_vector_file("client-eori.key.pkcs1.pem");
    char *chain = read_vector_file("client-eori.chain.pem");
    char *root = read_vector_file("root-ca.pem");
    ishare_signer *signer = NULL;
    CHECK_STATUS(ishare_signer_from_pem(key, chain, CLIENT_ID, &signer), ISHARE_STATUS_OK);
    const char *roots[] = {root};
    ishare_verifier *verifier = NULL;
    CHECK_STATUS(ishare_verifier_new(SERVER_ID, roots, 1, 0, &verifier), ISHARE_STATUS_OK);
    CHECK_STATUS(sign(signer, T0, NULL), ISHARE_STATUS_OK);
    ishare_assertion *assertion = NULL;
    CHECK_STATUS(ishare_verifier_verify(verifier, token, T0, NULL, &assertion), ISHARE_STATUS_OK);
    ishare_assertion_free(assertion);
    ishare_verifier_free(verifier);
    ishare_signer_free(signer);
    free(key);
    free(chain);
    free(root);
    case_end();
}

static void test_token_request(void) {
    case_begin("token request form body");
    ishare_signer *signer = load_client_signer();
    ishare_verifier *verifier = new_server_verifier(0);
    static char body[TOKEN_BUF];
    size_t len = 0;
    CHECK_STATUS(ishare_signer_token_request(signer, SERVER_ID, T0, NULL, NULL, body, sizeof body,
                                             &len),
                 ISHARE_STATUS_OK);
    CHECK(len == strlen(body));
    const char *prefix = "grant_type=client_credentials&scope=iSHARE&client_id=" CLIENT_ID
                         "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-"
                         "type%3Ajwt-bearer&client_assertion=";
    CHECK(strncmp(body, prefix, strlen(prefix)) == 0);
    ishare_assertion *assertion = NULL;
    CHECK_STATUS(ishare_verifier_verify(verifier, body + strlen(prefix), T0, CLIENT_ID, &assertion),
                 ISHARE_STATUS_OK);
    ishare_assertion_free(assertion);

    CHECK_STATUS(ishare_signer_token_request(signer, SERVER_ID, T0, "form-jti", "iSHARE extra",
                                             body, sizeof body, &len),
                 ISHARE_STATUS_OK);
    CHECK(strstr(body, "&scope=iSHARE+extra&") != NULL);
    const char *assertion_part = strstr(body, "&client_assertion=");
    CHECK(assertion_part != NULL);
    if (assertion_part != NULL) {
        CHECK_STATUS(ishare_verifier_verify(verifier, assertion_part + 18, T0, NULL, &assertion),
                     ISHARE_STATUS_OK);
        CHECK_STR(ishare_assertion_jti(assertion), "form-jti");
        ishare_assertion_free(assertion);
    }
    CHECK_STATUS(ishare_signer_token_request(signer, SERVER_ID, T0, NULL, "bad\"scope", body,
                                             sizeof body, &len),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    ishare_verifier_free(verifier);
    ishare_signer_free(signer);
    case_end();
}

static void test_buffer_too_small(void) {
    case_begin("buffer too small reports the length needed");
    ishare_signer *signer = load_client_signer();
    size_t needed = 0;
    CHECK_STATUS(ishare_signer_client_assertion(signer, SERVER_ID, T0, "size-1", NULL, 0, &needed),
                 ISHARE_STATUS_BUFFER_TOO_SMALL);
    CHECK(needed > 1000 && needed < TOKEN_BUF);
    CHECK_STR(ishare_status_kind(ISHARE_STATUS_BUFFER_TOO_SMALL), "buffer_too_small");
    char needed_text[32];
    snprintf(needed_text, sizeof needed_text, "%zu bytes", needed);
    CHECK(strstr(last_error_text(), needed_text) != NULL);

    /* Exactly the token, no room for the NUL: still too small, nothing written. */
    char *buf = malloc(needed + 1);
    size_t len = 0;
    memset(buf, 'x', needed + 1);
    CHECK_STATUS(ishare_signer_client_assertion(signer, SERVER_ID, T0, "size-2", buf, needed, &len),
                 ISHARE_STATUS_BUFFER_TOO_SMALL);
    CHECK(len == needed);
    int untouched = 1;
    for (size_t i = 0; i < needed + 1; i++) {
        untouched &= buf[i] == 'x';
    }
    CHECK(untouched);

    /* One more byte fits. */
    len = 0;
    CHECK_STATUS(
        ishare_signer_client_assertion(signer, SERVER_ID, T0, "size-3", buf, needed + 1, &len),
        ISHARE_STATUS_OK);
    CHECK(len == needed && buf[needed] == '\0' && strlen(buf) == needed);
    free(buf);

    size_t body_needed = 0;
    char tiny[8];
    CHECK_STATUS(ishare_signer_token_request(signer, SERVER_ID, T0, NULL, NULL, tiny, sizeof tiny,
                                             &body_needed),
                 ISHARE_STATUS_BUFFER_TOO_SMALL);
    CHECK(body_needed > needed);
    ishare_signer_free(signer);
    case_end();
}

static void test_signer_errors(void) {
    case_begin("signer errors map to their status");
    char *key = read_vector_file("client-eori.key.pem");
    char *chain = read_vector_file("client-eori.chain.pem");
    char *did_key = read_vector_file("client-did.key.pem");
    ishare_signer *signer = NULL;
    CHECK_STATUS(ishare_signer_from_pem(key, chain, "EU.EORI.NL000000009", &signer),
                 ISHARE_STATUS_PARTY_ID_MISMATCH);
    CHECK_STATUS(ishare_signer_from_pem(did_key, chain, CLIENT_ID, &signer),
                 ISHARE_STATUS_KEY_MISMATCH);
    CHECK_STATUS(ishare_signer_from_pem("not a key", chain, CLIENT_ID, &signer),
                 ISHARE_STATUS_INVALID_KEY);
    CHECK_STATUS(ishare_signer_from_pem(key, "not a chain", CLIENT_ID, &signer),
                 ISHARE_STATUS_INVALID_CERTIFICATE);
    CHECK_STATUS(ishare_signer_from_pem(key, chain, "NL123", &signer),
                 ISHARE_STATUS_INVALID_PARTY_ID);
    CHECK(signer == NULL);
    CHECK(strstr(last_error_text(), "NL123") != NULL);
    CHECK(strstr(last_error_text(), "PRIVATE KEY") == NULL);

    signer = load_client_signer();
    CHECK_STATUS(sign(signer, T0, ""), ISHARE_STATUS_INVALID_ARGUMENT);
    size_t len = 0;
    CHECK_STATUS(ishare_signer_client_assertion(signer, "nobody", T0, NULL, token, sizeof token,
                                                &len),
                 ISHARE_STATUS_INVALID_PARTY_ID);
    ishare_signer_free(signer);
    free(key);
    free(chain);
    free(did_key);
    case_end();
}

static void test_verifier_errors(void) {
    case_begin("verifier errors map to their status");
    const char *roots[] = {ROOT_SHA256};
    const char *bad_roots[] = {"not a root"};
    ishare_verifier *verifier = NULL;
    CHECK_STATUS(ishare_verifier_new(SERVER_ID, bad_roots, 1, 0, &verifier),
                 ISHARE_STATUS_INVALID_TRUST_ANCHOR);
    CHECK_STATUS(ishare_verifier_new(SERVER_ID, roots, 0, 0, &verifier),
                 ISHARE_STATUS_INVALID_TRUST_ANCHOR);
    CHECK_STATUS(ishare_verifier_new(SERVER_ID, roots, 1, 301, &verifier),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(ishare_verifier_new("nobody", roots, 1, 0, &verifier),
                 ISHARE_STATUS_INVALID_PARTY_ID);
    CHECK(verifier == NULL);

    ishare_signer *signer = load_client_signer();
    CHECK_STATUS(sign(signer, T0, NULL), ISHARE_STATUS_OK);
    const char *did_server_roots[] = {ROOT_SHA256};
    CHECK_STATUS(ishare_verifier_new("did:ishare:EU.NL.NTRNL-10000000", did_server_roots, 1, 0,
                                     &verifier),
                 ISHARE_STATUS_OK);
    ishare_assertion *assertion = NULL;
    CHECK_STATUS(ishare_verifier_verify(verifier, token, T0, NULL, &assertion),
                 ISHARE_STATUS_AUDIENCE);
    ishare_verifier_free(verifier);

    verifier = new_server_verifier(0);
    CHECK_STATUS(ishare_verifier_verify(verifier, token, T0, "EU.EORI.NL000000005", &assertion),
                 ISHARE_STATUS_CLIENT_ID_MISMATCH);
    CHECK_STATUS(ishare_verifier_verify(verifier, token, T0 + 30, NULL, &assertion),
                 ISHARE_STATUS_EXPIRED);
    CHECK_STATUS(ishare_verifier_verify(verifier, "a.b", T0, NULL, &assertion),
                 ISHARE_STATUS_MALFORMED);
    CHECK(assertion == NULL);
    /* Failures did not consume the token. */
    CHECK_STATUS(ishare_verifier_verify(verifier, token, T0, NULL, &assertion), ISHARE_STATUS_OK);
    ishare_assertion_free(assertion);
    ishare_verifier_free(verifier);
    ishare_signer_free(signer);
    case_end();
}

static void test_status_names_and_last_error(void) {
    case_begin("status names and the last error message");
    CHECK_STR(ishare_status_kind(ISHARE_STATUS_OK), "ok");
    CHECK_STR(ishare_status_kind(ISHARE_STATUS_MALFORMED), "malformed");
    CHECK_STR(ishare_status_kind(ISHARE_STATUS_EXPIRED), "expired");
    CHECK_STR(ishare_status_kind(ISHARE_STATUS_INTERNAL), "internal");
    CHECK_STR(ishare_status_kind((ishare_status)999), "unknown");
    CHECK_STR(ishare_status_str(ISHARE_STATUS_REPLAY), "replay");
    CHECK(ISHARE_STATUS_OK == 0 && ISHARE_STATUS_REPLAY == 18 && ISHARE_STATUS_INTERNAL == 28);
    CHECK(sizeof(ishare_status) == 4);

    ishare_verifier *verifier = NULL;
    CHECK_STATUS(ishare_verifier_new(NULL, NULL, 0, 0, &verifier), ISHARE_STATUS_INVALID_ARGUMENT);
    const char *expected = "audience is NULL";
    size_t full = ishare_last_error(NULL, 0);
    CHECK(full == strlen(expected));
    char small[8];
    memset(small, 'x', sizeof small);
    CHECK(ishare_last_error(small, sizeof small) == full);
    CHECK_STR(small, "audienc");
    char big[128];
    CHECK(ishare_last_error(big, sizeof big) == full);
    CHECK_STR(big, expected);
    /* A zero-length buffer is not written. */
    small[0] = 'y';
    CHECK(ishare_last_error(small, 0) == full && small[0] == 'y');
    /* Success clears the message. */
    verifier = new_server_verifier(0);
    CHECK(ishare_last_error(big, sizeof big) == 0 && big[0] == '\0');
    ishare_verifier_free(verifier);
    case_end();
}

void run_sign_verify_tests(void) {
    test_round_trip();
    test_replay();
    test_replay_record_and_unrecorded();
    test_system_clock();
    test_other_inputs();
    test_token_request();
    test_buffer_too_small();
    test_signer_errors();
    test_verifier_errors();
    test_status_names_and_last_error();
}
