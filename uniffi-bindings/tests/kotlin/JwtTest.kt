// Kotlin tests of every iSHARE JWT and the satellite checks: the general JWT
// vectors (tests/vectors/jwt/, converted to tables by scripts/test-kotlin),
// signJwt -> verifyJwt round trips, checkParty and trustedListAnchors on
// answers signed with the test PKI's satellite key, the OAuth profile, and
// the error variants these add. Run from IshareJwtTest.kt's main() with the
// test PKI directory and the two JWT tables; uses its test()/check helpers.

import ishare.jwt.IshareJwtException
import ishare.jwt.PartyInfo
import ishare.jwt.Profile
import ishare.jwt.Signer
import ishare.jwt.VerifiedJwt
import ishare.jwt.Verifier
import ishare.jwt.checkParty
import ishare.jwt.trustedListAnchors
import java.io.File
import java.math.BigDecimal
import java.security.MessageDigest
import java.util.Base64

/** A time inside the test PKI's validity: 2027-01-01T00:00:00Z. */
const val PKI_NOW = 1798761600L
/** The satellite of the test PKI (testdata/pki/server-eori). */
const val SATELLITE = "EU.EORI.NL000000100"
/** A client of the test PKI (testdata/pki/client-eori). */
const val PKI_CLIENT = "EU.EORI.NL000000101"
/** A service with a token endpoint: it only verifies, so it needs no key. */
const val SERVICE = "EU.EORI.NL000000102"
val ENVELOPE = listOf("iss", "sub", "aud", "jti", "iat", "nbf", "exp")

class JwtVector(line: String) {
    private val fields = line.split("\t")
    val name = fields[0]
    val expect = fields[1]
    val audience = fields[2]
    val now = fields[3].toLong()
    val leeway = fields[4].toUInt()
    val issuer: String? = fields[5].ifEmpty { null }
    val roots = fields[6].split(";").map { it.replace("\\n", "\n") }
    val token = fields[7]
    val claims = fields[8]
}

fun sha256Hex(bytes: ByteArray): String =
    MessageDigest.getInstance("SHA-256").digest(bytes).joinToString("") { "%02X".format(it) }

/** A part (0: header, 1: claims) of a compact token, decoded. */
fun tokenPart(token: String, index: Int): Map<String, Any?> =
    Json.parseObject(String(Base64.getUrlDecoder().decode(token.split(".")[index]), Charsets.UTF_8))

/** Equal JSON values; the message shows only the start of large ones. */
fun checkJsonEq(expected: Any?, found: Any?, what: String) =
    check(expected == found) { "$what: expected <${expected.toString().take(300)}>, found <${found.toString().take(300)}>" }

/** The envelope a verified JWT reports agrees with its payload. */
fun checkEnvelope(jwt: VerifiedJwt) {
    val payload = Json.parseObject(jwt.claimsJson)
    checkEq(ENVELOPE, payload.keys.take(ENVELOPE.size), "the envelope leads the payload, in order")
    checkEq(payload["iss"], jwt.issuer, "issuer")
    checkEq(payload["sub"], jwt.issuer, "sub")
    checkEq(payload["aud"], jwt.audience, "audience")
    checkEq(payload["jti"], jwt.jti, "jti")
    checkEq(payload["iat"], jsonNumber(jwt.issuedAt), "issuedAt")
    checkEq(payload["nbf"], jwt.notBefore?.let(::jsonNumber), "notBefore")
    checkEq(payload["exp"], jsonNumber(jwt.expiresAt), "expiresAt")
    checkEq("RS256", jwt.algorithm, "algorithm")
    check(jwt.chain.isNotEmpty()) { "empty chain" }
    checkEq(sha256Hex(jwt.chain[0]), jwt.leafSha256, "leafSha256 is the first chain certificate's")
}

/** A JSON number as [Json] reads it. */
fun jsonNumber(value: Long): BigDecimal = BigDecimal(value).stripTrailingZeros()

