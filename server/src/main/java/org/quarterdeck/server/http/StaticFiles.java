package org.quarterdeck.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web pages: {@code /} (player), {@code /facilitator}, {@code /replay/SESSION_ID}, static files
 * under {@code /assets/...} (from {@code web/assets} on the classpath), WebJars under {@code
 * /assets/webjars/...} (from {@code META-INF/resources/webjars}). Paths are matched segment by
 * segment against a strict alphabet, so {@code ..}, encoded slashes and backslashes never reach the
 * class loader.
 */
final class StaticFiles {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}");

  /**
   * Only files that exist are cached, so the cache is bounded by what the jar holds; a miss is
   * looked up again each time (cheap) instead of being remembered: remembering misses let a client
   * fill the heap with distinct unknown names.
   */
  private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

  private static final String WEB_FOLDER = "web/";
  private static final String WEBJARS_FOLDER = "META-INF/resources/webjars/";

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "json", "application/json",
          "map", "application/json");

  private StaticFiles() {}

  /** Files held in memory (for tests of the bound). */
  static int cachedFiles() {
    return CACHE.size();
  }

  /** Answers the request if it is for a page or a static file; false when not ours. */
  static boolean handle(
      ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query) {
    String path = query.path();
    if (path.equals("/") || path.equals("/index.html")) {
      return serve(ctx, request, "web/player.html", "no-cache");
    }
    if (path.equals("/facilitator") || path.equals("/facilitator/")) {
      return serve(ctx, request, "web/facilitator.html", "no-cache");
    }
    if (path.startsWith("/replay/")) {
      String id = path.substring("/replay/".length());
      return SEGMENT.matcher(id).matches() && serve(ctx, request, "web/replay.html", "no-cache");
    }
    if (path.startsWith("/assets/webjars/")) {
      String rest = safe(path.substring("/assets/webjars/".length()));
      // WebJar paths carry the version, so they never change.
      return rest != null
          && serve(
              ctx,
              request,
              "META-INF/resources/webjars/" + rest,
              "public, max-age=31536000, immutable");
    }
    if (path.startsWith("/assets/")) {
      String rest = safe(path.substring("/assets/".length()));
      return rest != null && serve(ctx, request, "web/assets/" + rest, "public, max-age=300");
    }
    return false;
  }

  /** The relative path if every segment is plain, else null. */
  static String safe(String relative) {
    if (relative.isEmpty() || relative.length() > 300) {
      return null;
    }
    for (String segment : relative.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches() || segment.contains("..")) {
        return null;
      }
    }
    return relative;
  }

  static String contentType(String resource) {
    int dot = resource.lastIndexOf('.');
    String ext = dot < 0 ? "" : resource.substring(dot + 1);
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }

  private static boolean serve(
      ChannelHandlerContext ctx, FullHttpRequest request, String resource, String cacheControl) {
    byte[] bytes = CACHE.get(resource);
    if (bytes == null) {
      Optional<byte[]> loaded = load(resource);
      if (loaded.isEmpty()) {
        return false;
      }
      bytes = loaded.get();
      CACHE.putIfAbsent(resource, bytes);
    }
    write(ctx, request, HttpResponseStatus.OK, contentType(resource), bytes, cacheControl);
    return true;
  }

  private static Optional<byte[]> load(String resource) {
    if (resource.startsWith(WEB_FOLDER)) {
      return Folders.WEB.read(resource.substring(WEB_FOLDER.length()));
    }
    if (resource.startsWith(WEBJARS_FOLDER)) {
      return Folders.WEBJARS.read(resource.substring(WEBJARS_FOLDER.length()));
    }
    throw new IllegalArgumentException("not a web resource: " + resource);
  }

  /** Found on first use, after the class path is complete. */
  private static final class Folders {
    static final ClasspathFolder WEB = ClasspathFolder.of(loader(), WEB_FOLDER);
    static final ClasspathFolder WEBJARS = ClasspathFolder.of(loader(), WEBJARS_FOLDER);

    private static ClassLoader loader() {
      return StaticFiles.class.getClassLoader();
    }
  }

  static void write(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      HttpResponseStatus status,
      String contentType,
      byte[] bytes,
      String cacheControl) {
    boolean head = HttpMethod.HEAD.equals(request.method());
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .set(HttpHeaderNames.CACHE_CONTROL, cacheControl)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    SecurityHeaders.apply(response.headers());
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpUtil.setKeepAlive(response, keepAlive);
    ChannelFuture written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
