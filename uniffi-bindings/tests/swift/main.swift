// Swift tests of the UniFFI bindings, the same suite as
// tests/kotlin/IshareJwtTest.kt: every shared vector, sign -> verify, replay,
// replay limits, error variants (not yet the hostile inputs); then jwt.swift's
// (every iSHARE JWT, the satellite checks, the OAuth profile), explain.swift's
// (explain, a signer's own chain) and
// tokens.swift's (the token manager against the live test token endpoint,
// the token endpoint's functions, every error case's kind and code) and
// external.swift's (Signer.fromCallback with an ExternalSigner). A plain
// executable (no XCTest), compiled by scripts/test-kotlin together with the
// generated IshareJwt.swift into one module, and run with the arguments the
// Kotlin suite gets: the vectors directory, the converted vectors, hostile
// (unused here) and hostile-loader (unused here) tables, the test PKI
// directory (testdata/pki), the converted JWT vector and sign-input tables,
// and the test token endpoint's URL. The last line is "swift: N passed, M
// failed"; the exit code is 1 on failure.

import Dispatch
import Foundation

let t0: Int64 = 1_767_225_600
let client = "EU.EORI.NL000000001"
let server = "EU.EORI.NL000000000"
let clientDid = "did:ishare:EU.NL.NTRNL-10000001"
let serverDid = "did:ishare:EU.NL.NTRNL-10000000"
let rootSha256 = "78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69"
let clientLeafSha256 = "2E03CB37B405BD25A6A07369886C7C5F9816D0A060969518D9FD4C8D5AF43F15"

var passed = 0
var failed = 0

struct TestFailure: Error, CustomStringConvertible {
    let description: String
}

func runTest(_ name: String, _ body: () throws -> Void) {
    do {
        try body()
        passed += 1
        print("ok   \(name)")
    } catch {
        failed += 1
        print("FAIL \(name): \(error)")
    }
}

func expectTrue(_ condition: Bool, _ what: @autoclosure () -> String) throws {
    if !condition { throw TestFailure(description: what()) }
}

func expectEqual<T: Equatable>(_ expected: T, _ found: T, _ what: String) throws {
    try expectTrue(expected == found, "\(what): expected <\(expected)>, found <\(found)>")
}

/// The case name of an error: `UnsupportedAlgorithm`.
func caseName(_ error: IshareJwtError) -> String {
    if let label = Mirror(reflecting: error).children.first?.label { return label }
    return String(String(describing: error).prefix { $0 != "(" })
}

/// The kind a case name spells: `UnsupportedAlgorithm` -> `unsupported_algorithm`.
func caseKind(_ error: IshareJwtError) -> String {
    var kind = ""
    for (index, char) in caseName(error).enumerated() {
        if char.isUppercase && index > 0 { kind += "_" }
        kind += char.lowercased()
    }
    return kind
}

/// The error is of `kind`, by its `kind()` and by its case name.
func expectKind(_ kind: String, _ error: IshareJwtError) throws {
    try expectEqual(kind, error.kind(), "error kind (\(error.detail()))")
    try expectEqual(kind, caseKind(error), "the kind \(caseName(error)) spells")
}

/// Runs `body`, demanding it throw the error of `kind` with a non-empty detail;
/// returns the detail.
@discardableResult
func expectError(_ kind: String, _ body: () throws -> Void) throws -> String {
    do {
        try body()
    } catch let error as IshareJwtError {
        try expectKind(kind, error)
        try expectTrue(!error.detail().isEmpty, "\(kind) has no detail")
        return error.detail()
    }
    throw TestFailure(description: "expected \(kind), nothing was thrown")
}

struct TestVector {
    let name, expect, audience: String
    let now: Int64
    let leeway: UInt32
    let clientId: String?
    let roots: [String]
    let token: String

    init(_ line: Substring) {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        name = fields[0]
        expect = fields[1]
        audience = fields[2]
        now = Int64(fields[3])!
        leeway = UInt32(fields[4])!
        clientId = fields[5].isEmpty ? nil : fields[5]
        roots = fields[6].split(separator: ";").map { String($0).replacingOccurrences(of: "\\n", with: "\n") }
        token = fields[7]
    }
}

