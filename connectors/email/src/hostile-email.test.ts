import fc from 'fast-check';
import MailComposer from 'nodemailer/lib/mail-composer';
import { hostileText, parseFences } from '@mcp-hub/connector-kit/testing';
import { startEmail, type EmailTestbed } from './testing/email-testbed';

/**
 * Hostile third-party text in real messages (built with nodemailer's composer, stored in the
 * Maildir, parsed on the way out): whatever a sender writes in the body, HTML part or subject,
 * the tools return no markup, no live image, no invisible character, and exactly one fence.
 */
describe('email against hostile senders', () => {
  let bed: EmailTestbed;
  beforeAll(async () => {
    bed = await startEmail();
  });
  afterAll(() => bed.stop());

  it('returns clean, fenced text for any body, HTML part and subject', async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, hostileText, hostileText, fc.boolean(), async (subject, body, html, htmlOnly) => {
        const source = await new MailComposer({
          from: 'Attacker <attacker@evil.test>',
          to: 'support@demo-shop.example',
          subject,
          ...(htmlOnly ? { html: `<p>${html}</p>` } : { text: body, html }),
          xMailer: false,
        })
          .compile()
          .build();
        const uid = await bed.deps.store.append('INBOX', source, []);
        const result = await bed.harness.callTool('get_message', { uid });
        const { message } = result.structuredContent as { message: { text: string; subject: string; from: string } };
        for (const shown of [message.text, message.subject]) {
          expect(shown).not.toMatch(/[<>\uFF1C\uFF1E\uFE64\uFE65]/);
          expect(shown).not.toContain('![');
          expect(shown).not.toMatch(/[\u200b\u202e\u061c\u3164\u2800\u0000\u0007\u001b\u009b]/);
        }
        const fences = parseFences((result.content[0] as { text: string }).text);
        expect(fences).toHaveLength(1);
        expect(fences[0]!.source).toBe(`email:INBOX:${uid}`);
      }),
      { numRuns: 40 },
    );
  });
});
