package io.egressjava.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.egressjava.api.compat.ProtocolCompat;
import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.errors.EgressException;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.rpc.StartEgressRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import livekit.LivekitEgress;
import livekit.LivekitEgress.DirectFileOutput;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitEgress.EncodedFileType;
import livekit.LivekitEgress.EncodingOptions;
import livekit.LivekitEgress.ImageOutput;
import livekit.LivekitEgress.ParticipantEgressRequest;
import livekit.LivekitEgress.RoomCompositeEgressRequest;
import livekit.LivekitEgress.SegmentedFileOutput;
import livekit.LivekitEgress.StreamOutput;
import livekit.LivekitEgress.StreamProtocol;
import livekit.LivekitEgress.TrackCompositeEgressRequest;
import livekit.LivekitEgress.TrackEgressRequest;
import livekit.LivekitEgress.WebEgressRequest;
import livekit.LivekitModels;
import org.junit.jupiter.api.Test;

class EgressPlannerTest {
  // 2022-10-04T01:13:06.789Z
  static final Clock CLOCK = Clock.fixed(Instant.parse("2022-10-04T01:13:06.789Z"), ZoneId.of("UTC"));
  static final EgressConfig CONFIG = config("""
      api_key: devkey
      api_secret: secret
      ws_url: ws://127.0.0.1:7880
      redis: {address: 127.0.0.1:6379}
      """);

  static EgressConfig config(String yaml) {
    return EgressConfigLoader.fromYaml(yaml, Map.of()).config();
  }

  static EgressPlan plan(StartEgressRequest r) {
    return new EgressPlanner(CONFIG, CLOCK).plan(r);
  }

  static EgressPlan plan(EgressConfig c, StartEgressRequest r) {
    return new EgressPlanner(c, CLOCK).plan(r);
  }

  static StartEgressRequest.Builder base() {
    return StartEgressRequest.newBuilder().setEgressId("EG_test").setRoomId("RM_room");
  }

  static StartEgressRequest room(UnaryOperator<RoomCompositeEgressRequest.Builder> f) {
    return base().setRoomComposite(f.apply(RoomCompositeEgressRequest.newBuilder().setRoomName("my-room"))).build();
  }

  static StartEgressRequest web(UnaryOperator<WebEgressRequest.Builder> f) {
    return base().setRoomId("").setWeb(f.apply(WebEgressRequest.newBuilder().setUrl("https://example.com/page"))).build();
  }

  static StartEgressRequest participant(UnaryOperator<ParticipantEgressRequest.Builder> f) {
    return base().setParticipant(f.apply(ParticipantEgressRequest.newBuilder().setRoomName("my-room").setIdentity("alice"))).build();
  }

  static StartEgressRequest trackComposite(UnaryOperator<TrackCompositeEgressRequest.Builder> f) {
    return base().setTrackComposite(f.apply(TrackCompositeEgressRequest.newBuilder().setRoomName("my-room")
        .setAudioTrackId("TR_a").setVideoTrackId("TR_v"))).build();
  }

  static StartEgressRequest track(UnaryOperator<TrackEgressRequest.Builder> f) {
    return base().setTrack(f.apply(TrackEgressRequest.newBuilder().setRoomName("my-room").setTrackId("TR_a"))).build();
  }

  static StartEgressRequest v2(UnaryOperator<LivekitEgress.StartEgressRequest.Builder> f) {
    return base().setEgress(f.apply(LivekitEgress.StartEgressRequest.newBuilder().setRoomName("my-room"))).build();
  }

  static EncodedFileOutput mp4(String path) {
    return EncodedFileOutput.newBuilder().setFileType(EncodedFileType.MP4).setFilepath(path).build();
  }

  static StreamOutput rtmp(String... urls) {
    return StreamOutput.newBuilder().setProtocol(StreamProtocol.RTMP).addAllUrls(List.of(urls)).build();
  }

  static SegmentedFileOutput hls(String prefix, String playlist) {
    return SegmentedFileOutput.newBuilder().setFilenamePrefix(prefix).setPlaylistName(playlist).build();
  }

