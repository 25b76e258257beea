import { describe, expect, it } from 'vitest';
import { eventType, parseEventType } from './event-type.js';

describe('CloudEvents types of standard versions', () => {
  it('names a standard version and reads it back', () => {
    expect(eventType('population-basic', 1)).toBe('huitong.population-basic.v1');
    expect(parseEventType('huitong.population-basic.v1')).toEqual({ code: 'population-basic', version: 1 });
    expect(parseEventType(eventType('geo-feature', 12))).toEqual({ code: 'geo-feature', version: 12 });
  });

  it('has one spelling per type: everything else names nothing', () => {
    for (const type of [
      'huitong.population-basic.v0',
      'huitong.population-basic.v01',
      'huitong.Population-basic.v1',
      'huitong.population--basic.v1',
      'huitong.population-basic.v1.extra',
      'huitong.population-basic',
      'org.example.population-basic.v1',
      'huitong.population-basic.v99999999',
      '',
    ]) {
      expect(parseEventType(type), type).toBeNull();
    }
  });

  it('refuses to name a malformed standard or version', () => {
    expect(() => eventType('Population', 1)).toThrow(RangeError);
    expect(() => eventType('population-basic', 0)).toThrow(RangeError);
    expect(() => eventType('population-basic', 1.5)).toThrow(RangeError);
  });
});
