package io.egressjava.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static io.egressjava.core.plan.EgressPlannerTest.*;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.errors.PsrpcCode;
import java.time.Duration;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitEgress.EncodedFileType;
import livekit.LivekitEgress.EncodingOptions;
import livekit.LivekitEgress.ImageOutput;
import livekit.LivekitEgress.StreamOutput;
import livekit.LivekitEgress.StreamProtocol;
import livekit.LivekitModels;
import org.junit.jupiter.api.Test;

/** The planner's output rules: files, segments, streams, images, storage, session limits, presets, template URLs. */
class PlanOutputsTest {
  // ---- outputs ---------------------------------------------------------------------------------

  @Test
  void fileOutputs() {
    // OGG cannot carry video; with a video codec asked for, the message names it
    fails(room(b -> b.addFileOutputs(EncodedFileOutput.newBuilder().setFileType(EncodedFileType.OGG))), INVALID,
        "no supported codec is compatible with all outputs");
    fails(room(b -> b.setAdvanced(EncodingOptions.newBuilder().setVideoCodec(LivekitModels.VideoCodec.H264_MAIN))
        .addFileOutputs(EncodedFileOutput.newBuilder().setFileType(EncodedFileType.OGG))), INVALID,
        "format audio/ogg incompatible with codec video/h264");
    // MP3 file for audio-only; a wrong known extension is replaced
    EgressPlan mp3 = plan(room(b -> b.setAudioOnly(true).addFileOutputs(EncodedFileOutput.newBuilder()
        .setFileTypeValue(3).setFilepath("out/talk.ogg"))));
    assertThat(mp3.file().storagePath()).isEqualTo("out/talk.mp3");
    assertThat(mp3.audio().codec()).isEqualTo(MediaCodec.MP3);
    EgressPlan aac = plan(room(b -> b.setAudioOnly(true)
        .setAdvanced(EncodingOptions.newBuilder().setAudioCodec(LivekitModels.AudioCodec.AAC))
        .addFileOutputs(EncodedFileOutput.newBuilder())));
    assertThat(aac.file().type()).isEqualTo(OutputType.MP4);
  }

  @Test
  void retriesNeedTheRetryPlaceholder() {
    fails(room(b -> b.addFileOutputs(mp4("fixed.mp4"))).toBuilder().setRetryCount(1).build(),
        PsrpcCode.FAILED_PRECONDITION, "output configuration does not support retry");
    EgressPlan p = plan(room(b -> b.addFileOutputs(mp4("rec-{retry}"))).toBuilder().setRetryCount(2).build());
    assertThat(p.file().storagePath()).isEqualTo("rec-2.mp4");
    fails(room(b -> b.addSegmentOutputs(hls("segments/my-stream", "segments/playlist-{retry}"))).toBuilder().setRetryCount(1).build(),
        PsrpcCode.FAILED_PRECONDITION, "output configuration does not support retry");
    assertThat(plan(room(b -> b.addSegmentOutputs(hls("", "segments/playlist-{retry}"))).toBuilder().setRetryCount(1).build())
        .segments().names().playlistFilename()).isEqualTo("playlist-1.m3u8");
  }

  @Test
  void segmentOutputs() {
    EgressPlan p = plan(room(b -> b.setAdvanced(EncodingOptions.newBuilder().setKeyFrameInterval(2))
        .addSegmentOutputs(hls("hls/seg", "hls/index").toBuilder().setSegmentDuration(6).setLivePlaylistName("hls/live")
            .setFilenameSuffix(LivekitEgress.SegmentedFileSuffix.TIMESTAMP))
        .addStreamOutputs(rtmp("rtmp://127.0.0.1/live/key123"))));
    assertThat(p.segments().segmentDurationSeconds()).isEqualTo(2); // min(key-frame interval, duration) with a stream
    assertThat(p.encoding().keyFrameInterval()).isZero();
    assertThat(p.segments().timestampSuffix()).isTrue();
    assertThat(p.info().getSegmentResults(0).getLivePlaylistName()).isEqualTo("hls/live.m3u8");
    fails(room(b -> b.addSegmentOutputs(hls("", "a/index").toBuilder().setLivePlaylistName("b/live"))), INVALID,
        "request has missing or invalid field: live_playlist_name must be in same directory as playlist_name");
    fails(room(b -> b.addSegmentOutputs(hls("", "a/index").toBuilder().setLivePlaylistName("a/index.m3u8"))), INVALID,
        "request has missing or invalid field: live_playlist_name cannot be identical to playlist_name");
    fails(room(b -> b.addSegmentOutputs(hls("a", "")).addSegmentOutputs(hls("b", ""))), INVALID,
        "request has missing or invalid field: multiple segmented file outputs");
    fails(room(b -> b.setAudioOnly(true).setAdvanced(EncodingOptions.newBuilder().setAudioCodec(LivekitModels.AudioCodec.AC_MP3))
            .addSegmentOutputs(hls("a", ""))),
        INVALID, "format application/x-mpegurl incompatible with codec audio/mpeg");
  }

