// Swift tests of access tokens, the same as tests/kotlin/TokenTest.kt: the
// sans-IO TokenManager driven by URLSession against the LIVE test token
// endpoint (tests/token-endpoint, started by scripts/test-kotlin, its URL the
// last argument), the token endpoint's own functions (parseTokenRequest,
// oauthErrorFor, tokenResponseBody, tokenResponseHeaders), and every error
// case's kind() and code(). Called from main.swift; uses its runTest/expect
// helpers and jwt.swift's test PKI constants.

import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A value that closures running on other threads may set; `lock` guards it.
final class Shared<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    func update(_ change: (inout Value) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        change(&stored)
    }
}

/// One HTTP exchange, waited for: the status and the body.
func httpExchange(_ method: String, _ url: String, body: String? = nil, contentType: String? = nil,
                  bearer: String? = nil) throws -> (status: Int, body: Data) {
    guard let target = URL(string: url) else { throw TestFailure(description: "not a URL: \(url)") }
    var request = URLRequest(url: target)
    request.httpMethod = method
    if let body = body { request.httpBody = Data(body.utf8) }
    if let contentType = contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
    if let bearer = bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
    let done = DispatchSemaphore(value: 0)
    let outcome = Shared<Result<(Int, Data), Error>>(.failure(TestFailure(description: "no answer from \(url)")))
    URLSession.shared.dataTask(with: request) { data, response, error in
        if let error = error {
            outcome.update { $0 = .failure(error) }
        } else if let http = response as? HTTPURLResponse {
            outcome.update { $0 = .success((http.statusCode, data ?? Data())) }
        }
        done.signal()
    }.resume()
    done.wait()
    let (status, data) = try outcome.value.get()
    return (status, data)
}

/// What an app writes around the sans-IO manager for one key (server, token
/// URL, scope): get -> POST the request -> finish, under one lock per key, so
/// that threads missing the same key at once make one request between them.
final class TokenClient {
    let manager: TokenManager
    let serverId: String
    let tokenUrl: String
    let scope: String
    private let lock = NSLock()

    init(_ manager: TokenManager, _ serverId: String, _ tokenUrl: String, scope: String = "iSHARE") {
        self.manager = manager
        self.serverId = serverId
        self.tokenUrl = tokenUrl
        self.scope = scope
    }

    func token() throws -> AccessToken {
        lock.lock()
        defer { lock.unlock() }
        switch try manager.get(serverId: serverId, tokenUrl: tokenUrl, scope: scope) {
        case .cached(let token):
            return token
        case .fetch(let request):
            let answer = try httpExchange("POST", request.url, body: request.body, contentType: request.contentType)
            return try manager.finish(serverId: serverId, tokenUrl: tokenUrl, scope: scope,
                                      httpStatus: UInt16(answer.status), body: answer.body)
        }
    }

    func invalidate() {
        manager.invalidate(serverId: serverId, tokenUrl: tokenUrl, scope: scope)
    }
}

/// The request of a `.fetch` step; a test failure for `.cached`.
func fetchRequest(_ step: TokenStep) throws -> TokenRequest {
    guard case .fetch(let request) = step else { throw TestFailure(description: "expected a fetch, got \(step)") }
    return request
}

func isFetch(_ step: TokenStep) -> Bool {
    if case .fetch = step { return true }
    return false
}

/// Runs `body`, demanding it throw `TokenEndpoint`; gives its fields.
func expectTokenEndpoint(_ body: () throws -> Void) throws
    -> (status: UInt16, error: String?, errorDescription: String?, detail: String) {
    do {
        try body()
    } catch let error as IshareJwtError {
        try expectKind("token_endpoint", error)
        try expectEqual(33, error.code(), "code")
        if case let .TokenEndpoint(status, code, description, detail) = error {
            try expectEqual(detail, error.detail(), "detail()")
            return (status, code, description, detail)
        }
    }
    throw TestFailure(description: "expected TokenEndpoint, nothing was thrown")
}

/// An OAuth answer's body is the JSON of its error and description.
func expectOAuthBody(_ answer: OAuthErrorResponse) throws {
    let body = try parseJsonObject(answer.body)
    try expectEqual(2, body.count, "members of the body")
    try expectEqual(answer.error, body["error"] as? String, "the body's error")
    try expectEqual(answer.errorDescription, body["error_description"] as? String, "the body's error_description")
}

