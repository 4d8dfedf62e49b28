package org.quarterdeck.client.cli;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.quarterdeck.client.ClientOptions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.client.bot.BotPlayer;
import org.quarterdeck.client.bot.ClientStrategies;
import org.quarterdeck.client.bot.ClientStrategy;
import org.quarterdeck.protocol.v1.FinalScore;
import org.quarterdeck.protocol.v1.Joined;
import org.quarterdeck.protocol.v1.SessionEnded;

/**
 * {@code bots}: fills seats of a session from outside, one connection per bot, and plays every
 * turn until the session ends. Exits 0 when every bot saw the end.
 */
public final class BotsCommand {
  public static final String USAGE = """
      bots --server URL --join CODE --count N --strategy %s [--seed N] [--name PREFIX] [--json]
        Each bot joins as PREFIX-i (default "bot-i") and plays until the session ends."""
      .formatted(ClientStrategies.NAMES);

  private BotsCommand() {}

  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    Args a;
    ClientStrategy probe;
    try {
      a = Args.parse(args, Set.of("server", "join", "count", "strategy", "seed", "name"),
          Set.of("json"));
      a.require("server");
      a.require("join");
      a.getInt("count", 1, 1, 1000);
      probe = ClientStrategies.parse(a.require("strategy"));
    } catch (Args.UsageException | IllegalArgumentException e) {
      err.println("bots: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    URI server = URI.create(a.require("server"));
    int count = a.getInt("count", 1, 1, 1000);
    long seed = a.getLong("seed", 1);
    String prefix = a.get("name").orElse("bot");
    ClientOptions options = ClientOptions.defaults().withJson(a.isSet("json"));
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(
        Math.min(4, Runtime.getRuntime().availableProcessors()), NioIoHandler.newFactory());
    List<QuarterdeckClient> clients = new ArrayList<>();
    List<BotPlayer> bots = new ArrayList<>();
    List<String> names = new ArrayList<>();
    int failures = 0;
    try {
      for (int i = 1; i <= count; i++) {
        String name = prefix + "-" + i;
        try {
          QuarterdeckClient client = QuarterdeckClient.connect(server, options, group, null)
              .get(15, TimeUnit.SECONDS);
          clients.add(client);
          client.hello().get(15, TimeUnit.SECONDS);
          BotPlayer bot = new BotPlayer(client, ClientStrategies.parse(probe.name()),
              seed * 1_000_003L + i, line -> out.println(name + ": " + line));
          Joined joined = bot.join(a.require("join"), name).get(15, TimeUnit.SECONDS);
          out.println(name + " joined team " + (joined.getTeam() + 1) + " (strategy "
              + probe.name() + ")");
          bots.add(bot);
          names.add(name);
        } catch (ExecutionException | TimeoutException e) {
          err.println(name + ": " + Views.refusal(e));
          failures++;
        }
      }
      out.println(bots.size() + " bot(s) seated; they play every turn until the session ends.");
      for (int i = 0; i < bots.size(); i++) {
        BotPlayer bot = bots.get(i);
        try {
          SessionEnded ended = bot.finished().get();
          FinalScore score = ended.getScoresList().stream()
              .filter(s -> s.getTeam() == bot.team()).findFirst().orElse(null);
          out.println(names.get(i) + " (team " + (bot.team() + 1) + ") played "
              + bot.turnsPlayed() + " turn(s); final score "
              + (score == null ? "?" : String.format(Locale.ROOT, "%.1f", score.getScore())));
        } catch (ExecutionException e) {
          err.println(names.get(i) + ": " + Views.refusal(e));
          failures++;
        }
      }
      out.println("The session has ended.");
      return failures == 0 ? 0 : 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      clients.forEach(QuarterdeckClient::close);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
  }

}
