/* A client of an iSHARE-protected resource: libcurl does the HTTP, the
 * sans-IO token manager of libishare_jwt says which token to use, builds the
 * token request (with a fresh client assertion) and judges the answer.
 *
 *   token_client BASE_URL KEY_DIR
 *
 * BASE_URL: the server, whose token endpoint is BASE_URL/connect/token and
 * protected resource BASE_URL/resource (e.g. http://127.0.0.1:PORT of
 * tests/token-endpoint, as scripts/test-c runs it). KEY_DIR holds
 * client-eori.key.pem and client-eori.chain.pem (testdata/pki of the
 * repository): the client EU.EORI.NL000000101 of server EU.EORI.NL000000100.
 *
 * It calls the resource three times: the first call fetches a token, the
 * second uses the cached one; then the test server revokes every token
 * (POST BASE_URL/revoke), so the third call gets 401, forgets the token and
 * fetches a new one. Exits 0 when all of that happened.
 */
#include <ishare_jwt.h>

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SERVER_ID "EU.EORI.NL000000100"
#define CLIENT_ID "EU.EORI.NL000000101"

/* Where each call's token came from. */
enum source { FROM_CACHE, FETCHED, FAILED };

/* Prints what failed, with this thread's detail message. */
static void report(const char *what, ishare_status status) {
    char message[512];
    ishare_last_error(message, sizeof message); /* cut to fit; that is fine here */
    fprintf(stderr, "%s: %s: %s\n", what, ishare_status_kind(status), message);
    if (status == ISHARE_STATUS_TOKEN_ENDPOINT) {
        /* The server's own words (RFC 6749 5.2), kept with the last error. */
        char error[128];
        char description[256];
        ishare_last_error_token_endpoint_error(error, sizeof error);
        ishare_last_error_token_endpoint_description(description, sizeof description);
        fprintf(stderr, "  the token endpoint answered %u: error=%s error_description=%s\n",
                (unsigned)ishare_last_error_token_endpoint_status(), error, description);
    }
}

static char *read_file(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    char *text = NULL;
    long size = (fseek(f, 0, SEEK_END) == 0) ? ftell(f) : -1;
    if (size >= 0 && fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)size + 1)) != NULL) {
        text[fread(text, 1, (size_t)size, f)] = '\0';
    }
    fclose(f);
    return text;
}

/* An HTTP answer's body, as libcurl hands it over. */
struct body {
    char *data;
    size_t len;
};

static size_t collect(char *data, size_t size, size_t count, void *userdata) {
    struct body *body = userdata;
    size_t n = size * count;
    char *bigger = realloc(body->data, body->len + n + 1);
    if (bigger == NULL) {
        return 0; /* libcurl stops with CURLE_WRITE_ERROR */
    }
    memcpy(bigger + body->len, data, n);
    body->data = bigger;
    body->len += n;
    body->data[body->len] = '\0';
    return n;
}

/* One request: POST `post_body` as `content_type` when `post_body` is not
 * NULL, else GET; with a bearer token when `bearer` is not NULL. Stores the
 * HTTP status and the body; returns 0 when no answer came (a network error,
 * printed). */
static int request(const char *url, const char *content_type, const char *post_body,
                   const char *bearer, long *status, struct body *answer) {
    CURL *curl = curl_easy_init();
    if (curl == NULL) {
        return 0;
    }
    struct curl_slist *headers = NULL;
    char line[1024];
    if (content_type != NULL) {
        snprintf(line, sizeof line, "Content-Type: %s", content_type);
        headers = curl_slist_append(headers, line);
    }
    if (bearer != NULL) {
        snprintf(line, sizeof line, "Authorization: Bearer %s", bearer);
        headers = curl_slist_append(headers, line);
    }
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, answer);
    if (post_body != NULL) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_body);
    }
    CURLcode code = curl_easy_perform(curl);
    if (code == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
    } else {
        fprintf(stderr, "%s: %s\n", url, curl_easy_strerror(code));
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return code == CURLE_OK;
}

/* A token for the server in `token` (`size` bytes): the cached one, or a new
 * one from the token endpoint. */
