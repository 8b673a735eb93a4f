// Sign → verify through the packed package: the client assertion, the token
// request form, replay, profiles, the clock, errors, argument checks, free().
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  ERROR_KINDS,
  IshareJwtError,
  Profile,
  Signer,
  Verifier,
} from 'ishare-jwt';

import { CLIENT_ID, ROOT_SHA256, SERVER_ID, T0, headerOf, payloadOf, vectorText } from './support.js';

const keyPem = vectorText('client-eori.key.pem');
const chainPem = vectorText('client-eori.chain.pem');
const signer = Signer.fromPem(keyPem, chainPem, CLIENT_ID);
const newVerifier = (options) => new Verifier(SERVER_ID, [ROOT_SHA256], options);

const throwsKind = (fn, kind) =>
  assert.throws(fn, (error) => error instanceof IshareJwtError && error.kind === kind && error.message.length > 0);

test('an assertion verifies, with every field of the result', () => {
  const token = signer.clientAssertion(SERVER_ID, { now: T0, jti: 'jti-1' });
  const assertion = newVerifier().verify(token, { now: T0 + 1, clientId: CLIENT_ID });
  assert.deepEqual(Object.keys(assertion).sort(), [
    'algorithm', 'audience', 'clientId', 'expiresAt', 'issuedAt', 'jti', 'leafSha256', 'notBefore', 'replayKey', 'replayUntil',
  ]);
  assert.equal(assertion.clientId, CLIENT_ID);
  assert.equal(assertion.audience, SERVER_ID);
  assert.equal(assertion.jti, 'jti-1');
  assert.equal(assertion.issuedAt, T0);
  assert.equal(assertion.notBefore, T0);
  assert.equal(assertion.expiresAt, T0 + 30);
  assert.equal(assertion.algorithm, 'RS256');
  assert.equal(assertion.leafSha256, signer.leafSha256);
  assert.match(assertion.replayKey, /^[0-9a-f]{64}$/);
  assert.equal(assertion.replayUntil, T0 + 30);
});

