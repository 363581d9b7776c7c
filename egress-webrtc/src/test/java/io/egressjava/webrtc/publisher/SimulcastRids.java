package io.egressjava.webrtc.publisher;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renames libwebrtc's simulcast RIDs in a local offer so that livekit-server reads the layers the
 * right way round.
 *
 * <p>webrtc-java 0.14.0 cannot set RIDs (its RTCRtpEncodingParameters has no rid), so libwebrtc
 * names the encodings "0", "1", "2" in order; its plain libvpx VP8 encoder (no simulcast adapter
 * in webrtc-java's encoder factory) only accepts layers in ascending size, so "0" is the smallest.
 * livekit-server's numeric RID convention is the opposite ("0" full, "1" half, "2" quarter;
 * buffer.videoLayersRid210). Reversing the names in the offer before it is applied locally makes
 * libwebrtc put "2" on the smallest layer: it takes a send stream's RIDs from the local
 * description, in the order listed there.
 */
final class SimulcastRids {
  private static final Pattern RID = Pattern.compile("^a=rid:(\\d+) send(.*)$");
  private static final Pattern SIMULCAST = Pattern.compile("^a=simulcast:send (\\S+)(.*)$");

  private SimulcastRids() {}

  static String reverseNumericRids(String sdp) {
    String eol = sdp.contains("\r\n") ? "\r\n" : "\n";
    List<String> out = new ArrayList<>();
    List<String> section = new ArrayList<>();
    for (String line : sdp.split("\r?\n", -1)) {
      if (line.startsWith("m=")) {
        out.addAll(reverseSection(section));
        section.clear();
      }
      section.add(line);
    }
    out.addAll(reverseSection(section));
    return String.join(eol, out);
  }

  /** Within one m-section with RIDs 0..n-1, RID i becomes n-1-i (in a=rid and a=simulcast). */
  private static List<String> reverseSection(List<String> lines) {
    int count = (int) lines.stream().filter(l -> RID.matcher(l).matches()).count();
    if (count < 2) {
      return lines;
    }
    List<String> out = new ArrayList<>(lines.size());
    for (String line : lines) {
      Matcher rid = RID.matcher(line);
      Matcher simulcast = SIMULCAST.matcher(line);
      if (rid.matches()) {
        out.add("a=rid:" + reverse(rid.group(1), count) + " send" + rid.group(2));
      } else if (simulcast.matches()) {
        StringBuilder layers = new StringBuilder();
        for (String alternatives : simulcast.group(1).split(";")) {
          if (layers.length() > 0) {
            layers.append(';');
          }
          List<String> names = new ArrayList<>();
          for (String name : alternatives.split(",")) {
            boolean paused = name.startsWith("~");
            names.add((paused ? "~" : "") + reverse(paused ? name.substring(1) : name, count));
          }
          layers.append(String.join(",", names));
        }
        out.add("a=simulcast:send " + layers + simulcast.group(2));
      } else {
        out.add(line);
      }
    }
    return out;
  }

  private static String reverse(String rid, int count) {
    int i = Integer.parseInt(rid);
    if (i >= count) {
      throw new IllegalArgumentException("unexpected RID " + rid + " of " + count);
    }
    return Integer.toString(count - 1 - i);
  }
}
