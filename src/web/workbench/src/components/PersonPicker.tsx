import { Select } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { apiFetch, isAbort } from '../api-client';
import type { Page, PersonView } from '../api-types';
import { useLocale } from '../locale-context';

/** Typing pauses this long before a search goes out, so a name typed quickly is one request. */
const SEARCH_DELAY_MS = 250;
const RESULT_LIMIT = 20;

/**
 * Chooses a person by name, staff number or mobile, among the people the reader may see. A form
 * control (value is the person id); names show as the API gives them, masked where it masks them.
 */
export function PersonPicker({
  id,
  value,
  onChange,
}: {
  id?: string;
  value?: string;
  onChange?: (personId: string | undefined) => void;
}) {
  const { t } = useLocale();
  const [query, setQuery] = useState('');
  const [people, setPeople] = useState<PersonView[]>([]);
  const [loading, setLoading] = useState(false);
  const chosen = useRef<PersonView | undefined>(undefined);

  useEffect(() => {
    const text = query.trim();
    if (text === '') return;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      setLoading(true);
      apiFetch<Page<PersonView>>('/api/directory/v1/people', {
        query: { q: text, limit: RESULT_LIMIT },
        signal: controller.signal,
      })
        .then((page) => setPeople(page.items))
        .catch((error: unknown) => {
          if (!isAbort(error)) setPeople([]);
        })
        .finally(() => controller.signal.aborted || setLoading(false));
    }, SEARCH_DELAY_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [query]);

  const shown =
    chosen.current && !people.some((p) => p.id === chosen.current?.id) ? [chosen.current, ...people] : people;

  return (
    <Select
      id={id}
      value={value}
      showSearch
      allowClear
      filterOption={false}
      onSearch={setQuery}
      loading={loading}
      placeholder={t('person_picker.placeholder')}
      notFoundContent={query.trim() === '' ? t('person_picker.hint') : t('person_picker.none')}
      options={shown.map((person) => ({
        value: person.id,
        label: `${person.name} · ${person.staffNo}${person.posts[0] ? ` · ${person.posts[0].orgUnitNameZh}` : ''}`,
      }))}
      onChange={(personId: string | undefined) => {
        chosen.current = people.find((person) => person.id === personId);
        onChange?.(personId);
      }}
    />
  );
}
