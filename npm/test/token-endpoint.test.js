// The token endpoint helpers: parsing a token request in every form a
// framework gives it, answering with a token or an OAuth error, and a real
// endpoint on 127.0.0.1 (node:http) that a client reaches with fetch.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';

import {
  IshareJwtError,
  OAuthError,
  Signer,
  TOKEN_RESPONSE_HEADERS,
  Verifier,
  errorResponse,
  parseTokenRequest,
  tokenResponse,
} from 'ishare-jwt';

import { CLIENT_ID, ROOT_SHA256, SERVER_ID, vectorText } from './support.js';

const signer = Signer.fromPem(vectorText('client-eori.key.pem'), vectorText('client-eori.chain.pem'), CLIENT_ID);
const HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' };

test('a token request in every form: body text, bytes, URLSearchParams, a parsed object', () => {
  const form = signer.tokenRequest(SERVER_ID);
  const body = new URLSearchParams(form).toString();
  const want = { clientId: CLIENT_ID, clientAssertion: form.client_assertion, scope: 'iSHARE' };
  assert.deepEqual(parseTokenRequest(body), want);
  assert.deepEqual(parseTokenRequest(new TextEncoder().encode(body)), want);
  assert.deepEqual(parseTokenRequest(new URLSearchParams(body)), want);
  assert.deepEqual(parseTokenRequest({ ...form }), want);
  const { scope, ...withoutScope } = form;
  assert.equal(scope, 'iSHARE');
  assert.equal(parseTokenRequest(withoutScope).scope, 'iSHARE');
});

function refused(form, status, error, description) {
  assert.throws(
    () => parseTokenRequest(form),
    (thrown) => {
      assert.ok(thrown instanceof OAuthError, String(thrown));
      assert.equal(thrown.status, status);
      assert.equal(thrown.error, error);
      assert.match(thrown.errorDescription, description);
      const answer = errorResponse(thrown);
      assert.equal(answer.status, status);
      assert.deepEqual(answer.headers, HEADERS);
      assert.deepEqual(JSON.parse(answer.body), { error, error_description: thrown.errorDescription });
      return true;
    },
  );
}

test('a malformed request is an OAuthError with its RFC 6749 answer', () => {
  const form = signer.tokenRequest(SERVER_ID);
  refused({ ...form, grant_type: 'password' }, 400, 'unsupported_grant_type', /password/);
  refused({ ...form, client_assertion_type: 'other' }, 400, 'invalid_client', /client_assertion_type/);
  const { client_assertion: _, ...noAssertion } = form;
  refused(noAssertion, 400, 'invalid_request', /client_assertion is missing/);
  refused({ ...form, client_id: [CLIENT_ID, CLIENT_ID] }, 400, 'invalid_request', /client_id is sent more than once/);
  const twice = new URLSearchParams(form);
  twice.append('scope', 'again');
  refused(twice, 400, 'invalid_request', /scope is sent more than once/);
  refused('', 400, 'invalid_request', /missing/);
  assert.throws(() => parseTokenRequest(42), TypeError);
});

test('errorResponse of a refused assertion: invalid_client 400; a full replay cache 503', () => {
  const verifier = new Verifier(SERVER_ID, [ROOT_SHA256], { replayCapacity: 1, replayIssuerShare: 1 });
  const token = signer.clientAssertion(SERVER_ID);
  verifier.verify(token);
  let replay;
  try {
    verifier.verify(token);
  } catch (error) {
    replay = error;
  }
  assert.ok(replay instanceof IshareJwtError);
  const answer = errorResponse(replay);
  assert.equal(answer.status, 400);
  const body = JSON.parse(answer.body);
  assert.equal(body.error, 'invalid_client');
  assert.match(body.error_description, /^replay: /);
  let full;
  try {
    verifier.verify(signer.clientAssertion(SERVER_ID));
  } catch (error) {
    full = error;
  }
  assert.equal(full.kind, 'replay_cache_full');
  assert.equal(errorResponse(full).status, 503);
  assert.equal(JSON.parse(errorResponse(full).body).error, 'temporarily_unavailable');
  assert.throws(() => errorResponse(new Error('mine')), TypeError);
});

test('tokenResponse: the RFC 6749 §5.1 body and headers', () => {
  assert.deepEqual(TOKEN_RESPONSE_HEADERS, HEADERS);
  const answer = tokenResponse('abc', 3600, { scope: 'iSHARE' });
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.headers, HEADERS);
  assert.equal(answer.body, '{"access_token":"abc","token_type":"Bearer","expires_in":3600,"scope":"iSHARE"}');
  assert.equal(tokenResponse('a"b', 60).body, '{"access_token":"a\\"b","token_type":"Bearer","expires_in":60}');
  assert.throws(() => tokenResponse('abc', -1), (e) => e instanceof IshareJwtError && e.kind === 'invalid_argument');
});

/** The README's server example: a framework-free handler over node:http. */
function tokenEndpoint(verifier) {
  return async (request, response) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    let answer;
    try {
      const tokenRequest = parseTokenRequest(Buffer.concat(chunks));
      const client = verifier.verify(tokenRequest.clientAssertion, { clientId: tokenRequest.clientId });
      answer = tokenResponse(`token-for-${client.clientId}`, 3600);
    } catch (error) {
      answer = errorResponse(error);
    }
    response.writeHead(answer.status, answer.headers).end(answer.body);
  };
}

test('a token endpoint on 127.0.0.1: fetch a token, then be refused the replay', async () => {
  const server = createServer(tokenEndpoint(new Verifier(SERVER_ID, [ROOT_SHA256])));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/connect/token`;
  try {
    const body = new URLSearchParams(signer.tokenRequest(SERVER_ID));
    const first = await fetch(url, { method: 'POST', body });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await first.json(), {
      access_token: `token-for-${CLIENT_ID}`,
      token_type: 'Bearer',
      expires_in: 3600,
    });
    const again = await fetch(url, { method: 'POST', body });
    assert.equal(again.status, 400);
    const refusal = await again.json();
    assert.equal(refusal.error, 'invalid_client');
    assert.match(refusal.error_description, /^replay: /);
    const wrong = await fetch(url, { method: 'POST', body: 'grant_type=password' });
    assert.equal(wrong.status, 400);
    assert.equal((await wrong.json()).error, 'unsupported_grant_type');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
