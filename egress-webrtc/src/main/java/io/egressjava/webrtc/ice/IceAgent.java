package io.egressjava.webrtc.ice;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small full ICE agent (RFC 8445) for one component over one UDP socket with host candidates —
 * all a recorder next to its SFU needs. It answers the SFU's checks, runs its own checks against
 * every remote UDP candidate and selects the pair the controlling side nominates (or nominates
 * itself when the SFU is ICE-lite). We use it instead of ice4j because ice4j never gathers
 * loopback, starts several threads per agent and brings jain-sip and Kotlin; one socket and a
 * shared timer keep twenty receivers at a few threads.
 */
public final class IceAgent {
  private static final Logger log = LoggerFactory.getLogger(IceAgent.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final long CHECK_INTERVAL_NANOS = 50_000_000L;
  private static final long KEEPALIVE_NANOS = 2_000_000_000L;
  private static final int FAST_CHECKS = 200; // 10 s of checks per candidate
  /**
   * After the fast checks, a pair is still checked this often until one is selected: an ICE restart
   * during a network outage must come through once the network is back, not wait for the server's
   * next restart 15 s later (the remote agent may have stopped checking by then).
   */
  private static final long SLOW_CHECK_INTERVAL_NANOS = 500_000_000L;
  /** Transactions remembered for their answers; older ones (unanswered in an outage) are forgotten. */
  private static final int MAX_PENDING = 256;

  /** Sends one datagram to an address. */
  public interface Sender {
    void send(byte[] data, InetSocketAddress to);
  }

  private record Remote(InetSocketAddress address, long priority) {}

  private static final class Check {
    final Remote remote;
    int sent;
    long lastSentNanos;
    boolean succeeded;
    boolean nominating;

    Check(Remote remote) {
      this.remote = remote;
    }
  }

  private final Sender sender;
  private final List<InetSocketAddress> localCandidates;
  private final String localUfrag = random(8);
  private final String localPassword = random(24);
  private final long tieBreaker = RANDOM.nextLong();
  private final List<Check> checks = new CopyOnWriteArrayList<>();
  private final Map<String, Check> pending = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Check> eldest) {
      return size() > MAX_PENDING;
    }
  });
  private final CompletableFuture<InetSocketAddress> selectedFuture = new CompletableFuture<>();
  private volatile String remoteUfrag;
  private volatile String remotePassword;
  private volatile boolean controlling;
  private volatile InetSocketAddress selected;
  private volatile long lastKeepaliveNanos;

  public IceAgent(Sender sender, List<InetSocketAddress> localCandidates) {
    this.sender = sender;
    this.localCandidates = List.copyOf(localCandidates);
  }

  public String localUfrag() {
    return localUfrag;
  }

  public String localPassword() {
    return localPassword;
  }

  /**
   * Sets the remote credentials and our role: a full remote agent that offered is controlling, so
   * we are controlled; against an ICE-lite remote we must control (RFC 8445 §6.1.1).
   */
  private volatile boolean restarting;

  public void setRemote(String ufrag, String password, boolean remoteIsLite) {
    this.remoteUfrag = ufrag;
    this.remotePassword = password;
    this.controlling = remoteIsLite;
    for (Check c : checks) { // an ICE restart checks every pair again
      c.sent = 0;
      c.succeeded = false;
    }
    // after a restart media keeps its path, but the remote agent starts over: our own checks
    // (not only the 2 s keep-alive) let it find a valid pair and nominate at once
    restarting = selected != null;
  }

  public String remoteUfrag() {
    return remoteUfrag;
  }

  /** SDP candidate attribute values ({@code candidate:…}) for our host candidates. */
  public List<String> candidateLines() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < localCandidates.size(); i++) {
      InetSocketAddress c = localCandidates.get(i);
      lines.add("candidate:" + (i + 1) + " 1 udp " + hostPriority(i) + " " + c.getAddress().getHostAddress() + " "
          + c.getPort() + " typ host");
    }
    return lines;
  }

  private static long hostPriority(int index) {
    return (126L << 24) | ((long) (65535 - index) << 8) | 255;
  }

  /**
   * Adds a remote candidate from its SDP form; only component 1 UDP candidates of an address family
   * we can reach are used (pion lists each candidate again as component 2, and TCP needs an active
   * ICE-TCP client). Returns whether it was added.
   */
  public boolean addRemoteCandidate(String line) {
    String s = line.startsWith("a=") ? line.substring(2) : line;
    if (s.startsWith("candidate:")) {
      s = s.substring("candidate:".length());
    }
    String[] f = s.trim().split("\\s+");
    if (f.length < 8 || !"1".equals(f[1]) || !"udp".equalsIgnoreCase(f[2]) || f[4].endsWith(".local")) {
      return false;
    }
    try {
      InetAddress ip = InetAddress.getByName(f[4]);
      // a check must leave from an address we announced: our socket is bound to the wildcard, so a
      // check to a loopback candidate would come from 127.0.0.1, which the remote side sees as a
      // peer-reflexive candidate and (pion) nominates only after a 1 s wait
      if (localCandidates.stream().noneMatch(l -> l.getAddress().getClass() == ip.getClass()
          && l.getAddress().isLoopbackAddress() == ip.isLoopbackAddress())) {
        return false;
      }
      Remote r = new Remote(new InetSocketAddress(ip, Integer.parseInt(f[5])), Long.parseLong(f[3]));
      if (checks.stream().anyMatch(c -> c.remote.address().equals(r.address()))) {
        return false;
      }
      checks.add(new Check(r));
      return true;
    } catch (java.io.IOException | NumberFormatException e) {
      log.debug("ignored remote candidate {}: {}", line, e.getMessage());
      return false;
    }
  }

  /** Completes with the remote address of the selected pair. */
  public CompletableFuture<InetSocketAddress> selected() {
    return selectedFuture;
  }

  public InetSocketAddress selectedAddress() {
    return selected;
  }

  /** Sends due connectivity checks and keep-alives; call every few tens of milliseconds. */
  public void tick(long nowNanos) {
    if (remoteUfrag == null) {
      return;
    }
    InetSocketAddress sel = selected;
    if (sel != null && !restarting) {
      if (nowNanos - lastKeepaliveNanos > KEEPALIVE_NANOS) {
        lastKeepaliveNanos = nowNanos;
        checks.stream().filter(c -> c.remote.address().equals(sel)).findFirst().ifPresent(c -> sendCheck(c, false, nowNanos));
      }
      return;
    }
    for (Check c : checks) {
      long interval = c.sent < FAST_CHECKS ? CHECK_INTERVAL_NANOS : SLOW_CHECK_INTERVAL_NANOS;
      if (nowNanos - c.lastSentNanos >= interval) {
        sendCheck(c, controlling && c.succeeded, nowNanos);
      }
    }
  }

  private void sendCheck(Check c, boolean nominate, long nowNanos) {
    byte[] tx = StunMessage.newTransactionId();
    StunMessage.Builder b = new StunMessage.Builder(StunMessage.BINDING_REQUEST, tx)
        .username(remoteUfrag + ":" + localUfrag)
        .priority((110L << 24) | (65535L << 8) | 255) // a peer-reflexive candidate's priority
        .role(controlling, tieBreaker);
    if (nominate) {
      b.useCandidate();
      c.nominating = true;
    }
    c.sent++;
    c.lastSentNanos = nowNanos;
    pending.put(java.util.HexFormat.of().formatHex(tx), c);
    sender.send(b.build(remotePassword), c.remote.address());
  }

  /** Handles a STUN datagram from {@code from}. */
  public void onStun(StunMessage m, InetSocketAddress from) {
    switch (m.type()) {
      case StunMessage.BINDING_REQUEST -> onRequest(m, from);
      case StunMessage.BINDING_SUCCESS -> onSuccess(m, from);
      case StunMessage.BINDING_ERROR -> log.debug("ICE check to {} failed with STUN error {}", from, m.errorCode());
      default -> log.trace("ignored STUN type {}", m.type());
    }
  }

  private void onRequest(StunMessage m, InetSocketAddress from) {
    String user = m.username();
    if (user == null || !user.startsWith(localUfrag + ":") || !m.verify(localPassword)) {
      sender.send(new StunMessage.Builder(StunMessage.BINDING_ERROR, m.transactionId())
          .errorCode(401, "Unauthorized").build(null), from);
      return;
    }
    sender.send(new StunMessage.Builder(StunMessage.BINDING_SUCCESS, m.transactionId())
        .xorMappedAddress(from).build(localPassword), from);
    if (checks.stream().noneMatch(c -> c.remote.address().equals(from))) {
      checks.add(new Check(new Remote(from, m.priority()))); // peer-reflexive
    }
    if (!controlling && m.useCandidate()) {
      restarting = false;
      select(from);
    }
  }

  private void onSuccess(StunMessage m, InetSocketAddress from) {
    Check c = pending.remove(java.util.HexFormat.of().formatHex(m.transactionId()));
    String pwd = remotePassword;
    if (c == null || pwd == null || !m.verify(pwd) || !c.remote.address().equals(from)) {
      return;
    }
    c.succeeded = true;
    restarting = false;
    if (controlling && c.nominating) {
      select(from);
    } else if (controlling) {
      sendCheck(c, true, System.nanoTime());
    }
  }

  private void select(InetSocketAddress remote) {
    if (selected == null) {
      selected = remote;
      log.debug("ICE selected {} (controlling={})", remote, controlling);
      selectedFuture.complete(remote);
    }
  }

  private static String random(int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(ICE_CHARS.charAt(RANDOM.nextInt(ICE_CHARS.length())));
    }
    return sb.toString();
  }
}
