package io.egressjava.bench;

import io.egressjava.core.plan.Encoding;
import io.egressjava.core.plan.MediaCodec;
import io.egressjava.media.ffmpeg.AudioEncoder;
import io.egressjava.media.ffmpeg.FileMuxer;
import io.egressjava.media.ffmpeg.JpegWriter;
import io.egressjava.media.ffmpeg.SegmentWriter;
import io.egressjava.media.ffmpeg.TestMedia;
import io.egressjava.media.ffmpeg.VideoEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Native-leak check: encodes N minutes of media (as fast as it goes) through the MP4 file, HLS
 * segments and JPEG paths, printing the process RSS each media minute. Arguments: minutes, work dir.
 */
public final class RssSoak {
  private RssSoak() {}

  static long rssKb() {
    return ProcCpu.rssKb(ProcessHandle.current().pid());
  }

  public static void main(String[] args) throws Exception {
    int minutes = Integer.parseInt(args[0]);
    Path dir = Files.createDirectories(Path.of(args[1]));
    Encoding e = new Encoding(640, 360, 24, 30, 1000, 0, "main", 128, 44100);
    long first = -1;
    long max = 0;
    try (FileMuxer mux = new FileMuxer(dir.resolve("soak.mp4"), "mp4");
        VideoEncoder fileVideo = new VideoEncoder(e.withKeyFrameInterval(2), mux.wantsGlobalHeader(), false);
        AudioEncoder fileAudio = new AudioEncoder(MediaCodec.AAC, 128, 44100, mux.wantsGlobalHeader());
        VideoEncoder hlsVideo = new VideoEncoder(e, false, false);
        JpegWriter jpeg = new JpegWriter(320, 180);
        SegmentWriter segments = new SegmentWriter(i -> dir.resolve("seg_" + (i % 3) + ".ts"), 4, Instant.now(), hlsVideo, null,
            (file, start, duration) -> { })) {
      int vs = mux.addStream(fileVideo);
      int as = mux.addStream(fileAudio);
      long samples = 0;
      for (int i = 0; i < minutes * 60 * 30; i++) {
        TestMedia.fillFrame(fileVideo.writableFrame(), i);
        fileVideo.encode(p -> mux.write(vs, p));
        TestMedia.fillFrame(hlsVideo.writableFrame(), i);
        hlsVideo.encode(segments.keyFrameDue(hlsVideo.nextFrameTime()), segments::writeVideo);
        long until = (long) (i + 1) * 48_000 / 30;
        int n = (int) (until - samples);
        fileAudio.encode(TestMedia.tone(samples, n, 440), n * 4, p -> mux.write(as, p));
        samples = until;
        if (i % 300 == 0) {
          jpeg.write(hlsVideo.writableFrame(), dir.resolve("thumb.jpeg"));
        }
        if (i % (60 * 30) == 0) {
          long rss = rssKb();
          first = first < 0 && i > 0 ? rss : first;
          max = Math.max(max, rss);
          System.out.printf("media minute %2d: RSS %d MiB%n", i / 1800, rss >> 10);
        }
      }
      fileVideo.flush(p -> mux.write(vs, p));
      fileAudio.flush(p -> mux.write(as, p));
    }
    System.out.printf("RSS at minute 1: %d MiB, at the end: %d MiB, max %d MiB%n", first >> 10, rssKb() >> 10, max >> 10);
  }
}