func expectAssertion(_ a: Assertion, _ clientId: String, _ audience: String, _ issuedAt: Int64) throws {
    try expectEqual(clientId, a.clientId, "clientId")
    try expectEqual(audience, a.audience, "audience")
    try expectEqual(issuedAt, a.issuedAt, "issuedAt")
    try expectEqual(issuedAt + 30, a.expiresAt, "expiresAt")
    try expectTrue(a.leafSha256.count == 64, "leafSha256 \(a.leafSha256)")
}

func isUuidV4(_ s: String) -> Bool {
    s.range(of: "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
            options: .regularExpression) != nil
}

let dir = CommandLine.arguments[1]
func read(_ name: String) -> String {
    // Test data missing is a broken checkout: crash loudly.
    try! String(contentsOfFile: "\(dir)/\(name)", encoding: .utf8)
}
let vectors = try! String(contentsOfFile: CommandLine.arguments[2], encoding: .utf8)
    .split(separator: "\n").map(TestVector.init)
let key = read("client-eori.key.pem")
let chain = read("client-eori.chain.pem")
let signer = try! Signer.fromPem(keyPem: key, chainPem: chain, clientId: client)
func verifier(leeway: UInt32 = 0) throws -> Verifier {
    try Verifier(audience: server, trustedRoots: [rootSha256], leeway: leeway)
}

// Every shared vector, each with a fresh verifier (no replay state).
runTest("vectors present") { try expectTrue(vectors.count >= 50, "only \(vectors.count) vectors") }
for v in vectors {
    runTest("vector \(v.name)") {
        let verifier = try Verifier(audience: v.audience, trustedRoots: v.roots, leeway: v.leeway)
        if v.expect == "valid" {
            let a = try verifier.verify(token: v.token, now: v.now, clientId: v.clientId)
            try expectEqual(v.audience, a.audience, "audience")
            try expectEqual(30, a.expiresAt - a.issuedAt, "lifetime")
            try expectTrue(!a.jti.isEmpty, "empty jti")
            if let clientId = v.clientId { try expectEqual(clientId, a.clientId, "clientId") }
        } else {
            try expectError(v.expect) { _ = try verifier.verify(token: v.token, now: v.now, clientId: v.clientId) }
        }
    }
}

runTest("sign then verify (EORI)") {
    let token = try signer.clientAssertion(audience: server, now: t0, jti: nil)
    let a = try verifier().verify(token: token, now: t0 + 1, clientId: client)
    try expectAssertion(a, client, server, t0)
    try expectEqual(clientLeafSha256, a.leafSha256, "leafSha256")
    try expectTrue(isUuidV4(a.jti), "jti \(a.jti) is not a UUID v4")
}
runTest("sign then verify (did:ishare)") {
    let did = try Signer.fromPem(keyPem: read("client-did.key.pem"), chainPem: read("client-did.chain.pem"),
                                 clientId: clientDid)
    let token = try did.clientAssertion(audience: serverDid, now: t0, jti: nil)
    let v = try Verifier(audience: serverDid, trustedRoots: [read("root-ca.pem")], leeway: 0)
    try expectAssertion(try v.verify(token: token, now: t0 + 29, clientId: nil), clientDid, serverDid, t0)
}
runTest("signer clientId") { try expectEqual(client, signer.clientId(), "clientId") }
runTest("explicit jti") {
    let token = try signer.clientAssertion(audience: server, now: t0, jti: "request-42")
    try expectEqual("request-42", try verifier().verify(token: token, now: t0).jti, "jti")
}
runTest("system clock when now is nil") {
    let before = Int64(Date().timeIntervalSince1970)
    let a = try verifier().verify(token: try signer.clientAssertion(audience: server))
    let after = Int64(Date().timeIntervalSince1970) + 1
    try expectTrue((before...after).contains(a.issuedAt), "issuedAt \(a.issuedAt) not in \(before)...\(after)")
}
runTest("fresh jti per assertion") {
    var jtis = Set<String>()
    for _ in 1...5 {
        jtis.insert(try verifier().verify(token: try signer.clientAssertion(audience: server, now: t0), now: t0).jti)
    }
    try expectEqual(5, jtis.count, "distinct jtis")
}
runTest("PKCS#1 key") {
    _ = try Signer.fromPem(keyPem: read("client-eori.key.pkcs1.pem"), chainPem: chain, clientId: client)
}

