// Kotlin tests of the UniFFI bindings: every shared vector, the shared hostile
// inputs (on a small stack), sign -> verify, replay, replay limits, error
// variants, the panic guard; then JwtTest.kt's (every iSHARE JWT, the
// satellite checks, the OAuth profile), ExplainTest.kt's (explain, a signer's
// own chain) and TokenTest.kt's (the token manager
// against the live test token endpoint, the token endpoint's functions, every
// error variant's kind and code) and ExternalSignerTest.kt's (Signer.fromCallback
// with a java.security key). Plain main() (no JUnit): run by
// scripts/test-kotlin with the vectors directory and the converted vectors,
// hostile-token and hostile-loader tables, the test PKI directory
// (testdata/pki), the converted JWT vector and sign-input tables, and the
// test token endpoint's URL as arguments. The last line is "kotlin: N passed,
// M failed"; the exit code is 1 on failure.

import ishare.jwt.Assertion
import ishare.jwt.IshareJwtException
import ishare.jwt.Signer
import ishare.jwt.Verifier
import ishare.jwt.panicSelftest
import java.io.File
import java.security.MessageDigest
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import kotlin.system.exitProcess

const val T0 = 1767225600L
const val CLIENT = "EU.EORI.NL000000001"
const val SERVER = "EU.EORI.NL000000000"
const val CLIENT_DID = "did:ishare:EU.NL.NTRNL-10000001"
const val SERVER_DID = "did:ishare:EU.NL.NTRNL-10000000"
const val ROOT_SHA256 = "78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69"
const val CLIENT_LEAF_SHA256 = "2E03CB37B405BD25A6A07369886C7C5F9816D0A060969518D9FD4C8D5AF43F15"

var passed = 0
var failed = 0

fun test(name: String, body: () -> Unit) {
    try {
        body()
        passed++
        println("ok   $name")
    } catch (e: Throwable) {
        failed++
        println("FAIL $name: $e")
    }
}

fun check(condition: Boolean, what: () -> String) {
    if (!condition) throw AssertionError(what())
}

fun <T> checkEq(expected: T, found: T, what: String) =
    check(expected == found) { "$what: expected <$expected>, found <$found>" }

/** The kind an exception's class name spells: `UnsupportedAlgorithm` -> `unsupported_algorithm`. */
fun classKind(e: IshareJwtException): String =
    e.javaClass.simpleName.replace(Regex("([a-z0-9])([A-Z])"), "$1_$2").lowercase()

/** The exception is of kind [expected], by its `kind()` and by its class name. */
fun checkKind(expected: String, e: IshareJwtException) {
    checkEq(expected, e.kind(), "error kind (${e.detail().take(200)})")
    checkEq(expected, classKind(e), "the kind ${e.javaClass.simpleName} spells")
}

/** Runs [block], demanding it throw exactly [E] with a non-empty detail. */
inline fun <reified E : IshareJwtException> expectError(block: () -> Unit): E {
    try {
        block()
    } catch (e: IshareJwtException) {
        check(e is E) { "expected ${E::class.simpleName}, got ${e.javaClass.simpleName}: ${e.detail()}" }
        check(e.detail().isNotEmpty()) { "${e.javaClass.simpleName} has no detail" }
        check(e.message!!.contains(e.detail())) { "message ${e.message} lacks the detail" }
        checkKind(classKind(e), e)
        return e as E
    }
    throw AssertionError("expected ${E::class.simpleName}, nothing was thrown")
}

class Vector(line: String) {
    private val fields = line.split("\t")
    val name = fields[0]
    val expect = fields[1]
    val audience = fields[2]
    val now = fields[3].toLong()
    val leeway = fields[4].toUInt()
    val clientId: String? = fields[5].ifEmpty { null }
    val roots = fields[6].split(";").map { it.replace("\\n", "\n") }
    val token = fields[7]
}

fun checkAssertion(a: Assertion, clientId: String, audience: String, issuedAt: Long) {
    checkEq(clientId, a.clientId, "clientId")
    checkEq(audience, a.audience, "audience")
    checkEq(issuedAt, a.issuedAt, "issuedAt")
    checkEq(issuedAt + 30, a.expiresAt, "expiresAt")
    check(Regex("[0-9A-F]{64}").matches(a.leafSha256)) { "leafSha256 ${a.leafSha256}" }
}

