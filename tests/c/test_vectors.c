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

/* Undoes the escaping of vectors_to_text.py, in place. */
static void unescape(char *text) {
    char *out = text;
    for (const char *in = text; *in != '\0'; in++) {
        if (*in == '\\' && in[1] != '\0') {
            in++;
            /* `\0` ends the C string here, as a NUL in a token would. */
            *out++ = (*in == 'n') ? '\n' : (*in == 'r') ? '\r' : (*in == '0') ? '\0' : *in;
        } else {
            *out++ = *in;
        }
    }
    *out = '\0';
}

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
    }
    ishare_verifier_free(verifier);
    case_end();
}

void run_vector_tests(const char *vectors_txt) {
    FILE *f = fopen(vectors_txt, "rb");
    char *text = NULL;
    long size = -1;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0) {
        size = ftell(f);
    }
    if (size >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        text = malloc((size_t)size + 1);
        if (text != NULL && fread(text, 1, (size_t)size, f) == (size_t)size) {
            text[size] = '\0';
        } else {
            free(text);
            text = NULL;
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    case_begin("vectors file");
    CHECK(text != NULL);
    case_end();
    if (text == NULL) {
        return;
    }

    struct vector v;
    memset(&v, 0, sizeof v);
    int count = 0;
    long expected = -1;
    for (char *line = text; line != NULL && *line != '\0';) {
        char *newline = strchr(line, '\n');
        if (newline != NULL) {
            *newline = '\0';
        }
        char *value = strchr(line, ' ');
        if (value != NULL) {
            *value++ = '\0';
            unescape(value);
        } else {
            value = line + strlen(line);
        }
        if (strcmp(line, "name") == 0) {
            memset(&v, 0, sizeof v);
            v.name = value;
        } else if (strcmp(line, "type") == 0) {
            v.type = value;
        } else if (strcmp(line, "key") == 0) {
            v.key = value;
        } else if (strcmp(line, "chain") == 0) {
            v.chain = value;
        } else if (strcmp(line, "count") == 0) {
            expected = strtol(value, NULL, 10);
        } else if (strcmp(line, "token") == 0) {
            v.token = value;
        } else if (strcmp(line, "audience") == 0) {
            v.audience = value;
        } else if (strcmp(line, "now") == 0) {
            v.now = strtoll(value, NULL, 10);
        } else if (strcmp(line, "leeway") == 0) {
            v.leeway = (uint32_t)strtoul(value, NULL, 10);
        } else if (strcmp(line, "client_id") == 0) {
            v.client_id = value;
        } else if (strcmp(line, "root") == 0 && v.roots_len < MAX_ROOTS) {
            v.roots[v.roots_len++] = value;
        } else if (strcmp(line, "expect") == 0) {
            v.expect = value;
        } else if (strcmp(line, "end") == 0) {
            run_vector(&v);
            count++;
        }
        line = (newline != NULL) ? newline + 1 : NULL;
    }
    case_begin("every record of the vectors file ran");
    CHECK(expected > 0 && count == expected);
    case_end();
    printf("vectors: %d run\n", count);
    free(text);
}
