package io.egressjava.examples;

import io.egressjava.api.rpc.StartEgressRequest;
import livekit.LivekitEgress;

/**
 * Records an audio and a video track of a room together into an MP4 (H.264 + AAC), decoding and
 * encoding in this JVM with the library API; either track may be "-" for none.
 * Usage: TrackCompositeExample <ws_url> <api_key> <api_secret> <room> <audio_track|-> <video_track|-> <output.mp4> [seconds]
 */
public final class TrackCompositeExample {
  public static void main(String[] args) throws Exception {
    var request = LivekitEgress.TrackCompositeEgressRequest.newBuilder().setRoomName(args[3])
        .setPreset(LivekitEgress.EncodingOptionsPreset.H264_720P_30)
        .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(args[6]));
    if (!args[4].equals("-")) {
      request.setAudioTrackId(args[4]);
    }
    if (!args[5].equals("-")) {
      request.setVideoTrackId(args[5]);
    }
    ExampleRun.record(ExampleRun.config(args[0], args[1], args[2]),
        StartEgressRequest.newBuilder().setTrackComposite(request).build(), args.length > 7 ? Integer.parseInt(args[7]) : 10);
  }
}
