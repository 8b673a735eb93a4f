/* The README's key-service callback (file scope), compiled against the
 * installed header with every warning an error; the key service is the
 * reader's, declared here as the block uses it. tests/c/test_pkcs11.c
 * (stage pkcs11) runs a complete callback over libcrypto. */
#include <ishare_jwt.h>

#include <stdbool.h>

struct my_kms;
bool my_kms_sign_digest(struct my_kms *kms, const uint8_t *digest, size_t digest_len,
                        uint8_t *signature, size_t capacity, size_t *signature_len);
ishare_status load_signer(const char *chain_pem, struct my_kms *kms, ishare_signer **signer);

#include DOC_BLOCK
