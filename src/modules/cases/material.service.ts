/**
 * The materials of a case (申请材料): files streamed into the blob store (never held whole in memory)
 * and paper received at the window (originals or copies, how many), each against one of the item
 * version's materials or as an extra document. The window, the case's handlers and the applicant
 * (while the case awaits 受理 or 补正) add them; whoever may read the case downloads the files.
 */
import path from 'node:path';
import type { Readable } from 'node:stream';
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor } from '../../platform/authorization.js';
import type { OpenedBlob } from '../../platform/blobs/blob-store.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import { ConflictError, type FieldError, NotFoundError } from '../../platform/errors.js';
import { getItemVersion, type ItemVersion } from '../services/index.js';
import type { Case, CaseDeps, ReceivedMaterial, Viewer } from './case.js';
import { insertMaterial, selectMaterial } from './case.repository.js';
import { assertMayRead, mustFindCase, readerOf } from './case.service.js';
import { ACTION_FROM, assertAllowedAny, grantsFor, ownerMay, type Reader } from './case-access.js';
import { BodyReader, invalid } from './case-input.js';
import { actingPublic } from './case-journal.js';
import './cases.messages.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;
const NAME_MAX = 200;

export interface ElectronicUpload {
  /** Index into the item version's materials; null for an extra document. */
  materialIndex: number | null;
  filename: string;
  mediaType: string;
  body: Readable;
}

/**
 * Streams a file into the blob store and records it against the case.
 * @throws ValidationError `cases.invalid` (`/materialIndex` range or not_electronic, `/filename`, `/mediaType`),
 *   `blob.too_large`; ConflictError `cases.wrong_state`; NotFoundError; ForbiddenError
 * @example await receiveElectronic(db, viewer, id, { materialIndex: 0, filename: 'a.pdf', mediaType: 'application/pdf', body }, deps);
 */
