/* Access tokens, sans-IO, without sockets: the client's token manager (get,
 * finish, cached, renewal, invalidate, refusals, keys, limits, threads,
 * arguments) and the server's token endpoint (parse a token request, every
 * OAuth error, the answer to any verification failure, the token response
 * body and headers). */
#include "harness.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#define TOKEN_URL "https://server.example/connect/token"
#define FORM_CONTENT_TYPE "application/x-www-form-urlencoded"
#define ASSERTION_TYPE "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"

/* Out-pointers start as these sentinels: a failed call must leave them be. */
static long double manager_mark, step_mark, token_mark, request_mark, oauth_mark;
#define MANAGER_SENTINEL ((ishare_token_manager *)(void *)&manager_mark)
#define STEP_SENTINEL ((ishare_token_step *)(void *)&step_mark)
#define TOKEN_SENTINEL ((ishare_access_token *)(void *)&token_mark)
#define REQUEST_SENTINEL ((ishare_token_request *)(void *)&request_mark)
#define OAUTH_SENTINEL ((ishare_oauth_error *)(void *)&oauth_mark)

#define CHECK_INVALID(expr) CHECK_STATUS((expr), ISHARE_STATUS_INVALID_ARGUMENT)

/* A manager over a fresh client signer (NULL if either fails). */
static ishare_token_manager *new_manager(uint32_t refresh_before, size_t capacity) {
    ishare_signer *signer = load_client_signer();
    if (signer == NULL) {
        return NULL;
    }
    ishare_token_manager *manager = NULL;
    CHECK_STATUS(ishare_token_manager_new(signer, refresh_before, capacity, &manager),
                 ISHARE_STATUS_OK);
    return manager;
}

/* ishare_token_manager_get for SERVER_ID at `url` with `scope`; NULL on error. */
static ishare_token_step *get_step(const ishare_token_manager *manager, const char *url,
                                   const char *scope, int64_t now) {
    ishare_token_step *step = NULL;
    CHECK_STATUS(ishare_token_manager_get(manager, SERVER_ID, url, scope, now, &step),
                 ISHARE_STATUS_OK);
    return step;
}

/* The step's kind at `now` (ISHARE_TOKEN_STEP_KIND_NONE if get failed); the
 * cached token, if any, is copied into `token` (a 64-byte buffer or NULL). */
static ishare_token_step_kind kind_at(const ishare_token_manager *manager, const char *url,
                                      const char *scope, int64_t now, char *token) {
    ishare_token_step *step = get_step(manager, url, scope, now);
    ishare_token_step_kind kind = ishare_token_step_get_kind(step);
    if (token != NULL) {
        const char *value = ishare_access_token_access_token(ishare_token_step_access_token(step));
        snprintf(token, 64, "%s", value != NULL ? value : "");
    }
    ishare_token_step_free(step);
    return kind;
}

/* ishare_token_manager_finish for SERVER_ID at `url` with a text body. */
static ishare_status finish(ishare_token_manager *manager, const char *url, const char *scope,
                            uint32_t http_status, const char *body, int64_t now,
                            ishare_access_token **token_out) {
    return ishare_token_manager_finish(manager, SERVER_ID, url, scope, http_status, body,
                                       strlen(body), now, token_out);
}

/* Writes a 200 answer's body with `token` valid for `expires_in` seconds. */
static void format_ok_body(char *body, size_t size, const char *token, int expires_in) {
    snprintf(body, size,
             "{\"access_token\":\"%s\",\"token_type\":\"Bearer\",\"expires_in\":%d}", token,
             expires_in);
}

/* The same in a static buffer (one thread only). */
static const char *ok_body(const char *token, int expires_in) {
    static char body[256];
    format_ok_body(body, sizeof body, token, expires_in);
    return body;
}

/* Caches `token` for SERVER_ID at `url` with `scope` at `now`; 1 on success. */
static int cache_token(ishare_token_manager *manager, const char *url, const char *scope,
                       const char *token, int expires_in, int64_t now) {
    ishare_access_token *got = NULL;
    int ok = CHECK_STATUS(finish(manager, url, scope, 200, ok_body(token, expires_in), now, &got),
                          ISHARE_STATUS_OK);
    ishare_access_token_free(got);
    return ok;
}

/* The token endpoint's fields of this thread's last error. */
static const char *refusal_error(void) {
    static char text[256];
    ishare_last_error_token_endpoint_error(text, sizeof text);
    return text;
}

static const char *refusal_description(void) {
    static char text[256];
    ishare_last_error_token_endpoint_description(text, sizeof text);
    return text;
}

static void test_status_names(void) {
    case_begin("status names: token_endpoint, network, certificate_usage");
    CHECK(ISHARE_STATUS_TOKEN_ENDPOINT == 33);
    CHECK(ISHARE_STATUS_NETWORK == 34);
    CHECK(ISHARE_STATUS_CERTIFICATE_USAGE == 35);
    CHECK_STR(ishare_status_kind(ISHARE_STATUS_TOKEN_ENDPOINT), "token_endpoint");
    CHECK_STR(ishare_status_str(ISHARE_STATUS_NETWORK), "network");
    CHECK_STR(ishare_status_kind(ISHARE_STATUS_CERTIFICATE_USAGE), "certificate_usage");
    CHECK_STR(ishare_status_str(ISHARE_STATUS_CERTIFICATE_USAGE), "certificate_usage");
    CHECK(ISHARE_STATUS_REPLAY_STORE == 36);
    CHECK_STR(ishare_status_kind(ISHARE_STATUS_REPLAY_STORE), "replay_store");
    CHECK(ISHARE_STATUS_KEY_STORE == 37);
    CHECK_STR(ishare_status_kind(ISHARE_STATUS_KEY_STORE), "key_store");
    CHECK_STR(ishare_status_kind((ishare_status)38), "unknown");
    case_end();
}

