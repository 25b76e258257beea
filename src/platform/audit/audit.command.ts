/**
 * `huitong audit verify`: checks the audit log's hash chain and names the first bad entry.
 * Exit code 0 when the log is intact, 3 when it was tampered with (1 and 2 stay for the CLI's
 * own errors), so a cron job or monitoring check can alert on it.
 */
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import type { Database } from '../db/database.js';
import { ValidationError } from '../errors.js';
import { bilingual, registerMessages } from '../i18n/messages.js';
import { type AuditAnchor, type AuditVerification, verifyAuditLog } from './audit-verify.js';

registerMessages({
  'audit.verify.intact': {
    zh: '审计日志完好',
    en: 'audit log intact: {checked} entries, head seq {seq} hash {hash}',
  },
  'audit.verify.tampered': {
    zh: '审计日志已被篡改：第一个异常条目 seq {seq}',
    en: 'audit log tampered with: first bad entry seq {seq} ({reason})',
  },
  'audit.verify.hash_mismatch': {
    zh: '该条目的内容与其哈希不符：条目被修改过。',
    en: 'its content does not match its hash: the entry was changed.',
  },
  'audit.verify.chain_broken': {
    zh: '该条目的 prev_hash 与前一条目的哈希不符：它或前一条目被修改或替换过。',
    en: 'its prev_hash is not the hash of the entry before: it, or that entry, was changed or replaced.',
  },
  'audit.verify.sequence_gap': {
    zh: '该序号的条目不存在，而其后仍有条目：条目被删除过。',
    en: 'no entry has this seq though later ones exist: it was removed.',
  },
  'audit.verify.tail_missing': {
    zh: '日志在锚点序号之前就结束了：自此序号起的条目被删除过。',
    en: 'the log ends before the anchor seq: the entries from this seq on were removed.',
  },
  'audit.verify.anchor_mismatch': {
    zh: '该条目的哈希与锚点记录的不同：截至该条目的日志被改写过。',
    en: 'its hash differs from the one the anchor recorded: the log up to it was rewritten.',
  },
});

/** Exit code when the log was tampered with. */
const TAMPERED = 3;

/** Where the command writes: the process's streams, or a test's. */
export interface CommandOutput {
  stdout: NodeJS.WritableStream;
  /** The progress bar goes here, only when it is a terminal. */
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * The `audit` command group. It opens the database itself (and closes it), so it runs without
 * the rest of the platform.
 * @example program.addCommand(auditCommand(() => openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })));
 */
export function auditCommand(
  openDatabase: () => Promise<Database>,
  output: CommandOutput = { stdout: process.stdout, stderr: process.stderr },
): Command {
  const audit = new Command('audit').description('审计日志 audit log');
  audit
    .command('verify')
    .description('校验审计日志的哈希链 verify the hash chain of the audit log (exit code 3 when it was tampered with)')
    .option('--anchor-seq <seq>', 'seq of a head recorded earlier, off this machine')
    .option('--anchor-hash <hash>', 'hash of that head')
    .action(async (options: { anchorSeq?: string; anchorHash?: string }) => {
      const anchor = anchorOf(options);
      const database = await openDatabase();
      const bar = output.stderr.isTTY
        ? new cliProgress.SingleBar(
            { stream: output.stderr, clearOnComplete: true },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let result: AuditVerification;
      try {
        result = await verifyAuditLog(database.kysely, {
          anchor,
          onProgress: (checked, total) => (checked === 0 ? bar?.start(total, 0) : bar?.update(checked)),
        });
      } finally {
        bar?.stop();
        await database.close();
      }
      output.stdout.write(`${report(result)}\n`);
      // exitCode, not exit(): the output is flushed and the caller (or a test) decides when to stop.
      if (!result.ok) process.exitCode = TAMPERED;
    });
  return audit;
}

function anchorOf(options: { anchorSeq?: string; anchorHash?: string }): AuditAnchor | undefined {
  if (options.anchorSeq === undefined && options.anchorHash === undefined) return undefined;
  if (options.anchorSeq === undefined || options.anchorHash === undefined) {
    throw new ValidationError('audit.anchor_invalid', [
      { pointer: options.anchorSeq === undefined ? '/anchor/seq' : '/anchor/hash', reason: 'required' },
    ]);
  }
  // Number('') and Number('1e3') are numbers too: only digits are a seq.
  const seq = /^\d+$/.test(options.anchorSeq) ? Number(options.anchorSeq) : Number.NaN;
  return { seq, hash: options.anchorHash.toLowerCase() };
}

function report(result: AuditVerification): string {
  if (result.ok) {
    const params = { checked: result.checked, seq: result.head.seq, hash: result.head.hash };
    return bilingual('audit.verify.intact', params);
  }
  const { seq, reason } = result.firstBad;
  return `${bilingual('audit.verify.tampered', { seq, reason })}\n${bilingual(`audit.verify.${reason}`, {})}`;
}