static enum source get_token(ishare_token_manager *manager, const char *token_url, char *token,
                             size_t size) {
    /* scope NULL: iSHARE; now -1: the system clock. */
    ishare_token_step *step = NULL;
    ishare_status status = ishare_token_manager_get(manager, SERVER_ID, token_url, NULL, -1, &step);
    if (status != ISHARE_STATUS_OK) {
        report("ishare_token_manager_get", status);
        return FAILED;
    }
    if (ishare_token_step_get_kind(step) == ISHARE_TOKEN_STEP_KIND_CACHED) {
        /* Lent by the step: read it, never free it. */
        const ishare_access_token *cached = ishare_token_step_access_token(step);
        snprintf(token, size, "%s", ishare_access_token_access_token(cached));
        ishare_token_step_free(step);
        return FROM_CACHE;
    }
    /* A fetch: send exactly what the step says, at once (the assertion in
     * the body is good for 30 s). */
    long http_status = 0;
    struct body answer = {NULL, 0};
    int answered = request(ishare_token_step_url(step), ishare_token_step_content_type(step),
                           ishare_token_step_body(step), NULL, &http_status, &answer);
    ishare_token_step_free(step);
    if (!answered) {
        free(answer.data);
        return FAILED; /* no answer: nothing for the manager to judge */
    }
    ishare_access_token *fresh = NULL;
    status = ishare_token_manager_finish(manager, SERVER_ID, token_url, NULL, (uint32_t)http_status,
                                         answer.data, answer.len, -1, &fresh);
    free(answer.data);
    if (status != ISHARE_STATUS_OK) {
        report("ishare_token_manager_finish", status);
        return FAILED;
    }
    snprintf(token, size, "%s", ishare_access_token_access_token(fresh));
    ishare_access_token_free(fresh);
    return FETCHED;
}

/* GET the resource with a token; on 401 forget the token and try once more
 * with a new one. Returns the final HTTP status (0: none); `how` says where
 * the token came from. */
static long call_resource(ishare_token_manager *manager, const char *token_url,
                          const char *resource_url, const char **how) {
    char token[2048];
    for (int attempt = 0; attempt < 2; attempt++) {
        enum source source = get_token(manager, token_url, token, sizeof token);
        if (source == FAILED) {
            return 0;
        }
        *how = attempt > 0 ? "fetched after a 401" : source == FROM_CACHE ? "cached" : "fetched";
        long status = 0;
        struct body answer = {NULL, 0};
        int answered = request(resource_url, NULL, NULL, token, &status, &answer);
        free(answer.data);
        if (!answered) {
            return 0;
        }
        if (status != 401) {
            return status;
        }
        /* The server no longer takes this token: forget it, fetch anew. */
        ishare_status forgot =
            ishare_token_manager_invalidate(manager, SERVER_ID, token_url, NULL);
        if (forgot != ISHARE_STATUS_OK) {
            report("ishare_token_manager_invalidate", forgot);
            return 0;
        }
    }
    return 401;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s BASE_URL KEY_DIR\n", argv[0]);
        return 2;
    }
    char token_url[1024];
    char resource_url[1024];
    char revoke_url[1024];
    snprintf(token_url, sizeof token_url, "%s/connect/token", argv[1]);
    snprintf(resource_url, sizeof resource_url, "%s/resource", argv[1]);
    snprintf(revoke_url, sizeof revoke_url, "%s/revoke", argv[1]);

    char *key = read_file(argv[2], "client-eori.key.pem");
    char *chain = read_file(argv[2], "client-eori.chain.pem");
    if (key == NULL || chain == NULL) {
        fprintf(stderr, "cannot read the key and chain in %s\n", argv[2]);
        free(key);
        free(chain);
        return 1;
    }
    ishare_signer *signer = NULL;
    ishare_status status = ishare_signer_from_pem(key, chain, CLIENT_ID, &signer);
    free(key);
    free(chain);
    if (status != ISHARE_STATUS_OK) {
        report("ishare_signer_from_pem", status);
        return 1;
    }
    /* The manager takes the signer over (and frees it, also on failure).
     * One manager per client, shared by all its threads; renew 60 s before
     * expiry; 0: the default capacity. */
    ishare_token_manager *manager = NULL;
    status = ishare_token_manager_new(signer, 60, 0, &manager);
    if (status != ISHARE_STATUS_OK) {
        report("ishare_token_manager_new", status);
        return 1;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        ishare_token_manager_free(manager);
        return 1;
    }

    const char *expected[] = {"fetched", "cached", "fetched after a 401"};
    int ok = 1;
    for (int call = 0; call < 3 && ok; call++) {
        if (call == 2) {
            /* The test server's switch that makes every token stale. */
            long revoked = 0;
            struct body answer = {NULL, 0};
            ok = request(revoke_url, "text/plain", "", NULL, &revoked, &answer) && revoked == 200;
            free(answer.data);
            printf("revoked every token at the server\n");
        }
        const char *how = "none";
        long resource = call_resource(manager, token_url, resource_url, &how);
        printf("call %d: GET /resource -> %ld (token %s)\n", call + 1, resource, how);
        ok &= resource == 200 && strcmp(how, expected[call]) == 0;
    }

    ishare_token_manager_free(manager);
    curl_global_cleanup();
    return ok ? 0 : 1;
}
