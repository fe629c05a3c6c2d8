import { Button } from './button';
import { Badge } from './table';

/** A principal's status in its row: `disabled` in red or `active` in green. */
export function PrincipalStatusBadge({ disabled }: { disabled: boolean }) {
  return disabled ? <Badge tone="bad">disabled</Badge> : <Badge tone="good">active</Badge>;
}

/**
 * The admin's button that disables a principal (`Disable`, red) or re-enables it (`Enable`): `onToggle` gets
 * the state to set (`!disabled`); `busy` while a change is on its way.
 */
export function DisableToggle({
  disabled,
  busy,
  onToggle,
}: {
  disabled: boolean;
  busy: boolean;
  onToggle: (disabled: boolean) => void;
}) {
  return (
    <Button
      size="sm"
      variant={disabled ? 'secondary' : 'danger'}
      disabled={busy}
      onClick={() => onToggle(!disabled)}
    >
      {disabled ? 'Enable' : 'Disable'}
    </Button>
  );
}
