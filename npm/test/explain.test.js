// verifier.explain / explainJwt: the report's verdict and kind are exactly
// verify's (refused ⇔ verify throws, kind = the thrown .kind, and the first
// failing rule has that kind) on every shared vector and hostile input; a
// token that breaks two independent rules shows both.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { IshareJwtError, Signer, Verifier } from 'ishare-jwt';

import {
  JWT_CLIENT_ID,
  PKI_ROOT_SHA256,
  ROOT_SHA256,
  SATELLITE_ID,
  SERVER_ID,
  T0,
  jwtVectors,
  payloadOf,
  pkiText,
  vectors,
} from './support.js';

const STATUSES = ['pass', 'fail', 'skipped'];

/** The kind verify throws, or null when it accepts. */
function verifyKind(fn) {
  try {
    fn();
    return null;
  } catch (error) {
    assert.ok(error instanceof IshareJwtError, String(error));
    return error.kind;
  }
}

/** The report agrees with verify and has the documented shape. */
function checkAgrees(report, kind, name) {
  const shown = JSON.stringify({ ...report, header: undefined, claims: undefined, chain: undefined }, null, 1);
  assert.deepEqual(Object.keys(report), ['verdict', 'kind', 'rules', 'header', 'claims', 'chain'], name);
  assert.equal(report.verdict, kind === null ? 'accepted' : 'refused', `${name}\n${shown}`);
  assert.equal(report.kind, kind, `${name}\n${shown}`);
  assert.ok(report.rules.length > 0, name);
  for (const rule of report.rules) {
    assert.deepEqual(Object.keys(rule), ['rule', 'status', 'kind', 'detail'], name);
    assert.ok(STATUSES.includes(rule.status), `${name}: ${rule.status}`);
    assert.match(rule.rule, /^[a-z_]+$/, name);
    assert.ok(rule.detail.length > 0, `${name}: ${rule.rule} has a detail`);
  }
  assert.equal(new Set(report.rules.map((r) => r.rule)).size, report.rules.length, `${name}: rule names are unique`);
  const firstFailure = report.rules.find((r) => r.status === 'fail');
  if (kind === null) {
    assert.ok(report.rules.every((r) => r.status === 'pass'), `${name}: accepted, so every rule passed\n${shown}`);
  } else {
    assert.equal(firstFailure?.kind, kind, `${name}: the first failing rule has verify's kind\n${shown}`);
  }
  assert.ok(report.header === null || typeof report.header === 'object', name);
  assert.ok(report.claims === null || typeof report.claims === 'object', name);
  assert.ok(Array.isArray(report.chain), name);
}

const verifierFor = (setup) =>
  new Verifier(setup.audience, setup.trusted_roots, { leeway: setup.leeway ?? 0, replayProtection: false });

for (const vector of vectors().vectors) {
  test(`explain agrees with verify: assertion vector ${vector.name}`, () => {
    const setup = vector.verifier;
    const verifier = verifierFor(setup);
    const opts = { now: setup.now, clientId: setup.client_id };
    const kind = verifyKind(() => verifier.verify(vector.token, opts));
    assert.equal(kind, vector.expect === 'valid' ? null : vector.expect.error, vector.name);
    const report = verifier.explain(vector.token, opts);
    checkAgrees(report, kind, vector.name);
    // explain records no replay: verify still accepts a valid token after it.
    if (kind === null) {
      const replaying = new Verifier(setup.audience, setup.trusted_roots, { leeway: setup.leeway ?? 0 });
      replaying.explain(vector.token, opts);
      assert.ok(replaying.verify(vector.token, opts).jti, `${vector.name}: explain left no replay record`);
    }
  });
}

for (const vector of jwtVectors().vectors) {
  test(`explainJwt agrees with verifyJwt: jwt vector ${vector.name}`, () => {
    const setup = vector.verifier;
    const verifier = verifierFor(setup);
    const opts = { now: setup.now, issuer: setup.issuer };
    const kind = verifyKind(() => verifier.verifyJwt(vector.token, opts));
    assert.equal(kind, vector.expect === 'valid' ? null : vector.expect.error, vector.name);
    checkAgrees(verifier.explainJwt(vector.token, opts), kind, vector.name);
  });
}

const hostilePath = process.env.ISHARE_HOSTILE_CASES;
if (!hostilePath) throw new Error('ISHARE_HOSTILE_CASES is not set: run scripts/test-node');
const hostile = JSON.parse(readFileSync(hostilePath, 'utf8'));

test('explain agrees with verify on every hostile token', () => {
  assert.ok(hostile.vectors.length >= 10);
  for (const vector of hostile.vectors) {
    const setup = vector.verifier;
    const verifier = verifierFor(setup);
    const kind = verifyKind(() => verifier.verify(vector.token, { now: setup.now }));
    checkAgrees(verifier.explain(vector.token, { now: setup.now }), kind, vector.name);
  }
});

test('a token with a wrong aud that has also expired shows both failures', () => {
  // testdata/pki: the client signs for the wrong receiver; the satellite reads it an hour late.
  const signer = Signer.fromPem(pkiText('client-eori.key.pem'), pkiText('client-eori.chain.pem'), JWT_CLIENT_ID);
  const now = Math.floor(Date.now() / 1000);
  const token = signer.clientAssertion('EU.EORI.NL000000999', { now });
  const verifier = new Verifier(SATELLITE_ID, [PKI_ROOT_SHA256]);
  const report = verifier.explain(token, { now: now + 3600, clientId: JWT_CLIENT_ID });
  assert.equal(report.verdict, 'refused');
  assert.equal(report.kind, 'audience');
  const failed = report.rules.filter((r) => r.status === 'fail').map((r) => r.rule);
  assert.deepEqual(failed, ['audience', 'not_expired']);
  assert.equal(report.claims.aud, 'EU.EORI.NL000000999');
  assert.equal(report.header.alg, 'RS256');
  assert.equal(report.chain.length, 3);
  assert.equal(report.chain[0].sha256, signer.leafSha256);
  assert.ok(report.chain[0].party.includes(JWT_CLIENT_ID));
});

test('what cannot be read is null or skipped, with the reason', () => {
  const verifier = new Verifier(SERVER_ID, [ROOT_SHA256]);
  const report = verifier.explain('not a token', { now: T0 });
  assert.equal(report.kind, 'malformed');
  assert.equal(report.header, null);
  assert.equal(report.claims, null);
  assert.deepEqual(report.chain, []);
  assert.equal(report.rules[0].status, 'fail');
  assert.ok(report.rules.slice(1).every((r) => r.status === 'skipped'));
});

test('explain takes the options verify takes, and refuses others and a bad clock', () => {
  const verifier = new Verifier(SERVER_ID, [ROOT_SHA256]);
  const { vectors: all } = vectors();
  const valid = all.find((v) => v.expect === 'valid' && v.verifier.audience === SERVER_ID && !v.verifier.client_id);
  assert.equal(verifier.explain(valid.token, { now: valid.verifier.now }).claims.iss, payloadOf(valid.token).iss);
  assert.throws(() => verifier.explain(valid.token, { client_id: 'x' }), TypeError);
  assert.throws(() => verifier.explainJwt(valid.token, { clientId: 'x' }), TypeError);
  assert.throws(() => verifier.explain(42), TypeError);
  for (const now of [-1, 0.5, Number.NaN]) {
    assert.throws(
      () => verifier.explain(valid.token, { now }),
      (error) => error instanceof IshareJwtError && error.kind === 'invalid_argument',
    );
  }
});
