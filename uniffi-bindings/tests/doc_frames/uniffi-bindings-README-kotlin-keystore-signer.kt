// The README's Android Keystore signer, compiled against the jar: a JVM has
// no "AndroidKeyStore" provider to run it with. ExternalSignerTest.kt runs
// Signer.fromCallback with a java.security key.
@file:JvmName("DocBlock")
@file:Suppress("UNUSED_VARIABLE")

package docblocks.keystoresigner

import ishare.jwt.*
import java.security.KeyStore
import java.security.PrivateKey
import java.security.Signature

fun load(chainPem: String) {
    // DOC_BLOCK
}