  @Test
  void streamOutputs() {
    EgressPlan mux = plan(room(b -> b.addStreamOutputs(StreamOutput.newBuilder().addUrls("mux://abcdefgh12345"))));
    assertThat(mux.stream().targets().get(0).url()).isEqualTo("rtmps://global-live.mux.com:443/app/abcdefgh12345");
    assertThat(mux.info().getRoomComposite().getStreamOutputs(0).getUrls(0)).isEqualTo("mux://{abc...345}");
    EgressPlan srt = plan(room(b -> b.addStreamOutputs(StreamOutput.newBuilder().setProtocol(StreamProtocol.SRT)
        .addUrls("srt://127.0.0.1:8890?streamid=publish:x"))));
    assertThat(srt.stream().type()).isEqualTo(OutputType.SRT);
    assertThat(srt.audio().codec()).isEqualTo(MediaCodec.AAC);
    fails(room(b -> b.addStreamOutputs(rtmp("rtmp://host-only"))), INVALID,
        "invalid url rtmp://host-only: rtmp urls must be of format rtmp(s)://{host}(/{path})/{app}/{stream_key}( live=1)");
    fails(room(b -> b.addStreamOutputs(StreamOutput.newBuilder().addUrls("gopher://x/y/z"))), INVALID,
        "invalid url gopher://x/y/z: invalid protocol");
    fails(room(b -> b.addStreamOutputs(StreamOutput.newBuilder())), INVALID, "request has missing or invalid field: stream protocol");
    fails(room(b -> b.addStreamOutputs(rtmp())), INVALID, "request has missing or invalid field: stream url");
    fails(room(b -> b.addStreamOutputs(rtmp("srt://127.0.0.1:1/x"))), INVALID, "invalid url srt://127.0.0.1:1/x: invalid scheme");
    fails(room(b -> b.addStreamOutputs(rtmp("rtmp://a/b/c")).addStreamOutputs(rtmp("rtmp://a/b/d"))), INVALID,
        "request has missing or invalid field: multiple stream outputs");
    // a stream forces AAC, so an Opus-only file beside it cannot be satisfied
    fails(room(b -> b.setAudioOnly(true).addFileOutputs(EncodedFileOutput.newBuilder().setFileType(EncodedFileType.OGG))
        .addStreamOutputs(rtmp("rtmp://a/b/c"))), INVALID, "format audio/ogg incompatible with codec audio/aac");
  }

