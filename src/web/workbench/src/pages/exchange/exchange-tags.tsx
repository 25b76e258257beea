/**
 * Small pieces the exchange tabs share: states as tags, in words and colour alike (colour is never
 * the only signal), names in the reader's language, and what an empty table says.
 */
import { Empty, Tag } from 'antd';
import { useLocale } from '../../locale-context';
import { hasMessage } from '../../messages';

// Only tag colours whose text meets 4.5:1 on their own background: the theme's status colours, and
// the presets whose seventh shade is dark enough (blue, purple, magenta); green and orange are not.
const COLOURS: Record<string, string> = {
  enabled: 'success',
  disabled: 'error',
  internal: 'blue',
  external: 'purple',
  public: 'success',
  sensitive: 'magenta',
  classified: 'error',
  draft: 'default',
  published: 'success',
  deprecated: 'warning',
  pending: 'blue',
  approved: 'success',
  rejected: 'error',
  revoked: 'default',
  leased: 'blue',
  delivered: 'success',
  dead: 'error',
};

/**
 * One state of one kind, named from the catalogue (`exchange.<kind>.<value>`), or as the server sent
 * it when the catalogue does not know it yet.
 * @example <StateTag kind="zone" value="external" />
 */
export function StateTag({
  kind,
  value,
}: {
  kind: 'zone' | 'member_status' | 'classification' | 'version_status' | 'subscription_status' | 'delivery_status';
  value: string;
}) {
  const { t } = useLocale();
  const key = `exchange.${kind}.${value}`;
  return <Tag color={COLOURS[value] ?? 'default'}>{hasMessage(key) ? t(key) : value}</Tag>;
}

/** The reader's language's name of something named in both. */
export function nameIn(locale: string, named: { nameZh: string; nameEn: string }): string {
  return locale === 'en' ? named.nameEn : named.nameZh;
}

/**
 * What an empty table says. A bare string would take antd's disabled grey (1.8:1 on white); the
 * Empty component writes it in the description colour the theme tunes for contrast.
 */
export function EmptyText({ children }: { children: string }) {
  return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={children} />;
}
