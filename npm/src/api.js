// The `ishare-jwt` API over the WebAssembly module: argument checks and
// defaults, options objects, the external signer's promises, and the one
// translation of the module's thrown values into IshareJwtError/OAuthError.
// Every rule about tokens is the Rust core's. Nothing here touches the
// module while it loads: the entry modules (node.js, browser.js) load it.
import * as native from './wasm/ishare_jwt_wasm.js';

/** The token endpoint's answer to an error: `{status, body}`. */
const ANSWER = Symbol('ishare-jwt.oauthAnswer');
/** Lets only this module call the constructors of Signer and friends. */
const INTERNAL = Symbol('ishare-jwt.internal');

/** Every error of the library: `.kind` names the kind, `.code` is its stable number. */
export class IshareJwtError extends Error {
  constructor(message, kind, code, options) {
    super(message, options);
    this.name = 'IshareJwtError';
    this.kind = kind;
    this.code = code;
  }
}

/** A token request refused before its assertion was judged (RFC 6749 §5.2). */
export class OAuthError extends Error {
  constructor(message, status, error, errorDescription) {
    super(message);
    this.name = 'OAuthError';
    this.status = status;
    this.error = error;
    this.errorDescription = errorDescription;
  }
}

/** What the module threw, as the package's own error classes. */
function translate(thrown, cause) {
  if (thrown instanceof WebAssembly.RuntimeError) {
    return translate(native.internalError(`the WebAssembly module trapped: ${thrown.message}`), thrown);
  }
  if (thrown instanceof Error && thrown.name === 'IshareJwtError' && typeof thrown.kind === 'string') {
    const error = new IshareJwtError(thrown.message, thrown.kind, thrown.code, cause === undefined ? undefined : { cause });
    Object.defineProperty(error, ANSWER, { value: { status: thrown.oauthStatus, body: thrown.oauthBody } });
    return error;
  }
  if (thrown instanceof Error && thrown.name === 'OAuthError' && typeof thrown.status === 'number') {
    const error = new OAuthError(thrown.message, thrown.status, thrown.error, thrown.errorDescription);
    Object.defineProperty(error, ANSWER, { value: { status: thrown.status, body: thrown.oauthBody } });
    return error;
  }
  return thrown;
}

function call(fn) {
  try {
    return fn();
  } catch (thrown) {
    throw translate(thrown);
  }
}

// Argument checks: types only (the core judges the values).
function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
}

function text(name, value) {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string, not ${describe(value)}`);
  return value;
}

function optionalText(name, value) {
  return value === undefined || value === null ? undefined : text(name, value);
}

function optionalNumber(name, value) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, not ${describe(value)}`);
  return value;
}

