/**
 * `huitong access bootstrap --staff-no X`: names the first security administrator of a new
 * installation, as the platform itself (the operator on the host), so that someone can grant rights.
 * Without commander: the CLI wiring parses the options and maps a thrown DomainError to an exit code.
 */
import type { Database } from '../../platform/db/database.js';
import { NotFoundError } from '../../platform/errors.js';
import { bilingual } from '../../platform/i18n/messages.js';
import { findPersonByStaffNo } from '../directory/index.js';
import './access.messages.js';
import { bootstrapSecurityAdmin } from './grant.service.js';

export interface BootstrapReport {
  grantId: string;
  created: boolean;
}

/**
 * Grants `platform.security_admin` over the whole district to the active person with this staff number,
 * once (running it again changes nothing). `openDatabase` opens a migrated database; the command closes it.
 * @throws NotFoundError `access.bootstrap_person_not_found`; ConflictError `access.no_root_unit`,
 * `access.separation_of_duties`
 * @example
 * program.command('access').command('bootstrap').requiredOption('--staff-no <no>')
 *   .action(({ staffNo }) => accessBootstrapCommand(() => openMigratedDatabase(config), { staffNo }));
 */
export async function accessBootstrapCommand(
  openDatabase: () => Promise<Database>,
  options: { staffNo: string },
  output: { stdout: NodeJS.WritableStream } = { stdout: process.stdout },
): Promise<BootstrapReport> {
  const staffNo = options.staffNo.trim().toUpperCase();
  const database = await openDatabase();
  try {
    const person = await findPersonByStaffNo(database.kysely, staffNo);
    if (person?.status !== 'active') throw new NotFoundError('access.bootstrap_person_not_found', { staffNo });
    const { grant, created } = await bootstrapSecurityAdmin(database.kysely, person.id);
    const key = created ? 'access.bootstrap.granted' : 'access.bootstrap.already';
    output.stdout.write(`${bilingual(key, { staffNo, grantId: grant.id })}\n`);
    return { grantId: grant.id, created };
  } finally {
    await database.close();
  }
}
