#!/usr/bin/env node
// Finds every GraphQL operation that the pinned storefront clients (package.json) send, resolves
// the fragments each one needs, keeps those of the customer service's domain and writes them as
// JSON Lines: {client, package, file, name, kind, document, fragments, injected, rootFields,
// meshOnlyFields, meshRewrites}.
//
//   node extract.mjs [--out out/operations.jsonl] [--report extract-report.json] [--quiet]
//
// Adobe storefront drop-ins (@dropins/*) ship minified ES modules: documents are template
// literals, fragments are appended with `${FRAGMENT}`; every template literal or string whose
// text parses as GraphQL is collected (the `${...}` holes are dropped) and fragment spreads are
// resolved by name among the fragments of the same package (then of the same client).
//
// GraphCommerce (@graphcommerce/*) ships .graphql files (operations and fragments, one
// definition per file or more). What its build does before a document goes on the wire is
// repeated here: fragments marked `@inject(into: ["Target"])` are spread into the target
// fragment (GraphCommerce's injectable fragments), `@inject`/`@injectable` are removed, and
// `@client` fields (Apollo local state) are removed; an operation left empty is client-only.
// Fragments are resolved by name across all .graphql files of the GraphCommerce packages (v10
// uses no `# import` lines; any that appear are read as hints only, names decide).
// What GraphCommerce's GraphQL Mesh does before it delegates a document to Magento is repeated
// too: a field the mesh adds to a Magento type and resolves itself (an additional resolver,
// MESH_RESOLVED below: StoreConfig.currency, which the mesh answers from Magento's
// Query.currency) is removed from the selections on that type, with its sub-selection, and the
// fields the resolver's own selectionSet asks of the parent are selected instead; the report's
// meshRewritten (and each operation's meshRewrites) says which documents were rewritten and why.
// A rule applies only while the package still declares the field (schema/*.graphqls `extend
// type`) and registers the resolver (its mesh/resolvers.ts); otherwise it is a PROBLEM.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import { Kind, parse, print, visit } from 'graphql';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const outPath = opt('--out', path.join(here, 'out', 'operations.jsonl'));
fs.mkdirSync(path.dirname(path.resolve(outPath)), { recursive: true });
const reportPath = opt('--report', null);
const quiet = args.includes('--quiet');

const manifest = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8'));
const CLIENTS = [
  { client: 'adobe-dropins', prefix: '@dropins/', kind: 'js' },
  { client: 'graphcommerce', prefix: '@graphcommerce/', kind: 'graphql' },
];

// ---- domain filter -------------------------------------------------------------------------
// Root fields of other services (cart, order, catalog, B2B company, payments, CMS, ...).
const DROP_ROOT =
  /cart|order|wishlist|product|categor|compare|review|company|payment|giftcard|gift_card|reward|return|requisition|negotiable|quote|route|urlResolver|cms|contactUs|recaptcha|commerceOptimizer|search|purchase/i;
// Root fields of this service's domain.
const KEEP_ROOT =
  /customer|account|address|newsletter|store|countr|currency|group|token|password|attribute|email/i;
// Operation names that say they are about orders etc. even when rooted at `customer`.
const DROP_NAME = /order|invoice|shipment|credit_?memo|cart|wishlist|reorder|return/i;

function packageRoot(name) {
  return path.join(here, 'node_modules', ...name.split('/'));
}

function listFiles(dir, pred, out = []) {
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) {
      if (ent.name !== 'node_modules') listFiles(p, pred, out);
    } else if (pred(ent.name)) out.push(p);
  }
  return out.sort();
}

