import { checkPublish, type PublishLimits, type PublishRequest } from './publish-policy';

const limits: PublishLimits = { allowTopics: ['cmd/+/set', 'lights/#'], maxPayloadBytes: 16, maxQos: 1, allowRetain: false };
const request = (over: Partial<PublishRequest>): PublishRequest => ({ topic: 'cmd/pump-1/set', payload: 'on', qos: 0, retain: false, ...over });
const kindOf = (over: Partial<PublishRequest>, custom: PublishLimits = limits): string | undefined => {
  try {
    checkPublish(request(over), custom);
    return undefined;
  } catch (error) {
    return (error as { kind: string }).kind;
  }
};

describe('publish policy', () => {
  it('allows a topic that a "+" filter matches at exactly that level', () => {
    expect(kindOf({ topic: 'cmd/pump-1/set' })).toBeUndefined();
    expect(kindOf({ topic: 'cmd//set' })).toBeUndefined();
    expect(kindOf({ topic: 'cmd/pump-1/extra/set' })).toBe('forbidden');
    expect(kindOf({ topic: 'cmd/pump-1' })).toBe('forbidden');
    expect(kindOf({ topic: 'cmd/pump-1/set/' })).toBe('forbidden');
  });

  it('allows everything under a "#" filter, its parent level included, and nothing beside it', () => {
    expect(kindOf({ topic: 'lights' })).toBeUndefined();
    expect(kindOf({ topic: 'lights/hall/on' })).toBeUndefined();
    expect(kindOf({ topic: 'lightsout' })).toBe('forbidden');
    expect(kindOf({ topic: 'Lights/hall' })).toBe('forbidden');
  });

  it('refuses wildcards in the topic itself: a publish goes to one topic', () => {
    expect(kindOf({ topic: 'cmd/+/set' })).toBe('invalid_arguments');
    expect(kindOf({ topic: 'lights/#' })).toBe('invalid_arguments');
    expect(kindOf({ topic: '' })).toBe('invalid_arguments');
  });

  it('never publishes to $ topics, even under an allowlist of "#" or one naming $SYS', () => {
    const open = { ...limits, allowTopics: ['#', '$SYS/#'] };
    expect(kindOf({ topic: '$SYS/broker/uptime' }, open)).toBe('forbidden');
    expect(kindOf({ topic: '$share/g/x' }, open)).toBe('forbidden');
    expect(kindOf({ topic: 'a/$SYS' }, open)).toBeUndefined();
  });

  it('refuses everything with an empty allowlist', () => {
    expect(kindOf({}, { ...limits, allowTopics: [] })).toBe('forbidden');
  });

  it('caps the payload in UTF-8 bytes, not characters', () => {
    expect(kindOf({ payload: 'x'.repeat(16) })).toBeUndefined();
    expect(kindOf({ payload: 'x'.repeat(17) })).toBe('invalid_arguments');
    expect(kindOf({ payload: 'é'.repeat(9) })).toBe('invalid_arguments');
  });

  it('refuses a QoS above the cap and a retain flag that is not allowed, rather than lowering them', () => {
    expect(kindOf({ qos: 1 })).toBeUndefined();
    expect(kindOf({ qos: 2 })).toBe('forbidden');
    expect(kindOf({ retain: true })).toBe('forbidden');
    expect(kindOf({ retain: true }, { ...limits, allowRetain: true })).toBeUndefined();
  });
});
