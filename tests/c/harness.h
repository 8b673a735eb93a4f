/* A tiny test harness for the C ABI tests: cases, checks, shared fixtures. */
#ifndef ISHARE_TEST_HARNESS_H
#define ISHARE_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "ishare_jwt.h"

/* The test PKI (tests/vectors/README.md, pki.json). */
#define CLIENT_ID "EU.EORI.NL000000001"
#define SERVER_ID "EU.EORI.NL000000000"
#define ROOT_SHA256 "78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69"
#define CLIENT_LEAF_SHA256 "2E03CB37B405BD25A6A07369886C7C5F9816D0A060969518D9FD4C8D5AF43F15"
/* vectors.json "t0": every test certificate but the expired one is valid then. */
#define T0 INT64_C(1767225600)
/* Big enough for any token or form body of the test PKI. */
#define TOKEN_BUF 16384

/* Starts a test case; every check until case_end belongs to it. */
void case_begin(const char *name);
/* Ends the current case, counting it as passed when none of its checks failed. */
void case_end(void);

/* Prints `c: N passed, M failed` for the cases so far; returns the exit
 * status (0 when none failed). For runners built with -DHARNESS_NO_MAIN. */
int harness_summary(void);

/* Records a failed check when `ok` is 0. Returns `ok`. */
int check_impl(int ok, const char *what, const char *file, int line);
/* Checks that `got` is `want`, printing both kinds and the last error if not. */
int check_status_impl(ishare_status got, ishare_status want, const char *what, const char *file,
                      int line);
/* Checks two C strings for equality (NULL equals only NULL). */
int check_str_impl(const char *got, const char *want, const char *what, const char *file, int line);

#define CHECK(cond) check_impl((cond) != 0, #cond, __FILE__, __LINE__)
#define CHECK_STATUS(expr, want) check_status_impl((expr), (want), #expr, __FILE__, __LINE__)
#define CHECK_STR(got, want) check_str_impl((got), (want), #got, __FILE__, __LINE__)

/* The directory holding the test vectors (argv[1]), with a trailing '/'. */
extern const char *vectors_dir;

/* Reads the file at `path` into a new NUL-terminated string (free it); NULL on error. */
char *read_text_file(const char *path);
/* Reads vectors_dir/name into a new NUL-terminated string (free it); NULL on error. */
char *read_vector_file(const char *name);
/* This thread's last error message, in a static buffer (for diagnostics). */
const char *last_error_text(void);
/* A signer for CLIENT_ID from client-eori.key.pem + client-eori.chain.pem, or NULL. */
ishare_signer *load_client_signer(void);
/* A verifier for SERVER_ID trusting ROOT_SHA256 with `leeway` s, or NULL. */
ishare_verifier *new_server_verifier(uint32_t leeway);

/* One record of a file made by vectors_to_text.py: its `key value` lines,
 * unescaped, in order. */
#define RECORD_MAX_FIELDS 32
struct record {
    const char *keys[RECORD_MAX_FIELDS];
    const char *values[RECORD_MAX_FIELDS];
    size_t len;
};
/* The first value of `key` in `r`, or NULL. */
const char *record_get(const struct record *r, const char *key);
/* Stores up to `max` values of `key` (in order) in `out`; returns how many. */
size_t record_get_all(const struct record *r, const char *key, const char **out, size_t max);
/* Reads a file made by vectors_to_text.py and calls `run(record, context)` for
 * each record (its strings live until `run` returns). Checks (as cases) that
 * the file reads, that no record has more than RECORD_MAX_FIELDS lines and
 * that it holds as many records as its `count` line says. Returns the number
 * of records run. */
int for_each_record(const char *path, void (*run)(const struct record *, void *), void *context);

/* Canonical JSON text of `json` (a new string: free it), or NULL if it is not
 * JSON: the form of canonical() in vectors_to_text.py, with member names
 * sorted when `sort_keys`, else in their order (canonical_json.c). */
char *canonical_json(const char *json, int sort_keys);

/* The suites, one per file. */
void run_vector_tests(const char *vectors_txt);
/* The same records, read on a thread with a small stack. */
void run_hostile_tests(const char *hostile_txt);
void run_sign_verify_tests(void);
void run_replay_limit_tests(void);
void run_argument_tests(void);
void run_thread_tests(void);
/* The general JWT vectors (tests/vectors/jwt/, as converted by
 * vectors_to_text.py), then payloads, the satellite checks, the OAuth
 * profile and the arguments of the JWT functions. */
void run_jwt_tests(const char *jwt_vectors_txt);
/* Checks that ishare_verifier_explain (`jwt`: _explain_jwt) of `token` gives
 * the verdict and kind of `verified`, the status verify gave it. */
void check_explain_agrees(const ishare_verifier *verifier, const char *token, int64_t now,
                          const char *who, int jwt, ishare_status verified);
/* explain's own cases, and what a signer knows of its own chain. */
void run_explain_tests(void);
/* Access tokens, sans-IO: the token manager and the token endpoint's side. */
void run_token_tests(void);
/* The token manager against the live test endpoint whose base URL is in the
 * environment variable ISHARE_TEST_ENDPOINT (scripts/test-c starts it), with
 * the client key of ISHARE_TEST_PKI (testdata/pki/); a failed case if unset. */
void run_live_endpoint_tests(void);
/* ishare_backend and ishare_jwt_version against ISHARE_TEST_BACKEND and
 * ISHARE_TEST_VERSION (scripts/test-c sets them); a failed case if unset. */
void run_build_info_tests(void);

#endif /* ISHARE_TEST_HARNESS_H */
