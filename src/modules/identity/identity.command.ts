/**
 * `huitong identity set-password --staff-no X`: the operator on the host opens a sign-in account for
 * a person of the directory, or sets a new password for one who has it, e.g. the first security
 * administrator named by `huitong access bootstrap`. The password is read from standard input (typed
 * without echo on a terminal, or piped), never from an argument, which would land in the shell's
 * history and in `ps`.
 */
import { Command } from 'commander';
import { type Policy, SYSTEM_ACTOR } from '../../platform/authorization.js';
import type { Database } from '../../platform/db/database.js';
import { NotFoundError } from '../../platform/errors.js';
import { bilingual, registerMessages } from '../../platform/i18n/messages.js';
import { findPersonByStaffNo } from '../directory/index.js';
import { selectAccountByPerson } from './account.repository.js';
import { createStaffAccount, resetPassword } from './account.service.js';

registerMessages({
  'identity.command.password_prompt': { zh: '新密码（不回显）：', en: 'new password (not echoed): ' },
  'identity.command.account_created': {
    zh: '已为 {staffNo} 开设账号，用户名 {username}',
    en: 'opened an account for {staffNo}, username {username}',
  },
  'identity.command.password_reset': {
    zh: '已重置 {staffNo} 的密码，结束会话 {sessionsEnded} 个',
    en: 'reset the password of {staffNo}, ended {sessionsEnded} session(s)',
  },
  'identity.command.person_not_found': { zh: '没有在职人员使用此工号', en: 'No active person has this HR number' },
  'identity.command.person_not_found.detail': {
    zh: '工号 {staffNo} 不存在或人员不在职。',
    en: 'HR number {staffNo} does not exist or the person is not active.',
  },
});

export interface IdentityCommandIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  stdout: NodeJS.WritableStream;
}

/**
 * The `identity` command group; `openDatabase` opens a migrated database, the command closes it.
 * The host operator acts as the platform itself (SYSTEM), which the policy always allows.
 * @example program.addCommand(identityCommand(openMigratedDatabase, runtimePolicy));
 */
export function identityCommand(
  openDatabase: () => Promise<Database>,
  policy: (database: Database) => Policy,
  io: IdentityCommandIo = { stdin: process.stdin, stdout: process.stdout },
): Command {
  const identity = new Command('identity').description('统一身份 identity');
  identity
    .command('set-password')
    .description(
      '开设账号或重置密码（密码从标准输入读取）open an account or reset its password (read from standard input)',
    )
    .requiredOption('--staff-no <staffNo>', 'the person’s HR number 工号')
    .action(async (options: { staffNo: string }) => {
      const staffNo = options.staffNo.trim().toUpperCase();
      const database = await openDatabase();
      try {
        const person = await findPersonByStaffNo(database.kysely, staffNo);
        if (person?.status !== 'active') throw new NotFoundError('identity.command.person_not_found', { staffNo });
        const password = await readPassword(io);
        const deps = { policy: policy(database) };
        if (await selectAccountByPerson(database.kysely, person.id)) {
          const { sessionsEnded } = await resetPassword(database.kysely, SYSTEM_ACTOR, deps, person.id, password);
          io.stdout.write(`${bilingual('identity.command.password_reset', { staffNo, sessionsEnded })}\n`);
        } else {
          await createStaffAccount(database.kysely, SYSTEM_ACTOR, deps, { personId: person.id, password });
          const username = staffNo.toLowerCase();
          io.stdout.write(`${bilingual('identity.command.account_created', { staffNo, username })}\n`);
        }
      } finally {
        await database.close();
      }
    });
  return identity;
}

/** One line from standard input: typed without echo on a terminal, or the first line of a pipe. */
async function readPassword(io: IdentityCommandIo): Promise<string> {
  const interactive = io.stdin.isTTY && io.stdin.setRawMode;
  if (interactive) {
    io.stdout.write(bilingual('identity.command.password_prompt', {}, ' '));
    io.stdin.setRawMode?.(true);
  }
  let line = '';
  try {
    for await (const chunk of io.stdin) {
      const text = chunk.toString();
      for (const char of text) {
        if (char === '\u0003') throw new Error('interrupted');
        if (char === '\r' || char === '\n') return line;
        if (char === '\u007f' || char === '\b') line = line.slice(0, -1);
        else line += char;
      }
    }
    return line;
  } finally {
    if (interactive) {
      io.stdin.setRawMode?.(false);
      io.stdout.write('\n');
      io.stdin.pause();
    }
  }
}
