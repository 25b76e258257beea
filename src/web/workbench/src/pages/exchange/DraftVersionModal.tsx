import { Input } from 'antd';
import { useEffect, useId, useRef, useState } from 'react';
import { ApiProblem, apiFetch, type ProblemField } from '../../api-client';
import type { StandardVersionView, StandardView } from '../../api-types';
import { ActionModal } from '../../components/ActionModal';
import { ProblemAlert } from '../../components/ProblemAlert';
import { reasonText } from '../../field-errors';
import { useLocale } from '../../locale-context';
import { nameIn } from './exchange-tags';

/** Where a first version starts: an empty object schema in the only dialect the hub accepts. */
const EMPTY_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {},
  required: [],
};

/** Reasons whose server message is the schema validator's own account of what is wrong: worth reading. */
const VALIDATOR_WORDS: ReadonlySet<string> = new Set(['meta_schema', 'strict']);

const underSchema = (field: ProblemField) => field.pointer === '/schema' || field.pointer.startsWith('/schema/');
const underNote = (field: ProblemField) => field.pointer === '/changeNote';

/**
 * Drafts the next version of a standard (or changes the open draft): the JSON Schema in a text editor,
 * checked as JSON here and as a strict 2020-12 schema by the server, whose complaints (each a pointer
 * into the schema) are listed under the editor. A new draft starts from the newest version's schema.
 */
export function DraftVersionModal({
  standard,
  draftVersion,
  onClose,
  onSaved,
}: {
  standard: StandardView;
  /** The open draft to change; none drafts a new version. */
  draftVersion: number | undefined;
  onClose(): void;
  onSaved(version: StandardVersionView): void;
}) {
  const { t, locale } = useLocale();
  const ids = { schema: useId(), note: useId(), schemaError: useId(), noteError: useId() };
  const schemaInput = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState('');
  const [note, setNote] = useState('');
  const [loadError, setLoadError] = useState<unknown>();
  const [ready, setReady] = useState(false);
  const [jsonError, setJsonError] = useState<string>();
  const [saveError, setSaveError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const base = `/api/exchange/v1/standards/${encodeURIComponent(standard.code)}/versions`;
  const startFrom = draftVersion ?? standard.versions.at(-1)?.version;

  useEffect(() => {
    if (startFrom === undefined) {
      setText(JSON.stringify(EMPTY_SCHEMA, null, 2));
      setReady(true);
      return;
    }
    const controller = new AbortController();
    apiFetch<StandardVersionView>(`${base}/${startFrom}`, { signal: controller.signal }).then((start) => {
      setText(JSON.stringify(start.schema, null, 2));
      // A new version's change note is its own; a draft's is kept.
      if (draftVersion !== undefined) setNote(start.changeNote ?? '');
      setReady(true);
    }, setLoadError);
    return () => controller.abort();
  }, [startFrom, draftVersion, base]);

  const fieldErrors = saveError instanceof ApiProblem ? saveError.errors : [];
  const schemaErrors = fieldErrors.filter(underSchema);
  const noteErrors = fieldErrors.filter(underNote);
  const otherErrors = fieldErrors.filter((field) => !underSchema(field) && !underNote(field));

  const submit = async () => {
    setSaveError(undefined);
    let schema: unknown;
    try {
      schema = JSON.parse(text);
      setJsonError(undefined);
    } catch (error) {
      setJsonError(t('exchange.draft.json_invalid', { detail: error instanceof Error ? error.message : '' }));
      schemaInput.current?.focus();
      return;
    }
    setSaving(true);
    try {
      const json = { schema, changeNote: note.trim() || null };
      onSaved(
        await apiFetch<StandardVersionView>(draftVersion === undefined ? base : `${base}/${draftVersion}`, {
          method: draftVersion === undefined ? 'POST' : 'PUT',
          json,
        }),
      );
    } catch (error) {
      setSaveError(error);
      // The first field the server named takes the focus, so its errors are read out with it.
      const problem = error instanceof ApiProblem ? error.errors : [];
      if (problem.some(underSchema)) schemaInput.current?.focus();
      else if (problem.some(underNote)) document.getElementById(ids.note)?.focus();
    } finally {
      setSaving(false);
    }
  };

  const title =
    draftVersion !== undefined
      ? t('exchange.draft.edit_title', { name: nameIn(locale, standard), version: draftVersion })
      : t('exchange.draft.create_title', { name: nameIn(locale, standard) });

  return (
    <ActionModal
      open
      title={title}
      okText={t('exchange.draft.submit')}
      cancelText={t('common.cancel')}
      onOk={submit}
      onCancel={onClose}
      confirmLoading={saving}
      okButtonProps={{ disabled: !ready }}
      width={820}
      destroyOnHidden
      afterOpenChange={(open) => {
        if (open) schemaInput.current?.focus();
      }}
    >
      <p className="hint-text">{t('exchange.draft.lead')}</p>
      <ProblemAlert error={loadError} className="block-alert" />
      <label htmlFor={ids.schema} className="field-label">
        {t('exchange.draft.schema')}
      </label>
      <Input.TextArea
        id={ids.schema}
        ref={(instance) => {
          schemaInput.current = instance?.resizableTextArea?.textArea ?? null;
        }}
        value={text}
        onChange={(event) => setText(event.target.value)}
        autoSize={{ minRows: 12, maxRows: 28 }}
        spellCheck={false}
        className="code-input"
        aria-invalid={jsonError !== undefined || schemaErrors.length > 0}
        aria-describedby={ids.schemaError}
      />
      <div id={ids.schemaError} role="alert" className="field-error-list">
        {jsonError ? <p>{jsonError}</p> : null}
        {schemaErrors.length > 0 ? (
          <ul>
            {schemaErrors.map((field) => (
              <li key={`${field.pointer}:${field.reason}`}>
                <code>{field.pointer}</code> {reasonText(t, field)}
                {VALIDATOR_WORDS.has(field.reason) && field.message ? (
                  <>
                    {' '}
                    <span lang="en">({field.message})</span>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <label htmlFor={ids.note} className="field-label">
        {t('exchange.version.change_note')}
      </label>
      <Input.TextArea
        id={ids.note}
        value={note}
        maxLength={8000}
        onChange={(event) => setNote(event.target.value)}
        autoSize={{ minRows: 2, maxRows: 6 }}
        aria-invalid={noteErrors.length > 0}
        aria-describedby={ids.noteError}
      />
      <div id={ids.noteError} role="alert" className="field-error-list">
        {noteErrors.map((field) => (
          <p key={field.reason}>{reasonText(t, field)}</p>
        ))}
      </div>
      {saveError && (fieldErrors.length === 0 || otherErrors.length > 0) ? (
        <ProblemAlert error={saveError} fields={otherErrors} className="block-alert" />
      ) : null}
    </ActionModal>
  );
}
