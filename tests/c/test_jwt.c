/* Any iSHARE JWT through the C ABI: the general JWT vectors of
 * tests/vectors/jwt/ (as converted by vectors_to_text.py: every vector and
 * every sign input), payload round trips, the satellite checks on messages
 * signed with the satellite's key (testdata/pki/server-eori), issuer
 * mismatches, the OAuth profile, and the arguments of the new functions. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROOTS 8

/* From the file's jwt_signer record: the satellite (testdata/pki/server-eori)
 * and the client its messages go to (testdata/pki/client-eori). */
static struct {
    ishare_signer *signer;        /* the satellite */
    ishare_signer *client_signer; /* the client */
    ishare_verifier *verifier;    /* the client's verifier of the satellite's messages */
    char party[64];
    char audience[64];
    char root[80];
    char leaf[80];
    int64_t now;
} sat;

/* Out-pointers start as these sentinels: a failed call must leave them be. */
static long double signer_mark, verifier_mark, jwt_mark, party_mark, anchors_mark;
#define SIGNER_SENTINEL ((ishare_signer *)(void *)&signer_mark)
#define VERIFIER_SENTINEL ((ishare_verifier *)(void *)&verifier_mark)
#define JWT_SENTINEL ((ishare_jwt *)(void *)&jwt_mark)
#define PARTY_SENTINEL ((ishare_party_info *)(void *)&party_mark)
#define ANCHORS_SENTINEL ((ishare_anchor_list *)(void *)&anchors_mark)
#define LEN_SENTINEL ((size_t)12345)

static int copy_field(char *out, size_t out_len, const char *value) {
    if (!CHECK(value != NULL && strlen(value) < out_len)) {
        return 0;
    }
    memcpy(out, value, strlen(value) + 1);
    return 1;
}

/* Signs with ishare_signer_sign_jwt into a new buffer of the size a query
 * reports (free it); NULL on an error, whose status is in *status. */
static char *sign_jwt(const ishare_signer *signer, const char *audience, const char *claims_json,
                      int64_t now, const char *jti, ishare_status *status) {
    size_t needed = 0;
    *status = ishare_signer_sign_jwt(signer, audience, claims_json, now, jti, NULL, 0, &needed);
    if (*status != ISHARE_STATUS_BUFFER_TOO_SMALL) {
        return NULL;
    }
    char *token = malloc(needed + 1);
    if (!CHECK(token != NULL)) {
        return NULL;
    }
    size_t len = LEN_SENTINEL;
    *status = ishare_signer_sign_jwt(signer, audience, claims_json, now, jti, token, needed + 1,
                                     &len);
    if (*status != ISHARE_STATUS_OK) {
        free(token);
        return NULL;
    }
    CHECK(len == needed && strlen(token) == needed);
    return token;
}

/* A new verifier of the client (sat.audience) trusting the test PKI's root. */
static ishare_verifier *client_verifier(void) {
    const char *roots[] = {sat.root};
    ishare_verifier *verifier = NULL;
    CHECK_STATUS(ishare_verifier_new(sat.audience, roots, 1, 0, &verifier), ISHARE_STATUS_OK);
    return verifier;
}

/* A message of the satellite to the client with `claims_json`, signed at
 * sat.now and verified by the client (issuer: the satellite); NULL on failure. */
static ishare_jwt *satellite_message(const char *claims_json) {
    ishare_status status;
    char *token = sign_jwt(sat.signer, sat.audience, claims_json, sat.now, NULL, &status);
    CHECK_STATUS(status, ISHARE_STATUS_OK);
    ishare_jwt *jwt = NULL;
    if (token != NULL) {
        CHECK_STATUS(ishare_verifier_verify_jwt(sat.verifier, token, sat.now, sat.party, &jwt),
                     ISHARE_STATUS_OK);
    }
    free(token);
    return jwt;
}

/* Checks `got` against the canonical JSON `want` (vectors_to_text.py's form). */
static void check_payload(const char *got, const char *want, int sort_keys) {
    char *canonical = canonical_json(got, sort_keys);
    CHECK(canonical != NULL);
    if (canonical != NULL) {
        CHECK_STR(canonical, want);
    }
    free(canonical);
}

/* The records of the file. */

static void run_signer_record(const struct record *r) {
    case_begin("jwt vectors: the satellite's signer");
    const char *now = record_get(r, "now");
    int fields = copy_field(sat.party, sizeof sat.party, record_get(r, "party")) &&
                 copy_field(sat.audience, sizeof sat.audience, record_get(r, "audience")) &&
                 copy_field(sat.root, sizeof sat.root, record_get(r, "root")) &&
                 copy_field(sat.leaf, sizeof sat.leaf, record_get(r, "leaf")) && CHECK(now != NULL);
    if (fields) {
        sat.now = strtoll(now, NULL, 10);
        CHECK_STATUS(ishare_signer_from_pem(record_get(r, "key"), record_get(r, "chain"), sat.party,
                                            &sat.signer),
                     ISHARE_STATUS_OK);
        CHECK_STATUS(ishare_signer_from_pem(record_get(r, "client_key"),
                                            record_get(r, "client_chain"), sat.audience,
                                            &sat.client_signer),
                     ISHARE_STATUS_OK);
        sat.verifier = client_verifier();
    }
    case_end();
}

