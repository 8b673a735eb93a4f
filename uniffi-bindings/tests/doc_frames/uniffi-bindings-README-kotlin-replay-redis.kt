// The README's shared replay record with Jedis, run against a verifier of the
// documented test PKI. Jedis is not on this class path: the stand-in below
// has its API as the block uses it and Redis's SET NX semantics. The first
// use is accepted and records the assertion's replayKey until replayUntil,
// the second is a replay, a store that cannot answer refuses.
@file:JvmName("DocBlock")

package docblocks.replayredis

import ishare.jwt.*
import java.io.File

class JedisException(message: String) : RuntimeException(message)

class SetParams private constructor() {
    var nx = false
    var exat = 0L
    fun nx() = apply { nx = true }
    fun exat(unixSeconds: Long) = apply { exat = unixSeconds }
    companion object {
        fun setParams() = SetParams()
    }
}

class Jedis(private val down: Boolean = false) {
    val keys = mutableMapOf<String, Long>()
    fun set(key: String, value: String, params: SetParams): String? {
        if (down) throw JedisException("Could not get a resource from the pool")
        check(value == "1")
        if (params.nx && key in keys) return null
        keys[key] = params.exat
        return "OK"
    }
}

fun refuse(kind: String) = kind

fun accept(verifier: Verifier, token: String, clientId: String?, jedis: Jedis): String {
    // DOC_BLOCK
    return "accepted"
}

fun main(args: Array<String>) {
    val pki = File(args[1])
    val signer = Signer.fromPem(File(pki, "client-eori.key.pem").readText(),
        File(pki, "client-eori.chain.pem").readText(), "EU.EORI.NL000000101")
    val verifier = Verifier("EU.EORI.NL000000100",
        listOf("9EE56A1334C7F00377343A75066493A7399AB4EC119D16E52339EA5B67E9BEA5"), 5u)
    val token = signer.clientAssertion("EU.EORI.NL000000100")
    val jedis = Jedis()
    check(accept(verifier, token, "EU.EORI.NL000000101", jedis) == "accepted") { "first use" }
    val expected = verifier.verifyUnrecorded(token, null, "EU.EORI.NL000000101")
    check(jedis.keys == mapOf("ishare-jwt:replay:${expected.replayKey}" to expected.replayUntil)) {
        "recorded ${jedis.keys}, expected the replayKey until replayUntil"
    }
    check(accept(verifier, token, "EU.EORI.NL000000101", jedis) == "replay") { "second use" }
    check(accept(verifier, signer.clientAssertion("EU.EORI.NL000000100"), null, Jedis(down = true)) ==
        "replay_store") { "a store that cannot answer" }
    println("accepted once, then a replay; a store that cannot answer refuses")
}
