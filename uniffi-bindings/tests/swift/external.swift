// Swift tests of keys that never leave their device, in step with
// tests/kotlin/ExternalSignerTest.kt: Signer.fromCallback with an
// ExternalSigner. Where Apple's Security framework exists, a SecKey holding
// the client key signs with SecKeyCreateSignature
// (.rsaSignatureMessagePKCS1v15SHA256 over the message), as a Keychain or
// Secure Enclave-backed app would; everywhere, a signer that throws ->
// KeyStore and one that answers garbage -> KeyMismatch. Run from main.swift;
// uses its runTest/expect helpers and constants.

import Foundation
#if canImport(Security)
import Security
#endif

/// A signer that answers `answer` or throws `failure`, counting its calls.
final class FixedSigner: ExternalSigner, @unchecked Sendable {
    let answer: Data
    let failure: Error?
    private let lock = NSLock()
    private var callCount = 0
    var calls: Int { lock.lock(); defer { lock.unlock() }; return callCount }

    init(answer: Data = Data(), failure: Error? = nil) {
        self.answer = answer
        self.failure = failure
    }

    func sign(pending: PendingSignature) throws -> Data {
        lock.lock()
        callCount += 1
        lock.unlock()
        if let failure = failure { throw failure }
        return answer
    }
}

struct DeviceRemoved: Error, CustomStringConvertible {
    var description: String { "DeviceRemoved: token removed" }
}

#if canImport(Security)
/// The client key as a SecKey: PKCS#8 PEM -> the PKCS#1 RSAPrivateKey inside it.
func secKey(pem: String) throws -> SecKey {
    let base64 = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    let pkcs8 = Data(base64Encoded: base64)!
    // PKCS#8 of an RSA key: SEQUENCE { version, AlgorithmIdentifier, OCTET STRING { RSAPrivateKey } };
    // the RSAPrivateKey starts after the first OCTET STRING header (04 82 xx xx) past the rsaEncryption OID.
    let oidEnd = pkcs8.range(of: Data([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00]))!.upperBound
    let pkcs1 = pkcs8.subdata(in: (oidEnd + 4)..<pkcs8.endIndex)
    var error: Unmanaged<CFError>?
    let attributes: [CFString: Any] = [kSecAttrKeyType: kSecAttrKeyTypeRSA, kSecAttrKeyClass: kSecAttrKeyClassPrivate]
    guard let key = SecKeyCreateWithData(pkcs1 as CFData, attributes as CFDictionary, &error) else {
        throw error!.takeRetainedValue() as Error
    }
    return key
}

/// The app's key: SecKeyCreateSignature over the message, as the README shows.
final class KeychainSigner: ExternalSigner, @unchecked Sendable {
    let key: SecKey
    init(key: SecKey) { self.key = key }

    func sign(pending: PendingSignature) throws -> Data {
        var error: Unmanaged<CFError>?
        guard let signature = SecKeyCreateSignature(
            key, .rsaSignatureMessagePKCS1v15SHA256, pending.message as CFData, &error
        ) else {
            throw IshareJwtError.KeyStore(detail: "SecKeyCreateSignature: \(error!.takeRetainedValue())")
        }
        return signature as Data
    }
}
#endif

func runExternalSignerTests(vectorsDir: String, chain: String) {
    #if canImport(Security)
    runTest("external signer: SecKeyCreateSignature signs assertions, JWTs and token requests") {
        let key = try secKey(pem: try String(contentsOfFile: "\(vectorsDir)/client-eori.key.pem", encoding: .utf8))
        let signer = try Signer.fromCallback(chainPem: chain, clientId: client, signer: KeychainSigner(key: key))
        try expectEqual(clientLeafSha256, signer.leafSha256(), "leafSha256")
        let token = try signer.clientAssertion(audience: server, now: t0, jti: "ext-1")
        try expectEqual("ext-1", try verifier().verify(token: token, now: t0 + 1, clientId: client).jti, "jti")
        let jwt = try signer.signJwt(audience: server, claimsJson: "{\"delegation\":[1]}", now: t0, jti: nil)
        let claims = try verifier().verifyJwt(token: jwt, now: t0, issuer: client).claimsJson
        try expectTrue(claims.hasSuffix(",\"delegation\":[1]}"), "claims \(claims)")
        let form = try signer.tokenRequest(audience: server, scope: nil)
        _ = try verifier().verify(token: form["client_assertion"]!, now: nil, clientId: client)
    }
    #else
    print("skip external signer with SecKeyCreateSignature: no Security framework on this platform")
    #endif
    runTest("external signer: a signer that throws IshareJwtError.KeyStore -> KeyStore, its detail kept") {
        let locked = FixedSigner(failure: IshareJwtError.KeyStore(detail: "keychain item 'eseal' is locked"))
        let signer = try Signer.fromCallback(chainPem: chain, clientId: client, signer: locked)
        let detail = try expectError("key_store") { _ = try signer.clientAssertion(audience: server, now: t0, jti: nil) }
        try expectEqual("keychain item 'eseal' is locked", detail, "detail")
    }
    runTest("external signer: any other error it throws -> KeyStore naming it, no crash") {
        let signer = try Signer.fromCallback(chainPem: chain, clientId: client, signer: FixedSigner(failure: DeviceRemoved()))
        let detail = try expectError("key_store") { _ = try signer.signJwt(audience: server, claimsJson: nil, now: t0, jti: nil) }
        try expectTrue(detail.contains("token removed"), "detail \(detail)")
    }
    runTest("external signer: garbage or nothing -> KeyMismatch, never a token") {
        for answer in [Data(), Data(repeating: 1, count: 256), Data(count: 3)] {
            let device = FixedSigner(answer: answer)
            let signer = try Signer.fromCallback(chainPem: chain, clientId: client, signer: device)
            try expectError("key_mismatch") { _ = try signer.clientAssertion(audience: server, now: t0, jti: nil) }
            try expectError("key_mismatch") { _ = try signer.tokenRequest(audience: server, scope: nil) }
            try expectEqual(2, device.calls, "device calls")
        }
    }
    runTest("external signer: the chain and party are checked when the signer is made") {
        let device = FixedSigner()
        try expectError("party_id_mismatch") { _ = try Signer.fromCallback(chainPem: chain, clientId: server, signer: device) }
        try expectError("invalid_certificate") { _ = try Signer.fromCallback(chainPem: "no PEM", clientId: client, signer: device) }
        try expectEqual(0, device.calls, "device calls")
    }
}
