package io.egressjava.examples;

import io.egressjava.api.rpc.StartEgressRequest;
import livekit.LivekitEgress;

/**
 * Records a whole room into an MP4 with the library API: the grid layout composed without a browser
 * (with {@code room_composite_renderer: chrome} in the config, rendered by Chrome), or,
 * with {@code audio-only} and an .ogg output, every participant's audio mixed without a browser.
 * Usage: RoomCompositeExample <ws_url> <api_key> <api_secret> <room> <output> [seconds, default 10] [audio-only]
 */
public final class RoomCompositeExample {
  public static void main(String[] args) throws Exception {
    boolean audioOnly = args.length > 6 && args[6].equals("audio-only");
    var request = LivekitEgress.RoomCompositeEgressRequest.newBuilder().setRoomName(args[3]).setAudioOnly(audioOnly)
        .setPreset(LivekitEgress.EncodingOptionsPreset.H264_720P_30)
        .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(args[4]));
    if (!audioOnly) {
      request.setLayout("grid");
    }
    ExampleRun.record(ExampleRun.config(args[0], args[1], args[2]),
        StartEgressRequest.newBuilder().setRoomComposite(request).build(), args.length > 5 ? Integer.parseInt(args[5]) : 10);
  }
}
