// The Node.js entry: loads the WebAssembly module from the package's own
// files, synchronously, then offers the API.
import { readFileSync } from 'node:fs';
import { initSync } from './wasm/ishare_jwt_wasm.js';
import { loadedConstants } from './api.js';

initSync({ module: readFileSync(new URL('./wasm/ishare_jwt_wasm_bg.wasm', import.meta.url)) });

export * from './public.js';
export const { ERROR_KINDS, TOKEN_RESPONSE_HEADERS } = loadedConstants();
