import fp from 'fastify-plugin';
import helmet from 'helmet';

/** sha256 of the <style> element in Swagger UI's logo (test/security/html-headers.test.ts fails in Chromium if it changes). */
const SWAGGER_UI_LOGO_STYLE = 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w=';

/**
 * Security headers on every answer (helmet), written for the HTML pages (landing pages,
 * portal, tombstones, GraphiQL, /docs): a Content-Security-Policy that runs only scripts and styles
 * served by femto itself (no inline script or style anywhere), no framing, no MIME sniffing, no
 * Referer to other sites. JSON-LD embedded in landing pages is a data block, which CSP does not run.
 */
export default fp(
  async (app, opts: { baseUrl: string }) => {
    const https = opts.baseUrl.startsWith('https:');
    // Built once: @fastify/helmet built helmet's middleware (parsing every CSP directive) again for each request. Helmet throws
    // its errors (since 8.1), it never passes them on.
    const setHeaders = helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          scriptSrcAttr: ["'none'"],
          // The one inline style anything femto serves applies: Swagger UI's logo (an SVG <style> its bundle inserts on /docs).
          styleSrc: ["'self'", `'${SWAGGER_UI_LOGO_STYLE}'`],
          // GraphiQL and Swagger UI draw their icons from data: URIs.
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          // Upgrading requests on a plain-HTTP deployment (a laptop, a test) would break every page.
          ...(https ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      hsts: https ? { maxAge: 31_536_000 } : false,
      // Public metadata: other sites and harvesters may load it.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    });
    app.addHook('onRequest', (request, reply, done) => setHeaders(request.raw, reply.raw, () => done()));
  },
  { name: 'security-headers' },
);
