package org.quarterdeck.server.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.Locale;

/**
 * How the server does its network I/O: Linux's native epoll when its library loads (fewer system
 * calls and wake-ups per message), otherwise Java NIO, which works everywhere.
 */
public enum IoTransport {
  EPOLL,
  NIO;

  /** Epoll where it is available, else NIO. */
  public static IoTransport best() {
    return Epoll.isAvailable() ? EPOLL : NIO;
  }

  /** Parses a {@code --transport} value: {@code auto}, {@code epoll} or {@code nio}, any case. */
  public static IoTransport parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "auto" -> best();
      case "nio" -> NIO;
      case "epoll" -> {
        if (!Epoll.isAvailable()) {
          throw new IllegalArgumentException(
              "epoll is not available here: " + Epoll.unavailabilityCause().getMessage());
        }
        yield EPOLL;
      }
      default ->
          throw new IllegalArgumentException(
              "unknown transport '" + value + "': expected auto, epoll or nio");
    };
  }

  /** An event loop group of this transport; {@code threads} 0 means one per core. */
  public EventLoopGroup newGroup(int threads) {
    return new MultiThreadIoEventLoopGroup(
        threads > 0 ? threads : Runtime.getRuntime().availableProcessors(), handlers());
  }

  IoHandlerFactory handlers() {
    return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  /** The client socket of this transport (a relay to another node). */
  Class<? extends io.netty.channel.Channel> socketChannel() {
    return this == EPOLL
        ? io.netty.channel.epoll.EpollSocketChannel.class
        : io.netty.channel.socket.nio.NioSocketChannel.class;
  }

  Class<? extends ServerChannel> serverChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /** The spelling used on the command line. */
  public String flagValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
