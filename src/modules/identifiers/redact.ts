/**
 * A registrar's error may echo the request it refused, credentials included. What femto keeps and
 * shows of it passes through here: HTTP Basic and Bearer credentials, `password=`-style pairs
 * (query strings, forms, JSON), and the configured password itself in every form it travels in
 * (as is, URL-encoded, inside the base64 of Basic credentials) are replaced.
 */
export function credentialRedactor(secrets: { user?: string; password?: string }): (text: string) => string {
  const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const { user, password } = secrets;
  const forms = password
    ? [password, encodeURIComponent(password), Buffer.from(`${user ?? ''}:${password}`).toString('base64'), Buffer.from(password).toString('base64')]
    : [];
  // Longest first, so a form containing another is replaced whole.
  const secretsPattern = forms.length
    ? new RegExp(
        [...new Set(forms)]
          .sort((a, b) => b.length - a.length)
          .map(literal)
          .join('|'),
        'g',
      )
    : undefined;
  return (text) => {
    let out = text
      .replace(/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]+/gi, '$1 [redacted]')
      .replace(/("?(?:password|passwd|pwd|secret|token|api[_-]?key)"?\s*[:=]\s*"?)[^"&\s,;}]+/gi, '$1[redacted]');
    if (secretsPattern) out = out.replace(secretsPattern, '[redacted]');
    return out;
  };
}
