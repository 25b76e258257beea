import { Button, Card, Descriptions, type DescriptionsProps, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useLocale } from '../locale-context';
import type { MessageKey } from '../messages';
import { type CheckStatus, fetchPlatformStatus, type PlatformStatus } from '../platform-status';

const ENGINE_NAMES: Record<string, MessageKey> = {
  pglite: 'status.engine.pglite',
  postgres: 'status.engine.postgres',
};

/** The platform's readiness and version, checked when the dashboard opens and on request. */
export function PlatformStatusCard() {
  const { t, locale } = useLocale();
  const [status, setStatus] = useState<PlatformStatus | undefined>();
  const [loading, setLoading] = useState(true);
  const pending = useRef<AbortController | undefined>(undefined);

  const refresh = useCallback(() => {
    pending.current?.abort();
    const controller = new AbortController();
    pending.current = controller;
    setLoading(true);
    fetchPlatformStatus(controller.signal)
      .then((next) => {
        setStatus(next);
        setLoading(false);
      })
      // Rejects only when aborted: by a newer refresh or by leaving the page, which own the state now.
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    refresh();
    return () => pending.current?.abort();
  }, [refresh]);

  const tag = (check: CheckStatus) => (
    <Tag color={check === 'ok' ? 'success' : 'error'}>{t(check === 'ok' ? 'status.ok' : 'status.unavailable')}</Tag>
  );
  const engineKey = status?.engine ? ENGINE_NAMES[status.engine] : undefined;
  const engineName = engineKey ? t(engineKey) : status?.engine;

  const items: DescriptionsProps['items'] = status && [
    { key: 'database', label: t('status.database'), children: tag(status.database) },
    ...(engineName ? [{ key: 'engine', label: t('status.engine'), children: engineName }] : []),
    { key: 'migrations', label: t('status.migrations'), children: tag(status.migrations) },
    { key: 'version', label: t('status.version'), children: status.version ?? t('status.unknown') },
  ];

  return (
    <section aria-labelledby="platform-status-title" aria-busy={loading}>
      <Card
        title={
          <h2 id="platform-status-title" className="card-heading">
            {t('status.title')}
          </h2>
        }
        extra={
          <Button size="small" onClick={refresh} loading={loading}>
            {t('status.refresh')}
          </Button>
        }
      >
        {items ? (
          <Descriptions bordered size="small" column={1} items={items} />
        ) : (
          <Typography.Text>{t('status.loading')}</Typography.Text>
        )}
        <p className="status-checked-at" role="status">
          {status && !loading
            ? t('status.checked_at', {
                time: new Intl.DateTimeFormat(locale, { timeStyle: 'medium' }).format(status.checkedAt),
              })
            : null}
        </p>
      </Card>
    </section>
  );
}
