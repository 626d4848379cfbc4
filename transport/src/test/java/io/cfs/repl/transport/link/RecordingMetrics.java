package io.cfs.repl.transport.link;

import io.cfs.repl.transport.link.HandshakeRejectedException.Reason;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counts what a link reports, for assertions. */
final class RecordingMetrics implements LinkMetrics {
  final AtomicInteger framesSent = new AtomicInteger();
  final AtomicLong wireBytesSent = new AtomicLong();
  final AtomicInteger framesReceived = new AtomicInteger();
  final List<Reason> rejections = new CopyOnWriteArrayList<>();

  @Override
  public void onFrameSent(int rawBytes, int wireBytes) {
    framesSent.incrementAndGet();
    wireBytesSent.addAndGet(wireBytes);
  }

  @Override
  public void onFrameReceived(int rawBytes, int wireBytes) {
    framesReceived.incrementAndGet();
  }

  @Override
  public void onHandshakeRejected(Handshake hello, Reason reason) {
    rejections.add(reason);
  }
}
