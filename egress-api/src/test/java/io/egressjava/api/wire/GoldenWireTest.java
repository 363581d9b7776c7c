package io.egressjava.api.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.egressjava.api.psrpc.ClaimRequest;
import io.egressjava.api.psrpc.ClaimResponse;
import io.egressjava.api.psrpc.Msg;
import io.egressjava.api.psrpc.Request;
import io.egressjava.api.psrpc.Response;
import io.egressjava.api.psrpc.Stream;
import io.egressjava.api.psrpc.StreamAck;
import io.egressjava.api.psrpc.StreamClose;
import io.egressjava.api.psrpc.StreamMessage;
import io.egressjava.api.psrpc.StreamOpen;
import io.egressjava.api.rpc.GetEgressRequest;
import io.egressjava.api.rpc.ListActiveEgressResponse;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.api.rpc.UpdateMetricsRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.egressjava.api.compat.ProtocolCompat;
import java.util.HexFormat;
import java.util.List;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitModels;
import org.junit.jupiter.api.Test;

/**
 * Bytes our classes produce must equal the bytes LiveKit's Go implementation produces for the same
 * values. The fixtures come from {@code test-fixtures/wire/gen} (a Go program built against
 * github.com/livekit/protocol and github.com/livekit/psrpc at the versions livekit-server 1.13.5 uses).
 */
class GoldenWireTest {

  static final Path FIXTURES = Path.of("..", "test-fixtures", "wire");

  static byte[] fixture(String name) throws IOException {
    return Files.readAllBytes(FIXTURES.resolve(name));
  }

  static void assertSameBytes(String fixture, Message ours) throws IOException {
    byte[] go = fixture(fixture);
    assertThat(HexFormat.of().formatHex(GoWireFormat.toByteArray(ours)))
        .as("wire bytes of %s vs %s", ours.getDescriptorForType().getFullName(), fixture)
        .isEqualTo(HexFormat.of().formatHex(go));
  }

  /** psrpc's Redis framing: Msg{type_url, value}. */
  static Msg wrap(Message envelope) {
    return Msg.newBuilder()
        .setTypeUrl("type.googleapis.com/" + envelope.getDescriptorForType().getFullName())
        .setValue(GoWireFormat.toByteString(envelope))
        .build();
  }

