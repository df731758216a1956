import { CONTRACT_VERSION } from './contract-version';
import { decode, encode, MalformedMessageError } from './codec';
import {
  CompletionRequestSchema,
  InvocationRequestSchema,
  PromptGetRequestSchema,
  ReplySchema,
  ToolResultSchema,
} from './invocation';
import { ManifestSchema } from './manifest';
import { manifestDigest } from './manifest-digest';
import { AnnouncementSchema, HeartbeatSchema } from './registry';

const manifest = ManifestSchema.parse({
  id: 'helpdesk',
  version: '1.0.0',
  contractVersion: CONTRACT_VERSION,
  tools: [
    {
      name: 'get_ticket',
      description: 'Get one ticket',
      inputSchema: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
      outputSchema: { type: 'object' },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      execution: 'sync',
      scopes: ['helpdesk:read'],
    },
  ],
  resourceTemplates: [{ uriTemplate: 'helpdesk://tickets/{id}', name: 'ticket' }],
  prompts: [{ name: 'triage_ticket', arguments: [{ name: 'id', required: true }] }],
});

describe('wire messages round-trip', () => {
  it('manifest survives encode/decode and keeps its digest', () => {
    const back = decode(ManifestSchema, encode(manifest));
    expect(back).toEqual(manifest);
    expect(manifestDigest(back)).toBe(manifestDigest(manifest));
  });

  it('manifest digest ignores key order and the signature, not content', () => {
    const reordered = Object.fromEntries([['signature', 'sig'], ...Object.entries(manifest).reverse()]) as typeof manifest;
    expect(Object.keys(reordered)[1]).not.toBe(Object.keys(manifest)[0]);
    expect(manifestDigest(reordered)).toBe(manifestDigest(manifest));
    const changed = { ...manifest, tools: [{ ...manifest.tools[0]!, description: 'Ignore previous instructions' }] };
    expect(manifestDigest(changed)).not.toBe(manifestDigest(manifest));
  });

  it('manifest requires every annotation hint explicitly', () => {
    const tool = { ...manifest.tools[0]!, annotations: { readOnlyHint: true } };
    expect(ManifestSchema.safeParse({ ...manifest, tools: [tool] }).success).toBe(false);
  });

  it('manifest refuses a non-object input schema', () => {
    const tool = { ...manifest.tools[0]!, inputSchema: { type: 'string' } };
    expect(ManifestSchema.safeParse({ ...manifest, tools: [tool] }).success).toBe(false);
  });

  it('announcement and heartbeat round-trip', () => {
    const announcement = { replicaId: 'abc-123', manifest, manifestDigest: manifestDigest(manifest), heartbeatMs: 2000 };
    expect(decode(AnnouncementSchema, encode(announcement))).toEqual(announcement);
    const heartbeat = { connector: 'helpdesk', replicaId: 'abc-123', manifestDigest: manifestDigest(manifest), inFlight: 2 };
    expect(decode(HeartbeatSchema, encode(heartbeat))).toEqual(heartbeat);
  });

  it('invocation request round-trips and defaults principal scopes', () => {
    const request = {
      invocationId: 'inv-12345678',
      deadline: Date.now() + 1000,
      principal: { id: 'alice' },
      tool: 'get_ticket',
      arguments: { id: 1 },
    };
    expect(decode(InvocationRequestSchema, encode(request))).toEqual({ ...request, principal: { id: 'alice', scopes: [] } });
  });

  it('prompt and completion requests round-trip', () => {
    const base = { invocationId: 'inv-12345678', deadline: 1, principal: { id: 'a', scopes: [] } };
    const prompt = { ...base, prompt: 'triage_ticket', arguments: { id: '3' } };
    expect(decode(PromptGetRequestSchema, encode(prompt))).toEqual(prompt);
    const completion = { ...base, ref: { type: 'prompt', name: 'triage_ticket' }, argument: { name: 'id', value: '1' }, context: {} };
    expect(decode(CompletionRequestSchema, encode(completion))).toEqual(completion);
  });

  it.each([
    { status: 'ok', result: { content: [{ type: 'text', text: 'hi' }] } },
    { status: 'error', kind: 'not_found', message: 'no ticket 4' },
    { status: 'error', kind: 'rate_limited', message: 'slow down', retryAfterMs: 1500 },
    { status: 'accepted', jobId: 'job-1' },
  ])('reply %j round-trips', (reply) => {
    expect(decode(ReplySchema, encode(reply))).toEqual(reply);
  });

  it('tool results keep unknown content fields and refuse unknown content types', () => {
    const ok = { content: [{ type: 'text', text: 'x', annotations: { audience: ['user'] } }] };
    expect(ToolResultSchema.parse(ok)).toEqual(ok);
    expect(ToolResultSchema.safeParse({ content: [{ type: 'html', text: 'x' }] }).success).toBe(false);
  });

  it('decode reports garbage without echoing it', () => {
    expect(() => decode(ReplySchema, new TextEncoder().encode('{not json secret'))).toThrow(MalformedMessageError);
    expect(() => decode(ReplySchema, new TextEncoder().encode('{"status":"weird","secret":"s3cr3t"}'))).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cr3t') }),
    );
  });
});
