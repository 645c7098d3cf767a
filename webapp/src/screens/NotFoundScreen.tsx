import { EmptyState } from '../components/States';
import { ButtonLink } from '../components/ButtonLink';

export default function NotFoundScreen() {
  return (
    <EmptyState
      icon="alert"
      title="Page not found"
      action={
        <ButtonLink href="/">Go to the gallery</ButtonLink>
      }
    >
      The link may be broken or out of date.
    </EmptyState>
  );
}
