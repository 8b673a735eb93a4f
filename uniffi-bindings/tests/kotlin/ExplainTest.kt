// Kotlin tests of verifier.explain / explainJwt: the report's verdict and
// kind are verify's on every shared vector, hostile input (on a small stack)
// and JWT vector; two broken rules show as two failures. And what a signer
// knows of its own chain: warnings(), notAfter(), an expired certificate
// refused when the signer is made. Run from IshareJwtTest.kt's main() with
// the vectors directory and the converted tables; uses its test()/check
// helpers.

import ishare.jwt.IshareJwtException
import ishare.jwt.Report
import ishare.jwt.Signer
import ishare.jwt.Verifier
import java.io.File

/** tests/vectors/README.md: every certificate but the expired one is valid 2025-01-01 to 2045-01-01. */
const val VECTORS_NOT_AFTER = 2366841600L

/** The kind [call] fails with, or null when it succeeds. */
fun verifyKind(call: () -> Unit): String? =
    try {
        call()
        null
    } catch (e: IshareJwtException) {
        e.kind()
    }

/** The report says what verify said: [kind] (null: accepted). */
fun checkReport(report: Report, kind: String?) {
    checkEq(kind, report.kind, "kind")
    checkEq(if (kind == null) "accepted" else "refused", report.verdict, "verdict")
    checkEq(kind, report.rules.firstOrNull { it.status == "fail" }?.kind, "the first failing rule's kind")
    if (kind == null) check(report.rules.all { it.status == "pass" }) { "accepted with a rule not passed" }
}

/** explain of one vector against verify of it (each with a fresh verifier). */
fun explainAgrees(v: Vector) {
    val kind = verifyKind { Verifier(v.audience, v.roots, v.leeway).use { it.verify(v.token, v.now, v.clientId) } }
    Verifier(v.audience, v.roots, v.leeway).use { checkReport(it.explain(v.token, v.now, v.clientId), kind) }
}

fun explainJwtAgrees(v: JwtVector) {
    val kind = verifyKind { Verifier(v.audience, v.roots, v.leeway).use { it.verifyJwt(v.token, v.now, v.issuer) } }
    Verifier(v.audience, v.roots, v.leeway).use { checkReport(it.explainJwt(v.token, v.now, v.issuer), kind) }
}

fun runExplainTests(dir: File, vectors: List<Vector>, hostile: List<Vector>, jwtVectorsTable: File) {
    fun read(name: String) = File(dir, name).readText()
    for (v in vectors) test("explain: vector ${v.name}") { explainAgrees(v) }

    val outcomes = mutableListOf<Pair<String, Throwable?>>()
    val smallStack = Thread(null, {
        for (v in hostile) outcomes += "explain: hostile ${v.name}" to runCatching { explainAgrees(v) }.exceptionOrNull()
    }, "small-stack-explain", 256L * 1024)
    smallStack.start()
    smallStack.join()
    test("explain: every hostile case ran on the small-stack thread") {
        check(hostile.size >= 10) { "only ${hostile.size} hostile cases" }
        checkEq(hostile.size, outcomes.size, "cases run")
    }
    for ((name, failure) in outcomes) test(name) { failure?.let { throw it } }

    val jwtVectors = jwtVectorsTable.readLines().filter { it.isNotEmpty() }.map(::JwtVector)
    test("explain: JWT vectors present") { check(jwtVectors.size >= 14) { "only ${jwtVectors.size}" } }
    for (v in jwtVectors) test("explainJwt: vector ${v.name}") { explainJwtAgrees(v) }

    Signer.fromPem(read("client-eori.key.pem"), read("client-eori.chain.pem"), CLIENT).use { signer ->
        test("explain: a token breaking two rules shows both") {
            val token = signer.clientAssertion("EU.EORI.NL000000999", T0, null)
            Verifier(SERVER, listOf(ROOT_SHA256), 0u).use { verifier ->
                val report = verifier.explain(token, T0 + 3600, CLIENT)
                checkEq("refused", report.verdict, "verdict")
                checkEq("audience", report.kind, "kind")
                checkEq(
                    listOf("audience" to "audience", "not_expired" to "expired"),
                    report.rules.filter { it.status == "fail" }.map { it.rule to it.kind },
                    "failed rules",
                )
                checkEq("pass", report.rules.first { it.rule == "lifetime" }.status, "lifetime")
                checkEq("EU.EORI.NL000000999", Json.parse(report.claimsJson!!).let { (it as Map<*, *>)["aud"] }, "aud")
                checkEq("RS256", (Json.parse(report.headerJson!!) as Map<*, *>)["alg"], "alg")
                checkEq(listOf(0u, 1u, 2u), report.chain.map { it.position }, "chain positions")
                checkEq(CLIENT_LEAF_SHA256, report.chain[0].sha256, "leaf sha256")
                checkEq(2048u, report.chain[0].keyBits, "key bits")
                check(report.chain[0].party.contains(CLIENT)) { "party ${report.chain[0].party}" }
                // explain records no replay: verify still accepts a fresh token once.
                val fresh = signer.clientAssertion(SERVER, T0, null)
                checkReport(verifier.explain(fresh, T0, null), null)
                verifier.verify(fresh, T0, null)
                expectError<IshareJwtException.Replay> { verifier.verify(fresh, T0, null) }
            }
        }
        test("signer: notAfter is the leaf's; a full chain has no warning") {
            checkEq(VECTORS_NOT_AFTER, signer.notAfter(), "notAfter")
            checkEq(emptyList<String>(), signer.warnings(), "warnings")
            val e = expectError<IshareJwtException.CertificateExpired> {
                signer.clientAssertion(SERVER, VECTORS_NOT_AFTER + 1, null)
            }
            check(e.detail().contains("x5c[0]")) { e.detail() }
        }
    }
    test("signer: a chain without its root loads with a warning") {
        val end = "-----END CERTIFICATE-----"
        val blocks = read("client-eori.chain.pem").split(end).dropLast(1).map { it + end + "\n" }
        checkEq(3, blocks.size, "certificates in the chain file")
        Signer.fromPem(read("client-eori.key.pem"), blocks.take(2).joinToString(""), CLIENT).use { rootless ->
            checkEq(1, rootless.warnings().size, "warnings")
            check(rootless.warnings()[0].contains("root")) { rootless.warnings()[0] }
        }
    }
    test("signer: an expired certificate is refused when the signer is made") {
        try {
            Signer.fromPem(read("client-expired.key.pem"), read("client-expired.chain.pem"), "EU.EORI.NL000000002").close()
            throw AssertionError("the expired chain loaded")
        } catch (e: IshareJwtException) {
            check(e is IshareJwtException.InvalidCertificate || e is IshareJwtException.CertificateExpired) {
                "${e.javaClass.simpleName}: ${e.detail()}"
            }
            check(e.detail().contains("x5c[0]")) { e.detail() }
        }
    }
}
