// Bundles the template page into the directory given as the first argument.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';

const out = process.argv[2];
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ['src/app.js'],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'chrome120',
  outfile: `${out}/app.js`,
  logLevel: 'warning',
});
copyFileSync('src/index.html', `${out}/index.html`);
copyFileSync('src/style.css', `${out}/style.css`);