static void test_fetch_then_cached(void) {
    case_begin("token manager: a miss is a request the server accepts, then the token is cached");
    ishare_token_manager *manager = new_manager(60, 0);
    ishare_token_step *step = get_step(manager, TOKEN_URL, NULL, T0);
    CHECK(ishare_token_step_get_kind(step) == ISHARE_TOKEN_STEP_KIND_FETCH);
    CHECK(ishare_token_step_access_token(step) == NULL);
    CHECK_STR(ishare_token_step_url(step), TOKEN_URL);
    CHECK_STR(ishare_token_step_content_type(step), FORM_CONTENT_TYPE);
    const char *body = ishare_token_step_body(step);
    const char *prefix = "grant_type=client_credentials&scope=iSHARE&client_id=" CLIENT_ID
                         "&client_assertion_type=" ASSERTION_TYPE "&client_assertion=";
    CHECK(body != NULL && strncmp(body, prefix, strlen(prefix)) == 0);

    /* The server's side reads it and accepts the assertion. */
    ishare_token_request *request = NULL;
    CHECK_STATUS(ishare_parse_token_request(body, body != NULL ? strlen(body) : 0, &request),
                 ISHARE_STATUS_OK);
    CHECK_STR(ishare_token_request_client_id(request), CLIENT_ID);
    CHECK_STR(ishare_token_request_scope(request), "iSHARE");
    ishare_verifier *verifier = new_server_verifier(0);
    ishare_assertion *assertion = NULL;
    CHECK_STATUS(ishare_verifier_verify(verifier, ishare_token_request_client_assertion(request),
                                        T0 + 1, ishare_token_request_client_id(request),
                                        &assertion),
                 ISHARE_STATUS_OK);
    CHECK_STR(ishare_assertion_audience(assertion), SERVER_ID);
    CHECK(ishare_assertion_issued_at(assertion) == T0);
    ishare_assertion_free(assertion);
    ishare_verifier_free(verifier);
    ishare_token_request_free(request);

    /* Each fetch signs a fresh assertion. */
    ishare_token_step *again = get_step(manager, TOKEN_URL, NULL, T0);
    CHECK(ishare_token_step_get_kind(again) == ISHARE_TOKEN_STEP_KIND_FETCH);
    CHECK(body != NULL && ishare_token_step_body(again) != NULL &&
          strcmp(body, ishare_token_step_body(again)) != 0);
    ishare_token_step_free(again);
    ishare_token_step_free(step);

    ishare_access_token *token = TOKEN_SENTINEL;
    CHECK_STATUS(finish(manager, TOKEN_URL, NULL, 200, ok_body("first", 3600), T0, &token),
                 ISHARE_STATUS_OK);
    CHECK(token != TOKEN_SENTINEL);
    CHECK(ishare_last_error(NULL, 0) == 0);
    CHECK_STR(ishare_access_token_access_token(token), "first");
    CHECK_STR(ishare_access_token_token_type(token), "Bearer");
    CHECK(ishare_access_token_expires_at(token) == T0 + 3600);

    /* Cached until refresh_before (60 s) before expiry. */
    const int64_t cached_at[] = {T0, T0 + 1000, T0 + 3539};
    for (size_t i = 0; i < sizeof cached_at / sizeof cached_at[0]; i++) {
        step = get_step(manager, TOKEN_URL, NULL, cached_at[i]);
        CHECK(ishare_token_step_get_kind(step) == ISHARE_TOKEN_STEP_KIND_CACHED);
        const ishare_access_token *cached = ishare_token_step_access_token(step);
        CHECK_STR(ishare_access_token_access_token(cached), "first");
        CHECK_STR(ishare_access_token_token_type(cached), "Bearer");
        CHECK(ishare_access_token_expires_at(cached) == T0 + 3600);
        CHECK(ishare_token_step_url(step) == NULL);
        CHECK(ishare_token_step_body(step) == NULL);
        CHECK(ishare_token_step_content_type(step) == NULL);
        ishare_token_step_free(step);
    }
    /* From then on, renewed. */
    CHECK(kind_at(manager, TOKEN_URL, NULL, T0 + 3540, NULL) == ISHARE_TOKEN_STEP_KIND_FETCH);
    CHECK(cache_token(manager, TOKEN_URL, NULL, "second", 3600, T0 + 3540));
    char cached[64];
    CHECK(kind_at(manager, TOKEN_URL, NULL, T0 + 3541, cached) == ISHARE_TOKEN_STEP_KIND_CACHED);
    CHECK_STR(cached, "second");

    /* A token from finish outlives its manager. */
    ishare_token_manager_free(manager);
    CHECK_STR(ishare_access_token_access_token(token), "first");
    ishare_access_token_free(token);
    case_end();
}

static void test_keys(void) {
    case_begin("token manager: one token per server, URL and scope; NULL scope is iSHARE");
    ishare_token_manager *manager = new_manager(60, 0);
    CHECK(cache_token(manager, TOKEN_URL, NULL, "default", 3600, T0));
    char token[64];
    CHECK(kind_at(manager, TOKEN_URL, "iSHARE", T0, token) == ISHARE_TOKEN_STEP_KIND_CACHED);
    CHECK_STR(token, "default");
    ishare_token_step *step = get_step(manager, TOKEN_URL, "read write", T0);
    CHECK(ishare_token_step_get_kind(step) == ISHARE_TOKEN_STEP_KIND_FETCH);
    CHECK(ishare_token_step_body(step) != NULL &&
          strstr(ishare_token_step_body(step), "&scope=read+write&") != NULL);
    ishare_token_step_free(step);
    CHECK(kind_at(manager, TOKEN_URL "/", NULL, T0, NULL) == ISHARE_TOKEN_STEP_KIND_FETCH);
    ishare_token_step *other = NULL;
    CHECK_STATUS(ishare_token_manager_get(manager, "EU.EORI.NL000000002", TOKEN_URL, NULL, T0,
                                          &other),
                 ISHARE_STATUS_OK);
    CHECK(ishare_token_step_get_kind(other) == ISHARE_TOKEN_STEP_KIND_FETCH);
    ishare_token_step_free(other);
    CHECK(cache_token(manager, TOKEN_URL, "read write", "scoped", 3600, T0));
    CHECK(kind_at(manager, TOKEN_URL, "read write", T0, token) == ISHARE_TOKEN_STEP_KIND_CACHED);
    CHECK_STR(token, "scoped");
    CHECK(kind_at(manager, TOKEN_URL, NULL, T0, token) == ISHARE_TOKEN_STEP_KIND_CACHED);
    CHECK_STR(token, "default");
    ishare_token_manager_free(manager);
    case_end();
}

