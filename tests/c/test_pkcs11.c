/* Keys that never leave their device, from C (runner: scripts/test-pkcs11,
 * `test_pkcs11 VECTORS_DIR/`):
 * - ishare_signer_from_pkcs11 against the SoftHSM token that script makes
 *   (ISHARE_TEST_PKCS11_MODULE, _TOKEN, _PIN): tests/vectors/client-eori's
 *   key as object "client-eori" with its chain as certificate objects, and
 *   another party's key as object "other";
 * - ishare_signer_from_callback with a stand-in key service: OpenSSL's
 *   libcrypto holding the test key and signing the digest it is given, as
 *   AWS KMS (MessageType=DIGEST) or Azure Key Vault (RS256) do.
 * Every token goes through the normal verifier. */
#include "harness.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#define THREADS 16
#define PER_THREAD 4

static const char *env_or_fail(const char *name) {
    const char *value = getenv(name);
    if (!CHECK(value != NULL && value[0] != '\0')) {
        printf("  %s is not set: run these tests through scripts/test pkcs11\n", name);
        return "";
    }
    return value;
}

/* pkcs11:token=<token>;<path>?module-path=<module><query> (static buffer). */
static const char *uri(const char *path, const char *query) {
    static char text[1024];
    snprintf(text, sizeof text, "pkcs11:token=%s;%s?module-path=%s%s",
             env_or_fail("ISHARE_TEST_PKCS11_TOKEN"), path, env_or_fail("ISHARE_TEST_PKCS11_MODULE"),
             query);
    return text;
}

/* Signs an assertion, a JWT and a token request with `signer`; the normal
 * verifier accepts each. Returns the number of tokens accepted (3). */
static int sign_and_verify_each(const ishare_signer *signer) {
    int accepted = 0;
    ishare_verifier *verifier = new_server_verifier(0);
    char *buf = malloc(TOKEN_BUF);
    size_t len = 0;
    if (verifier == NULL || buf == NULL) {
        CHECK(!"verifier and buffer");
        free(buf);
        ishare_verifier_free(verifier);
        return 0;
    }

    if (CHECK_STATUS(ishare_signer_client_assertion(signer, SERVER_ID, T0, NULL, buf, TOKEN_BUF, &len),
                     ISHARE_STATUS_OK)) {
        ishare_assertion *a = NULL;
        if (CHECK_STATUS(ishare_verifier_verify(verifier, buf, T0 + 1, CLIENT_ID, &a), ISHARE_STATUS_OK)) {
            CHECK_STR(ishare_assertion_leaf_sha256(a), CLIENT_LEAF_SHA256);
            accepted++;
        }
        ishare_assertion_free(a);
    }

    if (CHECK_STATUS(ishare_signer_sign_jwt(signer, SERVER_ID, "{\"delegationEvidence\":{}}", T0, NULL,
                                            buf, TOKEN_BUF, &len),
                     ISHARE_STATUS_OK)) {
        ishare_jwt *jwt = NULL;
        if (CHECK_STATUS(ishare_verifier_verify_jwt(verifier, buf, T0 + 1, CLIENT_ID, &jwt),
                         ISHARE_STATUS_OK)) {
            CHECK(strstr(ishare_jwt_claims_json(jwt), "\"delegationEvidence\":{}") != NULL);
            accepted++;
        }
        ishare_jwt_free(jwt);
    }

    if (CHECK_STATUS(ishare_signer_token_request(signer, SERVER_ID, T0, NULL, NULL, buf, TOKEN_BUF, &len),
                     ISHARE_STATUS_OK)) {
        ishare_token_request *request = NULL;
        if (CHECK_STATUS(ishare_parse_token_request(buf, len, &request), ISHARE_STATUS_OK)) {
            ishare_assertion *a = NULL;
            if (CHECK_STATUS(ishare_verifier_verify(verifier, ishare_token_request_client_assertion(request),
                                                    T0 + 1, ishare_token_request_client_id(request), &a),
                             ISHARE_STATUS_OK)) {
                accepted++;
            }
            ishare_assertion_free(a);
        }
        ishare_token_request_free(request);
    }
    free(buf);
    ishare_verifier_free(verifier);
    return accepted;
}

