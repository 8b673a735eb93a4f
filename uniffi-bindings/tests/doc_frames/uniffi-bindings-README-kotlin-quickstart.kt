// The README's first example, run with the documented test PKI: the client
// key and chain of tests/vectors/ (EU.EORI.NL000000001) and its root's
// fingerprint. A refusal the block logs fails the run.
@file:JvmName("DocBlock")

package docblocks.quickstart

import ishare.jwt.*
import java.io.File

fun log(line: String): Nothing = throw AssertionError("the example's token was refused: $line")

fun main(args: Array<String>) {
    val vectors = File(args[0])
    val keyPem = File(vectors, "client-eori.key.pem").readText()
    val chainPem = File(vectors, "client-eori.chain.pem").readText()
    val rootSha256OrPem = "78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69"
    var verified = false
    run {
        // DOC_BLOCK
        verified = verifier.verify(signer.clientAssertion("EU.EORI.NL000000000")).clientId == "EU.EORI.NL000000001"
    }
    check(verified) { "a second token of the same signer is accepted" }
    println("signed and verified")
}
