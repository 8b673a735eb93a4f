// Swift tests of every iSHARE JWT and the satellite checks, the same as
// tests/kotlin/JwtTest.kt: the general JWT vectors (tests/vectors/jwt/,
// converted to tables by scripts/test-kotlin), signJwt -> verifyJwt round
// trips, checkParty and trustedListAnchors on answers signed with the test
// PKI's satellite key, the OAuth profile, and the error variants these add.
// Called from main.swift with the test PKI directory and the two JWT tables;
// uses its runTest/expect helpers.

import Foundation

/// A time inside the test PKI's validity: 2027-01-01T00:00:00Z.
let pkiNow: Int64 = 1_798_761_600
/// The satellite of the test PKI (testdata/pki/server-eori).
let satelliteId = "EU.EORI.NL000000100"
/// A client of the test PKI (testdata/pki/client-eori).
let pkiClient = "EU.EORI.NL000000101"
/// A service with a token endpoint: it only verifies, so it needs no key.
let serviceId = "EU.EORI.NL000000102"
let envelope = ["iss", "sub", "aud", "jti", "iat", "nbf", "exp"]

/// JSON text as Foundation reads it (objects lose their member order; see
/// `memberNames`).
func parseJson(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
}

func parseJsonObject(_ text: String) throws -> [String: Any] {
    guard let object = try parseJson(text) as? [String: Any] else {
        throw TestFailure(description: "not a JSON object: \(text.prefix(80))")
    }
    return object
}

/// Equal JSON values: objects without regard to member order, numbers by value.
func jsonEqual(_ a: Any, _ b: Any) -> Bool {
    switch (a, b) {
    case let (a as [String: Any], b as [String: Any]):
        return a.count == b.count && a.allSatisfy { name, value in b[name].map { jsonEqual(value, $0) } ?? false }
    case let (a as [Any], b as [Any]):
        return a.count == b.count && zip(a, b).allSatisfy { jsonEqual($0, $1) }
    case let (a as String, b as String):
        return a == b
    case (is NSNull, is NSNull):
        return true
    case let (a as NSNumber, b as NSNumber):
        return a == b
    default:
        return false
    }
}

func expectJsonEqual(_ expected: Any, _ found: Any, _ what: String) throws {
    try expectTrue(jsonEqual(expected, found),
                   "\(what): expected <\(String(describing: expected).prefix(300))>, found <\(String(describing: found).prefix(300))>")
}

/// The names of a JSON object's own members, in order. Quotes, backslashes
/// and brackets are ASCII, so the UTF-8 bytes can be scanned directly.
func memberNames(_ json: String) throws -> [String] {
    let bytes = Array(json.utf8)
    var names: [String] = []
    var depth = 0
    var expectingName = false
    var i = 0
    while i < bytes.count {
        switch bytes[i] {
        case UInt8(ascii: "\""):
            var end = i + 1
            while end < bytes.count && bytes[end] != UInt8(ascii: "\"") {
                end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
            }
            if depth == 1 && expectingName {
                let raw = String(decoding: bytes[i...min(end, bytes.count - 1)], as: UTF8.self)
                guard let name = try parseJson(raw) as? String else {
                    throw TestFailure(description: "bad member name \(raw)")
                }
                names.append(name)
                expectingName = false
            }
            i = end
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            depth += 1
            expectingName = depth == 1 && bytes[i] == UInt8(ascii: "{")
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            depth -= 1
        case UInt8(ascii: ","):
            if depth == 1 { expectingName = true }
        default:
            break
        }
        i += 1
    }
    return names
}

/// A part (0: header, 1: claims) of a compact token, decoded.
func tokenPart(_ token: String, _ index: Int) throws -> [String: Any] {
    var base64 = String(token.split(separator: ".", omittingEmptySubsequences: false)[index])
        .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    guard let data = Data(base64Encoded: base64) else { throw TestFailure(description: "part \(index) is not base64url") }
    return try parseJsonObject(String(decoding: data, as: UTF8.self))
}