/** One vector: a fresh verifier as it describes, one verification, its verdict. */
fun runVector(v: Vector) {
    val verifier = Verifier(v.audience, v.roots, v.leeway)
    if (v.expect == "valid") {
        val a = verifier.verify(v.token, v.now, v.clientId)
        checkEq(v.audience, a.audience, "audience")
        checkEq(30L, a.expiresAt - a.issuedAt, "lifetime")
        check(a.jti.isNotEmpty()) { "empty jti" }
        v.clientId?.let { checkEq(it, a.clientId, "clientId") }
    } else {
        try {
            verifier.verify(v.token, v.now, v.clientId)
            throw AssertionError("accepted; expected ${v.expect}")
        } catch (e: IshareJwtException) {
            checkKind(v.expect, e)
        }
    }
    verifier.close()
}

/** A hostile loader input (signer or trust anchor): refused with its kind. */
fun runLoading(f: List<String>) {
    val unescape = { s: String -> s.replace("\\n", "\n") }
    try {
        when (f[0]) {
            "signer" -> Signer.fromPem(unescape(f[4]), unescape(f[5]), f[3]).close()
            else -> Verifier(SERVER, listOf(unescape(f[3])), 0u).close()
        }
        throw AssertionError("accepted; expected ${f[2]}")
    } catch (e: IshareJwtException) {
        checkKind(f[2], e)
    }
}

