// The inspector page (scripts/build-web) in headless Chromium, served from
// 127.0.0.1 by scripts/test-web: every shared vector opened through the URL
// fragment gets verify's verdict, kind and rule rows; the Content Security
// Policy holds; the form works by keyboard alone; it reads at phone width;
// no request leaves 127.0.0.1 and the token never reaches even the page's
// own server. Screenshots of an accepted and a refused token are saved.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import puppeteer from 'puppeteer-core';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run scripts/test-web`);
  return value;
};
const PAGE = env('ISHARE_WEB_URL'); // http://127.0.0.1:PORT/index.html
const REPO = env('ISHARE_REPO');
const SERVER_LOG = env('ISHARE_WEB_SERVER_LOG');
const SCREENSHOTS = env('ISHARE_WEB_SCREENSHOTS');
const ORIGIN = new URL(PAGE).origin;

const readJson = (...path) => JSON.parse(readFileSync(join(REPO, ...path), 'utf8'));
const assertionVectors = readJson('tests', 'vectors', 'vectors.json').vectors;
const jwtVectors = readJson('tests', 'vectors', 'jwt', 'vectors.json').vectors;
const TESTDATA_ROOT = readFileSync(join(REPO, 'testdata', 'pki', 'root-ca.sha256'), 'utf8').trim();
const VECTORS_ROOT = readJson('tests', 'vectors', 'pki.json').trusted_root_sha256[0];

const MARKS = { pass: '✓', fail: '✗', skipped: '–' };
const DESKTOP = { width: 1100, height: 900 };
const PHONE = { width: 390, height: 844, isMobile: true, hasTouch: true };

let browser;
const requests = []; // every URL any page asked for
const tokensShown = []; // every token given to the page, to look for in the server's log

before(async () => {
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      // A safety net under the test that no request goes elsewhere: no name
      // resolves but 127.0.0.1, so even the browser's own traffic cannot leave.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
      '--no-pings',
    ],
  });
});

after(async () => {
  await browser?.close();
});

/** A new tab at `viewport` that records what it requests and what the page logs as an error. */
async function openTab(viewport = DESKTOP) {
  const page = await browser.newPage();
  await page.setViewport(viewport);
  const errors = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.errors = errors;
  return page;
}

/** `#token=…&audience=…&trust=…&now=…` (and leeway, client_id, type/issuer) for a vector's case. */
function fragmentOf(vector, jwt) {
  const setup = vector.verifier;
  const fields = {
    token: vector.token,
    audience: setup.audience,
    trust: setup.trusted_roots.join(','),
    now: String(setup.now),
  };
  if (setup.leeway) fields.leeway = String(setup.leeway);
  if (jwt) fields.type = 'jwt';
  if (jwt && setup.issuer) fields.issuer = setup.issuer;
  if (!jwt && setup.client_id) fields.client_id = setup.client_id;
  tokensShown.push(vector.token);
  return Object.entries(fields)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
}

/** Opens the page on a fragment and reads its verdict and rule rows once it has one. */
async function explainInPage(fragment, viewport) {
  const page = await openTab(viewport);
  await page.goto(`${PAGE}#${fragment}`, { waitUntil: 'load' });
  await page.waitForSelector('#result[data-verdict]', { timeout: 20_000 });
  const shown = await page.evaluate(() => {
    const result = document.getElementById('result');
    return {
      verdict: result.dataset.verdict,
      kind: result.dataset.kind,
      text: result.textContent,
      rules: [...document.querySelectorAll('tr[data-rule]')].map((row) => ({
        rule: row.dataset.rule,
        status: row.dataset.status,
        kind: row.dataset.kind,
        mark: row.querySelector('.mark [aria-hidden]').textContent,
        detail: row.querySelector('.detail').textContent,
      })),
    };
  });
  return { page, shown };
}

/** Saves the part of the page from the verdict down (`height` px at the tab's width): small enough for a README. */
async function screenshotOfResult(page, name, height) {
  const { top, width } = await page.evaluate(() => ({
    top: document.getElementById('result').getBoundingClientRect().top + window.scrollY,
    width: document.documentElement.clientWidth,
  }));
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({
    path: join(SCREENSHOTS, name),
    clip: { x: 0, y: Math.max(0, top - 12), width, height },
    captureBeyondViewport: true,
  });
}

