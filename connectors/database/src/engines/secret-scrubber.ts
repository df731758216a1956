/** Anything shaped like `scheme://user:password@host`: the credential part is masked wherever it shows up. */
// The lookbehind starts a match only where a scheme can begin, so a long run of letters is scanned once, not once per letter.
const URL_CREDENTIALS = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/)([^\s:@/]+):([^\s@/]+)@/gi;
const PASSWORD_PAIR = /(password\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi;

/**
 * Removes a source's connection secrets from text (driver errors, log lines) before it leaves
 * the engine. Knows the exact URL and password, and masks anything URL- or password-shaped too.
 */
export class SecretScrubber {
  private readonly secrets: string[];

  constructor(connectionUrl?: string) {
    const secrets = new Set<string>();
    if (connectionUrl) {
      secrets.add(connectionUrl);
      try {
        const url = new URL(connectionUrl);
        if (url.password) {
          secrets.add(url.password);
          secrets.add(decodeURIComponent(url.password));
        }
      } catch {
        // not a URL: the whole string is the secret
      }
    }
    this.secrets = [...secrets].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  }

  scrub(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join('***');
    return result.replace(URL_CREDENTIALS, '$1$2:***@').replace(PASSWORD_PAIR, '$1***');
  }
}
