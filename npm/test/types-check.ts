// Compiled by types.test.js with tsc --strict against the installed
// package's index.d.ts: what a TypeScript user writes must type-check, and
// the mistakes below must not.
import {
  ERROR_KINDS,
  ExternalSigner,
  IshareJwtError,
  OAuthError,
  Profile,
  Signer,
  TOKEN_RESPONSE_HEADERS,
  VerifiedJwt,
  Verifier,
  checkParty,
  errorResponse,
  parseTokenRequest,
  tokenResponse,
  trustedListAnchors,
  type Assertion,
  type PartyInfo,
  type Report,
  type TokenRequestForm,
} from 'ishare-jwt';

declare const keyPem: string;
declare const chainPem: Uint8Array;
declare const key: CryptoKey;

export async function client(): Promise<string> {
  const signer: Signer = Signer.fromPem(keyPem, chainPem, 'EU.EORI.NL000000001', { profile: Profile.oauth(60) });
  const token: string = signer.clientAssertion('EU.EORI.NL000000000', { now: 1, jti: 'x' });
  const form: TokenRequestForm = signer.tokenRequest('EU.EORI.NL000000000', { scope: 'iSHARE' });
  new URLSearchParams({ ...form });
  const jwt: string = signer.signJwt('EU.EORI.NL000000000', { a: [1] }, { now: 1 });
  const external: ExternalSigner = Signer.fromExternal(chainPem, 'EU.EORI.NL000000001', async ({ message }) =>
    crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, message),
  );
  const later: string = await external.clientAssertion('EU.EORI.NL000000000');
  const renewBy: number = Math.min(signer.notAfter, external.notAfter) - 30 * 86_400;
  const warned: readonly string[] = signer.warnings.concat(external.warnings);
  // @ts-expect-error: the warnings are the signer's, not the caller's to change
  signer.warnings.push('x');
  const validFrom: number = signer.notBefore;
  // @ts-expect-error: an external signer's tokens are Promises
  const notYet: string = external.clientAssertion('EU.EORI.NL000000000');
  signer.free();
  return token + form.client_assertion + jwt + later + notYet + renewBy + warned.join() + validFrom;
}

export function server(body: string): { status: number; headers: Record<string, string>; body: string } {
  const verifier = new Verifier('EU.EORI.NL000000000', ['00'], { leeway: 5, replayProtection: true });
  try {
    const request = parseTokenRequest(body);
    const assertion: Assertion = verifier.verify(request.clientAssertion, { clientId: request.clientId });
    const notBefore: number | null = assertion.notBefore;
    const parties: VerifiedJwt = verifier.verifyJwt('t', { issuer: 'EU.EORI.NL000000100' });
    const info: PartyInfo = checkParty(parties, assertion.clientId, { leafSha256: assertion.leafSha256 });
    const roots: string[] = trustedListAnchors(parties);
    const report: Report = verifier.explain(request.clientAssertion, { now: 1, clientId: request.clientId });
    const why: string | undefined = report.rules.find((rule) => rule.status === 'fail')?.detail;
    const leafBits: number | undefined = verifier.explainJwt('t', { issuer: 'x' }).chain[0]?.key_bits;
    void [why, leafBits, report.kind, report.claims?.['iss']];
    void [notBefore, info.certificates, roots, parties.claims, ERROR_KINDS[0]?.[1], TOKEN_RESPONSE_HEADERS['Pragma']];
    return tokenResponse('abc', 3600, { scope: request.scope });
  } catch (error) {
    if (error instanceof IshareJwtError) void [error.kind, error.code];
    if (error instanceof OAuthError) void [error.status, error.error, error.errorDescription];
    return errorResponse(error as IshareJwtError | OAuthError);
  }
}

// @ts-expect-error: a misspelt option
new Verifier('EU.EORI.NL000000000', [], { replay_protection: false });
// @ts-expect-error: trusted roots are strings
new Verifier('EU.EORI.NL000000000', [1]);
// @ts-expect-error: no public constructor
new Signer();
// @ts-expect-error: a verdict is accepted or refused
const verdict: 'valid' = new Verifier('EU.EORI.NL000000000', ['00']).explain('t').verdict;
void verdict;
