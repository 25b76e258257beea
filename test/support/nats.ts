/**
 * NATS for tests: the server named by HUITONG_TEST_NATS_URL (CI sets it; files that need NATS skip
 * without it), and names of a stream, subjects and consumer of one's own per test file, so files
 * running at once on one server never share work, and removed afterwards.
 */
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

export const testNatsUrl: string | undefined = process.env.HUITONG_TEST_NATS_URL || undefined;

export interface TestNatsNames {
  streamName: string;
  subjectPrefix: string;
  consumerName: string;
}

/** Fresh names for one test file (or one test). */
export function testNatsNames(): TestNatsNames {
  const suffix = randomBytes(5).toString('hex');
  return {
    streamName: `HUITONG_TEST_${suffix.toUpperCase()}`,
    subjectPrefix: `huitong.test.${suffix}`,
    consumerName: `huitong-test-${suffix}`,
  };
}

/** Deletes a test stream (and with it its consumers); a stream already gone is fine. */
export async function deleteTestStream(url: string, streamName: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(streamName).catch(() => false);
  } finally {
    await nc.close();
  }
}
