// The README's full check with a satellite (and the OAuth profile), run with
// the documented test PKI (testdata/pki/): the client EU.EORI.NL000000101
// asks EU.EORI.NL000000100, whose satellite is did:ishare:EU.NL.NTRNL-90000101
// (its key signs the answers the app would fetch: the client listed Active
// with its certificate, the test root granted on the trusted list).
@file:JvmName("DocBlock")

package docblocks.satellite

import ishare.jwt.*
import java.io.File

const val ROOT = "9EE56A1334C7F00377343A75066493A7399AB4EC119D16E52339EA5B67E9BEA5"

fun main(args: Array<String>) {
    val pki = File(args[1])
    fun read(name: String) = File(pki, name).readText()
    val keyPem = read("client-eori.key.pem")
    val chainPem = read("client-eori.chain.pem")
    val clientId = "EU.EORI.NL000000101"
    val ourPartyId = "EU.EORI.NL000000100"
    val satelliteId = "did:ishare:EU.NL.NTRNL-90000101"
    val trustedRoots = listOf(ROOT)
    val verifier = Verifier(ourPartyId, trustedRoots, 5u)
    val client = Signer.fromPem(keyPem, chainPem, clientId)
    val clientAssertion = client.clientAssertion(ourPartyId)
    val satellite = Signer.fromPem(read("client-did.key.pem"), read("client-did.chain.pem"), satelliteId)
    val leaf = Verifier(ourPartyId, trustedRoots, 5u).verify(client.clientAssertion(ourPartyId)).leafSha256
    val partiesToken = satellite.signJwt(ourPartyId,
        """{"parties_info":{"count":1,"data":[{"party_id":"$clientId","party_name":"Client One",""" +
            """"adherence":{"status":"Active","start_date":"2000-01-01T00:00:00Z","end_date":"2999-01-01T00:00:00Z"},""" +
            """"certificates":[{"x5t#S256":"${leaf.lowercase()}"}]}]}}""")
    val trustedListToken = satellite.signJwt(ourPartyId,
        """{"trusted_list":[{"subject":"CN=ishare-jwt Test Root CA","certificate_fingerprint":"$ROOT",""" +
            """"validity":"valid","status":"granted"}]}""")

    // DOC_BLOCK

    check(party.partyId == clientId && party.status == "Active") { "party: $party" }
    check(roots == listOf(ROOT)) { "anchors: $roots" }
    println("the party is active with its certificate; the trusted list's anchor verifies an OAuth assertion")
}
