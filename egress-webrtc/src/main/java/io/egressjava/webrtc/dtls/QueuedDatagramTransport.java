package io.egressjava.webrtc.dtls;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bouncycastle.tls.DatagramTransport;

/**
 * Bridges BouncyCastle's blocking DTLS record layer to our shared socket: the socket's reader
 * offers the DTLS datagrams it demultiplexed, and sends go out on the ICE-selected pair.
 */
public final class QueuedDatagramTransport implements DatagramTransport {
  private static final int MTU = 1200; // pion's own outbound limit
  private final BlockingQueue<byte[]> incoming = new ArrayBlockingQueue<>(64);
  private final Consumer<byte[]> sender;
  private volatile boolean closed;

  public QueuedDatagramTransport(Consumer<byte[]> sender) {
    this.sender = sender;
  }

  /** Called by the socket reader; drops the datagram when nobody reads (DTLS retransmits). */
  public void offer(byte[] datagram) {
    incoming.offer(datagram);
  }

  @Override
  public int getReceiveLimit() {
    return 1500;
  }

  @Override
  public int getSendLimit() {
    return MTU;
  }

  @Override
  public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
    if (closed) {
      throw new IOException("DTLS transport closed");
    }
    try {
      byte[] d = waitMillis <= 0 ? incoming.take() : incoming.poll(waitMillis, TimeUnit.MILLISECONDS);
      if (d == null) {
        return -1;
      }
      int n = Math.min(len, d.length);
      System.arraycopy(d, 0, buf, off, n);
      return n;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("DTLS receive interrupted");
    }
  }

  @Override
  public void send(byte[] buf, int off, int len) {
    if (!closed) {
      sender.accept(java.util.Arrays.copyOfRange(buf, off, off + len));
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}