static void test_limits(void) {
    case_begin("token manager: refresh_before and capacity, in range and out of it");
    /* refresh_before 0: cached up to the last second. */
    ishare_token_manager *manager = new_manager(0, 0);
    CHECK(cache_token(manager, TOKEN_URL, NULL, "t", 100, T0));
    CHECK(kind_at(manager, TOKEN_URL, NULL, T0 + 99, NULL) == ISHARE_TOKEN_STEP_KIND_CACHED);
    CHECK(kind_at(manager, TOKEN_URL, NULL, T0 + 100, NULL) == ISHARE_TOKEN_STEP_KIND_FETCH);
    ishare_token_manager_free(manager);

    /* A token shorter-lived than refresh_before is renewed at once. */
    manager = new_manager(60, 0);
    CHECK(cache_token(manager, TOKEN_URL, NULL, "short", 30, T0));
    CHECK(kind_at(manager, TOKEN_URL, NULL, T0, NULL) == ISHARE_TOKEN_STEP_KIND_FETCH);
    ishare_token_manager_free(manager);

    /* Capacity 1: the second key's token pushes the first one out. */
    manager = new_manager(60, 1);
    CHECK(cache_token(manager, TOKEN_URL, NULL, "a", 3600, T0));
    CHECK(cache_token(manager, TOKEN_URL, "other", "b", 3600, T0));
    CHECK(kind_at(manager, TOKEN_URL, NULL, T0, NULL) == ISHARE_TOKEN_STEP_KIND_FETCH);
    CHECK(kind_at(manager, TOKEN_URL, "other", T0, NULL) == ISHARE_TOKEN_STEP_KIND_CACHED);
    ishare_token_manager_free(manager);

    /* Out of range: refused, and the signer is freed all the same (valgrind
     * and ASan would report it otherwise). */
    ishare_token_manager *none = MANAGER_SENTINEL;
    CHECK_INVALID(ishare_token_manager_new(load_client_signer(), 86401, 0, &none));
    CHECK(strstr(last_error_text(), "refresh_before") != NULL);
    CHECK_INVALID(ishare_token_manager_new(load_client_signer(), 60, 1000001, &none));
    CHECK(strstr(last_error_text(), "capacity") != NULL);
    CHECK_INVALID(ishare_token_manager_new(load_client_signer(), 60, 0, NULL));
    CHECK(strstr(last_error_text(), "manager_out is NULL") != NULL);
    CHECK_INVALID(ishare_token_manager_new(NULL, 60, 0, &none));
    CHECK(strstr(last_error_text(), "signer is NULL") != NULL);
    CHECK(none == MANAGER_SENTINEL);
    /* The largest values in range. */
    CHECK_STATUS(ishare_token_manager_new(load_client_signer(), 86400, 1000000, &none),
                 ISHARE_STATUS_OK);
    ishare_token_manager_free(none);
    case_end();
}

static void test_invalidate(void) {
    case_begin("token manager: invalidate forgets the token (a resource server said 401)");
    ishare_token_manager *manager = new_manager(60, 0);
    CHECK(cache_token(manager, TOKEN_URL, NULL, "stale", 3600, T0));
    CHECK(kind_at(manager, TOKEN_URL, NULL, T0 + 1, NULL) == ISHARE_TOKEN_STEP_KIND_CACHED);
    CHECK_STATUS(ishare_token_manager_invalidate(manager, SERVER_ID, TOKEN_URL, NULL),
                 ISHARE_STATUS_OK);
    CHECK(kind_at(manager, TOKEN_URL, NULL, T0 + 1, NULL) == ISHARE_TOKEN_STEP_KIND_FETCH);
    /* A key without a token: nothing to forget, no error. */
    CHECK_STATUS(ishare_token_manager_invalidate(manager, SERVER_ID, TOKEN_URL, "none"),
                 ISHARE_STATUS_OK);
    ishare_token_manager_free(manager);
    case_end();
}

