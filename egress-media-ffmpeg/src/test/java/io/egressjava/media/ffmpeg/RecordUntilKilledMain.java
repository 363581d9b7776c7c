package io.egressjava.media.ffmpeg;

import io.egressjava.core.plan.Encoding;
import io.egressjava.core.plan.MediaCodec;
import java.nio.file.Path;

/** Run by {@link CrashSafeMp4IT} in a child JVM: records test media in real time until killed. */
public final class RecordUntilKilledMain {
  private RecordUntilKilledMain() {}

  public static void main(String[] args) throws Exception {
    Encoding e = new Encoding(640, 360, 24, 30, 1000, 1, "main", 128, 44100);
    FileMuxer mux = new FileMuxer(Path.of(args[0]), "mp4");
    VideoEncoder v = new VideoEncoder(e, mux.wantsGlobalHeader(), false);
    AudioEncoder a = new AudioEncoder(MediaCodec.AAC, 128, 44100, mux.wantsGlobalHeader());
    int vs = mux.addStream(v);
    int as = mux.addStream(a);
    long start = System.nanoTime();
    long samples = 0;
    for (int i = 0; ; i++) {
      TestMedia.fillFrame(v.writableFrame(), i);
      v.encode(p -> mux.write(vs, p));
      long until = (long) (i + 1) * 48_000 / 30;
      int n = (int) (until - samples);
      a.encode(TestMedia.tone(samples, n, 440), n * 4, p -> mux.write(as, p));
      samples = until;
      if (i % 30 == 0) {
        System.out.println("frames " + i);
        System.out.flush();
      }
      long due = start + (i + 1) * 1_000_000_000L / 30;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
  }
}
