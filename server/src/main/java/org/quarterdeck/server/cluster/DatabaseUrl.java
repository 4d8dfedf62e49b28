package org.quarterdeck.server.cluster;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where the cluster's database is, as an operator writes it: {@code
 * postgres://user:password@host:5432/database?sslmode=require} (or {@code postgresql://}, or a
 * {@code jdbc:postgresql://} URL as is).
 *
 * @param jdbcUrl the URL the JDBC driver takes, without the credentials
 * @param user null when the URL names none
 * @param password null when the URL names none
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {
  public DatabaseUrl {
    requireNonNull(jdbcUrl, "jdbcUrl");
  }

  /**
   * Reads an operator's URL.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static DatabaseUrl parse(String url) {
    requireNonNull(url, "url");
    String text = url.trim();
    if (text.startsWith("jdbc:postgresql:")) {
      return new DatabaseUrl(text, null, null);
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a database URL: " + e.getMessage());
    }
    if (!"postgres".equals(uri.getScheme()) && !"postgresql".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "a database URL starts with postgres://, was '" + redacted(text) + "'");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException(
          "the database URL names no host: '" + redacted(text) + "'");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String database = path.length() > 1 ? path.substring(1) : "postgres";
    if (database.contains("/")) {
      throw new IllegalArgumentException(
          "the database URL's path is one database name, was '" + path + "'");
    }
    int port = uri.getPort() == -1 ? 5432 : uri.getPort();
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    String host =
        uri.getHost().contains(":") && !uri.getHost().startsWith("[")
            ? "[" + uri.getHost() + "]"
            : uri.getHost();
    String jdbc =
        "jdbc:postgresql://"
            + host
            + ":"
            + port
            + "/"
            + database
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return new DatabaseUrl(jdbc, user, password);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /** The URL with any password replaced, for logs and error messages. */
  static String redacted(String url) {
    return url.replaceAll("(://[^:/@]*):[^@/]*@", "$1:***@");
  }

  /** Never shows the password (the record's default would). */
  @Override
  public String toString() {
    return jdbcUrl + (user == null ? "" : " as " + user);
  }
}