static void test_refusals(void) {
    case_begin("token manager: refusals carry the server's fields; bad answers are refused");
    ishare_token_manager *manager = new_manager(60, 0);
    CHECK(cache_token(manager, TOKEN_URL, NULL, "kept", 3600, T0));
    ishare_access_token *token = TOKEN_SENTINEL;

    /* 400 with RFC 6749 5.2 JSON. */
    CHECK_STATUS(finish(manager, TOKEN_URL, NULL, 400,
                        "{\"error\":\"invalid_client\",\"error_description\":\"unknown client\"}",
                        T0 + 3550, &token),
                 ISHARE_STATUS_TOKEN_ENDPOINT);
    CHECK(ishare_last_error_token_endpoint_status() == 400);
    CHECK_STR(refusal_error(), "invalid_client");
    CHECK_STR(refusal_description(), "unknown client");
    CHECK_STR(last_error_text(), "400 invalid_client: unknown client");
    /* Reading does not consume; a short buffer is cut and the length is whole. */
    CHECK(ishare_last_error_token_endpoint_status() == 400);
    char small[8];
    CHECK(ishare_last_error_token_endpoint_error(small, sizeof small) == 14);
    CHECK_STR(small, "invalid");
    CHECK(ishare_last_error_token_endpoint_description(NULL, 0) == 14);
    /* Nothing new cached; the earlier token stays until it must be renewed. */
    char cached[64];
    CHECK(kind_at(manager, TOKEN_URL, NULL, T0 + 100, cached) == ISHARE_TOKEN_STEP_KIND_CACHED);
    CHECK_STR(cached, "kept");
    CHECK(ishare_last_error_token_endpoint_status() == 0); /* cleared by the success */

    /* 500 with a text body: the status only. */
    CHECK_STATUS(finish(manager, TOKEN_URL, NULL, 500, "internal error", T0, &token),
                 ISHARE_STATUS_TOKEN_ENDPOINT);
    CHECK(ishare_last_error_token_endpoint_status() == 500);
    CHECK(ishare_last_error_token_endpoint_error(NULL, 0) == 0);
    CHECK_STR(refusal_error(), "");
    CHECK(ishare_last_error_token_endpoint_description(NULL, 0) == 0);
    CHECK_STR(last_error_text(), "500");
    /* 503 with no body at all (NULL, 0). */
    CHECK_STATUS(ishare_token_manager_finish(manager, SERVER_ID, TOKEN_URL, NULL, 503, NULL, 0, T0,
                                             &token),
                 ISHARE_STATUS_TOKEN_ENDPOINT);
    CHECK(ishare_last_error_token_endpoint_status() == 503);
    /* 401 with the error only. */
    CHECK_STATUS(finish(manager, TOKEN_URL, NULL, 401, "{\"error\":\"invalid_client\"}", T0, &token),
                 ISHARE_STATUS_TOKEN_ENDPOINT);
    CHECK_STR(refusal_error(), "invalid_client");
    CHECK_STR(refusal_description(), "");

    /* 200 that is no token response. */
    const char *bad_200[] = {
        "not json",
        "{\"access_token\":\"x\",\"token_type\":\"mac\",\"expires_in\":60}",
        "{\"access_token\":\"x\",\"token_type\":\"Bearer\"}",
        "{\"access_token\":\"\",\"token_type\":\"Bearer\",\"expires_in\":60}",
        "{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"expires_in\":-1}",
        /* A token C cannot carry. */
        "{\"access_token\":\"a\\u0000b\",\"token_type\":\"Bearer\",\"expires_in\":60}",
    };
    for (size_t i = 0; i < sizeof bad_200 / sizeof bad_200[0]; i++) {
        CHECK_STATUS(finish(manager, TOKEN_URL, "fresh", 200, bad_200[i], T0, &token),
                     ISHARE_STATUS_INVALID_RESPONSE);
        CHECK(ishare_last_error_token_endpoint_status() == 0);
        CHECK(kind_at(manager, TOKEN_URL, "fresh", T0, NULL) == ISHARE_TOKEN_STEP_KIND_FETCH);
    }
    CHECK_STATUS(finish(manager, TOKEN_URL, "fresh", 200, bad_200[5], T0, &token),
                 ISHARE_STATUS_INVALID_RESPONSE);
    CHECK(strstr(last_error_text(), "b64token") != NULL);

    /* No answer is no HTTP status. */
    const uint32_t not_statuses[] = {0, 99, 1000, 65536 + 200};
    for (size_t i = 0; i < sizeof not_statuses / sizeof not_statuses[0]; i++) {
        CHECK_INVALID(finish(manager, TOKEN_URL, NULL, not_statuses[i], ok_body("x", 60), T0,
                             &token));
        CHECK(strstr(last_error_text(), "http_status") != NULL);
    }
    CHECK(token == TOKEN_SENTINEL);
    CHECK(kind_at(manager, TOKEN_URL, NULL, T0 + 100, cached) == ISHARE_TOKEN_STEP_KIND_CACHED);
    CHECK_STR(cached, "kept");
    ishare_token_manager_free(manager);
    case_end();
}

