package org.quarterdeck.client.load.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.quarterdeck.client.load.NativeIo;
import picocli.CommandLine;

/**
 * Benchmark code, not part of the product: a bare Netty WebSocket server at {@code /ws} that sends
 * every binary frame back as it came. The load generator drives it with the same frames as the game
 * server to measure the ceiling of WebSocket framing on the same machine; a SubmitDecision sent
 * back parses as a DecisionAccepted with the same request id (both are field 30 of their envelope),
 * so the generator needs no special case.
 */
public final class EchoServer implements AutoCloseable {
  static final String HTTP = "http";
  static final String HTTP_AGGREGATOR = "http-aggregator";
  static final String WEBSOCKET = "websocket";
  static final String ECHO = "echo";

  private final EventLoopGroup boss = NativeIo.group(1);
  private final EventLoopGroup workers;
  private final Channel channel;

  private EchoServer(InetSocketAddress bind, int threads) throws InterruptedException {
    workers = NativeIo.group(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    channel =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NativeIo.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 4096)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ChannelPipeline p = ch.pipeline();
                    p.addLast(HTTP, new HttpServerCodec());
                    p.addLast(HTTP_AGGREGATOR, new HttpObjectAggregator(8192));
                    p.addLast(
                        WEBSOCKET, new WebSocketServerProtocolHandler("/ws", null, false, 65536));
                    p.addLast(ECHO, Echo.INSTANCE);
                  }
                })
            .bind(bind)
            .sync()
            .channel();
  }

  /**
   * Starts an echo server; port 0 picks a free port. {@code threads} 0 means one per core, as the
   * Quarterdeck server.
   */
  public static EchoServer start(InetSocketAddress bind, int threads) throws InterruptedException {
    return new EchoServer(bind, threads);
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  /** {@code EchoServer [--bind 127.0.0.1] [--port 9090] [--threads 0]}: runs until killed. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new Command()).execute(args));
  }

  /** The echo server's command line. */
  @CommandLine.Command(name = "echo-server", mixinStandardHelpOptions = true)
  public static final class Command implements Callable<Integer> {
    @CommandLine.Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS")
    private String bind;

    @CommandLine.Option(names = "--port", defaultValue = "9090", paramLabel = "PORT")
    private int port;

    @CommandLine.Option(names = "--threads", defaultValue = "0", paramLabel = "N")
    private int threads;

    @Override
    public Integer call() throws InterruptedException {
      EchoServer server = start(new InetSocketAddress(bind, port), threads);
      System.out.println(
          "echo server at ws://"
              + bind
              + ":"
              + server.port()
              + "/ws (pid "
              + ProcessHandle.current().pid()
              + ")");
      System.out.flush();
      server.channel.closeFuture().sync();
      return 0;
    }
  }

  /** Writes each binary frame back; flushes once per read burst. */
  @ChannelHandler.Sharable
  static final class Echo extends SimpleChannelInboundHandler<BinaryWebSocketFrame> {
    static final Echo INSTANCE = new Echo();

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, BinaryWebSocketFrame frame) {
      ctx.write(frame.retain());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }
  }
}
