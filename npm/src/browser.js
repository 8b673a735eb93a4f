// The entry for browsers, workers, Deno and bundlers: fetches the
// WebAssembly module beside this file (no Node.js import), then offers the API.
import init from './wasm/ishare_jwt_wasm.js';
import { loadedConstants } from './api.js';

await init({ module_or_path: new URL('./wasm/ishare_jwt_wasm_bg.wasm', import.meta.url) });

export * from './public.js';
export const { ERROR_KINDS, TOKEN_RESPONSE_HEADERS } = loadedConstants();
