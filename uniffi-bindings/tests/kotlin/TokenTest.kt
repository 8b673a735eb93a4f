// Kotlin tests of access tokens, both sides of /connect/token: the sans-IO
// TokenManager driven by java.net.http.HttpClient against the LIVE test token
// endpoint (tests/token-endpoint, started by scripts/test-kotlin, its URL the
// last argument), and the token endpoint's own functions (parseTokenRequest,
// oauthErrorFor, tokenResponseBody, tokenResponseHeaders); then every error
// variant's kind() and code(). Run from IshareJwtTest.kt's main(); uses its
// test()/check helpers and JwtTest.kt's test PKI constants.

import ishare.jwt.AccessToken
import ishare.jwt.IshareJwtException
import ishare.jwt.OAuthErrorResponse
import ishare.jwt.OAuthException
import ishare.jwt.Signer
import ishare.jwt.TokenManager
import ishare.jwt.TokenStep
import ishare.jwt.Verifier
import ishare.jwt.oauthErrorFor
import ishare.jwt.panicSelftest
import ishare.jwt.parseTokenRequest
import ishare.jwt.tokenResponseBody
import ishare.jwt.tokenResponseHeaders
import java.io.File
import java.net.URI
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.Callable
import java.util.concurrent.Executors

val http: HttpClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()

fun send(request: HttpRequest.Builder): HttpResponse<ByteArray> =
    http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray())

fun httpPost(url: String, body: String, contentType: String): HttpResponse<ByteArray> =
    send(HttpRequest.newBuilder(URI(url)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)))

/**
 * What an app writes around the sans-IO manager for one key (server, token
 * URL, scope): get -> POST the request -> finish, under one lock per key, so
 * that threads missing the same key at once make one request between them.
 */
class TokenClient(
    private val manager: TokenManager,
    private val serverId: String,
    private val tokenUrl: String,
    private val scope: String = "iSHARE",
) {
    private val lock = Any()

    fun token(): AccessToken = synchronized(lock) {
        when (val step = manager.get(serverId, tokenUrl, scope)) {
            is TokenStep.Cached -> step.token
            is TokenStep.Fetch -> {
                val request = step.request
                val response = httpPost(request.url, request.body, request.contentType)
                manager.finish(serverId, tokenUrl, scope, response.statusCode().toUShort(), response.body())
            }
        }
    }

    fun invalidate() = manager.invalidate(serverId, tokenUrl, scope)
}

/** A form body from name-value pairs (values form-encoded). */
fun form(vararg fields: Pair<String, String>): String =
    fields.joinToString("&") { (name, value) -> "$name=${URLEncoder.encode(value, Charsets.UTF_8)}" }

const val JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

/** Runs [block], demanding it throw an OAuth refusal; gives its answer. */
fun expectRefusal(block: () -> Unit): OAuthErrorResponse {
    try {
        block()
    } catch (e: OAuthException.Refused) {
        checkOAuth(e.response)
        check(e.message!!.contains(e.response.errorDescription)) { "message ${e.message}" }
        return e.response
    }
    throw AssertionError("expected OAuthException, nothing was thrown")
}

/** An OAuth answer's body is the JSON of its error and description. */
fun checkOAuth(answer: OAuthErrorResponse) {
    checkEq(
        mapOf("error" to answer.error, "error_description" to answer.errorDescription),
        Json.parseObject(answer.body), "the body's JSON",
    )
}