static void test_manager_arguments(void) {
    case_begin("token manager: NULL, invalid UTF-8, bad URLs; NULL-safe getters and frees");
    ishare_token_manager *manager = new_manager(60, 0);
    static const char bad_utf8[] = "EU.EORI.NL\xff";
    ishare_token_step *step = STEP_SENTINEL;
    CHECK_INVALID(ishare_token_manager_get(NULL, SERVER_ID, TOKEN_URL, NULL, T0, &step));
    CHECK(strstr(last_error_text(), "manager is NULL") != NULL);
    CHECK_INVALID(ishare_token_manager_get(manager, NULL, TOKEN_URL, NULL, T0, &step));
    CHECK_INVALID(ishare_token_manager_get(manager, SERVER_ID, NULL, NULL, T0, &step));
    CHECK_INVALID(ishare_token_manager_get(manager, SERVER_ID, TOKEN_URL, NULL, T0, NULL));
    CHECK(strstr(last_error_text(), "step_out is NULL") != NULL);
    CHECK_INVALID(ishare_token_manager_get(manager, bad_utf8, TOKEN_URL, NULL, T0, &step));
    CHECK_INVALID(ishare_token_manager_get(manager, SERVER_ID, TOKEN_URL, "\xff", T0, &step));
    CHECK(strstr(last_error_text(), "scope is not valid UTF-8") != NULL);
    const char *bad_urls[] = {"ftp://server.example/token", "server.example/connect/token",
                              "https://server.example/connect token", ""};
    for (size_t i = 0; i < sizeof bad_urls / sizeof bad_urls[0]; i++) {
        CHECK_INVALID(ishare_token_manager_get(manager, SERVER_ID, bad_urls[i], NULL, T0, &step));
    }
    CHECK_STATUS(ishare_token_manager_get(manager, "not a party", TOKEN_URL, NULL, T0, &step),
                 ISHARE_STATUS_INVALID_PARTY_ID);
    CHECK(step == STEP_SENTINEL);
    /* A scope the form cannot carry. */
    CHECK_INVALID(ishare_token_manager_get(manager, SERVER_ID, TOKEN_URL, "bad\"scope", T0, &step));

    ishare_access_token *token = TOKEN_SENTINEL;
    const char *ok = ok_body("x", 60);
    size_t ok_len = strlen(ok);
    CHECK_INVALID(ishare_token_manager_finish(NULL, SERVER_ID, TOKEN_URL, NULL, 200, ok, ok_len,
                                              T0, &token));
    CHECK_INVALID(ishare_token_manager_finish(manager, NULL, TOKEN_URL, NULL, 200, ok, ok_len, T0,
                                              &token));
    CHECK_INVALID(ishare_token_manager_finish(manager, SERVER_ID, NULL, NULL, 200, ok, ok_len, T0,
                                              &token));
    CHECK_INVALID(ishare_token_manager_finish(manager, SERVER_ID, TOKEN_URL, "\xc3(", 200, ok,
                                              ok_len, T0, &token));
    CHECK_INVALID(ishare_token_manager_finish(manager, SERVER_ID, TOKEN_URL, NULL, 200, NULL, 5,
                                              T0, &token));
    CHECK(strstr(last_error_text(), "body (with body_len > 0) is NULL") != NULL);
    CHECK_INVALID(ishare_token_manager_finish(manager, SERVER_ID, TOKEN_URL, NULL, 200, ok, ok_len,
                                              T0, NULL));
    CHECK(strstr(last_error_text(), "token_out is NULL") != NULL);
    CHECK(token == TOKEN_SENTINEL);
    /* None of those cached anything. */
    CHECK(kind_at(manager, TOKEN_URL, NULL, T0, NULL) == ISHARE_TOKEN_STEP_KIND_FETCH);
    /* body_len, not a NUL, ends the body: the bytes after it are not read. */
    char padded[300];
    snprintf(padded, sizeof padded, "%sGARBAGE", ok);
    CHECK_STATUS(ishare_token_manager_finish(manager, SERVER_ID, TOKEN_URL, NULL, 200, padded,
                                             ok_len, T0, &token),
                 ISHARE_STATUS_OK);
    CHECK_STR(ishare_access_token_access_token(token), "x");
    ishare_access_token_free(token);

    CHECK_INVALID(ishare_token_manager_invalidate(NULL, SERVER_ID, TOKEN_URL, NULL));
    CHECK_INVALID(ishare_token_manager_invalidate(manager, NULL, TOKEN_URL, NULL));
    CHECK_INVALID(ishare_token_manager_invalidate(manager, SERVER_ID, NULL, NULL));
    CHECK_INVALID(ishare_token_manager_invalidate(manager, SERVER_ID, TOKEN_URL, "\xff"));

    CHECK(ishare_token_step_get_kind(NULL) == ISHARE_TOKEN_STEP_KIND_NONE);
    CHECK(ishare_token_step_access_token(NULL) == NULL);
    CHECK(ishare_token_step_url(NULL) == NULL);
    CHECK(ishare_token_step_body(NULL) == NULL);
    CHECK(ishare_token_step_content_type(NULL) == NULL);
    CHECK(ishare_access_token_access_token(NULL) == NULL);
    CHECK(ishare_access_token_token_type(NULL) == NULL);
    CHECK(ishare_access_token_expires_at(NULL) == 0);
    ishare_token_step_free(NULL);
    ishare_access_token_free(NULL);
    ishare_token_manager_free(NULL);
    ishare_token_manager_free(manager);
    case_end();
}

/* Threads sharing one manager: each fetches and caches its own keys while
 * all read one shared key. */
#define THREADS 4
#define KEYS_PER_THREAD 3

static atomic_int gate;

struct token_worker {
    ishare_token_manager *manager;
    int index;
    int ok;
};

static int token_work(void *arg) {
    struct token_worker *w = arg;
    atomic_fetch_add(&gate, 1);
    while (atomic_load(&gate) < THREADS) {
        thrd_yield();
    }
    w->ok = 1;
    for (int k = 0; k < KEYS_PER_THREAD; k++) {
        char scope[32];
        char name[32];
        snprintf(scope, sizeof scope, "scope-%d-%d", w->index, k);
        snprintf(name, sizeof name, "token-%d-%d", w->index, k);
        ishare_token_step *step = NULL;
        w->ok &= ishare_token_manager_get(w->manager, SERVER_ID, TOKEN_URL, scope, T0, &step) ==
                     ISHARE_STATUS_OK &&
                 ishare_token_step_get_kind(step) == ISHARE_TOKEN_STEP_KIND_FETCH;
        ishare_token_step_free(step);
        ishare_access_token *token = NULL;
        char body[256];
        format_ok_body(body, sizeof body, name, 3600);
        w->ok &= ishare_token_manager_finish(w->manager, SERVER_ID, TOKEN_URL, scope, 200, body,
                                             strlen(body), T0, &token) == ISHARE_STATUS_OK;
        ishare_access_token_free(token);
        step = NULL;
        w->ok &= ishare_token_manager_get(w->manager, SERVER_ID, TOKEN_URL, NULL, T0, &step) ==
                     ISHARE_STATUS_OK &&
                 ishare_token_step_get_kind(step) == ISHARE_TOKEN_STEP_KIND_CACHED;
        ishare_token_step_free(step);
    }
    return 0;
}

static void test_threads(void) {
    case_begin("token manager: threads share one manager");
    ishare_token_manager *manager = new_manager(60, 0);
    CHECK(cache_token(manager, TOKEN_URL, NULL, "shared", 3600, T0));
    struct token_worker workers[THREADS];
    thrd_t threads[THREADS];
    int started[THREADS];
    atomic_store(&gate, 0);
    for (int t = 0; t < THREADS; t++) {
        workers[t].manager = manager;
        workers[t].index = t;
        workers[t].ok = 0;
        started[t] = thrd_create(&threads[t], token_work, &workers[t]) == thrd_success;
        CHECK(started[t]);
    }
    for (int t = 0; t < THREADS; t++) {
        if (started[t]) {
            CHECK(thrd_join(threads[t], NULL) == thrd_success);
            CHECK(workers[t].ok);
        }
    }
    for (int t = 0; t < THREADS; t++) {
        for (int k = 0; k < KEYS_PER_THREAD; k++) {
            char scope[32];
            char want[32];
            char token[64];
            snprintf(scope, sizeof scope, "scope-%d-%d", t, k);
            snprintf(want, sizeof want, "token-%d-%d", t, k);
            CHECK(kind_at(manager, TOKEN_URL, scope, T0, token) == ISHARE_TOKEN_STEP_KIND_CACHED);
            CHECK_STR(token, want);
        }
    }
    ishare_token_manager_free(manager);
    case_end();
}

