// The README as a new user follows it (issue 14). Every JavaScript / TypeScript snippet in it
// type-checks under tsc --strict through the package's exports, as an app that pastes it would
// (each snippet its own module; the names it leaves to the reader, such as `username` or
// `askUser`, declared with their obvious types; Vite's and Node's types where a snippet is for
// them). And the install steps install the packed tarball, not a registry package that does
// not exist.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../browser/harness.mjs";

const TSC = join(ROOT, "tests/js/node_modules/.bin/tsc");
const MODULES = join(ROOT, "tests/js/node_modules");
const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The fenced blocks: `{ lang, code, line }`. */
const blocks = [...README.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((match) => ({
  lang: match[1],
  code: match[2],
  line: README.slice(0, match.index).split("\n").length,
}));

// What the snippets leave to the reader, declared unless the snippet declares it itself.
const FREE = {
  username: "string",
  password: "string",
  code: "string",
  newPassword: "string",
  userPoolId: "string",
  clientId: "string",
  endpoint: "string",
  controller: "AbortController",
  auth: "__cw.CognitoAuth",
  askUser: "(prompt: string) => Promise<string>",
  askNewPassword: "() => Promise<string>",
  showQrAndAskCode: "(otpauthUri: string, secretCode: string) => Promise<string>",
  showMessage: "(text: string) => void",
};

const declares = (code, name) =>
  new RegExp(`\\b(?:const|let|var|function|class)\\s+${name}\\b|import\\s+(?:type\\s+)?\\{[^}]*\\b${name}\\b[^}]*\\}|import\\s+${name}\\b`).test(code);

/** A snippet as a module of its own: its `///` directives, then declarations of its free names. */
function wrap(code) {
  const directives = code.split("\n").filter((line) => line.startsWith("///"));
  code = code.split("\n").filter((line) => !line.startsWith("///")).join("\n");
  const prelude = [...directives, 'import type * as __cw from "cognito-wasm";'];
  for (const [name, type] of Object.entries(FREE)) {
    if (new RegExp(`\\b${name}\\b`).test(code) && !declares(code, name)) prelude.push(`declare const ${name}: ${type};`);
  }
  return `${prelude.join("\n")}\n${code}\nexport {};\n`;
}

const isNode = (code) => /from "node:|from "vite"/.test(code);

function project(dir, files, { node }) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "node_modules/@types"), { recursive: true });
  // Copied, as npm installs it: react.d.ts resolves "react" from the app's node_modules.
  cpSync(join(ROOT, "pkg"), join(dir, "node_modules/cognito-wasm"), { recursive: true });
  for (const name of ["@types/react", "@types/node", "csstype", "vite", "undici-types"]) {
    symlinkSync(join(MODULES, name), join(dir, "node_modules", name), "dir");
  }
  const names = [];
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    names.push(name);
  }
  // A browser app has Vite's client types (`?url` imports) and the classic script's global.
  if (!node) {
    writeFileSync(join(dir, "env.d.ts"), '/// <reference types="vite/client" />\n/// <reference types="cognito-wasm/global" />\n');
    names.push("env.d.ts");
  }
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      strict: true,
      noEmit: true,
      jsx: "react-jsx",
      target: "ES2022",
      module: "ESNext",
      moduleResolution: "bundler",
      lib: node ? ["ES2022"] : ["ES2022", "DOM", "DOM.Iterable"],
      types: node ? ["node"] : [],
      skipLibCheck: false,
    },
    files: names,
  }));
  const run = spawnSync(TSC, ["-p", dir, "--pretty", "false"], { encoding: "utf8", timeout: 120_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

test("every JavaScript and TypeScript snippet in the README type-checks under tsc --strict", () => {
  const snippets = blocks.filter((block) => ["js", "ts", "tsx", "jsx", "mjs"].includes(block.lang));
  assert.ok(snippets.length >= 5, `found ${snippets.length} snippets`);
  const browser = {};
  const node = {};
  for (const { lang, code, line } of snippets) {
    const ext = lang === "tsx" || lang === "jsx" ? "tsx" : "ts";
    (isNode(code) ? node : browser)[`readme-line-${line}.${ext}`] = wrap(code);
  }
  for (const [kind, files] of [["browser", browser], ["node", node]]) {
    if (Object.keys(files).length === 0) continue;
    const result = project(join(ROOT, `target/readme-check-${kind}`), files, { node: kind === "node" });
    assert.equal(result.status, 0, `${kind} snippets (file names give the README line):\n${result.output}`);
  }
  // The check can fail: a planted error in a snippet is caught.
  const planted = project(join(ROOT, "target/readme-check-planted"), {
    "planted.ts": wrap('const tokens = await auth.getTokens();\ntokens.idTokenPayload.email;'),
  }, { node: false });
  assert.match(planted.output, /TS18047/, "a possibly-null value used under strict is an error");
});

test("the README's install steps install the packed tarball, and they work", () => {
  const install = blocks.find((block) => block.lang === "sh" && /npm (install|i) /.test(block.code));
  assert.ok(install, "the README has install steps");
  const commands = install.code.split("\n").map((line) => line.replace(/#.*/, "").trim()).filter(Boolean);
  const version = JSON.parse(readFileSync(join(ROOT, "pkg/package.json"), "utf8")).version;
  for (const command of commands.filter((c) => /^npm (install|i) /.test(c))) {
    for (const arg of command.split(/\s+/).slice(2).filter((a) => !a.startsWith("-"))) {
      assert.match(arg, /^\.{0,2}\//, `"${command}": installs from a path, not from the registry (cognito-wasm is not published)`);
      assert.ok(arg.endsWith(`cognito-wasm-${version}.tgz`), `"${command}": the tarball npm pack makes`);
    }
  }
  assert.ok(commands.some((c) => c === "npm pack pkg/"), "npm pack pkg/");
  // Run them in a scratch folder with this repository's pkg/ (make pkg has run: run.sh built it).
  const scratch = join(ROOT, "target/readme-install");
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  symlinkSync(join(ROOT, "pkg"), join(scratch, "pkg"), "dir");
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "my-app", private: true, type: "module" }));
  for (const command of commands.filter((c) => !c.startsWith("make "))) {
    const [program, ...args] = command.split(/\s+/);
    assert.equal(program, "npm", command);
    execFileSync(program, [...args, "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"].filter((a, i) => args[0] === "install" || i < args.length),
      { cwd: scratch, stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
  }
  const exported = execFileSync(process.execPath, ["--input-type=module", "-e", 'console.log(Object.keys(await import("cognito-wasm")).sort().join())'],
    { cwd: scratch, encoding: "utf8" }).trim();
  assert.equal(exported, "CognitoAuth,CognitoAuthError,describeError,init");
});
