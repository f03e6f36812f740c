import escapeHtml from 'escape-html';

/** HTML already escaped (or built by `html`), so `html` does not escape it twice. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

type Interpolation = string | number | null | undefined | false | SafeHtml | Interpolation[];

function render(v: Interpolation): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

/** Tagged template that escapes every interpolated value unless it is SafeHtml: templates cannot inject markup. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0];
  values.forEach((v, i) => (out += render(v) + strings[i + 1]));
  return new SafeHtml(out);
}

/** JSON inside <script>: no "</script>", "<!--" or U+2028/9 in a value can end or confuse the element. */
export const jsonForScript = (value: unknown) =>
  new SafeHtml(
    JSON.stringify(value)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029'),
  );

export function page(opts: { title: string; head?: SafeHtml; body: SafeHtml; lang?: string; bodyClass?: string }): string {
  return `<!doctype html>
${
  html`<html lang="${opts.lang ?? 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/femto.css">
${opts.head ?? ''}
</head>
<body${opts.bodyClass ? html` class="${opts.bodyClass}"` : ''}>
<header class="site"><a href="/" class="brand">femto</a><nav><a href="/">Search</a> <a href="/docs">API</a> <a href="/graphiql">GraphiQL</a></nav></header>
<main>
${opts.body}
</main>
</body>
</html>`.value
}`;
}