/* ---- the server's side ---- */

/* A token request body signed by the client for `audience` with `scope`. */
static char *signed_request(const char *audience, const char *scope) {
    ishare_signer *signer = load_client_signer();
    char *body = malloc(TOKEN_BUF);
    size_t len = 0;
    if (body != NULL && !CHECK_STATUS(ishare_signer_token_request(signer, audience, T0, NULL, scope,
                                                                  body, TOKEN_BUF, &len),
                                      ISHARE_STATUS_OK)) {
        free(body);
        body = NULL;
    }
    ishare_signer_free(signer);
    return body;
}

static void test_parse_token_request(void) {
    case_begin("token endpoint: a token request parses, by its length");
    char *body = signed_request(SERVER_ID, "read write");
    ishare_token_request *request = NULL;
    size_t len = body != NULL ? strlen(body) : 0;
    CHECK_STATUS(ishare_parse_token_request(body, len, &request), ISHARE_STATUS_OK);
    CHECK_STR(ishare_token_request_client_id(request), CLIENT_ID);
    CHECK_STR(ishare_token_request_scope(request), "read write");
    const char *assertion = ishare_token_request_client_assertion(request);
    CHECK(assertion != NULL && body != NULL && strstr(body, assertion) != NULL);
    /* Nothing to answer after a success. */
    CHECK(ishare_oauth_error_from_last_error() == NULL);
    ishare_token_request_free(request);
    /* The length ends the body, not a NUL: a longer buffer is fine. */
    if (body != NULL) {
        strcat(body, "&scope=again");
        request = NULL;
        CHECK_STATUS(ishare_parse_token_request(body, len, &request), ISHARE_STATUS_OK);
        CHECK_STR(ishare_token_request_scope(request), "read write");
        ishare_token_request_free(request);
        /* Read whole, the repeated scope is refused. */
        CHECK_INVALID(ishare_parse_token_request(body, strlen(body), &request));
    }
    free(body);

    /* No scope: iSHARE. Escapes are decoded. */
    const char *minimal = "grant_type=client_credentials&client_id=EU.EORI.NL000000001"
                          "&client_assertion_type=" ASSERTION_TYPE "&client_assertion=a%2Eb.c";
    request = NULL;
    CHECK_STATUS(ishare_parse_token_request(minimal, strlen(minimal), &request), ISHARE_STATUS_OK);
    CHECK_STR(ishare_token_request_scope(request), "iSHARE");
    CHECK_STR(ishare_token_request_client_assertion(request), "a.b.c");
    ishare_token_request_free(request);

    CHECK(ishare_token_request_client_id(NULL) == NULL);
    CHECK(ishare_token_request_client_assertion(NULL) == NULL);
    CHECK(ishare_token_request_scope(NULL) == NULL);
    ishare_token_request_free(NULL);
    case_end();
}

/* Checks this thread's OAuth answer to the last failure. */
static void check_answer(int status, const char *error, const char *description_part) {
    ishare_oauth_error *oauth = ishare_oauth_error_from_last_error();
    CHECK(oauth != NULL);
    CHECK(ishare_oauth_error_status(oauth) == status);
    CHECK_STR(ishare_oauth_error_error(oauth), error);
    const char *description = ishare_oauth_error_description(oauth);
    if (!CHECK(description != NULL && strstr(description, description_part) != NULL)) {
        printf("  description: %s\n", description != NULL ? description : "(NULL)");
    }
    char prefix[128];
    snprintf(prefix, sizeof prefix, "{\"error\":\"%s\",\"error_description\":\"", error);
    const char *body = ishare_oauth_error_body(oauth);
    CHECK(body != NULL && strncmp(body, prefix, strlen(prefix)) == 0 &&
          body[strlen(body) - 1] == '}');
    ishare_oauth_error_free(oauth);
}

