import { Button, type ButtonProps } from '@maxhub/max-ui';
import type { MouseEvent } from 'react';
import { navigate } from '../routing/navigation';

/** A MaxUI button that is a real link (<a href>), navigating in-app on a plain click. */
export function ButtonLink({ href, children, ...props }: Omit<ButtonProps, 'asChild'> & { href: string }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return (
    <Button asChild {...props}>
      <a href={href} onClick={onClick}>
        {children}
      </a>
    </Button>
  );
}
