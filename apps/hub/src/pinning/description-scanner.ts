/**
 * Finds what a definition's text says to the model rather than to the user: instructions that
 * override the client's, steer the model to other tools, ask for secrets or send data elsewhere,
 * and characters a reviewer cannot see. The rules are written for this hub (in the spirit of the
 * tool-poisoning findings published by Invariant Labs, 2025); every pattern is linear.
 */

/** Characters a reviewer cannot see but a model reads; the same class as the kit's `strip-invisible.ts` (the hub does not import the kit). */
const INVISIBLE = /[\0-\x08\v\f\x0E-\x1F\x7F-\x9F\p{Cf}\p{Default_Ignorable_Code_Point}\p{Cs}\u2800]/u;

/** Longest description accepted without a finding: a tool needs a paragraph, not a manual to hide instructions in. */
export const MAX_DESCRIPTION_CHARS = 4000;

interface Rule {
  id: string;
  pattern: RegExp;
}

/** Rules for the text a model reads (descriptions and titles). */
const RULES: readonly Rule[] = [
  // "Ignore all previous instructions", "disregard the system prompt".
  { id: 'override_instructions', pattern: /\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:the\s+|your\s+)?(?:previous|prior|above|earlier|preceding|other|system|original)\s+(?:instructions|prompts?|messages|rules|directions|guidelines)/i },
  // Hiding the action from the person in front of the client.
  { id: 'conceal_from_user', pattern: /\b(?:do\s+not|don't|never)\s+(?:tell|inform|mention|reveal|show|notify|alert)\b[^.\n]{0,40}\buser/i },
  { id: 'conceal_from_user', pattern: /\bwithout\s+(?:telling|informing|notifying|alerting|asking)\s+the\s+user/i },
  // Markup that poses as a higher-priority channel (<IMPORTANT>, <system>).
  { id: 'instruction_markup', pattern: /<\/?(?:important|system|instructions?|secret|hidden)>/i },
  // Steering the model's use of other tools.
  { id: 'other_tool_imperative', pattern: /\b(?:before|after|instead\s+of)\s+(?:using|calling|invoking|running)\s+(?:any|every|all|other|another)\s+(?:other\s+)?tools?\b/i },
  { id: 'other_tool_imperative', pattern: /\b(?:do\s+not|don't|never)\s+(?:use|call|invoke)\s+(?:any\s+)?other\s+tools?\b/i },
  { id: 'other_tool_imperative', pattern: /\b(?:always|must)\s+(?:first\s+)?(?:call|use|invoke|run)\s+(?:the\s+)?(?:tool\s+)?[a-z][a-z0-9]*_[a-z0-9_]+/i },
  // Reading secrets.
  { id: 'secret_access', pattern: /~\/\.ssh|\bid_(?:rsa|ed25519|ecdsa)\b|\.aws\/credentials|\/etc\/(?:passwd|shadow)|\.npmrc\b|\.netrc\b|\bmcp\.json\b/i },
  {
    id: 'secret_access',
    pattern: /\b(?:read|include|send|share|pass|reveal|append|attach|copy|leak|print)\s+(?:the\s+|your\s+|all\s+|any\s+)?(?:user's\s+)?(?:api\s+keys?|passwords?|private\s+keys?|secrets|credentials|ssh\s+keys?|access\s+tokens?|session\s+cookies?)\b/i,
  },
  // Sending data elsewhere.
  { id: 'exfiltration', pattern: /\bexfiltrat/i },
  { id: 'exfiltration', pattern: /\b(?:send|post|upload|forward|transmit|copy)\s+(?:it|them|this|the\s+(?:data|contents?|results?|conversation|output))\s+to\s+(?:https?:\/\/|[\w.+-]+@|(?:an?\s+|the\s+)?(?:external|remote|attacker))/i },
];

/** Keys whose string values a model reads as prose. */
const PROSE_KEYS = new Set(['description', 'title']);

/** How deep the walk goes: schemas nest, but a definition nested deeper than this is itself suspect. */
const MAX_DEPTH = 32;

/** One finding: the rule, and where in the definition (`inputSchema.properties.q.description`). */
export interface ScanFinding {
  rule: string;
  path: string;
}

/**
 * Scans every string of `definition`: each for invisible characters, prose (descriptions and
 * titles, at any depth, so parameter descriptions in JSON Schemas too) for the rules above and
 * for length.
 */
export function scanDefinition(definition: unknown): ScanFinding[] {
  const findings: ScanFinding[] = [];
  walk(definition, '', false, 0, findings);
  return findings;
}

/** `rule at path` lines, as stored with a pending pin and printed by `mcp-hub tools diff`. */
export function describeFindings(findings: readonly ScanFinding[]): string[] {
  return findings.map((f) => `${f.rule} at ${f.path || '(root)'}`);
}

function walk(value: unknown, path: string, prose: boolean, depth: number, findings: ScanFinding[]): void {
  if (depth > MAX_DEPTH) {
    findings.push({ rule: 'too_deep', path });
    return;
  }
  if (typeof value === 'string') {
    scanText(value, path, prose, findings);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, `${path}[${i}]`, false, depth + 1, findings));
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      scanText(key, path ? `${path}.${key}` : key, false, findings);
      // Under `properties`, a key is a parameter name, not a keyword: a parameter named "description" is not prose.
      const isProse = PROSE_KEYS.has(key) && !path.endsWith('.properties') && path !== 'properties';
      walk(child, path ? `${path}.${key}` : key, isProse, depth + 1, findings);
    }
  }
}

function scanText(text: string, path: string, prose: boolean, findings: ScanFinding[]): void {
  if (INVISIBLE.test(text)) findings.push({ rule: 'invisible_characters', path });
  if (!prose) return;
  if (text.length > MAX_DESCRIPTION_CHARS) findings.push({ rule: 'oversized_text', path });
  const seen = new Set<string>();
  for (const rule of RULES) {
    if (!seen.has(rule.id) && rule.pattern.test(text)) {
      seen.add(rule.id);
      findings.push({ rule: rule.id, path });
    }
  }
}
