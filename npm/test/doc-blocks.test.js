// The JavaScript blocks of the user documents (README.md's JavaScript
// section, npm/README.md), run as written against the installed package.
// scripts/test-node extracts them (scripts/doc-blocks extract js) beside
// this project's node_modules. Only what a document says is the reader's
// own is given, as a global the block reads: TOKEN_URL (a node:http server
// on 127.0.0.1 running the README's own token endpoint), keyPem, chainPem,
// der and issueAccessTokenFor; ids, roots and files are the test PKI's,
// which the blocks name.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { IshareJwtError } from 'ishare-jwt';

import { JWT_CLIENT_ID, REPO, pkiText } from './support.js';

const DIR = process.env.ISHARE_DOC_BLOCKS;
if (!DIR) throw new Error('ISHARE_DOC_BLOCKS is not set: run scripts/test-node');
const PKI = join(REPO, 'testdata', 'pki');

/** Runs a block as a module; `again` makes a fresh instance of one already run. */
const run = (name, again = '') => import(pathToFileURL(join(DIR, name)).href + again);

// The README's token endpoint behind node:http, with Express's part played
// here: express.urlencoded() (the parsed form as request.body) and
// response.status().set().send().
const issued = [];
const answers = [];
let server;

before(async () => {
  globalThis.issueAccessTokenFor = (clientId) => {
    const token = `access-token-${issued.length + 1}`;
    issued.push({ clientId, token });
    return token;
  };
  const { connectToken } = await run('README-js-token-endpoint.mjs');
  server = createServer(async (request, response) => {
    if (request.method !== 'POST' || request.url !== '/connect/token') {
      response.writeHead(404).end();
      return;
    }
    let raw = '';
    for await (const chunk of request) raw += chunk;
    const expressResponse = {
      status(code) {
        this.code = code;
        return this;
      },
      set(headers) {
        this.headers = headers;
        return this;
      },
      send(body) {
        answers.push({ status: this.code, headers: this.headers, body: JSON.parse(body) });
        response.writeHead(this.code, this.headers).end(body);
      },
    };
    connectToken({ body: Object.fromEntries(new URLSearchParams(raw)) }, expressResponse);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  globalThis.TOKEN_URL = `http://127.0.0.1:${server.address().port}/connect/token`;
});

after(() => server?.close());

test('every JavaScript block of the documents is run here, and each runner has its block', () => {
  const blocks = readdirSync(DIR).sort();
  const runners = [
    'README-js-client.mjs',
    'README-js-external-signer.mjs',
    'README-js-token-endpoint.mjs',
    'npm-README-js-quick-start.mjs',
  ];
  assert.deepEqual(blocks, runners, 'a block was added or renamed: give it its runner in doc-blocks.test.js');
});

test("README: the client gets an access token from the README's token endpoint", async () => {
  const cwd = process.cwd();
  process.chdir(PKI); // the block reads the test PKI's files by name
  try {
    await run('README-js-client.mjs');
  } finally {
    process.chdir(cwd);
  }
  assert.equal(answers.length, 1);
  assert.equal(answers[0].status, 200, JSON.stringify(answers[0].body));
  assert.deepEqual(issued, [{ clientId: JWT_CLIENT_ID, token: 'access-token-1' }]);
  assert.equal(answers[0].body.access_token, 'access-token-1');
  assert.equal(answers[0].headers['Cache-Control'] ?? answers[0].headers['cache-control'], 'no-store');
});

test("README: the token endpoint answers a wrong request with the RFC 6749 error, and a replay as invalid_client", async () => {
  const post = (body) => fetch(TOKEN_URL, { method: 'POST', body: new URLSearchParams(body) });
  const password = await post({ grant_type: 'password', username: 'u', password: 'p' });
  assert.equal(password.status, 400);
  assert.equal(password.headers.get('cache-control'), 'no-store');
  assert.equal((await password.json()).error, 'unsupported_grant_type');

  const { Signer } = await import('ishare-jwt');
  const form = Signer.fromPem(pkiText('client-eori.key.pem'), pkiText('client-eori.chain.pem'), JWT_CLIENT_ID).tokenRequest(
    'EU.EORI.NL000000100',
  );
  assert.equal((await post(form)).status, 200);
  const replayed = await post(form);
  assert.equal(replayed.status, 400); // the core's choice for invalid_client (RFC 6749 §5.2 allows 400)
  assert.equal((await replayed.json()).error, 'invalid_client');
});

test('npm/README: the quick start signs, posts to the token endpoint and verifies', async () => {
  globalThis.keyPem = pkiText('client-eori.key.pem');
  globalThis.chainPem = pkiText('client-eori.chain.pem');
  const before = answers.length;
  await run('npm-README-js-quick-start.mjs');
  assert.equal(answers.length, before + 1);
  assert.equal(answers.at(-1).status, 200, JSON.stringify(answers.at(-1).body));
});

test('README: the external signer signs with a non-extractable WebCrypto key, and another key is refused', async () => {
  globalThis.chainPem = pkiText('client-eori.chain.pem');
  globalThis.der = readFileSync(join(PKI, 'client-eori.key.der'));
  await run('README-js-external-signer.mjs');

  // The block's own check: the device's key must be the leaf's.
  globalThis.der = readFileSync(join(PKI, 'server-eori.key.der'));
  await assert.rejects(
    run('README-js-external-signer.mjs', '?another-key'),
    (error) => error instanceof IshareJwtError && error.kind === 'key_mismatch',
  );
});
