package io.egressjava.bench;

import io.egressjava.core.plan.Encoding;
import io.egressjava.core.plan.MediaCodec;
import io.egressjava.media.ffmpeg.AudioEncoder;
import io.egressjava.media.ffmpeg.FileMuxer;
import io.egressjava.media.ffmpeg.VideoEncoder;
import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Our graph on the benchmark input: raw I420 + PCM → H.264 (3000 kbps, key frame every 2 s) + AAC
 * 128 kbps → fragmented MP4, finalized with fast start. Arguments: video, audio, output.
 */
public final class EncodeBench {
  private EncodeBench() {}

  public static void main(String[] args) throws Exception {
    Encoding e = Encoding.DEFAULT.withKeyFrameInterval(2);
    int w = e.width();
    int h = e.height();
    byte[] y = new byte[w * h];
    byte[] u = new byte[w * h / 4];
    byte[] v = new byte[w * h / 4];
    int samplesPerFrame = 48_000 / e.framerate();
    byte[] pcm = new byte[samplesPerFrame * 4];
    try (InputStream vin = new DataInputStream(Files.newInputStream(Path.of(args[0])));
        InputStream ain = Files.newInputStream(Path.of(args[1]));
        FileMuxer mux = new FileMuxer(Path.of(args[2]), "mp4");
        VideoEncoder video = new VideoEncoder(e, mux.wantsGlobalHeader(), false);
        AudioEncoder audio = new AudioEncoder(MediaCodec.AAC, e.audioBitrate(), e.audioFrequency(), mux.wantsGlobalHeader())) {
      int vs = mux.addStream(video);
      int as = mux.addStream(audio);
      while (vin.readNBytes(y, 0, y.length) == y.length && vin.readNBytes(u, 0, u.length) == u.length
          && vin.readNBytes(v, 0, v.length) == v.length) {
        AVFrame f = video.writableFrame();
        copyPlane(f, 0, y, w, h);
        copyPlane(f, 1, u, w / 2, h / 2);
        copyPlane(f, 2, v, w / 2, h / 2);
        video.encode(p -> mux.write(vs, p));
        int n = ain.readNBytes(pcm, 0, pcm.length);
        if (n > 0) {
          audio.encode(pcm, n, p -> mux.write(as, p));
        }
      }
      video.flush(p -> mux.write(vs, p));
      audio.flush(p -> mux.write(as, p));
    }
    System.out.println("encoder " + Files.size(Path.of(args[2])) + " bytes");
  }

  private static void copyPlane(AVFrame f, int plane, byte[] src, int width, int height) {
    int ls = f.linesize(plane);
    if (ls == width) {
      f.data(plane).put(src, 0, width * height);
      return;
    }
    var dst = f.data(plane);
    for (int row = 0; row < height; row++) {
      dst.position((long) row * ls).put(src, row * width, width);
    }
    dst.position(0);
  }
}