  @Test
  void imageOutputs() {
    EgressPlan p = plan(participant(b -> b.addImageOutputs(ImageOutput.newBuilder().setFilenamePrefix("thumbs/{room_name}")
        .setCaptureInterval(5).setFilenameSuffix(LivekitEgress.ImageFileSuffix.IMAGE_SUFFIX_TIMESTAMP))));
    var img = p.images().get(0);
    assertThat(img.captureInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(img.names().storageDir()).isEqualTo("thumbs/");
    assertThat(img.names().prefix()).isEqualTo("my-room");
    assertThat(img.width()).isZero(); // SDK: the track's size, known later
    assertThat(p.audio().enabled()).isFalse(); // images only record video
    assertThat(p.info().getImageResults(0).getFilenamePrefix()).isEqualTo("thumbs/my-room");
    assertThat(plan(room(b -> b.addImageOutputs(ImageOutput.newBuilder()))).images().get(0).captureInterval())
        .isEqualTo(Duration.ofSeconds(10));
    fails(room(b -> b.setAudioOnly(true).addImageOutputs(ImageOutput.newBuilder())), INVALID,
        "request has missing or invalid field: audio_only images");
    fails(room(b -> b.addImageOutputs(ImageOutput.newBuilder().setImageCodecValue(9))), INVALID,
        "no supported codec is compatible with all outputs");
    fails(room(b -> b.addImageOutputs(ImageOutput.newBuilder().setFilenameSuffixValue(7))), INVALID,
        "request has missing or invalid field: filename_suffix");
  }

  // ---- storage, limits, presets -------------------------------------------------------------

  @Test
  void storagePrecedenceAndLocalRefusal() {
    EgressConfig server = config("""
        api_key: k
        api_secret: s
        ws_url: ws://h
        storage:
          prefix: pre/
          s3: {bucket: server-bucket, max_retries: 9}
        """);
    EgressPlan fromServer = plan(server, room(b -> b.addFileOutputs(mp4(""))));
    assertThat(((StorageConfig.S3) fromServer.file().storage().provider()).bucket()).isEqualTo("server-bucket");
    EgressPlan fromRequest = plan(server, room(b -> b.addFileOutputs(mp4("").toBuilder()
        .setAzure(LivekitEgress.AzureBlobUpload.newBuilder().setContainerName("c")).build())));
    assertThat(fromRequest.file().storage().provider()).isInstanceOf(StorageConfig.Azure.class);
    assertThat(fromRequest.file().storage().prefix()).isEqualTo("pre/");
    EgressPlan requestS3 = plan(server, room(b -> b.addFileOutputs(mp4("").toBuilder()
        .setS3(LivekitEgress.S3Upload.newBuilder().setBucket("mine").setAccessKey("a").setSecret("b")).build())));
    assertThat(((StorageConfig.S3) requestS3.file().storage().provider()).maxRetries()).isEqualTo(9);
    assertThat(requestS3.info().getRoomComposite().getFileOutputs(0).getS3().getSecret()).isEqualTo("{secret}");

    EgressConfig noLocal = config("api_key: k\napi_secret: s\nws_url: ws://h\ndisallow_local_storage: true");
    fails(noLocal, room(b -> b.addFileOutputs(mp4(""))), INVALID, "request has missing or invalid field: output");
    fails(room(b -> b.addFileOutputs(mp4("").toBuilder()
        .setS3(LivekitEgress.S3Upload.newBuilder().setBucket("b").setAssumeRoleArn("arn:x")).build())),
        PsrpcCode.PERMISSION_DENIED, "S3 upload using AssumeRole is disabled for this account");
  }

  @Test
  void sessionLimitIsTheShortestForTheOutputs() {
    EgressConfig limited = config("""
        api_key: k
        api_secret: s
        ws_url: ws://h
        session_limits: {file_output_max_duration: 1h, stream_output_max_duration: 90m, segment_output_max_duration: 30m}
        """);
    assertThat(plan(limited, room(b -> b.addFileOutputs(mp4("")).addStreamOutputs(rtmp("rtmp://a/b/c")))).sessionLimit())
        .isEqualTo(Duration.ofHours(1));
    assertThat(plan(limited, room(b -> b.addFileOutputs(mp4("")).addSegmentOutputs(hls("", "")))).sessionLimit())
        .isEqualTo(Duration.ofMinutes(30));
    assertThat(plan(limited, room(b -> b.addImageOutputs(ImageOutput.newBuilder()))).sessionLimit()).isZero();
  }

  @Test
  void everyPresetsNumbers() {
    int[][] expected = {
        {1280, 720, 30, 3000}, {1280, 720, 60, 4500}, {1920, 1080, 30, 4500}, {1920, 1080, 60, 6000},
        {720, 1280, 30, 3000}, {720, 1280, 60, 4500}, {1080, 1920, 30, 4500}, {1080, 1920, 60, 6000}};
    for (int preset = 0; preset < expected.length; preset++) {
      int n = preset;
      Encoding e = plan(room(b -> b.setPresetValue(n).addFileOutputs(mp4("")))).encoding();
      assertThat(new int[] {e.width(), e.height(), e.framerate(), e.videoBitrate()}).as("preset %d", n).containsExactly(expected[n]);
      assertThat(e.audioBitrate()).isEqualTo(128);
      assertThat(e.audioFrequency()).isEqualTo(44100);
      assertThat(e.keyFrameInterval()).isZero();
      assertThat(e.videoProfile()).isEqualTo("main");
    }
    fails(room(b -> b.setPresetValue(42).addFileOutputs(mp4(""))), INVALID, "request has missing or invalid field: preset");
  }

  @Test
  void templateUrlKeepsAndSortsQuery() {
    assertThat(TemplateUrl.compose("http://h:1/t/?z=1&a=b c", "grid", "tok", "ws://x"))
        .isEqualTo("http://h:1/t/?a=b+c&layout=grid&token=tok&url=ws%3A%2F%2Fx&z=1");
  }
}
