import type { ZodError } from 'zod';

type Issue = ZodError['issues'][number];

/** `email`, `columns[0].name`, or `the input` for the whole of it: how a sentence names the field. */
export function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the input';
  let name = '';
  for (const part of path) {
    if (typeof part === 'number') name += `[${part}]`;
    else name += name === '' ? String(part) : `.${String(part)}`;
  }
  return `'${name}'`;
}

/** `8 characters`, `3 items`, `5`: a size limit in the unit of what it limits. */
function amount(origin: string, value: number | bigint): string {
  if (origin === 'string') return `${value} character${value === 1 || value === 1n ? '' : 's'}`;
  if (origin === 'array' || origin === 'set') return `${value} item${value === 1 || value === 1n ? '' : 's'}`;
  return String(value);
}

/** One zod issue as a sentence that names its field: `'email' must be an email address.` */
export function issueSentence(issue: Issue): string {
  const field = fieldName(issue.path);
  const capital = field.charAt(0).toUpperCase() + field.slice(1);
  // A message the schema gave itself (`a table needs at least one column`) says it best.
  if (!/^(Too (small|big)|Invalid|Unrecognized)/.test(issue.message)) return `${capital}: ${issue.message}.`;
  switch (issue.code) {
    case 'invalid_type':
      return /received undefined/.test(issue.message)
        ? `${capital} is required.`
        : `${capital} must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}.`;
    case 'too_small':
      if (issue.origin === 'string' && issue.minimum === 1) return `${capital} must not be empty.`;
      return `${capital} must be ${issue.inclusive === false ? 'more than' : 'at least'} ${amount(issue.origin, issue.minimum)}${issue.origin === 'string' ? ' long' : ''}.`;
    case 'too_big':
      return `${capital} must be ${issue.inclusive === false ? 'less than' : 'at most'} ${amount(issue.origin, issue.maximum)}${issue.origin === 'string' ? ' long' : ''}.`;
    case 'invalid_format':
      return issue.format === 'email'
        ? `${capital} must be an email address.`
        : `${capital} must be a valid ${issue.format}.`;
    case 'invalid_value':
      return `${capital} must be one of ${issue.values.map((v) => `'${String(v)}'`).join(', ')}.`;
    case 'unrecognized_keys':
      return `${capital} has unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `'${k}'`).join(', ')}.`;
    default:
      return `${capital}: ${issue.message}.`;
  }
}

/**
 * A refused input in words: one sentence per zod issue, each naming its field (`'email' must be an email
 * address. 'password' must be at least 12 characters long.`), instead of zod's `✖ … → at email` layout.
 */
export function inputErrorMessage(error: ZodError): string {
  return error.issues.map(issueSentence).join(' ');
}