runTest("token request fields") {
    let fields = try signer.tokenRequest(audience: server, scope: nil)
    try expectEqual(Set(["grant_type", "scope", "client_id", "client_assertion_type", "client_assertion"]),
                    Set(fields.keys), "keys")
    try expectEqual("client_credentials", fields["grant_type"], "grant_type")
    try expectEqual("iSHARE", fields["scope"], "scope")
    try expectEqual(client, fields["client_id"], "client_id")
    try expectEqual("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", fields["client_assertion_type"], "type")
    try expectEqual(client, try verifier().verify(token: fields["client_assertion"] ?? "", clientId: client).clientId,
                    "iss")
}
runTest("token request scope") {
    try expectEqual("iSHARE extra", try signer.tokenRequest(audience: server, scope: "iSHARE extra")["scope"], "scope")
}

runTest("replay refused") {
    let v = try verifier()
    let token = try signer.clientAssertion(audience: server, now: t0, jti: nil)
    _ = try v.verify(token: token, now: t0 + 1, clientId: nil)
    do {
        _ = try v.verify(token: token, now: t0 + 2, clientId: nil)
        throw TestFailure(description: "a replayed token was accepted")
    } catch IshareJwtError.Replay(let detail) {
        try expectTrue(detail.contains("was already accepted"), detail)
    }
    _ = try v.verify(token: try signer.clientAssertion(audience: server, now: t0, jti: nil), now: t0 + 3, clientId: nil)
    _ = try verifier().verify(token: token, now: t0 + 2, clientId: nil) // another verifier has its own cache
}
runTest("replay refused across threads") {
    let v = try verifier()
    let token = try signer.clientAssertion(audience: server, now: t0, jti: nil)
    let lock = NSLock()
    var outcomes: [String] = []
    DispatchQueue.concurrentPerform(iterations: 16) { _ in
        var outcome = "ok"
        do {
            _ = try v.verify(token: token, now: t0 + 1, clientId: nil)
        } catch let error as IshareJwtError {
            outcome = error.kind()
        } catch {
            outcome = "\(error)"
        }
        lock.lock()
        outcomes.append(outcome)
        lock.unlock()
    }
    try expectEqual(1, outcomes.filter { $0 == "ok" }.count, "accepted")
    try expectEqual(15, outcomes.filter { $0 == "replay" }.count, "replays")
}

// More than one instance: the replay record for a store they share. Swift on
// Linux has no SHA-256 in Foundation: the key is derived outside it, with
// printf 'EU.EORI.NL000000001\0fixed-jti' | sha256sum (Kotlin computes it).
runTest("replay record: replayKey = hex SHA-256(iss 0x00 jti), replayUntil = exp + leeway") {
    let expected = "a4d14094bffb07096c8bd1cf59ec86928340ef4d3d78a7c959a67766855bbe4f"
    let v = try verifier(leeway: 5)
    let token = try signer.clientAssertion(audience: server, now: t0, jti: "fixed-jti")
    let a = try v.verifyUnrecorded(token: token, now: t0 + 1, clientId: client)
    try expectEqual(expected, a.replayKey, "replayKey")
    try expectEqual(t0 + 35, a.replayUntil, "replayUntil")
    try expectEqual(a.expiresAt + 5, a.replayUntil, "replayUntil = exp + leeway")
    let signed = try signer.signJwt(audience: server, claimsJson: "{\"a\":1}", now: t0, jti: "fixed-jti")
    let jwt = try v.verifyJwtUnrecorded(token: signed, now: t0 + 1, issuer: client)
    try expectEqual(expected, jwt.replayKey, "VerifiedJwt.replayKey")
    try expectEqual(jwt.expiresAt + 5, jwt.replayUntil, "VerifiedJwt.replayUntil")
}
runTest("unrecorded verify accepts a token twice; verify still only once") {
    let v = try verifier()
    let token = try signer.clientAssertion(audience: server, now: t0, jti: nil)
    _ = try v.verifyUnrecorded(token: token, now: t0 + 1, clientId: nil)
    _ = try v.verifyUnrecorded(token: token, now: t0 + 2, clientId: nil)
    _ = try v.verifyJwtUnrecorded(token: token, now: t0 + 2, issuer: nil)
    _ = try v.verifyJwtUnrecorded(token: token, now: t0 + 2, issuer: client)
    // Nothing was recorded: verify accepts it once, then refuses it...
    _ = try v.verify(token: token, now: t0 + 3, clientId: nil)
    _ = try expectError("replay") { _ = try v.verify(token: token, now: t0 + 4, clientId: nil) }
    _ = try expectError("replay") { _ = try v.verifyJwt(token: token, now: t0 + 4, issuer: nil) }
    // ...and the unrecorded ones read no replay cache either.
    _ = try v.verifyUnrecorded(token: token, now: t0 + 4, clientId: nil)
    _ = try expectError("issuer_mismatch") {
        _ = try v.verifyJwtUnrecorded(token: token, now: t0 + 4, issuer: "EU.EORI.NL000000999")
    }
    _ = try expectError("expired") { _ = try v.verifyUnrecorded(token: token, now: t0 + 30, clientId: nil) }
}

