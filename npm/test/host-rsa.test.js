// The Node entry checks token signatures with node:crypto (OpenSSL), not the
// module's own RSA: seen by wrapping crypto.verify and crypto.createPublicKey
// (the entry looks both up on the module object at each call). Its answer is
// the verdict, a throw is a refused signature, it is asked once per
// verification and never about a chain that reaches no trust anchor.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { afterEach, test } from 'node:test';

import { IshareJwtError, Signer, Verifier } from 'ishare-jwt';

import { CLIENT_ID, PKI_ROOT_SHA256, ROOT_SHA256, SERVER_ID, T0, vectorText } from './support.js';

const realVerify = crypto.verify;
const realCreatePublicKey = crypto.createPublicKey;
const asked = { verify: [], createPublicKey: 0 };

/**
 * Wraps crypto.verify: records each question (copies: the byte arguments are
 * views of the module's memory, valid only during the call), then answers
 * with `answer` (the real verify by default).
 */
function hostAnswers(answer = realVerify) {
  crypto.verify = (...args) => {
    asked.verify.push(args.map((arg) => (arg instanceof Uint8Array ? Buffer.from(arg) : arg)));
    return answer(...args);
  };
  crypto.createPublicKey = (...args) => {
    asked.createPublicKey += 1;
    return realCreatePublicKey(...args);
  };
}

afterEach(() => {
  crypto.verify = realVerify;
  crypto.createPublicKey = realCreatePublicKey;
  asked.verify = [];
  asked.createPublicKey = 0;
});

const signer = Signer.fromPem(vectorText('client-eori.key.pem'), vectorText('client-eori.chain.pem'), CLIENT_ID);
const token = (jti) => signer.clientAssertion(SERVER_ID, { now: T0, jti });
const throwsKind = (fn, kind) =>
  assert.throws(fn, (error) => error instanceof IshareJwtError && error.kind === kind);

test('each verification asks node:crypto once, with the leaf key and the signing input', () => {
  hostAnswers();
  const verifier = new Verifier(SERVER_ID, [ROOT_SHA256]);
  const tokens = ['a', 'b', 'c'].map(token);
  for (const [i, t] of tokens.entries()) {
    assert.equal(verifier.verify(t, { now: T0 }).clientId, CLIENT_ID);
    assert.equal(asked.verify.length, i + 1);
  }
  const [hash, message, key, signature] = asked.verify[2];
  assert.equal(hash, 'sha256');
  assert.equal(Buffer.from(message).toString(), tokens[2].slice(0, tokens[2].lastIndexOf('.')));
  assert.equal(Buffer.from(signature).toString('base64url'), tokens[2].split('.')[2]);
  const leaf = new crypto.X509Certificate(vectorText('client-eori.chain.pem'));
  assert.ok(key.equals(leaf.publicKey));
  // The key object is made once and kept (cold, then warm verifications).
  assert.equal(asked.createPublicKey, 1);
});

test("node:crypto's no refuses the token as signature, in verify and explain", () => {
  hostAnswers(() => false);
  const verifier = new Verifier(SERVER_ID, [ROOT_SHA256]);
  throwsKind(() => verifier.verify(token('no'), { now: T0 }), 'signature');
  throwsKind(() => verifier.verifyJwt(token('no-jwt'), { now: T0 }), 'signature');
  const report = verifier.explain(token('no'), { now: T0 });
  assert.equal(report.verdict, 'refused');
  assert.equal(report.kind, 'signature');
  assert.equal(report.rules.find((rule) => rule.rule === 'signature').status, 'fail');
  assert.ok(asked.verify.length >= 3);
});

test('a node:crypto that throws refuses the signature and breaks nothing', () => {
  hostAnswers(() => {
    throw new Error('OpenSSL is unwell');
  });
  const verifier = new Verifier(SERVER_ID, [ROOT_SHA256]);
  throwsKind(() => verifier.verify(token('throws'), { now: T0 }), 'signature');
  crypto.verify = realVerify;
  assert.equal(verifier.verify(token('after'), { now: T0 }).jti, 'after');
});

test('node:crypto is never asked about a chain that reaches no trust anchor', () => {
  hostAnswers();
  // Trusts the repository PKI's root, not the vectors' root that signed the chain.
  const verifier = new Verifier(SERVER_ID, [PKI_ROOT_SHA256]);
  throwsKind(() => verifier.verify(token('untrusted'), { now: T0 }), 'untrusted_chain');
  assert.equal(verifier.explain(token('untrusted'), { now: T0 }).kind, 'untrusted_chain');
  assert.equal(asked.verify.length, 0);
});

/** x^e mod m over BigInts. */
function modPow(base, exponent, modulus) {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

const bigIntOf = (base64url) => BigInt(`0x${Buffer.from(base64url, 'base64url').toString('hex')}`);

/**
 * The token re-signed by raw RSA over a PKCS#1 v1.5 block holding
 * `digestInfoPrefix` + SHA-256(signing input): the standard prefix, or one
 * a lenient verifier would also take.
 */
function resignedWith(tokenText, digestInfoPrefix) {
  const jwk = crypto.createPrivateKey(vectorText('client-eori.key.pem')).export({ format: 'jwk' });
  const [n, d] = [bigIntOf(jwk.n), bigIntOf(jwk.d)];
  const size = Buffer.from(jwk.n, 'base64url').length;
  const signingInput = tokenText.slice(0, tokenText.lastIndexOf('.'));
  const digestInfo = Buffer.concat([
    Buffer.from(digestInfoPrefix, 'hex'),
    crypto.createHash('sha256').update(signingInput).digest(),
  ]);
  const block = Buffer.concat([
    Buffer.from([0, 1]),
    Buffer.alloc(size - 3 - digestInfo.length, 0xff),
    Buffer.from([0]),
    digestInfo,
  ]);
  const signature = modPow(BigInt(`0x${block.toString('hex')}`), d, n).toString(16).padStart(size * 2, '0');
  return `${signingInput}.${Buffer.from(signature, 'hex').toString('base64url')}`;
}

test('the host is as strict as the core: a DigestInfo without its NULL parameters is refused', () => {
  const verifier = new Verifier(SERVER_ID, [ROOT_SHA256]);
  // The standard encoding, made by hand, verifies: the re-signing is right.
  const standard = resignedWith(token('digestinfo-standard'), '3031300d060960864801650304020105000420');
  assert.equal(verifier.verify(standard, { now: T0 }).clientId, CLIENT_ID);
  // The same digest without the NULL (Wycheproof's "acceptable" case) is a
  // refused signature, as in every other binding.
  hostAnswers();
  const withoutNull = resignedWith(token('digestinfo-no-null'), '302f300b0609608648016503040201');
  throwsKind(() => verifier.verify(withoutNull, { now: T0 }), 'signature');
  assert.equal(asked.verify.length, 1);
});
