// Kotlin tests of keys that never leave their device: Signer.fromCallback with
// an ExternalSigner backed by a java.security RSA key, standing in for Android
// Keystore or SunPKCS11 (Signature "SHA256withRSA" over the message, or
// "NONEwithRSA" over the DigestInfo as a raw-RSA device signs); a throwing
// signer -> KeyStore, a wrong key -> KeyMismatch, 16 threads through one
// signer, and the token manager against the LIVE test token endpoint. Run from
// IshareJwtTest.kt's main(); uses its test()/check helpers, JwtTest.kt's test
// PKI constants and TokenTest.kt's TokenClient.

import ishare.jwt.ExternalSigner
import ishare.jwt.IshareJwtException
import ishare.jwt.PendingSignature
import ishare.jwt.Signer
import ishare.jwt.TokenManager
import ishare.jwt.Verifier
import java.io.File
import java.security.KeyFactory
import java.security.MessageDigest
import java.security.PrivateKey
import java.security.Signature
import java.security.spec.PKCS8EncodedKeySpec
import java.util.Base64
import java.util.concurrent.Callable
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicInteger

/** A PKCS#8 PEM private key as a java.security key (what a keystore hands out as a handle). */
fun privateKey(pem: String): PrivateKey {
    val base64 = pem.lines().filter { it.isNotEmpty() && !it.startsWith("-----") }.joinToString("")
    return KeyFactory.getInstance("RSA").generatePrivate(PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)))
}

/** The app's key: signs as Android Keystore or SunPKCS11 would, counting calls and threads. */
class JcaSigner(private val key: PrivateKey, private val raw: Boolean = false) : ExternalSigner {
    val calls = AtomicInteger()
    val threads: MutableSet<Long> = ConcurrentHashMap.newKeySet()
    @Volatile var last: PendingSignature? = null

    override fun sign(pending: PendingSignature): ByteArray {
        calls.incrementAndGet()
        threads.add(Thread.currentThread().id)
        last = pending
        val signature = Signature.getInstance(if (raw) "NONEwithRSA" else "SHA256withRSA")
        signature.initSign(key)
        signature.update(if (raw) pending.digestInfo else pending.message)
        return signature.sign()
    }
}

