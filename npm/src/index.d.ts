// Types of the `ishare-jwt` package (the same for its Node.js and browser entries).

/** PEM text, or its bytes as read from a file. */
export type Pem = string | Uint8Array;

/** Every error kind with its stable code, in code order: `[code, kind]`. */
export declare const ERROR_KINDS: ReadonlyArray<readonly [number, string]>;

/** The headers of every token endpoint answer (RFC 6749 §5.1): JSON, no-store, no-cache. */
export declare const TOKEN_RESPONSE_HEADERS: Readonly<Record<string, string>>;

/** Every error of the library; the same kinds and codes as every other binding. */
export declare class IshareJwtError extends Error {
  readonly name: 'IshareJwtError';
  /** The core's kind name, e.g. `"expired"`, `"replay"`, `"key_mismatch"`. */
  readonly kind: string;
  /** The kind's stable number (see ERROR_KINDS). */
  readonly code: number;
}

/** A token request refused before its assertion was judged (RFC 6749 §5.2). */
export declare class OAuthError extends Error {
  readonly name: 'OAuthError';
  /** The HTTP status to answer (400). */
  readonly status: number;
  /** `invalid_request`, `unsupported_grant_type` or `invalid_client`. */
  readonly error: string;
  /** What was wrong, for the client's developer. */
  readonly errorDescription: string;
}

/** Which kind of client assertion a Signer makes or a Verifier expects. */
export declare class Profile {
  private constructor();
  /** iSHARE: `typ` `JWT`, `exp` = `iat` + 30 exactly (the default). */
  static ishare(): Profile;
  /** The generic OAuth client assertion (RFC 7523): `typ` `client-authentication+jwt`, lifetime 1 to 3600 s. */
  static oauth(lifetime?: number): Profile;
  readonly typ: string;
  readonly lifetime: number;
}

export interface SignerOptions {
  profile?: Profile;
}

export interface AssertionOptions {
  /** Unix seconds; `Date.now()` when absent. */
  now?: number;
  /** The token's id; a fresh UUID v4 when absent. */
  jti?: string;
}

export interface SignJwtOptions extends AssertionOptions {
  /** The token's own claims as JSON object text, verbatim (instead of `claims`). */
  claimsJson?: string;
}

export interface TokenRequestOptions {
  /** `iSHARE` when absent. */
  scope?: string;
  now?: number;
}

/** The five form fields of `POST /connect/token`: `new URLSearchParams(form)`-ready. */
export interface TokenRequestForm {
  grant_type: string;
  scope: string;
  client_id: string;
  client_assertion_type: string;
  client_assertion: string;
}

/**
 * What a key on a device is asked to sign: RSASSA-PKCS1-v1_5 with SHA-256
 * over `message`. The bytes are fresh copies, each over an ArrayBuffer of
 * its own (so WebCrypto takes them as they are; the types need TypeScript ≥ 5.7).
 */
export interface PendingSignature {
  /** The JWS signing input `header.payload`: what WebCrypto's `sign` takes. */
  message: Uint8Array<ArrayBuffer>;
  /** SHA-256 of `message`: what a key service that signs digests takes. */
  digest: Uint8Array<ArrayBuffer>;
  algorithm: 'RS256';
}

/** Resolves to the signature (as many bytes as the leaf's modulus). */
export type SignFunction = (pending: PendingSignature) => Promise<Uint8Array | ArrayBuffer> | Uint8Array | ArrayBuffer;

/**
 * Signs iSHARE JWTs for one party. Load it once, sign per request. Its Rust
 * memory (the key, wiped) is freed when it is garbage-collected, or now by `free()`.
 */