/** The page shows what the vector expects: verdict, kind, and rows that agree with them. */
function checkShown(shown, vector, errors) {
  const name = vector.name;
  const refused = vector.expect !== 'valid';
  assert.equal(shown.verdict, refused ? 'refused' : 'accepted', `${name}: ${shown.text}`);
  assert.equal(shown.kind, refused ? vector.expect.error : '', `${name}: ${shown.text}`);
  assert.ok(shown.rules.length >= 10, `${name}: ${shown.rules.length} rule rows`);
  assert.equal(new Set(shown.rules.map((r) => r.rule)).size, shown.rules.length, `${name}: one row per rule`);
  for (const row of shown.rules) {
    assert.ok(Object.hasOwn(MARKS, row.status), `${name}: ${row.rule} has status ${row.status}`);
    assert.equal(row.mark, MARKS[row.status], `${name}: ${row.rule}'s mark`);
    assert.ok(row.detail.length > 0, `${name}: ${row.rule} has a detail`);
  }
  const firstFailure = shown.rules.find((r) => r.status === 'fail');
  if (refused) {
    assert.equal(firstFailure?.kind, vector.expect.error, `${name}: the first failing rule is verify's kind`);
  } else {
    assert.deepEqual(shown.rules.filter((r) => r.status !== 'pass'), [], `${name}: every rule passed`);
  }
  assert.deepEqual(errors, [], `${name}: no script error`);
}

for (const vector of assertionVectors) {
  test(`page: assertion vector ${vector.name}`, async () => {
    const { page, shown } = await explainInPage(fragmentOf(vector, false));
    checkShown(shown, vector, page.errors);
    await page.close();
  });
}

for (const vector of jwtVectors) {
  test(`page: jwt vector ${vector.name}`, async () => {
    const { page, shown } = await explainInPage(fragmentOf(vector, true));
    checkShown(shown, vector, page.errors);
    await page.close();
  });
}

const validVector = assertionVectors.find(
  (v) => v.expect === 'valid' && v.verifier.audience === 'EU.EORI.NL000000000' && !v.verifier.client_id && !v.verifier.leeway &&
    v.verifier.trusted_roots.length === 1 && v.verifier.trusted_roots[0] === VECTORS_ROOT,
);

test('a token with a wrong aud that has also expired shows both failures (screenshot: refused)', async () => {
  // The valid token sent to another party, an hour late.
  const twice = { ...validVector, verifier: { ...validVector.verifier, audience: 'EU.EORI.NL000000999', now: validVector.verifier.now + 3600 } };
  const { page, shown } = await explainInPage(fragmentOf(twice, false));
  assert.equal(shown.verdict, 'refused');
  assert.equal(shown.kind, 'audience');
  assert.deepEqual(shown.rules.filter((r) => r.status === 'fail').map((r) => r.rule), ['audience', 'not_expired']);
  await screenshotOfResult(page, 'web-refused.png', 830);
  await page.close();
});

test('at phone width nothing scrolls sideways but code blocks (screenshot: accepted)', async () => {
  const longest = assertionVectors.filter((v) => v.expect === 'valid').sort((a, b) => b.token.length - a.token.length)[0];
  const { page, shown } = await explainInPage(fragmentOf(longest, false), PHONE);
  assert.equal(shown.verdict, 'accepted');
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    viewport: document.documentElement.clientWidth,
    wider: [...document.querySelectorAll('body *')]
      .filter((e) => !e.closest('pre') && !e.closest('.visually-hidden') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .map((e) => `${e.tagName}#${e.id}.${e.className}`),
  }));
  assert.ok(widths.page <= widths.viewport, `the page is ${widths.page} px wide at ${widths.viewport} px: ${widths.wider.join(', ')}`);
  assert.deepEqual(widths.wider, []);
  await screenshotOfResult(page, 'web-accepted-phone.png', 844);
  await page.close();
});

