import { Button, type ButtonProps } from 'antd';

/**
 * A button that shows it is working, named by its label alone all the while. antd's `loading` puts an
 * icon labelled "loading" inside the button, and when the icon's leave transition never ends a screen
 * reader goes on announcing "loading 试运行" after the work is done. The label stays the name here, and
 * the busy state is said with aria-busy (ActionModal does the same for a dialog's OK button).
 *
 * @example
 * <BusyButton busy={saving} onClick={save}>{t('x.save')}</BusyButton>
 */
export function BusyButton({
  busy,
  children,
  ...props
}: Omit<ButtonProps, 'loading' | 'children'> & { busy: boolean; children: string }) {
  return (
    <Button {...props} loading={busy} aria-label={children} aria-busy={busy || undefined}>
      {children}
    </Button>
  );
}