  static StartEgressRequest roomCompositeRequest() {
    var advanced = LivekitEgress.EncodingOptions.newBuilder()
        .setWidth(1920).setHeight(1080).setDepth(24).setFramerate(30)
        .setAudioCodec(LivekitModels.AudioCodec.AAC).setAudioBitrate(128).setAudioFrequency(44100)
        .setVideoCodec(LivekitModels.VideoCodec.H264_HIGH).setVideoBitrate(4500).setKeyFrameInterval(2.5);
    var s3 = LivekitEgress.S3Upload.newBuilder()
        .setAccessKey("AKIA123").setSecret("s3cr3t").setRegion("us-east-1").setBucket("bucket")
        .setForcePathStyle(true).putMetadata("team", "video");
    var request = LivekitEgress.RoomCompositeEgressRequest.newBuilder()
        .setRoomName("my-room")
        .setLayout("speaker-light")
        .setAdvanced(advanced)
        .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder()
            .setFileType(LivekitEgress.EncodedFileType.MP4)
            .setFilepath("recordings/{room_name}-{time}.mp4")
            .setS3(s3))
        .addSegmentOutputs(LivekitEgress.SegmentedFileOutput.newBuilder()
            .setProtocol(LivekitEgress.SegmentedFileProtocol.HLS_PROTOCOL).setFilenamePrefix("hls/seg")
            .setPlaylistName("index.m3u8").setLivePlaylistName("live.m3u8").setSegmentDuration(6)
            .setFilenameSuffix(LivekitEgress.SegmentedFileSuffix.TIMESTAMP))
        .addStreamOutputs(LivekitEgress.StreamOutput.newBuilder()
            .setProtocol(LivekitEgress.StreamProtocol.RTMP).addUrls("rtmp://127.0.0.1:1935/live/streamkey"))
        .addImageOutputs(LivekitEgress.ImageOutput.newBuilder()
            .setCaptureInterval(5).setWidth(640).setHeight(360).setFilenamePrefix("thumbs/t")
            .setFilenameSuffix(LivekitEgress.ImageFileSuffix.IMAGE_SUFFIX_NONE_OVERWRITE)
            .setImageCodec(LivekitModels.ImageCodec.IC_JPEG))
        .addWebhooks(LivekitModels.WebhookConfig.newBuilder().setUrl("http://127.0.0.1:9000/hook").setSigningKey("key"));
    return StartEgressRequest.newBuilder()
        .setEgressId("EG_abcdefghijkl")
        .setRoomId("RM_mnopqrstuvwx")
        .setRoomComposite(request)
        .setToken("token-value")
        .setWsUrl("ws://127.0.0.1:7880")
        .setRetryCount(2)
        .setRoomName("my-room")
        .build();
  }

  static EgressInfo egressInfo() {
    return EgressInfo.newBuilder()
        .setEgressId("EG_abcdefghijkl").setRoomId("RM_mnopqrstuvwx").setRoomName("my-room")
        .setStatus(LivekitEgress.EgressStatus.EGRESS_STARTING)
        .setStartedAt(1764000000000000000L).setUpdatedAt(1764000000000000001L)
        .setSourceType(LivekitEgress.EgressSourceType.EGRESS_SOURCE_TYPE_SDK)
        .setTrack(LivekitEgress.TrackEgressRequest.newBuilder().setRoomName("my-room").setTrackId("TR_x"))
        .build();
  }

  @Test
  void startEgressRoomComposite() throws IOException {
    assertSameBytes("start_egress_room_composite.bin", roomCompositeRequest());
    // and the Go bytes parse back into the same value
    assertThat(StartEgressRequest.parseFrom(fixture("start_egress_room_composite.bin"))).isEqualTo(roomCompositeRequest());
  }

  @Test
  void javaDefaultOrderParsesToTheSameValue() throws IOException {
    // protobuf-java's own field order differs from Go's only in placement, never in content
    var javaBytes = roomCompositeRequest().toByteArray();
    assertThat(javaBytes).isNotEqualTo(fixture("start_egress_room_composite.bin"));
    assertThat(StartEgressRequest.parseFrom(javaBytes)).isEqualTo(roomCompositeRequest());
  }

  @Test
  void startEgressTrackWebsocket() throws IOException {
    var ours = StartEgressRequest.newBuilder()
        .setEgressId("EG_trackegress01").setRoomId("RM_room0000001")
        .setTrack(LivekitEgress.TrackEgressRequest.newBuilder()
            .setRoomName("room").setTrackId("TR_audio000001").setWebsocketUrl("ws://127.0.0.1:8080/audio?token=x"))
        .build();
    assertSameBytes("start_egress_track_websocket.bin", ours);
  }

  // The SDK jar numbers AudioConfig.routes 1; the server numbers it 2 (see ProtocolCompat).
  static final List<LivekitEgress.AudioRoute> ROUTES = List.of(
      LivekitEgress.AudioRoute.newBuilder().setParticipantIdentity("alice")
          .setChannel(LivekitEgress.AudioChannel.AUDIO_CHANNEL_LEFT).build(),
      LivekitEgress.AudioRoute.newBuilder().setTrackId("TR_bob")
          .setChannel(LivekitEgress.AudioChannel.AUDIO_CHANNEL_RIGHT).build());

  @Test
  void startEgressV2Media() throws IOException {
    var routes = ProtocolCompat.audioConfig(false, ROUTES);
    var media = LivekitEgress.MediaSource.newBuilder()
        .setParticipantVideo(LivekitEgress.ParticipantVideo.newBuilder().setIdentity("alice").setPreferScreenShare(true))
        .setAudio(routes);
    var v2 = LivekitEgress.StartEgressRequest.newBuilder()
        .setRoomName("room2")
        .setMedia(media)
        .setPreset(LivekitEgress.EncodingOptionsPreset.H264_1080P_30)
        .addOutputs(LivekitEgress.Output.newBuilder().setFile(LivekitEgress.FileOutput.newBuilder()
            .setFileType(LivekitEgress.EncodedFileType.MP4).setFilepath("out/{room_name}.mp4")))
        .addOutputs(LivekitEgress.Output.newBuilder()
            .setStream(LivekitEgress.StreamOutput.newBuilder().setProtocol(LivekitEgress.StreamProtocol.SRT)
                .addUrls("srt://127.0.0.1:8890?streamid=publish:x"))
            .setStorage(LivekitEgress.StorageConfig.newBuilder().setGcp(LivekitEgress.GCPUpload.newBuilder().setBucket("gcs-bucket"))))
        .setStorage(LivekitEgress.StorageConfig.newBuilder().setAzure(LivekitEgress.AzureBlobUpload.newBuilder()
            .setAccountName("acct").setAccountKey("key").setContainerName("c")));
    var ours = StartEgressRequest.newBuilder()
        .setEgressId("EG_v2egress0001").setRoomId("RM_room0000002").setEgress(v2).build();
    assertSameBytes("start_egress_v2_media.bin", ours);

    // reading the server's bytes back gives the routes through the compat accessors
    var parsed = StartEgressRequest.parseFrom(fixture("start_egress_v2_media.bin")).getEgress().getMedia().getAudio();
    assertThat(ProtocolCompat.audioRoutes(parsed)).isEqualTo(ROUTES);
    assertThat(ProtocolCompat.audioCaptureAll(parsed)).isFalse();
  }

  @Test
  void egressInfoAndIoMessages() throws IOException {
    assertSameBytes("egress_info_starting.bin", egressInfo());
    assertSameBytes("list_active_egress_response.bin",
        ListActiveEgressResponse.newBuilder().addEgressIds("EG_one").addEgressIds("EG_two").build());
    assertSameBytes("update_metrics_request.bin",
        UpdateMetricsRequest.newBuilder().setInfo(egressInfo()).setAvgCpuUsage(1.5f).setMaxCpuUsage(2.25f).build());
    assertSameBytes("get_egress_request.bin", GetEgressRequest.newBuilder().setEgressId("EG_abcdefghijkl").build());
  }

  @Test
  void psrpcRequest() throws IOException {
    var request = Request.newBuilder()
        .setRequestId("REQ_r1r1r1r1r1r1").setClientId("CLI_aaaaaaaaaaaa")
        .setSentAt(1764000000123456789L).setExpiry(1764000010123456789L)
        .putMetadata("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        .setRawRequest(GoWireFormat.toByteString(roomCompositeRequest()))
        .build();
    assertSameBytes("psrpc_request.bin", wrap(request));

    var multi = Request.newBuilder()
        .setRequestId("REQ_m2m2m2m2m2m2").setClientId("CLI_bbbbbbbbbbbb")
        .setSentAt(1764000000000000000L).setExpiry(1764000003000000000L).setMulti(true)
        .build();
    assertSameBytes("psrpc_request_multi.bin", wrap(multi));
  }

  @Test
  void psrpcResponses() throws IOException {
    var ok = Response.newBuilder()
        .setRequestId("REQ_r1r1r1r1r1r1").setServerId("SRV_cccccccccccc").setSentAt(1764000000223456789L)
        .setRawResponse(GoWireFormat.toByteString(egressInfo()))
        .build();
    assertSameBytes("psrpc_response.bin", wrap(ok));

    var error = Response.newBuilder()
        .setRequestId("REQ_r1r1r1r1r1r1").setServerId("SRV_cccccccccccc").setSentAt(1764000000223456789L)
        .setError("not enough CPU").setCode("unavailable")
        .build();
    assertSameBytes("psrpc_response_error.bin", wrap(error));
  }

  @Test
  void psrpcClaims() throws IOException {
    assertSameBytes("psrpc_claim_request.bin", wrap(ClaimRequest.newBuilder()
        .setRequestId("REQ_r1r1r1r1r1r1").setServerId("SRV_bbbbbbbbbbbb").setAffinity(0.5f).build()));
    assertSameBytes("psrpc_claim_response.bin", wrap(ClaimResponse.newBuilder()
        .setRequestId("REQ_r1r1r1r1r1r1").setServerId("SRV_cccccccccccc").build()));
  }

  static Stream.Builder stream() {
    return Stream.newBuilder()
        .setStreamId("STR_eeeeeeeeeeee").setRequestId("REQ_ffffffffffff")
        .setSentAt(1764000000000000001L).setExpiry(1764000003000000001L);
  }

  @Test
  void psrpcStreams() throws IOException {
    assertSameBytes("psrpc_stream_open.bin", wrap(stream()
        .setOpen(StreamOpen.newBuilder().setNodeId("CLI_dddddddddddd").putMetadata("k", "v")).build()));
    assertSameBytes("psrpc_stream_message.bin", wrap(stream()
        .setMessage(StreamMessage.newBuilder().setRawMessage(ByteString.copyFrom(new byte[] {1, 2, 3, (byte) 0xff}))).build()));
    assertSameBytes("psrpc_stream_ack.bin", wrap(stream().setAck(StreamAck.getDefaultInstance()).build()));
    assertSameBytes("psrpc_stream_close.bin", wrap(stream()
        .setClose(StreamClose.newBuilder().setError("stream closed").setCode("canceled")).build()));
  }
}