static void run_jwt_vector(const struct record *r) {
    const char *name = record_get(r, "name");
    case_begin(name != NULL ? name : "(unnamed jwt vector)");
    const char *token = record_get(r, "token");
    const char *audience = record_get(r, "audience");
    const char *now = record_get(r, "now");
    const char *leeway = record_get(r, "leeway");
    const char *expect = record_get(r, "expect");
    const char *roots[MAX_ROOTS];
    size_t roots_len = record_get_all(r, "root", roots, MAX_ROOTS);
    if (!CHECK(token != NULL && audience != NULL && now != NULL && leeway != NULL &&
               expect != NULL)) {
        case_end();
        return;
    }
    ishare_verifier *verifier = NULL;
    CHECK_STATUS(ishare_verifier_new(audience, roots, roots_len,
                                     (uint32_t)strtoul(leeway, NULL, 10), &verifier),
                 ISHARE_STATUS_OK);
    ishare_jwt *jwt = JWT_SENTINEL;
    ishare_status status = ishare_verifier_verify_jwt(verifier, token, strtoll(now, NULL, 10),
                                                      record_get(r, "issuer"), &jwt);
    if (strcmp(expect, "valid") == 0) {
        if (CHECK_STATUS(status, ISHARE_STATUS_OK)) {
            const char *claims = record_get(r, "claims");
            CHECK(claims != NULL);
            if (claims != NULL) {
                check_payload(ishare_jwt_claims_json(jwt), claims, 1);
            }
            CHECK_STR(ishare_jwt_issuer(jwt), record_get(r, "want_iss"));
            CHECK_STR(ishare_jwt_audience(jwt), audience);
            CHECK_STR(ishare_jwt_jti(jwt), record_get(r, "want_jti"));
            CHECK_STR(ishare_jwt_leaf_sha256(jwt), record_get(r, "want_leaf"));
            const char *iat = record_get(r, "want_iat");
            const char *exp = record_get(r, "want_exp");
            CHECK(iat != NULL && ishare_jwt_issued_at(jwt) == strtoll(iat, NULL, 10));
            CHECK(exp != NULL && ishare_jwt_expires_at(jwt) == strtoll(exp, NULL, 10));
            ishare_jwt_free(jwt);
        }
    } else {
        CHECK_STR(ishare_status_kind(status), expect);
        CHECK(jwt == JWT_SENTINEL);
        CHECK(ishare_last_error(NULL, 0) > 0);
    }
    check_explain_agrees(verifier, token, strtoll(now, NULL, 10), record_get(r, "issuer"), 1,
                         status);
    ishare_verifier_free(verifier);
    case_end();
}

static void run_sign_input(const struct record *r) {
    const char *name = record_get(r, "name");
    case_begin(name != NULL ? name : "(unnamed sign input)");
    const char *expect = record_get(r, "expect");
    const char *jti = record_get(r, "jti");
    if (!CHECK(sat.signer != NULL && expect != NULL && jti != NULL)) {
        case_end();
        return;
    }
    const char *claims_json = record_get(r, "claims_json"); /* NULL: none */
    ishare_status status;
    char *token = sign_jwt(sat.signer, sat.audience, claims_json, sat.now, jti, &status);
    if (strcmp(expect, "valid") == 0) {
        CHECK_STATUS(status, ISHARE_STATUS_OK);
        ishare_jwt *jwt = NULL;
        if (token != NULL &&
            CHECK_STATUS(ishare_verifier_verify_jwt(sat.verifier, token, sat.now, sat.party, &jwt),
                         ISHARE_STATUS_OK)) {
            const char *claims = record_get(r, "claims");
            CHECK(claims != NULL);
            if (claims != NULL) {
                /* In member order: the envelope first, then the input's members. */
                check_payload(ishare_jwt_claims_json(jwt), claims, 0);
            }
            CHECK_STR(ishare_jwt_jti(jwt), jti);
            ishare_jwt_free(jwt);
        }
    } else {
        CHECK(token == NULL);
        CHECK_STR(ishare_status_kind(status), expect);
        /* Refused before any size is known: the query wrote no length. */
        size_t len = LEN_SENTINEL;
        char buf[16] = "untouched";
        CHECK_STATUS(ishare_signer_sign_jwt(sat.signer, sat.audience, claims_json, sat.now, jti,
                                            buf, sizeof buf, &len),
                     status);
        CHECK(len == LEN_SENTINEL && strcmp(buf, "untouched") == 0);
    }
    free(token);
    case_end();
}

static void run_record(const struct record *r, void *context) {
    (void)context;
    const char *type = record_get(r, "type");
    if (type != NULL && strcmp(type, "jwt_signer") == 0) {
        run_signer_record(r);
    } else if (type != NULL && strcmp(type, "jwt") == 0) {
        run_jwt_vector(r);
    } else if (type != NULL && strcmp(type, "sign_input") == 0) {
        run_sign_input(r);
    } else {
        case_begin("jwt vectors: a record of a known type");
        CHECK(!"type is jwt_signer, jwt or sign_input");
        case_end();
    }
}

/* Payloads. */

static void test_payload_round_trip(void) {
    case_begin("jwt: a nested, non-ASCII payload round-trips exactly");
    /* Compact, with the escapes the library writes itself: the text comes back as is. */
    const char *members =
        "\"name\":\"Grüße 😀 € 日本\",\"nested\":{\"list\":[1,2.50,-0,1E+2,{\"deep\":[true,"
        "false,null]}],\"empty\":{},\"none\":[]},\"big\":12345678901234567890,"
        "\"ctl\":\"tab\\tnl\\n nul\\u0000 quote\\\" bs\\\\\",\"ключ\":\"значение\"";
    char claims[512];
    snprintf(claims, sizeof claims, "{%s}", members);
    ishare_status status;
    char *token = sign_jwt(sat.signer, sat.audience, claims, sat.now, "payload-1", &status);
    CHECK_STATUS(status, ISHARE_STATUS_OK);
    ishare_verifier *verifier = client_verifier();
    ishare_jwt *jwt = NULL;
    if (token != NULL) {
        CHECK_STATUS(ishare_verifier_verify_jwt(verifier, token, sat.now + 29, sat.party, &jwt),
                     ISHARE_STATUS_OK);
    }
    char want[1024];
    snprintf(want, sizeof want,
             "{\"iss\":\"%s\",\"sub\":\"%s\",\"aud\":\"%s\",\"jti\":\"payload-1\",\"iat\":%lld,"
             "\"nbf\":%lld,\"exp\":%lld,%s}",
             sat.party, sat.party, sat.audience, (long long)sat.now, (long long)sat.now,
             (long long)(sat.now + 30), members);
    CHECK_STR(ishare_jwt_claims_json(jwt), want);
    /* The JWT outlives its verifier. */
    ishare_verifier_free(verifier);
    CHECK_STR(ishare_jwt_issuer(jwt), sat.party);
    CHECK_STR(ishare_jwt_audience(jwt), sat.audience);
    CHECK_STR(ishare_jwt_jti(jwt), "payload-1");
    CHECK_STR(ishare_jwt_leaf_sha256(jwt), sat.leaf);
    CHECK(ishare_jwt_issued_at(jwt) == sat.now);
    CHECK(ishare_jwt_expires_at(jwt) == sat.now + 30);
    ishare_jwt_free(jwt);
    free(token);

    /* Escaped input comes back as the same values (here: raw UTF-8). */
    token = sign_jwt(sat.signer, sat.audience,
                     "{ \"e\" : \"\\u00fc\\ud83d\\ude00\\/\" , \"n\" : [ 1.0e2 ] }", sat.now,
                     "payload-2", &status);
    CHECK_STATUS(status, ISHARE_STATUS_OK);
    jwt = NULL;
    if (token != NULL) {
        CHECK_STATUS(ishare_verifier_verify_jwt(sat.verifier, token, sat.now, NULL, &jwt),
                     ISHARE_STATUS_OK);
    }
    const char *json = ishare_jwt_claims_json(jwt);
    CHECK(json != NULL && strstr(json, ",\"e\":\"ü😀/\",\"n\":[1.0e2]}") != NULL);
    char *got = canonical_json(json, 1);
    snprintf(want, sizeof want,
             "{\"aud\":\"%s\",\"e\":\"\\u00fc\\ud83d\\ude00/\",\"exp\":%lld,\"iat\":%lld,"
             "\"iss\":\"%s\",\"jti\":\"payload-2\",\"n\":[100],\"nbf\":%lld,\"sub\":\"%s\"}",
             sat.audience, (long long)(sat.now + 30), (long long)sat.now, sat.party,
             (long long)sat.now, sat.party);
    CHECK_STR(got, want);
    free(got);
    ishare_jwt_free(jwt);
    free(token);
    case_end();
}

