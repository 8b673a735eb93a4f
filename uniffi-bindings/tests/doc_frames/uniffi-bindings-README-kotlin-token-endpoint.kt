// The README's Ktor token endpoint, run. Ktor is not on this class path: the
// stand-ins below have its API as the block uses it (post, call.receiveText,
// call.response.header, call.respondText, ContentType, HttpStatusCode) and
// record the answer. A token request of the documented test PKI's client is
// answered 200 with a token response and no-store; the same request again
// (a replay) and a wrong grant type are the OAuth errors, with the same
// headers.
@file:JvmName("DocBlock")

package docblocks.tokenendpoint

import ishare.jwt.*
import java.io.File
import java.net.URLEncoder

object ContentType {
    object Application {
        const val Json = "application/json"
    }
}

class HttpStatusCode private constructor(val value: Int) {
    companion object {
        fun fromValue(value: Int) = HttpStatusCode(value)
    }
}

class Response {
    val headers = mutableMapOf<String, String>()
    fun header(name: String, value: String) {
        headers[name] = value
    }
}

data class Answer(val status: Int, val contentType: String, val body: String, val headers: Map<String, String>)

class Call(private val requestBody: String) {
    val response = Response()
    var answer: Answer? = null
    fun receiveText() = requestBody
    fun respondText(text: String, contentType: String, status: HttpStatusCode) {
        answer = Answer(status.value, contentType, text, response.headers.toMap())
    }
}

class RoutingContext(val call: Call)

val routes = mutableMapOf<String, RoutingContext.() -> Unit>()

fun post(path: String, handler: RoutingContext.() -> Unit) {
    routes[path] = handler
}

fun issueAccessToken(clientId: String) = "token-for-$clientId"

fun routing(verifier: Verifier) {
    // DOC_BLOCK
}

fun answer(body: String): Answer {
    val call = Call(body)
    routes.getValue("/connect/token")(RoutingContext(call))
    return checkNotNull(call.answer) { "the handler did not answer" }
}

fun main(args: Array<String>) {
    val pki = File(args[1])
    val signer = Signer.fromPem(File(pki, "client-eori.key.pem").readText(),
        File(pki, "client-eori.chain.pem").readText(), "EU.EORI.NL000000101")
    routing(Verifier("EU.EORI.NL000000100",
        listOf("9EE56A1334C7F00377343A75066493A7399AB4EC119D16E52339EA5B67E9BEA5"), 5u))
    val form = signer.tokenRequest("EU.EORI.NL000000100").entries
        .joinToString("&") { (k, v) -> "$k=" + URLEncoder.encode(v, Charsets.UTF_8) }

    val ok = answer(form)
    check(ok.status == 200 && ok.contentType == "application/json") { "accepted: $ok" }
    check(ok.body.contains("\"access_token\":\"token-for-EU.EORI.NL000000101\"")) { ok.body }
    check(ok.headers["Cache-Control"] == "no-store" && ok.headers["Pragma"] == "no-cache") { ok.headers.toString() }

    val replay = answer(form)
    check(replay.status == 400 && replay.body.contains("\"error\":\"invalid_client\"")) { "replay: $replay" }
    check(replay.body.contains("replay")) { replay.body }
    check(replay.headers["Cache-Control"] == "no-store") { replay.headers.toString() }

    val password = answer(form.replace("grant_type=client_credentials", "grant_type=password"))
    check(password.status == 400 && password.body.contains("\"error\":\"unsupported_grant_type\"")) {
        "grant_type=password: $password"
    }
    println("200 with a token, then invalid_client (replay), unsupported_grant_type")
}
