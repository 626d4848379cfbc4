package io.cfs.repl.persistence.store;

import java.util.Map;
import java.util.UUID;

/**
 * What {@link MetadataStore#forgetIncarnation} removed: the incarnation held for an origin and its watermarks. The
 * values its entries wrote stay; only the record of how far its journal was applied is gone.
 */
public record ForgottenOrigin(String origin, UUID incarnation, Map<Integer, Long> watermarks) {
  public ForgottenOrigin {
    watermarks = Map.copyOf(watermarks);
  }
}
