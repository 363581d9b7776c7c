package io.egressjava.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.egressjava.core.plan.MediaCodec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encoded frames go into their container unchanged: the payload bytes read back equal the ones
 * written, and no encoder or decoder is opened on the way.
 */
class PassthroughTest {

  /** Encodes a source with the bundled ffmpeg CLI (the stand-in for a publisher's encoder). */
  static Path source(Path dir, String name, String... args) throws Exception {
    Path out = dir.resolve(name);
    List<String> cmd = new java.util.ArrayList<>(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-y", "-v", "error"));
    cmd.addAll(List.of(args));
    cmd.add(out.toString());
    String log = Probe.run(cmd);
    assertThat(out).as(log).exists();
    return out;
  }

  static void passthrough(Path src, Path dst, PassthroughMuxer.TrackFormat format, int clock) {
    List<PacketReader.Packet> packets = PacketReader.read(src);
    try (PassthroughMuxer mux = new PassthroughMuxer(dst, format.codec())) {
      int track = mux.addTrack(format);
      for (PacketReader.Packet p : packets) {
        mux.write(track, p.data(), Math.round(p.seconds() * clock), p.key());
      }
    }
  }

  static void assertSamePayloads(Path src, Path dst) {
    List<PacketReader.Packet> in = PacketReader.read(src);
    List<PacketReader.Packet> out = PacketReader.read(dst);
    assertThat(out).hasSameSizeAs(in);
    for (int i = 0; i < in.size(); i++) {
      assertThat(out.get(i).data()).as("payload of frame %d", i).isEqualTo(in.get(i).data());
      assertThat(out.get(i).key()).isEqualTo(in.get(i).key());
    }
  }

  @Test
  void vp8IntoWebm(@TempDir Path tmp) throws Exception {
    Path src = source(tmp, "src.ivf", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30", "-t", "3", "-c:v", "libvpx",
        "-b:v", "1M", "-g", "30");
    long opens = Ffmpeg.codecOpens();
    Path dst = tmp.resolve("track.webm");
    passthrough(src, dst, PassthroughMuxer.TrackFormat.video(MediaCodec.VP8, 640, 360), 90_000);
    assertThat(Ffmpeg.codecOpens()).isEqualTo(opens);
    assertSamePayloads(src, dst);
    var info = Probe.info(dst);
    assertThat(Probe.stream(info, "video").get("codec_name").asText()).isEqualTo("vp8");
    assertThat(info.get("format").get("duration").asDouble()).isCloseTo(3.0, within(0.1));
    assertThat(Probe.decodedVideoFrames(dst)).isEqualTo(90);
  }

  /**
   * A WebRTC track has a key frame only when one is asked for; a process killed while writing its
   * WebM keeps what reached the disk: all but the last second (the open cluster). With the muxer's
   * default 5 s clusters, nothing of the first 5 s was on disk.
   */
  @Test
  void aWebmCutShortKeepsAllButTheLastSecond(@TempDir Path tmp) throws Exception {
    Path src = source(tmp, "src.ivf", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=30", "-t", "4.5", "-c:v", "libvpx",
        "-b:v", "300k", "-g", "1000");
    Path dst = tmp.resolve("track.webm");
    Path cut = tmp.resolve("cut.webm");
    List<PacketReader.Packet> packets = PacketReader.read(src);
    try (PassthroughMuxer mux = new PassthroughMuxer(dst, MediaCodec.VP8)) {
      int track = mux.addTrack(PassthroughMuxer.TrackFormat.video(MediaCodec.VP8, 320, 180));
      for (PacketReader.Packet p : packets) {
        mux.write(track, p.data(), Math.round(p.seconds() * 90_000), p.key());
      }
      java.nio.file.Files.copy(dst, cut); // the file as a kill would leave it
    }
    assertThat(packets.stream().filter(PacketReader.Packet::key).count()).as("key frames").isEqualTo(1);
    assertThat(Probe.decodedVideoFrames(cut)).as("frames of 135 on disk before close").isGreaterThanOrEqualTo(135 - 32);
  }

  @Test
  void vp9IntoWebm(@TempDir Path tmp) throws Exception {
    Path src = source(tmp, "src.ivf", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30", "-t", "3", "-c:v", "libvpx-vp9",
        "-b:v", "1M", "-g", "30", "-deadline", "realtime", "-cpu-used", "8");
    long opens = Ffmpeg.codecOpens();
    Path dst = tmp.resolve("track.webm");
    passthrough(src, dst, PassthroughMuxer.TrackFormat.video(MediaCodec.VP9, 640, 360), 90_000);
    assertThat(Ffmpeg.codecOpens()).isEqualTo(opens);
    assertSamePayloads(src, dst);
    var info = Probe.info(dst);
    assertThat(Probe.stream(info, "video").get("codec_name").asText()).isEqualTo("vp9");
    assertThat(Probe.decodedVideoFrames(dst)).isEqualTo(90);
  }

  @Test
  void av1IntoWebm(@TempDir Path tmp) throws Exception {
    Path src = source(tmp, "src.ivf", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30", "-t", "3", "-c:v", "libsvtav1",
        "-b:v", "1M", "-g", "30", "-preset", "12");
    long opens = Ffmpeg.codecOpens();
    Path dst = tmp.resolve("track.webm");
    passthrough(src, dst, PassthroughMuxer.TrackFormat.video(MediaCodec.AV1, 640, 360), 90_000);
    assertThat(Ffmpeg.codecOpens()).isEqualTo(opens);
    // Matroska stores AV1 without the temporal delimiter OBU (0x12 0x00); everything else is unchanged
    List<PacketReader.Packet> in = PacketReader.read(src);
    List<PacketReader.Packet> out = PacketReader.read(dst);
    assertThat(out).hasSameSizeAs(in);
    for (int i = 0; i < in.size(); i++) {
      byte[] frame = in.get(i).data();
      assertThat(frame[0]).isEqualTo((byte) 0x12);
      assertThat(out.get(i).data()).as("payload of frame %d", i).isEqualTo(java.util.Arrays.copyOfRange(frame, 2, frame.length));
    }
    var info = Probe.info(dst);
    assertThat(Probe.stream(info, "video").get("codec_name").asText()).isEqualTo("av1");
    assertThat(info.get("format").get("duration").asDouble()).isCloseTo(3.0, within(0.1));
    assertThat(Probe.decodedVideoFrames(dst)).isEqualTo(90);
  }

  @Test
  void opusIntoOgg(@TempDir Path tmp) throws Exception {
    Path src = source(tmp, "src.ogg", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "3", "-ac", "2",
        "-c:a", "libopus", "-b:a", "64k");
    long opens = Ffmpeg.codecOpens();
    Path dst = tmp.resolve("track.ogg");
    passthrough(src, dst, PassthroughMuxer.TrackFormat.opus(2), 48_000);
    assertThat(Ffmpeg.codecOpens()).isEqualTo(opens);
    assertSamePayloads(src, dst);
    var info = Probe.info(dst);
    assertThat(Probe.stream(info, "audio").get("codec_name").asText()).isEqualTo("opus");
    assertThat(info.get("format").get("duration").asDouble()).isCloseTo(3.0, within(0.1));
    assertThat(Probe.meanVolumeDb(dst)).isGreaterThan(-25);
  }

  @Test
  void h264IntoMp4(@TempDir Path tmp) throws Exception {
    Path src = source(tmp, "src.h264", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30", "-t", "3", "-c:v", "libopenh264",
        "-b:v", "1M", "-g", "30", "-bsf:v", "h264_mp4toannexb");
    long opens = Ffmpeg.codecOpens();
    Path dst = tmp.resolve("track.mp4");
    List<PacketReader.Packet> packets = PacketReader.read(src);
    try (PassthroughMuxer mux = new PassthroughMuxer(dst, MediaCodec.H264)) {
      int track = mux.addTrack(PassthroughMuxer.TrackFormat.video(MediaCodec.H264, 640, 360));
      for (int i = 0; i < packets.size(); i++) { // raw .h264 has no timestamps: 30 fps on the RTP clock
        mux.write(track, packets.get(i).data(), i * 3000L, packets.get(i).key());
      }
    }
    assertThat(Ffmpeg.codecOpens()).isEqualTo(opens);
    var info = Probe.info(dst);
    assertThat(Probe.stream(info, "video").get("codec_name").asText()).isEqualTo("h264");
    assertThat(Probe.decodedVideoFrames(dst)).isEqualTo(90);
    assertThat(info.get("format").get("duration").asDouble()).isCloseTo(3.0, within(0.1));
  }
}
