// Signer.fromExternal: the key stays in a non-extractable WebCrypto CryptoKey;
// the package prepares each token, the key signs it (asynchronously), and the
// core checks the signature with the leaf key before handing out a token.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';

import { ExternalSigner, IshareJwtError, Signer, Verifier } from 'ishare-jwt';

import { CLIENT_ID, ROOT_SHA256, SERVER_ID, T0, payloadOf, vectorText } from './support.js';

const chainPem = vectorText('client-eori.chain.pem');
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

/** A PKCS#8 PEM key imported into WebCrypto with extractable: false. */
async function deviceKey(pem) {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
  const key = await crypto.subtle.importKey('pkcs8', der, RSA, false, ['sign']);
  assert.equal(key.extractable, false);
  await assert.rejects(crypto.subtle.exportKey('pkcs8', key));
  return key;
}

const kinds = (kind) => (error) => error instanceof IshareJwtError && error.kind === kind;

test('a non-extractable WebCrypto key signs; our verifier accepts the tokens', async () => {
  const key = await deviceKey(vectorText('client-eori.key.pem'));
  const seen = [];
  const signer = Signer.fromExternal(chainPem, CLIENT_ID, async (pending) => {
    seen.push(pending);
    return crypto.subtle.sign(RSA, key, pending.message);
  });
  assert.ok(signer instanceof ExternalSigner);
  assert.equal(signer.clientId, CLIENT_ID);

  const pending = signer.clientAssertion(SERVER_ID, { now: T0, jti: 'device-1' });
  assert.ok(pending instanceof Promise, 'the signing methods return Promises');
  const token = await pending;
  const verifier = new Verifier(SERVER_ID, [ROOT_SHA256]);
  const assertion = verifier.verify(token, { now: T0, clientId: CLIENT_ID });
  assert.equal(assertion.jti, 'device-1');
  assert.equal(assertion.leafSha256, signer.leafSha256);

  const [request] = seen;
  assert.equal(request.algorithm, 'RS256');
  assert.ok(request.message instanceof Uint8Array && request.digest instanceof Uint8Array);
  assert.equal(new TextDecoder().decode(request.message), token.split('.').slice(0, 2).join('.'));
  assert.deepEqual(Buffer.from(request.digest), createHash('sha256').update(request.message).digest());

  const jwt = await signer.signJwt(SERVER_ID, { delegation: { ok: true } }, { now: T0 });
  assert.deepEqual(verifier.verifyJwt(jwt, { now: T0 }).claims.delegation, { ok: true });
  const form = await signer.tokenRequest(SERVER_ID);
  assert.equal(verifier.verify(form.client_assertion, { clientId: form.client_id }).clientId, CLIENT_ID);
  assert.equal(seen.length, 3);
});

test('a key service that signs the digest (here: the same key, wrapped) works as well', async () => {
  const key = await deviceKey(vectorText('client-eori.key.pem'));
  const signer = Signer.fromExternal(chainPem, CLIENT_ID, async ({ message }) => new Uint8Array(await crypto.subtle.sign(RSA, key, message)));
  const token = await signer.clientAssertion(SERVER_ID);
  assert.equal(new Verifier(SERVER_ID, [ROOT_SHA256]).verify(token).clientId, CLIENT_ID);
});

test('the wrong key on the device: key_mismatch, never a token', async () => {
  const wrong = await deviceKey(vectorText('server-eori.key.pem'));
  const signer = Signer.fromExternal(chainPem, CLIENT_ID, (pending) => crypto.subtle.sign(RSA, wrong, pending.message));
  await assert.rejects(signer.clientAssertion(SERVER_ID), kinds('key_mismatch'));
  await assert.rejects(signer.tokenRequest(SERVER_ID), kinds('key_mismatch'));
});

test('a sign function that fails or answers nonsense: key_store, with the cause', async () => {
  const failure = new Error('device unplugged');
  const failing = Signer.fromExternal(chainPem, CLIENT_ID, async () => {
    throw failure;
  });
  await assert.rejects(failing.clientAssertion(SERVER_ID), (error) => {
    assert.ok(kinds('key_store')(error));
    assert.match(error.message, /the sign function failed: device unplugged/);
    assert.equal(error.cause, failure);
    return true;
  });
  const nonsense = Signer.fromExternal(chainPem, CLIENT_ID, async () => 'signature');
  await assert.rejects(nonsense.signJwt(SERVER_ID), (error) => kinds('key_store')(error) && /not the signature bytes/.test(error.message));
  const short = Signer.fromExternal(chainPem, CLIENT_ID, () => new Uint8Array(3));
  await assert.rejects(short.clientAssertion(SERVER_ID), kinds('key_mismatch'));
});

test('bad arguments are refused before the device is asked', async () => {
  let asked = 0;
  const signer = Signer.fromExternal(chainPem, CLIENT_ID, () => {
    asked += 1;
    return new Uint8Array(256);
  });
  await assert.rejects(signer.clientAssertion('not a party'), kinds('invalid_party_id'));
  await assert.rejects(signer.clientAssertion(SERVER_ID, { now: -5 }), kinds('invalid_argument'));
  assert.equal(asked, 0);
  assert.throws(() => Signer.fromExternal(chainPem, CLIENT_ID, 'sign'), TypeError);
  assert.throws(() => Signer.fromExternal('garbage', CLIENT_ID, () => {}), kinds('invalid_certificate'));
  signer.free();
  await assert.rejects(signer.clientAssertion(SERVER_ID), /this ExternalSigner was freed/);
});

test('the payload an external signer makes is the in-memory signer\'s', async () => {
  const key = await deviceKey(vectorText('client-eori.key.pem'));
  const external = Signer.fromExternal(chainPem, CLIENT_ID, (p) => crypto.subtle.sign(RSA, key, p.message));
  const memory = Signer.fromPem(vectorText('client-eori.key.pem'), chainPem, CLIENT_ID);
  const a = await external.clientAssertion(SERVER_ID, { now: T0, jti: 'same' });
  const b = memory.clientAssertion(SERVER_ID, { now: T0, jti: 'same' });
  assert.deepEqual(payloadOf(a), payloadOf(b));
  assert.equal(a, b, 'RSASSA-PKCS1-v1_5 is deterministic: the same token');
});