/* THREADS threads sign PER_THREAD assertions each through one signer, all
 * at once; every one verifies. */
struct worker {
    const ishare_signer *signer;
    const ishare_verifier *verifier;
    atomic_int *gate;
    int ok;
};

static int sign_many(void *arg) {
    struct worker *w = arg;
    atomic_fetch_add(w->gate, 1);
    while (atomic_load(w->gate) < THREADS) {
        thrd_yield();
    }
    char *buf = malloc(TOKEN_BUF);
    for (int i = 0; buf != NULL && i < PER_THREAD; i++) {
        size_t len = 0;
        ishare_assertion *a = NULL;
        if (ishare_signer_client_assertion(w->signer, SERVER_ID, T0, NULL, buf, TOKEN_BUF, &len) ==
                ISHARE_STATUS_OK &&
            ishare_verifier_verify(w->verifier, buf, T0 + 1, CLIENT_ID, &a) == ISHARE_STATUS_OK) {
            w->ok++;
        }
        ishare_assertion_free(a);
    }
    free(buf);
    return 0;
}

static void sign_from_threads(const ishare_signer *signer) {
    ishare_verifier *verifier = new_server_verifier(0);
    atomic_int gate = 0;
    struct worker workers[THREADS];
    thrd_t threads[THREADS];
    int started = 0;
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){signer, verifier, &gate, 0};
        if (thrd_create(&threads[i], sign_many, &workers[i]) != thrd_success) {
            break;
        }
        started++;
    }
    if (!CHECK(started == THREADS)) {
        atomic_store(&gate, THREADS); /* release those that started */
    }
    int ok = 0;
    for (int i = 0; i < started; i++) {
        thrd_join(threads[i], NULL);
        ok += workers[i].ok;
    }
    CHECK(ok == THREADS * PER_THREAD);
    ishare_verifier_free(verifier);
}

/* Failures first: the login is the token's, shared by the process, so a
 * wrong PIN is only refused while no signer holds a session. */
