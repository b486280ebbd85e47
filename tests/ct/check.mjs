// Checks that the constant-time helpers of the SRP code (the conditional subtraction and its
// masked choice, the table scan, the fixed-width read of `a`, padHex's strip count) contain,
// in the wasm, no branch and no memory address that depends on data: only loop counters,
// pointers and public lengths steer them.
//
//   node check.mjs shipped|no-inline MODULE.wat SYMBOLS.map
//                          (which functions; wasm-dis text; wasm-opt --symbolmap output)
//
// A taint analysis per function, over binaryen's folded text: every loaded value is data
// (secret), and so are the parameters named secret below; constants, the stack pointer and
// the other parameters (pointers, public lengths) are not. Taint flows through every operator
// and through locals, in program order. A violation is a `br_if`, `if` or `br_table` whose
// condition is data, a load, store, memory.copy or memory.fill whose address or length is
// data, or a division by or of data (variable-time on common CPUs). `select` on data is
// allowed: it is the branch-free choice.
//
// Before checking, it proves itself on each function: a planted branch on a loaded value, a
// planted branch on each secret parameter and a planted load at a secret address must all be
// reported. Prints one line per function; exits 1 on any violation.

import { readFileSync } from 'node:fs';

/**
 * The checked functions: demangled-name prefix, parameter count, secret parameter indices,
 * and the build they are checked in: `shipped`, or `no-inline` for one that binaryen inlines
 * into its only caller in the shipped build (run.sh makes that build with --no-inline).
 */
const FUNCTIONS = [
  // (out, x, y): x - y with the borrow as a value.
  { name: 'cognito_wasm::srp::field::sub_limbs::', params: 3, secret: [], build: 'shipped' },
  // (out, x, m): x - m or x, chosen by the borrow through a mask (`choose`, inlined here).
  { name: 'cognito_wasm::srp::field::subtract_if_not_below::', params: 3, secret: [], build: 'shipped' },
  // (out, table, entries, digit): every entry read, table[digit] kept.
  { name: 'cognito_wasm::srp::field::select::', params: 4, secret: [3], build: 'shipped' },
  // (be, be_len, out, out_len) -> OR of the excess bytes: how `a` is read.
  { name: 'cognito_wasm::srp::group::fit_be::', params: 4, secret: [], build: 'shipped' },
  // (be, be_len) -> where padHex starts: how S's padHex is measured.
  { name: 'cognito_wasm::srp::group::pad_hex_start::', params: 2, secret: [], build: 'no-inline' },
];

/** S-expressions of binaryen's text: nested arrays of atoms (strings, comments dropped). */
function parse(text) {
  const stack = [[]];
  const atom = /[^\s()";]+/y;
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === '(') {
      stack.push([]);
      i++;
    } else if (c === ')') {
      const done = stack.pop();
      stack[stack.length - 1].push(done);
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      stack[stack.length - 1].push(text.slice(i, j + 1));
      i = j + 1;
    } else if (c === ';' && text[i + 1] === ';') {
      i = text.indexOf('\n', i);
      if (i < 0) break;
    } else if (/\s/.test(c)) {
      i++;
    } else {
      atom.lastIndex = i;
      const [word] = atom.exec(text);
      stack[stack.length - 1].push(word);
      i += word.length;
    }
  }
  return stack[0][0];
}

const isList = (node) => Array.isArray(node);
const operands = (node) => node.slice(1).filter(isList);

/**
 * Violations in one function body, given which parameters are secret. Flow-sensitive: the
 * secret locals are tracked in program order (a local overwritten with public data is public
 * again), joined where paths meet (after `if`, at a block's end and its branches) and iterated
 * to a fixed point around loops.
 */
