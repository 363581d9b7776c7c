package io.egressjava.server.handler;

import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.api.rpc.StartEgressRequest;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A Unix-socket link between the service and a handler process: length-prefixed frames of a
 * one-byte {@link Kind} and a payload (a protobuf message or UTF-8 text). Each handler has a
 * control link (READY, then ASSIGNs) and one link per egress it runs. Sends are serialized; one
 * thread reads.
 */
final class HandlerLink implements AutoCloseable {
  /** Largest frame accepted: an EgressInfo with many segments stays far below this. */
  private static final int MAX_FRAME = 16 << 20;

  /** What a frame carries. */
  enum Kind {
    /** handler → service: the handler runs and takes egresses (control link), or this egress's commands (its link). */
    READY,
    /** handler → service: the egress's full EgressInfo changed. */
    INFO,
    /** handler → service: another instance owns the egress (duplicate identity); end silently. */
    RELINQUISHED,
    /** service → handler (control link): run this egress; see {@link #assignment}. */
    ASSIGN,
    /** service → handler: end gracefully; payload = end reason. */
    STOP,
    /** service → handler: fail the egress now; payload = "code\nmessage" (e.g. CPU exhausted). */
    KILL,
    /** service → handler: end now, outputs finalized, then FAILED with this error; payload = "code\nmessage". */
    FAIL,
    /** service → handler: UpdateStreamRequest. */
    UPDATE_STREAM,
    /** handler → service: UpdateStream done; payload empty, or "code\nmessage" on failure. */
    UPDATE_STREAM_RESULT,
    /** service → handler: pause, resume…; payload = LayoutControl JSON. */
    CONTROL,
    /** service → handler (debug port): "threads", "graph" or "jfr SECONDS". */
    DEBUG,
    /** handler → service: the DEBUG answer; payload = the dump's bytes. */
    DEBUG_RESULT,
    /** handler → service, every few seconds: the egress's metrics ({@code EgressMetrics#export}). */
    METRICS,
    /** handler → service, when it changed: the egress's latest small JPEG (status page). */
    PICTURE
  }

  record Frame(Kind kind, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  private final SocketChannel channel;

  /** An error as a frame payload: "CODE\nmessage". */
  static String errorText(PsrpcException e) {
    return e.code().name() + "\n" + e.getMessage();
  }

  static PsrpcException error(String text) {
    int nl = text.indexOf('\n');
    PsrpcCode code = PsrpcCode.INTERNAL;
    try {
      code = PsrpcCode.valueOf(text.substring(0, Math.max(nl, 0)));
    } catch (IllegalArgumentException e) {
      // unknown code: keep INTERNAL
    }
    return new PsrpcException(code, nl < 0 ? text : text.substring(nl + 1));
  }

  /**
   * An ASSIGN payload: the service's planning instant (epoch nanos), the Unix socket this egress's
   * own link connects to (UTF-8, 2-byte length), then the request.
   */
  static byte[] assignment(long plannedAt, java.nio.file.Path socket, StartEgressRequest request) {
    byte[] path = socket.toString().getBytes(StandardCharsets.UTF_8);
    byte[] req = request.toByteArray();
    return ByteBuffer.allocate(8 + 2 + path.length + req.length).putLong(plannedAt).putShort((short) path.length)
        .put(path).put(req).array();
  }

  record Assignment(long plannedAt, java.nio.file.Path socket, StartEgressRequest request) {
    static Assignment parse(byte[] payload) throws IOException {
      ByteBuffer b = ByteBuffer.wrap(payload);
      long plannedAt = b.getLong();
      byte[] path = new byte[b.getShort() & 0xFFFF];
      b.get(path);
      return new Assignment(plannedAt, java.nio.file.Path.of(new String(path, StandardCharsets.UTF_8)),
          StartEgressRequest.parseFrom(com.google.protobuf.ByteString.copyFrom(b)));
    }
  }

  HandlerLink(SocketChannel channel) {
    this.channel = channel;
  }

  synchronized void send(Kind kind, byte[] payload) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(5 + payload.length);
    b.putInt(payload.length + 1).put((byte) kind.ordinal()).put(payload).flip();
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }

  void send(Kind kind, String text) throws IOException {
    send(kind, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The next frame; EOFException when the other side closed. */
  Frame receive() throws IOException {
    ByteBuffer header = readFully(4);
    int length = header.getInt();
    if (length < 1 || length > MAX_FRAME) {
      throw new IOException("bad frame length " + length);
    }
    ByteBuffer body = readFully(length);
    int kind = body.get() & 0xff;
    if (kind >= Kind.values().length) {
      throw new IOException("unknown frame kind " + kind);
    }
    byte[] payload = new byte[length - 1];
    body.get(payload);
    return new Frame(Kind.values()[kind], payload);
  }

  private ByteBuffer readFully(int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining()) {
      if (channel.read(b) < 0) {
        throw new EOFException("handler link closed");
      }
    }
    return b.flip();
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