const looksLikeGraphql = (s) =>
  /^\s*(#[^\n]*\n\s*)*(query|mutation|subscription|fragment)\b[\s\S]*\{/.test(s) ||
  // an anonymous shorthand query needs a nested selection: "{min}" is a translation placeholder
  /^\s*\{\s*[A-Za-z_][\s\S]*\{[\s\S]*\}[\s\S]*\}\s*$/.test(s);

// ---- drop-ins: GraphQL strings inside JS ---------------------------------------------------
function jsStrings(src, file, problems) {
  const found = [];
  let ast;
  try {
    ast = acorn.parse(src, { ecmaVersion: 'latest', sourceType: 'module', locations: true });
  } catch (e) {
    problems.push({ file, problem: `JS parse failed (${e.message}); backtick strings scanned instead` });
    const re = /`((?:[^`\\]|\\.)*)`/g;
    let m;
    while ((m = re.exec(src))) found.push({ text: m[1].replace(/\$\{[^}]*\}/g, ''), line: 0 });
    return found;
  }
  walk.full(ast, (n) => {
    if (n.type === 'TemplateLiteral') {
      found.push({
        text: n.quasis.map((q) => q.value.cooked ?? q.value.raw).join('\n'),
        holes: n.expressions.map((e) => src.slice(e.start, e.end)),
        line: n.loc.start.line,
      });
    } else if (n.type === 'Literal' && typeof n.value === 'string') {
      found.push({ text: n.value, holes: [], line: n.loc.start.line });
    }
  });
  return found;
}

// ---- collect definitions -------------------------------------------------------------------
const units = []; // {client, pkg, version, file, defs: [DefinitionNode], line}
const problems = [];
const packages = [];

for (const dep of Object.keys(manifest.dependencies).sort()) {
  const c = CLIENTS.find((x) => dep.startsWith(x.prefix));
  if (!c) continue;
  const root = packageRoot(dep);
  if (!fs.existsSync(root)) {
    problems.push({ package: dep, problem: 'not installed (run npm ci in tools/clients)' });
    continue;
  }
  const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  packages.push({ client: c.client, package: dep, version });
  if (c.kind === 'js') {
    for (const f of listFiles(root, (n) => /\.(m?js|cjs)$/.test(n))) {
      const rel = path.relative(root, f);
      for (const s of jsStrings(fs.readFileSync(f, 'utf8'), `${dep}/${rel}`, problems)) {
        if (!looksLikeGraphql(s.text)) continue;
        let doc;
        try {
          doc = parse(s.text);
        } catch (e) {
          problems.push({ package: dep, file: rel, line: s.line, problem: `not parsed as GraphQL: ${e.message}`, text: s.text.slice(0, 200) });
          continue;
        }
        units.push({ client: c.client, pkg: dep, version, file: rel, line: s.line, holes: s.holes, defs: doc.definitions });
      }
    }
  } else {
    for (const f of listFiles(root, (n) => n.endsWith('.graphql'))) {
      const rel = path.relative(root, f);
      const text = fs.readFileSync(f, 'utf8');
      let doc;
      try {
        doc = parse(text);
      } catch (e) {
        problems.push({ package: dep, file: rel, problem: `not parsed as GraphQL: ${e.message}` });
        continue;
      }
      const imports = [...text.matchAll(/^#\s*import\s+(.+)$/gm)].map((m) => m[1].trim());
      units.push({ client: c.client, pkg: dep, version, file: rel, line: 1, imports, defs: doc.definitions });
    }
  }
}

// Fields that only GraphCommerce's GraphQL Mesh adds (package/schema/*.graphqls: `extend type`),
// not Magento: a failure on one of them is not a Magento incompatibility.
const meshOnly = new Set();
for (const p of packages.filter((p) => p.client === 'graphcommerce')) {
  const dir = path.join(packageRoot(p.package), 'schema');
  if (!fs.existsSync(dir)) continue;
  for (const f of listFiles(dir, (n) => n.endsWith('.graphqls'))) {
    try {
      for (const d of parse(fs.readFileSync(f, 'utf8')).definitions) {
        if (d.kind === Kind.OBJECT_TYPE_EXTENSION || d.kind === Kind.INTERFACE_TYPE_EXTENSION) {
          for (const fld of d.fields ?? []) meshOnly.add(`${d.name.value}.${fld.name.value}`);
        }
      }
    } catch (e) {
      problems.push({ package: p.package, file: path.relative(packageRoot(p.package), f), problem: `schema extension not parsed: ${e.message}` });
    }
  }
}

// Fields GraphCommerce's Mesh resolves itself (additional resolvers): never sent to Magento.
// @graphcommerce/magento-store: schema/StoreConfig-currency.graphqls `extend type StoreConfig {
// currency: Currency }`, mesh/resolvers.ts `StoreConfig.currency: { selectionSet: '{ store_code
// }', resolve: ... context.m2.Query.currency(...) }`, registered by plugins/meshMagentoStore.ts
// as the mesh config's additionalResolvers.
const MESH_RESOLVED = [
  {
    package: '@graphcommerce/magento-store',
    resolvers: 'mesh/resolvers.ts',
    type: 'StoreConfig',
    field: 'currency',
    requires: ['store_code'], // the resolver's selectionSet
    reason: 'GraphCommerce Mesh field, resolved by the mesh from Query.currency',
  },
];
// The type of a root field's selection, for the Query fields whose answers the rules above touch.
const ROOT_FIELD_TYPE = { storeConfig: 'StoreConfig', availableStores: 'StoreConfig' };
const meshRules = [];
for (const rule of MESH_RESOLVED) {
  const what = `${rule.type}.${rule.field}`;
  const file = path.join(packageRoot(rule.package), rule.resolvers);
  const src = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const resolved = new RegExp(`\\b${rule.type}\\s*:\\s*\\{[\\s\\S]*?\\b${rule.field}\\s*:`).test(src);
  if (!packages.some((p) => p.package === rule.package)) continue;
  if (meshOnly.has(what) && resolved) meshRules.push(rule);
  else
    problems.push({
      package: rule.package,
      problem: `${what} is no longer ${meshOnly.has(what) ? `resolved in ${rule.resolvers}` : 'declared in schema/*.graphqls'}: not removed from the documents`,
    });
}

// Removes the mesh-resolved fields from every selection on their type in `defs` (an operation and
// its fragments): root fields by ROOT_FIELD_TYPE, fragments and inline fragments by their type
// condition. Returns the new definitions and what was removed.
function meshRewrite(defs) {
  const removed = [];
  const strip = (selectionSet, typeName, where, at) => {
    if (!selectionSet) return selectionSet;
    let changed = false;
    const rules = meshRules.filter((r) => r.type === typeName);
    const removedHere = new Set();
    const selections = [];
    for (const s of selectionSet.selections) {
      if (s.kind === Kind.FIELD) {
        const rule = rules.find((r) => r.field === s.name.value);
        if (rule) {
          removed.push({ field: `${rule.type}.${rule.field}`, in: where, path: [...at, s.alias?.value ?? s.name.value].join('.'), selection: print(s), reason: rule.reason });
          removedHere.add(rule);
          changed = true;
          continue;
        }
        const childType = typeName === 'Query' ? ROOT_FIELD_TYPE[s.name.value] : null;
        if (childType && s.selectionSet) {
          const sub = strip(s.selectionSet, childType, where, [...at, s.alias?.value ?? s.name.value]);
          if (sub !== s.selectionSet) {
            selections.push({ ...s, selectionSet: sub });
            changed = true;
            continue;
          }
        }
        selections.push(s);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        const sub = strip(s.selectionSet, s.typeCondition?.name.value ?? typeName, where, at);
        if (sub !== s.selectionSet) changed = true;
        selections.push(sub === s.selectionSet ? s : { ...s, selectionSet: sub });
      } else selections.push(s);
    }
    if (!changed) return selectionSet;
    // What the resolvers need of the parent (their selectionSet), as the mesh adds it.
    for (const r of removedHere) {
      for (const need of r.requires) {
        if (!selections.some((x) => x.kind === Kind.FIELD && x.name.value === need && !x.alias)) {
          selections.push({ kind: Kind.FIELD, name: { kind: Kind.NAME, value: need }, arguments: [], directives: [] });
        }
      }
    }
    return { ...selectionSet, selections };
  };
  const out = defs.map((d) => {
    const type = d.kind === Kind.FRAGMENT_DEFINITION ? d.typeCondition.name.value : d.operation === 'query' ? 'Query' : d.operation === 'mutation' ? 'Mutation' : 'Subscription';
    const where = d.kind === Kind.FRAGMENT_DEFINITION ? `fragment ${d.name.value} on ${type}` : `${d.operation} ${d.name?.value ?? ''}`.trim();
    const sub = strip(d.selectionSet, type, where, []);
    return sub === d.selectionSet ? d : { ...d, selectionSet: sub };
  });
  return { defs: out, removed };
}

// ---- fragments by name -----------------------------------------------------------------------
// fragmentsBy[client][pkg][name] = [{node, file}]
const fragmentsBy = {};
for (const u of units) {
  for (const d of u.defs) {
    if (d.kind !== Kind.FRAGMENT_DEFINITION) continue;
    const byPkg = ((fragmentsBy[u.client] ??= {})[u.pkg] ??= {});
    const list = (byPkg[d.name.value] ??= []);
    if (!list.some((x) => print(x.node) === print(d))) list.push({ node: d, file: u.file });
  }
}
for (const [client, byPkg] of Object.entries(fragmentsBy)) {
  for (const [pkg, byName] of Object.entries(byPkg)) {
    for (const [name, list] of Object.entries(byName)) {
      if (list.length > 1) problems.push({ client, package: pkg, problem: `fragment ${name} defined ${list.length} different ways (${list.map((x) => x.file).join(', ')}); the first is used` });
    }
  }
}

const directiveNamed = (node, name) => (node.directives ?? []).find((d) => d.name.value === name);

// GraphCommerce: @inject(into: [...]) -> spread into the targets.
const injections = {}; // target fragment name -> [{name, pkg, file}]
if (fragmentsBy.graphcommerce) {
  for (const [pkg, byName] of Object.entries(fragmentsBy.graphcommerce)) {
    for (const [name, list] of Object.entries(byName)) {
      const inj = directiveNamed(list[0].node, 'inject');
      if (!inj) continue;
      const into = inj.arguments?.find((a) => a.name.value === 'into')?.value;
      const targets = into?.kind === Kind.LIST ? into.values.map((v) => v.value) : into ? [into.value] : [];
      for (const t of targets) (injections[t] ??= []).push({ name, pkg, file: list[0].file });
    }
  }
}

const GC_ONLY_DIRECTIVES = new Set(['inject', 'injectable']);
function clientTransform(client, node) {
  if (client !== 'graphcommerce') return node;
  return visit(node, {
    Directive(d) {
      if (GC_ONLY_DIRECTIVES.has(d.name.value)) return null;
    },
    Field(f) {
      if (directiveNamed(f, 'client')) return null; // Apollo local-only field
    },
  });
}

function lookupFragment(client, pkg, name) {
  const byPkg = fragmentsBy[client] ?? {};
  if (byPkg[pkg]?.[name]) return { ...byPkg[pkg][name][0], pkg };
  for (const [p, byName] of Object.entries(byPkg)) if (byName[name]) return { ...byName[name][0], pkg: p };
  return null;
}

function fragmentNode(client, found) {
  let node = found.node;
  const inj = client === 'graphcommerce' ? injections[node.name.value] ?? [] : [];
  if (inj.length) {
    node = {
      ...node,
      selectionSet: {
        ...node.selectionSet,
        selections: [
          ...node.selectionSet.selections,
          ...inj.map((i) => ({ kind: Kind.FRAGMENT_SPREAD, name: { kind: Kind.NAME, value: i.name }, directives: [] })),
        ],
      },
    };
  }
  return clientTransform(client, node);
}

function spreadsOf(node) {
  const names = [];
  visit(node, {
    FragmentSpread(s) {
      if (!names.includes(s.name.value)) names.push(s.name.value);
    },
  });
  return names;
}

// Root fields, looking through inline fragments and spreads of fragments on Query/Mutation.
function rootFields(selectionSet, fragmentMap, seen = new Set()) {
  const out = [];
  for (const s of selectionSet?.selections ?? []) {
    if (s.kind === Kind.FIELD) {
      if (s.name.value !== '__typename') out.push(s.name.value);
    } else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...rootFields(s.selectionSet, fragmentMap, seen));
    else if (s.kind === Kind.FRAGMENT_SPREAD && !seen.has(s.name.value) && fragmentMap.has(s.name.value)) {
      seen.add(s.name.value);
      out.push(...rootFields(fragmentMap.get(s.name.value).selectionSet, fragmentMap, seen));
    }
  }
  return [...new Set(out)];
}