function analyse(func, secretParams) {
  const params = func.filter((n) => isList(n) && n[0] === 'param').map((n) => n[1]);
  const body = func.filter((n) => isList(n) && !['param', 'local', 'result', 'type'].includes(n[0]));
  const violations = new Set();
  const flag = (what, node) => violations.add(`${what}: ${show(node)}`);
  /** States reaching each enclosing label by a branch. */
  const labels = new Map();
  const join = (a, b) => new Set([...a, ...b]);
  const same = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));

  /** Evaluates `node` in `state` (a Set of secret locals): [is its value data, state after]. */
  function run(node, state) {
    if (!isList(node)) return [false, state];
    const [head] = node;
    const kids = operands(node);
    /** Evaluates operands in order: their taints and the state after them. */
    const all = (nodes, s) => {
      const taints = [];
      for (const kid of nodes) {
        const [t, next] = run(kid, s);
        taints.push(t);
        s = next;
      }
      return [taints, s];
    };
    if (/\.const$/.test(head) || head === 'global.get') return [false, state];
    if (head === 'local.get') return [state.has(node[1]), state];
    if (head === 'local.set' || head === 'local.tee') {
      const [t, s] = run(kids[0], state);
      const next = new Set(s);
      if (t) next.add(node[1]);
      else next.delete(node[1]);
      return [t, next];
    }
    if (head === 'block' || head === 'loop') {
      const label = typeof node[1] === 'string' && node[1].startsWith('$') ? node[1] : null;
      let entry = state;
      for (;;) {
        if (label) labels.set(label, []);
        const [taints, out] = all(kids.filter((k) => k[0] !== 'result'), entry);
        const branched = label ? labels.get(label) : [];
        if (head === 'block') {
          return [taints.some(Boolean), branched.reduce(join, out)];
        }
        const next = branched.reduce(join, entry);
        if (same(next, entry)) return [taints.some(Boolean), out];
        entry = next;
      }
    }
    if (head === 'br' || head === 'br_if' || head === 'br_table') {
      const [taints, s] = all(kids, state);
      if (head !== 'br' && taints[taints.length - 1]) flag(`${head} on data`, node);
      for (const label of node.slice(1).filter((a) => typeof a === 'string' && a.startsWith('$'))) {
        labels.get(label)?.push(s);
      }
      // After an unconditional branch nothing runs: no state flows on.
      return [taints.some(Boolean), head === 'br_if' ? s : new Set()];
    }
    if (head === 'if') {
      const [condition, ...arms] = kids.filter((k) => k[0] !== 'result');
      const [t, s] = run(condition, state);
      if (t) flag('if on data', node);
      const results = arms.map((arm) => all(operands(arm), s));
      const after = results.length === 2 ? join(results[0][1], results[1][1]) : join(s, results[0][1]);
      return [results.some(([taints]) => taints.some(Boolean)), after];
    }
    const [taints, s] = all(kids, state);
    if (/\.load/.test(head)) {
      if (taints[0]) flag('load at a data address', node);
      return [true, s];
    }
    if (/\.store/.test(head)) {
      if (taints[0]) flag('store at a data address', node);
      return [false, s];
    }
    if (head === 'memory.copy' || head === 'memory.fill') {
      const [dst, middle, len] = taints;
      if (dst || len || (head === 'memory.copy' && middle)) flag(`${head} with data operands`, node);
      return [false, s];
    }
    if (/\.(div|rem)_[su]$/.test(head) && taints.some(Boolean)) flag('division with data', node);
    // Calls return data (conservatively); everything else carries its operands' taint.
    return [taints.some(Boolean) || head === 'call' || head === 'call_indirect', s];
  }

  let state = new Set(secretParams.map((i) => params[i]));
  for (const node of body) [, state] = run(node, state);
  return [...violations];
}

function show(node) {
  const text = JSON.stringify(node).replace(/[[\]",]+/g, ' ').trim();
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

const [build, watFile, mapFile] = process.argv.slice(2);
const checked = FUNCTIONS.filter((f) => f.build === build);
const module = parse(readFileSync(watFile, 'utf8'));
const funcs = module.filter((n) => isList(n) && n[0] === 'func');
// The map numbers imports first; wasm-dis numbers the defined functions from 0.
const names = readFileSync(mapFile, 'utf8').trim().split('\n').map((line) => line.slice(line.indexOf(':') + 1));
const imports = names.filter((n) => n.startsWith('fimport$')).length;
if (names.length !== imports + funcs.length) {
  console.error(`ct: ${mapFile} names ${names.length - imports} functions, ${watFile} has ${funcs.length}`);
  process.exit(1);
}

let failed = 0;
for (const { name, params, secret } of checked) {
  const index = names.findIndex((n) => n.startsWith(name));
  if (index < imports) {
    console.log(`ct: ${name} not found (inlined?): FAIL`);
    failed++;
    continue;
  }
  const func = funcs[index - imports];
  const count = func.filter((n) => isList(n) && n[0] === 'param').length;
  if (count !== params) {
    console.log(`ct: ${name} takes ${count} parameters, expected ${params}: FAIL`);
    failed++;
    continue;
  }
  // The checker must see what it is meant to see: plants at the start of a copy of the body,
  // where the parameters still hold what the caller passed.
  const first = func.findIndex((n, i) => i > 1 && isList(n) && !['param', 'local', 'result', 'type'].includes(n[0]));
  const planted = (node) => analyse([...func.slice(0, first), node, ...func.slice(first)], secret).length > 0;
  const plants = [
    ['if', ['i32.load', ['local.get', '$0']], ['then', ['nop']]],
    ...secret.map((i) => ['if', ['local.get', `$${i}`], ['then', ['nop']]]),
    ...secret.map((i) => ['drop', ['i32.load', ['local.get', `$${i}`]]]),
  ];
  const missed = plants.filter((plant) => !planted(plant));
  const violations = analyse(func, secret);
  const ok = violations.length === 0 && missed.length === 0;
  console.log(`ct: ${name.replace(/::$/, '')} ($${index - imports}): ${violations.length} data-dependent branches or addresses, ${plants.length - missed.length}/${plants.length} plants caught: ${ok ? 'ok' : 'FAIL'}`);
  violations.forEach((v) => console.log(`    ${v}`));
  missed.forEach((p) => console.log(`    plant not caught: ${show(p)}`));
  if (!ok) failed++;
}
console.log(`ct: ${checked.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
