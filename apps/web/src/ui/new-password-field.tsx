import type { InputHTMLAttributes } from 'react';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, PASSWORD_RULE_SENTENCES } from '../password-rule';
import { TextField } from './field';

/**
 * A field for a new password: the browser's `new-password` autofill, the length the server accepts, and the
 * rule in sentences under it (`password-rule.ts`, the server's own).
 */
export function NewPasswordField(
  props: InputHTMLAttributes<HTMLInputElement> & { label: string; showRule?: boolean },
) {
  const { showRule = true, ...input } = props;
  return (
    <TextField
      type="password"
      autoComplete="new-password"
      required
      minLength={MIN_PASSWORD_LENGTH}
      maxLength={MAX_PASSWORD_LENGTH}
      {...(showRule ? { hint: PASSWORD_RULE_SENTENCES.join(' ') } : {})}
      {...input}
    />
  );
}