fun main(args: Array<String>) {
    val dir = File(args[0])
    val vectors = File(args[1]).readLines().filter { it.isNotEmpty() }.map(::Vector)
    fun read(name: String) = File(dir, name).readText()
    val key = read("client-eori.key.pem")
    val chain = read("client-eori.chain.pem")
    val signer = Signer.fromPem(key, chain, CLIENT)
    fun verifier(leeway: UInt = 0u) = Verifier(SERVER, listOf(ROOT_SHA256), leeway)
    val jtiV4 = Regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")

    // Every shared vector, each with a fresh verifier (no replay state).
    test("vectors present") { check(vectors.size >= 50) { "only ${vectors.size} vectors" } }
    for (v in vectors) test("vector ${v.name}") { runVector(v) }

    // The hostile inputs every language's suite runs (core/examples/hostile_cases.rs),
    // all on a thread with a 256 KiB stack, as a server's worker threads may have:
    // input that made the library recurse without bound (deep JSON nesting,
    // security review F1) would overflow it and crash the JVM, failing the suite.
    // The thread only collects each case's failure (null: passed); the tests
    // below report them.
    val hostile = File(args[2]).readLines().filter { it.isNotEmpty() }.map(::Vector)
    val loading = File(args[3]).readLines().filter { it.isNotEmpty() }.map { it.split("\t") }
    val hostileOutcomes = mutableListOf<Pair<String, Throwable?>>()
    val smallStack = Thread(null, {
        for (v in hostile) hostileOutcomes += "hostile ${v.name}" to runCatching { runVector(v) }.exceptionOrNull()
        for (f in loading) hostileOutcomes += "hostile ${f[1]}" to runCatching { runLoading(f) }.exceptionOrNull()
    }, "small-stack", 256L * 1024)
    smallStack.start()
    smallStack.join()
    test("hostile cases present") { check(hostile.size >= 10) { "only ${hostile.size} hostile cases" } }
    test("hostile loader inputs present") { check(loading.size >= 5) { "only ${loading.size}" } }
    test("hostile cases include certificate path rules (certificate_usage)") {
        check(hostile.count { it.expect == "certificate_usage" } >= 4) { "certificate_usage cases missing" }
    }
    test("hostile cases all ran on the small-stack thread") {
        checkEq(hostile.size + loading.size, hostileOutcomes.size, "cases run")
    }
    for ((name, failure) in hostileOutcomes) test(name) { failure?.let { throw it } }
    test("a panic inside the binding becomes Internal") {
        expectError<IshareJwtException.Internal> { panicSelftest() }
    }

    test("sign then verify (EORI)") {
        val token = signer.clientAssertion(SERVER, T0, null)
        val a = verifier().verify(token, T0 + 1, CLIENT)
        checkAssertion(a, CLIENT, SERVER, T0)
        checkEq(CLIENT_LEAF_SHA256, a.leafSha256, "leafSha256")
        check(jtiV4.matches(a.jti)) { "jti ${a.jti} is not a UUID v4" }
    }
    test("sign then verify (did:ishare)") {
        Signer.fromPem(read("client-did.key.pem"), read("client-did.chain.pem"), CLIENT_DID).use { did ->
            val token = did.clientAssertion(SERVER_DID, T0, null)
            Verifier(SERVER_DID, listOf(read("root-ca.pem")), 0u).use {
                checkAssertion(it.verify(token, T0 + 29, null), CLIENT_DID, SERVER_DID, T0)
            }
        }
    }
    test("signer clientId") { checkEq(CLIENT, signer.clientId(), "clientId") }
    test("explicit jti") {
        val token = signer.clientAssertion(SERVER, T0, "request-42")
        checkEq("request-42", verifier().verify(token, T0).jti, "jti")
    }
    test("system clock when now is null") {
        val before = System.currentTimeMillis() / 1000
        val a = verifier().verify(signer.clientAssertion(SERVER))
        val after = System.currentTimeMillis() / 1000
        check(a.issuedAt in before..after) { "issuedAt ${a.issuedAt} not in $before..$after" }
    }
    test("fresh jti per assertion") {
        val jtis = (1..5).map { verifier().verify(signer.clientAssertion(SERVER, T0, null), T0).jti }
        checkEq(5, jtis.toSet().size, "distinct jtis")
    }
    test("PKCS#1 key") {
        Signer.fromPem(read("client-eori.key.pkcs1.pem"), chain, CLIENT).close()
    }

    test("token request fields") {
        val fields = signer.tokenRequest(SERVER, null)
        checkEq(
            setOf("grant_type", "scope", "client_id", "client_assertion_type", "client_assertion"),
            fields.keys, "keys",
        )
        checkEq("client_credentials", fields["grant_type"], "grant_type")
        checkEq("iSHARE", fields["scope"], "scope")
        checkEq(CLIENT, fields["client_id"], "client_id")
        checkEq("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", fields["client_assertion_type"], "type")
        checkEq(CLIENT, verifier().verify(fields.getValue("client_assertion"), null, CLIENT).clientId, "iss")
    }
    test("token request scope") {
        checkEq("iSHARE extra", signer.tokenRequest(SERVER, "iSHARE extra")["scope"], "scope")
    }

    test("replay refused") {
        val v = verifier()
        val token = signer.clientAssertion(SERVER, T0, null)
        v.verify(token, T0 + 1, null)
        val e = expectError<IshareJwtException.Replay> { v.verify(token, T0 + 2, null) }
        check(e.kind() == "replay" && e.detail().contains("was already accepted")) { e.detail() }
        v.verify(signer.clientAssertion(SERVER, T0, null), T0 + 3, null)
        verifier().verify(token, T0 + 2, null) // another verifier has its own cache
    }
    test("replay refused across threads") {
        val v = verifier()
        val token = signer.clientAssertion(SERVER, T0, null)
        val pool = Executors.newFixedThreadPool(8)
        val outcomes = try {
            pool.invokeAll((1..16).map {
                Callable { try { v.verify(token, T0 + 1, null); "ok" } catch (e: IshareJwtException) { e.kind() } }
            }).map { it.get() }
        } finally {
            pool.shutdown()
        }
        checkEq(1, outcomes.count { it == "ok" }, "accepted")
        checkEq(15, outcomes.count { it == "replay" }, "replays")
    }

    // More than one instance: the replay record for a store they share.
    test("replay record: replayKey = hex SHA-256(iss 0x00 jti), replayUntil = exp + leeway") {
        val v = verifier(5u)
        val expected = MessageDigest.getInstance("SHA-256")
            .digest("$CLIENT\u0000fixed-jti".toByteArray(Charsets.UTF_8))
            .joinToString("") { "%02x".format(it) }
        // Derived outside the JVM, too: printf 'EU.EORI.NL000000001\0fixed-jti' | sha256sum
        checkEq("a4d14094bffb07096c8bd1cf59ec86928340ef4d3d78a7c959a67766855bbe4f", expected, "digest")
        val a = v.verifyUnrecorded(signer.clientAssertion(SERVER, T0, "fixed-jti"), T0 + 1, CLIENT)
        checkEq(expected, a.replayKey, "replayKey")
        checkEq(T0 + 35, a.replayUntil, "replayUntil")
        checkEq(a.expiresAt + 5, a.replayUntil, "replayUntil = exp + leeway")
        val jwt = v.verifyJwtUnrecorded(signer.signJwt(SERVER, "{\"a\":1}", T0, "fixed-jti"), T0 + 1, CLIENT)
        checkEq(expected, jwt.replayKey, "VerifiedJwt.replayKey")
        checkEq(jwt.expiresAt + 5, jwt.replayUntil, "VerifiedJwt.replayUntil")
    }
    test("unrecorded verify accepts a token twice; verify still only once") {
        val v = verifier()
        val token = signer.clientAssertion(SERVER, T0, null)
        v.verifyUnrecorded(token, T0 + 1, null)
        v.verifyUnrecorded(token, T0 + 2, null)
        v.verifyJwtUnrecorded(token, T0 + 2, null)
        v.verifyJwtUnrecorded(token, T0 + 2, CLIENT)
        // Nothing was recorded: verify accepts it once, then refuses it...
        v.verify(token, T0 + 3, null)
        expectError<IshareJwtException.Replay> { v.verify(token, T0 + 4, null) }
        expectError<IshareJwtException.Replay> { v.verifyJwt(token, T0 + 4, null) }
        // ...and the unrecorded ones read no replay cache either.
        v.verifyUnrecorded(token, T0 + 4, null)
        expectError<IshareJwtException.IssuerMismatch> {
            v.verifyJwtUnrecorded(token, T0 + 4, "EU.EORI.NL000000999")
        }
        expectError<IshareJwtException.Expired> { v.verifyUnrecorded(token, T0 + 30, null) }
    }

    // The replay cache's two bounds: all tokens, and one issuer's share of them.
    val didSigner = Signer.fromPem(read("client-did.key.pem"), read("client-did.chain.pem"), CLIENT_DID)
    fun signed(s: Signer, jti: String, now: Long = T0) = s.clientAssertion(SERVER, now, jti)
    test("replay limits: one issuer fills its share, another still gets in") {
        // 10 tokens in all, 2 (= floor(10 * 0.2)) of one issuer.
        Verifier(SERVER, listOf(ROOT_SHA256), replayCapacity = 10u, replayIssuerShare = 0.2).use { v ->
            v.verify(signed(signer, "eori-1"), T0)
            v.verify(signed(signer, "eori-2"), T0)
            val e = expectError<IshareJwtException.ReplayCacheFull> { v.verify(signed(signer, "eori-3"), T0) }
            check(e.detail().contains("\"$CLIENT\" holds its whole share (2 unexpired tokens)")) { e.detail() }
            // The cache holds 2 of 10: the other issuer is not locked out...
            v.verify(signed(didSigner, "did-1"), T0)
            v.verify(signed(didSigner, "did-2"), T0)
            // ...but has a share of its own.
            val d = expectError<IshareJwtException.ReplayCacheFull> { v.verify(signed(didSigner, "did-3"), T0) }
            check(d.detail().contains(CLIENT_DID)) { d.detail() }
            // Tokens of T0 are refused from T0 + 30 (exp) on, leave the cache
            // then, and free their issuer's share.
            v.verify(signed(signer, "eori-4", T0 + 30), T0 + 30)
        }
    }
    test("replay limits: a full cache refuses every issuer") {
        Verifier(SERVER, listOf(ROOT_SHA256), replayCapacity = 2u, replayIssuerShare = 1.0).use { v ->
            v.verify(signed(signer, "eori-1"), T0)
            v.verify(signed(signer, "eori-2"), T0)
            val e = expectError<IshareJwtException.ReplayCacheFull> { v.verify(signed(didSigner, "did-1"), T0) }
            check(e.detail().contains("2 unexpired tokens are remembered")) { e.detail() }
        }
    }
    test("replay limits: out of range is refused") {
        val capacity = "replay cache capacity must be 1 to 10000000"
        val share = "replay issuer share must be more than 0 and at most 1"
        for ((limits, message) in listOf(
            (0u to 0.1) to capacity,
            (10_000_001u to 0.1) to capacity,
            (10u to 0.0) to share,
            (10u to -0.5) to share,
            (10u to 1.5) to share,
            (10u to Double.NaN) to share,
            (10u to Double.POSITIVE_INFINITY) to share,
        )) {
            val e = expectError<IshareJwtException.InvalidArgument> {
                Verifier(SERVER, listOf(ROOT_SHA256), 0u, limits.first, limits.second)
            }
            check(e.detail().contains(message)) { "$limits: ${e.detail()}" }
        }
    }

    test("error: expired") {
        val token = signer.clientAssertion(SERVER, T0, null)
        val e = expectError<IshareJwtException.Expired> { verifier().verify(token, T0 + 30, null) }
        check(e.kind() == "expired" && e.detail().startsWith("exp ")) { e.detail() }
        verifier(5u).verify(token, T0 + 34, null)
    }
    test("error: not yet valid") {
        expectError<IshareJwtException.NotYetValid> {
            verifier().verify(signer.clientAssertion(SERVER, T0 + 60, null), T0, null)
        }
    }
    test("error: audience") {
        val token = signer.clientAssertion("EU.EORI.NL000000003", T0, null)
        expectError<IshareJwtException.Audience> { verifier().verify(token, T0, null) }
    }
    test("error: client id mismatch") {
        val token = signer.clientAssertion(SERVER, T0, null)
        expectError<IshareJwtException.ClientIdMismatch> { verifier().verify(token, T0, "EU.EORI.NL000000002") }
    }
    test("error: untrusted chain") {
        val token = signer.clientAssertion(SERVER, T0, null)
        expectError<IshareJwtException.UntrustedChain> {
            Verifier(SERVER, listOf(read("untrusted-ca.pem")), 0u).verify(token, T0, null)
        }
    }
    test("error: malformed") { expectError<IshareJwtException.Malformed> { verifier().verify("a.b", T0, null) } }
    test("error: signature") {
        val token = signer.clientAssertion(SERVER, T0, null)
        val tampered = token.dropLast(4) + (if (token.endsWith("AAAA")) "BBBB" else "AAAA")
        expectError<IshareJwtException.Signature> { verifier().verify(tampered, T0, null) }
    }
    test("error: invalid key") {
        val e = expectError<IshareJwtException.InvalidKey> { Signer.fromPem("not a key", chain, CLIENT) }
        check(!e.detail().contains("PRIVATE")) { e.detail() }
    }
    test("error: invalid certificate") {
        expectError<IshareJwtException.InvalidCertificate> { Signer.fromPem(key, "not a chain", CLIENT) }
    }
    test("error: key mismatch") {
        expectError<IshareJwtException.KeyMismatch> { Signer.fromPem(read("client-did.key.pem"), chain, CLIENT) }
    }
    test("error: party id mismatch") {
        expectError<IshareJwtException.PartyIdMismatch> { Signer.fromPem(key, chain, "EU.EORI.NL000000002") }
    }
    test("error: invalid party id") {
        expectError<IshareJwtException.InvalidPartyId> { Signer.fromPem(key, chain, "nobody") }
        expectError<IshareJwtException.InvalidPartyId> { signer.clientAssertion("nobody", T0, null) }
    }
    test("error: weak key") {
        expectError<IshareJwtException.WeakKey> {
            Signer.fromPem(read("client-1024.key.pem"), read("client-1024.chain.pem"), "EU.EORI.NL000000003")
        }
    }
    test("error: invalid trust anchor") {
        expectError<IshareJwtException.InvalidTrustAnchor> { Verifier(SERVER, listOf("not a root"), 0u) }
        expectError<IshareJwtException.InvalidTrustAnchor> { Verifier(SERVER, emptyList(), 0u) }
    }
    test("error: invalid argument") {
        expectError<IshareJwtException.InvalidArgument> { Verifier(SERVER, listOf(ROOT_SHA256), 301u) }
        expectError<IshareJwtException.InvalidArgument> { signer.clientAssertion(SERVER, -1, null) }
        expectError<IshareJwtException.InvalidArgument> { signer.clientAssertion(SERVER, T0, "") }
        expectError<IshareJwtException.InvalidArgument> { signer.tokenRequest(SERVER, "bad\"scope") }
        expectError<IshareJwtException.InvalidArgument> { verifier().verify("a.b.c", -5, null) }
    }
    test("error: too large") {
        expectError<IshareJwtException.TooLarge> { verifier().verify("a".repeat(70_000), T0, null) }
    }

    didSigner.close()
    signer.close()

    runJwtTests(File(args[4]), File(args[5]), File(args[6]))
    runExplainTests(dir, vectors, hostile, File(args[5]))
    runTokenTests(File(args[4]), args[7])
    runExternalSignerTests(dir, File(args[4]), args[7])
    println("kotlin: $passed passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}