fun runTokenTests(pki: File, base: String) {
    fun read(name: String) = File(pki, name).readText()
    val signer = Signer.fromPem(read("client-eori.key.pem"), read("client-eori.chain.pem"), PKI_CLIENT)
    val rootSha256 = read("root-ca.sha256").trim()
    val tokenUrl = "$base/connect/token"
    fun count(): Int = String(send(HttpRequest.newBuilder(URI("$base/count")).GET()).body()).trim().toInt()
    fun resource(token: AccessToken): Int =
        send(HttpRequest.newBuilder(URI("$base/resource")).header("Authorization", "Bearer ${token.accessToken}").GET())
            .statusCode()
    fun revokeAll() = httpPost("$base/revoke", "", "text/plain")
    val jtiV4 = Regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")

    // The client side, sans-IO: no network.
    test("token manager: a miss is a request with a fresh assertion the server side accepts") {
        TokenManager(signer).use { manager ->
            val step = manager.get(SATELLITE, tokenUrl)
            val request = (step as TokenStep.Fetch).request
            checkEq(tokenUrl, request.url, "url")
            checkEq("application/x-www-form-urlencoded", request.contentType, "contentType")
            val parsed = parseTokenRequest(request.body)
            checkEq(PKI_CLIENT, parsed.clientId, "clientId")
            checkEq("iSHARE", parsed.scope, "scope")
            val assertion = Verifier(SATELLITE, listOf(rootSha256)).use { it.verify(parsed.clientAssertion, null, parsed.clientId) }
            check(jtiV4.matches(assertion.jti)) { "jti ${assertion.jti}" }
            val again = (manager.get(SATELLITE, tokenUrl) as TokenStep.Fetch).request
            check(again.body != request.body) { "a second miss signs a fresh assertion" }
            val other = (manager.get(SATELLITE, tokenUrl, "iSHARE other") as TokenStep.Fetch).request
            checkEq("iSHARE other", parseTokenRequest(other.body).scope, "scope")
        }
    }
    test("token manager: cached until refreshBefore before expiry, then a fetch; per key") {
        TokenManager(signer, 60u).use { manager ->
            checkEq(60u, manager.refreshBefore(), "refreshBefore")
            val body = tokenResponseBody("cached", 3600u).toByteArray()
            val token = manager.finish(SATELLITE, tokenUrl, "iSHARE", 200u, body, PKI_NOW)
            checkEq(AccessToken("cached", "Bearer", PKI_NOW + 3600), token, "token")
            checkEq(TokenStep.Cached(token), manager.get(SATELLITE, tokenUrl, now = PKI_NOW + 3539), "at expiry - 61")
            check(manager.get(SATELLITE, tokenUrl, now = PKI_NOW + 3540) is TokenStep.Fetch) { "at expiry - 60" }
            check(manager.get(SATELLITE, tokenUrl, "other", PKI_NOW) is TokenStep.Fetch) { "another scope" }
            check(manager.get(SATELLITE, "$tokenUrl/2", now = PKI_NOW) is TokenStep.Fetch) { "another URL" }
            check(manager.get(SERVICE, tokenUrl, now = PKI_NOW) is TokenStep.Fetch) { "another server" }
            manager.invalidate(SATELLITE, tokenUrl)
            check(manager.get(SATELLITE, tokenUrl, now = PKI_NOW) is TokenStep.Fetch) { "after invalidate" }
        }
    }
    test("token manager: a 200 that is not a token response is InvalidResponse; nothing cached") {
        TokenManager(signer).use { manager ->
            expectError<IshareJwtException.InvalidResponse> {
                manager.finish(SATELLITE, tokenUrl, "iSHARE", 200u, "{\"access_token\":\"x\"}".toByteArray())
            }
            check(manager.get(SATELLITE, tokenUrl) is TokenStep.Fetch) { "cached after an error" }
        }
    }
    test("token manager: limits out of range, a bad URL, a bad server id") {
        expectError<IshareJwtException.InvalidArgument> { TokenManager(signer, 86_401u) }
        expectError<IshareJwtException.InvalidArgument> { TokenManager(signer, capacity = 0u) }
        expectError<IshareJwtException.InvalidArgument> { TokenManager(signer, capacity = 1_000_001u) }
        TokenManager(signer, 86_400u, 1u).close()
        TokenManager(signer).use { manager ->
            expectError<IshareJwtException.InvalidArgument> { manager.get(SATELLITE, "ftp://example.com/token") }
            expectError<IshareJwtException.InvalidPartyId> { manager.get("nobody", tokenUrl) }
        }
    }
    test("token manager: 16 threads missing at once each get a request; then all get the token") {
        TokenManager(signer).use { manager ->
            val pool = Executors.newFixedThreadPool(8)
            val steps = try {
                pool.invokeAll((1..16).map { Callable { manager.get(SATELLITE, tokenUrl) } }).map { it.get() }
            } finally {
                pool.shutdown()
            }
            val bodies = steps.map { (it as TokenStep.Fetch).request.body }
            checkEq(16, bodies.toSet().size, "distinct requests")
            val token = manager.finish(SATELLITE, tokenUrl, "iSHARE", 200u, tokenResponseBody("t", 3600u).toByteArray())
            checkEq(TokenStep.Cached(token), manager.get(SATELLITE, tokenUrl), "after finish")
        }
    }

    // The client side against the live test endpoint.
    test("live: 100 token calls, 1 token request, and the token works") {
        TokenManager(signer).use { manager ->
            val client = TokenClient(manager, SATELLITE, tokenUrl)
            val before = count()
            val tokens = (1..100).map { client.token() }
            checkEq(1, count() - before, "token requests")
            checkEq(1, tokens.toSet().size, "distinct tokens")
            checkEq("Bearer", tokens[0].tokenType, "tokenType")
            checkEq(200, resource(tokens[0]), "GET /resource")
        }
    }
    test("live: 100 token calls from 8 threads, 1 token request") {
        TokenManager(signer).use { manager ->
            val client = TokenClient(manager, SATELLITE, tokenUrl)
            val before = count()
            val pool = Executors.newFixedThreadPool(8)
            val tokens = try {
                pool.invokeAll((1..100).map { Callable { client.token() } }).map { it.get() }
            } finally {
                pool.shutdown()
            }
            checkEq(1, count() - before, "token requests")
            checkEq(1, tokens.toSet().size, "distinct tokens")
        }
    }
    test("live: a token within refreshBefore of its expiry is renewed") {
        // expires_in 30 < refreshBefore 60: due for renewal as soon as it arrives.
        TokenManager(signer).use { manager ->
            val client = TokenClient(manager, SATELLITE, "$tokenUrl?expires_in=30")
            val before = count()
            val first = client.token()
            val second = client.token()
            checkEq(2, count() - before, "token requests")
            check(first.accessToken != second.accessToken) { "renewed: ${first.accessToken} twice" }
            checkEq(200, resource(second), "GET /resource")
        }
    }
    test("live: expiresAt is now + expires_in; cached to 60 s before it") {
        TokenManager(signer).use { manager ->
            val now = System.currentTimeMillis() / 1000
            val request = (manager.get(SATELLITE, tokenUrl, now = now) as TokenStep.Fetch).request
            val response = httpPost(request.url, request.body, request.contentType)
            val token = manager.finish(SATELLITE, tokenUrl, "iSHARE", response.statusCode().toUShort(), response.body(), now)
            checkEq(now + 3600, token.expiresAt, "expiresAt")
            checkEq(TokenStep.Cached(token), manager.get(SATELLITE, tokenUrl, now = now + 3539), "cached")
            check(manager.get(SATELLITE, tokenUrl, now = now + 3540) is TokenStep.Fetch) { "renewed" }
        }
    }
    test("live: a refusal is TokenEndpoint with the server's fields, and nothing is cached") {
        TokenManager(signer).use { manager ->
            val url = "$tokenUrl?fail=400"
            val before = count()
            val e = expectError<IshareJwtException.TokenEndpoint> { TokenClient(manager, SATELLITE, url).token() }
            checkEq(400.toUShort(), e.status, "status")
            checkEq("invalid_client", e.error, "error")
            checkEq("refused as the test asked", e.errorDescription, "errorDescription")
            checkEq("400 invalid_client: refused as the test asked", e.detail(), "detail")
            checkEq("token_endpoint", e.kind(), "kind")
            checkEq(33u, e.code(), "code")
            check(manager.get(SATELLITE, url) is TokenStep.Fetch) { "cached after a refusal" }
            val e500 = expectError<IshareJwtException.TokenEndpoint> {
                TokenClient(manager, SATELLITE, "$tokenUrl?fail=500").token()
            }
            checkEq(500.toUShort(), e500.status, "status")
            checkEq(null, e500.error, "error of a body that is not JSON")
            checkEq(null, e500.errorDescription, "errorDescription of a body that is not JSON")
            checkEq(2, count() - before, "token requests")
        }
    }
    test("live: the server refuses an assertion for another audience (invalid_client)") {
        TokenManager(signer).use { manager ->
            val e = expectError<IshareJwtException.TokenEndpoint> { TokenClient(manager, SERVICE, tokenUrl).token() }
            checkEq(400.toUShort(), e.status, "status")
            checkEq("invalid_client", e.error, "error")
            check(e.errorDescription!!.startsWith("audience: ")) { "errorDescription ${e.errorDescription}" }
        }
    }
    test("live: invalidate, then a new token request") {
        TokenManager(signer).use { manager ->
            val client = TokenClient(manager, SATELLITE, tokenUrl)
            val first = client.token()
            val before = count()
            client.invalidate()
            val second = client.token()
            checkEq(1, count() - before, "token requests")
            check(first.accessToken != second.accessToken) { "the same token after invalidate" }
        }
    }
    test("live: 401 after POST /revoke, invalidate, and the new token works") {
        TokenManager(signer).use { manager ->
            val client = TokenClient(manager, SATELLITE, tokenUrl)
            val first = client.token()
            checkEq(200, resource(first), "before /revoke")
            checkEq(200, revokeAll().statusCode(), "POST /revoke")
            checkEq(401, resource(first), "after /revoke")
            checkEq(first, client.token(), "the manager cannot know: still cached")
            client.invalidate()
            val second = client.token()
            check(second != first) { "the same token after invalidate" }
            checkEq(200, resource(second), "the new token")
        }
    }

    // The server side: parseTokenRequest and the OAuth answers.
    val assertion = signer.clientAssertion(SATELLITE, null, null)
    val good = arrayOf(
        "grant_type" to "client_credentials", "scope" to "iSHARE", "client_id" to PKI_CLIENT,
        "client_assertion_type" to JWT_BEARER, "client_assertion" to assertion,
    )
    test("parseTokenRequest: a good form gives what to verify") {
        val parsed = parseTokenRequest(form(*good))
        checkEq(PKI_CLIENT, parsed.clientId, "clientId")
        checkEq(assertion, parsed.clientAssertion, "clientAssertion")
        checkEq("iSHARE", parsed.scope, "scope")
        checkEq("iSHARE", parseTokenRequest(form(*good.filter { it.first != "scope" }.toTypedArray())).scope, "default scope")
        checkEq("a b", parseTokenRequest(form(*good.filter { it.first != "scope" }.toTypedArray()) + "&scope=a+b").scope, "+ is a space")
        Verifier(SATELLITE, listOf(rootSha256)).use { it.verify(parsed.clientAssertion, null, parsed.clientId) }
    }
    fun without(name: String) = form(*good.filter { it.first != name }.toTypedArray())
    fun replaced(name: String, value: String) =
        form(*good.map { if (it.first == name) name to value else it }.toTypedArray())
    for ((case, body, expected) in listOf(
        Triple("an empty body", "", Triple(400, "invalid_request", "grant_type is missing")),
        Triple("no grant_type", without("grant_type"), Triple(400, "invalid_request", "grant_type is missing")),
        Triple("another grant_type", replaced("grant_type", "password"), Triple(400, "unsupported_grant_type", "grant_type \"password\"")),
        Triple("no client_assertion_type", without("client_assertion_type"), Triple(400, "invalid_request", "client_assertion_type is missing")),
        Triple("another client_assertion_type", replaced("client_assertion_type", "saml"), Triple(400, "invalid_client", "client_assertion_type \"saml\"")),
        Triple("no client_assertion", without("client_assertion"), Triple(400, "invalid_request", "client_assertion is missing")),
        Triple("an empty client_assertion", replaced("client_assertion", ""), Triple(400, "invalid_request", "client_assertion is missing")),
        Triple("no client_id", without("client_id"), Triple(400, "invalid_request", "client_id is missing")),
        Triple("a field twice", form(*good) + "&client_id=$PKI_CLIENT", Triple(400, "invalid_request", "client_id is sent more than once")),
        Triple("a body too large", replaced("client_assertion", "a".repeat(80_000)), Triple(400, "invalid_request", "too large")),
    )) {
        test("parseTokenRequest: $case -> ${expected.second}") {
            val e = expectRefusal { parseTokenRequest(body) }
            checkEq(expected.first.toUShort(), e.status, "status")
            checkEq(expected.second, e.error, "error")
            check(e.errorDescription.contains(expected.third)) { "errorDescription ${e.errorDescription}" }
        }
    }

    test("oauthErrorFor: a refused assertion is invalid_client, with the kind and detail") {
        val expired = Verifier(SATELLITE, listOf(rootSha256)).use { v ->
            expectError<IshareJwtException.Expired> { v.verify(signer.clientAssertion(SATELLITE, PKI_NOW, null), PKI_NOW + 30, null) }
        }
        val answer = oauthErrorFor(expired)
        checkOAuth(answer)
        checkEq(400.toUShort(), answer.status, "status")
        checkEq("invalid_client", answer.error, "error")
        checkEq("expired: ${expired.detail()}", answer.errorDescription, "errorDescription")
    }
    test("oauthErrorFor: a full replay cache is temporarily_unavailable (503)") {
        Verifier(SATELLITE, listOf(rootSha256), replayCapacity = 1u, replayIssuerShare = 1.0).use { v ->
            v.verify(signer.clientAssertion(SATELLITE, PKI_NOW, null), PKI_NOW)
            val full = expectError<IshareJwtException.ReplayCacheFull> { v.verify(signer.clientAssertion(SATELLITE, PKI_NOW, null), PKI_NOW) }
            val answer = oauthErrorFor(full)
            checkOAuth(answer)
            checkEq(503.toUShort() to "temporarily_unavailable", answer.status to answer.error, "answer")
        }
    }
    test("oauthErrorFor: the library's own fault is server_error (500); a bad argument invalid_request") {
        val internal = expectError<IshareJwtException.Internal> { panicSelftest() }
        checkEq(500.toUShort() to "server_error", oauthErrorFor(internal).let { it.status to it.error }, "Internal")
        val argument = expectError<IshareJwtException.InvalidArgument> { Verifier(SATELLITE, listOf(rootSha256), 301u) }
        checkEq(400.toUShort() to "invalid_request", oauthErrorFor(argument).let { it.status to it.error }, "InvalidArgument")
        val network = oauthErrorFor(IshareJwtException.Network("connection refused"))
        checkEq(503.toUShort() to "temporarily_unavailable", network.status to network.error, "Network")
        checkEq("network: connection refused", network.errorDescription, "Network's description")
        checkOAuth(network)
    }
    test("tokenResponseBody and tokenResponseHeaders") {
        checkEq(
            """{"access_token":"abc","token_type":"Bearer","expires_in":3600,"scope":"iSHARE"}""",
            tokenResponseBody("abc", 3600u, "iSHARE"), "with scope",
        )
        checkEq("""{"access_token":"a\"b","token_type":"Bearer","expires_in":60}""", tokenResponseBody("a\"b", 60u), "escaped")
        checkEq(
            mapOf("Content-Type" to "application/json", "Cache-Control" to "no-store", "Pragma" to "no-cache"),
            tokenResponseHeaders(), "headers",
        )
    }

    // Every error variant: kind() (as its class name spells it), code(),
    // detail(), and an OAuth answer. Made here as an app's own code may
    // (e.g. Network from its HTTP layer).
    test("errors: every variant has its kind, its own code and an OAuth answer") {
        val variants = IshareJwtException::class.java.declaredClasses
            .filter { IshareJwtException::class.java.isAssignableFrom(it) }
            .map { cls ->
                if (cls == IshareJwtException.TokenEndpoint::class.java) {
                    IshareJwtException.TokenEndpoint(400u, "invalid_client", null, "detail")
                } else {
                    cls.getConstructor(String::class.java).newInstance("detail") as IshareJwtException
                }
            }
        checkEq(37, variants.size, "variants")
        for (e in variants) {
            checkKind(classKind(e), e)
            checkEq("detail", e.detail(), "detail of ${e.kind()}")
            check(oauthErrorFor(e).status.toInt() in setOf(400, 500, 503)) { "answer to ${e.kind()}" }
        }
        checkEq((1u..37u).toList(), variants.map { it.code() }.sorted(), "codes")
        val codes = variants.associate { it.kind() to it.code() }
        for ((kind, code) in listOf("malformed" to 1u, "expired" to 16u, "internal" to 28u,
            "token_endpoint" to 33u, "network" to 34u, "certificate_usage" to 35u, "replay_store" to 36u, "key_store" to 37u)) {
            checkEq(code, codes[kind], "code of $kind")
        }
    }
    signer.close()
}
