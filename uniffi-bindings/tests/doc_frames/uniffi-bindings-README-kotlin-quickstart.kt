// The README's first example, run with the documented test PKI: the client
// key and chain of testdata/pki/ (EU.EORI.NL000000101) and its root's
// fingerprint. A refusal the block logs fails the run.
@file:JvmName("DocBlock")

package docblocks.quickstart

import ishare.jwt.*
import java.io.File

fun log(line: String): Nothing = throw AssertionError("the example's token was refused: $line")

fun main(args: Array<String>) {
    val pki = File(args[1])
    val keyPem = File(pki, "client-eori.key.pem").readText()
    val chainPem = File(pki, "client-eori.chain.pem").readText()
    val rootSha256OrPem = "9EE56A1334C7F00377343A75066493A7399AB4EC119D16E52339EA5B67E9BEA5"
    var verified = false
    run {
        // DOC_BLOCK
        verified = verifier.verify(signer.clientAssertion("EU.EORI.NL000000100")).clientId == "EU.EORI.NL000000101"
    }
    check(verified) { "a second token of the same signer is accepted" }
    println("signed and verified")
}
