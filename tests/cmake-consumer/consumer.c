/* A C program built against an installed libishare_jwt (CMakeLists.txt):
 * the library's version and backend are the package's, a client assertion
 * signed with the test PKI verifies, a second use is a replay, a bad key is
 * refused with its kind and message.
 * Usage: consumer_c VECTORS_DIR/ (tests/vectors/). Last line
 * "c: N passed, M failed"; exit status 1 on any failure. */
#include <ishare_jwt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLIENT_ID "EU.EORI.NL000000001"
#define SERVER_ID "EU.EORI.NL000000000"
#define ROOT_SHA256 "78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69"
#define T0 INT64_C(1767225600)

static int passed, failed;

static void check(int ok, const char *what) {
    if (ok) {
        passed++;
    } else {
        failed++;
        char detail[512];
        ishare_last_error(detail, sizeof detail);
        printf("FAIL: %s (last error: %s)\n", what, detail);
    }
}

/* dir + name read into a new NUL-terminated string, or NULL. */
static char *read_file(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    char *text = malloc(1 << 16);
    size_t len = text != NULL ? fread(text, 1, (1 << 16) - 1, f) : 0;
    fclose(f);
    if (text != NULL) {
        text[len] = '\0';
    }
    return text;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s VECTORS_DIR/\n", argv[0]);
        return 2;
    }
    check(strcmp(ishare_jwt_version(), WANT_VERSION) == 0, "ishare_jwt_version() is the package's");
    check(strcmp(ishare_backend(), WANT_BACKEND) == 0, "ishare_backend() is the one built");
    printf("libishare_jwt %s, backend %s\n", ishare_jwt_version(), ishare_backend());

    char *key = read_file(argv[1], "client-eori.key.pem");
    char *chain = read_file(argv[1], "client-eori.chain.pem");
    check(key != NULL && chain != NULL, "the test PKI is readable");
    ishare_signer *signer = NULL;
    check(ishare_signer_from_pem(key, chain, CLIENT_ID, &signer) == ISHARE_STATUS_OK, "load signer");

    char token[16384];
    size_t len = 0;
    check(ishare_signer_client_assertion(signer, SERVER_ID, T0, NULL, token, sizeof token, &len) ==
              ISHARE_STATUS_OK && len == strlen(token),
          "sign a client assertion");

    const char *roots[] = {ROOT_SHA256};
    ishare_verifier *verifier = NULL;
    check(ishare_verifier_new(SERVER_ID, roots, 1, 0, &verifier) == ISHARE_STATUS_OK, "verifier");
    ishare_assertion *assertion = NULL;
    check(ishare_verifier_verify(verifier, token, T0 + 1, CLIENT_ID, &assertion) == ISHARE_STATUS_OK,
          "verify it");
    check(assertion != NULL && strcmp(ishare_assertion_client_id(assertion), CLIENT_ID) == 0 &&
              ishare_assertion_expires_at(assertion) == T0 + 30,
          "the assertion's claims");
    ishare_assertion_free(assertion);

    ishare_assertion *again = NULL;
    ishare_status status = ishare_verifier_verify(verifier, token, T0 + 2, CLIENT_ID, &again);
    check(status == ISHARE_STATUS_REPLAY && again == NULL &&
              strcmp(ishare_status_kind(status), "replay") == 0,
          "a second use is a replay");

    ishare_signer *bad = NULL;
    status = ishare_signer_from_pem("not a key", chain, CLIENT_ID, &bad);
    check(status == ISHARE_STATUS_INVALID_KEY && bad == NULL && ishare_last_error(NULL, 0) > 0,
          "a bad key is invalid_key, with a message");

    ishare_verifier_free(verifier);
    ishare_signer_free(signer);
    free(key);
    free(chain);
    printf("c: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
