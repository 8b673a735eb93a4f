// The README's TokenManager with java.net.http, run against the live test
// token endpoint (tests/token-endpoint, started by scripts/test-kotlin; its
// URL the third argument), which answers as EU.EORI.NL000000100 and trusts
// the repository's test PKI (testdata/pki/, the second argument). The first
// token() posts one request, the second is the cached token.
@file:JvmName("DocBlock")

package docblocks.tokenmanager

import ishare.jwt.*
import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse

fun requestsServed(endpoint: String): Int =
    HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI("$endpoint/count")).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body().trim().toInt()

fun main(args: Array<String>) {
    val pki = File(args[1])
    val endpoint = args[2]
    val signer = Signer.fromPem(File(pki, "client-eori.key.pem").readText(),
        File(pki, "client-eori.chain.pem").readText(), "EU.EORI.NL000000101")
    val serverId = "EU.EORI.NL000000100"
    val tokenUrl = "$endpoint/connect/token"
    val before = requestsServed(endpoint)

    // DOC_BLOCK

    val first = token()
    val second = token()
    check(first.accessToken.isNotEmpty() && first.tokenType == "Bearer") { "a token: $first" }
    check(second == first) { "the second call is the cached token" }
    check(requestsServed(endpoint) == before + 1) { "one request for two calls" }
    println("one request, then the cached token")
}
