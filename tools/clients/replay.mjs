#!/usr/bin/env node
// Replays the operations that extract.mjs found (operations.jsonl) against a running service:
//
//   node replay.mjs <graphql-url> [--ops out/operations.jsonl] [--expect-missing NAME[,NAME...]]
//                   [--json report.json] [--mail-dir DIR] [--store default] [--verbose]
//
// Each client (drop-ins, GraphCommerce) gets its own account and runs its operations in the
// order a storefront would: anonymous reads (storeConfig, countries, attributesForm, guest
// newsletter, isEmailAvailable) -> sign-up (every create operation, each with a fresh
// replay+N@example.com; the first that works is the account used from then on) ->
// resendConfirmationEmail -> confirmEmail -> generateCustomerToken -> signed-in reads ->
// customer updates (updateCustomerEmail moves the account to a fresh address) -> address
// create, update, delete -> requestPasswordResetEmail -> resetPassword -> changeCustomerPassword
// -> revokeCustomerToken -> deleteCustomer (on an account of its own).
//
// Variables are built from each operation's variable definitions (names and types; known
// Magento input types get what the client's form sends). Ids come from earlier answers. With
// --mail-dir (the service's MAIL_DIR, no SMTP) the confirmation key and the password-reset
// token are read from the mail the service wrote; without it those operations get a dummy key.
// When a client's own operation for a step fails (say its sign-up selects a missing field), the
// step is done with a minimal "setup" request so the operations after it still run; setup
// requests are not counted.
//
// One line per operation: PASS / FAIL / XFAIL / XPASS, client, name, and for a failure the first
// error messages. --expect-missing lists operations that select what this service does not own
// (fields of other services, of Adobe Commerce): entries NAME or client:NAME, each optionally
// with what is out of scope, NAME=Type.field+Type.field+TypeName (a field, or a type the
// operation names, e.g. its fragments' type conditions). Such an operation is XFAIL only when
// every error it got is one of the schema's "not here" errors about those: `Cannot query field
// "f" on type "T"` for a listed T.f, `Unknown type "X"` for a listed X, `Unknown argument "a" on
// field ...` for an argument that the document passes to a listed field (async-graphql checks
// the arguments of an unknown field against the enclosing field's, so it names that one). An
// entry without a list accepts those three kinds of error about any field or type. Any other
// error (a resolver's, a variable's, another field missing) makes it FAIL; XPASS (listed but
// answered without errors: the list is out of date) fails as well. Exits 1 when an operation
// is FAIL or XPASS, 2 when the service could not be reached.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse, print, visit } from 'graphql';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const flags = {};
const positional = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--verbose') flags.verbose = true;
  else if (a.startsWith('--')) {
    const [k, v] = a.includes('=') ? a.slice(2).split(/=(.*)/s) : [a.slice(2), argv[++i]];
    flags[k] = k === 'expect-missing' && flags[k] ? `${flags[k]},${v}` : v; // repeatable
  } else positional.push(a);
}
const url = positional[0];
if (!url) {
  console.error('usage: node replay.mjs <graphql-url> [--ops FILE] [--expect-missing a,b] [--json FILE] [--mail-dir DIR] [--store CODE] [--verbose]');
  process.exit(2);
}
const opsPath = flags.ops ?? path.join(here, 'out', 'operations.jsonl');
// NAME or client:NAME -> null (any missing field/type) or {fields: Set('T.f'), types: Set('X')}.
const expectMissing = new Map();
for (const entry of (flags['expect-missing'] ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
  const [name, list] = entry.split(/=(.*)/s);
  const outs = (list ?? '').split('+').map((s) => s.trim()).filter(Boolean);
  if (!outs.length || (expectMissing.has(name) && expectMissing.get(name) === null)) {
    expectMissing.set(name, null);
    continue;
  }
  const spec = expectMissing.get(name) ?? { fields: new Set(), types: new Set() };
  for (const o of outs) (o.includes('.') ? spec.fields : spec.types).add(o);
  expectMissing.set(name, spec);
}
const mailDir = flags['mail-dir'] ?? null;
const store = flags.store ?? 'default';
const verbose = !!flags.verbose;

const ops = fs.readFileSync(opsPath, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

// ---- HTTP ------------------------------------------------------------------------------------
async function gql(query, variables, { token, operationName } = {}) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json', Store: store };
  if (token) headers.Authorization = `Bearer ${token}`;
  const started = Date.now();
  let res;
  try {
    res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables, operationName }) });
  } catch (e) {
    return { http: 0, body: null, errors: [`request failed: ${e.cause?.message ?? e.message}`], ms: Date.now() - started };
  }
  const text = await res.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  const errors = [];
  if (!body) errors.push(`HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  else {
    for (const e of body.errors ?? []) {
      const where = e.path ? ` (at ${e.path.join('.')})` : '';
      errors.push(`${e.message}${where}`);
    }
    if (!errors.length && res.status !== 200) errors.push(`HTTP ${res.status}`);
    if (!errors.length && body.data == null) errors.push('no data');
  }
  return { http: res.status, body, data: body?.data ?? null, errors, ms: Date.now() - started };
}

// ---- mail (MAIL_DIR .eml files) --------------------------------------------------------------
function mailFiles() {
  if (!mailDir || !fs.existsSync(mailDir)) return new Set();
  return new Set(fs.readdirSync(mailDir).filter((f) => f.endsWith('.eml')));
}
function decodeMail(text) {
  return text.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
}
// Mails that arrived since `before` for `email`: [{file, text}] in arrival order.
async function newMailFor(before, email, wantPattern) {
  if (!mailDir) return [];
  for (let i = 0; i < 20; i++) {
    const found = [...mailFiles()]
      .filter((f) => !before.has(f))
      .map((f) => {
        const p = path.join(mailDir, f);
        return { file: f, mtime: fs.statSync(p).mtimeMs, text: decodeMail(fs.readFileSync(p, 'utf8')) };
      })
      .filter((m) => new RegExp(`^To:.*<?${email.replace(/[.+]/g, '\\$&')}>?`, 'mi').test(m.text))
      .sort((a, b) => a.mtime - b.mtime);
    if (found.length && (!wantPattern || found.some((m) => wantPattern.test(m.text)))) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  return [];
}
const confirmKeyIn = (text) => text.match(/customer\/account\/confirm\/\?[^\s"<>]*[?&]key=([A-Za-z0-9_-]+)/)?.[1] ?? null;
const resetTokenIn = (text) => text.match(/createPassword\/\?[^\s"<>]*[?&]token=([A-Za-z0-9_-]+)/)?.[1] ?? null;

// ---- values ----------------------------------------------------------------------------------
let emailSeq = 0;
const runTag = `${Date.now().toString(36)}`;
const freshEmail = () => `replay+${runTag}.${++emailSeq}@example.com`;
const PASSWORDS = ['Str0ng-Passw0rd!', 'Str0ng-Passw0rd!2', 'Str0ng-Passw0rd!3', 'Str0ng-Passw0rd!4'];
const PERSON = { prefix: 'Ms', firstname: 'Jane', middlename: 'Q', lastname: 'Replay', suffix: 'Jr' };
const ADDRESS = {
  telephone: '212-555-0100',
  street: ['1 Main St'],
  city: 'New York',
  postcode: '10001',
  country_code: 'US',
  region: { region_id: 43, region_code: 'NY', region: 'New York' },
};

function unwrap(type) {
  let t = type;
  let nonNull = false;
  let list = false;
  if (t.kind === Kind.NON_NULL_TYPE) {
    nonNull = true;
    t = t.type;
  }
  if (t.kind === Kind.LIST_TYPE) {
    list = true;
    t = t.type;
    if (t.kind === Kind.NON_NULL_TYPE) t = t.type;
  }
  return { name: t.name?.value, nonNull, list };
}

// Inputs as the clients' forms send them.
function inputValue(typeName, ctx, op) {
  const dropins = op.client === 'adobe-dropins';
  switch (typeName) {
    case 'CustomerInput': // createCustomer (v1) / updateCustomer
      return ctx.phase === 'signup'
        ? { firstname: PERSON.firstname, lastname: PERSON.lastname, email: ctx.emailFor(), password: ctx.password, is_subscribed: false }
        : { firstname: PERSON.firstname, lastname: `${PERSON.lastname}-v1` };
    case 'CustomerCreateInput':
      return {
        firstname: PERSON.firstname,
        lastname: PERSON.lastname,
        email: ctx.emailFor(),
        password: ctx.password,
        is_subscribed: false,
        ...(dropins ? { allow_remote_shopping_assistance: false } : {}),
      };
    case 'CustomerUpdateInput':
      return {
        firstname: PERSON.firstname,
        lastname: `${PERSON.lastname}-updated`,
        ...(dropins ? { allow_remote_shopping_assistance: false } : {}),
      };
    case 'CustomerAddressInput':
      return {
        firstname: PERSON.firstname,
        lastname: PERSON.lastname,
        ...ADDRESS,
        region: { region_id: ADDRESS.region.region_id, region_code: ADDRESS.region.region_code },
        default_billing: false,
        default_shipping: false,
      };
    case 'CustomerAddressRegionInput':
      return { ...ADDRESS.region };
    case 'ConfirmEmailInput':
      return { email: ctx.email, confirmation_key: ctx.confirmationKey() };
    default:
      return ctx.genericInput(typeName);
  }
}

// Per-operation choices where the generic rule (booleans false) is not what the form sends.
const OVERRIDES = {
  UpdateDefaultAddress: { defaultBilling: true, defaultShipping: true },
};
// Form codes the clients ask attributesForm for.
function formCodeFor(op) {
  if (/storefront-account/.test(op.package)) return 'customer_address_edit';
  return 'customer_account_create';
}

function scalarFor(varName, t, ctx, op) {
  const n = varName.toLowerCase().replace(/_/g, '');
  switch (n) {
    case 'email':
      return ctx.emailFor();
    case 'password':
    case 'currentpassword':
      return ctx.password;
    case 'newpassword':
      return ctx.nextPassword;
    case 'prefix':
    case 'firstname':
    case 'middlename':
    case 'lastname':
    case 'suffix':
      return PERSON[n];
    case 'gender':
      return 1;
    case 'dateofbirth':
    case 'dob':
      return '1990-01-01';
    case 'telephone':
      return ADDRESS.telephone;
    case 'street':
      return t.list ? ADDRESS.street : 'Main St';
    case 'housenumber':
      return '1';
    case 'addition':
      return '';
    case 'city':
      return ADDRESS.city;
    case 'postcode':
      return ADDRESS.postcode;
    case 'countrycode':
    case 'countryid':
      return 'US';
    case 'regionid':
      return 43;
    case 'id':
    case 'addressid':
      return t.name === 'Int' ? ctx.addressIdFor() : String(ctx.addressIdFor());
    case 'uid':
    case 'addressuid':
      return ctx.addressUidFor();
    case 'key':
    case 'confirmationkey':
      return ctx.confirmationKey();
    case 'resetpasswordtoken':
    case 'token':
      return ctx.resetToken();
    case 'formcode':
      return formCodeFor(op);
    case 'currentpage':
      return 1;
    case 'pagesize':
      return 10;
    case 'taxvat':
    case 'vatid':
    case 'company':
    case 'fax':
      return undefined; // optional and empty in the forms
    default:
      break;
  }
  switch (t.name) {
    case 'Boolean':
      return false;
    case 'Int':
      return 1;
    case 'Float':
      return 1.0;
    case 'CountryCodeEnum':
      return 'US';
    case 'String':
    case 'ID':
      return t.nonNull ? 'replay' : undefined;
    default:
      return undefined;
  }
}

function buildVariables(op, opDef, ctx) {
  const vars = {};
  const notes = [];
  for (const v of opDef.variableDefinitions ?? []) {
    const name = v.variable.name.value;
    const t = unwrap(v.type);
    let value;
    if (OVERRIDES[op.name] && name in OVERRIDES[op.name]) value = OVERRIDES[op.name][name];
    else if (['Int', 'Float', 'String', 'Boolean', 'ID', 'CountryCodeEnum'].includes(t.name) || ctx.isEnum(t.name)) {
      value = scalarFor(name, t, ctx, op);
      if (value === undefined && ctx.isEnum(t.name)) value = ctx.firstEnumValue(t.name);
    } else {
      value = inputValue(t.name, ctx, op);
      if (t.list && value !== undefined) value = [value];
    }
    if (value === undefined && v.defaultValue) continue; // the document's default applies
    if (value === undefined && t.nonNull) notes.push(`no value for $${name}: ${print(v.type)}`);
    if (value !== undefined) vars[name] = value;
  }
  return { vars, notes };
}

// ---- schema (for inputs not known above) -----------------------------------------------------
let schemaTypes = null;
async function loadSchema() {
  const r = await gql(
    `query ReplayIntrospection { __schema { types { kind name enumValues { name } inputFields { name type { kind name ofType { kind name ofType { kind name } } } } } } }`,
    {},
  );
  schemaTypes = new Map((r.data?.__schema?.types ?? []).map((t) => [t.name, t]));
  return r;
}

// ---- phases ----------------------------------------------------------------------------------
const PHASES = [
  'anonymous',
  'signup',
  'resend-confirmation',
  'confirm',
  'signin',
  'customer-read',
  'customer-update',
  'address-create',
  'address-update',
  'address-delete',
  'reset-request',
  'reset',
  'change-password',
  'revoke',
  'delete-account',
];
function rootFieldsOf(op, doc) {
  if (op.rootFields?.length) return op.rootFields;
  const def = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  return def.selectionSet.selections.filter((s) => s.kind === Kind.FIELD).map((s) => s.name.value);
}
function phaseOf(op, roots) {
  const has = (re) => roots.some((r) => re.test(r));
  if (has(/^createCustomer(V2)?$/)) return 'signup';
  if (has(/^resendConfirmationEmail$/)) return 'resend-confirmation';
  if (has(/^confirmEmail$/)) return 'confirm';
  if (has(/^generateCustomerToken/)) return 'signin';
  if (has(/^createCustomerAddress/)) return 'address-create';
  if (has(/^updateCustomerAddress/)) return 'address-update';
  if (has(/^deleteCustomerAddress/)) return 'address-delete';
  if (has(/^requestPasswordResetEmail$/)) return 'reset-request';
  if (has(/^resetPassword$/)) return 'reset';
  if (has(/^changeCustomerPassword$/)) return 'change-password';
  if (has(/^revokeCustomerToken$/)) return 'revoke';
  if (has(/^deleteCustomer$/)) return 'delete-account';
  if (has(/^(updateCustomer|updateCustomerV2|updateCustomerEmail)$/)) return 'customer-update';
  if (op.kind === 'mutation' && has(/^subscribeEmailToNewsletter$/)) return 'anonymous'; // guest forms
  if (op.kind === 'query' && roots.every((r) => /^(storeConfig|availableStores|countries|country|currency|attributesForm|attributesList|customAttributeMetadata(V2)?|isEmailAvailable|allCustomerGroups)$/.test(r)))
    return 'anonymous';
  return op.kind === 'query' ? 'customer-read' : 'customer-update';
}

// ---- setup requests --------------------------------------------------------------------------
const SETUP = {
  create: `mutation ReplaySetupCreate($input: CustomerCreateInput!) { createCustomerV2(input: $input) { customer { email } } }`,
  createV1: `mutation ReplaySetupCreateV1($input: CustomerInput!) { createCustomer(input: $input) { customer { email } } }`,
  confirm: `mutation ReplaySetupConfirm($email: String!, $key: String!) { confirmEmail(input: { email: $email, confirmation_key: $key }) { customer { email } } }`,
  token: `mutation ReplaySetupToken($email: String!, $password: String!) { generateCustomerToken(email: $email, password: $password) { token } }`,
  addresses: `query ReplaySetupAddresses { customer { addresses { id uid default_billing default_shipping } } }`,
  addressesNoUid: `query ReplaySetupAddresses { customer { addresses { id default_billing default_shipping } } }`,
  address: `mutation ReplaySetupAddress($input: CustomerAddressInput!) { createCustomerAddress(input: $input) { id } }`,
  whoami: `query ReplaySetupWhoAmI { customer { email } }`,
};

// ---- run -------------------------------------------------------------------------------------
const results = [];
const log = (s) => process.stdout.write(s + '\n');
const note = (s) => verbose && log(`        ${s}`);

// The --expect-missing entry of an operation: undefined (not listed), null (any missing field or
// type) or {fields, types}.
function expected(op) {
  const keys = [`${op.client}:${op.name}`, op.name].filter((k) => expectMissing.has(k));
  if (!keys.length) return undefined;
  if (keys.some((k) => expectMissing.get(k) === null)) return null;
  const spec = { fields: new Set(), types: new Set() };
  for (const k of keys) {
    for (const f of expectMissing.get(k).fields) spec.fields.add(f);
    for (const t of expectMissing.get(k).types) spec.types.add(t);
  }
  return spec;
}
// The errors of an expected-missing operation that are not about its out-of-scope fields.
function notAboutMissing(spec, errors, doc) {
  const listedFieldNames = new Set([...(spec?.fields ?? [])].map((tf) => tf.split('.')[1]));
  const argsOfListed = new Set();
  visit(doc, {
    Field(f) {
      if (listedFieldNames.has(f.name.value)) for (const a of f.arguments ?? []) argsOfListed.add(a.name.value);
    },
  });
  return errors.filter((e) => {
    let m = e.match(/^Cannot query field "([^"]+)" on type "([^"]+)"\./);
    if (m) return !(spec === null || spec.fields.has(`${m[2]}.${m[1]}`));
    m = e.match(/^Unknown type "([^"]+)"\./);
    if (m) return !(spec === null || spec.types.has(m[1]));
    m = e.match(/^Unknown argument "([^"]+)" on field "([^"]+)" of type "([^"]+)"\./);
    if (m) return !(spec === null || spec.fields.has(`${m[3]}.${m[2]}`) || argsOfListed.has(m[1]));
    return true;
  });
}

async function runClient(client, clientOps) {
  const state = {
    email: null, // the account in use
    password: PASSWORDS[0],
    passwordIdx: 0,
    token: null,
    confirmKeys: {}, // email -> newest key
    resetTokens: {}, // email -> newest token
    addressIds: [], // created, oldest first
    addressUids: {},
    confirmationRequired: null,
    confirmed: false,
  };
  const setupLog = [];
  const setup = async (what, query, variables, token) => {
    const r = await gql(query, variables, { token });
    setupLog.push({ what, errors: r.errors });
    if (r.errors.length) log(`      setup ${what} failed: ${r.errors.slice(0, 2).join(' | ')}`);
    else note(`setup ${what}: ok`);
    return r;
  };

  // A fresh account: created, confirmed when the service mailed a confirmation key (unless
  // `confirm` is false: the client's own resend/confirm operations come next) and signed in.
  const createAccount = async ({ forDelete = false, confirm = true } = {}) => {
    const email = freshEmail();
    const before = mailFiles();
    const input = { firstname: PERSON.firstname, lastname: PERSON.lastname, email, password: PASSWORDS[0], is_subscribed: false };
    let r = await setup('create account', SETUP.create, { input });
    if (r.errors.length) r = await setup('create account (v1)', SETUP.createV1, { input });
    if (r.errors.length) return null;
    await collectConfirmation(before, email);
    if (!confirm) return { email, token: null };
    if (state.confirmKeys[email]) {
      const c = await setup('confirm account', SETUP.confirm, { email, key: state.confirmKeys[email] });
      if (!c.errors.length && !forDelete) state.confirmed = true;
    }
    const t = await setup('sign in', SETUP.token, { email, password: PASSWORDS[0] });
    return { email, token: t.data?.generateCustomerToken?.token ?? null };
  };
  const collectConfirmation = async (before, email) => {
    const mails = await newMailFor(before, email, /confirm/i);
    for (const m of mails) {
      const k = confirmKeyIn(m.text);
      if (k) {
        state.confirmKeys[email] = k;
        state.confirmationRequired = true;
      }
    }
  };
  const signIn = async () => {
    if (!state.email) return;
    const t = await setup('sign in', SETUP.token, { email: state.email, password: state.password });
    if (t.data?.generateCustomerToken?.token) state.token = t.data.generateCustomerToken.token;
  };
  const tokenWorks = async () => state.token && !(await gql(SETUP.whoami, {}, { token: state.token })).errors.length;
  const addressIds = async () => {
    let r = await gql(SETUP.addresses, {}, { token: state.token });
    if (r.errors.length) r = await gql(SETUP.addressesNoUid, {}, { token: state.token });
    const list = r.data?.customer?.addresses ?? [];
    for (const a of list) if (a.uid) state.addressUids[a.id] = a.uid;
    return list;
  };
  const ensureAddresses = async (n) => {
    while (state.addressIds.length < n) {
      const r = await setup('create address', SETUP.address, { input: inputValue('CustomerAddressInput', {}, { client }) }, state.token);
      const id = r.data?.createCustomerAddress?.id;
      if (!id) return;
      state.addressIds.push(id);
    }
  };

  const byPhase = new Map(PHASES.map((p) => [p, []]));
  for (const op of clientOps) {
    const doc = parse(op.document);
    const roots = rootFieldsOf(op, doc);
    byPhase.get(phaseOf(op, roots)).push({ op, doc });
  }

  for (const phase of PHASES) {
    const list = byPhase.get(phase);
    // Before a phase: make sure what it needs exists even if the client's own step failed.
    if (['resend-confirmation', 'confirm', 'signin'].includes(phase) || (phase === 'customer-read' && !state.email)) {
      if (!state.email) {
        const acct = await createAccount({ confirm: !['resend-confirmation', 'confirm'].includes(phase) || !list.length });
        if (acct) {
          state.email = acct.email;
          state.token = acct.token;
        }
      }
    }
    if (phase === 'signin' && !state.confirmed && state.confirmKeys[state.email]) {
      const r = await setup('confirm account', SETUP.confirm, { email: state.email, key: state.confirmKeys[state.email] });
      if (!r.errors.length) state.confirmed = true;
    }
    if (phase === 'customer-read' && !(await tokenWorks())) await signIn();
    if (phase === 'address-update') await ensureAddresses(1);
    if (phase === 'address-delete') await ensureAddresses(1 + list.length);
    if (phase === 'change-password' && !(await tokenWorks())) await signIn();
    if (phase === 'revoke' && !(await tokenWorks())) await signIn();

    for (const { op, doc } of list) {
      const opDef = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
      let deleteAccount = null;
      if (phase === 'delete-account') deleteAccount = await createAccount({ forDelete: true });
      const ctx = {
        phase,
        email: state.email,
        password: state.password,
        nextPassword: PASSWORDS[(state.passwordIdx + 1) % PASSWORDS.length],
        isEnum: (n) => schemaTypes?.get(n)?.kind === 'ENUM',
        firstEnumValue: (n) => schemaTypes?.get(n)?.enumValues?.[0]?.name,
        genericInput: (n) => {
          const t = schemaTypes?.get(n);
          if (!t?.inputFields) return {};
          const o = {};
          for (const f of t.inputFields) {
            if (f.type.kind !== 'NON_NULL') continue;
            const inner = f.type.ofType;
            o[f.name] = scalarFor(f.name, { name: inner.name, nonNull: true, list: inner.kind === 'LIST' }, ctx, op) ?? 'replay';
          }
          return o;
        },
        emailFor: () => {
          if (phase === 'signup') return (ctx.signupEmail ??= freshEmail());
          if (phase === 'anonymous') return (ctx.guestEmail ??= freshEmail());
          if (op.rootFields?.includes('updateCustomerEmail')) return (ctx.newEmail ??= freshEmail());
          if (deleteAccount) return deleteAccount.email;
          return state.email ?? (ctx.guestEmail ??= freshEmail());
        },
        addressIdFor: () => {
          if (phase === 'address-delete') return (ctx.deleteId ??= state.addressIds.length > 1 ? state.addressIds.pop() : state.addressIds[0] ?? 0);
          return state.addressIds[0] ?? 0;
        },
        addressUidFor: () => state.addressUids[ctx.addressIdFor()] ?? 'MA==',
        confirmationKey: () => state.confirmKeys[state.email] ?? 'replay-no-confirmation-key',
        resetToken: () => state.resetTokens[state.email] ?? 'replay-no-reset-token',
      };
      const { vars, notes } = buildVariables(op, opDef, ctx);
      const token = phase === 'delete-account' ? deleteAccount?.token : ['anonymous', 'signup', 'resend-confirmation', 'confirm', 'signin', 'reset-request', 'reset'].includes(phase) ? null : state.token;
      const before = mailFiles();
      const idsBefore = phase === 'address-create' ? new Set((await addressIds()).map((a) => a.id)) : null;
      const r = await gql(op.document, vars, { token, operationName: opDef.name?.value });
      const ok = r.errors.length === 0;
      const spec = expected(op);
      const isExpected = spec !== undefined;
      const otherErrors = isExpected && !ok ? notAboutMissing(spec, r.errors, doc) : [];
      const status = ok ? (isExpected ? 'XPASS' : 'PASS') : isExpected && !otherErrors.length ? 'XFAIL' : 'FAIL';
      const pkg = op.package.replace(/^@[^/]+\//, '').replace(/@[^@]+$/, '');
      const shown = otherErrors.length ? otherErrors : r.errors;
      log(
        `${status.padEnd(5)} ${client.padEnd(13)} ${pkg.padEnd(19)} ${op.name}` +
          (ok ? (isExpected ? ' (listed in --expect-missing but answered without errors)' : '') : `: ${shown.slice(0, 3).join(' | ')}${shown.length > 3 ? ` (+${shown.length - 3} more)` : ''}`) +
          (otherErrors.length ? ` [listed in --expect-missing, but ${otherErrors.length === r.errors.length ? 'none of its errors is' : `${otherErrors.length} of ${r.errors.length} errors are not`} about its out-of-scope fields]` : ''),
      );
      for (const n of notes) note(n);
      if (verbose) note(`variables ${JSON.stringify(vars)}`);

      // Carry state forward from what happened.
      if (phase === 'signup' && ok && !state.email) state.email = ctx.signupEmail;
      if (phase === 'signup' && ctx.signupEmail) await collectConfirmation(before, ctx.signupEmail);
      if (phase === 'resend-confirmation' && state.email) await collectConfirmation(before, state.email);
      if (phase === 'confirm' && ok) state.confirmed = true;
      if (phase === 'signin' && r.data?.generateCustomerToken?.token) state.token = r.data.generateCustomerToken.token;
      if (op.rootFields?.includes('updateCustomerEmail') && ok) state.email = ctx.newEmail;
      if (phase === 'address-create') {
        const after = await addressIds();
        for (const a of after) if (!idsBefore.has(a.id) && !state.addressIds.includes(a.id)) state.addressIds.push(a.id);
      }
      if (phase === 'reset-request' && state.email) {
        const mails = await newMailFor(before, state.email, /createPassword/);
        for (const m of mails) {
          const t = resetTokenIn(m.text);
          if (t) state.resetTokens[state.email] = t;
        }
      }
      if ((phase === 'reset' || phase === 'change-password') && ok) {
        state.passwordIdx = (state.passwordIdx + 1) % PASSWORDS.length;
        state.password = PASSWORDS[state.passwordIdx];
      }
      if (phase === 'reset' && ok && !(await tokenWorks())) await signIn(); // a reset signs out every device
      if (phase === 'revoke' && ok) state.token = null;

      results.push({
        status,
        client,
        package: op.package,
        file: op.file,
        name: op.name,
        kind: op.kind,
        phase,
        http: r.http,
        ms: r.ms,
        errors: r.errors,
        ...(isExpected ? { expectMissing: spec === null ? 'any' : [...spec.fields, ...spec.types], errorsNotAboutMissing: otherErrors } : {}),
        variables: vars,
        notes,
        meshOnlyFields: op.meshOnlyFields ?? [],
      });
    }
  }
  return setupLog;
}

const intro = await loadSchema();
if (intro.http === 0) {
  console.error(`replay: cannot reach ${url}: ${intro.errors.join('; ')}`);
  process.exit(2);
}
if (intro.errors.length) console.error(`replay: introspection failed (${intro.errors[0]}); enum and unknown input values are guessed`);

const clients = [...new Set(ops.map((o) => o.client))];
const setupLogs = {};
for (const c of clients) setupLogs[c] = await runClient(c, ops.filter((o) => o.client === c));

// ---- summary ---------------------------------------------------------------------------------
const count = (s) => results.filter((r) => r.status === s).length;
const failing = results.filter((r) => r.status === 'FAIL' || r.status === 'XFAIL');
const causes = new Map();
for (const r of failing) {
  for (const e of r.errors) {
    // Group by cause: without the path, and without the variable's (unique) value.
    let key = e.replace(/ \(at [^)]*\)$/, '').replace(/^(Variable "[^"]+" got invalid value ).*?; (Field "[^"]+" is not defined)/s, '$1...; $2');
    // Fields that GraphCommerce's own GraphQL Mesh adds (its schema/*.graphqls), not Magento.
    const m = key.match(/^Cannot query field "([^"]+)" on type "([^"]+)"/);
    if (m && r.meshOnlyFields.includes(`${m[2]}.${m[1]}`)) key += ' [GraphCommerce Mesh extension, not a Magento field]';
    if (!causes.has(key)) causes.set(key, new Set());
    causes.get(key).add(`${r.client}:${r.name}`);
  }
}
log('');
log(`replay: ${count('PASS')} passed, ${count('FAIL')} failed, ${count('XFAIL')} expected missing, ${count('XPASS')} listed as missing but passed (${results.length} operations)`);
if (count('XPASS')) log(`replay: XPASS counts as a failure: take ${results.filter((r) => r.status === 'XPASS').map((r) => `${r.client}:${r.name}`).join(', ')} off --expect-missing`);
if (causes.size) {
  log('replay: distinct errors:');
  for (const [e, who] of [...causes].sort((a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0])))
    log(`  ${e}\n      <- ${[...who].join(', ')}`);
}
const missingNames = [...expectMissing.keys()].filter((n) => !results.some((r) => r.name === n || `${r.client}:${r.name}` === n));
if (missingNames.length) log(`replay: --expect-missing names not among the operations: ${missingNames.join(', ')}`);

if (flags.json) {
  fs.writeFileSync(
    flags.json,
    JSON.stringify({ url, store, summary: { pass: count('PASS'), fail: count('FAIL'), xfail: count('XFAIL'), xpass: count('XPASS') }, results, errors: Object.fromEntries([...causes].map(([e, w]) => [e, [...w]])), setup: setupLogs }, null, 2) + '\n',
  );
}
process.exit(count('FAIL') || count('XPASS') ? 1 : 0);
