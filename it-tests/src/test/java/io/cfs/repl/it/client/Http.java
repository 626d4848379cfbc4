package io.cfs.repl.it.client;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executors;

/** One HTTP/1.1 client for all test traffic (its own daemon threads, so a hung node cannot hold up JVM exit). */
final class Http {
  static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(3))
      .executor(Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "it-http");
        t.setDaemon(true);
        return t;
      }))
      .build();

  private Http() {
  }
}