export declare class Signer {
  private constructor();
  /**
   * A signer from a PEM private key (PKCS#8 or PKCS#1) and a PEM chain, leaf
   * first. The chain is checked here (order, CA certificates, algorithms, the
   * leaf naming `clientId`, every certificate valid at `Date.now()`): what no
   * verifier accepts throws an `IshareJwtError` naming the certificate.
   */
  static fromPem(keyPem: Pem, chainPem: Pem, clientId: string, options?: SignerOptions): Signer;
  /**
   * A signer whose key never leaves its device (a non-extractable WebCrypto
   * key, a key service): `sign` is called for every token and its signature
   * is checked with the chain's leaf key (`key_mismatch` otherwise). A `sign`
   * that rejects is a `key_store` error. Its methods return Promises.
   */
  static fromExternal(chainPem: Pem, clientId: string, sign: SignFunction, options?: SignerOptions): ExternalSigner;
  /** A client assertion for `audience` (the server's party id). */
  clientAssertion(audience: string, options?: AssertionOptions): string;
  /** Any iSHARE JWT: the envelope (iss = sub, aud, jti, iat = nbf, exp), then `claims` (written by JSON.stringify). */
  signJwt(audience: string, claims?: Record<string, unknown> | null, options?: SignJwtOptions): string;
  /** The form of a token request carrying a fresh client assertion. */
  tokenRequest(audience: string, options?: TokenRequestOptions): TokenRequestForm;
  /** The party id this signer signs for (`iss` = `sub` = `client_id`). */
  readonly clientId: string;
  /** SHA-256 of the leaf certificate, upper-case hex. */
  readonly leafSha256: string;
  /**
   * What loaded but some verifiers refuse, one sentence each with its fix
   * (a chain without its root: fingerprint-trusting verifiers need it in `x5c`).
   */
  readonly warnings: readonly string[];
  /** The last second (Unix) at which every certificate of the chain is valid: alert before it. */
  readonly notAfter: number;
  /** The first second (Unix) at which every certificate of the chain is valid. */
  readonly notBefore: number;
  free(): void;
}

/** `Signer.fromExternal`'s signer: as Signer, but every signing method returns a Promise. */
export declare class ExternalSigner {
  private constructor();
  clientAssertion(audience: string, options?: AssertionOptions): Promise<string>;
  signJwt(audience: string, claims?: Record<string, unknown> | null, options?: SignJwtOptions): Promise<string>;
  tokenRequest(audience: string, options?: TokenRequestOptions): Promise<TokenRequestForm>;
  readonly clientId: string;
  readonly leafSha256: string;
  readonly warnings: readonly string[];
  readonly notAfter: number;
  readonly notBefore: number;
  free(): void;
}

export interface VerifierOptions {
  /** Allowed clock skew in seconds (0 to 300); 0 when absent. */
  leeway?: number;
  /** Refuse a token seen before (`replay`); true when absent. */
  replayProtection?: boolean;
  profile?: Profile;
  /** The most unexpired tokens remembered (100 000 when absent); beyond it `replay_cache_full`. */
  replayCapacity?: number;
  /** The share of `replayCapacity` one issuer may hold (0.1 when absent). */
  replayIssuerShare?: number;
}

export interface VerifyOptions {
  /** Unix seconds; `Date.now()` when absent. */
  now?: number;
  /** The `client_id` form parameter sent with the token, if any. */
  clientId?: string;
}

export interface VerifyJwtOptions {
  now?: number;
  /** When given, `iss` must be it (`issuer_mismatch`). */
  issuer?: string;
}

/** A client assertion that passed every check. */
export interface Assertion {
  /** `iss` = `sub` (= the `client_id` sent). */
  clientId: string;
  /** `aud`: our own identifier. */
  audience: string;
  jti: string;
  /** `iat`, Unix seconds. */
  issuedAt: number;
  /** `nbf`, Unix seconds, or null when the token has none. */
  notBefore: number | null;
  /** `exp`, Unix seconds. */
  expiresAt: number;
  /** `RS256`, `RS384` or `RS512`. */
  algorithm: string;
  /** SHA-256 of the leaf certificate, upper-case hex. */
  leafSha256: string;
  /** Lower-case hex SHA-256(`iss` 0x00 `jti`): the token's key in a shared replay store. */
  replayKey: string;
  /** `exp` + leeway, Unix seconds: until when a replay store keeps the key. */
  replayUntil: number;
}

/** One rule of a Report. */
export interface RuleReport {
  /** Stable snake_case name (`signature`, `lifetime`, …). */
  rule: string;
  status: 'pass' | 'fail' | 'skipped';
  /** The error kind the rule stands for (for a failure, the kind found). */
  kind: string;
  /** One line: what was found, or why the rule was skipped. */
  detail: string;
}

/** One certificate of the token's `x5c`, as read. */
export interface CertificateReport {
  /** Its place in `x5c` (0 = the leaf). */
  position: number;
  /** The subject, as `C=NL, O=…, CN=…`. */
  subject: string;
  issuer: string;
  /** The serial number, upper-case hex. */
  serial: string;
  /** `notBefore`, Unix seconds. */
  not_before: number;
  /** `notAfter`, Unix seconds. */
  not_after: number;
  /** SHA-256 of the DER, upper-case hex. */
  sha256: string;
  /** The RSA modulus size. */
  key_bits: number;
  /** The party attributes of the subject (serialNumber, organizationIdentifier). */
  party: string;
}

