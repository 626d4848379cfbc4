package io.cfs.repl.admin.tools.replication;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cfs admin replication throttle --peer SITE --rate 10MiB|off}. */
@Command(name = "throttle", mixinStandardHelpOptions = true,
    description = {"Limit the bytes per second the link to a peer puts on the wire (after compression), or lift the"
        + " limit with --rate off. Applies to the running link at once, without reconnecting; durable (survives"
        + " restarts) and wins over the peer's configured throttle until set again. Needs the token."})
final class ThrottleCommand extends AdminCall {
  @Option(names = "--peer", required = true, paramLabel = "SITE", description = "the peer site of the link")
  String peer;

  @Option(names = "--rate", required = true, paramLabel = "RATE", converter = RateConverter.class,
      description = "bytes per second: 10MiB, 512KiB, 1048576 ...; off (or 0) lifts the throttle")
  long rate;

  @Override
  int run(AdminClient client) throws AdminClient.Unreachable, IOException {
    AdminClient.Answer answer = post(client, "/replication/peers/" + URLEncoder.encode(peer, StandardCharsets.UTF_8)
        + "/throttle", "{\"bytesPerSecond\":" + rate + "}");
    if (!answer.ok()) return refused(answer);
    if (options.json) {
      out().println(answer.body());
    } else {
      JsonNode p = answer.json();
      out().printf("%s: throttle %s, on the wire %s (%s)%n", p.path("peer").asText(),
          Table.throttle(p.path("throttleBytesPerSecond").asLong()), Table.rate(p.path("wireBytesPerSecond").asLong()),
          p.path("state").asText());
    }
    return ExitCodes.OK;
  }
}
