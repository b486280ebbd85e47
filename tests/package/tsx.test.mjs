// A React 19 + TypeScript app (tests/package/tsx/app.tsx) type-checks against the package under
// tsc --strict with pinned @types/react (issue 14): <cognito-login> is a JSX element (through
// `cognito-wasm/react`), its event listeners are typed for add and remove, and the tokens carry
// Cognito's claims. The @ts-expect-error lines must each be an error, a planted one must be caught,
// and the React types stay out of apps that do not ask for them (types.test.mjs, no React there).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../browser/harness.mjs";

const TSC = join(ROOT, "tests/js/node_modules/.bin/tsc");
const MODULES = join(ROOT, "tests/js/node_modules");
const project = join(ROOT, "target/tsx-check");

function typeCheck() {
  const run = spawnSync(TSC, ["-p", project, "--pretty", "false"], { encoding: "utf8", timeout: 120_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

test("a React 19 TSX app type-checks: <cognito-login>, typed add/removeEventListener, claims", () => {
  rmSync(project, { recursive: true, force: true });
  mkdirSync(join(project, "node_modules/@types"), { recursive: true });
  cpSync(join(ROOT, "tests/package/tsx"), project, { recursive: true });
  // Copied, as npm installs it: react.d.ts resolves "react" from the app's node_modules.
  cpSync(join(ROOT, "pkg"), join(project, "node_modules/cognito-wasm"), { recursive: true });
  symlinkSync(join(MODULES, "@types/react"), join(project, "node_modules/@types/react"), "dir");
  symlinkSync(join(MODULES, "csstype"), join(project, "node_modules/csstype"), "dir");

  const clean = typeCheck();
  assert.equal(clean.status, 0, clean.output);

  writeFileSync(join(project, "app.tsx"), 'export const planted = <cognito-login user-pool-id="p" client-id={42} />;\n', { flag: "a" });
  const planted = typeCheck();
  assert.notEqual(planted.status, 0);
  assert.match(planted.output, /app\.tsx.*TS2322/);
});