static void pkcs11_failures(const char *pin, const char *chain) {
    ishare_signer *signer = NULL;
    const char *wrong = "31337-wrong";

    case_begin("pkcs11: a wrong PIN is key_store naming token and object, never the PIN");
    CHECK_STATUS(ishare_signer_from_pkcs11(uri("object=client-eori", ""), wrong, chain, CLIENT_ID, &signer),
                 ISHARE_STATUS_KEY_STORE);
    CHECK(strstr(last_error_text(), "object \"client-eori\"") != NULL);
    CHECK(strstr(last_error_text(), "the PIN is wrong") != NULL);
    CHECK(strstr(last_error_text(), wrong) == NULL);
    CHECK(signer == NULL);
    CHECK_STATUS(ishare_signer_from_pkcs11(uri("object=client-eori", "&pin-value=31337-wrong"), NULL, NULL,
                                           CLIENT_ID, &signer),
                 ISHARE_STATUS_KEY_STORE);
    CHECK(strstr(last_error_text(), wrong) == NULL);
    case_end();

    case_begin("pkcs11: an unknown object or module is key_store");
    CHECK_STATUS(ishare_signer_from_pkcs11(uri("object=no-such-key", ""), pin, chain, CLIENT_ID, &signer),
                 ISHARE_STATUS_KEY_STORE);
    CHECK(strstr(last_error_text(), "object \"no-such-key\": no such private key") != NULL);
    CHECK_STATUS(ishare_signer_from_pkcs11("pkcs11:object=k?module-path=/nonexistent/module.so", pin, chain,
                                           CLIENT_ID, &signer),
                 ISHARE_STATUS_KEY_STORE);
    CHECK(signer == NULL);
    case_end();

    case_begin("pkcs11: a token key that is not the leaf's is key_mismatch");
    CHECK_STATUS(ishare_signer_from_pkcs11(uri("object=other", ""), pin, chain, CLIENT_ID, &signer),
                 ISHARE_STATUS_KEY_MISMATCH);
    CHECK(signer == NULL);
    case_end();

    case_begin("pkcs11: bad arguments are invalid_argument");
    CHECK_STATUS(ishare_signer_from_pkcs11(uri("object=%zz", ""), pin, chain, CLIENT_ID, &signer),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(last_error_text(), "attribute object") != NULL);
    CHECK_STATUS(ishare_signer_from_pkcs11(NULL, pin, chain, CLIENT_ID, &signer),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(ishare_signer_from_pkcs11(uri("object=client-eori", ""), pin, chain, NULL, &signer),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(ishare_signer_from_pkcs11(uri("object=client-eori", ""), pin, chain, CLIENT_ID, NULL),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    CHECK(signer == NULL);
    case_end();
}

static void run_pkcs11_tests(void) {
    case_begin("pkcs11: the test token is named in the environment");
    const char *pin = env_or_fail("ISHARE_TEST_PKCS11_PIN");
    case_end();
    char *chain = read_vector_file("client-eori.chain.pem");
    pkcs11_failures(pin, chain);

    ishare_signer *signer = NULL;
    case_begin("pkcs11: assertion, JWT and token request signed on the token verify");
    if (CHECK_STATUS(ishare_signer_from_pkcs11(uri("object=client-eori;type=private", ""), pin, chain,
                                               CLIENT_ID, &signer),
                     ISHARE_STATUS_OK)) {
        CHECK(sign_and_verify_each(signer) == 3);
    }
    case_end();

    case_begin("pkcs11: 16 threads sign at once through one signer");
    if (CHECK(signer != NULL)) {
        sign_from_threads(signer);
    }
    case_end();
    ishare_signer_free(signer);
    signer = NULL;

    case_begin("pkcs11: the chain read from the token's certificate objects");
    if (CHECK_STATUS(ishare_signer_from_pkcs11(uri("id=%01", ""), pin, NULL, CLIENT_ID, &signer),
                     ISHARE_STATUS_OK)) {
        CHECK(sign_and_verify_each(signer) == 3);
    }
    ishare_signer_free(signer);
    case_end();
    free(chain);
}

/* The stand-in key service: the test key in libcrypto, and what the
 * callback should do. */
enum kms_mode { KMS_SIGN, KMS_FAIL, KMS_GARBAGE, KMS_TOO_LONG, KMS_NO_LENGTH };
struct kms {
    EVP_PKEY *key;
    enum kms_mode mode;
    atomic_int calls;
    atomic_int bad_arguments; /* digest that is not SHA-256(message), algorithm not RS256 */
};

static int digest_matches(const uint8_t *message, size_t message_len, const uint8_t *digest,
                          size_t digest_len) {
    unsigned char expected[EVP_MAX_MD_SIZE];
    unsigned int expected_len = 0;
    return EVP_Digest(message, message_len, expected, &expected_len, EVP_sha256(), NULL) == 1 &&
           expected_len == digest_len && memcmp(expected, digest, digest_len) == 0;
}

/* Signs the digest, as a key service that takes one does. */
static int kms_sign(void *ctx, const uint8_t *message, size_t message_len, const uint8_t *digest,
                    size_t digest_len, const char *algorithm, uint8_t *signature_out,
                    size_t signature_capacity, size_t *signature_len_out) {
    struct kms *kms = ctx;
    atomic_fetch_add(&kms->calls, 1);
    if (strcmp(algorithm, "RS256") != 0 || !digest_matches(message, message_len, digest, digest_len)) {
        atomic_fetch_add(&kms->bad_arguments, 1);
    }
    switch (kms->mode) {
    case KMS_FAIL:
        return 7;
    case KMS_GARBAGE:
        memset(signature_out, 0x42, 256);
        *signature_len_out = 256;
        return 0;
    case KMS_TOO_LONG:
        *signature_len_out = signature_capacity + 1;
        return 0;
    case KMS_NO_LENGTH:
        return 0;
    case KMS_SIGN:
        break;
    }
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new(kms->key, NULL);
    size_t len = signature_capacity;
    int ok = pctx != NULL && EVP_PKEY_sign_init(pctx) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
             EVP_PKEY_CTX_set_signature_md(pctx, EVP_sha256()) == 1 &&
             EVP_PKEY_sign(pctx, signature_out, &len, digest, digest_len) == 1;
    EVP_PKEY_CTX_free(pctx);
    if (!ok) {
        return 1;
    }
    *signature_len_out = len;
    return 0;
}

static EVP_PKEY *load_test_key(void) {
    char *pem = read_vector_file("client-eori.key.pem");
    BIO *bio = pem != NULL ? BIO_new_mem_buf(pem, -1) : NULL;
    EVP_PKEY *key = bio != NULL ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    free(pem);
    return key;
}

static void run_callback_tests(void) {
    struct kms kms = {load_test_key(), KMS_SIGN, 0, 0};
    char *chain = read_vector_file("client-eori.chain.pem");
    ishare_signer *signer = NULL;

    case_begin("callback: a key service signing the digest signs every token, checked by the verifier");
    CHECK(kms.key != NULL);
    if (CHECK_STATUS(ishare_signer_from_callback(chain, CLIENT_ID, kms_sign, &kms, &signer), ISHARE_STATUS_OK)) {
        CHECK(sign_and_verify_each(signer) == 3);
        CHECK(atomic_load(&kms.calls) == 3);
        CHECK(atomic_load(&kms.bad_arguments) == 0);
    }
    case_end();

    case_begin("callback: 16 threads sign at once through one callback signer");
    if (CHECK(signer != NULL)) {
        sign_from_threads(signer);
        CHECK(atomic_load(&kms.calls) == 3 + THREADS * PER_THREAD);
        CHECK(atomic_load(&kms.bad_arguments) == 0);
    }
    case_end();

    case_begin("callback: a failing callback is key_store naming its value");
    char buf[TOKEN_BUF];
    size_t len = 12345;
    kms.mode = KMS_FAIL;
    CHECK_STATUS(ishare_signer_client_assertion(signer, SERVER_ID, T0, NULL, buf, sizeof buf, &len),
                 ISHARE_STATUS_KEY_STORE);
    CHECK(strstr(last_error_text(), "the signing callback failed (it returned 7)") != NULL);
    CHECK(len == 12345);
    kms.mode = KMS_TOO_LONG;
    CHECK_STATUS(ishare_signer_sign_jwt(signer, SERVER_ID, NULL, T0, NULL, buf, sizeof buf, &len),
                 ISHARE_STATUS_KEY_STORE);
    CHECK(strstr(last_error_text(), "more than the 1024-byte buffer") != NULL);
    kms.mode = KMS_NO_LENGTH;
    CHECK_STATUS(ishare_signer_token_request(signer, SERVER_ID, T0, NULL, NULL, buf, sizeof buf, &len),
                 ISHARE_STATUS_KEY_STORE);
    CHECK(strstr(last_error_text(), "did not set *signature_len_out") != NULL);
    case_end();

    case_begin("callback: a callback writing garbage is key_mismatch, never a token");
    kms.mode = KMS_GARBAGE;
    CHECK_STATUS(ishare_signer_client_assertion(signer, SERVER_ID, T0, NULL, buf, sizeof buf, &len),
                 ISHARE_STATUS_KEY_MISMATCH);
    CHECK(len == 12345);
    kms.mode = KMS_SIGN;
    CHECK_STATUS(ishare_signer_client_assertion(signer, SERVER_ID, T0, NULL, buf, sizeof buf, &len),
                 ISHARE_STATUS_OK);
    case_end();
    ishare_signer_free(signer);
    signer = NULL;

    case_begin("callback: bad arguments are invalid_argument");
    CHECK_STATUS(ishare_signer_from_callback(chain, CLIENT_ID, NULL, &kms, &signer),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(last_error_text(), "sign_fn") != NULL);
    CHECK_STATUS(ishare_signer_from_callback(NULL, CLIENT_ID, kms_sign, &kms, &signer),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(ishare_signer_from_callback(chain, CLIENT_ID, kms_sign, &kms, NULL),
                 ISHARE_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(ishare_signer_from_callback(chain, "EU.EORI.NL000000009", kms_sign, &kms, &signer),
                 ISHARE_STATUS_PARTY_ID_MISMATCH);
    CHECK(signer == NULL);
    case_end();

    EVP_PKEY_free(kms.key);
    free(chain);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s VECTORS_DIR/\n", argv[0]);
        return 2;
    }
    vectors_dir = argv[1];
    run_pkcs11_tests();
    run_callback_tests();
    return harness_summary();
}
