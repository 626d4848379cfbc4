package io.cfs.repl.admin.tools.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cfs admin replication audit}: the site's audit trail, newest first, fetched page by page. */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Show the site's audit trail, newest first: links up and down, shards stopped on a gap, links"
        + " paused and resumed, failover and conflict events.",
        "TIME is " + TimeArgument.FORMS + "."})
final class AuditCommand extends AdminCall {
  /** The route's largest page. */
  private static final int PAGE = 1000;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
      .withZone(ZoneId.systemDefault());
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--since", paramLabel = "TIME", converter = TimeArgument.class,
      description = "the oldest time shown (default: the oldest record kept)")
  Long since;

  @Option(names = "--until", paramLabel = "TIME", converter = TimeArgument.class,
      description = "the end of the range, not included (default: none)")
  Long until;

  @Option(names = "--filter", paramLabel = "KIND[,KIND...]", split = ",",
      description = "only these kinds, any case (e.g. link_down,shard_stopped)")
  List<String> kinds = new ArrayList<>();

  @Option(names = "--site", paramLabel = "SITE", description = "only records of this site or naming it as peer")
  String site;

  @Option(names = "--inode", paramLabel = "N", description = "only records of this inode")
  Long inode;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
      description = "print at most N records (default: ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--after", paramLabel = "CURSOR",
      description = "start after this position: the 'more:' value of a previous run")
  String after;

  @Override
  int run(AdminClient client) throws AdminClient.Unreachable {
    if (limit < 1) {
      err().println("--limit must be at least 1, was " + limit);
      return ExitCodes.ERROR;
    }
    List<JsonNode> records = new ArrayList<>();
    String siteOfTrail = null;
    String next = after;
    do {
      AdminClient.Answer answer = client.get("/replication/audit?" + query(Math.min(PAGE, limit - records.size()),
          next));
      if (!answer.ok()) return refused(answer);
      siteOfTrail = answer.json().path("site").asText();
      answer.json().path("records").forEach(records::add);
      next = answer.json().path("next").isTextual() ? answer.json().path("next").asText() : null;
    } while (next != null && records.size() < limit);
    if (options.json) {
      ObjectNode all = JSON.createObjectNode().put("site", siteOfTrail).put("next", next);
      ArrayNode array = all.putArray("records");
      records.forEach(array::add);
      out().println(all.toPrettyString());
    } else {
      print(siteOfTrail, records, next);
    }
    return ExitCodes.OK;
  }

  private String query(int pageLimit, String from) {
    StringBuilder q = new StringBuilder("limit=").append(pageLimit);
    if (since != null) q.append("&since=").append(since);
    if (until != null) q.append("&until=").append(until);
    kinds.forEach(kind -> q.append("&kind=").append(encode(kind)));
    if (site != null) q.append("&site=").append(encode(site));
    if (inode != null) q.append("&inode=").append(inode);
    if (from != null) q.append("&after=").append(encode(from));
    return q.toString();
  }

  private void print(String siteOfTrail, List<JsonNode> records, String next) {
    out().printf("site %s: %d record%s, newest first%n", siteOfTrail, records.size(), records.size() == 1 ? "" : "s");
    Table table = new Table("TIME", "KIND", "PEER", "INODE", "SHARD", "SEQ", "DETAIL");
    for (JsonNode r : records) {
      table.row(TIME.format(Instant.ofEpochMilli(r.path("atMillis").asLong())), r.path("kind").asText(),
          text(r.path("peer")), text(r.path("inode")), text(r.path("shard")), text(r.path("seq")),
          StatusCommand.abbreviate(r.path("detail").asText(), 100));
    }
    table.print(out());
    if (next != null) out().printf("more: --after %s%n", next);
  }

  private static String text(JsonNode node) {
    return node.isNull() || node.isMissingNode() ? null : node.asText();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