static void test_large_payload_and_buffers(void) {
    case_begin("jwt: a 200 KB payload, and the buffer rules of ishare_signer_sign_jwt");
    size_t pad = 200 * 1000;
    char *claims = malloc(pad + 16);
    if (!CHECK(claims != NULL)) {
        case_end();
        return;
    }
    memcpy(claims, "{\"pad\":\"", 8);
    memset(claims + 8, 'x', pad);
    memcpy(claims + 8 + pad, "\"}", 3);
    size_t needed = 0;
    CHECK_STATUS(
        ishare_signer_sign_jwt(sat.signer, sat.audience, claims, sat.now, "big-1", NULL, 0, &needed),
        ISHARE_STATUS_BUFFER_TOO_SMALL);
    CHECK(needed > pad && needed < 2 * pad);
    char needed_text[32];
    snprintf(needed_text, sizeof needed_text, "%zu bytes", needed);
    CHECK(strstr(last_error_text(), needed_text) != NULL);

    /* Exactly the token, no room for the NUL: still too small, nothing written. */
    char *buf = malloc(needed + 1);
    if (CHECK(buf != NULL)) {
        memset(buf, 'y', needed + 1);
        size_t len = 0;
        CHECK_STATUS(ishare_signer_sign_jwt(sat.signer, sat.audience, claims, sat.now, "big-1",
                                            buf, needed, &len),
                     ISHARE_STATUS_BUFFER_TOO_SMALL);
        CHECK(len == needed && buf[0] == 'y' && buf[needed - 1] == 'y' && buf[needed] == 'y');
        CHECK_STATUS(ishare_signer_sign_jwt(sat.signer, sat.audience, claims, sat.now, "big-1",
                                            buf, needed + 1, &len),
                     ISHARE_STATUS_OK);
        CHECK(len == needed && buf[needed] == '\0' && strlen(buf) == needed);
        ishare_jwt *jwt = NULL;
        CHECK_STATUS(ishare_verifier_verify_jwt(sat.verifier, buf, sat.now, sat.party, &jwt),
                     ISHARE_STATUS_OK);
        const char *json = ishare_jwt_claims_json(jwt);
        CHECK(json != NULL && strlen(json) > pad);
        ishare_jwt_free(jwt);
        /* Beyond a client assertion's 8 KiB payload: a JWT, not an assertion. */
        ishare_verifier *verifier = client_verifier();
        ishare_assertion *assertion = NULL;
        CHECK_STATUS(ishare_verifier_verify(verifier, buf, sat.now, NULL, &assertion),
                     ISHARE_STATUS_TOO_LARGE);
        ishare_verifier_free(verifier);
    }
    free(buf);
    /* Over 256 KiB of claims is refused before signing. */
    char *huge = malloc(300 * 1000);
    if (CHECK(huge != NULL)) {
        memcpy(huge, "{\"pad\":\"", 8);
        memset(huge + 8, 'x', 300 * 1000 - 11);
        memcpy(huge + 300 * 1000 - 3, "\"}", 3);
        needed = LEN_SENTINEL;
        CHECK_STATUS(
            ishare_signer_sign_jwt(sat.signer, sat.audience, huge, sat.now, NULL, NULL, 0, &needed),
            ISHARE_STATUS_INVALID_ARGUMENT);
        CHECK(needed == LEN_SENTINEL);
    }
    free(huge);
    free(claims);
    case_end();
}

static void test_issuer_and_replay(void) {
    case_begin("jwt: issuer mismatch, replay, a client assertion is a JWT too");
    ishare_status status;
    char *token = sign_jwt(sat.signer, sat.audience, "{\"a\":1}", sat.now, NULL, &status);
    CHECK_STATUS(status, ISHARE_STATUS_OK);
    ishare_verifier *verifier = client_verifier();
    ishare_jwt *jwt = JWT_SENTINEL;
    CHECK_STATUS(ishare_verifier_verify_jwt(verifier, token, sat.now, "EU.EORI.NL000000999", &jwt),
                 ISHARE_STATUS_ISSUER_MISMATCH);
    CHECK(jwt == JWT_SENTINEL);
    CHECK(strstr(last_error_text(), "EU.EORI.NL000000999") != NULL);
    CHECK(strstr(last_error_text(), sat.party) != NULL);
    /* The wrong issuer did not consume the token; the right one does. */
    jwt = NULL;
    CHECK_STATUS(ishare_verifier_verify_jwt(verifier, token, sat.now, sat.party, &jwt),
                 ISHARE_STATUS_OK);
    ishare_jwt_free(jwt);
    jwt = JWT_SENTINEL;
    CHECK_STATUS(ishare_verifier_verify_jwt(verifier, token, sat.now + 1, NULL, &jwt),
                 ISHARE_STATUS_REPLAY);
    CHECK(jwt == JWT_SENTINEL);
    /* Expired, and not for us. */
    ishare_verifier *fresh = client_verifier();
    CHECK_STATUS(ishare_verifier_verify_jwt(fresh, token, sat.now + 30, NULL, &jwt),
                 ISHARE_STATUS_EXPIRED);
    ishare_verifier_free(fresh);
    const char *roots[] = {sat.root};
    CHECK_STATUS(ishare_verifier_new("EU.EORI.NL000000102", roots, 1, 0, &fresh),
                 ISHARE_STATUS_OK);
    CHECK_STATUS(ishare_verifier_verify_jwt(fresh, token, sat.now, NULL, &jwt),
                 ISHARE_STATUS_AUDIENCE);
    ishare_verifier_free(fresh);
    CHECK(jwt == JWT_SENTINEL);
    free(token);

    /* The client's assertion to the satellite, read as a JWT by the satellite. */
    char assertion[TOKEN_BUF];
    size_t len = 0;
    CHECK_STATUS(ishare_signer_client_assertion(sat.client_signer, sat.party, sat.now, "as-jwt",
                                                assertion, sizeof assertion, &len),
                 ISHARE_STATUS_OK);
    CHECK_STATUS(ishare_verifier_new(sat.party, roots, 1, 0, &fresh), ISHARE_STATUS_OK);
    jwt = NULL;
    CHECK_STATUS(ishare_verifier_verify_jwt(fresh, assertion, sat.now, sat.audience, &jwt),
                 ISHARE_STATUS_OK);
    CHECK_STR(ishare_jwt_issuer(jwt), sat.audience);
    CHECK_STR(ishare_jwt_jti(jwt), "as-jwt");
    ishare_jwt_free(jwt);
    /* One replay memory for both: the same (iss, jti) as an assertion is a replay. */
    ishare_assertion *verified = NULL;
    CHECK_STATUS(ishare_verifier_verify(fresh, assertion, sat.now, NULL, &verified),
                 ISHARE_STATUS_REPLAY);
    CHECK(verified == NULL);
    ishare_verifier_free(fresh);
    ishare_verifier_free(verifier);
    case_end();
}