  static void fails(StartEgressRequest r, PsrpcCode code, String message) {
    fails(CONFIG, r, code, message);
  }

  static void fails(EgressConfig c, StartEgressRequest r, PsrpcCode code, String message) {
    assertThatThrownBy(() -> plan(c, r))
        .isInstanceOf(EgressException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((EgressException) e).code()).isEqualTo(code));
  }

  static final PsrpcCode INVALID = PsrpcCode.INVALID_ARGUMENT;

  // ---- common --------------------------------------------------------------------------------

  @Test
  void egressIdIsRequired() {
    fails(base().setEgressId("").setRoomComposite(RoomCompositeEgressRequest.newBuilder().setRoomName("r")).build(),
        INVALID, "request has missing or invalid field: egressID");
    fails(base().build(), INVALID, "request has missing or invalid field: request");
  }

  @Test
  void replayIsNotSupported() {
    fails(base().setReplay(LivekitEgress.ExportReplayRequest.newBuilder().setReplayId("R")).build(),
        INVALID, "replay export is not yet supported");
  }

  // ---- room composite ------------------------------------------------------------------------

  /** The page's own sound is captured with a custom template, or when the operator asks for it. */
  @Test
  void roomCompositeSoundComesFromThePageWhereTheEgressCannotMixIt() {
    EgressPlan custom = plan(room(b -> b.setLayout("grid").setCustomBaseUrl("https://templates.example.com/")
        .addFileOutputs(mp4(""))));
    assertThat(custom.source().mixesRoomAudio()).isFalse();
    assertThat(custom.source().webUrl()).doesNotContain("audio=0");
    EgressConfig page = config("""
        api_key: devkey
        api_secret: secret
        ws_url: ws://127.0.0.1:7880
        room_composite_audio: page
        """);
    assertThat(plan(page, room(b -> b.setLayout("grid").addFileOutputs(mp4("")))).source().mixesRoomAudio()).isFalse();
    assertThat(plan(room(b -> b.setLayout("grid").setVideoOnly(true).addFileOutputs(mp4("")))).source().mixesRoomAudio())
        .as("no sound to mix").isFalse();
    assertThatThrownBy(() -> config("api_key: k\napi_secret: s\nroom_composite_audio: chrome\n"))
        .hasMessageContaining("room_composite_audio");
  }

  /** room_composite_renderer: native composes a room composite on a built-in layout; a custom page stays Chrome's. */
  @Test
  void nativeRendererForBuiltInLayouts() {
    EgressConfig nat = config("api_key: k\napi_secret: s\nws_url: ws://127.0.0.1:7880\nroom_composite_renderer: native\n");
    assertThat(nat.nativeRoomComposite()).isTrue();
    assertThat(config("api_key: k\napi_secret: s\n").nativeRoomComposite()).as("native by default").isTrue();
    assertThat(config("api_key: k\napi_secret: s\nroom_composite_renderer: chrome\n").nativeRoomComposite()).isFalse();
    assertThat(config("api_key: k\napi_secret: s\n").economyRoomCompositeEncoding()).as("economy by default").isTrue();
    assertThat(config("api_key: k\napi_secret: s\nroom_composite_encoding: standard\n").economyRoomCompositeEncoding())
        .isFalse();
    assertThatThrownBy(() -> config("api_key: k\napi_secret: s\nroom_composite_encoding: cheap\n"))
        .hasMessageContaining("room_composite_encoding");
    assertThatThrownBy(() -> config("api_key: k\napi_secret: s\nroom_composite_renderer: gpu\n"))
        .hasMessageContaining("room_composite_renderer");
    assertThat(plan(nat, room(b -> b.setLayout("speaker").addFileOutputs(mp4("")))).source().builtInLayout()).isTrue();
    assertThat(plan(nat, room(b -> b.setLayout("grid").setCustomBaseUrl("http://127.0.0.1:1/").addFileOutputs(mp4(""))))
        .source().builtInLayout()).isFalse();
  }

  /** A layout given as regions needs the native renderer: Chrome's page draws the built-in names only. */
  @Test
  void regionLayoutsOnlyWhereTheNativeRendererDrawsThem() {
    EgressConfig nat = config("api_key: k\napi_secret: s\nws_url: ws://127.0.0.1:7880\n"); // native by default
    EgressConfig chrome = config("api_key: k\napi_secret: s\nws_url: ws://127.0.0.1:7880\nroom_composite_renderer: chrome\n");
    String regions = "{\"regions\":[{\"w\":0.5,\"show\":\"speaker\"},{\"x\":0.5,\"w\":0.5,\"show\":\"others\"}]}";
    assertThat(plan(nat, room(b -> b.setLayout(regions).addFileOutputs(mp4("")))).source().layout()).isEqualTo(regions);
    assertThatThrownBy(() -> plan(chrome, room(b -> b.setLayout(regions).addFileOutputs(mp4("")))))
        .isInstanceOf(EgressException.class).hasMessageContaining("invalid field: layout (regions are drawn by the native renderer");
    assertThatThrownBy(() -> plan(nat, room(b -> b.setLayout("{\"regions\":[{\"w\":2,\"show\":\"next\"}]}")
        .addFileOutputs(mp4(""))))).hasMessageContaining("layout region 1: \"w\" must be a number above 0 to 1");
  }

  @Test
  void roomCompositeToMp4() {
    EgressPlan p = plan(room(b -> b.setLayout("grid").addFileOutputs(mp4(""))));
    assertThat(p.requestType()).isEqualTo(RequestType.ROOM_COMPOSITE);
    assertThat(p.sourceType()).isEqualTo(LivekitEgress.EgressSourceType.EGRESS_SOURCE_TYPE_WEB);
    assertThat(p.source().awaitStartSignal()).isTrue();
    assertThat(p.file().storagePath()).isEqualTo("my-room-2022-10-04T011306.mp4");
    assertThat(p.audio()).isEqualTo(new EgressPlan.Audio(true, true, MediaCodec.AAC));
    assertThat(p.video()).isEqualTo(new EgressPlan.Video(true, true, MediaCodec.H264));
    assertThat(p.encoding()).isEqualTo(Encoding.DEFAULT);
    assertThat(p.wsUrl()).isEqualTo("ws://127.0.0.1:7880");
    // the built-in templates leave the sound to the egress (audio=0), which joins a second time to mix it
    assertThat(p.source().webUrl())
        .startsWith("http://localhost:7980/?audio=0&layout=grid&token=ey")
        .endsWith("&url=ws%3A%2F%2F127.0.0.1%3A7880");
    assertThat(p.source().mixesRoomAudio()).isTrue();
    String claims = new String(java.util.Base64.getUrlDecoder().decode(p.source().roomAudioToken().split("\\.")[1]),
        java.nio.charset.StandardCharsets.UTF_8);
    assertThat(claims).contains("\"sub\":\"" + p.egressId() + "_audio\"", "\"hidden\":true", "\"canPublish\":false");
    EgressInfoAssert.startingInfo(p);
    assertThat(p.info().getFileResults(0).getFilename()).isEqualTo("my-room-2022-10-04T011306.mp4");
    assertThat(p.info().getFile().getFilename()).isEqualTo("my-room-2022-10-04T011306.mp4"); // deprecated single result
    assertThat(p.manifest()).isTrue();
  }

  @Test
  void roomCompositeAudioOnlyWithoutLayoutUsesTheSdkAndOgg() {
    EgressPlan p = plan(room(b -> b.setAudioOnly(true).addFileOutputs(EncodedFileOutput.newBuilder().setFilepath("a/"))));
    assertThat(p.sourceType()).isEqualTo(LivekitEgress.EgressSourceType.EGRESS_SOURCE_TYPE_SDK);
    assertThat(p.file().type()).isEqualTo(OutputType.OGG);
    assertThat(p.file().storagePath()).isEqualTo("a/my-room-2022-10-04T011306.ogg");
    assertThat(p.audio().codec()).isEqualTo(MediaCodec.OPUS);
    assertThat(p.video().enabled()).isFalse();
  }

  /** A JSON layout (docs/consent.md): the page gets its name, the runner the rest; a broken one is refused. */
  @Test
  void roomCompositeWithAJsonLayout() {
    String layout = "{\"layout\":\"speaker\",\"paused\":true}";
    EgressPlan p = plan(room(b -> b.setLayout(layout).addFileOutputs(mp4(""))));
    assertThat(p.source().webUrl()).contains("layout=speaker&");
    assertThat(p.source().layout()).isEqualTo(layout);
    EgressPlan voice = plan(room(b -> b.setAudioOnly(true).setLayout("{\"paused\":true}")
        .addFileOutputs(EncodedFileOutput.newBuilder().setFilepath("a/"))));
    assertThat(voice.sourceType()).as("no layout name: no page").isEqualTo(LivekitEgress.EgressSourceType.EGRESS_SOURCE_TYPE_SDK);
    fails(room(b -> b.setLayout("{\"paused\":\"yes\"}").addFileOutputs(mp4(""))), INVALID,
        "request has missing or invalid field: layout (layout field \"paused\" must be true or false, not \"yes\")");
    fails(room(b -> b.setLayout("{\"exclude\":[\"kind:face\"]}").addFileOutputs(mp4(""))), INVALID,
        "request has missing or invalid field: layout (kind must be audio, video or screen_share, not face)");
  }

  @Test
  void roomCompositeInvalid() {
    fails(room(b -> b.setAudioOnly(true).setVideoOnly(true).addFileOutputs(mp4(""))), INVALID,
        "request has missing or invalid field: audio_only and video_only");
    fails(room(b -> b.setCustomBaseUrl("ftp://x/").addFileOutputs(mp4(""))), INVALID,
        "request has missing or invalid field: template base url");
    fails(room(b -> b), INVALID, "request has missing or invalid field: output");
    fails(room(b -> b.addFileOutputs(mp4("a")).addFileOutputs(mp4("b"))), INVALID,
        "request has missing or invalid field: multiple file outputs");
    fails(room(b -> b.setPresetValue(Encoding.PRESET_PASSTHROUGH).addFileOutputs(mp4(""))), INVALID,
        "request has missing or invalid field: preset");
  }

  @Test
  void missingConnectionInfo() {
    EgressConfig noKeys = config("redis: {address: x}\nws_url: ws://h");
    fails(noKeys, room(b -> b.addFileOutputs(mp4(""))), INVALID, "request has missing or invalid field: token or api key/secret");
    EgressConfig noUrl = config("redis: {address: x}\napi_key: k\napi_secret: s");
    fails(noUrl, room(b -> b.addFileOutputs(mp4(""))), INVALID, "request has missing or invalid field: ws_url");
    // the request's own token and URL are enough
    EgressPlan p = plan(noKeys, room(b -> b.addFileOutputs(mp4(""))).toBuilder().setToken("t").build());
    assertThat(p.token()).isEqualTo("t");
  }

  @Test
  void mintedTokenIsAHiddenRecorder() {
    EgressPlan p = plan(track(b -> b.setFile(DirectFileOutput.newBuilder().setFilepath("x"))));
    String[] parts = p.token().split("\\.");
    String claims = new String(Base64.getUrlDecoder().decode(parts[1]));
    assertThat(claims).contains("\"iss\":\"devkey\"", "\"sub\":\"EG_test\"", "\"kind\":\"egress\"",
        "\"roomJoin\":true", "\"room\":\"my-room\"", "\"canSubscribe\":true", "\"canPublish\":false",
        "\"hidden\":true", "\"recorder\":true", "\"exp\":" + (CLOCK.instant().getEpochSecond() + 86400));
  }

  // ---- web -------------------------------------------------------------------------------------

  @Test
  void webToHls() {
    EgressPlan p = plan(web(b -> b.setAwaitStartSignal(true).addSegmentOutputs(hls("", ""))));
    assertThat(p.requestType()).isEqualTo(RequestType.WEB);
    assertThat(p.source().webUrl()).isEqualTo("https://example.com/page");
    assertThat(p.token()).isEmpty();
    assertThat(p.segments().names().playlistFilename()).isEqualTo("web-2022-10-04T011306.m3u8");
    assertThat(p.segments().segmentDurationSeconds()).isEqualTo(4);
    assertThat(p.info().getSegmentResults(0).getPlaylistName()).isEqualTo("web-2022-10-04T011306.m3u8");
  }

  @Test
  void webInvalid() {
    fails(web(b -> b.setUrl("").addFileOutputs(mp4(""))), INVALID, "request has missing or invalid field: web url");
    fails(web(b -> b.setUrl("file:///etc/passwd").addFileOutputs(mp4(""))), INVALID, "request has missing or invalid field: web url");
  }

  // ---- participant ---------------------------------------------------------------------------

  @Test
  void participantToStreamAndFile() {
    EgressPlan p = plan(participant(b -> b.setScreenShare(true).addFileOutputs(mp4("{room_name}/rec"))
        .addStreamOutputs(rtmp("rtmp://127.0.0.1:1935/live/streamkey"))));
    assertThat(p.requestType()).isEqualTo(RequestType.PARTICIPANT);
    assertThat(p.source().identity()).isEqualTo("alice");
    assertThat(p.source().screenShare()).isTrue();
    assertThat(p.file().storagePath()).isEqualTo("my-room/rec.mp4");
    assertThat(p.encoding().keyFrameInterval()).isEqualTo(4.0); // streams default to 4 s
    assertThat(p.stream().targets().get(0).redacted()).isEqualTo("rtmp://127.0.0.1:1935/live/{str...key}");
    assertThat(p.info().getStreamResults(0).getUrl()).isEqualTo("rtmp://127.0.0.1:1935/live/{str...key}");
    assertThat(p.info().getStreamResults(0).getStartedAt()).isZero(); // RTMP starts when connected
    assertThat(p.info().hasFile()).isFalse(); // two kinds: no deprecated single result
  }

  @Test
  void participantOutputsAreNamedAfterThePublisher() {
    assertThat(plan(participant(b -> b.addFileOutputs(mp4("p/{publisher_identity}")))).file().storagePath())
        .isEqualTo("p/alice.mp4");
    assertThat(plan(participant(b -> b.addFileOutputs(mp4("")))).file().storagePath())
        .isEqualTo("alice-2022-10-04T011306.mp4");
  }

  @Test
  void participantInvalid() {
    fails(participant(b -> b.setIdentity("").addFileOutputs(mp4(""))), INVALID, "request has missing or invalid field: identity");
  }

  // ---- track composite -----------------------------------------------------------------------

  @Test
  void trackCompositeToSegmentsWithAdvancedOptions() {
    EgressPlan p = plan(trackComposite(b -> b.setAdvanced(EncodingOptions.newBuilder().setWidth(640).setHeight(360)
        .setFramerate(25).setVideoBitrate(1200).setKeyFrameInterval(2).setVideoCodec(LivekitModels.VideoCodec.H264_HIGH))
        .addSegmentOutputs(hls("seg/{room_name}", "seg/index.m3u8"))));
    assertThat(p.encoding()).isEqualTo(new Encoding(640, 360, 24, 25, 1200, 0, "high", 128, 44100));
    assertThat(p.segments().names().segmentPrefix()).isEqualTo("my-room");
    assertThat(p.segments().names().storageDir()).isEqualTo("seg/");
    assertThat(p.source().audioTrackId()).isEqualTo("TR_a");
    assertThat(p.source().videoTrackId()).isEqualTo("TR_v");
  }

  @Test
  void trackCompositeInvalid() {
    fails(trackComposite(b -> b.setAudioTrackId("").setVideoTrackId("").addFileOutputs(mp4(""))), INVALID,
        "request has missing or invalid field: audio_track_id or video_track_id");
    fails(trackComposite(b -> b.setAdvanced(EncodingOptions.newBuilder().setWidth(15)).addFileOutputs(mp4(""))), INVALID,
        "request has missing or invalid field: width");
    fails(trackComposite(b -> b.setAdvanced(EncodingOptions.newBuilder().setHeight(721)).addFileOutputs(mp4(""))), INVALID,
        "request has missing or invalid field: height");
    fails(trackComposite(b -> b.setAdvanced(EncodingOptions.newBuilder().setDepth(12)).addFileOutputs(mp4(""))), INVALID,
        "request has missing or invalid field: depth");
  }

  // ---- track -----------------------------------------------------------------------------------

  @Test
  void trackToFileIsPassthroughWithTheContainerChosenLater() {
    EgressPlan p = plan(track(b -> b.setFile(DirectFileOutput.newBuilder().setFilepath("{track_type}-{track_id}"))));
    assertThat(p.passthrough()).isTrue();
    assertThat(p.file().type()).isEqualTo(OutputType.UNKNOWN_FILE);
    assertThat(p.file().storagePath()).isNull();
    assertThat(p.file().template()).isEqualTo("{track_type}-{track_id}");
    assertThat(p.source().trackId()).isEqualTo("TR_a");
    assertThat(p.audio().codec()).isNull();
  }

  @Test
  void trackToWebsocket() {
    EgressPlan p = plan(track(b -> b.setWebsocketUrl("wss://127.0.0.1:8080/audio?key=supersecret")));
    assertThat(p.stream().type()).isEqualTo(OutputType.RAW);
    assertThat(p.stream().targets().get(0).url()).isEqualTo("wss://127.0.0.1:8080/audio?key=supersecret");
    assertThat(p.info().getTrack().getWebsocketUrl()).isEqualTo("wss://127.0.0.1:8080/audio?key={sup...ret}");
    assertThat(p.info().getStreamResults(0).getStartedAt()).isEqualTo(p.info().getStartedAt());
  }

  @Test
  void trackInvalid() {
    fails(track(b -> b.setTrackId("").setFile(DirectFileOutput.newBuilder())), INVALID, "request has missing or invalid field: track_id");
    fails(track(b -> b), INVALID, "request has missing or invalid field: output");
    fails(track(b -> b.setWebsocketUrl("http://127.0.0.1/x")), INVALID, "invalid url http://127.0.0.1/x: invalid scheme");
  }

  // ---- v2 --------------------------------------------------------------------------------------

  @Test
  void v2TemplateWithStorageOverrides() {
    var s3 = LivekitEgress.StorageConfig.newBuilder().setS3(LivekitEgress.S3Upload.newBuilder()
        .setBucket("req").setAccessKey("AK").setSecret("SK")).build();
    var gcp = LivekitEgress.StorageConfig.newBuilder().setGcp(LivekitEgress.GCPUpload.newBuilder().setBucket("out")).build();
    EgressPlan p = plan(v2(b -> b.setTemplate(LivekitEgress.TemplateSource.newBuilder().setLayout("speaker"))
        .setStorage(s3)
        .addOutputs(LivekitEgress.Output.newBuilder().setFile(LivekitEgress.FileOutput.newBuilder().setFilepath("f.mp4")))
        .addOutputs(LivekitEgress.Output.newBuilder().setImages(ImageOutput.newBuilder().setFilenamePrefix("img/t"))
            .setStorage(gcp))));
    assertThat(p.requestType()).isEqualTo(RequestType.TEMPLATE);
    assertThat(((StorageConfig.S3) p.file().storage().provider()).bucket()).isEqualTo("req");
    assertThat(((StorageConfig.Gcp) p.images().get(0).storage().provider()).bucket()).isEqualTo("out");
    assertThat(p.images().get(0).width()).isEqualTo(1280); // web-rendered: the encoding size
    // request copy in EgressInfo field 29 with secrets redacted
    var copy = ProtocolCompat.v2Request(p.info());
    assertThat(copy.getStorage().getS3().getAccessKey()).isEqualTo("{access_key}");
    assertThat(copy.getStorage().getS3().getSecret()).isEqualTo("{secret}");
  }

  @Test
  void v2MediaWithRoutesAndWebsocketDropsVideo() {
    var audio = ProtocolCompat.audioConfig(false, List.of(LivekitEgress.AudioRoute.newBuilder().setParticipantIdentity("bob").build()));
    EgressPlan p = plan(v2(b -> b.setMedia(LivekitEgress.MediaSource.newBuilder().setVideoTrackId("TR_v").setAudio(audio))
        .addOutputs(LivekitEgress.Output.newBuilder().setStream(StreamOutput.newBuilder().addUrls("ws://127.0.0.1:9/a")))));
    assertThat(p.requestType()).isEqualTo(RequestType.MEDIA);
    assertThat(p.video().enabled()).isFalse();
    assertThat(p.audio().codec()).isEqualTo(MediaCodec.RAW_AUDIO);
    assertThat(p.source().audioRoutes()).hasSize(1);
  }

  @Test
  void v2PassthroughMedia() {
    EgressPlan p = plan(v2(b -> b.setPresetValue(Encoding.PRESET_PASSTHROUGH)
        .setMedia(LivekitEgress.MediaSource.newBuilder().setVideoTrackId("TR_v"))
        .addOutputs(LivekitEgress.Output.newBuilder().setFile(LivekitEgress.FileOutput.newBuilder()))));
    assertThat(p.passthrough()).isTrue();
    assertThat(p.source().trackId()).isEqualTo("TR_v");
    assertThat(p.file().type()).isEqualTo(OutputType.UNKNOWN_FILE);
  }

  @Test
  void v2Invalid() {
    var fileOut = LivekitEgress.Output.newBuilder().setFile(LivekitEgress.FileOutput.newBuilder()).build();
    fails(v2(b -> b.addOutputs(fileOut)), INVALID, "request has missing or invalid field: source");
    fails(v2(b -> b.setMedia(LivekitEgress.MediaSource.newBuilder()).addOutputs(fileOut)), INVALID,
        "request has missing or invalid field: audio or video");
    fails(v2(b -> b.setWeb(LivekitEgress.WebSource.newBuilder().setUrl("https://x.y/"))), INVALID,
        "request has missing or invalid field: output");
    fails(v2(b -> b.setWeb(LivekitEgress.WebSource.newBuilder().setUrl("https://x.y/")).addOutputs(LivekitEgress.Output.newBuilder())),
        INVALID, "request has missing or invalid field: output config");
    fails(v2(b -> b.setPresetValue(Encoding.PRESET_PASSTHROUGH).setWeb(LivekitEgress.WebSource.newBuilder().setUrl("https://x.y/"))
        .addOutputs(fileOut)), INVALID, "request has missing or invalid field: passthrough source");
    fails(v2(b -> b.setPresetValue(Encoding.PRESET_PASSTHROUGH)
        .setMedia(LivekitEgress.MediaSource.newBuilder().setVideoTrackId("TR_v"))
        .addOutputs(LivekitEgress.Output.newBuilder().setFile(LivekitEgress.FileOutput.newBuilder().setFileType(EncodedFileType.MP4)))),
        INVALID, "request has missing or invalid field: passthrough file_type");
    fails(v2(b -> b.setPresetValue(Encoding.PRESET_PASSTHROUGH)
        .setMedia(LivekitEgress.MediaSource.newBuilder().setVideoTrackId("TR_v")
            .setAudio(ProtocolCompat.audioConfig(false, List.of(LivekitEgress.AudioRoute.newBuilder().setTrackId("TR_a").build()))))
        .addOutputs(fileOut)), INVALID, "request has missing or invalid field: passthrough track_id");
  }
}