static void test_parse_refusals(void) {
    case_begin("token endpoint: every refused token request has its OAuth answer");
    struct {
        const char *body;
        const char *error;
        const char *description;
    } cases[] = {
        {"", "invalid_request", "grant_type is missing"},
        {"grant_type=", "invalid_request", "grant_type is missing"},
        {"grant_type=password&client_id=a&client_assertion_type=" ASSERTION_TYPE
         "&client_assertion=x",
         "unsupported_grant_type", "grant_type \"password\": only client_credentials"},
        {"grant_type=client_credentials&client_id=a&client_assertion_type=basic"
         "&client_assertion=x",
         "invalid_client", "client_assertion_type \"basic\""},
        {"grant_type=client_credentials&client_id=a&client_assertion_type=" ASSERTION_TYPE,
         "invalid_request", "client_assertion is missing"},
        {"grant_type=client_credentials&client_assertion_type=" ASSERTION_TYPE
         "&client_assertion=x",
         "invalid_request", "client_id is missing"},
        {"grant_type=client_credentials&client_id=a&client_id=b&client_assertion_type=" ASSERTION_TYPE
         "&client_assertion=x",
         "invalid_request", "client_id is sent more than once"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ishare_token_request *request = REQUEST_SENTINEL;
        CHECK_INVALID(ishare_parse_token_request(cases[i].body, strlen(cases[i].body), &request));
        CHECK(request == REQUEST_SENTINEL);
        CHECK(strstr(last_error_text(), "the token request is refused: 400") != NULL);
        check_answer(400, cases[i].error, cases[i].description);
    }
    /* One body in full: the description's quotes are escaped. */
    const char *password = cases[2].body;
    ishare_token_request *request = REQUEST_SENTINEL;
    CHECK_INVALID(ishare_parse_token_request(password, strlen(password), &request));
    ishare_oauth_error *oauth = ishare_oauth_error_from_last_error();
    CHECK_STR(ishare_oauth_error_body(oauth),
              "{\"error\":\"unsupported_grant_type\",\"error_description\":"
              "\"grant_type \\\"password\\\": only client_credentials\"}");
    ishare_oauth_error_free(oauth);
    /* Reading the answer changes nothing: it is there twice. */
    check_answer(400, "unsupported_grant_type", "password");

    /* Too large. */
    size_t big_len = 600 * 1024;
    char *big = malloc(big_len);
    if (CHECK(big != NULL)) {
        memset(big, 'a', big_len);
        CHECK_INVALID(ishare_parse_token_request(big, big_len, &request));
        check_answer(400, "invalid_request", "too large");
        free(big);
    }
    /* An empty body may come as NULL. */
    CHECK_INVALID(ishare_parse_token_request(NULL, 0, &request));
    check_answer(400, "invalid_request", "grant_type is missing");
    /* A NUL in a value: C cannot carry it. */
    const char *nul = "grant_type=client_credentials&client_id=a%00b&client_assertion_type=" ASSERTION_TYPE
                      "&client_assertion=x";
    CHECK_STATUS(ishare_parse_token_request(nul, strlen(nul), &request), ISHARE_STATUS_MALFORMED);
    check_answer(400, "invalid_client", "client_id contains a NUL");
    /* Bad arguments are bad requests. */
    CHECK_INVALID(ishare_parse_token_request(NULL, 3, &request));
    check_answer(400, "invalid_request", "form_body (with form_body_len > 0) is NULL");
    CHECK_INVALID(ishare_parse_token_request("a=b", 3, NULL));
    check_answer(400, "invalid_request", "request_out is NULL");
    CHECK(request == REQUEST_SENTINEL);
    case_end();
}

static void test_oauth_for_status(void) {
    case_begin("token endpoint: every status maps to one OAuth answer");
    struct {
        ishare_status status;
        int http;
        const char *error;
    } cases[] = {
        {ISHARE_STATUS_MALFORMED, 400, "invalid_client"},
        {ISHARE_STATUS_SIGNATURE, 400, "invalid_client"},
        {ISHARE_STATUS_EXPIRED, 400, "invalid_client"},
        {ISHARE_STATUS_REPLAY, 400, "invalid_client"},
        {ISHARE_STATUS_CERTIFICATE_USAGE, 400, "invalid_client"},
        {ISHARE_STATUS_REPLAY_CACHE_FULL, 503, "temporarily_unavailable"},
        {ISHARE_STATUS_NETWORK, 503, "temporarily_unavailable"},
        {ISHARE_STATUS_REPLAY_STORE, 503, "temporarily_unavailable"},
        {ISHARE_STATUS_INTERNAL, 500, "server_error"},
        {ISHARE_STATUS_INVALID_ARGUMENT, 400, "invalid_request"},
        {ISHARE_STATUS_BUFFER_TOO_SMALL, 400, "invalid_request"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ishare_oauth_error *oauth = OAUTH_SENTINEL;
        CHECK_STATUS(ishare_oauth_error_for_status(cases[i].status, NULL, &oauth), ISHARE_STATUS_OK);
        CHECK(ishare_oauth_error_status(oauth) == cases[i].http);
        CHECK_STR(ishare_oauth_error_error(oauth), cases[i].error);
        CHECK_STR(ishare_oauth_error_description(oauth), ishare_status_kind(cases[i].status));
        ishare_oauth_error_free(oauth);
    }
    /* Every error status has an answer. */
    for (uint32_t code = 1; code <= 37; code++) {
        ishare_oauth_error *oauth = NULL;
        CHECK_STATUS(ishare_oauth_error_for_status((ishare_status)code, "d", &oauth),
                     ISHARE_STATUS_OK);
        uint16_t http = ishare_oauth_error_status(oauth);
        CHECK(http == 400 || http == 500 || http == 503);
        ishare_oauth_error_free(oauth);
    }
    /* With a detail: "kind: detail", escaped in the body. */
    ishare_oauth_error *oauth = NULL;
    CHECK_STATUS(ishare_oauth_error_for_status(ISHARE_STATUS_AUDIENCE, "aud \"x\"", &oauth),
                 ISHARE_STATUS_OK);
    CHECK_STR(ishare_oauth_error_description(oauth), "audience: aud \"x\"");
    CHECK_STR(ishare_oauth_error_body(oauth),
              "{\"error\":\"invalid_client\",\"error_description\":\"audience: aud \\\"x\\\"\"}");
    ishare_oauth_error_free(oauth);

    oauth = OAUTH_SENTINEL;
    CHECK_INVALID(ishare_oauth_error_for_status(ISHARE_STATUS_OK, NULL, &oauth));
    CHECK(strstr(last_error_text(), "status 0 is not an error status") != NULL);
    CHECK_INVALID(ishare_oauth_error_for_status((ishare_status)38, NULL, &oauth));
    CHECK_INVALID(ishare_oauth_error_for_status((ishare_status)UINT32_MAX, NULL, &oauth));
    CHECK_INVALID(ishare_oauth_error_for_status(ISHARE_STATUS_SIGNATURE, "\xff", &oauth));
    CHECK_INVALID(ishare_oauth_error_for_status(ISHARE_STATUS_SIGNATURE, NULL, NULL));
    CHECK(oauth == OAUTH_SENTINEL);
    CHECK(ishare_oauth_error_status(NULL) == 0);
    CHECK(ishare_oauth_error_error(NULL) == NULL);
    CHECK(ishare_oauth_error_description(NULL) == NULL);
    CHECK(ishare_oauth_error_body(NULL) == NULL);
    ishare_oauth_error_free(NULL);
    case_end();
}

/* The answer from the last error and from its status + message agree. */
static void check_same_answer(ishare_status status) {
    ishare_oauth_error *from_last = ishare_oauth_error_from_last_error();
    char message[1024];
    ishare_last_error(message, sizeof message);
    ishare_oauth_error *from_status = NULL;
    CHECK_STATUS(ishare_oauth_error_for_status(status, message, &from_status), ISHARE_STATUS_OK);
    CHECK(ishare_oauth_error_status(from_last) == ishare_oauth_error_status(from_status));
    CHECK_STR(ishare_oauth_error_body(from_last), ishare_oauth_error_body(from_status));
    ishare_oauth_error_free(from_last);
    ishare_oauth_error_free(from_status);
}

static void test_verification_answers(void) {
    case_begin("token endpoint: parse, verify, answer a refused assertion or a token");
    ishare_verifier *verifier = new_server_verifier(0);
    /* Signed for another server. */
    char *body = signed_request("EU.EORI.NL000000002", NULL);
    ishare_token_request *request = NULL;
    CHECK_STATUS(ishare_parse_token_request(body, body != NULL ? strlen(body) : 0, &request),
                 ISHARE_STATUS_OK);
    ishare_assertion *assertion = NULL;
    CHECK_STATUS(ishare_verifier_verify(verifier, ishare_token_request_client_assertion(request),
                                        T0 + 1, ishare_token_request_client_id(request),
                                        &assertion),
                 ISHARE_STATUS_AUDIENCE);
    check_answer(400, "invalid_client", "audience: ");
    check_same_answer(ISHARE_STATUS_AUDIENCE);
    ishare_token_request_free(request);
    free(body);

    /* Ours: accepted once, then a replay. */
    body = signed_request(SERVER_ID, NULL);
    request = NULL;
    CHECK_STATUS(ishare_parse_token_request(body, body != NULL ? strlen(body) : 0, &request),
                 ISHARE_STATUS_OK);
    const char *token = ishare_token_request_client_assertion(request);
    const char *client_id = ishare_token_request_client_id(request);
    CHECK_STATUS(ishare_verifier_verify(verifier, token, T0 + 1, client_id, &assertion),
                 ISHARE_STATUS_OK);
    CHECK(ishare_oauth_error_from_last_error() == NULL);
    char answer[512];
    size_t len = 0;
    CHECK_STATUS(ishare_token_response_body("issued-1", 3600, ishare_token_request_scope(request),
                                            answer, sizeof answer, &len),
                 ISHARE_STATUS_OK);
    CHECK_STR(answer, "{\"access_token\":\"issued-1\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
                      "\"scope\":\"iSHARE\"}");
    ishare_assertion_free(assertion);
    assertion = NULL;
    CHECK_STATUS(ishare_verifier_verify(verifier, token, T0 + 2, client_id, &assertion),
                 ISHARE_STATUS_REPLAY);
    check_answer(400, "invalid_client", "replay: ");
    check_same_answer(ISHARE_STATUS_REPLAY);
    /* Another client_id than the assertion's issuer. */
    CHECK_STATUS(ishare_verifier_verify(verifier, token, T0 + 2, "EU.EORI.NL000000009", &assertion),
                 ISHARE_STATUS_CLIENT_ID_MISMATCH);
    check_answer(400, "invalid_client", "client_id_mismatch: ");
    CHECK(assertion == NULL);
    ishare_token_request_free(request);
    free(body);
    ishare_verifier_free(verifier);
    case_end();
}

static void test_token_response_body(void) {
    case_begin("token endpoint: the token response body and its headers");
    char buf[256];
    size_t len = 0;
    CHECK_STATUS(ishare_token_response_body("abc", 3600, NULL, buf, sizeof buf, &len),
                 ISHARE_STATUS_OK);
    const char *want = "{\"access_token\":\"abc\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
    CHECK_STR(buf, want);
    CHECK(len == strlen(want));
    CHECK_STATUS(ishare_token_response_body("a\"b\\c", UINT64_MAX, "x y", buf, sizeof buf, &len),
                 ISHARE_STATUS_OK);
    CHECK_STR(buf, "{\"access_token\":\"a\\\"b\\\\c\",\"token_type\":\"Bearer\","
                   "\"expires_in\":18446744073709551615,\"scope\":\"x y\"}");

    /* Size query, exact fit without the NUL, then one more byte. */
    size_t needed = 0;
    CHECK_STATUS(ishare_token_response_body("abc", 3600, NULL, NULL, 0, &needed),
                 ISHARE_STATUS_BUFFER_TOO_SMALL);
    CHECK(needed == strlen(want));
    memset(buf, 'x', sizeof buf);
    len = 7;
    CHECK_STATUS(ishare_token_response_body("abc", 3600, NULL, buf, needed, &len),
                 ISHARE_STATUS_BUFFER_TOO_SMALL);
    CHECK(len == needed && buf[0] == 'x' && buf[needed - 1] == 'x');
    CHECK_STATUS(ishare_token_response_body("abc", 3600, NULL, buf, needed + 1, &len),
                 ISHARE_STATUS_OK);
    CHECK_STR(buf, want);

    len = 7;
    CHECK_INVALID(ishare_token_response_body(NULL, 1, NULL, buf, sizeof buf, &len));
    CHECK_INVALID(ishare_token_response_body("abc", 1, NULL, NULL, 10, &len));
    CHECK_INVALID(ishare_token_response_body("abc", 1, NULL, buf, sizeof buf, NULL));
    CHECK_INVALID(ishare_token_response_body("\xff", 1, NULL, buf, sizeof buf, &len));
    CHECK_INVALID(ishare_token_response_body("abc", 1, "\xff", buf, sizeof buf, &len));
    CHECK(len == 7);

    /* Every answer's headers: JSON, never cached. */
    const char *names[] = {"Content-Type", "Cache-Control", "Pragma"};
    const char *values[] = {"application/json", "no-store", "no-cache"};
    size_t count = 0;
    for (const char *name; (name = ishare_token_response_header_name(count)) != NULL; count++) {
        if (CHECK(count < 3)) {
            CHECK_STR(name, names[count]);
            CHECK_STR(ishare_token_response_header_value(count), values[count]);
        }
    }
    CHECK(count == 3);
    CHECK(ishare_token_response_header_value(3) == NULL);
    CHECK(ishare_token_response_header_name(SIZE_MAX) == NULL);
    case_end();
}

void run_token_tests(void) {
    test_status_names();
    test_fetch_then_cached();
    test_keys();
    test_limits();
    test_invalidate();
    test_refusals();
    test_manager_arguments();
    test_threads();
    test_parse_token_request();
    test_parse_refusals();
    test_oauth_for_status();
    test_verification_answers();
    test_token_response_body();
}