/// The envelope a verified JWT reports agrees with its payload.
func expectEnvelope(_ jwt: VerifiedJwt) throws {
    let payload = try parseJsonObject(jwt.claimsJson)
    try expectEqual(envelope, Array(try memberNames(jwt.claimsJson).prefix(envelope.count)),
                    "the envelope leads the payload, in order")
    try expectEqual(payload["iss"] as? String, jwt.issuer, "issuer")
    try expectEqual(payload["sub"] as? String, jwt.issuer, "sub")
    try expectEqual(payload["aud"] as? String, jwt.audience, "audience")
    try expectEqual(payload["jti"] as? String, jwt.jti, "jti")
    try expectEqual((payload["iat"] as? NSNumber)?.int64Value, jwt.issuedAt, "issuedAt")
    try expectEqual((payload["nbf"] as? NSNumber)?.int64Value, jwt.notBefore, "notBefore")
    try expectEqual((payload["exp"] as? NSNumber)?.int64Value, jwt.expiresAt, "expiresAt")
    try expectEqual("RS256", jwt.algorithm, "algorithm")
    try expectTrue(!jwt.chain.isEmpty, "empty chain")
    try expectTrue(jwt.leafSha256.range(of: "^[0-9A-F]{64}$", options: .regularExpression) != nil,
                   "leafSha256 \(jwt.leafSha256)")
}

struct JwtVector {
    let name, expect, audience: String
    let now: Int64
    let leeway: UInt32
    let issuer: String?
    let roots: [String]
    let token, claims: String

    init(_ line: Substring) {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        name = fields[0]
        expect = fields[1]
        audience = fields[2]
        now = Int64(fields[3])!
        leeway = UInt32(fields[4])!
        issuer = fields[5].isEmpty ? nil : fields[5]
        roots = fields[6].split(separator: ";").map { String($0).replacingOccurrences(of: "\\n", with: "\n") }
        token = fields[7]
        claims = fields[8]
    }
}

func tableLines(_ path: String) -> [Substring] {
    // A table missing is a broken run of the script: crash loudly.
    try! String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
}

