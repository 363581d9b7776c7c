package io.egressjava.webrtc;

import io.egressjava.webrtc.dtls.DtlsSrtpClient;
import io.egressjava.webrtc.dtls.QueuedDatagramTransport;
import io.egressjava.webrtc.ice.IceAgent;
import io.egressjava.webrtc.ice.StunMessage;
import io.egressjava.webrtc.srtp.SrtpSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport of one subscriber peer connection: a UDP socket shared by ICE, DTLS and SRTP,
 * demultiplexed by the first byte (RFC 7983). ICE selects the pair, then the DTLS handshake runs
 * on its own thread, then every SRTP/SRTCP datagram is decrypted and handed to the {@link Listener}.
 */
public final class PeerTransport implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PeerTransport.class);

  /** Receives decrypted RTP and RTCP on the socket's reader thread. */
  public interface Listener {
    void onRtp(byte[] packet, int length);

    void onRtcp(byte[] packet, int length);

    /**
     * Everything the socket had is read (called at least every {@value #IDLE_WAKE_MS} ms): only now
     * may a missing packet be given up on — after a stall of this process it may still be queued.
     */
    default void onDrained(long nowNanos) {}
  }

  /** How often the reader wakes without traffic, so that waits can time out. */
  static final long IDLE_WAKE_MS = 20;

  private final DatagramChannel channel;
  private final Selector selector;
  private final IceAgent ice;
  private final QueuedDatagramTransport dtlsTransport;
  private final Listener listener;
  private final CompletableFuture<Void> connected = new CompletableFuture<>();
  private final Thread reader;
  private final ScheduledFuture<?> iceTimer;
  private volatile SrtpSession srtp;
  private volatile String remoteFingerprint;
  private volatile DtlsSrtpClient.Result dtls;
  private volatile boolean closed;
  private volatile long rtcpIn;
  private volatile long rtcpRejected;
  private final long createdNanos = System.nanoTime();
  private volatile long iceNanos;
  private volatile long lastReceivedNanos = System.nanoTime();

  /**
   * @param localAddress the one address we offer as host candidate and send from. The socket is
   *     bound to it, not to the wildcard: a check answered from another source address (say
   *     127.0.0.1 towards a loopback candidate) looks peer-reflexive to pion, which then waits a
   *     second before nominating.
   */
  public PeerTransport(String name, InetAddress localAddress, Listener listener) {
    this.listener = listener;
    int port;
    try {
      channel = DatagramChannel.open();
      channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
      channel.bind(new InetSocketAddress(localAddress, 0));
      channel.configureBlocking(false);
      selector = Selector.open();
      channel.register(selector, SelectionKey.OP_READ);
      port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
      int granted = channel.getOption(StandardSocketOptions.SO_RCVBUF);
      if (granted < RECEIVE_BUFFER) {
        log.warn("UDP receive buffer is {} KiB, not the {} KiB asked for: a stall of this process loses media sooner"
            + " (raise net.core.rmem_max)", granted / 1024, RECEIVE_BUFFER / 1024);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ice = new IceAgent(this::sendTo, List.of(new InetSocketAddress(localAddress, port)));
    dtlsTransport = new QueuedDatagramTransport(this::sendSelected);
    reader = new Thread(this::readLoop, "rtc-" + name);
    reader.setDaemon(true);
    reader.start();
    iceTimer = RtcTimers.scheduleAtFixedRate(() -> ice.tick(System.nanoTime()), 20, 20, TimeUnit.MILLISECONDS);
    ice.selected().thenAccept(remote -> {
      iceNanos = System.nanoTime();
      startDtls(name);
    });
  }

  /**
   * The local address the system routes from towards {@code host} (the SFU's signalling host): the
   * address the SFU can reach us on in the usual single-network deployment.
   */
  public static InetAddress localAddressToward(String host) {
    try (DatagramSocket probe = new DatagramSocket()) {
      probe.connect(InetAddress.getByName(host), 9); // no packet is sent: connect only picks the route
      InetAddress local = probe.getLocalAddress();
      return local == null || local.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : local;
    } catch (IOException e) {
      throw new UncheckedIOException("no route to " + host, e);
    }
  }

  public IceAgent ice() {
    return ice;
  }

  /** The fingerprint from the offer the DTLS server must present. */
  public void setRemoteFingerprint(String sha256) {
    this.remoteFingerprint = sha256;
  }

  /** Completes when ICE and DTLS are up and SRTP keys exist; fails when either fails. */
  public CompletableFuture<Void> connected() {
    return connected;
  }

  private void startDtls(String name) {
    Thread t = new Thread(() -> {
      try {
        DtlsSrtpClient.Result r = DtlsSrtpClient.handshake(dtlsTransport, remoteFingerprint);
        dtls = r;
        srtp = new SrtpSession(r.keys());
        log.debug("ICE selected {} after {} ms, DTLS up ({}) {} ms later", ice.selectedAddress(),
            (iceNanos - createdNanos) / 1_000_000, r.keys().profile(), (System.nanoTime() - iceNanos) / 1_000_000);
        connected.complete(null);
      } catch (IOException | RuntimeException e) {
        connected.completeExceptionally(new IOException("DTLS handshake failed: " + e.getMessage(), e));
      }
    }, "dtls-" + name);
    t.setDaemon(true);
    t.start();
  }

  /**
   * Reads until the socket is empty, then tells the listener (which may now time out gaps), then
   * waits for more: decisions that give up on a packet are taken only when none is left unread.
   */
  private void readLoop() {
    ByteBuffer buf = ByteBuffer.allocate(2048);
    while (!closed) {
      try {
        selector.select(IDLE_WAKE_MS);
        selector.selectedKeys().clear();
        SocketAddress from;
        while (!closed && (from = receive(buf)) != null) {
          lastReceivedNanos = System.nanoTime();
          handle(buf.array(), buf.position(), (InetSocketAddress) from);
        }
      } catch (IOException | java.nio.channels.ClosedSelectorException e) {
        if (!closed) {
          log.warn("RTC socket failed: {}", e.getMessage());
        }
        return;
      }
      if (!closed) {
        listener.onDrained(System.nanoTime());
      }
    }
  }

  private SocketAddress receive(ByteBuffer buf) throws IOException {
    buf.clear();
    return channel.receive(buf);
  }

  private void handle(byte[] buf, int len, InetSocketAddress from) {
    int first = buf[0] & 0xFF;
    try {
      if (first < 4) {
        if (StunMessage.isStun(buf, len)) {
          ice.onStun(StunMessage.parse(buf, len), from);
        }
      } else if (first >= 20 && first <= 63) {
        dtlsTransport.offer(java.util.Arrays.copyOf(buf, len));
      } else if (first >= 128 && first <= 191) {
        SrtpSession s = srtp;
        if (s == null) {
          return;
        }
        int second = buf[1] & 0xFF;
        if (second >= 192 && second <= 223) {
          int n = s.decryptRtcp(buf, len);
          if (n > 0) {
            rtcpIn++;
            listener.onRtcp(buf, n);
          } else {
            rtcpRejected++;
          }
        } else {
          int n = s.decryptRtp(buf, len);
          if (n > 0) {
            listener.onRtp(buf, n);
          }
        }
      }
    } catch (RuntimeException e) {
      log.debug("dropped a datagram: {}", e.toString());
    }
  }

  /** Encrypts and sends RTCP on the selected pair; dropped before DTLS is up. */
  public void sendRtcp(byte[] rtcp) {
    SrtpSession s = srtp;
    if (s != null) {
      sendSelected(s.encryptRtcp(rtcp));
    }
  }

  /** RTCP packets decrypted, and those that failed to authenticate. */
  public long[] rtcpCounts() {
    return new long[] {rtcpIn, rtcpRejected};
  }

  /** What the socket may queue while this process stalls: ~15 s of a 2 Mbps stream. */
  private static final int RECEIVE_BUFFER = 4 << 20;

  /** Nanos since the last datagram arrived (any kind). */
  public long idleNanos() {
    return System.nanoTime() - lastReceivedNanos;
  }

  private void sendSelected(byte[] data) {
    InetSocketAddress to = ice.selectedAddress();
    if (to != null) {
      sendTo(data, to);
    }
  }

  private void sendTo(byte[] data, InetSocketAddress to) {
    try {
      channel.send(ByteBuffer.wrap(data), to);
    } catch (IOException e) {
      if (!closed) {
        log.debug("RTC send to {} failed: {}", to, e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    iceTimer.cancel(false);
    DtlsSrtpClient.Result d = dtls;
    if (d != null) {
      try {
        d.transport().close(); // close_notify
      } catch (IOException e) {
        log.debug("DTLS close: {}", e.getMessage());
      }
    }
    dtlsTransport.close();
    try {
      selector.close();
      channel.close();
    } catch (IOException e) {
      log.debug("closing the RTC socket: {}", e.getMessage());
    }
    SrtpSession s = srtp;
    if (s != null) {
      s.close();
    }
    connected.completeExceptionally(new IOException("closed"));
  }
}
