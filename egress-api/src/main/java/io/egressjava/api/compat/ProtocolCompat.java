package io.egressjava.api.compat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.egressjava.api.wire.GoWireFormat;
import java.util.ArrayList;
import java.util.List;
import livekit.LivekitEgress;

/**
 * Bridges fields where the Kotlin SDK 0.13.0's bundled protocol differs from the protocol that
 * livekit-server 1.13.x speaks (found by the golden wire tests, fixtures from protocol
 * v1.50.5-0.20260728075222 as pinned by livekit-server v1.13.5):
 *
 * <ul>
 *   <li>{@code AudioConfig}: the server has {@code capture_all = 1, routes = 2}; the SDK jar has
 *       {@code routes = 1}. Reading the SDK's {@code getRoutesList()} on server bytes loses the
 *       routes, so callers must go through {@link #audioRoutes} / {@link #audioCaptureAll}.
 *   <li>{@code EgressInfo.egress = 29} (the v2 request copy) does not exist in the SDK jar; it is
 *       carried as a raw field.
 * </ul>
 *
 * The server's numbering wins; everything here reads and writes it.
 */
public final class ProtocolCompat {

  static final int AUDIO_CAPTURE_ALL = 1;
  static final int AUDIO_ROUTES = 2;
  static final int EGRESS_INFO_V2_REQUEST = 29;

  private ProtocolCompat() {}

  /** An AudioConfig as the server encodes it. */
  public static LivekitEgress.AudioConfig audioConfig(boolean captureAll, List<LivekitEgress.AudioRoute> routes) {
    UnknownFieldSet.Builder fields = UnknownFieldSet.newBuilder();
    if (captureAll) {
      fields.addField(AUDIO_CAPTURE_ALL, UnknownFieldSet.Field.newBuilder().addVarint(1).build());
    }
    if (!routes.isEmpty()) {
      UnknownFieldSet.Field.Builder routeField = UnknownFieldSet.Field.newBuilder();
      routes.forEach(r -> routeField.addLengthDelimited(GoWireFormat.toByteString(r)));
      fields.addField(AUDIO_ROUTES, routeField.build());
    }
    return LivekitEgress.AudioConfig.newBuilder().setUnknownFields(fields.build()).build();
  }

  /** Routes of a server-encoded AudioConfig (field 2). */
  public static List<LivekitEgress.AudioRoute> audioRoutes(LivekitEgress.AudioConfig config) {
    UnknownFieldSet.Field field = config.getUnknownFields().getField(AUDIO_ROUTES);
    List<LivekitEgress.AudioRoute> routes = new ArrayList<>();
    for (ByteString bytes : field.getLengthDelimitedList()) {
      try {
        routes.add(LivekitEgress.AudioRoute.parseFrom(bytes));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalArgumentException("malformed AudioRoute in AudioConfig.routes", e);
      }
    }
    return routes;
  }

  /**
   * capture_all of a server-encoded AudioConfig (varint field 1). The SDK class parses field 1 as
   * its {@code routes}, so a varint there lands in unknown fields, where this reads it.
   */
  public static boolean audioCaptureAll(LivekitEgress.AudioConfig config) {
    List<Long> values = config.getUnknownFields().getField(AUDIO_CAPTURE_ALL).getVarintList();
    return !values.isEmpty() && values.get(values.size() - 1) != 0;
  }

  /** Sets the v2 request copy (EgressInfo field 29). */
  public static LivekitEgress.EgressInfo.Builder setV2Request(
      LivekitEgress.EgressInfo.Builder info, LivekitEgress.StartEgressRequest request) {
    UnknownFieldSet merged = UnknownFieldSet.newBuilder(info.getUnknownFields())
        .clearField(EGRESS_INFO_V2_REQUEST)
        .addField(EGRESS_INFO_V2_REQUEST,
            UnknownFieldSet.Field.newBuilder().addLengthDelimited(GoWireFormat.toByteString(request)).build())
        .build();
    return info.setUnknownFields(merged);
  }

  /** The v2 request copy (EgressInfo field 29), or null. */
  public static LivekitEgress.StartEgressRequest v2Request(LivekitEgress.EgressInfoOrBuilder info) {
    List<ByteString> values = info.getUnknownFields().getField(EGRESS_INFO_V2_REQUEST).getLengthDelimitedList();
    if (values.isEmpty()) {
      return null;
    }
    try {
      return LivekitEgress.StartEgressRequest.parseFrom(CodedInputStream.newInstance(values.get(values.size() - 1).toByteArray()));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("malformed EgressInfo.egress", e);
    }
  }
}