func runJwtTests(pkiDir: String, jwtVectorsTable: String, signTable: String) {
    func pki(_ name: String) -> String {
        try! String(contentsOfFile: "\(pkiDir)/\(name)", encoding: .utf8)
    }
    let root = pki("root-ca.sha256").trimmingCharacters(in: .whitespacesAndNewlines)
    let satellite = try! Signer.fromPem(keyPem: pki("server-eori.key.pem"), chainPem: pki("server-eori.chain.pem"),
                                        clientId: satelliteId)
    let client = try! Signer.fromPem(keyPem: pki("client-eori.key.pem"), chainPem: pki("client-eori.chain.pem"),
                                     clientId: pkiClient)
    func verifierFor(_ audience: String, _ roots: [String]? = nil) throws -> Verifier {
        try Verifier(audience: audience, trustedRoots: roots ?? [root], leeway: 0)
    }

    runTest("json helpers tell values apart") {
        try expectJsonEqual(try parseJson("{\"a\":[1,2.50,-0.0,1E+2]}"), try parseJson("{ \"a\" : [1.0, 2.5, 0, 100] }"),
                            "equal")
        try expectTrue(!jsonEqual(try parseJson("{\"a\":1}"), try parseJson("{\"a\":2}")), "1 == 2")
        try expectTrue(!jsonEqual(try parseJson("{\"a\":null}"), try parseJson("{}")), "null is not absence")
        try expectEqual(["b", "a", "c"], try memberNames("{\"b\":{\"x\":[1,{\"y\":2}]},\"a\":\"q\\\"\",\"c\":[]}"),
                        "member order")
    }

    // Every general JWT vector, each with a fresh verifier (no replay state).
    let vectors = tableLines(jwtVectorsTable).map(JwtVector.init)
    runTest("jwt vectors present") { try expectTrue(vectors.count >= 14, "only \(vectors.count) jwt vectors") }
    for v in vectors {
        runTest("jwt vector \(v.name)") {
            let verifier = try Verifier(audience: v.audience, trustedRoots: v.roots, leeway: v.leeway)
            if v.expect == "valid" {
                let jwt = try verifier.verifyJwt(token: v.token, now: v.now, issuer: v.issuer)
                try expectJsonEqual(try parseJson(v.claims), try parseJson(jwt.claimsJson), "payload")
                try expectEnvelope(jwt)
                try expectEqual(v.audience, jwt.audience, "audience")
                if let issuer = v.issuer { try expectEqual(issuer, jwt.issuer, "issuer") }
            } else {
                try expectError(v.expect) { _ = try verifier.verifyJwt(token: v.token, now: v.now, issuer: v.issuer) }
            }
        }
    }

    // Every sign input: signed with the signer the vectors name, verified, and
    // its payload the envelope followed by the input's members, in order.
    let signRows = tableLines(signTable).map {
        $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }
    let signerRow = signRows.first { $0[0] == "signer" }!
    let (vectorParty, vectorAudience, vectorNow) = (signerRow[3], signerRow[4], Int64(signerRow[5])!)
    let inputs = signRows.filter { $0[0] == "input" }
    runTest("sign inputs present") { try expectTrue(inputs.count >= 18, "only \(inputs.count) sign inputs") }
    let vectorSigner = try! Signer.fromPem(keyPem: try! String(contentsOfFile: signerRow[1], encoding: .utf8),
                                           chainPem: try! String(contentsOfFile: signerRow[2], encoding: .utf8),
                                           clientId: vectorParty)
    let signVerifier = try! verifierFor(vectorAudience)
    for input in inputs {
        let (name, expect) = (input[1], input[2])
        let claims: String? = input[3] == "\\N" ? nil : input[3]
        runTest("sign input \(name)") {
            if expect == "valid" {
                let token = try vectorSigner.signJwt(audience: vectorAudience, claimsJson: claims, now: vectorNow,
                                                     jti: nil)
                let jwt = try signVerifier.verifyJwt(token: token, now: vectorNow, issuer: vectorParty)
                try expectEnvelope(jwt)
                try expectEqual(vectorNow + 30, jwt.expiresAt, "expiresAt")
                var own = try parseJsonObject(jwt.claimsJson)
                for member in envelope { own.removeValue(forKey: member) }
                try expectJsonEqual(try claims.map(parseJsonObject) ?? [:], own, "the caller's members")
                try expectEqual(try claims.map(memberNames) ?? [],
                                Array(try memberNames(jwt.claimsJson).dropFirst(envelope.count)), "member order")
            } else {
                try expectError(expect) {
                    _ = try vectorSigner.signJwt(audience: vectorAudience, claimsJson: claims, now: vectorNow, jti: nil)
                }
            }
        }
    }

    runTest("signJwt -> verifyJwt: non-ASCII and nested values come back equal") {
        let claims = #"{"name":"Grüße – 東京 😀","nested":{"list":[1,2.5,-0.0,1E+2,null,true,false,{"deep":"é\u00e9"}],"#
            + #""empty":{},"none":[]},"escapes":"tab\tquote\"back\\slash\/ \u2028 \u0000","big":12345678901234567890}"#
        let token = try satellite.signJwt(audience: pkiClient, claimsJson: claims, now: pkiNow, jti: "fixed-jti")
        let jwt = try verifierFor(pkiClient).verifyJwt(token: token, now: pkiNow + 29, issuer: satelliteId)
        try expectEnvelope(jwt)
        try expectEqual("fixed-jti", jwt.jti, "jti")
        try expectEqual(pkiNow, jwt.notBefore, "notBefore")
        try expectEqual(pkiNow + 30, jwt.expiresAt, "expiresAt")
        try expectEqual(satellite.leafSha256(), jwt.leafSha256, "leafSha256")
        try expectEqual(3, jwt.chain.count, "chain length")
        var own = try parseJsonObject(jwt.claimsJson)
        for member in envelope { own.removeValue(forKey: member) }
        try expectJsonEqual(try parseJson(claims), own, "payload")
        try expectEqual(["name", "nested", "escapes", "big"],
                        Array(try memberNames(jwt.claimsJson).dropFirst(envelope.count)), "member order")
        try expectEqual("Grüße – 東京 😀", own["name"] as? String, "non-ASCII string")
        try expectEqual("tab\tquote\"back\\slash/ \u{2028} \u{0}", own["escapes"] as? String, "escapes")
        // What the token carries is the same payload, byte for byte.
        var payload = String(token.split(separator: ".")[1])
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while payload.count % 4 != 0 { payload += "=" }
        try expectEqual(jwt.claimsJson, String(decoding: Data(base64Encoded: payload) ?? Data(), as: UTF8.self),
                        "claimsJson")
    }
    runTest("signJwt without claims, system clock, fresh jti") {
        let before = Int64(Date().timeIntervalSince1970)
        let jwt = try verifierFor(pkiClient).verifyJwt(token: try satellite.signJwt(audience: pkiClient))
        let after = Int64(Date().timeIntervalSince1970) + 1
        try expectTrue((before...after).contains(jwt.issuedAt), "issuedAt \(jwt.issuedAt) not in \(before)...\(after)")
        try expectEqual(envelope, try memberNames(jwt.claimsJson), "only the envelope")
        try expectTrue(isUuidV4(jwt.jti), "jti \(jwt.jti) is not a UUID v4")
        try expectEqual("JWT", try tokenPart(try satellite.signJwt(audience: pkiClient), 0)["typ"] as? String, "typ")
    }
    runTest("verifyJwt shares the replay cache with verify") {
        let verifier = try verifierFor(pkiClient)
        let token = try satellite.signJwt(audience: pkiClient, claimsJson: "{\"a\":1}", now: pkiNow, jti: nil)
        _ = try verifier.verifyJwt(token: token, now: pkiNow, issuer: nil)
        try expectError("replay") { _ = try verifier.verifyJwt(token: token, now: pkiNow + 1, issuer: nil) }
        try expectError("replay") { _ = try verifier.verify(token: token, now: pkiNow + 1, clientId: nil) }
    }
    runTest("error: issuer mismatch") {
        let token = try satellite.signJwt(audience: pkiClient, claimsJson: nil, now: pkiNow, jti: nil)
        let message = try expectError("issuer_mismatch") {
            _ = try verifierFor(pkiClient).verifyJwt(token: token, now: pkiNow, issuer: "EU.EORI.NL000000999")
        }
        try expectTrue(message.contains("EU.EORI.NL000000999"), message)
        try expectEqual(satelliteId, try verifierFor(pkiClient).verifyJwt(token: token, now: pkiNow, issuer: satelliteId).issuer,
                        "issuer")
    }
    runTest("error: signJwt refuses claims it cannot carry") {
        for claims in ["{\"iss\":\"x\"}", "{\"exp\":1}", "[1]", "\"x\"", "{\"a\":", "{\"a\":1,\"a\":2}"] {
            let message = try expectError("invalid_argument") {
                _ = try satellite.signJwt(audience: pkiClient, claimsJson: claims, now: pkiNow, jti: nil)
            }
            try expectTrue(message.contains("claims"), "\(claims): \(message)")
        }
        try expectError("invalid_party_id") { _ = try satellite.signJwt(audience: "nobody", claimsJson: nil, now: pkiNow, jti: nil) }
        try expectError("invalid_argument") { _ = try satellite.signJwt(audience: pkiClient, claimsJson: nil, now: -1, jti: nil) }
    }

    // The satellite checks, as a service's token endpoint makes them: the
    // client's assertion verifies, then the satellite's parties answer
    // (fetched by the app, signed by the satellite, addressed to the service)
    // says the client is an active participant with that certificate.
    let assertion = try! verifierFor(serviceId).verify(
        token: try! client.clientAssertion(audience: serviceId, now: pkiNow, jti: nil), now: pkiNow, clientId: pkiClient)
    let leaf = assertion.leafSha256
    func satelliteAnswer(_ claims: String) throws -> VerifiedJwt {
        let token = try satellite.signJwt(audience: serviceId, claimsJson: claims, now: pkiNow, jti: nil)
        return try verifierFor(serviceId).verifyJwt(token: token, now: pkiNow, issuer: satelliteId)
    }
    func party(_ id: String, status: String = "Active", start: String = "2026-01-01T00:00:00Z",
               end: String = "2028-01-01T00:00:00Z", fingerprint: String? = nil) -> String {
        "{\"party_id\":\"\(id)\",\"party_name\":\"Name of \(id)\",\"adherence\":{\"status\":\"\(status)\","
            + "\"start_date\":\"\(start)\",\"end_date\":\"\(end)\"},"
            + "\"certificates\":[{\"x5t#S256\":\"\(fingerprint ?? leaf.lowercased())\"}]}"
    }
    func parties(_ entries: String...) throws -> VerifiedJwt {
        try satelliteAnswer("{\"parties_info\":{\"count\":\(entries.count),\"data\":[\(entries.joined(separator: ","))]}}")
    }

    runTest("checkParty: an active party with the assertion's certificate") {
        let jwt = try parties(party(satelliteId), party(pkiClient))
        let info = try checkParty(partiesJwt: jwt, partyId: pkiClient, leafSha256: leaf, now: pkiNow)
        try expectEqual(PartyInfo(partyId: pkiClient, partyName: "Name of \(pkiClient)", status: "Active",
                                  start: 1_767_225_600, end: 1_830_297_600, certificates: [leaf.lowercased()]),
                        info, "party info")
        try expectEqual(info, try checkParty(partiesJwt: jwt, partyId: pkiClient, leafSha256: nil, now: pkiNow),
                        "without a certificate to check")
    }
    runTest("checkParty: the system clock when now is nil") {
        let jwt = try parties(party(pkiClient, start: "2000-01-01T00:00:00Z", end: "2999-01-01T00:00:00Z"))
        try expectEqual("Active", try checkParty(partiesJwt: jwt, partyId: pkiClient).status, "status")
        let old = try parties(party(pkiClient, start: "2000-01-01T00:00:00Z", end: "2001-01-01T00:00:00Z"))
        try expectError("party_not_active") { _ = try checkParty(partiesJwt: old, partyId: pkiClient) }
    }
    runTest("checkParty: iSHARE 2.1 member names") {
        let jwt = try satelliteAnswer(
            "{\"partiesInfo\":{\"count\":1,\"data\":[{\"partyId\":\"\(pkiClient)\",\"partyName\":\"Demo\",\"adherence\":"
                + "{\"status\":\"Active\",\"startDate\":\"2026-01-01T00:00:00Z\",\"endDate\":\"2028-01-01T00:00:00Z\"},"
                + "\"certificates\":[]}]}}")
        try expectEqual("Demo", try checkParty(partiesJwt: jwt, partyId: pkiClient, leafSha256: nil, now: pkiNow).partyName,
                        "partyName")
    }
    runTest("error: party unknown") {
        let jwt = try parties(party(satelliteId))
        let message = try expectError("party_unknown") {
            _ = try checkParty(partiesJwt: jwt, partyId: pkiClient, leafSha256: leaf, now: pkiNow)
        }
        try expectTrue(message.contains(pkiClient), message)
        let empty = try parties()
        try expectError("party_unknown") { _ = try checkParty(partiesJwt: empty, partyId: pkiClient, leafSha256: nil, now: pkiNow) }
    }
    runTest("error: party not active") {
        let revoked = try parties(party(pkiClient, status: "Revoked"))
        let message = try expectError("party_not_active") {
            _ = try checkParty(partiesJwt: revoked, partyId: pkiClient, leafSha256: leaf, now: pkiNow)
        }
        try expectTrue(message.contains("Revoked"), message)
        let jwt = try parties(party(pkiClient))
        try expectError("party_not_active") {
            _ = try checkParty(partiesJwt: jwt, partyId: pkiClient, leafSha256: nil, now: 1_830_297_600)
        }
        try expectError("party_not_active") {
            _ = try checkParty(partiesJwt: jwt, partyId: pkiClient, leafSha256: nil, now: 1_767_225_599)
        }
        _ = try checkParty(partiesJwt: jwt, partyId: pkiClient, leafSha256: nil, now: 1_830_297_599)
    }
    runTest("error: party certificate unknown") {
        let jwt = try parties(party(pkiClient, fingerprint: satellite.leafSha256()))
        let message = try expectError("party_certificate_unknown") {
            _ = try checkParty(partiesJwt: jwt, partyId: pkiClient, leafSha256: leaf, now: pkiNow)
        }
        try expectTrue(message.contains(leaf), message)
        _ = try checkParty(partiesJwt: jwt, partyId: pkiClient, leafSha256: satellite.leafSha256().lowercased(), now: pkiNow)
    }
    runTest("error: a satellite answer of the wrong shape") {
        let notAList = try satelliteAnswer("{\"parties_info\":{\"data\":{}}}")
        try expectError("invalid_response") {
            _ = try checkParty(partiesJwt: notAList, partyId: pkiClient, leafSha256: nil, now: pkiNow)
        }
        let nothing = try satelliteAnswer("{}")
        try expectError("missing_claim") { _ = try checkParty(partiesJwt: nothing, partyId: pkiClient, leafSha256: nil, now: pkiNow) }
    }
    runTest("error: a VerifiedJwt no verification made") {
        var forged = try parties(party(pkiClient))
        forged.algorithm = "none"
        try expectError("unsupported_algorithm") {
            _ = try checkParty(partiesJwt: forged, partyId: pkiClient, leafSha256: nil, now: pkiNow)
        }
        forged.algorithm = "RS256"
        forged.issuer = "nobody"
        try expectError("invalid_party_id") { _ = try trustedListAnchors(jwt: forged) }
    }

    runTest("trustedListAnchors feed a Verifier") {
        let jwt = try satelliteAnswer(
            "{\"trusted_list\":["
                + "{\"subject\":\"CN=Root\",\"certificate_fingerprint\":\"\(root.lowercased())\",\"validity\":\"valid\",\"status\":\"granted\"},"
                + "{\"subject\":\"CN=Old\",\"certificate_fingerprint\":\"\(String(repeating: "11", count: 32))\",\"validity\":\"invalid\",\"status\":\"granted\"},"
                + "{\"subject\":\"CN=Gone\",\"certificate_fingerprint\":\"\(String(repeating: "22", count: 32))\",\"validity\":\"valid\",\"status\":\"withdrawn\"}]}")
        let anchors = try trustedListAnchors(jwt: jwt)
        try expectEqual([root.uppercased()], anchors, "anchors")
        let token = try client.clientAssertion(audience: serviceId, now: pkiNow, jti: nil)
        try expectEqual(pkiClient, try Verifier(audience: serviceId, trustedRoots: anchors)
                            .verify(token: token, now: pkiNow, clientId: pkiClient).clientId, "clientId")
        // Anchors that are not the chain's root do not make it trusted.
        let other = try satelliteAnswer(
            "{\"trustedList\":[{\"certificateFingerprint\":\"\(String(repeating: "33", count: 32))\",\"validity\":\"valid\",\"status\":\"granted\"}]}")
        let untrusted = try Verifier(audience: serviceId, trustedRoots: try trustedListAnchors(jwt: other))
        try expectError("untrusted_chain") { _ = try untrusted.verify(token: token, now: pkiNow, clientId: nil) }
    }
    runTest("error: trustedListAnchors without a usable list") {
        let partiesAnswer = try parties(party(pkiClient))
        try expectError("missing_claim") { _ = try trustedListAnchors(jwt: partiesAnswer) }
        let noneGranted = try satelliteAnswer(
            "{\"trusted_list\":[{\"certificate_fingerprint\":\"00\",\"validity\":\"valid\",\"status\":\"withdrawn\"}]}")
        try expectError("invalid_response") { _ = try trustedListAnchors(jwt: noneGranted) }
        let notHex = try satelliteAnswer(
            "{\"trusted_list\":[{\"certificate_fingerprint\":\"00\",\"validity\":\"valid\",\"status\":\"granted\"}]}")
        try expectError("invalid_response") { _ = try trustedListAnchors(jwt: notHex) }
    }

    // The generic OAuth client assertion.
    let oauthIssuer = "https://as.example.com"
    runTest("Profile: constructors, equality, description") {
        let oauth = try Profile.oauth()
        try expectEqual("client-authentication+jwt", oauth.typ(), "oauth() typ")
        try expectEqual(60, oauth.lifetimeSecs(), "oauth() lifetime")
        try expectEqual("JWT", Profile.ishare().typ(), "ishare() typ")
        try expectEqual(30, Profile.ishare().lifetimeSecs(), "ishare() lifetime")
        try expectEqual(oauth, try Profile.oauth(lifetimeSecs: 60), "equal")
        try expectEqual(oauth.hashValue, try Profile.oauth(lifetimeSecs: 60).hashValue, "hash")
        let longer = try Profile.oauth(lifetimeSecs: 61)
        try expectTrue(oauth != Profile.ishare() && oauth != longer, "unequal profiles are equal")
        try expectEqual("Profile.oauth(60)", oauth.description, "description")
        try expectEqual("Profile.ishare()", Profile.ishare().description, "description")
        try expectEqual(Profile.ishare(), client.profile(), "a signer's default profile")
    }
    runTest("error: OAuth lifetime out of range") {
        for bad: UInt32 in [0, 3601, UInt32.max] {
            let message = try expectError("invalid_argument") { _ = try Profile.oauth(lifetimeSecs: bad) }
            try expectTrue(message.contains("lifetime"), message)
        }
        _ = try Profile.oauth(lifetimeSecs: 3600)
    }
    runTest("OAuth profile round trip; the profiles refuse each other's tokens") {
        let oauth = try Profile.oauth(lifetimeSecs: 60)
        let signer = try Signer.fromPem(keyPem: pki("client-eori.key.pem"), chainPem: pki("client-eori.chain.pem"),
                                        clientId: pkiClient, profile: oauth)
        try expectEqual(oauth, signer.profile(), "signer profile")
        let token = try signer.clientAssertion(audience: oauthIssuer, now: pkiNow, jti: nil)
        try expectEqual("client-authentication+jwt", try tokenPart(token, 0)["typ"] as? String, "typ")
        try expectEqual(pkiNow + 60, (try tokenPart(token, 1)["exp"] as? NSNumber)?.int64Value, "exp")
        let v = try Verifier(audience: oauthIssuer, trustedRoots: [root], profile: oauth)
        let a = try v.verify(token: token, now: pkiNow + 59, clientId: pkiClient)
        try expectEqual(oauthIssuer, a.audience, "audience")
        try expectEqual(pkiClient, a.clientId, "clientId")
        try expectEqual(pkiNow + 60, a.expiresAt, "expiresAt")
        let late = try signer.clientAssertion(audience: oauthIssuer, now: pkiNow, jti: nil)
        try expectError("expired") { _ = try v.verify(token: late, now: pkiNow + 60, clientId: nil) }
        let ishareToken = try client.clientAssertion(audience: serviceId, now: pkiNow, jti: nil)
        try expectError("invalid_header") { _ = try v.verify(token: ishareToken, now: pkiNow, clientId: nil) }
        try expectError("invalid_header") { _ = try verifierFor(serviceId).verify(token: token, now: pkiNow, clientId: nil) }
        // The OAuth signer's JWTs carry its lifetime and verify under its profile.
        let jwtToken = try signer.signJwt(audience: oauthIssuer, claimsJson: "{\"x\":1}", now: pkiNow, jti: nil)
        let jwt = try Verifier(audience: oauthIssuer, trustedRoots: [root], profile: oauth)
            .verifyJwt(token: jwtToken, now: pkiNow)
        try expectEqual(pkiNow + 60, jwt.expiresAt, "jwt expiresAt")
        // An OAuth verifier's audience is an issuer identifier; an iSHARE one's a party id.
        try expectError("invalid_party_id") { _ = try Verifier(audience: oauthIssuer, trustedRoots: [root]) }
    }
}
