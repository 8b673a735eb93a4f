/* The README's PKCS#11 call (statements) inside a function, compiled against
 * the installed header with every warning an error. Running it needs a
 * token: tests/c/test_pkcs11.c (stage pkcs11) loads signers this way from
 * a SoftHSM token. */
#include <ishare_jwt.h>

void pkcs11_block(const char *uri);
void pkcs11_block(const char *uri) {
#include DOC_BLOCK
    (void)s;
    ishare_signer_free(signer);
}