/**
 * Why a token is accepted or refused: every rule, in the verifier's order,
 * with the decoded header, claims and certificates (the JSON every binding
 * and `ishare-jwt explain --json` give). For people and logs: it records no
 * replay and is never the authorisation decision (`verify` is).
 */
export interface Report {
  /** `verify`'s verdict. */
  verdict: 'accepted' | 'refused';
  /** The kind `verify` throws (null when accepted). */
  kind: string | null;
  rules: RuleReport[];
  /** The JOSE header, or null when it is not JSON. */
  header: Record<string, unknown> | null;
  /** The claims, or null when they are not JSON. */
  claims: Record<string, unknown> | null;
  /** The certificates of `x5c` that could be read. */
  chain: CertificateReport[];
}

/**
 * Verifies client assertions addressed to `audience`, trusting chains that
 * lead to one of `trustedRoots` (PEM CA certificates or 64-hex SHA-256
 * fingerprints). Refuses a token seen before unless `replayProtection: false`.
 */
export declare class Verifier {
  constructor(audience: string, trustedRoots: Iterable<string>, options?: VerifierOptions);
  verify(token: string, options?: VerifyOptions): Assertion;
  /** Any iSHARE JWT sent to us, by every rule of `verify` but the `client_id` one. */
  verifyJwt(token: string, options?: VerifyJwtOptions): VerifiedJwt;
  /** Every rule of a client assertion, each passed, failed or skipped; throws only for an unusable `now`. */
  explain(token: string, options?: VerifyOptions): Report;
  /** explain for any iSHARE JWT sent to us. */
  explainJwt(token: string, options?: VerifyJwtOptions): Report;
  readonly audience: string;
  readonly leeway: number;
  free(): void;
}

/** Any iSHARE JWT that passed every check, with its whole payload. */
export declare class VerifiedJwt {
  private constructor();
  /** `iss` = `sub`: the party that signed. */
  readonly issuer: string;
  readonly audience: string;
  readonly jti: string;
  readonly issuedAt: number;
  readonly notBefore: number | null;
  readonly expiresAt: number;
  readonly algorithm: string;
  readonly leafSha256: string;
  readonly replayKey: string;
  readonly replayUntil: number;
  /** The whole payload: `JSON.parse(claimsJson)`. */
  readonly claims: Record<string, unknown>;
  /** The whole payload as the JSON text that was verified. */
  readonly claimsJson: string;
  free(): void;
}

/** One participant as the satellite lists it. */
export interface PartyInfo {
  partyId: string;
  partyName: string;
  status: string;
  /** `adherence.start_date`, Unix seconds. */
  start: number;
  /** `adherence.end_date`, Unix seconds. */
  end: number;
  /** The registered certificates' `x5t#S256` fingerprints. */
  certificates: string[];
}

/** Judges a verified `parties_token`: listed (`party_unknown`), Active at `now` (`party_not_active`), with that certificate (`party_certificate_unknown`). */
export declare function checkParty(
  partiesJwt: VerifiedJwt,
  partyId: string,
  options?: { leafSha256?: string; now?: number },
): PartyInfo;

/** The granted, valid SHA-256 fingerprints of a verified `trusted_list_token`: a Verifier's `trustedRoots`. */
export declare function trustedListAnchors(jwt: VerifiedJwt): string[];

/** A token request whose form is right: the parts to verify. */
export interface TokenRequest {
  clientId: string;
  clientAssertion: string;
  /** `iSHARE` when the request has none. */
  scope: string;
}

/** An HTTP answer: `res.writeHead(status, headers).end(body)` or `new Response(body, {status, headers})`. */
export interface TokenEndpointResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Reads a token request: the raw `application/x-www-form-urlencoded` body
 * (string or bytes), URLSearchParams/FormData, or a parsed body object
 * (repeated names as arrays). Throws OAuthError when its form is wrong.
 */
export declare function parseTokenRequest(
  form: string | Uint8Array | ArrayBuffer | URLSearchParams | Record<string, string | string[]>,
): TokenRequest;

/** The answer to a refused request: an OAuthError, or any IshareJwtError the library threw. */
export declare function errorResponse(error: IshareJwtError | OAuthError): TokenEndpointResponse;

/** The answer that issues `accessToken`, a Bearer token good for `expiresIn` seconds. */
export declare function tokenResponse(
  accessToken: string,
  expiresIn: number,
  options?: { scope?: string },
): TokenEndpointResponse;
