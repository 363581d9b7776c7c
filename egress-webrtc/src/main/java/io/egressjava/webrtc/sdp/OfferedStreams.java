package io.egressjava.webrtc.sdp;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What each SSRC in a subscriber offer carries (webrtc-receive.md §1.4: map by SSRC → msid, never by
 * the publisher's mid): the track SID from {@code a=ssrc:<n> msid:<stream> <track>}, RTX SSRCs from
 * {@code a=ssrc-group:FID}, and per payload type the codec and, for RTX, the associated type.
 */
public final class OfferedStreams {

  /** One SSRC: its section, track and whether it is the RTX stream of {@code mediaSsrc}. */
  public record Stream(long ssrc, String mid, String kind, String trackSid, boolean rtx, long mediaSsrc,
      Map<Integer, String> codecs, Map<Integer, Integer> rtxApt, int captureTimeExtension) {

    /** Lower-case encoding name for a payload type, e.g. {@code vp8}, or null. */
    public String codec(int payloadType) {
      return codecs.get(payloadType);
    }
  }

  private final Map<Long, Stream> bySsrc;

  private OfferedStreams(Map<Long, Stream> bySsrc) {
    this.bySsrc = bySsrc;
  }

  public static OfferedStreams of(SessionDescription offer) {
    Map<Long, Stream> out = new HashMap<>();
    for (SessionDescription.Media m : offer.media()) {
      if (m.port() == 0 || !(m.kind().equals("audio") || m.kind().equals("video"))) {
        continue;
      }
      Map<Integer, String> codecs = new HashMap<>();
      Map<Integer, Integer> apt = new HashMap<>();
      for (String v : m.attributes("rtpmap")) {
        String[] f = v.split("[ /]");
        codecs.put(Integer.parseInt(f[0]), f[1].toLowerCase(Locale.ROOT));
      }
      for (String v : m.attributes("fmtp")) {
        int sp = v.indexOf(' ');
        if (sp > 0 && v.contains("apt=")) {
          apt.put(Integer.parseInt(v.substring(0, sp)), Integer.parseInt(v.replaceAll(".*apt=(\\d+).*", "$1")));
        }
      }
      int captureExt = m.attributes("extmap").stream().filter(e -> e.endsWith(" " + AnswerBuilder.ABS_CAPTURE_TIME))
          .map(e -> Integer.parseInt(e.split("[ /]")[0])).findFirst().orElse(0);
      Map<Long, Long> rtxOf = new HashMap<>();
      for (String g : m.attributes("ssrc-group")) {
        String[] f = g.split(" ");
        if (f[0].equals("FID") && f.length == 3) {
          rtxOf.put(Long.parseLong(f[2]), Long.parseLong(f[1]));
        }
      }
      Map<Long, String> track = new HashMap<>();
      for (String v : m.attributes("ssrc")) {
        String[] f = v.split(" ", 2);
        if (f.length == 2 && f[1].startsWith("msid:")) {
          String[] ids = f[1].substring(5).split(" ");
          track.put(Long.parseLong(f[0]), ids.length > 1 ? ids[1] : ids[0]);
        }
      }
      for (Map.Entry<Long, String> e : track.entrySet()) {
        long ssrc = e.getKey();
        Long media = rtxOf.get(ssrc);
        out.put(ssrc, new Stream(ssrc, m.mid(), m.kind(), e.getValue(), media != null, media == null ? ssrc : media,
            Map.copyOf(codecs), Map.copyOf(apt), captureExt));
      }
    }
    return new OfferedStreams(Map.copyOf(out));
  }

  public Stream get(long ssrc) {
    return bySsrc.get(ssrc);
  }

  public Map<Long, Stream> all() {
    return bySsrc;
  }
}
