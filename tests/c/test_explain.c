/* ishare_verifier_explain(_jwt): the JSON report agrees with verify on every
 * vector (called from test_vectors.c, so also on every hostile input, and
 * from test_jwt.c); two broken rules show as two failures; the arguments
 * are checked. And what a signer knows of its own chain: not_after,
 * warnings, an expired certificate refused when the signer is made. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The report's JSON begins with the verdict and kind, in this order and
 * without spaces (Report::to_json in core/src/explain/render.rs). */
static int starts_with_verdict(const char *json, const char *kind) {
    char prefix[128];
    if (kind == NULL) {
        snprintf(prefix, sizeof prefix, "{\"verdict\":\"accepted\",\"kind\":null,\"rules\":[");
    } else {
        snprintf(prefix, sizeof prefix, "{\"verdict\":\"refused\",\"kind\":\"%s\",\"rules\":[",
                 kind);
    }
    return strncmp(json, prefix, strlen(prefix)) == 0;
}

/* The kind of the first failing rule, copied into `out` ("" when none):
 * quotes inside string values are escaped, so the first unescaped
 * `"status":"fail","kind":"` is the first failing rule's. */
static void first_failure(const char *json, char *out, size_t out_len) {
    const char *marker = "\"status\":\"fail\",\"kind\":\"";
    const char *at = strstr(json, marker);
    out[0] = '\0';
    if (at == NULL) {
        return;
    }
    at += strlen(marker);
    size_t len = strcspn(at, "\"");
    if (len >= out_len) {
        len = out_len - 1;
    }
    memcpy(out, at, len);
    out[len] = '\0';
}

void check_explain_agrees(const ishare_verifier *verifier, const char *token, int64_t now,
                          const char *who, int jwt, ishare_status verified) {
    char *json = NULL;
    ishare_status status = jwt ? ishare_verifier_explain_jwt(verifier, token, now, who, &json)
                               : ishare_verifier_explain(verifier, token, now, who, &json);
    if (!CHECK_STATUS(status, ISHARE_STATUS_OK) || !CHECK(json != NULL)) {
        return;
    }
    const char *kind = verified == ISHARE_STATUS_OK ? NULL : ishare_status_kind(verified);
    if (!CHECK(starts_with_verdict(json, kind))) {
        fprintf(stderr, "  verify: %s\n  explain: %.300s\n", kind ? kind : "accepted", json);
    }
    char failure[64];
    first_failure(json, failure, sizeof failure);
    CHECK_STR(failure, kind != NULL ? kind : "");
    char *canonical = canonical_json(json, 0);
    CHECK(canonical != NULL); /* the report is JSON */
    free(canonical);
    ishare_string_free(json);
}

static void test_two_failures(void) {
    case_begin("explain: a token breaking two rules shows both");
    ishare_signer *signer = load_client_signer();
    ishare_verifier *verifier = new_server_verifier(0);
    char token[TOKEN_BUF];
    size_t len = 0;
    CHECK_STATUS(ishare_signer_client_assertion(signer, "EU.EORI.NL000000999", T0, NULL, token,
                                                sizeof token, &len),
                 ISHARE_STATUS_OK);
    char *json = NULL;
    CHECK_STATUS(ishare_verifier_explain(verifier, token, T0 + 3600, CLIENT_ID, &json),
                 ISHARE_STATUS_OK);
    if (CHECK(json != NULL)) {
        CHECK(starts_with_verdict(json, "audience"));
        CHECK(strstr(json, "{\"rule\":\"audience\",\"status\":\"fail\",\"kind\":\"audience\"") !=
              NULL);
        CHECK(strstr(json, "{\"rule\":\"not_expired\",\"status\":\"fail\",\"kind\":\"expired\"") !=
              NULL);
        CHECK(strstr(json, "{\"rule\":\"lifetime\",\"status\":\"pass\"") != NULL);
        CHECK(strstr(json, "\"chain\":[{\"position\":0,") != NULL);
    }
    ishare_string_free(json);
    ishare_verifier_free(verifier);
    ishare_signer_free(signer);
    case_end();
}

