// The page: loads the library (the npm package's browser build, beside this
// file in ishare-jwt/), runs the form's case through Verifier.explain or
// explainJwt, and runs the case a link carries in its fragment.
import { CaseError, caseFromFragment, fillForm, readForm } from './case.js';
import { clearResult, showProblem, showReport } from './render.js';

const form = document.getElementById('case');
const result = document.getElementById('result');
const details = document.getElementById('report');

let library;
try {
  library = await import('./ishare-jwt/browser.js');
} catch (error) {
  showProblem(result, details, `The WebAssembly library did not load: ${error.message}`, 'internal');
  throw error;
}

/** Shows the field that needs a look to assistive technology. */
function markInvalid(field) {
  for (const element of form.querySelectorAll('[aria-invalid]')) element.removeAttribute('aria-invalid');
  if (field !== undefined) form.elements[field]?.setAttribute('aria-invalid', 'true');
}

function run() {
  clearResult(result, details);
  let input;
  try {
    input = readForm(form);
  } catch (error) {
    if (!(error instanceof CaseError)) throw error;
    markInvalid(error.field);
    showProblem(result, details, error.message);
    return;
  }
  markInvalid();
  let verifier;
  try {
    // No replay protection: explain records none anyway, and a page keeps no state.
    verifier = new library.Verifier(input.audience, input.trust, { leeway: input.leeway, replayProtection: false });
    const report =
      input.type === 'jwt'
        ? verifier.explainJwt(input.token, { now: input.now, issuer: input.issuer })
        : verifier.explain(input.token, { now: input.now, clientId: input.clientId });
    showReport(result, details, report, input.now);
  } catch (error) {
    // An IshareJwtError names the input the library refused (an audience, a root, the time).
    const kind = error instanceof library.IshareJwtError ? error.kind : 'internal';
    showProblem(result, details, String(error.message ?? error), kind);
  } finally {
    verifier?.free();
  }
}

/** client_id belongs to a client assertion, issuer to any other JWT: show the one that applies. */
function showTypeFields() {
  const jwt = form.elements.type.value === 'jwt';
  document.getElementById('client-id-field').hidden = jwt;
  document.getElementById('issuer-field').hidden = !jwt;
}

function runFragment() {
  const fields = caseFromFragment(window.location.hash);
  if (fields === null) return;
  fillForm(form, fields);
  showTypeFields();
  run();
}

form.addEventListener('submit', (event) => {
  event.preventDefault(); // the case never goes anywhere, not even to this page's server
  run();
});
for (const radio of form.elements.type) radio.addEventListener('change', showTypeFields);
for (const preset of document.querySelectorAll('button.preset')) {
  preset.addEventListener('click', () => {
    const trust = form.elements.trust;
    const fingerprint = preset.dataset.fingerprint;
    if (!trust.value.toUpperCase().includes(fingerprint)) {
      trust.value = trust.value.trim() === '' ? fingerprint : `${trust.value.trimEnd()}\n${fingerprint}`;
    }
  });
}
window.addEventListener('hashchange', runFragment);
showTypeFields();
runFragment();
document.documentElement.dataset.ready = 'true';