// The replay cache's two bounds: all tokens, and one issuer's share of them.
let didSigner = try! Signer.fromPem(keyPem: read("client-did.key.pem"), chainPem: read("client-did.chain.pem"),
                                    clientId: clientDid)
func signed(_ s: Signer, _ jti: String, now: Int64 = t0) throws -> String {
    try s.clientAssertion(audience: server, now: now, jti: jti)
}
runTest("replay limits: one issuer fills its share, another still gets in") {
    // 10 tokens in all, 2 (= floor(10 * 0.2)) of one issuer.
    let v = try Verifier(audience: server, trustedRoots: [rootSha256], replayCapacity: 10, replayIssuerShare: 0.2)
    _ = try v.verify(token: try signed(signer, "eori-1"), now: t0)
    _ = try v.verify(token: try signed(signer, "eori-2"), now: t0)
    let third = try signed(signer, "eori-3")
    let message = try expectError("replay_cache_full") { _ = try v.verify(token: third, now: t0) }
    try expectTrue(message.contains("\"\(client)\" holds its whole share"), message)
    try expectTrue(message.contains("whole share (2 unexpired tokens)"), message)
    // The cache holds 2 of 10: the other issuer is not locked out...
    _ = try v.verify(token: try signed(didSigner, "did-1"), now: t0)
    _ = try v.verify(token: try signed(didSigner, "did-2"), now: t0)
    // ...but has a share of its own.
    let didThird = try signed(didSigner, "did-3")
    let didMessage = try expectError("replay_cache_full") { _ = try v.verify(token: didThird, now: t0) }
    try expectTrue(didMessage.contains(clientDid), didMessage)
    // Tokens of t0 are refused from t0 + 30 (exp) on, leave the cache then,
    // and free their issuer's share.
    _ = try v.verify(token: try signed(signer, "eori-4", now: t0 + 30), now: t0 + 30)
}
runTest("replay limits: a full cache refuses every issuer") {
    let v = try Verifier(audience: server, trustedRoots: [rootSha256], replayCapacity: 2, replayIssuerShare: 1.0)
    _ = try v.verify(token: try signed(signer, "eori-1"), now: t0)
    _ = try v.verify(token: try signed(signer, "eori-2"), now: t0)
    let other = try signed(didSigner, "did-1")
    let message = try expectError("replay_cache_full") { _ = try v.verify(token: other, now: t0) }
    try expectTrue(message.contains("2 unexpired tokens are remembered"), message)
}
runTest("replay limits: out of range is refused") {
    let capacity = "replay cache capacity must be 1 to 10000000"
    let share = "replay issuer share must be more than 0 and at most 1"
    let cases: [(UInt32, Double, String)] = [
        (0, 0.1, capacity), (10_000_001, 0.1, capacity), (10, 0.0, share), (10, -0.5, share),
        (10, 1.5, share), (10, .nan, share), (10, .infinity, share),
    ]
    for (limit, fraction, expected) in cases {
        let message = try expectError("invalid_argument") {
            _ = try Verifier(audience: server, trustedRoots: [rootSha256], replayCapacity: limit,
                             replayIssuerShare: fraction)
        }
        try expectTrue(message.contains(expected), "\(limit) \(fraction): \(message)")
    }
}

