// The satellite, sans-IO: a satellite's answers (signed here with the test
// PKI's satellite key) verified by verifyJwt and judged by checkParty and
// trustedListAnchors.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { IshareJwtError, Signer, VerifiedJwt, Verifier, checkParty, trustedListAnchors } from 'ishare-jwt';

import { JWT_CLIENT_ID, PKI_ROOT_SHA256, SATELLITE_ID, pkiText } from './support.js';

const SERVICE = 'EU.EORI.NL000000000';
const satellite = Signer.fromPem(pkiText('server-eori.key.pem'), pkiText('server-eori.chain.pem'), SATELLITE_ID);
const client = Signer.fromPem(pkiText('client-eori.key.pem'), pkiText('client-eori.chain.pem'), JWT_CLIENT_ID);
const verifier = () => new Verifier(SERVICE, [PKI_ROOT_SHA256]);
const kinds = (kind) => (error) => error instanceof IshareJwtError && error.kind === kind;

function partyEntry({ status = 'Active', end = '2045-01-01T00:00:00.000Z', certificates = [client.leafSha256] } = {}) {
  return {
    party_id: JWT_CLIENT_ID,
    party_name: 'Demo Client',
    adherence: { status, start_date: '2025-01-01T00:00:00.000Z', end_date: end },
    certificates: certificates.map((fingerprint) => ({ 'x5t#S256': fingerprint })),
  };
}

const partiesToken = (entries) =>
  satellite.signJwt(SERVICE, { parties_info: { count: entries.length, data: entries } });

test('a listed, active party with its certificate passes', () => {
  const assertion = verifier().verify(client.clientAssertion(SERVICE));
  const parties = verifier().verifyJwt(partiesToken([partyEntry()]), { issuer: SATELLITE_ID });
  assert.ok(parties instanceof VerifiedJwt);
  assert.equal(parties.issuer, SATELLITE_ID);
  assert.equal(parties.claims.parties_info.count, 1);
  assert.throws(() => {
    parties.issuer = JWT_CLIENT_ID; // what was verified stays as verified
  }, TypeError);
  const info = checkParty(parties, assertion.clientId, { leafSha256: assertion.leafSha256 });
  assert.deepEqual(info, {
    partyId: JWT_CLIENT_ID,
    partyName: 'Demo Client',
    status: 'Active',
    start: 1_735_689_600,
    end: 2_366_841_600,
    certificates: [client.leafSha256],
  });
});

test('unknown, inactive, or another certificate: each its own kind', () => {
  const parties = (entry) => verifier().verifyJwt(partiesToken([entry]), { issuer: SATELLITE_ID });
  assert.throws(() => checkParty(parties(partyEntry()), 'EU.EORI.NL000000999'), kinds('party_unknown'));
  assert.throws(() => checkParty(parties(partyEntry({ status: 'Revoked' })), JWT_CLIENT_ID), kinds('party_not_active'));
  assert.throws(
    () => checkParty(parties(partyEntry({ end: '2025-06-01T00:00:00.000Z' })), JWT_CLIENT_ID),
    kinds('party_not_active'),
  );
  assert.throws(
    () => checkParty(parties(partyEntry({ certificates: ['AB'.repeat(32)] })), JWT_CLIENT_ID, { leafSha256: client.leafSha256 }),
    kinds('party_certificate_unknown'),
  );
});

test('verifyJwt with another issuer expected: issuer_mismatch; checkParty takes only a VerifiedJwt', () => {
  const token = partiesToken([partyEntry()]);
  assert.throws(() => verifier().verifyJwt(token, { issuer: JWT_CLIENT_ID }), kinds('issuer_mismatch'));
  const forged = { ...verifier().verifyJwt(token) };
  assert.throws(() => checkParty(forged, JWT_CLIENT_ID), TypeError);
});

test('the trusted list: the granted, valid fingerprints, ready for a Verifier', () => {
  const token = satellite.signJwt(SERVICE, {
    trusted_list: [
      { subject: 'CN=Root', certificate_fingerprint: PKI_ROOT_SHA256, validity: 'valid', status: 'granted' },
      { subject: 'CN=Old', certificate_fingerprint: 'AB'.repeat(32), validity: 'valid', status: 'withdrawn' },
      { subject: 'CN=Bad', certificate_fingerprint: 'CD'.repeat(32), validity: 'invalid', status: 'granted' },
    ],
  });
  const anchors = trustedListAnchors(verifier().verifyJwt(token, { issuer: SATELLITE_ID }));
  assert.deepEqual(anchors, [PKI_ROOT_SHA256]);
  const fromList = new Verifier(SERVICE, anchors);
  assert.equal(fromList.verify(client.clientAssertion(SERVICE)).clientId, JWT_CLIENT_ID);
  const empty = satellite.signJwt(SERVICE, { trusted_list: [] });
  assert.throws(() => trustedListAnchors(verifier().verifyJwt(empty)), IshareJwtError);
});
