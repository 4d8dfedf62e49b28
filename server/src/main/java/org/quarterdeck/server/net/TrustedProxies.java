package org.quarterdeck.server.net;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The addresses whose connections begin with a PROXY protocol header (HAProxy's {@code send-proxy}
 * or {@code send-proxy-v2}) naming the real client, as {@code --trusted-proxies
 * 10.0.0.0/8,::1/128}. Only these may name a client: from anyone else the header would let a client
 * pick the address its limits are counted against.
 */
public final class TrustedProxies {
  private static final Predicate<InetAddress> NO_PEERS = a -> false;
  private static final TrustedProxies NONE = new TrustedProxies(List.of(), "", NO_PEERS);

  private final List<Block> blocks;
  private final String text;
  private final Predicate<InetAddress> peers;

  private record Block(byte[] network, int prefix) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int whole = prefix / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[whole] & mask) == (network[whole] & mask);
    }
  }

  private TrustedProxies(List<Block> blocks, String text, Predicate<InetAddress> peers) {
    this.blocks = blocks;
    this.text = text;
    this.peers = peers;
  }

  /**
   * The same, and also the other nodes of a cluster ({@code peers}, which may change): a connection
   * from a peer may begin with a PROXY header (a relayed client's) or not (an export fetched from
   * this node, a client on the same host), see {@link #peer}.
   */
  public TrustedProxies withPeers(Predicate<InetAddress> peers) {
    return new TrustedProxies(blocks, text, requireNonNull(peers, "peers"));
  }

  /** No proxy trusted (the default): every connection's own address counts. */
  public static TrustedProxies none() {
    return NONE;
  }

  /**
   * Parses {@code CIDR,CIDR,...}; a bare address is its own /32 or /128. Only literal addresses are
   * accepted (no name lookups).
   *
   * @throws IllegalArgumentException naming the entry that is not an address or block
   */
  public static TrustedProxies parse(String cidrs) {
    requireNonNull(cidrs, "cidrs");
    List<Block> blocks = new ArrayList<>();
    for (String raw : cidrs.split(",")) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      int slash = entry.indexOf('/');
      String host = slash < 0 ? entry : entry.substring(0, slash);
      if (!host.matches("[0-9a-fA-F:.]+")) {
        throw new IllegalArgumentException("trusted proxy '" + entry + "' is not an IP address");
      }
      byte[] network;
      try {
        network = InetAddress.getByName(host).getAddress();
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("trusted proxy '" + entry + "' is not an IP address");
      }
      int prefix = network.length * 8;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(entry.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > network.length * 8) {
          throw new IllegalArgumentException(
              "trusted proxy '" + entry + "': prefix must be 0.." + network.length * 8);
        }
      }
      blocks.add(new Block(network, prefix));
    }
    return blocks.isEmpty()
        ? NONE
        : new TrustedProxies(List.copyOf(blocks), cidrs.strip(), NO_PEERS);
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  /** True when connections from {@code remote} must start with a PROXY header. */
  public boolean trusts(SocketAddress remote) {
    if (blocks.isEmpty()
        || !(remote instanceof InetSocketAddress inet)
        || inet.getAddress() == null) {
      return false;
    }
    byte[] address = inet.getAddress().getAddress();
    for (Block b : blocks) {
      if (b.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when {@code remote} is another node of the cluster (and not a trusted proxy, whose header
   * is required): its connection is read with or without a PROXY header ({@link PeerProxyHeader}).
   */
  public boolean peer(SocketAddress remote) {
    return remote instanceof InetSocketAddress inet
        && inet.getAddress() != null
        && !trusts(remote)
        && peers.test(inet.getAddress());
  }

  @Override
  public String toString() {
    return text;
  }
}
