import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig: HUITONG_NATS_NAME', () => {
  it('names the JetStream objects huitong unless told otherwise', () => {
    expect(loadConfig({}).natsName).toBe('huitong');
    expect(loadConfig({ HUITONG_NATS_NAME: 'huitong-staging_2' }).natsName).toBe('huitong-staging_2');
  });

  it('refuses a name NATS could not take in a stream name or subject, naming the variable', () => {
    for (const bad of ['Huitong', 'hui.tong', 'hui tong', '9huitong', 'a'.repeat(33), 'hui>']) {
      expect(() => loadConfig({ HUITONG_NATS_NAME: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ HUITONG_NATS_NAME: bad })).toThrow(/HUITONG_NATS_NAME/);
    }
  });
});
