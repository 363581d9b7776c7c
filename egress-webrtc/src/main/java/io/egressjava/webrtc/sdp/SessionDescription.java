package io.egressjava.webrtc.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A parsed SDP (RFC 8866) reduced to what answering the SFU needs: session attributes and, per
 * m-section, kind, port, protocol, formats and attributes in order.
 */
public record SessionDescription(List<String> sessionAttributes, List<Media> media) {

  /** One m-section. */
  public record Media(String kind, int port, String protocol, List<String> formats, List<String> attributes) {

    public Optional<String> attribute(String name) {
      return SessionDescription.attribute(attributes, name);
    }

    public List<String> attributes(String name) {
      return SessionDescription.attributes(attributes, name);
    }

    public String mid() {
      return attribute("mid").orElse("");
    }

    /** sendrecv, sendonly, recvonly or inactive (sendrecv when absent). */
    public String direction() {
      for (String a : attributes) {
        if (a.equals("sendrecv") || a.equals("sendonly") || a.equals("recvonly") || a.equals("inactive")) {
          return a;
        }
      }
      return "sendrecv";
    }
  }

  public static SessionDescription parse(String sdp) {
    List<String> session = new ArrayList<>();
    List<Media> media = new ArrayList<>();
    List<String> current = session;
    for (String raw : sdp.split("\r?\n")) {
      String line = raw.strip();
      if (line.length() < 2 || line.charAt(1) != '=') {
        continue;
      }
      char type = line.charAt(0);
      String value = line.substring(2);
      if (type == 'm') {
        String[] f = value.split(" ");
        if (f.length < 3) {
          throw new IllegalArgumentException("malformed m-line: " + line);
        }
        current = new ArrayList<>();
        media.add(new Media(f[0], Integer.parseInt(f[1]), f[2], List.of(f).subList(3, f.length), current));
      } else if (type == 'a') {
        current.add(value);
      }
    }
    return new SessionDescription(List.copyOf(session), List.copyOf(media));
  }

  public Optional<String> sessionAttribute(String name) {
    return attribute(sessionAttributes, name);
  }

  /** The first value of an attribute at session level or, failing that, in any section. */
  public Optional<String> anyAttribute(String name) {
    Optional<String> s = sessionAttribute(name);
    if (s.isPresent()) {
      return s;
    }
    return media.stream().map(m -> m.attribute(name)).flatMap(Optional::stream).findFirst();
  }

  public boolean iceLite() {
    return sessionAttributes.contains("ice-lite");
  }

  static Optional<String> attribute(List<String> attrs, String name) {
    List<String> all = attributes(attrs, name);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  static List<String> attributes(List<String> attrs, String name) {
    List<String> out = new ArrayList<>();
    for (String a : attrs) {
      if (a.equals(name)) {
        out.add("");
      } else if (a.startsWith(name + ":")) {
        out.add(a.substring(name.length() + 1));
      }
    }
    return out;
  }
}