/** One JWT vector: a fresh verifier as it describes, one verifyJwt, its verdict and payload. */
fun runJwtVector(v: JwtVector) {
    Verifier(v.audience, v.roots, v.leeway).use { verifier ->
        if (v.expect == "valid") {
            val jwt = verifier.verifyJwt(v.token, v.now, v.issuer)
            checkJsonEq(Json.parse(v.claims), Json.parse(jwt.claimsJson), "payload")
            checkEnvelope(jwt)
            checkEq(v.audience, jwt.audience, "audience")
            v.issuer?.let { checkEq(it, jwt.issuer, "issuer") }
        } else {
            try {
                verifier.verifyJwt(v.token, v.now, v.issuer)
                throw AssertionError("accepted; expected ${v.expect}")
            } catch (e: IshareJwtException) {
                checkKind(v.expect, e)
            }
        }
    }
}

fun runJwtTests(pkiDir: File, jwtVectorsTable: File, signTable: File) {
    fun pki(name: String) = File(pkiDir, name).readText()
    val root = pki("root-ca.sha256").trim()
    val satellite = Signer.fromPem(pki("server-eori.key.pem"), pki("server-eori.chain.pem"), SATELLITE)
    val client = Signer.fromPem(pki("client-eori.key.pem"), pki("client-eori.chain.pem"), PKI_CLIENT)
    fun verifierFor(audience: String, roots: List<String> = listOf(root)) = Verifier(audience, roots, 0u)

    test("json helper tells values apart") {
        checkEq(Json.parse("""{"a":[1,2.50,-0.0,1E+2]}"""), Json.parse("""{ "a" : [1.0, 2.5, 0, 100] }"""), "equal")
        check(Json.parse("""{"a":1}""") != Json.parse("""{"a":2}""")) { "1 == 2" }
        check(Json.parse("""["\ud83d\ude00"]""") != Json.parse("""["\ud83d"]""")) { "surrogates" }
        check(Json.parse("""{"a":null}""") != Json.parse("{}")) { "null is not absence" }
        checkEq(listOf("b", "a"), Json.parseObject("""{"b":1,"a":2}""").keys.toList(), "order kept")
        for (bad in listOf("""{"a":1,"a":1}""", "[1,]", "{} x", "\"\u0001\"", "01")) {
            check(runCatching { Json.parse(bad) }.isFailure) { "accepted $bad" }
        }
    }

    // Every general JWT vector, each with a fresh verifier (no replay state).
    val vectors = jwtVectorsTable.readLines().filter { it.isNotEmpty() }.map(::JwtVector)
    test("jwt vectors present") { check(vectors.size >= 14) { "only ${vectors.size} jwt vectors" } }
    for (v in vectors) test("jwt vector ${v.name}") { runJwtVector(v) }

    // Every sign input: signed with the signer the vectors name, verified, and
    // its payload the envelope followed by the input's members, in order.
    val signRows = signTable.readLines().filter { it.isNotEmpty() }.map { it.split("\t") }
    val signerRow = signRows.first { it[0] == "signer" }
    val (keyPath, chainPath, party, audience) = signerRow.drop(1)
    val now = signerRow[5].toLong()
    val inputs = signRows.filter { it[0] == "input" }
    test("sign inputs present") { check(inputs.size >= 18) { "only ${inputs.size} sign inputs" } }
    Signer.fromPem(File(keyPath).readText(), File(chainPath).readText(), party).use { signer ->
        val verifier = verifierFor(audience)
        for ((_, name, expect, claimsField) in inputs) test("sign input $name") {
            val claims = if (claimsField == "\\N") null else claimsField
            if (expect == "valid") {
                val jwt = verifier.verifyJwt(signer.signJwt(audience, claims, now, null), now, party)
                checkEnvelope(jwt)
                checkEq(now + 30, jwt.expiresAt, "expiresAt")
                val own = Json.parseObject(jwt.claimsJson).filterKeys { it !in ENVELOPE }
                val given = claims?.let(Json::parseObject) ?: emptyMap()
                checkJsonEq(given, own, "the caller's members")
                checkEq(given.keys.toList(), own.keys.toList(), "member order")
            } else {
                try {
                    signer.signJwt(audience, claims, now, null)
                    throw AssertionError("signed; expected $expect")
                } catch (e: IshareJwtException) {
                    checkKind(expect, e)
                }
            }
        }
        verifier.close()
    }

    test("signJwt -> verifyJwt: non-ASCII and nested values come back equal") {
        val claims = """{"name":"Grüße – 東京 😀","nested":{"list":[1,2.5,-0.0,1E+2,null,true,false,{"deep":"é\u00e9"}],""" +
            """"empty":{},"none":[]},"escapes":"tab\tquote\"back\\slash\/ \u2028 \u0000","big":12345678901234567890}"""
        val token = satellite.signJwt(PKI_CLIENT, claims, PKI_NOW, "fixed-jti")
        val jwt = verifierFor(PKI_CLIENT).verifyJwt(token, PKI_NOW + 29, SATELLITE)
        checkEnvelope(jwt)
        checkEq(Triple("fixed-jti", PKI_NOW, PKI_NOW + 30), Triple(jwt.jti, jwt.notBefore, jwt.expiresAt), "jti, nbf, exp")
        checkEq(Triple(SATELLITE, PKI_CLIENT, satellite.leafSha256()), Triple(jwt.issuer, jwt.audience, jwt.leafSha256), "parties")
        checkEq(3, jwt.chain.size, "chain length")
        val own = Json.parseObject(jwt.claimsJson).filterKeys { it !in ENVELOPE }
        checkJsonEq(Json.parse(claims), own, "payload")
        checkEq(listOf("name", "nested", "escapes", "big"), own.keys.toList(), "member order")
        checkEq("Grüße – 東京 😀", own["name"], "non-ASCII string")
        checkEq("tab\tquote\"back\\slash/ \u2028 \u0000", own["escapes"], "escapes")
        checkEq(BigDecimal("12345678901234567890").stripTrailingZeros(), own["big"], "a number beyond Int64")
        // What the token carries is the same payload, byte for byte.
        checkEq(jwt.claimsJson, String(Base64.getUrlDecoder().decode(token.split(".")[1]), Charsets.UTF_8), "claimsJson")
    }
    test("signJwt without claims, system clock, fresh jti") {
        val before = System.currentTimeMillis() / 1000
        val verifier = verifierFor(PKI_CLIENT)
        val jwt = verifier.verifyJwt(satellite.signJwt(PKI_CLIENT))
        val after = System.currentTimeMillis() / 1000
        check(jwt.issuedAt in before..after) { "issuedAt ${jwt.issuedAt} not in $before..$after" }
        checkEq(ENVELOPE, Json.parseObject(jwt.claimsJson).keys.toList(), "only the envelope")
        check(Regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}").matches(jwt.jti)) { jwt.jti }
        checkEq("JWT", tokenPart(satellite.signJwt(PKI_CLIENT), 0)["typ"], "typ")
    }
    test("verifyJwt shares the replay cache with verify") {
        val verifier = verifierFor(PKI_CLIENT)
        val token = satellite.signJwt(PKI_CLIENT, """{"a":1}""", PKI_NOW, null)
        verifier.verifyJwt(token, PKI_NOW, null)
        expectError<IshareJwtException.Replay> { verifier.verifyJwt(token, PKI_NOW + 1, null) }
        expectError<IshareJwtException.Replay> { verifier.verify(token, PKI_NOW + 1, null) }
    }
    test("error: issuer mismatch") {
        val token = satellite.signJwt(PKI_CLIENT, null, PKI_NOW, null)
        val e = expectError<IshareJwtException.IssuerMismatch> {
            verifierFor(PKI_CLIENT).verifyJwt(token, PKI_NOW, "EU.EORI.NL000000999")
        }
        check(e.detail().contains("EU.EORI.NL000000999")) { e.detail() }
        checkEq(SATELLITE, verifierFor(PKI_CLIENT).verifyJwt(token, PKI_NOW, SATELLITE).issuer, "issuer")
    }
    test("error: signJwt refuses claims it cannot carry") {
        for (claims in listOf("""{"iss":"x"}""", """{"exp":1}""", "[1]", "\"x\"", """{"a":""", """{"a":1,"a":2}""")) {
            val e = expectError<IshareJwtException.InvalidArgument> { satellite.signJwt(PKI_CLIENT, claims, PKI_NOW, null) }
            check(e.detail().contains("claims")) { "$claims: ${e.detail()}" }
        }
        expectError<IshareJwtException.InvalidPartyId> { satellite.signJwt("nobody", null, PKI_NOW, null) }
        expectError<IshareJwtException.InvalidArgument> { satellite.signJwt(PKI_CLIENT, null, -1, null) }
    }

    // The satellite checks, as a service's token endpoint makes them: the
    // client's assertion verifies, then the satellite's parties answer
    // (fetched by the app, signed by the satellite, addressed to the service)
    // says the client is an active participant with that certificate.
    val assertion = verifierFor(SERVICE).verify(client.clientAssertion(SERVICE, PKI_NOW, null), PKI_NOW, PKI_CLIENT)
    fun satelliteAnswer(claims: String): VerifiedJwt =
        verifierFor(SERVICE).use { it.verifyJwt(satellite.signJwt(SERVICE, claims, PKI_NOW, null), PKI_NOW, SATELLITE) }
    fun party(id: String, status: String = "Active", start: String = "2026-01-01T00:00:00Z",
              end: String = "2028-01-01T00:00:00Z", fingerprint: String = assertion.leafSha256.lowercase()) =
        """{"party_id":"$id","party_name":"Name of $id","adherence":{"status":"$status","start_date":"$start",""" +
            """"end_date":"$end"},"certificates":[{"x5t#S256":"$fingerprint"}]}"""
    fun parties(vararg entries: String) =
        satelliteAnswer("""{"parties_info":{"count":${entries.size},"data":[${entries.joinToString(",")}]}}""")

    test("checkParty: an active party with the assertion's certificate") {
        val jwt = parties(party(SATELLITE), party(PKI_CLIENT))
        val info = checkParty(jwt, PKI_CLIENT, assertion.leafSha256, PKI_NOW)
        checkEq(
            PartyInfo(PKI_CLIENT, "Name of $PKI_CLIENT", "Active", 1767225600L, 1830297600L,
                listOf(assertion.leafSha256.lowercase())),
            info, "party info",
        )
        checkEq(info, checkParty(jwt, PKI_CLIENT, null, PKI_NOW), "without a certificate to check")
    }
    test("checkParty: the system clock when now is null") {
        val jwt = parties(party(PKI_CLIENT, start = "2000-01-01T00:00:00Z", end = "2999-01-01T00:00:00Z"))
        checkEq("Active", checkParty(jwt, PKI_CLIENT).status, "status")
        expectError<IshareJwtException.PartyNotActive> {
            checkParty(parties(party(PKI_CLIENT, start = "2000-01-01T00:00:00Z", end = "2001-01-01T00:00:00Z")), PKI_CLIENT)
        }
    }
    test("checkParty: iSHARE 2.1 member names") {
        val jwt = satelliteAnswer(
            """{"partiesInfo":{"count":1,"data":[{"partyId":"$PKI_CLIENT","partyName":"Demo","adherence":""" +
                """{"status":"Active","startDate":"2026-01-01T00:00:00Z","endDate":"2028-01-01T00:00:00Z"},"certificates":[]}]}}""",
        )
        checkEq("Demo", checkParty(jwt, PKI_CLIENT, null, PKI_NOW).partyName, "partyName")
    }
    test("error: party unknown") {
        val e = expectError<IshareJwtException.PartyUnknown> {
            checkParty(parties(party(SATELLITE)), PKI_CLIENT, assertion.leafSha256, PKI_NOW)
        }
        check(e.detail().contains(PKI_CLIENT)) { e.detail() }
        expectError<IshareJwtException.PartyUnknown> { checkParty(parties(), PKI_CLIENT, null, PKI_NOW) }
    }
    test("error: party not active") {
        val e = expectError<IshareJwtException.PartyNotActive> {
            checkParty(parties(party(PKI_CLIENT, status = "Revoked")), PKI_CLIENT, assertion.leafSha256, PKI_NOW)
        }
        check(e.detail().contains("Revoked")) { e.detail() }
        val jwt = parties(party(PKI_CLIENT))
        expectError<IshareJwtException.PartyNotActive> { checkParty(jwt, PKI_CLIENT, null, 1830297600L) }
        expectError<IshareJwtException.PartyNotActive> { checkParty(jwt, PKI_CLIENT, null, 1767225599L) }
        checkParty(jwt, PKI_CLIENT, null, 1830297599L)
    }
    test("error: party certificate unknown") {
        val jwt = parties(party(PKI_CLIENT, fingerprint = satellite.leafSha256()))
        val e = expectError<IshareJwtException.PartyCertificateUnknown> {
            checkParty(jwt, PKI_CLIENT, assertion.leafSha256, PKI_NOW)
        }
        check(e.detail().contains(assertion.leafSha256)) { e.detail() }
        checkParty(jwt, PKI_CLIENT, satellite.leafSha256().lowercase(), PKI_NOW)
    }
    test("error: a satellite answer of the wrong shape") {
        expectError<IshareJwtException.InvalidResponse> {
            checkParty(satelliteAnswer("""{"parties_info":{"data":{}}}"""), PKI_CLIENT, null, PKI_NOW)
        }
        expectError<IshareJwtException.MissingClaim> { checkParty(satelliteAnswer("{}"), PKI_CLIENT, null, PKI_NOW) }
    }
    test("error: a VerifiedJwt no verification made") {
        val jwt = parties(party(PKI_CLIENT))
        expectError<IshareJwtException.UnsupportedAlgorithm> { checkParty(jwt.copy(algorithm = "none"), PKI_CLIENT, null, PKI_NOW) }
        expectError<IshareJwtException.InvalidPartyId> { trustedListAnchors(jwt.copy(issuer = "nobody")) }
    }

    test("trustedListAnchors feed a Verifier") {
        val jwt = satelliteAnswer(
            """{"trusted_list":[""" +
                """{"subject":"CN=Root","certificate_fingerprint":"${root.lowercase()}","validity":"valid","status":"granted"},""" +
                """{"subject":"CN=Old","certificate_fingerprint":"${"11".repeat(32)}","validity":"invalid","status":"granted"},""" +
                """{"subject":"CN=Gone","certificate_fingerprint":"${"22".repeat(32)}","validity":"valid","status":"withdrawn"}]}""",
        )
        val anchors = trustedListAnchors(jwt)
        checkEq(listOf(root.uppercase()), anchors, "anchors")
        Verifier(SERVICE, anchors, 0u).use {
            checkEq(PKI_CLIENT, it.verify(client.clientAssertion(SERVICE, PKI_NOW, null), PKI_NOW, PKI_CLIENT).clientId, "clientId")
        }
        // Anchors that are not the chain's root do not make it trusted.
        val other = satelliteAnswer(
            """{"trustedList":[{"certificateFingerprint":"${"33".repeat(32)}","validity":"valid","status":"granted"}]}""",
        )
        Verifier(SERVICE, trustedListAnchors(other), 0u).use {
            expectError<IshareJwtException.UntrustedChain> { it.verify(client.clientAssertion(SERVICE, PKI_NOW, null), PKI_NOW, null) }
        }
    }
    test("error: trustedListAnchors without a usable list") {
        expectError<IshareJwtException.MissingClaim> { trustedListAnchors(parties(party(PKI_CLIENT))) }
        expectError<IshareJwtException.InvalidResponse> {
            trustedListAnchors(satelliteAnswer("""{"trusted_list":[{"certificate_fingerprint":"00","validity":"valid","status":"withdrawn"}]}"""))
        }
        expectError<IshareJwtException.InvalidResponse> {
            trustedListAnchors(satelliteAnswer("""{"trusted_list":[{"certificate_fingerprint":"00","validity":"valid","status":"granted"}]}"""))
        }
    }

    // The generic OAuth client assertion.
    val issuer = "https://as.example.com"
    test("Profile: constructors, equality, description") {
        val oauth = Profile.oauth()
        checkEq(Pair("client-authentication+jwt", 60u), Pair(oauth.typ(), oauth.lifetimeSecs()), "oauth()")
        checkEq(Pair("JWT", 30u), Pair(Profile.ishare().typ(), Profile.ishare().lifetimeSecs()), "ishare()")
        checkEq(oauth, Profile.oauth(60u), "equal")
        checkEq(oauth.hashCode(), Profile.oauth(60u).hashCode(), "hash")
        check(oauth != Profile.ishare() && oauth != Profile.oauth(61u)) { "unequal profiles are equal" }
        checkEq("Profile.oauth(60)", oauth.toString(), "toString")
        checkEq("Profile.ishare()", Profile.ishare().toString(), "toString")
        checkEq(Profile.ishare(), client.profile(), "a signer's default profile")
    }
    test("error: OAuth lifetime out of range") {
        for (bad in listOf(0u, 3601u, UInt.MAX_VALUE)) {
            val e = expectError<IshareJwtException.InvalidArgument> { Profile.oauth(bad) }
            check(e.detail().contains("lifetime")) { e.detail() }
        }
        Profile.oauth(3600u).close()
    }
    test("OAuth profile round trip; the profiles refuse each other's tokens") {
        val oauth = Profile.oauth(60u)
        Signer.fromPem(pki("client-eori.key.pem"), pki("client-eori.chain.pem"), PKI_CLIENT, oauth).use { signer ->
            checkEq(oauth, signer.profile(), "signer profile")
            val token = signer.clientAssertion(issuer, PKI_NOW, null)
            checkEq("client-authentication+jwt", tokenPart(token, 0)["typ"], "typ")
            checkEq(jsonNumber(PKI_NOW + 60), tokenPart(token, 1)["exp"], "exp")
            Verifier(issuer, listOf(root), profile = oauth).use { v ->
                val a = v.verify(token, PKI_NOW + 59, PKI_CLIENT)
                checkEq(Triple(issuer, PKI_CLIENT, PKI_NOW + 60), Triple(a.audience, a.clientId, a.expiresAt), "assertion")
                expectError<IshareJwtException.Expired> { v.verify(signer.clientAssertion(issuer, PKI_NOW, null), PKI_NOW + 60, null) }
                val ishareToken = client.clientAssertion(SERVICE, PKI_NOW, null)
                expectError<IshareJwtException.InvalidHeader> { v.verify(ishareToken, PKI_NOW, null) }
            }
            expectError<IshareJwtException.InvalidHeader> { verifierFor(SERVICE).verify(token, PKI_NOW, null) }
            // The OAuth signer's JWTs carry its lifetime and verify under its profile.
            val jwt = Verifier(issuer, listOf(root), profile = oauth).verifyJwt(signer.signJwt(issuer, """{"x":1}""", PKI_NOW, null), PKI_NOW)
            checkEq(PKI_NOW + 60, jwt.expiresAt, "jwt expiresAt")
        }
        // An OAuth verifier's audience is an issuer identifier; an iSHARE one's a party id.
        expectError<IshareJwtException.InvalidPartyId> { Verifier(issuer, listOf(root), 0u) }
    }

    client.close()
    satellite.close()
}
