package io.egressjava.webrtc.signal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import livekit.LivekitRtc;

/**
 * One join of {@link SignalClient} against an in-process WebSocket server on loopback that answers
 * with a JoinResponse, for a process that has time before its first real join: the JDK's HTTP
 * client and WebSocket, and the signal protocol's messages, cost hundreds of ms the first time in
 * a JVM. The server does the least the client needs: the upgrade, one binary frame, then it
 * reads until the client has left.
 */
public final class SignalRehearsal {
  /** RFC 6455's key suffix for Sec-WebSocket-Accept. */
  private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private SignalRehearsal() {}

  /** Connects, takes the JoinResponse and leaves; throws if any of it fails. */
  public static void run() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> serveOne(server), "signal-rehearsal");
      t.setDaemon(true);
      t.start();
      String url = "ws://127.0.0.1:" + server.getLocalPort();
      try (SignalClient client = SignalClient.connect(url, "rehearsal", r -> { }, Duration.ofSeconds(5))) {
        client.joinResponse();
      }
    }
  }

  private static void serveOne(ServerSocket server) {
    try (Socket s = server.accept()) {
      s.setSoTimeout(5_000);
      InputStream in = s.getInputStream();
      String key = upgradeKey(in);
      OutputStream out = s.getOutputStream();
      out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Accept: " + accept(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] join = LivekitRtc.SignalResponse.newBuilder()
          .setJoin(LivekitRtc.JoinResponse.newBuilder().setPingInterval(30).setPingTimeout(15)
              .setParticipant(livekit.LivekitModels.ParticipantInfo.newBuilder().setSid("PA_rehearsal")
                  .setIdentity("rehearsal"))
              .setRoom(livekit.LivekitModels.Room.newBuilder().setSid("RM_rehearsal").setName("rehearsal")))
          .build().toByteArray();
      out.write(binaryFrame(join));
      out.flush();
      while (in.read() >= 0) {
        // the client's leave and close: read until it hangs up (or the timeout)
      }
    } catch (IOException e) {
      // the client's own failure tells the caller
    }
  }

  /** Reads the upgrade request up to its blank line; returns its Sec-WebSocket-Key. */
  private static String upgradeKey(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    String key = null;
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String l = line.toString().trim();
        if (l.isEmpty()) {
          break;
        }
        int colon = l.indexOf(':');
        if (colon > 0 && l.substring(0, colon).equalsIgnoreCase("Sec-WebSocket-Key")) {
          key = l.substring(colon + 1).trim();
        }
        line.setLength(0);
      } else {
        line.append((char) c);
      }
    }
    if (key == null) {
      throw new IOException("no Sec-WebSocket-Key");
    }
    return key;
  }

  static String accept(String key) {
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One final, unmasked binary frame (a server's frames are not masked). */
  static byte[] binaryFrame(byte[] payload) {
    int header = payload.length < 126 ? 2 : 4;
    byte[] frame = new byte[header + payload.length];
    frame[0] = (byte) 0x82;
    if (payload.length < 126) {
      frame[1] = (byte) payload.length;
    } else {
      frame[1] = 126;
      frame[2] = (byte) (payload.length >> 8);
      frame[3] = (byte) payload.length;
    }
    System.arraycopy(payload, 0, frame, header, payload.length);
    return frame;
  }
}
