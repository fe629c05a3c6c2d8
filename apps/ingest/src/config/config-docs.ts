import { CONFIG_OPTIONS, type ConfigOption } from './options.js';

/* The options in words: the `--help` text and the Markdown table of README-config.md. */

/** The `--help` text: every option with its variable, default and purpose. */
export function formatConfigHelp(): string {
  const lines = [
    'Usage: lakestream-ingest --data-dir <dir> [options]',
    '',
    'Options (flag, environment variable, default):',
  ];
  for (const o of Object.values(CONFIG_OPTIONS)) {
    lines.push(
      `  ${o.flag}${o.isSwitch ? '' : ' <value>'}   ${o.env}   default: ${o.defaultDoc}`,
      `      ${o.doc}`,
    );
  }
  return lines.join('\n');
}

/** The options as a Markdown table (README-config.md holds it verbatim; a test keeps them equal). */
export function formatConfigTable(): string {
  const esc = (s: string) => s.replaceAll('|', '\\|').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const rows = Object.values(CONFIG_OPTIONS).map((o: ConfigOption) => {
    const accepts = o.isSwitch ? 'a switch (variable: true/false, 1/0)' : esc(o.kind.expected);
    return `| \`${o.flag}\` | \`${o.env}\` | ${esc(o.defaultDoc)} | ${accepts} | ${esc(o.doc)} |`;
  });
  return [
    '| flag | environment variable | default | accepts | what it does |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
