package org.quarterdeck.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quarterdeck.server.testing.TestServer;

/** The page routes over plain HTTP: content types, caching, 404s and no directory traversal. */
class StaticFilesTest {
  @RegisterExtension static final TestServer server = TestServer.inMemory();
  static final HttpClient http = HttpClient.newHttpClient();

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.addresses().httpUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pagesAndAssetsHaveTheirTypes() throws Exception {
    for (String page : new String[] {"/", "/facilitator", "/replay/s-abc_DEF-1"}) {
      HttpResponse<String> r = get(page);
      assertEquals(200, r.statusCode(), page);
      assertEquals("text/html; charset=utf-8", r.headers().firstValue("content-type").orElse(""));
      assertEquals("no-cache", r.headers().firstValue("cache-control").orElse(""));
      assertTrue(r.body().contains("<html lang=\"en\">"), page);
    }
    HttpResponse<String> js = get("/assets/qd.js");
    assertEquals(200, js.statusCode());
    assertTrue(js.headers().firstValue("content-type").orElse("").startsWith("text/javascript"));
    assertTrue(js.headers().firstValue("cache-control").orElse("").contains("max-age"));
    assertTrue(
        get("/assets/style.css")
            .headers()
            .firstValue("content-type")
            .orElse("")
            .startsWith("text/css"));
    HttpResponse<String> uplot = get("/assets/webjars/uplot/1.6.30/dist/uPlot.iife.min.js");
    assertEquals(200, uplot.statusCode());
    assertTrue(uplot.headers().firstValue("cache-control").orElse("").contains("immutable"));
  }

  @Test
  void traversalAndUnknownPathsAre404() throws Exception {
    for (String path :
        new String[] {
          "/assets/../player.html",
          "/assets/%2e%2e/player.html",
          "/assets/..%2fplayer.html",
          "/assets/webjars/../../web/player.html",
          "/assets/webjars/%2e%2e/%2e%2e/logback.xml",
          "/assets/",
          "/assets/nope.js",
          "/assets/.hidden",
          "/assets/a\\b.js",
          "/replay/",
          "/replay/a/b",
          "/nope",
          "/assets/webjars/uplot/1.6.30/package.json/..",
          "/web/player.html"
        }) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(server.addresses().httpUrl() + path.replace("\\", "%5C")))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(404, r.statusCode(), path);
    }
  }

  @Test
  void qrCodesAreSvgWithASizeLimit() throws Exception {
    HttpResponse<String> r = get("/qr?text=http%3A%2F%2Fexample.org%2F%3Fcode%3DABC123");
    assertEquals(200, r.statusCode());
    assertEquals("image/svg+xml", r.headers().firstValue("content-type").orElse(""));
    assertTrue(r.body().startsWith("<svg"));
    assertEquals(400, get("/qr").statusCode());
    assertEquals(400, get("/qr?text=" + "a".repeat(600)).statusCode());
  }
}
