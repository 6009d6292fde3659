// describe() (lib/errors.ts) builds the "but received ..." part of every error message, so it
// must answer for any value a caller can pass: a message that throws its own error instead
// ("Cannot convert a Symbol value to a string") hides which argument was wrong.
import { describe as group, expect, it } from 'vitest';

import { roiAlignSync } from '../../lib/index.js';
import { describe } from '../../lib/internal.js';

const revoked = (() => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
})();
const throwingTraps = new Proxy(
  {},
  {
    get() {
      throw new Error('get trap');
    },
    getPrototypeOf() {
      throw new Error('getPrototypeOf trap');
    },
  },
);
const throwingGetter = Object.defineProperty({}, 'constructor', {
  get() {
    throw new Error('getter');
  },
});

group('describe', () => {
  it.each([
    ['constructor.name a Symbol', { constructor: { name: Symbol('x') } }, 'Object (object)'],
    ['constructor.name a number', { constructor: { name: 7 } }, 'Object (object)'],
    ['constructor.name a forged line', { constructor: { name: 'A\nroi-ops batch: done' } }, 'Object (object)'],
    ['constructor.name 10,000 letters', { constructor: { name: 'a'.repeat(10_000) } }, 'Object (object)'],
    ['a constructor getter that throws', throwingGetter, 'an object that cannot be inspected (object)'],
    ['a null prototype', Object.create(null), 'Object (object)'],
    ['a revoked Proxy', revoked, 'an object that cannot be inspected (object)'],
    ['a Proxy whose traps throw', throwingTraps, 'an object that cannot be inspected (object)'],
    ['a symbol', Symbol('s'), 'a symbol'],
    ['a class instance', new (class Anchor {})(), 'Anchor (object)'],
    ['a Float32Array', new Float32Array(3), 'Float32Array(3)'],
    ['a long bigint', 10n ** 100n, `1${'0'.repeat(39)}... (101 digits) (bigint)`],
  ])('%s', (_, value, expected) => {
    expect(describe(value)).toBe(expected);
  });

  it('through the API: an option whose constructor.name is a Symbol gives a TypeError naming the option', () => {
    const input = { data: new Float32Array(16), shape: [1, 1, 4, 4] };
    const boxes = { data: Float32Array.from([0, 0, 0, 2, 2]), shape: [1, 5] };
    const call = () => roiAlignSync(input, boxes, { outputSize: { constructor: { name: Symbol() } } as never });
    expect(call).toThrow(TypeError);
    expect(call).toThrow(/^roiAlignSync: expected .* for options\.outputSize but received Object \(object\)$/);
  });
});
