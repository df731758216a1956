import { UpdateThrottle } from './update-throttle';

describe('update throttle', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends the first change at once, folds a burst into one trailing update per interval, per resource', () => {
    const sent: string[] = [];
    let now = 0;
    const throttle = new UpdateThrottle(1000, (uri) => sent.push(`${uri}@${now}`), () => now);
    throttle.changed('a');
    for (let i = 0; i < 100; i++) throttle.changed('a');
    throttle.changed('b');
    expect(sent).toEqual(['a@0', 'b@0']);
    now = 1000;
    jest.advanceTimersByTime(1000);
    expect(sent).toEqual(['a@0', 'b@0', 'a@1000']);
    now = 1500;
    throttle.changed('a');
    now = 2000;
    jest.advanceTimersByTime(500);
    expect(sent).toEqual(['a@0', 'b@0', 'a@1000', 'a@2000']);
    now = 5000;
    throttle.changed('a');
    expect(sent.at(-1)).toBe('a@5000');
  });

  it('sends nothing after stop, pending updates included', () => {
    const sent: string[] = [];
    let now = 0;
    const throttle = new UpdateThrottle(1000, (uri) => sent.push(uri), () => now);
    throttle.changed('a');
    throttle.changed('a');
    throttle.stop();
    now = 2000;
    jest.advanceTimersByTime(2000);
    throttle.changed('a');
    expect(sent).toEqual(['a']);
  });
});
