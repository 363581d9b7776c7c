package io.egressjava.examples;

import io.egressjava.api.rpc.StartEgressRequest;
import livekit.LivekitEgress;

/**
 * Records a web page to MP4 in this JVM with the library API: no Redis, no livekit-server.
 * Usage: WebEgressExample <url> <output.mp4> [seconds, default 10]
 */
public final class WebEgressExample {
  public static void main(String[] args) throws Exception {
    var web = LivekitEgress.WebEgressRequest.newBuilder().setUrl(args[0])
        .setPreset(LivekitEgress.EncodingOptionsPreset.H264_720P_30)
        .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(args[1]));
    // a web egress needs no room: api key/secret and ws_url only have to be present
    ExampleRun.record(ExampleRun.config("ws://unused", "unused", "unused"),
        StartEgressRequest.newBuilder().setWeb(web).build(), args.length > 2 ? Integer.parseInt(args[2]) : 10);
  }
}
