// The signer checks its own chain when it is made, as every binding does:
// a chain no verifier accepts (not valid at the clock, Date.now; never valid
// at all) is refused by fromPem/fromExternal with the core's error; what
// loads but some verifiers refuse (a chain without its root) is in
// `warnings`; `notAfter` and `notBefore` say when the chain is valid.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ERROR_KINDS, IshareJwtError, Signer, Verifier } from 'ishare-jwt';

import { CLIENT_ID, ROOT_SHA256, SERVER_ID, T0, vectorText } from './support.js';

const keyPem = vectorText('client-eori.key.pem');
const chainPem = vectorText('client-eori.chain.pem');
/** tests/vectors/README.md: every certificate but the expired one is valid 2025-01-01 to 2045-01-01. */
const VECTORS_NOT_BEFORE = 1_735_689_600;
const VECTORS_NOT_AFTER = 2_366_841_600;

/** The chain's PEM blocks, leaf first. */
function certificates(pem) {
  const end = '-----END CERTIFICATE-----';
  return pem.split(end).slice(0, -1).map((block) => `${block.trim()}\n${end}\n`);
}

const codeOf = new Map(ERROR_KINDS.map(([code, kind]) => [kind, code]));
const refusedAs = (kind) => (error) =>
  error instanceof IshareJwtError && error.kind === kind && error.code === codeOf.get(kind) && error.message.includes('x5c[0]');
const refusedAsExpired = refusedAs('certificate_expired');

/** Runs `body` with the clock the module reads (Date.now) at `seconds`. */
function atClock(seconds, body) {
  const realNow = Date.now;
  Date.now = () => seconds * 1000;
  try {
    body();
  } finally {
    Date.now = realNow;
  }
}

test('a chain not valid at the clock is refused when the signer is made, naming the certificate', () => {
  const external = () => Signer.fromExternal(chainPem, CLIENT_ID, () => new Uint8Array(256));
  for (const clock of [VECTORS_NOT_AFTER + 86_400, VECTORS_NOT_BEFORE - 86_400]) {
    atClock(clock, () => {
      assert.throws(() => Signer.fromPem(keyPem, chainPem, CLIENT_ID), refusedAsExpired, `at ${clock}`);
      // The same for a key on a device: the chain alone is judged.
      assert.throws(external, refusedAsExpired, `at ${clock}`);
    });
  }
  // Valid at the real clock (2025 to 2045), so made; `now` may still be given per token.
  assert.equal(Signer.fromPem(keyPem, chainPem, CLIENT_ID).clientId, CLIENT_ID);
  assert.equal(external().clientId, CLIENT_ID);
});

test('a chain whose certificates are never valid together is refused, naming the expired one', () => {
  const expiredKey = vectorText('client-expired.key.pem');
  const expiredChain = vectorText('client-expired.chain.pem');
  const never = refusedAs('invalid_certificate');
  assert.throws(() => Signer.fromPem(expiredKey, expiredChain, 'EU.EORI.NL000000002'), never);
  assert.throws(() => Signer.fromExternal(expiredChain, 'EU.EORI.NL000000002', () => new Uint8Array(256)), never);
});

test('a chain without its root loads, with a warning saying fingerprint-trusting verifiers need it', () => {
  const blocks = certificates(chainPem);
  assert.equal(blocks.length, 3);
  const rootless = Signer.fromPem(keyPem, blocks.slice(0, 2).join(''), CLIENT_ID);
  assert.equal(rootless.warnings.length, 1);
  assert.equal(typeof rootless.warnings[0], 'string');
  assert.match(rootless.warnings[0], /root/);
  assert.ok(Object.isFrozen(rootless.warnings));
  const external = Signer.fromExternal(blocks.slice(0, 2).join(''), CLIENT_ID, () => new Uint8Array(256));
  assert.deepEqual([...external.warnings], [...rootless.warnings]);

  const whole = Signer.fromPem(keyPem, chainPem, CLIENT_ID);
  assert.deepEqual([...whole.warnings], []);
});

test("notAfter is the leaf's, notBefore the chain's first valid second, and signing outside them is refused", () => {
  const signer = Signer.fromPem(keyPem, chainPem, CLIENT_ID);
  assert.equal(signer.notAfter, VECTORS_NOT_AFTER);
  assert.equal(signer.notBefore, VECTORS_NOT_BEFORE);
  const token = signer.clientAssertion(SERVER_ID, { now: T0 });
  const leaf = new Verifier(SERVER_ID, [ROOT_SHA256]).explain(token, { now: T0 }).chain[0];
  assert.equal(leaf.position, 0);
  assert.equal(signer.notAfter, leaf.not_after);
  assert.throws(() => signer.clientAssertion(SERVER_ID, { now: VECTORS_NOT_AFTER + 1 }), refusedAsExpired);
  const external = Signer.fromExternal(chainPem, CLIENT_ID, () => new Uint8Array(256));
  assert.equal(external.notAfter, VECTORS_NOT_AFTER);
  assert.equal(external.notBefore, VECTORS_NOT_BEFORE);
});