runTest("error: expired") {
    let token = try signer.clientAssertion(audience: server, now: t0, jti: nil)
    let message = try expectError("expired") { _ = try verifier().verify(token: token, now: t0 + 30, clientId: nil) }
    try expectTrue(message.hasPrefix("exp "), message)
    _ = try verifier(leeway: 5).verify(token: token, now: t0 + 34, clientId: nil)
}
runTest("error: not yet valid") {
    let token = try signer.clientAssertion(audience: server, now: t0 + 60, jti: nil)
    try expectError("not_yet_valid") { _ = try verifier().verify(token: token, now: t0, clientId: nil) }
}
runTest("error: audience") {
    let token = try signer.clientAssertion(audience: "EU.EORI.NL000000003", now: t0, jti: nil)
    try expectError("audience") { _ = try verifier().verify(token: token, now: t0, clientId: nil) }
}
runTest("error: client id mismatch") {
    let token = try signer.clientAssertion(audience: server, now: t0, jti: nil)
    try expectError("client_id_mismatch") {
        _ = try verifier().verify(token: token, now: t0, clientId: "EU.EORI.NL000000002")
    }
}
runTest("error: untrusted chain") {
    let token = try signer.clientAssertion(audience: server, now: t0, jti: nil)
    try expectError("untrusted_chain") {
        _ = try Verifier(audience: server, trustedRoots: [read("untrusted-ca.pem")], leeway: 0)
            .verify(token: token, now: t0, clientId: nil)
    }
}
runTest("error: malformed") {
    try expectError("malformed") { _ = try verifier().verify(token: "a.b", now: t0, clientId: nil) }
}
runTest("error: signature") {
    let token = try signer.clientAssertion(audience: server, now: t0, jti: nil)
    let tampered = String(token.dropLast(4)) + (token.hasSuffix("AAAA") ? "BBBB" : "AAAA")
    try expectError("signature") { _ = try verifier().verify(token: tampered, now: t0, clientId: nil) }
}
runTest("error: invalid key") {
    let message = try expectError("invalid_key") {
        _ = try Signer.fromPem(keyPem: "not a key", chainPem: chain, clientId: client)
    }
    try expectTrue(!message.contains("PRIVATE"), message)
}
runTest("error: invalid certificate") {
    try expectError("invalid_certificate") {
        _ = try Signer.fromPem(keyPem: key, chainPem: "not a chain", clientId: client)
    }
}
runTest("error: key mismatch") {
    try expectError("key_mismatch") {
        _ = try Signer.fromPem(keyPem: read("client-did.key.pem"), chainPem: chain, clientId: client)
    }
}
runTest("error: party id mismatch") {
    try expectError("party_id_mismatch") {
        _ = try Signer.fromPem(keyPem: key, chainPem: chain, clientId: "EU.EORI.NL000000002")
    }
}
runTest("error: invalid party id") {
    try expectError("invalid_party_id") { _ = try Signer.fromPem(keyPem: key, chainPem: chain, clientId: "nobody") }
    try expectError("invalid_party_id") { _ = try signer.clientAssertion(audience: "nobody", now: t0, jti: nil) }
}
runTest("error: weak key") {
    try expectError("weak_key") {
        _ = try Signer.fromPem(keyPem: read("client-1024.key.pem"), chainPem: read("client-1024.chain.pem"),
                               clientId: "EU.EORI.NL000000003")
    }
}
runTest("error: invalid trust anchor") {
    try expectError("invalid_trust_anchor") { _ = try Verifier(audience: server, trustedRoots: ["not a root"]) }
    try expectError("invalid_trust_anchor") { _ = try Verifier(audience: server, trustedRoots: []) }
}
runTest("error: invalid argument") {
    try expectError("invalid_argument") { _ = try Verifier(audience: server, trustedRoots: [rootSha256], leeway: 301) }
    try expectError("invalid_argument") { _ = try signer.clientAssertion(audience: server, now: -1, jti: nil) }
    try expectError("invalid_argument") { _ = try signer.clientAssertion(audience: server, now: t0, jti: "") }
    try expectError("invalid_argument") { _ = try signer.tokenRequest(audience: server, scope: "bad\"scope") }
    try expectError("invalid_argument") { _ = try verifier().verify(token: "a.b.c", now: -5, clientId: nil) }
}
runTest("error: too large") {
    let token = String(repeating: "a", count: 70_000)
    try expectError("too_large") { _ = try verifier().verify(token: token, now: t0, clientId: nil) }
}

runJwtTests(pkiDir: CommandLine.arguments[5], jwtVectorsTable: CommandLine.arguments[6],
            signTable: CommandLine.arguments[7])
runExplainTests(vectors: vectors, jwtVectorsTable: CommandLine.arguments[6])
runTokenTests(pkiDir: CommandLine.arguments[5], base: CommandLine.arguments[8])
runExternalSignerTests(vectorsDir: dir, chain: chain)

print("swift: \(passed) passed, \(failed) failed")
exit(failed == 0 ? 0 : 1)