/* The satellite checks. */

/* A parties_token entry, iSHARE 2.0 names. */
static int party_entry(char *out, size_t out_len, const char *party_id, const char *status,
                       const char *start, const char *end, const char *certificates) {
    int written = snprintf(out, out_len,
                           "{\"party_id\":\"%s\",\"party_name\":\"Name of %s\",\"adherence\":{"
                           "\"status\":\"%s\",\"start_date\":\"%s\",\"end_date\":\"%s\"},"
                           "\"certificates\":[%s]}",
                           party_id, party_id, status, start, end, certificates);
    return CHECK(written > 0 && (size_t)written < out_len);
}

static void lower(char *text) {
    for (; *text != '\0'; text++) {
        if (*text >= 'A' && *text <= 'Z') {
            *text = (char)(*text - 'A' + 'a');
        }
    }
}

static void test_check_party(void) {
    case_begin("satellite: ishare_check_party on a parties_token");
    /* The token endpoint (the satellite, here) verifies the client's assertion... */
    char assertion_token[TOKEN_BUF];
    size_t len = 0;
    CHECK_STATUS(ishare_signer_client_assertion(sat.client_signer, sat.party, sat.now, NULL,
                                                assertion_token, sizeof assertion_token, &len),
                 ISHARE_STATUS_OK);
    const char *roots[] = {sat.root};
    ishare_verifier *endpoint = NULL;
    CHECK_STATUS(ishare_verifier_new(sat.party, roots, 1, 0, &endpoint), ISHARE_STATUS_OK);
    ishare_assertion *assertion = NULL;
    CHECK_STATUS(
        ishare_verifier_verify(endpoint, assertion_token, sat.now, sat.audience, &assertion),
        ISHARE_STATUS_OK);
    ishare_verifier_free(endpoint);
    const char *client = ishare_assertion_client_id(assertion);
    const char *client_leaf = ishare_assertion_leaf_sha256(assertion);
    if (!CHECK(client != NULL && client_leaf != NULL)) {
        ishare_assertion_free(assertion);
        case_end();
        return;
    }

    /* ... and the satellite's parties_token lists it (fingerprint in lower case). */
    char leaf_lower[80];
    char registered[256];
    char other_leaf[80];
    char wrong_leaf[80];
    copy_field(leaf_lower, sizeof leaf_lower, client_leaf);
    lower(leaf_lower);
    memset(other_leaf, 'A', 64);
    other_leaf[64] = '\0';
    memset(wrong_leaf, 'B', 64);
    wrong_leaf[64] = '\0';
    snprintf(registered, sizeof registered,
             "{\"x5t#S256\":\"%s\",\"certificate_type\":\"eSEAL\"},{\"x5t#S256\":\"%s\"}",
             other_leaf, leaf_lower);
    char entries[4][1024];
    party_entry(entries[0], sizeof entries[0], "EU.EORI.NL000000102", "Active",
                "2025-01-01T00:00:00Z", "2045-01-01T00:00:00Z", "{\"x5t#S256\":\"00\"}");
    party_entry(entries[1], sizeof entries[1], client, "Active", "2025-01-01T00:00:00.000Z",
                "2045-01-01T00:00:00.000Z", registered);
    party_entry(entries[2], sizeof entries[2], "EU.EORI.NL000000103", "Revoked",
                "2025-01-01T00:00:00Z", "2045-01-01T00:00:00Z", "");
    party_entry(entries[3], sizeof entries[3], "EU.EORI.NL000000104", "Active",
                "2020-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "");
    char claims[8192];
    snprintf(claims, sizeof claims, "{\"parties_info\":{\"count\":4,\"data\":[%s,%s,%s,%s]}}",
             entries[0], entries[1], entries[2], entries[3]);
    ishare_jwt *parties = satellite_message(claims);

    ishare_party_info *info = NULL;
    CHECK_STATUS(ishare_check_party(parties, client, client_leaf, sat.now, &info),
                 ISHARE_STATUS_OK);
    CHECK_STR(ishare_party_info_party_id(info), client);
    char name[64];
    snprintf(name, sizeof name, "Name of %s", client);
    CHECK_STR(ishare_party_info_party_name(info), name);
    CHECK_STR(ishare_party_info_status(info), "Active");
    CHECK(ishare_party_info_start(info) == INT64_C(1735689600));
    CHECK(ishare_party_info_end(info) == INT64_C(2366841600));
    CHECK(ishare_party_info_certificates_len(info) == 2);
    CHECK_STR(ishare_party_info_certificate(info, 0), other_leaf);
    CHECK_STR(ishare_party_info_certificate(info, 1), leaf_lower);
    CHECK(ishare_party_info_certificate(info, 2) == NULL);
    ishare_party_info_free(info);

    /* Without a fingerprint the certificate is not checked; now < 0: the clock. */
    info = NULL;
    CHECK_STATUS(ishare_check_party(parties, client, NULL, -1, &info), ISHARE_STATUS_OK);
    ishare_party_info_free(info);

    info = PARTY_SENTINEL;
    CHECK_STATUS(ishare_check_party(parties, "EU.EORI.NL000000999", NULL, sat.now, &info),
                 ISHARE_STATUS_PARTY_UNKNOWN);
    CHECK(strstr(last_error_text(), "EU.EORI.NL000000999") != NULL);
    CHECK_STATUS(ishare_check_party(parties, client, wrong_leaf, sat.now, &info),
                 ISHARE_STATUS_PARTY_CERTIFICATE_UNKNOWN);
    CHECK_STATUS(ishare_check_party(parties, "EU.EORI.NL000000102", client_leaf, sat.now, &info),
                 ISHARE_STATUS_PARTY_CERTIFICATE_UNKNOWN);
    CHECK_STATUS(ishare_check_party(parties, "EU.EORI.NL000000103", NULL, sat.now, &info),
                 ISHARE_STATUS_PARTY_NOT_ACTIVE);
    CHECK(strstr(last_error_text(), "Revoked") != NULL);
    CHECK_STATUS(ishare_check_party(parties, "EU.EORI.NL000000104", NULL, sat.now, &info),
                 ISHARE_STATUS_PARTY_NOT_ACTIVE);
    /* The adherence window: start <= now < end. */
    CHECK_STATUS(ishare_check_party(parties, client, NULL, INT64_C(1735689599), &info),
                 ISHARE_STATUS_PARTY_NOT_ACTIVE);
    CHECK_STATUS(ishare_check_party(parties, client, NULL, INT64_C(2366841600), &info),
                 ISHARE_STATUS_PARTY_NOT_ACTIVE);
    CHECK(info == PARTY_SENTINEL);
    info = NULL;
    CHECK_STATUS(ishare_check_party(parties, client, NULL, INT64_C(1735689600), &info),
                 ISHARE_STATUS_OK);
    /* A party info outlives its JWT. */
    ishare_jwt_free(parties);
    CHECK_STR(ishare_party_info_status(info), "Active");
    ishare_party_info_free(info);

    /* iSHARE 2.1 member names. */
    snprintf(claims, sizeof claims,
             "{\"partiesInfo\":{\"count\":1,\"data\":[{\"partyId\":\"%s\",\"partyName\":\"Demo\","
             "\"adherence\":{\"status\":\"Active\",\"startDate\":\"2025-01-01T00:00:00Z\","
             "\"endDate\":\"2045-01-01T00:00:00Z\"},\"certificates\":[{\"x5t#S256\":\"%s\"}]}]}}",
             client, client_leaf);
    parties = satellite_message(claims);
    info = NULL;
    CHECK_STATUS(ishare_check_party(parties, client, client_leaf, sat.now, &info),
                 ISHARE_STATUS_OK);
    CHECK_STR(ishare_party_info_party_name(info), "Demo");
    ishare_party_info_free(info);
    ishare_jwt_free(parties);

    /* Answers of the wrong shape. */
    info = PARTY_SENTINEL;
    parties = satellite_message("{\"parties_info\":[]}");
    CHECK_STATUS(ishare_check_party(parties, client, NULL, sat.now, &info),
                 ISHARE_STATUS_INVALID_RESPONSE);
    ishare_jwt_free(parties);
    parties = satellite_message("{\"trusted_list\":[]}");
    CHECK_STATUS(ishare_check_party(parties, client, NULL, sat.now, &info),
                 ISHARE_STATUS_MISSING_CLAIM);
    ishare_jwt_free(parties);
    CHECK(info == PARTY_SENTINEL);
    ishare_assertion_free(assertion);
    case_end();
}

static void test_trusted_list(void) {
    case_begin("satellite: ishare_trusted_list_anchors feeds ishare_verifier_new");
    char root_lower[80];
    copy_field(root_lower, sizeof root_lower, sat.root);
    lower(root_lower);
    char claims[2048];
    snprintf(claims, sizeof claims,
             "{\"trusted_list\":["
             "{\"subject\":\"CN=Root\",\"certificate_fingerprint\":\"%s\",\"validity\":\"valid\","
             "\"status\":\"granted\"},"
             "{\"subject\":\"CN=Old\",\"certificate_fingerprint\":\"%064d\",\"validity\":"
             "\"invalid\",\"status\":\"granted\"},"
             "{\"subject\":\"CN=Gone\",\"certificate_fingerprint\":\"%064d\",\"validity\":"
             "\"valid\",\"status\":\"withdrawn\"},"
             "{\"subject\":\"CN=Other\",\"certificate_fingerprint\":\"%064d\",\"validity\":"
             "\"valid\",\"status\":\"granted\"}]}",
             root_lower, 1, 2, 3);
    ishare_jwt *list_jwt = satellite_message(claims);
    ishare_anchor_list *anchors = NULL;
    CHECK_STATUS(ishare_trusted_list_anchors(list_jwt, &anchors), ISHARE_STATUS_OK);
    ishare_jwt_free(list_jwt); /* the list outlives its JWT */
    char other[80];
    snprintf(other, sizeof other, "%064d", 3);
    CHECK(ishare_anchor_list_len(anchors) == 2);
    CHECK_STR(ishare_anchor_list_get(anchors, 0), sat.root); /* upper case */
    CHECK_STR(ishare_anchor_list_get(anchors, 1), other);
    CHECK(ishare_anchor_list_get(anchors, 2) == NULL);
    const char *const *roots = ishare_anchor_list_roots(anchors);
    CHECK(roots != NULL && roots[0] == ishare_anchor_list_get(anchors, 0) &&
          roots[1] == ishare_anchor_list_get(anchors, 1));

    /* Straight into a verifier, which keeps its own copies. */
    ishare_verifier *verifier = NULL;
    CHECK_STATUS(ishare_verifier_new(sat.audience, ishare_anchor_list_roots(anchors),
                                     ishare_anchor_list_len(anchors), 0, &verifier),
                 ISHARE_STATUS_OK);
    ishare_anchor_list_free(anchors);
    ishare_status status;
    char *token = sign_jwt(sat.signer, sat.audience, NULL, sat.now, NULL, &status);
    ishare_jwt *jwt = NULL;
    CHECK_STATUS(ishare_verifier_verify_jwt(verifier, token, sat.now, sat.party, &jwt),
                 ISHARE_STATUS_OK);
    ishare_jwt_free(jwt);
    ishare_verifier_free(verifier);
    free(token);

    /* A list without our root: the chain is untrusted. */
    snprintf(claims, sizeof claims,
             "{\"trustedList\":[{\"certificateFingerprint\":\"%064d\",\"validity\":\"valid\","
             "\"status\":\"granted\"}]}",
             3);
    list_jwt = satellite_message(claims);
    anchors = NULL;
    CHECK_STATUS(ishare_trusted_list_anchors(list_jwt, &anchors), ISHARE_STATUS_OK);
    ishare_jwt_free(list_jwt);
    CHECK(ishare_anchor_list_len(anchors) == 1);
    verifier = NULL;
    CHECK_STATUS(ishare_verifier_new(sat.audience, ishare_anchor_list_roots(anchors),
                                     ishare_anchor_list_len(anchors), 0, &verifier),
                 ISHARE_STATUS_OK);
    ishare_anchor_list_free(anchors);
    token = sign_jwt(sat.signer, sat.audience, NULL, sat.now, NULL, &status);
    jwt = JWT_SENTINEL;
    CHECK_STATUS(ishare_verifier_verify_jwt(verifier, token, sat.now, NULL, &jwt),
                 ISHARE_STATUS_UNTRUSTED_CHAIN);
    CHECK(jwt == JWT_SENTINEL);
    ishare_verifier_free(verifier);
    free(token);

    /* Nothing granted and valid, a bad fingerprint, or no list at all. */
    anchors = ANCHORS_SENTINEL;
    const char *refused[][2] = {
        {"{\"trusted_list\":[{\"certificate_fingerprint\":\"00\",\"validity\":\"invalid\","
         "\"status\":\"granted\"}]}",
         "invalid_response"},
        {"{\"trusted_list\":[{\"certificate_fingerprint\":\"00\",\"validity\":\"valid\","
         "\"status\":\"granted\"}]}",
         "invalid_response"},
        {"{\"trusted_list\":{}}", "invalid_response"},
        {"{\"parties_info\":{\"count\":0,\"data\":[]}}", "missing_claim"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        list_jwt = satellite_message(refused[i][0]);
        CHECK_STR(ishare_status_kind(ishare_trusted_list_anchors(list_jwt, &anchors)),
                  refused[i][1]);
        ishare_jwt_free(list_jwt);
    }
    CHECK(anchors == ANCHORS_SENTINEL);
    case_end();
}

/* The generic OAuth client assertion. */

static void test_oauth_profile(void) {
    case_begin("OAuth profile: sign and verify, typ and lifetime");
    const char *issuer = "https://as.example.com";
    char *key = read_vector_file("client-eori.key.pem");
    char *chain = read_vector_file("client-eori.chain.pem");
    ishare_signer *signer = NULL;
    CHECK_STATUS(ishare_signer_from_pem_oauth(key, chain, CLIENT_ID, 60, &signer),
                 ISHARE_STATUS_OK);
    const char *roots[] = {ROOT_SHA256};
    ishare_verifier *verifier = NULL;
    CHECK_STATUS(ishare_verifier_new_oauth(issuer, roots, 1, 0, 60, &verifier), ISHARE_STATUS_OK);

    char token[TOKEN_BUF];
    size_t len = 0;
    CHECK_STATUS(ishare_signer_client_assertion(signer, issuer, T0, NULL, token, sizeof token,
                                                &len),
                 ISHARE_STATUS_OK);
    ishare_assertion *assertion = NULL;
    CHECK_STATUS(ishare_verifier_verify(verifier, token, T0 + 59, CLIENT_ID, &assertion),
                 ISHARE_STATUS_OK);
    CHECK_STR(ishare_assertion_audience(assertion), issuer);
    CHECK(ishare_assertion_expires_at(assertion) - ishare_assertion_issued_at(assertion) == 60);
    ishare_assertion_free(assertion);
    assertion = NULL;

    /* Expired after its 60 s; a verifier allowing only 30 s refuses it. */
    CHECK_STATUS(ishare_signer_client_assertion(signer, issuer, T0, NULL, token, sizeof token,
                                                &len),
                 ISHARE_STATUS_OK);
    CHECK_STATUS(ishare_verifier_verify(verifier, token, T0 + 60, NULL, &assertion),
                 ISHARE_STATUS_EXPIRED);
    ishare_verifier *short_lived = NULL;
    CHECK_STATUS(ishare_verifier_new_oauth(issuer, roots, 1, 0, 30, &short_lived),
                 ISHARE_STATUS_OK);
    CHECK_STATUS(ishare_verifier_verify(short_lived, token, T0, NULL, &assertion),
                 ISHARE_STATUS_INVALID_LIFETIME);
    ishare_verifier_free(short_lived);
    /* One allowing 120 s accepts it (1 s up to the lifetime). */
    CHECK_STATUS(ishare_verifier_new_oauth(issuer, roots, 1, 0, 120, &short_lived),
                 ISHARE_STATUS_OK);
    CHECK_STATUS(ishare_verifier_verify(short_lived, token, T0, NULL, &assertion),
                 ISHARE_STATUS_OK);
    ishare_assertion_free(assertion);
    assertion = NULL;
    ishare_verifier_free(short_lived);

    /* Any JWT with the OAuth profile. */
    ishare_status status;
    char *jwt_token = sign_jwt(signer, issuer, "{\"scope\":\"api\"}", T0, NULL, &status);
    CHECK_STATUS(status, ISHARE_STATUS_OK);
    ishare_jwt *jwt = NULL;
    CHECK_STATUS(ishare_verifier_verify_jwt(verifier, jwt_token, T0, CLIENT_ID, &jwt),
                 ISHARE_STATUS_OK);
    CHECK(ishare_jwt_expires_at(jwt) - ishare_jwt_issued_at(jwt) == 60);
    const char *json = ishare_jwt_claims_json(jwt);
    CHECK(json != NULL && strstr(json, "\"aud\":\"https://as.example.com\"") != NULL &&
          strstr(json, ",\"scope\":\"api\"}") != NULL);
    ishare_jwt_free(jwt);
    free(jwt_token);

    /* The typ tells the profiles apart, both ways. */
    ishare_verifier *ishare = new_server_verifier(0);
    CHECK_STATUS(ishare_signer_client_assertion(signer, SERVER_ID, T0, NULL, token, sizeof token,
                                                &len),
                 ISHARE_STATUS_OK);
    CHECK_STATUS(ishare_verifier_verify(ishare, token, T0, NULL, &assertion),
                 ISHARE_STATUS_INVALID_HEADER);
    ishare_verifier *oauth_by_party_id = NULL;
    CHECK_STATUS(ishare_verifier_new_oauth(SERVER_ID, roots, 1, 0, 60, &oauth_by_party_id),
                 ISHARE_STATUS_OK);
    ishare_signer *ishare_client = load_client_signer();
    CHECK_STATUS(ishare_signer_client_assertion(ishare_client, SERVER_ID, T0, NULL, token,
                                                sizeof token, &len),
                 ISHARE_STATUS_OK);
    CHECK_STATUS(ishare_verifier_verify(oauth_by_party_id, token, T0, NULL, &assertion),
                 ISHARE_STATUS_INVALID_HEADER);
    CHECK(assertion == NULL);
    /* An iSHARE signer or verifier wants a party id, not an issuer URL. */
    CHECK_STATUS(ishare_signer_client_assertion(ishare_client, issuer, T0, NULL, token,
                                                sizeof token, &len),
                 ISHARE_STATUS_INVALID_PARTY_ID);
    ishare_verifier *refused = VERIFIER_SENTINEL;
    CHECK_STATUS(ishare_verifier_new(issuer, roots, 1, 0, &refused),
                 ISHARE_STATUS_INVALID_PARTY_ID);
    ishare_signer_free(ishare_client);
    ishare_verifier_free(oauth_by_party_id);
    ishare_verifier_free(ishare);

    /* Lifetimes: 1 to 3600 s. */
    ishare_signer *no_signer = NULL;
    CHECK_STATUS(ishare_signer_from_pem_oauth(key, chain, CLIENT_ID, 0, &no_signer),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(ishare_signer_from_pem_oauth(key, chain, CLIENT_ID, 3601, &no_signer),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(last_error_text(), "3601") != NULL);
    CHECK(no_signer == NULL);
    CHECK_STATUS(ishare_verifier_new_oauth(issuer, roots, 1, 0, 0, &refused),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(ishare_verifier_new_oauth(issuer, roots, 1, 0, 3601, &refused),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    CHECK(refused == VERIFIER_SENTINEL);
    CHECK_STATUS(ishare_signer_from_pem_oauth(key, chain, CLIENT_ID, 3600, &no_signer),
                 ISHARE_STATUS_OK);
    ishare_signer_free(no_signer);
    ishare_verifier_free(verifier);
    ishare_signer_free(signer);
    free(key);
    free(chain);
    case_end();
}

/* Arguments and names. */

static const char bad_utf8[] = "EU.EORI.NL\xff";
#define CHECK_INVALID(expr) CHECK_STATUS((expr), ISHARE_STATUS_INVALID_ARGUMENT)

static void test_arguments(void) {
    case_begin("jwt: NULL and invalid UTF-8 for every new function");
    char buf[TOKEN_BUF];
    size_t len = LEN_SENTINEL;
    buf[0] = 'x';
    CHECK_INVALID(ishare_signer_sign_jwt(NULL, sat.audience, NULL, sat.now, NULL, buf, sizeof buf,
                                         &len));
    CHECK(strstr(last_error_text(), "signer is NULL") != NULL);
    CHECK_INVALID(
        ishare_signer_sign_jwt(sat.signer, NULL, NULL, sat.now, NULL, buf, sizeof buf, &len));
    CHECK_INVALID(
        ishare_signer_sign_jwt(sat.signer, sat.audience, NULL, sat.now, NULL, NULL, 10, &len));
    CHECK_INVALID(ishare_signer_sign_jwt(sat.signer, sat.audience, NULL, sat.now, NULL, buf,
                                         sizeof buf, NULL));
    CHECK_INVALID(
        ishare_signer_sign_jwt(sat.signer, bad_utf8, NULL, sat.now, NULL, buf, sizeof buf, &len));
    CHECK_INVALID(ishare_signer_sign_jwt(sat.signer, sat.audience, "{\"a\":\"\xff\"}", sat.now,
                                         NULL, buf, sizeof buf, &len));
    CHECK(strstr(last_error_text(), "claims_json is not valid UTF-8") != NULL);
    CHECK_INVALID(ishare_signer_sign_jwt(sat.signer, sat.audience, NULL, sat.now, "\xff", buf,
                                         sizeof buf, &len));
    CHECK_INVALID(ishare_signer_sign_jwt(sat.signer, sat.audience, NULL, sat.now, "", buf,
                                         sizeof buf, &len));
    CHECK(len == LEN_SENTINEL && buf[0] == 'x');

    ishare_signer *signer = SIGNER_SENTINEL;
    char *key = read_vector_file("client-eori.key.pem");
    char *chain = read_vector_file("client-eori.chain.pem");
    CHECK_INVALID(ishare_signer_from_pem_oauth(NULL, chain, CLIENT_ID, 60, &signer));
    CHECK_INVALID(ishare_signer_from_pem_oauth(key, NULL, CLIENT_ID, 60, &signer));
    CHECK_INVALID(ishare_signer_from_pem_oauth(key, chain, NULL, 60, &signer));
    CHECK_INVALID(ishare_signer_from_pem_oauth(key, chain, bad_utf8, 60, &signer));
    CHECK_INVALID(ishare_signer_from_pem_oauth(key, chain, CLIENT_ID, 60, NULL));
    CHECK(strstr(last_error_text(), "signer_out is NULL") != NULL);
    CHECK(signer == SIGNER_SENTINEL);
    free(key);
    free(chain);

    const char *roots[] = {sat.root};
    ishare_verifier *verifier = VERIFIER_SENTINEL;
    CHECK_INVALID(ishare_verifier_new_oauth(NULL, roots, 1, 0, 60, &verifier));
    CHECK_INVALID(ishare_verifier_new_oauth("https://as", NULL, 1, 0, 60, &verifier));
    CHECK_INVALID(ishare_verifier_new_oauth("https://as", roots, 1, 0, 60, NULL));
    CHECK_INVALID(ishare_verifier_new_oauth("https://as", roots, SIZE_MAX, 0, 60, &verifier));
    CHECK_INVALID(ishare_verifier_new_oauth("https://as\xff", roots, 1, 0, 60, &verifier));
    CHECK_INVALID(ishare_verifier_new_oauth("https://as", roots, 1, 301, 60, &verifier));
    CHECK(verifier == VERIFIER_SENTINEL);

    ishare_jwt *jwt = JWT_SENTINEL;
    CHECK_INVALID(ishare_verifier_verify_jwt(NULL, "a.b.c", sat.now, NULL, &jwt));
    CHECK_INVALID(ishare_verifier_verify_jwt(sat.verifier, NULL, sat.now, NULL, &jwt));
    CHECK_INVALID(ishare_verifier_verify_jwt(sat.verifier, "a.b.c", sat.now, NULL, NULL));
    CHECK(strstr(last_error_text(), "jwt_out is NULL") != NULL);
    CHECK_INVALID(ishare_verifier_verify_jwt(sat.verifier, "a.b.\xff", sat.now, NULL, &jwt));
    CHECK_INVALID(ishare_verifier_verify_jwt(sat.verifier, "a.b.c", sat.now, bad_utf8, &jwt));
    CHECK(strstr(last_error_text(), "issuer is not valid UTF-8") != NULL);
    CHECK_STATUS(ishare_verifier_verify_jwt(sat.verifier, "a.b", sat.now, NULL, &jwt),
                 ISHARE_STATUS_MALFORMED);
    CHECK(jwt == JWT_SENTINEL);

    ishare_jwt *parties = satellite_message("{\"parties_info\":{\"count\":0,\"data\":[]}}");
    ishare_party_info *info = PARTY_SENTINEL;
    CHECK_INVALID(ishare_check_party(NULL, sat.audience, NULL, sat.now, &info));
    CHECK(strstr(last_error_text(), "parties_jwt is NULL") != NULL);
    CHECK_INVALID(ishare_check_party(parties, NULL, NULL, sat.now, &info));
    CHECK_INVALID(ishare_check_party(parties, sat.audience, NULL, sat.now, NULL));
    CHECK_INVALID(ishare_check_party(parties, bad_utf8, NULL, sat.now, &info));
    CHECK_INVALID(ishare_check_party(parties, sat.audience, "\xff", sat.now, &info));
    CHECK(strstr(last_error_text(), "leaf_sha256 is not valid UTF-8") != NULL);
    CHECK_STATUS(ishare_check_party(parties, sat.audience, NULL, sat.now, &info),
                 ISHARE_STATUS_PARTY_UNKNOWN);
    CHECK(info == PARTY_SENTINEL);

    ishare_anchor_list *anchors = ANCHORS_SENTINEL;
    CHECK_INVALID(ishare_trusted_list_anchors(NULL, &anchors));
    CHECK(strstr(last_error_text(), "trusted_list_jwt is NULL") != NULL);
    CHECK_INVALID(ishare_trusted_list_anchors(parties, NULL));
    CHECK(strstr(last_error_text(), "anchors_out is NULL") != NULL);
    CHECK(anchors == ANCHORS_SENTINEL);
    ishare_jwt_free(parties);

    /* Getters of NULL handles, and NULL-safe frees. */
    CHECK(ishare_jwt_claims_json(NULL) == NULL);
    CHECK(ishare_jwt_issuer(NULL) == NULL);
    CHECK(ishare_jwt_audience(NULL) == NULL);
    CHECK(ishare_jwt_jti(NULL) == NULL);
    CHECK(ishare_jwt_leaf_sha256(NULL) == NULL);
    CHECK(ishare_jwt_issued_at(NULL) == 0);
    CHECK(ishare_jwt_expires_at(NULL) == 0);
    CHECK(ishare_jwt_replay_key(NULL) == NULL);
    CHECK(ishare_jwt_replay_until(NULL) == 0);
    CHECK(ishare_party_info_party_id(NULL) == NULL);
    CHECK(ishare_party_info_party_name(NULL) == NULL);
    CHECK(ishare_party_info_status(NULL) == NULL);
    CHECK(ishare_party_info_start(NULL) == 0);
    CHECK(ishare_party_info_end(NULL) == 0);
    CHECK(ishare_party_info_certificates_len(NULL) == 0);
    CHECK(ishare_party_info_certificate(NULL, 0) == NULL);
    CHECK(ishare_anchor_list_len(NULL) == 0);
    CHECK(ishare_anchor_list_get(NULL, 0) == NULL);
    CHECK(ishare_anchor_list_roots(NULL) == NULL);
    ishare_jwt_free(NULL);
    ishare_party_info_free(NULL);
    ishare_anchor_list_free(NULL);
    case_end();
}

static void test_status_names(void) {
    case_begin("jwt: the new status numbers and names");
    CHECK(ISHARE_STATUS_ISSUER_MISMATCH == 29 && ISHARE_STATUS_PARTY_UNKNOWN == 30 &&
          ISHARE_STATUS_PARTY_NOT_ACTIVE == 31 && ISHARE_STATUS_PARTY_CERTIFICATE_UNKNOWN == 32);
    CHECK_STR(ishare_status_str(ISHARE_STATUS_ISSUER_MISMATCH), "issuer_mismatch");
    CHECK_STR(ishare_status_str(ISHARE_STATUS_PARTY_UNKNOWN), "party_unknown");
    CHECK_STR(ishare_status_str(ISHARE_STATUS_PARTY_NOT_ACTIVE), "party_not_active");
    CHECK_STR(ishare_status_str(ISHARE_STATUS_PARTY_CERTIFICATE_UNKNOWN),
              "party_certificate_unknown");
    /* 33 on: test_tokens.c. */
    CHECK_STR(ishare_status_kind((ishare_status)33), "token_endpoint");
    case_end();
}

void run_jwt_tests(const char *jwt_vectors_txt) {
    memset(&sat, 0, sizeof sat);
    int count = for_each_record(jwt_vectors_txt, run_record, NULL);
    printf("jwt vectors: %d run\n", count);
    test_status_names();
    if (sat.signer != NULL && sat.client_signer != NULL && sat.verifier != NULL) {
        test_payload_round_trip();
        test_large_payload_and_buffers();
        test_issuer_and_replay();
        test_check_party();
        test_trusted_list();
        test_arguments();
    } else {
        case_begin("jwt: the satellite's signer loaded (the other jwt tests need it)");
        CHECK(0);
        case_end();
    }
    test_oauth_profile();
    ishare_verifier_free(sat.verifier);
    ishare_signer_free(sat.client_signer);
    ishare_signer_free(sat.signer);
    memset(&sat, 0, sizeof sat);
}
