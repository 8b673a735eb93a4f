// Ours (the installed ishare-jwt) beside jose in one Node.js process: sign a
// client assertion, and verify one with a warm chain cache (ours: every
// iSHARE rule; jose: signature and claims with a key imported once, no
// chain). Prints one JSON object of microseconds per operation.
// Usage (in a project with both installed): node bench.js KEY.pem CHAIN.pem ROOT_SHA256 CLIENT SERVER SECONDS
import { readFileSync } from 'node:fs';

import * as jose from 'jose';
import { Signer, Verifier } from 'ishare-jwt';

const [keyFile, chainFile, root, client, server, secondsArg] = process.argv.slice(2);
const keyPem = readFileSync(keyFile, 'utf8');
const chainPem = readFileSync(chainFile, 'utf8');
const seconds = Number(secondsArg ?? 2);
const now = Math.floor(Date.now() / 1000);

/** Median over 7 batches of the time per call, in µs; the batches fill
 * `seconds`. A synchronous `fn` is not awaited (ours), an asynchronous one is (jose's). */
async function perOp(fn) {
  const asynchronous = fn() instanceof Promise;
  const run = asynchronous
    ? async (n) => {
        for (let i = 0; i < n; i++) await fn();
      }
    : (n) => {
        for (let i = 0; i < n; i++) fn();
      };
  let n = 1;
  for (;;) {
    const start = process.hrtime.bigint();
    await run(n);
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    if (elapsed >= seconds / 7) break;
    n *= 2;
  }
  const times = [];
  for (let batch = 0; batch < 7; batch++) {
    const start = process.hrtime.bigint();
    await run(n);
    times.push(Number(process.hrtime.bigint() - start) / 1e3 / n);
  }
  times.sort((a, b) => a - b);
  return times[3];
}

const signer = Signer.fromPem(keyPem, chainPem, client);
const verifier = new Verifier(server, [root], { replayProtection: false });
const token = signer.clientAssertion(server, { now });
verifier.verify(token, { now });

const x5c = chainPem
  .split('-----END CERTIFICATE-----')
  .map((block) => block.split('-----BEGIN CERTIFICATE-----')[1])
  .filter(Boolean)
  .map((b64) => b64.replace(/\s/g, ''));
const privateKey = await jose.importPKCS8(keyPem, 'RS256');
const publicKey = await jose.importX509(`-----BEGIN CERTIFICATE-----\n${x5c[0]}\n-----END CERTIFICATE-----`, 'RS256');
const joseSign = () =>
  new jose.SignJWT({ jti: crypto.randomUUID(), nbf: now })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5c })
    .setIssuer(client)
    .setSubject(client)
    .setAudience(server)
    .setIssuedAt(now)
    .setExpirationTime(now + 30)
    .sign(privateKey);
const joseToken = await joseSign();
const joseVerify = () =>
  jose.jwtVerify(joseToken, publicKey, {
    algorithms: ['RS256'],
    audience: server,
    issuer: client,
    requiredClaims: ['sub', 'jti', 'iat', 'exp'],
  });
await joseVerify();

const result = {
  ours_sign: await perOp(() => signer.clientAssertion(server, { now })),
  ours_verify: await perOp(() => verifier.verify(token, { now })),
  jose_sign: await perOp(joseSign),
  jose_verify: await perOp(joseVerify),
  node: process.versions.node,
};
console.log(JSON.stringify(result));
