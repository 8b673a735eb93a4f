// The report as DOM: the verdict (in the live region), the rule table, the
// header, the claims and the chain. Every value from the token goes in as
// text (textContent / createTextNode), never as markup.

const MARKS = { pass: '✓', fail: '✗', skipped: '–' };
const SAID = { pass: 'passed', fail: 'failed', skipped: 'skipped' };
const TIME_CLAIMS = ['iat', 'nbf', 'exp'];

/** An element with attributes and children (strings become text nodes). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

/** Unix seconds as an ISO date, or a note when they are not a date. */
function dateOf(seconds) {
  const date = new Date(seconds * 1000);
  return typeof seconds === 'number' && !Number.isNaN(date.getTime()) ? date.toISOString().replace('.000Z', 'Z') : 'not a date';
}

function json(value) {
  return el('pre', { tabindex: '0' }, el('code', {}, JSON.stringify(value, null, 2)));
}

function section(title, ...content) {
  return el('section', {}, el('h2', {}, title), ...content);
}

function rulesTable(rules) {
  const rows = rules.map((rule) =>
    el(
      'tr',
      { 'data-rule': rule.rule, 'data-status': rule.status, 'data-kind': rule.kind },
      el('td', { class: 'mark' }, el('span', { 'aria-hidden': 'true' }, MARKS[rule.status] ?? '?'), el('span', { class: 'visually-hidden' }, SAID[rule.status] ?? rule.status)),
      el('th', { scope: 'row' }, el('code', {}, rule.rule)),
      el('td', { class: 'kind' }, el('code', {}, rule.kind)),
      el('td', { class: 'detail' }, rule.detail),
    ),
  );
  return el(
    'table',
    { class: 'rules' },
    el('caption', { class: 'visually-hidden' }, 'Every rule, in the order the verifier applies them'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'status')), el('th', { scope: 'col' }, 'rule'), el('th', { scope: 'col' }, 'kind'), el('th', { scope: 'col' }, 'detail'))),
    el('tbody', {}, ...rows),
  );
}

function claimsSection(claims) {
  if (claims === null) return section('Claims', el('p', {}, 'The claims are not JSON (see the rules).'));
  const times = TIME_CLAIMS.filter((name) => typeof claims[name] === 'number').map((name) =>
    el('div', {}, el('dt', {}, el('code', {}, name)), el('dd', {}, dateOf(claims[name]))),
  );
  return section('Claims', json(claims), times.length > 0 ? el('dl', { class: 'times' }, ...times) : null);
}

function chainSection(chain) {
  if (chain.length === 0) return section('Certificate chain', el('p', {}, 'No certificate of x5c could be read.'));
  const field = (name, value) => el('div', {}, el('dt', {}, name), el('dd', {}, String(value)));
  const items = chain.map((c) =>
    el(
      'li',
      {},
      el('h3', {}, `x5c[${c.position}]`, c.position === 0 ? ' — the leaf' : ''),
      el(
        'dl',
        {},
        field('subject', c.subject),
        field('issuer', c.issuer),
        field('party', c.party || '—'),
        field('serial', c.serial),
        field('not before', dateOf(c.not_before)),
        field('not after', dateOf(c.not_after)),
        field('SHA-256', c.sha256),
        field('key', `RSA ${c.key_bits} bits`),
      ),
    ),
  );
  return section('Certificate chain', el('ol', { class: 'chain' }, ...items));
}

/** Shows a report: the verdict in `result` (with data-verdict, data-kind), the rest in `details`. */
export function showReport(result, details, report, at) {
  const failed = report.rules.filter((r) => r.status === 'fail').length;
  const skipped = report.rules.filter((r) => r.status === 'skipped').length;
  result.dataset.verdict = report.verdict;
  result.dataset.kind = report.kind ?? '';
  const headline =
    report.verdict === 'accepted'
      ? el('p', { class: 'verdict' }, '✓ Accepted')
      : el('p', { class: 'verdict' }, '✗ Refused: ', el('code', {}, report.kind));
  const counts = `${report.rules.length} rules: ${report.rules.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped — at ${dateOf(at)} (${at}).`;
  result.replaceChildren(headline, el('p', {}, counts));
  details.replaceChildren(
    section('Rules', rulesTable(report.rules)),
    section('Header', report.header === null ? el('p', {}, 'The header is not JSON (see the rules).') : json(report.header)),
    claimsSection(report.claims),
    chainSection(report.chain),
  );
}

/** Shows why there is no report (an input the page or the library cannot use). */
export function showProblem(result, details, message, kind) {
  result.dataset.verdict = 'error';
  result.dataset.kind = kind ?? '';
  result.replaceChildren(el('p', { class: 'verdict' }, 'Cannot explain this case'), el('p', { role: 'alert' }, message));
  details.replaceChildren();
}

/** Empties the result before a run, so a stale verdict is never read as the new one. */
export function clearResult(result, details) {
  delete result.dataset.verdict;
  delete result.dataset.kind;
  result.replaceChildren();
  details.replaceChildren();
}
