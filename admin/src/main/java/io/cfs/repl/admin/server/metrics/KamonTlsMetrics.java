package io.cfs.repl.admin.server.metrics;

import io.cfs.repl.transport.tls.TlsMetrics;
import io.cfs.repl.transport.tls.TlsRefusal;
import kamon.Kamon;
import kamon.metric.MeasurementUnit;
import kamon.tag.TagSet;

/**
 * TLS of site links in Kamon: refusals by reason, reload failures, and the seconds left on each certificate (this
 * node's and the ones its peers presented), which an alert compares with the renewal lead time.
 */
final class KamonTlsMetrics implements TlsMetrics {
  private final TagSet siteTags;

  KamonTlsMetrics(TagSet siteTags) {
    this.siteTags = siteTags;
    Kamon.counter(MetricNames.TLS_RELOAD_FAILURES).withTags(siteTags); // 0 from the start: alertable
  }

  @Override
  public void onRefused(TlsRefusal reason) {
    Kamon.counter(MetricNames.TLS_REFUSED).withTags(siteTags.withTag(MetricNames.REASON, reason.tag())).increment();
  }

  @Override
  public void onReloadFailed() {
    Kamon.counter(MetricNames.TLS_RELOAD_FAILURES).withTags(siteTags).increment();
  }

  @Override
  public void onCertificateExpiry(String site, boolean own, long secondsLeft) {
    Kamon.gauge(MetricNames.CERTIFICATE_EXPIRY, MeasurementUnit.time().seconds())
        .withTags(siteTags.withTag(MetricNames.PEER, site).withTag(MetricNames.OWN, own))
        .update(secondsLeft);
  }
}
