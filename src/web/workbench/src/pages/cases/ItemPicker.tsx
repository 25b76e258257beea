import { Select } from 'antd';
import { useEffect, useState } from 'react';
import { apiFetch, isAbort } from '../../api-client';
import { useLocale } from '../../locale-context';
import type { ItemSummary, Paged } from './case-types';

/** Enough matches to choose from; a longer list means the search needs another word. */
const SEARCH_LIMIT = 30;
/** Wait for a pause in typing before asking: one request per word, not per keystroke. */
const TYPING_PAUSE_MS = 250;

/**
 * Chooses one published service item by name, searched as the reader types (GET
 * /api/services/v1/items?q=…), optionally only items the centre may take. A form control: `value`
 * and `onChange` from Form.Item, `id` so its label points at it.
 */
export function ItemPicker({
  id,
  value,
  onChange,
  centre,
  'aria-required': _ariaRequired,
}: {
  /** Dropped: Select would put it on a div, where ARIA does not allow it (see FormSelect). */
  'aria-required'?: unknown;
  id?: string;
  value?: string;
  onChange?: (code: string | undefined, item: ItemSummary | undefined) => void;
  centre?: string;
}) {
  const { t, locale } = useLocale();
  const [query, setQuery] = useState('');
  const [items, setItems] = useState<ItemSummary[]>([]);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      setLoading(true);
      apiFetch<Paged<ItemSummary>>('/api/services/v1/items', {
        query: { q: query.trim(), centre, limit: SEARCH_LIMIT },
        signal: controller.signal,
      })
        .then((page) => {
          setItems(page.items);
          setLoading(false);
        })
        .catch((error: unknown) => {
          if (isAbort(error)) return;
          setItems([]);
          setLoading(false);
        });
    }, TYPING_PAUSE_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [query, centre]);

  return (
    <Select
      id={id}
      value={value}
      showSearch
      allowClear
      filterOption={false}
      onSearch={setQuery}
      loading={loading}
      placeholder={t('cases.item.search')}
      notFoundContent={loading ? t('app.loading') : t('cases.item.none')}
      onChange={(code: string | undefined) =>
        onChange?.(
          code,
          items.find((item) => item.code === code),
        )
      }
      options={items.map((item) => ({
        value: item.code,
        label: `${locale === 'en' ? item.nameEn : item.nameZh} · ${item.departmentCode}`,
      }))}
      className="item-picker"
    />
  );
}
