// Every shared vector gets its verdict: tests/vectors/vectors.json (client
// assertions) and tests/vectors/jwt/vectors.json (any iSHARE JWT, and the
// inputs sign_jwt must accept or refuse), as every binding's suite does.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { IshareJwtError, Signer, Verifier } from 'ishare-jwt';

import { SATELLITE_ID, jwtVectors, payloadOf, pkiText, sameJson, vectors } from './support.js';

const { vectors: assertionVectors } = vectors();
const jwt = jwtVectors();
const ENVELOPE = ['iss', 'sub', 'aud', 'jti', 'iat', 'nbf', 'exp'];

test('the shared sets have both verdicts', () => {
  assert.ok(assertionVectors.length >= 50);
  for (const group of [assertionVectors, jwt.vectors, jwt.sign_inputs]) {
    assert.ok(group.some((v) => v.expect === 'valid'));
    assert.ok(group.some((v) => v.expect !== 'valid'));
  }
});

function expectKind(fn, kind, name) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof IshareJwtError, `${name}: ${error}`);
    assert.equal(error.kind, kind, `${name}: ${error.message}`);
    assert.ok(error.message.length > 0);
    return true;
  });
}

for (const vector of assertionVectors) {
  test(`assertion vector ${vector.name}`, () => {
    const setup = vector.verifier;
    const verifier = new Verifier(setup.audience, setup.trusted_roots, { leeway: setup.leeway ?? 0 });
    const verify = () => verifier.verify(vector.token, { now: setup.now, clientId: setup.client_id });
    if (vector.expect === 'valid') {
      const assertion = verify();
      assert.equal(assertion.audience, setup.audience);
      assert.equal(assertion.clientId, payloadOf(vector.token).iss);
      assert.ok(assertion.expiresAt > assertion.issuedAt);
      return;
    }
    expectKind(verify, vector.expect.error, vector.name);
  });
}

const clientVerifier = (setup = jwt.vectors[0].verifier) =>
  new Verifier(setup.audience, setup.trusted_roots, { leeway: setup.leeway });

for (const vector of jwt.vectors) {
  test(`jwt vector ${vector.name}`, () => {
    const setup = vector.verifier;
    const verify = () => clientVerifier(setup).verifyJwt(vector.token, { now: setup.now, issuer: setup.issuer });
    if (vector.expect === 'valid') {
      const verified = verify();
      assert.ok(sameJson(verified.claims, vector.claims), vector.name);
      assert.ok(sameJson(JSON.parse(verified.claimsJson), vector.claims));
      assert.equal(verified.issuer, SATELLITE_ID);
      assert.equal(verified.audience, setup.audience);
      assert.equal(verified.jti, vector.claims.jti);
      assert.equal(verified.issuedAt, vector.claims.iat);
      assert.equal(verified.expiresAt, vector.claims.exp);
      return;
    }
    expectKind(verify, vector.expect.error, vector.name);
  });
}

const satellite = Signer.fromPem(pkiText('server-eori.key.pem'), pkiText('server-eori.chain.pem'), jwt.signer.party);

function checkSigned(token, want, name) {
  const verified = clientVerifier().verifyJwt(token, { now: jwt.signer.now, issuer: SATELLITE_ID });
  assert.ok(verified.claimsJson.startsWith('{"iss":'), name);
  assert.deepEqual(Object.keys(verified.claims).slice(0, 7), ENVELOPE, `${name}: envelope first, in order`);
  assert.deepEqual(
    [verified.issuedAt, verified.notBefore, verified.expiresAt],
    [jwt.signer.now, jwt.signer.now, jwt.signer.now + 30],
  );
  const own = Object.fromEntries(Object.entries(verified.claims).filter(([k]) => !ENVELOPE.includes(k)));
  assert.ok(sameJson(own, want), name);
}

for (const input of jwt.sign_inputs) {
  test(`sign input ${input.name} as JSON text`, () => {
    const sign = () =>
      satellite.signJwt(jwt.signer.audience, null, { claimsJson: input.claims_json ?? undefined, now: jwt.signer.now });
    if (input.expect === 'valid') {
      checkSigned(sign(), input.claims_json === null ? {} : JSON.parse(input.claims_json), input.name);
      return;
    }
    expectKind(sign, input.expect.error, input.name);
  });
}

test('sign inputs as JavaScript objects: the same verdict as their text', () => {
  let compared = 0;
  for (const input of jwt.sign_inputs) {
    let value;
    try {
      value = input.claims_json === null ? undefined : JSON.parse(input.claims_json);
    } catch {
      continue; // not JSON: only the text form exists
    }
    if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      assert.throws(() => satellite.signJwt(jwt.signer.audience, value, { now: jwt.signer.now }), TypeError, input.name);
      assert.notEqual(input.expect, 'valid', input.name);
      compared += 1;
      continue;
    }
    const duplicates = input.name === 'duplicate'; // JSON.parse keeps the last; the text is refused
    if (duplicates) continue;
    const sign = () => satellite.signJwt(jwt.signer.audience, value, { now: jwt.signer.now });
    if (input.expect === 'valid') checkSigned(sign(), value ?? {}, input.name);
    else expectKind(sign, input.expect.error, input.name);
    compared += 1;
  }
  assert.ok(compared >= 10, `${compared} inputs compared`);
});
