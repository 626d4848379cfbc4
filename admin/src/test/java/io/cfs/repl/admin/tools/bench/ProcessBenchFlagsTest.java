package io.cfs.repl.admin.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessBenchFlagsTest {

  @Test
  void anyWhitespaceSeparatesNodeJvmFlags() {
    assertEquals(List.of("-Xmx1g", "-XX:+UseG1GC", "-Xlog:gc"),
        ProcessBench.jvmFlags("  -Xmx1g \t -XX:+UseG1GC  -Xlog:gc "));
    assertEquals(List.of(), ProcessBench.jvmFlags("   "));
  }
}
