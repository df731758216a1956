// Lints code samples as if they were files of the given projects, in one ESLint run.
// Reads [{ file, code }] as JSON on stdin, prints [[messages of the boundary rule], ...].
// A plain Node script because the flat config is ESM, which jest's CommonJS runtime cannot load.
import { ESLint } from 'eslint';

const probes = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.on('data', (chunk) => (text += chunk));
  process.stdin.on('end', () => resolve(text));
}));
const eslint = new ESLint({ cwd: process.cwd() });
const out = [];
for (const { file, code } of probes) {
  const [result] = await eslint.lintText(code, { filePath: file });
  out.push((result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message));
}
process.stdout.write(JSON.stringify(out));
