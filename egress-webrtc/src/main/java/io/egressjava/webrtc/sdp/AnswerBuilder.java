package io.egressjava.webrtc.sdp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Writes our answer to an SFU offer (webrtc-receive.md §3): the same m-sections in the same order,
 * the data channel rejected (we do not speak SCTP; nothing on the server waits for it), media
 * accepted receive-only with the codecs we can depacketize and their RTX, NACK and PLI feedback,
 * of the header extensions only abs-capture-time (no REMB/TWCC estimator, so abs-send-time and
 * transport-cc are dropped and the SFU keeps forwarding the top layer), {@code a=setup:active} and one fingerprint throughout.
 */
public final class AnswerBuilder {
  public static final String ABS_CAPTURE_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time";
  private static final Set<String> AUDIO = Set.of("opus/48000/2", "pcmu/8000", "pcma/8000");
  private static final Set<String> VIDEO = Set.of("vp8/90000", "vp9/90000", "h264/90000", "av1/90000");

  private final String iceUfrag;
  private final String icePassword;
  private final String fingerprint;
  private final List<String> candidates;
  private final Set<String> videoCodecs;

  /**
   * @param fingerprint e.g. {@code sha-256 AB:…}
   * @param candidates  {@code candidate:…} values for our host candidates
   * @param videoCodecs lower-case encoding names we accept for video, e.g. {@code vp8, vp9, h264}
   */
  public AnswerBuilder(String iceUfrag, String icePassword, String fingerprint, List<String> candidates, Set<String> videoCodecs) {
    this.iceUfrag = iceUfrag;
    this.icePassword = icePassword;
    this.fingerprint = fingerprint;
    this.candidates = List.copyOf(candidates);
    this.videoCodecs = Set.copyOf(videoCodecs);
  }

  public String answer(SessionDescription offer, long version) {
    List<String> accepted = new ArrayList<>();
    List<StringBuilder> sections = new ArrayList<>();
    for (SessionDescription.Media m : offer.media()) {
      StringBuilder s = new StringBuilder();
      List<String> formats = m.port() == 0 ? List.of() : keptFormats(m);
      boolean accept = !formats.isEmpty() && (m.kind().equals("audio") || m.kind().equals("video"));
      if (!accept) {
        String fmt = m.formats().isEmpty() ? "0" : String.join(" ", m.formats());
        line(s, "m=" + m.kind() + " 0 " + m.protocol() + " " + fmt);
        line(s, "c=IN IP4 0.0.0.0");
        line(s, "a=mid:" + m.mid());
        // pion takes ICE credentials and the DTLS role from the first section it meets when all are rejected
        transport(s);
        if (sections.isEmpty()) {
          candidates(s);
        }
      } else {
        accepted.add(m.mid());
        line(s, "m=" + m.kind() + " 9 " + m.protocol() + " " + String.join(" ", formats));
        line(s, "c=IN IP4 0.0.0.0");
        line(s, "a=mid:" + m.mid());
        transport(s);
        line(s, "a=rtcp-mux");
        for (String pt : formats) {
          rtpmap(m, pt).ifPresent(v -> line(s, "a=rtpmap:" + pt + " " + v));
          m.attributes("fmtp").stream().filter(f -> f.startsWith(pt + " ")).forEach(f -> line(s, "a=fmtp:" + f));
          m.attributes("rtcp-fb").stream().filter(f -> f.startsWith(pt + " "))
              .filter(f -> f.endsWith(" nack") || f.endsWith(" nack pli"))
              .forEach(f -> line(s, "a=rtcp-fb:" + f));
        }
        // abs-capture-time only: per-packet capture times for lip sync (no bandwidth-estimation extensions)
        m.attributes("extmap").stream().filter(e -> e.endsWith(" " + ABS_CAPTURE_TIME))
            .forEach(e -> line(s, "a=extmap:" + e));
        String dir = m.direction();
        line(s, "a=" + (dir.equals("sendrecv") || dir.equals("sendonly") ? "recvonly" : "inactive"));
        if (accepted.size() == 1) {
          candidates(s);
        }
      }
      sections.add(s);
    }
    StringBuilder out = new StringBuilder();
    line(out, "v=0");
    line(out, "o=- 4215775240449105457 " + version + " IN IP4 0.0.0.0");
    line(out, "s=-");
    line(out, "t=0 0");
    line(out, "a=fingerprint:" + fingerprint);
    line(out, "a=extmap-allow-mixed");
    if (!accepted.isEmpty()) {
      line(out, "a=group:BUNDLE " + String.join(" ", accepted));
    }
    line(out, "a=msid-semantic: WMS");
    sections.forEach(out::append);
    return out.toString();
  }

  private void transport(StringBuilder s) {
    line(s, "a=ice-ufrag:" + iceUfrag);
    line(s, "a=ice-pwd:" + icePassword);
    line(s, "a=setup:active");
  }

  private void candidates(StringBuilder s) {
    candidates.forEach(c -> line(s, "a=" + c));
    line(s, "a=end-of-candidates");
  }

  /** The offer's payload types we keep, in the offer's order; RTX only for a kept codec. */
  List<String> keptFormats(SessionDescription.Media m) {
    Set<String> kept = new LinkedHashSet<>();
    for (String pt : m.formats()) {
      String codec = rtpmap(m, pt).map(v -> v.toLowerCase(Locale.ROOT)).orElse("");
      if (m.kind().equals("audio") && AUDIO.contains(codec)) {
        kept.add(pt);
      } else if (m.kind().equals("video") && VIDEO.contains(codec) && videoCodecs.contains(codec.substring(0, codec.indexOf('/')))) {
        String fmtp = fmtp(m, pt);
        if (codec.startsWith("h264") && !fmtp.contains("packetization-mode=1")) {
          continue; // the SFU binds by mime type to the first H.264 line; FU-A needs mode 1
        }
        kept.add(pt);
      }
    }
    for (String pt : m.formats()) {
      String codec = rtpmap(m, pt).map(v -> v.toLowerCase(Locale.ROOT)).orElse("");
      if (codec.startsWith("rtx/")) {
        String apt = fmtp(m, pt).replaceAll(".*apt=(\\d+).*", "$1");
        if (kept.contains(apt)) {
          kept.add(pt);
        }
      }
    }
    List<String> ordered = new ArrayList<>();
    for (String pt : m.formats()) {
      if (kept.contains(pt)) {
        ordered.add(pt);
      }
    }
    return ordered;
  }

  static Optional<String> rtpmap(SessionDescription.Media m, String pt) {
    return m.attributes("rtpmap").stream().filter(v -> v.startsWith(pt + " ")).map(v -> v.substring(pt.length() + 1)).findFirst();
  }

  static String fmtp(SessionDescription.Media m, String pt) {
    return m.attributes("fmtp").stream().filter(v -> v.startsWith(pt + " ")).map(v -> v.substring(pt.length() + 1)).findFirst().orElse("");
  }

  private static void line(StringBuilder s, String line) {
    s.append(line).append("\r\n");
  }
}
