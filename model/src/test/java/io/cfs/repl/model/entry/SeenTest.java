package io.cfs.repl.model.entry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Version vectors: merge is the per-site maximum, whatever the sites and their order. */
class SeenTest {

  @Property
  void mergeIsThePerSiteMaximum(@ForAll("vectors") Map<String, Long> a, @ForAll("vectors") Map<String, Long> b) {
    TreeMap<String, Long> union = new TreeMap<>(a);
    b.forEach((site, seq) -> union.merge(site, seq, Math::max));
    Seen merged = Seen.of(a).merge(Seen.of(b));
    assertThat(merged.asMap()).isEqualTo(union);
    assertThat(merged).isEqualTo(Seen.of(b).merge(Seen.of(a))).isEqualTo(Seen.of(union));
    assertThat(merged.coversAll(Seen.of(a))).isTrue();
    assertThat(merged.coversAll(Seen.of(b))).isTrue();
  }

  @Property
  void withAddsOneWrite(@ForAll("vectors") Map<String, Long> a, @ForAll("sites") String site,
                        @ForAll("seqs") long seq) {
    Seen with = Seen.of(a).with(site, seq);
    assertThat(with.seqOf(site)).isEqualTo(Math.max(seq, a.getOrDefault(site, -1L)));
    Map<String, Long> others = new HashMap<>(with.asMap());
    others.remove(site);
    Map<String, Long> before = new HashMap<>(a);
    before.remove(site);
    assertThat(others).isEqualTo(before);
  }

  @Property
  void encodesAndDecodes(@ForAll("vectors") Map<String, Long> a) {
    Seen seen = Seen.of(a);
    ByteBuffer in = ByteBuffer.wrap(seen.encode());
    assertThat(seen.encodedSize()).isEqualTo(in.remaining());
    assertThat(Seen.decode(in)).isEqualTo(seen);
    assertThat(in.hasRemaining()).isFalse();
  }

  @Example
  void aMergeBeyondTheSiteBoundIsRefused() {
    Map<String, Long> low = new HashMap<>();
    Map<String, Long> high = new HashMap<>();
    for (int i = 0; i < Seen.MAX_SITES; i++) {
      low.put("a" + i, 1L);
      high.put("b" + i, 1L);
    }
    assertThatThrownBy(() -> Seen.of(low).merge(Seen.of(high))).isInstanceOf(InvalidEntryException.class);
  }

  @Provide
  Arbitrary<Map<String, Long>> vectors() {
    return Arbitraries.maps(sites(), seqs()).ofMaxSize(6);
  }

  @Provide
  Arbitrary<String> sites() {
    return Arbitraries.of("site-a", "site-b", "site-c", "Zürich", "a", "site-aa", "b");
  }

  @Provide
  Arbitrary<Long> seqs() {
    return Arbitraries.longs().between(0, 1000);
  }
}
