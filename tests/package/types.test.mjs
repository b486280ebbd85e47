// The hand-written declarations (pkg/index.d.ts, element.d.ts, global.d.ts) type-check a
// TypeScript app of the package and a script using the classic build's global, both resolved
// through the package's `exports` map, with `tsc --strict`. The apps' @ts-expect-error lines
// must each be an error, and a planted type error must fail the check.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../browser/harness.mjs";

const TSC = join(ROOT, "tests/js/node_modules/.bin/tsc");
const project = join(ROOT, "target/types-check");

function typeCheck() {
  const run = spawnSync(TSC, ["-p", project, "--pretty", "false"], { encoding: "utf8", timeout: 120_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

test("a strict TypeScript app and a classic-script page type-check against the package", () => {
  rmSync(project, { recursive: true, force: true });
  mkdirSync(join(project, "node_modules"), { recursive: true });
  cpSync(join(ROOT, "tests/package/types"), project, { recursive: true });
  symlinkSync(join(ROOT, "pkg"), join(project, "node_modules/cognito-wasm"), "dir");

  const clean = typeCheck();
  assert.equal(clean.status, 0, clean.output);

  writeFileSync(join(project, "esm.ts"), 'export const planted: Promise<number> = Promise.resolve("no");\n', { flag: "a" });
  const planted = typeCheck();
  assert.notEqual(planted.status, 0);
  assert.match(planted.output, /esm\.ts.*TS2322/);
});