// Field paths selected, as Type-less "a.b.c" names (for the report's mesh-only check).
function selectedPaths(node) {
  const fields = new Set();
  visit(node, { Field(f) { fields.add(f.name.value); } });
  return fields;
}

// ---- operations ------------------------------------------------------------------------------
const kept = [];
const dropped = [];
const meshRewritten = []; // {client, package, file, name, kind, removed: [{field, in, path, selection, reason}]}
const seenDocs = new Set();

for (const u of units) {
  for (const d of u.defs) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    const name = d.name?.value ?? `anonymous(${u.file}:${u.line})`;
    const base = { client: u.client, package: `${u.pkg}@${u.version}`, file: u.file, name, kind: d.operation };
    const op = clientTransform(u.client, d);
    // Resolve fragments transitively.
    const fragmentMap = new Map();
    const unresolved = [];
    const queue = spreadsOf(op);
    const fromPkg = {};
    while (queue.length) {
      const n = queue.shift();
      if (fragmentMap.has(n) || unresolved.includes(n)) continue;
      const found = lookupFragment(u.client, u.pkg, n);
      if (!found) {
        unresolved.push(n);
        continue;
      }
      const node = fragmentNode(u.client, found);
      fragmentMap.set(n, node);
      fromPkg[n] = `${found.pkg}:${found.file}`;
      for (const m of spreadsOf(node)) queue.push(m);
    }
    const roots = rootFields(op.selectionSet, fragmentMap);
    const injected = [...fragmentMap.keys()].flatMap((f) => (u.client === 'graphcommerce' ? injections[f] ?? [] : []).map((i) => `${i.name} -> ${f}`));
    let reason = null;
    if (op.operation === 'subscription') reason = 'subscription';
    else if (roots.length === 0) reason = 'client-only (all fields are Apollo @client)';
    else if (roots.some((r) => DROP_ROOT.test(r))) reason = `other domain: ${roots.filter((r) => DROP_ROOT.test(r)).join(', ')}`;
    else if (DROP_NAME.test(name)) reason = `other domain (operation name): ${name}`;
    else if (!roots.every((r) => KEEP_ROOT.test(r))) reason = `not this service's domain: ${roots.filter((r) => !KEEP_ROOT.test(r)).join(', ')}`;
    if (reason) {
      dropped.push({ ...base, rootFields: roots, reason });
      continue;
    }
    if (unresolved.length) {
      problems.push({ ...base, problem: `unresolved fragments: ${unresolved.join(', ')}` });
    }
    // GraphCommerce's Mesh: its own fields are resolved there, not sent to Magento.
    const mesh = u.client === 'graphcommerce' && meshRules.length ? meshRewrite([op, ...fragmentMap.values()]) : { defs: [op, ...fragmentMap.values()], removed: [] };
    const document = mesh.defs.map((n) => print(n)).join('\n\n') + '\n';
    const key = `${u.client}\0${u.pkg}\0${document}`;
    if (seenDocs.has(key)) continue;
    seenDocs.add(key);
    if (mesh.removed.length) meshRewritten.push({ ...base, removed: mesh.removed });
    const used = selectedPaths({ kind: Kind.DOCUMENT, definitions: mesh.defs });
    kept.push({
      ...base,
      document,
      fragments: Object.fromEntries([...fragmentMap.keys()].map((k) => [k, fromPkg[k]])),
      injected,
      unresolvedFragments: unresolved,
      rootFields: roots,
      meshOnlyFields: [...meshOnly].filter((tf) => used.has(tf.split('.')[1])),
      meshRewrites: mesh.removed.length ? mesh.removed : undefined,
      imports: u.imports?.length ? u.imports : undefined,
    });
  }
}