fun runExternalSignerTests(vectors: File, pki: File, base: String) {
    fun read(dir: File, name: String) = File(dir, name).readText()
    val chain = read(vectors, "client-eori.chain.pem")
    val clientKey = privateKey(read(vectors, "client-eori.key.pem"))
    val otherKey = privateKey(read(pki, "server-eori.key.pem"))
    fun verifier() = Verifier(SERVER, listOf(ROOT_SHA256), 0u)

    test("external signer: every sign operation, through SHA256withRSA and raw NONEwithRSA") {
        for (raw in listOf(false, true)) {
            val device = JcaSigner(clientKey, raw)
            Signer.fromCallback(chain, CLIENT, device).use { signer ->
                checkEq(CLIENT_LEAF_SHA256, signer.leafSha256(), "leafSha256")
                val token = signer.clientAssertion(SERVER, T0, "ext-1")
                checkEq("ext-1", verifier().use { it.verify(token, T0 + 1, CLIENT) }.jti, "jti")
                val pending = device.last!!
                checkEq("RS256", pending.algorithm, "algorithm")
                checkEq(token.substringBeforeLast('.'), String(pending.message, Charsets.US_ASCII), "message")
                val digest = MessageDigest.getInstance("SHA-256").digest(pending.message)
                check(digest.contentEquals(pending.digest)) { "digest is SHA-256 of the message" }
                check(pending.digestInfo.copyOfRange(19, 51).contentEquals(digest)) { "digestInfo ends with the digest" }
                val jwt = signer.signJwt(SERVER, """{"delegation":[1]}""", T0, null)
                val claims = verifier().use { it.verifyJwt(jwt, T0, CLIENT) }.claimsJson
                check(claims.endsWith(""","delegation":[1]}""")) { "claims $claims" }
                val form = signer.tokenRequest(SERVER, null)
                verifier().use { it.verify(form["client_assertion"]!!, null, CLIENT) }
                checkEq(3, device.calls.get(), "device calls (raw=$raw)")
            }
        }
    }
    test("external signer: a signer that throws IshareJwtException.KeyStore -> KeyStore, its detail kept") {
        val locked = object : ExternalSigner {
            override fun sign(pending: PendingSignature): ByteArray =
                throw IshareJwtException.KeyStore("keystore entry 'eseal' is locked")
        }
        Signer.fromCallback(chain, CLIENT, locked).use { signer ->
            val e = expectError<IshareJwtException.KeyStore> { signer.clientAssertion(SERVER, T0, null) }
            checkEq("keystore entry 'eseal' is locked", e.detail(), "detail")
            checkEq(37u, e.code(), "code")
        }
    }
    test("external signer: any other exception it throws -> KeyStore naming it, no crash") {
        val failing = object : ExternalSigner {
            override fun sign(pending: PendingSignature): ByteArray =
                throw java.security.SignatureException("token removed")
        }
        Signer.fromCallback(chain, CLIENT, failing).use { signer ->
            val e = expectError<IshareJwtException.KeyStore> { signer.signJwt(SERVER, null, T0, null) }
            check(e.detail().contains("java.security.SignatureException: token removed")) { "detail ${e.detail()}" }
            check(!e.detail().contains("\n")) { "the stack trace stays out of the detail: ${e.detail()}" }
        }
    }
    test("external signer: a wrong key, garbage or nothing -> KeyMismatch, never a token") {
        val wrong = JcaSigner(otherKey)
        Signer.fromCallback(chain, CLIENT, wrong).use { signer ->
            expectError<IshareJwtException.KeyMismatch> { signer.clientAssertion(SERVER, T0, null) }
            expectError<IshareJwtException.KeyMismatch> { signer.tokenRequest(SERVER, null) }
        }
        for (answer in listOf(ByteArray(0), ByteArray(256) { 1 }, ByteArray(3))) {
            val garbage = object : ExternalSigner {
                override fun sign(pending: PendingSignature): ByteArray = answer
            }
            Signer.fromCallback(chain, CLIENT, garbage).use { signer ->
                expectError<IshareJwtException.KeyMismatch> { signer.clientAssertion(SERVER, T0, null) }
            }
        }
    }
    test("external signer: the chain and party are checked when the signer is made") {
        val device = JcaSigner(clientKey)
        expectError<IshareJwtException.PartyIdMismatch> { Signer.fromCallback(chain, SERVER, device) }
        expectError<IshareJwtException.InvalidCertificate> { Signer.fromCallback("no PEM", CLIENT, device) }
        checkEq(0, device.calls.get(), "device calls")
    }
    test("external signer: 16 threads sign at once through one signer") {
        val device = JcaSigner(clientKey)
        Signer.fromCallback(chain, CLIENT, device).use { signer ->
            val pool = Executors.newFixedThreadPool(16)
            val barrier = CyclicBarrier(16)
            try {
                val tokens = pool.invokeAll((0 until 64).map { i ->
                    Callable {
                        if (i < 16) barrier.await()
                        signer.clientAssertion(SERVER, T0, "thread-$i")
                    }
                }).map { it.get() }
                val jtis = verifier().use { v -> tokens.map { v.verify(it, T0, CLIENT).jti } }.toSet()
                checkEq((0 until 64).map { "thread-$it" }.toSet(), jtis, "jtis")
                checkEq(64, device.calls.get(), "device calls")
                checkEq(16, device.threads.size, "signing threads")
            } finally {
                pool.shutdown()
            }
        }
    }
    test("live: the token manager fetches a token with an external signer") {
        val device = JcaSigner(privateKey(read(pki, "client-eori.key.pem")))
        Signer.fromCallback(read(pki, "client-eori.chain.pem"), PKI_CLIENT, device).use { signer ->
            TokenManager(signer).use { manager ->
                val client = TokenClient(manager, SATELLITE, "$base/connect/token")
                val token = client.token()
                check(token.accessToken.isNotEmpty()) { "empty access token" }
                checkEq(token, client.token(), "cached")
                checkEq(1, device.calls.get(), "device calls")
            }
        }
    }
}
