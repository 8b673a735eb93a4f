// The README's full check with a satellite (and the OAuth profile), run with
// the documented test PKI (tests/vectors/): the client EU.EORI.NL000000001
// asks EU.EORI.NL000000000, whose satellite is did:ishare:EU.NL.NTRNL-10000000
// (its key signs the answers the app would fetch: the client listed Active
// with its certificate, the test root granted on the trusted list).
@file:JvmName("DocBlock")

package docblocks.satellite

import ishare.jwt.*
import java.io.File

const val ROOT = "78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69"

fun main(args: Array<String>) {
    val vectors = File(args[0])
    fun read(name: String) = File(vectors, name).readText()
    val keyPem = read("client-eori.key.pem")
    val chainPem = read("client-eori.chain.pem")
    val clientId = "EU.EORI.NL000000001"
    val ourPartyId = "EU.EORI.NL000000000"
    val satelliteId = "did:ishare:EU.NL.NTRNL-10000000"
    val trustedRoots = listOf(ROOT)
    val verifier = Verifier(ourPartyId, trustedRoots, 5u)
    val client = Signer.fromPem(keyPem, chainPem, clientId)
    val clientAssertion = client.clientAssertion(ourPartyId)
    val satellite = Signer.fromPem(read("server-did.key.pem"), read("server-did.chain.pem"), satelliteId)
    val leaf = Verifier(ourPartyId, trustedRoots, 5u).verify(client.clientAssertion(ourPartyId)).leafSha256
    val partiesToken = satellite.signJwt(ourPartyId,
        """{"parties_info":{"count":1,"data":[{"party_id":"$clientId","party_name":"Client One",""" +
            """"adherence":{"status":"Active","start_date":"2000-01-01T00:00:00Z","end_date":"2999-01-01T00:00:00Z"},""" +
            """"certificates":[{"x5t#S256":"${leaf.lowercase()}"}]}]}}""")
    val trustedListToken = satellite.signJwt(ourPartyId,
        """{"trusted_list":[{"subject":"CN=Vector Test Root CA","certificate_fingerprint":"$ROOT",""" +
            """"validity":"valid","status":"granted"}]}""")

    // DOC_BLOCK

    check(party.partyId == clientId && party.status == "Active") { "party: $party" }
    check(roots == listOf(ROOT)) { "anchors: $roots" }
    println("the party is active with its certificate; the trusted list's anchor verifies an OAuth assertion")
}
