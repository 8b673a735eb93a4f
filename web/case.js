// A case — token, audience, trusted roots, time, what the token is — read
// from the URL fragment (which browsers never send) or from the form.
// Only the page's inputs are read here; every rule about tokens is the
// library's.

/** The fragment's names, as in `#token=…&audience=…&trust=<hex>[,<hex>]&now=<unix>`. */
const FIELDS = ['token', 'audience', 'trust', 'now', 'client_id', 'issuer', 'leeway', 'type'];

/** An input the page cannot use: names the field and what is wrong. */
export class CaseError extends Error {
  constructor(field, message) {
    super(message);
    this.name = 'CaseError';
    this.field = field;
  }
}

/** The fragment's fields (percent-decoded, `+` kept as itself), or null when it carries no token. */
export function caseFromFragment(hash) {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const fields = {};
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    if (!FIELDS.includes(name)) continue;
    const raw = eq < 0 ? '' : part.slice(eq + 1);
    try {
      fields[name] = decodeURIComponent(raw);
    } catch {
      fields[name] = raw; // a stray % stays as typed; the library then says what is wrong
    }
  }
  return fields.token === undefined ? null : fields;
}

/** Puts a fragment's case into the form (what it does not name is emptied, the type defaulted). */
export function fillForm(form, fields) {
  const value = (name) => fields[name] ?? '';
  form.elements.token.value = value('token');
  form.elements.audience.value = value('audience');
  // One root per line: fingerprints and PEM blocks alike (PEM has no commas).
  form.elements.trust.value = value('trust').split(',').map((root) => root.trim()).filter(Boolean).join('\n');
  form.elements.now.value = value('now');
  form.elements.client_id.value = value('client_id');
  form.elements.issuer.value = value('issuer');
  form.elements.leeway.value = fields.leeway ?? '0';
  const jwt = fields.type === 'jwt' || (fields.type === undefined && fields.issuer !== undefined);
  form.elements.type.value = jwt ? 'jwt' : 'assertion';
}

/** The trusted roots of the text area: each PEM certificate, and each fingerprint (per line or comma). */
export function trustedRoots(text) {
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
  const blocks = text.match(pem) ?? [];
  const rest = text.replace(pem, '\n');
  // A PEM block left without its end line goes to the library whole, which says what is wrong with it.
  const others = rest.includes('-----BEGIN')
    ? [rest.trim()]
    : rest.split(/[\n,]/).map((line) => line.trim()).filter(Boolean);
  return [...blocks, ...others];
}

/** Unix seconds from the time field: empty is now; whole seconds, or a date `Date.parse` reads. */
export function timeOf(text, clock = Date.now()) {
  const trimmed = text.trim();
  if (trimmed === '') return Math.floor(clock / 1000);
  if (/^-?\d+$/.test(trimmed)) return Number(trimmed);
  const millis = Date.parse(trimmed);
  if (Number.isNaN(millis)) {
    throw new CaseError('now', `Time: "${trimmed}" is neither Unix seconds nor a date such as 2026-01-01T00:00:35Z`);
  }
  return Math.floor(millis / 1000);
}

/** The form's case, ready for the library: `{type, token, audience, trust, now, leeway, clientId, issuer}`. */
export function readForm(form) {
  const text = (name) => form.elements[name].value.trim();
  const token = text('token'); // even an empty one: the library says what is wrong with it
  const audience = text('audience');
  if (audience === '') throw new CaseError('audience', "Audience: give the receiver's party id");
  const trust = trustedRoots(form.elements.trust.value);
  if (trust.length === 0) {
    throw new CaseError('trust', 'Trusted roots: give at least one fingerprint or PEM CA certificate');
  }
  const leewayText = text('leeway');
  const leeway = leewayText === '' ? 0 : Number(leewayText);
  if (Number.isNaN(leeway)) throw new CaseError('leeway', `Clock leeway: "${leewayText}" is not a number of seconds`);
  return {
    type: form.elements.type.value === 'jwt' ? 'jwt' : 'assertion',
    token,
    audience,
    trust,
    now: timeOf(text('now')),
    leeway,
    clientId: text('client_id') || undefined,
    issuer: text('issuer') || undefined,
  };
}