function optionalBoolean(name, value, fallback) {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, not ${describe(value)}`);
  return value;
}

const utf8 = new TextEncoder();
/** Reused for tokens up to this many bytes (3 per UTF-16 unit at most). */
const SCRATCH_BYTES = 64 * 1024;
const scratch = new Uint8Array(SCRATCH_BYTES);

/**
 * A token to verify, as UTF-8 bytes: they enter the module by one copy, a
 * string by a loop in JavaScript. Usually a view of a buffer kept for the
 * purpose (the module copies it at once): no garbage per call.
 */
function tokenBytes(token) {
  text('token', token);
  if (token.length * 3 > SCRATCH_BYTES) return utf8.encode(token);
  const { written } = utf8.encodeInto(token, scratch);
  return scratch.subarray(0, written);
}

/** PEM as a string, or its bytes (read as UTF-8; what is not UTF-8 the core then refuses). */
function pemText(name, value) {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  throw new TypeError(`${name} must be a string or Uint8Array, not ${describe(value)}`);
}

/** An options object with only the names `allowed` (a misspelt option is an error, not a default). */
function options(what, value, allowed) {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`the options of ${what} must be an object, not ${describe(value)}`);
  }
  for (const name of Object.keys(value)) {
    if (!allowed.includes(name)) {
      throw new TypeError(`${what} has no option "${name}" (it takes ${allowed.join(', ')})`);
    }
  }
  return value;
}

function profileLifetime(value) {
  if (value === undefined || value === null) return undefined;
  if (!(value instanceof Profile)) throw new TypeError(`profile must be a Profile, not ${describe(value)}`);
  return value.oauthLifetime;
}

/** `claims` (an object, written by JSON.stringify) or `claimsJson` (JSON object text), or neither. */
function claimsText(claims, claimsJson) {
  if (claims !== undefined && claims !== null && claimsJson !== undefined && claimsJson !== null) {
    throw new TypeError('give claims or options.claimsJson, not both');
  }
  if (claims === undefined || claims === null) return optionalText('claimsJson', claimsJson);
  if (typeof claims !== 'object' || Array.isArray(claims)) {
    throw new TypeError(`claims must be an object of claim names to JSON values, not ${describe(claims)}`);
  }
  return JSON.stringify(claims);
}

/** Which kind of client assertion a Signer makes or a Verifier expects. */
export class Profile {
  constructor(internal, oauthLifetime, info) {
    if (internal !== INTERNAL) throw new TypeError('use Profile.ishare() or Profile.oauth(lifetime)');
    this.oauthLifetime = oauthLifetime;
    this.typ = info.typ;
    this.lifetime = info.lifetime;
    Object.freeze(this);
  }

  /** iSHARE: `typ` `JWT`, `exp` = `iat` + 30 exactly (the default). */
  static ishare() {
    return new Profile(INTERNAL, undefined, call(() => native.profileInfo(undefined)));
  }

  /** The generic OAuth client assertion (RFC 7523): `typ` `client-authentication+jwt`. */
  static oauth(lifetime = 60) {
    optionalNumber('lifetime', lifetime);
    return new Profile(INTERNAL, lifetime, call(() => native.profileInfo(lifetime)));
  }
}

/** Signs iSHARE JWTs for one party with its key in memory. */
export class Signer {
  #native;

  constructor(internal, nativeSigner) {
    if (internal !== INTERNAL) throw new TypeError('use Signer.fromPem or Signer.fromExternal');
    this.#native = nativeSigner;
  }

  static fromPem(keyPem, chainPem, clientId, opts) {
    const { profile } = options('Signer.fromPem', opts, ['profile']);
    const key = pemText('keyPem', keyPem);
    const chain = pemText('chainPem', chainPem);
    text('clientId', clientId);
    const lifetime = profileLifetime(profile);
    return new Signer(INTERNAL, call(() => native.NativeSigner.fromPem(key, chain, clientId, lifetime)));
  }

  /** A signer whose key stays on its device: `sign(pending)` resolves to the signature. */
  static fromExternal(chainPem, clientId, sign, opts) {
    const { profile } = options('Signer.fromExternal', opts, ['profile']);
    const chain = pemText('chainPem', chainPem);
    text('clientId', clientId);
    if (typeof sign !== 'function') throw new TypeError(`sign must be a function, not ${describe(sign)}`);
    const lifetime = profileLifetime(profile);
    return new ExternalSigner(INTERNAL, call(() => native.NativeSigner.fromChainPem(chain, clientId, lifetime)), sign);
  }

  get #signer() {
    if (this.#native === undefined) throw new TypeError('this Signer was freed');
    return this.#native;
  }

  clientAssertion(audience, opts) {
    const { now, jti } = options('clientAssertion', opts, ['now', 'jti']);
    text('audience', audience);
    const at = optionalNumber('now', now);
    const id = optionalText('jti', jti);
    return call(() => this.#signer.clientAssertion(audience, at, id));
  }

  signJwt(audience, claims, opts) {
    const { now, jti, claimsJson } = options('signJwt', opts, ['now', 'jti', 'claimsJson']);
    text('audience', audience);
    const json = claimsText(claims, claimsJson);
    const at = optionalNumber('now', now);
    const id = optionalText('jti', jti);
    return call(() => this.#signer.signJwt(audience, json, at, id));
  }

  tokenRequest(audience, opts) {
    const { scope, now } = options('tokenRequest', opts, ['scope', 'now']);
    const wanted = optionalText('scope', scope);
    const assertion = this.clientAssertion(audience, { now });
    return call(() => this.#signer.tokenRequestFields(assertion, wanted));
  }

  get clientId() {
    return this.#signer.clientId;
  }

  get leafSha256() {
    return this.#signer.leafSha256;
  }

  /** What loaded but some verifiers refuse (a chain without its root), one sentence each. */
  get warnings() {
    return Object.freeze(this.#signer.warnings);
  }

  /** The last second (Unix) at which every certificate of the chain is valid. */
  get notAfter() {
    return this.#signer.notAfter;
  }

  /** The first second (Unix) at which every certificate of the chain is valid. */
  get notBefore() {
    return this.#signer.notBefore;
  }

  /** Wipes the key now rather than when the signer is collected. */
  free() {
    this.#native?.free();
    this.#native = undefined;
  }
}

/** Bytes from what a sign function resolved to, or undefined. */
function signatureBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return undefined;
}

function keyStoreError(detail, cause) {
  return translate(native.keyStoreError(detail), cause);
}

/** A Signer whose key never leaves its device: every signing method returns a Promise. */
export class ExternalSigner {
  #native;
  #sign;

  constructor(internal, nativeSigner, sign) {
    if (internal !== INTERNAL) throw new TypeError('use Signer.fromExternal');
    this.#native = nativeSigner;
    this.#sign = sign;
  }

  get #signer() {
    if (this.#native === undefined) throw new TypeError('this ExternalSigner was freed');
    return this.#native;
  }

  /** Asks the device for the signature of `pending`; the core checks it with the leaf key. */
  async #finish(pending) {
    try {
      const request = { message: pending.message, digest: pending.digest, algorithm: pending.algorithm };
      let resolved;
      try {
        resolved = await this.#sign(request);
      } catch (failure) {
        const why = failure instanceof Error ? failure.message : String(failure);
        throw keyStoreError(`the sign function failed: ${why}`, failure);
      }
      const signature = signatureBytes(resolved);
      if (signature === undefined) {
        throw keyStoreError(`the sign function resolved to ${describe(resolved)}, not the signature bytes (Uint8Array or ArrayBuffer)`);
      }
      return call(() => this.#signer.finish(pending, signature));
    } finally {
      pending.free();
    }
  }

  async clientAssertion(audience, opts) {
    const { now, jti } = options('clientAssertion', opts, ['now', 'jti']);
    text('audience', audience);
    const at = optionalNumber('now', now);
    const id = optionalText('jti', jti);
    return this.#finish(call(() => this.#signer.prepareAssertion(audience, at, id)));
  }

  async signJwt(audience, claims, opts) {
    const { now, jti, claimsJson } = options('signJwt', opts, ['now', 'jti', 'claimsJson']);
    text('audience', audience);
    const json = claimsText(claims, claimsJson);
    const at = optionalNumber('now', now);
    const id = optionalText('jti', jti);
    return this.#finish(call(() => this.#signer.prepareJwt(audience, json, at, id)));
  }

  async tokenRequest(audience, opts) {
    const { scope, now } = options('tokenRequest', opts, ['scope', 'now']);
    const wanted = optionalText('scope', scope);
    const assertion = await this.clientAssertion(audience, { now });
    return call(() => this.#signer.tokenRequestFields(assertion, wanted));
  }

  get clientId() {
    return this.#signer.clientId;
  }

  get leafSha256() {
    return this.#signer.leafSha256;
  }

  /** What loaded but some verifiers refuse (a chain without its root), one sentence each. */
  get warnings() {
    return Object.freeze(this.#signer.warnings);
  }

  /** The last second (Unix) at which every certificate of the chain is valid. */
  get notAfter() {
    return this.#signer.notAfter;
  }

  /** The first second (Unix) at which every certificate of the chain is valid. */
  get notBefore() {
    return this.#signer.notBefore;
  }

  free() {
    this.#native?.free();
    this.#native = undefined;
  }
}

/** Verifies client assertions, and any iSHARE JWT, sent to `audience`; refuses replays by default. */
export class Verifier {
  #native;

  constructor(audience, trustedRoots, opts) {
    const { leeway, replayProtection, profile, replayCapacity, replayIssuerShare } = options('Verifier', opts, [
      'leeway',
      'replayProtection',
      'profile',
      'replayCapacity',
      'replayIssuerShare',
    ]);
    text('audience', audience);
    if (typeof trustedRoots === 'string' || trustedRoots?.[Symbol.iterator] === undefined) {
      throw new TypeError(`trustedRoots must be an array of strings, not ${describe(trustedRoots)}`);
    }
    const roots = Array.from(trustedRoots, (root, i) => text(`trustedRoots[${i}]`, root));
    const nativeVerifier = call(
      () =>
        new native.NativeVerifier(
          audience,
          roots,
          optionalNumber('leeway', leeway),
          optionalBoolean('replayProtection', replayProtection, true),
          profileLifetime(profile),
          optionalNumber('replayCapacity', replayCapacity),
          optionalNumber('replayIssuerShare', replayIssuerShare),
        ),
    );
    this.#native = nativeVerifier;
  }

  get #verifier() {
    if (this.#native === undefined) throw new TypeError('this Verifier was freed');
    return this.#native;
  }

  verify(token, opts) {
    const { now, clientId } = options('verify', opts, ['now', 'clientId']);
    const bytes = tokenBytes(token);
    const at = optionalNumber('now', now);
    const client = optionalText('clientId', clientId);
    return JSON.parse(call(() => this.#verifier.verify(bytes, at, client)));
  }

  verifyJwt(token, opts) {
    const { now, issuer } = options('verifyJwt', opts, ['now', 'issuer']);
    const bytes = tokenBytes(token);
    const at = optionalNumber('now', now);
    const iss = optionalText('issuer', issuer);
    return new VerifiedJwt(INTERNAL, call(() => this.#verifier.verifyJwt(bytes, at, iss)));
  }

  /** Every rule of a client assertion, each passed, failed or skipped: verify's verdict, never a replay record. */
  explain(token, opts) {
    const { now, clientId } = options('explain', opts, ['now', 'clientId']);
    text('token', token);
    const at = optionalNumber('now', now);
    const client = optionalText('clientId', clientId);
    return JSON.parse(call(() => this.#verifier.explain(token, at, client)));
  }

  /** explain for any iSHARE JWT sent to us (`issuer`, when given, must be its `iss`). */
  explainJwt(token, opts) {
    const { now, issuer } = options('explainJwt', opts, ['now', 'issuer']);
    text('token', token);
    const at = optionalNumber('now', now);
    const iss = optionalText('issuer', issuer);
    return JSON.parse(call(() => this.#verifier.explainJwt(token, at, iss)));
  }

  get audience() {
    return this.#verifier.audience;
  }

  get leeway() {
    return this.#verifier.leeway;
  }

  free() {
    this.#native?.free();
    this.#native = undefined;
  }
}

/** Any iSHARE JWT that passed every check, with its whole payload. */
export class VerifiedJwt {
  #native;

  constructor(internal, nativeJwt) {
    if (internal !== INTERNAL) throw new TypeError('VerifiedJwt comes from Verifier.verifyJwt');
    this.#native = nativeJwt;
    Object.assign(this, nativeJwt.fields());
    this.claims = JSON.parse(this.claimsJson);
    Object.freeze(this);
  }

  /** The verified token as the core keeps it (checkParty, trustedListAnchors). */
  static native(jwt, name) {
    if (!(jwt instanceof VerifiedJwt)) {
      throw new TypeError(`${name} must be a VerifiedJwt from Verifier.verifyJwt, not ${describe(jwt)}`);
    }
    if (jwt.#native === undefined) throw new TypeError('this VerifiedJwt was freed');
    return jwt.#native;
  }

  free() {
    this.#native?.free();
    this.#native = undefined;
  }
}

/** Judges a verified `parties_token`: listed, Active at `now`, with that certificate. */
export function checkParty(partiesJwt, partyId, opts) {
  const { leafSha256, now } = options('checkParty', opts, ['leafSha256', 'now']);
  const jwt = VerifiedJwt.native(partiesJwt, 'partiesJwt');
  text('partyId', partyId);
  const leaf = optionalText('leafSha256', leafSha256);
  const at = optionalNumber('now', now);
  return call(() => native.checkParty(jwt, partyId, leaf, at));
}

/** The granted, valid SHA-256 fingerprints of a verified `trusted_list_token`. */
export function trustedListAnchors(jwt) {
  const verified = VerifiedJwt.native(jwt, 'jwt');
  return call(() => native.trustedListAnchors(verified));
}

/** Reads a token request: the raw form body, or the form a web framework parsed. */
export function parseTokenRequest(form) {
  if (typeof form === 'string') return call(() => native.parseTokenRequestBody(form));
  if (form instanceof Uint8Array || form instanceof ArrayBuffer) {
    const body = new TextDecoder().decode(form);
    return call(() => native.parseTokenRequestBody(body));
  }
  const flat = [];
  if (form !== null && typeof form === 'object' && typeof form.entries === 'function' && !Array.isArray(form)) {
    // URLSearchParams, FormData: every value of a name sent twice.
    for (const [name, value] of form.entries()) flat.push(text('a form name', name), text(`form field ${name}`, value));
  } else if (form !== null && typeof form === 'object' && !Array.isArray(form)) {
    // A parsed body (Express's urlencoded, Fastify's formbody): repeated names as arrays.
    for (const [name, value] of Object.entries(form)) {
      for (const one of Array.isArray(value) ? value : [value]) flat.push(name, text(`form field ${name}`, one));
    }
  } else {
    throw new TypeError(`a token request is a string, Uint8Array, URLSearchParams or object, not ${describe(form)}`);
  }
  return call(() => native.parseTokenRequestPairs(flat));
}

function headers() {
  return Object.fromEntries(native.tokenResponseHeaders());
}

/** The answer to a refused token request: `{status, headers, body}`. */
export function errorResponse(error) {
  const answer = error instanceof IshareJwtError || error instanceof OAuthError ? error[ANSWER] : undefined;
  if (answer === undefined) {
    throw new TypeError(`errorResponse takes an IshareJwtError or OAuthError thrown by ishare-jwt, not ${describe(error)}`);
  }
  return { status: answer.status, headers: headers(), body: answer.body };
}

/** The answer that issues `accessToken`: `{status: 200, headers, body}`. */
export function tokenResponse(accessToken, expiresIn, opts) {
  const { scope } = options('tokenResponse', opts, ['scope']);
  text('accessToken', accessToken);
  if (typeof expiresIn !== 'number') throw new TypeError(`expiresIn must be a number, not ${describe(expiresIn)}`);
  const wanted = optionalText('scope', scope);
  const body = call(() => native.tokenResponseBody(accessToken, expiresIn, wanted));
  return { status: 200, headers: headers(), body };
}

/** The constants the entry modules export once the module is loaded. */
export function loadedConstants() {
  return {
    ERROR_KINDS: Object.freeze(native.errorKinds().map((pair) => Object.freeze(pair))),
    TOKEN_RESPONSE_HEADERS: Object.freeze(headers()),
  };
}
