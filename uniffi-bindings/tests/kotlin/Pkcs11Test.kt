// Kotlin tests of Signer.fromPkcs11 against a real PKCS#11 module: the
// SoftHSM token scripts/test-pkcs11 makes (tests/vectors' client key as the
// sensitive, non-extractable object "client-eori" with its chain as
// certificate objects; another party's key "other"), named by
// ISHARE_TEST_PKCS11_MODULE, ISHARE_TEST_PKCS11_TOKEN and
// ISHARE_TEST_PKCS11_PIN. Its own main(), run by `scripts/test-kotlin
// --pkcs11` (from the pkcs11 stage) with the vectors directory as argument;
// uses IshareJwtTest.kt's test()/check helpers and constants. The last line
// is "kotlin: N passed, M failed".

import ishare.jwt.IshareJwtException
import ishare.jwt.Signer
import ishare.jwt.TokenManager
import ishare.jwt.TokenStep
import ishare.jwt.Verifier
import ishare.jwt.parseTokenRequest
import java.io.File
import java.util.concurrent.Callable
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.Executors
import kotlin.system.exitProcess

fun main(args: Array<String>) {
    val names = listOf("ISHARE_TEST_PKCS11_MODULE", "ISHARE_TEST_PKCS11_TOKEN", "ISHARE_TEST_PKCS11_PIN")
    val missing = names.filter { System.getenv(it).isNullOrEmpty() }
    if (missing.isNotEmpty()) {
        println("FAIL no SoftHSM token: ${missing.joinToString()} unset (run scripts/test pkcs11)")
        println("kotlin: 0 passed, 1 failed")
        exitProcess(1)
    }
    val module = System.getenv("ISHARE_TEST_PKCS11_MODULE")
    val tokenLabel = System.getenv("ISHARE_TEST_PKCS11_TOKEN")
    val pin = System.getenv("ISHARE_TEST_PKCS11_PIN")
    val chain = File(args[0], "client-eori.chain.pem").readText()
    fun uri(path: String = "object=client-eori;type=private") = "pkcs11:token=$tokenLabel;$path?module-path=$module"
    fun verifier() = Verifier(SERVER, listOf(ROOT_SHA256), 0u)

    // First, while no session of this process keeps the token logged in.
    test("pkcs11: a wrong PIN is KeyStore, the PIN in no message") {
        val wrong = "9876-not-the-pin"
        val e = expectError<IshareJwtException.KeyStore> { Signer.fromPkcs11(uri(), CLIENT, wrong, null) }
        check(e.detail().contains("the PIN is wrong") && e.detail().contains(tokenLabel)) { "detail ${e.detail()}" }
        check(!e.detail().contains(wrong) && !e.message!!.contains(wrong)) { "the PIN leaked: ${e.message}" }
    }
    test("pkcs11: every sign operation on the token, the same tokens as the PEM signer") {
        Signer.fromPkcs11(uri(), CLIENT, pin, chain).use { signer ->
            val token = signer.clientAssertion(SERVER, T0, "hsm-1")
            checkEq("hsm-1", verifier().use { it.verify(token, T0 + 1, CLIENT) }.jti, "jti")
            val pem = Signer.fromPem(File(args[0], "client-eori.key.pem").readText(), chain, CLIENT)
            checkEq(pem.clientAssertion(SERVER, T0, "hsm-1"), token, "RS256 is deterministic")
            pem.close()
            val jwt = signer.signJwt(SERVER, """{"delegationEvidence":{}}""", T0, null)
            verifier().use { it.verifyJwt(jwt, T0, CLIENT) }
            verifier().use { it.verify(signer.tokenRequest(SERVER, null)["client_assertion"]!!, null, CLIENT) }
            TokenManager(signer).use { manager ->
                val request = (manager.get(SERVER, "http://127.0.0.1:9/connect/token") as TokenStep.Fetch).request
                val parsed = parseTokenRequest(request.body)
                verifier().use { it.verify(parsed.clientAssertion, null, parsed.clientId) }
            }
        }
    }
    test("pkcs11: the chain read from the token, the PIN from the URI") {
        Signer.fromPkcs11("${uri()}&pin-value=$pin", CLIENT).use { signer ->
            checkEq(CLIENT_LEAF_SHA256, signer.leafSha256(), "leafSha256")
            verifier().use { it.verify(signer.clientAssertion(SERVER, null, null), null, CLIENT) }
        }
    }
    test("pkcs11: 16 threads sign at once through one signer") {
        Signer.fromPkcs11(uri(), CLIENT, pin, chain).use { signer ->
            val pool = Executors.newFixedThreadPool(16)
            val barrier = CyclicBarrier(16)
            try {
                val tokens = pool.invokeAll((0 until 64).map { i ->
                    Callable {
                        if (i < 16) barrier.await()
                        signer.clientAssertion(SERVER, T0, "hsm-thread-$i")
                    }
                }).map { it.get() }
                val jtis = verifier().use { v -> tokens.map { v.verify(it, T0, CLIENT).jti } }.toSet()
                checkEq(64, jtis.size, "distinct verified tokens")
            } finally {
                pool.shutdown()
            }
        }
    }
    test("pkcs11: an unknown object or module is KeyStore; a malformed URI InvalidArgument") {
        val e = expectError<IshareJwtException.KeyStore> {
            Signer.fromPkcs11(uri("object=no-such-key;type=private"), CLIENT, pin, chain)
        }
        check(e.detail().contains("no-such-key")) { "detail ${e.detail()}" }
        expectError<IshareJwtException.KeyStore> {
            Signer.fromPkcs11("pkcs11:token=t;object=k?module-path=/nonexistent/libpkcs11.so", CLIENT, pin, chain)
        }
        expectError<IshareJwtException.InvalidArgument> { Signer.fromPkcs11("not a pkcs11 uri", CLIENT, pin, chain) }
    }
    test("pkcs11: a key that is not the leaf's is KeyMismatch") {
        expectError<IshareJwtException.KeyMismatch> {
            Signer.fromPkcs11(uri("object=other;type=private"), CLIENT, pin, chain)
        }
    }
    println("kotlin: $passed passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}