test('what we sign: header alg/typ/x5c only, iSHARE claims, fresh UUID v4 jti', () => {
  const token = signer.clientAssertion(SERVER_ID, { now: T0 });
  const header = headerOf(token);
  assert.deepEqual(Object.keys(header), ['alg', 'typ', 'x5c']);
  assert.equal(header.alg, 'RS256');
  assert.equal(header.typ, 'JWT');
  assert.equal(header.x5c.length, 3);
  const claims = payloadOf(token);
  assert.deepEqual(Object.keys(claims), ['iss', 'sub', 'aud', 'jti', 'iat', 'nbf', 'exp']);
  assert.match(claims.jti, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(payloadOf(signer.clientAssertion(SERVER_ID, { now: T0 })).jti, claims.jti);
});

test('without now, the clock is Date.now()', () => {
  const before = Math.floor(Date.now() / 1000);
  const token = signer.clientAssertion(SERVER_ID);
  const after = Math.floor(Date.now() / 1000);
  const { iat } = payloadOf(token);
  assert.ok(before <= iat && iat <= after, `${before} <= ${iat} <= ${after}`);
  assert.equal(newVerifier().verify(token).clientId, CLIENT_ID);
  assert.throws(() => newVerifier().verify(token, { now: iat + 60 }), (e) => e.kind === 'expired');
});

test('a token is accepted once: the second use is a replay', () => {
  const verifier = newVerifier();
  const token = signer.clientAssertion(SERVER_ID, { now: T0 });
  verifier.verify(token, { now: T0 });
  throwsKind(() => verifier.verify(token, { now: T0 + 1 }), 'replay');
  // Another verifier has its own memory; one without replay protection none.
  newVerifier().verify(token, { now: T0 });
  const forgetful = newVerifier({ replayProtection: false });
  forgetful.verify(token, { now: T0 });
  forgetful.verify(token, { now: T0 });
});

test('a full replay cache refuses with replay_cache_full', () => {
  const verifier = newVerifier({ replayCapacity: 2, replayIssuerShare: 1 });
  verifier.verify(signer.clientAssertion(SERVER_ID, { now: T0 }), { now: T0 });
  verifier.verify(signer.clientAssertion(SERVER_ID, { now: T0 }), { now: T0 });
  throwsKind(() => verifier.verify(signer.clientAssertion(SERVER_ID, { now: T0 }), { now: T0 }), 'replay_cache_full');
});

test('tokenRequest: the five form fields, URLSearchParams-ready', () => {
  const form = signer.tokenRequest(SERVER_ID, { now: T0, scope: 'iSHARE extra' });
  assert.deepEqual(Object.keys(form), ['grant_type', 'scope', 'client_id', 'client_assertion_type', 'client_assertion']);
  assert.equal(form.grant_type, 'client_credentials');
  assert.equal(form.scope, 'iSHARE extra');
  assert.equal(form.client_id, CLIENT_ID);
  assert.equal(form.client_assertion_type, 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  const body = new URLSearchParams(form).toString();
  assert.equal(new URLSearchParams(body).get('client_assertion'), form.client_assertion);
  newVerifier().verify(form.client_assertion, { now: T0, clientId: form.client_id });
  assert.equal(signer.tokenRequest(SERVER_ID, { now: T0 }).scope, 'iSHARE');
});

test('the refusals a server meets: audience, client_id, expiry, leeway', () => {
  const token = signer.clientAssertion(SERVER_ID, { now: T0 });
  throwsKind(() => new Verifier('EU.EORI.NL000000002', [ROOT_SHA256]).verify(token, { now: T0 }), 'audience');
  throwsKind(() => newVerifier().verify(token, { now: T0, clientId: 'EU.EORI.NL000000002' }), 'client_id_mismatch');
  throwsKind(() => newVerifier().verify(token, { now: T0 + 30 }), 'expired');
  throwsKind(() => newVerifier().verify(token, { now: T0 - 1 }), 'not_yet_valid');
  assert.equal(newVerifier({ leeway: 5 }).verify(token, { now: T0 + 32 }).jti, payloadOf(token).jti);
  throwsKind(() => newVerifier({ leeway: 301 }), 'invalid_argument');
  throwsKind(() => new Verifier(SERVER_ID, [vectorText('untrusted-ca.pem')]).verify(token, { now: T0 }), 'untrusted_chain');
  throwsKind(() => new Verifier(SERVER_ID, []), 'invalid_trust_anchor');
});

test('PEM CA certificates are trust anchors too', () => {
  const token = signer.clientAssertion(SERVER_ID, { now: T0 });
  const verifier = new Verifier(SERVER_ID, [vectorText('root-ca.pem')]);
  assert.equal(verifier.verify(token, { now: T0 }).clientId, CLIENT_ID);
  assert.equal(verifier.audience, SERVER_ID);
  assert.equal(verifier.leeway, 0);
});

test('the OAuth profile: typ client-authentication+jwt, its own lifetime, refused by an iSHARE verifier', () => {
  const profile = Profile.oauth(60);
  assert.deepEqual([profile.typ, profile.lifetime], ['client-authentication+jwt', 60]);
  assert.deepEqual([Profile.ishare().typ, Profile.ishare().lifetime], ['JWT', 30]);
  const issuer = 'https://as.example.com';
  const oauthSigner = Signer.fromPem(keyPem, chainPem, CLIENT_ID, { profile });
  const token = oauthSigner.clientAssertion(issuer, { now: T0 });
  assert.equal(headerOf(token).typ, 'client-authentication+jwt');
  assert.equal(payloadOf(token).exp, T0 + 60);
  const verified = new Verifier(issuer, [ROOT_SHA256], { profile }).verify(token, { now: T0 });
  assert.equal(verified.expiresAt, T0 + 60);
  // Sent to an iSHARE verifier (same audience, same lifetime): the typ gives it away.
  const toParty = Signer.fromPem(keyPem, chainPem, CLIENT_ID, { profile: Profile.oauth(30) }).clientAssertion(SERVER_ID, { now: T0 });
  throwsKind(() => newVerifier().verify(toParty, { now: T0 }), 'invalid_header');
  throwsKind(() => Profile.oauth(0), 'invalid_argument');
  throwsKind(() => Profile.oauth(3601), 'invalid_argument');
});

test('PEM as bytes and PKCS#1 keys load too; a bad key names its kind', () => {
  const fromBytes = Signer.fromPem(new TextEncoder().encode(keyPem), new TextEncoder().encode(chainPem), CLIENT_ID);
  assert.equal(fromBytes.leafSha256, signer.leafSha256);
  assert.equal(Signer.fromPem(vectorText('client-eori.key.pkcs1.pem'), chainPem, CLIENT_ID).clientId, CLIENT_ID);
  throwsKind(() => Signer.fromPem('not a key', chainPem, CLIENT_ID), 'invalid_key');
  throwsKind(() => Signer.fromPem(vectorText('server-eori.key.pem'), chainPem, CLIENT_ID), 'key_mismatch');
  throwsKind(() => Signer.fromPem(keyPem, chainPem, 'EU.EORI.NL000000002'), 'party_id_mismatch');
  throwsKind(() => Signer.fromPem(vectorText('client-1024.key.pem'), vectorText('client-1024.chain.pem'), CLIENT_ID), 'weak_key');
});

test('errors: one class, the core kinds and codes, 37 of them, the same numbers as every binding', () => {
  assert.equal(ERROR_KINDS.length, 37);
  const codes = new Map(ERROR_KINDS.map(([code, kind]) => [kind, code]));
  // Spot checks against the C header's numbering (include/ishare_jwt.h).
  assert.equal(codes.get('malformed'), 1);
  assert.equal(codes.get('expired'), 16);
  assert.equal(codes.get('replay'), 18);
  assert.equal(codes.get('key_mismatch'), 22);
  assert.equal(codes.get('key_store'), 37);
  assert.deepEqual(ERROR_KINDS.map(([code]) => code), Array.from({ length: 37 }, (_, i) => i + 1));
  try {
    newVerifier().verify('not-a-token', { now: T0 });
    assert.fail('accepted');
  } catch (error) {
    assert.ok(error instanceof IshareJwtError && error instanceof Error);
    assert.equal(error.name, 'IshareJwtError');
    assert.equal(error.kind, 'malformed');
    assert.equal(error.code, codes.get('malformed'));
    assert.match(String(error), /^IshareJwtError: /);
  }
});

test('arguments of the wrong type are TypeErrors that name them; misspelt options too', () => {
  assert.throws(() => signer.clientAssertion(42), /audience must be a string, not number/);
  assert.throws(() => signer.clientAssertion(SERVER_ID, { now: '1' }), /now must be a number/);
  assert.throws(() => signer.clientAssertion(SERVER_ID, { Now: 1 }), /clientAssertion has no option "Now"/);
  assert.throws(() => new Verifier(SERVER_ID, ROOT_SHA256), /trustedRoots must be an array of strings/);
  assert.throws(() => new Verifier(SERVER_ID, [1]), /trustedRoots\[0\] must be a string/);
  assert.throws(() => newVerifier({ replay_protection: false }), /no option "replay_protection"/);
  assert.throws(() => Signer.fromPem(keyPem, chainPem, CLIENT_ID, { profile: 'oauth' }), /profile must be a Profile/);
  assert.throws(() => new Signer(), /Signer.fromPem/);
  assert.throws(() => signer.signJwt(SERVER_ID, [1]), /claims must be an object/);
  assert.throws(() => signer.signJwt(SERVER_ID, { a: 1 }, { claimsJson: '{}' }), /not both/);
});

test('free(): memory now, not at collection; a freed object says so', () => {
  const shortLived = Signer.fromPem(keyPem, chainPem, CLIENT_ID);
  shortLived.free();
  shortLived.free(); // twice is harmless
  assert.throws(() => shortLived.clientAssertion(SERVER_ID), /this Signer was freed/);
  const verifier = newVerifier();
  verifier.free();
  assert.throws(() => verifier.verify('a.b.c'), /this Verifier was freed/);
});

test('many signers and verifiers made and dropped: memory is reclaimed (FinalizationRegistry)', async () => {
  const used = () => process.memoryUsage().arrayBuffers;
  const round = () => {
    for (let i = 0; i < 200; i++) {
      const s = Signer.fromPem(keyPem, chainPem, CLIENT_ID);
      newVerifier().verify(s.clientAssertion(SERVER_ID, { now: T0 }), { now: T0 });
    }
  };
  round();
  const settled = used();
  for (let r = 0; r < 5; r++) {
    round();
    await new Promise((resolve) => setImmediate(resolve));
    globalThis.gc?.();
  }
  // The module's memory only grows; without finalization 1000 more signers
  // and verifiers (with their caches) would have grown it by megabytes.
  assert.ok(used() - settled < 8 * 1024 * 1024, `grew by ${used() - settled} B`);
});
