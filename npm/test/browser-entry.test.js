// The browser entry (the package's "default" export condition): no Node.js
// import anywhere in what it loads, and it works where the module is fetched
// (here a fetch that serves the installed package's files, as a web server
// would). This file never imports the Node entry, so the module is loaded
// by the browser entry alone in this process.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { CLIENT_ID, ROOT_SHA256, SERVER_ID, vectorText } from './support.js';

const packageDir = dirname(fileURLToPath(import.meta.resolve('ishare-jwt')));
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

test('the package: ESM, types, no runtime dependencies, the browser entry as default', () => {
  assert.equal(manifest.type, 'module');
  assert.equal(manifest.dependencies, undefined);
  assert.deepEqual(manifest.exports['.'], { types: './index.d.ts', node: './node.js', default: './browser.js' });
  assert.match(readFileSync(join(packageDir, 'index.d.ts'), 'utf8'), /export declare class Verifier/);
  assert.match(manifest.version, /^\d+\.\d+\.\d+/);
});

test('nothing the browser entry loads imports Node.js', () => {
  const loaded = ['browser.js', 'api.js', 'public.js', 'wasm/ishare_jwt_wasm.js'];
  for (const file of loaded) {
    const source = readFileSync(join(packageDir, file), 'utf8');
    assert.doesNotMatch(source, /from\s+['"]node:|import\(\s*['"]node:|\brequire\s*\(|\bprocess\./, file);
    for (const [, specifier] of source.matchAll(/(?:from|import)\s+['"]([^'"]+)['"]/g)) {
      assert.ok(specifier.startsWith('./'), `${file} imports ${specifier}`);
    }
  }
});

test('the browser entry fetches its module and works', async () => {
  const fetched = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input) => {
    const url = new URL(input instanceof Request ? input.url : input);
    fetched.push(url.href);
    assert.equal(url.protocol, 'file:');
    return new Response(readFileSync(url), { headers: { 'Content-Type': 'application/wasm' } });
  };
  try {
    const browser = await import(pathToFileURL(join(packageDir, 'browser.js')).href);
    assert.deepEqual(fetched, [pathToFileURL(join(packageDir, 'wasm', 'ishare_jwt_wasm_bg.wasm')).href]);
    const signer = browser.Signer.fromPem(vectorText('client-eori.key.pem'), vectorText('client-eori.chain.pem'), CLIENT_ID);
    const verifier = new browser.Verifier(SERVER_ID, [ROOT_SHA256]);
    assert.equal(verifier.verify(signer.clientAssertion(SERVER_ID)).clientId, CLIENT_ID);
    assert.equal(browser.ERROR_KINDS.length, 37);
  } finally {
    globalThis.fetch = realFetch;
  }
});
