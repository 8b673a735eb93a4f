/* The token manager against a live token endpoint (tests/token-endpoint,
 * started by scripts/test-c): fetch, use, cache, revoke + invalidate,
 * renewal, the server's refusals. HTTP/1.1 over a plain POSIX socket to
 * 127.0.0.1: the C API is sans-IO, so any client does. */
#define _POSIX_C_SOURCE 200809L

#include "harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The test endpoint's party id and client (testdata/pki/). */
#define LIVE_SERVER_ID "EU.EORI.NL000000100"
#define LIVE_CLIENT_ID "EU.EORI.NL000000101"

struct http_answer {
    int status;
    char *body; /* NUL-terminated, `body_len` bytes before the NUL */
    size_t body_len;
};

/* Sends one request to an http://127.0.0.1:PORT/... URL and reads the whole
 * answer (the server closes the connection). 1 on success. */
static int http(const char *method, const char *url, const char *content_type,
                const char *bearer, const char *body, struct http_answer *answer) {
    answer->status = 0;
    answer->body = NULL;
    answer->body_len = 0;
    const char *prefix = "http://127.0.0.1:";
    if (strncmp(url, prefix, strlen(prefix)) != 0) {
        return 0;
    }
    char *end = NULL;
    long port = strtol(url + strlen(prefix), &end, 10);
    const char *target = (end != NULL && *end == '/') ? end : NULL;
    if (port <= 0 || port > 65535 || target == NULL) {
        return 0;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return 0;
    }
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    size_t body_len = body != NULL ? strlen(body) : 0;
    size_t head_cap = strlen(target) + (bearer != NULL ? strlen(bearer) : 0) + 512;
    char *head = malloc(head_cap);
    int ok = head != NULL && connect(fd, (struct sockaddr *)&address, sizeof address) == 0;
    if (ok) {
        int head_len = snprintf(head, head_cap,
                                "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%ld\r\nConnection: close\r\n"
                                "Content-Length: %zu\r\n%s%s%s%s%s%s\r\n",
                                method, target, port, body_len,
                                content_type != NULL ? "Content-Type: " : "",
                                content_type != NULL ? content_type : "",
                                content_type != NULL ? "\r\n" : "",
                                bearer != NULL ? "Authorization: Bearer " : "",
                                bearer != NULL ? bearer : "", bearer != NULL ? "\r\n" : "");
        ok = head_len > 0 && (size_t)head_len < head_cap &&
             write(fd, head, (size_t)head_len) == head_len;
        for (size_t sent = 0; ok && sent < body_len;) {
            ssize_t n = write(fd, body + sent, body_len - sent);
            ok = n > 0;
            sent += ok ? (size_t)n : 0;
        }
    }
    free(head);
    char *text = NULL;
    size_t len = 0;
    size_t cap = 0;
    while (ok) {
        if (len + 4096 + 1 > cap) {
            cap = cap == 0 ? 8192 : cap * 2;
            char *bigger = realloc(text, cap);
            if (bigger == NULL) {
                ok = 0;
                break;
            }
            text = bigger;
        }
        ssize_t n = read(fd, text + len, 4096);
        if (n < 0) {
            ok = 0;
        } else if (n == 0) {
            break;
        } else {
            len += (size_t)n;
        }
    }
    close(fd);
    char *split = NULL;
    if (ok && text != NULL) {
        text[len] = '\0';
        split = strstr(text, "\r\n\r\n");
        ok = split != NULL && sscanf(text, "HTTP/1.1 %d", &answer->status) == 1;
    }
    if (ok) {
        answer->body_len = len - (size_t)(split + 4 - text);
        answer->body = malloc(answer->body_len + 1);
        ok = answer->body != NULL;
        if (ok) {
            memcpy(answer->body, split + 4, answer->body_len + 1);
        }
    }
    free(text);
    return ok;
}

static char *join(const char *base, const char *path) {
    size_t len = strlen(base) + strlen(path) + 1;
    char *url = malloc(len);
    if (url != NULL) {
        snprintf(url, len, "%s%s", base, path);
    }
    return url;
}

/* The number of token requests the endpoint served; -1 on error. */
static long token_requests(const char *base) {
    char *url = join(base, "/count");
    struct http_answer answer = {0, NULL, 0};
    long count = -1;
    if (url != NULL && http("GET", url, NULL, NULL, NULL, &answer) && answer.status == 200) {
        count = strtol(answer.body, NULL, 10);
    }
    free(answer.body);
    free(url);
    return count;
}

