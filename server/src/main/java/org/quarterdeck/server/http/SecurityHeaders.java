package org.quarterdeck.server.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The headers every HTTP answer carries, and the stricter ones of the web pages. The pages load
 * scripts and styles only from this server (uPlot from its WebJar), talk to {@code /ws} on the same
 * origin and may not be framed, so a hostile page can neither inject script nor overlay the
 * facilitator's buttons (clickjacking).
 */
final class SecurityHeaders {
  /**
   * 'self' in connect-src covers ws:// and wss:// to the same host and port (CSP level 3); the QR
   * code is an {@code <img>} from /qr. No 'unsafe-inline': the pages have no inline script or style
   * attribute (the scripts set styles through the DOM, which CSP allows).
   */
  static final String PAGE_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; "
          + "img-src 'self' data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; "
          + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private SecurityHeaders() {}

  /**
   * For every answer: no content sniffing (a 404 that echoes a path stays text) and no referrer.
   */
  static void common(HttpHeaders headers) {
    headers.set("X-Content-Type-Options", "nosniff").set("Referrer-Policy", "no-referrer");
  }

  /** For the HTML pages. */
  static void page(HttpHeaders headers) {
    common(headers);
    headers
        .set("Content-Security-Policy", PAGE_POLICY)
        .set("X-Frame-Options", "DENY")
        .set("Cross-Origin-Opener-Policy", "same-origin");
  }

  static boolean isPage(CharSequence contentType) {
    return contentType.toString().startsWith("text/html");
  }

  static void apply(HttpHeaders headers) {
    String type = headers.get(HttpHeaderNames.CONTENT_TYPE, "");
    if (isPage(type)) {
      page(headers);
    } else {
      common(headers);
    }
  }
}