export async function receiveElectronic(
  executor: Executor,
  viewer: Viewer,
  id: string,
  upload: ElectronicUpload,
  deps: CaseDeps,
): Promise<ReceivedMaterial> {
  const reader = readerOf(viewer);
  // Checked before a byte is stored, and again with the case locked after the upload.
  const c = await mustFindCase(executor, id);
  await assertMayReceive(executor, reader, c, deps);
  const item = await getItemVersion(executor, null, c.itemCode, c.itemVersion, deps);
  const errors: FieldError[] = [];
  const materialName = materialNameOf(item, upload.materialIndex, errors);
  const filename = path.basename(String(upload.filename ?? '').replaceAll('\\', '/')).trim();
  if (filename === '' || filename === '..' || [...filename].length > NAME_MAX || /[\p{Cc}]/u.test(filename)) {
    errors.push({ pointer: '/filename', reason: filename === '' ? 'required' : 'pattern' });
  }
  const mediaType = String(upload.mediaType ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (!MEDIA_TYPE.test(mediaType)) errors.push({ pointer: '/mediaType', reason: 'pattern' });
  if (errors.length > 0) throw invalid(errors);
  const stored = await deps.blobs.put(upload.body);
  const materialId = crypto.randomUUID();
  await inTransaction(executor, async (tx) => {
    const locked = await mustFindCase(tx, id, true);
    await assertMayReceive(tx, reader, locked, deps);
    await insertMaterial(tx, {
      id: materialId,
      case_id: id,
      material_index: upload.materialIndex,
      name: materialName ?? filename,
      form: 'electronic',
      copies: 1,
      sha256: stored.sha256,
      filename,
      media_type: mediaType,
      bytes: stored.size,
      received_at: deps.clock(),
      received_by: receivedBy(reader),
    });
    await audit(tx, reader, locked, materialId, {
      form: 'electronic',
      materialIndex: upload.materialIndex,
      sha256: stored.sha256,
      bytes: stored.size,
    });
  });
  return (await selectMaterial(executor, id, materialId))!;
}

/**
 * Records paper received at the window: `{ materialIndex | null, name? (for an extra document), form:
 * 'original' | 'copy', copies }`.
 * @throws ValidationError `cases.invalid`; ConflictError `cases.wrong_state`; NotFoundError; ForbiddenError
 * @example await receivePaper(db, clerk, id, { materialIndex: 0, form: 'original', copies: 1 }, deps);
 */
export async function receivePaper(
  executor: Executor,
  actor: Actor,
  id: string,
  body: unknown,
  deps: CaseDeps,
): Promise<ReceivedMaterial> {
  const reader: Reader = { kind: 'staff', actor };
  const materialId = crypto.randomUUID();
  await inTransaction(executor, async (tx) => {
    const c = await mustFindCase(tx, id, true);
    await assertMayReceive(tx, reader, c, deps);
    const item = await getItemVersion(tx, null, c.itemCode, c.itemVersion, deps);
    const input = new BodyReader(body);
    const index = input.has('materialIndex') ? input.integer('materialIndex', 0, item.materials.length - 1) : null;
    const materialName = input.has('materialIndex') && index !== null ? item.materials[index]!.nameZh : null;
    const name = input.text('name', { required: !input.has('materialIndex'), max: NAME_MAX });
    const form = input.oneOf('form', ['original', 'copy'] as const);
    const copies = input.integer('copies', 1, 99);
    input.done();
    await insertMaterial(tx, {
      id: materialId,
      case_id: id,
      material_index: index,
      name: materialName ?? name!,
      form: form!,
      copies: copies!,
      received_at: deps.clock(),
      received_by: receivedBy(reader),
    });
    await audit(tx, reader, c, materialId, { form: form!, materialIndex: index, copies: copies! });
  });
  return (await selectMaterial(executor, id, materialId))!;
}

/**
 * An electronic material and its bytes, for those who may read the case. The caller must consume or
 * destroy the stream.
 * @throws NotFoundError `cases.material_not_found` (also for paper, which has no file); ForbiddenError
 * @example const { material, blob } = await openMaterial(db, viewer, id, materialId, deps);
 */
export async function openMaterial(
  executor: Executor,
  viewer: Viewer,
  id: string,
  materialId: string,
  deps: CaseDeps,
): Promise<{ material: ReceivedMaterial; blob: OpenedBlob }> {
  const c = await mustFindCase(executor, id);
  await assertMayRead(executor, readerOf(viewer), c, deps);
  const material = UUID.test(materialId) ? await selectMaterial(executor, id, materialId) : undefined;
  if (!material || material.sha256 === null) throw new NotFoundError('cases.material_not_found', { id, materialId });
  return { material, blob: await deps.blobs.open(material.sha256) };
}

async function assertMayReceive(executor: Executor, reader: Reader, c: Case, deps: CaseDeps): Promise<void> {
  if (reader.kind === 'public') {
    if (c.publicAccountId !== reader.accountId) throw new NotFoundError('cases.case_not_found', { id: c.id });
    if (!ownerMay(c, reader.accountId, 'receive_material', false)) throw wrongState(c);
    return;
  }
  await assertAllowedAny(executor, deps.policy, reader.actor, await grantsFor(executor, c, 'receive_material'));
  if (!ACTION_FROM.receive_material.includes(c.status)) throw wrongState(c);
}

function wrongState(c: Case): ConflictError {
  return new ConflictError('cases.wrong_state', { number: c.number, status: c.status, action: 'receive_material' });
}

/** The item material's name for a file's index, checking the index and that the material may be electronic. */
function materialNameOf(item: ItemVersion, index: number | null, errors: FieldError[]) {
  if (index === null) return null;
  const material = Number.isInteger(index) ? item.materials[index] : undefined;
  if (!material) errors.push({ pointer: '/materialIndex', reason: 'range' });
  else if (!material.electronicAccepted) errors.push({ pointer: '/materialIndex', reason: 'not_electronic' });
  return material?.nameZh ?? null;
}

function receivedBy(reader: Reader): string {
  return reader.kind === 'public' ? `public:${reader.accountId}` : `${reader.actor.type}:${reader.actor.id}`;
}

async function audit(tx: Executor, reader: Reader, c: Case, materialId: string, details: Record<string, unknown>) {
  await recordAudit(tx, {
    actor:
      reader.kind === 'public'
        ? actingPublic(reader.accountId).audit
        : { type: reader.actor.type, id: reader.actor.id },
    action: 'cases.material.receive',
    target: { type: 'case', id: c.id },
    outcome: 'success',
    details: { number: c.number, materialId, ...details },
  });
}
