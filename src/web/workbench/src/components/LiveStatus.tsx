/**
 * A polite live region for the outcome of an action (saved, revoked, imported): screen readers
 * announce it without moving focus (WCAG 4.1.3). Rendered empty first, so the change is announced.
 */
export function LiveStatus({ message }: { message: string | undefined }) {
  return (
    <p role="status" className="live-status">
      {message ?? ''}
    </p>
  );
}
