package io.egressjava.psrpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.egressjava.api.psrpc.Compression;
import io.egressjava.api.psrpc.Msg;
import io.egressjava.api.wire.GoWireFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/** The Any-compatible framing of every Redis payload (protocol.md §1.4). */
final class Envelopes {
  private static final String TYPE_PREFIX = "type.googleapis.com/";
  private static final int MAX_DECOMPRESSED = 64 << 20;

  private Envelopes() {}

  static byte[] wrap(Message envelope) {
    return GoWireFormat.toByteArray(Msg.newBuilder()
        .setTypeUrl(TYPE_PREFIX + envelope.getDescriptorForType().getFullName())
        .setValue(GoWireFormat.toByteString(envelope))
        .build());
  }

  /** The envelope of type {@code expectedType} in a payload, or null when it carries another type. */
  static <T> T parse(byte[] payload, String expectedType, com.google.protobuf.Parser<T> parser)
      throws InvalidProtocolBufferException {
    ByteString body = unwrap(payload, expectedType);
    return body == null ? null : parser.parseFrom(body);
  }

  /** The envelope's bytes if the payload carries {@code expectedType} (e.g. "internal.Request"), else null. */
  static ByteString unwrap(byte[] payload, String expectedType) throws InvalidProtocolBufferException {
    Msg msg = Msg.parseFrom(payload);
    if (!msg.getTypeUrl().equals(TYPE_PREFIX + expectedType)) {
      return null;
    }
    if (msg.getCompression() == Compression.COMPRESSION_GZIP) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(msg.getValue().toByteArray()))) {
        byte[] data = in.readNBytes(MAX_DECOMPRESSED + 1);
        if (data.length > MAX_DECOMPRESSED) {
          throw new InvalidProtocolBufferException("decompressed payload too large");
        }
        return ByteString.copyFrom(data);
      } catch (IOException e) {
        throw new InvalidProtocolBufferException(e);
      }
    }
    return msg.getValue();
  }
}