test('the form works by keyboard alone, in a sensible focus order', async () => {
  const page = await openTab();
  await page.goto(PAGE, { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  const focused = () => page.evaluate(() => {
    const e = document.activeElement;
    return e.id || `${e.tagName.toLowerCase()}${e.name ? `[name=${e.name}]` : ''}${e.dataset.fingerprint ? `[${e.dataset.fingerprint}]` : ''}`;
  });
  const tab = async (expected) => {
    await page.keyboard.press('Tab');
    assert.equal(await focused(), expected);
  };
  const setup = validVector.verifier;
  await tab('token');
  await page.keyboard.sendCharacter(validVector.token); // as a paste
  tokensShown.push(validVector.token);
  await tab('input[name=type]'); // the checked radio: "a client assertion"
  await tab('audience');
  await page.keyboard.type(setup.audience);
  await tab('client-id');
  await tab('trust');
  await tab(`button[${TESTDATA_ROOT}]`);
  await tab(`button[${VECTORS_ROOT}]`);
  await page.keyboard.press('Space'); // the shared vectors' root, by its preset button
  await tab('now');
  await page.keyboard.type(String(setup.now));
  await tab('leeway');
  await tab('explain');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#result[data-verdict]');
  const shown = await page.evaluate(() => ({
    verdict: document.getElementById('result').dataset.verdict,
    trust: document.getElementById('trust').value,
    live: document.getElementById('result').getAttribute('aria-live'),
    fragment: window.location.hash,
  }));
  assert.deepEqual(shown, { verdict: 'accepted', trust: VECTORS_ROOT, live: 'polite', fragment: '' });

  // A wrong time, by keyboard: named, marked invalid, no verdict.
  await page.focus('#now');
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyA');
  await page.keyboard.up('Control');
  await page.keyboard.type('yesterday-ish');
  await page.keyboard.press('Enter'); // submits the form from a text field
  await page.waitForSelector('#result[data-verdict="error"]');
  const problem = await page.evaluate(() => ({
    text: document.getElementById('result').textContent,
    invalid: document.getElementById('now').getAttribute('aria-invalid'),
  }));
  assert.match(problem.text, /Time: "yesterday-ish"/);
  assert.equal(problem.invalid, 'true');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('every input has a label, and the result is announced', async () => {
  const page = await openTab();
  await page.goto(PAGE, { waitUntil: 'load' });
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input, textarea, select')]
      .filter((e) => e.labels.length === 0 || [...e.labels].every((l) => l.textContent.trim() === ''))
      .map((e) => e.id || e.name),
  );
  assert.deepEqual(unlabelled, []);
  const live = await page.$eval('#result', (e) => e.getAttribute('aria-live'));
  assert.equal(live, 'polite');
  const submit = await page.$eval('#explain', (e) => [e.tagName, e.type]);
  assert.deepEqual(submit, ['BUTTON', 'submit']);
  await page.close();
});

test('a bad trust anchor or audience is named, not a verdict', async () => {
  const { page, shown } = await explainInPage(`token=a.b.c&audience=EU.EORI.NL000000000&trust=${'AB'.repeat(31)}&now=1767225600`);
  assert.equal(shown.verdict, 'error');
  assert.equal(shown.kind, 'invalid_trust_anchor');
  assert.match(shown.text, /SHA-256 fingerprint/);
  assert.deepEqual(shown.rules, []);
  await page.close();
});

test('markup in a token is shown as text, never run', async () => {
  const header = Buffer.from('{"alg":"RS256","typ":"JWT","x5c":["<img src=x onerror=alert(1)>"]}').toString('base64url');
  const claims = Buffer.from('{"iss":"<script>window.pwned=1</script>","aud":"<b>x</b>"}').toString('base64url');
  const token = `${header}.${claims}.AAAA`;
  const { page, shown } = await explainInPage(`token=${token}&audience=EU.EORI.NL000000000&trust=${VECTORS_ROOT}&now=1767225600`);
  tokensShown.push(token);
  assert.equal(shown.verdict, 'refused');
  const injected = await page.evaluate(() => ({
    pwned: window.pwned ?? null,
    images: document.querySelectorAll('img').length,
    scripts: document.querySelectorAll('script').length,
    header: document.querySelector('#report pre')?.textContent ?? '',
  }));
  assert.deepEqual({ ...injected, header: undefined }, { pwned: null, images: 0, scripts: 1, header: undefined });
  assert.match(injected.header, /<img src=x onerror=alert\(1\)>/);
  await page.close();
});

test('the Content Security Policy refuses a connection to any other origin', async () => {
  const page = await openTab();
  await page.goto(PAGE, { waitUntil: 'load' });
  // Another port of 127.0.0.1 is another origin; nothing listens there either way.
  const elsewhere = `http://127.0.0.1:${Number(new URL(PAGE).port) === 9 ? 7 : 9}/`;
  const outcome = await page.evaluate(async (url) => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (event) => violations.push(event.effectiveDirective));
    let fetched;
    try {
      await fetch(url);
      fetched = 'fetched';
    } catch (error) {
      fetched = error.name;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { fetched, violations };
  }, elsewhere);
  assert.deepEqual(outcome, { fetched: 'TypeError', violations: ['connect-src'] });
  await page.close();
});

test('every request went to the page itself on 127.0.0.1, and no token reached the server', () => {
  assert.ok(requests.length > assertionVectors.length, `${requests.length} requests recorded`);
  const elsewhere = requests.filter((url) => new URL(url).origin !== ORIGIN);
  assert.deepEqual(elsewhere, []);
  const files = new Set(requests.map((url) => new URL(url).pathname));
  for (const file of files) {
    assert.match(file, /^\/(index\.html|app\.js|case\.js|render\.js|style\.css|favicon\.svg|ishare-jwt\/[a-z_/]+\.(js|wasm))$/, file);
  }
  const log = readFileSync(SERVER_LOG, 'utf8');
  assert.match(log, /"GET \/index\.html/);
  const tokens = tokensShown.filter((token) => token.length >= 40);
  assert.ok(tokens.length > assertionVectors.length / 2);
  for (const token of tokens) assert.ok(!log.includes(token.slice(-40)), 'a token reached the server');
});
