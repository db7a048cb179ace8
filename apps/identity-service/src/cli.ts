/**
 * identity-service's command line: migrate, seed-demo, create-class (see provisioning/cli-commands.ts).
 * stdout carries only a command's result (create-class prints one line of JSON), so the libraries'
 * JSON logs, which go to stdout, are silenced before they load; the CLI reports to stderr itself.
 */
process.env.LOG_LEVEL = 'silent';
const { runCli } = await import('./provisioning/cli-commands.js');

process.exitCode = await runCli(process.argv.slice(2), process.env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