/* GET /resource with `token`: the HTTP status (0 on error). */
static int call_resource(const char *base, const char *token) {
    char *url = join(base, "/resource");
    struct http_answer answer = {0, NULL, 0};
    int status = 0;
    if (url != NULL && http("GET", url, NULL, token, NULL, &answer)) {
        status = answer.status;
    }
    free(answer.body);
    free(url);
    return status;
}

/* get, and on a fetch step: POST it, finish with the answer. Returns the
 * status of finish (or of get), the token in `token_out` (a 256-byte
 * buffer), whether it came from the cache in `cached`. */
static ishare_status obtain(ishare_token_manager *manager, const char *token_url,
                            char *token_out, int *cached) {
    ishare_token_step *step = NULL;
    ishare_status status =
        ishare_token_manager_get(manager, LIVE_SERVER_ID, token_url, NULL, -1, &step);
    token_out[0] = '\0';
    *cached = 0;
    if (status != ISHARE_STATUS_OK) {
        return status;
    }
    if (ishare_token_step_get_kind(step) == ISHARE_TOKEN_STEP_KIND_CACHED) {
        *cached = 1;
        snprintf(token_out, 256, "%s",
                 ishare_access_token_access_token(ishare_token_step_access_token(step)));
        ishare_token_step_free(step);
        return ISHARE_STATUS_OK;
    }
    struct http_answer answer = {0, NULL, 0};
    int sent = http("POST", ishare_token_step_url(step), ishare_token_step_content_type(step), NULL,
                    ishare_token_step_body(step), &answer);
    ishare_token_step_free(step);
    CHECK(sent);
    if (!sent) {
        free(answer.body);
        return ISHARE_STATUS_INTERNAL;
    }
    ishare_access_token *token = NULL;
    status = ishare_token_manager_finish(manager, LIVE_SERVER_ID, token_url, NULL,
                                         (uint32_t)answer.status, answer.body, answer.body_len, -1,
                                         &token);
    free(answer.body);
    if (status == ISHARE_STATUS_OK) {
        snprintf(token_out, 256, "%s", ishare_access_token_access_token(token));
    }
    ishare_access_token_free(token);
    return status;
}

static ishare_signer *load_live_signer(const char *pki) {
    char key_path[1024];
    char chain_path[1024];
    snprintf(key_path, sizeof key_path, "%sclient-eori.key.pem", pki);
    snprintf(chain_path, sizeof chain_path, "%sclient-eori.chain.pem", pki);
    char *key = read_text_file(key_path);
    char *chain = read_text_file(chain_path);
    ishare_signer *signer = NULL;
    if (CHECK(key != NULL && chain != NULL)) {
        CHECK_STATUS(ishare_signer_from_pem(key, chain, LIVE_CLIENT_ID, &signer), ISHARE_STATUS_OK);
    }
    free(key);
    free(chain);
    return signer;
}