static void test_arguments(void) {
    case_begin("explain: arguments are checked; json_out is written only on success");
    ishare_verifier *verifier = new_server_verifier(0);
    char *json = (char *)"untouched";
    CHECK_STATUS(ishare_verifier_explain(NULL, "a.b.c", T0, NULL, &json),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(ishare_verifier_explain(verifier, NULL, T0, NULL, &json),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(ishare_verifier_explain(verifier, "a.b.c", T0, NULL, NULL),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(ishare_verifier_explain_jwt(verifier, "a.b.c", T0, "\xff", &json),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    CHECK(strcmp(json, "untouched") == 0);
    /* Not a token at all is a report, not an error. */
    json = NULL;
    CHECK_STATUS(ishare_verifier_explain(verifier, "not a token", -1, NULL, &json),
                 ISHARE_STATUS_OK);
    CHECK(json != NULL && starts_with_verdict(json, "malformed"));
    ishare_string_free(json);
    ishare_string_free(NULL);
    ishare_verifier_free(verifier);
    case_end();
}

/* tests/vectors/README.md: every certificate but the expired one is valid
 * 2025-01-01 to 2045-01-01. */
#define VECTORS_NOT_AFTER INT64_C(2366841600)

static void test_signer_chain(void) {
    case_begin("signer: not_after is the leaf's; a full chain has no warning");
    ishare_signer *signer = load_client_signer();
    CHECK(ishare_signer_not_after(signer) == VECTORS_NOT_AFTER);
    CHECK(ishare_signer_not_after(NULL) == 0);
    char *warnings = NULL;
    CHECK_STATUS(ishare_signer_warnings(signer, &warnings), ISHARE_STATUS_OK);
    CHECK_STR(warnings, "");
    ishare_string_free(warnings);
    CHECK_STATUS(ishare_signer_warnings(NULL, &warnings), ISHARE_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(ishare_signer_warnings(signer, NULL), ISHARE_STATUS_INVALID_ARGUMENT);
    char token[TOKEN_BUF];
    size_t len = 0;
    CHECK_STATUS(ishare_signer_client_assertion(signer, SERVER_ID, VECTORS_NOT_AFTER + 1, NULL,
                                                token, sizeof token, &len),
                 ISHARE_STATUS_CERTIFICATE_EXPIRED);
    CHECK(strstr(last_error_text(), "x5c[0]") != NULL);
    ishare_signer_free(signer);
    case_end();

    case_begin("signer: a chain without its root loads with a warning");
    char *key = read_vector_file("client-eori.key.pem");
    char *chain = read_vector_file("client-eori.chain.pem");
    if (CHECK(key != NULL && chain != NULL)) {
        /* Cut after the second certificate: leaf and intermediate. */
        const char *end = "-----END CERTIFICATE-----";
        char *second = strstr(chain, end);
        second = second != NULL ? strstr(second + strlen(end), end) : NULL;
        if (CHECK(second != NULL)) {
            second[strlen(end)] = '\0';
            ishare_signer *rootless = NULL;
            CHECK_STATUS(ishare_signer_from_pem(key, chain, CLIENT_ID, &rootless),
                         ISHARE_STATUS_OK);
            char *text = NULL;
            CHECK_STATUS(ishare_signer_warnings(rootless, &text), ISHARE_STATUS_OK);
            CHECK(text != NULL && strstr(text, "root") != NULL && strchr(text, '\n') == NULL);
            ishare_string_free(text);
            ishare_signer_free(rootless);
        }
    }
    free(key);
    free(chain);
    case_end();

    case_begin("signer: an expired certificate is refused when the signer is made");
    key = read_vector_file("client-expired.key.pem");
    chain = read_vector_file("client-expired.chain.pem");
    if (CHECK(key != NULL && chain != NULL)) {
        ishare_signer *expired = NULL;
        ishare_status status =
            ishare_signer_from_pem(key, chain, "EU.EORI.NL000000002", &expired);
        CHECK(status == ISHARE_STATUS_INVALID_CERTIFICATE ||
              status == ISHARE_STATUS_CERTIFICATE_EXPIRED);
        CHECK(expired == NULL);
        CHECK(strstr(last_error_text(), "x5c[0]") != NULL);
    }
    free(key);
    free(chain);
    case_end();
}

void run_explain_tests(void) {
    test_two_failures();
    test_arguments();
    test_signer_chain();
}
