/* Test harness and runner:
 * `test_ffi VECTORS_DIR VECTORS_TXT JWT_VECTORS_TXT [HOSTILE_TXT...]`
 * (the hostile files run on a thread with a small stack), with
 * ISHARE_TEST_ENDPOINT and ISHARE_TEST_PKI in the environment for the cases
 * against the live test endpoint (test_live_endpoint.c).
 * Prints one line per failed check and a final `c: N passed, M failed`;
 * exits non-zero on any failure. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *vectors_dir = "tests/vectors/";

static const char *current_case = "(none)";
static int case_failed;
static int cases_passed;
static int cases_failed;

void case_begin(const char *name) {
    current_case = name;
    case_failed = 0;
}

void case_end(void) {
    if (case_failed) {
        cases_failed++;
        printf("not ok: %s\n", current_case);
    } else {
        cases_passed++;
    }
    current_case = "(none)";
}

int check_impl(int ok, const char *what, const char *file, int line) {
    if (!ok) {
        case_failed = 1;
        printf("FAIL [%s] %s:%d: %s\n", current_case, file, line, what);
    }
    return ok;
}

int check_status_impl(ishare_status got, ishare_status want, const char *what, const char *file,
                      int line) {
    if (got == want) {
        return 1;
    }
    case_failed = 1;
    printf("FAIL [%s] %s:%d: %s gave %s (%u), expected %s (%u): %s\n", current_case, file, line,
           what, ishare_status_kind(got), (unsigned)got, ishare_status_kind(want), (unsigned)want,
           last_error_text());
    return 0;
}

int check_str_impl(const char *got, const char *want, const char *what, const char *file, int line) {
    int same = (got == NULL || want == NULL) ? got == want : strcmp(got, want) == 0;
    if (!same) {
        case_failed = 1;
        printf("FAIL [%s] %s:%d: %s is \"%s\", expected \"%s\"\n", current_case, file, line, what,
               got ? got : "(NULL)", want ? want : "(NULL)");
    }
    return same;
}

/* Reads the file at `path` into a new NUL-terminated string (free it); NULL on error. */
static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    char *text = NULL;
    size_t len = 0;
    size_t cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = (cap == 0) ? 8192 : cap * 2;
            char *bigger = realloc(text, cap);
            if (bigger == NULL) {
                free(text);
                fclose(f);
                return NULL;
            }
            text = bigger;
        }
        size_t got = fread(text + len, 1, 4096, f);
        len += got;
        if (got < 4096) {
            break;
        }
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(text);
        return NULL;
    }
    text[len] = '\0';
    return text;
}

char *read_text_file(const char *path) {
    return read_file(path);
}

char *read_vector_file(const char *name) {
    size_t dir_len = strlen(vectors_dir);
    size_t name_len = strlen(name);
    char *path = malloc(dir_len + name_len + 1);
    if (path == NULL) {
        return NULL;
    }
    memcpy(path, vectors_dir, dir_len);
    memcpy(path + dir_len, name, name_len + 1);
    char *text = read_file(path);
    free(path);
    return text;
}

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

const char *record_get(const struct record *r, const char *key) {
    for (size_t i = 0; i < r->len; i++) {
        if (strcmp(r->keys[i], key) == 0) {
            return r->values[i];
        }
    }
    return NULL;
}

size_t record_get_all(const struct record *r, const char *key, const char **out, size_t max) {
    size_t found = 0;
    for (size_t i = 0; i < r->len && found < max; i++) {
        if (strcmp(r->keys[i], key) == 0) {
            out[found++] = r->values[i];
        }
    }
    return found;
}

int for_each_record(const char *path, void (*run)(const struct record *, void *), void *context) {
    char *text = read_file(path);
    case_begin("vectors file");
    CHECK(text != NULL);
    case_end();
    if (text == NULL) {
        return 0;
    }
    struct record r;
    r.len = 0;
    int overflow = 0;
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
        if (strcmp(line, "count") == 0 && count == 0 && r.len == 0) {
            expected = strtol(value, NULL, 10);
        } else if (strcmp(line, "end") == 0) {
            if (overflow) {
                case_begin("a record of the vectors file");
                CHECK(!"a record has at most RECORD_MAX_FIELDS lines");
                case_end();
            } else {
                run(&r, context);
            }
            count++;
            r.len = 0;
            overflow = 0;
        } else if (r.len < RECORD_MAX_FIELDS) {
            r.keys[r.len] = line;
            r.values[r.len] = value;
            r.len++;
        } else {
            overflow = 1;
        }
        line = (newline != NULL) ? newline + 1 : NULL;
    }
    case_begin("every record of the vectors file ran");
    CHECK(expected > 0 && count == expected && r.len == 0);
    case_end();
    free(text);
    return count;
}

const char *last_error_text(void) {
    static char message[1024];
    ishare_last_error(message, sizeof message);
    return message;
}

ishare_signer *load_client_signer(void) {
    char *key = read_vector_file("client-eori.key.pem");
    char *chain = read_vector_file("client-eori.chain.pem");
    ishare_signer *signer = NULL;
    if (key != NULL && chain != NULL) {
        CHECK_STATUS(ishare_signer_from_pem(key, chain, CLIENT_ID, &signer), ISHARE_STATUS_OK);
    } else {
        CHECK(!"client-eori key or chain is readable");
    }
    free(key);
    free(chain);
    return signer;
}

ishare_verifier *new_server_verifier(uint32_t leeway) {
    const char *roots[] = {ROOT_SHA256};
    ishare_verifier *verifier = NULL;
    CHECK_STATUS(ishare_verifier_new(SERVER_ID, roots, 1, leeway, &verifier), ISHARE_STATUS_OK);
    return verifier;
}

/* A runner of its own (tests/c/test_pkcs11.c) builds with -DHARNESS_NO_MAIN. */
#ifndef HARNESS_NO_MAIN
int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s VECTORS_DIR/ VECTORS_TXT JWT_VECTORS_TXT [HOSTILE_TXT...]\n",
                argv[0]);
        return 2;
    }
    vectors_dir = argv[1];
    run_vector_tests(argv[2]);
    for (int i = 4; i < argc; i++) {
        run_hostile_tests(argv[i]);
    }
    run_sign_verify_tests();
    run_replay_limit_tests();
    run_argument_tests();
    run_thread_tests();
    run_jwt_tests(argv[3]);
    run_explain_tests();
    run_token_tests();
    run_live_endpoint_tests();
    run_build_info_tests();
    printf("c: %d passed, %d failed\n", cases_passed, cases_failed);
    return cases_failed == 0 ? 0 : 1;
}
#endif

int harness_summary(void) {
    printf("c: %d passed, %d failed\n", cases_passed, cases_failed);
    return cases_failed == 0 ? 0 : 1;
}