static void live_cases(const char *base, const char *pki) {
    char *token_url = join(base, "/connect/token");
    ishare_token_manager *manager = NULL;
    CHECK_STATUS(ishare_token_manager_new(load_live_signer(pki), 60, 0, &manager),
                 ISHARE_STATUS_OK);
    char first[256];
    char token[256];
    int cached = 0;

    case_begin("live endpoint: fetch a token, call the resource, then use the cached one");
    long before = token_requests(base);
    CHECK(before >= 0);
    CHECK_STATUS(obtain(manager, token_url, first, &cached), ISHARE_STATUS_OK);
    CHECK(!cached && first[0] != '\0');
    CHECK(call_resource(base, first) == 200);
    CHECK_STATUS(obtain(manager, token_url, token, &cached), ISHARE_STATUS_OK);
    CHECK(cached);
    CHECK_STR(token, first);
    CHECK(call_resource(base, token) == 200);
    CHECK(token_requests(base) == before + 1);
    case_end();

    case_begin("live endpoint: a revoked token is refused, invalidated and fetched anew");
    char *revoke = join(base, "/revoke");
    struct http_answer answer = {0, NULL, 0};
    CHECK(http("POST", revoke, NULL, NULL, NULL, &answer) && answer.status == 200);
    free(answer.body);
    free(revoke);
    CHECK(call_resource(base, first) == 401);
    CHECK_STATUS(ishare_token_manager_invalidate(manager, LIVE_SERVER_ID, token_url, NULL),
                 ISHARE_STATUS_OK);
    CHECK_STATUS(obtain(manager, token_url, token, &cached), ISHARE_STATUS_OK);
    CHECK(!cached);
    CHECK(strcmp(token, first) != 0);
    CHECK(call_resource(base, token) == 200);
    case_end();

    case_begin("live endpoint: a token shorter-lived than refresh_before is renewed each time");
    char *short_url = join(base, "/connect/token?expires_in=30");
    before = token_requests(base);
    CHECK_STATUS(obtain(manager, short_url, first, &cached), ISHARE_STATUS_OK);
    CHECK(!cached);
    CHECK_STATUS(obtain(manager, short_url, token, &cached), ISHARE_STATUS_OK);
    CHECK(!cached && strcmp(token, first) != 0);
    CHECK(token_requests(base) == before + 2);
    free(short_url);
    case_end();

    case_begin("live endpoint: refusals keep the server's status, error and description");
    char *fail_400 = join(base, "/connect/token?fail=400");
    CHECK_STATUS(obtain(manager, fail_400, token, &cached), ISHARE_STATUS_TOKEN_ENDPOINT);
    CHECK(ishare_last_error_token_endpoint_status() == 400);
    char field[256];
    ishare_last_error_token_endpoint_error(field, sizeof field);
    CHECK_STR(field, "invalid_client");
    ishare_last_error_token_endpoint_description(field, sizeof field);
    CHECK_STR(field, "refused as the test asked");
    free(fail_400);
    char *fail_500 = join(base, "/connect/token?fail=500");
    CHECK_STATUS(obtain(manager, fail_500, token, &cached), ISHARE_STATUS_TOKEN_ENDPOINT);
    CHECK(ishare_last_error_token_endpoint_status() == 500);
    CHECK(ishare_last_error_token_endpoint_error(NULL, 0) == 0);
    free(fail_500);
    case_end();

    case_begin("live endpoint: the server refuses an assertion for another audience");
    ishare_signer *signer = load_live_signer(pki);
    char body[TOKEN_BUF];
    size_t len = 0;
    CHECK_STATUS(ishare_signer_token_request(signer, "EU.EORI.NL000000102", -1, NULL, NULL, body,
                                             sizeof body, &len),
                 ISHARE_STATUS_OK);
    ishare_signer_free(signer);
    CHECK(http("POST", token_url, "application/x-www-form-urlencoded", NULL, body, &answer));
    CHECK(answer.status == 400);
    ishare_access_token *refused = NULL;
    CHECK_STATUS(ishare_token_manager_finish(manager, LIVE_SERVER_ID, token_url, NULL,
                                             (uint32_t)answer.status, answer.body, answer.body_len,
                                             -1, &refused),
                 ISHARE_STATUS_TOKEN_ENDPOINT);
    free(answer.body);
    CHECK(refused == NULL);
    ishare_last_error_token_endpoint_error(field, sizeof field);
    CHECK_STR(field, "invalid_client");
    ishare_last_error_token_endpoint_description(field, sizeof field);
    CHECK(strncmp(field, "audience: ", 10) == 0);
    /* The good token is still cached. */
    CHECK_STATUS(obtain(manager, token_url, token, &cached), ISHARE_STATUS_OK);
    CHECK(cached);
    case_end();

    ishare_token_manager_free(manager);
    free(token_url);
}

void run_live_endpoint_tests(void) {
    const char *base = getenv("ISHARE_TEST_ENDPOINT");
    const char *pki = getenv("ISHARE_TEST_PKI");
    case_begin("live endpoint: ISHARE_TEST_ENDPOINT and ISHARE_TEST_PKI are set");
    int ready = CHECK(base != NULL && strncmp(base, "http://127.0.0.1:", 17) == 0) &&
                CHECK(pki != NULL && pki[0] != '\0' && pki[strlen(pki) - 1] == '/');
    if (!ready) {
        printf("  scripts/test-c starts tests/token-endpoint and sets both\n");
    }
    case_end();
    if (ready) {
        live_cases(base, pki);
    }
}
