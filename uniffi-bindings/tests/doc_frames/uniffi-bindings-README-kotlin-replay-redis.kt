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
    val vectors = File(args[0])
    val signer = Signer.fromPem(File(vectors, "client-eori.key.pem").readText(),
        File(vectors, "client-eori.chain.pem").readText(), "EU.EORI.NL000000001")
    val verifier = Verifier("EU.EORI.NL000000000",
        listOf("78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69"), 5u)
    val token = signer.clientAssertion("EU.EORI.NL000000000")
    val jedis = Jedis()
    check(accept(verifier, token, "EU.EORI.NL000000001", jedis) == "accepted") { "first use" }
    val expected = verifier.verifyUnrecorded(token, null, "EU.EORI.NL000000001")
    check(jedis.keys == mapOf("ishare-jwt:replay:${expected.replayKey}" to expected.replayUntil)) {
        "recorded ${jedis.keys}, expected the replayKey until replayUntil"
    }
    check(accept(verifier, token, "EU.EORI.NL000000001", jedis) == "replay") { "second use" }
    check(accept(verifier, signer.clientAssertion("EU.EORI.NL000000000"), null, Jedis(down = true)) ==
        "replay_store") { "a store that cannot answer" }
    println("accepted once, then a replay; a store that cannot answer refuses")
}
