// The README's full check with a satellite (and the OAuth profile), compiled
// against the jar: its names and types must be the bindings'. The satellite's
// answers are the app's to fetch; JwtTest.kt runs checkParty and
// trustedListAnchors on signed answers.
@file:JvmName("DocBlock")
@file:Suppress("UNUSED_VARIABLE")

package docblocks.satellite

import ishare.jwt.*

fun fullCheck(
    verifier: Verifier, clientAssertion: String, clientId: String, ourPartyId: String,
    trustedRoots: List<String>, satelliteId: String, partiesToken: String, trustedListToken: String,
    keyPem: String, chainPem: String,
) {
    // DOC_BLOCK
}
