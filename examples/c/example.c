/* A minimal consumer of libishare_jwt: sign a client assertion as
 * EU.EORI.NL000000001, then verify it as EU.EORI.NL000000000.
 *
 *   example DIR   (DIR holds client-eori.key.pem and client-eori.chain.pem,
 *                  e.g. tests/vectors/ of the repository)
 */
#include <ishare_jwt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints what failed, with this thread's detail message, and returns 1. */
static int fail(const char *what, ishare_status status) {
    char message[512];
    ishare_last_error(message, sizeof message); /* cut to fit; that is fine here */
    fprintf(stderr, "%s: %s: %s\n", what, ishare_status_kind(status), message);
    return 1;
}

/* Reads a whole file into a new NUL-terminated string (free it), or NULL. */
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

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "tests/vectors";
    char *key = read_file(dir, "client-eori.key.pem");
    char *chain = read_file(dir, "client-eori.chain.pem");
    if (key == NULL || chain == NULL) {
        fprintf(stderr, "cannot read the key and chain in %s\n", dir);
        return 1;
    }

    /* Client side: load once (the signer copies what it needs). */
    ishare_signer *signer = NULL;
    ishare_status status = ishare_signer_from_pem(key, chain, "EU.EORI.NL000000001", &signer);
    free(key);
    free(chain);
    if (status != ISHARE_STATUS_OK) {
        return fail("ishare_signer_from_pem", status);
    }

    /* Ask for the size first (buf NULL, buf_len 0), then sign into a buffer
     * that fits. now = -1: the system clock; jti = NULL: a random UUID. */
    size_t len = 0;
    status = ishare_signer_client_assertion(signer, "EU.EORI.NL000000000", -1, NULL, NULL, 0, &len);
    if (status != ISHARE_STATUS_BUFFER_TOO_SMALL) {
        ishare_signer_free(signer);
        return fail("ishare_signer_client_assertion (size)", status);
    }
    char *token = malloc(len + 1);
    status = ishare_signer_client_assertion(signer, "EU.EORI.NL000000000", -1, NULL, token, len + 1,
                                            &len);
    ishare_signer_free(signer);
    if (status != ISHARE_STATUS_OK) {
        free(token);
        return fail("ishare_signer_client_assertion", status);
    }
    printf("token: %.40s... (%zu bytes)\n", token, len);

    /* Server side: one verifier per audience, shared by all threads. */
    const char *roots[] = {"78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69"};
    ishare_verifier *verifier = NULL;
    status = ishare_verifier_new("EU.EORI.NL000000000", roots, 1, 5, &verifier);
    if (status != ISHARE_STATUS_OK) {
        free(token);
        return fail("ishare_verifier_new", status);
    }
    ishare_assertion *assertion = NULL;
    status = ishare_verifier_verify(verifier, token, -1, "EU.EORI.NL000000001", &assertion);
    if (status != ISHARE_STATUS_OK) {
        ishare_verifier_free(verifier);
        free(token);
        return fail("ishare_verifier_verify", status);
    }
    printf("verified: client_id=%s jti=%s iat=%lld exp=%lld\n",
           ishare_assertion_client_id(assertion), ishare_assertion_jti(assertion),
           (long long)ishare_assertion_issued_at(assertion),
           (long long)ishare_assertion_expires_at(assertion));
    ishare_assertion_free(assertion);

    /* The same token again is refused: the verifier remembers it. */
    assertion = NULL;
    status = ishare_verifier_verify(verifier, token, -1, NULL, &assertion);
    printf("second use: %s\n", ishare_status_kind(status));
    ishare_verifier_free(verifier);
    free(token);
    return status == ISHARE_STATUS_REPLAY ? 0 : 1;
}
