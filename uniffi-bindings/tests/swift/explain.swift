// Swift tests of verifier.explain / explainJwt and of a signer's own chain,
// the same as tests/kotlin/ExplainTest.kt (the hostile inputs aside, as in
// main.swift): the report's verdict and kind are verify's on every shared
// vector and JWT vector; two broken rules show as two failures; warnings(),
// notAfter(), an expired certificate refused when the signer is made. Run
// from main.swift; uses its runTest/expect helpers.

import Foundation

/// tests/vectors/README.md: every certificate but the expired one is valid 2025-01-01 to 2045-01-01.
let vectorsNotAfter: Int64 = 2_366_841_600

/// The kind `body` fails with, or nil when it succeeds.
func verifyKind(_ body: () throws -> Void) throws -> String? {
    do {
        try body()
        return nil
    } catch let error as IshareJwtError {
        return error.kind()
    }
}

/// The report says what verify said: `kind` (nil: accepted).
func expectReport(_ report: Report, _ kind: String?) throws {
    try expectEqual(kind, report.kind, "kind")
    try expectEqual(kind == nil ? "accepted" : "refused", report.verdict, "verdict")
    try expectEqual(kind, report.rules.first { $0.status == "fail" }?.kind, "the first failing rule's kind")
    if kind == nil {
        try expectTrue(report.rules.allSatisfy { $0.status == "pass" }, "accepted with a rule not passed")
    }
}

func runExplainTests(vectors: [TestVector], jwtVectorsTable: String) {
    for v in vectors {
        runTest("explain: vector \(v.name)") {
            let kind = try verifyKind {
                _ = try Verifier(audience: v.audience, trustedRoots: v.roots, leeway: v.leeway)
                    .verify(token: v.token, now: v.now, clientId: v.clientId)
            }
            let verifier = try Verifier(audience: v.audience, trustedRoots: v.roots, leeway: v.leeway)
            try expectReport(try verifier.explain(token: v.token, now: v.now, clientId: v.clientId), kind)
        }
    }
    let jwtVectors = tableLines(jwtVectorsTable).map(JwtVector.init)
    runTest("explain: JWT vectors present") { try expectTrue(jwtVectors.count >= 14, "only \(jwtVectors.count)") }
    for v in jwtVectors {
        runTest("explainJwt: vector \(v.name)") {
            let kind = try verifyKind {
                _ = try Verifier(audience: v.audience, trustedRoots: v.roots, leeway: v.leeway)
                    .verifyJwt(token: v.token, now: v.now, issuer: v.issuer)
            }
            let verifier = try Verifier(audience: v.audience, trustedRoots: v.roots, leeway: v.leeway)
            try expectReport(try verifier.explainJwt(token: v.token, now: v.now, issuer: v.issuer), kind)
        }
    }

    runTest("explain: a token breaking two rules shows both") {
        let token = try signer.clientAssertion(audience: "EU.EORI.NL000000999", now: t0, jti: nil)
        let verifier = try Verifier(audience: server, trustedRoots: [rootSha256], leeway: 0)
        let report = try verifier.explain(token: token, now: t0 + 3600, clientId: client)
        try expectEqual("refused", report.verdict, "verdict")
        try expectEqual("audience", report.kind, "kind")
        try expectEqual(["audience", "not_expired"], report.rules.filter { $0.status == "fail" }.map { $0.rule },
                        "failed rules")
        try expectEqual(["audience", "expired"], report.rules.filter { $0.status == "fail" }.map { $0.kind },
                        "their kinds")
        let claims = try parseJsonObject(report.claimsJson ?? "null")
        try expectEqual("EU.EORI.NL000000999", claims["aud"] as? String, "aud")
        try expectEqual([0, 1, 2], report.chain.map { $0.position }, "chain positions")
        try expectEqual(clientLeafSha256, report.chain[0].sha256, "leaf sha256")
        try expectEqual(UInt32(2048), report.chain[0].keyBits, "key bits")
        // explain records no replay: verify still accepts a fresh token once.
        let fresh = try signer.clientAssertion(audience: server, now: t0, jti: nil)
        try expectReport(try verifier.explain(token: fresh, now: t0, clientId: nil), nil)
        _ = try verifier.verify(token: fresh, now: t0, clientId: nil)
        try expectError("replay") { _ = try verifier.verify(token: fresh, now: t0, clientId: nil) }
    }
    runTest("signer: notAfter is the leaf's; a full chain has no warning") {
        try expectEqual(vectorsNotAfter, signer.notAfter(), "notAfter")
        try expectEqual([String](), signer.warnings(), "warnings")
        let detail = try expectError("certificate_expired") {
            _ = try signer.clientAssertion(audience: server, now: vectorsNotAfter + 1, jti: nil)
        }
        try expectTrue(detail.contains("x5c[0]"), detail)
    }
    runTest("signer: a chain without its root loads with a warning") {
        let end = "-----END CERTIFICATE-----"
        let blocks = chain.components(separatedBy: end).dropLast().map { $0 + end + "\n" }
        try expectEqual(3, blocks.count, "certificates in the chain file")
        let rootless = try Signer.fromPem(keyPem: key, chainPem: blocks.prefix(2).joined(), clientId: client)
        try expectEqual(1, rootless.warnings().count, "warnings")
        try expectTrue(rootless.warnings()[0].contains("root"), rootless.warnings()[0])
    }
    runTest("signer: an expired certificate is refused when the signer is made") {
        do {
            _ = try Signer.fromPem(keyPem: read("client-expired.key.pem"), chainPem: read("client-expired.chain.pem"),
                                   clientId: "EU.EORI.NL000000002")
            throw TestFailure(description: "the expired chain loaded")
        } catch let error as IshareJwtError {
            try expectTrue(["invalid_certificate", "certificate_expired"].contains(error.kind()), error.detail())
            try expectTrue(error.detail().contains("x5c[0]"), error.detail())
        }
    }
}