/// Runs `body`, demanding it throw an OAuth refusal; gives its answer.
func expectRefusal(_ body: () throws -> Void) throws -> OAuthErrorResponse {
    do {
        try body()
    } catch OAuthError.Refused(let response) {
        try expectOAuthBody(response)
        return response
    }
    throw TestFailure(description: "expected OAuthError, nothing was thrown")
}

/// A form body from name-value pairs (values form-encoded).
func formBody(_ fields: [(String, String)]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._*")
    return fields.map { name, value in
        "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
    }.joined(separator: "&")
}

let jwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

func runTokenTests(pkiDir: String, base: String) {
    func read(_ name: String) -> String {
        // Test data missing is a broken checkout: crash loudly.
        try! String(contentsOfFile: "\(pkiDir)/\(name)", encoding: .utf8)
    }
    let signer = try! Signer.fromPem(keyPem: read("client-eori.key.pem"), chainPem: read("client-eori.chain.pem"),
                                     clientId: pkiClient)
    let rootSha256 = read("root-ca.sha256").trimmingCharacters(in: .whitespacesAndNewlines)
    let tokenUrl = "\(base)/connect/token"
    func count() throws -> Int {
        let answer = try httpExchange("GET", "\(base)/count")
        guard let text = String(data: answer.body, encoding: .utf8),
              let number = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestFailure(description: "GET /count did not answer a number")
        }
        return number
    }
    func resource(_ token: AccessToken) throws -> Int {
        try httpExchange("GET", "\(base)/resource", bearer: token.accessToken).status
    }

    // The client side, sans-IO: no network.
    runTest("token manager: a miss is a request with a fresh assertion the server side accepts") {
        let manager = try TokenManager(signer: signer)
        let request = try fetchRequest(try manager.get(serverId: satelliteId, tokenUrl: tokenUrl))
        try expectEqual(tokenUrl, request.url, "url")
        try expectEqual("application/x-www-form-urlencoded", request.contentType, "contentType")
        let parsed = try parseTokenRequest(formBody: request.body)
        try expectEqual(pkiClient, parsed.clientId, "clientId")
        try expectEqual("iSHARE", parsed.scope, "scope")
        let assertion = try Verifier(audience: satelliteId, trustedRoots: [rootSha256])
            .verify(token: parsed.clientAssertion, now: nil, clientId: parsed.clientId)
        try expectTrue(isUuidV4(assertion.jti), "jti \(assertion.jti)")
        let again = try fetchRequest(try manager.get(serverId: satelliteId, tokenUrl: tokenUrl))
        try expectTrue(again.body != request.body, "a second miss signs a fresh assertion")
        let other = try fetchRequest(try manager.get(serverId: satelliteId, tokenUrl: tokenUrl, scope: "iSHARE other"))
        try expectEqual("iSHARE other", try parseTokenRequest(formBody: other.body).scope, "scope")
    }
    runTest("token manager: cached until refreshBefore before expiry, then a fetch; per key") {
        let manager = try TokenManager(signer: signer, refreshBefore: 60)
        try expectEqual(60, manager.refreshBefore(), "refreshBefore")
        let body = Data(tokenResponseBody(accessToken: "cached", expiresIn: 3600).utf8)
        let token = try manager.finish(serverId: satelliteId, tokenUrl: tokenUrl, scope: "iSHARE", httpStatus: 200,
                                       body: body, now: pkiNow)
        try expectEqual(AccessToken(accessToken: "cached", tokenType: "Bearer", expiresAt: pkiNow + 3600), token, "token")
        try expectEqual(TokenStep.cached(token: token),
                        try manager.get(serverId: satelliteId, tokenUrl: tokenUrl, now: pkiNow + 3539), "at expiry - 61")
        try expectTrue(isFetch(try manager.get(serverId: satelliteId, tokenUrl: tokenUrl, now: pkiNow + 3540)),
                       "at expiry - 60")
        try expectTrue(isFetch(try manager.get(serverId: satelliteId, tokenUrl: tokenUrl, scope: "other", now: pkiNow)),
                       "another scope")
        try expectTrue(isFetch(try manager.get(serverId: satelliteId, tokenUrl: "\(tokenUrl)/2", now: pkiNow)),
                       "another URL")
        try expectTrue(isFetch(try manager.get(serverId: serviceId, tokenUrl: tokenUrl, now: pkiNow)), "another server")
        manager.invalidate(serverId: satelliteId, tokenUrl: tokenUrl)
        try expectTrue(isFetch(try manager.get(serverId: satelliteId, tokenUrl: tokenUrl, now: pkiNow)),
                       "after invalidate")
    }
    runTest("token manager: a 200 that is not a token response is InvalidResponse; nothing cached") {
        let manager = try TokenManager(signer: signer)
        try expectError("invalid_response") {
            _ = try manager.finish(serverId: satelliteId, tokenUrl: tokenUrl, httpStatus: 200,
                                   body: Data("{\"access_token\":\"x\"}".utf8))
        }
        try expectTrue(isFetch(try manager.get(serverId: satelliteId, tokenUrl: tokenUrl)), "cached after an error")
    }
    runTest("token manager: limits out of range, a bad URL, a bad server id") {
        try expectError("invalid_argument") { _ = try TokenManager(signer: signer, refreshBefore: 86_401) }
        try expectError("invalid_argument") { _ = try TokenManager(signer: signer, capacity: 0) }
        try expectError("invalid_argument") { _ = try TokenManager(signer: signer, capacity: 1_000_001) }
        _ = try TokenManager(signer: signer, refreshBefore: 86_400, capacity: 1)
        let manager = try TokenManager(signer: signer)
        try expectError("invalid_argument") { _ = try manager.get(serverId: satelliteId, tokenUrl: "ftp://example.com/token") }
        try expectError("invalid_party_id") { _ = try manager.get(serverId: "nobody", tokenUrl: tokenUrl) }
    }
    runTest("token manager: 16 threads missing at once each get a request; then all get the token") {
        let manager = try TokenManager(signer: signer)
        let shared = Shared<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            let body = (try? fetchRequest(try manager.get(serverId: satelliteId, tokenUrl: tokenUrl)))?.body ?? "failed"
            shared.update { $0.append(body) }
        }
        let bodies = shared.value
        try expectEqual(16, Set(bodies).count, "distinct requests")
        try expectTrue(!bodies.contains("failed"), "a get failed")
        let token = try manager.finish(serverId: satelliteId, tokenUrl: tokenUrl, httpStatus: 200,
                                       body: Data(tokenResponseBody(accessToken: "t", expiresIn: 3600).utf8))
        try expectEqual(TokenStep.cached(token: token), try manager.get(serverId: satelliteId, tokenUrl: tokenUrl),
                        "after finish")
    }

    // The client side against the live test endpoint.
    runTest("live: 100 token calls, 1 token request, and the token works") {
        let client = TokenClient(try TokenManager(signer: signer), satelliteId, tokenUrl)
        let before = try count()
        let tokens = try (1...100).map { _ in try client.token() }
        try expectEqual(1, try count() - before, "token requests")
        try expectEqual(1, Set(tokens.map { $0.accessToken }).count, "distinct tokens")
        try expectEqual("Bearer", tokens[0].tokenType, "tokenType")
        try expectEqual(200, try resource(tokens[0]), "GET /resource")
    }
    runTest("live: 100 token calls from many threads, 1 token request") {
        let client = TokenClient(try TokenManager(signer: signer), satelliteId, tokenUrl)
        let before = try count()
        let shared = Shared<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 100) { _ in
            let token = (try? client.token())?.accessToken ?? "failed"
            shared.update { $0.append(token) }
        }
        let tokens = shared.value
        try expectEqual(1, try count() - before, "token requests")
        try expectEqual(100, tokens.count, "calls")
        try expectEqual(1, Set(tokens).count, "distinct tokens")
        try expectTrue(tokens[0] != "failed", "token calls failed")
    }
    runTest("live: a token within refreshBefore of its expiry is renewed") {
        // expires_in 30 < refreshBefore 60: due for renewal as soon as it arrives.
        let client = TokenClient(try TokenManager(signer: signer), satelliteId, "\(tokenUrl)?expires_in=30")
        let before = try count()
        let first = try client.token()
        let second = try client.token()
        try expectEqual(2, try count() - before, "token requests")
        try expectTrue(first.accessToken != second.accessToken, "renewed: \(first.accessToken) twice")
        try expectEqual(200, try resource(second), "GET /resource")
    }
    runTest("live: expiresAt is now + expires_in; cached to 60 s before it") {
        let manager = try TokenManager(signer: signer)
        let now = Int64(Date().timeIntervalSince1970)
        let request = try fetchRequest(try manager.get(serverId: satelliteId, tokenUrl: tokenUrl, now: now))
        let answer = try httpExchange("POST", request.url, body: request.body, contentType: request.contentType)
        let token = try manager.finish(serverId: satelliteId, tokenUrl: tokenUrl, httpStatus: UInt16(answer.status),
                                       body: answer.body, now: now)
        try expectEqual(now + 3600, token.expiresAt, "expiresAt")
        try expectEqual(TokenStep.cached(token: token),
                        try manager.get(serverId: satelliteId, tokenUrl: tokenUrl, now: now + 3539), "cached")
        try expectTrue(isFetch(try manager.get(serverId: satelliteId, tokenUrl: tokenUrl, now: now + 3540)), "renewed")
    }
    runTest("live: a refusal is TokenEndpoint with the server's fields, and nothing is cached") {
        let manager = try TokenManager(signer: signer)
        let url = "\(tokenUrl)?fail=400"
        let before = try count()
        let refused = try expectTokenEndpoint { _ = try TokenClient(manager, satelliteId, url).token() }
        try expectEqual(400, refused.status, "status")
        try expectEqual("invalid_client", refused.error, "error")
        try expectEqual("refused as the test asked", refused.errorDescription, "errorDescription")
        try expectEqual("400 invalid_client: refused as the test asked", refused.detail, "detail")
        try expectTrue(isFetch(try manager.get(serverId: satelliteId, tokenUrl: url)), "cached after a refusal")
        let failed = try expectTokenEndpoint { _ = try TokenClient(manager, satelliteId, "\(tokenUrl)?fail=500").token() }
        try expectEqual(500, failed.status, "status")
        try expectEqual(nil, failed.error, "error of a body that is not JSON")
        try expectEqual(nil, failed.errorDescription, "errorDescription of a body that is not JSON")
        try expectEqual(2, try count() - before, "token requests")
    }
    runTest("live: the server refuses an assertion for another audience (invalid_client)") {
        let refused = try expectTokenEndpoint {
            _ = try TokenClient(try TokenManager(signer: signer), serviceId, tokenUrl).token()
        }
        try expectEqual(400, refused.status, "status")
        try expectEqual("invalid_client", refused.error, "error")
        try expectTrue(refused.errorDescription?.hasPrefix("audience: ") ?? false,
                       "errorDescription \(String(describing: refused.errorDescription))")
    }
    runTest("live: invalidate, then a new token request") {
        let client = TokenClient(try TokenManager(signer: signer), satelliteId, tokenUrl)
        let first = try client.token()
        let before = try count()
        client.invalidate()
        let second = try client.token()
        try expectEqual(1, try count() - before, "token requests")
        try expectTrue(first.accessToken != second.accessToken, "the same token after invalidate")
    }
    runTest("live: 401 after POST /revoke, invalidate, and the new token works") {
        let client = TokenClient(try TokenManager(signer: signer), satelliteId, tokenUrl)
        let first = try client.token()
        try expectEqual(200, try resource(first), "before /revoke")
        try expectEqual(200, try httpExchange("POST", "\(base)/revoke", body: "", contentType: "text/plain").status,
                        "POST /revoke")
        try expectEqual(401, try resource(first), "after /revoke")
        try expectEqual(first, try client.token(), "the manager cannot know: still cached")
        client.invalidate()
        let second = try client.token()
        try expectTrue(second != first, "the same token after invalidate")
        try expectEqual(200, try resource(second), "the new token")
    }

    // The server side: parseTokenRequest and the OAuth answers.
    let assertion = try! signer.clientAssertion(audience: satelliteId, now: nil, jti: nil)
    let good: [(String, String)] = [
        ("grant_type", "client_credentials"), ("scope", "iSHARE"), ("client_id", pkiClient),
        ("client_assertion_type", jwtBearer), ("client_assertion", assertion),
    ]
    func without(_ name: String) -> String { formBody(good.filter { $0.0 != name }) }
    func replaced(_ name: String, _ value: String) -> String {
        formBody(good.map { $0.0 == name ? (name, value) : $0 })
    }
    runTest("parseTokenRequest: a good form gives what to verify") {
        let parsed = try parseTokenRequest(formBody: formBody(good))
        try expectEqual(pkiClient, parsed.clientId, "clientId")
        try expectEqual(assertion, parsed.clientAssertion, "clientAssertion")
        try expectEqual("iSHARE", parsed.scope, "scope")
        try expectEqual("iSHARE", try parseTokenRequest(formBody: without("scope")).scope, "default scope")
        try expectEqual("a b", try parseTokenRequest(formBody: without("scope") + "&scope=a+b").scope, "+ is a space")
        _ = try Verifier(audience: satelliteId, trustedRoots: [rootSha256])
            .verify(token: parsed.clientAssertion, now: nil, clientId: parsed.clientId)
    }
    let cases: [(String, String, UInt16, String, String)] = [
        ("an empty body", "", 400, "invalid_request", "grant_type is missing"),
        ("no grant_type", without("grant_type"), 400, "invalid_request", "grant_type is missing"),
        ("another grant_type", replaced("grant_type", "password"), 400, "unsupported_grant_type", "grant_type \"password\""),
        ("no client_assertion_type", without("client_assertion_type"), 400, "invalid_request",
         "client_assertion_type is missing"),
        ("another client_assertion_type", replaced("client_assertion_type", "saml"), 400, "invalid_client",
         "client_assertion_type \"saml\""),
        ("no client_assertion", without("client_assertion"), 400, "invalid_request", "client_assertion is missing"),
        ("an empty client_assertion", replaced("client_assertion", ""), 400, "invalid_request", "client_assertion is missing"),
        ("no client_id", without("client_id"), 400, "invalid_request", "client_id is missing"),
        ("a field twice", formBody(good) + "&client_id=\(pkiClient)", 400, "invalid_request", "client_id is sent more than once"),
        ("a body too large", replaced("client_assertion", String(repeating: "a", count: 80_000)), 400, "invalid_request",
         "too large"),
    ]
    for (name, body, status, error, description) in cases {
        runTest("parseTokenRequest: \(name) -> \(error)") {
            let answer = try expectRefusal { _ = try parseTokenRequest(formBody: body) }
            try expectEqual(status, answer.status, "status")
            try expectEqual(error, answer.error, "error")
            try expectTrue(answer.errorDescription.contains(description), "errorDescription \(answer.errorDescription)")
        }
    }

    runTest("oauthErrorFor: a refused assertion is invalid_client, with the kind and detail") {
        let verifier = try Verifier(audience: satelliteId, trustedRoots: [rootSha256])
        let token = try signer.clientAssertion(audience: satelliteId, now: pkiNow, jti: nil)
        do {
            _ = try verifier.verify(token: token, now: pkiNow + 30, clientId: nil)
            throw TestFailure(description: "an expired token was accepted")
        } catch let expired as IshareJwtError {
            try expectKind("expired", expired)
            let answer = oauthErrorFor(error: expired)
            try expectOAuthBody(answer)
            try expectEqual(400, answer.status, "status")
            try expectEqual("invalid_client", answer.error, "error")
            try expectEqual("expired: \(expired.detail())", answer.errorDescription, "errorDescription")
        }
    }
    runTest("oauthErrorFor: a full replay cache is temporarily_unavailable (503)") {
        let verifier = try Verifier(audience: satelliteId, trustedRoots: [rootSha256], replayCapacity: 1,
                                    replayIssuerShare: 1.0)
        _ = try verifier.verify(token: try signer.clientAssertion(audience: satelliteId, now: pkiNow, jti: nil),
                                now: pkiNow, clientId: nil)
        do {
            _ = try verifier.verify(token: try signer.clientAssertion(audience: satelliteId, now: pkiNow, jti: nil),
                                    now: pkiNow, clientId: nil)
            throw TestFailure(description: "a full replay cache took a token")
        } catch let full as IshareJwtError {
            try expectKind("replay_cache_full", full)
            let answer = oauthErrorFor(error: full)
            try expectEqual(503, answer.status, "status")
            try expectEqual("temporarily_unavailable", answer.error, "error")
        }
    }
    runTest("oauthErrorFor: the library's own fault is server_error (500); a bad argument invalid_request") {
        do {
            try panicSelftest()
            throw TestFailure(description: "panicSelftest returned")
        } catch let internal as IshareJwtError {
            try expectKind("internal", internal)
            try expectEqual(500, oauthErrorFor(error: internal).status, "status")
            try expectEqual("server_error", oauthErrorFor(error: internal).error, "error")
        }
        let argument = IshareJwtError.InvalidArgument(detail: "scope")
        try expectEqual("invalid_request", oauthErrorFor(error: argument).error, "InvalidArgument")
        let network = oauthErrorFor(error: IshareJwtError.Network(detail: "connection refused"))
        try expectEqual(503, network.status, "Network")
        try expectEqual("temporarily_unavailable", network.error, "Network")
        try expectEqual("network: connection refused", network.errorDescription, "Network's description")
        try expectOAuthBody(network)
    }
    runTest("tokenResponseBody and tokenResponseHeaders") {
        try expectEqual("{\"access_token\":\"abc\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"scope\":\"iSHARE\"}",
                        tokenResponseBody(accessToken: "abc", expiresIn: 3600, scope: "iSHARE"), "with scope")
        try expectEqual("{\"access_token\":\"a\\\"b\",\"token_type\":\"Bearer\",\"expires_in\":60}",
                        tokenResponseBody(accessToken: "a\"b", expiresIn: 60), "escaped")
        try expectEqual(["Content-Type": "application/json", "Cache-Control": "no-store", "Pragma": "no-cache"],
                        tokenResponseHeaders(), "headers")
    }

    // Every error case: kind() (as its case name spells it), code(), detail(),
    // and an OAuth answer. Made here as an app's own code may (e.g. Network
    // from its HTTP layer).
    runTest("errors: every case has its kind, its own code and an OAuth answer") {
        let d = "detail"
        let cases: [IshareJwtError] = [
            .Malformed(detail: d), .UnsupportedAlgorithm(detail: d), .InvalidHeader(detail: d),
            .MissingCertificate(detail: d), .WeakKey(detail: d), .Signature(detail: d), .UntrustedChain(detail: d),
            .CertificateExpired(detail: d), .MissingClaim(detail: d), .Audience(detail: d), .InvalidPartyId(detail: d),
            .IssuerSubjectMismatch(detail: d), .ClientIdMismatch(detail: d), .PartyIdMismatch(detail: d),
            .InvalidLifetime(detail: d), .Expired(detail: d), .NotYetValid(detail: d), .Replay(detail: d),
            .ReplayCacheFull(detail: d), .InvalidKey(detail: d), .InvalidCertificate(detail: d), .KeyMismatch(detail: d),
            .InvalidTrustAnchor(detail: d), .TooLarge(detail: d), .BufferTooSmall(detail: d),
            .InvalidArgument(detail: d), .InvalidResponse(detail: d), .Internal(detail: d), .IssuerMismatch(detail: d),
            .PartyUnknown(detail: d), .PartyNotActive(detail: d), .PartyCertificateUnknown(detail: d),
            .TokenEndpoint(status: 400, error: "invalid_client", errorDescription: nil, detail: d),
            .Network(detail: d), .CertificateUsage(detail: d), .ReplayStore(detail: d), .KeyStore(detail: d),
        ]
        for error in cases {
            try expectKind(caseKind(error), error)
            try expectEqual(d, error.detail(), "detail of \(error.kind())")
            try expectTrue([400, 500, 503].contains(oauthErrorFor(error: error).status), "answer to \(error.kind())")
        }
        try expectEqual(Array(1...37), cases.map { Int($0.code()) }, "codes in order")
    }
}
