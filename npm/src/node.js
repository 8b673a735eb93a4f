// The Node.js entry: loads the WebAssembly module from the package's own
// files, synchronously, hands it Node's RSA, then offers the API.
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { initSync, useHostRsa } from './wasm/ishare_jwt_wasm.js';
import { loadedConstants } from './api.js';

initSync({ module: readFileSync(new URL('./wasm/ishare_jwt_wasm_bg.wasm', import.meta.url)) });

// Token signatures by OpenSSL (node:crypto) rather than the module's own RSA
// arithmetic: the core asks this only where it would do the RSA itself —
// with the x5c leaf key, once a trusted chain vouches for it. Every other
// rule stays in the core. A key or signature OpenSSL refuses, or anything
// that throws, is a signature that does not verify.
const HASHES = new Map([
  [256, 'sha256'],
  [384, 'sha384'],
  [512, 'sha512'],
]);
/** SubjectPublicKeyInfo DER (as a latin1 string) → KeyObject, oldest dropped first. */
const keys = new Map();
const MAX_KEYS = 256;
/** The key asked for last, with its DER: a server hears mostly from the same clients. */
let last = { spkiDer: Buffer.alloc(0), key: undefined };

function publicKey(spkiDer) {
  if (last.spkiDer.equals(spkiDer)) return last.key;
  // A copy: the view is the module's memory, valid only during this call.
  const copy = Buffer.from(spkiDer);
  const id = copy.toString('latin1');
  let key = keys.get(id);
  if (key === undefined) {
    key = crypto.createPublicKey({ key: copy, format: 'der', type: 'spki' });
    // rsaEncryption only (an RSASSA-PSS key would make verify do PSS).
    if (key.asymmetricKeyType !== 'rsa') return undefined;
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value);
    keys.set(id, key);
  }
  last = { spkiDer: copy, key };
  return key;
}

useHostRsa({
  verifyPkcs1v15(hashBits, spkiDer, message, signature) {
    try {
      const hash = HASHES.get(hashBits);
      const key = publicKey(spkiDer);
      return hash !== undefined && key !== undefined && crypto.verify(hash, message, key, signature) === true;
    } catch {
      return false;
    }
  },
});

export * from './public.js';
export const { ERROR_KINDS, TOKEN_RESPONSE_HEADERS } = loadedConstants();