fs.writeFileSync(outPath, kept.map((o) => JSON.stringify(o)).join('\n') + (kept.length ? '\n' : ''));

const perClient = {};
for (const o of kept) perClient[o.client] = (perClient[o.client] ?? 0) + 1;
const report = { packages, kept: perClient, keptOperations: kept.map((o) => `${o.client} ${o.name}`), dropped, meshRewritten, problems, meshOnlyFields: [...meshOnly] };
if (reportPath) fs.writeFileSync(reportPath, JSON.stringify(report, null, 2) + '\n');

if (!quiet) {
  const log = (s) => process.stderr.write(s + '\n');
  log(`extract: ${packages.map((p) => `${p.package}@${p.version}`).join(', ')}`);
  for (const [c, n] of Object.entries(perClient)) log(`extract: ${c}: ${n} operations kept`);
  log(`extract: ${meshRewritten.length} rewritten as GraphCommerce's Mesh sends them to Magento:`);
  for (const r of meshRewritten) {
    for (const x of r.removed) log(`  MESH ${r.client} ${r.name}: removed ${x.field} (${x.in}, at ${x.path}): ${x.reason}`);
  }
  log(`extract: ${dropped.length} dropped (not this service's domain):`);
  for (const d of dropped) log(`  DROP ${d.client} ${d.name} [${d.package.replace(/@[^@]+$/, '')}/${d.file}] ${d.reason}`);
  for (const p of problems) log(`extract: PROBLEM ${JSON.stringify(p)}`);
  log(`extract: wrote ${kept.length} operations to ${outPath}`);
}
