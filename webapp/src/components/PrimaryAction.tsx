import { Button } from '@maxhub/max-ui';
import { useEffect, useRef } from 'react';
import { useSession } from '../state/session';

interface Props {
  text: string;
  onClick: () => void;
  disabled?: boolean;
  loading?: boolean;
  /** Why the action is disabled, shown under it (and read by screen readers). */
  reason?: string | null;
  type?: 'button' | 'submit';
  className?: string;
}

/**
 * The screen's one primary action (Upload, Send, Accept, Claim). In Telegram it is the
 * host's main (bottom) button, always visible above the keyboard; elsewhere a full-width
 * button in the page.
 */
export function PrimaryAction({ text, onClick, disabled, loading, reason, type = 'button', className }: Props) {
  const { host } = useSession();
  const mb = host.mainButton;
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    if (!mb) return;
    mb.set({ text, disabled, loading }, () => click.current());
  }, [mb, text, disabled, loading]);
  useEffect(() => (mb ? () => mb.hide() : undefined), [mb]);

  const why = disabled && !loading && reason ? <div className="small text-secondary mt-2 action-reason">{reason}</div> : null;
  if (mb) return why;
  return (
    <>
      {/* Sticky above the tab bar: never below the fold, even at 320 × 568. No wrapper of its
          own: a sticky element moves only within its parent, and a parent exactly the button's
          height would never let it stick; the screen's card or column is the parent instead. */}
      <div className={`primary-action${className ? ` ${className}` : ''}`}>
        <Button type={type} stretched onClick={type === 'button' ? onClick : undefined} disabled={disabled} loading={loading}>
          {text}
        </Button>
      </div>
      {why}
    </>
  );
}

/** Ask the messenger to confirm closing while `active` (an upload runs, a form has input). */
export function useClosingConfirmation(active: boolean): void {
  const { host } = useSession();
  useEffect(() => {
    if (!active) return;
    host.setClosingConfirmation(true);
    return () => host.setClosingConfirmation(false);
  }, [host, active]);
}
