package io.egressjava.bench;

import io.egressjava.media.ffmpeg.Ffmpeg;

/** Prints the path of the ffmpeg/ffprobe executable bundled with the loaded FFmpeg build. */
public final class BundledTool {
  private BundledTool() {}

  public static void main(String[] args) {
    System.out.println(Ffmpeg.bundledTool(args[0]));
  }
}
