// Hostile inputs shared by every language's suite (core/examples/hostile_cases.rs;
// scripts/test-node writes them to the file ISHARE_HOSTILE_CASES names): each
// throws the IshareJwtError of its kind, never a trap, a hang or another error.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { IshareJwtError, Signer, Verifier } from 'ishare-jwt';

const path = process.env.ISHARE_HOSTILE_CASES;
if (!path) throw new Error('ISHARE_HOSTILE_CASES is not set: run scripts/test-node');
const cases = JSON.parse(readFileSync(path, 'utf8'));

function expectKind(fn, kind) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof IshareJwtError, `expected ${kind}, got ${error}`);
    assert.equal(error.kind, kind, error.message);
    assert.ok(error.message.length < 1000, 'names the problem, does not echo the input');
    return true;
  });
}

test('the hostile cases were generated', () => {
  assert.ok(cases.vectors.length >= 10);
  assert.ok(cases.signer_inputs.length > 0 && cases.trust_inputs.length > 0);
});

for (const hostile of cases.vectors) {
  test(`hostile token ${hostile.name}`, () => {
    const setup = hostile.verifier;
    const verify = () =>
      new Verifier(setup.audience, setup.trusted_roots, { leeway: setup.leeway }).verify(hostile.token, {
        now: setup.now,
      });
    if (hostile.expect === 'valid') {
      assert.ok(verify().jti);
      return;
    }
    expectKind(verify, hostile.expect.error);
  });
}

for (const input of cases.signer_inputs) {
  test(`hostile signer input ${input.name}`, () => {
    expectKind(() => Signer.fromPem(input.key_pem, input.chain_pem, input.client_id), input.expect);
  });
}

for (const input of cases.trust_inputs) {
  test(`hostile trust anchor ${input.name}`, () => {
    expectKind(() => new Verifier('EU.EORI.NL000000000', [input.root]), input.expect);
  });
}

test('a clock before 1970 or not a whole number is an invalid argument', () => {
  const verifier = new Verifier('EU.EORI.NL000000000', ['00'.repeat(32)]);
  for (const now of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
    expectKind(() => verifier.verify('a.b.c', { now }), 'invalid_argument');
  }
});
