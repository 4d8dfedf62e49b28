package org.quarterdeck.client.cli;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.quarterdeck.client.ClientOptions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.client.bot.BotPlayer;
import org.quarterdeck.client.bot.SampleStrategies;
import org.quarterdeck.client.bot.SampleStrategy;
import org.quarterdeck.protocol.v1.FinalScore;
import org.quarterdeck.protocol.v1.Joined;
import org.quarterdeck.protocol.v1.SessionEnded;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bots}: fills seats of a session from outside, one connection per bot, and plays every turn
 * until the session ends. Exits 0 when every bot saw the end.
 */
@Command(name = "bots", mixinStandardHelpOptions = true, sortOptions = false)
final class BotsCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  private final PrintStream out;
  private final PrintStream err;

  @Option(names = "--server", required = true, paramLabel = "URL")
  private URI server;

  @Option(names = "--join", required = true, paramLabel = "CODE")
  private String join;

  @Option(names = "--count", defaultValue = "1", paramLabel = "N")
  private int count;

  @Option(
      names = "--strategy",
      required = true,
      paramLabel = "NAME",
      completionCandidates = StrategyNames.class)
  private String strategy;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "N")
  private long seed;

  @Option(names = "--name", defaultValue = "bot", paramLabel = "PREFIX")
  private String prefix;

  @Option(names = "--json")
  private boolean json;

  @Option(names = "--trust-cert", paramLabel = "FILE")
  private java.nio.file.Path trustCert;

  BotsCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** The sample strategies' names, for help and completion. */
  static final class StrategyNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.List.of(SampleStrategies.NAMES.split("\\|")).iterator();
    }
  }

  @Override
  public Integer call() {
    Ranges.check(spec, "--count", count, 1, 1000);
    Texts texts = Texts.of(spec);
    SampleStrategy probe;
    try {
      probe = SampleStrategies.parse(strategy);
    } catch (SampleStrategies.Refused e) {
      throw new ParameterException(
          spec.commandLine(),
          e.share()
              ? texts.say("bots.usage.share")
              : texts.say("bots.usage.strategy", strategy, SampleStrategies.NAMES));
    }
    ClientOptions options =
        ClientOptions.forPeople().withJson(json).withTrustCertificate(trustCert);
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            Math.min(4, Runtime.getRuntime().availableProcessors()), NioIoHandler.newFactory());
    List<QuarterdeckClient> clients = new ArrayList<>();
    List<BotPlayer> bots = new ArrayList<>();
    List<String> names = new ArrayList<>();
    int failures = 0;
    try {
      for (int i = 1; i <= count; i++) {
        String name = prefix + "-" + i;
        try {
          QuarterdeckClient client =
              QuarterdeckClient.connect(server, options, group, null).get(15, TimeUnit.SECONDS);
          clients.add(client);
          client.hello(texts.language()).get(15, TimeUnit.SECONDS);
          BotPlayer bot =
              new BotPlayer(
                  client,
                  SampleStrategies.parse(probe.name()),
                  seed * 1_000_003L + i,
                  new BotPlayer.Notes() {
                    @Override
                    public void goodbye(String reason) {
                      out.println(name + ": " + texts.say("bots.goodbye", reason));
                    }

                    @Override
                    public void notAccepted(int turn, String why) {
                      out.println(name + ": " + texts.say("bots.not-accepted", turn, why));
                    }
                  });
          Joined joined = bot.join(join, name).get(15, TimeUnit.SECONDS);
          out.println(texts.say("bots.joined", name, joined.getTeam() + 1, probe.name()));
          bots.add(bot);
          names.add(name);
        } catch (ExecutionException | TimeoutException e) {
          err.println(name + ": " + new Views(texts).refusal(e));
          failures++;
        }
      }
      out.println(texts.say("bots.seated", bots.size()));
      for (int i = 0; i < bots.size(); i++) {
        BotPlayer bot = bots.get(i);
        try {
          SessionEnded ended = bot.finished().get();
          FinalScore score =
              ended.getScoresList().stream()
                  .filter(s -> s.getTeam() == bot.team())
                  .findFirst()
                  .orElse(null);
          out.println(
              texts.say(
                  "bots.played",
                  names.get(i),
                  bot.team() + 1,
                  bot.turnsPlayed(),
                  score == null ? "?" : texts.number(score.getScore(), 1)));
        } catch (ExecutionException e) {
          err.println(names.get(i) + ": " + new Views(texts).refusal(e));
          failures++;
        }
      }
      out.println(texts.say("bots.ended"));
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
