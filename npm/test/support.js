// Paths and constants shared by the tests: the repository's vectors and
// test PKI (ISHARE_REPO names the checkout; the suite itself runs in a
// temporary project with the packed ishare-jwt installed).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = process.env.ISHARE_REPO;
if (!REPO) throw new Error('ISHARE_REPO is not set: run scripts/test-node');

export const CLIENT_ID = 'EU.EORI.NL000000001';
export const SERVER_ID = 'EU.EORI.NL000000000';
/** SHA-256 of tests/vectors' root CA, as an iSHARE trusted list gives it. */
export const ROOT_SHA256 = '78975BC3945490EC417AC9E4BEF853841CB0C41F8030D85EC18667A14D946E69';
/** t0 of vectors.json: 2026-01-01T00:00:00Z. */
export const T0 = 1_767_225_600;
/** testdata/pki: the satellite (server-eori) and its client (client-eori). */
export const SATELLITE_ID = 'EU.EORI.NL000000100';
export const JWT_CLIENT_ID = 'EU.EORI.NL000000101';

export const vectorText = (name) => readFileSync(join(REPO, 'tests', 'vectors', name), 'utf8');
export const pkiText = (name) => readFileSync(join(REPO, 'testdata', 'pki', name), 'utf8');
export const PKI_ROOT_SHA256 = pkiText('root-ca.sha256').trim();
export const vectors = () => JSON.parse(vectorText('vectors.json'));
export const jwtVectors = () => JSON.parse(vectorText('jwt/vectors.json'));

/** The payload of a compact JWS, decoded without verifying. */
export function payloadOf(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

export function headerOf(token) {
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
}

/** Equal as JSON values, member order aside (1 and 1.0 are one number in JavaScript). */
export function sameJson(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]));
  }
  return Object.is(a, b) || (a === 0 && b === 0);
}
