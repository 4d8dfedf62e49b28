package org.quarterdeck.server.cli;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where people reach the server: the operator's {@code --public-url}; else, when the server is
 * bound to every interface (0.0.0.0 or ::), the HTTP URL on each network address of the machine (a
 * phone cannot open "0.0.0.0"); else the bound address itself.
 */
final class PublicUrl {
  private PublicUrl() {}

  /** Checks an operator's URL: http or https, a host, no path beyond "/". */
  static String parse(String flagValue) {
    try {
      URI uri = new URI(flagValue.strip());
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null
          || !(uri.getRawPath() == null
              || uri.getRawPath().isEmpty()
              || uri.getRawPath().equals("/"))
          || uri.getRawQuery() != null) {
        throw new IllegalArgumentException(
            "--public-url must look like http://HOST[:PORT] or"
                + " https://HOST[:PORT], was '"
                + flagValue
                + "'");
      }
      String text = uri.toString();
      return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--public-url is not a URL: " + e.getMessage());
    }
  }

  /** The URLs to print and to tell pages, best first; never empty. */
  static List<String> candidates(String configured, InetSocketAddress bound, String boundUrl) {
    if (configured != null) {
      return List.of(configured);
    }
    if (!bound.getAddress().isAnyLocalAddress()) {
      return List.of(boundUrl);
    }
    List<String> urls = new ArrayList<>();
    for (InetAddress address : networkAddresses()) {
      String host = address.getHostAddress();
      int zone = host.indexOf('%');
      if (zone >= 0) {
        continue; // link-local IPv6 with a zone: browsers cannot open it
      }
      urls.add("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort());
    }
    if (urls.isEmpty()) {
      urls.add("http://127.0.0.1:" + bound.getPort());
    }
    return urls;
  }

  /** Non-loopback addresses of interfaces that are up; IPv4 first (what phones type). */
  private static List<InetAddress> networkAddresses() {
    List<InetAddress> v4 = new ArrayList<>();
    List<InetAddress> v6 = new ArrayList<>();
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!ni.isUp() || ni.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
          if (a.isLoopbackAddress() || a.isLinkLocalAddress()) {
            continue;
          }
          (a instanceof Inet4Address ? v4 : v6).add(a);
        }
      }
    } catch (SocketException e) {
      return List.of();
    }
    v4.addAll(v6);
    return v4;
  }
}
