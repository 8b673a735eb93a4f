// Interop both ways with jose (npm, pinned in package-lock.json): our tokens
// verify with jose and the x5c leaf key; jose's tokens, with an x5c header,
// verify with ours.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as jose from 'jose';
import { IshareJwtError, Signer, Verifier } from 'ishare-jwt';

import { CLIENT_ID, ROOT_SHA256, SERVER_ID, headerOf, vectorText } from './support.js';

const keyPem = vectorText('client-eori.key.pem');
const chainPem = vectorText('client-eori.chain.pem');
const x5c = chainPem
  .split('-----END CERTIFICATE-----')
  .map((block) => block.split('-----BEGIN CERTIFICATE-----')[1])
  .filter(Boolean)
  .map((b64) => b64.replace(/\s/g, ''));

test('ours signed → jose.jwtVerify with the x5c leaf key', async () => {
  const signer = Signer.fromPem(keyPem, chainPem, CLIENT_ID);
  const token = signer.clientAssertion(SERVER_ID);
  const header = headerOf(token);
  assert.deepEqual(header.x5c, x5c);
  const leafKey = await jose.importX509(
    `-----BEGIN CERTIFICATE-----\n${header.x5c[0]}\n-----END CERTIFICATE-----`,
    'RS256',
  );
  const { payload, protectedHeader } = await jose.jwtVerify(token, leafKey, {
    algorithms: ['RS256'],
    audience: SERVER_ID,
    issuer: CLIENT_ID,
    subject: CLIENT_ID,
    typ: 'JWT',
    maxTokenAge: 30,
    requiredClaims: ['jti', 'iat', 'nbf', 'exp'],
  });
  assert.equal(protectedHeader.alg, 'RS256');
  assert.equal(payload.exp - payload.iat, 30);
  // jose checks the signature: one flipped byte of it is refused.
  const [h, p, s] = token.split('.');
  const flipped = Buffer.from(s, 'base64url');
  flipped[0] ^= 1;
  await assert.rejects(jose.jwtVerify(`${h}.${p}.${flipped.toString('base64url')}`, leafKey), jose.errors.JWSSignatureVerificationFailed);
});

/** A client assertion signed by jose: the iSHARE claims, then `claims` over them; the x5c header, then `header` over it. */
async function joseToken(claims = {}, header = {}) {
  const key = await jose.importPKCS8(keyPem, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: CLIENT_ID, sub: CLIENT_ID, aud: SERVER_ID, jti: crypto.randomUUID(), iat: now, nbf: now, exp: now + 30, ...claims };
  return new jose.SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5c, ...header }).sign(key);
}

test('jose-signed with an x5c header → our verifier', async () => {
  const verifier = new Verifier(SERVER_ID, [ROOT_SHA256]);
  const token = await joseToken();
  const assertion = verifier.verify(token, { clientId: CLIENT_ID });
  assert.equal(assertion.clientId, CLIENT_ID);
  assert.equal(assertion.algorithm, 'RS256');
  assert.throws(() => verifier.verify(token), (e) => e instanceof IshareJwtError && e.kind === 'replay');
  // jose signs what we refuse, and we say why.
  const expectKind = (kind) => (e) => e instanceof IshareJwtError && e.kind === kind;
  const now = Math.floor(Date.now() / 1000);
  const longLived = await joseToken({ exp: now + 3600 });
  assert.throws(() => verifier.verify(longLived), expectKind('invalid_lifetime'));
  const noChain = await joseToken({}, { x5c: undefined });
  assert.throws(() => verifier.verify(noChain), expectKind('missing_certificate'));
  const otherAudience = await joseToken({ aud: 'EU.EORI.NL000000002' });
  assert.throws(() => verifier.verify(otherAudience), expectKind('audience'));
});

test('jose RS384 and RS512 with x5c verify too', async () => {
  const verifier = new Verifier(SERVER_ID, [ROOT_SHA256]);
  for (const alg of ['RS384', 'RS512']) {
    const key = await jose.importPKCS8(keyPem, alg);
    const now = Math.floor(Date.now() / 1000);
    const token = await new jose.SignJWT({ jti: crypto.randomUUID() })
      .setProtectedHeader({ alg, typ: 'JWT', x5c })
      .setIssuer(CLIENT_ID)
      .setSubject(CLIENT_ID)
      .setAudience(SERVER_ID)
      .setIssuedAt(now)
      .setExpirationTime(now + 30)
      .sign(key);
    assert.equal(verifier.verify(token).algorithm, alg);
  }
});
