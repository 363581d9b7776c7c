package io.egressjava.media.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avdevice;

/**
 * Captures an X display ({@code x11grab}) and a PulseAudio source ({@code pulse}) in-process, each on
 * its own thread. Both devices stamp packets with the wall clock (µs), so pictures and sound share
 * one clock: times are reported in seconds since {@link #start}'s epoch. The sound input is opened
 * first: with the display opened first this FFmpeg build kept only a few pictures (deps.md §1).
 */
public final class DeviceCapture implements AutoCloseable {

  /** Where captured media goes (called from the capture threads). */
  public interface Sink {
    /** A picture in the display's pixel format; valid during the call. */
    void picture(AVFrame frame, double seconds);

    /** PCM s16le 48 kHz stereo. */
    void sound(byte[] pcm, int length, double seconds);

    /** A device stopped delivering (e.g. the display server went away). */
    void failed(String device, String error);
  }

  private final AVFormatContext screen = new AVFormatContext(null);
  private final AVFormatContext sound = new AVFormatContext(null);
  private final boolean withVideo;
  private final boolean withAudio;
  private volatile boolean running;
  private volatile long epochMicros;
  private Thread videoThread;
  private Thread audioThread;

  /**
   * @param display e.g. ":101" (null: no video)
   * @param pulseSource e.g. "sink.monitor" (null: no audio)
   * @param pulseServer PULSE_SERVER address for the pulse input
   */
  public DeviceCapture(String display, int width, int height, int fps, String pulseSource, String pulseServer) {
    Ffmpeg.load();
    avdevice.avdevice_register_all();
    withAudio = pulseSource != null;
    withVideo = display != null;
    if (withAudio) {
      open(sound, "pulse", pulseSource, Map.of("sample_rate", "48000", "channels", "2", "server", pulseServer,
          "fragment_size", "3840"));
    }
    if (withVideo) {
      try {
        open(screen, "x11grab", display + ".0+0,0", Map.of("video_size", width + "x" + height,
            "framerate", String.valueOf(fps), "draw_mouse", "0"));
      } catch (RuntimeException e) {
        if (withAudio) {
          avformat_close_input(sound);
        }
        throw e;
      }
    }
  }

  private static void open(AVFormatContext ctx, String format, String url, Map<String, String> options) {
    AVInputFormat input = av_find_input_format(format);
    if (input == null) {
      throw new MediaException("this FFmpeg build has no " + format + " input");
    }
    AVDictionary dict = new AVDictionary(null);
    options.forEach((k, v) -> av_dict_set(dict, k, v, 0));
    try {
      Ffmpeg.check(avformat_open_input(ctx, url, input, dict), "avformat_open_input(" + format + " " + url + ")");
    } finally {
      av_dict_free(dict);
    }
  }

  /** Starts both threads; media stamped before {@code epochMicros} (wall clock, µs) is dropped. */
  public void start(long epochMicros, Sink sink) {
    this.epochMicros = epochMicros;
    running = true;
    if (withAudio) {
      audioThread = new Thread(() -> readSound(sink), "capture-pulse");
      audioThread.start();
    }
    if (withVideo) {
      videoThread = new Thread(() -> readScreen(sink), "capture-x11");
      videoThread.start();
    }
  }

  /** What to do with one packet read from a device, stamped on the egress clock. */
  @FunctionalInterface
  private interface PacketHandler {
    void handle(AVPacket packet, double seconds);
  }

  /** Reads {@code device} until closed; packets from before the epoch are dropped; a read error fails the sink. */
  private void readLoop(AVFormatContext device, String name, Sink sink, PacketHandler handler) {
    AVPacket p = av_packet_alloc();
    var tb = device.streams(0).time_base();
    try {
      while (running) {
        int ret = av_read_frame(device, p);
        if (ret < 0) {
          if (running) {
            sink.failed(name, Ffmpeg.error(ret));
          }
          return;
        }
        double t = (p.pts() * (double) tb.num() / tb.den()) - epochMicros / 1e6;
        if (t >= 0) {
          handler.handle(p, t);
        }
        av_packet_unref(p);
      }
    } finally {
      av_packet_free(p);
    }
  }

  private void readScreen(Sink sink) {
    AVFrame frame = av_frame_alloc();
    var par = screen.streams(0).codecpar();
    try {
      readLoop(screen, "x11grab", sink, (p, t) -> {
        // the packet is one raw picture: wrap it as a frame without copying or decoding
        frame.format(par.format());
        frame.width(par.width());
        frame.height(par.height());
        frame.data(0, p.data());
        frame.linesize(0, p.size() / par.height());
        sink.picture(frame, t);
      });
    } finally {
      av_frame_free(frame);
    }
  }

  private void readSound(Sink sink) {
    byte[][] buf = {new byte[0]};
    readLoop(sound, "pulse", sink, (p, t) -> {
      if (buf[0].length < p.size()) {
        buf[0] = new byte[p.size()];
      }
      p.data().get(buf[0], 0, p.size());
      sink.sound(buf[0], p.size(), t);
    });
  }

  /** Stops both threads (each returns after its current read) and closes the devices. */
  @Override
  public void close() {
    running = false;
    join(videoThread);
    join(audioThread);
    if (withVideo) {
      avformat_close_input(screen);
    }
    if (withAudio) {
      avformat_close_input(sound);
    }
  }

  private static void join(Thread t) {
    if (t == null) {
      return;
    }
    try {
      t.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
