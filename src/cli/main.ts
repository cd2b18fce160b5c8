/**
 * `npm run sim -- …`: binds runCli to the real process. Output errors on a closed pipe
 * (`… | head`) end the program quietly; anything unexpected prints one line, not a stack
 * (RINGLAB_DEBUG=1 shows it).
 */
import { writeFileSync } from 'node:fs';
import { EXIT_INTERNAL } from './args';
import { runCli } from './run';

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  process.stderr.write(`ringlab: cannot write output: ${e.message}\n`);
  process.exit(EXIT_INTERNAL);
});

try {
  process.exitCode = runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    writeFile: (path, text) => writeFileSync(path, text),
    now: () => performance.now(),
    errIsTTY: process.stderr.isTTY === true,
    columns: process.stderr.columns,
  });
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`ringlab: internal error: ${err.message}\n`);
  if (process.env.RINGLAB_DEBUG) process.stderr.write(`${err.stack ?? ''}\n`);
  process.exitCode = EXIT_INTERNAL;
}
